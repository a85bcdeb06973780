#include "components/outputs/http_output.h"

#include <gtest/gtest.h>

#include <string>

#include "../net/test_receiver.h"
#include "component_harness.h"
#include "core/json.h"

namespace erphub::components {
namespace {

using net::testing::ScriptedReply;
using net::testing::TestReceiver;
using std::chrono::milliseconds;
using std::chrono::seconds;
using testing::Build;
using testing::TestMessage;

class HttpOutputTest : public ::testing::Test {
 protected:
  std::unique_ptr<Output> Make(const std::string& fields) {
    auto output = Build<Output>(ComponentKind::kOutput, "http: {" + fields + "}",
                                ComponentEnv{.base_dir = "", .clock = &clock_});
    EXPECT_TRUE(output.ok()) << output.error().ToString();
    return output.ok() ? std::move(*output) : nullptr;
  }

  std::string Url(std::string_view path) { return "url: \"" + receiver_.url(path) + "\""; }

  Result<Delivered, Failure> Deliver(Output& output, std::string_view payload_json,
                                     std::string key = "orders-key-1") {
    Value payload = *ParseJson(payload_json);
    Message message = TestMessage(payload);
    return output.Deliver(Delivery{
        .message = &message, .payload = &payload, .idempotency_key = std::move(key), .attempt = 1});
  }

  FakeClock clock_;
  TestReceiver receiver_;
};

TEST_F(HttpOutputTest, PostsThePayloadWithIdempotencyKeyAndTemplatedUrlAndHeaders) {
  receiver_.Enqueue(ScriptedReply::Status(201, R"({"erp_id": 77})"));
  auto output = Make(Url("/sales-orders/{{ order_number }}") +
                     ", method: PUT, headers: {X-Shop: \"{{ shop }}\", X-Flow: "
                     "\"{{ $message.flow }}\", X-Fixed: yes}");
  ASSERT_NE(output, nullptr);
  auto delivered =
      Deliver(*output, R"({"order_number": "A/17 B", "shop": "erphub-demo", "total": "99.96"})",
              "idem-123");
  ASSERT_TRUE(delivered.ok()) << delivered.error().error;
  EXPECT_EQ(delivered->http_status, 201);
  EXPECT_EQ(delivered->detail, R"({"erp_id": 77})");

  ASSERT_EQ(receiver_.request_count(), 1u);
  net::HttpRequest seen = receiver_.requests()[0].request;
  EXPECT_EQ(seen.method, "PUT");
  EXPECT_EQ(seen.path, "/sales-orders/A%2F17%20B");
  EXPECT_EQ(seen.headers.GetOr("Idempotency-Key", ""), "idem-123");
  EXPECT_EQ(seen.headers.GetOr("Content-Type", ""), "application/json");
  EXPECT_EQ(seen.headers.GetOr("X-Shop", ""), "erphub-demo");
  EXPECT_EQ(seen.headers.GetOr("X-Flow", ""), "orders");
  EXPECT_EQ(seen.headers.GetOr("X-Fixed", ""), "yes");
  EXPECT_FALSE(seen.headers.Has("Authorization"));
  EXPECT_EQ(seen.body, R"({"order_number":"A/17 B","shop":"erphub-demo","total":"99.96"})");
}

TEST_F(HttpOutputTest, UnavailableWithRetryAfterIsTransient) {
  receiver_.Enqueue(ScriptedReply::Unavailable(7));
  auto output = Make(Url("/orders"));
  ASSERT_NE(output, nullptr);
  auto result = Deliver(*output, R"({"n": 1})");
  ASSERT_FALSE(result.ok());
  EXPECT_TRUE(result.error().transient);
  EXPECT_EQ(result.error().http_status, 503);
  ASSERT_TRUE(result.error().retry_after.has_value());
  EXPECT_EQ(*result.error().retry_after, milliseconds(7000));
}

TEST_F(HttpOutputTest, ClassifiesAnswers) {
  auto output = Make(Url("/orders"));
  ASSERT_NE(output, nullptr);
  struct Case {
    int status;
    bool transient;
  };
  for (Case c : {Case{408, true}, Case{429, true}, Case{500, true}, Case{502, true},
                 Case{400, false}, Case{404, false}, Case{409, false}, Case{301, false}}) {
    receiver_.Enqueue(ScriptedReply::Status(c.status, "{\"why\": 1}"));
    auto result = Deliver(*output, R"({"n": 1})");
    ASSERT_FALSE(result.ok()) << c.status;
    EXPECT_EQ(result.error().transient, c.transient) << c.status;
    EXPECT_EQ(result.error().http_status, c.status);
    EXPECT_FALSE(result.error().retry_after.has_value());
  }
  receiver_.Enqueue(ScriptedReply::Status(204));
  EXPECT_TRUE(Deliver(*output, R"({"n": 1})").ok());
}

TEST_F(HttpOutputTest, UnprocessableIsPermanentWithTheTargetsBody) {
  receiver_.Enqueue(ScriptedReply::Unprocessable(R"({"error": "unknown sku MUG-X"})"));
  auto output = Make(Url("/orders?token=secret-in-query"));
  ASSERT_NE(output, nullptr);
  auto result = Deliver(*output, R"({"n": 1})");
  ASSERT_FALSE(result.ok());
  EXPECT_FALSE(result.error().transient);
  EXPECT_EQ(result.error().http_status, 422);
  EXPECT_EQ(result.error().response_body, R"({"error": "unknown sku MUG-X"})");
  EXPECT_NE(result.error().error.find("answered 422"), std::string::npos);
  EXPECT_EQ(result.error().error.find("secret-in-query"), std::string::npos)
      << result.error().error;
}

TEST_F(HttpOutputTest, NetworkFailuresAndTimeoutsAreTransient) {
  auto output = Make(Url("/orders") + ", timeout: 200ms");
  ASSERT_NE(output, nullptr);
  receiver_.Enqueue(ScriptedReply::Reset());
  auto reset = Deliver(*output, R"({"n": 1})");
  ASSERT_FALSE(reset.ok());
  EXPECT_TRUE(reset.error().transient) << reset.error().error;

  receiver_.Enqueue(ScriptedReply::Slow(seconds(3)));
  auto started = std::chrono::steady_clock::now();
  auto slow = Deliver(*output, R"({"n": 1})");
  ASSERT_FALSE(slow.ok());
  EXPECT_TRUE(slow.error().transient) << slow.error().error;
  EXPECT_LT(std::chrono::steady_clock::now() - started, seconds(2));

  auto closed = Build<Output>(ComponentKind::kOutput, "http: {url: \"http://127.0.0.1:1/x\"}");
  ASSERT_TRUE(closed.ok());
  auto refused = Deliver(**closed, R"({"n": 1})");
  ASSERT_FALSE(refused.ok());
  EXPECT_TRUE(refused.error().transient) << refused.error().error;
}

TEST_F(HttpOutputTest, TemplateWithoutAValueFailsPermanentlyWithoutSending) {
  auto output = Make(Url("/orders/{{ order_number }}"));
  ASSERT_NE(output, nullptr);
  auto result = Deliver(*output, R"({"id": 1})");
  ASSERT_FALSE(result.ok());
  EXPECT_FALSE(result.error().transient);
  EXPECT_EQ(result.error().error, "url: {{ order_number }} produced no value");
  EXPECT_EQ(receiver_.request_count(), 0u);
}

TEST_F(HttpOutputTest, TemplatedMethod) {
  auto output = Make(Url("/orders") + ", method: \"{{ erp_id ? 'PUT' : 'POST' }}\"");
  ASSERT_NE(output, nullptr);
  ASSERT_TRUE(Deliver(*output, R"({"erp_id": 5})").ok());
  ASSERT_TRUE(Deliver(*output, R"({"n": 1})").ok());
  ASSERT_EQ(receiver_.request_count(), 2u);
  EXPECT_EQ(receiver_.requests()[0].request.method, "PUT");
  EXPECT_EQ(receiver_.requests()[1].request.method, "POST");
}

TEST_F(HttpOutputTest, BadTemplateIsAConfigErrorAtItsPlace) {
  auto output = Build<Output>(ComponentKind::kOutput,
                              "http:\n  url: \"http://erp/orders/{{ order_number \"\n");
  ASSERT_FALSE(output.ok());
  std::string message(output.error().message());
  EXPECT_EQ(message.rfind("test.yaml:2:8: flows.test.component.url: ", 0), 0u) << message;
  EXPECT_NE(message.find("no closing }}"), std::string::npos) << message;

  auto bad_expression =
      Build<Output>(ComponentKind::kOutput, "http: {url: \"http://erp/{{ a.( }}\"}");
  ASSERT_FALSE(bad_expression.ok());
  EXPECT_NE(bad_expression.error().message().find("{{ a.( }}: S0"), std::string::npos)
      << bad_expression.error().ToString();
}

TEST_F(HttpOutputTest, BearerAndBasicAuth) {
  auto bearer = Make(Url("/a") + ", auth: {type: bearer, token: t0ken}");
  auto basic = Make(Url("/b") + ", auth: {type: basic, username: erp, password: \"p:ss\"}");
  ASSERT_NE(bearer, nullptr);
  ASSERT_NE(basic, nullptr);
  ASSERT_TRUE(Deliver(*bearer, "{}").ok());
  ASSERT_TRUE(Deliver(*basic, "{}").ok());
  ASSERT_EQ(receiver_.request_count(), 2u);
  EXPECT_EQ(receiver_.requests()[0].request.headers.GetOr("Authorization", ""), "Bearer t0ken");
  EXPECT_EQ(receiver_.requests()[1].request.headers.GetOr("Authorization", ""),
            "Basic ZXJwOnA6c3M=");
}

ScriptedReply TokenReply(std::string token, int expires_in) {
  return ScriptedReply::Ok(R"({"access_token": ")" + token +
                           R"(", "token_type": "Bearer", "expires_in": )" +
                           std::to_string(expires_in) + "}");
}

std::string OAuthFields(const TestReceiver& receiver) {
  return "auth: {type: oauth2, token_url: \"" + receiver.url("/token") +
         "\", client_id: hub, client_secret: \"s3cret&x\", scope: \"orders write\"}";
}

TEST_F(HttpOutputTest, OAuth2TokenIsFetchedOnceAndCachedUntilItExpires) {
  auto output = Make(Url("/orders") + ", " + OAuthFields(receiver_));
  ASSERT_NE(output, nullptr);
  receiver_.Enqueue(TokenReply("tok-1", 3600));
  for (int i = 0; i < 3; ++i) {
    auto result = Deliver(*output, R"({"n": 1})");
    ASSERT_TRUE(result.ok()) << result.error().error;
  }
  std::vector<net::testing::RecordedRequest> seen = receiver_.requests();
  ASSERT_EQ(seen.size(), 4u);
  const net::HttpRequest& token_request = seen[0].request;
  EXPECT_EQ(token_request.path, "/token");
  EXPECT_EQ(token_request.method, "POST");
  EXPECT_EQ(token_request.body, "grant_type=client_credentials&scope=orders+write");
  EXPECT_EQ(token_request.headers.GetOr("Content-Type", ""), "application/x-www-form-urlencoded");
  // base64("hub:s3cret%26x"): the credentials are form-encoded first (RFC 6749 2.3.1).
  EXPECT_EQ(token_request.headers.GetOr("Authorization", ""), "Basic aHViOnMzY3JldCUyNng=");
  for (int i = 1; i < 4; ++i) {
    EXPECT_EQ(seen[i].request.path, "/orders");
    EXPECT_EQ(seen[i].request.headers.GetOr("Authorization", ""), "Bearer tok-1");
  }

  // Shortly before expiry the token is replaced.
  clock_.Advance(seconds(3590));
  receiver_.Enqueue(TokenReply("tok-2", 3600));
  ASSERT_TRUE(Deliver(*output, R"({"n": 2})").ok());
  seen = receiver_.requests();
  ASSERT_EQ(seen.size(), 6u);
  EXPECT_EQ(seen[4].request.path, "/token");
  EXPECT_EQ(seen[5].request.headers.GetOr("Authorization", ""), "Bearer tok-2");
}

TEST_F(HttpOutputTest, OAuth2TokenIsRefreshedOnceOn401) {
  auto output = Make(Url("/orders") + ", " + OAuthFields(receiver_));
  ASSERT_NE(output, nullptr);
  receiver_.Enqueue(TokenReply("revoked", 3600));
  receiver_.Enqueue(ScriptedReply::Status(401, R"({"error": "invalid_token"})"));
  receiver_.Enqueue(TokenReply("fresh", 3600));
  receiver_.Enqueue(ScriptedReply::Ok());
  auto result = Deliver(*output, R"({"n": 1})");
  ASSERT_TRUE(result.ok()) << result.error().error;
  std::vector<net::testing::RecordedRequest> seen = receiver_.requests();
  ASSERT_EQ(seen.size(), 4u);
  EXPECT_EQ(seen[1].request.headers.GetOr("Authorization", ""), "Bearer revoked");
  EXPECT_EQ(seen[3].request.headers.GetOr("Authorization", ""), "Bearer fresh");
  EXPECT_EQ(seen[1].request.headers.GetOr("Idempotency-Key", ""),
            seen[3].request.headers.GetOr("Idempotency-Key", ""));

  // A second 401 with a fresh token is the target's final word.
  receiver_.Enqueue(ScriptedReply::Status(401, "{}"));
  receiver_.Enqueue(TokenReply("fresh-2", 3600));
  receiver_.Enqueue(ScriptedReply::Status(401, R"({"error": "forbidden"})"));
  auto refused = Deliver(*output, R"({"n": 2})");
  ASSERT_FALSE(refused.ok());
  EXPECT_FALSE(refused.error().transient);
  EXPECT_EQ(refused.error().http_status, 401);
  EXPECT_EQ(receiver_.request_count(), 7u);
}

TEST_F(HttpOutputTest, TokenEndpointFailures) {
  auto output = Make(Url("/orders") + ", " + OAuthFields(receiver_));
  ASSERT_NE(output, nullptr);
  receiver_.Enqueue(ScriptedReply::Unavailable(1));
  auto unavailable = Deliver(*output, "{}");
  ASSERT_FALSE(unavailable.ok());
  EXPECT_TRUE(unavailable.error().transient) << unavailable.error().error;

  receiver_.Enqueue(ScriptedReply::Status(
      401, R"({"error": "invalid_client", "error_description": "unknown client"})"));
  auto refused = Deliver(*output, "{}");
  ASSERT_FALSE(refused.ok());
  EXPECT_FALSE(refused.error().transient);
  EXPECT_NE(refused.error().error.find("invalid_client (unknown client)"), std::string::npos)
      << refused.error().error;
  EXPECT_EQ(refused.error().error.find("s3cret"), std::string::npos);
  // No delivery was attempted without a token.
  for (const auto& request : receiver_.requests()) {
    EXPECT_EQ(request.request.path, "/token");
  }
}

}  // namespace
}  // namespace erphub::components
