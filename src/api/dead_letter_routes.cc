#include "api/dead_letter_routes.h"

#include <charconv>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

#include "api/dead_letters.h"
#include "api/store_json.h"
#include "api/time_argument.h"
#include "core/hex.h"
#include "core/json.h"
#include "net/problem.h"

namespace erphub::api {
namespace {

constexpr std::string_view kCollection = "/api/v1/dead-letters";
constexpr int kDefaultLimit = 100;
constexpr int kMaxLimit = 1000;

net::HttpResponse JsonAnswer(int status, const Value& value) {
  return net::HttpResponse::Json(status, ToJson(value));
}

// The problem a failed operation answers with.
net::HttpResponse StatusProblem(const Status& status) {
  int code = 500;
  switch (status.code()) {
    case StatusCode::kInvalidArgument:
    case StatusCode::kParse:
      code = 400;
      break;
    case StatusCode::kNotFound:
      code = 404;
      break;
    case StatusCode::kFailedPrecondition:
    case StatusCode::kConflict:
      code = 409;
      break;
    case StatusCode::kResourceExhausted:
    case StatusCode::kUnavailable:
    case StatusCode::kDeadlineExceeded:
      code = 503;
      break;
    default:
      break;
  }
  if (code == 503) {
    return net::RetryLaterResponse(status.ToString(), std::chrono::seconds(5));
  }
  return net::ProblemResponse(code, status.ToString());
}

// application/x-www-form-urlencoded decoding of one query component.
std::string QueryDecode(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '+') {
      out += ' ';
    } else if (text[i] == '%' && i + 2 < text.size() && HexDigitValue(text[i + 1]) >= 0 &&
               HexDigitValue(text[i + 2]) >= 0) {
      out += static_cast<char>(HexDigitValue(text[i + 1]) * 16 + HexDigitValue(text[i + 2]));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> QueryParams(std::string_view query) {
  std::vector<std::pair<std::string, std::string>> params;
  while (!query.empty()) {
    const size_t amp = query.find('&');
    std::string_view part = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (part.empty()) {
      continue;
    }
    const size_t eq = part.find('=');
    params.emplace_back(QueryDecode(part.substr(0, eq)),
                        eq == std::string_view::npos ? "" : QueryDecode(part.substr(eq + 1)));
  }
  return params;
}

Result<int64_t> ParsePositive(std::string_view text, std::string_view name) {
  int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || value < 0) {
    return InvalidArgumentError("expected a whole number", std::string(name));
  }
  return value;
}

// The request's JSON body as an object; an empty body is {}.
Result<Value> BodyObject(const net::HttpRequest& request) {
  if (request.body.find_first_not_of(" \t\r\n") == std::string::npos) {
    return Value::MakeObject();
  }
  Result<Value> body = ParseJson(request.body);
  if (!body.ok()) {
    return InvalidArgumentError("the body is not JSON: " + body.status().ToString());
  }
  if (!body->is_object()) {
    return InvalidArgumentError("the body must be a JSON object");
  }
  return body;
}

// An optional string member; kInvalidArgument when present with another type.
Result<std::string> StringMember(const Value& body, std::string_view name) {
  const Value& value = body.Get(name);
  if (value.is_undefined() || value.is_null()) {
    return std::string();
  }
  if (!value.is_string()) {
    return InvalidArgumentError("must be a string", std::string(name));
  }
  return std::string(value.as_string());
}

// Compares in time that depends only on the lengths, not on where the texts differ.
bool TokenMatches(std::string_view given, std::string_view expected) {
  if (given.size() != expected.size()) {
    return false;
  }
  unsigned char difference = 0;
  for (size_t i = 0; i < given.size(); ++i) {
    difference |= static_cast<unsigned char>(given[i] ^ expected[i]);
  }
  return difference == 0;
}

// Who did it, for the lineage.
std::string Actor(const net::HttpRequest& request) {
  return "admin API from " + request.remote_address;
}

}  // namespace

struct DeadLetterApi::State {
  DeadLetterApiOptions options;
  const Clock* clock = nullptr;

  std::mutex mu;
  std::condition_variable cv;
  std::deque<std::pair<net::HttpRequest, net::Responder>> queue;
  bool stopped = false;
  std::thread thread;

  // Checked on the I/O thread: cheap, and refuses before anything is queued.
  std::optional<net::HttpResponse> Refuse(const net::HttpRequest& request) const {
    if (options.token.empty()) {
      net::Problem problem;
      problem.status = 403;
      problem.title = "Admin API off";
      problem.detail = "set admin.token in the config to use the admin API";
      return net::ProblemResponse(problem);
    }
    std::string_view authorization = request.headers.GetOr("Authorization", "");
    constexpr std::string_view kBearer = "Bearer ";
    if (authorization.size() <= kBearer.size() ||
        authorization.substr(0, kBearer.size()) != kBearer ||
        !TokenMatches(authorization.substr(kBearer.size()), options.token)) {
      net::HttpResponse response =
          net::ProblemResponse(401, "send the admin token as Authorization: Bearer TOKEN");
      response.headers.Set("WWW-Authenticate", "Bearer realm=\"erphub\"");
      return response;
    }
    return std::nullopt;
  }

  void Enqueue(net::HttpRequest request, net::Responder responder) {
    // The fallback also sees paths that are not the API's.
    const std::string_view path = request.path;
    if (path != kCollection &&
        path.substr(0, kCollection.size() + 1) != std::string(kCollection) + "/") {
      responder.Respond(net::ProblemResponse(404, "no route for " + request.path));
      return;
    }
    if (std::optional<net::HttpResponse> refused = Refuse(request)) {
      responder.Respond(std::move(*refused));
      return;
    }
    {
      std::lock_guard<std::mutex> lock(mu);
      if (!stopped) {
        queue.emplace_back(std::move(request), responder);
        cv.notify_one();
        return;
      }
    }
    responder.Respond(Busy());
  }

  static net::HttpResponse Busy() {
    return net::RetryLaterResponse("erphub is shutting down", std::chrono::seconds(5));
  }

  void Run() {
    while (true) {
      std::optional<std::pair<net::HttpRequest, net::Responder>> item;
      {
        std::unique_lock<std::mutex> lock(mu);
        cv.wait(lock, [&] { return stopped || !queue.empty(); });
        if (stopped) {
          return;
        }
        item.emplace(std::move(queue.front()));
        queue.pop_front();
      }
      item->second.Respond(Handle(item->first));
    }
  }

  net::HttpResponse Handle(const net::HttpRequest& request) {
    std::string_view path = request.path;
    if (path == kCollection) {
      return request.method == "GET" ? List(request) : NotAllowed(request, "GET");
    }
    const std::string prefix = std::string(kCollection) + "/";
    if (path.substr(0, prefix.size()) != prefix) {
      return net::ProblemResponse(404, "no route for " + request.path);
    }
    std::string_view rest = path.substr(prefix.size());
    if (rest == "replay") {
      return request.method == "POST" ? ReplayMany(request) : NotAllowed(request, "POST");
    }
    const size_t slash = rest.find('/');
    std::string_view action = slash == std::string_view::npos ? "" : rest.substr(slash + 1);
    Result<int64_t> id = ParseDeadLetterId(rest.substr(0, slash));
    if (!id.ok()) {
      return net::ProblemResponse(404, "no route for " + request.path);
    }
    if (action.empty()) {
      return request.method == "GET" ? Show(*id) : NotAllowed(request, "GET");
    }
    if (action == "replay") {
      return request.method == "POST" ? ReplayOne(request, *id) : NotAllowed(request, "POST");
    }
    if (action == "discard") {
      return request.method == "POST" ? Discard(request, *id) : NotAllowed(request, "POST");
    }
    if (action == "payload") {
      return request.method == "PUT" ? EditPayload(request, *id) : NotAllowed(request, "PUT");
    }
    return net::ProblemResponse(404, "no route for " + request.path);
  }

  static net::HttpResponse NotAllowed(const net::HttpRequest& request, std::string_view allow) {
    net::HttpResponse response =
        net::ProblemResponse(405, request.method + " is not allowed on " + request.path);
    response.headers.Set("Allow", std::string(allow));
    return response;
  }

  net::HttpResponse List(const net::HttpRequest& request) {
    store::DeadLetterFilter filter;
    int64_t limit = kDefaultLimit;
    for (const auto& [name, value] : QueryParams(request.query)) {
      if (name == "flow") {
        filter.flow = value;
      } else if (name == "since") {
        Result<Timestamp> since = ParseTimeArgument(value, clock->Now());
        if (!since.ok()) {
          return StatusProblem(since.status().WithContext("since"));
        }
        filter.since = *since;
      } else if (name == "after") {
        Result<int64_t> after = ParsePositive(value, "after");
        if (!after.ok()) {
          return StatusProblem(after.status());
        }
        filter.after_id = *after;
      } else if (name == "limit") {
        Result<int64_t> n = ParsePositive(value, "limit");
        if (!n.ok() || *n < 1 || *n > kMaxLimit) {
          return net::ProblemResponse(400, "limit: expected 1 to " + std::to_string(kMaxLimit));
        }
        limit = *n;
      } else {
        return net::ProblemResponse(
            400, "unknown query parameter \"" + name + "\"; known: flow, since, after, limit");
      }
    }
    Result<std::vector<store::DeadLetterEntry>> entries =
        ListDeadLetters(*options.store, filter, static_cast<int>(limit));
    if (!entries.ok()) {
      return StatusProblem(entries.status());
    }
    Array items;
    for (const store::DeadLetterEntry& entry : *entries) {
      items.push_back(DeadLetterEntryJson(entry));
    }
    Object out;
    const bool full = static_cast<int64_t>(entries->size()) == limit;
    out.Append("items", Value::MakeArray(std::move(items)));
    out.Append("next_after", full ? Value::Int(entries->back().id) : Value::Null());
    return JsonAnswer(200, Value::MakeObject(std::move(out)));
  }

  net::HttpResponse Show(int64_t id) {
    Result<store::DeadLetterDetail> detail = options.store->GetDeadLetter(id);
    if (!detail.ok()) {
      return StatusProblem(detail.status());
    }
    return JsonAnswer(200, DeadLetterDetailJson(*detail));
  }

  static net::HttpResponse ReplayAnswer(const Result<ReplayOutcome>& outcome) {
    if (!outcome.ok()) {
      return StatusProblem(outcome.status());
    }
    Array replayed;
    for (int64_t id : outcome->replayed) {
      replayed.push_back(Value::Int(id));
    }
    Array failed;
    for (const auto& [id, status] : outcome->failed) {
      Object item;
      item.Append("id", Value::Int(id));
      item.Append("error", Value::Str(status.ToString()));
      failed.push_back(Value::MakeObject(std::move(item)));
    }
    Object out;
    out.Append("replayed", Value::MakeArray(std::move(replayed)));
    out.Append("failed", Value::MakeArray(std::move(failed)));
    return JsonAnswer(200, Value::MakeObject(std::move(out)));
  }

  std::string Note(const net::HttpRequest& request, const Value& body, std::string_view fallback) {
    Result<std::string> note = StringMember(body, "note");
    std::string text = note.ok() && !note->empty() ? *note : std::string(fallback);
    return text + " (" + Actor(request) + ")";
  }

  net::HttpResponse ReplayOne(const net::HttpRequest& request, int64_t id) {
    Result<Value> body = BodyObject(request);
    if (!body.ok()) {
      return StatusProblem(body.status());
    }
    ReplaySelection selection;
    selection.id = id;
    Result<ReplayOutcome> outcome =
        ReplayDeadLetters(*options.store, selection, Note(request, *body, "replayed"));
    // One id: its failure is the request's.
    if (outcome.ok() && !outcome->failed.empty()) {
      return StatusProblem(outcome->failed.front().second);
    }
    return ReplayAnswer(outcome);
  }

  net::HttpResponse ReplayMany(const net::HttpRequest& request) {
    Result<Value> body = BodyObject(request);
    if (!body.ok()) {
      return StatusProblem(body.status());
    }
    ReplaySelection selection;
    Result<std::string> flow = StringMember(*body, "flow");
    if (!flow.ok()) {
      return StatusProblem(flow.status());
    }
    selection.flow = *flow;
    const Value& all = body->Get("all");
    if (!all.is_undefined() && !all.is_bool()) {
      return net::ProblemResponse(400, "all: must be true or false");
    }
    selection.all = all.is_bool() && all.as_bool();
    if (selection.flow.empty() == !selection.all) {
      return net::ProblemResponse(400, "name what to replay: {\"flow\": \"F\"} or {\"all\": true}");
    }
    return ReplayAnswer(
        ReplayDeadLetters(*options.store, selection, Note(request, *body, "replayed")));
  }

  net::HttpResponse Discard(const net::HttpRequest& request, int64_t id) {
    Result<Value> body = BodyObject(request);
    if (!body.ok()) {
      return StatusProblem(body.status());
    }
    Result<std::string> reason = StringMember(*body, "reason");
    if (!reason.ok()) {
      return StatusProblem(reason.status());
    }
    Status status = DiscardDeadLetter(*options.store, id, *reason);
    if (!status.ok()) {
      return StatusProblem(status);
    }
    Object out;
    out.Append("discarded", Value::Int(id));
    return JsonAnswer(200, Value::MakeObject(std::move(out)));
  }

  net::HttpResponse EditPayload(const net::HttpRequest& request, int64_t id) {
    Result<Value> payload = ParseEditedPayload(request.body);
    if (!payload.ok()) {
      return StatusProblem(payload.status());
    }
    Status status =
        EditDeadLetter(*options.store, id, *payload, "payload edited (" + Actor(request) + ")");
    if (!status.ok()) {
      return StatusProblem(status);
    }
    Object out;
    out.Append("replayed", Value::MakeArray({Value::Int(id)}));
    out.Append("failed", Value::MakeArray());
    return JsonAnswer(200, Value::MakeObject(std::move(out)));
  }
};

DeadLetterApi::DeadLetterApi(DeadLetterApiOptions options) : state_(std::make_shared<State>()) {
  state_->options = std::move(options);
  state_->clock =
      state_->options.clock != nullptr ? state_->options.clock : &SystemClock::Default();
}

DeadLetterApi::~DeadLetterApi() { Stop(); }

Status DeadLetterApi::AddRoutes(net::HttpServer& server) {
  if (state_->options.store == nullptr) {
    return InvalidArgumentError("the dead-letter API needs a store");
  }
  std::shared_ptr<State> state = state_;
  auto handler = [state](net::HttpRequest request, net::Responder responder) {
    state->Enqueue(std::move(request), std::move(responder));
  };
  const std::string collection(kCollection);
  ERPHUB_TRY(server.AddRoute("GET", collection, handler));
  ERPHUB_TRY(server.AddRoute("POST", collection + "/replay", handler));
  // Paths with an id: the fallback sees every path no route has and answers 404 to the others.
  server.SetFallback(handler);
  std::lock_guard<std::mutex> lock(state_->mu);
  if (!state_->thread.joinable() && !state_->stopped) {
    state_->thread = std::thread([state] { state->Run(); });
  }
  return Status::Ok();
}

void DeadLetterApi::Stop() {
  std::deque<std::pair<net::HttpRequest, net::Responder>> left;
  {
    std::lock_guard<std::mutex> lock(state_->mu);
    state_->stopped = true;
    left.swap(state_->queue);
  }
  state_->cv.notify_all();
  if (state_->thread.joinable()) {
    state_->thread.join();
  }
  for (auto& [request, responder] : left) {
    responder.Respond(State::Busy());
  }
}

}  // namespace erphub::api
