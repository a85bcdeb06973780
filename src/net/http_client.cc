#include "net/http_client.h"

#include <curl/curl.h>

#include <utility>

namespace erphub::net {

namespace {

// Idle handles beyond this many are freed rather than pooled.
constexpr size_t kMaxIdleHandles = 64;
constexpr long kMaxRedirects = 5;

void InitCurlOnce() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
    s.remove_prefix(1);
  }
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) {
    s.remove_suffix(1);
  }
  return s;
}

// What one transfer collects from libcurl's callbacks.
struct Exchange {
  HttpResponse response;
  std::vector<Headers::Entry> header_fields;
  size_t max_body = 0;
  bool body_too_large = false;
};

size_t OnHeaderLine(char* data, size_t size, size_t count, void* user) {
  auto* exchange = static_cast<Exchange*>(user);
  size_t length = size * count;
  std::string_view line(data, length);
  if (line.substr(0, 5) == "HTTP/") {
    // A new status line (after 100 Continue or a redirect) starts a new header block.
    exchange->header_fields.clear();
    return length;
  }
  if (!line.empty() && (line.front() == ' ' || line.front() == '\t')) {
    // Obsolete line folding continues the previous field.
    if (!exchange->header_fields.empty()) {
      exchange->header_fields.back().second += " ";
      exchange->header_fields.back().second += Trim(line);
    }
    return length;
  }
  size_t colon = line.find(':');
  if (colon != std::string_view::npos) {
    exchange->header_fields.emplace_back(std::string(Trim(line.substr(0, colon))),
                                         std::string(Trim(line.substr(colon + 1))));
  }
  return length;
}

size_t OnBodyBytes(char* data, size_t size, size_t count, void* user) {
  auto* exchange = static_cast<Exchange*>(user);
  size_t length = size * count;
  if (exchange->response.body.size() + length > exchange->max_body) {
    exchange->body_too_large = true;
    return 0;  // makes libcurl stop with CURLE_WRITE_ERROR
  }
  exchange->response.body.append(data, length);
  return length;
}

Status MapCurlError(CURLcode code, const char* detail, const Exchange& exchange,
                    const ClientRequest& request, const HttpClientOptions& options) {
  std::string context = request.method + " " + RedactUrl(request.url);
  std::string message = detail[0] != '\0' ? std::string(detail) : curl_easy_strerror(code);
  switch (code) {
    case CURLE_OPERATION_TIMEDOUT:
      return DeadlineExceededError(message, std::move(context));
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
      return InvalidArgumentError(message, std::move(context));
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_TOO_MANY_REDIRECTS:
      return Status(StatusCode::kFailedPrecondition, message, std::move(context));
    case CURLE_WRITE_ERROR:
      if (exchange.body_too_large) {
        return Status(
            StatusCode::kOutOfRange,
            "response body exceeds " + std::to_string(options.max_response_bytes) + " bytes",
            std::move(context));
      }
      return UnavailableError(message, std::move(context));
    default:
      return UnavailableError(message, std::move(context));
  }
}

bool MethodSendsBody(std::string_view method) {
  return method == "POST" || method == "PUT" || method == "PATCH";
}

// Frees a curl_slist when the request is done.
struct HeaderList {
  ~HeaderList() { curl_slist_free_all(list); }
  void Append(const std::string& line) {
    curl_slist* extended = curl_slist_append(list, line.c_str());
    if (extended != nullptr) {
      list = extended;
    }
  }
  curl_slist* list = nullptr;
};

}  // namespace

struct HttpClient::Handle {
  Handle() : curl(curl_easy_init()) {}
  ~Handle() {
    if (curl != nullptr) {
      curl_easy_cleanup(curl);
    }
  }
  CURL* curl;
};

HttpClient::HttpClient(HttpClientOptions options) : options_(std::move(options)) { InitCurlOnce(); }

HttpClient::~HttpClient() = default;

std::unique_ptr<HttpClient::Handle> HttpClient::Borrow() {
  {
    std::lock_guard lock(mu_);
    if (!idle_.empty()) {
      std::unique_ptr<Handle> handle = std::move(idle_.back());
      idle_.pop_back();
      return handle;
    }
  }
  return std::make_unique<Handle>();
}

void HttpClient::Return(std::unique_ptr<Handle> handle) {
  std::lock_guard lock(mu_);
  if (idle_.size() < kMaxIdleHandles) {
    idle_.push_back(std::move(handle));
  }
}

Result<HttpResponse> HttpClient::Send(const ClientRequest& request) {
  std::unique_ptr<Handle> handle = Borrow();
  CURL* curl = handle->curl;
  if (curl == nullptr) {
    return InternalError("curl_easy_init failed");
  }
  // Reset forgets the previous request's options but keeps the live connections.
  curl_easy_reset(curl);

  Exchange exchange;
  exchange.max_body = options_.max_response_bytes;
  char error_detail[CURL_ERROR_SIZE] = {0};
  std::chrono::milliseconds total = request.timeout.value_or(options_.total_timeout);

  curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error_detail);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(options_.connect_timeout.count()));
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(total.count()));
  curl_easy_setopt(curl, CURLOPT_TCP_KEEPALIVE, 1L);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, OnHeaderLine);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &exchange);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, OnBodyBytes);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &exchange);
  if (options_.follow_redirects) {
    curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(curl, CURLOPT_MAXREDIRS, kMaxRedirects);
    curl_easy_setopt(curl, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  }
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, options_.verify_tls ? 1L : 0L);
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, options_.verify_tls ? 2L : 0L);
  if (!options_.ca_file.empty()) {
    curl_easy_setopt(curl, CURLOPT_CAINFO, options_.ca_file.c_str());
  }

  if (request.method == "HEAD") {
    curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
  } else if (request.method == "GET" && request.body.empty()) {
    curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
  } else {
    if (!request.body.empty() || MethodSendsBody(request.method)) {
      curl_easy_setopt(curl, CURLOPT_POST, 1L);
      curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE,
                       static_cast<curl_off_t>(request.body.size()));
      curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.body.data());
    }
    if (request.method != "POST") {
      curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    }
  }

  HeaderList headers;
  for (const auto& [name, value] : request.headers) {
    // "Name;" is libcurl's way to send a field with an empty value.
    headers.Append(value.empty() ? name + ";" : name + ": " + value);
  }
  // libcurl would otherwise add these on its own: a form content type for bodies, and an
  // Expect: 100-continue that costs a round trip (or a second, with servers that ignore it).
  if (!request.headers.Has("Content-Type")) {
    headers.Append("Content-Type:");
  }
  if (!request.headers.Has("Expect")) {
    headers.Append("Expect:");
  }
  if (!request.headers.Has("User-Agent") && !options_.user_agent.empty()) {
    headers.Append("User-Agent: " + options_.user_agent);
  }
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers.list);

  CURLcode code = curl_easy_perform(curl);
  if (code != CURLE_OK) {
    Status error = MapCurlError(code, error_detail, exchange, request, options_);
    Return(std::move(handle));
    return error;
  }
  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  Return(std::move(handle));
  exchange.response.status = static_cast<int>(status);
  for (auto& [name, value] : exchange.header_fields) {
    exchange.response.headers.Add(std::move(name), std::move(value));
  }
  return std::move(exchange.response);
}

std::string RedactUrl(std::string_view url) {
  size_t end = url.find_first_of("?#");
  url = url.substr(0, end);
  size_t scheme = url.find("://");
  size_t authority_start = scheme == std::string_view::npos ? 0 : scheme + 3;
  size_t authority_end = url.find('/', authority_start);
  std::string_view authority = url.substr(authority_start, authority_end == std::string_view::npos
                                                               ? std::string_view::npos
                                                               : authority_end - authority_start);
  size_t at = authority.rfind('@');
  if (at == std::string_view::npos) {
    return std::string(url);
  }
  std::string redacted(url.substr(0, authority_start));
  redacted += url.substr(authority_start + at + 1);
  return redacted;
}

}  // namespace erphub::net
