#pragma once

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <system_error>

namespace erphub::tools {

// Writes the port a tool listens on to `path`, whole or not at all (temp + rename), so a script
// polling for the file never reads half a number. False when it could not be written.
inline bool WritePortFile(const std::string& path, uint16_t port) {
  const std::string temp = path + ".tmp";
  {
    std::ofstream out(temp);
    out << port << "\n";
    if (!out) {
      return false;
    }
  }
  std::error_code ec;
  std::filesystem::rename(temp, path, ec);
  return !ec;
}

}  // namespace erphub::tools
