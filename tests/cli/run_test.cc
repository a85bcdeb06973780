#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "core/json.h"
#include "net/http_client.h"
#include "net/test_receiver.h"

namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

// A port nobody listens on right now (the system's pick for a socket closed at once).
int FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  socklen_t len = sizeof(addr);
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

template <typename F>
bool WaitFor(F condition, std::chrono::milliseconds timeout = 20s) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!condition()) {
    if (std::chrono::steady_clock::now() > deadline) {
      return false;
    }
    std::this_thread::sleep_for(10ms);
  }
  return true;
}

// Runs the real erphub binary with `erphub run` in a scratch folder.
class RunCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "erphub-run-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    port_ = FreePort();
  }
  void TearDown() override {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    fs::remove_all(dir_);
  }

  void WriteConfig(const std::string& flows) {
    std::ofstream(dir_ / "erphub.yaml")
        << "listen: 127.0.0.1:" << port_ << "\nstore:\n  url: sqlite:data/hub.db\n"
        << "  fsync: normal\nflows:\n"
        << flows;
  }

  // Starts `erphub run erphub.yaml` with `env` added and `options` after the defaults; waits
  // until /health answers.
  void Start(std::vector<std::string> env = {}, std::vector<std::string> options = {}) {
    std::vector<std::string> args = {ERPHUB_BINARY, "run", "erphub.yaml", "--drain-timeout", "3s",
                                     "--workers",   "2"};
    args.insert(args.end(), options.begin(), options.end());
    std::vector<char*> argv;
    for (std::string& arg : args) {
      argv.push_back(arg.data());
    }
    argv.push_back(nullptr);
    pid_ = fork();
    ASSERT_GE(pid_, 0);
    if (pid_ == 0) {
      if (chdir(dir_.c_str()) != 0) {
        _exit(127);
      }
      int err = open("stderr.log", O_WRONLY | O_CREAT | O_APPEND, 0644);
      dup2(err, 2);
      for (std::string& e : env) {
        putenv(e.data());
      }
      execv(ERPHUB_BINARY, argv.data());
      _exit(127);
    }
    ASSERT_TRUE(WaitFor([&] { return Get("/health").status == 200; })) << Log();
  }

  // Sends SIGTERM; returns the exit code (-1 when it did not exit within the timeout).
  int Terminate(std::chrono::milliseconds timeout = 10s) {
    kill(pid_, SIGTERM);
    int status = 0;
    const bool exited = WaitFor([&] { return waitpid(pid_, &status, WNOHANG) == pid_; }, timeout);
    if (!exited) {
      return -1;
    }
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -2;
  }

  erphub::net::HttpResponse Get(const std::string& path) {
    erphub::net::ClientRequest request;
    request.url = "http://127.0.0.1:" + std::to_string(port_) + path;
    request.timeout = 2s;
    auto response = client_.Send(request);
    return response.ok() ? *response : erphub::net::HttpResponse{0, {}, ""};
  }

  erphub::net::HttpResponse Post(const std::string& path, const std::string& body) {
    erphub::net::ClientRequest request;
    request.method = "POST";
    request.url = "http://127.0.0.1:" + std::to_string(port_) + path;
    request.headers.Add("Content-Type", "application/json");
    request.body = body;
    request.timeout = 5s;
    auto response = client_.Send(request);
    return response.ok() ? *response : erphub::net::HttpResponse{0, {}, ""};
  }

  std::string Log() { return ReadFile(dir_ / "stderr.log"); }

  fs::path dir_;
  int port_ = 0;
  pid_t pid_ = -1;
  erphub::net::HttpClient client_;
};

// The threads named http-io in the hub's process.
int HttpThreadsOf(pid_t pid) {
  int count = 0;
  for (const fs::directory_entry& task :
       fs::directory_iterator("/proc/" + std::to_string(pid) + "/task")) {
    count += ReadFile(task.path() / "comm") == "http-io\n" ? 1 : 0;
  }
  return count;
}

TEST_F(RunCommandTest, HttpThreadsSetsTheListenersThreads) {
  WriteConfig(R"(  orders:
    from:
      webhook: {path: /hooks/orders}
    key: $string(id)
    to:
      - file: {path: out.ndjson}
)");
  Start({}, {"--http-threads", "5"});
  EXPECT_EQ(HttpThreadsOf(pid_), 5) << Log();
  EXPECT_EQ(Post("/hooks/orders", R"({"id": 1})").status, 202) << Log();
  EXPECT_EQ(Terminate(), 0) << Log();
}

TEST_F(RunCommandTest, ServesWebhooksDeliversAndStopsOnSigterm) {
  WriteConfig(R"(  orders:
    from:
      webhook: {path: /hooks/orders}
    key: $string(id)
    steps:
      - map: {expression: '{"order": id, "total": total}'}
    to:
      - file: {path: out.ndjson}
)");
  Start();
  erphub::net::HttpResponse accepted = Post("/hooks/orders", R"({"id": 7, "total": "18.90"})");
  EXPECT_EQ(accepted.status, 202) << accepted.body << Log();
  ASSERT_TRUE(WaitFor([&] { return !ReadFile(dir_ / "out.ndjson").empty(); })) << Log();
  EXPECT_NE(ReadFile(dir_ / "out.ndjson").find(R"("order":7)"), std::string::npos);

  EXPECT_EQ(Get("/ready").status, 200);
  ASSERT_TRUE(WaitFor([&] {
    return Get("/metrics").body.find(R"(erphub_delivered_total{flow="orders",output="file"} 1)") !=
           std::string::npos;
  }));
  const std::string metrics = Get("/metrics").body;
  EXPECT_NE(metrics.find(R"(erphub_accepted_total{flow="orders"} 1)"), std::string::npos);
  EXPECT_NE(metrics.find("erphub_delivery_latency_seconds_bucket"), std::string::npos);

  EXPECT_EQ(Terminate(), 0) << Log();
  // Every line on stderr is one JSON object; the last says the hub stopped.
  std::istringstream lines(Log());
  std::string line;
  std::string last;
  while (std::getline(lines, line)) {
    EXPECT_TRUE(erphub::ParseJson(line).ok()) << line;
    last = line;
  }
  EXPECT_NE(last.find(R"("event":"run.stopped")"), std::string::npos) << last;
  // The store sits beside the config.
  EXPECT_TRUE(fs::exists(dir_ / "data" / "hub.db"));
}

TEST_F(RunCommandTest, ARestartDeliversWhatTheLastRunLeft) {
  WriteConfig(R"(  orders:
    from:
      webhook: {path: /hooks/orders}
    key: $string(id)
    to:
      - http: {url: "${ERP_URL}/orders", timeout: 2s}
    retry: {initial: 50ms, max_delay: 200ms, max_attempts: 1000}
)");
  // The target is down during the first run.
  Start({"ERP_URL=http://127.0.0.1:" + std::to_string(FreePort())});
  for (int id = 1; id <= 3; ++id) {
    EXPECT_EQ(Post("/hooks/orders", R"({"id": )" + std::to_string(id) + "}").status, 202) << Log();
  }
  ASSERT_TRUE(WaitFor([&] {
    return Get("/metrics")
               .body.find(R"(erphub_failed_attempts_total{flow="orders",output="http"} 0)") ==
           std::string::npos;
  }));
  const auto stop = std::chrono::steady_clock::now();
  EXPECT_EQ(Terminate(), 0) << Log();
  EXPECT_LT(std::chrono::steady_clock::now() - stop, 5s);

  erphub::net::testing::TestReceiver erp;
  Start({"ERP_URL=" + erp.url()});
  ASSERT_TRUE(erp.WaitForRequests(3, 20s)) << Log();
  std::vector<std::string> keys;
  for (const auto& r : erp.requests()) {
    keys.emplace_back(r.request.headers.GetOr("Idempotency-Key", ""));
  }
  EXPECT_EQ(keys.size(), 3u);
  EXPECT_EQ(Terminate(), 0) << Log();
}

TEST_F(RunCommandTest, ABrokenConfigExitsTwoWithItsProblems) {
  WriteConfig(R"(  orders:
    from:
      webhook: {path: /hooks/orders}
    key: id[
    to:
      - file: {path: out.ndjson}
)");
  pid_ = fork();
  ASSERT_GE(pid_, 0);
  if (pid_ == 0) {
    if (chdir(dir_.c_str()) != 0) {
      _exit(127);
    }
    int err = open("stderr.log", O_WRONLY | O_CREAT | O_APPEND, 0644);
    dup2(err, 2);
    execl(ERPHUB_BINARY, ERPHUB_BINARY, "run", "erphub.yaml", static_cast<char*>(nullptr));
    _exit(127);
  }
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 2) << Log();
  EXPECT_NE(Log().find("flows.orders.key: does not compile"), std::string::npos) << Log();
}

}  // namespace
