#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/clock.h"
#include "core/result.h"
#include "core/value.h"
#include "formats/format.h"

namespace erphub::components {

// What the file output needs of a trading partner (an entry of the config's `partners:`) to
// address EDI to it.
struct EdiPartner {
  std::string id;
  std::string sender_id;
  std::string sender_qualifier;
  std::string receiver_id;
  std::string receiver_qualifier;
  std::string version;        // X12 ISA12
  std::string group_version;  // X12 GS08
  std::string syntax;         // EDIFACT S001, "UNOC:3"
  // Separators; unset ones take the standard's defaults.
  std::optional<char> element;
  std::optional<char> component;
  std::optional<char> repetition;
  std::optional<char> release;
  std::string segment;
  bool ack_requested = false;
  bool test = false;
};

// The partner `id` from its validated `partners:` fields (config.h PartnerSpec).
EdiPartner EdiPartnerFrom(std::string id, const Value& fields);

// The payload as a whole EDI document in the JSON form of docs/formats/: a document
// ({"interchanges": [...]}) as it is; a single X12 transaction set ({"ST": [...], "segments"})
// or EDIFACT message ({"header": UNH, "segments"}) wrapped into an interchange (and, for X12, a
// functional group) from us to `partner`, dated `now` (UTC). kInvalidArgument for other payloads,
// or an X12 set whose functional group cannot be told from ST01.
Result<Value> EdiDocumentFor(formats::Format format, const Value& payload,
                             const EdiPartner& partner, Timestamp now);

// How many control numbers a document needs of each kind.
struct ControlCounts {
  int64_t interchanges = 0;
  int64_t groups = 0;
  int64_t sets = 0;  // X12 transaction sets, EDIFACT messages
};
ControlCounts CountControls(formats::Format format, const Value& document);

// The first number of each kind to hand out; consecutive numbers follow.
struct ControlStart {
  int64_t interchange = 1;
  int64_t group = 1;
  int64_t set = 1;
};

// `document` with consecutive control numbers from `start` in every interchange (X12 ISA13,
// EDIFACT UNB 0020), group (GS06, UNG 0048) and set header (ST02, UNH 0062). The codecs compute
// the trailers' counts and references from the headers.
Value AssignControlNumbers(formats::Format format, Value document, ControlStart start);

}  // namespace erphub::components
