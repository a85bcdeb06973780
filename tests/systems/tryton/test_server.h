#pragma once

#include <string>

#include "systems/tryton/client.h"

namespace erphub::tryton::testing {

// The Tryton server of this test run: started once by the ctest fixture
// (tryton_fixture.sh), or by the first test when the binary runs on its own (it then keeps
// running; `tryton_fixture.sh stop DIR` ends it).
struct TestServer {
  std::string url;
  std::string database;
  std::string user;
  std::string password;
  // Non-empty when Tryton cannot be installed here: the reason to skip.
  std::string unavailable;
  // Non-empty when the server could not be started: the tests fail with it.
  std::string error;

  ClientOptions Options() const;
};

const TestServer& GetTestServer();

// A text unique to this process and call, for external ids and codes that must not collide
// with earlier runs against the same database.
std::string UniqueSuffix();

}  // namespace erphub::tryton::testing

// Skips the test when Tryton is not installable here; fails it when the server did not start.
#define ERPHUB_REQUIRE_TRYTON()                                              \
  do {                                                                       \
    const auto& erphub_server_ = ::erphub::tryton::testing::GetTestServer(); \
    if (!erphub_server_.unavailable.empty()) {                               \
      GTEST_SKIP() << erphub_server_.unavailable;                            \
    }                                                                        \
    ASSERT_TRUE(erphub_server_.error.empty()) << erphub_server_.error;       \
  } while (false)
