// JSON form -> X12 bytes, with control numbers assigned and trailer counts recomputed.
#include <cctype>
#include <string>

#include "formats/x12/isa.h"
#include "formats/x12/x12.h"

namespace erphub::formats::x12 {
namespace {

bool IsAuto(const Value& v) {
  return v.is_undefined() || v.is_null() ||
         (v.is_string() && (v.as_string().empty() || v.as_string() == "auto"));
}

// The count to write in a trailer: the received text when it already says `count` ("0002" or
// " 2" for 2 stay as they are), else the number.
std::string CountText(const Value& trailer, size_t at, uint64_t count) {
  if (trailer.is_array() && at < trailer.size() && trailer[at].is_string()) {
    std::string_view given = trailer[at].as_string();
    std::string_view digits = given;
    while (!digits.empty() && digits.front() == ' ') digits.remove_prefix(1);
    while (!digits.empty() && digits.back() == ' ') digits.remove_suffix(1);
    uint64_t value = 0;
    bool numeric = !digits.empty() && digits.size() <= 18;
    for (char c : digits) {
      numeric = numeric && c >= '0' && c <= '9';
      value = value * 10 + static_cast<uint64_t>(c - '0');
    }
    if (numeric && value == count) {
      return std::string(given);
    }
  }
  return std::to_string(count);
}

std::string Padded(int64_t number, size_t width) {
  std::string digits = std::to_string(number);
  if (digits.size() < width) {
    digits.insert(0, width - digits.size(), '0');
  }
  return digits;
}

class Writer {
 public:
  Writer(const RenderOptions& options) : options_(options), next_(options.next) {}

  Status Document(const Value& document) {
    const Value& interchanges = document.Get("interchanges");
    if (!interchanges.is_array()) {
      return InvalidArgumentError("the document needs an \"interchanges\" array");
    }
    for (size_t i = 0; i < interchanges.size(); ++i) {
      ERPHUB_TRY(Interchange(interchanges[i], "interchanges[" + std::to_string(i) + "]"));
    }
    return Status::Ok();
  }

  std::string& out() { return out_; }
  const ControlNumbers& next() const { return next_; }

 private:
  Status ReadDelimiters(const Value& interchange, const std::string& where) {
    if (options_.delimiters.has_value()) {
      d_ = *options_.delimiters;
    } else {
      const Value& given = interchange.Get("delimiters");
      auto one = [&](std::string_view key, char fallback, bool optional) -> Result<char> {
        const Value& v = given.Get(key);
        if (v.is_undefined()) {
          if (optional) return fallback;
          return InvalidArgumentError("missing delimiter \"" + std::string(key) + "\"",
                                      where + ".delimiters");
        }
        if (!v.is_string() || v.as_string().size() != 1) {
          return InvalidArgumentError("delimiter \"" + std::string(key) + "\" must be one byte",
                                      where + ".delimiters");
        }
        return v.as_string()[0];
      };
      Delimiters d;
      ERPHUB_ASSIGN_OR_RETURN(d.element, one("element", '*', true));
      ERPHUB_ASSIGN_OR_RETURN(d.component, one("component", 0, true));
      ERPHUB_ASSIGN_OR_RETURN(d.repetition, one("repetition", 0, true));
      const Value& segment = given.Get("segment");
      if (segment.is_string()) {
        d.segment = std::string(segment.as_string());
      }
      d_ = d;
    }
    if (d_.segment.empty() || d_.segment.size() > 4 ||
        Utf8Length(static_cast<unsigned char>(d_.segment[0])) != d_.segment.size()) {
      return InvalidArgumentError("the segment terminator must be one character", where);
    }
    auto bad = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == ' '; };
    if (bad(d_.element) || (d_.component != 0 && bad(d_.component)) ||
        (d_.repetition != 0 && bad(d_.repetition)) || bad(d_.segment[0]) ||
        d_.element == d_.component || d_.element == d_.repetition ||
        (d_.component != 0 && d_.component == d_.repetition) || d_.segment[0] == d_.element ||
        d_.segment[0] == d_.component || d_.segment[0] == d_.repetition) {
      return InvalidArgumentError("delimiters must be distinct and not letters, digits or space",
                                  where);
    }
    // No layout after the terminator when a delimiter is itself a layout character.
    auto layout = [](char c) { return c == '\n' || c == '\r' || c == ' ' || c == '\t'; };
    bool plain = !layout(d_.segment[0]) && !layout(d_.element) && !layout(d_.component) &&
                 !layout(d_.repetition);
    line_break_ = plain ? options_.line_break : "";
    return Status::Ok();
  }

  Status Text(std::string_view text, const std::string& where) {
    for (char c : text) {
      if (c == d_.element || (c == d_.component && d_.component != 0) ||
          (c == d_.repetition && d_.repetition != 0) ||
          (d_.segment.size() == 1 && c == d_.segment[0])) {
        return InvalidArgumentError(
            "data contains a delimiter ('" + std::string(1, c) + "'), which X12 cannot escape",
            where);
      }
    }
    if (d_.segment.size() > 1 && text.find(d_.segment) != std::string_view::npos) {
      return InvalidArgumentError("data contains the segment terminator", where);
    }
    out_.append(text);
    return Status::Ok();
  }

  Status Scalar(const Value& v, const std::string& where) {
    if (v.is_string()) {
      return Text(v.as_string(), where);
    }
    if (v.is_number()) {
      return Text(v.as_number().ToString(), where);
    }
    if (v.is_undefined() || v.is_null()) {
      return Status::Ok();
    }
    return InvalidArgumentError("an element value must be a string, a number or components", where);
  }

  Status Composite(const Value& v, const std::string& where) {
    if (!v.is_array()) {
      return Scalar(v, where);
    }
    if (d_.component == 0) {
      return InvalidArgumentError("components need a component separator", where);
    }
    for (size_t i = 0; i < v.size(); ++i) {
      if (i > 0) out_.push_back(d_.component);
      ERPHUB_TRY(Scalar(v[i], where + "[" + std::to_string(i) + "]"));
    }
    return Status::Ok();
  }

  Status Element(const Value& v, const std::string& where) {
    if (v.is_object()) {
      const Value& repeats = v.Get("repeats");
      if (!repeats.is_array()) {
        return InvalidArgumentError("an element object needs a \"repeats\" array", where);
      }
      if (d_.repetition == 0 && repeats.size() > 1) {
        return InvalidArgumentError("repeats need a repetition separator", where);
      }
      for (size_t i = 0; i < repeats.size(); ++i) {
        if (i > 0) out_.push_back(d_.repetition);
        ERPHUB_TRY(Composite(repeats[i], where + ".repeats[" + std::to_string(i) + "]"));
      }
      return Status::Ok();
    }
    return Composite(v, where);
  }

  void EndSegment() {
    out_.append(d_.segment);
    out_.append(line_break_);
  }

  // A segment array: the tag, then its elements.
  Status Segment(const Value& segment, const std::string& where) {
    if (!segment.is_array() || segment.size() == 0 || !segment[0].is_string() ||
        segment[0].as_string().empty()) {
      return InvalidArgumentError("a segment is an array starting with its tag", where);
    }
    ERPHUB_TRY(Text(segment[0].as_string(), where + "[0]"));
    for (size_t i = 1; i < segment.size(); ++i) {
      out_.push_back(d_.element);
      ERPHUB_TRY(Element(segment[i], where + "[" + std::to_string(i) + "]"));
    }
    EndSegment();
    return Status::Ok();
  }

  // Writes a trailer: its count and control number, then any further elements it was given.
  Status Trailer(std::string_view tag, const std::string& count, const std::string& control,
                 const Value& given, const std::string& where) {
    out_.append(tag);
    out_.push_back(d_.element);
    out_.append(count);
    out_.push_back(d_.element);
    out_.append(control);
    size_t first_extra = (given.is_array() && given.size() > 0 && given[0].is_string() &&
                          given[0].as_string() == tag)
                             ? 3
                             : 2;
    for (size_t i = first_extra; given.is_array() && i < given.size(); ++i) {
      out_.push_back(d_.element);
      ERPHUB_TRY(Element(given[i], where + "[" + std::to_string(i) + "]"));
    }
    EndSegment();
    return Status::Ok();
  }

  // Writes a header segment whose element `control_at` is the control number, assigning one
  // when it is missing or "auto"; returns the number used.
  Result<std::string> Header(const Value& segment, std::string_view tag, size_t control_at,
                             size_t min_elements, int64_t& next, size_t width,
                             const std::string& where) {
    if (!segment.is_array()) {
      return InvalidArgumentError(std::string(tag) + " must be a segment array", where);
    }
    Array elements = segment.as_array();
    size_t skip =
        (!elements.empty() && elements[0].is_string() && elements[0].as_string() == tag) ? 1 : 0;
    Array fixed(elements.begin() + static_cast<ptrdiff_t>(skip), elements.end());
    fixed.insert(fixed.begin(), Value::Str(tag));
    while (fixed.size() < min_elements + 1) {
      fixed.push_back(Value::Str(""));
    }
    if (IsAuto(fixed[control_at])) {
      fixed[control_at] = Value::Str(Padded(next++, width));
    } else if (fixed[control_at].is_number()) {
      fixed[control_at] = Value::Str(fixed[control_at].as_number().ToString());
    }
    if (!fixed[control_at].is_string()) {
      return InvalidArgumentError("control number must be a string", where);
    }
    std::string control(fixed[control_at].as_string());
    ERPHUB_TRY(Segment(Value::MakeArray(std::move(fixed)), where));
    return control;
  }

  Status Isa(const Value& isa, const std::string& where, std::string& control) {
    if (!isa.is_array()) {
      return InvalidArgumentError("ISA must be a segment array", where);
    }
    const Array& given = isa.as_array();
    size_t skip = (!given.empty() && given[0].is_string() && given[0].as_string() == "ISA") ? 1 : 0;
    std::string fields[16];
    for (size_t i = 0; i < 16; ++i) {
      size_t at = i + skip;
      const Value& v = at < given.size() ? given[at] : internal::kUndefinedValue;
      if (v.is_string()) {
        fields[i] = std::string(v.as_string());
      } else if (v.is_number()) {
        fields[i] = v.as_number().ToString();
      }
    }
    if (fields[12].empty() || fields[12] == "auto") {
      fields[12] = Padded(next_.interchange++, 9);
    }
    if (d_.repetition != 0) {
      fields[10] = std::string(1, d_.repetition);
    } else if (fields[10].empty() || !std::isalnum(static_cast<unsigned char>(fields[10][0]))) {
      fields[10] = "U";
    }
    fields[15] = d_.component != 0 ? std::string(1, d_.component) : "";
    for (size_t i = 0; i < 15; ++i) {
      size_t width = static_cast<size_t>(kIsaWidths[i]);
      size_t chars = 0;
      for (unsigned char c : fields[i]) chars += (c & 0xC0) != 0x80;
      if (chars < width) {
        bool digits = i == 12 && !fields[i].empty() &&
                      fields[i].find_first_not_of("0123456789") == std::string::npos;
        fields[i].insert(digits ? 0 : fields[i].size(), width - chars, digits ? '0' : ' ');
      }
    }
    control = fields[12];
    out_.append("ISA");
    for (size_t i = 0; i < 16; ++i) {
      out_.push_back(d_.element);
      if (i == 10 || i == 15) {
        out_.append(fields[i]);
      } else {
        ERPHUB_TRY(Text(fields[i], where + "[" + std::to_string(i + 1) + "]"));
      }
    }
    EndSegment();
    return Status::Ok();
  }

  Status Body(const Value& segments, const std::string& where, uint64_t& count) {
    if (!segments.is_array()) {
      return InvalidArgumentError("\"segments\" must be an array", where);
    }
    for (size_t i = 0; i < segments.size(); ++i) {
      const Value& item = segments[i];
      std::string at = where + "[" + std::to_string(i) + "]";
      if (item.is_object()) {
        ERPHUB_TRY(Body(item.Get("segments"), at + ".segments", count));
      } else {
        ERPHUB_TRY(Segment(item, at));
        ++count;
      }
    }
    return Status::Ok();
  }

  Status Transaction(const Value& set, const std::string& where) {
    ERPHUB_ASSIGN_OR_RETURN(std::string control,
                            Header(set.Get("ST"), "ST", 2, 2, next_.transaction, 4, where + ".ST"));
    uint64_t count = 2;
    ERPHUB_TRY(Body(set.Get("segments"), where + ".segments", count));
    ERPHUB_TRY(
        Trailer("SE", CountText(set.Get("SE"), 1, count), control, set.Get("SE"), where + ".SE"));
    return Status::Ok();
  }

  Status Group(const Value& group, const std::string& where) {
    ERPHUB_ASSIGN_OR_RETURN(std::string control,
                            Header(group.Get("GS"), "GS", 6, 8, next_.group, 1, where + ".GS"));
    const Value& sets = group.Get("transactions");
    if (!sets.is_array()) {
      return InvalidArgumentError("\"transactions\" must be an array", where);
    }
    for (size_t i = 0; i < sets.size(); ++i) {
      ERPHUB_TRY(Transaction(sets[i], where + ".transactions[" + std::to_string(i) + "]"));
    }
    ERPHUB_TRY(Trailer("GE", CountText(group.Get("GE"), 1, sets.size()), control, group.Get("GE"),
                       where + ".GE"));
    return Status::Ok();
  }

  Status Interchange(const Value& interchange, const std::string& where) {
    if (!interchange.is_object()) {
      return InvalidArgumentError("an interchange must be an object", where);
    }
    ERPHUB_TRY(ReadDelimiters(interchange, where));
    std::string control;
    ERPHUB_TRY(Isa(interchange.Get("ISA"), where + ".ISA", control));
    const Value& ta1 = interchange.Get("TA1");
    if (ta1.is_array()) {
      for (size_t i = 0; i < ta1.size(); ++i) {
        ERPHUB_TRY(Segment(ta1[i], where + ".TA1[" + std::to_string(i) + "]"));
      }
    }
    const Value& groups = interchange.Get("groups");
    size_t group_count = 0;
    if (groups.is_array()) {
      for (size_t i = 0; i < groups.size(); ++i) {
        ERPHUB_TRY(Group(groups[i], where + ".groups[" + std::to_string(i) + "]"));
      }
      group_count = groups.size();
    }
    ERPHUB_TRY(Trailer("IEA", CountText(interchange.Get("IEA"), 1, group_count), control,
                       interchange.Get("IEA"), where + ".IEA"));
    return Status::Ok();
  }

  const RenderOptions& options_;
  ControlNumbers next_;
  Delimiters d_;
  std::string line_break_;
  std::string out_;
};

}  // namespace

Result<Rendered> RenderWithControlNumbers(const Value& document, const RenderOptions& options) {
  Writer writer(options);
  ERPHUB_TRY(writer.Document(document));
  Rendered rendered;
  rendered.bytes = std::move(writer.out());
  rendered.next = writer.next();
  return rendered;
}

Result<std::string> Render(const Value& document, const RenderOptions& options) {
  ERPHUB_ASSIGN_OR_RETURN(Rendered rendered, RenderWithControlNumbers(document, options));
  return std::move(rendered.bytes);
}

}  // namespace erphub::formats::x12
