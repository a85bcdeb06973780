#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>

namespace erphub {

// A point in time in UTC with microsecond resolution. erphub stores and compares time in UTC only;
// offsets are kept in payloads, never in Timestamps.
using Timestamp = std::chrono::sys_time<std::chrono::microseconds>;

inline int64_t ToUnixMicros(Timestamp t) { return t.time_since_epoch().count(); }
inline Timestamp FromUnixMicros(int64_t micros) {
  return Timestamp(std::chrono::microseconds(micros));
}

// "2024-05-01T10:00:00.123456Z" (RFC 3339, always UTC, always six fraction digits).
std::string FormatUtc(Timestamp t);

// Wall-clock time, injected so tests can control it. Implementations are thread-safe.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual Timestamp Now() const = 0;
};

// The system's real-time clock.
class SystemClock final : public Clock {
 public:
  Timestamp Now() const override;
  // A process-wide instance, for code that is not handed a clock.
  static Clock& Default();
};

// A clock that moves only when told to. Thread-safe: tests advance it while workers read it.
class FakeClock final : public Clock {
 public:
  // Starts at 2024-01-01T00:00:00Z unless told otherwise.
  FakeClock();
  explicit FakeClock(Timestamp start) : now_micros_(ToUnixMicros(start)) {}

  Timestamp Now() const override { return FromUnixMicros(now_micros_.load()); }
  void Set(Timestamp t) { now_micros_.store(ToUnixMicros(t)); }
  void Advance(std::chrono::microseconds d) { now_micros_.fetch_add(d.count()); }

 private:
  std::atomic<int64_t> now_micros_;
};

}  // namespace erphub
