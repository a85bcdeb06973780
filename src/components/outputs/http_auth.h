#pragma once

#include <chrono>
#include <mutex>
#include <optional>
#include <string>

#include "core/clock.h"
#include "core/result.h"
#include "core/value.h"
#include "net/headers.h"
#include "net/http_client.h"

namespace erphub::components {

// Credentials for outgoing HTTP requests, from a validated `auth` field (core/http_auth_spec.h):
// a bearer token, HTTP basic, or an OAuth2 client-credentials token fetched from the token
// endpoint and cached until shortly before it expires. Thread-safe; concurrent requests that find
// no valid token wait for one fetch instead of each fetching their own.
class HttpAuth {
 public:
  // `auth` undefined means no credentials. `client` fetches tokens, `clock` judges their expiry;
  // both must outlive this. `timeout` bounds one token request.
  HttpAuth(const Value& auth, net::HttpClient& client, const Clock& clock,
           std::chrono::milliseconds timeout);

  // Sets the Authorization header (nothing without credentials) and returns the credential it
  // used, to hand back to Invalidate. Token endpoint failures: kUnavailable or
  // kDeadlineExceeded when worth retrying, kUnauthenticated when it refused the client, and
  // kFailedPrecondition for answers that are not a token. Messages never hold a secret.
  Result<std::string> Apply(net::Headers& headers);

  // True for OAuth2, whose tokens a server may revoke before they expire: a 401 is worth one
  // fresh token.
  bool can_refresh() const { return type_ == "oauth2"; }

  // Forgets the cached token if it is still `token` (another request may have replaced it).
  void Invalidate(const std::string& token);

  // Tokens fetched so far.
  int token_fetches() const;

 private:
  struct Token {
    std::string access_token;
    std::optional<Timestamp> refresh_at;  // none: use until the server refuses it
  };

  Result<Token> FetchToken();

  std::string type_;           // "", "bearer", "basic", "oauth2"
  std::string authorization_;  // the header value for bearer and basic
  std::string token_url_;
  std::string client_id_;
  std::string client_secret_;
  std::string scope_;
  net::HttpClient& client_;
  const Clock& clock_;
  std::chrono::milliseconds timeout_;

  mutable std::mutex mu_;  // guards token_ and fetches_
  std::optional<Token> token_;
  int fetches_ = 0;
  std::mutex fetch_mu_;  // one token request at a time
};

// Standard base64 with padding.
std::string Base64Encode(std::string_view bytes);

// application/x-www-form-urlencoded encoding of one name or value.
std::string FormEncode(std::string_view text);

}  // namespace erphub::components
