// The scripted target itself: each answer kind, the idempotency record, down and up.

#include "faults/scripted_target.h"

#include <gtest/gtest.h>

#include <atomic>

#include "net/http_client.h"

namespace erphub::faults {
namespace {

class ScriptedTargetTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(target_.Up().ok()); }

  // A new client (connection) per request: a client re-sends a request on its own when a reused
  // connection closes without an answer, which would hide the reset answers.
  Result<net::HttpResponse> Post(const std::string& key, const std::string& body,
                                 std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    net::ClientRequest request;
    request.method = "POST";
    request.url = target_.url() + "/orders";
    request.headers.Add("Idempotency-Key", key);
    request.body = body;
    request.timeout = timeout;
    net::HttpClientOptions options;
    options.connect_timeout = std::chrono::seconds(2);
    options.total_timeout = std::chrono::seconds(5);
    return net::HttpClient(options).Send(request);
  }

  ScriptedTarget target_;
};

TEST_F(ScriptedTargetTest, TakesAKeyOnceAndAnswersItsRepeatWithTheFirstAnswer) {
  Result<net::HttpResponse> first = Post("key-1", R"({"id":"k1","seq":3})");
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->status, 201);
  Result<net::HttpResponse> again = Post("key-1", R"({"id":"k1","seq":3})");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->status, 200);
  EXPECT_EQ(again->body, first->body);
  std::vector<Request> requests = target_.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_TRUE(requests[0].taken);
  EXPECT_EQ(requests[0].key, "k1");
  EXPECT_EQ(requests[0].seq, 3);
  EXPECT_EQ(requests[0].idempotency_key, "key-1");
  EXPECT_FALSE(requests[1].taken);
  EXPECT_TRUE(requests[1].repeat);
  EXPECT_EQ(target_.taken_count(), 1u);
  EXPECT_EQ(target_.CountTaken({{"k1", 3}, {"k1", 4}}), 1u);
}

TEST_F(ScriptedTargetTest, AnswersWhatTheScriptSays) {
  std::atomic<int> n{0};
  target_.SetScript([&](const Request&) {
    switch (n++) {
      case 0:
        return Answer::Status(503, 2);
      case 1:
        return Answer::Status(422, -1, R"({"error":"bad"})");
      case 2:
        return Answer::Reset();
      case 3:
        return Answer::TakeThenReset();
      default:
        return Answer::Slow(std::chrono::milliseconds(200));
    }
  });
  Result<net::HttpResponse> busy = Post("a", "{}");
  ASSERT_TRUE(busy.ok());
  EXPECT_EQ(busy->status, 503);
  EXPECT_EQ(busy->headers.GetOr("Retry-After", ""), "2");
  Result<net::HttpResponse> refused = Post("b", "{}");
  ASSERT_TRUE(refused.ok());
  EXPECT_EQ(refused->status, 422);
  EXPECT_EQ(refused->body, R"({"error":"bad"})");
  EXPECT_FALSE(Post("c", "{}").ok());
  EXPECT_FALSE(Post("d", "{}").ok());  // taken, but the answer is lost
  auto before = std::chrono::steady_clock::now();
  Result<net::HttpResponse> slow = Post("d", "{}");
  ASSERT_TRUE(slow.ok());
  EXPECT_EQ(slow->status, 200);  // the repeat of the taken key
  EXPECT_GE(std::chrono::steady_clock::now() - before, std::chrono::milliseconds(200));
  EXPECT_EQ(target_.taken_count(), 1u);
}

TEST_F(ScriptedTargetTest, HangsUntilTheClientGivesUp) {
  target_.SetScript([](const Request&) { return Answer::Hang(); });
  EXPECT_FALSE(Post("a", "{}", std::chrono::milliseconds(300)).ok());
  EXPECT_EQ(target_.request_count(), 1u);
}

TEST_F(ScriptedTargetTest, RefusesConnectionsWhileDownAndComesBackOnItsPort) {
  uint16_t port = target_.port();
  target_.Down();
  EXPECT_FALSE(target_.up());
  EXPECT_FALSE(Post("a", "{}").ok());
  EXPECT_EQ(target_.request_count(), 0u);
  ASSERT_TRUE(target_.Up().ok());
  EXPECT_EQ(target_.port(), port);
  Result<net::HttpResponse> taken = Post("a", "{}");
  ASSERT_TRUE(taken.ok());
  EXPECT_EQ(taken->status, 201);
}

}  // namespace
}  // namespace erphub::faults
