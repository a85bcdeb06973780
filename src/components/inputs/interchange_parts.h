#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/message.h"
#include "core/value.h"
#include "formats/codec.h"
#include "formats/format.h"

namespace erphub::components {

// One transaction set (X12) or message (EDIFACT) of a parsed interchange file, with its envelope
// as headers: X12-Sender, X12-Receiver, X12-Interchange (ISA13), X12-Group (GS06), X12-Set
// (ST01), X12-Set-Control (ST02); EDIFACT-Sender, EDIFACT-Recipient, EDIFACT-Interchange (UNB
// reference), EDIFACT-Message (type), EDIFACT-Message-Reference (UNH 0062).
struct InterchangePart {
  Value payload;
  Headers headers;
};

// Reads an X12 or EDIFACT file fed in chunks and hands each transaction set (X12) or message
// (EDIFACT), in file order, to `emit` as soon as it is read: the payload is its JSON form as in
// docs/formats/ (an element of a group's "transactions", or of "messages"), the envelope is in
// the headers. Memory stays bounded by the largest set. Faults follow `codec` (strict: the first
// one ends the read with kParse naming the segment; lenient: each goes to codec.report).
class InterchangePartStream {
 public:
  using Emit = std::function<Status(InterchangePart part)>;
  InterchangePartStream(formats::Format format, const formats::CodecOptions& codec, Emit emit);
  ~InterchangePartStream();
  InterchangePartStream(const InterchangePartStream&) = delete;
  InterchangePartStream& operator=(const InterchangePartStream&) = delete;

  Status Feed(std::string_view chunk);
  Status Finish();

 private:
  class X12Reader;
  class EdifactReader;
  std::unique_ptr<X12Reader> x12_;
  std::unique_ptr<EdifactReader> edifact_;
};

}  // namespace erphub::components
