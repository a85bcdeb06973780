#pragma once

#include <string>
#include <vector>

#include "core/message.h"
#include "core/value.h"
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

// The parts of a document in the JSON form of docs/formats/ (X12: interchanges[].groups[]
// .transactions[]; EDIFACT: interchanges[].messages[] and interchanges[].groups[].messages[]), in
// file order. Other formats, or documents without that shape, give none.
std::vector<InterchangePart> SplitInterchanges(formats::Format format, const Value& document);

}  // namespace erphub::components
