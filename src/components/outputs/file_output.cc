#include "components/outputs/file_output.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <filesystem>
#include <mutex>
#include <string>
#include <utility>

#include "components/atomic_file.h"
#include "components/factory_support.h"
#include "components/message_variables.h"
#include "components/text_template.h"
#include "core/json.h"

namespace erphub::components {
namespace {

namespace fs = std::filesystem;

constexpr std::chrono::milliseconds kTemplateTimeLimit{1000};
constexpr int kTemplateMaxDepth = 1000;

Failure FromStatus(const Status& status) {
  Failure failure;
  failure.transient = status.IsTransient();
  failure.error = status.ToString();
  return failure;
}

Status EnsureDirectory(const fs::path& dir) {
  if (dir.empty()) {
    return Status::Ok();
  }
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) {
    return FileError(ec.value(), "cannot create folder", dir);
  }
  return Status::Ok();
}

// Appends `line` with one write() and fsyncs; on failure cuts the file back to where it was.
Status AppendLine(const fs::path& path, std::string_view line) {
  int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    return FileError(errno, "cannot open", path);
  }
  struct stat before {};
  Status status;
  if (::fstat(fd, &before) != 0) {
    status = FileError(errno, "cannot stat", path);
  }
  std::string_view rest = line;
  while (status.ok() && !rest.empty()) {
    ssize_t written = ::write(fd, rest.data(), rest.size());
    if (written < 0) {
      if (errno != EINTR) {
        status = FileError(errno, "cannot write", path);
      }
      continue;
    }
    rest.remove_prefix(static_cast<size_t>(written));
  }
  if (status.ok() && ::fdatasync(fd) != 0) {
    status = FileError(errno, "cannot sync", path);
  }
  if (!status.ok() && before.st_size >= 0) {
    // Leave no partial line behind for the retry to append after.
    (void)!::ftruncate(fd, before.st_size);
  }
  ::close(fd);
  return status;
}

bool IsPlainFileName(std::string_view name) {
  return !name.empty() && name != "." && name != ".." &&
         name.find_first_of("/\\") == std::string_view::npos &&
         name.find('\0') == std::string_view::npos;
}

class FileOutput final : public Output {
 public:
  FileOutput(fs::path path, bool per_message, std::optional<TextTemplate> name)
      : path_(std::move(path)), per_message_(per_message), name_(std::move(name)) {}

  Result<Delivered, Failure> Deliver(const Delivery& delivery) override {
    const Value& payload =
        delivery.payload != nullptr ? *delivery.payload : delivery.message->payload;
    if (!per_message_) {
      std::string line = ToJson(payload);
      line += '\n';
      // One writer at a time: the line and its fsync, and the cut-back after a failed write,
      // must not interleave with another worker's.
      std::lock_guard lock(append_mu_);
      Status status = EnsureDirectory(path_.parent_path());
      if (status.ok()) {
        status = AppendLine(path_, line);
      }
      if (!status.ok()) {
        return FromStatus(status);
      }
      return Delivered{0, "appended to " + path_.string()};
    }
    Object variables = MessageVariables(*delivery.message);
    jsonata::EvalOptions options;
    options.bindings = &variables;
    options.time_limit = kTemplateTimeLimit;
    options.max_depth = kTemplateMaxDepth;
    auto name = name_->Render(payload, options);
    if (!name.ok()) {
      return FromStatus(
          Status(StatusCode::kInvalidArgument, "name: " + std::string(name.error().message())));
    }
    if (!IsPlainFileName(*name)) {
      Failure failure;
      failure.error = "name: \"" + *name + "\" is not a plain file name";
      return failure;
    }
    fs::path target = path_ / *name;
    Status status = EnsureDirectory(path_);
    if (status.ok()) {
      status = WriteFileAtomically(target, ToJson(payload) + "\n");
    }
    if (!status.ok()) {
      return FromStatus(status);
    }
    return Delivered{0, "wrote " + target.string()};
  }

 private:
  fs::path path_;
  bool per_message_;
  std::optional<TextTemplate> name_;
  std::mutex append_mu_;
};

}  // namespace

ComponentSpec FileOutputSpec() {
  return ComponentSpec::Output("file")
      .Summary("Writes messages to files: appended to one NDJSON file, or one file each.")
      .Field(StringField("path").Required().Min(1).Description(
          "ndjson: the file to append to; per-message: the folder to write into (relative to "
          "the config)."))
      .Field(EnumField("mode", {"ndjson", "per-message"})
                 .Default("ndjson")
                 .Description("One NDJSON file, or one file per message."))
      .Field(StringField("name")
                 .Default("{{ $message.id }}.json")
                 .Min(1)
                 .Description("per-message: the file name, with {{ JSONata }} placeholders, "
                              "e.g. \"{{ order_number }}.json\"."));
}

Result<std::unique_ptr<Component>> MakeFileOutput(const ComponentConfig& config,
                                                  const ComponentEnv& env) {
  fs::path path = ResolveConfigPath(env, config.GetString("path"));
  bool per_message = config.GetString("mode") == "per-message";
  std::optional<TextTemplate> name;
  if (per_message) {
    Result<TextTemplate> compiled = TextTemplate::Compile(config.GetString("name"));
    if (!compiled.ok()) {
      return ConfigProblem(config, "name", std::string(compiled.status().message()));
    }
    name = std::move(compiled).value();
  } else if (path.filename().empty()) {
    return ConfigProblem(config, "path", "names a folder; ndjson mode needs a file");
  }
  return std::unique_ptr<Component>(
      std::make_unique<FileOutput>(std::move(path), per_message, std::move(name)));
}

}  // namespace erphub::components
