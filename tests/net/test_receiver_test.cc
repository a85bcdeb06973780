#include "test_receiver.h"

#include <gtest/gtest.h>

#include "net/http_client.h"
#include "net/http_date.h"

namespace erphub::net::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

TEST(TestReceiverTest, AnswersTheScriptInOrderThenTheDefault) {
  TestReceiver receiver;
  receiver.Enqueue(ScriptedReply::Unavailable(2), 2);
  receiver.Enqueue(ScriptedReply::Unprocessable("{\"error\":\"bad sku\"}"));
  receiver.Enqueue(ScriptedReply::ServerError());
  receiver.SetDefault(ScriptedReply::Status(204));

  HttpClient client;
  ClientRequest request;
  request.method = "POST";
  request.url = receiver.url("/sales-orders");
  request.body = "{}";
  std::vector<int> statuses;
  for (int i = 0; i < 5; ++i) {
    Result<HttpResponse> response = client.Send(request);
    ASSERT_TRUE(response.ok()) << response.status().ToString();
    statuses.push_back(response->status);
    if (i == 0) {
      Result<milliseconds> retry_after = ParseRetryAfter(response->headers.GetOr("Retry-After", ""),
                                                         std::chrono::system_clock::now());
      ASSERT_TRUE(retry_after.ok());
      EXPECT_EQ(*retry_after, seconds(2));
    }
    if (i == 2) {
      EXPECT_EQ(response->body, "{\"error\":\"bad sku\"}");
    }
  }
  EXPECT_EQ(statuses, (std::vector<int>{503, 503, 422, 500, 204}));
  EXPECT_EQ(receiver.request_count(), 5u);
}

TEST(TestReceiverTest, SlowReplyArrivesAfterItsDelay) {
  TestReceiver receiver;
  receiver.Enqueue(ScriptedReply::Slow(milliseconds(200), ScriptedReply::Ok("late")));
  HttpClient client;
  ClientRequest request;
  request.url = receiver.url("/slow");
  auto started = std::chrono::steady_clock::now();
  Result<HttpResponse> response = client.Send(request);
  ASSERT_TRUE(response.ok());
  EXPECT_EQ(response->body, "late");
  EXPECT_GE(std::chrono::steady_clock::now() - started, milliseconds(200));
}

TEST(TestReceiverTest, RecordsRequestsAndWaits) {
  TestReceiver receiver;
  EXPECT_FALSE(receiver.WaitForRequests(1, milliseconds(10)));
  HttpClient client;
  ClientRequest request;
  request.method = "POST";
  request.url = receiver.url("/a?b=c");
  request.headers.Add("Idempotency-Key", "k1");
  request.body = "payload";
  ASSERT_TRUE(client.Send(request).ok());
  ASSERT_TRUE(receiver.WaitForRequests(1));
  RecordedRequest recorded = receiver.requests().at(0);
  EXPECT_EQ(recorded.request.path, "/a");
  EXPECT_EQ(recorded.request.body, "payload");
  EXPECT_EQ(recorded.request.headers.GetOr("idempotency-key", ""), "k1");
}

TEST(TestReceiverTest, StopsWhileARequestHangs) {
  auto receiver = std::make_unique<TestReceiver>();
  receiver->Enqueue(ScriptedReply::Hang());
  HttpClientOptions options;
  options.total_timeout = seconds(10);
  HttpClient client(options);
  ClientRequest request;
  request.url = receiver->url("/hang");
  std::thread caller([&] { EXPECT_FALSE(client.Send(request).ok()); });
  ASSERT_TRUE(receiver->WaitForRequests(1));
  auto started = std::chrono::steady_clock::now();
  receiver.reset();
  caller.join();
  EXPECT_LT(std::chrono::steady_clock::now() - started, seconds(5));
}

}  // namespace
}  // namespace erphub::net::testing
