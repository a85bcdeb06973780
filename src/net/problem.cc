#include "net/problem.h"

#include <utility>

#include "core/json.h"

namespace erphub::net {

namespace {

void AppendMember(std::string& out, std::string_view name, std::string_view value) {
  if (out.size() > 1) {
    out += ',';
  }
  AppendJsonString(out, name);
  out += ':';
  AppendJsonString(out, value);
}

}  // namespace

std::string ProblemJson(const Problem& problem) {
  std::string out = "{";
  if (!problem.type.empty()) {
    AppendMember(out, "type", problem.type);
  }
  std::string_view title = problem.title.empty() ? ReasonPhrase(problem.status) : problem.title;
  AppendMember(out, "title", title);
  out += ",\"status\":";
  out += std::to_string(problem.status);
  if (!problem.detail.empty()) {
    AppendMember(out, "detail", problem.detail);
  }
  if (!problem.instance.empty()) {
    AppendMember(out, "instance", problem.instance);
  }
  for (const auto& [name, value] : problem.extensions) {
    if (value.is_undefined()) {
      continue;
    }
    out += ',';
    AppendJsonString(out, name);
    out += ':';
    AppendJson(out, value);
  }
  out += '}';
  return out;
}

HttpResponse ProblemResponse(const Problem& problem) {
  return HttpResponse::WithBody(problem.status, ProblemJson(problem),
                                std::string(kProblemContentType));
}

HttpResponse ProblemResponse(int status, std::string detail) {
  Problem problem;
  problem.status = status;
  problem.detail = std::move(detail);
  return ProblemResponse(problem);
}

HttpResponse RetryLaterResponse(std::string detail, std::chrono::seconds retry_after) {
  HttpResponse response = ProblemResponse(503, std::move(detail));
  response.headers.Set("Retry-After", std::to_string(retry_after.count()));
  return response;
}

}  // namespace erphub::net
