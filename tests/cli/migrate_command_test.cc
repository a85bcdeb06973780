#include <sqlite3.h>

#include "cli/command_test.h"

namespace erphub::cli::testing {
namespace {

class MigrateCommandTest : public CommandTest {};

TEST_F(MigrateCommandTest, CreatesThenFindsTheSchemaUpToDate) {
  const std::string url = "sqlite:" + (dir_ / "data/hub.db").string();
  ASSERT_EQ(Run("migrate --store " + url), 0) << err_;
  EXPECT_NE(out_.find("schema version 0 -> "), std::string::npos) << out_;
  ASSERT_EQ(Run("migrate --store " + url), 0) << err_;
  EXPECT_NE(out_.find("up to date"), std::string::npos) << out_;
}

TEST_F(MigrateCommandTest, ReadsTheStoreFromTheConfig) {
  Write("erphub.yaml", "store:\n  url: sqlite:./hub.db\nflows: {}\n");
  ASSERT_EQ(Run("migrate erphub.yaml"), 0) << err_;
  EXPECT_TRUE(std::filesystem::exists(dir_ / "hub.db"));
  EXPECT_EQ(Run("migrate erphub.yaml --store sqlite:x.db"), 2);
  EXPECT_EQ(Run("migrate"), 2);
}

TEST_F(MigrateCommandTest, RefusesANewerSchemaAndHidesPasswords) {
  const std::string file = (dir_ / "hub.db").string();
  ASSERT_EQ(Run("migrate --store sqlite:" + file), 0) << err_;
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(file.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(
      sqlite3_exec(db, "INSERT INTO schema_version VALUES (999, 0)", nullptr, nullptr, nullptr),
      SQLITE_OK);
  sqlite3_close(db);
  EXPECT_EQ(Run("migrate --store sqlite:" + file), 1);
  EXPECT_NE(err_.find("newer"), std::string::npos) << err_;

  EXPECT_EQ(Run("migrate --store 'postgresql://hub:s3cret@127.0.0.1:1/erphub'"), 1);
  EXPECT_EQ(err_.find("s3cret"), std::string::npos) << err_;
  EXPECT_NE(err_.find("hub:***@"), std::string::npos) << err_;
}

}  // namespace
}  // namespace erphub::cli::testing
