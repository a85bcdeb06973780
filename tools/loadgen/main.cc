// erphub-loadgen: drives erphub's webhook intake with signed Shopify orders and measures how long
// each order takes from its acceptance (the hub's 202) to its arrival at erphub-receiver.
//
//   erphub-loadgen send --url URL --secret S --template ORDER.json --rate 1000 --duration 10
//                       --record RECEIVER.ndjson
//   erphub-loadgen wrk-script --path /webhooks/shop/orders --secret S --template ORDER.json
//                       --out orders.lua

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "core/clock.h"
#include "core/json.h"
#include "net/http_client.h"
#include "tools/loadgen/delivery_record.h"
#include "tools/loadgen/signed_orders.h"

namespace erphub::loadgen {
namespace {

using SteadyClock = std::chrono::steady_clock;

int64_t NowMicros() { return ToUnixMicros(SystemClock::Default().Now()); }

std::string RandomRunId() {
  std::random_device device;
  char text[17];
  std::snprintf(text, sizeof text, "%08x%08x", device(), device());
  return text;
}

// --- send ---

struct SendArgs {
  std::string url;
  std::string secret;
  std::string template_file;
  std::string record;
  double rate = 1000;
  double duration = 10;
  int64_t count = 0;
  int connections = 16;
  double settle = 30;
  int64_t first_id = 0;
  bool json = false;
};

struct Sent {
  int64_t n = 0;
  int64_t order_id = 0;
  int64_t sent_us = 0;
  int64_t answered_us = 0;
  int status = 0;  // 0: no answer
};

// The q-quantile (nearest rank) of sorted values; 0 when empty.
double Quantile(const std::vector<double>& sorted, double q) {
  if (sorted.empty()) {
    return 0;
  }
  size_t rank = static_cast<size_t>(std::ceil(q * static_cast<double>(sorted.size())));
  return sorted[std::clamp<size_t>(rank, 1, sorted.size()) - 1];
}

Value Summary(std::vector<double> ms) {
  std::sort(ms.begin(), ms.end());
  Object out;
  out.Append("count", Value::Int(static_cast<int64_t>(ms.size())));
  for (auto [name, q] : {std::pair{"p50", 0.5}, {"p90", 0.9}, {"p99", 0.99}, {"max", 1.0}}) {
    out.Append(name, Value::Double(std::round(Quantile(ms, q) * 1000) / 1000));
  }
  return Value::MakeObject(std::move(out));
}

std::string Describe(const Value& summary) {
  char text[160];
  std::snprintf(
      text, sizeof text, "p50 %.2f ms  p90 %.2f ms  p99 %.2f ms  max %.2f ms",
      summary.Get("p50").as_number().ToDouble(), summary.Get("p90").as_number().ToDouble(),
      summary.Get("p99").as_number().ToDouble(), summary.Get("max").as_number().ToDouble());
  return text;
}

int RunSend(const SendArgs& args) {
  int64_t first_id = args.first_id > 0 ? args.first_id : NowMicros() / 1000 * 1000;
  Result<OrderFactory> factory = OrderFactory::FromFile(args.template_file, args.secret, first_id);
  if (!factory.ok()) {
    std::fprintf(stderr, "erphub-loadgen: %s\n", factory.status().ToString().c_str());
    return 2;
  }
  bool paced = args.rate > 0;
  int64_t total = args.count > 0 ? args.count
                  : paced        ? static_cast<int64_t>(args.rate * args.duration)
                                 : INT64_MAX;
  // Paced runs sign every order beforehand, so signing does not disturb the pace.
  std::vector<SignedOrder> prepared;
  if (paced || args.count > 0) {
    prepared.reserve(static_cast<size_t>(total));
    for (int64_t n = 0; n < total; ++n) {
      prepared.push_back(factory->Make(n));
    }
  }
  std::string run_id = RandomRunId();
  net::HttpClientOptions client_options;
  client_options.total_timeout = std::chrono::seconds(30);
  client_options.user_agent = "Shopify-Captain-Hook";
  net::HttpClient client(client_options);

  std::atomic<int64_t> next{0};
  std::atomic<bool> stop{false};
  std::vector<std::vector<Sent>> per_thread(static_cast<size_t>(args.connections));
  auto start = SteadyClock::now();
  auto deadline = start + std::chrono::duration_cast<SteadyClock::duration>(
                              std::chrono::duration<double>(args.duration));
  std::vector<std::thread> threads;
  for (int t = 0; t < args.connections; ++t) {
    threads.emplace_back([&, t] {
      std::vector<Sent>& sent = per_thread[static_cast<size_t>(t)];
      while (!stop.load(std::memory_order_relaxed)) {
        int64_t n = next.fetch_add(1);
        if (n >= total) {
          break;
        }
        if (paced) {
          std::this_thread::sleep_until(
              start + std::chrono::duration_cast<SteadyClock::duration>(
                          std::chrono::duration<double>(static_cast<double>(n) / args.rate)));
        } else if (args.count <= 0 && SteadyClock::now() >= deadline) {
          stop = true;
          break;
        }
        SignedOrder order = prepared.empty() ? factory->Make(n) : prepared[static_cast<size_t>(n)];
        net::ClientRequest request;
        request.method = "POST";
        request.url = args.url;
        request.headers.Add("Content-Type", "application/json");
        request.headers.Add("X-Shopify-Topic", "orders/create");
        request.headers.Add("X-Shopify-Shop-Domain", "erphub-demo.myshopify.com");
        request.headers.Add("X-Shopify-Hmac-Sha256", order.signature);
        request.headers.Add("X-Shopify-Webhook-Id", run_id + "-" + std::to_string(n));
        request.body = std::move(order.body);
        Sent record{n, order.order_id, NowMicros(), 0, 0};
        Result<net::HttpResponse> response = client.Send(request);
        record.answered_us = NowMicros();
        record.status = response.ok() ? response->status : 0;
        sent.push_back(record);
      }
    });
  }
  for (std::thread& thread : threads) {
    thread.join();
  }
  double elapsed = std::chrono::duration<double>(SteadyClock::now() - start).count();

  std::vector<Sent> all;
  for (auto& part : per_thread) {
    all.insert(all.end(), part.begin(), part.end());
  }
  std::map<int, int64_t> statuses;
  std::vector<double> accept_ms;
  std::unordered_map<int64_t, int64_t> accepted_at;  // order id -> 202 time
  for (const Sent& sent : all) {
    ++statuses[sent.status];
    if (sent.status == 202) {
      accept_ms.push_back(static_cast<double>(sent.answered_us - sent.sent_us) / 1000.0);
      accepted_at.emplace(sent.order_id, sent.answered_us);
    }
  }

  Object out;
  out.Append("sent", Value::Int(static_cast<int64_t>(all.size())));
  out.Append("seconds", Value::Double(std::round(elapsed * 1000) / 1000));
  out.Append("rate", Value::Double(std::round(static_cast<double>(all.size()) / elapsed)));
  out.Append("target_rate", Value::Double(args.rate));
  out.Append("connections", Value::Int(args.connections));
  Object by_status;
  for (auto [status, count] : statuses) {
    by_status.Append(status == 0 ? "no answer" : std::to_string(status), Value::Int(count));
  }
  out.Append("answers", Value::MakeObject(std::move(by_status)));
  out.Append("send_to_accept_ms", Summary(accept_ms));

  std::string human;
  char line[256];
  std::snprintf(line, sizeof line,
                "sent %zu signed orders in %.2f s: %.0f/s (%s), %d connections\n", all.size(),
                elapsed, static_cast<double>(all.size()) / elapsed,
                paced ? ("target " + std::to_string(static_cast<int>(args.rate)) + "/s").c_str()
                      : "as fast as possible",
                args.connections);
  human += line;
  human += "answers:";
  for (auto [status, count] : statuses) {
    human += " " + (status == 0 ? std::string("none") : std::to_string(status)) + " x " +
             std::to_string(count);
  }
  human += "\nsend -> 202      " + Describe(*out.Find("send_to_accept_ms")) + "\n";

  if (!args.record.empty()) {
    DeliveryRecord record(args.record);
    auto settle_deadline = SteadyClock::now() + std::chrono::duration_cast<SteadyClock::duration>(
                                                    std::chrono::duration<double>(args.settle));
    auto delivered_count = [&] {
      size_t count = 0;
      for (const auto& [order_id, at] : accepted_at) {
        count += record.delivered().count(order_id);
      }
      return count;
    };
    record.Poll();
    while (delivered_count() < accepted_at.size() && SteadyClock::now() < settle_deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      record.Poll();
    }
    std::vector<double> delivery_ms;
    for (const auto& [order_id, accepted] : accepted_at) {
      auto delivered = record.delivered().find(order_id);
      if (delivered != record.delivered().end()) {
        delivery_ms.push_back(static_cast<double>(delivered->second - accepted) / 1000.0);
      }
    }
    out.Append("delivered", Value::Int(static_cast<int64_t>(delivery_ms.size())));
    out.Append("repeats", Value::Int(static_cast<int64_t>(record.repeats())));
    out.Append("accept_to_delivery_ms", Summary(delivery_ms));
    human += "delivered " + std::to_string(delivery_ms.size()) + " of " +
             std::to_string(accepted_at.size()) + " accepted (" + std::to_string(record.repeats()) +
             " repeated deliveries)\n";
    human += "202 -> delivered  " + Describe(*out.Find("accept_to_delivery_ms")) + "\n";
  }
  Value result = Value::MakeObject(std::move(out));
  if (args.json) {
    std::printf("%s\n", ToJson(result, JsonWriteOptions{.indent = 2}).c_str());
  } else {
    std::fputs(human.c_str(), stdout);
  }
  bool all_accepted = static_cast<int64_t>(accept_ms.size()) == static_cast<int64_t>(all.size());
  bool all_delivered =
      args.record.empty() || result.Get("delivered").as_number().ToInt64().value_or(0) ==
                                 static_cast<int64_t>(accepted_at.size());
  return all_accepted && all_delivered ? 0 : 1;
}

// --- wrk-script ---

struct WrkArgs {
  std::string path = "/webhooks/shop/orders";
  std::string secret;
  std::string template_file;
  std::string out;
  int variants = 200;
  int64_t first_id = 0;
};

// A Lua string literal holding any bytes.
std::string LuaString(std::string_view bytes) {
  std::string out = "\"";
  for (unsigned char c : bytes) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20 || c >= 0x7f) {
      char escape[8];
      std::snprintf(escape, sizeof escape, "\\%03u", c);
      out += escape;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

int RunWrkScript(const WrkArgs& args) {
  int64_t first_id = args.first_id > 0 ? args.first_id : NowMicros() / 1000 * 1000;
  Result<OrderFactory> factory = OrderFactory::FromFile(args.template_file, args.secret, first_id);
  if (!factory.ok()) {
    std::fprintf(stderr, "erphub-loadgen: %s\n", factory.status().ToString().c_str());
    return 2;
  }
  std::string lua =
      "-- wrk script written by erphub-loadgen: " + std::to_string(args.variants) +
      " distinct signed Shopify orders, sent in turn;\n"
      "-- every request carries its own X-Shopify-Webhook-Id, so each one is a new delivery.\n"
      "local bodies = {\n";
  std::string signatures = "local signatures = {\n";
  size_t body_bytes = 0;
  for (int n = 0; n < args.variants; ++n) {
    SignedOrder order = factory->Make(n);
    body_bytes += order.body.size();
    lua += "  " + LuaString(order.body) + ",\n";
    signatures += "  " + LuaString(order.signature) + ",\n";
  }
  lua += "}\n" + signatures + "}\n";
  lua += "local path = " + LuaString(args.path) + "\n";
  lua += "local run = " + LuaString(RandomRunId()) + "\n";
  lua += R"(local threads = 0
local sent = 0

function setup(thread)
  threads = threads + 1
  thread:set("thread_id", threads)
end

function init(args)
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["X-Shopify-Topic"] = "orders/create"
  wrk.headers["X-Shopify-Shop-Domain"] = "erphub-demo.myshopify.com"
end

function request()
  sent = sent + 1
  local i = sent % #bodies + 1
  wrk.headers["X-Shopify-Hmac-Sha256"] = signatures[i]
  wrk.headers["X-Shopify-Webhook-Id"] = run .. "-" .. thread_id .. "-" .. sent
  return wrk.format("POST", path, wrk.headers, bodies[i])
end
)";
  std::ofstream out(args.out, std::ios::binary);
  out << lua;
  if (!out) {
    std::fprintf(stderr, "erphub-loadgen: cannot write %s\n", args.out.c_str());
    return 1;
  }
  std::fprintf(stderr, "erphub-loadgen: wrote %s (%d orders, %zu bytes each on average)\n",
               args.out.c_str(), args.variants, body_bytes / static_cast<size_t>(args.variants));
  return 0;
}

}  // namespace
}  // namespace erphub::loadgen

int main(int argc, char** argv) {
  using namespace erphub::loadgen;
  CLI::App app{
      "erphub-loadgen: signed Shopify order webhooks for erphub's intake, at a fixed rate or as\n"
      "fast as possible, with acceptance-to-delivery latency read from erphub-receiver's record."};
  app.require_subcommand(1);
  int exit_code = 0;

  auto send = std::make_shared<SendArgs>();
  CLI::App* send_cmd = app.add_subcommand("send", "Send orders and measure.");
  send_cmd->add_option("--url", send->url, "The webhook endpoint")->required();
  send_cmd->add_option("--secret", send->secret, "The Shopify signing secret")->required();
  send_cmd->add_option("--template", send->template_file, "A Shopify order (JSON)")->required();
  send_cmd->add_option("--rate", send->rate, "Orders per second; 0: as fast as possible")
      ->capture_default_str();
  send_cmd->add_option("--duration", send->duration, "Seconds to send for")->capture_default_str();
  send_cmd->add_option("--count", send->count, "Send exactly this many instead");
  send_cmd->add_option("--connections", send->connections, "Concurrent connections")
      ->capture_default_str()
      ->check(CLI::Range(1, 1024));
  send_cmd->add_option("--record", send->record,
                       "erphub-receiver's --record file: wait for the deliveries and measure");
  send_cmd->add_option("--settle", send->settle, "Seconds to wait for the last deliveries")
      ->capture_default_str();
  send_cmd->add_option("--first-id", send->first_id, "Order id of the first order");
  send_cmd->add_flag("--json", send->json, "Print the figures as JSON");
  send_cmd->callback([send, &exit_code] { exit_code = RunSend(*send); });

  auto wrk = std::make_shared<WrkArgs>();
  CLI::App* wrk_cmd =
      app.add_subcommand("wrk-script", "Write a wrk Lua script that sends signed orders.");
  wrk_cmd->add_option("--path", wrk->path, "The webhook path")->capture_default_str();
  wrk_cmd->add_option("--secret", wrk->secret, "The Shopify signing secret")->required();
  wrk_cmd->add_option("--template", wrk->template_file, "A Shopify order (JSON)")->required();
  wrk_cmd->add_option("--out", wrk->out, "The Lua file to write")->required();
  wrk_cmd->add_option("--variants", wrk->variants, "Distinct orders in the script")
      ->capture_default_str()
      ->check(CLI::Range(1, 100000));
  wrk_cmd->add_option("--first-id", wrk->first_id, "Order id of the first order");
  wrk_cmd->callback([wrk, &exit_code] { exit_code = RunWrkScript(*wrk); });

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }
  return exit_code;
}
