#include "components/inputs/webhook_signature.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <array>
#include <charconv>
#include <cstdint>
#include <initializer_list>

#include "core/hex.h"
#include "core/json.h"
#include "core/value.h"

namespace erphub::components {
namespace {

using Digest = std::array<unsigned char, 32>;

constexpr std::string_view kShopifyHeader = "X-Shopify-Hmac-Sha256";
constexpr std::string_view kStripeHeader = "Stripe-Signature";
constexpr std::string_view kWooHeader = "X-WC-Webhook-Signature";
constexpr std::string_view kGithubHeader = "X-Hub-Signature-256";
constexpr std::string_view kGithubSha1Header = "X-Hub-Signature";
constexpr std::string_view kStdIdHeader = "webhook-id";
constexpr std::string_view kStdTimestampHeader = "webhook-timestamp";
constexpr std::string_view kStdSignatureHeader = "webhook-signature";

char LowerAscii(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) {
    return false;
  }
  for (size_t i = 0; i < a.size(); ++i) {
    if (LowerAscii(a[i]) != LowerAscii(b[i])) {
      return false;
    }
  }
  return true;
}

bool StartsWithIgnoreCase(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && EqualsIgnoreCase(s.substr(0, prefix.size()), prefix);
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) {
    s.remove_suffix(1);
  }
  return s;
}

Status Unauthenticated(std::string reason) {
  return Status(StatusCode::kUnauthenticated, std::move(reason));
}

int Base64Value(char c) {
  if (c >= 'A' && c <= 'Z') {
    return c - 'A';
  }
  if (c >= 'a' && c <= 'z') {
    return c - 'a' + 26;
  }
  if (c >= '0' && c <= '9') {
    return c - '0' + 52;
  }
  if (c == '+') {
    return 62;
  }
  if (c == '/') {
    return 63;
  }
  return -1;
}

// Standard base64 (RFC 4648 section 4); padding is optional, anything else is an error.
std::optional<std::string> DecodeBase64(std::string_view text) {
  while (!text.empty() && text.back() == '=') {
    text.remove_suffix(1);
  }
  if (text.size() % 4 == 1) {
    return std::nullopt;
  }
  std::string out;
  out.reserve(text.size() * 3 / 4);
  uint32_t buffer = 0;
  int bits = 0;
  for (char c : text) {
    int v = Base64Value(c);
    if (v < 0) {
      return std::nullopt;
    }
    buffer = (buffer << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buffer >> bits) & 0xff));
    }
  }
  return out;
}

std::optional<std::string> DecodeHex(std::string_view text) {
  if (text.size() % 2 != 0) {
    return std::nullopt;
  }
  std::string out;
  out.reserve(text.size() / 2);
  for (size_t i = 0; i < text.size(); i += 2) {
    int hi = HexDigitValue(text[i]);
    int lo = HexDigitValue(text[i + 1]);
    if (hi < 0 || lo < 0) {
      return std::nullopt;
    }
    out.push_back(static_cast<char>(hi * 16 + lo));
  }
  return out;
}

// The HMAC algorithm object is immutable and thread-safe once fetched; each call makes its own
// context.
EVP_MAC* HmacAlgorithm() {
  static EVP_MAC* mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  ERPHUB_CHECK(mac != nullptr);
  return mac;
}

// HMAC-SHA256 of the concatenation of `parts`.
Digest HmacSha256(std::string_view key, std::initializer_list<std::string_view> parts) {
  EVP_MAC_CTX* ctx = EVP_MAC_CTX_new(HmacAlgorithm());
  ERPHUB_CHECK(ctx != nullptr);
  char digest_name[] = "SHA256";
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest_name, 0),
      OSSL_PARAM_construct_end(),
  };
  // An empty key is valid HMAC input, but OpenSSL wants a non-null pointer for it.
  static const unsigned char kEmpty = 0;
  const auto* key_bytes =
      key.empty() ? &kEmpty : reinterpret_cast<const unsigned char*>(key.data());
  ERPHUB_CHECK(EVP_MAC_init(ctx, key_bytes, key.size(), params) == 1);
  for (std::string_view part : parts) {
    ERPHUB_CHECK(
        EVP_MAC_update(ctx, reinterpret_cast<const unsigned char*>(part.data()), part.size()) == 1);
  }
  Digest digest{};
  size_t length = 0;
  ERPHUB_CHECK(EVP_MAC_final(ctx, digest.data(), &length, digest.size()) == 1);
  ERPHUB_CHECK(length == digest.size());
  EVP_MAC_CTX_free(ctx);
  return digest;
}

// Constant time in the digest bytes; the length is not secret.
bool DigestEquals(const Digest& expected, std::string_view received) {
  return received.size() == expected.size() &&
         CRYPTO_memcmp(expected.data(), received.data(), expected.size()) == 0;
}

// Decodes `text` and compares it with the HMAC of `parts` under each key. Every key is tried,
// so the time taken does not reveal which one matched.
bool AnyKeyMatches(const std::vector<std::string>& keys, std::string_view received_digest,
                   std::initializer_list<std::string_view> parts) {
  bool matched = false;
  for (const std::string& key : keys) {
    matched |= DigestEquals(HmacSha256(key, parts), received_digest);
  }
  return matched;
}

// Unix seconds as sent by Stripe and Standard Webhooks: decimal digits only.
std::optional<int64_t> ParseUnixSeconds(std::string_view text) {
  if (text.empty() || text.size() > 15) {
    return std::nullopt;
  }
  int64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || value < 0) {
    return std::nullopt;
  }
  return value;
}

Status CheckTimestamp(int64_t signed_at, std::chrono::system_clock::time_point now,
                      std::chrono::seconds tolerance) {
  int64_t now_s = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  int64_t distance = now_s >= signed_at ? now_s - signed_at : signed_at - now_s;
  if (distance > tolerance.count()) {
    return Unauthenticated("signed timestamp is " + std::to_string(distance) + " s " +
                           (now_s >= signed_at ? "old" : "in the future") +
                           ", outside the tolerance of " + std::to_string(tolerance.count()) +
                           " s");
  }
  return Status::Ok();
}

std::chrono::system_clock::time_point FromUnixSeconds(int64_t seconds) {
  return std::chrono::system_clock::time_point(std::chrono::seconds(seconds));
}

std::string HeaderOrEmpty(const HeaderLookup& headers, std::string_view name) {
  std::optional<std::string_view> value = headers.Find(name);
  return value ? std::string(Trim(*value)) : std::string();
}

Result<std::string_view> RequireHeader(const HeaderLookup& headers, std::string_view name) {
  std::optional<std::string_view> value = headers.Find(name);
  if (!value || Trim(*value).empty()) {
    return Unauthenticated("missing " + std::string(name) + " header");
  }
  return Trim(*value);
}

// WooCommerce signs with wp_specialchars_decode(secret, ENT_QUOTES): a secret stored with HTML
// entities signs with the decoded characters.
std::string DecodeWordPressSpecialChars(std::string_view secret) {
  static constexpr std::pair<std::string_view, char> kEntities[] = {
      {"&amp;", '&'},   {"&lt;", '<'},   {"&gt;", '>'},    {"&quot;", '"'},
      {"&#039;", '\''}, {"&#39;", '\''}, {"&#x27;", '\''},
  };
  std::string out;
  for (size_t i = 0; i < secret.size();) {
    bool replaced = false;
    if (secret[i] == '&') {
      for (const auto& [entity, c] : kEntities) {
        if (StartsWithIgnoreCase(secret.substr(i), entity)) {
          out.push_back(c);
          i += entity.size();
          replaced = true;
          break;
        }
      }
    }
    if (!replaced) {
      out.push_back(secret[i++]);
    }
  }
  return out;
}

// WooCommerce's unsigned ping when a webhook is saved: the form body "webhook_id=<digits>".
bool IsWooCommercePing(std::string_view body) {
  constexpr std::string_view kPrefix = "webhook_id=";
  if (body.substr(0, kPrefix.size()) != kPrefix || body.size() == kPrefix.size()) {
    return false;
  }
  for (char c : body.substr(kPrefix.size())) {
    if (c < '0' || c > '9') {
      return false;
    }
  }
  return true;
}

Result<VerifiedEvent> VerifyBodyDigest(const std::vector<std::string>& keys,
                                       std::string_view header_name, std::string_view header_value,
                                       std::string_view prefix, DigestEncoding encoding,
                                       std::string_view raw_body) {
  if (!StartsWithIgnoreCase(header_value, prefix)) {
    return Unauthenticated(std::string(header_name) + " does not start with \"" +
                           std::string(prefix) + "\"");
  }
  std::string_view encoded = header_value.substr(prefix.size());
  std::optional<std::string> received =
      encoding == DigestEncoding::kHex ? DecodeHex(encoded) : DecodeBase64(encoded);
  if (!received) {
    return Unauthenticated(std::string(header_name) + " is not " +
                           (encoding == DigestEncoding::kHex ? "hex" : "base64"));
  }
  if (!AnyKeyMatches(keys, *received, {raw_body})) {
    return Unauthenticated(std::string(header_name) + " does not match the body");
  }
  return VerifiedEvent{};
}

Result<VerifiedEvent> VerifyShopify(const std::vector<std::string>& keys,
                                    const HeaderLookup& headers, std::string_view raw_body) {
  ERPHUB_ASSIGN_OR_RETURN(std::string_view signature, RequireHeader(headers, kShopifyHeader));
  ERPHUB_ASSIGN_OR_RETURN(VerifiedEvent event, VerifyBodyDigest(keys, kShopifyHeader, signature, "",
                                                                DigestEncoding::kBase64, raw_body));
  event.event_id = HeaderOrEmpty(headers, "X-Shopify-Webhook-Id");
  event.topic = HeaderOrEmpty(headers, "X-Shopify-Topic");
  return event;
}

Result<VerifiedEvent> VerifyWooCommerce(const std::vector<std::string>& keys,
                                        const HeaderLookup& headers, std::string_view raw_body) {
  std::optional<std::string_view> signature = headers.Find(kWooHeader);
  if (!signature && IsWooCommercePing(raw_body)) {
    VerifiedEvent ping;
    ping.kind = DeliveryKind::kPing;
    return ping;
  }
  ERPHUB_ASSIGN_OR_RETURN(std::string_view value, RequireHeader(headers, kWooHeader));
  ERPHUB_ASSIGN_OR_RETURN(VerifiedEvent event, VerifyBodyDigest(keys, kWooHeader, value, "",
                                                                DigestEncoding::kBase64, raw_body));
  event.event_id = HeaderOrEmpty(headers, "X-WC-Webhook-Delivery-ID");
  event.topic = HeaderOrEmpty(headers, "X-WC-Webhook-Topic");
  return event;
}

Result<VerifiedEvent> VerifyGithub(const std::vector<std::string>& keys,
                                   const HeaderLookup& headers, std::string_view raw_body) {
  if (!headers.Find(kGithubHeader) && headers.Find(kGithubSha1Header)) {
    return Unauthenticated(
        "missing X-Hub-Signature-256 header (the SHA-1 X-Hub-Signature is "
        "not accepted)");
  }
  ERPHUB_ASSIGN_OR_RETURN(std::string_view signature, RequireHeader(headers, kGithubHeader));
  ERPHUB_ASSIGN_OR_RETURN(
      VerifiedEvent event,
      VerifyBodyDigest(keys, kGithubHeader, signature, "sha256=", DigestEncoding::kHex, raw_body));
  event.event_id = HeaderOrEmpty(headers, "X-GitHub-Delivery");
  event.topic = HeaderOrEmpty(headers, "X-GitHub-Event");
  return event;
}

Result<VerifiedEvent> VerifyStripe(const std::vector<std::string>& keys,
                                   std::chrono::seconds tolerance, const HeaderLookup& headers,
                                   std::string_view raw_body,
                                   std::chrono::system_clock::time_point now) {
  ERPHUB_ASSIGN_OR_RETURN(std::string_view header, RequireHeader(headers, kStripeHeader));
  std::optional<std::string_view> timestamp;
  std::vector<std::string_view> v1_signatures;
  // "t=<seconds>,v1=<hex>[,v1=<hex>...][,v0=<hex>]": other schemes (v0 is test mode) are ignored.
  while (!header.empty()) {
    size_t comma = header.find(',');
    std::string_view item = Trim(header.substr(0, comma));
    header = comma == std::string_view::npos ? std::string_view() : header.substr(comma + 1);
    size_t equals = item.find('=');
    if (equals == std::string_view::npos) {
      continue;
    }
    std::string_view scheme = Trim(item.substr(0, equals));
    std::string_view value = Trim(item.substr(equals + 1));
    if (scheme == "t" && !timestamp) {
      timestamp = value;
    } else if (scheme == "v1") {
      v1_signatures.push_back(value);
    }
  }
  if (!timestamp) {
    return Unauthenticated("Stripe-Signature has no timestamp (t=)");
  }
  std::optional<int64_t> signed_at = ParseUnixSeconds(*timestamp);
  if (!signed_at) {
    return Unauthenticated("Stripe-Signature timestamp is not a number of seconds");
  }
  if (v1_signatures.empty()) {
    return Unauthenticated("Stripe-Signature has no v1 signature");
  }
  ERPHUB_TRY(CheckTimestamp(*signed_at, now, tolerance));
  bool matched = false;
  for (std::string_view encoded : v1_signatures) {
    std::optional<std::string> received = DecodeHex(encoded);
    if (received) {
      matched |= AnyKeyMatches(keys, *received, {*timestamp, ".", raw_body});
    }
  }
  if (!matched) {
    return Unauthenticated("no v1 signature in Stripe-Signature matches the body");
  }
  VerifiedEvent event;
  event.signed_at = FromUnixSeconds(*signed_at);
  // The event id lives in the body; a body that is not a JSON object keeps it empty, and the
  // webhook input reports the malformed body itself.
  Result<Value> body = ParseJson(raw_body);
  if (body.ok()) {
    const Value& id = body->Get("id");
    if (id.is_string()) {
      event.event_id = std::string(id.as_string());
    }
    const Value& type = body->Get("type");
    if (type.is_string()) {
      event.topic = std::string(type.as_string());
    }
  }
  return event;
}

Result<VerifiedEvent> VerifyStandardWebhooks(const std::vector<std::string>& keys,
                                             std::chrono::seconds tolerance,
                                             const HeaderLookup& headers, std::string_view raw_body,
                                             std::chrono::system_clock::time_point now) {
  ERPHUB_ASSIGN_OR_RETURN(std::string_view id, RequireHeader(headers, kStdIdHeader));
  ERPHUB_ASSIGN_OR_RETURN(std::string_view timestamp, RequireHeader(headers, kStdTimestampHeader));
  ERPHUB_ASSIGN_OR_RETURN(std::string_view signatures, RequireHeader(headers, kStdSignatureHeader));
  std::optional<int64_t> signed_at = ParseUnixSeconds(timestamp);
  if (!signed_at) {
    return Unauthenticated("webhook-timestamp is not a number of seconds");
  }
  ERPHUB_TRY(CheckTimestamp(*signed_at, now, tolerance));
  // Space-separated "<version>,<base64>" entries; only v1 (HMAC-SHA256) is ours, v1a is
  // asymmetric.
  bool any_v1 = false;
  bool matched = false;
  while (!signatures.empty()) {
    size_t space = signatures.find(' ');
    std::string_view entry = signatures.substr(0, space);
    signatures =
        space == std::string_view::npos ? std::string_view() : signatures.substr(space + 1);
    size_t comma = entry.find(',');
    if (comma == std::string_view::npos || entry.substr(0, comma) != "v1") {
      continue;
    }
    any_v1 = true;
    std::optional<std::string> received = DecodeBase64(entry.substr(comma + 1));
    if (received) {
      matched |= AnyKeyMatches(keys, *received, {id, ".", timestamp, ".", raw_body});
    }
  }
  if (!any_v1) {
    return Unauthenticated("webhook-signature has no v1 signature");
  }
  if (!matched) {
    return Unauthenticated("no v1 signature in webhook-signature matches the body");
  }
  VerifiedEvent event;
  event.event_id = std::string(id);
  event.signed_at = FromUnixSeconds(*signed_at);
  return event;
}

Result<VerifiedEvent> VerifyGeneric(const SignatureConfig& config,
                                    const std::vector<std::string>& keys,
                                    const HeaderLookup& headers, std::string_view raw_body) {
  ERPHUB_ASSIGN_OR_RETURN(std::string_view signature, RequireHeader(headers, config.header));
  ERPHUB_ASSIGN_OR_RETURN(
      VerifiedEvent event,
      VerifyBodyDigest(keys, config.header, signature, config.prefix, config.encoding, raw_body));
  if (!config.event_id_header.empty()) {
    event.event_id = HeaderOrEmpty(headers, config.event_id_header);
  }
  return event;
}

constexpr std::pair<SignaturePreset, std::string_view> kPresetNames[] = {
    {SignaturePreset::kShopify, "shopify"},
    {SignaturePreset::kStripe, "stripe"},
    {SignaturePreset::kWooCommerce, "woocommerce"},
    {SignaturePreset::kGithub, "github"},
    {SignaturePreset::kStandardWebhooks, "standard-webhooks"},
    {SignaturePreset::kHmacSha256, "hmac-sha256"},
};

}  // namespace

std::string_view SignaturePresetName(SignaturePreset preset) {
  for (const auto& [p, name] : kPresetNames) {
    if (p == preset) {
      return name;
    }
  }
  return "unknown";
}

Result<SignaturePreset> ParseSignaturePreset(std::string_view name) {
  std::string known;
  for (const auto& [preset, preset_name] : kPresetNames) {
    if (preset_name == name) {
      return preset;
    }
    known += known.empty() ? "" : ", ";
    known += preset_name;
  }
  return InvalidArgumentError("unknown signature preset \"" + std::string(name) +
                              "\"; expected one of " + known);
}

std::optional<std::string_view> HeaderList::Find(std::string_view name) const {
  for (const auto& [header_name, value] : headers_) {
    if (EqualsIgnoreCase(header_name, name)) {
      return std::string_view(value);
    }
  }
  return std::nullopt;
}

Result<SignatureVerifier> SignatureVerifier::Create(const SignatureConfig& config) {
  if (config.secrets.empty()) {
    return InvalidArgumentError("no signature secret configured");
  }
  if (config.tolerance.count() < 0) {
    return InvalidArgumentError("the timestamp tolerance must not be negative");
  }
  if (config.preset == SignaturePreset::kHmacSha256 && Trim(config.header).empty()) {
    return InvalidArgumentError("the signature header name is empty");
  }
  SignatureVerifier verifier;
  verifier.config_ = config;
  for (size_t i = 0; i < config.secrets.size(); ++i) {
    const std::string& secret = config.secrets[i];
    std::string which = "signature secret " + std::to_string(i + 1);
    if (secret.empty()) {
      return InvalidArgumentError(which + " is empty");
    }
    if (config.preset == SignaturePreset::kStandardWebhooks) {
      std::string_view encoded = secret;
      if (encoded.substr(0, 6) == "whsec_") {
        encoded.remove_prefix(6);
      }
      std::optional<std::string> key = DecodeBase64(encoded);
      if (!key || key->empty()) {
        return InvalidArgumentError(which +
                                    " is not a standard-webhooks secret (\"whsec_\" + base64)");
      }
      verifier.keys_.push_back(std::move(*key));
    } else {
      verifier.keys_.push_back(secret);
      if (config.preset == SignaturePreset::kWooCommerce) {
        std::string decoded = DecodeWordPressSpecialChars(secret);
        if (decoded != secret) {
          verifier.keys_.push_back(std::move(decoded));
        }
      }
    }
  }
  return verifier;
}

Result<VerifiedEvent> SignatureVerifier::Verify(const HeaderLookup& headers,
                                                std::string_view raw_body,
                                                std::chrono::system_clock::time_point now) const {
  switch (config_.preset) {
    case SignaturePreset::kShopify:
      return VerifyShopify(keys_, headers, raw_body);
    case SignaturePreset::kStripe:
      return VerifyStripe(keys_, config_.tolerance, headers, raw_body, now);
    case SignaturePreset::kWooCommerce:
      return VerifyWooCommerce(keys_, headers, raw_body);
    case SignaturePreset::kGithub:
      return VerifyGithub(keys_, headers, raw_body);
    case SignaturePreset::kStandardWebhooks:
      return VerifyStandardWebhooks(keys_, config_.tolerance, headers, raw_body, now);
    case SignaturePreset::kHmacSha256:
      return VerifyGeneric(config_, keys_, headers, raw_body);
  }
  return InternalError("unknown signature preset");
}

Result<VerifiedEvent> VerifySignature(const SignatureConfig& config, const HeaderLookup& headers,
                                      std::string_view raw_body,
                                      std::chrono::system_clock::time_point now) {
  ERPHUB_ASSIGN_OR_RETURN(SignatureVerifier verifier, SignatureVerifier::Create(config));
  return verifier.Verify(headers, raw_body, now);
}

}  // namespace erphub::components
