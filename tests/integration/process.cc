#include "integration/process.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <sstream>

extern char** environ;

namespace erphub::integration {

ChildProcess::ChildProcess(ChildProcess&& other) noexcept : pid_(other.pid_) { other.pid_ = -1; }

ChildProcess& ChildProcess::operator=(ChildProcess&& other) noexcept {
  if (this != &other) {
    if (running()) {
      Signal(SIGKILL);
      Wait(std::chrono::seconds(5));
    }
    pid_ = other.pid_;
    other.pid_ = -1;
  }
  return *this;
}

ChildProcess::~ChildProcess() {
  if (running()) {
    Signal(SIGKILL);
    Wait(std::chrono::seconds(5));
  }
}

Result<ChildProcess> ChildProcess::Start(
    const std::vector<std::string>& argv,
    const std::map<std::string, std::optional<std::string>>& env, const std::string& work_dir,
    const std::string& stdout_file, const std::string& stderr_file) {
  std::vector<std::string> env_strings;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    std::string text = *entry;
    std::string name = text.substr(0, text.find('='));
    if (env.find(name) == env.end()) {
      env_strings.push_back(std::move(text));
    }
  }
  for (const auto& [name, value] : env) {
    if (value.has_value()) {
      env_strings.push_back(name + "=" + *value);
    }
  }
  std::vector<char*> env_pointers;
  for (std::string& text : env_strings) {
    env_pointers.push_back(text.data());
  }
  env_pointers.push_back(nullptr);
  std::vector<std::string> args = argv;
  std::vector<char*> arg_pointers;
  for (std::string& arg : args) {
    arg_pointers.push_back(arg.data());
  }
  arg_pointers.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, stdout_file.c_str(), O_WRONLY | O_CREAT | O_APPEND,
                                   0644);
  posix_spawn_file_actions_addopen(&actions, 2, stderr_file.c_str(), O_WRONLY | O_CREAT | O_APPEND,
                                   0644);
  posix_spawn_file_actions_addchdir_np(&actions, work_dir.c_str());
  pid_t pid = -1;
  int error = posix_spawn(&pid, args[0].c_str(), &actions, nullptr, arg_pointers.data(),
                          env_pointers.data());
  posix_spawn_file_actions_destroy(&actions);
  if (error != 0) {
    return UnavailableError(std::string("cannot start: ") + std::strerror(error), args[0]);
  }
  ChildProcess child;
  child.pid_ = pid;
  return child;
}

void ChildProcess::Signal(int signal_number) const {
  if (running()) {
    ::kill(pid_, signal_number);
  }
}

std::optional<int> ChildProcess::Wait(std::chrono::milliseconds timeout) {
  if (!running()) {
    return std::nullopt;
  }
  int status = 0;
  bool exited = WaitUntil([&] { return ::waitpid(pid_, &status, WNOHANG) == pid_; }, timeout);
  if (!exited) {
    return std::nullopt;
  }
  pid_ = -1;
  if (WIFEXITED(status)) {
    return WEXITSTATUS(status);
  }
  return 128 + WTERMSIG(status);
}

uint16_t FreePort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  socklen_t length = sizeof address;
  uint16_t port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0) {
    port = ntohs(address.sin_port);
  }
  ::close(fd);
  return port;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace erphub::integration
