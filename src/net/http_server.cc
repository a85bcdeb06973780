// The only file that includes Boost.Beast: everything else sees the pimpl in http_server.h.
#include "net/http_server.h"

#include <algorithm>
#include <atomic>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/basic_stream.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/rate_policy.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <condition_variable>
#include <future>
#include <limits>
#include <map>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <thread>
#include <unordered_map>
#include <vector>

#include "core/thread_name.h"
#include "net/headers.h"
#include "net/http_date.h"
#include "net/problem.h"

namespace erphub::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = boost::asio::ip::tcp;
using boost::system::error_code;

// Each I/O thread runs an io_context of its own, and a connection stays on the one it was
// accepted to: its handlers never run concurrently, so it needs no strand, and the threads do
// not hand work to each other (with one shared context they woke each other for every event).
using Executor = asio::io_context::executor_type;
using Acceptor = tcp::acceptor::rebind_executor<Executor>::other;
using Socket = tcp::socket::rebind_executor<Executor>::other;
using Stream = beast::basic_stream<tcp, Executor, beast::unlimited_rate_policy>;
using Timer = asio::steady_timer::rebind_executor<Executor>::other;

namespace {

// A lingering close reads (and drops) what the client still sends after an early error answer,
// so that closing does not reset the connection before the client has read that answer.
constexpr std::chrono::milliseconds kMaxLinger{2000};
constexpr std::chrono::milliseconds kAcceptRetryDelay{50};

// Whether new answers may still reach sessions; closed for good when the server has stopped,
// so that responders held elsewhere never touch a session whose I/O context is gone.
struct Gate {
  std::shared_mutex mu;
  bool open = true;
};

std::string_view ToStd(beast::string_view s) { return std::string_view(s.data(), s.size()); }
beast::string_view ToBeast(std::string_view s) { return beast::string_view(s.data(), s.size()); }

}  // namespace

class Session;

namespace internal {

struct ResponseSlot {
  ResponseSlot(std::shared_ptr<Gate> gate, std::weak_ptr<Session> session, uint64_t sequence)
      : gate(std::move(gate)), session(std::move(session)), sequence(sequence) {}
  ~ResponseSlot();

  // Hands the answer (nullopt: abort) to the session, once.
  void Deliver(std::optional<HttpResponse> response);

  std::shared_ptr<Gate> gate;
  std::weak_ptr<Session> session;
  uint64_t sequence;  // the session's request this answers
  std::atomic<bool> answered{false};
};

class ServerCore {
 public:
  struct RouteTable {
    // method -> handler, per exact path.
    std::unordered_map<std::string, std::map<std::string, Handler>> by_path;
    Handler fallback;
  };

  explicit ServerCore(HttpServerOptions options)
      : options_(std::move(options)),
        contexts_(MakeContexts(options_.io_threads)),
        acceptor_(contexts_.front()->get_executor()),
        gate_(std::make_shared<Gate>()) {
    for (const auto& context : contexts_) {
      work_.push_back(asio::make_work_guard(*context));
    }
  }

  ~ServerCore() { Stop(std::chrono::milliseconds(0)); }

  Status AddRoute(std::string_view method, std::string_view path, Handler handler);
  Status Start();
  void Stop(std::chrono::milliseconds deadline);

  void OnAccept(const error_code& ec, Socket socket);
  void Accept();
  void Forget(Session* session);

  const HttpServerOptions& options() const { return options_; }
  const RouteTable& routes() const { return routes_; }
  const std::shared_ptr<Gate>& gate() const { return gate_; }
  // Responder's constructor is open to the server core only.
  static Responder MakeResponder(std::shared_ptr<internal::ResponseSlot> slot) {
    return Responder(std::move(slot));
  }

  void CountRequest() { requests_received_.fetch_add(1, std::memory_order_relaxed); }
  // True from the start of Stop, before new connections are refused.
  bool closing() const { return closing_.load(); }

  // One single-threaded context per I/O thread (at least one: the acceptor's).
  static std::vector<std::unique_ptr<asio::io_context>> MakeContexts(int threads) {
    std::vector<std::unique_ptr<asio::io_context>> contexts;
    for (int i = 0; i < std::max(threads, 1); ++i) {
      contexts.push_back(std::make_unique<asio::io_context>(1));
    }
    return contexts;
  }

  HttpServerOptions options_;
  RouteTable routes_;
  // Declared before everything bound to them, so they are destroyed last.
  std::vector<std::unique_ptr<asio::io_context>> contexts_;
  size_t next_context_ = 0;  // round robin of new connections; used on the acceptor's thread
  Acceptor acceptor_;
  std::optional<Timer> accept_retry_timer_;
  std::vector<asio::executor_work_guard<Executor>> work_;
  std::vector<std::thread> threads_;
  std::shared_ptr<Gate> gate_;
  tcp::endpoint bound_;
  bool started_ = false;
  bool stopped_ = false;
  // Set before the acceptor closes: an answer written once connections are refused says
  // "Connection: close" even before its session has been told of the stop (BeginStop is posted).
  std::atomic<bool> closing_{false};

  std::mutex sessions_mu_;
  std::condition_variable sessions_cv_;
  bool stopping_ = false;  // under sessions_mu_
  std::unordered_map<Session*, std::shared_ptr<Session>> sessions_;

  std::atomic<uint64_t> connections_accepted_{0};
  std::atomic<uint64_t> requests_received_{0};
};

}  // namespace internal

// One connection: reads a request, hands it to its handler, writes the answer, then reads the
// next. Pipelined requests wait in the buffer until the previous answer is written, so answers
// go out in request order. Every member function runs on the connection's I/O thread.
constexpr size_t kReadBufferBytes = 8 << 10;

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(internal::ServerCore& server, Socket socket)
      : server_(server), stream_(std::move(socket)), handler_timer_(stream_.get_executor()) {
    error_code ec;
    tcp::endpoint remote = stream_.socket().remote_endpoint(ec);
    if (!ec) {
      remote_address_ = remote.address().to_string() + ":" + std::to_string(remote.port());
    }
    // Room for a typical request in one read: an empty buffer reads 512 bytes at a time, six
    // reads for a 2.7 KB webhook.
    buffer_.reserve(kReadBufferBytes);
  }

  void Start() {
    asio::dispatch(stream_.get_executor(),
                   beast::bind_front_handler(&Session::ReadHeader, shared_from_this()));
  }

  Executor executor() { return stream_.get_executor(); }

  // Called (posted) when the server stops: idle connections close now, busy ones after their
  // current answer.
  void BeginStop() {
    stopping_ = true;
    if (state_ == State::kReadingHeader || state_ == State::kLingering) {
      Close();
    }
  }

  // Called (posted) when the stop deadline has passed.
  void ForceClose() { Close(); }

  // Called (posted) by a responder.
  void Deliver(uint64_t sequence, std::optional<HttpResponse> response) {
    if (state_ != State::kHandling || sequence != sequence_) {
      return;
    }
    handler_timer_.cancel();
    if (!response) {
      // Linger with a zero timeout makes close send a reset, as a crashed peer would.
      error_code ec;
      stream_.socket().set_option(asio::socket_base::linger(true, 0), ec);
      Close(/*reset=*/true);
      return;
    }
    Write(std::move(*response), /*close_after=*/false);
  }

 private:
  enum class State { kReadingHeader, kReadingBody, kHandling, kWriting, kLingering, kClosed };

  void ReadHeader() {
    if (stopping_) {
      Close();
      return;
    }
    state_ = State::kReadingHeader;
    version_ = 11;
    keep_alive_ = false;
    head_request_ = false;
    parser_.emplace();
    parser_->header_limit(static_cast<uint32_t>(std::min<size_t>(
        server_.options().max_header_bytes, std::numeric_limits<uint32_t>::max())));
    parser_->body_limit(server_.options().max_body_bytes);
    stream_.expires_after(server_.options().idle_timeout);
    http::async_read_header(stream_, buffer_, *parser_,
                            beast::bind_front_handler(&Session::OnHeader, shared_from_this()));
  }

  void OnHeader(error_code ec, size_t) {
    if (state_ == State::kClosed) {
      return;
    }
    if (ec) {
      FailRead(ec);
      return;
    }
    state_ = State::kReadingBody;
    const auto& header = parser_->get();
    auto expect = header.find(http::field::expect);
    if (expect != header.end() && EqualsIgnoreCase(ToStd(expect->value()), "100-continue") &&
        !parser_->is_done()) {
      static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
      stream_.expires_after(server_.options().write_timeout);
      asio::async_write(stream_, asio::buffer(kContinue.data(), kContinue.size()),
                        beast::bind_front_handler(&Session::OnContinueWritten, shared_from_this()));
      return;
    }
    ReadBody();
  }

  void OnContinueWritten(error_code ec, size_t) {
    if (state_ == State::kClosed) {
      return;
    }
    if (ec) {
      Close();
      return;
    }
    ReadBody();
  }

  void ReadBody() {
    if (parser_->is_done()) {
      Dispatch();
      return;
    }
    stream_.expires_after(server_.options().read_timeout);
    http::async_read(stream_, buffer_, *parser_,
                     beast::bind_front_handler(&Session::OnBody, shared_from_this()));
  }

  void OnBody(error_code ec, size_t) {
    if (state_ == State::kClosed) {
      return;
    }
    if (ec) {
      FailRead(ec);
      return;
    }
    Dispatch();
  }

  // Answers a failed read: protocol errors get an error answer, transport errors (end of
  // stream, reset, timeout) a plain close.
  void FailRead(const error_code& ec) {
    if (ec == http::error::body_limit) {
      Write(ProblemResponse(413, "the request body exceeds the limit of " +
                                     std::to_string(server_.options().max_body_bytes) + " bytes"),
            /*close_after=*/true);
      return;
    }
    if (ec == http::error::header_limit) {
      Write(ProblemResponse(431, "the request header exceeds the limit of " +
                                     std::to_string(server_.options().max_header_bytes) + " bytes"),
            /*close_after=*/true);
      return;
    }
    bool nothing_read = state_ == State::kReadingHeader && buffer_.size() == 0;
    if (ec.category() == http::make_error_code(http::error::end_of_stream).category() &&
        ec != http::error::end_of_stream && ec != http::error::partial_message && !nothing_read) {
      Write(ProblemResponse(400, "malformed HTTP request: " + ec.message()),
            /*close_after=*/true);
      return;
    }
    Close();
  }

  void Dispatch() {
    http::request<http::string_body> message = parser_->release();
    parser_.reset();
    server_.CountRequest();

    HttpRequest request;
    request.method = std::string(ToStd(message.method_string()));
    request.target = std::string(ToStd(message.target()));
    size_t question = request.target.find('?');
    request.path = request.target.substr(0, question);
    if (question != std::string::npos) {
      request.query = request.target.substr(question + 1);
    }
    for (const auto& field : message) {
      request.headers.Add(std::string(ToStd(field.name_string())),
                          std::string(ToStd(field.value())));
    }
    request.body = std::move(message.body());
    request.remote_address = remote_address_;

    version_ = message.version();
    keep_alive_ = message.keep_alive();
    head_request_ = message.method() == http::verb::head;

    state_ = State::kHandling;
    ++sequence_;
    auto slot =
        std::make_shared<internal::ResponseSlot>(server_.gate(), weak_from_this(), sequence_);
    handler_timer_.expires_after(server_.options().handler_timeout);
    handler_timer_.async_wait(
        beast::bind_front_handler(&Session::OnHandlerTimeout, shared_from_this(), sequence_));

    const Handler* handler = FindHandler(request);
    if (handler != nullptr) {
      (*handler)(std::move(request), internal::ServerCore::MakeResponder(std::move(slot)));
    } else {
      slot->Deliver(std::move(unrouted_));
      unrouted_.reset();
    }
  }

  // The handler for `request`, or nullptr with the answer left in unrouted_.
  const Handler* FindHandler(const HttpRequest& request) {
    const auto& routes = server_.routes();
    auto path = routes.by_path.find(request.path);
    if (path == routes.by_path.end()) {
      if (routes.fallback) {
        return &routes.fallback;
      }
      unrouted_ = ProblemResponse(404, "no route for " + request.path);
      return nullptr;
    }
    auto method = path->second.find(request.method);
    if (method != path->second.end()) {
      return &method->second;
    }
    std::string allow;
    for (const auto& [name, handler] : path->second) {
      allow += allow.empty() ? "" : ", ";
      allow += name;
    }
    unrouted_ = ProblemResponse(405, request.method + " is not allowed on " + request.path);
    unrouted_->headers.Add("Allow", std::move(allow));
    return nullptr;
  }

  void OnHandlerTimeout(uint64_t sequence, error_code ec) {
    if (ec || state_ != State::kHandling || sequence != sequence_) {
      return;
    }
    Write(ProblemResponse(503, "the request was not answered in time"), /*close_after=*/false);
  }

  void Write(HttpResponse response, bool close_after) {
    state_ = State::kWriting;
    close_after_ = close_after || !keep_alive_ || stopping_ || server_.closing();

    response_ = {};
    response_.version(version_ == 10 ? 10 : 11);
    response_.result(static_cast<unsigned>(response.status));
    response_.reason(ToBeast(ReasonPhrase(response.status)));
    for (auto& [name, value] : response.headers) {
      if (EqualsIgnoreCase(name, "Content-Length") || EqualsIgnoreCase(name, "Connection") ||
          EqualsIgnoreCase(name, "Transfer-Encoding")) {
        continue;
      }
      response_.insert(ToBeast(name), ToBeast(value));
    }
    if (!server_.options().server_header.empty() &&
        response_.find(http::field::server) == response_.end()) {
      response_.set(http::field::server, server_.options().server_header);
    }
    if (response_.find(http::field::date) == response_.end()) {
      response_.set(http::field::date, FormatHttpDate(std::chrono::system_clock::now()));
    }
    bool bodiless = (response.status >= 100 && response.status < 200) || response.status == 204 ||
                    response.status == 304;
    if (!bodiless) {
      response_.content_length(response.body.size());
      if (!head_request_) {
        response_.body() = std::move(response.body);
      }
    }
    response_.keep_alive(!close_after_);

    stream_.expires_after(server_.options().write_timeout);
    http::async_write(stream_, response_,
                      beast::bind_front_handler(&Session::OnWrite, shared_from_this()));
  }

  void OnWrite(error_code ec, size_t) {
    if (state_ == State::kClosed) {
      return;
    }
    if (ec) {
      Close();
      return;
    }
    response_ = {};
    if (close_after_) {
      Linger();
      return;
    }
    ReadHeader();
  }

  void Linger() {
    state_ = State::kLingering;
    error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.expires_after(std::min(server_.options().read_timeout, kMaxLinger));
    Drain();
  }

  void Drain() {
    buffer_.clear();
    stream_.async_read_some(buffer_.prepare(64 << 10),
                            beast::bind_front_handler(&Session::OnDrained, shared_from_this()));
  }

  void OnDrained(error_code ec, size_t) {
    if (state_ == State::kClosed) {
      return;
    }
    if (ec) {
      Close();
      return;
    }
    Drain();
  }

  // Closes the connection; `reset` skips the orderly shutdown so that the peer sees a reset.
  void Close(bool reset = false) {
    if (state_ == State::kClosed) {
      return;
    }
    auto self = shared_from_this();
    state_ = State::kClosed;
    handler_timer_.cancel();
    error_code ignored;
    if (!reset) {
      stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    }
    stream_.socket().close(ignored);
    server_.Forget(this);
  }

  internal::ServerCore& server_;
  Stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  http::response<http::string_body> response_;
  Timer handler_timer_;
  std::string remote_address_;
  State state_ = State::kReadingHeader;
  uint64_t sequence_ = 0;
  unsigned version_ = 11;
  bool keep_alive_ = true;
  bool head_request_ = false;
  bool close_after_ = false;
  bool stopping_ = false;
  std::optional<HttpResponse> unrouted_;
};

namespace internal {

ResponseSlot::~ResponseSlot() {
  if (!answered.load(std::memory_order_acquire)) {
    Deliver(ProblemResponse(500, "the request was dropped without an answer"));
  }
}

void ResponseSlot::Deliver(std::optional<HttpResponse> response) {
  if (answered.exchange(true, std::memory_order_acq_rel)) {
    return;
  }
  std::shared_lock lock(gate->mu);
  if (!gate->open) {
    return;
  }
  std::shared_ptr<Session> target = session.lock();
  if (target == nullptr) {
    return;
  }
  // Runs on the session's I/O thread; the posted call keeps the session alive.
  asio::post(target->executor(),
             [target, sequence = sequence, response = std::move(response)]() mutable {
               target->Deliver(sequence, std::move(response));
             });
  // `target` is released here, under the gate, so no session outlives a closed gate through us.
}

Status ServerCore::AddRoute(std::string_view method, std::string_view path, Handler handler) {
  if (started_) {
    return Status(StatusCode::kFailedPrecondition, "routes must be added before Start");
  }
  if (method.empty()) {
    return InvalidArgumentError("empty HTTP method");
  }
  if (path.empty() || path.front() != '/') {
    return InvalidArgumentError("route path must start with '/': \"" + std::string(path) + "\"");
  }
  if (!handler) {
    return InvalidArgumentError("empty handler for " + std::string(path));
  }
  auto& methods = routes_.by_path[std::string(path)];
  if (!methods.emplace(std::string(method), std::move(handler)).second) {
    return Status(StatusCode::kAlreadyExists,
                  "route already added: " + std::string(method) + " " + std::string(path));
  }
  return Status::Ok();
}

Status ServerCore::Start() {
  if (started_) {
    return Status(StatusCode::kFailedPrecondition, "the server was already started");
  }
  if (options_.io_threads < 1) {
    return InvalidArgumentError("io_threads must be at least 1");
  }
  std::string where = options_.host + ":" + std::to_string(options_.port);
  error_code ec;
  tcp::resolver resolver(*contexts_.front());
  auto endpoints = resolver.resolve(options_.host, std::to_string(options_.port),
                                    tcp::resolver::passive | tcp::resolver::numeric_service, ec);
  if (ec || endpoints.empty()) {
    return UnavailableError("cannot resolve listen address: " + ec.message(), where);
  }
  tcp::endpoint endpoint = endpoints.begin()->endpoint();
  acceptor_.open(endpoint.protocol(), ec);
  if (!ec) {
    acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
  }
  if (!ec) {
    acceptor_.bind(endpoint, ec);
  }
  if (!ec) {
    acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  }
  if (ec) {
    error_code ignored;
    acceptor_.close(ignored);
    return UnavailableError("cannot listen: " + ec.message(), where);
  }
  bound_ = acceptor_.local_endpoint(ec);
  if (ec) {
    return UnavailableError("cannot read the bound address: " + ec.message(), where);
  }
  started_ = true;
  asio::dispatch(acceptor_.get_executor(), [this] { Accept(); });
  threads_.reserve(contexts_.size());
  for (const auto& context : contexts_) {
    threads_.emplace_back(NamedThread("http-io", [&io = *context] { io.run(); }));
  }
  return Status::Ok();
}

void ServerCore::Accept() {
  asio::io_context& context = *contexts_[next_context_++ % contexts_.size()];
  acceptor_.async_accept(context.get_executor(),
                         [this](error_code ec, Socket socket) { OnAccept(ec, std::move(socket)); });
}

void ServerCore::OnAccept(const error_code& ec, Socket socket) {
  if (!acceptor_.is_open()) {
    return;
  }
  if (ec) {
    // Out of descriptors or a similar passing trouble: pause instead of spinning.
    accept_retry_timer_.emplace(acceptor_.get_executor(), kAcceptRetryDelay);
    accept_retry_timer_->async_wait([this](error_code wait_ec) {
      if (!wait_ec && acceptor_.is_open()) {
        Accept();
      }
    });
    return;
  }
  connections_accepted_.fetch_add(1, std::memory_order_relaxed);
  error_code ignored;
  socket.set_option(tcp::no_delay(true), ignored);
  auto session = std::make_shared<Session>(*this, std::move(socket));
  {
    std::lock_guard lock(sessions_mu_);
    if (stopping_) {
      return;  // the session's socket closes with it
    }
    sessions_.emplace(session.get(), session);
  }
  session->Start();
  Accept();
}

void ServerCore::Forget(Session* session) {
  std::shared_ptr<Session> last;  // destroyed outside the lock
  {
    std::lock_guard lock(sessions_mu_);
    auto it = sessions_.find(session);
    if (it == sessions_.end()) {
      return;
    }
    last = std::move(it->second);
    sessions_.erase(it);
  }
  sessions_cv_.notify_all();
}

void ServerCore::Stop(std::chrono::milliseconds deadline) {
  if (!started_ || stopped_) {
    stopped_ = true;
    return;
  }
  stopped_ = true;
  closing_.store(true);
  auto until = std::chrono::steady_clock::now() + deadline;

  std::promise<void> acceptor_closed;
  asio::dispatch(acceptor_.get_executor(), [this, &acceptor_closed] {
    error_code ignored;
    acceptor_.close(ignored);
    if (accept_retry_timer_) {
      accept_retry_timer_->cancel();
    }
    acceptor_closed.set_value();
  });
  acceptor_closed.get_future().wait();

  std::vector<std::shared_ptr<Session>> open;
  {
    std::lock_guard lock(sessions_mu_);
    stopping_ = true;
    for (const auto& [key, session] : sessions_) {
      open.push_back(session);
    }
  }
  for (const auto& session : open) {
    asio::post(session->executor(), [session] { session->BeginStop(); });
  }
  open.clear();

  {
    std::unique_lock lock(sessions_mu_);
    sessions_cv_.wait_until(lock, until, [this] { return sessions_.empty(); });
    for (const auto& [key, session] : sessions_) {
      open.push_back(session);
    }
  }
  for (const auto& session : open) {
    asio::post(session->executor(), [session] { session->ForceClose(); });
  }
  open.clear();
  {
    // Force-closing takes one pass of the I/O threads; do not wait on misbehaving ones forever.
    std::unique_lock lock(sessions_mu_);
    sessions_cv_.wait_for(lock, std::chrono::seconds(1), [this] { return sessions_.empty(); });
  }

  work_.clear();
  for (const auto& context : contexts_) {
    context->stop();
  }
  for (std::thread& thread : threads_) {
    thread.join();
  }
  threads_.clear();
  {
    std::unique_lock lock(gate_->mu);
    gate_->open = false;
  }
  std::unordered_map<Session*, std::shared_ptr<Session>> remaining;
  {
    std::lock_guard lock(sessions_mu_);
    remaining.swap(sessions_);
  }
}

}  // namespace internal

void Responder::Respond(HttpResponse response) const { slot_->Deliver(std::move(response)); }

void Responder::Abort() const { slot_->Deliver(std::nullopt); }

HttpServer::HttpServer(HttpServerOptions options)
    : impl_(std::make_unique<internal::ServerCore>(std::move(options))) {}

HttpServer::~HttpServer() = default;

Status HttpServer::AddRoute(std::string_view method, std::string_view path, Handler handler) {
  return impl_->AddRoute(method, path, std::move(handler));
}

Status HttpServer::AddSyncRoute(std::string_view method, std::string_view path,
                                SyncHandler handler) {
  if (!handler) {
    return InvalidArgumentError("empty handler for " + std::string(path));
  }
  return impl_->AddRoute(method, path,
                         [handler = std::move(handler)](HttpRequest request, Responder responder) {
                           responder.Respond(handler(request));
                         });
}

void HttpServer::SetFallback(Handler handler) {
  if (!impl_->started_) {
    impl_->routes_.fallback = std::move(handler);
  }
}

Status HttpServer::Start() { return impl_->Start(); }

uint16_t HttpServer::port() const { return impl_->bound_.port(); }

std::string HttpServer::base_url() const {
  const asio::ip::address& address = impl_->bound_.address();
  std::string host = address.to_string();
  if (address.is_unspecified()) {
    host = address.is_v6() ? "::1" : "127.0.0.1";
  }
  if (address.is_v6() || host == "::1") {
    host = "[" + host + "]";
  }
  return "http://" + host + ":" + std::to_string(port());
}

void HttpServer::Stop(std::chrono::milliseconds deadline) { impl_->Stop(deadline); }

HttpServerStats HttpServer::stats() const {
  HttpServerStats stats;
  stats.connections_accepted = impl_->connections_accepted_.load(std::memory_order_relaxed);
  stats.requests_received = impl_->requests_received_.load(std::memory_order_relaxed);
  std::lock_guard lock(impl_->sessions_mu_);
  stats.open_connections = impl_->sessions_.size();
  return stats;
}

}  // namespace erphub::net
