#include "components/inputs/webhook_input.h"

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <string>
#include <utility>

#include "components/factory_support.h"
#include "components/inputs/webhook_signature.h"
#include "core/json.h"
#include "net/http_server.h"
#include "net/problem.h"

namespace erphub::components {
namespace {

using net::Responder;
using std::chrono::milliseconds;

// What an overloaded flow asks senders to wait before retrying.
constexpr std::chrono::seconds kBusyRetryAfter{2};

std::vector<CheckProblem> StartsWithSlash(const Value& value) {
  if (!value.as_string().empty() && value.as_string().front() == '/') {
    return {};
  }
  return {{"", "must start with '/'"}};
}

// Lets the signature verifier read the server's headers.
class RequestHeaders final : public HeaderLookup {
 public:
  explicit RequestHeaders(const net::Headers& headers) : headers_(headers) {}
  std::optional<std::string_view> Find(std::string_view name) const override {
    return headers_.Get(name);
  }

 private:
  const net::Headers& headers_;
};

struct WebhookSettings {
  std::string path;
  std::string method;
  uint64_t max_body = 0;
  std::string event_id_header;
  std::optional<SignatureVerifier> verifier;
};

net::HttpResponse Busy(std::string detail) {
  return net::RetryLaterResponse(std::move(detail), kBusyRetryAfter);
}

net::HttpResponse IdResponse(int status, const IntakeResult& result) {
  Object body;
  body.Append("id", Value::Str(result.id.ToString()));
  if (result.duplicate) {
    body.Append("duplicate", Value::Bool(true));
  }
  return net::HttpResponse::Json(status, ToJson(Value::MakeObject(std::move(body))));
}

// The answer to an accepted request, once the intake has committed it (or failed to).
net::HttpResponse AcceptedResponse(const Result<std::vector<IntakeResult>>& result) {
  if (result.ok() && result->size() == 1) {
    const IntakeResult& accepted = result->front();
    return IdResponse(accepted.duplicate ? 200 : 202, accepted);
  }
  if (result.ok()) {
    return net::ProblemResponse(500, "the request could not be stored");
  }
  const Status& status = result.error();
  if (status.code() == StatusCode::kResourceExhausted) {
    // The flow's backlog is full, or the store's disk: the intake's message says which.
    return Busy(std::string(status.message()));
  }
  if (status.code() == StatusCode::kInvalidArgument) {
    net::Problem problem;
    problem.status = 422;
    problem.title = "Unprocessable payload";
    problem.detail = std::string(status.message());
    return net::ProblemResponse(problem);
  }
  if (status.IsTransient()) {
    return Busy("the request could not be stored now; retry later");
  }
  return net::ProblemResponse(500, "the request could not be stored");
}

// The state request handlers use. Shared with the route handler, which the listener may keep
// after this input is gone, and with commit callbacks that run after Stop().
struct WebhookState {
  WebhookSettings settings;
  std::string source;  // "webhook POST /webhooks/shop/orders"
  InputContext context;

  std::mutex mu;
  std::condition_variable idle;
  bool stopped = false;
  int active = 0;  // handlers inside a call into the intake

  // Counts a refusal the engine does not see (it counts quarantined and key failures itself):
  // erphub_rejected_total{reason=signature|too_large|overloaded}.
  void CountRejected(std::string_view reason) {
    if (context.metrics != nullptr) {
      context.metrics->CountLabeled("erphub_rejected_total", 1, {{"reason", reason}});
    }
  }

  void Handle(net::HttpRequest request, const Responder& responder);
};

// Counts a handler in for the duration of its calls into the intake, so that Stop() can wait.
class ActiveCall {
 public:
  explicit ActiveCall(WebhookState& state) : state_(state) {
    std::lock_guard lock(state_.mu);
    admitted_ = !state_.stopped;
    if (admitted_) {
      ++state_.active;
    }
  }
  ~ActiveCall() {
    if (!admitted_) {
      return;
    }
    std::lock_guard lock(state_.mu);
    if (--state_.active == 0) {
      state_.idle.notify_all();
    }
  }
  ActiveCall(const ActiveCall&) = delete;
  ActiveCall& operator=(const ActiveCall&) = delete;

  bool admitted() const { return admitted_; }

 private:
  WebhookState& state_;
  bool admitted_ = false;
};

void WebhookState::Handle(net::HttpRequest request, const Responder& responder) {
  ActiveCall call(*this);
  if (!call.admitted()) {
    responder.Respond(Busy("the hub is shutting down"));
    return;
  }
  if (request.body.size() > settings.max_body) {
    CountRejected("too_large");
    responder.Respond(net::ProblemResponse(
        413, "the body has " + std::to_string(request.body.size()) +
                 " bytes; this endpoint accepts at most " + std::to_string(settings.max_body)));
    return;
  }

  RequestHeaders headers(request.headers);
  std::string event_id;
  if (settings.verifier.has_value()) {
    Timestamp now = context.clock->Now();
    auto verified = settings.verifier->Verify(
        headers, request.body,
        std::chrono::time_point_cast<std::chrono::system_clock::duration>(now));
    if (!verified.ok()) {
      net::Problem problem;
      problem.status = 401;
      problem.title = "Invalid signature";
      problem.detail = std::string(verified.error().message());
      CountRejected("signature");
      responder.Respond(net::ProblemResponse(problem));
      return;
    }
    if (verified->kind == DeliveryKind::kPing) {
      responder.Respond(net::HttpResponse::Json(200, R"({"ping":true})"));
      return;
    }
    event_id = std::move(verified->event_id);
  }
  if (!settings.event_id_header.empty()) {
    std::optional<std::string_view> id = request.headers.Get(settings.event_id_header);
    if (id.has_value() && !id->empty()) {
      event_id = std::string(*id);
    }
  }

  if (context.intake->Overloaded()) {
    CountRejected("overloaded");
    responder.Respond(Busy("the flow's backlog is full; retry later"));
    return;
  }

  auto payload = ParseJson(request.body);
  if (!payload.ok()) {
    const Status& error = payload.error();
    std::string where(error.context());
    std::string reason = "malformed JSON";
    reason += where.empty() ? "" : " at " + where;
    reason += ": ";
    reason += error.message();
    context.intake->QuarantineAsync(
        QuarantineItem{.raw = std::move(request.body),
                       .reason = reason,
                       .source = source,
                       .headers = request.headers.entries()},
        [responder, reason](Result<int64_t> quarantined) {
          if (!quarantined.ok()) {
            // The sender still holds the request: have it retry rather than lose it.
            responder.Respond(Busy("the request could not be kept; retry later"));
            return;
          }
          net::Problem problem;
          problem.status = 400;
          problem.title = "Malformed JSON";
          problem.detail = reason;
          problem.extensions.Append("quarantine_id", Value::Int(*quarantined));
          responder.Respond(net::ProblemResponse(problem));
        });
    return;
  }

  std::vector<IntakeItem> items;
  items.push_back(IntakeItem{.payload = std::move(*payload),
                             .headers = request.headers.entries(),
                             .event_id = std::move(event_id),
                             .source = source,
                             .payload_json = request.body});
  context.intake->AcceptAsync(std::move(items),
                              [responder](Result<std::vector<IntakeResult>> result) {
                                responder.Respond(AcceptedResponse(result));
                              });
}

class WebhookInput final : public Input {
 public:
  explicit WebhookInput(WebhookSettings settings) : state_(std::make_shared<WebhookState>()) {
    state_->source = "webhook " + settings.method + " " + settings.path;
    state_->settings = std::move(settings);
  }
  ~WebhookInput() override { Stop(); }

  Status Start(const InputContext& context) override {
    if (context.server == nullptr) {
      return Status(StatusCode::kFailedPrecondition,
                    "webhook input " + state_->settings.path + " needs the HTTP listener");
    }
    if (context.intake == nullptr) {
      return InternalError("webhook input started without an intake");
    }
    state_->context = context;
    if (state_->context.clock == nullptr) {
      state_->context.clock = &SystemClock::Default();
    }
    std::shared_ptr<WebhookState> state = state_;
    return context.server->AddRoute(state_->settings.method, state_->settings.path,
                                    [state](net::HttpRequest request, Responder responder) {
                                      state->Handle(std::move(request), responder);
                                    });
  }

  void Stop() override {
    std::unique_lock lock(state_->mu);
    state_->stopped = true;
    state_->idle.wait(lock, [&] { return state_->active == 0; });
  }

 private:
  std::shared_ptr<WebhookState> state_;
};

Result<SignatureVerifier> MakeVerifier(const ComponentConfig& config) {
  ERPHUB_ASSIGN_OR_RETURN(SignaturePreset preset,
                          ParseSignaturePreset(config.GetString("signature.preset")));
  SignatureConfig signature;
  signature.preset = preset;
  signature.secrets = {std::string(config.GetString("signature.secret"))};
  signature.tolerance =
      std::chrono::duration_cast<std::chrono::seconds>(config.GetDuration("signature.tolerance"));
  if (config.Has("signature.header")) {
    signature.header = std::string(config.GetString("signature.header"));
  }
  signature.encoding = config.GetString("signature.encoding") == "hex" ? DigestEncoding::kHex
                                                                       : DigestEncoding::kBase64;
  signature.prefix = std::string(config.GetString("signature.prefix"));
  signature.event_id_header = std::string(config.GetString("event_id_header"));
  return SignatureVerifier::Create(signature);
}

}  // namespace

ComponentSpec WebhookInputSpec() {
  return ComponentSpec::Input("webhook")
      .Summary("Receives HTTP webhooks on the shared listener and answers 202 once stored.")
      .Field(StringField("path")
                 .Required()
                 .Check(StartsWithSlash)
                 .Description("URL path served for this flow, e.g. /webhooks/shop/orders."))
      .Field(EnumField("method", {"POST", "PUT"}).Default("POST").Description("HTTP method."))
      .Field(ObjectField("signature")
                 .Description("Verifies the sender's signature over the raw body.")
                 .Field(EnumField("preset", {"shopify", "stripe", "woocommerce", "github",
                                             "standard-webhooks", "hmac-sha256"})
                            .Required()
                            .Description("The sender's signature scheme."))
                 .Field(StringField("secret").Required().Secret().Min(1).Description(
                     "Shared signing secret."))
                 .Field(StringField("header").Description(
                     "Header holding the signature (hmac-sha256; presets know theirs)."))
                 .Field(EnumField("encoding", {"hex", "base64"})
                            .Default("base64")
                            .Description("Encoding of the signature (hmac-sha256)."))
                 .Field(StringField("prefix").Description(
                     "Text in front of the digest in the header, e.g. sha256= (hmac-sha256)."))
                 .Field(DurationField("tolerance")
                            .Default("5m")
                            .Min(milliseconds(1000))
                            .Description("Largest accepted age of a signed timestamp "
                                         "(stripe, standard-webhooks).")))
      .Field(SizeField("max_body")
                 .Default("1MB")
                 .Min(1)
                 .Description("Larger bodies are refused with 413."))
      .Field(StringField("event_id_header")
                 .Description("Header whose value identifies a delivery, so that a repeated "
                              "delivery is stored once (presets know theirs)."));
}

Result<std::unique_ptr<Component>> MakeWebhookInput(const ComponentConfig& config,
                                                    const ComponentEnv& /*env*/) {
  WebhookSettings settings;
  settings.path = std::string(config.GetString("path"));
  settings.method = std::string(config.GetString("method"));
  settings.max_body = config.GetSize("max_body");
  settings.event_id_header = std::string(config.GetString("event_id_header"));
  if (config.Has("signature")) {
    auto verifier = MakeVerifier(config);
    if (!verifier.ok()) {
      return ConfigProblem(config, "signature", std::string(verifier.error().message()));
    }
    settings.verifier.emplace(std::move(*verifier));
  }
  return std::unique_ptr<Component>(std::make_unique<WebhookInput>(std::move(settings)));
}

}  // namespace erphub::components
