// `erphub parse --format x12` and `erphub render --format x12` on the real binary.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace {

namespace fs = std::filesystem;

const fs::path kCorpus = fs::path(ERPHUB_SOURCE_DIR) / "tests" / "data" / "formats" / "x12";

class X12CommandsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "erphub-x12-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { fs::remove_all(dir_); }

  static std::string Read(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
  }

  // Runs `erphub args` with stdout to `out_file`; returns the exit code.
  int Run(const std::string& args, const std::string& out_file = "out.txt") {
    std::string command = "cd '" + dir_.string() + "' && '" ERPHUB_BINARY "' " + args + " >" +
                          out_file + " 2>err.txt";
    int status = std::system(command.c_str());
    out_ = Read(dir_ / out_file);
    err_ = Read(dir_ / "err.txt");
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

  fs::path dir_;
  std::string out_;
  std::string err_;
};

TEST_F(X12CommandsTest, ParseThenRenderThenParseGivesTheSameJson) {
  std::string file = (kCorpus / "856_nodex12.edi").string();
  ASSERT_EQ(Run("parse --format x12 '" + file + "'", "first.json"), 0) << err_;
  std::string first = out_;
  EXPECT_NE(first.find("\"loop\":\"HL\""), std::string::npos);
  ASSERT_EQ(Run("render --format x12 first.json", "again.edi"), 0) << err_;
  ASSERT_EQ(Run("parse --format x12 again.edi", "second.json"), 0) << err_;
  EXPECT_EQ(out_, first);
}

TEST_F(X12CommandsTest, MalformedExitsOneNamingTheSegment) {
  std::string file = (kCorpus / "850_derived_bad-iea-control.edi").string();
  EXPECT_EQ(Run("parse --format x12 '" + file + "'"), 1);
  EXPECT_NE(err_.find("segment 37 (IEA) at byte "), std::string::npos) << err_;
  EXPECT_NE(err_.find("IEA02 000003439 does not match ISA13 000003438"), std::string::npos);
  EXPECT_EQ(out_, "");
}

TEST_F(X12CommandsTest, LenientListsTheFault) {
  std::string file = (kCorpus / "850_derived_bad-iea-control.edi").string();
  ASSERT_EQ(Run("parse --format x12 --lenient '" + file + "'"), 0) << err_;
  EXPECT_NE(out_.find("\"warnings\":[{\"code\":\"iea_control_mismatch\""), std::string::npos);
  EXPECT_NE(err_.find("accepted: segment 37 (IEA) at byte "), std::string::npos) << err_;
}

}  // namespace
