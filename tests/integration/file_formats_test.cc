// Business documents end to end: the real `erphub run` reading a CSV file dropped into a folder,
// with a broken row, and writing the good rows out; the broken one ends in the store's
// quarantine with its line.

#include <chrono>
#include <filesystem>
#include <sstream>
#include <string>
#include <thread>

#include "core/json.h"
#include "integration/hub_harness.h"
#include "store/sqlite/sqlite_store.h"

namespace erphub::integration {
namespace {

namespace fs = std::filesystem;

using FileFormatsTest = HubTest;

size_t LineCount(const std::string& path) {
  std::istringstream lines(ReadFile(path));
  std::string line;
  size_t count = 0;
  while (std::getline(lines, line)) {
    count += line.empty() ? 0 : 1;
  }
  return count;
}

TEST_F(FileFormatsTest, CsvWithOneBadRowDeliversTheOthersAndQuarantinesItsLine) {
  WriteFile("erphub.yaml", R"(listen: ${ERPHUB_LISTEN}
store:
  url: ${ERPHUB_STORE}
flows:
  price-list:
    from:
      file:
        path: inbox
        poll_interval: 20ms
        on_bad_row: quarantine
        columns: [{name: price, type: decimal}]
    key: sku
    to:
      - file: {path: out/prices.ndjson}
)");
  ASSERT_EQ(RunErphub("lint erphub.yaml", "ERPHUB_LISTEN=127.0.0.1:0 ERPHUB_STORE=sqlite:x.db"), 0)
      << err_;
  StartHub(Dir("erphub.yaml"));

  std::string csv = "sku,price\n";
  const int rows = 50;
  for (int i = 1; i <= rows; ++i) {
    csv += i == 17 ? "SKU-17,not-a-price\n"
                   : "SKU-" + std::to_string(i) + "," + std::to_string(i) + ".25\n";
  }
  fs::create_directories(Dir("inbox"));
  WriteFile("inbox/.prices.csv.partial", csv);
  fs::rename(Dir("inbox/.prices.csv.partial"), Dir("inbox/prices.csv"));

  const std::string out = Dir("out/prices.ndjson");
  auto deadline = std::chrono::steady_clock::now() + kDeadline;
  while (LineCount(out) < rows - 1 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_EQ(LineCount(out), static_cast<size_t>(rows - 1)) << HubLog();
  EXPECT_TRUE(fs::exists(Dir("inbox/done/prices.csv")));
  std::string written = ReadFile(out);
  EXPECT_NE(written.find(R"({"sku":"SKU-16","price":16.25})"), std::string::npos);
  EXPECT_EQ(written.find("SKU-17"), std::string::npos);

  ASSERT_EQ(StopHub(), 0);
  auto store = store::OpenSqliteStore(Dir("hub.db"));
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  auto quarantine = (*store)->ListQuarantine({});
  ASSERT_TRUE(quarantine.ok()) << quarantine.status().ToString();
  ASSERT_EQ(quarantine->size(), 1u);
  const store::QuarantineEntry& entry = (*quarantine)[0];
  EXPECT_EQ(entry.flow, "price-list");
  EXPECT_EQ(entry.raw, "SKU-17,not-a-price");
  EXPECT_EQ(entry.reason.rfind("prices.csv:18: ", 0), 0u) << entry.reason;
}

}  // namespace
}  // namespace erphub::integration
