#include "components/outputs/http_auth.h"

#include <openssl/evp.h>

#include <algorithm>
#include <utility>

#include "core/json.h"

namespace erphub::components {
namespace {

using std::chrono::seconds;

// How long before its stated expiry a token is replaced, at most; tokens living less than ten
// times this are replaced after nine tenths of their life.
constexpr seconds kRefreshMargin{30};

std::string TokenEndpointError(std::string_view url, const net::HttpResponse& response) {
  std::string message =
      "token endpoint " + net::RedactUrl(url) + " answered " + std::to_string(response.status);
  // RFC 6749 section 5.2: "error" and "error_description" say why, and hold no secret.
  auto body = ParseJson(response.body);
  if (body.ok() && body->Get("error").is_string()) {
    message += ": ";
    message += body->Get("error").as_string();
    if (body->Get("error_description").is_string()) {
      message += " (";
      message += body->Get("error_description").as_string();
      message += ")";
    }
  }
  return message;
}

std::optional<int64_t> ExpiresIn(const Value& value) {
  if (value.is_number()) {
    return value.as_number().ToInt64();
  }
  if (value.is_string()) {  // some servers send it quoted
    auto number = Number::Parse(value.as_string());
    if (number.has_value()) {
      return number->ToInt64();
    }
  }
  return std::nullopt;
}

}  // namespace

std::string Base64Encode(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  int written = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(bytes.data()),
                                static_cast<int>(bytes.size()));
  out.resize(static_cast<size_t>(written));
  return out;
}

std::string FormEncode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char ch : text) {
    auto c = static_cast<unsigned char>(ch);
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '.' || c == '_' || c == '~') {
      out += ch;
    } else if (c == ' ') {
      out += '+';
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

HttpAuth::HttpAuth(const Value& auth, net::HttpClient& client, const Clock& clock,
                   std::chrono::milliseconds timeout)
    : client_(client), clock_(clock), timeout_(timeout) {
  if (!auth.is_object()) {
    return;
  }
  auto text = [&](std::string_view field) {
    const Value& value = auth.Get(field);
    return value.is_string() ? std::string(value.as_string()) : std::string();
  };
  type_ = text("type");
  if (type_ == "bearer") {
    authorization_ = "Bearer " + text("token");
  } else if (type_ == "basic") {
    authorization_ = "Basic " + Base64Encode(text("username") + ":" + text("password"));
  } else if (type_ == "oauth2") {
    token_url_ = text("token_url");
    client_id_ = text("client_id");
    client_secret_ = text("client_secret");
    scope_ = text("scope");
  }
}

Result<std::string> HttpAuth::Apply(net::Headers& headers) {
  if (type_.empty()) {
    return std::string();
  }
  if (type_ != "oauth2") {
    headers.Set("Authorization", authorization_);
    return authorization_;
  }
  auto cached = [&]() -> std::optional<std::string> {
    std::lock_guard lock(mu_);
    if (token_.has_value() &&
        (!token_->refresh_at.has_value() || clock_.Now() < *token_->refresh_at)) {
      return token_->access_token;
    }
    return std::nullopt;
  };
  std::optional<std::string> token = cached();
  if (!token.has_value()) {
    std::lock_guard fetching(fetch_mu_);
    token = cached();  // another request may have fetched one meanwhile
    if (!token.has_value()) {
      ERPHUB_ASSIGN_OR_RETURN(Token fresh, FetchToken());
      token = fresh.access_token;
      std::lock_guard lock(mu_);
      token_ = std::move(fresh);
    }
  }
  headers.Set("Authorization", "Bearer " + *token);
  return *token;
}

void HttpAuth::Invalidate(const std::string& token) {
  std::lock_guard lock(mu_);
  if (token_.has_value() && token_->access_token == token) {
    token_.reset();
  }
}

int HttpAuth::token_fetches() const {
  std::lock_guard lock(mu_);
  return fetches_;
}

Result<HttpAuth::Token> HttpAuth::FetchToken() {
  {
    std::lock_guard lock(mu_);
    ++fetches_;
  }
  net::ClientRequest request;
  request.method = "POST";
  request.url = token_url_;
  request.timeout = timeout_;
  request.headers.Set("Content-Type", "application/x-www-form-urlencoded");
  request.headers.Set("Accept", "application/json");
  // client_secret_basic (RFC 6749 section 2.3.1), which every server must support.
  request.headers.Set("Authorization", "Basic " + Base64Encode(FormEncode(client_id_) + ":" +
                                                               FormEncode(client_secret_)));
  request.body = "grant_type=client_credentials";
  if (!scope_.empty()) {
    request.body += "&scope=" + FormEncode(scope_);
  }
  Timestamp asked_at = clock_.Now();
  ERPHUB_ASSIGN_OR_RETURN(net::HttpResponse response, client_.Send(request));
  int status = response.status;
  if (status == 408 || status == 429 || status >= 500) {
    return UnavailableError(TokenEndpointError(token_url_, response));
  }
  if (status == 400 || status == 401 || status == 403) {
    return Status(StatusCode::kUnauthenticated, TokenEndpointError(token_url_, response));
  }
  if (status < 200 || status > 299) {
    return Status(StatusCode::kFailedPrecondition, TokenEndpointError(token_url_, response));
  }
  auto body = ParseJson(response.body);
  if (!body.ok() || !body->Get("access_token").is_string() ||
      body->Get("access_token").as_string().empty()) {
    return Status(StatusCode::kFailedPrecondition,
                  "token endpoint " + net::RedactUrl(token_url_) + " sent no access_token");
  }
  const Value& token_type = body->Get("token_type");
  if (token_type.is_string() && !net::EqualsIgnoreCase(token_type.as_string(), "bearer")) {
    return Status(StatusCode::kFailedPrecondition,
                  "token endpoint " + net::RedactUrl(token_url_) + " sent a token of type " +
                      std::string(token_type.as_string()) + ", not bearer");
  }
  Token token;
  token.access_token = std::string(body->Get("access_token").as_string());
  std::optional<int64_t> expires_in = ExpiresIn(body->Get("expires_in"));
  if (expires_in.has_value() && *expires_in > 0) {
    seconds life(*expires_in);
    seconds margin = std::min(kRefreshMargin, life / 10);
    token.refresh_at = asked_at + (life - margin);
  }
  return token;
}

}  // namespace erphub::components
