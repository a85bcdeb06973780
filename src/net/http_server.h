#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "core/result.h"
#include "net/http_message.h"

namespace erphub::net {

struct HttpServerOptions {
  // Address to bind: an IP literal or a host name ("0.0.0.0", "::", "localhost").
  std::string host = "127.0.0.1";
  // 0 lets the system pick a free port; HttpServer::port() tells which.
  uint16_t port = 0;
  // Threads running the network I/O and the handlers.
  int io_threads = 2;
  // Larger bodies are refused with 413, judged by Content-Length before reading and counted
  // while reading chunked bodies.
  size_t max_body_bytes = 1 << 20;
  // Larger request lines plus headers are refused with 431.
  size_t max_header_bytes = 16 << 10;
  // How long a connection may wait for (the whole header of) its next request.
  std::chrono::milliseconds idle_timeout{std::chrono::seconds(60)};
  // How long reading a request's body may take once its header arrived.
  std::chrono::milliseconds read_timeout{std::chrono::seconds(30)};
  // How long writing a response may take.
  std::chrono::milliseconds write_timeout{std::chrono::seconds(30)};
  // A handler that has not responded after this long gets 503 sent on its behalf.
  std::chrono::milliseconds handler_timeout{std::chrono::seconds(60)};
  // Value of the Server header; empty sends none.
  std::string server_header = "erphub";
};

namespace internal {
struct ResponseSlot;
class ServerCore;
}  // namespace internal

// Answers one request, now or later, from any thread. Copies share one answer: the first Respond
// or Abort counts and later calls do nothing. If every copy is dropped without an answer, the
// client gets 500. Answers after the server gave up on the request (handler timeout, stop) are
// dropped.
class Responder {
 public:
  // Sends `response`. The server sets Content-Length, Connection and Date itself.
  void Respond(HttpResponse response) const;
  // Closes the connection without a response (the client sees a reset).
  void Abort() const;

 private:
  friend class internal::ServerCore;
  explicit Responder(std::shared_ptr<internal::ResponseSlot> slot) : slot_(std::move(slot)) {}

  // Shared so that the responder can be copied into std::function callbacks (which must be
  // copyable) while still answering once.
  std::shared_ptr<internal::ResponseSlot> slot_;
};

// Handles one request. Runs on an I/O thread, so it must not block: long work goes elsewhere and
// answers through the responder when done.
using Handler = std::function<void(HttpRequest request, Responder responder)>;
// Handles one request and returns the answer at once; also runs on an I/O thread.
using SyncHandler = std::function<HttpResponse(const HttpRequest& request)>;

struct HttpServerStats {
  uint64_t connections_accepted = 0;
  uint64_t requests_received = 0;
  uint64_t open_connections = 0;
};

// An asynchronous HTTP/1.1 server: keep-alive, pipelined requests answered in order, one
// listener serving many routes. A route is an exact path (without the query) and method; other
// paths get 404 (or the fallback handler), other methods on a known path get 405 with Allow.
// Error answers carry problem+json bodies. Add routes, then Start, then Stop; not restartable.
class HttpServer {
 public:
  explicit HttpServer(HttpServerOptions options = {});
  // Stops at once (zero deadline) if still running.
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Adds a route; only before Start. kAlreadyExists for a repeated method and path,
  // kInvalidArgument for an empty method or a path not starting with '/'.
  Status AddRoute(std::string_view method, std::string_view path, Handler handler);
  Status AddSyncRoute(std::string_view method, std::string_view path, SyncHandler handler);
  // Handles requests whose path no route has (instead of 404); only before Start.
  void SetFallback(Handler handler);

  // Binds, listens and starts the I/O threads. kUnavailable when the address cannot be bound.
  Status Start();

  // The bound port; valid after a successful Start.
  uint16_t port() const;
  // "http://ADDRESS:PORT" of the bound socket, for building URLs to this server.
  std::string base_url() const;

  // Graceful stop: stops accepting, closes idle connections, lets requests whose header has
  // arrived finish (handler answers, response written, connection closed) for up to
  // `deadline`, then closes everything and joins the I/O threads. Idempotent.
  void Stop(std::chrono::milliseconds deadline);

  HttpServerStats stats() const;

 private:
  std::unique_ptr<internal::ServerCore> impl_;
};

}  // namespace erphub::net
