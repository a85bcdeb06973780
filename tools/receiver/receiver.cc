#include "tools/receiver/receiver.h"

#include <cstdio>

#include "core/clock.h"
#include "core/json.h"

namespace erphub::receiver {
namespace {

constexpr std::string_view kControlPrefix = "/_receiver/";

Value HeadersValue(const net::Headers& headers) {
  Object out;
  for (const auto& [name, value] : headers) {
    if (Value* existing = out.FindMutable(name)) {
      *existing = Value::Str(std::string(existing->as_string()) + ", " + value);
    } else {
      out.Append(name, Value::Str(value));
    }
  }
  return Value::MakeObject(std::move(out));
}

int IntField(const Value& object, std::string_view name, int fallback) {
  const Value& field = object.Get(name);
  if (!field.is_number()) {
    return fallback;
  }
  return static_cast<int>(field.as_number().ToInt64().value_or(fallback));
}

}  // namespace

Receiver::Receiver(ReceiverOptions options)
    : options_(std::move(options)),
      server_([&] {
        net::HttpServerOptions server;
        server.host = options_.host;
        server.port = options_.port;
        server.io_threads = options_.io_threads;
        server.max_body_bytes = 64 << 20;
        server.server_header = "erphub-receiver";
        return server;
      }()),
      failures_(options_.failures) {}

Receiver::~Receiver() { Stop(); }

Status Receiver::Start() {
  if (!options_.record_file.empty()) {
    record_ = std::fopen(options_.record_file.c_str(), "a");
    if (record_ == nullptr) {
      return UnavailableError("cannot open the record file", options_.record_file);
    }
  }
  server_.SetFallback([this](net::HttpRequest request, net::Responder responder) {
    OnRequest(std::move(request), std::move(responder));
  });
  timer_thread_ = std::thread([this] { RunTimers(); });
  return server_.Start();
}

void Receiver::Stop() {
  server_.Stop(std::chrono::seconds(2));
  {
    std::lock_guard lock(mu_);
    if (stopping_) {
      return;
    }
    stopping_ = true;
  }
  timer_cv_.notify_all();
  if (timer_thread_.joinable()) {
    timer_thread_.join();
  }
  std::lock_guard lock(mu_);
  if (record_ != nullptr) {
    std::fclose(record_);
    record_ = nullptr;
  }
}

ReceiverStats Receiver::stats() const {
  std::lock_guard lock(mu_);
  return stats_;
}

void Receiver::OnRequest(net::HttpRequest request, net::Responder responder) {
  if (request.path.starts_with(kControlPrefix)) {
    responder.Respond(Control(request));
    return;
  }
  net::HttpResponse response = Answer(request);
  if (options_.delay.count() <= 0) {
    responder.Respond(std::move(response));
    return;
  }
  {
    std::lock_guard lock(mu_);
    timers_.emplace(SteadyClock::now() + options_.delay,
                    std::make_pair(std::move(responder), std::move(response)));
  }
  timer_cv_.notify_all();
}

net::HttpResponse Receiver::Answer(const net::HttpRequest& request) {
  int64_t at_us = ToUnixMicros(SystemClock::Default().Now());
  std::string key(request.headers.GetOr("Idempotency-Key", ""));
  std::lock_guard lock(mu_);
  ++stats_.requests;
  if (failures_.remaining > 0) {
    --failures_.remaining;
    ++stats_.failed;
    net::HttpResponse response = net::HttpResponse::Json(failures_.status, failures_.body);
    if (failures_.body.empty()) {
      response = net::HttpResponse::Empty(failures_.status);
    }
    if (failures_.retry_after_seconds >= 0) {
      response.headers.Set("Retry-After", std::to_string(failures_.retry_after_seconds));
    }
    Record(request, response.status, false, at_us);
    return response;
  }
  if (!key.empty()) {
    auto taken = taken_.find(key);
    if (taken != taken_.end()) {
      ++stats_.duplicates;
      Record(request, 200, true, at_us);
      return net::HttpResponse::Json(200, taken->second);
    }
  }
  ++stats_.delivered;
  char number[32];
  std::snprintf(number, sizeof number, "SO-%06llu",
                static_cast<unsigned long long>(next_document_++));
  Object body;
  body.Append("id", Value::Str(number));
  body.Append("status", Value::Str("created"));
  std::string text = ToJson(Value::MakeObject(std::move(body)));
  if (key.empty()) {
    ++stats_.without_key;
  } else {
    taken_.emplace(key, text);
  }
  Record(request, options_.ok_status, false, at_us);
  net::HttpResponse response = net::HttpResponse::Json(options_.ok_status, std::move(text));
  response.headers.Set("Location", request.path + "/" + number);
  return response;
}

void Receiver::Record(const net::HttpRequest& request, int status, bool duplicate, int64_t at_us) {
  if (record_ == nullptr) {
    return;
  }
  Object line;
  line.Append("seq", Value::Int(static_cast<int64_t>(stats_.requests)));
  line.Append("at", Value::Str(FormatUtc(FromUnixMicros(at_us))));
  line.Append("at_us", Value::Int(at_us));
  line.Append("method", Value::Str(request.method));
  line.Append("path", Value::Str(request.path));
  line.Append("headers", HeadersValue(request.headers));
  line.Append("body", Value::Str(request.body));
  Result<Value> json = ParseJson(request.body);
  if (json.ok()) {
    line.Append("json", *json);
  }
  line.Append("status", Value::Int(status));
  line.Append("duplicate", Value::Bool(duplicate));
  std::string text = ToJson(Value::MakeObject(std::move(line)));
  text += '\n';
  std::fwrite(text.data(), 1, text.size(), record_);
  // Line by line, so that tests and scripts can read the record while the receiver runs.
  std::fflush(record_);
}

net::HttpResponse Receiver::Control(const net::HttpRequest& request) {
  std::string_view action = std::string_view(request.path).substr(kControlPrefix.size());
  if (action == "stats" && request.method == "GET") {
    ReceiverStats s = stats();
    Object out;
    out.Append("requests", Value::Int(static_cast<int64_t>(s.requests)));
    out.Append("delivered", Value::Int(static_cast<int64_t>(s.delivered)));
    out.Append("duplicates", Value::Int(static_cast<int64_t>(s.duplicates)));
    out.Append("failed", Value::Int(static_cast<int64_t>(s.failed)));
    out.Append("without_key", Value::Int(static_cast<int64_t>(s.without_key)));
    return net::HttpResponse::Json(200, ToJson(Value::MakeObject(std::move(out))));
  }
  if (action == "script" && request.method == "POST") {
    Result<Value> script = ParseJson(request.body);
    if (!script.ok() || !script->is_object()) {
      return net::HttpResponse::Text(400, "expected a JSON object\n");
    }
    FailureScript next;
    next.remaining = IntField(*script, "fail_next", 0);
    next.status = IntField(*script, "status", 503);
    next.retry_after_seconds = IntField(*script, "retry_after", -1);
    if (script->Get("body").is_string()) {
      next.body = std::string(script->Get("body").as_string());
    }
    std::lock_guard lock(mu_);
    failures_ = std::move(next);
    return net::HttpResponse::Empty(204);
  }
  return net::HttpResponse::Text(404, "unknown control endpoint\n");
}

void Receiver::RunTimers() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    if (timers_.empty()) {
      timer_cv_.wait(lock);
      continue;
    }
    auto due = timers_.begin()->first;
    if (SteadyClock::now() < due) {
      timer_cv_.wait_until(lock, due);
      continue;
    }
    auto node = timers_.extract(timers_.begin());
    lock.unlock();
    node.mapped().first.Respond(std::move(node.mapped().second));
    lock.lock();
  }
  timers_.clear();
}

}  // namespace erphub::receiver
