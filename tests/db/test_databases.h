#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <functional>
#include <memory>
#include <ostream>
#include <string>

#include "db/connection.h"
#include "servers/mariadb_test_server.h"
#include "servers/postgres_test_server.h"

namespace erphub::db::testing {

// Where a test finds a database of each dialect: SQLite in a fresh temporary folder, PostgreSQL
// and MariaDB from the test run's servers (ctest fixtures). `url` is empty when the server is
// not available (`skip` says why) and `error` non-empty when it failed to start.
struct TestDatabase {
  std::string url;
  std::string password;
  std::string skip;
  std::string error;
  // SQLite: the temporary folder, removed with the last copy of this.
  std::shared_ptr<const std::string> folder;

  ConnectionOptions Options() const {
    ConnectionOptions options;
    options.url = url;
    options.password = password;
    options.timeout_seconds = 10;
    return options;
  }
};

inline TestDatabase GetTestDatabase(Dialect dialect) {
  TestDatabase database;
  const ::erphub::testing::ServerEnv* server = nullptr;
  switch (dialect) {
    case Dialect::kSqlite: {
      char folder[] = "/tmp/erphub-db-test-XXXXXX";
      if (mkdtemp(folder) == nullptr) {
        database.error = "mkdtemp failed";
      } else {
        database.url = std::string("sqlite:") + folder + "/test.db";
        database.folder = std::shared_ptr<const std::string>(
            new std::string(folder), [](const std::string* path) {
              std::error_code ignored;
              std::filesystem::remove_all(*path, ignored);
              delete path;
            });
      }
      return database;
    }
    case Dialect::kPostgres:
      server = &::erphub::testing::PostgresTestServer();
      database.url = ::erphub::testing::PostgresTestUrl();
      break;
    case Dialect::kMariadb:
      server = &::erphub::testing::MariadbTestServer();
      database.url = ::erphub::testing::MariadbTestUrl();
      database.password = ::erphub::testing::MariadbTestPassword();
      break;
  }
  database.skip = server->unavailable;
  database.error = server->error;
  return database;
}

// A table name of the running test's own (ctest runs tests in parallel on the same servers):
// `prefix` and a hash of the test's full name, within every dialect's identifier limit.
inline std::string TestTableName(const std::string& prefix) {
  const ::testing::TestInfo* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string name =
      info == nullptr ? "" : std::string(info->test_suite_name()) + "." + info->name();
  return prefix + "_" + std::to_string(std::hash<std::string>{}(name) % 1000000007);
}

// Test names and messages show the dialect's name.
inline void PrintTo(Dialect dialect, std::ostream* out) { *out << DialectName(dialect); }

inline std::string DialectParamName(const ::testing::TestParamInfo<Dialect>& info) {
  return std::string(DialectName(info.param));
}

}  // namespace erphub::db::testing

namespace erphub::db {
using testing::PrintTo;
}  // namespace erphub::db

// In a test parameterized by Dialect: skips when the server is not installable, fails when it
// did not start, else declares `database` (a TestDatabase).
#define ERPHUB_TEST_DATABASE(database)                                                       \
  ::erphub::db::testing::TestDatabase database =                                             \
      ::erphub::db::testing::GetTestDatabase(GetParam());                                    \
  if (!database.skip.empty()) {                                                              \
    GTEST_SKIP() << "no " << ::erphub::db::DialectName(GetParam()) << ": " << database.skip; \
  }                                                                                          \
  ASSERT_TRUE(database.error.empty()) << database.error
