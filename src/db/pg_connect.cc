#include "db/pg_connect.h"

#include <vector>

namespace erphub::db {

Result<PgConnPtr> PgConnect(const ConnectionOptions& options, const char* application_name,
                            PgReplication replication) {
  std::string timeout = std::to_string(options.timeout_seconds);
  std::vector<const char*> keywords = {"dbname", "connect_timeout", "application_name"};
  std::vector<const char*> values = {options.url.c_str(), timeout.c_str(), application_name};
  if (!options.password.empty()) {
    keywords.push_back("password");
    values.push_back(options.password.c_str());
  }
  if (replication == PgReplication::kYes) {
    keywords.push_back("replication");
    values.push_back("database");
  }
  keywords.push_back(nullptr);
  values.push_back(nullptr);
  PgConnPtr conn(PQconnectdbParams(keywords.data(), values.data(), /*expand_dbname=*/1), &PQfinish);
  if (conn == nullptr) {
    return UnavailableError("postgresql: out of memory");
  }
  if (PQstatus(conn.get()) != CONNECTION_OK) {
    return UnavailableError("postgresql: cannot connect to " + RedactUrl(options.url) + ": " +
                            PgTrimmed(PQerrorMessage(conn.get())));
  }
  return conn;
}

std::string PgTrimmed(const char* text) {
  std::string out = text == nullptr ? "" : text;
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) {
    out.pop_back();
  }
  return out;
}

}  // namespace erphub::db
