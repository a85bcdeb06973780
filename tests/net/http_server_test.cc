#include "net/http_server.h"

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <functional>
#include <future>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "core/json.h"
#include "net/http_client.h"
#include "raw_connection.h"

namespace erphub::net {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using testing::RawConnection;

HttpResponse Echo(const HttpRequest& request) {
  HttpResponse response = HttpResponse::Text(200, request.body);
  response.headers.Add("X-Method", request.method);
  response.headers.Add("X-Path", request.path);
  response.headers.Add("X-Query", request.query);
  response.headers.Add("X-Remote", request.remote_address);
  response.headers.Add("X-Custom-Seen", std::string(request.headers.GetOr("x-custom", "")));
  return response;
}

// Polls `condition` until it holds or `timeout` passes.
bool WaitUntil(const std::function<bool()>& condition, milliseconds timeout = seconds(10)) {
  auto until = std::chrono::steady_clock::now() + timeout;
  while (!condition()) {
    if (std::chrono::steady_clock::now() > until) {
      return false;
    }
    std::this_thread::sleep_for(milliseconds(5));
  }
  return true;
}

// Collects responders so that a test decides when (and from which thread) to answer.
class PendingAnswers {
 public:
  void Add(Responder responder) {
    {
      std::lock_guard lock(mu_);
      pending_.push_back(std::move(responder));
    }
    cv_.notify_all();
  }
  // Waits for `count` pending responders; false on timeout.
  bool WaitFor(size_t count, milliseconds timeout = seconds(10)) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, timeout, [&] { return pending_.size() >= count; });
  }
  Responder Take(size_t index) {
    std::lock_guard lock(mu_);
    return pending_.at(index);
  }
  void Clear() {
    std::lock_guard lock(mu_);
    pending_.clear();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Responder> pending_;
};

class HttpServerTest : public ::testing::Test {
 protected:
  void StartServer(HttpServerOptions options = {}) {
    server_ = std::make_unique<HttpServer>(std::move(options));
    ASSERT_TRUE(server_->AddSyncRoute("POST", "/echo", Echo).ok());
    ASSERT_TRUE(server_->AddSyncRoute("GET", "/echo", Echo).ok());
    ASSERT_TRUE(server_->AddSyncRoute("HEAD", "/echo", Echo).ok());
    ASSERT_TRUE(server_
                    ->AddRoute("POST", "/later",
                               [this](HttpRequest, Responder responder) {
                                 pending_.Add(std::move(responder));
                               })
                    .ok());
    Status started = server_->Start();
    ASSERT_TRUE(started.ok()) << started.ToString();
    ASSERT_NE(server_->port(), 0);
  }

  std::string Url(std::string_view path) { return server_->base_url() + std::string(path); }

  Result<HttpResponse> Post(std::string_view path, std::string body) {
    ClientRequest request;
    request.method = "POST";
    request.url = Url(path);
    request.body = std::move(body);
    return client_.Send(request);
  }

  Result<HttpResponse> Get(std::string_view path) {
    ClientRequest request;
    request.url = Url(path);
    return client_.Send(request);
  }

  void TearDown() override {
    if (server_) {
      server_->Stop(seconds(5));
    }
  }

  PendingAnswers pending_;
  HttpClient client_;
  std::unique_ptr<HttpServer> server_;
};

TEST_F(HttpServerTest, AnswersARouteWithRequestDetails) {
  StartServer();
  ClientRequest request;
  request.method = "POST";
  request.url = Url("/echo?shop=1&x=%20");
  request.headers.Add("X-CUSTOM", "abc");
  request.body = "hello";
  Result<HttpResponse> response = client_.Send(request);
  ASSERT_TRUE(response.ok()) << response.status().ToString();
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, "hello");
  EXPECT_EQ(response->headers.GetOr("x-method", ""), "POST");
  EXPECT_EQ(response->headers.GetOr("x-path", ""), "/echo");
  EXPECT_EQ(response->headers.GetOr("x-query", ""), "shop=1&x=%20");
  EXPECT_EQ(response->headers.GetOr("x-custom-seen", ""), "abc");
  EXPECT_EQ(response->headers.GetOr("content-type", ""), "text/plain; charset=utf-8");
  EXPECT_EQ(response->headers.GetOr("server", ""), "erphub");
  EXPECT_TRUE(response->headers.Has("Date"));
}

TEST_F(HttpServerTest, KeepAliveReusesOneConnection) {
  StartServer();
  std::set<std::string> remotes;
  for (int i = 0; i < 5; ++i) {
    Result<HttpResponse> response = Post("/echo", "n" + std::to_string(i));
    ASSERT_TRUE(response.ok()) << response.status().ToString();
    EXPECT_EQ(response->body, "n" + std::to_string(i));
    remotes.insert(std::string(response->headers.GetOr("X-Remote", "")));
  }
  EXPECT_EQ(remotes.size(), 1u);
  EXPECT_EQ(server_->stats().connections_accepted, 1u);
  EXPECT_EQ(server_->stats().requests_received, 5u);
}

TEST_F(HttpServerTest, ResponderAnswersLaterFromAnotherThread) {
  StartServer();
  constexpr int kRequests = 4;
  std::vector<std::future<Result<HttpResponse>>> calls;
  for (int i = 0; i < kRequests; ++i) {
    calls.push_back(std::async(std::launch::async,
                               [this, i] { return Post("/later", "body" + std::to_string(i)); }));
  }
  ASSERT_TRUE(pending_.WaitFor(kRequests));
  std::thread committer([this] {
    for (int i = 0; i < kRequests; ++i) {
      Responder responder = pending_.Take(static_cast<size_t>(i));
      responder.Respond(HttpResponse::Json(202, "{\"id\":" + std::to_string(i) + "}"));
      // Only the first answer counts.
      responder.Respond(HttpResponse::Empty(500));
    }
  });
  committer.join();
  std::set<std::string> bodies;
  for (auto& call : calls) {
    Result<HttpResponse> response = call.get();
    ASSERT_TRUE(response.ok()) << response.status().ToString();
    EXPECT_EQ(response->status, 202);
    bodies.insert(response->body);
  }
  EXPECT_EQ(bodies.size(), static_cast<size_t>(kRequests));
}

TEST_F(HttpServerTest, UnknownPathIs404AndUnknownMethodIs405) {
  StartServer();
  Result<HttpResponse> missing = Get("/nowhere");
  ASSERT_TRUE(missing.ok());
  EXPECT_EQ(missing->status, 404);
  EXPECT_EQ(missing->headers.GetOr("Content-Type", ""), "application/problem+json");
  Result<Value> problem = ParseJson(missing->body);
  ASSERT_TRUE(problem.ok());
  EXPECT_EQ(problem->Get("status").as_number().ToString(), "404");
  EXPECT_EQ(problem->Get("title").as_string(), "Not Found");

  ClientRequest request;
  request.method = "DELETE";
  request.url = Url("/echo");
  Result<HttpResponse> wrong_method = client_.Send(request);
  ASSERT_TRUE(wrong_method.ok());
  EXPECT_EQ(wrong_method->status, 405);
  EXPECT_EQ(wrong_method->headers.GetOr("Allow", ""), "GET, HEAD, POST");
}

TEST_F(HttpServerTest, OversizeBodyByContentLengthIs413AndServerKeepsServing) {
  HttpServerOptions options;
  options.max_body_bytes = 1000;
  StartServer(options);
  Result<HttpResponse> too_big = Post("/echo", std::string(5000, 'x'));
  ASSERT_TRUE(too_big.ok()) << too_big.status().ToString();
  EXPECT_EQ(too_big->status, 413);
  EXPECT_EQ(too_big->headers.GetOr("Content-Type", ""), "application/problem+json");
  Result<Value> problem = ParseJson(too_big->body);
  ASSERT_TRUE(problem.ok());
  EXPECT_NE(problem->Get("detail").as_string().find("1000"), std::string_view::npos);

  Result<HttpResponse> exact = Post("/echo", std::string(1000, 'y'));
  ASSERT_TRUE(exact.ok());
  EXPECT_EQ(exact->status, 200);
  EXPECT_EQ(exact->body.size(), 1000u);
}

TEST_F(HttpServerTest, OversizeChunkedBodyIs413WhileReading) {
  HttpServerOptions options;
  options.max_body_bytes = 1000;
  StartServer(options);
  RawConnection connection(server_->port());
  ASSERT_TRUE(connection.connected());
  std::string chunk(600, 'z');
  ASSERT_TRUE(
      connection.Send("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                      "258\r\n" +
                      chunk + "\r\n258\r\n" + chunk + "\r\n0\r\n\r\n"));
  const std::string& reply = connection.ReadToClose();
  EXPECT_EQ(reply.substr(0, 12), "HTTP/1.1 413");
  EXPECT_NE(reply.find("Connection: close"), std::string::npos);
}

TEST_F(HttpServerTest, ExpectContinueIsAnsweredAndOversizeRefusedBeforeTheBody) {
  HttpServerOptions options;
  options.max_body_bytes = 100;
  StartServer(options);
  {
    RawConnection connection(server_->port());
    ASSERT_TRUE(connection.Send(
        "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n"));
    const std::string& interim =
        connection.ReadUntil([](const std::string& b) { return b.find("\r\n\r\n") != b.npos; });
    ASSERT_EQ(interim, "HTTP/1.1 100 Continue\r\n\r\n");
    ASSERT_TRUE(connection.Send("abcde"));
    const std::string& all = connection.ReadResponses(2);
    EXPECT_NE(all.find("HTTP/1.1 200 OK"), std::string::npos);
    EXPECT_EQ(all.substr(all.size() - 5), "abcde");
  }
  {
    RawConnection connection(server_->port());
    ASSERT_TRUE(connection.Send(
        "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 500\r\nExpect: 100-continue\r\n\r\n"));
    const std::string& reply = connection.ReadToClose();
    EXPECT_EQ(reply.substr(0, 12), "HTTP/1.1 413");
  }
}

TEST_F(HttpServerTest, LargeBinaryBodyArrivesByteExact) {
  HttpServerOptions options;
  options.max_body_bytes = 8 << 20;
  StartServer(options);
  std::string body;
  body.reserve(5 << 20);
  for (size_t i = 0; i < (5u << 20); ++i) {
    body.push_back(static_cast<char>((i * 131 + i / 7) & 0xff));
  }
  Result<HttpResponse> response = Post("/echo", body);
  ASSERT_TRUE(response.ok()) << response.status().ToString();
  EXPECT_EQ(response->status, 200);
  EXPECT_TRUE(response->body == body);
}

TEST_F(HttpServerTest, ChunkedBodyIsDecodedToTheSentBytes) {
  StartServer();
  RawConnection connection(server_->port());
  ASSERT_TRUE(
      connection.Send("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                      "4\r\n{\"a\"\r\n6\r\n: 1}\r\n\r\n0\r\n\r\n"));
  const std::string& reply = connection.ReadResponses(1);
  EXPECT_EQ(reply.substr(reply.size() - 10), "{\"a\": 1}\r\n");
}

TEST_F(HttpServerTest, PipelinedRequestsAreAnsweredInOrder) {
  StartServer();
  RawConnection connection(server_->port());
  std::string requests;
  for (int i = 0; i < 3; ++i) {
    requests += "POST /later HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n\r\n" + std::to_string(i);
  }
  requests += "GET /echo?last HTTP/1.1\r\nHost: x\r\n\r\n";
  ASSERT_TRUE(connection.Send(requests));
  for (size_t i = 0; i < 3; ++i) {
    ASSERT_TRUE(pending_.WaitFor(i + 1));
    pending_.Take(i).Respond(HttpResponse::Text(200, "answer" + std::to_string(i)));
  }
  const std::string& replies = connection.ReadResponses(4);
  size_t first = replies.find("answer0");
  size_t second = replies.find("answer1");
  size_t third = replies.find("answer2");
  size_t last = replies.find("X-Query: last");
  ASSERT_NE(first, std::string::npos);
  EXPECT_LT(first, second);
  EXPECT_LT(second, third);
  EXPECT_LT(third, last);
  EXPECT_EQ(server_->stats().connections_accepted, 1u);
}

TEST_F(HttpServerTest, ConcurrentClientsAreAllServed) {
  StartServer();
  constexpr int kThreads = 8;
  constexpr int kPerThread = 25;
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        std::string body = std::to_string(t) + "/" + std::to_string(i);
        Result<HttpResponse> response = Post("/echo", body);
        if (response.ok() && response->status == 200 && response->body == body) {
          ok.fetch_add(1);
        }
      }
    });
  }
  for (std::thread& thread : threads) {
    thread.join();
  }
  EXPECT_EQ(ok.load(), kThreads * kPerThread);
  // The client's pool keeps one connection per concurrent caller.
  EXPECT_LE(server_->stats().connections_accepted, static_cast<uint64_t>(kThreads));
}

TEST_F(HttpServerTest, GracefulStopFinishesARequestInFlight) {
  StartServer();
  auto call = std::async(std::launch::async, [this] { return Post("/later", "in flight"); });
  ASSERT_TRUE(pending_.WaitFor(1));
  uint16_t port = server_->port();
  auto stopping = std::async(std::launch::async, [this] { server_->Stop(seconds(10)); });
  // New connections are refused while the request in flight still gets its answer.
  EXPECT_TRUE(WaitUntil([port] { return !RawConnection(port).connected(); }));
  EXPECT_EQ(stopping.wait_for(milliseconds(0)), std::future_status::timeout);
  pending_.Take(0).Respond(HttpResponse::Json(202, "{\"done\":true}"));
  Result<HttpResponse> response = call.get();
  ASSERT_TRUE(response.ok()) << response.status().ToString();
  EXPECT_EQ(response->status, 202);
  EXPECT_EQ(response->headers.GetOr("Connection", ""), "close");
  EXPECT_EQ(stopping.wait_for(seconds(10)), std::future_status::ready);
}

TEST_F(HttpServerTest, StopDeadlineClosesUnansweredRequests) {
  StartServer();
  auto call = std::async(std::launch::async, [this] { return Post("/later", "never"); });
  ASSERT_TRUE(pending_.WaitFor(1));
  auto started = std::chrono::steady_clock::now();
  server_->Stop(milliseconds(200));
  EXPECT_LT(std::chrono::steady_clock::now() - started, seconds(5));
  Result<HttpResponse> response = call.get();
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.status().code(), StatusCode::kUnavailable);
  // Answering after the server is gone is harmless.
  pending_.Take(0).Respond(HttpResponse::Empty(200));
  server_.reset();
  pending_.Clear();
}

TEST_F(HttpServerTest, IdleConnectionsCloseAtOnceOnStop) {
  StartServer();
  RawConnection idle(server_->port());
  ASSERT_TRUE(idle.connected());
  ASSERT_TRUE(idle.Send("GET /echo HTTP/1.1\r\nHost: x\r\n\r\n"));
  idle.ReadResponses(1);
  auto started = std::chrono::steady_clock::now();
  server_->Stop(seconds(10));
  EXPECT_LT(std::chrono::steady_clock::now() - started, seconds(2));
  idle.ReadToClose(seconds(2));
  EXPECT_TRUE(idle.closed());
}

TEST_F(HttpServerTest, HandlerTimeoutAnswers503) {
  HttpServerOptions options;
  options.handler_timeout = milliseconds(100);
  StartServer(options);
  Result<HttpResponse> response = Post("/later", "slow");
  ASSERT_TRUE(response.ok());
  EXPECT_EQ(response->status, 503);
  ASSERT_TRUE(pending_.WaitFor(1));
  // The late answer is dropped and the connection serves the next request.
  pending_.Take(0).Respond(HttpResponse::Empty(200));
  Result<HttpResponse> next = Post("/echo", "next");
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(next->body, "next");
}

TEST_F(HttpServerTest, DroppedResponderAnswers500) {
  HttpServer server;
  ASSERT_TRUE(server.AddRoute("GET", "/drop", [](HttpRequest, Responder) {}).ok());
  ASSERT_TRUE(server.Start().ok());
  ClientRequest request;
  request.url = server.base_url() + "/drop";
  Result<HttpResponse> response = client_.Send(request);
  ASSERT_TRUE(response.ok());
  EXPECT_EQ(response->status, 500);
  server.Stop(seconds(5));
}

TEST_F(HttpServerTest, AbortResetsTheConnection) {
  HttpServer server;
  ASSERT_TRUE(
      server.AddRoute("GET", "/abort", [](HttpRequest, Responder responder) { responder.Abort(); })
          .ok());
  ASSERT_TRUE(server.Start().ok());
  ClientRequest request;
  request.url = server.base_url() + "/abort";
  Result<HttpResponse> response = client_.Send(request);
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.status().code(), StatusCode::kUnavailable);
  server.Stop(seconds(5));
}

TEST_F(HttpServerTest, HeadSendsLengthWithoutBody) {
  StartServer();
  RawConnection connection(server_->port());
  ASSERT_TRUE(
      connection.Send("HEAD /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc"
                      "GET /echo?after HTTP/1.1\r\nHost: x\r\n\r\n"));
  const std::string& replies = connection.ReadUntil(
      [](const std::string& bytes) { return bytes.find("X-Query: after") != std::string::npos; });
  size_t second = replies.find("HTTP/1.1", 1);
  ASSERT_NE(second, std::string::npos);
  std::string head = replies.substr(0, second);
  EXPECT_NE(head.find("Content-Length: 3"), std::string::npos);
  EXPECT_EQ(head.substr(head.size() - 4), "\r\n\r\n");
}

TEST_F(HttpServerTest, MalformedRequestIs400) {
  StartServer();
  RawConnection connection(server_->port());
  ASSERT_TRUE(connection.Send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n"));
  const std::string& reply = connection.ReadToClose();
  EXPECT_EQ(reply.substr(0, 12), "HTTP/1.1 400");
  EXPECT_NE(reply.find("application/problem+json"), std::string::npos);
}

TEST_F(HttpServerTest, OversizeHeaderIs431) {
  HttpServerOptions options;
  options.max_header_bytes = 1024;
  StartServer(options);
  RawConnection connection(server_->port());
  ASSERT_TRUE(connection.Send("GET /echo HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(4096, 'b') +
                              "\r\n\r\n"));
  const std::string& reply = connection.ReadToClose();
  EXPECT_EQ(reply.substr(0, 12), "HTTP/1.1 431");
}

TEST_F(HttpServerTest, IdleTimeoutClosesTheConnection) {
  HttpServerOptions options;
  options.idle_timeout = milliseconds(150);
  StartServer(options);
  RawConnection connection(server_->port());
  ASSERT_TRUE(connection.connected());
  auto started = std::chrono::steady_clock::now();
  connection.ReadToClose(seconds(5));
  EXPECT_TRUE(connection.closed());
  EXPECT_LT(std::chrono::steady_clock::now() - started, seconds(3));
}

TEST_F(HttpServerTest, ReadTimeoutClosesAStalledBody) {
  HttpServerOptions options;
  options.read_timeout = milliseconds(150);
  StartServer(options);
  RawConnection connection(server_->port());
  ASSERT_TRUE(connection.Send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc"));
  connection.ReadToClose(seconds(5));
  EXPECT_TRUE(connection.closed());
  EXPECT_EQ(server_->stats().requests_received, 0u);
}

TEST_F(HttpServerTest, Http10RequestClosesAfterTheAnswer) {
  StartServer();
  RawConnection connection(server_->port());
  ASSERT_TRUE(connection.Send("GET /echo HTTP/1.0\r\n\r\n"));
  const std::string& reply = connection.ReadToClose();
  EXPECT_EQ(reply.substr(0, 15), "HTTP/1.0 200 OK");
  EXPECT_TRUE(connection.closed());
}

TEST_F(HttpServerTest, FallbackHandlesUnroutedPaths) {
  HttpServer server;
  ASSERT_TRUE(server.AddSyncRoute("GET", "/known", Echo).ok());
  server.SetFallback([](HttpRequest request, Responder responder) {
    responder.Respond(HttpResponse::Text(200, "fallback " + request.path));
  });
  ASSERT_TRUE(server.Start().ok());
  ClientRequest request;
  request.url = server.base_url() + "/any/thing";
  Result<HttpResponse> response = client_.Send(request);
  ASSERT_TRUE(response.ok());
  EXPECT_EQ(response->body, "fallback /any/thing");
  server.Stop(seconds(5));
}

TEST_F(HttpServerTest, RouteRegistrationIsChecked) {
  HttpServer server;
  EXPECT_TRUE(server.AddSyncRoute("GET", "/a", Echo).ok());
  EXPECT_EQ(server.AddSyncRoute("GET", "/a", Echo).code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(server.AddSyncRoute("GET", "a", Echo).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(server.AddSyncRoute("", "/b", Echo).code(), StatusCode::kInvalidArgument);
  ASSERT_TRUE(server.Start().ok());
  EXPECT_EQ(server.AddSyncRoute("GET", "/c", Echo).code(), StatusCode::kFailedPrecondition);
  server.Stop(seconds(1));
}

TEST_F(HttpServerTest, BindingATakenPortIsUnavailable) {
  StartServer();
  HttpServerOptions options;
  options.port = server_->port();
  HttpServer second(options);
  Status started = second.Start();
  EXPECT_EQ(started.code(), StatusCode::kUnavailable);
  EXPECT_NE(started.context().find(std::to_string(server_->port())), std::string_view::npos);
}

}  // namespace
}  // namespace erphub::net
