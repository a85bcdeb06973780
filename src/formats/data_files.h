#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

// The definition files of src/formats/data/ (X12 transaction sets, EDIFACT messages), compiled
// into the library by cmake/embed_data.cmake so that the binary needs no files beside it.
namespace erphub::formats {

struct DataFileEntry {
  std::string_view path;  // relative to src/formats/data, e.g. "x12/850.json"
  std::string_view content;
};

// The content of a data file, or nullopt when there is none of that name.
std::optional<std::string_view> DataFile(std::string_view path);

}  // namespace erphub::formats
