#include "mapping/picture_number.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <optional>
#include <vector>

#include "mapping/code_points.h"
#include "mapping/decimal_digits.h"

namespace erphub::jsonata {
namespace {

using Text = std::u32string;
using TextView = std::u32string_view;
constexpr size_t npos = Text::npos;

// The decimal format: the characters a picture is written in.
struct Symbols {
  Text decimal = U".";
  Text grouping = U",";
  Text exponent = U"e";
  Text infinity = U"Infinity";
  Text minus = U"-";
  Text nan = U"NaN";
  Text percent = U"%";
  Text per_mille = U"\u2030";
  Text zero = U"0";
  Text digit = U"#";
  Text pattern = U";";

  char32_t zero_char() const { return zero.empty() ? U'0' : zero[0]; }
  bool IsFamilyDigit(char32_t c) const { return c >= zero_char() && c < zero_char() + 10; }
  // Single characters compare equal to a symbol only when the symbol is that one character.
  static bool Is(char32_t c, const Text& symbol) { return symbol.size() == 1 && symbol[0] == c; }
  bool IsActive(char32_t c) const {
    return IsFamilyDigit(c) || Is(c, decimal) || Is(c, exponent) || Is(c, grouping) ||
           Is(c, digit) || Is(c, pattern);
  }
  bool IsDigitOrOptional(char32_t c) const { return IsFamilyDigit(c) || Is(c, digit); }
};

Text OptionText(const Value& v) {
  if (v.is_string()) {
    return ToCodePoints(v.as_string());
  }
  if (v.is_number()) {
    return ToCodePoints(v.as_number().ToString());
  }
  if (v.is_bool()) {
    return v.as_bool() ? U"true" : U"false";
  }
  return U"null";
}

Symbols SymbolsFrom(const Value& options) {
  Symbols s;
  if (!options.is_object()) {
    return s;
  }
  struct Field {
    std::string_view name;
    Text Symbols::*member;
  };
  static constexpr Field kFields[] = {{"decimal-separator", &Symbols::decimal},
                                      {"grouping-separator", &Symbols::grouping},
                                      {"exponent-separator", &Symbols::exponent},
                                      {"infinity", &Symbols::infinity},
                                      {"minus-sign", &Symbols::minus},
                                      {"NaN", &Symbols::nan},
                                      {"percent", &Symbols::percent},
                                      {"per-mille", &Symbols::per_mille},
                                      {"zero-digit", &Symbols::zero},
                                      {"digit", &Symbols::digit},
                                      {"pattern-separator", &Symbols::pattern}};
  for (const Field& field : kFields) {
    if (const Value* v = options.as_object().Find(field.name)) {
      s.*field.member = OptionText(*v);
    }
  }
  return s;
}

// JavaScript's String.prototype.substring: indices clamped to the text, swapped if reversed.
Text Substring(TextView s, int64_t start, int64_t end) {
  int64_t size = static_cast<int64_t>(s.size());
  start = std::clamp<int64_t>(start, 0, size);
  end = std::clamp<int64_t>(end, 0, size);
  if (start > end) {
    std::swap(start, end);
  }
  return Text(s.substr(static_cast<size_t>(start), static_cast<size_t>(end - start)));
}

int64_t Index(size_t i) { return i == npos ? -1 : static_cast<int64_t>(i); }

// JavaScript's String.prototype.split with a string separator.
std::vector<Text> Split(TextView s, TextView separator) {
  std::vector<Text> parts;
  if (separator.empty()) {
    for (char32_t c : s) {
      parts.emplace_back(1, c);
    }
    return parts;
  }
  size_t start = 0;
  while (true) {
    size_t at = s.find(separator, start);
    if (at == npos) {
      parts.emplace_back(s.substr(start));
      return parts;
    }
    parts.emplace_back(s.substr(start, at - start));
    start = at + separator.size();
  }
}

// A sub-picture cut into its parts (F&O 4.7.3), reproducing the reference's index arithmetic.
struct Parts {
  Text prefix;
  Text suffix;
  Text active;
  Text mantissa;
  std::optional<Text> exponent;
  Text integer;
  Text fraction;
  Text picture;
};

Parts SplitParts(const Text& sub, const Symbols& sym) {
  Parts p;
  p.picture = sub;
  auto starts_number = [&](char32_t c) { return sym.IsActive(c) && !Symbols::Is(c, sym.exponent); };
  for (size_t i = 0; i < sub.size(); ++i) {
    if (starts_number(sub[i])) {
      p.prefix = sub.substr(0, i);
      break;
    }
  }
  for (size_t i = sub.size(); i-- > 0;) {
    if (starts_number(sub[i])) {
      p.suffix = sub.substr(i + 1);
      break;
    }
  }
  int64_t size = static_cast<int64_t>(sub.size());
  int64_t prefix_size = static_cast<int64_t>(p.prefix.size());
  int64_t suffix_size = static_cast<int64_t>(p.suffix.size());
  p.active = Substring(sub, prefix_size, size - suffix_size);
  int64_t exponent_at = Index(IndexOf(sub, sym.exponent, p.prefix.size()));
  if (exponent_at == -1 || exponent_at > size - suffix_size) {
    p.mantissa = p.active;
  } else {
    p.mantissa = Substring(p.active, 0, exponent_at);
    p.exponent = Substring(p.active, exponent_at + 1, static_cast<int64_t>(p.active.size()));
  }
  int64_t decimal_at = Index(IndexOf(p.mantissa, sym.decimal));
  if (decimal_at == -1) {
    p.integer = p.mantissa;
    p.fraction = p.suffix;
  } else {
    p.integer = Substring(p.mantissa, 0, decimal_at);
    p.fraction = Substring(p.mantissa, decimal_at + 1, static_cast<int64_t>(p.mantissa.size()));
  }
  return p;
}

int64_t CountIf(TextView s, auto predicate) {
  return static_cast<int64_t>(std::count_if(s.begin(), s.end(), predicate));
}

// The reference's messages for the picture errors.
std::string_view PictureErrorMessage(std::string_view code) {
  struct Message {
    std::string_view code;
    std::string_view text;
  };
  static constexpr Message kMessages[] = {
      {"D3081",
       "The sub-picture must not contain more than one instance of the 'decimal-separator' "
       "character"},
      {"D3082",
       "The sub-picture must not contain more than one instance of the 'percent' character"},
      {"D3083",
       "The sub-picture must not contain more than one instance of the 'per-mille' character"},
      {"D3084", "The sub-picture must not contain both a 'percent' and a 'per-mille' character"},
      {"D3085",
       "The mantissa part of a sub-picture must contain at least one character that is either "
       "an 'optional digit character' or a member of the 'decimal digit family'"},
      {"D3086",
       "The sub-picture must not contain a passive character that is preceded by an active "
       "character and that is followed by another active character"},
      {"D3087",
       "The sub-picture must not contain a 'grouping-separator' character that appears "
       "adjacent to a 'decimal-separator' character"},
      {"D3088",
       "The sub-picture must not contain a 'grouping-separator' at the end of the integer part"},
      {"D3089",
       "The sub-picture must not contain two adjacent instances of the 'grouping-separator' "
       "character"},
      {"D3090",
       "The integer part of the sub-picture must not contain a member of the 'decimal digit "
       "family' that is followed by an instance of the 'optional digit character'"},
      {"D3091",
       "The fractional part of the sub-picture must not contain an instance of the 'optional "
       "digit character' that is followed by a member of the 'decimal digit family'"},
      {"D3092",
       "A sub-picture that contains a 'percent' or 'per-mille' character must not contain a "
       "character treated as an 'exponent-separator'"},
      {"D3093",
       "The exponent part of the sub-picture must comprise only of one or more characters that "
       "are members of the 'decimal digit family'"},
  };
  for (const Message& m : kMessages) {
    if (m.code == code) {
      return m.text;
    }
  }
  return code;
}

// F&O 4.7.3. Every rule is checked and the last broken one is reported, as the reference does.
std::optional<Error> Validate(const Parts& p, const Symbols& sym) {
  const char* error = nullptr;
  const Text& sub = p.picture;
  auto contains = [&](const Text& needle) { return IndexOf(sub, needle) != npos; };
  auto repeated = [&](const Text& needle) {
    return IndexOf(sub, needle) != LastIndexOf(sub, needle);
  };
  int64_t decimal_at = Index(IndexOf(sub, sym.decimal));
  if (repeated(sym.decimal)) {
    error = "D3081";
  }
  if (repeated(sym.percent)) {
    error = "D3082";
  }
  if (repeated(sym.per_mille)) {
    error = "D3083";
  }
  if (contains(sym.percent) && contains(sym.per_mille)) {
    error = "D3084";
  }
  if (CountIf(p.mantissa, [&](char32_t c) { return sym.IsDigitOrOptional(c); }) == 0) {
    error = "D3085";
  }
  if (CountIf(p.active, [&](char32_t c) { return !sym.IsActive(c); }) > 0) {
    error = "D3086";
  }
  auto char_at_is_grouping = [&](int64_t i) {
    return i >= 0 && i < static_cast<int64_t>(sub.size()) &&
           Symbols::Is(sub[static_cast<size_t>(i)], sym.grouping);
  };
  if (decimal_at != -1) {
    if (char_at_is_grouping(decimal_at - 1) || char_at_is_grouping(decimal_at + 1)) {
      error = "D3087";
    }
  } else if (!p.integer.empty() && Symbols::Is(p.integer.back(), sym.grouping)) {
    error = "D3088";
  }
  if (contains(sym.grouping + sym.grouping)) {
    error = "D3089";
  }
  auto has_family_digit = [&](TextView s) {
    return CountIf(s, [&](char32_t c) { return sym.IsFamilyDigit(c); }) > 0;
  };
  size_t optional_at = IndexOf(p.integer, sym.digit);
  if (optional_at != npos && has_family_digit(TextView(p.integer).substr(0, optional_at))) {
    error = "D3090";
  }
  optional_at = LastIndexOf(p.fraction, sym.digit);
  if (optional_at != npos && has_family_digit(TextView(p.fraction).substr(optional_at))) {
    error = "D3091";
  }
  if (p.exponent && !p.exponent->empty() && (contains(sym.percent) || contains(sym.per_mille))) {
    error = "D3092";
  }
  if (p.exponent && (p.exponent->empty() ||
                     CountIf(*p.exponent, [&](char32_t c) { return !sym.IsFamilyDigit(c); }) > 0)) {
    error = "D3093";
  }
  if (error == nullptr) {
    return std::nullopt;
  }
  return Error(error, std::string(PictureErrorMessage(error)));
}

// The variables of F&O 4.7.4 for one sub-picture.
struct Analysis {
  std::vector<int64_t> integer_grouping;
  int64_t regular_grouping = 0;
  std::vector<int64_t> fraction_grouping;
  int64_t min_integer = 0;
  int64_t scaling = 0;
  int64_t min_fraction = 0;
  int64_t max_fraction = 0;
  int64_t min_exponent = 0;
  Text prefix;
  Text suffix;
  Text picture;
};

// Positions of grouping separators, counted in digits to the right (or, for the fraction, to
// the left). The reference looks for each further separator in the integer part, even when
// scanning the fraction; that is kept.
std::vector<int64_t> GroupingPositions(const Text& part, bool to_left, const Parts& p,
                                       const Symbols& sym) {
  std::vector<int64_t> positions;
  if (sym.grouping.empty()) {
    return positions;
  }
  auto digits = [&](TextView s) {
    return CountIf(s, [&](char32_t c) { return sym.IsDigitOrOptional(c); });
  };
  size_t at = IndexOf(part, sym.grouping);
  while (at != npos) {
    TextView view(part);
    positions.push_back(to_left ? digits(view.substr(0, std::min(at, view.size())))
                                : digits(at < view.size() ? view.substr(at) : TextView()));
    at = IndexOf(p.integer, sym.grouping, at + 1);
  }
  return positions;
}

int64_t RegularGrouping(const std::vector<int64_t>& positions) {
  if (positions.empty()) {
    return 0;
  }
  int64_t factor = positions[0];
  for (int64_t p : positions) {
    factor = std::gcd(factor, p);
  }
  for (size_t i = 1; i <= positions.size(); ++i) {
    if (std::find(positions.begin(), positions.end(), static_cast<int64_t>(i) * factor) ==
        positions.end()) {
      return 0;
    }
  }
  return factor;
}

Analysis Analyse(const Parts& p, const Symbols& sym) {
  Analysis a;
  auto family = [&](char32_t c) { return sym.IsFamilyDigit(c); };
  a.integer_grouping = GroupingPositions(p.integer, false, p, sym);
  a.regular_grouping = RegularGrouping(a.integer_grouping);
  a.fraction_grouping = GroupingPositions(p.fraction, true, p, sym);
  a.min_integer = CountIf(p.integer, family);
  a.scaling = a.min_integer;
  a.min_fraction = CountIf(p.fraction, family);
  a.max_fraction = CountIf(p.fraction, [&](char32_t c) { return sym.IsDigitOrOptional(c); });
  bool exponent_present = p.exponent.has_value();
  if (a.min_integer == 0 && a.max_fraction == 0) {
    if (exponent_present) {
      a.min_fraction = 1;
      a.max_fraction = 1;
    } else {
      a.min_integer = 1;
    }
  }
  if (exponent_present && a.min_integer == 0 && IndexOf(p.integer, sym.digit) != npos) {
    a.min_integer = 1;
  }
  if (a.min_integer == 0 && a.min_fraction == 0) {
    a.min_fraction = 1;
  }
  if (exponent_present) {
    a.min_exponent = CountIf(*p.exponent, family);
  }
  a.prefix = p.prefix;
  a.suffix = p.suffix;
  a.picture = p.picture;
  return a;
}

// The mantissa rounded to the picture's fraction digits, and the exponent when the picture has
// one. Exact numbers stay exact; doubles follow the reference's double arithmetic up to the
// rounding, which works on their shortest decimal as the reference's $round does.
struct Scaled {
  DecimalDigits mantissa;
  std::optional<int64_t> exponent;
};

Scaled ScaleExact(DecimalDigits value, int64_t multiplier_digits, const Analysis& pic) {
  value.Shift(multiplier_digits);
  Scaled out;
  if (pic.min_exponent != 0) {
    int64_t exponent = 0;
    if (!value.IsZero()) {
      while (value.CompareMagnitudeWithPowerOfTen(pic.scaling - 1) < 0) {
        value.Shift(1);
        --exponent;
      }
      while (value.CompareMagnitudeWithPowerOfTen(pic.scaling) > 0) {
        value.Shift(-1);
        ++exponent;
      }
    }
    out.exponent = exponent;
  }
  value.RoundHalfEven(pic.max_fraction);
  out.mantissa = std::move(value);
  return out;
}

Scaled ScaleDouble(double value, int64_t multiplier_digits, const Analysis& pic) {
  if (multiplier_digits == 2) {
    value *= 100;
  } else if (multiplier_digits == 3) {
    value *= 1000;
  }
  Scaled out;
  if (pic.min_exponent != 0) {
    double max_mantissa = std::pow(10.0, static_cast<double>(pic.scaling));
    double min_mantissa = std::pow(10.0, static_cast<double>(pic.scaling - 1));
    int64_t exponent = 0;
    if (value != 0) {
      while (std::fabs(value) < min_mantissa) {
        value *= 10;
        --exponent;
      }
      while (std::fabs(value) > max_mantissa) {
        value /= 10;
        ++exponent;
      }
    }
    out.exponent = exponent;
  }
  out.mantissa = DecimalDigits::FromDouble(value);
  out.mantissa.RoundHalfEven(pic.max_fraction);
  return out;
}

Text Repeat(const Text& s, int64_t times) {
  Text out;
  for (int64_t i = 0; i < times; ++i) {
    out += s;
  }
  return out;
}

// Text of a non-negative decimal in the picture's digit family.
Text InFamily(const std::string& ascii, const Symbols& sym) {
  Text out;
  out.reserve(ascii.size());
  for (char c : ascii) {
    out.push_back(c >= '0' && c <= '9' ? sym.zero_char() + static_cast<char32_t>(c - '0')
                                       : static_cast<char32_t>(c));
  }
  return out;
}

Text Render(const Scaled& scaled, const Analysis& pic, const Symbols& sym) {
  Text s = InFamily(scaled.mantissa.FixedMagnitude(pic.max_fraction), sym);
  size_t point = s.find(U'.');
  if (point == npos) {
    s += sym.decimal;
  } else {
    s.replace(point, 1, sym.decimal);
  }
  while (!s.empty() && Symbols::Is(s.front(), sym.zero)) {
    s.erase(0, 1);
  }
  while (!s.empty() && Symbols::Is(s.back(), sym.zero)) {
    s.pop_back();
  }
  // Bullets 8 and 9: pad to the minimum integer and fraction sizes.
  int64_t decimal_at = Index(IndexOf(s, sym.decimal));
  int64_t pad_left = pic.min_integer - decimal_at;
  int64_t pad_right = pic.min_fraction - (static_cast<int64_t>(s.size()) - decimal_at - 1);
  if (pad_left > 0) {
    s = Repeat(sym.zero, pad_left) + s;
  }
  if (pad_right > 0) {
    s += Repeat(sym.zero, pad_right);
  }
  // Bullet 10: grouping in the integer part.
  auto insert_at = [&](int64_t at) {
    int64_t size = static_cast<int64_t>(s.size());
    if (at < 0) {
      at = std::max<int64_t>(size + at, 0);  // JavaScript's slice counts from the end
    }
    s.insert(static_cast<size_t>(std::min(at, size)), sym.grouping);
  };
  decimal_at = Index(IndexOf(s, sym.decimal));
  if (pic.regular_grouping > 0) {
    int64_t groups = (decimal_at - 1) / pic.regular_grouping;
    for (int64_t g = 1; g <= groups; ++g) {
      insert_at(decimal_at - g * pic.regular_grouping);
    }
  } else {
    for (int64_t position : pic.integer_grouping) {
      insert_at(decimal_at - position);
      ++decimal_at;
    }
  }
  // Bullet 11: grouping in the fraction.
  decimal_at = Index(IndexOf(s, sym.decimal));
  for (int64_t position : pic.fraction_grouping) {
    insert_at(position + decimal_at + 1);
  }
  // Bullet 12: no decimal separator without fraction digits.
  decimal_at = Index(IndexOf(s, sym.decimal));
  if (IndexOf(pic.picture, sym.decimal) == npos ||
      decimal_at == static_cast<int64_t>(s.size()) - 1) {
    s.pop_back();
  }
  // Bullet 13: the exponent.
  if (scaled.exponent) {
    int64_t exponent = *scaled.exponent;
    Text digits = InFamily(std::to_string(exponent < 0 ? -exponent : exponent), sym);
    int64_t pad = pic.min_exponent - static_cast<int64_t>(digits.size());
    if (pad > 0) {
      digits = Repeat(sym.zero, pad) + digits;
    }
    s += sym.exponent + (exponent < 0 ? sym.minus : Text()) + digits;
  }
  return pic.prefix + s + pic.suffix;
}

}  // namespace

JResult<std::string> FormatNumberWithPicture(const Number& value, std::string_view picture,
                                             const Value& options) {
  Symbols sym = SymbolsFrom(options);
  std::vector<Text> sub_pictures = Split(ToCodePoints(picture), sym.pattern);
  if (sub_pictures.size() > 2) {
    return Error("D3080", "The picture string must only contain a maximum of two sub-pictures");
  }
  std::vector<Parts> parts;
  for (const Text& sub : sub_pictures) {
    parts.push_back(SplitParts(sub, sym));
  }
  for (const Parts& p : parts) {
    if (std::optional<Error> error = Validate(p, sym)) {
      return std::move(*error);
    }
  }
  std::vector<Analysis> pics;
  for (const Parts& p : parts) {
    pics.push_back(Analyse(p, sym));
  }
  if (pics.size() == 1) {
    pics.push_back(pics[0]);
    pics[1].prefix = sym.minus + pics[1].prefix;
  }
  const Analysis& pic = value.IsNegative() ? pics[1] : pics[0];
  if (!value.IsFinite()) {
    double d = value.ToDouble();
    return ToUtf8(std::isnan(d) ? sym.nan : pic.prefix + sym.infinity + pic.suffix);
  }
  int64_t multiplier_digits = 0;
  if (IndexOf(pic.picture, sym.percent) != npos) {
    multiplier_digits = 2;
  } else if (IndexOf(pic.picture, sym.per_mille) != npos) {
    multiplier_digits = 3;
  }
  Scaled scaled = value.is_exact()
                      ? ScaleExact(DecimalDigits::FromNumber(value), multiplier_digits, pic)
                      : ScaleDouble(value.ToDouble(), multiplier_digits, pic);
  return ToUtf8(Render(scaled, pic, sym));
}

}  // namespace erphub::jsonata
