// A delivery's signature header and body come from anyone who can reach the listener: every
// preset must verify or refuse them with kUnauthenticated, never crash or read out of bounds.
// Input: one byte choosing the preset, then the header value up to the first newline, then the
// body.
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "components/inputs/webhook_signature.h"

namespace {

using erphub::components::HeaderList;
using erphub::components::SignatureConfig;
using erphub::components::SignaturePreset;

// The header each preset reads its signature from (and, for standard-webhooks, its id and time).
constexpr SignaturePreset kPresets[] = {
    SignaturePreset::kShopify, SignaturePreset::kStripe,           SignaturePreset::kWooCommerce,
    SignaturePreset::kGithub,  SignaturePreset::kStandardWebhooks, SignaturePreset::kHmacSha256,
};
constexpr const char* kHeaders[] = {"X-Shopify-Hmac-Sha256",  "Stripe-Signature",
                                    "X-WC-Webhook-Signature", "X-Hub-Signature-256",
                                    "webhook-signature",      "X-Signature"};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) {
    return 0;
  }
  const size_t choice = data[0] % std::size(kPresets);
  std::string_view rest(reinterpret_cast<const char*>(data + 1), size - 1);
  size_t newline = rest.find('\n');
  std::string header(rest.substr(0, newline));
  std::string_view body = newline == std::string_view::npos ? "" : rest.substr(newline + 1);

  SignatureConfig config;
  config.preset = kPresets[choice];
  config.secrets = {"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "whsec_c2Vjb25kLXNlY3JldA=="};
  config.encoding = (data[0] & 0x80) ? erphub::components::DigestEncoding::kBase64
                                     : erphub::components::DigestEncoding::kHex;
  config.prefix = (data[0] & 0x40) ? "sha256=" : "";
  config.event_id_header = "X-Event-Id";
  HeaderList headers;
  headers.Add(kHeaders[choice], header);
  headers.Add("webhook-id", header.substr(0, 16));
  headers.Add("webhook-timestamp", header.substr(0, 12));
  headers.Add("X-Event-Id", header);
  auto verified = erphub::components::VerifySignature(
      config, headers, body,
      std::chrono::system_clock::time_point(std::chrono::seconds(1700000000)));
  if (!verified.ok() && verified.status().code() != erphub::StatusCode::kUnauthenticated) {
    std::abort();
  }
  return 0;
}
