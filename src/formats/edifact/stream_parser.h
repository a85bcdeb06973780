#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "core/value.h"

namespace erphub::formats::edifact {

// What a finding is about: the interchange, a group, a whole message (UNH/UNT), or one segment of
// a message (content).
enum class FindingLevel { kInterchange, kGroup, kMessage, kSegment };

// One fault in the input, with its place. `code` is the UN/EDIFACT syntax error code (list 0085)
// a CONTRL would carry: 12 invalid value, 13 missing, 15 not supported in this position, 22
// invalid service segment tag, 26 duplicate, 28 references do not match, 29 control count does
// not match, 35 too many repetitions, 36 too many segment group repetitions, 37 invalid type of
// characters, 2 syntax version or level not supported, 18 unspecified.
struct Finding {
  int code = 18;
  std::string reason;
  // Tolerated by lenient parsing; the others leave nothing sensible to read.
  bool tolerable = true;
  FindingLevel level = FindingLevel::kInterchange;
  size_t segment_index = 0;  // 1-based position of the segment in the file (UNA not counted)
  std::string tag;
  size_t offset = 0;  // byte offset of the segment in the input
  // 0-based interchange, group and message (within the interchange); npos when not inside one.
  size_t interchange = std::string_view::npos;
  size_t group = std::string_view::npos;
  size_t message = std::string_view::npos;
  size_t message_segment = 0;  // position in the message, UNH = 1; 0 when not in a message
  int element = 0;             // 1-based element position; 0 when the whole segment
  int component = 0;           // 1-based component position; 0 when none
};

// "segment 22 (UNT), element 1, at byte 503": where a finding is, for messages and errors.
std::string FindingPlace(const Finding& finding);
// The JSON form used in a document's "warnings".
Value FindingToValue(const Finding& finding);

// What the parser has read of an interchange when it starts: the UNB segment and its service
// characters ("una" is set only when a UNA preceded it).
struct InterchangeStart {
  size_t index = 0;
  Value header;     // the UNB segment
  std::string una;  // the six UNA characters, or empty
  int syntax_version = 3;
};

// Receives an interchange one message at a time. Returning an error stops the parse with it.
class MessageHandler {
 public:
  virtual ~MessageHandler() = default;
  virtual Status OnInterchangeStart(const InterchangeStart& start) = 0;
  virtual Status OnGroupStart(const Value& ung) = 0;
  // {"type": "ORDERS", "header": UNH, "segments": [...], "trailer": UNT} (no trailer when missing).
  virtual Status OnMessage(Value message) = 0;
  // `une` is undefined when the group had no UNE.
  virtual Status OnGroupEnd(const Value& une) = 0;
  // `unz` is undefined when the interchange had no UNZ.
  virtual Status OnInterchangeEnd(const Value& unz) = 0;
  // False when only envelopes and findings matter (acknowledgments): message bodies are then
  // validated without building their JSON, and "segments" is empty.
  virtual bool WantsSegments() const { return true; }
};

// How faults end the parse: strict stops at the first, lenient at the first that is not
// tolerable, collect never (for acknowledgments, which report them all).
enum class FaultPolicy { kStrict, kLenient, kCollect };

// Reads interchanges from bytes fed in chunks of any size and hands each message to a
// MessageHandler as soon as its UNT is read, so memory stays bounded by the largest message (and
// segment), not the input: a 1 GB interchange of small messages is read in a few megabytes.
class StreamParser {
 public:
  StreamParser(FaultPolicy policy, MessageHandler& handler);
  ~StreamParser();
  StreamParser(const StreamParser&) = delete;
  StreamParser& operator=(const StreamParser&) = delete;

  // Reads what `chunk` completes. Errors are kParse naming the segment, or the handler's.
  Status Feed(std::string_view chunk);
  // The end of the input: reads the last (possibly unterminated) segment and checks that every
  // envelope is closed.
  Status Finish();

  // Every fault seen so far (for strict parsing, at most the one that stopped it).
  const std::vector<Finding>& findings() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace erphub::formats::edifact
