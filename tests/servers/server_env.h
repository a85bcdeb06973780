#pragma once

#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <string>

namespace erphub::testing {

// A database server of this test run, as its fixture (tests/servers/server_fixture.sh) wrote
// it to DIR/NAME.env.
struct ServerEnv {
  std::map<std::string, std::string> values;
  // Non-empty when the server cannot be installed here: the reason to skip.
  std::string unavailable;
  // Non-empty when the server could not be started: tests fail with it.
  std::string error;

  std::string Get(const std::string& key) const {
    auto it = values.find(key);
    return it == values.end() ? std::string() : it->second;
  }
};

// Reads DIR/NAME.env, written by the ctest fixture; when the test binary runs on its own and
// the file is missing, starts the server first (it then keeps running until
// `server_fixture.sh NAME stop DIR`).
inline ServerEnv LoadServerEnv(const std::string& name, const std::string& prefix,
                               const std::string& dir) {
  ServerEnv server;
  std::string env_file = dir + "/" + name + ".env";
  if (access(env_file.c_str(), R_OK) != 0) {
    std::string command =
        std::string(ERPHUB_SERVER_FIXTURE) + " " + name + " start '" + dir + "' >/dev/null 2>&1";
    if (std::system(command.c_str()) != 0) {
      server.error = "could not start " + name + ": " + command + " failed (see " + dir + ")";
      return server;
    }
  }
  std::ifstream in(env_file);
  std::string line;
  while (std::getline(in, line)) {
    size_t equals = line.find('=');
    if (equals != std::string::npos) {
      server.values[line.substr(0, equals)] = line.substr(equals + 1);
    }
  }
  server.unavailable = server.Get(prefix + "_UNAVAILABLE");
  if (server.unavailable.empty() && server.Get(prefix + "_URL").empty()) {
    server.error = env_file + " names no " + prefix + "_URL";
  }
  return server;
}

}  // namespace erphub::testing
