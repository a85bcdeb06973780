#pragma once

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace erphub::formats::edifact::testing {

inline std::string ReadBytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// The corpus copies kept in the repository (licences allow it; see tests/data/SOURCES.md).
inline std::filesystem::path RepoCorpusDir() {
  return std::filesystem::path(ERPHUB_SOURCE_DIR) / "tests/data/formats/edifact";
}

// The full shared corpus, present on development machines only. The environment variable
// ERPHUB_SHARED_DIR overrides the build's default (for checkouts not next to shared/).
inline std::filesystem::path SharedCorpusDir() {
  const char* from_environment = std::getenv("ERPHUB_SHARED_DIR");
  std::filesystem::path shared = from_environment != nullptr ? from_environment : ERPHUB_SHARED_DIR;
  return shared / "data/edi";
}

// What each malformed sample must produce. Every corpus file not listed here is valid.
struct MalformedSample {
  std::string file;
  std::string strict_tag;       // the tag the strict error names
  bool lenient_accepts;         // a common real-world fault
  std::set<int> lenient_codes;  // codes that must be among the lenient warnings
};

inline const std::vector<MalformedSample>& MalformedSamples() {
  static const std::vector<MalformedSample> samples = {
      {"IFCSUM_edinet_newlines-no-una.edi", "UNB", false, {}},
      {"INVOIC_edifabric_malformed-missing-une.edi", "UNZ", true, {13}},
      {"INVOIC_edifabric_malformed-missing-unz.edi", "UNA", true, {13}},
      {"INVOIC_edifabric_malformed-trailers.edi", "1r", true, {18}},
      {"INVOIC_edifabric_malformed-unb.edi", "FNB", false, {}},
      {"INVOIC_edifabric_multiple-messages.edi", "UNH", true, {26, 28, 29}},
      {"INVOIC_smooks_una-repetition.edi", "UNT", true, {29}},
      {"ORDERS_edifactrs_malformed-no-unb.edi", "BGM", false, {}},
      {"ORDERS_erphub_malformed-qty.edi", "QTY", true, {37}},
      {"ORDERS_erphub_malformed-unt-count.edi", "UNT", true, {29}},
      {"ORDERS_phpedifact_unescaped-separators.edi", "IMD", true, {16}},
      {"ORDERS_smooks_malformed-too-many-dtm.edi", "DTM", true, {29, 35}},
      {"ORDRSP_edinet_single-line.edi", "DTM", true, {28, 29}},
  };
  return samples;
}

inline const MalformedSample* FindMalformed(std::string_view file) {
  for (const MalformedSample& sample : MalformedSamples()) {
    if (sample.file == file) {
      return &sample;
    }
  }
  return nullptr;
}

inline std::vector<std::filesystem::path> EdiFiles(const std::filesystem::path& dir) {
  std::vector<std::filesystem::path> files;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(dir, error)) {
    if (entry.path().extension() == ".edi") {
      files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace erphub::formats::edifact::testing
