#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/result.h"
#include "core/value.h"

namespace erphub::formats::edifact {

// UN/EDIFACT interchanges <-> JSON (the form is described in docs/formats/edifact.md), and the
// CONTRL a receiver sends back. Pure functions: no I/O besides reading the message definitions
// kept in src/formats/data/edifact/ once per process.

struct ParseOptions {
  // Strict (false): the first fault ends the parse with kParse, naming the segment (index in the
  // file, tag, byte offset) and the reason. Lenient (true): faults seen in real trading traffic
  // (wrong counts, references that differ, missing trailers or final terminator, stray text after
  // UNZ, too many repetitions, non-numeric quantities) are tolerated and listed in the document's
  // "warnings"; faults that leave nothing to read (no UNB, broken header tags) still fail.
  bool lenient = false;
};

// Parses every interchange in `bytes` (UTF-8 with or without BOM; ISO-8859-1 text is converted).
Result<Value> Parse(std::string_view bytes, const ParseOptions& options);

// One entry of a parsed document's "warnings" as a Status: kParse, the reason as message and its
// place ("segment 21 (UNT), element 1, at byte 489") as context.
Status WarningToStatus(const Value& warning);

struct RenderOptions {
  // A line break after each segment terminator (layout only; readers ignore it).
  bool line_breaks = true;
};

// Writes the document produced by Parse (or built by hand in the same form). UNT, UNE and UNZ
// counts and references are computed, not copied; separators come from each interchange's "una"
// (written out when present), else the defaults of its syntax version. Text is written as UTF-8.
Result<std::string> Render(const Value& document, const RenderOptions& options);

struct AcknowledgeOptions {
  // UCI action 8 (received, content not checked) and no UCM detail.
  bool receipt_only = false;
  // The CONTRL interchange's control reference; empty: the received interchange's reference.
  std::string control_reference;
  // Date and time written in the CONTRL's UNB; the system clock when null.
  const Clock* clock = nullptr;
};

// The CONTRL interchange(s) a conforming receiver sends for `bytes`: one per received interchange,
// sender and recipient swapped, UCI action 7 or 4, UCF per group, UCM per message (7 or 4 with the
// error code), UCS/UCD pointing at faulty segments and elements. Succeeds when it rejects; fails
// only when there is nothing to answer (no UNB). CONTRL messages are never acknowledged: a file
// holding only CONTRL gives an empty string.
Result<std::string> Acknowledge(std::string_view bytes, const AcknowledgeOptions& options);
Result<std::string> Acknowledge(std::string_view bytes);

// The CONTRL of input fed in chunks; Acknowledge(bytes) is one Feed and Finish. Memory grows with
// the number of messages, not with the input's size.
class AckStream {
 public:
  explicit AckStream(const AcknowledgeOptions& options = {});
  ~AckStream();
  AckStream(const AckStream&) = delete;
  AckStream& operator=(const AckStream&) = delete;

  Status Feed(std::string_view chunk);
  Result<std::string> Finish();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace erphub::formats::edifact
