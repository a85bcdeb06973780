#include <gtest/gtest.h>
#include <sys/resource.h>

#include <string>

#include "core/json.h"
#include "edifact_test_support.h"
#include "formats/edifact/document_builder.h"
#include "formats/edifact/edifact.h"
#include "formats/edifact/stream_parser.h"

namespace erphub::formats::edifact {
namespace {

class Counter final : public MessageHandler {
 public:
  Status OnInterchangeStart(const InterchangeStart&) override {
    ++interchanges;
    return Status();
  }
  Status OnGroupStart(const Value&) override { return Status(); }
  Status OnMessage(Value message) override {
    ++messages;
    segments += message.Get("segments").size();
    return Status();
  }
  Status OnGroupEnd(const Value&) override { return Status(); }
  Status OnInterchangeEnd(const Value& unz) override {
    closed = !unz.is_undefined();
    return Status();
  }

  size_t interchanges = 0;
  size_t messages = 0;
  size_t segments = 0;
  bool closed = false;
};

long PeakRssKb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

std::string Message(size_t n) {
  std::string ref = std::to_string(n);
  return "UNH+" + ref + "+ORDERS:D:96A:UN:EAN008'BGM+220+PO-" + ref +
         "+9'DTM+137:20240315:102'NAD+BY+5412345000013::9'NAD+SU+4012345000009::9'"
         "LIN+1++4000862141404:EN'QTY+21:48'PRI+AAA:12.50'LIN+2++4000862141411:EN'QTY+21:12'"
         "UNS+S'CNT+2:2'UNT+13+" +
         ref + "'\n";
}

// A large interchange generated piece by piece and fed in chunks: one callback per message, and
// memory does not grow with the input.
TEST(EdifactStreamTest, LargeInterchangeOneCallbackPerMessage) {
  constexpr size_t kMessages = 20000;  // about 5 MB; bench figures come from release builds
  Counter counter;
  StreamParser parser(FaultPolicy::kStrict, counter);
  [[maybe_unused]] const long rss_before = PeakRssKb();
  ASSERT_TRUE(parser.Feed("UNA:+.? 'UNB+UNOC:3+S:14+R:14+240315:1030+BIG1'\n").ok());
  std::string chunk;
  size_t bytes = 0;
  for (size_t i = 1; i <= kMessages; ++i) {
    chunk += Message(i);
    if (chunk.size() > 65536 || i == kMessages) {
      // Feed in uneven pieces so segments straddle chunk boundaries.
      size_t half = chunk.size() / 3;
      ASSERT_TRUE(parser.Feed(std::string_view(chunk).substr(0, half)).ok());
      ASSERT_TRUE(parser.Feed(std::string_view(chunk).substr(half)).ok());
      bytes += chunk.size();
      chunk.clear();
    }
  }
  ASSERT_TRUE(parser.Feed("UNZ+" + std::to_string(kMessages) + "+BIG1'").ok());
  Status finished = parser.Finish();
  ASSERT_TRUE(finished.ok()) << finished.ToString();
  EXPECT_EQ(counter.interchanges, 1u);
  EXPECT_EQ(counter.messages, kMessages);
  EXPECT_EQ(counter.segments, kMessages * 8);  // BGM DTM SG2 SG2 SG25 SG25 UNS CNT
  EXPECT_TRUE(counter.closed);
  EXPECT_GT(bytes, 4u << 20);
#ifndef __SANITIZE_ADDRESS__  // AddressSanitizer keeps freed memory in quarantine
  EXPECT_LT(PeakRssKb() - rss_before, 8L * 1024) << "memory grew with the input";
#endif
}

// Feeding a file one byte at a time gives the same document as feeding it whole.
TEST(EdifactStreamTest, ChunkBoundariesDoNotMatter) {
  for (const auto& path : testing::EdiFiles(testing::RepoCorpusDir())) {
    std::string bytes = testing::ReadBytes(path);
    auto whole = Parse(bytes, ParseOptions{.lenient = true});
    DocumentBuilder builder;
    StreamParser parser(FaultPolicy::kLenient, builder);
    Status status;
    for (size_t i = 0; i < bytes.size() && status.ok(); ++i) {
      status = parser.Feed(std::string_view(bytes).substr(i, 1));
    }
    if (status.ok()) {
      status = parser.Finish();
    }
    ASSERT_EQ(whole.ok(), status.ok()) << path.filename();
    if (status.ok()) {
      Value streamed = builder.Take(parser.findings());
      EXPECT_TRUE(DeepEqual(*whole, streamed)) << path.filename() << "\n"
                                               << ToJson(*whole) << "\n"
                                               << ToJson(streamed);
    }
  }
}

TEST(EdifactStreamTest, HandlerErrorsStopTheParse) {
  class Refuser final : public MessageHandler {
   public:
    Status OnInterchangeStart(const InterchangeStart&) override { return Status(); }
    Status OnGroupStart(const Value&) override { return Status(); }
    Status OnMessage(Value) override { return UnavailableError("store down"); }
    Status OnGroupEnd(const Value&) override { return Status(); }
    Status OnInterchangeEnd(const Value&) override { return Status(); }
  } refuser;
  StreamParser parser(FaultPolicy::kStrict, refuser);
  Status status = parser.Feed("UNB+UNOA:3+S+R+240101:1200+9'UNH+1+X:1:1:UN'UNT+2+1'");
  EXPECT_EQ(status.code(), StatusCode::kUnavailable);
  EXPECT_EQ(parser.Feed("UNZ+1+9'").code(), StatusCode::kUnavailable);
}

}  // namespace
}  // namespace erphub::formats::edifact
