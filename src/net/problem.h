#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "core/value.h"
#include "net/http_message.h"

namespace erphub::net {

inline constexpr std::string_view kProblemContentType = "application/problem+json";

// An RFC 9457 problem detail: the error body erphub sends for every 4xx and 5xx it produces.
struct Problem {
  int status = 500;
  // Short and the same for every occurrence of the type; empty uses the status's reason phrase.
  std::string title;
  // What went wrong with this request, for the sender to act on; empty leaves it out.
  std::string detail;
  // A URI naming the problem type; empty leaves it out (meaning "about:blank").
  std::string type;
  // A URI naming this occurrence (e.g. the quarantine entry); empty leaves it out.
  std::string instance;
  // Further members (e.g. "errors": [...]); written after the standard ones, in order.
  Object extensions;
};

// The problem as JSON text: type, title, status, detail, instance, then the extensions.
std::string ProblemJson(const Problem& problem);

// A response with the problem's status, Content-Type application/problem+json and its JSON.
HttpResponse ProblemResponse(const Problem& problem);
// Shorthand: the status's reason phrase as title, and `detail`.
HttpResponse ProblemResponse(int status, std::string detail);
// 503 with `detail` and Retry-After: the request was not taken now, and may be sent again then.
HttpResponse RetryLaterResponse(std::string detail, std::chrono::seconds retry_after);

}  // namespace erphub::net
