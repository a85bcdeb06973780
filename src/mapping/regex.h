#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/value.h"
#include "mapping/error.h"

namespace erphub::jsonata {

// A regular expression from a JSONata regex literal (/pattern/flags), with JavaScript semantics
// as far as PCRE2 allows. Immutable and safe to use from many threads at once.
class Regex {
 public:
  // One match. Offsets are bytes into the subject; code point offsets come from
  // CodePointCount(subject.substr(0, start)) (value_ops.h) where a built-in needs them.
  struct Match {
    size_t start = 0;
    size_t end = 0;
    // Capture groups 1..n; an unset group has `set` false (JavaScript's undefined).
    struct Group {
      bool set = false;
      size_t start = 0;
      size_t end = 0;
    };
    std::vector<Group> groups;

    std::string_view text(std::string_view subject) const {
      return subject.substr(start, end - start);
    }
    std::string_view group(std::string_view subject, size_t i) const {
      return groups[i].set ? subject.substr(groups[i].start, groups[i].end - groups[i].start)
                           : std::string_view();
    }
  };

  ~Regex();
  Regex(const Regex&) = delete;
  Regex& operator=(const Regex&) = delete;

  // Compiles `pattern` with flags from "i" (ignore case) and "m" (multi-line). Errors are
  // S0303 with the compiler's message.
  static JResult<std::shared_ptr<const Regex>> Compile(std::string_view pattern,
                                                       std::string_view flags);

  // The first match starting at or after byte offset `from` (which must be at a code point
  // boundary). Returns false when there is none, or when the subject is not valid UTF-8.
  bool Search(std::string_view subject, size_t from, Match& match) const;

  // Every match, in order, as JavaScript's global matching finds them: after an empty match the
  // search resumes one code point further.
  std::vector<Match> SearchAll(std::string_view subject, size_t limit = SIZE_MAX) const;

  // Whether the subject has a match anywhere (what Search from 0 would find, without the match).
  bool Matches(std::string_view subject) const;

  std::string_view pattern() const { return pattern_; }
  std::string_view flags() const { return flags_; }
  size_t group_count() const { return group_count_; }

 private:
  Regex() = default;
  bool SearchImpl(std::string_view subject, size_t from, bool checked, Match& match) const;

  std::string pattern_;
  std::string flags_;
  void* code_ = nullptr;  // pcre2_code_8
  size_t group_count_ = 0;
};

// The regex behind a function value made from a regex literal, or nullptr for other values.
const Regex* AsRegex(const Value& fn);

}  // namespace erphub::jsonata
