#include "net/http_client.h"

#include <gtest/gtest.h>

#include "net/http_server.h"
#include "test_receiver.h"

namespace erphub::net {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using testing::ScriptedReply;
using testing::TestReceiver;

TEST(HttpClientTest, SendsMethodHeadersAndBody) {
  TestReceiver receiver;
  ScriptedReply reply = ScriptedReply::Status(201, "{\"id\":7}");
  reply.headers.Add("Set-Cookie", "a=1");
  reply.headers.Add("Set-Cookie", "b=2");
  reply.headers.Add("X-Request-Id", "r-1");
  receiver.Enqueue(reply);

  HttpClient client;
  ClientRequest request;
  request.method = "PUT";
  request.url = receiver.url("/sales-orders/9?dry=1");
  request.headers.Add("Content-Type", "application/json");
  request.headers.Add("Idempotency-Key", "flow:msg:out");
  request.body = "{\"n\":1}";
  Result<HttpResponse> response = client.Send(request);
  ASSERT_TRUE(response.ok()) << response.status().ToString();
  EXPECT_EQ(response->status, 201);
  EXPECT_EQ(response->body, "{\"id\":7}");
  EXPECT_EQ(response->headers.GetOr("x-request-id", ""), "r-1");
  std::vector<std::string_view> cookies = response->headers.GetAll("set-cookie");
  ASSERT_EQ(cookies.size(), 2u);
  EXPECT_EQ(cookies[0], "a=1");
  EXPECT_EQ(cookies[1], "b=2");

  ASSERT_EQ(receiver.request_count(), 1u);
  HttpRequest seen = receiver.requests()[0].request;
  EXPECT_EQ(seen.method, "PUT");
  EXPECT_EQ(seen.path, "/sales-orders/9");
  EXPECT_EQ(seen.query, "dry=1");
  EXPECT_EQ(seen.body, "{\"n\":1}");
  EXPECT_EQ(seen.headers.GetOr("idempotency-key", ""), "flow:msg:out");
  EXPECT_EQ(seen.headers.GetOr("Content-Type", ""), "application/json");
  EXPECT_EQ(seen.headers.GetOr("User-Agent", ""), "erphub");
  EXPECT_FALSE(seen.headers.Has("Expect"));
}

TEST(HttpClientTest, BodilessMethodsAndDefaults) {
  TestReceiver receiver;
  HttpClient client;
  ClientRequest post;
  post.method = "POST";
  post.url = receiver.url("/empty");
  ASSERT_TRUE(client.Send(post).ok());
  ClientRequest remove;
  remove.method = "DELETE";
  remove.url = receiver.url("/thing/1");
  ASSERT_TRUE(client.Send(remove).ok());
  ClientRequest head;
  head.method = "HEAD";
  head.url = receiver.url("/thing/1");
  Result<HttpResponse> head_response = client.Send(head);
  ASSERT_TRUE(head_response.ok()) << head_response.status().ToString();
  EXPECT_EQ(head_response->body, "");

  std::vector<testing::RecordedRequest> seen = receiver.requests();
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen[0].request.method, "POST");
  EXPECT_EQ(seen[0].request.headers.GetOr("Content-Length", ""), "0");
  // No form content type is made up for a body the caller did not type.
  EXPECT_FALSE(seen[0].request.headers.Has("Content-Type"));
  EXPECT_EQ(seen[1].request.method, "DELETE");
  EXPECT_EQ(seen[2].request.method, "HEAD");
}

TEST(HttpClientTest, ReusesOneConnectionForRequestsInARow) {
  TestReceiver receiver;
  HttpClient client;
  for (int i = 0; i < 4; ++i) {
    ClientRequest request;
    request.method = "POST";
    request.url = receiver.url("/r");
    request.body = std::to_string(i);
    ASSERT_TRUE(client.Send(request).ok());
  }
  std::vector<testing::RecordedRequest> seen = receiver.requests();
  ASSERT_EQ(seen.size(), 4u);
  for (const auto& recorded : seen) {
    EXPECT_EQ(recorded.request.remote_address, seen[0].request.remote_address);
  }
}

TEST(HttpClientTest, RefusedConnectionIsUnavailable) {
  uint16_t port = 0;
  {
    HttpServer server;
    ASSERT_TRUE(server.Start().ok());
    port = server.port();
    server.Stop(seconds(1));
  }
  HttpClient client;
  ClientRequest request;
  request.url = "http://127.0.0.1:" + std::to_string(port) + "/x";
  Result<HttpResponse> response = client.Send(request);
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.status().code(), StatusCode::kUnavailable);
  EXPECT_TRUE(response.status().IsTransient());
  EXPECT_EQ(response.status().context(), "GET http://127.0.0.1:" + std::to_string(port) + "/x");
}

TEST(HttpClientTest, SlowServerIsDeadlineExceeded) {
  TestReceiver receiver;
  receiver.Enqueue(ScriptedReply::Hang());
  HttpClientOptions options;
  options.total_timeout = milliseconds(200);
  HttpClient client(options);
  ClientRequest request;
  request.url = receiver.url("/hang");
  auto started = std::chrono::steady_clock::now();
  Result<HttpResponse> response = client.Send(request);
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.status().code(), StatusCode::kDeadlineExceeded);
  EXPECT_LT(std::chrono::steady_clock::now() - started, seconds(5));
}

TEST(HttpClientTest, RequestTimeoutOverridesTheDefault) {
  TestReceiver receiver;
  receiver.Enqueue(ScriptedReply::Slow(milliseconds(400)));
  HttpClient client;
  ClientRequest request;
  request.url = receiver.url("/slow");
  request.timeout = milliseconds(100);
  Result<HttpResponse> response = client.Send(request);
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.status().code(), StatusCode::kDeadlineExceeded);
}

TEST(HttpClientTest, ResetConnectionIsUnavailable) {
  TestReceiver receiver;
  receiver.Enqueue(ScriptedReply::Reset());
  HttpClient client;
  ClientRequest request;
  request.url = receiver.url("/reset");
  Result<HttpResponse> response = client.Send(request);
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.status().code(), StatusCode::kUnavailable);
  // The next request opens a fresh connection.
  Result<HttpResponse> next = client.Send(request);
  ASSERT_TRUE(next.ok()) << next.status().ToString();
  EXPECT_EQ(next->status, 200);
}

TEST(HttpClientTest, OversizeResponseIsOutOfRange) {
  TestReceiver receiver;
  receiver.Enqueue(ScriptedReply::Ok(std::string(10000, 'x')));
  HttpClientOptions options;
  options.max_response_bytes = 1000;
  HttpClient client(options);
  ClientRequest request;
  request.url = receiver.url("/big");
  Result<HttpResponse> response = client.Send(request);
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.status().code(), StatusCode::kOutOfRange);
}

TEST(HttpClientTest, MalformedUrlIsInvalidArgument) {
  HttpClient client;
  ClientRequest request;
  request.url = "ftp://example.invalid/file";
  EXPECT_EQ(client.Send(request).status().code(), StatusCode::kInvalidArgument);
  request.url = "http://[::1";
  EXPECT_EQ(client.Send(request).status().code(), StatusCode::kInvalidArgument);
}

TEST(HttpClientTest, ErrorsDoNotShowCredentialsOrQuery) {
  HttpClient client;
  ClientRequest request;
  request.url = "http://user:s3cret@127.0.0.1:1/path?token=s3cret";
  Result<HttpResponse> response = client.Send(request);
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.status().ToString().find("s3cret"), std::string::npos);
}

TEST(RedactUrlTest, DropsUserInfoQueryAndFragment) {
  EXPECT_EQ(RedactUrl("https://u:p@erp.example.com:8443/api/orders?key=1#top"),
            "https://erp.example.com:8443/api/orders");
  EXPECT_EQ(RedactUrl("http://erp/a@b"), "http://erp/a@b");
  EXPECT_EQ(RedactUrl("http://host"), "http://host");
  EXPECT_EQ(RedactUrl("http://tok@host"), "http://host");
}

}  // namespace
}  // namespace erphub::net
