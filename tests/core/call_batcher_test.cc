#include "core/call_batcher.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

namespace erphub {
namespace {

using std::chrono::milliseconds;

TEST(CallBatcher, EachCallerGetsItsOwnResult) {
  CallBatcher<int, int> batcher(4, milliseconds(0), [](const std::vector<const int*>& in) {
    std::vector<int> out;
    for (const int* value : in) {
      out.push_back(*value * 10);
    }
    return out;
  });
  EXPECT_EQ(batcher.Call(7), 70);
  EXPECT_EQ(batcher.batches(), 1u);
}

TEST(CallBatcher, CallsArrivingWhileABatchRunsFormTheNextOneUpToMaxSize) {
  constexpr int kCallers = 40;
  std::atomic<int> running{0};
  std::atomic<int> overlapped{0};
  std::atomic<size_t> largest{0};
  CallBatcher<int, int> batcher(8, milliseconds(0), [&](const std::vector<const int*>& in) {
    if (running.fetch_add(1) != 0) {
      overlapped.fetch_add(1);
    }
    size_t size = in.size();
    size_t seen = largest.load();
    while (size > seen && !largest.compare_exchange_weak(seen, size)) {
    }
    std::this_thread::sleep_for(milliseconds(50));  // a slow target, as an ERP is
    std::vector<int> out;
    for (const int* value : in) {
      out.push_back(*value + 1);
    }
    running.fetch_sub(1);
    return out;
  });
  std::vector<int> results(kCallers);
  std::vector<std::thread> threads;
  for (int i = 0; i < kCallers; ++i) {
    threads.emplace_back([&, i] { results[i] = batcher.Call(i); });
  }
  for (std::thread& thread : threads) {
    thread.join();
  }
  for (int i = 0; i < kCallers; ++i) {
    EXPECT_EQ(results[i], i + 1);
  }
  EXPECT_EQ(overlapped.load(), 0) << "batches run one at a time";
  EXPECT_EQ(batcher.calls(), static_cast<size_t>(kCallers));
  EXPECT_LE(largest.load(), 8u);
  EXPECT_LT(batcher.batches(), static_cast<size_t>(kCallers)) << "some calls shared a batch";
}

TEST(CallBatcher, MaxWaitGathersCallersThatArriveSoonAfter) {
  CallBatcher<int, int> batcher(3, std::chrono::seconds(30), [](const std::vector<const int*>& in) {
    return std::vector<int>(in.size(), static_cast<int>(in.size()));
  });
  // The batch is full at three callers: nobody waits the 30 s.
  std::vector<int> sizes(3);
  std::vector<std::thread> threads;
  for (int i = 0; i < 3; ++i) {
    threads.emplace_back([&, i] { sizes[i] = batcher.Call(i); });
  }
  for (std::thread& thread : threads) {
    thread.join();
  }
  EXPECT_EQ(sizes, std::vector<int>({3, 3, 3}));
  EXPECT_EQ(batcher.batches(), 1u);
}

}  // namespace
}  // namespace erphub
