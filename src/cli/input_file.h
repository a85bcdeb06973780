#pragma once

#include <cstdio>
#include <memory>
#include <string>

#include "core/result.h"

namespace erphub::cli {

// Closes the file when it goes out of scope (never stdin).
struct FileCloser {
  void operator()(std::FILE* file) const {
    if (file != nullptr && file != stdin) {
      std::fclose(file);
    }
  }
};
using InputFile = std::unique_ptr<std::FILE, FileCloser>;

// A command's input file; "-" is stdin. kNotFound naming the path when it cannot be opened.
Result<InputFile> OpenInput(const std::string& path);
// The whole input file ("-": stdin).
Result<std::string> ReadInput(const std::string& path);

}  // namespace erphub::cli
