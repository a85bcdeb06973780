#include "formats/x12/reader.h"

#include <cstring>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#include <functional>
#include <string>
#include <unordered_set>
#include <utility>

#include "core/json.h"
#include "formats/x12/ebcdic.h"
#include "formats/x12/isa.h"
#include "formats/x12/loop_matcher.h"
#include "formats/x12/set_definition.h"

namespace erphub::formats::x12 {
namespace {

constexpr std::string_view kBom = "\xEF\xBB\xBF";
// Control numbers remembered for duplicate detection, per scope, before giving up (bounds memory
// on endless streams).
constexpr size_t kMaxRemembered = 1 << 20;

constexpr uint32_t kIsa = PackTag("ISA");
constexpr uint32_t kIea = PackTag("IEA");
constexpr uint32_t kGs = PackTag("GS");
constexpr uint32_t kGe = PackTag("GE");
constexpr uint32_t kSt = PackTag("ST");
constexpr uint32_t kSe = PackTag("SE");
constexpr uint32_t kTa1 = PackTag("TA1");

bool IsLayout(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

bool IsValidTag(std::string_view tag) {
  if (tag.size() < 2 || tag.size() > 3 || !(tag[0] >= 'A' && tag[0] <= 'Z')) {
    return false;
  }
  for (char c : tag) {
    if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) {
      return false;
    }
  }
  return true;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

// A count element equals `actual` when it is a number with that value ("0002" == 2).
bool CountEquals(std::string_view text, uint64_t actual) {
  text = Trim(text);
  if (text.empty() || text.size() > 18) {
    return false;
  }
  uint64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') {
      return false;
    }
    value = value * 10 + static_cast<uint64_t>(c - '0');
  }
  return value == actual;
}

uint64_t HashOf(std::string_view a, std::string_view b = {}) {
  size_t h1 = std::hash<std::string_view>()(a);
  size_t h2 = std::hash<std::string_view>()(b);
  return static_cast<uint64_t>(h1) * 0x9E3779B97F4A7C15ull ^ h2;
}

// Splits `segment` at the bytes of class 1 into at most `capacity` elements, recording per
// element which other classes occur in it (and in `all_flags`, all elements' together); returns
// the number of elements, which may exceed `capacity` (the caller then grows its buffers and
// calls again). `readable_end` ends the memory that may be read: 16-byte loads may pass the
// segment's end, their extra bits masked off. State lives in locals so that the byte stores
// into `flags` cannot make the compiler reload it.
size_t Split(std::string_view segment, const char* readable_end, const uint8_t* classes,
             const Delimiters& delimiters, std::string_view* elements, uint8_t* flags,
             size_t capacity, unsigned& all_flags) {
  const char* base = segment.data();
  const unsigned char* data = reinterpret_cast<const unsigned char*>(base);
  const size_t n = segment.size();
  size_t count = 0;
  size_t start = 0;
  unsigned f = 0;
  unsigned all = 0;
  auto special = [&](size_t at, unsigned k) {
    if (k == 1) {
      if (count < capacity) {
        elements[count] = std::string_view(base + start, at - start);
        flags[count] = static_cast<uint8_t>(f);
      }
      ++count;
      start = at + 1;
      f = 0;
    } else {
      unsigned bit = k == 2 ? 1u : k == 3 ? 2u : 4u;
      f |= bit;
      all |= bit;
    }
  };
  size_t i = 0;
#ifdef __SSE2__
  // Element separators and the other special bytes are found apart: most 16-byte blocks hold
  // only element separators, which end elements without a class lookup. Unused delimiters (no
  // component or repetition separator) fall back to the quote, which is special anyway.
  const __m128i sep = _mm_set1_epi8(delimiters.element);
  const __m128i comp = _mm_set1_epi8(delimiters.component != 0 ? delimiters.component : '"');
  const __m128i rep = _mm_set1_epi8(delimiters.repetition != 0 ? delimiters.repetition : '"');
  const __m128i quote = _mm_set1_epi8('"');
  const __m128i backslash = _mm_set1_epi8('\\');
  const __m128i space = _mm_set1_epi8(0x20);
  const size_t readable = static_cast<size_t>(readable_end - base);
  for (; i < n && i + 16 <= readable; i += 16) {
    __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(data + i));
    // Signed compare: bytes below 0x20 and bytes from 0x80 on (negative) both match.
    __m128i other = _mm_or_si128(
        _mm_or_si128(_mm_cmpeq_epi8(x, comp), _mm_cmpeq_epi8(x, rep)),
        _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, quote), _mm_cmpeq_epi8(x, backslash)),
                     _mm_cmplt_epi8(x, space)));
    unsigned separators = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(x, sep)));
    unsigned others = static_cast<unsigned>(_mm_movemask_epi8(other));
    if (n - i < 16) {
      unsigned inside = (1u << (n - i)) - 1;
      separators &= inside;
      others &= inside;
    }
    if (others == 0) {
      while (separators != 0) {
        special(i + static_cast<unsigned>(__builtin_ctz(separators)), 1);
        separators &= separators - 1;
      }
      continue;
    }
    unsigned mask = separators | others;
    while (mask != 0) {
      unsigned bit = static_cast<unsigned>(__builtin_ctz(mask));
      mask &= mask - 1;
      special(i + bit, classes[data[i + bit]]);
    }
  }
#else
  (void)readable_end;
  (void)delimiters;
#endif
  for (; i < n; ++i) {
    unsigned k = classes[data[i]];
    if (k != 0) {
      special(i, k);
    }
  }
  if (count < capacity) {
    elements[count] = std::string_view(base + start, n - start);
    flags[count] = static_cast<uint8_t>(f);
  }
  all_flags = all;
  return count + 1;
}

std::string_view ElementAt(const SegmentView& s, size_t i) {
  return i < s.elements.size() ? s.elements[i] : std::string_view();
}

}  // namespace

Status FindingStatus(const Finding& finding) {
  std::string context = "segment " + std::to_string(finding.segment_index);
  if (!finding.tag.empty()) {
    context += " (" + finding.tag + ")";
  }
  context += " at byte " + std::to_string(finding.offset);
  return ParseError(finding.message, std::move(context));
}

struct Reader::State {
  State(const ParseOptions& o, Handler& h) : options(o), handler(h) {}

  enum class Phase { kSeekIsa, kInterchange, kSkipToIsa };

  ParseOptions options;
  Handler& handler;
  std::string head;  // the first bytes, until there are enough to tell the encoding
  std::string pending;
  std::string decoded;
  uint64_t consumed = 0;  // bytes of input before the buffer being processed
  uint64_t segment_index = 0;
  bool started = false;
  bool ebcdic = false;
  bool any_interchange = false;
  Phase phase = Phase::kSeekIsa;
  Delimiters delimiters;
  uint8_t classes[256] = {};
  std::vector<std::string_view> element_buffer = std::vector<std::string_view>(64);
  std::vector<uint8_t> flag_buffer = std::vector<uint8_t>(64);
  // End of the buffer being read: the tokenizer may read up to here.
  const char* readable_end = nullptr;
  // The current segment (views into element_buffer / flag_buffer).
  std::span<const std::string_view> elements;
  std::span<const uint8_t> flags;
  std::string isa_elements_copy;

  // Envelope state.
  bool in_interchange = false;
  bool in_group = false;
  bool in_set = false;
  std::string isa13;
  uint32_t group_count = 0;
  std::string gs06;
  uint32_t set_count = 0;
  std::string st02;
  uint32_t set_segments = 0;
  std::unordered_set<uint64_t> interchanges_seen;
  std::unordered_set<uint64_t> groups_seen;
  std::unordered_set<uint64_t> sets_seen;
  LoopMatcher matcher;
  uint64_t last_offset = 0;

  // Reports a fault: fatal in strict mode (or always, when `fatal`), a warning otherwise.
  Status Fault(Finding finding, bool fatal = false) {
    if (fatal || !options.lenient) {
      return FindingStatus(finding);
    }
    return handler.Warning(finding);
  }
  // A fault tolerated in both modes: a warning in lenient mode, silent in strict mode (where the
  // output of a valid file carries no warnings, so that it round-trips).
  Status Note(Finding finding) { return options.lenient ? handler.Warning(finding) : Status::Ok(); }

  Finding At(const SegmentView* at, FaultLevel level, std::string code, std::string ack_code,
             std::string message) {
    Finding f;
    f.code = std::move(code);
    f.ack_code = std::move(ack_code);
    f.level = level;
    f.message = std::move(message);
    if (at != nullptr) {
      f.segment_index = at->index;
      f.tag = std::string(at->tag());
      f.offset = at->offset;
    } else {
      f.segment_index = segment_index;
      f.offset = last_offset;
      f.tag = "";
    }
    return f;
  }

  // Byte classes for the tokenizer: 1 element separator, 2 component separator, 3 repetition
  // separator, 4 a byte a JSON string must escape (or any non-ASCII byte), 0 anything else.
  void SetDelimiters(const Delimiters& d) {
    delimiters = d;
    for (int c = 0; c < 256; ++c) {
      classes[c] = (c < 0x20 || c >= 0x80 || c == '"' || c == '\\') ? 4 : 0;
    }
    if (d.repetition != 0) classes[static_cast<unsigned char>(d.repetition)] = 3;
    if (d.component != 0) classes[static_cast<unsigned char>(d.component)] = 2;
    classes[static_cast<unsigned char>(d.element)] = 1;
  }

  // Splits a segment into elements (views into the input; no allocation once grown). Returns
  // the flags of all elements together.
  unsigned Tokenize(std::string_view segment) {
    unsigned all_flags = 0;
    while (true) {
      size_t count = Split(segment, readable_end, classes, delimiters, element_buffer.data(),
                           flag_buffer.data(), element_buffer.size(), all_flags);
      if (count <= element_buffer.size()) {
        elements = std::span<const std::string_view>(element_buffer.data(), count);
        flags = std::span<const uint8_t>(flag_buffer.data(), count);
        return all_flags;
      }
      element_buffer.resize(count);
      flag_buffer.resize(count);
    }
  }

  SegmentView View(uint64_t offset) {
    SegmentView view;
    view.elements = elements;
    view.flags = flags;
    view.delimiters = &delimiters;
    view.index = segment_index;
    view.offset = offset;
    view.readable_end = readable_end;
    return view;
  }

  // Mandatory segments the matcher found missing, as AK3 code 3 at the position of `at` (the
  // segment that showed it).
  Status ReportMissing(const SegmentView& at) {
    for (SegmentIssue& issue : matcher.TakeMissing()) {
      Finding f = At(&at, FaultLevel::kSegment, "segment_missing", "3",
                     issue.message + " (noticed at " + std::string(at.tag()) + ")");
      f.tag = std::move(issue.missing_tag);
      f.set_position = set_segments;
      f.loop_id = std::move(issue.loop_id);
      ERPHUB_TRY(Fault(std::move(f)));
    }
    return Status::Ok();
  }

  Status CloseSet(const SegmentView* at) {
    ERPHUB_TRY(Fault(At(at, FaultLevel::kTransaction, "se_missing", "2",
                        "transaction set " + st02 + " has no SE trailer")));
    ERPHUB_TRY(matcher.Close(handler));
    in_set = false;
    return handler.EndTransaction(nullptr);
  }

  Status CloseGroup(const SegmentView* at) {
    if (in_set) {
      ERPHUB_TRY(CloseSet(at));
    }
    ERPHUB_TRY(Fault(At(at, FaultLevel::kGroup, "ge_missing", "3",
                        "functional group " + gs06 + " has no GE trailer")));
    in_group = false;
    return handler.EndGroup(nullptr);
  }

  Status CloseInterchange(const SegmentView* at) {
    if (in_group) {
      ERPHUB_TRY(CloseGroup(at));
    }
    Finding f = At(at, FaultLevel::kInterchange, "iea_missing", "023",
                   "interchange " + isa13 + " has no IEA trailer");
    ERPHUB_TRY(Fault(std::move(f)));
    in_interchange = false;
    phase = Phase::kSeekIsa;
    return handler.EndInterchange(nullptr);
  }

  Status StartInterchange(const IsaHeader& isa, uint64_t offset) {
    SetDelimiters(isa.delimiters);
    ++segment_index;
    // The ISA's elements as a segment view (ISA11 and ISA16 are data here, never split).
    size_t count = isa.isa16_missing ? 16 : 17;
    element_buffer[0] = "ISA";
    flag_buffer[0] = 0;
    for (size_t i = 1; i < count; ++i) {
      std::string_view e = isa.elements[i - 1];
      element_buffer[i] = e;
      uint8_t f = 0;
      for (unsigned char c : e) {
        if (c < 0x20 || c >= 0x80 || c == '"' || c == '\\') f = 4;
      }
      flag_buffer[i] = f;
    }
    elements = std::span<const std::string_view>(element_buffer.data(), count);
    flags = std::span<const uint8_t>(flag_buffer.data(), count);
    SegmentView view = View(offset);
    view.readable_end = nullptr;  // "ISA" itself is not in the input buffer
    last_offset = offset;
    if (isa.isa16_missing) {
      Finding f = At(&view, FaultLevel::kInterchange, "isa16_missing", "027",
                     "ISA16 (component separator) is missing; the character after ISA15 is "
                     "taken as the segment terminator");
      ERPHUB_TRY(Fault(std::move(f)));
    } else if (isa.wrong_width_element != 0) {
      int e = isa.wrong_width_element;
      char name[8];
      snprintf(name, sizeof(name), "ISA%02d", e);
      Finding f = At(&view, FaultLevel::kInterchange, "isa_not_fixed_width", "022",
                     std::string("ISA is not fixed width: ") + name + " has " +
                         std::to_string(isa.elements[e - 1].size()) + " bytes, expected " +
                         std::to_string(kIsaWidths[e - 1]) +
                         " characters; delimiters were found by counting separators");
      ERPHUB_TRY(Fault(std::move(f)));
    }
    any_interchange = true;
    in_interchange = true;
    isa13 = std::string(isa.elements[12]);
    group_count = 0;
    groups_seen.clear();
    uint64_t key = HashOf(isa.elements[5], isa13);
    if (!interchanges_seen.insert(key).second) {
      Finding f = At(&view, FaultLevel::kInterchange, "duplicate_interchange", "025",
                     "interchange control number " + isa13 + " repeats for sender " +
                         std::string(Trim(isa.elements[5])));
      ERPHUB_TRY(Note(std::move(f)));
    }
    if (interchanges_seen.size() > kMaxRemembered) {
      interchanges_seen.clear();
    }
    phase = Phase::kInterchange;
    return handler.StartInterchange(view);
  }

  // Handles one segment of an open interchange. Sets `restart` when it is an ISA (the previous
  // interchange lacked its IEA), which the caller reads again with fresh delimiter detection.
  Status HandleSegment(std::string_view text, uint64_t offset, bool& restart) {
    last_offset = offset;
    unsigned all_flags = Tokenize(text);
    std::string_view tag = elements[0];
    const uint32_t packed = PackTag(tag);
    if (packed == kIsa) {
      ERPHUB_TRY(CloseInterchange(nullptr));
      restart = true;
      return Status::Ok();
    }
    ++segment_index;
    SegmentView view = View(offset);
    view.plain = all_flags == 0;
    if (text.empty()) {
      return Fault(At(&view, in_set ? FaultLevel::kSegment : FaultLevel::kInterchange,
                      "empty_segment", in_set ? "1" : "024", "empty segment (two terminators)"));
    }
    if ((all_flags & 4) != 0 && InvalidUtf8Offset(text) != std::string_view::npos) {
      // JSON carries such bytes as U+FFFD: lenient mode goes on with that, strict mode refuses.
      Finding f = At(&view, in_set ? FaultLevel::kSegment : FaultLevel::kInterchange,
                     "invalid_utf8", in_set ? "8" : "024",
                     "segment data is not UTF-8 (at byte " +
                         std::to_string(offset + InvalidUtf8Offset(text)) + ")");
      f.set_position = set_segments + 1;
      ERPHUB_TRY(Fault(std::move(f)));
    }
    if (in_set && !IsValidTag(tag)) {
      Finding f = At(&view, FaultLevel::kSegment, "invalid_tag", "1",
                     "invalid segment tag '" + std::string(tag) + "'");
      f.set_position = set_segments + 1;
      ERPHUB_TRY(Fault(std::move(f)));
      return Status::Ok();  // lenient: left out, it cannot be written back
    }
    if (in_set && packed != kSe && packed != kGe && packed != kIea && packed != kGs &&
        packed != kSt) {
      ++set_segments;
      SegmentIssue issue;
      ERPHUB_TRY(matcher.Place(view, handler, issue));
      ERPHUB_TRY(ReportMissing(view));
      if (!issue.code.empty()) {
        Finding f = At(&view, FaultLevel::kSegment,
                       "segment_" + std::string(issue.code == "8" ? "element" : "placement"),
                       issue.code, issue.message);
        f.set_position = set_segments;
        f.loop_id = issue.loop_id;
        f.element_position = issue.element_position;
        f.element_code = issue.element_code;
        f.element_value = issue.element_value;
        ERPHUB_TRY(Fault(std::move(f)));
      }
      return Status::Ok();
    }
    if (packed == kSt) return HandleSt(view);
    if (packed == kSe) return HandleSe(view);
    if (packed == kGs) return HandleGs(view);
    if (packed == kGe) return HandleGe(view);
    if (packed == kIea) return HandleIea(view);
    if (packed == kTa1 && group_count == 0) {
      return handler.InterchangeSegment(view);
    }
    std::string what = IsValidTag(tag) ? "segment " + std::string(tag) : "invalid segment tag";
    Finding f = At(&view, FaultLevel::kInterchange, "segment_outside_set", "024",
                   what + " outside a transaction set");
    return Fault(std::move(f));
  }

  Status HandleGs(const SegmentView& gs) {
    if (in_group) {
      ERPHUB_TRY(CloseGroup(&gs));
    }
    ++group_count;
    in_group = true;
    gs06 = std::string(ElementAt(gs, 6));
    set_count = 0;
    sets_seen.clear();
    ERPHUB_TRY(handler.StartGroup(gs));
    if (gs.elements.size() < 9) {
      ERPHUB_TRY(
          Fault(At(&gs, FaultLevel::kGroup, "gs_incomplete", "6",
                   "GS has " + std::to_string(gs.elements.size() - 1) + " elements, expected 8")));
    }
    if (!groups_seen.insert(HashOf(gs06)).second) {
      // Reported, never fatal: real senders reuse numbers (duplicate detection is the store's).
      ERPHUB_TRY(Note(At(&gs, FaultLevel::kGroup, "duplicate_group", "6",
                         "group control number " + gs06 + " repeats in interchange " + isa13)));
    }
    return Status::Ok();
  }

  Status HandleGe(const SegmentView& ge) {
    if (!in_group) {
      return Fault(
          At(&ge, FaultLevel::kInterchange, "ge_without_gs", "024", "GE without a GS header"));
    }
    if (in_set) {
      ERPHUB_TRY(CloseSet(&ge));
    }
    if (!CountEquals(ElementAt(ge, 1), set_count)) {
      ERPHUB_TRY(Fault(At(&ge, FaultLevel::kGroup, "ge_count_mismatch", "5",
                          "GE01 is " + std::string(ElementAt(ge, 1)) + " but the group has " +
                              std::to_string(set_count) + " transaction sets")));
    }
    if (ElementAt(ge, 2) != gs06) {
      ERPHUB_TRY(
          Fault(At(&ge, FaultLevel::kGroup, "ge_control_mismatch", "4",
                   "GE02 " + std::string(ElementAt(ge, 2)) + " does not match GS06 " + gs06)));
    }
    in_group = false;
    return handler.EndGroup(&ge);
  }

  Status HandleSt(const SegmentView& st) {
    if (!in_group) {
      return Fault(At(&st, FaultLevel::kInterchange, "st_outside_group", "024",
                      "ST outside a functional group (GS)"),
                   /*fatal=*/true);
    }
    if (in_set) {
      ERPHUB_TRY(CloseSet(&st));
    }
    ++set_count;
    in_set = true;
    st02 = std::string(ElementAt(st, 2));
    set_segments = 1;
    ERPHUB_TRY(handler.StartTransaction(st));
    matcher.Start(FindSetDefinition(ElementAt(st, 1)));
    if (ElementAt(st, 1).empty()) {
      ERPHUB_TRY(Fault(At(&st, FaultLevel::kTransaction, "st01_missing", "6",
                          "ST01 (transaction set identifier) is missing")));
    }
    if (st02.empty()) {
      ERPHUB_TRY(Fault(At(&st, FaultLevel::kTransaction, "st02_missing", "7",
                          "ST02 (transaction set control number) is missing")));
    } else if (!sets_seen.insert(HashOf(st02)).second) {
      ERPHUB_TRY(Note(At(&st, FaultLevel::kTransaction, "duplicate_set", "23",
                         "transaction set control number " + st02 + " repeats in group " + gs06)));
    }
    if (sets_seen.size() > kMaxRemembered) {
      sets_seen.clear();
    }
    return Status::Ok();
  }

  Status HandleSe(const SegmentView& se) {
    if (!in_set) {
      return Fault(At(&se, FaultLevel::kGroup, "se_without_st", "6", "SE without an ST header"));
    }
    ++set_segments;
    if (!CountEquals(ElementAt(se, 1), set_segments)) {
      ERPHUB_TRY(Fault(At(&se, FaultLevel::kTransaction, "se_count_mismatch", "4",
                          "SE01 is " + std::string(ElementAt(se, 1)) + " but the set has " +
                              std::to_string(set_segments) + " segments")));
    }
    if (ElementAt(se, 2) != st02) {
      ERPHUB_TRY(
          Fault(At(&se, FaultLevel::kTransaction, "se_control_mismatch", "3",
                   "SE02 " + std::string(ElementAt(se, 2)) + " does not match ST02 " + st02)));
    }
    ERPHUB_TRY(matcher.Close(handler));
    ERPHUB_TRY(ReportMissing(se));
    in_set = false;
    return handler.EndTransaction(&se);
  }

  Status HandleIea(const SegmentView& iea) {
    if (in_group) {
      ERPHUB_TRY(CloseGroup(&iea));
    }
    if (!CountEquals(ElementAt(iea, 1), group_count)) {
      Finding f = At(&iea, FaultLevel::kInterchange, "iea_count_mismatch", "021",
                     "IEA01 is " + std::string(ElementAt(iea, 1)) + " but the interchange has " +
                         std::to_string(group_count) + " functional groups");
      f.ack_action = 'E';
      ERPHUB_TRY(Fault(std::move(f)));
    }
    if (ElementAt(iea, 2) != isa13) {
      ERPHUB_TRY(
          Fault(At(&iea, FaultLevel::kInterchange, "iea_control_mismatch", "001",
                   "IEA02 " + std::string(ElementAt(iea, 2)) + " does not match ISA13 " + isa13)));
    }
    in_interchange = false;
    phase = Phase::kSeekIsa;
    return handler.EndInterchange(&iea);
  }

  // Finds the segment terminator at or after `from`; npos when absent.
  size_t FindTerminator(std::string_view buf, size_t from) const {
    const std::string& t = delimiters.segment;
    if (t.size() == 1) {
      const void* hit = std::memchr(buf.data() + from, t[0], buf.size() - from);
      return hit == nullptr ? std::string_view::npos
                            : static_cast<size_t>(static_cast<const char*>(hit) - buf.data());
    }
    return buf.find(t, from);
  }

  size_t SkipLayout(std::string_view buf, size_t pos) const {
    while (pos < buf.size()) {
      char c = buf[pos];
      if (IsLayout(c) && c != delimiters.element) {
        ++pos;
      } else if (phase != Phase::kInterchange && buf.substr(pos, 3) == kBom) {
        pos += 3;
      } else if (phase != Phase::kInterchange && (c == '\x1A' || c == '\0')) {
        ++pos;  // DOS end-of-file marker or padding between interchanges
      } else {
        break;
      }
    }
    return pos;
  }

  // Handles the complete segments of `buf`; returns how many bytes were used.
  Result<size_t> Process(std::string_view buf, bool final) {
    readable_end = buf.data() + buf.size();
    size_t pos = 0;
    while (true) {
      if (phase != Phase::kInterchange) {
        pos = SkipLayout(buf, pos);
        if (pos >= buf.size()) {
          return pos;
        }
        if (phase == Phase::kSkipToIsa) {
          size_t isa = buf.find("ISA", pos);
          if (isa == std::string_view::npos) {
            return final || buf.size() < 2 ? buf.size() : buf.size() - 2;
          }
          pos = isa;
          phase = Phase::kSeekIsa;
        }
        if (buf.size() - pos < 3 && !final) {
          return pos;
        }
        uint64_t offset = consumed + pos;
        if (buf.substr(pos, 3) != "ISA") {
          Finding f;
          f.segment_index = segment_index + 1;
          f.offset = offset;
          f.level = FaultLevel::kInterchange;
          f.code = any_interchange ? "text_outside_interchange" : "isa_missing";
          f.ack_code = "022";
          f.message = any_interchange ? "text after IEA that does not start an ISA header"
                                      : "the input does not start with an ISA header";
          ERPHUB_TRY(Fault(std::move(f), /*fatal=*/!any_interchange));
          phase = Phase::kSkipToIsa;
          ++pos;
          continue;
        }
        IsaHeader isa = ReadIsaHeader(buf.substr(pos), !final);
        if (isa.outcome == IsaHeader::Outcome::kNeedMore) {
          return pos;
        }
        if (isa.outcome == IsaHeader::Outcome::kInvalid) {
          Finding f;
          f.segment_index = segment_index + 1;
          f.tag = "ISA";
          f.offset = offset;
          f.code = "isa_invalid";
          f.ack_code = "022";
          f.message = isa.error;
          return FindingStatus(f);
        }
        ERPHUB_TRY(StartInterchange(isa, offset));
        pos += isa.length;
        continue;
      }
      pos = SkipLayout(buf, pos);
      if (pos >= buf.size()) {
        return pos;
      }
      size_t end = FindTerminator(buf, pos);
      size_t next;
      bool unterminated = false;
      if (end == std::string_view::npos) {
        if (!final) {
          return pos;
        }
        unterminated = true;
        end = buf.size();
        next = end;
      } else {
        next = end + delimiters.segment.size();
      }
      std::string_view text = buf.substr(pos, end - pos);
      if (delimiters.segment == "\n" && !text.empty() && text.back() == '\r') {
        text.remove_suffix(1);
      }
      if (unterminated) {
        while (!text.empty() && IsLayout(text.back())) text.remove_suffix(1);
        Finding f;
        f.segment_index = segment_index + 1;
        f.offset = consumed + pos;
        f.level = FaultLevel::kInterchange;
        f.code = "unterminated_segment";
        f.ack_code = "023";
        f.ack_action = 'E';
        f.message = "the last segment has no segment terminator";
        ERPHUB_TRY(Fault(std::move(f)));
      }
      bool restart = false;
      ERPHUB_TRY(HandleSegment(text, consumed + pos, restart));
      if (!restart) {
        pos = next;
      }
    }
  }
};

Reader::Reader(const ParseOptions& options, Handler& handler)
    : state_(std::make_unique<State>(options, handler)) {}

Reader::~Reader() = default;

Status Reader::Feed(std::string_view chunk) {
  State& s = *state_;
  if (!s.started) {
    // The first three bytes tell EBCDIC ("ISA" is C9 E2 C1) from ASCII.
    if (s.head.size() + chunk.size() < 3) {
      s.head.append(chunk);
      return Status::Ok();
    }
    s.started = true;
    if (s.head.empty()) {  // the usual case: no copy of what may be the whole input
      s.ebcdic = LooksLikeEbcdicIsa(chunk);
      return FeedStarted(chunk);
    }
    std::string first = std::move(s.head);
    first.append(chunk);
    s.ebcdic = LooksLikeEbcdicIsa(first);
    return FeedStarted(first);
  }
  return FeedStarted(chunk);
}

Status Reader::FeedStarted(std::string_view chunk) {
  State& s = *state_;
  if (s.ebcdic) {
    s.decoded.clear();
    AppendEbcdicAsUtf8(chunk, s.decoded);
    chunk = s.decoded;
  }
  if (s.pending.empty()) {
    ERPHUB_ASSIGN_OR_RETURN(size_t used, s.Process(chunk, false));
    s.consumed += used;
    s.pending.assign(chunk.substr(used));
    return Status::Ok();
  }
  s.pending.append(chunk);
  ERPHUB_ASSIGN_OR_RETURN(size_t used, s.Process(s.pending, false));
  s.consumed += used;
  s.pending.erase(0, used);
  return Status::Ok();
}

Status Reader::Finish() {
  State& s = *state_;
  if (!s.started) {
    s.started = true;
    std::string head = std::move(s.head);
    ERPHUB_TRY(FeedStarted(head));
  }
  std::string rest = std::move(s.pending);
  s.pending.clear();
  ERPHUB_ASSIGN_OR_RETURN(size_t used, s.Process(rest, true));
  s.consumed += used;
  s.last_offset = s.consumed;
  if (s.in_interchange) {
    ERPHUB_TRY(s.CloseInterchange(nullptr));
  }
  if (!s.any_interchange) {
    Finding f;
    f.offset = 0;
    f.code = "isa_missing";
    f.message = "no ISA interchange header found";
    return FindingStatus(f);
  }
  return Status::Ok();
}

Status ReadAll(std::string_view bytes, const ParseOptions& options, Handler& handler) {
  Reader reader(options, handler);
  ERPHUB_TRY(reader.Feed(bytes));
  return reader.Finish();
}

}  // namespace erphub::formats::x12
