#include "formats/data_files.h"

namespace erphub::formats {

// Defined in the generated formats_data.cc.
extern const DataFileEntry kDataFiles[];
extern const size_t kDataFileCount;

std::optional<std::string_view> DataFile(std::string_view path) {
  for (size_t i = 0; i < kDataFileCount; ++i) {
    if (kDataFiles[i].path == path) {
      return kDataFiles[i].content;
    }
  }
  return std::nullopt;
}

}  // namespace erphub::formats
