#include "components/outputs/http_output.h"

#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "components/factory_support.h"
#include "components/message_variables.h"
#include "components/outputs/http_auth.h"
#include "components/text_template.h"
#include "core/http_auth_spec.h"
#include "core/json.h"
#include "net/http_client.h"
#include "net/http_date.h"

namespace erphub::components {
namespace {

using std::chrono::milliseconds;

constexpr std::string_view kMethods[] = {"GET", "POST", "PUT", "PATCH", "DELETE"};
// The most of a target's answer kept with a failure or a delivery's lineage.
constexpr size_t kMaxKeptBody = 64 << 10;
constexpr size_t kMaxDetailBody = 4 << 10;
// Bounds for evaluating one placeholder.
constexpr milliseconds kTemplateTimeLimit{1000};
constexpr int kTemplateMaxDepth = 1000;

bool IsKnownMethod(std::string_view method) {
  for (std::string_view known : kMethods) {
    if (method == known) {
      return true;
    }
  }
  return false;
}

std::vector<CheckProblem> IsMethod(const Value& value) {
  std::string_view method = value.as_string();
  if (IsKnownMethod(method) || method.find("{{") != std::string_view::npos) {
    return {};
  }
  return {{"", "must be GET, POST, PUT, PATCH or DELETE, or a {{ }} template giving one"}};
}

bool HasLineBreak(std::string_view text) {
  return text.find_first_of("\r\n") != std::string_view::npos ||
         text.find('\0') != std::string_view::npos;
}

std::string Truncated(std::string_view body, size_t limit) {
  if (body.size() <= limit) {
    return std::string(body);
  }
  return std::string(body.substr(0, limit)) + "...";
}

Failure Permanent(std::string error) {
  Failure failure;
  failure.error = std::move(error);
  return failure;
}

struct HttpOutputSettings {
  TextTemplate url;
  TextTemplate method;
  std::vector<std::pair<std::string, TextTemplate>> headers;
  milliseconds timeout{30000};
  Value auth;
};

class HttpOutput final : public Output {
 public:
  HttpOutput(HttpOutputSettings settings, const Clock& clock)
      : settings_(std::move(settings)),
        clock_(clock),
        client_(ClientOptions(settings_.timeout)),
        auth_(settings_.auth, client_, clock, settings_.timeout) {}

  Result<Delivered, Failure> Deliver(const Delivery& delivery) override {
    const Value& payload =
        delivery.payload != nullptr ? *delivery.payload : delivery.message->payload;
    auto request = BuildRequest(delivery, payload);
    if (!request.ok()) {
      return request.error();
    }
    auto credential = auth_.Apply(request->headers);
    if (!credential.ok()) {
      return FromStatus(credential.error());
    }
    auto response = client_.Send(*request);
    if (response.ok() && response->status == 401 && auth_.can_refresh()) {
      auth_.Invalidate(*credential);
      credential = auth_.Apply(request->headers);
      if (!credential.ok()) {
        return FromStatus(credential.error());
      }
      response = client_.Send(*request);
    }
    if (!response.ok()) {
      return FromStatus(response.error());
    }
    return Classify(*request, *response);
  }

 private:
  static net::HttpClientOptions ClientOptions(milliseconds timeout) {
    net::HttpClientOptions options;
    options.total_timeout = timeout;
    options.connect_timeout = std::min(options.connect_timeout, timeout);
    return options;
  }

  static Failure FromStatus(const Status& status) {
    Failure failure;
    failure.transient = status.IsTransient();
    failure.error = status.ToString();
    return failure;
  }

  Result<net::ClientRequest, Failure> BuildRequest(const Delivery& delivery,
                                                   const Value& payload) const {
    Object variables = MessageVariables(*delivery.message);
    jsonata::EvalOptions options;
    options.bindings = &variables;
    options.time_limit = kTemplateTimeLimit;
    options.max_depth = kTemplateMaxDepth;

    net::ClientRequest request;
    auto method = settings_.method.Render(payload, options);
    if (!method.ok()) {
      return Permanent("method: " + std::string(method.error().message()));
    }
    if (!IsKnownMethod(*method)) {
      return Permanent("method: \"" + Truncated(*method, 20) + "\" is not an HTTP method");
    }
    request.method = std::move(*method);
    auto url = settings_.url.Render(payload, options, TemplateEscape::kUrlComponent);
    if (!url.ok()) {
      return Permanent("url: " + std::string(url.error().message()));
    }
    request.url = std::move(*url);
    request.timeout = settings_.timeout;
    request.headers.Set("Content-Type", "application/json");
    request.headers.Set("Accept", "application/json");
    for (const auto& [name, value_template] : settings_.headers) {
      auto value = value_template.Render(payload, options);
      if (!value.ok()) {
        return Permanent("headers." + name + ": " + std::string(value.error().message()));
      }
      if (HasLineBreak(*value)) {
        return Permanent("headers." + name + ": the value holds a line break");
      }
      request.headers.Set(name, std::move(*value));
    }
    request.headers.Set("Idempotency-Key", delivery.idempotency_key);
    request.body = ToJson(payload);
    return request;
  }

  Result<Delivered, Failure> Classify(const net::ClientRequest& request,
                                      const net::HttpResponse& response) const {
    int status = response.status;
    if (status >= 200 && status <= 299) {
      return Delivered{status, Truncated(response.body, kMaxDetailBody)};
    }
    Failure failure;
    failure.http_status = status;
    failure.response_body = Truncated(response.body, kMaxKeptBody);
    failure.error =
        request.method + " " + net::RedactUrl(request.url) + " answered " + std::to_string(status);
    failure.transient = status == 408 || status == 429 || status >= 500;
    // Kept for any status: the flow's on_status may make this one transient.
    std::optional<std::string_view> retry_after = response.headers.Get("Retry-After");
    if (retry_after.has_value()) {
      auto delay = net::ParseRetryAfter(
          *retry_after,
          std::chrono::time_point_cast<std::chrono::system_clock::duration>(clock_.Now()));
      if (delay.ok()) {
        failure.retry_after = *delay;
      }
    }
    return failure;
  }

  HttpOutputSettings settings_;
  const Clock& clock_;
  net::HttpClient client_;
  HttpAuth auth_;
};

}  // namespace

ComponentSpec HttpOutputSpec() {
  return ComponentSpec::Output("http")
      .Summary("Delivers each message as an HTTP request with an Idempotency-Key.")
      .Field(StringField("url").Required().Check(IsHttpUrl).Description(
          "Target URL; {{ JSONata }} placeholders are filled from the payload, e.g. "
          "https://erp/orders/{{ order_number }}."))
      .Field(StringField("method").Default("POST").Check(IsMethod).Description(
          "HTTP method: GET, POST, PUT, PATCH, DELETE, or a {{ }} template."))
      .Field(MapField("headers", StringField("header"))
                 .Description("Extra request headers; values may hold {{ }} placeholders."))
      .Field(HttpAuthField())
      .Field(DurationField("timeout")
                 .Default("30s")
                 .Min(milliseconds(1))
                 .Description("Time limit of one request."));
}

Result<std::unique_ptr<Component>> MakeHttpOutput(const ComponentConfig& config,
                                                  const ComponentEnv& env) {
  auto url = TextTemplate::Compile(config.GetString("url"));
  if (!url.ok()) {
    return ConfigProblem(config, "url", std::string(url.error().message()));
  }
  auto method = TextTemplate::Compile(config.GetString("method"));
  if (!method.ok()) {
    return ConfigProblem(config, "method", std::string(method.error().message()));
  }
  HttpOutputSettings settings{.url = std::move(*url),
                              .method = std::move(*method),
                              .headers = {},
                              .timeout = config.GetDuration("timeout"),
                              .auth = config.Get("auth")};
  const Value& headers = config.Get("headers");
  if (headers.is_object()) {
    for (const auto& [name, value] : headers.as_object()) {
      std::string field = "headers." + name;
      if (name.empty() || HasLineBreak(name) || name.find(':') != std::string::npos) {
        return ConfigProblem(config, field, "is not a valid header name");
      }
      auto value_template = TextTemplate::Compile(value.as_string());
      if (!value_template.ok()) {
        return ConfigProblem(config, field, std::string(value_template.error().message()));
      }
      settings.headers.emplace_back(name, std::move(*value_template));
    }
  }
  return std::unique_ptr<Component>(
      std::make_unique<HttpOutput>(std::move(settings), EnvClock(env)));
}

}  // namespace erphub::components
