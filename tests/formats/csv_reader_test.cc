#include "formats/csv/csv_reader.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace erphub::formats::csv {
namespace {

using Records = std::vector<std::vector<std::string>>;

struct ReadOutcome {
  Records records;
  std::vector<std::string> errors;  // "context: message"
};

// Feeds `text` in chunks of `chunk` bytes (0: all at once) and collects records and errors,
// going on after bad records as a quarantining caller would.
ReadOutcome ReadAll(std::string_view text, const CsvOptions& options = {}, size_t chunk = 0) {
  CsvReader reader(options);
  ReadOutcome outcome;
  size_t fed = 0;
  while (true) {
    auto step = reader.Next();
    if (!step.ok()) {
      outcome.errors.push_back(step.status().ToString());
      if (!reader.can_continue()) {
        break;
      }
      continue;
    }
    if (*step == CsvReader::Step::kEnd) {
      break;
    }
    if (*step == CsvReader::Step::kNeedMore) {
      if (fed == text.size()) {
        reader.Finish();
        continue;
      }
      size_t n = chunk == 0 ? text.size() : std::min(chunk, text.size() - fed);
      reader.Feed(text.substr(fed, n));
      fed += n;
      continue;
    }
    outcome.records.emplace_back(reader.fields().begin(), reader.fields().end());
  }
  return outcome;
}

TEST(CsvReaderTest, ReadsRfc4180QuotingAndLineBreaks) {
  auto out = ReadAll("a,b,c\r\n\"x, y\",\"say \"\"hi\"\"\",\"two\nlines\"\r\n1,,3\r\n");
  ASSERT_TRUE(out.errors.empty());
  EXPECT_EQ(out.records,
            (Records{{"a", "b", "c"}, {"x, y", "say \"hi\"", "two\nlines"}, {"1", "", "3"}}));
}

TEST(CsvReaderTest, EveryChunkSplitGivesTheSameRecords) {
  std::string text = "h1,h2\r\n\"q\"\"uo\"\"te\",\"line\r\nbreak\"\n\xEF\xBB\xBFx,\"\"\r\nlast,row";
  auto whole = ReadAll(text);
  for (size_t chunk = 1; chunk < text.size(); ++chunk) {
    auto split = ReadAll(text, {}, chunk);
    EXPECT_EQ(split.records, whole.records) << "chunk " << chunk;
    EXPECT_EQ(split.errors, whole.errors) << "chunk " << chunk;
  }
  EXPECT_EQ(whole.records.size(), 4u);
}

TEST(CsvReaderTest, MissingFinalNewlineAndTrailingEmptyField) {
  auto out = ReadAll("a,b\n1,");
  EXPECT_EQ(out.records, (Records{{"a", "b"}, {"1", ""}}));
}

TEST(CsvReaderTest, EmptyInputHasNoRecords) {
  EXPECT_TRUE(ReadAll("").records.empty());
  EXPECT_TRUE(ReadAll("\xEF\xBB\xBF").records.empty());
  EXPECT_TRUE(ReadAll("\n\r\n\n").records.empty());
}

TEST(CsvReaderTest, StripsUtf8Bom) {
  auto out = ReadAll("\xEF\xBB\xBFid,name\n1,x\n");
  EXPECT_EQ(out.records, (Records{{"id", "name"}, {"1", "x"}}));
}

TEST(CsvReaderTest, BomWinsOverDeclaredLatin1) {
  CsvOptions options;
  options.encoding = Encoding::kLatin1;
  auto out = ReadAll("\xEF\xBB\xBFn\xC3\xA9", options);
  EXPECT_EQ(out.records, (Records{{"n\xC3\xA9"}}));
}

TEST(CsvReaderTest, ConvertsLatin1ToUtf8) {
  CsvOptions options;
  options.encoding = Encoding::kLatin1;
  auto out = ReadAll("caf\xE9,\xFC\x62\x65r,\x80\n", options);
  EXPECT_EQ(out.records, (Records{{"caf\xC3\xA9",
                                   "\xC3\xBC"
                                   "ber",
                                   "\xC2\x80"}}));
}

TEST(CsvReaderTest, ConvertsWindows1252ToUtf8) {
  CsvOptions options;
  options.encoding = Encoding::kWindows1252;
  // 0x80 is the euro sign, 0x93/0x94 curly quotes, 0x81 undefined (kept as U+0081).
  auto out = ReadAll(
      "\x80"
      "5,\x93q\x94,\x81\n",
      options);
  EXPECT_EQ(out.records, (Records{{"\xE2\x82\xAC"
                                   "5",
                                   "\xE2\x80\x9Cq\xE2\x80\x9D", "\xC2\x81"}}));
}

TEST(CsvReaderTest, RejectsInvalidUtf8WithItsPlace) {
  auto out = ReadAll("a,b\nok,caf\xE9\nnext,row\n");
  ASSERT_EQ(out.errors.size(), 1u);
  EXPECT_EQ(out.errors[0], "line 2, column 7: invalid UTF-8 (is the file's encoding declared?)");
  EXPECT_EQ(out.records, (Records{{"a", "b"}, {"next", "row"}}));
}

TEST(CsvReaderTest, UnterminatedQuoteNamesTheOpeningQuote) {
  auto out = ReadAll("a,b\n1,2\n3,\"open\nmore\n");
  ASSERT_EQ(out.errors.size(), 1u);
  EXPECT_EQ(out.errors[0], "line 3, column 3: unterminated quoted field");
  EXPECT_EQ(out.records.size(), 2u);
}

TEST(CsvReaderTest, TextAfterClosingQuoteIsAnErrorAndReadingGoesOn) {
  auto out = ReadAll("a,b\n\"x\"y,2\n3,4\n");
  ASSERT_EQ(out.errors.size(), 1u);
  EXPECT_EQ(out.errors[0], "line 2, column 4: unexpected character after a closing quote");
  EXPECT_EQ(out.records, (Records{{"a", "b"}, {"3", "4"}}));
}

TEST(CsvReaderTest, LineNumbersCountBreaksInsideQuotes) {
  auto out = ReadAll("a\n\"1\n2\n3\"\n\"x\"y\n");
  ASSERT_EQ(out.errors.size(), 1u);
  EXPECT_EQ(out.errors[0].substr(0, 17), "line 5, column 4:");
}

TEST(CsvReaderTest, QuoteInsideUnquotedFieldIsLiteral) {
  auto out = ReadAll("5\" pipe,x\n");
  EXPECT_EQ(out.records, (Records{{"5\" pipe", "x"}}));
}

TEST(CsvReaderTest, DialectDelimiterQuoteEscapeCommentTrim) {
  CsvOptions options;
  options.delimiter = ';';
  options.quote = '\'';
  options.escape = '\\';
  options.comment = '#';
  options.trim = true;
  auto out = ReadAll("# a comment\n a ; 'b\\'c' ;d\\;e \n#another\n'x\\\\y';  \n", options);
  ASSERT_TRUE(out.errors.empty()) << out.errors[0];
  EXPECT_EQ(out.records, (Records{{"a", "b'c", "d;e"}, {"x\\y", ""}}));
}

TEST(CsvReaderTest, TabSeparatedWithLoneCarriageReturns) {
  CsvOptions options;
  options.delimiter = '\t';
  auto out = ReadAll("a\tb\r1\t2\r", options);
  EXPECT_EQ(out.records, (Records{{"a", "b"}, {"1", "2"}}));
}

TEST(CsvReaderTest, TrimKeepsATabDelimiter) {
  CsvOptions options;
  options.delimiter = '\t';
  options.trim = true;
  auto out = ReadAll("a\t\t b \n", options);
  EXPECT_EQ(out.records, (Records{{"a", "", "b"}}));
}

TEST(CsvReaderTest, OverlongRecordEndsTheInput) {
  CsvOptions options;
  options.max_row_bytes = 16;
  auto out = ReadAll("a,b\n\"" + std::string(100, 'x') + "\n1,2\n", options, 8);
  ASSERT_EQ(out.errors.size(), 1u);
  EXPECT_NE(out.errors[0].find("longer than 16 bytes"), std::string::npos);
  EXPECT_EQ(out.records.size(), 1u);
}

TEST(CsvReaderTest, FieldPlaceCountsCodePoints) {
  CsvReader reader({});
  reader.Feed("\xC3\xA9t\xC3\xA9,x\n");
  reader.Finish();
  auto step = reader.Next();
  ASSERT_TRUE(step.ok());
  EXPECT_EQ(reader.FieldPlace(1), "line 1, column 5");
}

}  // namespace
}  // namespace erphub::formats::csv
