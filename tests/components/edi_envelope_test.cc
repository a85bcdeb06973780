#include "components/outputs/edi_envelope.h"

#include <gtest/gtest.h>

#include <chrono>

#include "core/json.h"

namespace erphub::components {
namespace {

using formats::Format;

EdiPartner Acme() {
  EdiPartner partner;
  partner.id = "acme";
  partner.sender_id = "ERPHUB";
  partner.sender_qualifier = "ZZ";
  partner.receiver_id = "ACME";
  partner.receiver_qualifier = "14";
  partner.version = "00401";
  partner.group_version = "004010";
  partner.syntax = "UNOC:3";
  return partner;
}

Timestamp March15() {
  return Timestamp(std::chrono::seconds(1710498600));  // 2024-03-15 10:30:00 UTC
}

TEST(EdiEnvelopeTest, X12SetIsWrappedInAnInterchangeToThePartner) {
  Value set = *ParseJson(R"({"ST": ["ST", "850", "0001"], "segments": [["BEG", "00"]]})");
  auto document = EdiDocumentFor(Format::kX12, set, Acme(), March15());
  ASSERT_TRUE(document.ok()) << document.status().ToString();
  const Value& interchange = document->Get("interchanges")[0];
  EXPECT_EQ(ToJson(interchange.Get("ISA")),
            R"(["ISA","00","","00","","ZZ","ERPHUB","14","ACME","240315","1030","U","00401",)"
            R"("auto","0","P",">"])");
  EXPECT_EQ(ToJson(interchange.Get("groups")[0].Get("GS")),
            R"(["GS","PO","ERPHUB","ACME","20240315","1030","auto","X","004010"])");
  EXPECT_EQ(ToJson(interchange.Get("groups")[0].Get("transactions")[0]), ToJson(set));
}

TEST(EdiEnvelopeTest, UnknownSetAndWrongShapeAreRefused) {
  Value odd = *ParseJson(R"({"ST": ["ST", "123", "0001"], "segments": []})");
  EXPECT_EQ(EdiDocumentFor(Format::kX12, odd, Acme(), March15()).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_FALSE(EdiDocumentFor(Format::kEdifact, odd, Acme(), March15()).ok());
}

TEST(EdiEnvelopeTest, ControlNumbersAreWrittenIntoEveryHeader) {
  Value document = *ParseJson(R"({"interchanges": [{"ISA": ["ISA", "00"], "groups": [
      {"GS": ["GS", "PO"], "transactions": [{"ST": ["ST", "850", "x"]}, {"ST": ["ST", "850"]}]},
      {"GS": ["GS", "IN"], "transactions": [{"ST": ["ST", "810"]}]}]}]})");
  ControlCounts counts = CountControls(Format::kX12, document);
  EXPECT_EQ(counts.interchanges, 1);
  EXPECT_EQ(counts.groups, 2);
  EXPECT_EQ(counts.sets, 3);
  Value numbered = AssignControlNumbers(Format::kX12, document, ControlStart{41, 7, 9});
  const Value& interchange = numbered.Get("interchanges")[0];
  EXPECT_EQ(interchange.Get("ISA")[13].as_string(), "000000041");
  EXPECT_EQ(interchange.Get("groups")[0].Get("GS")[6].as_string(), "7");
  EXPECT_EQ(interchange.Get("groups")[1].Get("GS")[6].as_string(), "8");
  EXPECT_EQ(interchange.Get("groups")[0].Get("transactions")[1].Get("ST")[2].as_string(), "0010");
  EXPECT_EQ(interchange.Get("groups")[1].Get("transactions")[0].Get("ST")[2].as_string(), "0011");
  // The input is left as it was.
  EXPECT_EQ(document.Get("interchanges")[0].Get("ISA").size(), 2u);
}

TEST(EdiEnvelopeTest, EdifactMessageIsWrappedAndNumbered) {
  EdiPartner partner = Acme();
  partner.test = true;
  Value message = *ParseJson(R"({"type": "ORDERS", "header": {"tag": "UNH", "elements":
      ["1", ["ORDERS", "D", "96A", "UN"]]}, "segments": [{"tag": "BGM", "elements": ["220"]}]})");
  auto document = EdiDocumentFor(Format::kEdifact, message, partner, March15());
  ASSERT_TRUE(document.ok()) << document.status().ToString();
  Value numbered = AssignControlNumbers(Format::kEdifact, *document, ControlStart{5, 1, 12});
  const Value& interchange = numbered.Get("interchanges")[0];
  EXPECT_EQ(ToJson(interchange.Get("header")),
            R"({"tag":"UNB","elements":[["UNOC","3"],["ERPHUB","ZZ"],["ACME","14"],)"
            R"(["240315","1030"],"5","","","","","","1"]})");
  EXPECT_EQ(ToJson(interchange.Get("messages")[0].Get("header").Get("elements")[0]), "\"12\"");
}

}  // namespace
}  // namespace erphub::components
