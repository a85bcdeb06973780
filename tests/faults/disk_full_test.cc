// Case 5 of the fault suite: the store lives on a small tmpfs that fills up. The hub refuses new
// webhooks with 503 (and stays up), keeps what it acknowledged, and takes input again once
// space is freed; the store file passes SQLite's integrity check afterwards. Mounting needs
// root; elsewhere the case is skipped.

#include <sqlite3.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <thread>

#include "faults/fault_harness.h"

namespace erphub::faults {
namespace {

std::string IntegrityCheck(const std::string& path) {
  sqlite3* db = nullptr;
  std::string result = "cannot open";
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_stmt* statement = nullptr;
    result = "cannot check";
    if (sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &statement, nullptr) == SQLITE_OK) {
      result.clear();
      while (sqlite3_step(statement) == SQLITE_ROW) {
        result += reinterpret_cast<const char*>(sqlite3_column_text(statement, 0));
      }
    }
    sqlite3_finalize(statement);
  }
  sqlite3_close(db);
  return result;
}

class DiskFullTest : public FaultTest {
 protected:
  void SetUp() override {
    FaultTest::SetUp();
    if (geteuid() != 0) {
      GTEST_SKIP() << "mounting a size-limited tmpfs needs root; the disk-full case is skipped";
    }
    std::filesystem::create_directory(Dir("small"));
    std::string mount = "mount -t tmpfs -o size=8m erphub-faults '" + Dir("small") + "' 2>&1";
    if (std::system(mount.c_str()) != 0) {
      GTEST_SKIP() << "cannot mount a tmpfs (no CAP_SYS_ADMIN in this container?); the "
                      "disk-full case is skipped";
    }
    mounted_ = true;
    store_path_ = Dir("small/hub.db");
  }

  void TearDown() override {
    if (hub_running()) {
      KillHub();
    }
    if (mounted_) {
      std::system(("umount '" + Dir("small") + "'").c_str());
    }
    FaultTest::TearDown();
  }

  bool mounted_ = false;
};

TEST_F(DiskFullTest, FullDiskRefusesInputKeepsWhatItTookAndRecoversWhenSpaceIsFreed) {
  // Ballast leaves the store a few MiB; freeing it is the operator making room.
  {
    std::ofstream ballast(Dir("small/ballast"), std::ios::binary);
    std::string block(1 << 20, 'b');
    for (int i = 0; i < 3; ++i) {
      ballast << block;
    }
  }
  FlowOptions flow;
  flow.map_step = false;
  target_.Down();  // everything accepted stays in the store
  StartHub(WriteConfig(flow), {"--lease-duration", "2s"});

  DriverOptions fill = Driver(2000, 1);
  fill.run_id = "fill";
  fill.retry_until_acknowledged = false;
  fill.pad_bytes = 8000;
  WebhookDriver filler(fill);
  filler.Start();
  ASSERT_TRUE(filler.WaitFinished(kDeadline * 2));
  DriverCounts filled = filler.counts();
  ASSERT_GT(filled.accepted, 0);
  ASSERT_GT(filled.refused, 0) << "the store never filled the disk";
  EXPECT_EQ(filled.other + filled.no_answer, 0);

  // The refusal is a 503 the sender can act on; the hub is still up.
  EXPECT_FALSE(filled.refusal_retry_after.empty());
  EXPECT_NE(filled.refusal_body.find("disk"), std::string::npos) << filled.refusal_body;
  std::printf("refusal: %s\n", filled.refusal_body.c_str());
  net::HttpResponse health = Get("/health");
  EXPECT_EQ(health.status, 200);
  net::HttpResponse ready = Get("/ready");
  std::printf("FAULT-FIGURES case5 accepted=%lld refused_503=%lld ready=%d ready_body=%s\n",
              static_cast<long long>(filled.accepted), static_cast<long long>(filled.refused),
              ready.status, ready.body.c_str());
  ASSERT_TRUE(hub_running());
  // The refusals are answered, not logged one by one; the next write the hub tries on its own
  // (a claim, a retry's outcome) logs the cause, so that comes within a deadline.
  std::string log = HubLog();
  for (auto deadline = std::chrono::steady_clock::now() + kDeadline;
       log.find("disk full") == std::string::npos && std::chrono::steady_clock::now() < deadline;
       log = HubLog()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  size_t disk_full = log.find("disk full");
  EXPECT_NE(disk_full, std::string::npos) << "the log does not say the disk is full";
  if (disk_full != std::string::npos) {
    size_t start = log.rfind('\n', disk_full);
    start = start == std::string::npos ? 0 : start + 1;
    std::printf("log: %s\n", log.substr(start, log.find('\n', disk_full) - start).c_str());
  }

  // Space returns; the target too. New input is taken and everything acknowledged arrives once.
  std::filesystem::remove(Dir("small/ballast"));
  ASSERT_TRUE(target_.Up().ok());
  DriverOptions later = Driver(100, 2);
  later.run_id = "later";
  later.first_key = 10000;
  WebhookDriver sender(later);
  sender.Start();
  ASSERT_TRUE(sender.WaitFinished(kDeadline)) << sender.counts().refused << " refusals";
  ASSERT_TRUE(WaitDelivered(filler, kDeadline * 2));
  ASSERT_TRUE(WaitDelivered(sender, kDeadline));
  std::vector<Message> acknowledged = filler.acknowledged();
  for (const Message& message : sender.acknowledged()) {
    acknowledged.push_back(message);
  }
  DeliveryReport report = Check(acknowledged);
  EXPECT_EQ(report.delivered, report.acknowledged) << report.Summary();
  EXPECT_EQ(report.duplicated, 0u) << report.Summary();
  EXPECT_EQ(report.key_changes, 0u) << report.Summary();

  ASSERT_EQ(TermHub(kDeadline), 0) << HubLog();
  EXPECT_EQ(IntegrityCheck(store_path_), "ok");
}

}  // namespace
}  // namespace erphub::faults
