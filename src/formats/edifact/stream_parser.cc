#include "formats/edifact/stream_parser.h"

#include <charconv>
#include <optional>
#include <unordered_set>
#include <utility>

#include "formats/edifact/message_definition.h"
#include "formats/edifact/message_grouper.h"
#include "formats/edifact/separators.h"
#include "formats/edifact/tokenizer.h"

namespace erphub::formats::edifact {
namespace {

constexpr size_t kNone = std::string_view::npos;
constexpr uint32_t kUnb = ('U' << 16) | ('N' << 8) | 'B';
constexpr uint32_t kUng = ('U' << 16) | ('N' << 8) | 'G';
constexpr uint32_t kUnh = ('U' << 16) | ('N' << 8) | 'H';
constexpr uint32_t kUnt = ('U' << 16) | ('N' << 8) | 'T';
constexpr uint32_t kUne = ('U' << 16) | ('N' << 8) | 'E';
constexpr uint32_t kUnz = ('U' << 16) | ('N' << 8) | 'Z';
// A segment longer than this is not EDIFACT (and would make memory unbounded).
constexpr size_t kMaxSegmentBytes = 16u << 20;
// Findings kept in lenient and collect modes; a file broken everywhere reports this many.
constexpr size_t kMaxFindings = 10000;
// Message references remembered per interchange for the duplicate check.
constexpr size_t kMaxRememberedReferences = 65536;

bool IsLayout(char c) { return c == '\r' || c == '\n' || c == ' ' || c == '\t'; }

// Control counts are compared as numbers ("0020" counts 20).
std::optional<uint64_t> CountOf(std::string_view text) {
  uint64_t value = 0;
  if (text.empty()) {
    return std::nullopt;
  }
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) {
    return std::nullopt;
  }
  return value;
}

// EDIFACT numeric data: an optional minus, digits, at most one decimal mark.
bool IsNumeric(std::string_view text, char decimal) {
  size_t i = 0;
  if (i < text.size() && text[i] == '-') {
    ++i;
  }
  bool digits = false;
  bool mark = false;
  for (; i < text.size(); ++i) {
    char c = text[i];
    if (c >= '0' && c <= '9') {
      digits = true;
    } else if ((c == decimal || c == '.' || c == ',') && !mark) {
      mark = true;
    } else {
      return false;
    }
  }
  return digits;
}

}  // namespace

std::string FindingPlace(const Finding& f) {
  std::string place = "segment " + std::to_string(f.segment_index);
  if (!f.tag.empty()) {
    place += " (" + f.tag + ")";
  }
  if (f.element > 0) {
    place += ", element " + std::to_string(f.element);
    if (f.component > 0) {
      place += ", component " + std::to_string(f.component);
    }
  }
  place += ", at byte " + std::to_string(f.offset);
  return place;
}

Value FindingToValue(const Finding& f) {
  Object o;
  o.Append("code", Value::Int(f.code));
  o.Append("reason", Value::Str(f.reason));
  o.Append("segment", Value::Int(static_cast<int64_t>(f.segment_index)));
  o.Append("tag", Value::Str(f.tag));
  o.Append("offset", Value::Int(static_cast<int64_t>(f.offset)));
  if (f.interchange != kNone) {
    o.Append("interchange", Value::Int(static_cast<int64_t>(f.interchange + 1)));
  }
  if (f.message != kNone) {
    o.Append("message", Value::Int(static_cast<int64_t>(f.message + 1)));
  }
  if (f.message_segment > 0) {
    o.Append("position_in_message", Value::Int(static_cast<int64_t>(f.message_segment)));
  }
  if (f.element > 0) {
    o.Append("element", Value::Int(f.element));
  }
  if (f.component > 0) {
    o.Append("component", Value::Int(f.component));
  }
  return Value::MakeObject(std::move(o));
}

class StreamParser::Impl {
 public:
  Impl(FaultPolicy policy, MessageHandler& handler) : policy_(policy), handler_(handler) {}

  Status Feed(std::string_view chunk, bool final) {
    if (!stop_.ok()) {
      return stop_;
    }
    Status status;
    if (buffer_.empty()) {
      // Read straight from the caller's bytes; keep only an unfinished segment.
      size_t used = 0;
      status = ProcessText(chunk, final, used);
      if (status.ok() && used < chunk.size()) {
        buffer_.assign(chunk.substr(used));
      }
      base_ += used;
    } else {
      buffer_.append(chunk);
      size_t used = 0;
      status = ProcessText(buffer_, final, used);
      buffer_.erase(0, used);
      base_ += used;
    }
    if (status.ok() && final) {
      status = FinishEnvelopes();
    }
    if (!status.ok()) {
      stop_ = status;
    }
    return status;
  }

  const std::vector<Finding>& findings() const { return findings_; }

 private:
  enum class State { kOutside, kInterchange, kGroup, kMessage };

  // Reads the segments `text` completes; `used` is how many bytes were consumed.
  Status ProcessText(std::string_view text, bool final, size_t& used) {
    size_t pos = 0;
    if (!bom_checked_) {
      if (text.size() < 3 && !final) {
        return Status();
      }
      bom_checked_ = true;
      if (text.substr(0, 3) == "\xEF\xBB\xBF") {
        pos = 3;
      }
    }
    while (true) {
      while (pos < text.size() && IsLayout(text[pos]) && text[pos] != seps_.terminator) {
        ++pos;
      }
      used = pos;
      if (pos >= text.size()) {
        return Status();
      }
      if (text.compare(pos, 3, "UNA") == 0 && (text.size() - pos >= 9 || final)) {
        // UNA ends with its own terminator character, so it is read by position.
        std::string_view six = text.substr(pos + 3, 6);
        ERPHUB_TRY(OnUna(six, base_ + pos));
        pos += 3 + six.size();
        continue;
      }
      if (text.compare(pos, 3, "UNA") == 0 || (text.size() - pos < 3 && !final)) {
        return Status();  // wait for the rest of the UNA
      }
      size_t end = FindTerminator(text, pos, seps_);
      if (end == kNone) {
        if (text.size() - pos > kMaxSegmentBytes) {
          return ParseError("segment longer than 16 MiB without a terminator",
                            "byte " + std::to_string(base_ + pos));
        }
        if (!final) {
          return Status();
        }
        size_t last = text.size();
        while (last > pos && IsLayout(text[last - 1])) {
          --last;
        }
        ERPHUB_TRY(ProcessSegment(text.substr(pos, last - pos), base_ + pos, false));
        used = text.size();
        return Status();
      }
      if (end - pos > kMaxSegmentBytes) {
        return ParseError("segment longer than 16 MiB", "byte " + std::to_string(base_ + pos));
      }
      ERPHUB_TRY(ProcessSegment(text.substr(pos, end - pos), base_ + pos, true));
      pos = end + 1;
    }
  }

  Finding At(int code, std::string reason, FindingLevel level, bool tolerable = true) {
    Finding f;
    f.code = code;
    f.reason = std::move(reason);
    f.tolerable = tolerable;
    f.level = level;
    f.segment_index = segment_index_;
    f.tag = std::string(tag_);
    f.offset = offset_;
    if (state_ != State::kOutside || level != FindingLevel::kInterchange) {
      f.interchange = interchange_count_ > 0 ? interchange_count_ - 1 : kNone;
    }
    if (state_ == State::kGroup || (state_ == State::kMessage && in_group_)) {
      f.group = group_count_ > 0 ? group_count_ - 1 : kNone;
    }
    if (state_ == State::kMessage) {
      f.message = message_index_;
      f.message_segment = message_segments_;
    }
    return f;
  }

  // Records a finding; returns the error that ends the parse when the policy says so.
  Status Report(Finding f) {
    bool stop =
        policy_ == FaultPolicy::kStrict || (policy_ == FaultPolicy::kLenient && !f.tolerable);
    Status status;
    if (stop) {
      status = ParseError(f.reason, FindingPlace(f));
    }
    if (findings_.size() < kMaxFindings) {
      findings_.push_back(std::move(f));
    }
    return status;
  }

  Status OnUna(std::string_view six, size_t offset) {
    tag_ = "UNA";
    offset_ = offset;
    if (state_ != State::kOutside) {
      // Findings about the envelopes UNA closes point at the UNA, which is not counted itself.
      ++segment_index_;
      Status closed = CloseOpenEnvelopes();
      --segment_index_;
      ERPHUB_TRY(closed);
    }
    auto separators = SeparatorsFromUna(six);
    if (!separators.ok()) {
      ++segment_index_;
      return Report(
          At(20, std::string(separators.error().message()), FindingLevel::kInterchange, false));
    }
    seps_ = *separators;
    una_ = std::string(six);
    return Status();
  }

  Status ProcessSegment(std::string_view text, size_t offset, bool terminated) {
    ++segment_index_;
    offset_ = offset;
    SplitSegment(text, seps_, view_);
    tag_ = view_.tag();
    if (!terminated) {
      if (text.find_first_of("\r\n") != kNone) {
        return Report(At(18,
                         "no segment terminator (" + std::string(1, seps_.terminator) +
                             ") found: line breaks do not end segments",
                         FindingLevel::kInterchange, false));
      }
      if (state_ == State::kOutside && seen_interchange_) {
        return Report(At(18, "stray text after UNZ: '" + std::string(text.substr(0, 32)) + "'",
                         FindingLevel::kInterchange));
      }
      ERPHUB_TRY(Report(At(18, "the last segment has no terminator", FindingLevel::kInterchange)));
    }
    // Syntax 4's explicit nesting ("LIN:1:2+...") is not read: the tag must stand alone.
    composite_tag_ = view_.pieces.size() > 1 && view_.pieces[1].element == 0;
    if (composite_tag_ && (state_ != State::kMessage || tag_.substr(0, 2) == "UN")) {
      ERPHUB_TRY(Report(CompositeTagFinding(FindingLevel::kInterchange)));
    }
    return Dispatch();
  }

  Finding CompositeTagFinding(FindingLevel level) {
    return At(15,
              "segment tag '" + std::string(view_.text.substr(0, 16)) +
                  "' has components (explicit nesting is not supported)",
              level);
  }

  Status Dispatch() {
    std::string_view tag = tag_;
    const uint32_t code = TagCode(tag);
    switch (state_) {
      case State::kOutside:
        if (code == kUnb) {
          return OnUnb();
        }
        if (!seen_interchange_) {
          return Report(At(22,
                           "expected UNB (or UNA) to start an interchange, found '" +
                               std::string(tag.substr(0, 16)) + "'",
                           FindingLevel::kInterchange, false));
        }
        return Report(At(18, "stray segment after UNZ", FindingLevel::kInterchange));
      case State::kInterchange:
      case State::kGroup:
        if (code == kUnh) {
          return OnUnh();
        }
        if (code == kUnb) {
          ERPHUB_TRY(CloseOpenEnvelopes());
          return OnUnb();
        }
        if (code == kUng) {
          if (state_ == State::kGroup) {
            ERPHUB_TRY(Report(At(13, "UNE missing before the next UNG", FindingLevel::kGroup)));
            ERPHUB_TRY(CloseGroup(Value()));
          }
          return OnUng();
        }
        if (code == kUne) {
          if (state_ != State::kGroup) {
            return Report(At(15, "UNE without UNG", FindingLevel::kInterchange));
          }
          return OnUne();
        }
        if (code == kUnz) {
          if (state_ == State::kGroup) {
            ERPHUB_TRY(Report(At(13, "UNE missing before UNZ", FindingLevel::kGroup)));
            ERPHUB_TRY(CloseGroup(Value()));
          }
          return OnUnz();
        }
        if (code == kUnt) {
          return Report(At(15, "UNT without UNH", FindingLevel::kInterchange));
        }
        return Report(
            At(15, "segment outside a message (between UNH and UNT)", FindingLevel::kInterchange));
      case State::kMessage:
        if (code == kUnt) {
          return OnUnt();
        }
        if (code == kUnh || code == kUnb || code == kUng || code == kUne || code == kUnz) {
          ERPHUB_TRY(
              Report(At(13, "UNT missing before " + std::string(tag), FindingLevel::kMessage)));
          ERPHUB_TRY(CloseMessage(Value()));
          return Dispatch();
        }
        return OnBodySegment();
    }
    return Status();
  }

  // Closes whatever is open because the input goes on with a new interchange or ends.
  Status CloseOpenEnvelopes() {
    if (state_ == State::kMessage) {
      ERPHUB_TRY(Report(At(13, "UNT missing", FindingLevel::kMessage)));
      ERPHUB_TRY(CloseMessage(Value()));
    }
    if (state_ == State::kGroup) {
      ERPHUB_TRY(Report(At(13, "UNE missing", FindingLevel::kGroup)));
      ERPHUB_TRY(CloseGroup(Value()));
    }
    if (state_ == State::kInterchange) {
      ERPHUB_TRY(Report(At(13, "UNZ missing", FindingLevel::kInterchange)));
      ERPHUB_TRY(CloseInterchange(Value()));
    }
    return Status();
  }

  Status FinishEnvelopes() {
    ++segment_index_;
    tag_ = "";
    offset_ = base_;
    if (state_ != State::kOutside) {
      return CloseOpenEnvelopes();
    }
    if (!seen_interchange_) {
      return Report(At(13, "no interchange: UNB missing", FindingLevel::kInterchange, false));
    }
    return Status();
  }

  std::string Data(uint32_t element, uint32_t component) {
    return DataOf(view_, element, component, seps_);
  }

  Status OnUnb() {
    std::string identifier = Data(1, 0);
    std::string version_text = Data(1, 1);
    int version = 3;
    auto parsed_version = CountOf(version_text);
    bool known_identifier = identifier.size() == 4;
    for (char c : identifier) {
      known_identifier = known_identifier && c >= 'A' && c <= 'Z';
    }
    if (!known_identifier) {
      ERPHUB_TRY(Report(At(2, "syntax identifier '" + identifier + "' is not four letters",
                           FindingLevel::kInterchange)));
    }
    if (!parsed_version || *parsed_version < 1 || *parsed_version > 4) {
      ERPHUB_TRY(Report(At(2, "syntax version '" + version_text + "' is not 1 to 4",
                           FindingLevel::kInterchange)));
    } else {
      version = static_cast<int>(*parsed_version);
    }
    if (una_.empty()) {
      seps_ = DefaultSeparators(version);
    }
    InterchangeStart start;
    start.index = interchange_count_;
    start.header = SegmentToValue(view_, seps_);
    start.una = una_;
    start.syntax_version = version;
    interchange_reference_ = Data(5, 0);
    ++interchange_count_;
    state_ = State::kInterchange;
    group_count_ = 0;
    direct_messages_ = 0;
    messages_ = 0;
    references_.clear();
    if (interchange_reference_.empty()) {
      ERPHUB_TRY(Report(
          At(13, "UNB interchange control reference (0020) missing", FindingLevel::kInterchange)));
    }
    for (int element = 2; element <= 4; ++element) {
      if (view_.Find(static_cast<uint32_t>(element), 0) == nullptr ||
          Data(static_cast<uint32_t>(element), 0).empty()) {
        Finding f = At(13, "UNB element " + std::to_string(element) + " missing",
                       FindingLevel::kInterchange);
        f.element = element;
        ERPHUB_TRY(Report(std::move(f)));
      }
    }
    return handler_.OnInterchangeStart(start);
  }

  Status OnUng() {
    if (direct_messages_ > 0) {
      ERPHUB_TRY(Report(At(30, "functional groups and messages mixed in one interchange",
                           FindingLevel::kInterchange)));
    }
    group_reference_ = Data(5, 0);
    group_messages_ = 0;
    ++group_count_;
    state_ = State::kGroup;
    in_group_ = true;
    return handler_.OnGroupStart(SegmentToValue(view_, seps_));
  }

  Status OnUnh() {
    if (state_ == State::kInterchange && group_count_ > 0) {
      ERPHUB_TRY(Report(At(30, "functional groups and messages mixed in one interchange",
                           FindingLevel::kInterchange)));
    }
    in_group_ = state_ == State::kGroup;
    state_ = State::kMessage;
    message_index_ = messages_++;
    message_segments_ = 1;
    message_reference_ = Data(1, 0);
    message_type_ = Data(2, 0);
    message_header_ = SegmentToValue(view_, seps_);
    if (message_type_ != definition_type_) {
      // Interchanges usually repeat one message type: look its definition up once.
      definition_type_ = message_type_;
      definition_ = FindMessageDefinition(message_type_);
    }
    grouper_.Reset(definition_, handler_.WantsSegments());
    if (message_reference_.empty()) {
      Finding f = At(13, "UNH message reference (0062) missing", FindingLevel::kMessage);
      f.element = 1;
      ERPHUB_TRY(Report(std::move(f)));
    } else if (references_.count(std::hash<std::string>()(message_reference_)) > 0) {
      Finding f = At(26, "message reference '" + message_reference_ + "' used twice",
                     FindingLevel::kMessage);
      f.element = 1;
      ERPHUB_TRY(Report(std::move(f)));
    } else if (references_.size() < kMaxRememberedReferences) {
      references_.insert(std::hash<std::string>()(message_reference_));
    }
    if (message_type_.empty()) {
      Finding f = At(13, "UNH message identifier (S009) missing", FindingLevel::kMessage);
      f.element = 2;
      ERPHUB_TRY(Report(std::move(f)));
    }
    return Status();
  }

  Status OnBodySegment() {
    ++message_segments_;
    std::string_view tag = tag_;
    if (composite_tag_) {
      ERPHUB_TRY(Report(CompositeTagFinding(FindingLevel::kSegment)));
    }
    if (!IsValidTag(tag)) {
      ERPHUB_TRY(Report(At(15, "invalid segment tag '" + std::string(tag.substr(0, 16)) + "'",
                           FindingLevel::kSegment)));
    }
    if (const SegmentRules* rules = FindSegmentRules(tag)) {
      ERPHUB_TRY(CheckContent(*rules));
    }
    Value segment = handler_.WantsSegments() ? SegmentToValue(view_, seps_) : Value();
    switch (grouper_.Add(tag, std::move(segment))) {
      case MessageGrouper::Placement::kOk:
        break;
      case MessageGrouper::Placement::kTooManySegments:
        ERPHUB_TRY(Report(
            At(35, std::string(tag) + " repeated more often than " + message_type_ + " allows here",
               FindingLevel::kSegment)));
        break;
      case MessageGrouper::Placement::kTooManyGroups:
        ERPHUB_TRY(Report(At(36,
                             "segment group starting with " + std::string(tag) +
                                 " repeated more often than " + message_type_ + " allows",
                             FindingLevel::kSegment)));
        break;
      case MessageGrouper::Placement::kUnexpected:
        ERPHUB_TRY(
            Report(At(15, std::string(tag) + " is not expected at this point of " + message_type_,
                      FindingLevel::kSegment)));
        break;
    }
    return Status();
  }

  Status CheckContent(const SegmentRules& rules) {
    for (const SegmentRules::Position& p : rules.numeric) {
      uint32_t component = p.component > 0 ? p.component - 1 : 0;
      const Piece* piece = view_.Find(p.element, component);
      if (piece == nullptr || piece->begin == piece->end) {
        continue;
      }
      std::string text = Data(p.element, component);
      if (!IsNumeric(text, seps_.decimal)) {
        Finding f = At(37, "'" + text + "' is not numeric", FindingLevel::kSegment);
        f.element = static_cast<int>(p.element);
        f.component = static_cast<int>(p.component);
        ERPHUB_TRY(Report(std::move(f)));
      }
    }
    for (const SegmentRules::ComponentLimit& limit : rules.max_components) {
      uint32_t components = 0;
      for (const Piece& piece : view_.pieces) {
        if (piece.element == limit.element && piece.repetition == 0) {
          ++components;
        }
      }
      if (components > limit.max_components) {
        Finding f =
            At(16,
               "element " + std::to_string(limit.element) + " has " + std::to_string(components) +
                   " components, at most " + std::to_string(limit.max_components) + " allowed",
               FindingLevel::kSegment);
        f.element = static_cast<int>(limit.element);
        f.component = static_cast<int>(limit.max_components + 1);
        ERPHUB_TRY(Report(std::move(f)));
      }
    }
    return Status();
  }

  // Trailers hold a count and a reference, nothing more.
  Status CheckTrailerShape(FindingLevel level) {
    bool simple = view_.element_count <= 3;
    for (const Piece& piece : view_.pieces) {
      simple = simple && piece.component == 0 && piece.repetition == 0;
    }
    if (simple) {
      return Status();
    }
    return Report(At(16, std::string(tag_) + " has more than a count and a reference", level));
  }

  Status OnUnt() {
    ++message_segments_;
    ERPHUB_TRY(CheckTrailerShape(FindingLevel::kMessage));
    std::string count = Data(1, 0);
    auto parsed = CountOf(count);
    if (!parsed || *parsed != message_segments_) {
      Finding f = At(29,
                     "UNT01 is '" + count + "' but the message has " +
                         std::to_string(message_segments_) + " segments",
                     FindingLevel::kMessage);
      f.element = 1;
      ERPHUB_TRY(Report(std::move(f)));
    }
    std::string reference = Data(2, 0);
    if (reference != message_reference_) {
      Finding f = At(
          28, "UNT02 '" + reference + "' differs from UNH reference '" + message_reference_ + "'",
          FindingLevel::kMessage);
      f.element = 2;
      ERPHUB_TRY(Report(std::move(f)));
    }
    return CloseMessage(SegmentToValue(view_, seps_));
  }

  Status CloseMessage(Value trailer) {
    Object message;
    message.Reserve(4);
    message.Append("type", Value::Str(message_type_.substr(0, message_type_.find(':'))));
    message.Append("header", std::move(message_header_));
    message.Append("segments", grouper_.Finish());
    if (!trailer.is_undefined()) {
      message.Append("trailer", std::move(trailer));
    }
    message_header_ = Value();
    if (in_group_) {
      ++group_messages_;
      state_ = State::kGroup;
    } else {
      ++direct_messages_;
      state_ = State::kInterchange;
    }
    return handler_.OnMessage(Value::MakeObject(std::move(message)));
  }

  Status OnUne() {
    ERPHUB_TRY(CheckTrailerShape(FindingLevel::kGroup));
    std::string count = Data(1, 0);
    auto parsed = CountOf(count);
    if (!parsed || *parsed != group_messages_) {
      Finding f = At(29,
                     "UNE01 is '" + count + "' but the group has " +
                         std::to_string(group_messages_) + " messages",
                     FindingLevel::kGroup);
      f.element = 1;
      ERPHUB_TRY(Report(std::move(f)));
    }
    std::string reference = Data(2, 0);
    if (reference != group_reference_) {
      Finding f =
          At(28, "UNE02 '" + reference + "' differs from UNG reference '" + group_reference_ + "'",
             FindingLevel::kGroup);
      f.element = 2;
      ERPHUB_TRY(Report(std::move(f)));
    }
    return CloseGroup(SegmentToValue(view_, seps_));
  }

  Status CloseGroup(Value trailer) {
    state_ = State::kInterchange;
    in_group_ = false;
    return handler_.OnGroupEnd(trailer);
  }

  Status OnUnz() {
    ERPHUB_TRY(CheckTrailerShape(FindingLevel::kInterchange));
    std::string count = Data(1, 0);
    auto parsed = CountOf(count);
    size_t expected = group_count_ > 0 ? group_count_ : direct_messages_;
    if (!parsed || *parsed != expected) {
      Finding f = At(29,
                     "UNZ01 is '" + count + "' but the interchange has " +
                         std::to_string(expected) + (group_count_ > 0 ? " groups" : " messages"),
                     FindingLevel::kInterchange);
      f.element = 1;
      ERPHUB_TRY(Report(std::move(f)));
    }
    std::string reference = Data(2, 0);
    if (reference != interchange_reference_) {
      Finding f = At(
          28,
          "UNZ02 '" + reference + "' differs from UNB reference '" + interchange_reference_ + "'",
          FindingLevel::kInterchange);
      f.element = 2;
      ERPHUB_TRY(Report(std::move(f)));
    }
    return CloseInterchange(SegmentToValue(view_, seps_));
  }

  Status CloseInterchange(Value trailer) {
    state_ = State::kOutside;
    in_group_ = false;
    seen_interchange_ = true;
    // The next interchange brings its own UNA or uses the defaults.
    seps_ = DefaultSeparators(3);
    una_.clear();
    return handler_.OnInterchangeEnd(trailer);
  }

  FaultPolicy policy_;
  MessageHandler& handler_;
  Status stop_;
  std::string buffer_;
  size_t base_ = 0;  // input offset of the first byte not yet consumed
  bool bom_checked_ = false;
  Separators seps_;
  std::string una_;
  SegmentView view_;
  size_t segment_index_ = 0;
  std::string_view tag_;
  bool composite_tag_ = false;
  size_t offset_ = 0;
  std::vector<Finding> findings_;

  State state_ = State::kOutside;
  bool in_group_ = false;
  bool seen_interchange_ = false;
  size_t interchange_count_ = 0;
  std::string interchange_reference_;
  size_t group_count_ = 0;
  size_t direct_messages_ = 0;
  size_t messages_ = 0;
  // Hashes of the message references seen in the interchange (a collision is vanishingly rare).
  std::unordered_set<size_t> references_;
  std::string group_reference_;
  size_t group_messages_ = 0;
  size_t message_index_ = 0;
  size_t message_segments_ = 0;
  std::string message_reference_;
  std::string message_type_;
  Value message_header_;
  MessageGrouper grouper_;
  std::string definition_type_ = "-";
  const MessageDefinition* definition_ = nullptr;
};

StreamParser::StreamParser(FaultPolicy policy, MessageHandler& handler)
    : impl_(std::make_unique<Impl>(policy, handler)) {}

StreamParser::~StreamParser() = default;

Status StreamParser::Feed(std::string_view chunk) { return impl_->Feed(chunk, false); }

Status StreamParser::Finish() { return impl_->Feed({}, true); }

const std::vector<Finding>& StreamParser::findings() const { return impl_->findings(); }

}  // namespace erphub::formats::edifact
