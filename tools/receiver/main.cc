// erphub-receiver: a small HTTP server standing in for an ERP's API in the demo, the end-to-end
// tests and the benchmarks. See receiver.h for what it answers and records.

#include <signal.h>

#include <CLI/CLI.hpp>
#include <charconv>
#include <cstdio>
#include <string>

#include "tools/port_file.h"
#include "tools/receiver/receiver.h"

namespace {

// "HOST:PORT" or "[IPv6]:PORT"; false when malformed.
bool ParseListen(const std::string& text, std::string& host, uint16_t& port) {
  size_t colon = text.rfind(':');
  if (colon == std::string::npos) {
    return false;
  }
  host = text.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  std::string_view digits = std::string_view(text).substr(colon + 1);
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), port);
  return !host.empty() && ec == std::errc() && end == digits.data() + digits.size();
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "erphub-receiver: stands in for an ERP's HTTP API. Records every request as NDJSON,\n"
      "answers 201 with a JSON body, answers a repeated Idempotency-Key with 200 and the first\n"
      "answer (counted as a duplicate), and can fail on purpose for tests. GET /_receiver/stats\n"
      "returns the counts; POST /_receiver/script {\"fail_next\": N, \"status\": S} scripts\n"
      "failures while it runs. Stops on SIGTERM or SIGINT and prints the counts."};
  std::string listen = "127.0.0.1:0";
  std::string port_file;
  erphub::receiver::ReceiverOptions options;
  int delay_ms = 0;
  app.add_option("--listen", listen, "HOST:PORT to listen on; port 0 picks a free one")
      ->capture_default_str();
  app.add_option("--port-file", port_file, "Write the bound port to this file once listening");
  app.add_option("--record", options.record_file, "Append each request as one NDJSON line");
  app.add_option("--ok-status", options.ok_status, "Status of a taken request")
      ->capture_default_str()
      ->check(CLI::Range(200, 299));
  app.add_option("--fail-first", options.failures.remaining,
                 "Answer the first N requests with --status")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--status", options.failures.status, "Status of the failing answers")
      ->capture_default_str()
      ->check(CLI::Range(100, 599));
  app.add_option("--fail-body", options.failures.body, "JSON body of the failing answers");
  app.add_option("--retry-after", options.failures.retry_after_seconds,
                 "Retry-After seconds sent with the failing answers")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--delay", delay_ms, "Wait this many milliseconds before each answer")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--threads", options.io_threads, "I/O threads")
      ->capture_default_str()
      ->check(CLI::Range(1, 64));
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }
  if (!ParseListen(listen, options.host, options.port)) {
    std::fprintf(stderr, "erphub-receiver: --listen: expected HOST:PORT, got %s\n", listen.c_str());
    return 2;
  }
  options.delay = std::chrono::milliseconds(delay_ms);

  // The server's threads inherit this mask, so only sigwait below sees the signals.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  erphub::receiver::Receiver receiver(options);
  erphub::Status started = receiver.Start();
  if (!started.ok()) {
    std::fprintf(stderr, "erphub-receiver: %s\n", started.ToString().c_str());
    return 1;
  }
  if (!port_file.empty() && !erphub::tools::WritePortFile(port_file, receiver.port())) {
    std::fprintf(stderr, "erphub-receiver: cannot write %s\n", port_file.c_str());
    return 1;
  }
  std::printf("erphub-receiver listening on %s\n", receiver.base_url().c_str());
  std::fflush(stdout);

  int signal_number = 0;
  sigwait(&signals, &signal_number);
  receiver.Stop();
  erphub::receiver::ReceiverStats stats = receiver.stats();
  std::fprintf(stderr,
               "erphub-receiver: %llu requests: %llu delivered, %llu duplicates, %llu failed on "
               "purpose\n",
               static_cast<unsigned long long>(stats.requests),
               static_cast<unsigned long long>(stats.delivered),
               static_cast<unsigned long long>(stats.duplicates),
               static_cast<unsigned long long>(stats.failed));
  return 0;
}
