#include <chrono>
#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "formats/edifact/edifact.h"
#include "formats/edifact/stream_parser.h"

namespace erphub::formats::edifact {
namespace {

constexpr size_t kNone = std::string_view::npos;

struct ReceivedMessage {
  Value reference;
  Value identifier;  // S009 as received
  size_t group = kNone;
  bool is_contrl = false;
};

struct ReceivedInterchange {
  Value header;
  std::string una;
  int syntax_version = 3;
  std::vector<Value> groups;  // UNG segments
  std::vector<ReceivedMessage> messages;
};

// Remembers what a CONTRL refers to: envelopes and message identities, not message content.
class ReceiptRecorder final : public MessageHandler {
 public:
  Status OnInterchangeStart(const InterchangeStart& start) override {
    ReceivedInterchange interchange;
    interchange.header = start.header;
    interchange.una = start.una;
    interchange.syntax_version = start.syntax_version;
    interchanges.push_back(std::move(interchange));
    group_ = kNone;
    return Status();
  }
  Status OnGroupStart(const Value& ung) override {
    interchanges.back().groups.push_back(ung);
    group_ = interchanges.back().groups.size() - 1;
    return Status();
  }
  Status OnMessage(Value message) override {
    const Value& elements = message.Get("header").Get("elements");
    ReceivedMessage received;
    if (elements.is_array() && elements.size() > 0) {
      received.reference = elements[0];
    }
    if (elements.is_array() && elements.size() > 1) {
      received.identifier = elements[1];
    }
    received.group = group_;
    received.is_contrl =
        message.Get("type").is_string() && message.Get("type").as_string() == "CONTRL";
    interchanges.back().messages.push_back(std::move(received));
    return Status();
  }
  Status OnGroupEnd(const Value&) override {
    group_ = kNone;
    return Status();
  }
  Status OnInterchangeEnd(const Value&) override { return Status(); }
  bool WantsSegments() const override { return false; }

  std::vector<ReceivedInterchange> interchanges;

 private:
  size_t group_ = kNone;
};

Value Segment(std::string_view tag, Array elements) {
  Object segment;
  segment.Append("tag", Value::Str(tag));
  segment.Append("elements", Value::MakeArray(std::move(elements)));
  return Value::MakeObject(std::move(segment));
}

Value ElementOf(const Value& segment, size_t index) {
  const Value& elements = segment.Get("elements");
  if (elements.is_array() && index < elements.size()) {
    return elements[index];
  }
  return Value::Str("");
}

// Appends the action (7 or 4) and, for a rejection, the error code, the service segment tag and
// the element position the finding names.
void AppendAction(Array& elements, const Finding* fault, std::string_view accepted = "7") {
  if (fault == nullptr) {
    elements.push_back(Value::Str(accepted));
    return;
  }
  elements.push_back(Value::Str("4"));
  elements.push_back(Value::Str(std::to_string(fault->code)));
  elements.push_back(Value::Str(fault->tag));
  if (fault->element > 0) {
    if (fault->component > 0) {
      elements.push_back(Value::MakeArray({Value::Str(std::to_string(fault->element)),
                                           Value::Str(std::to_string(fault->component))}));
    } else {
      elements.push_back(Value::Str(std::to_string(fault->element)));
    }
  }
}

// UCS (and UCD when an element is named) for each faulty segment of one message.
void AppendSegmentErrors(Array& body, const std::vector<const Finding*>& faults) {
  size_t last_position = 0;
  for (const Finding* fault : faults) {
    if (fault->message_segment != last_position) {
      Array ucs = {Value::Str(std::to_string(fault->message_segment))};
      if (fault->element == 0) {
        ucs.push_back(Value::Str(std::to_string(fault->code)));
      }
      body.push_back(Segment("UCS", std::move(ucs)));
      last_position = fault->message_segment;
    }
    if (fault->element > 0) {
      Array position = {Value::Str(std::to_string(fault->element))};
      if (fault->component > 0) {
        position.push_back(Value::Str(std::to_string(fault->component)));
      }
      Value where = position.size() == 1 ? position[0] : Value::MakeArray(std::move(position));
      body.push_back(Segment("UCD", {Value::Str(std::to_string(fault->code)), std::move(where)}));
    }
  }
}

std::pair<std::string, std::string> DateAndTime(const Clock& clock, int syntax_version) {
  auto now = std::chrono::floor<std::chrono::minutes>(clock.Now());
  auto days = std::chrono::floor<std::chrono::days>(now);
  std::chrono::year_month_day ymd(days);
  std::chrono::hh_mm_ss hms(now - days);
  char date[16];
  char time[8];
  int year = static_cast<int>(ymd.year());
  if (syntax_version >= 4) {
    std::snprintf(date, sizeof(date), "%04d%02u%02u", year, static_cast<unsigned>(ymd.month()),
                  static_cast<unsigned>(ymd.day()));
  } else {
    std::snprintf(date, sizeof(date), "%02d%02u%02u", year % 100,
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  }
  std::snprintf(time, sizeof(time), "%02d%02d", static_cast<int>(hms.hours().count()),
                static_cast<int>(hms.minutes().count()));
  return {date, time};
}

Value ContrlInterchange(const ReceivedInterchange& received, size_t index,
                        const std::vector<Finding>& findings, const AcknowledgeOptions& options) {
  const Finding* interchange_fault = nullptr;
  std::map<size_t, const Finding*> group_faults;
  std::map<size_t, const Finding*> message_faults;
  std::map<size_t, std::vector<const Finding*>> segment_faults;
  for (const Finding& f : findings) {
    if (f.interchange != index) {
      continue;
    }
    switch (f.level) {
      case FindingLevel::kInterchange:
        if (interchange_fault == nullptr) {
          interchange_fault = &f;
        }
        break;
      case FindingLevel::kGroup:
        group_faults.emplace(f.group, &f);
        break;
      case FindingLevel::kMessage:
        message_faults.emplace(f.message, &f);
        break;
      case FindingLevel::kSegment:
        segment_faults[f.message].push_back(&f);
        break;
    }
  }

  const Value& unb = received.header;
  Array body;
  Array uci = {ElementOf(unb, 4), ElementOf(unb, 1), ElementOf(unb, 2)};
  AppendAction(uci, interchange_fault, options.receipt_only ? "8" : "7");
  body.push_back(Segment("UCI", std::move(uci)));
  if (!options.receipt_only) {
    auto append_message = [&](size_t m) {
      const ReceivedMessage& message = received.messages[m];
      auto fault = message_faults.find(m);
      auto segments = segment_faults.find(m);
      Array ucm = {message.reference, message.identifier};
      if (fault != message_faults.end()) {
        AppendAction(ucm, fault->second);
      } else {
        ucm.push_back(Value::Str(segments != segment_faults.end() ? "4" : "7"));
      }
      body.push_back(Segment("UCM", std::move(ucm)));
      if (segments != segment_faults.end()) {
        AppendSegmentErrors(body, segments->second);
      }
    };
    for (size_t m = 0; m < received.messages.size(); ++m) {
      if (received.messages[m].group == kNone && !received.messages[m].is_contrl) {
        append_message(m);
      }
    }
    for (size_t g = 0; g < received.groups.size(); ++g) {
      const Value& ung = received.groups[g];
      Array ucf = {ElementOf(ung, 4), ElementOf(ung, 1), ElementOf(ung, 2)};
      auto fault = group_faults.find(g);
      AppendAction(ucf, fault == group_faults.end() ? nullptr : fault->second);
      body.push_back(Segment("UCF", std::move(ucf)));
      for (size_t m = 0; m < received.messages.size(); ++m) {
        if (received.messages[m].group == g && !received.messages[m].is_contrl) {
          append_message(m);
        }
      }
    }
  }

  const Clock& clock = options.clock != nullptr ? *options.clock : SystemClock::Default();
  auto [date, time] = DateAndTime(clock, received.syntax_version);
  Value reference =
      options.control_reference.empty() ? ElementOf(unb, 4) : Value::Str(options.control_reference);
  Value unh_identifier = received.syntax_version >= 4
                             ? Value::MakeArray({Value::Str("CONTRL"), Value::Str("4"),
                                                 Value::Str("1"), Value::Str("UN")})
                             : Value::MakeArray({Value::Str("CONTRL"), Value::Str("D"),
                                                 Value::Str("3"), Value::Str("UN")});
  Object message;
  message.Append("type", Value::Str("CONTRL"));
  message.Append("header", Segment("UNH", {Value::Str("1"), std::move(unh_identifier)}));
  message.Append("segments", Value::MakeArray(std::move(body)));
  Object interchange;
  if (!received.una.empty()) {
    interchange.Append("una", Value::Str(received.una));
  }
  interchange.Append(
      "header",
      Segment("UNB", {ElementOf(unb, 0), ElementOf(unb, 2), ElementOf(unb, 1),
                      Value::MakeArray({Value::Str(date), Value::Str(time)}), reference}));
  interchange.Append("messages", Value::MakeArray({Value::MakeObject(std::move(message))}));
  return Value::MakeObject(std::move(interchange));
}

}  // namespace

struct AckStream::Impl {
  explicit Impl(const AcknowledgeOptions& o)
      : options(o), parser(FaultPolicy::kCollect, recorder) {}
  AcknowledgeOptions options;
  ReceiptRecorder recorder;
  StreamParser parser;
  Status read;  // the first error; nothing after it is read
};

AckStream::AckStream(const AcknowledgeOptions& options) : impl_(std::make_unique<Impl>(options)) {}

AckStream::~AckStream() = default;

Status AckStream::Feed(std::string_view chunk) {
  if (impl_->read.ok()) {
    impl_->read = impl_->parser.Feed(chunk);
  }
  return impl_->read;
}

Result<std::string> AckStream::Finish() {
  Impl& s = *impl_;
  ERPHUB_TRY(s.read);
  ERPHUB_TRY(s.parser.Finish());
  if (s.recorder.interchanges.empty()) {
    const auto& findings = s.parser.findings();
    if (!findings.empty()) {
      return ParseError("nothing to acknowledge: " + findings.front().reason,
                        FindingPlace(findings.front()));
    }
    return ParseError("nothing to acknowledge: no UNB");
  }
  Array interchanges;
  for (size_t i = 0; i < s.recorder.interchanges.size(); ++i) {
    const ReceivedInterchange& received = s.recorder.interchanges[i];
    bool only_contrl = !received.messages.empty();
    for (const ReceivedMessage& message : received.messages) {
      only_contrl = only_contrl && message.is_contrl;
    }
    if (only_contrl) {
      continue;  // a CONTRL is never answered with another
    }
    interchanges.push_back(ContrlInterchange(received, i, s.parser.findings(), s.options));
  }
  if (interchanges.empty()) {
    return std::string();
  }
  Value document = Value::MakeObject();
  document.Set("interchanges", Value::MakeArray(std::move(interchanges)));
  return Render(document, RenderOptions());
}

Result<std::string> Acknowledge(std::string_view bytes, const AcknowledgeOptions& options) {
  AckStream stream(options);
  ERPHUB_TRY(stream.Feed(bytes));
  return stream.Finish();
}

Result<std::string> Acknowledge(std::string_view bytes) {
  return Acknowledge(bytes, AcknowledgeOptions());
}

}  // namespace erphub::formats::edifact
