// The X12 files of the EDI corpus: valid envelopes parse strictly and round-trip; malformed ones
// are rejected strictly with a position and accepted leniently with the fault listed.
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "core/json.h"
#include "formats/x12/x12.h"
#include "formats/x12_test_util.h"

namespace erphub::formats::x12 {
namespace {

using testing::EdiFiles;
using testing::ReadFile;

// What each corpus file must give. `strict_error` is a piece of the strict-mode error;
// `warning` a code lenient mode must list ("" for a file that is valid).
struct Expectation {
  bool strict_ok;
  std::string strict_error;
  bool lenient_ok;
  std::string warning;
};

const std::map<std::string, Expectation>& Expectations() {
  static const auto* table = new std::map<std::string, Expectation>{
      {"810_edifabric_malformed-isa.edi", {false, "does not start with an ISA", false, ""}},
      {"810_edifabric_malformed-missing-ge.edi", {false, "no GE trailer", true, "ge_missing"}},
      {"810_edifabric_malformed-segment.edi",
       {false, "FTE is not a known segment", true, "segment_placement"}},
      {"810_edinet_a.edi", {false, "not fixed width", true, "isa_not_fixed_width"}},
      {"810_edinet_b.edi", {false, "not fixed width", true, "isa_not_fixed_width"}},
      {"810_edinet_c.edi", {false, "not fixed width", true, "isa_not_fixed_width"}},
      {"810_oopfactory_walmart.edi",
       {false, "TDS is out of sequence", true, "unterminated_segment"}},
      {"837_imsweb_different-separators.edi", {false, "SE01 is 25", true, "se_count_mismatch"}},
      {"850_derived_bad-counts.edi", {false, "GE01 is 2", true, "ge_count_mismatch"}},
      {"850_derived_bad-ge-control.edi",
       {false, "GE02 1422 does not match GS06 1421", true, "ge_control_mismatch"}},
      {"850_derived_bad-iea-control.edi",
       {false, "IEA02 000003439 does not match ISA13 000003438", true, "iea_control_mismatch"}},
      {"850_derived_isa-unpadded.edi", {false, "ISA04 has 5 bytes", true, "isa_not_fixed_width"}},
      {"850_edinet_indented.edi", {false, "not fixed width", true, "iea_control_mismatch"}},
      {"850_edinet_malformed-se-count.edi", {false, "not fixed width", true, "se_count_mismatch"}},
      {"850_edinet_nbsp-in-isa.edi",
       {false, "IEA02 000000001 does not match ISA13 000000055", true, "iea_control_mismatch"}},
      {"855_oopfactory_adobe.edi", {false, "no segment terminator", true, "unterminated_segment"}},
  };
  return *table;
}

Expectation ExpectationFor(const std::string& name) {
  auto it = Expectations().find(name);
  if (it != Expectations().end()) {
    return it->second;
  }
  return Expectation{true, "", true, ""};
}

bool HasWarning(const Value& document, std::string_view code) {
  const Value& warnings = document.Get("warnings");
  if (!warnings.is_array()) return false;
  for (size_t i = 0; i < warnings.size(); ++i) {
    if (warnings[i].Get("code").is_string() && warnings[i].Get("code").as_string() == code) {
      return true;
    }
  }
  return false;
}

void CheckFile(const std::filesystem::path& path) {
  SCOPED_TRACE(path.filename().string());
  std::string bytes = ReadFile(path);
  Expectation expected = ExpectationFor(path.filename().string());

  auto strict = Parse(bytes, ParseOptions{});
  if (expected.strict_ok) {
    ASSERT_TRUE(strict.ok()) << strict.status().ToString();
    // Round trip: render and parse again gives the same JSON.
    auto rendered = Render(*strict, RenderOptions{});
    ASSERT_TRUE(rendered.ok()) << rendered.status().ToString();
    auto again = Parse(*rendered, ParseOptions{});
    ASSERT_TRUE(again.ok()) << again.status().ToString() << "\n" << *rendered;
    EXPECT_TRUE(ToJson(*strict) == ToJson(*again)) << "round trip differs; rendered:\n"
                                                   << *rendered;
  } else {
    ASSERT_FALSE(strict.ok());
    EXPECT_EQ(strict.status().code(), StatusCode::kParse);
    std::string text = strict.status().ToString();
    EXPECT_NE(text.find(expected.strict_error), std::string::npos) << text;
    // The position: segment index, tag when there is one, byte offset.
    EXPECT_NE(text.find("segment "), std::string::npos) << text;
    EXPECT_NE(text.find(" at byte "), std::string::npos) << text;
  }

  ParseOptions lenient_options;
  lenient_options.lenient = true;
  auto lenient = Parse(bytes, lenient_options);
  if (expected.lenient_ok) {
    ASSERT_TRUE(lenient.ok()) << lenient.status().ToString();
    if (!expected.warning.empty()) {
      EXPECT_TRUE(HasWarning(*lenient, expected.warning)) << ToJson(lenient->Get("warnings"));
    }
  } else {
    EXPECT_FALSE(lenient.ok());
  }
}

TEST(X12CorpusTest, RepositoryCopies) {
  auto files = EdiFiles(testing::RepoCopies());
  ASSERT_FALSE(files.empty()) << "tests/data/formats/x12 holds the corpus copies";
  for (const auto& path : files) {
    CheckFile(path);
  }
}

TEST(X12CorpusTest, SharedCorpus) {
  auto dir = testing::SharedCorpus();
  if (dir.empty()) {
    GTEST_SKIP() << "the shared EDI corpus (ERPHUB_SHARED_DIR/data/edi) is not on this machine";
  }
  auto manifest = ParseJson(ReadFile(dir / "manifest.json"));
  ASSERT_TRUE(manifest.ok());
  int files = 0;
  for (size_t i = 0; i < manifest->size(); ++i) {
    const Value& entry = (*manifest)[i];
    std::string file(entry.Get("file").as_string());
    if (file.rfind("x12/", 0) != 0) continue;
    ++files;
    // Cross-check the table with the corpus's own envelope check.
    bool valid = entry.Get("envelope_check").Get("valid_envelope").is_bool() &&
                 entry.Get("envelope_check").Get("valid_envelope").as_bool() &&
                 entry.Get("notes").as_string().rfind("MALFORMED", 0) != 0;
    EXPECT_EQ(valid, ExpectationFor(file.substr(4)).strict_ok) << file;
    CheckFile(dir / file);
  }
  EXPECT_GE(files, 40);
}

}  // namespace
}  // namespace erphub::formats::x12
