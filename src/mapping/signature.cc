#include "mapping/signature.h"

#include <string>

namespace erphub::jsonata {

namespace {

Error SignatureError(const char* code, std::string message, int64_t offset, Value value = {}) {
  Error::Info info;
  info.code = code;
  info.message = std::move(message);
  info.position = offset;
  info.value = std::move(value);
  info.compile_time = true;
  return Error(std::move(info));
}

// Position of the bracket closing the one at `start`, or text.size().
size_t FindClosing(std::string_view text, size_t start, char open, char close) {
  int depth = 1;
  size_t pos = start;
  while (pos < text.size()) {
    pos++;
    if (pos >= text.size()) {
      break;
    }
    if (text[pos] == close) {
      depth--;
      if (depth == 0) {
        break;
      }
    } else if (text[pos] == open) {
      depth++;
    }
  }
  return pos;
}

const char* PluralTypeName(char symbol) {
  switch (symbol) {
    case 'a':
      return "arrays";
    case 'b':
      return "booleans";
    case 'f':
      return "functions";
    case 'n':
      return "numbers";
    case 'o':
      return "objects";
    case 's':
      return "strings";
    default:
      return "values";
  }
}

}  // namespace

char SignatureSymbol(const Value& v) {
  switch (v.kind()) {
    case ValueKind::kUndefined:
      return 'm';
    case ValueKind::kNull:
      return 'l';
    case ValueKind::kBool:
      return 'b';
    case ValueKind::kNumber:
      return 'n';
    case ValueKind::kString:
      return 's';
    case ValueKind::kArray:
      return 'a';
    case ValueKind::kObject:
      return 'o';
    case ValueKind::kFunction:
      return 'f';
  }
  return 'm';
}

JResult<std::shared_ptr<const Signature>> Signature::Parse(std::string_view text) {
  auto sig = std::make_shared<Signature>();
  sig->text_ = std::string(text);
  Param param;
  Param* prev = nullptr;
  auto next = [&]() {
    sig->params_.push_back(std::move(param));
    prev = &sig->params_.back();
    param = Param();
  };
  size_t pos = 1;
  while (pos < text.size()) {
    char symbol = text[pos];
    if (symbol == ':') {
      break;
    }
    switch (symbol) {
      case 's':
      case 'n':
      case 'b':
      case 'l':
      case 'o':
        param.allowed = std::string(1, symbol) + "m";
        param.type = symbol;
        next();
        break;
      case 'a':
        param.allowed = "asnblfom";
        param.type = symbol;
        next();
        break;
      case 'f':
        param.allowed = "f";
        param.type = symbol;
        next();
        break;
      case 'j':
        param.allowed = "asnblom";
        param.type = symbol;
        next();
        break;
      case 'x':
        param.allowed = "asnblfom";
        param.type = symbol;
        next();
        break;
      case '-':
        if (prev != nullptr) {
          prev->context = true;
          prev->min = 0;
        }
        break;
      case '?':
        if (prev != nullptr) {
          if (prev->min == 0 || prev->max == -1) {
            prev->greedy = false;  // "x??" or "x+?": lazy
          } else {
            prev->min = 0;
          }
        }
        break;
      case '+':
        if (prev != nullptr && prev->min != 0) {
          prev->max = -1;
        }
        break;
      case '(': {
        size_t end = FindClosing(text, pos, '(', ')');
        std::string choice(text.substr(pos + 1, end - pos - 1));
        if (choice.find('<') != std::string::npos) {
          return SignatureError("S0402",
                                "Choice groups containing parameterized types are not supported",
                                static_cast<int64_t>(pos), Value::Str(choice));
        }
        param.allowed = choice + "m";
        param.type = '(';
        pos = end;
        next();
        break;
      }
      case '<':
        if (prev != nullptr && (prev->type == 'a' || prev->type == 'f')) {
          size_t end = FindClosing(text, pos, '<', '>');
          prev->subtype = std::string(text.substr(pos + 1, end - pos - 1));
          pos = end;
        } else {
          std::string type = prev != nullptr ? std::string(1, prev->type) : std::string();
          return SignatureError("S0401",
                                "Type parameters can only be applied to functions and arrays",
                                static_cast<int64_t>(pos), Value::Str(type));
        }
        break;
      default:
        break;
    }
    pos++;
  }
  sig->simple_ = true;
  for (Param& p : sig->params_) {
    for (char c : p.allowed) {
      if (c >= 'a' && c <= 'z') {
        p.mask |= 1u << (c - 'a');
      }
    }
    if (p.max != 1 || !p.greedy) {
      sig->simple_ = false;
    }
  }
  return std::shared_ptr<const Signature>(std::move(sig));
}

bool Signature::Match(std::string_view symbols, size_t param, size_t at, bool anchored,
                      int* lengths, size_t last_param) const {
  if (param == last_param) {
    return !anchored || at == symbols.size();
  }
  const Param& p = params_[param];
  int available = 0;
  while (at + available < symbols.size() && (p.max < 0 || available < p.max) &&
         (p.mask & (1u << (symbols[at + available] - 'a'))) != 0) {
    available++;
  }
  if (available < p.min) {
    return false;
  }
  if (p.greedy) {
    for (int count = available; count >= p.min; count--) {
      lengths[param] = count;
      if (Match(symbols, param + 1, at + count, anchored, lengths, last_param)) {
        return true;
      }
    }
  } else {
    for (int count = p.min; count <= available; count++) {
      lengths[param] = count;
      if (Match(symbols, param + 1, at + count, anchored, lengths, last_param)) {
        return true;
      }
    }
  }
  return false;
}

namespace {

// Whether `arg`, whose symbol is `symbol`, fills an array parameter `a` or `a<t>` as it is: an
// array whose items (if any) all have the subtype.
bool FillsArrayAsIs(char symbol, const std::string& subtype, const Value& arg) {
  if (symbol != 'a') {
    return false;
  }
  if (subtype.empty()) {
    return true;
  }
  for (const Value& item : arg.as_array()) {
    if (SignatureSymbol(item) != subtype[0]) {
      return false;
    }
  }
  return true;
}

}  // namespace

bool Signature::AcceptsAsIs(std::span<const Value> args) const {
  if (!simple_ || args.size() != params_.size()) {
    return false;
  }
  for (size_t i = 0; i < args.size(); i++) {
    const Param& p = params_[i];
    char symbol = SignatureSymbol(args[i]);
    if ((p.mask & (1u << (symbol - 'a'))) == 0 ||
        (p.type == 'a' && !FillsArrayAsIs(symbol, p.subtype, args[i]))) {
      return false;
    }
  }
  return true;
}

JResult<bool> Signature::Validate(std::span<const Value> args, const Value& context,
                                  ArgList& out) const {
  if (simple_ && args.size() <= params_.size()) {
    // Each supplied argument fills one parameter; the regex match would find the same.
    bool fits = true;
    for (size_t i = 0; i < params_.size() && fits; i++) {
      const Param& p = params_[i];
      if (i < args.size()) {
        char symbol = SignatureSymbol(args[i]);
        fits = (p.mask & (1u << (symbol - 'a'))) != 0 &&
               (p.type != 'a' || FillsArrayAsIs(symbol, p.subtype, args[i]));
      } else if (p.min > 0) {
        fits = false;
      } else if (p.context) {
        fits = (p.mask & (1u << (SignatureSymbol(context) - 'a'))) != 0;
      }
    }
    if (fits) {
      for (size_t i = 0; i < params_.size(); i++) {
        if (i < args.size()) {
          out.push_back(args[i]);
        } else if (params_[i].context) {
          out.push_back(context);
        } else {
          out.push_back(Value());
        }
      }
      return true;
    }
  }
  char symbols_buf[32];
  std::string symbols_heap;
  std::string_view symbols;
  if (args.size() <= sizeof(symbols_buf)) {
    for (size_t i = 0; i < args.size(); i++) {
      symbols_buf[i] = SignatureSymbol(args[i]);
    }
    symbols = std::string_view(symbols_buf, args.size());
  } else {
    for (const Value& a : args) {
      symbols_heap.push_back(SignatureSymbol(a));
    }
    symbols = symbols_heap;
  }
  int lengths_buf[16] = {};
  std::vector<int> lengths_heap;
  int* lengths = lengths_buf;
  if (params_.size() > 16) {
    lengths_heap.assign(params_.size(), 0);
    lengths = lengths_heap.data();
  }
  if (!Match(symbols, 0, 0, true, lengths, params_.size())) {
    // Find the first argument that does not fit, as the reference does by matching ever longer
    // prefixes of the signature.
    size_t good_to = 0;
    for (size_t index = 0; index < params_.size(); index++) {
      std::vector<int> partial(params_.size(), 0);
      if (!Match(symbols, 0, 0, false, partial.data(), index + 1)) {
        break;
      }
      good_to = 0;
      for (size_t k = 0; k <= index; k++) {
        good_to += static_cast<size_t>(partial[k]);
      }
    }
    Error::Info info;
    info.code = "T0410";
    info.message = "Argument " + std::to_string(good_to + 1) +
                   " of function does not match function signature";
    if (good_to < args.size()) {
      info.value = args[good_to];
    }
    return Error(std::move(info));
  }
  size_t arg_index = 0;
  size_t sym_pos = 0;
  for (size_t i = 0; i < params_.size(); i++) {
    const Param& p = params_[i];
    int len = lengths[i];
    if (len == 0) {
      if (p.context) {
        char ctx = SignatureSymbol(context);
        if ((p.mask & (1u << (ctx - 'a'))) != 0) {
          out.push_back(context);
        } else {
          Error::Info info;
          info.code = "T0411";
          info.message = "Context value is not a compatible type with argument " +
                         std::to_string(arg_index + 1) + " of function";
          info.value = context;
          return Error(std::move(info));
        }
      } else {
        out.push_back(arg_index < args.size() ? args[arg_index] : Value());
        arg_index++;
      }
      continue;
    }
    std::string_view match = symbols.substr(sym_pos, static_cast<size_t>(len));
    sym_pos += static_cast<size_t>(len);
    for (char single : match) {
      const Value& arg = arg_index < args.size() ? args[arg_index] : Value::Undefined();
      if (p.type == 'a') {
        if (single == 'm') {
          out.push_back(Value());
        } else {
          bool ok = true;
          if (!p.subtype.empty()) {
            if (single != 'a' && match != p.subtype) {
              ok = false;
            } else if (single == 'a' && arg.size() > 0) {
              char item_type = SignatureSymbol(arg[0]);
              if (item_type != p.subtype[0]) {
                ok = false;
              } else {
                for (const Value& item : arg.as_array()) {
                  if (SignatureSymbol(item) != item_type) {
                    ok = false;
                    break;
                  }
                }
              }
            }
          }
          if (!ok) {
            Error::Info info;
            info.code = "T0412";
            info.message = "Argument " + std::to_string(arg_index + 1) +
                           " of function must be an array of " + PluralTypeName(p.subtype[0]);
            info.value = arg;
            return Error(std::move(info));
          }
          if (single != 'a') {
            Value wrapped = Value::MakeArray();
            wrapped.push_back(arg);
            out.push_back(std::move(wrapped));
          } else {
            out.push_back(arg);
          }
        }
      } else {
        out.push_back(arg);
      }
      arg_index++;
    }
  }
  return true;
}

}  // namespace erphub::jsonata
