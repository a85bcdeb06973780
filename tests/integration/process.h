#pragma once

#include <sys/types.h>

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"

namespace erphub::integration {

// A child process started from a binary, its stdout and stderr going to files. The destructor
// kills it (SIGKILL) if it still runs, so a failing test leaves nothing behind.
class ChildProcess {
 public:
  ChildProcess() = default;
  ChildProcess(ChildProcess&& other) noexcept;
  ChildProcess& operator=(ChildProcess&& other) noexcept;
  ~ChildProcess();

  // Starts argv[0] (a path) with the process environment plus `env` (a value of nullopt
  // removes the variable), in `work_dir`, writing stdout and stderr to the given files.
  static Result<ChildProcess> Start(const std::vector<std::string>& argv,
                                    const std::map<std::string, std::optional<std::string>>& env,
                                    const std::string& work_dir, const std::string& stdout_file,
                                    const std::string& stderr_file);

  pid_t pid() const { return pid_; }
  bool running() const { return pid_ > 0; }
  void Signal(int signal_number) const;
  // The exit code once it has exited (128 + N when killed by signal N), or nullopt when it is
  // still running after `timeout`.
  std::optional<int> Wait(std::chrono::milliseconds timeout);

 private:
  pid_t pid_ = -1;
};

// A TCP port on 127.0.0.1 that was free a moment ago.
uint16_t FreePort();

// Polls `done` every few milliseconds until it is true or `timeout` has passed.
template <typename Predicate>
bool WaitUntil(Predicate done, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() >= deadline) {
      return false;
    }
    struct timespec pause = {0, 5'000'000};
    nanosleep(&pause, nullptr);
  }
  return true;
}

// The whole content of a file ("" when it cannot be read).
std::string ReadFile(const std::string& path);

}  // namespace erphub::integration
