#include "faults/scripted_target.h"

#include <cstdio>

#include "core/json.h"
#include "core/value.h"

namespace erphub::faults {
namespace {

// The suite's messages carry {"id": KEY, "seq": N, ...}; the key and sequence survive mapping.
void ReadKeyAndSeq(Request& request) {
  Result<Value> json = ParseJson(request.body);
  if (!json.ok() || !json->is_object()) {
    return;
  }
  if (json->Get("id").is_string()) {
    request.key = std::string(json->Get("id").as_string());
  }
  if (json->Get("seq").is_number()) {
    request.seq = json->Get("seq").as_number().ToInt64().value_or(-1);
  }
}

}  // namespace

ScriptedTarget::ScriptedTarget() : script_([](const Request&) { return Answer::Take(); }) {
  timer_thread_ = std::thread([this] { RunTimers(); });
}

ScriptedTarget::~ScriptedTarget() {
  Down();
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  timer_cv_.notify_all();
  timer_thread_.join();
}

Status ScriptedTarget::Up() {
  if (server_ != nullptr) {
    return Status::Ok();
  }
  net::HttpServerOptions options;
  options.host = "127.0.0.1";
  options.port = port_;
  options.io_threads = 2;
  options.max_body_bytes = 16 << 20;
  // Hanging answers hang until the client gives up or the target goes down.
  options.handler_timeout = std::chrono::minutes(30);
  options.server_header = "scripted-target";
  auto server = std::make_unique<net::HttpServer>(options);
  server->SetFallback([this](net::HttpRequest request, net::Responder responder) {
    OnRequest(std::move(request), std::move(responder));
  });
  ERPHUB_TRY(server->Start());
  port_ = server->port();
  server_ = std::move(server);
  return Status::Ok();
}

void ScriptedTarget::Down() {
  if (server_ == nullptr) {
    return;
  }
  server_->Stop(std::chrono::milliseconds(0));
  server_.reset();
  // Answers for requests the server gave up on are dropped.
  std::lock_guard lock(mu_);
  hanging_.clear();
  timers_.clear();
}

bool ScriptedTarget::up() const { return server_ != nullptr; }

void ScriptedTarget::SetScript(Script script) {
  std::lock_guard lock(mu_);
  script_ = std::move(script);
}

std::vector<Request> ScriptedTarget::requests() const {
  std::lock_guard lock(mu_);
  return requests_;
}

size_t ScriptedTarget::request_count() const {
  std::lock_guard lock(mu_);
  return requests_.size();
}

size_t ScriptedTarget::taken_count() const {
  std::lock_guard lock(mu_);
  return taken_.size();
}

size_t ScriptedTarget::CountTaken(
    const std::vector<std::pair<std::string, int64_t>>& messages) const {
  std::lock_guard lock(mu_);
  size_t count = 0;
  for (const auto& message : messages) {
    count += taken_messages_.count(message);
  }
  return count;
}

bool ScriptedTarget::WaitFor(const std::function<bool()>& done,
                             std::chrono::milliseconds timeout) const {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() >= deadline) {
      return false;
    }
    std::unique_lock lock(mu_);
    changed_.wait_for(lock, std::chrono::milliseconds(50));
  }
  return true;
}

void ScriptedTarget::OnRequest(net::HttpRequest http, net::Responder responder) {
  Request request;
  request.at = std::chrono::steady_clock::now();
  request.idempotency_key = std::string(http.headers.GetOr("Idempotency-Key", ""));
  request.body = std::move(http.body);
  ReadKeyAndSeq(request);

  std::unique_lock lock(mu_);
  Answer answer = script_(request);
  std::optional<net::HttpResponse> response;
  auto taken =
      request.idempotency_key.empty() ? taken_.end() : taken_.find(request.idempotency_key);
  if (answer.hang) {
    hanging_.push_back(responder);
  } else if (answer.reset) {
    // Nothing taken, no answer.
  } else if (answer.kind != Answer::Kind::kStatus && taken != taken_.end()) {
    request.repeat = true;
    request.status = 200;
    response = net::HttpResponse::Json(200, taken->second);
  } else if (answer.kind != Answer::Kind::kStatus) {
    char number[32];
    std::snprintf(number, sizeof number, "SO-%06llu",
                  static_cast<unsigned long long>(next_document_++));
    std::string text = std::string(R"({"id":")") + number + R"(","status":"created"})";
    if (!request.idempotency_key.empty()) {
      taken_.emplace(request.idempotency_key, text);
    }
    request.taken = true;
    taken_messages_.emplace(request.key, request.seq);
    if (answer.kind == Answer::Kind::kTake) {
      request.status = 201;
      response = net::HttpResponse::Json(201, std::move(text));
    }
  } else {
    request.status = answer.status;
    response = answer.body.empty() ? net::HttpResponse::Empty(answer.status)
                                   : net::HttpResponse::Json(answer.status, answer.body);
    if (answer.retry_after >= 0) {
      response->headers.Set("Retry-After", std::to_string(answer.retry_after));
    }
  }
  requests_.push_back(std::move(request));
  changed_.notify_all();
  if (answer.hang) {
    return;
  }
  if (answer.delay.count() > 0) {
    timers_.emplace(std::chrono::steady_clock::now() + answer.delay,
                    Pending{std::move(responder), std::move(response)});
    timer_cv_.notify_all();
    return;
  }
  lock.unlock();
  if (response.has_value()) {
    responder.Respond(std::move(*response));
  } else {
    responder.Abort();
  }
}

void ScriptedTarget::RunTimers() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    if (timers_.empty()) {
      timer_cv_.wait(lock);
      continue;
    }
    SteadyTime due = timers_.begin()->first;
    if (std::chrono::steady_clock::now() < due) {
      timer_cv_.wait_until(lock, due);
      continue;
    }
    auto node = timers_.extract(timers_.begin());
    lock.unlock();
    Pending& pending = node.mapped();
    if (pending.response.has_value()) {
      pending.responder.Respond(std::move(*pending.response));
    } else {
      pending.responder.Abort();
    }
    lock.lock();
  }
}

}  // namespace erphub::faults
