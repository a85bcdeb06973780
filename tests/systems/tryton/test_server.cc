#include "systems/tryton/test_server.h"

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>

namespace erphub::tryton::testing {
namespace {

std::map<std::string, std::string> ReadEnvFile(const std::string& path) {
  std::map<std::string, std::string> values;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    size_t equals = line.find('=');
    if (equals != std::string::npos) {
      values[line.substr(0, equals)] = line.substr(equals + 1);
    }
  }
  return values;
}

TestServer Load() {
  TestServer server;
  std::string dir = ERPHUB_TRYTON_TEST_DIR;
  std::string env_file = dir + "/tryton.env";
  if (access(env_file.c_str(), R_OK) != 0) {
    std::string command = std::string(ERPHUB_TRYTON_FIXTURE) + " start '" + dir + "' >/dev/null";
    if (std::system(command.c_str()) != 0) {
      server.error = "could not start Tryton: " + command + " failed (see " + dir + ")";
      return server;
    }
  }
  auto values = ReadEnvFile(env_file);
  server.unavailable = values["TRYTON_UNAVAILABLE"];
  server.url = values["TRYTON_URL"];
  server.database = values["TRYTON_DB"];
  server.user = values["TRYTON_USER"];
  server.password = values["TRYTON_PASSWORD"];
  if (server.unavailable.empty() && server.url.empty()) {
    server.error = env_file + " names no TRYTON_URL";
  }
  return server;
}

}  // namespace

ClientOptions TestServer::Options() const {
  ClientOptions options;
  options.url = url;
  options.database = database;
  options.user = user;
  options.password = password;
  return options;
}

const TestServer& GetTestServer() {
  static const TestServer server = Load();
  return server;
}

std::string UniqueSuffix() {
  static std::atomic<int> counter{0};
  auto now = std::chrono::system_clock::now().time_since_epoch();
  std::ostringstream out;
  out << std::chrono::duration_cast<std::chrono::microseconds>(now).count() << "-" << getpid()
      << "-" << counter.fetch_add(1);
  return out.str();
}

}  // namespace erphub::tryton::testing
