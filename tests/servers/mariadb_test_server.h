#pragma once

#include <gtest/gtest.h>

#include <string>

#include "servers/server_env.h"

namespace erphub::testing {

// The MariaDB server of this test run (the ctest fixture `mariadb`, scripts/mariadb.sh): a
// private server on 127.0.0.1 with the database `erphub` and the user `erphub` (password in
// MARIADB_PASSWORD), session time zone UTC.
inline const ServerEnv& MariadbTestServer() {
  static const ServerEnv server = LoadServerEnv("mariadb", "MARIADB", ERPHUB_MARIADB_TEST_DIR);
  return server;
}

// mariadb://erphub@127.0.0.1:PORT/erphub, or empty when no server is available.
inline std::string MariadbTestUrl() {
  const ServerEnv& server = MariadbTestServer();
  return server.error.empty() && server.unavailable.empty() ? server.Get("MARIADB_URL")
                                                            : std::string();
}

inline std::string MariadbTestPassword() { return MariadbTestServer().Get("MARIADB_PASSWORD"); }

}  // namespace erphub::testing

// Skips the test when MariaDB is not installable here; fails it when the server did not start.
#define ERPHUB_REQUIRE_MARIADB()                                                   \
  do {                                                                             \
    const auto& erphub_mariadb_ = ::erphub::testing::MariadbTestServer();          \
    if (!erphub_mariadb_.unavailable.empty()) {                                    \
      GTEST_SKIP() << "no MariaDB for this test: " << erphub_mariadb_.unavailable; \
    }                                                                              \
    ASSERT_TRUE(erphub_mariadb_.error.empty()) << erphub_mariadb_.error;           \
  } while (false)
