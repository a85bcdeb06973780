#include "components/outputs/file_output.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <sstream>
#include <string>
#include <thread>

#include "component_harness.h"
#include "core/json.h"

namespace erphub::components {
namespace {

namespace fs = std::filesystem;
using testing::Build;
using testing::ReadFile;
using testing::TempDir;
using testing::TestMessage;

class FileOutputTest : public ::testing::Test {
 protected:
  std::unique_ptr<Output> Make(const std::string& fields) {
    auto output = Build<Output>(ComponentKind::kOutput, "file: {" + fields + "}",
                                ComponentEnv{.base_dir = dir_.path().string(), .clock = nullptr});
    EXPECT_TRUE(output.ok()) << output.error().ToString();
    return output.ok() ? std::move(*output) : nullptr;
  }

  Result<Delivered, Failure> Deliver(Output& output, const Value& payload) {
    Message message = TestMessage(payload);
    return output.Deliver(
        Delivery{.message = &message, .payload = &payload, .idempotency_key = "key", .attempt = 1});
  }

  TempDir dir_;
};

TEST_F(FileOutputTest, NdjsonAppendsOneLinePerMessageFromConcurrentWorkers) {
  auto output = Make("path: out/orders.ndjson");
  ASSERT_NE(output, nullptr);
  std::vector<std::thread> workers;
  for (int t = 0; t < 4; ++t) {
    workers.emplace_back([&, t] {
      for (int i = 0; i < 25; ++i) {
        Value payload =
            *ParseJson("{\"worker\": " + std::to_string(t) + ", \"i\": " + std::to_string(i) +
                       ", \"pad\": \"" + std::string(3000, 'x') + "\"}");
        auto result = Deliver(*output, payload);
        EXPECT_TRUE(result.ok()) << result.error().error;
      }
    });
  }
  for (std::thread& worker : workers) {
    worker.join();
  }
  std::istringstream lines(ReadFile(dir_.path() / "out/orders.ndjson"));
  std::string line;
  int count = 0;
  while (std::getline(lines, line)) {
    ++count;
    EXPECT_TRUE(ParseJson(line).ok()) << line.substr(0, 80);
  }
  EXPECT_EQ(count, 100);
}

TEST_F(FileOutputTest, PerMessageWritesNamedFilesAtomically) {
  auto output = Make("path: out, mode: per-message, name: \"{{ order_number }}.json\"");
  ASSERT_NE(output, nullptr);
  Value first = *ParseJson(R"({"order_number": "1042", "v": 1})");
  ASSERT_TRUE(Deliver(*output, first).ok());
  EXPECT_EQ(ReadFile(dir_.path() / "out/1042.json"), "{\"order_number\":\"1042\",\"v\":1}\n");
  // A retried delivery replaces its own file.
  Value again = *ParseJson(R"({"order_number": "1042", "v": 2})");
  ASSERT_TRUE(Deliver(*output, again).ok());
  EXPECT_EQ(ReadFile(dir_.path() / "out/1042.json"), "{\"order_number\":\"1042\",\"v\":2}\n");
  int files = 0;
  for (const auto& entry : fs::directory_iterator(dir_.path() / "out")) {
    (void)entry;
    ++files;
  }
  EXPECT_EQ(files, 1);  // no temporary files left behind
}

TEST_F(FileOutputTest, PerMessageDefaultNameIsTheMessageId) {
  auto output = Make("path: out, mode: per-message");
  ASSERT_NE(output, nullptr);
  Value payload = *ParseJson(R"({"a": 1})");
  Message message = TestMessage(payload);
  ASSERT_TRUE(
      output
          ->Deliver(Delivery{
              .message = &message, .payload = &payload, .idempotency_key = "k", .attempt = 1})
          .ok());
  EXPECT_TRUE(fs::exists(dir_.path() / "out" / (message.id.ToString() + ".json")));
}

TEST_F(FileOutputTest, NameThatLeavesTheFolderFailsPermanently) {
  auto output = Make("path: out, mode: per-message, name: \"{{ name }}\"");
  ASSERT_NE(output, nullptr);
  for (std::string_view name : {"../escape.json", "..", "a/b.json"}) {
    Value payload = Value::MakeObject();
    payload.Set("name", Value::Str(name));
    auto result = Deliver(*output, payload);
    ASSERT_FALSE(result.ok()) << name;
    EXPECT_FALSE(result.error().transient);
  }
  EXPECT_FALSE(fs::exists(dir_.path() / "escape.json"));
  auto missing = Deliver(*output, *ParseJson("{}"));
  ASSERT_FALSE(missing.ok());
  EXPECT_FALSE(missing.error().transient);
}

TEST_F(FileOutputTest, UnwritableTargetFails) {
  fs::create_directories(dir_.path() / "blocked");
  testing::WriteFile(dir_.path() / "blocked/file-not-folder", "a file where a folder should be");
  auto output = Make("path: blocked/file-not-folder/x.ndjson");
  ASSERT_NE(output, nullptr);
  auto result = Deliver(*output, *ParseJson("{}"));
  ASSERT_FALSE(result.ok());
  EXPECT_FALSE(result.error().transient) << result.error().error;
}

TEST_F(FileOutputTest, CsvAppendWritesTheHeaderOnceAndFollowsIt) {
  auto output = Make("path: out/orders.csv, mode: append, format: csv");
  ASSERT_NE(output, nullptr);
  ASSERT_TRUE(Deliver(*output, *ParseJson(R"({"sku": "A", "qty": 1})")).ok());
  // Keys in another order, an array of rows, a missing field: all follow the file's header.
  ASSERT_TRUE(Deliver(*output, *ParseJson(R"([{"qty": 2, "sku": "B,1"}, {"sku": "C"}])")).ok());
  EXPECT_EQ(ReadFile(dir_.path() / "out/orders.csv"), "sku,qty\nA,1\n\"B,1\",2\nC,\n");
  auto extra = Deliver(*output, *ParseJson(R"({"sku": "D", "colour": "red"})"));
  ASSERT_FALSE(extra.ok());
  EXPECT_TRUE(extra.error().quarantine);
  EXPECT_NE(extra.error().error.find("'colour' is not a column"), std::string::npos)
      << extra.error().error;
}

TEST_F(FileOutputTest, CsvAppendFromConcurrentWorkersHasOneHeader) {
  auto output = Make("path: out/rows.csv, mode: append, format: csv");
  ASSERT_NE(output, nullptr);
  std::vector<std::thread> workers;
  for (int t = 0; t < 4; ++t) {
    workers.emplace_back([&, t] {
      for (int i = 0; i < 20; ++i) {
        Value row =
            *ParseJson("{\"t\": " + std::to_string(t) + ", \"i\": " + std::to_string(i) + "}");
        EXPECT_TRUE(Deliver(*output, row).ok());
      }
    });
  }
  for (std::thread& worker : workers) {
    worker.join();
  }
  std::string text = ReadFile(dir_.path() / "out/rows.csv");
  EXPECT_EQ(text.rfind("t,i\n", 0), 0u);
  EXPECT_EQ(text.find("t,i\n", 1), std::string::npos);
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 81);
}

TEST_F(FileOutputTest, XmlPerMessageGetsTheXmlExtension) {
  auto output = Make("path: out, mode: per-message, format: xml, indent: 0");
  ASSERT_NE(output, nullptr);
  Value payload = *ParseJson(R"({"Order": {"@id": "7", "Sku": "A"}})");
  Message message = TestMessage(payload);
  ASSERT_TRUE(
      output
          ->Deliver(Delivery{
              .message = &message, .payload = &payload, .idempotency_key = "k", .attempt = 1})
          .ok());
  std::string xml = ReadFile(dir_.path() / "out" / (message.id.ToString() + ".xml"));
  EXPECT_NE(xml.find("<Order id=\"7\"><Sku>A</Sku></Order>"), std::string::npos) << xml;
}

TEST_F(FileOutputTest, RenderedDocumentIsWrittenVerbatim) {
  auto output = Make("path: out, mode: per-message, name: doc.txt");
  ASSERT_NE(output, nullptr);
  ASSERT_TRUE(Deliver(*output, *ParseJson(R"({"content": "a;b\n1;2\n", "format": "csv"})")).ok());
  EXPECT_EQ(ReadFile(dir_.path() / "out/doc.txt"), "a;b\n1;2\n");
}

TEST_F(FileOutputTest, XmlCannotBeAppendedAndEdiNeedsAKnownPartner) {
  auto xml = Build<Output>(ComponentKind::kOutput, "file: {path: a.xml, format: xml}");
  ASSERT_FALSE(xml.ok());
  EXPECT_NE(xml.error().message().find("cannot be appended"), std::string::npos);
  auto no_partner =
      Build<Output>(ComponentKind::kOutput, "file: {path: out, mode: per-message, format: x12}");
  ASSERT_FALSE(no_partner.ok());
  EXPECT_NE(no_partner.error().message().find("partner: is required"), std::string::npos)
      << no_partner.error().ToString();
}

// With the X12 codec built, a transaction set is written in an interchange to the partner, with
// control numbers from the store's state; a retry reuses them, the next message gets new ones.
TEST_F(FileOutputTest, X12SetsGetControlNumbersPerPartnerThatNeverRepeat) {
  Value partners = *ParseJson(R"({"acme": {"sender_id": "ERPHUB", "sender_qualifier": "ZZ",
      "receiver_id": "ACME", "receiver_qualifier": "01", "version": "00401",
      "group_version": "004010", "ack": "none", "ack_requested": false, "test": true}})");
  auto built = Build<Output>(
      ComponentKind::kOutput,
      "file: {path: out, mode: per-message, format: x12, partner: acme, name: \"{{ n }}.x12\"}",
      ComponentEnv{.base_dir = dir_.path().string(), .clock = nullptr, .partners = &partners});
  ASSERT_TRUE(built.ok()) << built.error().ToString();
  testing::FakeStateStore state;
  auto send = [&](int n, const std::string& key) {
    Value set =
        *ParseJson(R"({"n": )" + std::to_string(n) +
                   R"(, "ST": ["ST", "850", "auto"], "segments": [["BEG", "00", "SA", "PO-)" +
                   std::to_string(n) + R"(", "", "20240315"]]})");
    Message message = TestMessage(set);
    return (*built)->Deliver(Delivery{.message = &message,
                                      .payload = &set,
                                      .idempotency_key = key,
                                      .attempt = 1,
                                      .state = &state});
  };
  auto first = send(1, "k1");
  if (!first.ok() && first.error().error.find("not built") != std::string::npos) {
    GTEST_SKIP() << "the X12 codec is not in this build";
  }
  ASSERT_TRUE(first.ok()) << first.error().error;
  ASSERT_TRUE(send(1, "k1").ok());  // a retry of the same delivery
  ASSERT_TRUE(send(2, "k2").ok());
  std::string one = ReadFile(dir_.path() / "out/1.x12");
  std::string two = ReadFile(dir_.path() / "out/2.x12");
  EXPECT_NE(one.find("*ZZ*ERPHUB         *01*ACME           *"), std::string::npos) << one;
  EXPECT_NE(one.find("*000000001*0*T*>~"), std::string::npos) << one;
  EXPECT_NE(one.find("GS*PO*ERPHUB*ACME*"), std::string::npos) << one;
  EXPECT_NE(one.find("ST*850*0001~"), std::string::npos) << one;
  EXPECT_NE(two.find("*000000002*0*T*>~"), std::string::npos) << two;
  EXPECT_NE(two.find("ST*850*0002~"), std::string::npos) << two;
  EXPECT_EQ(state.values()["edi/control/acme/isa"], "2");
}

TEST_F(FileOutputTest, EdifactMessagesAreAppendedAsInterchangesWithFreshReferences) {
  Value partners = *ParseJson(R"({"acme": {"sender_id": "5412345000013",
      "sender_qualifier": "14", "receiver_id": "4012345000009", "receiver_qualifier": "14",
      "syntax": "UNOC:3", "ack": "none", "ack_requested": false, "test": false}})");
  auto built = Build<Output>(
      ComponentKind::kOutput, "file: {path: out/orders.edi, format: edifact, partner: acme}",
      ComponentEnv{.base_dir = dir_.path().string(), .clock = nullptr, .partners = &partners});
  ASSERT_TRUE(built.ok()) << built.error().ToString();
  testing::FakeStateStore state;
  Value message = *ParseJson(R"({"type": "ORDERS", "header": {"tag": "UNH", "elements":
      ["1", ["ORDERS", "D", "96A", "UN"]]}, "segments": [{"tag": "BGM", "elements":
      ["220", "PO-1", "9"]}]})");
  for (const char* key : {"k1", "k2"}) {
    Message m = TestMessage(message);
    auto result = (*built)->Deliver(Delivery{
        .message = &m, .payload = &message, .idempotency_key = key, .attempt = 1, .state = &state});
    ASSERT_TRUE(result.ok()) << result.error().error;
  }
  std::string edi = ReadFile(dir_.path() / "out/orders.edi");
  EXPECT_NE(edi.find("UNB+UNOC:3+5412345000013:14+4012345000009:14+"), std::string::npos) << edi;
  EXPECT_NE(edi.find("+1'"), std::string::npos) << edi;
  EXPECT_NE(edi.find("UNZ+1+2'"), std::string::npos) << edi;
  EXPECT_NE(edi.find("UNH+2+ORDERS:D:96A:UN'"), std::string::npos) << edi;
  EXPECT_EQ(state.values()["edi/control/acme/unb"], "2");
}

}  // namespace
}  // namespace erphub::components
