#include "components/inputs/interchange_parts.h"

#include <string_view>
#include <utility>

#include "core/json.h"
#include "formats/edifact/stream_parser.h"
#include "formats/x12/x12.h"

namespace erphub::components {
namespace {

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

Headers X12Headers(const Value& isa, const Value& gs, const Value& set) {
  Headers headers;
  AddHeader(headers, "X12-Sender", X12Element(isa, "ISA", 6));
  AddHeader(headers, "X12-Receiver", X12Element(isa, "ISA", 8));
  AddHeader(headers, "X12-Interchange", X12Element(isa, "ISA", 13));
  AddHeader(headers, "X12-Group", X12Element(gs, "GS", 6));
  AddHeader(headers, "X12-Set", X12Element(set.Get("ST"), "ST", 1));
  AddHeader(headers, "X12-Set-Control", X12Element(set.Get("ST"), "ST", 2));
  return headers;
}

Headers EdifactHeaders(const Value& unb, const Value& message) {
  Headers headers;
  AddHeader(headers, "EDIFACT-Sender", EdifactElement(unb, 2));
  AddHeader(headers, "EDIFACT-Recipient", EdifactElement(unb, 3));
  AddHeader(headers, "EDIFACT-Interchange", EdifactElement(unb, 5));
  const Value& type = message.Get("type");
  AddHeader(headers, "EDIFACT-Message", type.is_string() ? std::string(type.as_string()) : "");
  AddHeader(headers, "EDIFACT-Message-Reference", EdifactElement(message.Get("header"), 1));
  return headers;
}

// `text` parsed, reusing `cached` while the text is the one it was parsed from (an interchange's
// ISA and a group's GS come with each of their sets).
Result<const Value*> Cached(std::string_view text, std::string& cached_text, Value& cached) {
  if (text != cached_text || cached.is_undefined()) {
    ERPHUB_ASSIGN_OR_RETURN(cached, ParseJson(text));
    cached_text = std::string(text);
  }
  return &cached;
}

}  // namespace

class InterchangePartStream::X12Reader {
 public:
  X12Reader(const formats::CodecOptions& codec, Emit emit)
      : emit_(std::move(emit)),
        stream_(
            formats::x12::ParseOptions{.lenient = codec.lenient},
            [this](std::string_view isa, std::string_view gs, std::string_view set) {
              return OnSet(isa, gs, set);
            },
            codec.report) {}

  Status Feed(std::string_view chunk) { return stream_.Feed(chunk); }
  Status Finish() { return stream_.Finish(); }

 private:
  Status OnSet(std::string_view isa_text, std::string_view gs_text, std::string_view set_text) {
    ERPHUB_ASSIGN_OR_RETURN(const Value* isa, Cached(isa_text, isa_text_, isa_));
    ERPHUB_ASSIGN_OR_RETURN(const Value* gs, Cached(gs_text, gs_text_, gs_));
    ERPHUB_ASSIGN_OR_RETURN(Value set, ParseJson(set_text));
    Headers headers = X12Headers(*isa, *gs, set);
    return emit_(InterchangePart{.payload = std::move(set), .headers = std::move(headers)});
  }

  Emit emit_;
  std::string isa_text_;
  std::string gs_text_;
  Value isa_;
  Value gs_;
  formats::x12::SetStream stream_;
};

class InterchangePartStream::EdifactReader final : public formats::edifact::MessageHandler {
 public:
  EdifactReader(const formats::CodecOptions& codec, Emit emit)
      : emit_(std::move(emit)),
        report_(codec.report),
        parser_(codec.lenient ? formats::edifact::FaultPolicy::kLenient
                              : formats::edifact::FaultPolicy::kStrict,
                *this) {}

  Status Feed(std::string_view chunk) {
    Status status = parser_.Feed(chunk);
    ReportNewFindings();
    return status;
  }
  Status Finish() {
    Status status = parser_.Finish();
    ReportNewFindings();
    return status;
  }

  Status OnInterchangeStart(const formats::edifact::InterchangeStart& start) override {
    unb_ = start.header;
    return Status::Ok();
  }
  Status OnGroupStart(const Value&) override { return Status::Ok(); }
  Status OnMessage(Value message) override {
    Headers headers = EdifactHeaders(unb_, message);
    return emit_(InterchangePart{.payload = std::move(message), .headers = std::move(headers)});
  }
  Status OnGroupEnd(const Value&) override { return Status::Ok(); }
  Status OnInterchangeEnd(const Value&) override { return Status::Ok(); }

 private:
  // Lenient reading goes on past tolerated faults; each is reported once, with its place.
  void ReportNewFindings() {
    const auto& findings = parser_.findings();
    for (; reported_ < findings.size(); ++reported_) {
      if (report_) {
        report_(ParseError(findings[reported_].reason,
                           formats::edifact::FindingPlace(findings[reported_])));
      }
    }
  }

  Emit emit_;
  std::function<void(const Status&)> report_;
  Value unb_;
  size_t reported_ = 0;
  formats::edifact::StreamParser parser_;
};

InterchangePartStream::InterchangePartStream(formats::Format format,
                                             const formats::CodecOptions& codec, Emit emit) {
  if (format == formats::Format::kX12) {
    x12_ = std::make_unique<X12Reader>(codec, std::move(emit));
  } else {
    edifact_ = std::make_unique<EdifactReader>(codec, std::move(emit));
  }
}

InterchangePartStream::~InterchangePartStream() = default;

Status InterchangePartStream::Feed(std::string_view chunk) {
  return x12_ ? x12_->Feed(chunk) : edifact_->Feed(chunk);
}

Status InterchangePartStream::Finish() { return x12_ ? x12_->Finish() : edifact_->Finish(); }

}  // namespace erphub::components
