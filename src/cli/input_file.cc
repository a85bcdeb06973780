#include "cli/input_file.h"

namespace erphub::cli {

Result<InputFile> OpenInput(const std::string& path) {
  if (path == "-") {
    return InputFile(stdin);
  }
  InputFile file(std::fopen(path.c_str(), "rb"));
  if (!file) {
    return NotFoundError("cannot open file", path);
  }
  return file;
}

Result<std::string> ReadInput(const std::string& path) {
  ERPHUB_ASSIGN_OR_RETURN(InputFile file, OpenInput(path));
  std::string text;
  char chunk[1 << 16];
  size_t n = 0;
  while ((n = std::fread(chunk, 1, sizeof chunk, file.get())) > 0) {
    text.append(chunk, n);
  }
  if (std::ferror(file.get())) {
    return UnavailableError("read error", path);
  }
  return text;
}

}  // namespace erphub::cli
