#include "core/random.h"

#include <random>

namespace erphub {

uint64_t SystemRandom::NextU64() {
  // One engine per thread: no lock on the hot path of id generation.
  thread_local std::mt19937_64 engine = [] {
    std::random_device device;
    std::seed_seq seed{device(), device(), device(), device()};
    return std::mt19937_64(seed);
  }();
  return engine();
}

RandomSource& SystemRandom::Default() {
  static SystemRandom random;
  return random;
}

uint64_t SeededRandom::NextU64() {
  uint64_t z = state_.fetch_add(0x9e3779b97f4a7c15ULL) + 0x9e3779b97f4a7c15ULL;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

}  // namespace erphub
