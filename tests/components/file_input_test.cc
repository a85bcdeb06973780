#include "components/inputs/file_input.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "component_harness.h"
#include "core/json.h"

namespace erphub::components {
namespace {

namespace fs = std::filesystem;
using testing::Build;
using testing::FakeIntake;
using testing::ReadFile;
using testing::TempDir;
using testing::WaitUntil;
using testing::WriteFile;

class FileInputTest : public ::testing::Test {
 protected:
  void TearDown() override {
    if (input_ != nullptr) {
      input_->Stop();
    }
  }

  void StartInput(std::string extra = "") {
    auto input =
        Build<Input>(ComponentKind::kInput, "file: {path: inbox, poll_interval: 10ms" + extra + "}",
                     ComponentEnv{.base_dir = dir_.path().string(), .clock = nullptr});
    ASSERT_TRUE(input.ok()) << input.error().ToString();
    input_ = std::move(*input);
    Status started = input_->Start(InputContext{.flow = "orders", .intake = &intake_});
    ASSERT_TRUE(started.ok()) << started.ToString();
  }

  // Drops a file into the inbox the way writers should: written beside it, then renamed in.
  void Drop(const std::string& name, std::string_view content) {
    WriteFile(inbox() / ("." + name + ".partial"), content);
    fs::rename(inbox() / ("." + name + ".partial"), inbox() / name);
  }

  fs::path inbox() const { return dir_.path() / "inbox"; }

  TempDir dir_;
  FakeIntake intake_;
  std::unique_ptr<Input> input_;
};

TEST_F(FileInputTest, NdjsonRecordsAreAcceptedInOneCallThenTheFileMovesToDone) {
  StartInput();
  Drop("orders.ndjson", "{\"id\":1}\n\n{\"id\":2}\r\n{\"id\":3}");
  ASSERT_TRUE(WaitUntil([&] { return fs::exists(inbox() / "done/orders.ndjson"); }));
  EXPECT_FALSE(fs::exists(inbox() / "orders.ndjson"));
  EXPECT_EQ(intake_.accept_calls(), 1);
  std::vector<IntakeItem> accepted = intake_.accepted();
  ASSERT_EQ(accepted.size(), 3u);
  EXPECT_EQ(ToJson(accepted[0].payload), "{\"id\":1}");
  EXPECT_EQ(ToJson(accepted[2].payload), "{\"id\":3}");
  EXPECT_EQ(accepted[0].source, "file orders.ndjson:1");
  EXPECT_EQ(accepted[1].source, "file orders.ndjson:3");
  EXPECT_EQ(accepted[0].event_id.substr(0, 14), "orders.ndjson@");
  EXPECT_EQ(accepted[1].event_id.substr(accepted[1].event_id.size() - 2), ":3");
  EXPECT_NE(accepted[0].event_id, accepted[1].event_id);
}

TEST_F(FileInputTest, JsonArrayGivesOneMessagePerElementAndAnObjectOne) {
  StartInput();
  Drop("batch.json", "[{\"n\":1},{\"n\":2}]");
  Drop("single.json", "\xEF\xBB\xBF{\"n\":3}");
  Drop("ignored.txt", "{\"n\":4}");
  ASSERT_TRUE(WaitUntil([&] {
    return fs::exists(inbox() / "done/batch.json") && fs::exists(inbox() / "done/single.json");
  }));
  std::vector<IntakeItem> accepted = intake_.accepted();
  ASSERT_EQ(accepted.size(), 3u);
  EXPECT_EQ(accepted[0].source, "file batch.json#0");
  EXPECT_EQ(accepted[1].source, "file batch.json#1");
  EXPECT_EQ(accepted[2].source, "file single.json");
  EXPECT_EQ(ToJson(accepted[2].payload), "{\"n\":3}");
  EXPECT_TRUE(fs::exists(inbox() / "ignored.txt"));
}

TEST_F(FileInputTest, BadRecordSendsTheFileToFailedWithAnErrorFileAndQuarantine) {
  StartInput();
  Drop("orders.ndjson", "{\"id\":1}\n{\"id\": 2,,}\n{\"id\":3}\n");
  ASSERT_TRUE(WaitUntil([&] { return fs::exists(inbox() / "failed/orders.ndjson"); }));
  std::string error = ReadFile(inbox() / "failed/orders.ndjson.error");
  EXPECT_EQ(error.rfind("orders.ndjson:2: malformed JSON at column 10:", 0), 0u) << error;
  EXPECT_TRUE(intake_.accepted().empty());
  EXPECT_EQ(intake_.accept_calls(), 0);
  std::vector<QuarantineItem> quarantined = intake_.quarantined();
  ASSERT_EQ(quarantined.size(), 1u);
  EXPECT_EQ(quarantined[0].raw, "{\"id\": 2,,}");
  EXPECT_EQ(quarantined[0].reason + "\n", error);
  EXPECT_EQ(ReadFile(inbox() / "failed/orders.ndjson"), "{\"id\":1}\n{\"id\": 2,,}\n{\"id\":3}\n");
}

TEST_F(FileInputTest, BrokenJsonFileNamesLineAndColumn) {
  StartInput();
  Drop("order.json", "{\n  \"id\": 1\n  \"x\": 2\n}");
  ASSERT_TRUE(WaitUntil([&] { return fs::exists(inbox() / "failed/order.json.error"); }));
  std::string error = ReadFile(inbox() / "failed/order.json.error");
  EXPECT_EQ(error.rfind("order.json: malformed JSON at line 3, column 3:", 0), 0u) << error;
}

TEST_F(FileInputTest, OverloadedOrFailingIntakeLeavesTheFileForLater) {
  intake_.set_overloaded(true);
  StartInput();
  Drop("a.ndjson", "{\"n\":1}\n");
  ASSERT_TRUE(WaitUntil([&] { return intake_.overloaded_checks() >= 3; }));
  EXPECT_EQ(intake_.accept_calls(), 0);
  EXPECT_TRUE(fs::exists(inbox() / "a.ndjson"));
  intake_.set_overloaded(false);
  intake_.set_accept_error(UnavailableError("store down"));
  ASSERT_TRUE(WaitUntil([&] { return intake_.accept_calls() >= 2; }));
  EXPECT_TRUE(fs::exists(inbox() / "a.ndjson"));
  EXPECT_FALSE(fs::exists(inbox() / "failed/a.ndjson"));
  intake_.set_accept_error(Status::Ok());
  ASSERT_TRUE(WaitUntil([&] { return fs::exists(inbox() / "done/a.ndjson"); }));
  EXPECT_EQ(intake_.accepted().size(), 1u);
}

TEST_F(FileInputTest, KeyFailureSendsTheFileToFailed) {
  intake_.set_accept_error(InvalidArgumentError("key expression gave no value for item 1"));
  StartInput();
  Drop("a.ndjson", "{\"n\":1}\n");
  ASSERT_TRUE(WaitUntil([&] { return fs::exists(inbox() / "failed/a.ndjson"); }));
  EXPECT_EQ(ReadFile(inbox() / "failed/a.ndjson.error"),
            "a.ndjson: key expression gave no value for item 1\n");
  EXPECT_EQ(intake_.quarantined().size(), 1u);
}

// A file read again (after a crash before its move, or dropped twice) has the same event ids,
// so nothing is stored twice; an earlier file of the same name in done/ is kept.
TEST_F(FileInputTest, ReReadingTheSameFileStoresNothingTwice) {
  StartInput();
  Drop("orders.ndjson", "{\"id\":1}\n{\"id\":2}\n");
  ASSERT_TRUE(WaitUntil([&] { return fs::exists(inbox() / "done/orders.ndjson"); }));
  Drop("orders.ndjson", "{\"id\":1}\n{\"id\":2}\n");
  ASSERT_TRUE(WaitUntil([&] { return fs::exists(inbox() / "done/orders-2.ndjson"); }));
  EXPECT_EQ(intake_.accepted().size(), 2u);
  EXPECT_EQ(intake_.accept_calls(), 2);
  Drop("orders.ndjson", "{\"id\":1}\n{\"id\":3}\n");
  ASSERT_TRUE(WaitUntil([&] { return fs::exists(inbox() / "done/orders-3.ndjson"); }));
  EXPECT_EQ(intake_.accepted().size(), 4u);  // different content: new event ids
}

TEST_F(FileInputTest, FormatOverridesTheExtension) {
  StartInput(", format: ndjson");
  Drop("lines.json", "{\"n\":1}\n{\"n\":2}\n");
  ASSERT_TRUE(WaitUntil([&] { return fs::exists(inbox() / "done/lines.json"); }));
  EXPECT_EQ(intake_.accepted().size(), 2u);
}

TEST_F(FileInputTest, StopEndsTheWatcher) {
  StartInput();
  input_->Stop();
  Drop("late.ndjson", "{\"n\":1}\n");
  // Stop() joined the watcher: nothing can take the file any more.
  EXPECT_TRUE(fs::exists(inbox() / "late.ndjson"));
  EXPECT_EQ(intake_.accept_calls(), 0);
}

TEST_F(FileInputTest, DoneFolderMustDifferFromTheWatchedOne) {
  auto input = Build<Input>(ComponentKind::kInput, "file: {path: inbox, done_dir: .}");
  ASSERT_FALSE(input.ok());
  EXPECT_NE(input.error().message().find("flows.test.component.done_dir"), std::string::npos)
      << input.error().ToString();
}

TEST_F(FileInputTest, CsvRowsBecomeMessagesKeyedByTheHeaderWithTypedColumns) {
  StartInput(", columns: [{name: qty, type: integer}, {name: price, type: decimal}]");
  Drop("orders.csv", "sku,qty,price\nA-1,2,9.90\n\"B,2\",10,0.10\n");
  ASSERT_TRUE(WaitUntil([&] { return fs::exists(inbox() / "done/orders.csv"); }));
  std::vector<IntakeItem> accepted = intake_.accepted();
  ASSERT_EQ(accepted.size(), 2u);
  EXPECT_EQ(ToJson(accepted[0].payload), R"({"sku":"A-1","qty":2,"price":9.9})");
  EXPECT_EQ(ToJson(accepted[1].payload), R"({"sku":"B,2","qty":10,"price":0.1})");
  EXPECT_EQ(accepted[0].source, "file orders.csv:2");
  EXPECT_EQ(accepted[1].source, "file orders.csv:3");
  EXPECT_EQ(accepted[1].event_id.rfind("orders.csv@", 0), 0u);
  EXPECT_EQ(accepted[1].event_id.substr(accepted[1].event_id.size() - 2), ":3");
}

TEST_F(FileInputTest, CsvBadRowIsQuarantinedWithItsLineAndTheRestGoesOn) {
  StartInput(", on_bad_row: quarantine");
  Drop("orders.csv", "sku,qty\nA,1\nB,2,extra\nC,3\n\"D,4\n");
  ASSERT_TRUE(WaitUntil([&] { return fs::exists(inbox() / "done/orders.csv"); }));
  std::vector<IntakeItem> accepted = intake_.accepted();
  ASSERT_EQ(accepted.size(), 2u);
  EXPECT_EQ(ToJson(accepted[0].payload), R"({"sku":"A","qty":"1"})");
  EXPECT_EQ(ToJson(accepted[1].payload), R"({"sku":"C","qty":"3"})");
  std::vector<QuarantineItem> quarantined = intake_.quarantined();
  ASSERT_EQ(quarantined.size(), 2u);
  EXPECT_EQ(quarantined[0].raw, "B,2,extra");
  EXPECT_EQ(quarantined[0].source, "file orders.csv:3");
  EXPECT_EQ(quarantined[0].reason.rfind("orders.csv:3: column ", 0), 0u) << quarantined[0].reason;
  EXPECT_NE(quarantined[0].reason.find("expected 2 fields, found 3"), std::string::npos)
      << quarantined[0].reason;
  EXPECT_EQ(quarantined[1].source, "file orders.csv:5");
  EXPECT_NE(quarantined[1].reason.find("unterminated"), std::string::npos) << quarantined[1].reason;
}

TEST_F(FileInputTest, CsvBadRowFailsTheWholeFileByDefault) {
  StartInput();
  Drop("orders.csv", "sku,qty\nA,1\nB\nC,3\n");
  ASSERT_TRUE(WaitUntil([&] { return fs::exists(inbox() / "failed/orders.csv"); }));
  std::string error = ReadFile(inbox() / "failed/orders.csv.error");
  EXPECT_EQ(error.rfind("orders.csv:3: column ", 0), 0u) << error;
  EXPECT_NE(error.find("expected 2 fields, found 1"), std::string::npos) << error;
  EXPECT_TRUE(intake_.accepted().empty());
  ASSERT_EQ(intake_.quarantined().size(), 1u);
  EXPECT_EQ(intake_.quarantined()[0].raw, "B");
}

TEST_F(FileInputTest, LargeCsvIsCommittedInBatches) {
  StartInput(", batch_rows: 100");
  std::string csv = "n,text\n";
  for (int i = 0; i < 2500; ++i) {
    csv += std::to_string(i) + ",row " + std::to_string(i) + "\n";
  }
  Drop("big.csv", csv);
  ASSERT_TRUE(WaitUntil([&] { return fs::exists(inbox() / "done/big.csv"); }));
  std::vector<IntakeItem> accepted = intake_.accepted();
  ASSERT_EQ(accepted.size(), 2500u);
  EXPECT_EQ(intake_.accept_calls(), 25);
  EXPECT_EQ(ToJson(accepted[2499].payload), R"({"n":"2499","text":"row 2499"})");
}

TEST_F(FileInputTest, CsvDialectSplitDocumentAndLatin1) {
  StartInput(", format: csv, delimiter: ';', encoding: latin-1, split: document");
  Drop("prices.txt", "name;city\nJos\xE9;K\xF6ln\n");
  ASSERT_TRUE(WaitUntil([&] { return fs::exists(inbox() / "done/prices.txt"); }));
  std::vector<IntakeItem> accepted = intake_.accepted();
  ASSERT_EQ(accepted.size(), 1u);
  EXPECT_EQ(ToJson(accepted[0].payload), "[{\"name\":\"Jos\xC3\xA9\",\"city\":\"K\xC3\xB6ln\"}]");
}

TEST_F(FileInputTest, XmlFileIsOneMessageWithAlwaysArrayHints) {
  StartInput(", always_array: [Line]");
  Drop("order.xml", "<?xml version=\"1.0\"?>\n<Order id=\"7\"><Line>A</Line></Order>");
  Drop("broken.xml", "<Order><Line></Order>");
  ASSERT_TRUE(WaitUntil([&] {
    return fs::exists(inbox() / "done/order.xml") && fs::exists(inbox() / "failed/broken.xml");
  }));
  std::vector<IntakeItem> accepted = intake_.accepted();
  ASSERT_EQ(accepted.size(), 1u);
  EXPECT_EQ(ToJson(accepted[0].payload), R"({"Order":{"@id":"7","Line":["A"]}})");
  EXPECT_EQ(accepted[0].source, "file order.xml");
  std::string error = ReadFile(inbox() / "failed/broken.xml.error");
  EXPECT_NE(error.find("line 1"), std::string::npos) << error;
}

TEST_F(FileInputTest, EdiFileThatIsNeitherX12NorEdifactFails) {
  StartInput();
  Drop("mystery.edi", "HELLO*WORLD~");
  ASSERT_TRUE(WaitUntil([&] { return fs::exists(inbox() / "failed/mystery.edi.error"); }));
  EXPECT_NE(ReadFile(inbox() / "failed/mystery.edi.error").find("neither X12"), std::string::npos);
}

TEST_F(FileInputTest, SplitRecordIsRefusedForXml) {
  auto input =
      Build<Input>(ComponentKind::kInput, "file: {path: inbox, format: xml, split: record}");
  ASSERT_FALSE(input.ok());
  EXPECT_NE(input.error().message().find("split"), std::string::npos) << input.error().ToString();
}

TEST_F(FileInputTest, AckNeedsAMatchingFormatAndAFolder) {
  auto wrong = Build<Input>(ComponentKind::kInput, "file: {path: inbox, format: csv, ack: 997}");
  ASSERT_FALSE(wrong.ok());
  EXPECT_NE(wrong.error().message().find("997 acknowledges x12 files, not csv"), std::string::npos)
      << wrong.error().ToString();
}

std::string FormatsSample(const std::string& relative) {
  return ReadFile(fs::path(ERPHUB_SOURCE_DIR) / "tests/data/formats" / relative);
}

size_t CountSegments(const std::string& text, const std::string& start) {
  size_t count = 0;
  for (size_t at = text.find(start); at != std::string::npos; at = text.find(start, at + 1)) {
    count += at == 0 || text[at - 1] == '\n' || text[at - 1] == '~' || text[at - 1] == '\'';
  }
  return count;
}

TEST_F(FileInputTest, X12FileGivesOneMessagePerTransactionSetAndA997) {
  StartInput(", ack: \"997\", ack_dir: acks");
  std::string x12 = FormatsSample("x12/850_nodex12_two-interchanges.edi");
  Drop("po.edi", x12);
  ASSERT_TRUE(WaitUntil([&] { return fs::exists(inbox() / "done/po.edi"); }));
  std::vector<IntakeItem> accepted = intake_.accepted();
  ASSERT_EQ(accepted.size(), CountSegments(x12, "ST*"));
  ASSERT_GE(accepted.size(), 2u);
  EXPECT_EQ(accepted[0].source, "file po.edi#0");
  EXPECT_EQ(accepted[1].event_id.substr(accepted[1].event_id.size() - 2), "#1");
  EXPECT_EQ(ToJson(accepted[0].payload.Get("ST")), R"(["ST","850","000000010"])");
  EXPECT_EQ(*FindHeader(accepted[0].headers, "X12-Sender"), "4405197800");
  EXPECT_EQ(*FindHeader(accepted[0].headers, "X12-Set"), "850");
  EXPECT_EQ(*FindHeader(accepted[0].headers, "X12-Interchange"), "000003438");
  std::string ack = ReadFile(dir_.path() / "acks/po.edi.997");
  EXPECT_EQ(ack.rfind("ISA", 0), 0u) << ack;
  EXPECT_NE(ack.find("ST*997*"), std::string::npos) << ack;
  EXPECT_NE(ack.find("AK9*A"), std::string::npos) << ack;
}

TEST_F(FileInputTest, MalformedX12FailsAndItsRejectionIsAcknowledged) {
  StartInput(", ack: \"997\", ack_dir: acks");
  Drop("bad.edi", FormatsSample("x12/850_derived_bad-counts.edi"));
  ASSERT_TRUE(WaitUntil([&] { return fs::exists(inbox() / "failed/bad.edi.error"); }));
  EXPECT_TRUE(intake_.accepted().empty());
  std::string error = ReadFile(inbox() / "failed/bad.edi.error");
  EXPECT_EQ(error.rfind("bad.edi: segment ", 0), 0u) << error;
  std::string ack = ReadFile(dir_.path() / "acks/bad.edi.997");
  EXPECT_NE(ack.find("ST*997*"), std::string::npos) << ack;
  EXPECT_EQ(ack.find("AK9*A"), std::string::npos) << ack;
}

TEST_F(FileInputTest, EdifactFileGivesOneMessagePerMessageAndAContrl) {
  StartInput(", ack: contrl, ack_dir: acks, lenient: true");  // the sample repeats a reference
  std::string edifact = FormatsSample("edifact/INVOIC_edifabric_multiple-messages.edi");
  Drop("invoices.edi", edifact);
  ASSERT_TRUE(WaitUntil([&] { return fs::exists(inbox() / "done/invoices.edi"); }));
  std::vector<IntakeItem> accepted = intake_.accepted();
  ASSERT_EQ(accepted.size(), CountSegments(edifact, "UNH+"));
  ASSERT_GE(accepted.size(), 2u);
  EXPECT_EQ(accepted[0].payload.Get("type").as_string(), "INVOIC");
  EXPECT_EQ(*FindHeader(accepted[0].headers, "EDIFACT-Sender"), "102096559TEST");
  EXPECT_EQ(*FindHeader(accepted[0].headers, "EDIFACT-Message"), "INVOIC");
  EXPECT_EQ(*FindHeader(accepted[0].headers, "EDIFACT-Message-Reference"), "509010117");
  std::string ack = ReadFile(dir_.path() / "acks/invoices.edi.contrl");
  EXPECT_NE(ack.find("CONTRL"), std::string::npos) << ack;
  EXPECT_NE(ack.find("UCI+"), std::string::npos) << ack;
}

// One interchange of `sets` 850 purchase orders of 20 lines each (about 1.3 KB a set); `tail`
// replaces the IEA trailer.
std::string LargeInterchange(int sets, const std::string& tail = "IEA*1*000000001~\n") {
  std::string x12 =
      "ISA*00*          *00*          *ZZ*BUYER          *ZZ*SELLER         *240101*1200*U*00401*"
      "000000001*0*P*>~\nGS*PO*BUYER*SELLER*20240101*1200*1*X*004010~\n";
  for (int set = 1; set <= sets; ++set) {
    std::string control = std::to_string(set);
    x12 += "ST*850*" + control + "~\nBEG*00*SA*PO-" + control + "**20240101~\n";
    for (int line = 1; line <= 20; ++line) {
      x12 += "PO1*" + std::to_string(line) + "*2*EA*9.95**VP*ITEM-" + std::to_string(line) +
             "~\nPID*F****WIDGET " + std::to_string(line) + "~\n";
    }
    x12 += "CTT*20~\nSE*44*" + control + "~\n";
  }
  return x12 + "GE*" + std::to_string(sets) + "*1~\n" + tail;
}

TEST_F(FileInputTest, LargeX12IsReadInChunksAndCommittedInBatches) {
  // Past 8 MB a file is checked in a first pass and committed while read again.
  StartInput(", batch_rows: 1000, ack: \"997\", ack_dir: acks");
  const int sets = 8500;
  std::string x12 = LargeInterchange(sets);
  ASSERT_GT(x12.size(), 8u << 20);
  Drop("big.x12", x12);
  ASSERT_TRUE(
      WaitUntil([&] { return fs::exists(inbox() / "done/big.x12"); }, std::chrono::seconds(60)));
  std::vector<IntakeItem> accepted = intake_.accepted();
  ASSERT_EQ(accepted.size(), static_cast<size_t>(sets));
  EXPECT_EQ(intake_.accept_calls(), 9);
  EXPECT_EQ(ToJson(accepted[8499].payload.Get("ST")), R"(["ST","850","8500"])");
  EXPECT_EQ(ToJson(accepted[8499].payload.Get("segments")[0]),
            R"(["BEG","00","SA","PO-8500","","20240101"])");
  EXPECT_EQ(accepted[8499].source, "file big.x12#8499");
  EXPECT_EQ(*FindHeader(accepted[8499].headers, "X12-Set-Control"), "8500");
  EXPECT_EQ(*FindHeader(accepted[8499].headers, "X12-Receiver"), "SELLER");
  EXPECT_NE(ReadFile(dir_.path() / "acks/big.x12.997").find("AK9*A*8500*8500*8500"),
            std::string::npos);
}

TEST_F(FileInputTest, LargeX12WithAFaultAtTheEndGivesNoMessage) {
  StartInput();
  Drop("big.x12", LargeInterchange(8500, "IEA*1*000000999~\n"));
  ASSERT_TRUE(WaitUntil([&] { return fs::exists(inbox() / "failed/big.x12.error"); },
                        std::chrono::seconds(60)));
  EXPECT_TRUE(intake_.accepted().empty());
  EXPECT_NE(ReadFile(inbox() / "failed/big.x12.error").find("IEA02 000000999 does not match"),
            std::string::npos);
}

TEST_F(FileInputTest, SplitDocumentKeepsTheWholeInterchange) {
  StartInput(", format: x12, split: document");
  Drop("po.x12", FormatsSample("x12/850_nodex12_two-interchanges.edi"));
  ASSERT_TRUE(WaitUntil([&] { return fs::exists(inbox() / "done/po.x12"); }));
  std::vector<IntakeItem> accepted = intake_.accepted();
  ASSERT_EQ(accepted.size(), 1u);
  EXPECT_EQ(accepted[0].payload.Get("interchanges").size(), 2u);
}

TEST_F(FileInputTest, PartnersAckPolicyIsTheDefault) {
  Value partners = *ParseJson(R"({"acme": {"ack": "997"}})");
  auto input = Build<Input>(
      ComponentKind::kInput, "file: {path: inbox, partner: acme}",
      ComponentEnv{.base_dir = dir_.path().string(), .clock = nullptr, .partners = &partners});
  ASSERT_FALSE(input.ok());
  EXPECT_NE(input.error().message().find("ack_dir: is required with ack: 997"), std::string::npos)
      << input.error().ToString();
}

}  // namespace
}  // namespace erphub::components
