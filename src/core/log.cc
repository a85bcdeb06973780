#include "core/log.h"

#include <cstdio>

#include "core/clock.h"
#include "core/json.h"

namespace erphub {
namespace {

void WriteToStderr(std::string_view line) {
  // stderr is unbuffered: one fwrite per line keeps lines whole.
  std::fwrite(line.data(), 1, line.size(), stderr);
}

}  // namespace

std::string_view LogLevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug:
      return "debug";
    case LogLevel::kInfo:
      return "info";
    case LogLevel::kWarn:
      return "warn";
    case LogLevel::kError:
      return "error";
  }
  return "info";
}

Result<LogLevel> ParseLogLevel(std::string_view name) {
  for (LogLevel level : {LogLevel::kDebug, LogLevel::kInfo, LogLevel::kWarn, LogLevel::kError}) {
    if (name == LogLevelName(level)) {
      return level;
    }
  }
  return InvalidArgumentError("unknown log level \"" + std::string(name) +
                              "\": expected debug, info, warn or error");
}

Logger::Logger() : Logger(WriteToStderr) {}

Logger::Logger(Sink sink, LogLevel level) : sink_(std::move(sink)), level_(level) {}

Logger& Logger::Default() {
  static Logger* logger = new Logger();
  return *logger;
}

void Logger::SetLevel(LogLevel level) { level_.store(level); }

void Logger::SetSink(Sink sink) {
  std::lock_guard<std::mutex> lock(mu_);
  sink_ = std::move(sink);
}

void Logger::Log(LogLevel level, std::string_view event, std::initializer_list<LogField> fields) {
  if (!Enabled(level)) {
    return;
  }
  std::string line;
  line.reserve(128);
  line += "{\"time\":\"";
  line += FormatUtc(SystemClock::Default().Now());
  line += "\",\"level\":\"";
  line += LogLevelName(level);
  line += "\",\"event\":";
  AppendJsonString(line, event);
  for (const LogField& field : fields) {
    if (field.value.is_undefined()) {
      continue;
    }
    line += ',';
    AppendJsonString(line, field.key);
    line += ':';
    AppendJson(line, field.value);
  }
  line += "}\n";
  std::lock_guard<std::mutex> lock(mu_);
  if (sink_) {
    sink_(line);
  }
}

}  // namespace erphub
