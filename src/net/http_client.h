#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "net/headers.h"
#include "net/http_message.h"

namespace erphub::net {

struct HttpClientOptions {
  // Time allowed to establish a connection (TCP and TLS).
  std::chrono::milliseconds connect_timeout{std::chrono::seconds(10)};
  // Time allowed for a whole exchange, connecting included; a request may override it.
  std::chrono::milliseconds total_timeout{std::chrono::seconds(30)};
  // Larger response bodies fail the request with kOutOfRange.
  size_t max_response_bytes = 64 << 20;
  // Sent unless the request sets its own User-Agent; empty sends none.
  std::string user_agent = "erphub";
  // Follow 3xx redirects (at most 5) instead of returning them.
  bool follow_redirects = false;
  // Verify TLS certificates and host names; turn off only for tests.
  bool verify_tls = true;
  // PEM bundle of trusted CAs instead of the system's; empty uses the system's.
  std::string ca_file;
};

struct ClientRequest {
  std::string method = "GET";
  std::string url;  // http:// or https://
  Headers headers;
  std::string body;
  // Overrides HttpClientOptions::total_timeout for this request.
  std::optional<std::chrono::milliseconds> timeout;
};

// A blocking HTTP/1.1 client on libcurl, safe to use from many threads at once. Connections are
// kept alive and reused: each call borrows a handle (with its connection cache) from a pool and
// returns it afterwards, so one thread making calls in a row reuses one connection.
//
// Any status the server answers is a successful Result; errors are failures to get an answer:
// kDeadlineExceeded on timeout, kUnavailable when the server cannot be reached or the exchange
// breaks, kInvalidArgument for a malformed URL, kOutOfRange when the body exceeds the limit,
// kFailedPrecondition when the TLS certificate is not trusted. Error messages name the method
// and the URL without its user information and query, which may hold secrets.
class HttpClient {
 public:
  explicit HttpClient(HttpClientOptions options = {});
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  Result<HttpResponse> Send(const ClientRequest& request);

 private:
  struct Handle;
  std::unique_ptr<Handle> Borrow();
  void Return(std::unique_ptr<Handle> handle);

  HttpClientOptions options_;
  std::mutex mu_;
  std::vector<std::unique_ptr<Handle>> idle_;
};

// The URL with user information, query and fragment removed, safe to log.
std::string RedactUrl(std::string_view url);

}  // namespace erphub::net
