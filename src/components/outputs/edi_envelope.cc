#include "components/outputs/edi_envelope.h"

#include <chrono>
#include <ctime>
#include <string_view>
#include <utility>

namespace erphub::components {
namespace {

using formats::Format;

std::optional<char> OneChar(const Value& value) {
  if (value.is_string() && value.as_string().size() == 1) {
    return value.as_string()[0];
  }
  return std::nullopt;
}

std::string Text(const Value& value) {
  return value.is_string() ? std::string(value.as_string()) : std::string();
}

// The functional identifier code (GS01) of a transaction set (ST01).
std::optional<std::string_view> FunctionalGroupOf(std::string_view set) {
  static constexpr std::pair<std::string_view, std::string_view> kGroups[] = {
      {"810", "IN"}, {"820", "RA"}, {"824", "AG"}, {"830", "PS"}, {"846", "IB"}, {"850", "PO"},
      {"852", "PD"}, {"855", "PR"}, {"856", "SH"}, {"860", "PC"}, {"862", "SS"}, {"865", "CA"},
      {"940", "OW"}, {"943", "AR"}, {"944", "RE"}, {"945", "SW"}, {"947", "AW"}, {"997", "FA"},
      {"999", "FA"}, {"204", "SM"}, {"210", "IM"}, {"214", "QM"}, {"990", "GF"},
  };
  for (const auto& [code, group] : kGroups) {
    if (code == set) {
      return group;
    }
  }
  return std::nullopt;
}

// "%y%m%d" and similar of `now` in UTC.
std::string Utc(Timestamp now, const char* pattern) {
  std::time_t seconds =
      std::chrono::system_clock::to_time_t(std::chrono::time_point_cast<std::chrono::seconds>(now));
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char text[32];
  size_t size = std::strftime(text, sizeof(text), pattern, &tm);
  return std::string(text, size);
}

// Element `n` (1-based) of an X12 segment array that starts with its tag.
std::string X12Element(const Value& segment, size_t n) {
  if (!segment.is_array() || n >= segment.size() || !segment[n].is_string()) {
    return "";
  }
  return std::string(segment[n].as_string());
}

Value Str(std::string_view text) { return Value::Str(text); }

Result<Value> X12Envelope(const Value& set, const EdiPartner& partner, Timestamp now) {
  std::string type = X12Element(set.Get("ST"), 1);
  std::optional<std::string_view> group = FunctionalGroupOf(type);
  if (!group.has_value()) {
    return InvalidArgumentError("cannot tell the functional group (GS01) of transaction set \"" +
                                type + "\"; send a whole document with its GS");
  }
  bool repeats = partner.repetition.has_value() || partner.version >= "00402";
  Object delimiters;
  delimiters.Append("element", Str(std::string(1, partner.element.value_or('*'))));
  delimiters.Append("component", Str(std::string(1, partner.component.value_or('>'))));
  if (repeats) {
    delimiters.Append("repetition", Str(std::string(1, partner.repetition.value_or('^'))));
  }
  delimiters.Append("segment", Str(partner.segment.empty() ? "~" : partner.segment));
  Value isa = Value::MakeArray(
      {Str("ISA"), Str("00"), Str(""), Str("00"), Str(""), Str(partner.sender_qualifier),
       Str(partner.sender_id), Str(partner.receiver_qualifier), Str(partner.receiver_id),
       Str(Utc(now, "%y%m%d")), Str(Utc(now, "%H%M")),
       Str(repeats ? std::string(1, partner.repetition.value_or('^')) : std::string("U")),
       Str(partner.version), Str("auto"), Str(partner.ack_requested ? "1" : "0"),
       Str(partner.test ? "T" : "P"), Str(std::string(1, partner.component.value_or('>')))});
  Value gs =
      Value::MakeArray({Str("GS"), Str(*group), Str(partner.sender_id), Str(partner.receiver_id),
                        Str(Utc(now, "%Y%m%d")), Str(Utc(now, "%H%M")), Str("auto"), Str("X"),
                        Str(partner.group_version)});
  Object group_object;
  group_object.Append("GS", std::move(gs));
  group_object.Append("transactions", Value::MakeArray({set}));
  Object interchange;
  interchange.Append("delimiters", Value::MakeObject(std::move(delimiters)));
  interchange.Append("ISA", std::move(isa));
  interchange.Append("groups", Value::MakeArray({Value::MakeObject(std::move(group_object))}));
  Object document;
  document.Append("interchanges", Value::MakeArray({Value::MakeObject(std::move(interchange))}));
  return Value::MakeObject(std::move(document));
}

// "UNOC:3" -> ["UNOC", "3"].
Value Composite(std::string_view text) {
  Array parts;
  while (true) {
    size_t colon = text.find(':');
    parts.push_back(Str(text.substr(0, colon)));
    if (colon == std::string_view::npos) {
      break;
    }
    text.remove_prefix(colon + 1);
  }
  return Value::MakeArray(std::move(parts));
}

Result<Value> EdifactEnvelope(const Value& message, const EdiPartner& partner, Timestamp now) {
  Array unb = {Composite(partner.syntax),
               Value::MakeArray({Str(partner.sender_id), Str(partner.sender_qualifier)}),
               Value::MakeArray({Str(partner.receiver_id), Str(partner.receiver_qualifier)}),
               Value::MakeArray({Str(Utc(now, "%y%m%d")), Str(Utc(now, "%H%M"))}), Str("auto")};
  if (partner.ack_requested || partner.test) {
    // S005, 0026, 0029, 0031 (acknowledgement request), 0032, 0035 (test indicator).
    unb.insert(unb.end(),
               {Str(""), Str(""), Str(""), Str(partner.ack_requested ? "1" : ""), Str("")});
    if (partner.test) {
      unb.push_back(Str("1"));
    }
  }
  Object header;
  header.Append("tag", Str("UNB"));
  header.Append("elements", Value::MakeArray(std::move(unb)));
  Object interchange;
  if (partner.element || partner.component || partner.release || !partner.segment.empty()) {
    std::string una;
    una += partner.component.value_or(':');
    una += partner.element.value_or('+');
    una += '.';
    una += partner.release.value_or('?');
    una += partner.repetition.value_or(' ');
    una += partner.segment.empty() ? "'" : partner.segment;
    interchange.Append("una", Str(una));
  }
  interchange.Append("header", Value::MakeObject(std::move(header)));
  interchange.Append("messages", Value::MakeArray({message}));
  Object document;
  document.Append("interchanges", Value::MakeArray({Value::MakeObject(std::move(interchange))}));
  return Value::MakeObject(std::move(document));
}

const Array& Items(const Value& value) {
  static const Array kNone;
  return value.is_array() ? value.as_array() : kNone;
}

std::string Padded(int64_t number, size_t width) {
  std::string text = std::to_string(number);
  if (text.size() < width) {
    text.insert(0, width - text.size(), '0');
  }
  return text;
}

// Sets element `n` of an X12 segment array (tag at 0) to `text`, growing it when short.
void SetX12Element(Value& segment, size_t n, std::string text) {
  if (!segment.is_array()) {
    return;
  }
  Array& elements = segment.mutable_array();
  while (elements.size() <= n) {
    elements.push_back(Str(""));
  }
  elements[n] = Value::Str(std::move(text));
}

// Sets element `n` (1-based) of an EDIFACT segment {"tag", "elements"}.
void SetEdifactElement(Value& segment, size_t n, std::string text) {
  if (!segment.is_object()) {
    return;
  }
  Value* elements = segment.mutable_object().FindMutable("elements");
  if (elements == nullptr || !elements->is_array()) {
    return;
  }
  Array& items = elements->mutable_array();
  while (items.size() < n) {
    items.push_back(Str(""));
  }
  items[n - 1] = Value::Str(std::move(text));
}

Value* Field(Value& object, std::string_view key) {
  return object.is_object() ? object.mutable_object().FindMutable(key) : nullptr;
}

void AssignX12(Value& document, ControlStart& next) {
  Value* interchanges = Field(document, "interchanges");
  if (interchanges == nullptr || !interchanges->is_array()) {
    return;
  }
  for (Value& interchange : interchanges->mutable_array()) {
    if (Value* isa = Field(interchange, "ISA"); isa != nullptr) {
      SetX12Element(*isa, 13, Padded(next.interchange++, 9));
    }
    Value* groups = Field(interchange, "groups");
    if (groups == nullptr || !groups->is_array()) {
      continue;
    }
    for (Value& group : groups->mutable_array()) {
      if (Value* gs = Field(group, "GS"); gs != nullptr) {
        SetX12Element(*gs, 6, std::to_string(next.group++));
      }
      Value* sets = Field(group, "transactions");
      if (sets == nullptr || !sets->is_array()) {
        continue;
      }
      for (Value& set : sets->mutable_array()) {
        if (Value* st = Field(set, "ST"); st != nullptr) {
          SetX12Element(*st, 2, Padded(next.set++, 4));
        }
      }
    }
  }
}

void AssignEdifactMessages(Value* messages, ControlStart& next) {
  if (messages == nullptr || !messages->is_array()) {
    return;
  }
  for (Value& message : messages->mutable_array()) {
    if (Value* unh = Field(message, "header"); unh != nullptr) {
      SetEdifactElement(*unh, 1, std::to_string(next.set++));
    }
  }
}

void AssignEdifact(Value& document, ControlStart& next) {
  Value* interchanges = Field(document, "interchanges");
  if (interchanges == nullptr || !interchanges->is_array()) {
    return;
  }
  for (Value& interchange : interchanges->mutable_array()) {
    if (Value* unb = Field(interchange, "header"); unb != nullptr) {
      SetEdifactElement(*unb, 5, std::to_string(next.interchange++));
    }
    AssignEdifactMessages(Field(interchange, "messages"), next);
    Value* groups = Field(interchange, "groups");
    if (groups == nullptr || !groups->is_array()) {
      continue;
    }
    for (Value& group : groups->mutable_array()) {
      if (Value* ung = Field(group, "header"); ung != nullptr) {
        SetEdifactElement(*ung, 5, std::to_string(next.group++));
      }
      AssignEdifactMessages(Field(group, "messages"), next);
    }
  }
}

}  // namespace

EdiPartner EdiPartnerFrom(std::string id, const Value& fields) {
  EdiPartner partner;
  partner.id = std::move(id);
  partner.sender_id = Text(fields.Get("sender_id"));
  partner.sender_qualifier = Text(fields.Get("sender_qualifier"));
  partner.receiver_id = Text(fields.Get("receiver_id"));
  partner.receiver_qualifier = Text(fields.Get("receiver_qualifier"));
  partner.version = Text(fields.Get("version"));
  partner.group_version = Text(fields.Get("group_version"));
  partner.syntax = Text(fields.Get("syntax"));
  const Value& delimiters = fields.Get("delimiters");
  partner.element = OneChar(delimiters.Get("element"));
  partner.component = OneChar(delimiters.Get("component"));
  partner.repetition = OneChar(delimiters.Get("repetition"));
  partner.release = OneChar(delimiters.Get("release"));
  partner.segment = Text(delimiters.Get("segment"));
  partner.ack_requested =
      fields.Get("ack_requested").is_bool() && fields.Get("ack_requested").as_bool();
  partner.test = fields.Get("test").is_bool() && fields.Get("test").as_bool();
  return partner;
}

Result<Value> EdiDocumentFor(Format format, const Value& payload, const EdiPartner& partner,
                             Timestamp now) {
  if (payload.Get("interchanges").is_array()) {
    return payload;
  }
  if (format == Format::kX12 && payload.Get("ST").is_array()) {
    return X12Envelope(payload, partner, now);
  }
  if (format == Format::kEdifact && payload.Get("header").is_object() &&
      payload.Get("segments").is_array()) {
    return EdifactEnvelope(payload, partner, now);
  }
  return InvalidArgumentError(
      format == Format::kX12
          ? "expected an X12 document {\"interchanges\": ...} or transaction set {\"ST\": ...}"
          : "expected an EDIFACT document {\"interchanges\": ...} or message {\"header\": ...}");
}

ControlCounts CountControls(Format format, const Value& document) {
  ControlCounts counts;
  const char* sets_key = format == Format::kX12 ? "transactions" : "messages";
  for (const Value& interchange : Items(document.Get("interchanges"))) {
    ++counts.interchanges;
    counts.sets += static_cast<int64_t>(Items(interchange.Get("messages")).size());
    for (const Value& group : Items(interchange.Get("groups"))) {
      ++counts.groups;
      counts.sets += static_cast<int64_t>(Items(group.Get(sets_key)).size());
    }
  }
  return counts;
}

Value AssignControlNumbers(Format format, Value document, ControlStart start) {
  if (format == Format::kX12) {
    AssignX12(document, start);
  } else if (format == Format::kEdifact) {
    AssignEdifact(document, start);
  }
  return document;
}

}  // namespace erphub::components
