#include "components/inputs/webhook_input.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <future>
#include <string>

#include "component_harness.h"
#include "core/json.h"
#include "net/http_client.h"
#include "net/http_server.h"

namespace erphub::components {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using testing::Build;
using testing::FakeIntake;
using testing::FakeMetrics;
using testing::ReadFile;

const std::filesystem::path kWebhooks =
    std::filesystem::path(ERPHUB_SOURCE_DIR) / "tests/data/webhooks";
constexpr char kShopSecret[] = "shpss_erphub_test_3f9a1c7d2b4e6f8a0c1e3d5b7a9f2c4e";
constexpr char kShopConfig[] = R"(webhook:
  path: /webhooks/shop/orders
  max_body: 64KB
  signature: {preset: shopify, secret: shpss_erphub_test_3f9a1c7d2b4e6f8a0c1e3d5b7a9f2c4e}
)";

std::string ShopifySignature(std::string_view body) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), kShopSecret, static_cast<int>(sizeof(kShopSecret) - 1),
       reinterpret_cast<const unsigned char*>(body.data()), body.size(), digest, &length);
  unsigned char encoded[64];
  int n = EVP_EncodeBlock(encoded, digest, static_cast<int>(length));
  return std::string(reinterpret_cast<char*>(encoded), static_cast<size_t>(n));
}

class WebhookInputTest : public ::testing::Test {
 protected:
  void TearDown() override {
    if (server_ != nullptr) {
      server_->Stop(seconds(1));
    }
    for (auto& input : inputs_) {
      input->Stop();
    }
  }

  // Builds an input from `yaml` and adds its route; call StartServer() after the last one.
  void AddInput(std::string_view yaml, const Clock* clock = nullptr) {
    if (server_ == nullptr) {
      server_ = std::make_unique<net::HttpServer>(server_options_);
    }
    auto input = Build<Input>(ComponentKind::kInput, yaml);
    ASSERT_TRUE(input.ok()) << input.error().ToString();
    InputContext context{.flow = "orders",
                         .intake = &intake_,
                         .server = server_.get(),
                         .clock = clock != nullptr ? clock : &clock_,
                         .metrics = &metrics_};
    Status started = (*input)->Start(context);
    ASSERT_TRUE(started.ok()) << started.ToString();
    inputs_.push_back(std::move(*input));
  }

  void StartServer() {
    Status started = server_->Start();
    ASSERT_TRUE(started.ok()) << started.ToString();
  }

  void StartShopInput() {
    AddInput(kShopConfig);
    StartServer();
  }

  // Through `client`, or the test's own.
  net::HttpResponse Post(std::string_view path, std::string body, net::Headers headers,
                         net::HttpClient* client = nullptr) {
    net::ClientRequest request;
    request.method = "POST";
    request.url = server_->base_url() + std::string(path);
    request.body = std::move(body);
    request.headers = std::move(headers);
    auto response = (client != nullptr ? *client : client_).Send(request);
    EXPECT_TRUE(response.ok()) << response.status().ToString();
    return response.ok() ? *response : net::HttpResponse{};
  }

  // A Shopify order delivery, signed unless `signature` is given.
  net::HttpResponse PostOrder(std::string body, std::string webhook_id = "wh-1",
                              std::string signature = "") {
    if (signature.empty()) {
      signature = ShopifySignature(body);
    }
    return Post("/webhooks/shop/orders", std::move(body),
                {{"Content-Type", "application/json"},
                 {"X-Shopify-Topic", "orders/create"},
                 {"X-Shopify-Hmac-Sha256", signature},
                 {"X-Shopify-Webhook-Id", webhook_id}});
  }

  net::HttpServerOptions server_options_;
  FakeIntake intake_;
  FakeMetrics metrics_;
  FakeClock clock_;
  net::HttpClient client_;
  std::vector<std::unique_ptr<Input>> inputs_;
  std::unique_ptr<net::HttpServer> server_;
};

std::string OrderBody() { return ReadFile(kWebhooks / "payloads/shopify/orders-create.json"); }

TEST_F(WebhookInputTest, SignedDeliveryIsAcceptedAndAnswered202WithTheMessageId) {
  StartShopInput();
  net::HttpResponse response = PostOrder(OrderBody(), "b54557e4");
  ASSERT_EQ(response.status, 202) << response.body;
  auto body = ParseJson(response.body);
  ASSERT_TRUE(body.ok());
  ASSERT_TRUE(body->Get("id").is_string());
  EXPECT_TRUE(MessageId::Parse(body->Get("id").as_string()).ok());

  std::vector<IntakeItem> accepted = intake_.accepted();
  ASSERT_EQ(accepted.size(), 1u);
  EXPECT_EQ(accepted[0].event_id, "b54557e4");
  EXPECT_EQ(accepted[0].source, "webhook POST /webhooks/shop/orders");
  EXPECT_EQ(ToJson(accepted[0].payload.Get("id")), "5849301229845");
  EXPECT_EQ(accepted[0].payload_json, OrderBody());  // stored as it came
  const std::string* topic = FindHeader(accepted[0].headers, "x-shopify-topic");
  ASSERT_NE(topic, nullptr);
  EXPECT_EQ(*topic, "orders/create");
  EXPECT_NE(FindHeader(accepted[0].headers, "X-Shopify-Hmac-Sha256"), nullptr);
}

TEST_F(WebhookInputTest, RepeatedWebhookIdIsStoredOnceAndAnswered200WithTheOriginalId) {
  StartShopInput();
  net::HttpResponse first = PostOrder(OrderBody(), "same-id");
  net::HttpResponse second = PostOrder(OrderBody(), "same-id");
  ASSERT_EQ(first.status, 202);
  ASSERT_EQ(second.status, 200) << second.body;
  EXPECT_EQ(ParseJson(first.body)->Get("id").as_string(),
            ParseJson(second.body)->Get("id").as_string());
  EXPECT_EQ(intake_.accepted().size(), 1u);
  EXPECT_EQ(PostOrder(OrderBody(), "other-id").status, 202);
  EXPECT_EQ(intake_.accepted().size(), 2u);
}

TEST_F(WebhookInputTest, AnswersOnlyAfterTheCommit) {
  StartShopInput();
  intake_.Hold();
  auto pending = std::async(std::launch::async, [&] { return PostOrder(OrderBody()); });
  ASSERT_TRUE(intake_.WaitHeld(1));
  EXPECT_EQ(pending.wait_for(milliseconds(100)), std::future_status::timeout);
  EXPECT_TRUE(intake_.accepted().empty());
  intake_.Release();
  EXPECT_EQ(pending.get().status, 202);
  EXPECT_EQ(intake_.accepted().size(), 1u);
}

TEST_F(WebhookInputTest, BadSignatureIs401ProblemCountedAndNothingStored) {
  StartShopInput();
  std::string body = OrderBody();
  std::string signature = ShopifySignature(body);
  body.replace(body.find("99.96"), 5, "09.96");
  net::HttpResponse response = PostOrder(body, "wh-1", signature);
  EXPECT_EQ(response.status, 401);
  EXPECT_EQ(response.headers.GetOr("Content-Type", ""), "application/problem+json");
  EXPECT_EQ(response.body.find(kShopSecret), std::string::npos);
  EXPECT_EQ(response.body.find(signature), std::string::npos);
  EXPECT_TRUE(intake_.accepted().empty());
  EXPECT_TRUE(intake_.quarantined().empty());
  EXPECT_EQ(metrics_.Get("erphub_rejected_total{reason=signature}"), 1);

  net::HttpResponse unsigned_response =
      Post("/webhooks/shop/orders", OrderBody(), {{"Content-Type", "application/json"}});
  EXPECT_EQ(unsigned_response.status, 401);
  EXPECT_EQ(metrics_.Get("erphub_rejected_total{reason=signature}"), 2);
  EXPECT_TRUE(intake_.accepted().empty());
}

TEST_F(WebhookInputTest, MalformedJsonIs400ProblemNamingThePlaceAndOneQuarantineEntry) {
  StartShopInput();
  std::string body = "{\"id\": 1,\n \"total\": 99.96,,}";
  net::HttpResponse response = PostOrder(body);
  ASSERT_EQ(response.status, 400);
  EXPECT_EQ(response.headers.GetOr("Content-Type", ""), "application/problem+json");
  auto problem = ParseJson(response.body);
  ASSERT_TRUE(problem.ok());
  EXPECT_EQ(ToJson(problem->Get("status")), "400");
  std::string detail(problem->Get("detail").as_string());
  EXPECT_NE(detail.find("line 2, column 17"), std::string::npos) << detail;
  EXPECT_EQ(ToJson(problem->Get("quarantine_id")), "1");

  std::vector<QuarantineItem> quarantined = intake_.quarantined();
  ASSERT_EQ(quarantined.size(), 1u);
  EXPECT_EQ(quarantined[0].raw, body);
  EXPECT_EQ(quarantined[0].reason, detail);
  EXPECT_EQ(quarantined[0].source, "webhook POST /webhooks/shop/orders");
  EXPECT_TRUE(intake_.accepted().empty());
}

TEST_F(WebhookInputTest, AMalformedBodyAwaitingItsQuarantineHoldsUpNoOtherRequest) {
  // One listener thread: were the quarantine's commit waited for there, the second request
  // would wait for it too.
  server_options_.io_threads = 1;
  StartShopInput();
  intake_.Hold();
  auto malformed = std::async(std::launch::async, [&] { return PostOrder("{oops"); });
  ASSERT_TRUE(intake_.WaitHeld(1));

  net::HttpClient other_client;
  auto other = std::async(std::launch::async, [&] {
    return Post("/webhooks/shop/orders", OrderBody(),
                {{"Content-Type", "application/json"}, {"X-Shopify-Hmac-Sha256", "bad"}},
                &other_client);
  });
  ASSERT_EQ(other.wait_for(seconds(10)), std::future_status::ready);
  EXPECT_EQ(other.get().status, 401);
  EXPECT_EQ(malformed.wait_for(milliseconds(0)), std::future_status::timeout);

  intake_.Release();
  net::HttpResponse response = malformed.get();
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(ToJson(ParseJson(response.body)->Get("quarantine_id")), "1");
}

TEST_F(WebhookInputTest, QuarantineFailureAsksTheSenderToRetry) {
  StartShopInput();
  intake_.set_quarantine_error(UnavailableError("disk full"));
  net::HttpResponse response = PostOrder("{oops");
  EXPECT_EQ(response.status, 503);
  EXPECT_TRUE(response.headers.Has("Retry-After"));
}

TEST_F(WebhookInputTest, BodyOverThePerInputLimitIs413) {
  StartShopInput();
  std::string body = "{\"pad\": \"" + std::string(70 << 10, 'x') + "\"}";
  net::HttpResponse response = PostOrder(body);
  EXPECT_EQ(response.status, 413);
  EXPECT_EQ(response.headers.GetOr("Content-Type", ""), "application/problem+json");
  EXPECT_EQ(metrics_.Get("erphub_rejected_total{reason=too_large}"), 1);
  EXPECT_TRUE(intake_.accepted().empty());
  EXPECT_TRUE(intake_.quarantined().empty());
}

TEST_F(WebhookInputTest, OverloadedFlowIs503WithRetryAfter) {
  StartShopInput();
  intake_.set_overloaded(true);
  net::HttpResponse response = PostOrder(OrderBody());
  EXPECT_EQ(response.status, 503);
  EXPECT_EQ(response.headers.GetOr("Retry-After", ""), "2");
  EXPECT_TRUE(intake_.accepted().empty());
  EXPECT_EQ(metrics_.Get("erphub_rejected_total{reason=overloaded}"), 1);

  intake_.set_overloaded(false);
  intake_.set_accept_error(ResourceExhaustedError("backlog full"));
  response = PostOrder(OrderBody());
  EXPECT_EQ(response.status, 503);
  EXPECT_TRUE(response.headers.Has("Retry-After"));
}

TEST_F(WebhookInputTest, KeyExpressionFailureIs422) {
  StartShopInput();
  intake_.set_accept_error(InvalidArgumentError("key expression gave no value"));
  net::HttpResponse response = PostOrder(OrderBody());
  EXPECT_EQ(response.status, 422);
  EXPECT_NE(response.body.find("key expression gave no value"), std::string::npos);
}

TEST_F(WebhookInputTest, StoppedInputRefusesWith503) {
  StartShopInput();
  inputs_[0]->Stop();
  EXPECT_EQ(PostOrder(OrderBody()).status, 503);
  EXPECT_TRUE(intake_.accepted().empty());
}

TEST_F(WebhookInputTest, UnsignedInputTakesItsEventIdFromTheConfiguredHeader) {
  AddInput("webhook: {path: /in, method: PUT, event_id_header: X-Delivery}");
  StartServer();
  net::ClientRequest request;
  request.method = "PUT";
  request.url = server_->base_url() + "/in";
  request.body = R"({"a":1})";
  request.headers.Add("X-Delivery", "d-7");
  auto response = client_.Send(request);
  ASSERT_TRUE(response.ok());
  EXPECT_EQ(response->status, 202);
  ASSERT_EQ(intake_.accepted().size(), 1u);
  EXPECT_EQ(intake_.accepted()[0].event_id, "d-7");
  request.method = "POST";
  EXPECT_EQ(client_.Send(request)->status, 405);
}

TEST_F(WebhookInputTest, UnusableSignatureConfigIsReportedAtItsPlace) {
  auto input = Build<Input>(ComponentKind::kInput, R"(webhook:
  path: /in
  signature: {preset: standard-webhooks, secret: "whsec_not*base64"}
)");
  ASSERT_FALSE(input.ok());
  std::string message(input.error().message());
  EXPECT_NE(message.find("test.yaml:3:14: flows.test.component.signature:"), std::string::npos)
      << message;
  EXPECT_EQ(message.find("not*base64"), std::string::npos) << message;
}

// Every vector of tests/data/webhooks/vectors.json, sent as a real request to its own input:
// valid signatures are accepted (or, for a body that is not JSON, quarantined), invalid ones get
// 401, and the unsigned WooCommerce ping gets 200 with nothing stored.
TEST_F(WebhookInputTest, EverySignatureVectorGivesTheExpectedAnswer) {
  auto vectors = ParseJson(ReadFile(kWebhooks / "vectors.json"));
  ASSERT_TRUE(vectors.ok());
  const Array& list = vectors->Get("vectors").as_array();
  std::vector<std::unique_ptr<FakeClock>> clocks;
  for (size_t i = 0; i < list.size(); ++i) {
    const Value& vector = list[i];
    std::string yaml =
        "webhook:\n  path: /v/" + std::to_string(i) +
        "\n  signature:\n    preset: " + std::string(vector.Get("provider").as_string()) +
        "\n    secret: " + ToJson(vector.Get("secret")) + "\n";
    auto clock = std::make_unique<FakeClock>();
    if (vector.Get("now").is_number()) {
      clock->Set(FromUnixMicros(*vector.Get("now").as_number().ToInt64() * 1'000'000));
    }
    AddInput(yaml, clock.get());
    clocks.push_back(std::move(clock));
  }
  StartServer();

  size_t expected_accepted = 0;
  size_t expected_quarantined = 0;
  for (size_t i = 0; i < list.size(); ++i) {
    const Value& vector = list[i];
    std::string name(vector.Get("name").as_string());
    std::string body;
    if (vector.Get("body_inline").is_string()) {
      body = std::string(vector.Get("body_inline").as_string());
    } else {
      body = ReadFile(kWebhooks / std::string(vector.Get("body_file").as_string()));
    }
    const Value& edit = vector.Get("body_edit");
    if (edit.Get("replace").is_string()) {
      std::string from(edit.Get("replace").as_string());
      body.replace(body.find(from), from.size(), std::string(edit.Get("with").as_string()));
    }
    if (edit.Get("reserialise_json").is_bool()) {
      body = ToJson(*ParseJson(body));
    }
    net::Headers headers;
    for (const auto& [header, value] : vector.Get("headers").as_object()) {
      headers.Add(header, std::string(value.as_string()));
    }
    net::HttpResponse response = Post("/v/" + std::to_string(i), body, headers);
    const Value& expect = vector.Get("expect_valid");
    if (expect.is_null()) {
      EXPECT_EQ(response.status, 200) << name;
    } else if (!expect.as_bool()) {
      EXPECT_EQ(response.status, 401) << name << ": " << response.body;
    } else if (ParseJson(body).ok()) {
      EXPECT_EQ(response.status, 202) << name << ": " << response.body;
      ++expected_accepted;
    } else {
      EXPECT_EQ(response.status, 400) << name << ": " << response.body;
      ++expected_quarantined;
    }
  }
  EXPECT_EQ(intake_.accepted().size(), expected_accepted);
  EXPECT_EQ(intake_.quarantined().size(), expected_quarantined);
  EXPECT_GE(expected_accepted, 9u);
  for (const IntakeItem& item : intake_.accepted()) {
    EXPECT_FALSE(item.event_id.empty()) << item.source;
  }
}

}  // namespace
}  // namespace erphub::components
