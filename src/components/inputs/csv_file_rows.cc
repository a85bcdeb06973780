#include "components/inputs/csv_file_rows.h"

#include <cstdlib>
#include <utility>

namespace erphub::components {

namespace {
constexpr size_t kChunkBytes = 1 << 20;
}  // namespace

CsvFileRows::CsvFileRows(const std::filesystem::path& path, const formats::csv::CsvOptions& options,
                         std::function<void(std::string_view)> on_chunk)
    : in_(path, std::ios::binary),
      path_(path),
      reader_(options),
      shaper_(options),
      on_chunk_(std::move(on_chunk)) {}

std::string_view CsvFileRows::raw() const {
  std::string_view text = reader_.raw();
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) {
    text.remove_suffix(1);
  }
  return text;
}

Status CsvFileRows::ReadChunk() {
  if (!in_.is_open()) {
    return UnavailableError("cannot open " + path_.string());
  }
  chunk_.resize(kChunkBytes);
  in_.read(chunk_.data(), static_cast<std::streamsize>(chunk_.size()));
  if (in_.bad()) {
    return UnavailableError("cannot read " + path_.string());
  }
  chunk_.resize(static_cast<size_t>(in_.gcount()));
  if (chunk_.empty()) {
    reader_.Finish();
    finished_ = true;
    return Status::Ok();
  }
  if (on_chunk_) {
    on_chunk_(chunk_);
  }
  reader_.Feed(chunk_);
  return Status::Ok();
}

Result<CsvFileRows::Event> CsvFileRows::Next() {
  while (true) {
    auto step = reader_.Next();
    if (!step.ok()) {
      problem_ = step.status();
      if (!reader_.can_continue()) {
        return problem_;
      }
      return Event::kBadRow;
    }
    if (*step == formats::csv::CsvReader::Step::kEnd) {
      return Event::kEnd;
    }
    if (*step == formats::csv::CsvReader::Step::kNeedMore) {
      if (finished_) {
        return Event::kEnd;
      }
      ERPHUB_TRY(ReadChunk());
      continue;
    }
    auto taken = shaper_.Take(reader_);
    if (!taken.ok()) {
      problem_ = taken.status();
      if (!shaper_.can_continue()) {
        return problem_;
      }
      return Event::kBadRow;
    }
    if (*taken == formats::csv::RowShaper::Taken::kRow) {
      return Event::kRow;
    }
  }
}

std::string RowProblemText(std::string_view file_name, int64_t line, const Status& problem) {
  std::string_view context = problem.context();
  // The line comes first, once: "line 3, column 7 (qty)" -> "column 7 (qty)".
  if (context.starts_with("line ")) {
    size_t digits = 5;
    while (digits < context.size() && context[digits] >= '0' && context[digits] <= '9') {
      ++digits;
    }
    if (digits > 5) {
      line = std::atoll(std::string(context.substr(5, digits - 5)).c_str());
      context.remove_prefix(digits);
      while (!context.empty() && (context.front() == ',' || context.front() == ' ')) {
        context.remove_prefix(1);
      }
    }
  }
  std::string text = std::string(file_name) + ":" + std::to_string(line) + ": ";
  if (!context.empty()) {
    text += std::string(context) + ": ";
  }
  text += problem.message();
  return text;
}

}  // namespace erphub::components
