#include <gtest/gtest.h>
#include <libpq-fe.h>

#include <memory>
#include <string>

#include "servers/postgres_test_server.h"

namespace erphub::testing {
namespace {

using Connection = std::unique_ptr<PGconn, decltype(&PQfinish)>;

std::string Setting(PGconn* conn, const std::string& name) {
  std::unique_ptr<PGresult, decltype(&PQclear)> result(PQexec(conn, ("SHOW " + name).c_str()),
                                                       &PQclear);
  if (PQresultStatus(result.get()) != PGRES_TUPLES_OK) {
    return "error: " + std::string(PQerrorMessage(conn));
  }
  return PQgetvalue(result.get(), 0, 0);
}

// The fixture's server is what the PostgreSQL store and the change-data-capture input need.
TEST(PostgresTestServerTest, ServesTheErphubDatabaseOnLoopbackWithLogicalWal) {
  ERPHUB_REQUIRE_POSTGRES();
  std::string url = PostgresTestUrl();
  ASSERT_EQ(url.rfind("postgresql://erphub@127.0.0.1:", 0), 0u) << url;
  Connection conn(PQconnectdb(url.c_str()), &PQfinish);
  ASSERT_EQ(PQstatus(conn.get()), CONNECTION_OK) << PQerrorMessage(conn.get());
  EXPECT_STREQ(PQdb(conn.get()), "erphub");
  EXPECT_GE(PQserverVersion(conn.get()), 150000);
  EXPECT_EQ(Setting(conn.get(), "wal_level"), "logical");
  EXPECT_EQ(Setting(conn.get(), "max_connections"), "200");
  EXPECT_EQ(Setting(conn.get(), "listen_addresses"), "127.0.0.1");
  EXPECT_NE(Setting(conn.get(), "max_replication_slots"), "0");
}

}  // namespace
}  // namespace erphub::testing
