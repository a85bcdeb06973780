#include "integration/hub_harness.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>

#include <fstream>
#include <sstream>

#include "core/json.h"
#include "net/headers.h"

namespace erphub::integration {

namespace fs = std::filesystem;

std::string Source(const std::string& relative) {
  return (fs::path(ERPHUB_SOURCE_DIR) / relative).string();
}

std::string RecordedHeader(const Value& record, std::string_view name) {
  for (const auto& [key, value] : record.Get("headers").as_object()) {
    if (net::EqualsIgnoreCase(key, name)) {
      return value.is_string() ? std::string(value.as_string()) : "";
    }
  }
  return "";
}

std::string ShopifySignature(const std::string& secret, const std::string& body) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(body.data()), body.size(), digest, &length);
  std::string out(4 * ((length + 2) / 3), '\0');
  out.resize(static_cast<size_t>(EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                                 digest, static_cast<int>(length))));
  return out;
}

void HubTest::SetUp() {
  std::string pattern = (fs::temp_directory_path() / "erphub-e2e-XXXXXX").string();
  ASSERT_NE(mkdtemp(pattern.data()), nullptr);
  dir_ = pattern;
  net::HttpClientOptions options;
  options.total_timeout = std::chrono::seconds(10);
  client_ = std::make_unique<net::HttpClient>(options);
}

void HubTest::TearDown() {
  if (hub_.running()) {
    hub_.Signal(SIGKILL);
    hub_.Wait(kDeadline);
  }
  if (receiver_.running()) {
    receiver_.Signal(SIGTERM);
    receiver_.Wait(kDeadline);
  }
  if (HasFailure()) {
    // Keep what the processes said next to the test's failure.
    std::fprintf(stderr, "--- erphub log ---\n%s\n--- receiver log ---\n%s\n", HubLog().c_str(),
                 ReadFile(Dir("receiver.err")).c_str());
  }
  fs::remove_all(dir_);
}

void HubTest::WriteFile(const std::string& name, const std::string& text) const {
  std::ofstream(dir_ / name, std::ios::binary) << text;
}

void HubTest::StartReceiver(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {ERPHUB_RECEIVER_BINARY, "--listen",           "127.0.0.1:0",
                                   "--port-file",          Dir("receiver.port"), "--record",
                                   Dir("received.ndjson")};
  argv.insert(argv.end(), args.begin(), args.end());
  Result<ChildProcess> child =
      ChildProcess::Start(argv, {}, Dir(), Dir("receiver.out"), Dir("receiver.err"));
  ASSERT_TRUE(child.ok()) << child.status().ToString();
  receiver_ = std::move(*child);
  ASSERT_TRUE(WaitUntil([&] { return fs::exists(Dir("receiver.port")); }, kDeadline))
      << ReadFile(Dir("receiver.err"));
  receiver_port_ = static_cast<uint16_t>(std::stoi(ReadFile(Dir("receiver.port"))));
}

std::vector<Value> HubTest::Received() const {
  std::vector<Value> out;
  std::istringstream lines(ReadFile(Dir("received.ndjson")));
  std::string line;
  while (std::getline(lines, line)) {
    Result<Value> record = ParseJson(line);
    if (record.ok()) {
      out.push_back(std::move(*record));
    }
  }
  return out;
}

bool HubTest::WaitForReceived(size_t count, std::chrono::milliseconds timeout) const {
  return WaitUntil([&] { return Received().size() >= count; }, timeout);
}

Value HubTest::ReceiverStats() {
  net::ClientRequest request;
  request.url = ReceiverUrl() + "/_receiver/stats";
  Result<net::HttpResponse> response = client_->Send(request);
  EXPECT_TRUE(response.ok()) << response.status().ToString();
  Result<Value> stats = response.ok() ? ParseJson(response->body) : Result<Value>(Value::Null());
  return stats.ok() ? *stats : Value::Null();
}

void HubTest::ScriptReceiver(const std::string& script_json) {
  net::ClientRequest request;
  request.method = "POST";
  request.url = ReceiverUrl() + "/_receiver/script";
  request.body = script_json;
  Result<net::HttpResponse> response = client_->Send(request);
  ASSERT_TRUE(response.ok() && response->status == 204);
}

void HubTest::StartHub(const std::string& config_file,
                       const std::map<std::string, std::optional<std::string>>& env) {
  if (hub_port_ == 0) {
    hub_port_ = FreePort();
  }
  hub_config_ = config_file;
  hub_env_ = {{"ERPHUB_LISTEN", "127.0.0.1:" + std::to_string(hub_port_)},
              {"ERPHUB_STORE", StoreUrl()},
              {"SHOP_WEBHOOK_SECRET", kSecret},
              {"ERP_URL", ReceiverUrl()}};
  for (const auto& [name, value] : env) {
    hub_env_[name] = value;
  }
  ++hub_starts_;
  Result<ChildProcess> child = ChildProcess::Start({ERPHUB_BINARY, "run", config_file}, hub_env_,
                                                   Dir(), Dir("hub.out"), Dir("hub.err"));
  ASSERT_TRUE(child.ok()) << child.status().ToString();
  hub_ = std::move(*child);
  bool ready = WaitUntil(
      [&] {
        if (!hub_.running() || hub_.Wait(std::chrono::milliseconds(0)).has_value()) {
          return true;  // exited: stop waiting, the check below fails
        }
        net::ClientRequest request;
        request.url = HubUrl("/ready");
        request.timeout = std::chrono::milliseconds(500);
        Result<net::HttpResponse> response = client_->Send(request);
        return response.ok() && response->status == 200;
      },
      kDeadline);
  ASSERT_TRUE(ready && hub_.running()) << "erphub did not become ready:\n" << HubLog();
}

std::optional<int> HubTest::StopHub() {
  hub_.Signal(SIGTERM);
  return hub_.Wait(kDeadline);
}

std::string HubTest::HubUrl(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(hub_port_) + path;
}

std::string HubTest::HubLog() const { return ReadFile(Dir("hub.out")) + ReadFile(Dir("hub.err")); }

net::HttpResponse HubTest::PostOrder(const std::string& body, const std::string& webhook_id,
                                     std::optional<std::string> signature) {
  net::ClientRequest request;
  request.method = "POST";
  request.url = HubUrl("/webhooks/shop/orders");
  request.headers.Add("Content-Type", "application/json");
  request.headers.Add("X-Shopify-Topic", "orders/create");
  request.headers.Add("X-Shopify-Shop-Domain", "erphub-demo.myshopify.com");
  request.headers.Add("X-Shopify-Webhook-Id", webhook_id);
  request.headers.Add("X-Shopify-Hmac-Sha256",
                      signature.has_value() ? *signature : ShopifySignature(kSecret, body));
  request.body = body;
  Result<net::HttpResponse> response = client_->Send(request);
  EXPECT_TRUE(response.ok()) << response.status().ToString();
  return response.ok() ? *response : net::HttpResponse::Empty(0);
}

net::HttpResponse HubTest::Get(const std::string& path) {
  net::ClientRequest request;
  request.url = HubUrl(path);
  Result<net::HttpResponse> response = client_->Send(request);
  EXPECT_TRUE(response.ok()) << response.status().ToString();
  return response.ok() ? *response : net::HttpResponse::Empty(0);
}

std::optional<double> HubTest::Metric(const std::string& series) {
  std::istringstream lines(Get("/metrics").body);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.size() > series.size() && line.compare(0, series.size(), series) == 0 &&
        line[series.size()] == ' ') {
      return std::stod(line.substr(series.size() + 1));
    }
  }
  return std::nullopt;
}

bool HubTest::WaitForMetric(const std::string& series, double at_least,
                            std::chrono::milliseconds timeout) {
  return WaitUntil([&] { return Metric(series).value_or(-1) >= at_least; }, timeout);
}

int HubTest::RunErphub(const std::string& args, const std::string& env) {
  std::string command =
      "cd '" + Dir() + "' && env " + env + " '" ERPHUB_BINARY "' " + args + " >cli.out 2>cli.err";
  int status = std::system(command.c_str());
  out_ = ReadFile(Dir("cli.out"));
  err_ = ReadFile(Dir("cli.err"));
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string HubTest::Sample(const std::string& name) {
  return ReadFile(Source("examples/shop-orders-to-http/samples/" + name));
}

}  // namespace erphub::integration
