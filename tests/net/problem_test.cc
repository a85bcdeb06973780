#include "net/problem.h"

#include <gtest/gtest.h>

namespace erphub::net {
namespace {

TEST(ProblemTest, WritesStandardMembersInOrder) {
  Problem problem;
  problem.status = 400;
  problem.type = "https://erphub.dev/problems/malformed-json";
  problem.title = "Malformed JSON";
  problem.detail = "line 1, column 7: expected \"}\"";
  problem.instance = "/quarantine/01J";
  EXPECT_EQ(ProblemJson(problem),
            "{\"type\":\"https://erphub.dev/problems/malformed-json\",\"title\":\"Malformed "
            "JSON\",\"status\":400,\"detail\":\"line 1, column 7: expected \\\"}\\\"\","
            "\"instance\":\"/quarantine/01J\"}");
}

TEST(ProblemTest, DefaultsTitleToReasonPhraseAndLeavesOutEmptyMembers) {
  Problem problem;
  problem.status = 413;
  EXPECT_EQ(ProblemJson(problem), "{\"title\":\"Content Too Large\",\"status\":413}");
}

TEST(ProblemTest, WritesExtensions) {
  Problem problem;
  problem.status = 422;
  problem.extensions.Append("errors", Value::MakeArray({Value::Str("/lines/0/sku")}));
  problem.extensions.Append("retryable", Value::Bool(false));
  EXPECT_EQ(ProblemJson(problem),
            "{\"title\":\"Unprocessable Content\",\"status\":422,\"errors\":[\"/lines/0/sku\"],"
            "\"retryable\":false}");
}

TEST(ProblemTest, ResponseCarriesStatusAndContentType) {
  HttpResponse response = ProblemResponse(404, "no route for /x");
  EXPECT_EQ(response.status, 404);
  EXPECT_EQ(response.headers.GetOr("content-type", ""), "application/problem+json");
  EXPECT_EQ(response.body,
            "{\"title\":\"Not Found\",\"status\":404,\"detail\":\"no route for /x\"}");
}

TEST(ProblemTest, RetryLaterIs503WithRetryAfter) {
  HttpResponse response = RetryLaterResponse("the store is full", std::chrono::seconds(7));
  EXPECT_EQ(response.status, 503);
  EXPECT_EQ(response.headers.GetOr("Retry-After", ""), "7");
  EXPECT_EQ(response.headers.GetOr("Content-Type", ""), "application/problem+json");
  EXPECT_NE(response.body.find("\"detail\":\"the store is full\""), std::string::npos)
      << response.body;
}

TEST(ReasonPhraseTest, KnownAndUnknown) {
  EXPECT_EQ(ReasonPhrase(202), "Accepted");
  EXPECT_EQ(ReasonPhrase(429), "Too Many Requests");
  EXPECT_EQ(ReasonPhrase(299), "");
}

}  // namespace
}  // namespace erphub::net
