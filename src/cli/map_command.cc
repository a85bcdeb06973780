#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <sstream>
#include <string>

#include "cli/commands.h"
#include "cli/input_file.h"
#include "core/json.h"
#include "mapping/jsonata.h"

namespace erphub::cli {
namespace {

struct MapArgs {
  std::string expr_file;
  std::string input_file;
  std::string bindings;
  bool ndjson = false;
};

// The 1-based line and column of code point `position` in `text`, and that line's text.
struct Place {
  int line = 1;
  int column = 1;
  std::string line_text;
};

Place Locate(const std::string& text, int64_t position) {
  Place place;
  size_t line_start = 0;
  int64_t code_points = 0;
  size_t i = 0;
  for (; i < text.size() && code_points < position; ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) {
      continue;
    }
    ++code_points;
    if (text[i] == '\n') {
      ++place.line;
      line_start = i + 1;
      place.column = 1;
    } else {
      ++place.column;
    }
  }
  size_t line_end = text.find('\n', line_start);
  place.line_text = text.substr(
      line_start, line_end == std::string::npos ? std::string::npos : line_end - line_start);
  return place;
}

// Reads a stream in large blocks and hands out its lines (without the '\n'), so that a stream
// of small records costs no per-line stream calls or copies.
class LineReader {
 public:
  explicit LineReader(std::FILE* file) : file_(file) { buffer_.resize(kBlock); }

  // The next line, or false at the end of the input (a last line without '\n' counts).
  bool Next(std::string_view& line) {
    for (;;) {
      const char* begin = buffer_.data() + start_;
      const char* newline = static_cast<const char*>(std::memchr(begin, '\n', end_ - start_));
      if (newline != nullptr) {
        line = std::string_view(begin, static_cast<size_t>(newline - begin));
        start_ += line.size() + 1;
        return true;
      }
      if (eof_) {
        if (start_ == end_) {
          return false;
        }
        line = std::string_view(begin, end_ - start_);
        start_ = end_;
        return true;
      }
      Refill();
    }
  }

 private:
  static constexpr size_t kBlock = 1 << 20;

  // Moves the unfinished line to the front (growing the buffer for very long lines) and reads
  // more after it.
  void Refill() {
    size_t pending = end_ - start_;
    if (start_ > 0) {
      std::memmove(buffer_.data(), buffer_.data() + start_, pending);
    }
    start_ = 0;
    end_ = pending;
    if (buffer_.size() - end_ < kBlock / 2) {
      buffer_.resize(buffer_.size() * 2);
    }
    size_t n = std::fread(buffer_.data() + end_, 1, buffer_.size() - end_, file_);
    end_ += n;
    if (n == 0) {
      eof_ = true;
    }
  }

  std::FILE* file_;
  std::string buffer_;
  size_t start_ = 0;
  size_t end_ = 0;
  bool eof_ = false;
};

// Maps each line of an NDJSON input to one compact line of output; stops at the first bad line.
int MapLines(const MapArgs& args, const jsonata::Expression& expression,
             const jsonata::EvalOptions& options) {
  if (args.input_file.empty()) {
    std::fprintf(stderr, "--ndjson needs an INPUT_FILE ('-' for standard input)\n");
    return 2;
  }
  std::FILE* file = stdin;
  if (args.input_file != "-") {
    file = std::fopen(args.input_file.c_str(), "rb");
    if (file == nullptr) {
      std::fprintf(stderr, "%s: cannot open file\n", args.input_file.c_str());
      return 1;
    }
  }
  struct Closer {
    std::FILE* file;
    ~Closer() {
      if (file != stdin) {
        std::fclose(file);
      }
    }
  } closer{file};
  LineReader reader(file);
  std::string_view line;
  std::string out;
  int64_t line_number = 0;
  while (reader.Next(line)) {
    ++line_number;
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) {
      continue;
    }
    auto record = ParseJson(line);
    if (!record.ok()) {
      std::fprintf(stderr, "%s:%lld: %s\n", args.input_file.c_str(),
                   static_cast<long long>(line_number), record.status().ToString().c_str());
      return 1;
    }
    auto result = expression.Evaluate(*record, options);
    if (!result.ok()) {
      std::fprintf(stderr, "%s\n  at %s:%lld\n", result.error().ToString().c_str(),
                   args.input_file.c_str(), static_cast<long long>(line_number));
      return 1;
    }
    if (!result->is_undefined() && !result->is_function()) {
      AppendJson(out, *result);
      out += '\n';
    }
    if (out.size() > (1 << 16)) {
      std::fwrite(out.data(), 1, out.size(), stdout);
      out.clear();
    }
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  return 0;
}

int RunMap(const MapArgs& args) {
  auto expr_text = ReadInput(args.expr_file);
  if (!expr_text.ok()) {
    std::fprintf(stderr, "%s\n", expr_text.status().ToString().c_str());
    return 1;
  }
  auto expression = jsonata::Expression::Compile(*expr_text);
  if (!expression.ok()) {
    const jsonata::Error& error = expression.error();
    std::fprintf(stderr, "%s\n", error.ToString().c_str());
    if (error.position() >= 0) {
      // The reference reports the position just past the offending token.
      Place place = Locate(*expr_text, error.position() > 0 ? error.position() - 1 : 0);
      std::fprintf(stderr, "  at %s:%d:%d\n  %s\n  %*s^\n", args.expr_file.c_str(), place.line,
                   place.column, place.line_text.c_str(), place.column - 1, "");
    }
    return 1;
  }

  Value bindings;
  jsonata::EvalOptions options;
  if (!args.bindings.empty()) {
    auto parsed = ParseJson(args.bindings);
    if (!parsed.ok() || !parsed->is_object()) {
      std::fprintf(stderr, "--bindings: expected a JSON object such as '{\"rate\": 1.2}'%s%s\n",
                   parsed.ok() ? "" : ": ", parsed.ok() ? "" : parsed.status().ToString().c_str());
      return 2;
    }
    bindings = std::move(parsed).value();
    options.bindings = &bindings.as_object();
  }
  if (args.ndjson) {
    return MapLines(args, *expression, options);
  }

  Value input;
  if (!args.input_file.empty()) {
    auto input_text = ReadInput(args.input_file);
    if (!input_text.ok()) {
      std::fprintf(stderr, "%s\n", input_text.status().ToString().c_str());
      return 1;
    }
    auto parsed = ParseJson(*input_text);
    if (!parsed.ok()) {
      std::fprintf(stderr, "%s: %s\n", args.input_file.c_str(), parsed.status().ToString().c_str());
      return 1;
    }
    input = std::move(parsed).value();
  }

  auto result = expression->Evaluate(input, options);
  if (!result.ok()) {
    const jsonata::Error& error = result.error();
    std::fprintf(stderr, "%s\n", error.ToString().c_str());
    if (error.position() >= 0) {
      Place place = Locate(*expr_text, error.position() > 0 ? error.position() - 1 : 0);
      std::fprintf(stderr, "  at %s:%d:%d (position %lld)\n", args.expr_file.c_str(), place.line,
                   place.column, static_cast<long long>(error.position()));
    }
    return 1;
  }
  if (!result->is_undefined() && !result->is_function()) {
    std::string out = ToJson(*result, JsonWriteOptions{.indent = 2});
    out += '\n';
    std::fwrite(out.data(), 1, out.size(), stdout);
  }
  return 0;
}

}  // namespace

void AddMapCommand(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<MapArgs>();
  CLI::App* cmd = app.add_subcommand(
      "map",
      "Evaluate a JSONata mapping and print the result as JSON.\n"
      "With no INPUT_FILE there is no input ($ is undefined); '-' reads standard input.\n"
      "Exit 0 on success (nothing printed when the result is undefined); exit 1 on an error,\n"
      "printed on stderr as 'CODE: message' followed by its place in EXPR_FILE.");
  cmd->add_option("EXPR_FILE", args->expr_file, "File holding the JSONata expression ('-': stdin)")
      ->required();
  cmd->add_option("INPUT_FILE", args->input_file, "JSON input document ('-': stdin)");
  cmd->add_option("--bindings", args->bindings,
                  "JSON object of variables to bind, e.g. '{\"rate\": 1.2}' binds $rate");
  cmd->add_flag("--ndjson", args->ndjson,
                "Treat INPUT_FILE as newline-delimited JSON: map each line, print one line each");
  cmd->callback([args, &exit_code] { exit_code = RunMap(*args); });
}

}  // namespace erphub::cli
