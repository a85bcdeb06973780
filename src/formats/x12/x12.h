#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"
#include "core/status.h"
#include "core/value.h"

// ANSI ASC X12 interchanges <-> JSON, and the 997/TA1 a receiver sends back. The JSON form is
// documented in docs/formats/x12.md.
namespace erphub::formats::x12 {

struct ParseOptions {
  // Accept common real-world faults (wrong counts, mismatched control numbers, an ISA that is
  // not fixed width, a missing trailer or final terminator, unknown segments) and list each one
  // under "warnings" instead of failing.
  bool lenient = false;
};

// The separators of one interchange. `segment` is one character, possibly several UTF-8 bytes
// (U+2026 is seen in the wild); the others are single bytes, `repetition` 0 when unused.
struct Delimiters {
  char element = '*';
  char component = '>';
  char repetition = 0;
  std::string segment = "~";
};

// Next control numbers to hand out when a header's control number is missing or "auto".
struct ControlNumbers {
  int64_t interchange = 1;
  int64_t group = 1;
  int64_t transaction = 1;
};

struct RenderOptions {
  // Separators for every interchange; by default each interchange's own (its "delimiters").
  std::optional<Delimiters> delimiters;
  ControlNumbers next;
  // Written after each segment terminator (layout only); never after a CR or LF terminator.
  std::string line_break = "\n";
};

struct Rendered {
  std::string bytes;
  // `RenderOptions::next` advanced past the numbers this rendering assigned.
  ControlNumbers next;
};

// Parses every interchange of `bytes` (a mailbag may hold several, each with its own
// delimiters) into the JSON form. Strict mode fails on the first fault with kParse; the context
// names the segment: "segment 37 (IEA) at byte 1100".
Result<Value> Parse(std::string_view bytes, const ParseOptions& options);

// Writes the JSON form back to X12, assigning control numbers where they are missing or "auto"
// and recomputing SE01, GE01, IEA01 and the trailers' control numbers. Data that contains a
// delimiter is refused (X12 has no escape character).
Result<std::string> Render(const Value& document, const RenderOptions& options);
Result<Rendered> RenderWithControlNumbers(const Value& document, const RenderOptions& options);

struct AckOptions {
  // The acknowledgment interchange's date (YYMMDD) and time (HHMM); default: the received ISA's.
  std::string date;
  std::string time;
  ControlNumbers control_numbers;
};

// The acknowledgment a conforming receiver sends for `bytes`: one interchange per received
// interchange, with sender and receiver swapped, holding a TA1 when the interchange itself is
// faulty and a 997 (AK1..AK9) per functional group unless the interchange is rejected. Succeeds
// when it rejects; fails only when there is no interchange header to answer.
Result<std::string> Acknowledge(std::string_view bytes);
Result<std::string> Acknowledge(std::string_view bytes, const AckOptions& options);

// Streaming: the JSON form written piece by piece while the input arrives in chunks, in memory
// bounded by the largest segment (plus the output not yet taken by `sink`). The text is exactly
// ToJson(Parse(...)). `sink` receives output after each transaction set and envelope segment.
class JsonStream {
 public:
  using Sink = std::function<Status(std::string_view json)>;
  // Receives each fault lenient mode accepts (also listed under "warnings"), with its place.
  using Report = std::function<void(const Status& fault)>;
  JsonStream(const ParseOptions& options, Sink sink, Report report = {});
  ~JsonStream();
  JsonStream(const JsonStream&) = delete;
  JsonStream& operator=(const JsonStream&) = delete;

  Status Feed(std::string_view chunk);
  // Ends the input; writes the closing part (and "warnings").
  Status Finish();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Streaming by transaction set: each set's JSON form (an element of a group's "transactions")
// goes to `sink` as soon as its SE is read, with the JSON form of its interchange's ISA and its
// group's GS; memory stays bounded by the largest set. Faults are handled as by JsonStream.
class SetStream {
 public:
  using Sink =
      std::function<Status(std::string_view isa, std::string_view gs, std::string_view set)>;
  SetStream(const ParseOptions& options, Sink sink, JsonStream::Report report = {});
  ~SetStream();
  SetStream(const SetStream&) = delete;
  SetStream& operator=(const SetStream&) = delete;

  Status Feed(std::string_view chunk);
  Status Finish();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The acknowledgment of input fed in chunks; Acknowledge(bytes) is one Feed and Finish. Memory
// grows with the number of groups and sets, not with the input's size.
class AckStream {
 public:
  explicit AckStream(const AckOptions& options = {});
  ~AckStream();
  AckStream(const AckStream&) = delete;
  AckStream& operator=(const AckStream&) = delete;

  Status Feed(std::string_view chunk);
  Result<std::string> Finish();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace erphub::formats::x12
