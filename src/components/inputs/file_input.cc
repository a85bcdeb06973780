#include "components/inputs/file_input.h"

#include <openssl/evp.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "components/atomic_file.h"
#include "components/codec_config.h"
#include "components/factory_support.h"
#include "components/inputs/csv_file_rows.h"
#include "components/inputs/interchange_parts.h"
#include "components/inputs/poller.h"
#include "core/json.h"
#include "formats/csv/csv_document.h"

namespace erphub::components {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;

// How much of a file that failed as a whole (its key expression, say) its quarantine entry
// keeps; the file itself is kept whole in failed/.
constexpr size_t kMaxQuarantinedBytes = 64 << 10;
// X12 and EDIFACT files up to this size are parsed once, their parts kept in memory; larger ones
// are parsed twice (check, then commit) to stay in bounded memory.
constexpr uintmax_t kKeptPartsBytes = 8 << 20;

using formats::Format;

enum class Split { kAuto, kRecord, kDocument };

struct FileInputSettings {
  fs::path dir;
  fs::path done_dir;
  fs::path failed_dir;
  std::string format;  // auto, or a format's name
  Split split = Split::kAuto;
  formats::CodecOptions codec;
  bool quarantine_bad_rows = false;  // CSV on_bad_row: quarantine
  std::optional<Format> ack;         // write the acknowledgement of this format's files
  fs::path ack_dir;
  milliseconds poll_interval{1000};
  size_t batch_rows = 1000;  // CSV rows, X12 sets or EDIFACT messages per commit
};

// Why a file cannot become messages: where (the line, for ndjson) and what is wrong.
struct RecordError {
  std::string reason;  // "orders.ndjson:3: malformed JSON at column 7: expected ..."
  std::string raw;     // the offending record's text
};

std::string HexPrefix(const unsigned char* digest, unsigned int size) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < 8 && i < size; ++i) {
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 15];
  }
  return out;
}

std::string Sha256Prefix(std::string_view content) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_Digest(content.data(), content.size(), digest, &size, EVP_sha256(), nullptr);
  return HexPrefix(digest, size);
}

// SHA-256 over data that arrives in pieces.
class Sha256Stream {
 public:
  Sha256Stream() : ctx_(EVP_MD_CTX_new(), EVP_MD_CTX_free) {
    EVP_DigestInit_ex(ctx_.get(), EVP_sha256(), nullptr);
  }
  void Update(std::string_view data) { EVP_DigestUpdate(ctx_.get(), data.data(), data.size()); }
  std::string Prefix() {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int size = 0;
    EVP_DigestFinal_ex(ctx_.get(), digest, &size);
    return HexPrefix(digest, size);
  }

 private:
  std::unique_ptr<EVP_MD_CTX, void (*)(EVP_MD_CTX*)> ctx_;
};

std::string_view TrimLine(std::string_view line) {
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t')) {
    line.remove_suffix(1);
  }
  return line;
}

bool IsBlank(std::string_view line) {
  return line.find_first_not_of(" \t\r") == std::string_view::npos;
}

// "column 7" out of the parser's "line 1, column 7".
std::string ColumnOf(std::string_view context) {
  size_t at = context.find("column ");
  return at == std::string_view::npos ? std::string(context) : std::string(context.substr(at));
}

std::string JsonErrorText(const Status& error, std::string_view where) {
  std::string text = "malformed JSON";
  if (!where.empty()) {
    text += " at ";
    text += where;
  }
  text += ": ";
  text += error.message();
  return text;
}

Result<std::string> ReadWholeFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return UnavailableError("cannot open " + path.string());
  }
  std::ostringstream content;
  content << in.rdbuf();
  if (in.bad()) {
    return UnavailableError("cannot read " + path.string());
  }
  return content.str();
}

// Hands the file's bytes to `chunk` a piece at a time; kUnavailable when it cannot be read.
Status ReadChunks(const fs::path& path, const std::function<void(std::string_view)>& chunk) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return UnavailableError("cannot open " + path.string());
  }
  std::string buffer(1 << 20, '\0');
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    if (in.gcount() > 0) {
      chunk(std::string_view(buffer.data(), static_cast<size_t>(in.gcount())));
    }
  }
  if (in.bad()) {
    return UnavailableError("cannot read " + path.string());
  }
  return Status::Ok();
}

// The first `size` bytes of the file (fewer when it is shorter or unreadable).
std::string ReadHead(const fs::path& path, size_t size) {
  std::ifstream in(path, std::ios::binary);
  std::string head(size, '\0');
  in.read(head.data(), static_cast<std::streamsize>(size));
  head.resize(in ? size : static_cast<size_t>(std::max<std::streamsize>(in.gcount(), 0)));
  return head;
}

// `dir/name`, or `dir/STEM-2.EXT`, `dir/STEM-3.EXT`... when that is taken, so that a file of the
// same name moved there earlier is never replaced.
fs::path FreeName(const fs::path& dir, const fs::path& name) {
  fs::path candidate = dir / name;
  std::error_code ec;
  for (int n = 2; fs::exists(candidate, ec) || fs::exists(candidate.string() + ".error", ec); ++n) {
    candidate = dir / (name.stem().string() + "-" + std::to_string(n) + name.extension().string());
  }
  return candidate;
}

// `path` without "." and ".." parts and without a trailing separator, for comparing folders.
fs::path Normal(const fs::path& path) {
  fs::path normal = path.lexically_normal();
  return normal.has_filename() ? normal : normal.parent_path();
}

class FileInput final : public Input {
 public:
  explicit FileInput(FileInputSettings settings) : settings_(std::move(settings)) {}
  ~FileInput() override { Stop(); }

  Status Start(const InputContext& context) override {
    if (context.intake == nullptr) {
      return InternalError("file input started without an intake");
    }
    context_ = context;
    std::vector<fs::path> dirs = {settings_.dir, settings_.done_dir, settings_.failed_dir};
    if (settings_.ack.has_value()) {
      dirs.push_back(settings_.ack_dir);
    }
    for (const fs::path& dir : dirs) {
      std::error_code ec;
      fs::create_directories(dir, ec);
      if (ec) {
        return Status(StatusCode::kFailedPrecondition,
                      "cannot create folder " + dir.string() + ": " + ec.message());
      }
    }
    poller_.Start([this] { Run(); });
    return Status::Ok();
  }

  void Stop() override { poller_.Stop(); }

 private:
  // A file's size and modification time at one scan.
  struct Snapshot {
    uintmax_t size = 0;
    fs::file_time_type modified;
    bool operator==(const Snapshot&) const = default;
  };

  // What became of a file: handled (moved to done/ or failed/), or left for a later scan.
  enum class Outcome { kHandled, kPause };

  void Run() {
    while (true) {
      Scan();
      if (!poller_.Pause()) {
        return;
      }
    }
  }

  // The format a file is read in, or nullopt for files this input leaves alone. ".edi" files
  // read as kX12 here; their first segment decides (DetectInterchange).
  std::optional<Format> FormatOf(const fs::path& path) const {
    std::string ext = path.extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    bool json_ext = ext == ".json" || ext == ".ndjson" || ext == ".jsonl";
    if (settings_.format == "json" || settings_.format == "ndjson") {
      if (!json_ext) {
        return std::nullopt;
      }
      return settings_.format == "json" ? Format::kJson : Format::kNdjson;
    }
    if (settings_.format != "auto") {
      // An explicit document format reads every file dropped in, whatever its name.
      return formats::FormatFromName(settings_.format);
    }
    if (ext == ".json") {
      return Format::kJson;
    }
    if (ext == ".ndjson" || ext == ".jsonl") {
      return Format::kNdjson;
    }
    if (ext == ".csv") {
      return Format::kCsv;
    }
    if (ext == ".xml") {
      return Format::kXml;
    }
    if (ext == ".x12" || ext == ".edi") {
      return Format::kX12;
    }
    if (ext == ".edifact") {
      return Format::kEdifact;
    }
    return std::nullopt;
  }

  bool WholeFile(Format format) const {
    if (settings_.split == Split::kDocument) {
      return true;
    }
    return settings_.split == Split::kAuto && format == Format::kXml;
  }

  void Scan() {
    std::map<fs::path, Snapshot> seen;
    std::vector<fs::path> ready;
    std::error_code ec;
    for (fs::directory_iterator it(settings_.dir, ec), end; !ec && it != end; it.increment(ec)) {
      const fs::path& path = it->path();
      std::error_code entry_ec;
      if (!it->is_regular_file(entry_ec) || path.filename().string().starts_with(".") ||
          !FormatOf(path).has_value()) {
        continue;
      }
      Snapshot now{it->file_size(entry_ec), it->last_write_time(entry_ec)};
      if (entry_ec) {
        continue;
      }
      auto previous = seen_.find(path);
      if (previous != seen_.end() && previous->second == now) {
        ready.push_back(path);
      }
      seen.emplace(path, now);
    }
    seen_ = std::move(seen);
    std::sort(ready.begin(), ready.end());
    for (const fs::path& path : ready) {
      if (poller_.stopping() || ProcessFile(path) == Outcome::kPause) {
        return;
      }
    }
  }

  // Parses a JSON or NDJSON file into intake items, or the first record that is not JSON.
  Result<std::vector<IntakeItem>, RecordError> ParseJsonRecords(const fs::path& path, Format format,
                                                                std::string_view content) const {
    std::string name = path.filename().string();
    std::string id_base = name + "@" + Sha256Prefix(content);
    if (content.starts_with("\xEF\xBB\xBF")) {  // a byte order mark some editors write
      content.remove_prefix(3);
    }
    std::vector<IntakeItem> items;
    if (format == Format::kNdjson && !WholeFile(format)) {
      size_t line_number = 0;
      size_t pos = 0;
      while (pos < content.size()) {
        size_t end = content.find('\n', pos);
        if (end == std::string_view::npos) {
          end = content.size();
        }
        std::string_view line = TrimLine(content.substr(pos, end - pos));
        pos = end + 1;
        ++line_number;
        if (IsBlank(line)) {
          continue;
        }
        std::string at = name + ":" + std::to_string(line_number);
        auto record = ParseJson(line);
        if (!record.ok()) {
          return RecordError{
              at + ": " + JsonErrorText(record.error(), ColumnOf(record.error().context())),
              std::string(line)};
        }
        items.push_back(IntakeItem{.payload = std::move(*record),
                                   .headers = {},
                                   .event_id = id_base + ":" + std::to_string(line_number),
                                   .source = "file " + at});
      }
      return items;
    }
    auto document = format == Format::kNdjson ? formats::ParseDocument(format, content, {})
                                              : ParseJson(content);
    if (!document.ok()) {
      return RecordError{name + ": " + JsonErrorText(document.error(), document.error().context()),
                         std::string(content.substr(0, kMaxQuarantinedBytes))};
    }
    if (!document->is_array() || WholeFile(format)) {
      items.push_back(IntakeItem{.payload = std::move(*document),
                                 .headers = {},
                                 .event_id = id_base,
                                 .source = "file " + name});
      return items;
    }
    const Array& elements = document->as_array();
    for (size_t i = 0; i < elements.size(); ++i) {
      std::string index = "#" + std::to_string(i);
      items.push_back(IntakeItem{.payload = elements[i],
                                 .headers = {},
                                 .event_id = id_base + index,
                                 .source = "file " + name + index});
    }
    return items;
  }

  // Parses an XML, (whole) CSV, X12 or EDIFACT file into one intake item.
  Result<std::vector<IntakeItem>, RecordError> ParseDocumentRecords(
      const fs::path& path, Format format, std::string_view content) const {
    std::string name = path.filename().string();
    std::string id_base = name + "@" + Sha256Prefix(content);
    Result<Value> document = Status();
    if (format == Format::kCsv) {
      formats::csv::CsvOptions csv = settings_.codec.csv;
      csv.on_bad_row = formats::csv::OnBadRow::kFailFile;
      document = formats::csv::ParseCsv(content, csv);
    } else {
      document = formats::ParseDocument(format, content, settings_.codec);
    }
    if (!document.ok()) {
      return RecordError{name + ": " + document.status().ToString(),
                         std::string(content.substr(0, kMaxQuarantinedBytes))};
    }
    std::vector<IntakeItem> items;
    items.push_back(IntakeItem{.payload = std::move(*document),
                               .headers = {},
                               .event_id = id_base,
                               .source = "file " + name});
    return items;
  }

  // Handles one file: CSV rows and X12/EDIFACT parts are read in chunks, the rest whole.
  Outcome ProcessFile(const fs::path& path) {
    if (context_.intake->Overloaded()) {
      return Outcome::kPause;
    }
    std::optional<Format> format = FormatOf(path);
    if (format == Format::kCsv && !WholeFile(*format)) {
      return ProcessCsvRows(path);
    }
    std::string name = path.filename().string();
    if (format == Format::kX12 && path.extension() == ".edi" && settings_.format == "auto") {
      std::string head = ReadHead(path, kMaxQuarantinedBytes);
      format = formats::DetectInterchange(head);
      if (!format.has_value()) {
        MoveToFailed(path, name + ": neither X12 (ISA) nor EDIFACT (UNA, UNB) at the start",
                     std::move(head));
        return Outcome::kHandled;
      }
    }
    if ((format == Format::kX12 || format == Format::kEdifact) && !WholeFile(*format)) {
      return ProcessInterchangeParts(path, *format);
    }
    auto content = ReadWholeFile(path);
    if (!content.ok()) {
      return Outcome::kHandled;  // gone or unreadable now; the next scan tries again
    }
    if (settings_.ack == format &&
        !WriteAck(path, formats::AcknowledgeDocument(*settings_.ack, *content))) {
      return Outcome::kPause;
    }
    auto items = *format == Format::kJson || *format == Format::kNdjson
                     ? ParseJsonRecords(path, *format, *content)
                     : ParseDocumentRecords(path, *format, *content);
    if (!items.ok()) {
      MoveToFailed(path, items.error().reason, items.error().raw);
      return Outcome::kHandled;
    }
    if (!items->empty()) {
      auto accepted = context_.intake->Accept(std::move(*items));
      if (!accepted.ok()) {
        if (accepted.error().code() != StatusCode::kInvalidArgument) {
          return Outcome::kPause;
        }
        MoveToFailed(path, name + ": " + std::string(accepted.error().message()),
                     content->substr(0, kMaxQuarantinedBytes));
        return Outcome::kHandled;
      }
    }
    MoveToDone(path);
    return Outcome::kHandled;
  }

  // A CSV file, one message per row, read in bounded memory. A first pass hashes the file (for
  // the event ids) and finds what fails the whole file, so that such a file gives no message;
  // the second commits rows in batches and quarantines bad rows.
  Outcome ProcessCsvRows(const fs::path& path) {
    std::string name = path.filename().string();
    const formats::csv::CsvOptions& csv = settings_.codec.csv;
    Sha256Stream hash;
    {
      CsvFileRows rows(path, csv, [&](std::string_view chunk) { hash.Update(chunk); });
      while (true) {
        auto event = rows.Next();
        if (!event.ok()) {
          if (event.status().code() == StatusCode::kUnavailable) {
            return Outcome::kHandled;  // unreadable now; the next scan tries again
          }
          MoveToFailed(path, RowProblemText(name, rows.line(), event.status()),
                       std::string(rows.raw()));
          return Outcome::kHandled;
        }
        if (*event == CsvFileRows::Event::kEnd) {
          break;
        }
        if (*event == CsvFileRows::Event::kBadRow && !settings_.quarantine_bad_rows) {
          MoveToFailed(path, RowProblemText(name, rows.line(), rows.problem()),
                       std::string(rows.raw()));
          return Outcome::kHandled;
        }
      }
    }
    std::string id_base = name + "@" + hash.Prefix();
    CsvFileRows rows(path, csv);
    std::vector<IntakeItem> batch;
    while (true) {
      auto event = rows.Next();
      if (!event.ok()) {
        return Outcome::kPause;  // the file changed or went away since the first pass
      }
      if (*event == CsvFileRows::Event::kEnd) {
        break;
      }
      std::string at = name + ":" + std::to_string(rows.line());
      if (*event == CsvFileRows::Event::kBadRow) {
        auto quarantined = context_.intake->Quarantine(
            QuarantineItem{.raw = std::string(rows.raw()),
                           .reason = RowProblemText(name, rows.line(), rows.problem()),
                           .source = "file " + at,
                           .headers = {}});
        if (!quarantined.ok()) {
          return Outcome::kPause;
        }
        continue;
      }
      batch.push_back(IntakeItem{.payload = rows.row(),
                                 .headers = {},
                                 .event_id = id_base + ":" + std::to_string(rows.line()),
                                 .source = "file " + at});
      if (batch.size() >= settings_.batch_rows) {
        if (Outcome outcome = Commit(path, batch); outcome == Outcome::kPause || !batch.empty()) {
          return outcome;
        }
      }
    }
    if (!batch.empty()) {
      if (Outcome outcome = Commit(path, batch); outcome == Outcome::kPause || !batch.empty()) {
        return outcome;
      }
    }
    MoveToDone(path);
    return Outcome::kHandled;
  }

  // An X12 or EDIFACT file, one message per transaction set / message, read in chunks. The first
  // pass hashes the file (for the event ids), writes its acknowledgement and finds a fault that
  // fails the whole file, so that such a file gives no message; it keeps the parts of a small
  // file, while a large one is read again to commit its parts in batches, in bounded memory.
  Outcome ProcessInterchangeParts(const fs::path& path, Format format) {
    std::string name = path.filename().string();
    std::error_code size_error;
    const bool keep = fs::file_size(path, size_error) <= kKeptPartsBytes && !size_error;
    std::vector<InterchangePart> kept;
    Sha256Stream hash;
    std::optional<formats::AcknowledgementStream> ack;
    Status ack_status;
    if (settings_.ack == format) {
      ack.emplace(format);
    }
    InterchangePartStream first(format, settings_.codec, [&](InterchangePart part) {
      if (keep) {
        kept.push_back(std::move(part));
      }
      return Status::Ok();
    });
    Status parsed;
    Status read = ReadChunks(path, [&](std::string_view chunk) {
      hash.Update(chunk);
      if (ack && ack_status.ok()) {
        ack_status = ack->Feed(chunk);
      }
      if (parsed.ok()) {
        parsed = first.Feed(chunk);
      }
    });
    if (!read.ok()) {
      return Outcome::kHandled;  // gone or unreadable now; the next scan tries again
    }
    if (ack && !WriteAck(path, ack_status.ok() ? ack->Finish() : ack_status)) {
      return Outcome::kPause;
    }
    if (parsed.ok()) {
      parsed = first.Finish();
    }
    if (!parsed.ok()) {
      MoveToFailed(path, name + ": " + parsed.ToString(), ReadHead(path, kMaxQuarantinedBytes));
      return Outcome::kHandled;
    }

    std::string id_base = name + "@" + hash.Prefix();
    std::vector<IntakeItem> batch;
    size_t index = 0;
    std::optional<Outcome> stopped;  // set when a commit paused or failed the file
    auto add = [&](InterchangePart part) {
      std::string at = "#" + std::to_string(index++);
      batch.push_back(IntakeItem{.payload = std::move(part.payload),
                                 .headers = std::move(part.headers),
                                 .event_id = id_base + at,
                                 .source = "file " + name + at});
      if (batch.size() >= settings_.batch_rows) {
        Outcome outcome = Commit(path, batch);
        if (outcome == Outcome::kPause || !batch.empty()) {
          stopped = outcome;
          return Status(StatusCode::kCancelled, "stopped");
        }
      }
      return Status::Ok();
    };
    if (keep) {
      for (InterchangePart& part : kept) {
        if (!add(std::move(part)).ok()) {
          break;
        }
      }
    } else {
      formats::CodecOptions quiet = settings_.codec;
      quiet.report = nullptr;  // the first pass reported the faults lenient reading accepts
      InterchangePartStream second(format, quiet, add);
      Status again;
      read = ReadChunks(path, [&](std::string_view chunk) {
        if (again.ok()) {
          again = second.Feed(chunk);
        }
      });
      if (again.ok() && read.ok()) {
        again = second.Finish();
      }
      if (!stopped.has_value() && (!again.ok() || !read.ok())) {
        return Outcome::kPause;  // the file changed or went away since the first pass
      }
    }
    if (stopped.has_value()) {
      return *stopped;
    }
    if (!batch.empty()) {
      if (Outcome outcome = Commit(path, batch); outcome == Outcome::kPause || !batch.empty()) {
        return outcome;
      }
    }
    MoveToDone(path);
    return Outcome::kHandled;
  }

  // Accepts a batch of a file's rows, waiting while the flow is overloaded or the store fails.
  // Empties `batch` once committed; kHandled with `batch` still full when the file was moved to
  // failed/ (a key expression failed); kPause when stopping.
  Outcome Commit(const fs::path& path, std::vector<IntakeItem>& batch) {
    while (true) {
      if (poller_.stopping()) {
        return Outcome::kPause;
      }
      if (!context_.intake->Overloaded()) {
        auto accepted = context_.intake->Accept(batch);
        if (accepted.ok()) {
          batch.clear();
          return Outcome::kHandled;
        }
        if (accepted.error().code() == StatusCode::kInvalidArgument) {
          MoveToFailed(
              path, path.filename().string() + ": " + std::string(accepted.error().message()), "");
          return Outcome::kHandled;
        }
      }
      if (!poller_.Pause()) {
        return Outcome::kPause;
      }
    }
  }

  // Writes the acknowledgement of `content` into ack_dir as NAME.997 or NAME.contrl. False when
  // it could not be written (the file stays for the next scan).
  bool WriteAck(const fs::path& path, const Result<std::string>& ack) {
    if (!ack.ok()) {
      // Nothing to answer (no interchange header): the parse below names the fault.
      return true;
    }
    if (ack->empty()) {
      return true;  // e.g. a file of CONTRL messages, which are never acknowledged
    }
    std::string suffix = *settings_.ack == Format::kX12 ? ".997" : ".contrl";
    return WriteFileAtomically(settings_.ack_dir / (path.filename().string() + suffix), *ack).ok();
  }

  void MoveToDone(const fs::path& path) {
    std::error_code ec;
    fs::rename(path, FreeName(settings_.done_dir, path.filename()), ec);
    // Should the move fail, the next scan reads the file again and the event ids keep it from
    // being stored twice.
  }

  // Keeps the reason in quarantine, writes NAME.error into failed/ and moves the file beside it.
  // Any failure leaves the file where it is, to be tried again.
  void MoveToFailed(const fs::path& path, const std::string& reason, std::string raw) {
    std::string name = path.filename().string();
    auto quarantined = context_.intake->Quarantine(QuarantineItem{
        .raw = std::move(raw), .reason = reason, .source = "file " + name, .headers = {}});
    if (!quarantined.ok()) {
      return;
    }
    fs::path target = FreeName(settings_.failed_dir, path.filename());
    if (!WriteFileAtomically(target.string() + ".error", reason + "\n").ok()) {
      return;
    }
    std::error_code ec;
    fs::rename(path, target, ec);
  }

  FileInputSettings settings_;
  InputContext context_;
  std::map<fs::path, Snapshot> seen_;       // only touched by the watcher thread
  Poller poller_{settings_.poll_interval};  // last: stops before the rest goes away
};

}  // namespace

ComponentSpec FileInputSpec() {
  return WithCodecFields(
      ComponentSpec::Input("file")
          .Summary("Reads files dropped into a folder (JSON, NDJSON, CSV, XML, X12, EDIFACT); "
                   "each record is a message.")
          .Field(StringField("path").Required().Min(1).Description(
              "Folder to watch, relative to the config."))
          .Field(EnumField("format", {"auto", "json", "ndjson", "csv", "xml", "x12", "edifact"})
                     .Default("auto")
                     .Description("auto decides by extension: .json; .ndjson or .jsonl; .csv; "
                                  ".xml; .x12; .edifact; .edi (X12 or EDIFACT by its first "
                                  "segment). Another format reads every file in the folder."))
          .Field(EnumField("split", {"auto", "record", "document"})
                     .Default("auto")
                     .Description("record: one message per JSON array element, NDJSON line, CSV "
                                  "row, X12 transaction set or EDIFACT message; document: the "
                                  "whole file as one message. auto: document for XML, record "
                                  "otherwise."))
          .Field(EnumField("on_bad_row", {"fail_file", "quarantine"})
                     .Default("fail_file")
                     .Description("CSV: a bad row sends the whole file to failed/ (fail_file), "
                                  "or becomes a quarantine entry while the other rows go on."))
          .Field(EnumField("ack", {"none", "997", "contrl"})
                     .Default("none")
                     .Description("Write the acknowledgement of each X12 (997) or EDIFACT "
                                  "(CONTRL) file into ack_dir; by default the partner's `ack`."))
          .Field(StringField("ack_dir").Min(1).Description(
              "Folder for acknowledgements (relative to the config), NAME.997 / NAME.contrl."))
          .Field(StringField("partner").Min(1).Description(
              "The trading partner (of `partners:`) that sends these files."))
          .Field(IntField("batch_rows")
                     .Default(1000)
                     .Min(1)
                     .Max(1000000)
                     .Description("CSV rows, or X12 sets / EDIFACT messages, committed together."))
          .Field(DurationField("poll_interval")
                     .Default("1s")
                     .Min(milliseconds(10))
                     .Description("How often the folder is scanned."))
          .Field(StringField("done_dir")
                     .Default("done")
                     .Description("Where committed files move (relative to path)."))
          .Field(StringField("failed_dir")
                     .Default("failed")
                     .Description("Where unreadable files move, with a .error file beside them.")));
}

Result<std::unique_ptr<Component>> MakeFileInput(const ComponentConfig& config,
                                                 const ComponentEnv& env) {
  FileInputSettings settings;
  settings.dir = ResolveConfigPath(env, config.GetString("path"));
  settings.done_dir = settings.dir / std::string(config.GetString("done_dir"));
  settings.failed_dir = settings.dir / std::string(config.GetString("failed_dir"));
  settings.format = std::string(config.GetString("format"));
  settings.poll_interval = config.GetDuration("poll_interval");
  settings.batch_rows = static_cast<size_t>(config.GetInt("batch_rows"));
  std::string_view split = config.GetString("split");
  settings.split = split == "record"     ? Split::kRecord
                   : split == "document" ? Split::kDocument
                                         : Split::kAuto;
  if (settings.split == Split::kRecord && settings.format == "xml") {
    return ConfigProblem(config, "split", "XML files are read as one document each");
  }
  ERPHUB_ASSIGN_OR_RETURN(settings.codec, CodecOptionsFrom(config));
  settings.quarantine_bad_rows = config.GetString("on_bad_row") == "quarantine";
  std::string ack(config.GetString("ack"));
  bool ack_configured = config.places.count("ack") > 0;
  if (!ack_configured && config.Has("partner") && env.partners != nullptr) {
    const Value& partner_ack = env.partners->Get(config.GetString("partner")).Get("ack");
    if (partner_ack.is_string()) {
      ack = std::string(partner_ack.as_string());
    }
  }
  if (ack != "none") {
    Format ack_format = ack == "997" ? Format::kX12 : Format::kEdifact;
    if (settings.format != "auto" && settings.format != formats::FormatName(ack_format)) {
      return ConfigProblem(config, "ack",
                           ack + " acknowledges " + std::string(formats::FormatName(ack_format)) +
                               " files, not " + settings.format);
    }
    if (!config.Has("ack_dir")) {
      return ConfigProblem(config, "ack_dir", "is required with ack: " + ack);
    }
    if (formats::AcknowledgeDocument(ack_format, "").status().code() ==
        StatusCode::kUnimplemented) {
      return ConfigProblem(config, "ack",
                           "this build cannot write " + ack + " acknowledgements yet");
    }
    settings.ack = ack_format;
    settings.ack_dir = ResolveConfigPath(env, config.GetString("ack_dir"));
  }
  fs::path watched = Normal(settings.dir);
  if (Normal(settings.done_dir) == watched) {
    return ConfigProblem(config, "done_dir", "must differ from the watched folder");
  }
  if (Normal(settings.failed_dir) == watched) {
    return ConfigProblem(config, "failed_dir", "must differ from the watched folder");
  }
  if (Normal(settings.done_dir) == Normal(settings.failed_dir)) {
    return ConfigProblem(config, "failed_dir", "must differ from done_dir");
  }
  if (settings.ack.has_value() && Normal(settings.ack_dir) == watched) {
    return ConfigProblem(config, "ack_dir", "must differ from the watched folder");
  }
  return std::unique_ptr<Component>(std::make_unique<FileInput>(std::move(settings)));
}

}  // namespace erphub::components
