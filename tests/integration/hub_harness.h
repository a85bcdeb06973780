#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/value.h"
#include "integration/process.h"
#include "net/http_client.h"

namespace erphub::integration {

// The repository's files, e.g. Source("examples/shop-orders-to-http/erphub.yaml").
std::string Source(const std::string& relative);

// base64(HMAC-SHA256(secret, body)), as Shopify signs.
std::string ShopifySignature(const std::string& secret, const std::string& body);

// A header of a request the receiver recorded (see HubTest::Received), its name in any case;
// "" when absent.
std::string RecordedHeader(const Value& record, std::string_view name);

// Each test gets a scratch folder and may start an erphub-receiver and an `erphub run`, both
// real binaries on free local ports; they are killed when the test ends.
class HubTest : public ::testing::Test {
 protected:
  static constexpr char kSecret[] = "shpss_erphub_test_3f9a1c7d2b4e6f8a0c1e3d5b7a9f2c4e";

  void SetUp() override;
  void TearDown() override;

  std::string Dir(const std::string& name = "") const { return (dir_ / name).string(); }
  void WriteFile(const std::string& name, const std::string& text) const;

  // --- the receiver standing in for the ERP ---

  // Starts erphub-receiver with `args` added (e.g. {"--fail-first", "2"}); waits for its port.
  void StartReceiver(const std::vector<std::string>& args = {});
  std::string ReceiverUrl() const { return "http://127.0.0.1:" + std::to_string(receiver_port_); }
  // Every request it recorded so far (one JSON object per line of its record).
  std::vector<Value> Received() const;
  // Waits until it has recorded at least `count` requests.
  bool WaitForReceived(size_t count, std::chrono::milliseconds timeout = kDeadline) const;
  // Its counts (GET /_receiver/stats).
  Value ReceiverStats();
  // Scripts its next answers (POST /_receiver/script).
  void ScriptReceiver(const std::string& script_json);

  // --- the hub ---

  // Starts `erphub run CONFIG` with ERPHUB_LISTEN on a free port, ERPHUB_STORE in the scratch
  // folder, SHOP_WEBHOOK_SECRET and ERP_URL (the receiver), plus `env`; waits for /ready.
  void StartHub(const std::string& config_file,
                const std::map<std::string, std::optional<std::string>>& env = {});
  // SIGTERM, then the exit code (nullopt if it did not exit within the deadline).
  std::optional<int> StopHub();
  std::string HubUrl(const std::string& path = "") const;
  std::string StoreUrl() const { return "sqlite:" + Dir("hub.db"); }
  std::string HubLog() const;

  // POSTs `body` to the shop-orders webhook, signed unless `signature` is given.
  net::HttpResponse PostOrder(const std::string& body, const std::string& webhook_id,
                              std::optional<std::string> signature = std::nullopt);
  net::HttpResponse Get(const std::string& path);
  // The value of one /metrics sample, e.g. Metric("erphub_accepted_total{flow=\"shop-orders\"}");
  // nullopt when the series is absent.
  std::optional<double> Metric(const std::string& series);
  // Waits until Metric(series) reaches `at_least`.
  bool WaitForMetric(const std::string& series, double at_least,
                     std::chrono::milliseconds timeout = kDeadline);

  // Runs the erphub binary with `args` (shell words) in the scratch folder, its environment
  // changed by `env` (words for env(1): "-u NAME", "NAME=value"); returns its exit code and
  // keeps its output in out_ and err_.
  int RunErphub(const std::string& args, const std::string& env = "");

  static std::string Sample(const std::string& name);

  static constexpr std::chrono::milliseconds kDeadline{20000};

  std::filesystem::path dir_;
  std::unique_ptr<net::HttpClient> client_;
  ChildProcess receiver_;
  uint16_t receiver_port_ = 0;
  ChildProcess hub_;
  uint16_t hub_port_ = 0;
  std::string hub_config_;
  std::map<std::string, std::optional<std::string>> hub_env_;
  int hub_starts_ = 0;
  std::string out_;
  std::string err_;
};

}  // namespace erphub::integration
