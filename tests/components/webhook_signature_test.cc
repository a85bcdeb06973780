#include "components/inputs/webhook_signature.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/json.h"
#include "core/value.h"

namespace erphub::components {
namespace {

using std::chrono::seconds;
using std::chrono::system_clock;

system_clock::time_point At(int64_t unix_seconds) {
  return system_clock::time_point(seconds(unix_seconds));
}

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string HmacHex(std::string_view key, std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest, &length);
  std::string hex;
  for (unsigned int i = 0; i < length; ++i) {
    static const char kDigits[] = "0123456789abcdef";
    hex.push_back(kDigits[digest[i] >> 4]);
    hex.push_back(kDigits[digest[i] & 15]);
  }
  return hex;
}

std::string HmacBase64(std::string_view key, std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest, &length);
  unsigned char encoded[64];
  int n = EVP_EncodeBlock(encoded, digest, static_cast<int>(length));
  return std::string(reinterpret_cast<char*>(encoded), static_cast<size_t>(n));
}

// ---- The shared vectors: every one gives the expected accept/reject. ----

struct VectorOutcome {
  std::string name;
  Result<VerifiedEvent> result;
};

std::string BodyOf(const Value& vector, const std::filesystem::path& dir) {
  std::string body;
  if (vector.Get("body_inline").is_string()) {
    body = std::string(vector.Get("body_inline").as_string());
  } else {
    body = ReadFile(dir / std::string(vector.Get("body_file").as_string()));
  }
  const Value& edit = vector.Get("body_edit");
  if (edit.Get("replace").is_string()) {
    std::string from(edit.Get("replace").as_string());
    size_t at = body.find(from);
    EXPECT_NE(at, std::string::npos) << "body_edit.replace not found";
    if (at != std::string::npos) {
      body.replace(at, from.size(), std::string(edit.Get("with").as_string()));
    }
  }
  if (edit.Get("reserialise_json").is_bool() && edit.Get("reserialise_json").as_bool()) {
    Result<Value> parsed = ParseJson(body);
    EXPECT_TRUE(parsed.ok()) << parsed.status().ToString();
    if (parsed.ok()) {
      body = ToJson(*parsed);
    }
  }
  return body;
}

SignatureConfig ConfigOf(const Value& vector, std::string secret) {
  SignatureConfig config;
  Result<SignaturePreset> preset = ParseSignaturePreset(vector.Get("provider").as_string());
  EXPECT_TRUE(preset.ok()) << preset.status().ToString();
  config.preset = preset.ok() ? *preset : SignaturePreset::kHmacSha256;
  config.secrets = {std::move(secret)};
  if (vector.Get("tolerance_s").is_number()) {
    config.tolerance = seconds(*vector.Get("tolerance_s").as_number().ToInt64());
  }
  return config;
}

// Runs every vector of `dir`/vectors.json and checks the expected outcome; returns the count.
int RunVectors(const std::filesystem::path& dir) {
  std::string text = ReadFile(dir / "vectors.json");
  Result<Value> doc = ParseJson(text);
  EXPECT_TRUE(doc.ok()) << doc.status().ToString();
  if (!doc.ok()) {
    return 0;
  }
  int count = 0;
  for (const Value& vector : doc->Get("vectors").as_array()) {
    std::string name(vector.Get("name").as_string());
    SCOPED_TRACE(name);
    ++count;
    std::string body = BodyOf(vector, dir);
    HeaderList headers;
    for (const auto& [header, value] : vector.Get("headers").as_object()) {
      headers.Add(header, std::string(value.as_string()));
    }
    system_clock::time_point now = At(1735689600);
    if (vector.Get("now").is_number()) {
      now = At(*vector.Get("now").as_number().ToInt64());
    }
    std::vector<std::string> secrets = {std::string(vector.Get("secret").as_string())};
    if (vector.Get("also_valid_with_secret").is_string()) {
      secrets.emplace_back(vector.Get("also_valid_with_secret").as_string());
    }
    const Value& expect = vector.Get("expect_valid");
    for (const std::string& secret : secrets) {
      Result<VerifiedEvent> result = VerifySignature(ConfigOf(vector, secret), headers, body, now);
      if (expect.is_null()) {
        EXPECT_TRUE(result.ok()) << result.status().ToString();
        EXPECT_TRUE(result.ok() && result->kind == DeliveryKind::kPing);
      } else if (expect.as_bool()) {
        EXPECT_TRUE(result.ok()) << result.status().ToString();
        EXPECT_TRUE(result.ok() && result->kind == DeliveryKind::kEvent);
      } else {
        EXPECT_FALSE(result.ok()) << "accepted; should fail because "
                                  << vector.Get("why").as_string();
        EXPECT_EQ(result.status().code(), StatusCode::kUnauthenticated);
        EXPECT_EQ(result.status().ToString().find(secret), std::string::npos)
            << "the reason reveals the secret: " << result.status().ToString();
      }
    }
    if (secrets.size() > 1) {
      SignatureConfig both = ConfigOf(vector, secrets[0]);
      both.secrets = secrets;
      EXPECT_TRUE(VerifySignature(both, headers, body, now).ok());
    }
  }
  return count;
}

TEST(WebhookSignatureVectors, EveryVectorInTheRepositoryCopy) {
  std::filesystem::path dir = std::filesystem::path(ERPHUB_SOURCE_DIR) / "tests/data/webhooks";
  EXPECT_EQ(RunVectors(dir), 21);
}

TEST(WebhookSignatureVectors, EveryVectorInSharedData) {
  std::filesystem::path dir = std::filesystem::path(ERPHUB_SHARED_DIR) / "data/webhooks";
  if (!std::filesystem::exists(dir / "vectors.json")) {
    GTEST_SKIP() << "no shared data at " << dir.string()
                 << " (the repository copy in tests/data/webhooks is tested instead)";
  }
  EXPECT_GE(RunVectors(dir), 21);
}

// ---- Event identity per provider. ----

std::filesystem::path Payloads() {
  return std::filesystem::path(ERPHUB_SOURCE_DIR) / "tests/data/webhooks/payloads";
}

TEST(WebhookSignature, ShopifyReturnsWebhookIdAndTopic) {
  std::string body = ReadFile(Payloads() / "shopify/app-uninstalled.json");
  // HTTP/2 delivers header names in lower case.
  HeaderList headers = {{"x-shopify-hmac-sha256", "L23IN42eur+efT62j87aTX35zZ3XFzb6Yr7CIVH9LMU="},
                        {"x-shopify-webhook-id", "0f0c7a3e"},
                        {"x-shopify-topic", "app/uninstalled"}};
  SignatureConfig config{.preset = SignaturePreset::kShopify, .secrets = {"hush"}};
  Result<VerifiedEvent> event = VerifySignature(config, headers, body, At(0));
  ASSERT_TRUE(event.ok()) << event.status().ToString();
  EXPECT_EQ(event->event_id, "0f0c7a3e");
  EXPECT_EQ(event->topic, "app/uninstalled");
  EXPECT_FALSE(event->signed_at.has_value());
}

TEST(WebhookSignature, StripeEventIdComesFromTheBody) {
  std::string body = ReadFile(Payloads() / "stripe/payment_intent.succeeded.json");
  HeaderList headers = {
      {"Stripe-Signature",
       "t=1735689600,v1=669f241ba907dfffe025e3a8b84cc329486fad8ea180171cf92cb5fa48395a79"}};
  SignatureConfig config{.preset = SignaturePreset::kStripe,
                         .secrets = {"whsec_erphubTestSigningSecret9f2c4e6a8b0d1f3e5c7a"}};
  Result<VerifiedEvent> event = VerifySignature(config, headers, body, At(1735689612));
  ASSERT_TRUE(event.ok()) << event.status().ToString();
  EXPECT_EQ(event->event_id.rfind("evt_", 0), 0u) << event->event_id;
  EXPECT_EQ(event->topic, "payment_intent.succeeded");
  EXPECT_EQ(event->signed_at, At(1735689600));
}

SignatureConfig StripeConfig() {
  return SignatureConfig{.preset = SignaturePreset::kStripe, .secrets = {"whsec_k"}};
}

HeaderList StripeHeaders(int64_t t, std::string_view body, std::string_view extra = "") {
  std::string ts = std::to_string(t);
  return HeaderList{
      {"Stripe-Signature",
       "t=" + ts + ",v1=" + HmacHex("whsec_k", ts + "." + std::string(body)) + std::string(extra)}};
}

TEST(WebhookSignature, StripeToleranceIsInclusiveAndAppliesBothWays) {
  std::string body = R"({"id":"evt_1"})";
  EXPECT_TRUE(VerifySignature(StripeConfig(), StripeHeaders(1000, body), body, At(1300)).ok());
  EXPECT_TRUE(VerifySignature(StripeConfig(), StripeHeaders(1300, body), body, At(1000)).ok());
  Result<VerifiedEvent> old =
      VerifySignature(StripeConfig(), StripeHeaders(1000, body), body, At(1301));
  ASSERT_FALSE(old.ok());
  EXPECT_EQ(old.status().message(),
            "signed timestamp is 301 s old, outside the tolerance of 300 s");
  Result<VerifiedEvent> future =
      VerifySignature(StripeConfig(), StripeHeaders(1301, body), body, At(1000));
  ASSERT_FALSE(future.ok());
  EXPECT_NE(future.status().message().find("in the future"), std::string_view::npos);
}

TEST(WebhookSignature, StripeHeaderProblemsHaveSpecificReasons) {
  std::string body = "{}";
  auto reason = [&](std::string header) {
    HeaderList headers = {{"Stripe-Signature", std::move(header)}};
    Result<VerifiedEvent> r = VerifySignature(StripeConfig(), headers, body, At(1000));
    EXPECT_FALSE(r.ok());
    return r.ok() ? std::string() : std::string(r.status().message());
  };
  EXPECT_EQ(reason("v1=00"), "Stripe-Signature has no timestamp (t=)");
  EXPECT_EQ(reason("t=12x,v1=00"), "Stripe-Signature timestamp is not a number of seconds");
  EXPECT_EQ(reason("t=1000,v0=00"), "Stripe-Signature has no v1 signature");
  EXPECT_EQ(reason("t=1000,v1=zz"), "no v1 signature in Stripe-Signature matches the body");
  Result<VerifiedEvent> missing = VerifySignature(StripeConfig(), HeaderList{}, body, At(1000));
  EXPECT_EQ(missing.status().message(), "missing Stripe-Signature header");
}

TEST(WebhookSignature, StripeAcceptsAnyMatchingV1AndToleratesSpaces) {
  std::string body = R"({"id":"evt_2"})";
  std::string good = HmacHex("whsec_k", "1000." + body);
  HeaderList headers = {
      {"Stripe-Signature", "t=1000, v1=" + std::string(64, '0') + ", v1=" + good + ", v0=ab"}};
  Result<VerifiedEvent> event = VerifySignature(StripeConfig(), headers, body, At(1000));
  ASSERT_TRUE(event.ok()) << event.status().ToString();
  EXPECT_EQ(event->event_id, "evt_2");
}

TEST(WebhookSignature, StripeBodyThatIsNotJsonVerifiesWithoutAnId) {
  std::string body = "not json";
  Result<VerifiedEvent> event =
      VerifySignature(StripeConfig(), StripeHeaders(1000, body), body, At(1000));
  ASSERT_TRUE(event.ok()) << event.status().ToString();
  EXPECT_EQ(event->event_id, "");
}

TEST(WebhookSignature, GithubRejectsMissingPrefixAndSha1) {
  SignatureConfig config{.preset = SignaturePreset::kGithub, .secrets = {"s"}};
  std::string body = "Hello";
  std::string digest = HmacHex("s", body);
  HeaderList good = {{"X-Hub-Signature-256", "sha256=" + digest},
                     {"X-GitHub-Delivery", "d-1"},
                     {"X-GitHub-Event", "push"}};
  Result<VerifiedEvent> event = VerifySignature(config, good, body, At(0));
  ASSERT_TRUE(event.ok()) << event.status().ToString();
  EXPECT_EQ(event->event_id, "d-1");
  EXPECT_EQ(event->topic, "push");

  HeaderList bare = {{"X-Hub-Signature-256", digest}};
  EXPECT_EQ(VerifySignature(config, bare, body, At(0)).status().message(),
            "X-Hub-Signature-256 does not start with \"sha256=\"");
  HeaderList sha1 = {{"X-Hub-Signature", "sha1=00"}};
  Result<VerifiedEvent> r = VerifySignature(config, sha1, body, At(0));
  EXPECT_EQ(r.status().code(), StatusCode::kUnauthenticated);
  EXPECT_NE(r.status().message().find("SHA-1"), std::string_view::npos);
}

TEST(WebhookSignature, StandardWebhooksReturnsMessageIdAndIgnoresOtherVersions) {
  SignatureConfig config{.preset = SignaturePreset::kStandardWebhooks,
                         .secrets = {"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"}};
  HeaderList headers = {
      {"Webhook-Id", "msg_p5jXN8AQM9LWM0D4loKWxJek"},
      {"Webhook-Timestamp", "1614265330"},
      {"Webhook-Signature",
       "v1a,bm90IGFuIGVkMjU1MTkgc2ln v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="}};
  Result<VerifiedEvent> event =
      VerifySignature(config, headers, R"({"test": 2432232314})", At(1614265330));
  ASSERT_TRUE(event.ok()) << event.status().ToString();
  EXPECT_EQ(event->event_id, "msg_p5jXN8AQM9LWM0D4loKWxJek");
  EXPECT_EQ(event->signed_at, At(1614265330));

  // The same secret without its prefix is the same key.
  config.secrets = {"MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"};
  EXPECT_TRUE(VerifySignature(config, headers, R"({"test": 2432232314})", At(1614265330)).ok());

  HeaderList only_v1a = {
      {"webhook-id", "m"}, {"webhook-timestamp", "1614265330"}, {"webhook-signature", "v1a,AAAA"}};
  EXPECT_EQ(VerifySignature(config, only_v1a, "{}", At(1614265330)).status().message(),
            "webhook-signature has no v1 signature");
  HeaderList no_id = {{"webhook-timestamp", "1614265330"}, {"webhook-signature", "v1,AAAA"}};
  EXPECT_EQ(VerifySignature(config, no_id, "{}", At(1614265330)).status().message(),
            "missing webhook-id header");
}

TEST(WebhookSignature, WooCommerceDecodesHtmlEntitiesInTheSecret) {
  std::string body = R"({"id":1})";
  HeaderList headers = {{"X-WC-Webhook-Signature", HmacBase64("a&b", body)},
                        {"X-WC-Webhook-Delivery-ID", "abc123"}};
  SignatureConfig stored{.preset = SignaturePreset::kWooCommerce, .secrets = {"a&amp;b"}};
  Result<VerifiedEvent> event = VerifySignature(stored, headers, body, At(0));
  ASSERT_TRUE(event.ok()) << event.status().ToString();
  EXPECT_EQ(event->event_id, "abc123");
  SignatureConfig plain{.preset = SignaturePreset::kWooCommerce, .secrets = {"a&b"}};
  EXPECT_TRUE(VerifySignature(plain, headers, body, At(0)).ok());
}

TEST(WebhookSignature, WooCommercePingOnlyWithoutSignatureAndWithItsExactBody) {
  SignatureConfig config{.preset = SignaturePreset::kWooCommerce, .secrets = {"s"}};
  Result<VerifiedEvent> ping = VerifySignature(config, HeaderList{}, "webhook_id=7", At(0));
  ASSERT_TRUE(ping.ok());
  EXPECT_EQ(ping->kind, DeliveryKind::kPing);
  EXPECT_FALSE(VerifySignature(config, HeaderList{}, "webhook_id=7&x=1", At(0)).ok());
  EXPECT_FALSE(VerifySignature(config, HeaderList{}, R"({"id":1})", At(0)).ok());
  HeaderList bad = {{"X-WC-Webhook-Signature", "AAAA"}};
  EXPECT_FALSE(VerifySignature(config, bad, "webhook_id=7", At(0)).ok());
}

TEST(WebhookSignature, GenericHexWithPrefixAndEventIdHeader) {
  SignatureConfig config{.preset = SignaturePreset::kHmacSha256,
                         .secrets = {"topsecret"},
                         .header = "X-Signature",
                         .encoding = DigestEncoding::kHex,
                         .prefix = "sha256=",
                         .event_id_header = "X-Delivery"};
  std::string body = "payload";
  HeaderList headers = {{"x-signature", "sha256=" + HmacHex("topsecret", body)},
                        {"x-delivery", "42"}};
  Result<VerifiedEvent> event = VerifySignature(config, headers, body, At(0));
  ASSERT_TRUE(event.ok()) << event.status().ToString();
  EXPECT_EQ(event->event_id, "42");
  Result<VerifiedEvent> tampered = VerifySignature(config, headers, "payloaD", At(0));
  EXPECT_EQ(tampered.status().message(), "X-Signature does not match the body");
}

TEST(WebhookSignature, GenericBase64AndRotation) {
  SignatureConfig config{.preset = SignaturePreset::kHmacSha256,
                         .secrets = {"new", "old"},
                         .header = "X-Sig",
                         .encoding = DigestEncoding::kBase64};
  std::string body = "x";
  HeaderList signed_old = {{"X-Sig", HmacBase64("old", body)}};
  HeaderList signed_new = {{"X-Sig", HmacBase64("new", body)}};
  HeaderList signed_other = {{"X-Sig", HmacBase64("other", body)}};
  EXPECT_TRUE(VerifySignature(config, signed_old, body, At(0)).ok());
  EXPECT_TRUE(VerifySignature(config, signed_new, body, At(0)).ok());
  EXPECT_FALSE(VerifySignature(config, signed_other, body, At(0)).ok());
  HeaderList not_base64 = {{"X-Sig", "!!!"}};
  EXPECT_EQ(VerifySignature(config, not_base64, body, At(0)).status().message(),
            "X-Sig is not base64");
  // Hex of the right digest is not accepted where base64 is configured.
  HeaderList hex = {{"X-Sig", HmacHex("new", body)}};
  EXPECT_FALSE(VerifySignature(config, hex, body, At(0)).ok());
}

TEST(WebhookSignature, EmptyBodyIsSignedLikeAnyOther) {
  SignatureConfig config{.preset = SignaturePreset::kGithub, .secrets = {"s"}};
  HeaderList headers = {{"X-Hub-Signature-256", "sha256=" + HmacHex("s", "")}};
  EXPECT_TRUE(VerifySignature(config, headers, "", At(0)).ok());
}

TEST(WebhookSignature, UnusableConfigsAreRejectedWithoutTheSecret) {
  SignatureConfig none{.preset = SignaturePreset::kShopify};
  EXPECT_EQ(SignatureVerifier::Create(none).status().code(), StatusCode::kInvalidArgument);
  SignatureConfig empty{.preset = SignaturePreset::kShopify, .secrets = {"ok", ""}};
  EXPECT_EQ(SignatureVerifier::Create(empty).status().message(), "signature secret 2 is empty");
  SignatureConfig bad_whsec{.preset = SignaturePreset::kStandardWebhooks,
                            .secrets = {"whsec_not*base64"}};
  Result<SignatureVerifier> r = SignatureVerifier::Create(bad_whsec);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().ToString().find("not*base64"), std::string::npos);
  SignatureConfig negative{.preset = SignaturePreset::kStripe, .secrets = {"s"}};
  negative.tolerance = seconds(-1);
  EXPECT_FALSE(SignatureVerifier::Create(negative).ok());
  SignatureConfig no_header{.preset = SignaturePreset::kHmacSha256, .secrets = {"s"}};
  no_header.header = "";
  EXPECT_FALSE(SignatureVerifier::Create(no_header).ok());
}

TEST(WebhookSignature, PresetNamesRoundTrip) {
  for (SignaturePreset p : {SignaturePreset::kShopify, SignaturePreset::kStripe,
                            SignaturePreset::kWooCommerce, SignaturePreset::kGithub,
                            SignaturePreset::kStandardWebhooks, SignaturePreset::kHmacSha256}) {
    Result<SignaturePreset> parsed = ParseSignaturePreset(SignaturePresetName(p));
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(*parsed, p);
  }
  Result<SignaturePreset> unknown = ParseSignaturePreset("paypal");
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.status().message().find("standard-webhooks"), std::string_view::npos);
}

TEST(WebhookSignature, OneVerifierServesManyDeliveries) {
  Result<SignatureVerifier> verifier =
      SignatureVerifier::Create({.preset = SignaturePreset::kGithub, .secrets = {"s"}});
  ASSERT_TRUE(verifier.ok());
  for (int i = 0; i < 3; ++i) {
    std::string body = "body " + std::to_string(i);
    HeaderList headers = {{"X-Hub-Signature-256", "sha256=" + HmacHex("s", body)}};
    EXPECT_TRUE(verifier->Verify(headers, body, At(0)).ok());
    EXPECT_FALSE(verifier->Verify(headers, body + " ", At(0)).ok());
  }
}

}  // namespace
}  // namespace erphub::components
