#include "core/message.h"

#include <cctype>

#include "core/hex.h"

namespace erphub {
namespace {

constexpr char kHexDigits[] = "0123456789abcdef";
// Dash positions in the canonical text form.
constexpr bool IsDashPosition(size_t i) { return i == 8 || i == 13 || i == 18 || i == 23; }

constexpr int kCounterBits = 42;
constexpr uint64_t kCounterLimit = uint64_t{1} << kCounterBits;

// A fresh counter leaves its top bit clear, so a millisecond has room for 2^41 increments.
uint64_t SeedCounter(RandomSource& random) { return random.NextU64() & ((kCounterLimit >> 1) - 1); }

}  // namespace

Result<MessageId> MessageId::Parse(std::string_view text) {
  if (text.size() != 36) {
    return ParseError("a message id has 36 characters, found " + std::to_string(text.size()));
  }
  std::array<uint8_t, 16> bytes{};
  size_t out = 0;
  for (size_t i = 0; i < text.size();) {
    if (IsDashPosition(i)) {
      if (text[i] != '-') {
        return ParseError("expected '-' at position " + std::to_string(i + 1) + " of message id");
      }
      ++i;
      continue;
    }
    int hi = HexDigitValue(text[i]);
    int lo = HexDigitValue(text[i + 1]);
    if (hi < 0 || lo < 0 || IsDashPosition(i + 1)) {
      return ParseError("expected hex digits at position " + std::to_string(i + 1) +
                        " of message id");
    }
    bytes[out++] = static_cast<uint8_t>(hi << 4 | lo);
    i += 2;
  }
  return MessageId(bytes);
}

std::string MessageId::ToString() const {
  std::string text;
  text.reserve(36);
  for (size_t i = 0; i < bytes_.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) {
      text.push_back('-');
    }
    text.push_back(kHexDigits[bytes_[i] >> 4]);
    text.push_back(kHexDigits[bytes_[i] & 0xf]);
  }
  return text;
}

bool MessageId::is_nil() const {
  for (uint8_t b : bytes_) {
    if (b != 0) {
      return false;
    }
  }
  return true;
}

Timestamp MessageId::timestamp() const {
  int64_t ms = 0;
  for (size_t i = 0; i < 6; ++i) {
    ms = ms << 8 | bytes_[i];
  }
  return FromUnixMicros(ms * 1000);
}

MessageId MessageIdGenerator::Next() {
  const int64_t now_ms = ToUnixMicros(clock_.Now()) / 1000;
  int64_t ms;
  uint64_t counter;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (now_ms > last_ms_) {
      last_ms_ = now_ms;
      counter_ = SeedCounter(random_);
    } else if (++counter_ == kCounterLimit) {
      // Counter exhausted (or the clock stepped back far): borrow the next millisecond.
      ++last_ms_;
      counter_ = SeedCounter(random_);
    }
    ms = last_ms_;
    counter = counter_;
  }
  const uint64_t tail = random_.NextU64() & 0xffffffffULL;
  std::array<uint8_t, 16> b{};
  for (int i = 0; i < 6; ++i) {
    b[i] = static_cast<uint8_t>(static_cast<uint64_t>(ms) >> (40 - 8 * i));
  }
  const uint64_t rand_a = counter >> 30;                                       // 12 bits
  const uint64_t rand_b = (counter & ((uint64_t{1} << 30) - 1)) << 32 | tail;  // 62 bits
  b[6] = static_cast<uint8_t>(0x70 | (rand_a >> 8));
  b[7] = static_cast<uint8_t>(rand_a);
  b[8] = static_cast<uint8_t>(0x80 | (rand_b >> 56));
  for (int i = 9; i < 16; ++i) {
    b[i] = static_cast<uint8_t>(rand_b >> (8 * (15 - i)));
  }
  return MessageId(b);
}

const std::string* FindHeader(const Headers& headers, std::string_view name) {
  for (const auto& [key, value] : headers) {
    if (key.size() != name.size()) {
      continue;
    }
    bool same = true;
    for (size_t i = 0; i < key.size() && same; ++i) {
      same = std::tolower(static_cast<unsigned char>(key[i])) ==
             std::tolower(static_cast<unsigned char>(name[i]));
    }
    if (same) {
      return &value;
    }
  }
  return nullptr;
}

std::string IdempotencyKey(std::string_view flow, const MessageId& id, std::string_view output) {
  // The message id is unique on its own; the FNV-1a hash of (flow, output) tells the outputs of
  // one message apart while keeping the key short and header-safe.
  uint64_t hash = 14695981039346656037ULL;
  auto mix = [&hash](std::string_view s) {
    for (unsigned char c : s) {
      hash = (hash ^ c) * 1099511628211ULL;
    }
  };
  mix(flow);
  mix(std::string_view("\0", 1));
  mix(output);
  std::string key = id.ToString();
  key.push_back('-');
  for (int shift = 60; shift >= 0; shift -= 4) {
    key.push_back(kHexDigits[(hash >> shift) & 0xf]);
  }
  return key;
}

}  // namespace erphub
