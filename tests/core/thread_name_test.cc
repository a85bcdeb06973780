#include "core/thread_name.h"

#include <gtest/gtest.h>
#include <pthread.h>

#include <string>
#include <thread>

namespace erphub {
namespace {

// The name a thread started by NamedThread(name, ...) sees for itself.
std::string NameTakenBy(const char* name) {
  std::string seen;
  std::thread thread = NamedThread(name, [&] {
    char kept[16] = {};
    pthread_getname_np(pthread_self(), kept, sizeof kept);
    seen = kept;
  });
  thread.join();
  return seen;
}

TEST(ThreadNameTest, NamesTheCallingThread) {
  EXPECT_EQ(NameTakenBy("store-writer"), "store-writer");
}

TEST(ThreadNameTest, ALongNameIsCutAtFifteenCharacters) {
  EXPECT_EQ(NameTakenBy("a-name-longer-than-fifteen"), "a-name-longer-t");
}

}  // namespace
}  // namespace erphub
