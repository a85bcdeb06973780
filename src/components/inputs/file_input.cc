#include "components/inputs/file_input.h"

#include <openssl/evp.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "components/atomic_file.h"
#include "components/factory_support.h"
#include "core/json.h"

namespace erphub::components {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;

// How much of a file that failed as a whole (its key expression, say) its quarantine entry
// keeps; the file itself is kept whole in failed/.
constexpr size_t kMaxQuarantinedBytes = 64 << 10;

enum class FileFormat { kJson, kNdjson };

struct FileInputSettings {
  fs::path dir;
  fs::path done_dir;
  fs::path failed_dir;
  std::string format;  // auto, json, ndjson
  milliseconds poll_interval{1000};
};

// Why a file cannot become messages: where (the line, for ndjson) and what is wrong.
struct RecordError {
  std::string reason;  // "orders.ndjson:3: malformed JSON at column 7: expected ..."
  std::string raw;     // the offending record's text
};

std::string Sha256Prefix(std::string_view content) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_Digest(content.data(), content.size(), digest, &size, EVP_sha256(), nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < 8 && i < size; ++i) {
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 15];
  }
  return out;
}

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
    for (const fs::path& dir : {settings_.dir, settings_.done_dir, settings_.failed_dir}) {
      std::error_code ec;
      fs::create_directories(dir, ec);
      if (ec) {
        return Status(StatusCode::kFailedPrecondition,
                      "cannot create folder " + dir.string() + ": " + ec.message());
      }
    }
    thread_ = std::thread([this] { Run(); });
    return Status::Ok();
  }

  void Stop() override {
    {
      std::lock_guard lock(mu_);
      stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) {
      thread_.join();
    }
  }

 private:
  // A file's size and modification time at one scan.
  struct Snapshot {
    uintmax_t size = 0;
    fs::file_time_type modified;
    bool operator==(const Snapshot&) const = default;
  };

  bool stopping() {
    std::lock_guard lock(mu_);
    return stopping_;
  }

  void Run() {
    while (true) {
      Scan();
      std::unique_lock lock(mu_);
      if (wake_.wait_for(lock, settings_.poll_interval, [this] { return stopping_; })) {
        return;
      }
    }
  }

  std::optional<FileFormat> FormatOf(const fs::path& path) const {
    std::string ext = path.extension().string();
    if (ext != ".json" && ext != ".ndjson" && ext != ".jsonl") {
      return std::nullopt;
    }
    if (settings_.format == "json") {
      return FileFormat::kJson;
    }
    if (settings_.format == "ndjson") {
      return FileFormat::kNdjson;
    }
    return ext == ".json" ? FileFormat::kJson : FileFormat::kNdjson;
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
      if (stopping() || !ProcessFile(path)) {
        return;
      }
    }
  }

  // Parses a file into intake items, or the first record that is not JSON.
  Result<std::vector<IntakeItem>, RecordError> ParseRecords(const fs::path& path,
                                                            std::string_view content) const {
    std::string name = path.filename().string();
    std::string id_base = name + "@" + Sha256Prefix(content);
    if (content.starts_with("\xEF\xBB\xBF")) {  // a byte order mark some editors write
      content.remove_prefix(3);
    }
    std::vector<IntakeItem> items;
    if (FormatOf(path) == FileFormat::kNdjson) {
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
    auto document = ParseJson(content);
    if (!document.ok()) {
      return RecordError{name + ": " + JsonErrorText(document.error(), document.error().context()),
                         std::string(content.substr(0, kMaxQuarantinedBytes))};
    }
    if (!document->is_array()) {
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

  // Handles one file. False when scanning should pause (overload, store trouble) and the file
  // stays for the next scan.
  bool ProcessFile(const fs::path& path) {
    if (context_.intake->Overloaded()) {
      return false;
    }
    auto content = ReadWholeFile(path);
    if (!content.ok()) {
      return true;  // gone or unreadable now; the next scan tries again
    }
    auto items = ParseRecords(path, *content);
    if (!items.ok()) {
      MoveToFailed(path, items.error().reason, items.error().raw);
      return true;
    }
    if (!items->empty()) {
      auto accepted = context_.intake->Accept(std::move(*items));
      if (!accepted.ok()) {
        if (accepted.error().code() != StatusCode::kInvalidArgument) {
          return false;
        }
        MoveToFailed(path,
                     path.filename().string() + ": " + std::string(accepted.error().message()),
                     content->substr(0, kMaxQuarantinedBytes));
        return true;
      }
    }
    std::error_code ec;
    fs::rename(path, FreeName(settings_.done_dir, path.filename()), ec);
    // Should the move fail, the next scan reads the file again and the event ids keep it from
    // being stored twice.
    return true;
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
  std::map<fs::path, Snapshot> seen_;  // only touched by the watcher thread
  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace

ComponentSpec FileInputSpec() {
  return ComponentSpec::Input("file")
      .Summary("Reads .json and .ndjson files dropped into a folder; each record is a message.")
      .Field(StringField("path").Required().Min(1).Description(
          "Folder to watch, relative to the config."))
      .Field(EnumField("format", {"auto", "json", "ndjson"})
                 .Default("auto")
                 .Description("auto decides by file extension (.json; .ndjson or .jsonl)."))
      .Field(DurationField("poll_interval")
                 .Default("1s")
                 .Min(milliseconds(10))
                 .Description("How often the folder is scanned."))
      .Field(StringField("done_dir")
                 .Default("done")
                 .Description("Where committed files move (relative to path)."))
      .Field(StringField("failed_dir")
                 .Default("failed")
                 .Description("Where unreadable files move, with a .error file beside them."));
}

Result<std::unique_ptr<Component>> MakeFileInput(const ComponentConfig& config,
                                                 const ComponentEnv& env) {
  FileInputSettings settings;
  settings.dir = ResolveConfigPath(env, config.GetString("path"));
  settings.done_dir = settings.dir / std::string(config.GetString("done_dir"));
  settings.failed_dir = settings.dir / std::string(config.GetString("failed_dir"));
  settings.format = std::string(config.GetString("format"));
  settings.poll_interval = config.GetDuration("poll_interval");
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
  return std::unique_ptr<Component>(std::make_unique<FileInput>(std::move(settings)));
}

}  // namespace erphub::components
