#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "core/value.h"
#include "net/http_client.h"

namespace erphub::tryton {

struct ClientOptions {
  // The server's root, e.g. http://127.0.0.1:8000/ (a trailing slash is added when missing).
  std::string url;
  std::string database;
  std::string user;
  std::string password;
  // Time limit of one call; confirming a large batch of sales takes seconds.
  std::chrono::milliseconds timeout{std::chrono::seconds(120)};
};

struct SearchOptions {
  int64_t offset = 0;
  std::optional<int64_t> limit;
  // [["id","DESC"]] and the like; undefined: Tryton's default order.
  Value order;
};

// A Tryton 6.0 JSON-RPC client, safe to use from many threads at once.
//
// It logs in once (a login costs a bcrypt hash, about 0.3 s), fetches the user's context (the
// company above all, without which company records are refused or come back empty) and reuses
// that session for every call; when the server answers 401 (session expired or logged out) it
// logs in again and repeats the call once. Every reply carries `Connection: close`: each call is
// one connection, which the HTTP client handles.
//
// Typed Tryton values in results (Decimal, date, datetime...) are decoded to erphub's (see
// values.h); values sent must already be tagged (DecimalValue, DateFromIso).
//
// Errors: Tryton's UserError (a required field, a domain, a business rule) is kInvalidArgument
// with Tryton's message; access errors are kPermissionDenied; a deleted record is kNotFound; a
// UserWarning is kFailedPrecondition with the warning's message and its name as the context
// (answering it is the caller's choice); a refused login is kUnauthenticated; all of them are
// permanent. Concurrent modification, a locked database, a busy server (429, 5xx) and network
// failures are kUnavailable or kDeadlineExceeded: transient. Every message starts with the called
// method.
class Client {
 public:
  explicit Client(ClientOptions options);
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // `model.<model>.<method>` with `args` followed by the session's context (plus `extra_context`
  // keys, e.g. `locations`); the result decoded.
  Result<Value> Execute(std::string_view model, std::string_view method, Array args,
                        const Value& extra_context = Value());
  // `wizard.<wizard>.<method>` (create, execute, delete) the same way.
  Result<Value> ExecuteWizard(std::string_view wizard, std::string_view method, Array args,
                              const Value& extra_context = Value());

  Result<std::vector<Value>> SearchRead(std::string_view model, const Value& domain,
                                        std::vector<std::string> fields,
                                        const SearchOptions& options = {});
  Result<std::vector<int64_t>> Search(std::string_view model, const Value& domain,
                                      const SearchOptions& options = {});
  // The records in the order of `ids` (Tryton returns them by id); kNotFound names a missing id.
  Result<std::vector<Value>> Read(std::string_view model, const std::vector<int64_t>& ids,
                                  std::vector<std::string> fields);
  // One `create` for all records; the new ids in the same order. A unique-constraint failure is
  // tried a few more times (concurrent creates may draw the same sequence number), then
  // returned as kUnavailable, with Tryton's message, for a later retry.
  Result<std::vector<int64_t>> Create(std::string_view model, Array records);
  Status Write(std::string_view model, const std::vector<int64_t>& ids, const Value& values);
  // A workflow button (quote, confirm, process, post...) on all `ids` in one call.
  Status Button(std::string_view model, std::string_view button, const std::vector<int64_t>& ids);

  // Ends the session on the server (the next call logs in again).
  Status Logout();

  // Logins made so far: sessions are meant to be reused.
  int64_t logins() const { return logins_.load(); }
  // The session's context (logging in if needed).
  Result<Value> Context();
  // The logged-in user's id (logging in if needed).
  Result<int64_t> UserId();

 private:
  struct Session {
    std::string authorization;
    Value context;
    int64_t user_id = 0;
    uint64_t generation = 0;
  };

  // The current session, or a new one if there is none or it is `stale_generation`.
  Result<Session> EnsureSession(uint64_t stale_generation);
  Result<Session> Login();
  // A call with the session's context (plus `extra_context`) appended to `args`.
  Result<Value> Invoke(const std::string& method, const Array& args, const Value& extra_context);
  // One POST; the raw `result`, or the error mapped to a Status. `unauthorized` is set on 401.
  Result<Value> Post(std::string_view method, const Value& params, const std::string& authorization,
                     bool* unauthorized);

  const ClientOptions options_;
  const std::string database_url_;
  net::HttpClient http_;
  std::mutex mu_;
  std::optional<Session> session_;  // guarded by mu_
  uint64_t generations_ = 0;        // guarded by mu_
  std::atomic<int64_t> logins_{0};
  std::atomic<int64_t> next_id_{1};
};

// A Tryton error reply (the `error` member) as a Status; `method` prefixes the message.
Status ErrorStatus(std::string_view method, const Value& error);

// The ids of a `create` or `search` result.
Result<std::vector<int64_t>> IdList(const Value& result);

}  // namespace erphub::tryton
