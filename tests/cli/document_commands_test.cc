#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "cli/command_test.h"

namespace {

namespace fs = std::filesystem;

// Runs `erphub parse` and `erphub render` in a scratch folder and captures what they print.
using DocumentCommandsTest = erphub::cli::testing::CommandTest;

TEST_F(DocumentCommandsTest, ParseCsvPrintsOneObjectPerRow) {
  Write("orders.csv", "\xEF\xBB\xBFid,item,qty\r\n1,\"Bolt, M8\",10\r\n2,\"6\"\" pipe\",1\r\n");
  ASSERT_EQ(Run("parse --format csv orders.csv"), 0) << err_;
  EXPECT_EQ(out_,
            "[\n{\"id\":\"1\",\"item\":\"Bolt, M8\",\"qty\":\"10\"},\n"
            "{\"id\":\"2\",\"item\":\"6\\\" pipe\",\"qty\":\"1\"}\n]\n");
  EXPECT_EQ(err_, "");
}

TEST_F(DocumentCommandsTest, CsvRenderThenParseGivesTheSameJson) {
  Write("in.csv", "a,b\n\"multi\nline\",\"\"\"q\"\"\"\nplain,\n");
  ASSERT_EQ(Run("parse --format csv in.csv", "first.json"), 0) << err_;
  ASSERT_EQ(Run("render --format csv first.json", "again.csv"), 0) << err_;
  ASSERT_EQ(Run("parse --format csv again.csv", "second.json"), 0) << err_;
  EXPECT_EQ(Read(dir_ / "first.json"), Read(dir_ / "second.json"));
}

TEST_F(DocumentCommandsTest, MalformedCsvExitsOneNamingLineAndColumn) {
  Write("bad.csv", "a,b\n1,2\n3,\"open\n");
  EXPECT_EQ(Run("parse --format csv bad.csv"), 1);
  EXPECT_EQ(err_, "bad.csv: line 3, column 3: unterminated quoted field\n");
  Write("ragged.csv", "a,b\n1,2,3\n4,5\n");
  EXPECT_EQ(Run("parse --format csv ragged.csv"), 1);
  EXPECT_EQ(err_, "ragged.csv: line 2, column 5: expected 2 fields, found 3\n");
}

TEST_F(DocumentCommandsTest, LenientCsvReportsBadRowsAndGoesOn) {
  Write("ragged.csv", "a,b\n1,2,3\n4,\"5\"x\n6,7\n");
  EXPECT_EQ(Run("parse --format csv --lenient ragged.csv"), 0) << err_;
  EXPECT_EQ(out_, "[\n{\"a\":\"1\",\"b\":\"2\",\"3\":\"3\"},\n{\"a\":\"6\",\"b\":\"7\"}\n]\n");
  EXPECT_EQ(err_,
            "ragged.csv: quarantined: line 3, column 6: unexpected character after a closing "
            "quote\n");
}

TEST_F(DocumentCommandsTest, CsvDialectOptions) {
  Write("latin.csv", "caf\xE9;prix\n\x80;1\n");
  ASSERT_EQ(Run("parse --format csv --delimiter ';' --no-header --encoding windows-1252 "
                "latin.csv"),
            0)
      << err_;
  EXPECT_EQ(out_, "[\n[\"caf\xC3\xA9\",\"prix\"],\n[\"\xE2\x82\xAC\",\"1\"]\n]\n");
}

TEST_F(DocumentCommandsTest, XmlParseAndRenderRoundTrip) {
  Write("order.xml",
        "<?xml version=\"1.0\"?>\n<o:Order xmlns:o=\"urn:o\" id=\"7\">\n"
        "  <o:Line>A</o:Line>\n  <Note>Ship <b>now</b>!</Note>\n</o:Order>\n");
  ASSERT_EQ(Run("parse --format xml --array o:Line order.xml", "first.json"), 0) << err_;
  EXPECT_EQ(out_,
            "{\n  \"o:Order\": {\n    \"@xmlns:o\": \"urn:o\",\n    \"@id\": \"7\",\n"
            "    \"o:Line\": [\n      \"A\"\n    ],\n    \"Note\": {\n      \"#content\": [\n"
            "        \"Ship \",\n        {\n          \"b\": \"now\"\n        },\n"
            "        \"!\"\n      ]\n    }\n  }\n}\n");
  ASSERT_EQ(Run("render --format xml first.json", "again.xml"), 0) << err_;
  ASSERT_EQ(Run("parse --format xml --array o:Line again.xml", "second.json"), 0) << err_;
  EXPECT_EQ(Read(dir_ / "first.json"), Read(dir_ / "second.json"));
}

TEST_F(DocumentCommandsTest, MalformedXmlExitsOneNamingLineAndColumn) {
  Write("bad.xml", "<a>\n  <b>x</c>\n</a>\n");
  EXPECT_EQ(Run("parse --format xml bad.xml"), 1);
  EXPECT_EQ(err_.substr(0, 16), "bad.xml: line 2,");
  EXPECT_EQ(out_, "");
}

TEST_F(DocumentCommandsTest, RenderRejectsJsonWithoutTheFormatsShape) {
  Write("doc.json", "{\"a\": 1, \"b\": 2}");
  EXPECT_EQ(Run("render --format xml doc.json"), 1);
  EXPECT_NE(err_.find("one key"), std::string::npos) << err_;
  EXPECT_EQ(Run("render --format csv doc.json"), 1);
  EXPECT_NE(err_.find("array of rows"), std::string::npos) << err_;
}

TEST_F(DocumentCommandsTest, UnknownFormatIsAUsageError) {
  Write("x.txt", "x");
  EXPECT_EQ(Run("parse --format yaml x.txt"), 2);
}

}  // namespace
