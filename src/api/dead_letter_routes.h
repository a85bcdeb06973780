#pragma once

#include <memory>
#include <string>

#include "core/clock.h"
#include "core/result.h"
#include "net/http_server.h"
#include "store/store.h"

namespace erphub::api {

struct DeadLetterApiOptions {
  // The bearer token every request must carry (Authorization: Bearer TOKEN). Empty: the admin
  // API is off and every request to it answers 403 saying how to turn it on.
  std::string token;
  // Borrowed; must outlive the API (see Stop).
  store::Store* store = nullptr;
  // For since=; nullptr: the system clock.
  const Clock* clock = nullptr;
};

// The admin API's dead-letter routes on the shared listener, JSON in and out, errors as
// application/problem+json, each doing what `erphub dlq` does (dead_letters.h):
//   GET  /api/v1/dead-letters[?flow=F&since=T&after=ID&limit=N]
//        {"items": [entry...], "next_after": ID|null}; since as for dlq list (RFC 3339, a date,
//        or a duration back from now such as 2d); limit 1..1000, default 100.
//   GET  /api/v1/dead-letters/{id}             the entry with message, payload and attempts
//   POST /api/v1/dead-letters/{id}/replay      body {} or {"note": "..."}
//   POST /api/v1/dead-letters/replay           body {"flow": "F"} or {"all": true} (+ "note")
//        replays answer {"replayed": [ids], "failed": [{"id": ID, "error": "..."}]}
//   POST /api/v1/dead-letters/{id}/discard     body {"reason": "..."} (required)
//   PUT  /api/v1/dead-letters/{id}/payload     body: the new payload (JSON); replaces the payload
//        and replays, the original kept in the lineage
// Statuses: 200; 400 bad input; 401 no or wrong token; 403 API off; 404 unknown id; 409 not a
// dead letter (any more); 503 (with Retry-After) when the store is full or unavailable.
// The routes under /api/v1/dead-letters/{id} use the listener's fallback handler (paths with a
// parameter); other unknown paths still get 404. Requests run one at a time on the API's own
// thread, off the listener's I/O threads.
class DeadLetterApi {
 public:
  explicit DeadLetterApi(DeadLetterApiOptions options);
  // Stop().
  ~DeadLetterApi();
  DeadLetterApi(const DeadLetterApi&) = delete;
  DeadLetterApi& operator=(const DeadLetterApi&) = delete;

  // Adds the routes and starts the API's thread; before the listener starts.
  Status AddRoutes(net::HttpServer& server);
  // Answers what is still queued with 503 and joins the thread; later requests get 503 too.
  // Call before the store closes. Idempotent.
  void Stop();

 private:
  struct State;
  std::shared_ptr<State> state_;
};

}  // namespace erphub::api
