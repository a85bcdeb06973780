#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.h"

namespace erphub::components {

// Webhook signature verification: which bytes each provider signs, how its secret is used and
// how the digest is encoded. Pure functions over headers and the raw body, no I/O; the webhook
// input calls them before anything is stored. The provider rules are described in
// ../shared/data/webhooks/README.md.

enum class SignaturePreset {
  kShopify,           // X-Shopify-Hmac-Sha256: base64(HMAC(secret, body))
  kStripe,            // Stripe-Signature: t=..,v1=hex(HMAC(secret, t "." body)),...
  kWooCommerce,       // X-WC-Webhook-Signature: base64(HMAC(secret, body))
  kGithub,            // X-Hub-Signature-256: sha256=hex(HMAC(secret, body))
  kStandardWebhooks,  // webhook-signature: v1,base64(HMAC(base64dec(secret), id "." t "." body))
  kHmacSha256,        // generic: configurable header, encoding and prefix over the body
};

// The config name of a preset ("shopify", "stripe", "woocommerce", "github",
// "standard-webhooks", "hmac-sha256").
std::string_view SignaturePresetName(SignaturePreset preset);
// kInvalidArgument naming the known presets when `name` is none of them.
Result<SignaturePreset> ParseSignaturePreset(std::string_view name);

enum class DigestEncoding { kHex, kBase64 };

struct SignatureConfig {
  SignaturePreset preset = SignaturePreset::kHmacSha256;
  // Every secret that may have signed a delivery; a delivery verifies when any of them matches,
  // so an endpoint secret can be rolled without downtime. At least one is required.
  // standard-webhooks secrets are "whsec_" + base64 of the key (the prefix is optional).
  std::vector<std::string> secrets{};
  // stripe and standard-webhooks: the largest accepted distance between the signed timestamp
  // and now, in either direction.
  std::chrono::seconds tolerance{300};

  // hmac-sha256 only.
  std::string header = "X-Signature";
  DigestEncoding encoding = DigestEncoding::kHex;
  // Text in front of the digest in the header, e.g. "sha256=" (required when set).
  std::string prefix{};
  // Header holding the sender's delivery id, if it sends one.
  std::string event_id_header{};
};

// Reads request headers; the webhook server adapts its own header container to this.
class HeaderLookup {
 public:
  virtual ~HeaderLookup() = default;
  // The value of the first header called `name`, compared ASCII case-insensitively (HTTP/2
  // delivers names in lower case), or nullopt when there is none.
  virtual std::optional<std::string_view> Find(std::string_view name) const = 0;
};

// A plain list of headers, for tests and callers without a header container of their own.
class HeaderList : public HeaderLookup {
 public:
  HeaderList() = default;
  HeaderList(std::initializer_list<std::pair<std::string, std::string>> headers)
      : headers_(headers) {}

  void Add(std::string name, std::string value) {
    headers_.emplace_back(std::move(name), std::move(value));
  }
  std::optional<std::string_view> Find(std::string_view name) const override;

 private:
  std::vector<std::pair<std::string, std::string>> headers_;
};

enum class DeliveryKind {
  kEvent,  // a signed event: process it
  kPing,   // an unsigned set-up ping (WooCommerce "webhook_id=<n>"): answer 2xx, store nothing
};

struct VerifiedEvent {
  DeliveryKind kind = DeliveryKind::kEvent;
  // The provider's id of this event or delivery, stable across its retries: the key for
  // de-duplication. Empty when the sender provides none (generic preset without
  // event_id_header, a Stripe body without "id", pings).
  std::string event_id;
  // The event type when the provider names it (X-Shopify-Topic, X-GitHub-Event,
  // X-WC-Webhook-Topic, the Stripe body's "type"); empty otherwise.
  std::string topic;
  // The signed timestamp (stripe, standard-webhooks).
  std::optional<std::chrono::system_clock::time_point> signed_at;
};

// A verifier for one endpoint: the config is checked and the keys decoded once, then any number
// of deliveries are verified, from any number of threads at once.
class SignatureVerifier {
 public:
  // kInvalidArgument when the config is unusable: no secret, an empty secret, a standard-webhooks
  // secret that is not base64, a negative tolerance, an empty generic header. The message never
  // contains a secret.
  static Result<SignatureVerifier> Create(const SignatureConfig& config);

  // Verifies one delivery over `raw_body`, the request body exactly as received. Returns the
  // event's identity, or kUnauthenticated with a reason (missing header, malformed header,
  // timestamp outside the tolerance, no matching signature). Digests are compared in constant
  // time; reasons never contain a secret or an expected digest.
  Result<VerifiedEvent> Verify(const HeaderLookup& headers, std::string_view raw_body,
                               std::chrono::system_clock::time_point now) const;

  const SignatureConfig& config() const { return config_; }

 private:
  SignatureVerifier() = default;

  SignatureConfig config_;
  // The HMAC keys, one per secret, in the order of config_.secrets.
  std::vector<std::string> keys_;
};

// Create() and Verify() in one call, for callers that verify once.
Result<VerifiedEvent> VerifySignature(const SignatureConfig& config, const HeaderLookup& headers,
                                      std::string_view raw_body,
                                      std::chrono::system_clock::time_point now);

}  // namespace erphub::components
