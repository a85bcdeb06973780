#pragma once

#include <atomic>
#include <cstdint>

namespace erphub {

// A source of random bits, injected so tests can make ids and jitter reproducible.
// Implementations are thread-safe. Not for secrets.
class RandomSource {
 public:
  virtual ~RandomSource() = default;
  virtual uint64_t NextU64() = 0;
};

// Seeded once per thread from the operating system.
class SystemRandom final : public RandomSource {
 public:
  uint64_t NextU64() override;
  // A process-wide instance, for code that is not handed a source.
  static RandomSource& Default();
};

// A deterministic sequence (SplitMix64) from a seed.
class SeededRandom final : public RandomSource {
 public:
  explicit SeededRandom(uint64_t seed) : state_(seed) {}
  uint64_t NextU64() override;

 private:
  std::atomic<uint64_t> state_;
};

}  // namespace erphub
