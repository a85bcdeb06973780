#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "formats/x12/x12.h"

// The event reader under Parse, JsonStream and Acknowledge: tokenizer, envelope validation and
// loop grouping in one pass over chunks of input, reporting to a Handler.
namespace erphub::formats::x12 {

// One segment as read: views into the input, valid only during the handler call.
struct SegmentView {
  // elements[0] is the tag; elements[i] is element i (N101 is elements[1]).
  std::span<const std::string_view> elements;
  // Per element: bit 0 contains the component separator, bit 1 the repetition separator, bit 2
  // a byte a JSON string must escape (or any non-ASCII byte).
  std::span<const uint8_t> flags;
  const Delimiters* delimiters = nullptr;
  uint64_t index = 0;   // 1-based position of the segment in the input
  uint64_t offset = 0;  // byte offset of its first byte
  // The end of the memory around the elements that may be read (16-byte loads past an
  // element's end are safe before it); nullptr when unknown.
  const char* readable_end = nullptr;
  // No element holds a component or repetition separator or a byte JSON must escape: all flags
  // are 0 (false when not known).
  bool plain = false;
  std::string_view tag() const { return elements[0]; }
};

// Which acknowledgment answers a fault.
enum class FaultLevel { kInterchange, kGroup, kTransaction, kSegment };

// A fault found in the input: fatal in strict mode, a warning in lenient mode.
struct Finding {
  std::string code;  // stable name, e.g. "iea_control_mismatch"
  std::string message;
  uint64_t segment_index = 0;
  std::string tag;
  uint64_t offset = 0;
  FaultLevel level = FaultLevel::kInterchange;
  // TA105 note code, AK905 / AK502 code, or AK304 code, as fits the level.
  std::string ack_code;
  // TA104 for interchange faults: "R" rejects the interchange, "E" accepts it with errors.
  char ack_action = 'R';
  // Segment faults: position in the set (ST = 1) and the loop the segment is in.
  uint32_t set_position = 0;
  std::string loop_id;
  // Element faults (AK4): element position (1-based), error code and the bad value.
  uint32_t element_position = 0;
  std::string element_code;
  std::string element_value;
};

// "segment 37 (IEA) at byte 1100: IEA02 ... "
Status FindingStatus(const Finding& finding);

class Handler {
 public:
  virtual ~Handler() = default;
  virtual Status StartInterchange(const SegmentView& isa) = 0;
  // Segments directly inside the interchange, outside groups (TA1).
  virtual Status InterchangeSegment(const SegmentView& segment) = 0;
  virtual Status StartGroup(const SegmentView& gs) = 0;
  virtual Status StartTransaction(const SegmentView& st) = 0;
  virtual Status StartLoop(std::string_view loop_id) = 0;
  virtual Status Segment(const SegmentView& segment) = 0;
  virtual Status EndLoop() = 0;
  // The trailer is nullptr when it is missing (lenient mode only).
  virtual Status EndTransaction(const SegmentView* se) = 0;
  virtual Status EndGroup(const SegmentView* ge) = 0;
  virtual Status EndInterchange(const SegmentView* iea) = 0;
  // Lenient mode: a tolerated fault.
  virtual Status Warning(const Finding& finding) = 0;
};

class Reader {
 public:
  Reader(const ParseOptions& options, Handler& handler);
  ~Reader();
  Reader(const Reader&) = delete;
  Reader& operator=(const Reader&) = delete;

  // Handles every complete segment of the input so far; keeps an incomplete one for later.
  Status Feed(std::string_view chunk);
  // Ends the input: the last segment, unclosed envelopes, an input without any interchange.
  Status Finish();

 private:
  Status FeedStarted(std::string_view chunk);

  struct State;
  std::unique_ptr<State> state_;
};

// Reads all of `bytes`.
Status ReadAll(std::string_view bytes, const ParseOptions& options, Handler& handler);

}  // namespace erphub::formats::x12
