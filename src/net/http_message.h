#pragma once

#include <string>
#include <string_view>

#include "net/headers.h"

namespace erphub::net {

// A request as the server received it.
struct HttpRequest {
  std::string method;  // as sent, e.g. "POST"
  std::string target;  // the request-target as sent, e.g. "/hooks/orders?shop=1"
  std::string path;    // the target up to '?', not percent-decoded
  std::string query;   // the target after '?', without it; empty when absent
  Headers headers;
  // The body bytes exactly as the sender meant them (chunked transfer coding removed), never
  // re-encoded: signatures are verified over these bytes.
  std::string body;
  std::string remote_address;  // "ip:port" of the peer
};

// A response: built by a server handler, or received by the client.
struct HttpResponse {
  int status = 200;
  Headers headers;
  std::string body;

  // A response with `body` and a Content-Type header.
  static HttpResponse WithBody(int status, std::string body, std::string content_type);
  static HttpResponse Json(int status, std::string json_text) {
    return WithBody(status, std::move(json_text), "application/json");
  }
  static HttpResponse Text(int status, std::string text) {
    return WithBody(status, std::move(text), "text/plain; charset=utf-8");
  }
  // A response without a body.
  static HttpResponse Empty(int status);
};

// The standard reason phrase of `status` ("Not Found"), or "" for unknown codes.
std::string_view ReasonPhrase(int status);

}  // namespace erphub::net
