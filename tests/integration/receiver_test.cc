// erphub-receiver, the stand-in ERP of the demo and the end-to-end tests: it must record what
// it got and count each Idempotency-Key once, or the other tests prove nothing.

#include <signal.h>

#include <string>

#include "core/json.h"
#include "integration/hub_harness.h"

namespace erphub::integration {
namespace {

class ReceiverTest : public HubTest {
 protected:
  net::HttpResponse Post(const std::string& path, const std::string& body, const std::string& key) {
    net::ClientRequest request;
    request.method = "POST";
    request.url = ReceiverUrl() + path;
    request.headers.Add("Content-Type", "application/json");
    if (!key.empty()) {
      request.headers.Add("Idempotency-Key", key);
    }
    request.body = body;
    Result<net::HttpResponse> response = client_->Send(request);
    EXPECT_TRUE(response.ok()) << response.status().ToString();
    return response.ok() ? *response : net::HttpResponse::Empty(0);
  }
};

TEST_F(ReceiverTest, RecordsRequestsAndTakesEachIdempotencyKeyOnce) {
  StartReceiver();
  net::HttpResponse first = Post("/sales-orders", R"({"external_id": "shopify:1"})", "key-1");
  EXPECT_EQ(first.status, 201);
  Result<Value> created = ParseJson(first.body);
  ASSERT_TRUE(created.ok()) << first.body;
  EXPECT_EQ(created->Get("id").as_string(), "SO-000001");
  net::HttpResponse again = Post("/sales-orders", R"({"external_id": "shopify:1"})", "key-1");
  EXPECT_EQ(again.status, 200);
  EXPECT_EQ(again.body, first.body);
  EXPECT_EQ(Post("/sales-orders", "not json", "").status, 201);

  std::vector<Value> received = Received();
  ASSERT_EQ(received.size(), 3u);
  EXPECT_EQ(received[0].Get("path").as_string(), "/sales-orders");
  EXPECT_EQ(received[0].Get("headers").Get("Idempotency-Key").as_string(), "key-1");
  EXPECT_EQ(received[0].Get("json").Get("external_id").as_string(), "shopify:1");
  EXPECT_FALSE(received[0].Get("duplicate").as_bool());
  EXPECT_TRUE(received[1].Get("duplicate").as_bool());
  EXPECT_EQ(received[2].Get("body").as_string(), "not json");
  EXPECT_TRUE(received[2].Get("json").is_undefined());
  EXPECT_GT(received[0].Get("at_us").as_number().ToInt64().value_or(0), 0);

  Value stats = ReceiverStats();
  EXPECT_EQ(stats.Get("requests").as_number().ToInt64(), 3);
  EXPECT_EQ(stats.Get("delivered").as_number().ToInt64(), 2);
  EXPECT_EQ(stats.Get("duplicates").as_number().ToInt64(), 1);
  EXPECT_EQ(stats.Get("without_key").as_number().ToInt64(), 1);

  receiver_.Signal(SIGTERM);
  EXPECT_EQ(receiver_.Wait(kDeadline), 0);
  EXPECT_NE(ReadFile(Dir("receiver.err")).find("3 requests: 2 delivered, 1 duplicates"),
            std::string::npos)
      << ReadFile(Dir("receiver.err"));
}

TEST_F(ReceiverTest, FailsOnPurposeAsScripted) {
  StartReceiver({"--fail-first", "2", "--status", "503", "--retry-after", "7"});
  net::HttpResponse response = Post("/x", "{}", "key-1");
  EXPECT_EQ(response.status, 503);
  EXPECT_EQ(response.headers.GetOr("Retry-After", ""), "7");
  EXPECT_EQ(Post("/x", "{}", "key-1").status, 503);
  // A key is taken only by a successful answer.
  EXPECT_EQ(Post("/x", "{}", "key-1").status, 201);
  EXPECT_EQ(ReceiverStats().Get("failed").as_number().ToInt64(), 2);

  ScriptReceiver(R"({"fail_next": 1, "status": 422, "body": "{\"error\": \"no such item\"}"})");
  response = Post("/x", "{}", "key-2");
  EXPECT_EQ(response.status, 422);
  EXPECT_EQ(response.body, R"({"error": "no such item"})");
  EXPECT_EQ(Post("/x", "{}", "key-2").status, 201);
  std::vector<Value> received = Received();
  ASSERT_EQ(received.size(), 5u);
  EXPECT_EQ(received[3].Get("status").as_number().ToInt64(), 422);
}

TEST_F(ReceiverTest, RefusesABadListenAddress) {
  Result<ChildProcess> child = ChildProcess::Start({ERPHUB_RECEIVER_BINARY, "--listen", "nowhere"},
                                                   {}, Dir(), Dir("bad.out"), Dir("bad.err"));
  ASSERT_TRUE(child.ok());
  EXPECT_EQ(child->Wait(kDeadline), 2);
  EXPECT_NE(ReadFile(Dir("bad.err")).find("--listen"), std::string::npos);
}

}  // namespace
}  // namespace erphub::integration
