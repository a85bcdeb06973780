// Disk full: the real `erphub run` with its store on a small tmpfs. When the disk fills, intake
// refuses with 503, Retry-After and a clear reason, what was accepted is kept and delivered, and
// intake resumes by itself once space is freed. Mounting needs root; otherwise the test skips.

#include <fcntl.h>
#include <sys/mount.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "core/json.h"
#include "integration/hub_harness.h"
#include "store/sqlite/sqlite_store.h"

namespace erphub::integration {
namespace {

using std::chrono::milliseconds;

// Fills the file system holding `path` with one file until no byte fits; returns the bytes
// written.
size_t FillDisk(const std::string& path) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (fd < 0) {
    return 0;
  }
  const std::string chunk(4096, 'x');
  size_t written = 0;
  while (true) {
    const ssize_t n = ::write(fd, chunk.data(), chunk.size());
    if (n <= 0) {
      break;
    }
    written += static_cast<size_t>(n);
  }
  ::close(fd);
  return written;
}

class DiskFullTest : public HubTest {
 protected:
  void SetUp() override {
    HubTest::SetUp();
    mount_ = Dir("small");
    std::filesystem::create_directories(mount_);
    if (::geteuid() != 0) {
      GTEST_SKIP() << "mounting a small tmpfs needs root; run as root to test a full disk";
    }
    if (::mount("tmpfs", mount_.c_str(), "tmpfs", 0, "size=3m") != 0) {
      GTEST_SKIP() << "cannot mount a tmpfs at " << mount_ << ": " << std::strerror(errno);
    }
    mounted_ = true;
  }

  void TearDown() override {
    if (hub_.running()) {
      StopHub();
    }
    if (mounted_) {
      ::umount2(mount_.c_str(), MNT_DETACH);
    }
    HubTest::TearDown();
  }

  std::string Config() {
    WriteFile("erphub.yaml", R"(listen: ${ERPHUB_LISTEN}
store:
  url: ${ERPHUB_STORE}
flows:
  shop-orders:
    from:
      webhook:
        path: /webhooks/shop/orders
        signature: {preset: shopify, secret: "${SHOP_WEBHOOK_SECRET}"}
    key: $string(id)
    to:
      - http: {url: "${ERP_URL}/sales-orders", timeout: 5s}
    retry: {initial: 20ms, max_delay: 200ms, max_attempts: 1000, max_age: 1h}
)");
    return Dir("erphub.yaml");
  }

  // An order of about 64 KB, so that each commit needs new pages.
  static std::string Order(int id) {
    return R"({"id": )" + std::to_string(id) + R"(, "note": ")" + std::string(64 << 10, 'n') +
           R"("})";
  }

  std::string mount_;
  bool mounted_ = false;
};

TEST_F(DiskFullTest, IntakeRefusesClearlyWhileTheDiskIsFullAndRecoversWhenSpaceReturns) {
  StartReceiver();
  const std::string store_file = mount_ + "/hub.db";
  StartHub(Config(), {{"ERPHUB_STORE", "sqlite:" + store_file}});
  int accepted = 0;
  int next_id = 1;
  ASSERT_EQ(PostOrder(Order(next_id), "order-" + std::to_string(next_id)).status, 202);
  ++next_id;
  ++accepted;
  ASSERT_TRUE(WaitForReceived(1));

  const std::string ballast = mount_ + "/ballast";
  ASSERT_GT(FillDisk(ballast), 0u);
  // The store may still have free pages of its own: post until the disk is the limit.
  net::HttpResponse refused;
  for (int i = 0; i < 100; ++i, ++next_id) {
    net::HttpResponse r = PostOrder(Order(next_id), "order-" + std::to_string(next_id));
    if (r.status == 202) {
      ++accepted;
      continue;
    }
    refused = r;
    break;
  }
  ASSERT_EQ(refused.status, 503) << refused.body << "\n" << HubLog();
  EXPECT_NE(refused.body.find("out of disk space"), std::string::npos) << refused.body;
  EXPECT_FALSE(refused.headers.GetOr("Retry-After", "").empty());
  EXPECT_TRUE(WaitForMetric(R"(erphub_rejected_total{flow="shop-orders",reason="store_full"})", 1));
  // The hub keeps serving: health and metrics answer.
  EXPECT_EQ(Get("/health").status, 200);

  // Space returns: intake resumes without a restart, and every accepted order is delivered.
  std::filesystem::remove(ballast);
  bool resumed = WaitUntil(
      [&] {
        net::HttpResponse r = PostOrder(Order(next_id), "order-" + std::to_string(next_id));
        if (r.status == 202) {
          ++accepted;
          return true;
        }
        return false;
      },
      kDeadline);
  ASSERT_TRUE(resumed) << HubLog();
  ASSERT_TRUE(WaitForReceived(static_cast<size_t>(accepted))) << HubLog();
  // Exactly once each: the receiver counts repeated idempotency keys as duplicates.
  Value stats = ReceiverStats();
  EXPECT_EQ(stats.Get("duplicates").as_number().ToInt64().value_or(-1), 0) << ToJson(stats);
  EXPECT_EQ(Get("/ready").status, 200);

  // No corruption: the store opens with its integrity check after a clean stop.
  ASSERT_EQ(StopHub(), 0);
  auto store = store::OpenSqliteStore(store_file);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  auto trace = (*store)->FindByBusinessKey("1", "shop-orders", 10);
  ASSERT_TRUE(trace.ok());
  EXPECT_EQ(trace->size(), 1u);
}

}  // namespace
}  // namespace erphub::integration
