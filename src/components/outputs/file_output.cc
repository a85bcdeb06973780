#include "components/outputs/file_output.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <utility>

#include "components/atomic_file.h"
#include "components/codec_config.h"
#include "components/factory_support.h"
#include "components/message_variables.h"
#include "components/outputs/control_numbers.h"
#include "components/outputs/csv_append.h"
#include "components/outputs/edi_envelope.h"
#include "components/rendered_document.h"
#include "components/text_template.h"
#include "core/clock.h"
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

enum class WriteMode { kAppend, kPerMessage };

struct FileOutputSettings {
  fs::path path;
  WriteMode mode = WriteMode::kAppend;
  // nullopt: compact JSON per message, NDJSON lines when appending.
  std::optional<formats::Format> format;
  formats::CodecOptions codec;
  std::optional<TextTemplate> name;
  std::optional<EdiPartner> partner;
  const Clock* clock = nullptr;
};

Failure BadData(const Status& status) {
  Failure failure;
  failure.error = status.ToString();
  failure.quarantine = status.code() == StatusCode::kInvalidArgument;
  return failure;
}

class FileOutput final : public Output {
 public:
  explicit FileOutput(FileOutputSettings settings) : settings_(std::move(settings)) {}

  Result<Delivered, Failure> Deliver(const Delivery& delivery) override {
    const Value& payload =
        delivery.payload != nullptr ? *delivery.payload : delivery.message->payload;
    if (settings_.mode == WriteMode::kAppend) {
      return Append(delivery, payload);
    }
    auto name = FileName(delivery, payload);
    if (!name.ok()) {
      return std::move(name).error();
    }
    auto content = Content(delivery, payload);
    if (!content.ok()) {
      return std::move(content).error();
    }
    fs::path target = settings_.path / *name;
    Status status = EnsureDirectory(settings_.path);
    if (status.ok()) {
      status = WriteFileAtomically(target, *content);
    }
    if (!status.ok()) {
      return FromStatus(status);
    }
    return Delivered{0, "wrote " + target.string()};
  }

 private:
  Result<std::string, Failure> FileName(const Delivery& delivery, const Value& payload) const {
    Object variables = MessageVariables(*delivery.message);
    jsonata::EvalOptions options;
    options.bindings = &variables;
    options.time_limit = kTemplateTimeLimit;
    options.max_depth = kTemplateMaxDepth;
    auto name = settings_.name->Render(payload, options);
    if (!name.ok()) {
      return FromStatus(
          Status(StatusCode::kInvalidArgument, "name: " + std::string(name.error().message())));
    }
    if (!IsPlainFileName(*name)) {
      Failure failure;
      failure.error = "name: \"" + *name + "\" is not a plain file name";
      return failure;
    }
    return std::move(*name);
  }

  // The bytes written for one message (per message, or appended in any format but CSV).
  Result<std::string, Failure> Content(const Delivery& delivery, const Value& payload) const {
    if (auto rendered = RenderedContent(payload); rendered.has_value()) {
      return std::string(*rendered);
    }
    if (!settings_.format.has_value() || *settings_.format == formats::Format::kNdjson) {
      return ToJson(payload) + "\n";
    }
    formats::Format format = *settings_.format;
    Value document = payload;
    if (format == formats::Format::kX12 || format == formats::Format::kEdifact) {
      auto numbered = NumberedEdiDocument(delivery, payload);
      if (!numbered.ok()) {
        return std::move(numbered).error();
      }
      document = std::move(*numbered);
    } else if (format == formats::Format::kCsv && payload.is_object()) {
      document = Value::MakeArray({payload});
    }
    auto text = formats::RenderDocument(format, document, settings_.codec);
    if (!text.ok()) {
      return BadData(text.status().WithContext(std::string(formats::FormatName(format))));
    }
    return std::move(*text);
  }

  // The EDI document of a payload, addressed to the partner, with fresh control numbers
  // reserved in the store for this delivery (the same ones again when it is retried).
  Result<Value, Failure> NumberedEdiDocument(const Delivery& delivery, const Value& payload) const {
    formats::Format format = *settings_.format;
    const EdiPartner& partner = *settings_.partner;
    auto document = EdiDocumentFor(
        format, payload, partner,
        settings_.clock != nullptr ? settings_.clock->Now() : SystemClock::Default().Now());
    if (!document.ok()) {
      return BadData(document.status());
    }
    if (delivery.state == nullptr) {
      Failure failure;
      failure.error = "EDI control numbers need the hub's store";
      return failure;
    }
    std::string key = delivery.idempotency_key.empty() ? delivery.message->id.ToString()
                                                       : delivery.idempotency_key;
    auto start = ReserveControlNumbers(*delivery.state, format, partner.id, key,
                                       CountControls(format, *document));
    if (!start.ok()) {
      Failure failure = FromStatus(start.status());
      // Lost races and store trouble pass; try again later.
      failure.transient = true;
      return failure;
    }
    return AssignControlNumbers(format, std::move(*document), *start);
  }

  Result<Delivered, Failure> Append(const Delivery& delivery, const Value& payload) {
    // One writer at a time: the record and its fsync, and the cut-back after a failed write,
    // must not interleave with another worker's; a CSV header is read and written once.
    std::lock_guard lock(append_mu_);
    Status status = EnsureDirectory(settings_.path.parent_path());
    if (!status.ok()) {
      return FromStatus(status);
    }
    std::string text;
    if (settings_.format == formats::Format::kCsv && !RenderedContent(payload).has_value()) {
      auto header = ReadCsvHeader(settings_.path, settings_.codec.csv);
      if (!header.ok()) {
        return FromStatus(header.status());
      }
      auto rows = CsvAppendText(payload, settings_.codec.csv, std::move(*header));
      if (!rows.ok()) {
        return BadData(rows.status());
      }
      text = std::move(*rows);
    } else {
      auto content = Content(delivery, payload);
      if (!content.ok()) {
        return std::move(content).error();
      }
      text = std::move(*content);
    }
    status = AppendLine(settings_.path, text);
    if (!status.ok()) {
      return FromStatus(status);
    }
    return Delivered{0, "appended to " + settings_.path.string()};
  }

  FileOutputSettings settings_;
  std::mutex append_mu_;
};

// The extension of files of a format, for the default name.
std::string_view ExtensionOf(std::optional<formats::Format> format) {
  if (!format.has_value()) {
    return ".json";
  }
  switch (*format) {
    case formats::Format::kCsv:
      return ".csv";
    case formats::Format::kXml:
      return ".xml";
    case formats::Format::kX12:
      return ".x12";
    case formats::Format::kEdifact:
      return ".edi";
    case formats::Format::kNdjson:
      return ".ndjson";
    default:
      return ".json";
  }
}

}  // namespace

ComponentSpec FileOutputSpec() {
  return WithCodecFields(
      ComponentSpec::Output("file")
          .Summary("Writes messages to files in any document format: appended to one file, or "
                   "one file each.")
          .Field(StringField("path").Required().Min(1).Description(
              "append, ndjson: the file to append to; per-message: the folder to write into "
              "(relative to the config)."))
          .Field(EnumField("mode", {"ndjson", "append", "per-message"})
                     .Default("ndjson")
                     .Description("append (ndjson is its old name): every message appended to "
                                  "one file; per-message: one file per message."))
          .Field(EnumField("format", {"auto", "json", "ndjson", "csv", "xml", "x12", "edifact"})
                     .Default("auto")
                     .Description("auto: NDJSON lines when appending, JSON per message. A "
                                  "rendered document ({\"content\", \"format\"}) is written "
                                  "verbatim whatever the format."))
          .Field(StringField("name").Min(1).Description(
              "per-message: the file name, with {{ JSONata }} placeholders, e.g. "
              "\"{{ order_number }}.xml\"; default \"{{ $message.id }}\" and the format's "
              "extension."))
          .Field(StringField("partner").Min(1).Description(
              "x12, edifact: the trading partner (of `partners:`) written to; control numbers "
              "are counted per partner.")));
}

Result<std::unique_ptr<Component>> MakeFileOutput(const ComponentConfig& config,
                                                  const ComponentEnv& env) {
  FileOutputSettings settings;
  settings.path = ResolveConfigPath(env, config.GetString("path"));
  settings.mode =
      config.GetString("mode") == "per-message" ? WriteMode::kPerMessage : WriteMode::kAppend;
  settings.format = ConfiguredFormat(config);
  if (settings.format == formats::Format::kJson && settings.mode == WriteMode::kPerMessage) {
    settings.format.reset();  // compact JSON, one document per file
  }
  settings.clock = &EnvClock(env);
  ERPHUB_ASSIGN_OR_RETURN(settings.codec, CodecOptionsFrom(config));
  bool edi =
      settings.format == formats::Format::kX12 || settings.format == formats::Format::kEdifact;
  if (settings.mode == WriteMode::kAppend &&
      (settings.format == formats::Format::kXml || settings.format == formats::Format::kJson)) {
    return ConfigProblem(config, "format",
                         std::string(formats::FormatName(*settings.format)) +
                             " documents cannot be appended to one file; use mode: per-message");
  }
  if (edi) {
    if (!config.Has("partner")) {
      return ConfigProblem(config, "partner",
                           "is required to write " +
                               std::string(formats::FormatName(*settings.format)) +
                               ": control numbers are counted per partner");
    }
    std::string id(config.GetString("partner"));
    const Value* fields = env.partners != nullptr && env.partners->is_object()
                              ? env.partners->as_object().Find(id)
                              : nullptr;
    if (fields == nullptr) {
      return ConfigProblem(config, "partner", "unknown partner \"" + id + "\"");
    }
    settings.partner = EdiPartnerFrom(id, *fields);
  }
  if (settings.mode == WriteMode::kPerMessage) {
    std::string name = config.Has("name")
                           ? std::string(config.GetString("name"))
                           : "{{ $message.id }}" + std::string(ExtensionOf(settings.format));
    Result<TextTemplate> compiled = TextTemplate::Compile(name);
    if (!compiled.ok()) {
      return ConfigProblem(config, "name", std::string(compiled.status().message()));
    }
    settings.name = std::move(compiled).value();
  } else if (settings.path.filename().empty()) {
    return ConfigProblem(config, "path", "names a folder; appending needs a file");
  }
  return std::unique_ptr<Component>(std::make_unique<FileOutput>(std::move(settings)));
}

}  // namespace erphub::components
