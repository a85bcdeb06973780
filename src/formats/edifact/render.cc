#include <charconv>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include "formats/edifact/edifact.h"
#include "formats/edifact/separators.h"

namespace erphub::formats::edifact {
namespace {

class Writer {
 public:
  Writer(const Separators& separators, const RenderOptions& options)
      : seps_(separators), options_(options) {}

  std::string& out() { return out_; }

  // Writes one segment object ({"tag", "elements"}) with its terminator.
  Status Segment(const Value& segment, std::string_view where) {
    const Value& tag = segment.Get("tag");
    if (!tag.is_string() || tag.as_string().empty()) {
      return InvalidArgumentError("segment without a \"tag\" string", std::string(where));
    }
    ERPHUB_TRY(Text(tag.as_string(), where));
    const Value& elements = segment.Get("elements");
    if (!elements.is_undefined() && !elements.is_array()) {
      return InvalidArgumentError("\"elements\" must be an array", std::string(where));
    }
    if (elements.is_array()) {
      for (const Value& element : elements.as_array()) {
        out_.push_back(seps_.element);
        ERPHUB_TRY(Element(element, where));
      }
    }
    End();
    return Status();
  }

  // A service segment whose elements are given as strings (computed trailers).
  Status Trailer(std::string_view tag, std::string count, std::string reference) {
    out_.append(tag);
    out_.push_back(seps_.element);
    out_.append(count);
    out_.push_back(seps_.element);
    ERPHUB_TRY(Text(reference, tag));
    End();
    return Status();
  }

  void Una() {
    out_.append("UNA");
    out_.append(UnaCharacters(seps_));
    if (options_.line_breaks) {
      out_.push_back('\n');
    }
  }

 private:
  void End() {
    out_.push_back(seps_.terminator);
    if (options_.line_breaks) {
      out_.push_back('\n');
    }
  }

  Status Element(const Value& element, std::string_view where) {
    if (element.is_object()) {
      const Value& repeat = element.Get("repeat");
      if (!repeat.is_array()) {
        return InvalidArgumentError("an element object needs a \"repeat\" array",
                                    std::string(where));
      }
      if (seps_.repetition == '\0' && repeat.size() > 1) {
        return InvalidArgumentError("repetitions need a repetition separator (syntax 4 or UNA)",
                                    std::string(where));
      }
      for (size_t i = 0; i < repeat.size(); ++i) {
        if (i > 0) {
          out_.push_back(seps_.repetition);
        }
        ERPHUB_TRY(Repetition(repeat[i], where));
      }
      return Status();
    }
    return Repetition(element, where);
  }

  Status Repetition(const Value& value, std::string_view where) {
    if (value.is_array()) {
      for (size_t i = 0; i < value.size(); ++i) {
        if (i > 0) {
          out_.push_back(seps_.component);
        }
        ERPHUB_TRY(Scalar(value[i], where));
      }
      return Status();
    }
    return Scalar(value, where);
  }

  Status Scalar(const Value& value, std::string_view where) {
    switch (value.kind()) {
      case ValueKind::kString:
        return Text(value.as_string(), where);
      case ValueKind::kNumber:
        return Text(value.as_number().ToString(), where);
      case ValueKind::kNull:
      case ValueKind::kUndefined:
        return Status();
      default:
        return InvalidArgumentError("element values are strings, numbers or null",
                                    std::string(where));
    }
  }

  Status Text(std::string_view text, std::string_view where) {
    for (char c : text) {
      if (IsServiceCharacter(seps_, c)) {
        if (seps_.release == '\0') {
          return InvalidArgumentError(
              std::string("'") + c + "' in data needs a release character, and UNA has none",
              std::string(where));
        }
        out_.push_back(seps_.release);
      }
      out_.push_back(c);
    }
    return Status();
  }

  Separators seps_;
  const RenderOptions& options_;
  std::string out_;
};

// The text of element `index` (0-based) of a segment, first component when composite.
std::string ElementText(const Value& segment, size_t index) {
  const Value& elements = segment.Get("elements");
  if (!elements.is_array() || index >= elements.size()) {
    return "";
  }
  const Value* value = &elements[index];
  if (value->is_array()) {
    if (value->size() == 0) {
      return "";
    }
    value = &(*value)[0];
  }
  if (value->is_string()) {
    return std::string(value->as_string());
  }
  if (value->is_number()) {
    return value->as_number().ToString();
  }
  return "";
}

// The number `text` holds, when it is all digits.
std::optional<uint64_t> NumberIn(std::string_view text) {
  uint64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size()) {
    return std::nullopt;
  }
  return value;
}

int SyntaxVersion(const Value& unb) {
  const Value& elements = unb.Get("elements");
  if (elements.is_array() && elements.size() > 0 && elements[0].is_array() &&
      elements[0].size() > 1 && elements[0][1].is_string()) {
    auto version = NumberIn(elements[0][1].as_string());
    if (version && *version >= 1 && *version <= 4) {
      return static_cast<int>(*version);
    }
  }
  return 3;
}

// The count to write in a trailer: `count`, in the given trailer's spelling when that has the same
// value ("0020"), so documents read and written again keep their bytes.
std::string CountText(size_t count, const Value& given_trailer) {
  std::string given = ElementText(given_trailer, 0);
  auto value = NumberIn(given);
  if (value && *value == count) {
    return given;
  }
  return std::to_string(count);
}

bool HasTag(const Value& segment, std::string_view tag) {
  return segment.Get("tag").is_string() && segment.Get("tag").as_string() == tag;
}

// Writes the body items (segments and groups) and counts the segments written.
Status WriteBody(Writer& writer, const Value& items, size_t& count, const std::string& where) {
  if (!items.is_array()) {
    return InvalidArgumentError("\"segments\" must be an array", where);
  }
  for (const Value& item : items.as_array()) {
    if (item.Get("group").is_string()) {
      ERPHUB_TRY(WriteBody(writer, item.Get("segments"), count, where));
    } else {
      ERPHUB_TRY(writer.Segment(item, where));
      ++count;
    }
  }
  return Status();
}

Status WriteMessage(Writer& writer, const Value& message, const std::string& where) {
  const Value& header = message.Get("header");
  if (!HasTag(header, "UNH")) {
    return InvalidArgumentError("message \"header\" must be a UNH segment", where);
  }
  ERPHUB_TRY(writer.Segment(header, where));
  size_t count = 1;
  ERPHUB_TRY(WriteBody(writer, message.Get("segments"), count, where));
  ++count;
  return writer.Trailer("UNT", CountText(count, message.Get("trailer")), ElementText(header, 0));
}

Status WriteMessages(Writer& writer, const Value& messages, const std::string& where,
                     size_t& count) {
  if (!messages.is_array()) {
    return InvalidArgumentError("\"messages\" must be an array", where);
  }
  for (size_t i = 0; i < messages.size(); ++i) {
    ERPHUB_TRY(WriteMessage(writer, messages[i], where + ".messages[" + std::to_string(i) + "]"));
    ++count;
  }
  return Status();
}

Status WriteInterchange(std::string& out, const Value& interchange, const RenderOptions& options,
                        const std::string& where) {
  const Value& header = interchange.Get("header");
  if (!HasTag(header, "UNB")) {
    return InvalidArgumentError("interchange \"header\" must be a UNB segment", where);
  }
  const Value& una = interchange.Get("una");
  Separators separators = DefaultSeparators(SyntaxVersion(header));
  if (una.is_string()) {
    auto parsed = SeparatorsFromUna(una.as_string());
    if (!parsed.ok()) {
      return InvalidArgumentError(std::string(parsed.error().message()), where + ".una");
    }
    separators = *parsed;
  } else if (!una.is_undefined()) {
    return InvalidArgumentError("\"una\" must be a string of six characters", where + ".una");
  }
  Writer writer(separators, options);
  if (una.is_string()) {
    writer.Una();
  }
  ERPHUB_TRY(writer.Segment(header, where + ".header"));
  size_t count = 0;
  const Value& groups = interchange.Get("groups");
  if (groups.is_array()) {
    for (size_t g = 0; g < groups.size(); ++g) {
      std::string group_where = where + ".groups[" + std::to_string(g) + "]";
      const Value& ung = groups[g].Get("header");
      if (!HasTag(ung, "UNG")) {
        return InvalidArgumentError("group \"header\" must be a UNG segment", group_where);
      }
      ERPHUB_TRY(writer.Segment(ung, group_where));
      size_t messages = 0;
      ERPHUB_TRY(WriteMessages(writer, groups[g].Get("messages"), group_where, messages));
      ERPHUB_TRY(writer.Trailer("UNE", CountText(messages, groups[g].Get("trailer")),
                                ElementText(ung, 4)));
      ++count;
    }
  } else if (!groups.is_undefined()) {
    return InvalidArgumentError("\"groups\" must be an array", where);
  }
  const Value& messages = interchange.Get("messages");
  if (!messages.is_undefined()) {
    size_t message_count = 0;
    ERPHUB_TRY(WriteMessages(writer, messages, where, message_count));
    if (!groups.is_array()) {
      count = message_count;
    }
  }
  ERPHUB_TRY(
      writer.Trailer("UNZ", CountText(count, interchange.Get("trailer")), ElementText(header, 4)));
  out.append(writer.out());
  return Status();
}

}  // namespace

Result<std::string> Render(const Value& document, const RenderOptions& options) {
  const Value& interchanges = document.Get("interchanges");
  if (!interchanges.is_array()) {
    return InvalidArgumentError("an EDIFACT document needs an \"interchanges\" array");
  }
  std::string out;
  for (size_t i = 0; i < interchanges.size(); ++i) {
    ERPHUB_TRY(
        WriteInterchange(out, interchanges[i], options, "interchanges[" + std::to_string(i) + "]"));
  }
  return out;
}

}  // namespace erphub::formats::edifact
