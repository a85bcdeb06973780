#include "formats/csv/csv_document.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/json.h"
#include "json_literal.h"

namespace erphub::formats::csv {
namespace {

Column Typed(std::string name, ColumnType type, std::string date_format = "%Y-%m-%d") {
  Column column;
  column.name = std::move(name);
  column.type = type;
  column.date_format = std::move(date_format);
  return column;
}

using ::erphub::testing::Json;
std::string ParsedJson(std::string_view csv, const CsvOptions& options = {}) {
  auto parsed = ParseCsv(csv, options);
  if (!parsed.ok()) {
    return "error: " + parsed.status().ToString();
  }
  return ToJson(*parsed);
}

// The streaming path, fed `chunk` bytes at a time, must write what ParseCsv returns.
std::string Streamed(std::string_view csv, const CsvOptions& options, size_t chunk,
                     std::vector<std::string>* quarantined = nullptr) {
  size_t fed = 0;
  std::string out;
  auto read = [&]() -> Result<std::string_view> {
    size_t n = std::min(chunk, csv.size() - fed);
    std::string_view piece = csv.substr(fed, n);
    fed += n;
    return piece;
  };
  Status status = StreamCsvToJson(
      options, read, [&](std::string_view text) { out.append(text); },
      [&](const Status& bad, std::string_view) {
        if (quarantined) {
          quarantined->push_back(bad.ToString());
        }
      });
  if (!status.ok()) {
    return "error: " + status.ToString();
  }
  return out;
}

TEST(CsvDocumentTest, RowsAreObjectsKeyedByTheHeader) {
  EXPECT_EQ(ParsedJson("id,name\n1,Widget\n2,\"Gadget, blue\"\n"),
            R"([{"id":"1","name":"Widget"},{"id":"2","name":"Gadget, blue"}])");
}

TEST(CsvDocumentTest, EmptyFileAndHeaderOnlyGiveNoRows) {
  EXPECT_EQ(ParsedJson(""), "[]");
  EXPECT_EQ(ParsedJson("id,name\n"), "[]");
  EXPECT_EQ(ParsedJson("id,name"), "[]");
  EXPECT_EQ(Streamed("", {}, 4), "[]\n");
  EXPECT_EQ(Streamed("id,name\r\n", {}, 4), "[]\n");
}

TEST(CsvDocumentTest, NoHeaderGivesArrays) {
  CsvOptions options;
  options.header = false;
  EXPECT_EQ(ParsedJson("1,2\n3,4\n", options), R"([["1","2"],["3","4"]])");
}

TEST(CsvDocumentTest, DuplicateAndEmptyHeaderNamesBecomeUnique) {
  EXPECT_EQ(ParsedJson("a,a,\n1,2,3\n"), R"([{"a":"1","a_2":"2","3":"3"}])");
}

TEST(CsvDocumentTest, RaggedRowFailsTheFileWhenStrict) {
  EXPECT_EQ(ParsedJson("a,b\n1,2\n3\n"), "error: line 3, column 1: expected 2 fields, found 1");
  EXPECT_EQ(ParsedJson("a,b\n1,2,3\n"), "error: line 2, column 5: expected 2 fields, found 3");
}

TEST(CsvDocumentTest, RaggedRowsAreKeptWhenNotStrict) {
  CsvOptions options;
  options.strict = false;
  EXPECT_EQ(ParsedJson("a,b\n1\n2,3,4\n", options), R"([{"a":"1"},{"a":"2","b":"3","3":"4"}])");
}

TEST(CsvDocumentTest, QuarantinedRowsAreReportedAndSkipped) {
  CsvOptions options;
  options.on_bad_row = OnBadRow::kQuarantine;
  options.columns = {Typed("qty", ColumnType::kInteger)};
  std::vector<std::string> bad;
  std::vector<std::string> texts;
  auto parsed = ParseCsv("sku,qty\nA,1\nB,x2\nC\nD,4\n\"E,5\n", options,
                         [&](const Status& status, std::string_view text) {
                           bad.push_back(status.ToString());
                           texts.emplace_back(text);
                         });
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(ToJson(*parsed), R"([{"sku":"A","qty":1},{"sku":"D","qty":4}])");
  EXPECT_EQ(bad, (std::vector<std::string>{
                     "line 3, column 3 (qty): 'x2' is not an integer (64-bit)",
                     "line 4, column 1: expected 2 fields, found 1",
                     "line 6, column 1: unterminated quoted field",
                 }));
  EXPECT_EQ(texts, (std::vector<std::string>{"B,x2\n", "C\n", "\"E,5\n"}));
}

TEST(CsvDocumentTest, BadTypedValueFailsTheFileByDefault) {
  CsvOptions options;
  options.columns = {Typed("amount", ColumnType::kDecimal)};
  EXPECT_EQ(ParsedJson("id,amount\n1,12.50\n2,12,5\n", options),
            "error: line 3, column 6: expected 2 fields, found 3");
  EXPECT_EQ(ParsedJson("id,amount\n1,12.50\n2,1.2.3\n", options),
            "error: line 3, column 3 (amount): '1.2.3' is not a decimal");
}

TEST(CsvDocumentTest, TypedColumnsFromASchema) {
  CsvOptions options;
  options.columns = {
      Typed("amount", ColumnType::kDecimal),
      Typed("qty", ColumnType::kInteger),
      Typed("due", ColumnType::kDate, "%d.%m.%Y"),
      Typed("paid", ColumnType::kBoolean),
  };
  auto parsed = ParseCsv("amount,qty,due,paid,note\n0.10,3,29.02.2024,Yes,x\n,,,,\n", options);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(ToJson(*parsed), R"([{"amount":0.1,"qty":3,"due":"2024-02-29","paid":true,"note":"x"},)"
                             R"({"amount":null,"qty":null,"due":null,"paid":null,"note":""}])");
  // Exact: 0.10 + 0.20 is 0.3, not 0.30000000000000004.
  Number sum = (*parsed)[0].Get("amount").as_number() + Number::Exact(2, -1);
  EXPECT_TRUE(sum.is_exact());
  EXPECT_EQ(sum.ToString(), "0.3");
}

TEST(CsvDocumentTest, DeclaredColumnMissingFromHeaderFailsTheFile) {
  CsvOptions options;
  options.on_bad_row = OnBadRow::kQuarantine;
  options.columns = {Typed("amount", ColumnType::kDecimal)};
  EXPECT_EQ(ParsedJson("id,total\n1,2\n", options),
            "error: line 1: declared column 'amount' is not in the header");
}

TEST(CsvDocumentTest, StreamingWritesWhatParseReturnsForEveryChunkSize) {
  std::string csv =
      "\xEF\xBB\xBFid,text,amount\r\n1,\"a \"\"b\"\"\r\nc\",1.50\r\n2,plain,\r\n3,\"\",-0.5";
  CsvOptions options;
  options.columns = {Typed("amount", ColumnType::kDecimal)};
  Value expected = *ParseCsv(csv, options);
  for (size_t chunk = 1; chunk <= csv.size(); ++chunk) {
    std::string text = Streamed(csv, options, chunk);
    auto again = ParseJson(text);
    ASSERT_TRUE(again.ok()) << text;
    EXPECT_TRUE(DeepEqual(*again, expected)) << "chunk " << chunk << ": " << text;
  }
}

TEST(CsvDocumentTest, StreamingReportsTheFailingRow) {
  EXPECT_EQ(Streamed("a,b\n1,2\n3,\"4\n", {}, 3),
            "error: line 3, column 3: unterminated quoted field");
  std::vector<std::string> bad;
  CsvOptions options;
  options.on_bad_row = OnBadRow::kQuarantine;
  EXPECT_EQ(Streamed("a,b\n1,2\n3\n5,6\n", options, 5, &bad),
            "[\n{\"a\":\"1\",\"b\":\"2\"},\n{\"a\":\"5\",\"b\":\"6\"}\n]\n");
  EXPECT_EQ(bad.size(), 1u);
}

TEST(CsvDocumentTest, RenderQuotesOnlyWhatNeedsIt) {
  Value rows = Json(R"([{"id":"1","text":"a, \"b\"\nc","n":2.50,"ok":true,"none":null},
                        {"id":"2","extra":"x"}])");
  auto csv = RenderCsv(rows, {});
  ASSERT_TRUE(csv.ok()) << csv.status().ToString();
  EXPECT_EQ(*csv, "id,text,n,ok,none,extra\n1,\"a, \"\"b\"\"\nc\",2.5,true,,\n2,,,,,x\n");
}

TEST(CsvDocumentTest, RenderRejectsNestedValues) {
  auto csv = RenderCsv(Json(R"([{"a":{"b":1}}])"), {});
  ASSERT_FALSE(csv.ok());
  EXPECT_EQ(csv.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(csv.status().ToString().find("row 1, field 'a'"), std::string::npos);
}

TEST(CsvDocumentTest, RoundTripsThroughRender) {
  for (const char* text : {"a,b\n\"x,1\",\"\"\"q\"\"\"\n\" lead\",\"\"\n", "single\n\"\"\nx\n",
                           "a\n\"#not comment\"\n"}) {
    CsvOptions options;
    options.comment = '#';
    auto parsed = ParseCsv(text, options);
    ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
    auto rendered = RenderCsv(*parsed, options);
    ASSERT_TRUE(rendered.ok());
    auto again = ParseCsv(*rendered, options);
    ASSERT_TRUE(again.ok());
    EXPECT_TRUE(DeepEqual(*parsed, *again)) << text << " -> " << *rendered;
  }
}

TEST(CsvDocumentTest, TypedColumnsRoundTripInTheirFormat) {
  CsvOptions options;
  options.columns = {Typed("due", ColumnType::kDate, "%m/%d/%Y"),
                     Typed("amount", ColumnType::kDecimal)};
  std::string text = "due,amount\n12/31/2025,100000000000000000000000\n";
  auto parsed = ParseCsv(text, options);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  auto rendered = RenderCsv(*parsed, options);
  ASSERT_TRUE(rendered.ok());
  EXPECT_EQ(*rendered, text);
}

CsvOptions DialectOptions() {
  CsvOptions options;
  options.delimiter = ';';
  options.escape = '\\';
  options.header = false;
  return options;
}

TEST(CsvDocumentTest, WriterUsesTheDialect) {
  CsvOptions options;
  options.delimiter = ';';
  options.crlf = true;
  options.escape = '\\';
  auto csv = RenderCsv(Json(R"([["a;b","c\"d","e\\f"]])"), options);
  ASSERT_TRUE(csv.ok());
  EXPECT_EQ(*csv, "\"a;b\";\"c\\\"d\";\"e\\\\f\"\r\n");
  auto again = ParseCsv(*csv, DialectOptions());
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(ToJson(*again), R"([["a;b","c\"d","e\\f"]])");
}

}  // namespace
}  // namespace erphub::formats::csv
