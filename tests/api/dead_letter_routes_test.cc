#include "api/dead_letter_routes.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/json.h"
#include "core/message.h"
#include "core/random.h"
#include "net/http_client.h"
#include "net/http_server.h"
#include "store/sqlite/sqlite_store.h"

namespace erphub::api {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

constexpr char kToken[] = "s3cret-admin-token";

// A store with dead letters, served by the admin API on a local port.
class DeadLetterApiTest : public ::testing::Test {
 protected:
  DeadLetterApiTest() : ids_(SystemClock::Default(), random_) {}

  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "erphub-api-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    store::StoreOptions options;
    options.fsync = store::FsyncMode::kNormal;
    auto store = store::OpenSqliteStore((dir_ / "hub.db").string(), options);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
  }

  void TearDown() override {
    if (server_) {
      server_->Stop(1s);
    }
    api_.reset();
    server_.reset();
    store_.reset();
    fs::remove_all(dir_);
  }

  void Serve(std::string token = kToken) {
    server_ = std::make_unique<net::HttpServer>();
    DeadLetterApiOptions options;
    options.token = std::move(token);
    options.store = store_.get();
    api_ = std::make_unique<DeadLetterApi>(std::move(options));
    ASSERT_TRUE(api_->AddRoutes(*server_).ok());
    ASSERT_TRUE(server_->Start().ok());
  }

  // Accepts a message of `flow` and dead-letters its one delivery with a 422.
  int64_t DeadLetter(const std::string& flow, const std::string& payload_json) {
    store::Acceptance a;
    a.message.id = ids_.Next();
    a.message.flow = flow;
    a.message.business_key = "k-" + std::to_string(++accepted_);
    a.message.payload = *ParseJson(payload_json);
    a.message.received_at = SystemClock::Default().Now();
    a.outputs = {"erp"};
    a.source = "test";
    EXPECT_TRUE(store_->Accept(std::span<const store::Acceptance>(&a, 1)).ok());
    store::ClaimOptions claim;
    claim.owner = "test";
    auto claimed = store_->ClaimDeliveries(claim);
    EXPECT_TRUE(claimed.ok() && claimed->size() == 1);
    store::DeadLetterInfo info;
    info.error = "HTTP 422: unknown sku";
    info.response_body = R"({"error":"unknown sku"})";
    EXPECT_TRUE(store_->DeadLetter(claimed->front().lease, info, store::AttemptReport{}).ok());
    return claimed->front().lease.delivery_id;
  }

  net::HttpResponse Call(const std::string& method, const std::string& path,
                         const std::string& body = "", const std::string& token = kToken) {
    net::ClientRequest request;
    request.method = method;
    request.url = server_->base_url() + path;
    request.body = body;
    if (!body.empty()) {
      request.headers.Set("Content-Type", "application/json");
    }
    if (!token.empty()) {
      request.headers.Set("Authorization", "Bearer " + token);
    }
    auto response = client_.Send(request);
    EXPECT_TRUE(response.ok()) << response.status().ToString();
    return response.ok() ? *response : net::HttpResponse{};
  }

  static Value Body(const net::HttpResponse& response) {
    auto value = ParseJson(response.body);
    EXPECT_TRUE(value.ok()) << response.body;
    return value.ok() ? *value : Value();
  }

  fs::path dir_;
  SystemRandom random_;
  MessageIdGenerator ids_;
  int accepted_ = 0;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<net::HttpServer> server_;
  std::unique_ptr<DeadLetterApi> api_;
  net::HttpClient client_;
};

TEST_F(DeadLetterApiTest, WithoutATokenConfiguredTheApiIsOff) {
  Serve("");
  net::HttpResponse r = Call("GET", "/api/v1/dead-letters");
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(r.headers.GetOr("Content-Type", ""), "application/problem+json");
  EXPECT_NE(r.body.find("admin.token"), std::string::npos) << r.body;
}

TEST_F(DeadLetterApiTest, RequestsNeedTheBearerToken) {
  Serve();
  EXPECT_EQ(Call("GET", "/api/v1/dead-letters", "", "").status, 401);
  net::HttpResponse wrong = Call("GET", "/api/v1/dead-letters/1", "", "s3cret-admin-tokem");
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(wrong.headers.GetOr("WWW-Authenticate", ""), "Bearer realm=\"erphub\"");
  EXPECT_EQ(Call("GET", "/api/v1/dead-letters").status, 200);
  // Paths that are not the API's are not its business.
  EXPECT_EQ(Call("GET", "/elsewhere", "", "").status, 404);
}

TEST_F(DeadLetterApiTest, ListsWithFiltersAndPagesAndShowsOne) {
  const int64_t first = DeadLetter("orders", R"({"sku":"MUG"})");
  DeadLetter("orders", R"({"sku":"CUP"})");
  const int64_t other = DeadLetter("invoices", R"({"n":1})");
  Serve();
  Value all = Body(Call("GET", "/api/v1/dead-letters"));
  ASSERT_EQ(all.Get("items").size(), 3u);
  EXPECT_TRUE(all.Get("next_after").is_null());
  EXPECT_EQ(all.Get("items")[0].Get("error").as_string(), "HTTP 422: unknown sku");

  Value orders = Body(Call("GET", "/api/v1/dead-letters?flow=orders&since=1d"));
  ASSERT_EQ(orders.Get("items").size(), 2u);
  Value page = Body(Call("GET", "/api/v1/dead-letters?limit=1"));
  ASSERT_EQ(page.Get("items").size(), 1u);
  EXPECT_EQ(page.Get("next_after").as_number().ToInt64(), first);
  Value next = Body(Call("GET", "/api/v1/dead-letters?limit=5&after=" + std::to_string(first)));
  EXPECT_EQ(next.Get("items").size(), 2u);
  EXPECT_EQ(Body(Call("GET", "/api/v1/dead-letters?since=2999-01-01")).Get("items").size(), 0u);
  EXPECT_EQ(Call("GET", "/api/v1/dead-letters?since=yesterday").status, 400);
  EXPECT_EQ(Call("GET", "/api/v1/dead-letters?limit=0").status, 400);
  EXPECT_EQ(Call("GET", "/api/v1/dead-letters?colour=red").status, 400);

  net::HttpResponse shown = Call("GET", "/api/v1/dead-letters/" + std::to_string(other));
  ASSERT_EQ(shown.status, 200);
  Value detail = Body(shown);
  EXPECT_EQ(detail.Get("flow").as_string(), "invoices");
  EXPECT_EQ(ToJson(detail.Get("payload")), R"({"n":1})");
  EXPECT_EQ(detail.Get("response_body").as_string(), R"({"error":"unknown sku"})");
  net::HttpResponse missing = Call("GET", "/api/v1/dead-letters/999");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.headers.GetOr("Content-Type", ""), "application/problem+json");
  EXPECT_EQ(Call("GET", "/api/v1/dead-letters/abc").status, 404);
  EXPECT_EQ(Call("DELETE", "/api/v1/dead-letters/1").status, 405);
}

TEST_F(DeadLetterApiTest, ReplayOneMakesItClaimableAndRecordsTheNote) {
  const int64_t id = DeadLetter("orders", R"({"sku":"MUG"})");
  Serve();
  net::HttpResponse replayed =
      Call("POST", "/api/v1/dead-letters/" + std::to_string(id) + "/replay",
           R"({"note":"sku created"})");
  ASSERT_EQ(replayed.status, 200) << replayed.body;
  EXPECT_EQ(ToJson(Body(replayed).Get("replayed")), "[" + std::to_string(id) + "]");
  store::ClaimOptions claim;
  claim.owner = "test";
  auto claimed = store_->ClaimDeliveries(claim);
  ASSERT_TRUE(claimed.ok());
  ASSERT_EQ(claimed->size(), 1u);
  auto trace = store_->Trace(claimed->front().message.id);
  ASSERT_TRUE(trace.ok());
  bool noted = false;
  for (const store::LineageEvent& e : trace->events) {
    noted = noted || (e.kind == store::LineageKind::kReplayed &&
                      e.detail.find("sku created (admin API from 127.0.0.1:") == 0);
  }
  EXPECT_TRUE(noted);
  // No longer a dead letter.
  EXPECT_EQ(Call("POST", "/api/v1/dead-letters/" + std::to_string(id) + "/replay").status, 409);
  EXPECT_EQ(Call("POST", "/api/v1/dead-letters/1/replay", "[1]").status, 400);
}

TEST_F(DeadLetterApiTest, ReplayByFlowOrAll) {
  DeadLetter("orders", "{}");
  DeadLetter("orders", "{}");
  DeadLetter("invoices", "{}");
  Serve();
  EXPECT_EQ(Call("POST", "/api/v1/dead-letters/replay", "{}").status, 400);
  EXPECT_EQ(Call("POST", "/api/v1/dead-letters/replay", R"({"flow":"orders","all":true})").status,
            400);
  EXPECT_EQ(Call("POST", "/api/v1/dead-letters/replay", R"({"all":"yes"})").status, 400);
  Value by_flow = Body(Call("POST", "/api/v1/dead-letters/replay", R"({"flow":"orders"})"));
  EXPECT_EQ(by_flow.Get("replayed").size(), 2u);
  EXPECT_EQ(by_flow.Get("failed").size(), 0u);
  Value all = Body(Call("POST", "/api/v1/dead-letters/replay", R"({"all":true})"));
  EXPECT_EQ(all.Get("replayed").size(), 1u);
  EXPECT_EQ(Body(Call("GET", "/api/v1/dead-letters")).Get("items").size(), 0u);
}

TEST_F(DeadLetterApiTest, DiscardNeedsAReasonAndRecordsIt) {
  const int64_t id = DeadLetter("orders", "{}");
  Serve();
  const std::string path = "/api/v1/dead-letters/" + std::to_string(id) + "/discard";
  EXPECT_EQ(Call("POST", path, "{}").status, 400);
  EXPECT_EQ(Call("POST", path, R"({"reason":"  "})").status, 400);
  EXPECT_EQ(Call("POST", path, R"({"reason":7})").status, 400);
  net::HttpResponse discarded = Call("POST", path, R"({"reason":"test order"})");
  ASSERT_EQ(discarded.status, 200) << discarded.body;
  EXPECT_EQ(Body(discarded).Get("discarded").as_number().ToInt64(), id);
  EXPECT_EQ(Call("POST", path, R"({"reason":"again"})").status, 409);
  EXPECT_EQ(Body(Call("GET", "/api/v1/dead-letters")).Get("items").size(), 0u);
}

TEST_F(DeadLetterApiTest, PutPayloadValidatesReplacesAndReplaysKeepingTheOriginal) {
  const int64_t id = DeadLetter("orders", R"({"sku":"MUG-BLU-350"})");
  Serve();
  const std::string path = "/api/v1/dead-letters/" + std::to_string(id) + "/payload";
  net::HttpResponse broken = Call("PUT", path, R"({"sku": )");
  EXPECT_EQ(broken.status, 400);
  EXPECT_NE(broken.body.find("not JSON"), std::string::npos) << broken.body;
  EXPECT_EQ(Call("POST", path, "{}").status, 405);
  net::HttpResponse edited = Call("PUT", path, R"({"sku":"MUG-BLUE-350"})");
  ASSERT_EQ(edited.status, 200) << edited.body;

  store::ClaimOptions claim;
  claim.owner = "test";
  auto claimed = store_->ClaimDeliveries(claim);
  ASSERT_TRUE(claimed.ok());
  ASSERT_EQ(claimed->size(), 1u);
  EXPECT_EQ(ToJson(claimed->front().payload), R"({"sku":"MUG-BLUE-350"})");
  auto trace = store_->Trace(claimed->front().message.id);
  ASSERT_TRUE(trace.ok());
  bool original_kept = false;
  for (const store::LineageEvent& e : trace->events) {
    original_kept =
        original_kept ||
        (e.kind == store::LineageKind::kReplayed && e.outcome == "payload edited" &&
         e.detail.find(R"(original payload: {"sku":"MUG-BLU-350"})") != std::string::npos);
  }
  EXPECT_TRUE(original_kept);
  EXPECT_EQ(Call("PUT", path, "{}").status, 404);
}

}  // namespace
}  // namespace erphub::api
