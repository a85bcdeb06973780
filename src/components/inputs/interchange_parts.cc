#include "components/inputs/interchange_parts.h"

#include <string_view>
#include <utility>

namespace erphub::components {
namespace {

const Array& Items(const Value& value) {
  static const Array kNone;
  return value.is_array() ? value.as_array() : kNone;
}

// The text of a data element, its first component for a composite, trimmed of the padding of
// fixed-width fields.
std::string ElementText(const Value& element) {
  const Value* v = &element;
  while (v->is_array() && v->size() > 0) {
    v = &(*v)[0];
  }
  if (!v->is_string()) {
    return "";
  }
  std::string_view text = v->as_string();
  while (!text.empty() && text.back() == ' ') {
    text.remove_suffix(1);
  }
  while (!text.empty() && text.front() == ' ') {
    text.remove_prefix(1);
  }
  return std::string(text);
}

// Element `n` (1-based, as in ISA06) of an X12 segment array, which may start with its tag.
std::string X12Element(const Value& segment, std::string_view tag, size_t n) {
  if (!segment.is_array()) {
    return "";
  }
  bool tagged = segment.size() > 0 && segment[0].is_string() && segment[0].as_string() == tag;
  size_t at = tagged ? n : n - 1;
  return at < segment.size() ? ElementText(segment[at]) : "";
}

// Element `n` (1-based) of an EDIFACT segment {"tag", "elements"}.
std::string EdifactElement(const Value& segment, size_t n) {
  const Value& elements = segment.Get("elements");
  return elements.is_array() && n - 1 < elements.size() ? ElementText(elements[n - 1]) : "";
}

void AddHeader(Headers& headers, std::string name, std::string value) {
  if (!value.empty()) {
    headers.emplace_back(std::move(name), std::move(value));
  }
}

void SplitX12(const Value& document, std::vector<InterchangePart>& parts) {
  for (const Value& interchange : Items(document.Get("interchanges"))) {
    const Value& isa = interchange.Get("ISA");
    for (const Value& group : Items(interchange.Get("groups"))) {
      for (const Value& set : Items(group.Get("transactions"))) {
        InterchangePart part;
        part.payload = set;
        AddHeader(part.headers, "X12-Sender", X12Element(isa, "ISA", 6));
        AddHeader(part.headers, "X12-Receiver", X12Element(isa, "ISA", 8));
        AddHeader(part.headers, "X12-Interchange", X12Element(isa, "ISA", 13));
        AddHeader(part.headers, "X12-Group", X12Element(group.Get("GS"), "GS", 6));
        AddHeader(part.headers, "X12-Set", X12Element(set.Get("ST"), "ST", 1));
        AddHeader(part.headers, "X12-Set-Control", X12Element(set.Get("ST"), "ST", 2));
        parts.push_back(std::move(part));
      }
    }
  }
}

void AddEdifactMessages(const Value& unb, const Value& messages,
                        std::vector<InterchangePart>& parts) {
  for (const Value& message : Items(messages)) {
    InterchangePart part;
    part.payload = message;
    AddHeader(part.headers, "EDIFACT-Sender", EdifactElement(unb, 2));
    AddHeader(part.headers, "EDIFACT-Recipient", EdifactElement(unb, 3));
    AddHeader(part.headers, "EDIFACT-Interchange", EdifactElement(unb, 5));
    const Value& type = message.Get("type");
    AddHeader(part.headers, "EDIFACT-Message",
              type.is_string() ? std::string(type.as_string()) : "");
    AddHeader(part.headers, "EDIFACT-Message-Reference", EdifactElement(message.Get("header"), 1));
    parts.push_back(std::move(part));
  }
}

void SplitEdifact(const Value& document, std::vector<InterchangePart>& parts) {
  for (const Value& interchange : Items(document.Get("interchanges"))) {
    const Value& unb = interchange.Get("header");
    AddEdifactMessages(unb, interchange.Get("messages"), parts);
    for (const Value& group : Items(interchange.Get("groups"))) {
      AddEdifactMessages(unb, group.Get("messages"), parts);
    }
  }
}

}  // namespace

std::vector<InterchangePart> SplitInterchanges(formats::Format format, const Value& document) {
  std::vector<InterchangePart> parts;
  if (format == formats::Format::kX12) {
    SplitX12(document, parts);
  } else if (format == formats::Format::kEdifact) {
    SplitEdifact(document, parts);
  }
  return parts;
}

}  // namespace erphub::components
