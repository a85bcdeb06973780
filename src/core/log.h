#pragma once

#include <atomic>
#include <functional>
#include <initializer_list>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>

#include "core/result.h"
#include "core/value.h"

namespace erphub {

enum class LogLevel { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3 };

// "debug", "info", "warn", "error".
std::string_view LogLevelName(LogLevel level);
// Reads a level name; kInvalidArgument otherwise.
Result<LogLevel> ParseLogLevel(std::string_view name);

// One field of a log event. Values are JSON values; never pass a secret.
struct LogField {
  std::string_view key;
  Value value;
};

// Structured logs: one JSON object per event and line,
//   {"time":"2024-05-01T10:00:00.123456Z","level":"info","event":"engine.started","flows":2}
// written whole by one call to the sink, so lines from several threads never interleave.
// Thread-safe.
class Logger {
 public:
  using Sink = std::function<void(std::string_view line)>;

  // Writes to stderr at level info.
  Logger();
  explicit Logger(Sink sink, LogLevel level = LogLevel::kInfo);

  // The process-wide logger (stderr) for code that is not handed one.
  static Logger& Default();

  void SetLevel(LogLevel level);
  void SetSink(Sink sink);
  bool Enabled(LogLevel level) const { return level >= level_; }

  void Log(LogLevel level, std::string_view event, std::initializer_list<LogField> fields = {});
  void Debug(std::string_view event, std::initializer_list<LogField> fields = {}) {
    Log(LogLevel::kDebug, event, fields);
  }
  void Info(std::string_view event, std::initializer_list<LogField> fields = {}) {
    Log(LogLevel::kInfo, event, fields);
  }
  void Warn(std::string_view event, std::initializer_list<LogField> fields = {}) {
    Log(LogLevel::kWarn, event, fields);
  }
  void Error(std::string_view event, std::initializer_list<LogField> fields = {}) {
    Log(LogLevel::kError, event, fields);
  }

 private:
  std::mutex mu_;
  Sink sink_;
  // Read without the lock on every call; a racing SetLevel is harmless.
  std::atomic<LogLevel> level_;
};

}  // namespace erphub
