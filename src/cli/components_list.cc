#include "cli/components_list.h"

#include <chrono>
#include <string_view>

#include "core/component_spec.h"
#include "core/http_auth_spec.h"
#include "core/result.h"

namespace erphub::cli {
namespace {

using std::chrono::milliseconds;

std::vector<CheckProblem> StartsWithSlash(const Value& value) {
  if (!value.as_string().empty() && value.as_string().front() == '/') {
    return {};
  }
  return {{"", "must start with '/'"}};
}

std::vector<CheckProblem> IsHttpUrl(const Value& value) {
  std::string_view url = value.as_string();
  if (url.rfind("http://", 0) == 0 || url.rfind("https://", 0) == 0) {
    return {};
  }
  return {{"", "must start with http:// or https://"}};
}

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

ComponentSpec FileInputSpec() {
  return ComponentSpec::Input("file")
      .Summary("Reads .json and .ndjson files dropped into a folder; each record is a message.")
      .Field(StringField("path").Required().Min(1).Description("Folder to watch."))
      .Field(EnumField("format", {"auto", "json", "ndjson"})
                 .Default("auto")
                 .Description("auto decides by file extension."))
      .Field(DurationField("poll_interval")
                 .Default("1s")
                 .Min(milliseconds(10))
                 .Description("How often the folder is scanned."))
      .Field(StringField("done_dir")
                 .Default("done")
                 .Description("Where committed files move (relative to path)."))
      .Field(StringField("failed_dir")
                 .Default("failed")
                 .Description("Where unreadable files move, with a .error file beside them."));
}

ComponentSpec ValidateStepSpec() {
  return ComponentSpec::Step("validate")
      .Summary(
          "Checks each message against a JSON Schema (draft 2020-12); failures go to "
          "quarantine.")
      .Field(StringField("schema").Required().Min(1).Description(
          "Path of the JSON Schema file, relative to the config."));
}

ComponentSpec MapStepSpec() {
  return ComponentSpec::Step("map")
      .Summary("Transforms each message with a JSONata expression.")
      .Field(StringField("expression").Min(1).Description("The JSONata expression, inline."))
      .Field(StringField("file").Min(1).Description(
          "Path of a file holding the expression, relative to the config."))
      .Check(ExactlyOneOf({"expression", "file"}));
}

ComponentSpec HttpOutputSpec() {
  return ComponentSpec::Output("http")
      .Summary("Delivers each message as an HTTP request with an Idempotency-Key.")
      .Field(StringField("url").Required().Check(IsHttpUrl).Description("Target URL."))
      .Field(EnumField("method", {"POST", "PUT", "PATCH", "DELETE"})
                 .Default("POST")
                 .Description("HTTP method."))
      .Field(MapField("headers", StringField("header")).Description("Extra request headers."))
      .Field(HttpAuthField())
      .Field(DurationField("timeout")
                 .Default("30s")
                 .Min(milliseconds(1))
                 .Description("Time limit of one request."));
}

ComponentSpec FileOutputSpec() {
  return ComponentSpec::Output("file")
      .Summary("Writes messages to files atomically (temp file + rename).")
      .Field(StringField("path").Required().Min(1).Description(
          "ndjson: the file to append to; per-message: the folder to write into."))
      .Field(EnumField("mode", {"ndjson", "per-message"})
                 .Default("ndjson")
                 .Description("One NDJSON file, or one file per message."));
}

}  // namespace

void RegisterComponentSpecs(ComponentRegistry& registry) {
  for (ComponentSpec spec : {WebhookInputSpec(), FileInputSpec(), ValidateStepSpec(), MapStepSpec(),
                             HttpOutputSpec(), FileOutputSpec()}) {
    Status status = registry.Register(std::move(spec));
    ERPHUB_CHECK(status.ok());
  }
}

}  // namespace erphub::cli
