// The EDI corpus: every valid interchange parses and round-trips, every malformed one is rejected
// with its place (and, when it is a common real-world fault, accepted leniently with a warning).
#include <gtest/gtest.h>

#include <filesystem>
#include <set>
#include <string>

#include "core/json.h"
#include "edifact_test_support.h"
#include "formats/edifact/edifact.h"

namespace erphub::formats::edifact {
namespace {

using testing::EdiFiles;
using testing::FindMalformed;
using testing::ReadBytes;

std::set<int> WarningCodes(const Value& document) {
  std::set<int> codes;
  const Value& warnings = document.Get("warnings");
  if (warnings.is_array()) {
    for (const Value& warning : warnings.as_array()) {
      codes.insert(static_cast<int>(warning.Get("code").as_number().ToDouble()));
    }
  }
  return codes;
}

// Checks one file against what it must give; returns how many were valid.
void CheckFile(const std::filesystem::path& path) {
  SCOPED_TRACE(path.filename().string());
  std::string bytes = ReadBytes(path);
  const auto* malformed = FindMalformed(path.filename().string());
  auto strict = Parse(bytes, ParseOptions{.lenient = false});
  auto lenient = Parse(bytes, ParseOptions{.lenient = true});
  if (malformed == nullptr) {
    ASSERT_TRUE(strict.ok()) << strict.status().ToString();
    ASSERT_TRUE(lenient.ok()) << lenient.status().ToString();
    EXPECT_TRUE(DeepEqual(*strict, *lenient)) << "a valid file gives the same JSON leniently";
    EXPECT_TRUE(strict->Get("warnings").is_undefined());
    auto rendered = Render(*strict, RenderOptions());
    ASSERT_TRUE(rendered.ok()) << rendered.status().ToString();
    auto again = Parse(*rendered, ParseOptions{});
    ASSERT_TRUE(again.ok()) << again.status().ToString() << "\n" << *rendered;
    EXPECT_TRUE(DeepEqual(*strict, *again)) << ToJson(*strict) << "\n" << ToJson(*again);
    auto compact = Render(*strict, RenderOptions{.line_breaks = false});
    ASSERT_TRUE(compact.ok());
    auto from_compact = Parse(*compact, ParseOptions{});
    ASSERT_TRUE(from_compact.ok());
    EXPECT_TRUE(DeepEqual(*strict, *from_compact));
    return;
  }
  ASSERT_FALSE(strict.ok()) << "strict parsing must reject it";
  EXPECT_EQ(strict.status().code(), StatusCode::kParse);
  std::string context(strict.status().context());
  EXPECT_NE(context.find("segment "), std::string::npos) << context;
  EXPECT_NE(context.find("(" + malformed->strict_tag + ")"), std::string::npos)
      << strict.status().ToString();
  EXPECT_NE(context.find("at byte "), std::string::npos) << context;
  EXPECT_FALSE(strict.status().message().empty());
  if (!malformed->lenient_accepts) {
    EXPECT_FALSE(lenient.ok()) << "not a fault to tolerate";
    return;
  }
  ASSERT_TRUE(lenient.ok()) << lenient.status().ToString();
  std::set<int> codes = WarningCodes(*lenient);
  for (int code : malformed->lenient_codes) {
    EXPECT_TRUE(codes.count(code) > 0)
        << "missing warning code " << code << " in " << ToJson(lenient->Get("warnings"));
  }
  for (const Value& warning : lenient->Get("warnings").as_array()) {
    EXPECT_TRUE(warning.Get("reason").is_string());
    EXPECT_TRUE(warning.Get("segment").is_number());
    EXPECT_TRUE(warning.Get("offset").is_number());
  }
}

TEST(EdifactCorpusTest, RepositoryCopies) {
  auto files = EdiFiles(testing::RepoCorpusDir());
  ASSERT_GE(files.size(), 20u);
  for (const auto& path : files) {
    CheckFile(path);
  }
}

TEST(EdifactCorpusTest, SharedCorpus) {
  auto dir = testing::SharedCorpusDir();
  if (!std::filesystem::exists(dir / "manifest.json")) {
    GTEST_SKIP() << "shared EDI corpus not found at " << dir.string()
                 << " (ERPHUB_SHARED_DIR); the repository copies are tested instead";
  }
  auto manifest = ParseJson(ReadBytes(dir / "manifest.json"));
  ASSERT_TRUE(manifest.ok());
  int valid = 0;
  int malformed = 0;
  for (const Value& entry : manifest->as_array()) {
    std::string file(entry.Get("file").as_string());
    if (file.rfind("edifact/", 0) != 0) {
      continue;
    }
    std::string name = file.substr(8);
    std::string notes(entry.Get("notes").as_string());
    bool manifest_valid = entry.Get("envelope_check").Get("valid_envelope").as_bool() &&
                          notes.rfind("MALFORMED", 0) != 0;
    // The manifest and this test's list of faulty samples must agree.
    EXPECT_EQ(manifest_valid, FindMalformed(name) == nullptr) << name;
    CheckFile(dir / file);
    (manifest_valid ? valid : malformed)++;
  }
  EXPECT_EQ(valid + malformed, 35);
  EXPECT_EQ(malformed, static_cast<int>(testing::MalformedSamples().size()));
}

}  // namespace
}  // namespace erphub::formats::edifact
