#pragma once

#include <gtest/gtest.h>

#include <string>

#include "servers/server_env.h"

namespace erphub::testing {

// The PostgreSQL 15 server of this test run (the ctest fixture `postgres`, scripts/postgres.sh):
// a private cluster on 127.0.0.1 with the database `erphub`, superuser `erphub`, trust
// authentication, wal_level=logical.
inline const ServerEnv& PostgresTestServer() {
  static const ServerEnv server = LoadServerEnv("postgres", "POSTGRES", ERPHUB_POSTGRES_TEST_DIR);
  return server;
}

// postgresql://erphub@127.0.0.1:PORT/erphub, or empty when no server is available.
inline std::string PostgresTestUrl() {
  const ServerEnv& server = PostgresTestServer();
  return server.error.empty() && server.unavailable.empty() ? server.Get("POSTGRES_URL")
                                                            : std::string();
}

}  // namespace erphub::testing

// Skips the test when PostgreSQL is not installable here; fails it when the server did not
// start. Use at the top of a TEST or in SetUp().
#define ERPHUB_REQUIRE_POSTGRES()                                                      \
  do {                                                                                 \
    const auto& erphub_postgres_ = ::erphub::testing::PostgresTestServer();            \
    if (!erphub_postgres_.unavailable.empty()) {                                       \
      GTEST_SKIP() << "no PostgreSQL for this test: " << erphub_postgres_.unavailable; \
    }                                                                                  \
    ASSERT_TRUE(erphub_postgres_.error.empty()) << erphub_postgres_.error;             \
  } while (false)
