// erphub-netdelay: a TCP forwarder on 127.0.0.1 that holds every chunk of data for a fixed time
// in each direction, so that a benchmark on one machine can put a network's round trip between
// erphub and its database (a PostgreSQL store on another host, say).

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "tools/port_file.h"

namespace {

using Clock = std::chrono::steady_clock;

// One direction of a connection: a reader queues what arrives with the time it may leave, a
// writer sends it then. Closing the source closes the destination for writing, after the data.
class Direction {
 public:
  Direction(int from, int to, std::chrono::microseconds delay)
      : from_(from), to_(to), delay_(delay) {}

  void Read() {
    std::vector<char> buffer(64 * 1024);
    while (true) {
      const ssize_t n = ::read(from_, buffer.data(), buffer.size());
      std::lock_guard<std::mutex> lock(mu_);
      if (n <= 0) {
        closed_ = true;
        cv_.notify_one();
        return;
      }
      queue_.push_back(Chunk{Clock::now() + delay_, std::string(buffer.data(), n)});
      cv_.notify_one();
    }
  }

  void Write() {
    while (true) {
      Chunk chunk;
      {
        std::unique_lock<std::mutex> lock(mu_);
        cv_.wait(lock, [&] { return closed_ || !queue_.empty(); });
        if (queue_.empty()) {
          ::shutdown(to_, SHUT_WR);
          return;
        }
        chunk = std::move(queue_.front());
        queue_.pop_front();
      }
      std::this_thread::sleep_until(chunk.due);
      for (size_t sent = 0; sent < chunk.data.size();) {
        const ssize_t n = ::write(to_, chunk.data.data() + sent, chunk.data.size() - sent);
        if (n <= 0) {
          ::shutdown(from_, SHUT_RD);
          return;
        }
        sent += static_cast<size_t>(n);
      }
    }
  }

 private:
  struct Chunk {
    Clock::time_point due;
    std::string data;
  };

  const int from_;
  const int to_;
  const std::chrono::microseconds delay_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Chunk> queue_;
  bool closed_ = false;
};

int Connect(uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

void NoDelay(int fd) {
  const int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

// Forwards one accepted connection until both directions are closed.
void Forward(int client, uint16_t to_port, std::chrono::microseconds delay) {
  const int server = Connect(to_port);
  if (server < 0) {
    std::fprintf(stderr, "erphub-netdelay: cannot connect to 127.0.0.1:%u\n", to_port);
    ::close(client);
    return;
  }
  NoDelay(client);
  NoDelay(server);
  Direction up(client, server, delay);
  Direction down(server, client, delay);
  std::vector<std::thread> threads;
  threads.emplace_back([&] { up.Read(); });
  threads.emplace_back([&] { up.Write(); });
  threads.emplace_back([&] { down.Read(); });
  threads.emplace_back([&] { down.Write(); });
  for (std::thread& t : threads) {
    t.join();
  }
  ::close(client);
  ::close(server);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "erphub-netdelay: forwards TCP connections from 127.0.0.1:LISTEN to 127.0.0.1:TO and\n"
      "holds every chunk of data for --delay-us microseconds in each direction (a round trip\n"
      "of twice that, plus the scheduler's wake-up). Runs until killed."};
  uint16_t listen_port = 0;
  uint16_t to_port = 0;
  int64_t delay_us = 0;
  std::string port_file;
  app.add_option("--listen", listen_port, "Port to listen on (0: a free one)");
  app.add_option("--to", to_port, "Port of the server to forward to")->required();
  app.add_option("--delay-us", delay_us, "One-way delay in microseconds")
      ->required()
      ->check(CLI::NonNegativeNumber);
  app.add_option("--port-file", port_file, "Write the port listened on to this file");
  CLI11_PARSE(app, argc, argv);
  ::signal(SIGPIPE, SIG_IGN);

  const int listener = ::socket(AF_INET, SOCK_STREAM, 0);
  const int one = 1;
  ::setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(listen_port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof(address);
  if (::bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 ||
      ::listen(listener, 128) != 0 ||
      ::getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    std::perror("erphub-netdelay: cannot listen");
    return 1;
  }
  if (!port_file.empty() && !erphub::tools::WritePortFile(port_file, ntohs(address.sin_port))) {
    std::fprintf(stderr, "erphub-netdelay: cannot write %s\n", port_file.c_str());
    return 1;
  }
  const std::chrono::microseconds delay(delay_us);
  while (true) {
    const int client = ::accept(listener, nullptr, nullptr);
    if (client >= 0) {
      std::thread(Forward, client, to_port, delay).detach();
    }
  }
}
