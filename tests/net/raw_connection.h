#pragma once

// A bare TCP client for tests that must control the bytes on the wire (pipelining, chunked
// bodies, malformed requests, idle connections).

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace erphub::net::testing {

class RawConnection {
 public:
  explicit RawConnection(uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0;
  }
  ~RawConnection() {
    if (fd_ >= 0) {
      ::close(fd_);
    }
  }
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  bool connected() const { return connected_; }

  bool Send(std::string_view bytes) {
    while (!bytes.empty()) {
      ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n <= 0) {
        return false;
      }
      bytes.remove_prefix(static_cast<size_t>(n));
    }
    return true;
  }

  // Reads until `done(received)` holds, the peer closes, or `timeout` passes; returns all bytes
  // received so far on this connection.
  const std::string& ReadUntil(const std::function<bool(const std::string&)>& done,
                               std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    auto until = std::chrono::steady_clock::now() + timeout;
    while (!done(received_) && !closed_) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          until - std::chrono::steady_clock::now());
      if (left.count() <= 0) {
        break;
      }
      pollfd pfd{fd_, POLLIN, 0};
      if (::poll(&pfd, 1, static_cast<int>(left.count())) <= 0) {
        continue;
      }
      char buffer[65536];
      ssize_t n = ::recv(fd_, buffer, sizeof(buffer), 0);
      if (n <= 0) {
        closed_ = true;
        break;
      }
      received_.append(buffer, static_cast<size_t>(n));
    }
    return received_;
  }

  // Reads until `count` complete responses with Content-Length bodies have arrived.
  const std::string& ReadResponses(size_t count,
                                   std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    return ReadUntil([count](const std::string& bytes) { return CountResponses(bytes) >= count; },
                     timeout);
  }

  // Reads until the peer closes the connection (or the timeout passes).
  const std::string& ReadToClose(std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    return ReadUntil([](const std::string&) { return false; }, timeout);
  }

  bool closed() const { return closed_; }

  // Complete responses in `bytes`, each a header block plus a Content-Length body.
  static size_t CountResponses(std::string_view bytes) {
    size_t count = 0;
    while (true) {
      size_t header_end = bytes.find("\r\n\r\n");
      if (header_end == std::string_view::npos) {
        return count;
      }
      std::string_view header = bytes.substr(0, header_end);
      size_t length = 0;
      size_t field = FindIgnoreCase(header, "\r\ncontent-length:");
      if (field != std::string_view::npos) {
        length = std::stoul(std::string(header.substr(field + 17, 20)));
      }
      if (bytes.size() < header_end + 4 + length) {
        return count;
      }
      bytes.remove_prefix(header_end + 4 + length);
      ++count;
    }
  }

 private:
  static size_t FindIgnoreCase(std::string_view haystack, std::string_view needle) {
    for (size_t i = 0; i + needle.size() <= haystack.size(); ++i) {
      bool match = true;
      for (size_t j = 0; j < needle.size() && match; ++j) {
        match = std::tolower(static_cast<unsigned char>(haystack[i + j])) == needle[j];
      }
      if (match) {
        return i;
      }
    }
    return std::string_view::npos;
  }

  int fd_ = -1;
  bool connected_ = false;
  bool closed_ = false;
  std::string received_;
};

}  // namespace erphub::net::testing
