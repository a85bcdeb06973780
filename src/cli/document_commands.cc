// `erphub parse` and `erphub render`: business documents <-> their JSON form.
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/input_file.h"
#include "core/json.h"
#include "formats/codec.h"
#include "formats/csv/csv_document.h"
#include "formats/x12/x12.h"

namespace erphub::cli {
namespace {

struct DocumentArgs {
  std::string format;
  std::string file;
  bool lenient = false;
  std::string delimiter;
  bool no_header = false;
  std::string encoding;
  std::vector<std::string> arrays;
  std::vector<std::string> namespaces;
};

void Write(std::string_view text) { std::fwrite(text.data(), 1, text.size(), stdout); }

// Turns the command line into codec options; a usage error is kInvalidArgument.
Result<formats::CodecOptions> OptionsFrom(const DocumentArgs& args) {
  formats::CodecOptions options;
  options.lenient = args.lenient;
  if (!args.delimiter.empty()) {
    std::string delimiter = args.delimiter;
    if (delimiter == "\\t" || delimiter == "tab") {
      delimiter = "\t";
    }
    if (delimiter.size() != 1) {
      return InvalidArgumentError("--delimiter takes one character (or 'tab')");
    }
    options.csv.delimiter = delimiter[0];
  }
  options.csv.header = !args.no_header;
  if (args.encoding == "latin1" || args.encoding == "iso-8859-1") {
    options.csv.encoding = formats::csv::Encoding::kLatin1;
  } else if (args.encoding == "windows-1252" || args.encoding == "cp1252") {
    options.csv.encoding = formats::csv::Encoding::kWindows1252;
  } else if (!args.encoding.empty() && args.encoding != "utf-8") {
    return InvalidArgumentError("--encoding is utf-8, latin1 (iso-8859-1) or windows-1252");
  }
  if (args.lenient) {
    options.csv.strict = false;
    options.csv.on_bad_row = formats::csv::OnBadRow::kQuarantine;
  }
  options.xml.always_array = args.arrays;
  for (const std::string& pair : args.namespaces) {
    size_t equals = pair.find('=');
    if (equals == std::string::npos) {
      return InvalidArgumentError("--namespace takes PREFIX=URI (empty PREFIX: the default)");
    }
    options.xml.namespaces.emplace_back(pair.substr(0, equals), pair.substr(equals + 1));
  }
  return options;
}

int StreamCsv(const DocumentArgs& args, const formats::CodecOptions& options) {
  auto file = OpenInput(args.file);
  if (!file.ok()) {
    std::fprintf(stderr, "%s\n", file.status().ToString().c_str());
    return 1;
  }
  std::vector<char> chunk(1 << 20);
  auto read = [&]() -> Result<std::string_view> {
    size_t n = std::fread(chunk.data(), 1, chunk.size(), file->get());
    if (n == 0 && std::ferror(file->get())) {
      return UnavailableError("read error", args.file);
    }
    return std::string_view(chunk.data(), n);
  };
  auto report = [&](const Status& bad, std::string_view) {
    std::fprintf(stderr, "%s: quarantined: %s\n", args.file.c_str(), bad.ToString().c_str());
  };
  Status status = formats::csv::StreamCsvToJson(options.csv, read, Write, report);
  std::fflush(stdout);
  if (!status.ok()) {
    std::fprintf(stderr, "%s: %s\n", args.file.c_str(), status.ToString().c_str());
    return 1;
  }
  return 0;
}

// X12 is read in 1 MiB chunks and its JSON printed as it comes, so a file of any size runs in
// bounded memory. Output is held back until 1 MiB has gathered: a small malformed file prints
// nothing on stdout. Lenient mode lists the faults it accepted under "warnings" in the JSON and
// on stderr.
int StreamX12(const DocumentArgs& args) {
  auto file = OpenInput(args.file);
  if (!file.ok()) {
    std::fprintf(stderr, "%s\n", file.status().ToString().c_str());
    return 1;
  }
  std::string pending;
  formats::x12::ParseOptions options;
  options.lenient = args.lenient;
  formats::x12::JsonStream stream(
      options,
      [&pending](std::string_view json) {
        pending.append(json);
        if (pending.size() >= (1 << 20)) {
          Write(pending);
          pending.clear();
        }
        return Status::Ok();
      },
      [&args](const Status& fault) {
        std::fprintf(stderr, "%s: accepted: %s\n", args.file.c_str(), fault.ToString().c_str());
      });
  std::vector<char> chunk(1 << 20);
  Status status;
  size_t n = 0;
  while (status.ok() && (n = std::fread(chunk.data(), 1, chunk.size(), file->get())) > 0) {
    status = stream.Feed(std::string_view(chunk.data(), n));
  }
  if (status.ok() && std::ferror(file->get())) {
    status = UnavailableError("read error", args.file);
  }
  if (status.ok()) {
    status = stream.Finish();
  }
  if (!status.ok()) {
    std::fflush(stdout);
    std::fprintf(stderr, "%s: %s\n", args.file.c_str(), status.ToString().c_str());
    return 1;
  }
  pending.push_back('\n');
  Write(pending);
  std::fflush(stdout);
  return 0;
}

int RunParse(const DocumentArgs& args) {
  auto format = formats::FormatFromName(args.format);
  auto options = OptionsFrom(args);
  if (!options.ok()) {
    std::fprintf(stderr, "%s\n", options.status().ToString().c_str());
    return 2;
  }
  if (format == formats::Format::kCsv) {
    return StreamCsv(args, *options);
  }
  if (format == formats::Format::kX12) {
    return StreamX12(args);
  }
  options->report = [&](const Status& fault) {
    std::fprintf(stderr, "%s: accepted: %s\n", args.file.c_str(), fault.ToString().c_str());
  };
  auto bytes = ReadInput(args.file);
  if (!bytes.ok()) {
    std::fprintf(stderr, "%s\n", bytes.status().ToString().c_str());
    return 1;
  }
  auto document = formats::ParseDocument(*format, *bytes, *options);
  if (!document.ok()) {
    std::fprintf(stderr, "%s: %s\n", args.file.c_str(), document.status().ToString().c_str());
    return 1;
  }
  std::string out = ToJson(*document, JsonWriteOptions{.indent = 2});
  out += '\n';
  Write(out);
  return 0;
}

int RunRender(const DocumentArgs& args) {
  auto format = formats::FormatFromName(args.format);
  auto options = OptionsFrom(args);
  if (!options.ok()) {
    std::fprintf(stderr, "%s\n", options.status().ToString().c_str());
    return 2;
  }
  auto text = ReadInput(args.file);
  if (!text.ok()) {
    std::fprintf(stderr, "%s\n", text.status().ToString().c_str());
    return 1;
  }
  auto document = ParseJson(*text);
  if (!document.ok()) {
    std::fprintf(stderr, "%s: %s\n", args.file.c_str(), document.status().ToString().c_str());
    return 1;
  }
  auto rendered = formats::RenderDocument(*format, *document, *options);
  if (!rendered.ok()) {
    std::fprintf(stderr, "%s: %s\n", args.file.c_str(), rendered.status().ToString().c_str());
    return 1;
  }
  Write(*rendered);
  return 0;
}

void AddCommonOptions(CLI::App* cmd, DocumentArgs& args) {
  cmd->add_option("--format", args.format, "csv, xml, x12 or edifact (also json, ndjson)")
      ->required()
      ->check(CLI::IsMember({"csv", "xml", "x12", "edifact", "json", "ndjson"}));
  cmd->add_option("--delimiter", args.delimiter, "CSV field separator (default ','; 'tab')");
  cmd->add_flag("--no-header", args.no_header, "CSV: the first row is data; rows are arrays");
  cmd->add_option("--encoding", args.encoding, "CSV: utf-8 (default), latin1 or windows-1252");
  cmd->add_option("--array", args.arrays, "XML: an element name that is always a JSON array");
}

}  // namespace

void AddParseCommand(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<DocumentArgs>();
  CLI::App* cmd = app.add_subcommand(
      "parse",
      "Print the JSON form of a business document (CSV: an array with one object per row,\n"
      "keyed by the header, streamed). Exit 0; exit 1 on a malformed document, with its line\n"
      "(or segment) and position on stderr. --lenient accepts common faults and reports each\n"
      "(CSV: ragged rows are kept, bad rows skipped).");
  AddCommonOptions(cmd, *args);
  cmd->add_flag("--lenient", args->lenient, "Accept common faults, reporting each on stderr");
  cmd->add_option("FILE", args->file, "The document ('-': stdin)")->required();
  cmd->callback([args, &exit_code] { exit_code = RunParse(*args); });
}

void AddRenderCommand(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<DocumentArgs>();
  CLI::App* cmd = app.add_subcommand(
      "render",
      "Print the document whose JSON form FILE.json holds (as `erphub parse` prints it).\n"
      "Exit 1 when the JSON does not have the format's shape.");
  AddCommonOptions(cmd, *args);
  cmd->add_option("--namespace", args->namespaces,
                  "XML: PREFIX=URI to declare on the root element (empty PREFIX: default)");
  cmd->add_option("FILE", args->file, "The JSON form ('-': stdin)")->required();
  cmd->callback([args, &exit_code] { exit_code = RunRender(*args); });
}

}  // namespace erphub::cli
