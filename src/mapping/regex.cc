#include "mapping/regex.h"

#include <algorithm>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

namespace erphub::jsonata {

namespace {

pcre2_code* Code(void* p) { return static_cast<pcre2_code*>(p); }

size_t NextCodePoint(std::string_view s, size_t i) {
  if (i >= s.size()) {
    return i + 1;
  }
  unsigned char c = static_cast<unsigned char>(s[i]);
  size_t len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
  return i + len;
}

}  // namespace

Regex::~Regex() {
  if (code_ != nullptr) {
    pcre2_code_free(Code(code_));
  }
}

JResult<std::shared_ptr<const Regex>> Regex::Compile(std::string_view pattern,
                                                     std::string_view flags) {
  uint32_t options = PCRE2_UTF | PCRE2_ALT_BSUX | PCRE2_MATCH_UNSET_BACKREF | PCRE2_DOLLAR_ENDONLY;
  for (char f : flags) {
    if (f == 'i') {
      options |= PCRE2_CASELESS;
    } else if (f == 'm') {
      options |= PCRE2_MULTILINE;
    }
  }
  pcre2_compile_context* cctx = pcre2_compile_context_create(nullptr);
  pcre2_set_newline(cctx, PCRE2_NEWLINE_ANYCRLF);
  int error_code = 0;
  PCRE2_SIZE error_offset = 0;
  pcre2_code* code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(),
                                   options, &error_code, &error_offset, cctx);
  pcre2_compile_context_free(cctx);
  if (code == nullptr) {
    PCRE2_UCHAR buffer[256];
    pcre2_get_error_message(error_code, buffer, sizeof(buffer));
    Error::Info info;
    info.code = "S0303";
    info.message = "Invalid regular expression: " + std::string(reinterpret_cast<char*>(buffer));
    info.value = Value::Str(pattern);
    return Error(std::move(info));
  }
  pcre2_jit_compile(code, PCRE2_JIT_COMPLETE);
  std::shared_ptr<Regex> regex(new Regex());
  regex->pattern_ = std::string(pattern);
  regex->flags_ = std::string(flags);
  regex->code_ = code;
  uint32_t captures = 0;
  pcre2_pattern_info(code, PCRE2_INFO_CAPTURECOUNT, &captures);
  regex->group_count_ = captures;
  return std::shared_ptr<const Regex>(std::move(regex));
}

namespace {

// Match data of the thread, grown to the most groups seen: a search then allocates nothing.
class MatchData {
 public:
  ~MatchData() {
    if (data_ != nullptr) {
      pcre2_match_data_free(data_);
    }
  }
  pcre2_match_data* For(size_t group_count) {
    if (data_ == nullptr || pairs_ < group_count + 1) {
      if (data_ != nullptr) {
        pcre2_match_data_free(data_);
      }
      pairs_ = std::max<size_t>(group_count + 1, 16);
      data_ = pcre2_match_data_create(static_cast<uint32_t>(pairs_), nullptr);
    }
    return data_;
  }

 private:
  pcre2_match_data* data_ = nullptr;
  size_t pairs_ = 0;
};

pcre2_match_data* ThreadMatchData(size_t group_count) {
  thread_local MatchData data;
  return data.For(group_count);
}

}  // namespace

bool Regex::Matches(std::string_view subject) const {
  pcre2_match_data* data = ThreadMatchData(group_count_);
  return pcre2_match(Code(code_), reinterpret_cast<PCRE2_SPTR>(subject.data()), subject.size(), 0,
                     0, data, nullptr) >= 0;
}

bool Regex::SearchImpl(std::string_view subject, size_t from, bool checked, Match& match) const {
  pcre2_match_data* data = ThreadMatchData(group_count_);
  int rc = pcre2_match(Code(code_), reinterpret_cast<PCRE2_SPTR>(subject.data()), subject.size(),
                       from, checked ? PCRE2_NO_UTF_CHECK : 0, data, nullptr);
  if (rc < 0) {
    return false;
  }
  PCRE2_SIZE* ov = pcre2_get_ovector_pointer(data);
  match.start = ov[0];
  match.end = ov[1];
  match.groups.assign(group_count_, Match::Group());
  for (size_t i = 0; i < group_count_; i++) {
    size_t s = ov[2 * (i + 1)];
    size_t e = ov[2 * (i + 1) + 1];
    if (static_cast<int>(i + 1) < rc && s != PCRE2_UNSET) {
      match.groups[i].set = true;
      match.groups[i].start = s;
      match.groups[i].end = e;
    }
  }
  return true;
}

bool Regex::Search(std::string_view subject, size_t from, Match& match) const {
  if (from > subject.size()) {
    return false;
  }
  return SearchImpl(subject, from, false, match);
}

std::vector<Regex::Match> Regex::SearchAll(std::string_view subject, size_t limit) const {
  std::vector<Match> out;
  size_t from = 0;
  bool checked = false;
  while (out.size() < limit && from <= subject.size()) {
    Match m;
    if (!SearchImpl(subject, from, checked, m)) {
      break;
    }
    checked = true;
    from = m.end > m.start ? m.end : NextCodePoint(subject, m.end);
    out.push_back(std::move(m));
  }
  return out;
}

}  // namespace erphub::jsonata
