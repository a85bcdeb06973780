#pragma once

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

// Helpers shared by the X12 tests: reading files and locating the corpus.
namespace erphub::formats::x12::testing {

inline std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The shared EDI corpus (../shared/data/edi), or an empty path when it is not there.
// The environment variable ERPHUB_SHARED_DIR overrides the build-time location.
inline std::filesystem::path SharedCorpus() {
  const char* override_dir = std::getenv("ERPHUB_SHARED_DIR");
  std::filesystem::path shared = override_dir != nullptr ? override_dir : ERPHUB_SHARED_DIR;
  std::filesystem::path dir = shared / "data" / "edi";
  return std::filesystem::exists(dir / "manifest.json") ? dir : std::filesystem::path();
}

// The corpus copies kept in the repository (MIT/BSD/Apache/CC0 files only).
inline std::filesystem::path RepoCopies() {
  return std::filesystem::path(ERPHUB_SOURCE_DIR) / "tests" / "data" / "formats" / "x12";
}

inline std::vector<std::filesystem::path> EdiFiles(const std::filesystem::path& dir) {
  std::vector<std::filesystem::path> files;
  if (dir.empty() || !std::filesystem::exists(dir)) {
    return files;
  }
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() == ".edi") {
      files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace erphub::formats::x12::testing
