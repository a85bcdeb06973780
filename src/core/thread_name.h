#pragma once

#include <pthread.h>

#include <thread>
#include <utility>

namespace erphub {

// Names the calling thread as `top -H`, `ps -L` and profilers show it. Linux keeps at most 15
// characters; longer names are cut there.
inline void NameThisThread(const char* name) {
  char kept[16] = {};
  for (int i = 0; i < 15 && name[i] != '\0'; ++i) {
    kept[i] = name[i];
  }
  pthread_setname_np(pthread_self(), kept);
}

// A thread named `name` (a string literal) that runs `run`.
template <typename Run>
std::thread NamedThread(const char* name, Run run) {
  return std::thread([name, run = std::move(run)]() mutable {
    NameThisThread(name);
    run();
  });
}

}  // namespace erphub
