// The definition files are compiled in: the binary reads nothing from the source tree.
#include "formats/data_files.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace erphub::formats {
namespace {

namespace fs = std::filesystem;

TEST(DataFilesTest, EveryFileOfTheDataFolderIsCompiledInAsItIs) {
  fs::path data = fs::path(ERPHUB_SOURCE_DIR) / "src/formats/data";
  int files = 0;
  for (const auto& entry : fs::recursive_directory_iterator(data)) {
    if (entry.path().extension() != ".json") {
      continue;
    }
    std::ifstream in(entry.path(), std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    std::string relative = fs::relative(entry.path(), data).generic_string();
    std::optional<std::string_view> embedded = DataFile(relative);
    ASSERT_TRUE(embedded.has_value()) << relative;
    EXPECT_EQ(*embedded, text.str()) << relative;
    ++files;
  }
  EXPECT_GE(files, 14);
}

TEST(DataFilesTest, UnknownNameHasNone) {
  EXPECT_FALSE(DataFile("x12/999.json").has_value());
  EXPECT_FALSE(DataFile("").has_value());
}

}  // namespace
}  // namespace erphub::formats
