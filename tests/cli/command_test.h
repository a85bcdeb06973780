#pragma once

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace erphub::cli::testing {

// Runs the real erphub binary in a scratch folder and captures what it prints.
class CommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (std::filesystem::temp_directory_path() / "erphub-cli-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  void Write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name, std::ios::binary) << text;
  }

  static std::string Read(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
  }

  // Runs `erphub args` with stdout to `out_file` (kept in out_) and stderr in err_; returns the
  // exit code.
  int Run(const std::string& args, const std::string& out_file = "out.txt") {
    std::string command = "cd '" + dir_.string() + "' && '" ERPHUB_BINARY "' " + args + " >" +
                          out_file + " 2>err.txt";
    int status = std::system(command.c_str());
    out_ = Read(dir_ / out_file);
    err_ = Read(dir_ / "err.txt");
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

  std::filesystem::path dir_;
  std::string out_;
  std::string err_;
};

}  // namespace erphub::cli::testing
