#pragma once

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/result.h"
#include "store/postgres/pg_conn.h"

namespace erphub::store {

// A small pool of connections to one database, opened on demand up to `max_size`; a caller
// beyond that waits for one to come back. Connections found broken are dropped and replaced.
class PgPool {
 public:
  // `session_sql` runs on every new connection (session settings).
  PgPool(std::string url, int max_size, std::string session_sql);
  ~PgPool();
  PgPool(const PgPool&) = delete;
  PgPool& operator=(const PgPool&) = delete;

  // Runs `fn` in one transaction on a pooled connection (BEGIN ... COMMIT), again from the
  // start when PostgreSQL aborts it for a deadlock or a serialization failure (a few times),
  // and rolls back when `fn` fails. `fn` must be safe to run again.
  Status Transaction(const std::function<Status(PgConn&)>& fn);
  // Runs `fn` in a read-only transaction that sees one snapshot (REPEATABLE READ).
  Status ReadTransaction(const std::function<Status(PgConn&)>& fn);
  // Runs `fn` on a pooled connection outside any explicit transaction (each statement is its
  // own), e.g. a single read.
  Status WithConnection(const std::function<Status(PgConn&)>& fn);

  const std::string& redacted_url() const { return redacted_url_; }

 private:
  Result<std::unique_ptr<PgConn>> Take();
  void Give(std::unique_ptr<PgConn> conn);
  Status RunTransaction(const std::string& begin, const std::function<Status(PgConn&)>& fn);

  const std::string url_;
  const std::string redacted_url_;
  const int max_size_;
  const std::string session_sql_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<PgConn>> idle_;
  int open_ = 0;
};

}  // namespace erphub::store
