#include "systems/tryton/client.h"

#include <openssl/evp.h>

#include <algorithm>
#include <map>
#include <thread>
#include <utility>

#include "core/json.h"
#include "systems/tryton/records.h"
#include "systems/tryton/values.h"

namespace erphub::tryton {
namespace {

// Creates that fail on a unique constraint are tried this many more times, pausing.
constexpr int kUniqueRetries = 3;
constexpr std::chrono::milliseconds kUniqueRetryPause{30};
// The most of an unexpected answer kept in an error message.
constexpr size_t kMaxQuotedBody = 300;

std::string Base64(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3), '\0');
  int written = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(bytes.data()),
                                static_cast<int>(bytes.size()));
  out.resize(static_cast<size_t>(std::max(written, 0)));
  return out;
}

std::string WithSlash(std::string url) {
  if (url.empty() || url.back() != '/') {
    url.push_back('/');
  }
  return url;
}

std::string Quoted(std::string_view text) {
  if (text.size() > kMaxQuotedBody) {
    return std::string(text.substr(0, kMaxQuotedBody)) + "...";
  }
  return std::string(text);
}

std::string TextAt(const Value& array, size_t index) {
  if (array.is_array() && index < array.size() && array[index].is_string()) {
    return std::string(array[index].as_string());
  }
  return "";
}

bool Contains(std::string_view text, std::string_view part) {
  return text.find(part) != std::string_view::npos;
}

// Failures of the moment rather than of the request: the same call may succeed later.
bool IsPassingTrouble(std::string_view text) {
  return Contains(text, "database is locked") || Contains(text, "could not serialize") ||
         Contains(text, "deadlock detected") || Contains(text, "could not obtain lock") ||
         Contains(text, "Too many requests");
}

Status HttpStatusError(std::string_view method, int status, std::string_view body) {
  std::string prefix = "Tryton " + std::string(method) + ": ";
  if (status == 401) {
    return Status(StatusCode::kUnauthenticated,
                  prefix + "HTTP 401: the login or session was refused");
  }
  if (status == 403) {
    return Status(StatusCode::kPermissionDenied, prefix + "HTTP 403: method not allowed");
  }
  if (status == 429) {
    return ResourceExhaustedError(prefix + "HTTP 429: too many requests");
  }
  std::string text = prefix + "HTTP " + std::to_string(status) + ": " + Quoted(body);
  if (status >= 500 || status == 408) {
    return UnavailableError(std::move(text));
  }
  return InvalidArgumentError(std::move(text));
}

}  // namespace

Status ErrorStatus(std::string_view method, const Value& error) {
  std::string prefix = "Tryton " + std::string(method) + ": ";
  std::string kind = TextAt(error, 0);
  const Value& args = error.is_array() && error.size() > 1 ? error[1] : Value();
  if (kind == "UserError") {
    std::string message = TextAt(args, 0);
    std::string description = TextAt(args, 1);
    if (!description.empty()) {
      message += " (" + description + ")";
    }
    if (message.rfind("You are not allowed to", 0) == 0) {
      return Status(StatusCode::kPermissionDenied, prefix + message);
    }
    if (Contains(message, "that don't exist anymore")) {
      return NotFoundError(prefix + message);
    }
    return InvalidArgumentError(prefix + message);
  }
  if (kind == "UserWarning") {
    // [name, message, description]: the name identifies the warning for an answer.
    return Status(StatusCode::kFailedPrecondition, prefix + "warning: " + TextAt(args, 1),
                  TextAt(args, 0));
  }
  if (kind == "ConcurrencyException") {
    return UnavailableError(prefix + "records were modified meanwhile: " +
                            (args.is_string() ? std::string(args.as_string()) : ""));
  }
  if (kind == "LoginException") {
    return Status(StatusCode::kUnauthenticated, prefix + "login needs " + TextAt(args, 0));
  }
  if (kind == "RateLimitException") {
    return ResourceExhaustedError(prefix + "too many login attempts");
  }
  if (kind.empty()) {
    return InvalidArgumentError(prefix + "error " + Quoted(ToJson(error)));
  }
  // An unexpected Python exception: its text, e.g. "'no.such.model'".
  if (IsPassingTrouble(kind)) {
    return UnavailableError(prefix + Quoted(kind));
  }
  return InvalidArgumentError(prefix + Quoted(kind));
}

Result<std::vector<int64_t>> IdList(const Value& result) {
  std::vector<int64_t> ids;
  if (!result.is_array()) {
    return ParseError("Tryton: expected a list of ids, got " + Quoted(ToJson(result)));
  }
  ids.reserve(result.size());
  for (const Value& item : result.as_array()) {
    std::optional<int64_t> id;
    if (item.is_number()) {
      id = item.as_number().ToInt64();
    }
    if (!id.has_value()) {
      return ParseError("Tryton: expected a list of ids, got " + Quoted(ToJson(result)));
    }
    ids.push_back(*id);
  }
  return ids;
}

Client::Client(ClientOptions options)
    : options_(std::move(options)),
      database_url_(WithSlash(options_.url) + options_.database + "/"),
      http_([this] {
        net::HttpClientOptions http;
        http.total_timeout = options_.timeout;
        return http;
      }()) {}

Result<Value> Client::Post(std::string_view method, const Value& params,
                           const std::string& authorization, bool* unauthorized) {
  // Exactly these three keys: any other key switches trytond to a different reply format.
  Value body = Value::MakeObject();
  body.Set("method", Value::Str(method));
  body.Set("params", params);
  body.Set("id", Value::Int(next_id_.fetch_add(1)));
  net::ClientRequest request;
  request.method = "POST";
  request.url = database_url_;
  request.headers.Set("Content-Type", "application/json");
  if (!authorization.empty()) {
    request.headers.Set("Authorization", authorization);
  }
  request.body = ToJson(body);
  auto response = http_.Send(request);
  if (!response.ok()) {
    return Status(response.error().code(),
                  "Tryton " + std::string(method) + ": " + std::string(response.error().message()));
  }
  if (response->status == 401 && unauthorized != nullptr) {
    *unauthorized = true;
  }
  if (response->status != 200) {
    return HttpStatusError(method, response->status, response->body);
  }
  auto reply = ParseJson(response->body);
  if (!reply.ok() || !reply->is_object()) {
    return UnavailableError("Tryton " + std::string(method) +
                            ": the reply is not JSON: " + Quoted(response->body));
  }
  const Value& error = reply->Get("error");
  if (!error.is_undefined() && !error.is_null()) {
    return ErrorStatus(method, error);
  }
  return reply->Get("result");
}

Result<Client::Session> Client::Login() {
  Value password = Value::MakeObject();
  password.Set("password", Value::Str(options_.password));
  Value params =
      Value::MakeArray({Value::Str(options_.user), std::move(password), Value::Str("en")});
  logins_.fetch_add(1);
  ERPHUB_ASSIGN_OR_RETURN(Value result, Post("common.db.login", params, "", nullptr));
  if (!result.is_array() || result.size() != 2 || !result[0].is_number() ||
      !result[1].is_string()) {
    return Status(StatusCode::kUnauthenticated,
                  "Tryton common.db.login: refused for user " + options_.user);
  }
  Session session;
  session.user_id = result[0].as_number().ToInt64().value_or(0);
  session.authorization =
      "Session " + Base64(options_.user + ":" + result[0].as_number().ToString() + ":" +
                          std::string(result[1].as_string()));
  Value preferences_params = Value::MakeArray({Value::Bool(true), Value::MakeObject()});
  ERPHUB_ASSIGN_OR_RETURN(
      Value preferences,
      Post("model.res.user.get_preferences", preferences_params, session.authorization, nullptr));
  if (!preferences.is_object()) {
    return UnavailableError("Tryton model.res.user.get_preferences: no context in the reply");
  }
  // The context the clients send back: the preferences without the display names ("x.rec_name").
  session.context = Value::MakeObject();
  for (const auto& [key, value] : preferences.as_object()) {
    if (key.find('.') == std::string::npos) {
      session.context.mutable_object().Append(key, value);
    }
  }
  return session;
}

Result<Client::Session> Client::EnsureSession(uint64_t stale_generation) {
  std::lock_guard lock(mu_);
  if (session_.has_value() && session_->generation != stale_generation) {
    return *session_;
  }
  ERPHUB_ASSIGN_OR_RETURN(Session session, Login());
  session.generation = ++generations_;
  session_ = session;
  return session;
}

Result<Value> Client::Context() {
  ERPHUB_ASSIGN_OR_RETURN(Session session, EnsureSession(0));
  return session.context;
}

Result<int64_t> Client::UserId() {
  ERPHUB_ASSIGN_OR_RETURN(Session session, EnsureSession(0));
  return session.user_id;
}

Result<Value> Client::Execute(std::string_view model, std::string_view method, Array args,
                              const Value& extra_context) {
  return Invoke("model." + std::string(model) + "." + std::string(method), args, extra_context);
}

Result<Value> Client::ExecuteWizard(std::string_view wizard, std::string_view method, Array args,
                                    const Value& extra_context) {
  return Invoke("wizard." + std::string(wizard) + "." + std::string(method), args, extra_context);
}

Result<Value> Client::Invoke(const std::string& name, const Array& args,
                             const Value& extra_context) {
  uint64_t stale = 0;
  for (int attempt = 0;; ++attempt) {
    ERPHUB_ASSIGN_OR_RETURN(Session session, EnsureSession(stale));
    Value context = session.context;
    if (extra_context.is_object()) {
      for (const auto& [key, value] : extra_context.as_object()) {
        context.Set(key, value);
      }
    }
    Value params = Value::MakeArray(args);
    params.push_back(std::move(context));
    bool unauthorized = false;
    auto result = Post(name, params, session.authorization, &unauthorized);
    if (unauthorized && attempt == 0) {
      // The session expired or was ended: the method did not run, so once more is safe.
      stale = session.generation;
      continue;
    }
    if (!result.ok()) {
      return std::move(result).error();
    }
    return Decode(*result);
  }
}

namespace {

Value FieldList(const std::vector<std::string>& fields) {
  Value out = Value::MakeArray();
  for (const std::string& field : fields) {
    out.push_back(Value::Str(field));
  }
  return out;
}

Value Limit(const SearchOptions& options) {
  return options.limit.has_value() ? Value::Int(*options.limit) : Value::Null();
}

Value Order(const SearchOptions& options) {
  return options.order.is_undefined() ? Value::Null() : options.order;
}

Result<std::vector<Value>> Records(std::string_view model, const Value& result) {
  if (!result.is_array()) {
    return ParseError("Tryton " + std::string(model) + ": expected a list of records");
  }
  return std::vector<Value>(result.as_array().begin(), result.as_array().end());
}

}  // namespace

Result<std::vector<Value>> Client::SearchRead(std::string_view model, const Value& domain,
                                              std::vector<std::string> fields,
                                              const SearchOptions& options) {
  ERPHUB_ASSIGN_OR_RETURN(Value result, Execute(model, "search_read",
                                                {domain, Value::Int(options.offset), Limit(options),
                                                 Order(options), FieldList(fields)}));
  return Records(model, result);
}

Result<std::vector<int64_t>> Client::Search(std::string_view model, const Value& domain,
                                            const SearchOptions& options) {
  ERPHUB_ASSIGN_OR_RETURN(
      Value result, Execute(model, "search",
                            {domain, Value::Int(options.offset), Limit(options), Order(options)}));
  return IdList(result);
}

Result<std::vector<Value>> Client::Read(std::string_view model, const std::vector<int64_t>& ids,
                                        std::vector<std::string> fields) {
  ERPHUB_ASSIGN_OR_RETURN(Value result, Execute(model, "read", {IdsValue(ids), FieldList(fields)}));
  ERPHUB_ASSIGN_OR_RETURN(std::vector<Value> records, Records(model, result));
  // Tryton answers sorted by id: put them back in the order asked for.
  std::map<int64_t, Value> by_id;
  for (Value& record : records) {
    std::optional<int64_t> id;
    if (record.Get("id").is_number()) {
      id = record.Get("id").as_number().ToInt64();
    }
    if (id.has_value()) {
      by_id.emplace(*id, std::move(record));
    }
  }
  std::vector<Value> ordered;
  ordered.reserve(ids.size());
  for (int64_t id : ids) {
    auto found = by_id.find(id);
    if (found == by_id.end()) {
      return NotFoundError("Tryton " + std::string(model) + ": no record " + std::to_string(id));
    }
    ordered.push_back(found->second);
  }
  return ordered;
}

Result<std::vector<int64_t>> Client::Create(std::string_view model, Array records) {
  Value list = Value::MakeArray(std::move(records));
  auto is_unique_failure = [](const Result<Value>& result) {
    return !result.ok() && result.error().code() == StatusCode::kInvalidArgument &&
           result.error().message().find("must be unique") != std::string_view::npos;
  };
  auto result = Execute(model, "create", {list});
  // Concurrent transactions can draw the same number from a sequence (party codes on SQLite)
  // and then fail on the unique constraint. The failed create changed nothing: draw again, and
  // if it keeps failing leave it to the caller's retries.
  for (int again = 1; again <= kUniqueRetries && is_unique_failure(result); ++again) {
    std::this_thread::sleep_for(kUniqueRetryPause * again);
    result = Execute(model, "create", {list});
  }
  if (is_unique_failure(result)) {
    return UnavailableError(std::string(result.error().message()));
  }
  if (!result.ok()) {
    return std::move(result).error();
  }
  return IdList(*result);
}

Status Client::Write(std::string_view model, const std::vector<int64_t>& ids, const Value& values) {
  return Execute(model, "write", {IdsValue(ids), values}).status();
}

Status Client::Button(std::string_view model, std::string_view button,
                      const std::vector<int64_t>& ids) {
  return Execute(model, button, {IdsValue(ids)}).status();
}

Status Client::Logout() {
  std::optional<Session> session;
  {
    std::lock_guard lock(mu_);
    session.swap(session_);
  }
  if (!session.has_value()) {
    return Status::Ok();
  }
  return Post("common.db.logout", Value::MakeArray(), session->authorization, nullptr).status();
}

}  // namespace erphub::tryton
