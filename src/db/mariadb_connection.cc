#include "db/mariadb_connection.h"

#include <mysql.h>

#include <cctype>
#include <string>
#include <vector>

#include "db/params.h"
#include "db/sql_text.h"

namespace erphub::db {
namespace {

// Server error numbers that mean "try again" (mysqld_error.h).
constexpr unsigned kLockWaitTimeout = 1205;
constexpr unsigned kLockDeadlock = 1213;
constexpr unsigned kTooManyConnections = 1040;
constexpr unsigned kServerShutdown = 1053;
constexpr unsigned kConnectionKilled = 1927;
constexpr unsigned kDuplicateEntry = 1062;
constexpr unsigned kDuplicateKey = 1586;

bool IsConstraintViolation(unsigned code) {
  switch (code) {
    case 1048:  // column cannot be null
    case 1216:  // foreign key: no parent row (old)
    case 1217:  // foreign key: row is referenced (old)
    case 1364:  // field has no default value
    case 1451:  // row is referenced
    case 1452:  // no parent row
    case 4025:  // CHECK constraint failed (MariaDB)
    case 3819:  // CHECK constraint violated (MySQL)
      return true;
    default:
      return false;
  }
}

std::string PercentDecoded(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() &&
        std::isxdigit(static_cast<unsigned char>(text[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(text[i + 2]))) {
      out += static_cast<char>(std::stoi(std::string(text.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

struct MariadbAddress {
  std::string user;
  std::optional<std::string> password;
  std::string host = "127.0.0.1";
  unsigned port = 3306;
  std::string database;
};

Result<MariadbAddress> ParseUrl(std::string_view url) {
  size_t scheme = url.find("://");
  if (scheme == std::string_view::npos) {
    return InvalidArgumentError("a MariaDB URL is mariadb://user@host:port/database");
  }
  std::string_view rest = url.substr(scheme + 3);
  rest = rest.substr(0, rest.find_first_of("?#"));
  MariadbAddress address;
  size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  if (slash != std::string_view::npos) {
    address.database = PercentDecoded(rest.substr(slash + 1));
  }
  size_t at = authority.rfind('@');
  if (at != std::string_view::npos) {
    std::string_view credentials = authority.substr(0, at);
    size_t colon = credentials.find(':');
    address.user = PercentDecoded(credentials.substr(0, colon));
    if (colon != std::string_view::npos) {
      address.password = PercentDecoded(credentials.substr(colon + 1));
    }
    authority = authority.substr(at + 1);
  }
  size_t colon = authority.rfind(':');
  if (colon != std::string_view::npos) {
    std::string port(authority.substr(colon + 1));
    if (port.empty() || port.size() > 5 ||
        port.find_first_not_of("0123456789") != std::string::npos) {
      return InvalidArgumentError("the port of a MariaDB URL is a number");
    }
    address.port = static_cast<unsigned>(std::stoul(port));
    authority = authority.substr(0, colon);
  }
  if (!authority.empty()) {
    address.host = std::string(authority);
  }
  if (address.database.empty()) {
    return InvalidArgumentError("a MariaDB URL names the database: mariadb://user@host:port/db");
  }
  return address;
}

Value ReadValue(const MYSQL_FIELD& field, const char* text, unsigned long length) {
  std::string_view view(text, length);
  switch (field.type) {
    case MYSQL_TYPE_TINY:
    case MYSQL_TYPE_SHORT:
    case MYSQL_TYPE_LONG:
    case MYSQL_TYPE_INT24:
    case MYSQL_TYPE_LONGLONG:
    case MYSQL_TYPE_YEAR:
    case MYSQL_TYPE_DECIMAL:
    case MYSQL_TYPE_NEWDECIMAL:
      return NumberOrText(view);
    case MYSQL_TYPE_FLOAT:
    case MYSQL_TYPE_DOUBLE: {
      std::optional<Number> number = Number::Parse(view);
      return number.has_value() ? Value::Num(*number) : Value::Str(view);
    }
    case MYSQL_TYPE_TIMESTAMP:
    case MYSQL_TYPE_DATETIME:
      return Value::Str(TimestampToIsoUtc(view));
    default:
      return Value::Str(view);
  }
}

class MariadbConnection final : public Connection {
 public:
  explicit MariadbConnection(MYSQL* mysql) : mysql_(mysql) {}
  ~MariadbConnection() override { mysql_close(mysql_); }

  using Connection::Execute;
  Dialect dialect() const override { return Dialect::kMariadb; }

  Result<QueryResult> Execute(std::string_view sql, std::span<const Value> params,
                              uint64_t max_bytes) override {
    int count = 0;
    std::string text = RewriteParameters(
        sql,
        [&](int index) -> std::string {
          if (index >= static_cast<int>(params.size())) {
            return "NULL";
          }
          return Literal(params[index]);
        },
        &count);
    if (count != static_cast<int>(params.size())) {
      return InvalidArgumentError("the statement has " + std::to_string(count) +
                                  " parameters, given " + std::to_string(params.size()));
    }
    if (mysql_real_query(mysql_, text.data(), text.size()) != 0) {
      return LastError();
    }
    QueryResult out;
    // Bounded: rows come from the server one at a time; freeing the result reads and drops
    // those left.
    MYSQL_RES* result = max_bytes > 0 ? mysql_use_result(mysql_) : mysql_store_result(mysql_);
    if (result == nullptr) {
      if (mysql_field_count(mysql_) != 0) {
        return LastError();
      }
      out.affected = static_cast<int64_t>(mysql_affected_rows(mysql_));
      return out;
    }
    unsigned columns = mysql_num_fields(result);
    MYSQL_FIELD* fields = mysql_fetch_fields(result);
    for (unsigned c = 0; c < columns; ++c) {
      out.columns.push_back(fields[c].name);
    }
    uint64_t bytes = 0;
    while (true) {
      if (max_bytes > 0 && bytes >= max_bytes) {
        out.truncated = true;
        break;
      }
      MYSQL_ROW row = mysql_fetch_row(result);
      if (row == nullptr) {
        break;
      }
      unsigned long* lengths = mysql_fetch_lengths(result);
      std::vector<Value> values;
      std::vector<Value> binds;
      values.reserve(columns);
      binds.reserve(columns);
      for (unsigned c = 0; c < columns; ++c) {
        if (row[c] == nullptr) {
          values.push_back(Value::Null());
          binds.push_back(Value::Null());
          continue;
        }
        values.push_back(ReadValue(fields[c], row[c], lengths[c]));
        binds.push_back(Value::Str(std::string_view(row[c], lengths[c])));
        bytes += lengths[c];
      }
      out.rows.push_back(std::move(values));
      out.bind_values.push_back(std::move(binds));
    }
    bool failed = mysql_errno(mysql_) != 0;
    mysql_free_result(result);
    if (failed) {
      return LastError();
    }
    return out;
  }

  Status Begin() override { return Execute("START TRANSACTION").status(); }
  Status Commit() override { return Execute("COMMIT").status(); }
  void Rollback() override {
    if (!broken_ && !Execute("ROLLBACK").ok()) {
      broken_ = true;
    }
  }
  bool Broken() const override { return broken_; }

 private:
  // A parameter as an SQL literal.
  std::string Literal(const Value& value) {
    if (value.is_bool()) {
      return value.as_bool() ? "TRUE" : "FALSE";
    }
    if (value.is_number() && value.as_number().IsFinite()) {
      // Digits only: an exact DECIMAL literal.
      return value.as_number().ToString();
    }
    std::optional<std::string> text = ParamText(value);
    if (!text.has_value()) {
      return "NULL";
    }
    std::string escaped(text->size() * 2 + 1, '\0');
    unsigned long length =
        mysql_real_escape_string(mysql_, escaped.data(), text->data(), text->size());
    escaped.resize(length);
    return "'" + escaped + "'";
  }

  Status LastError() {
    unsigned code = mysql_errno(mysql_);
    std::string message =
        "mariadb: " + std::string(mysql_error(mysql_)) + " (error " + std::to_string(code) + ")";
    if (code >= 2000 || code == kServerShutdown || code == kConnectionKilled ||
        code == kTooManyConnections) {
      broken_ = true;
      return UnavailableError(message);
    }
    if (code == kLockWaitTimeout || code == kLockDeadlock) {
      return UnavailableError(message);
    }
    if (code == kDuplicateEntry || code == kDuplicateKey) {
      return Status(StatusCode::kAlreadyExists, message);
    }
    if (IsConstraintViolation(code)) {
      return Status(StatusCode::kFailedPrecondition, message);
    }
    return InvalidArgumentError(message);
  }

  MYSQL* mysql_;
  bool broken_ = false;
};

}  // namespace

Result<std::unique_ptr<Connection>> ConnectMariadb(const ConnectionOptions& options) {
  ERPHUB_ASSIGN_OR_RETURN(MariadbAddress address, ParseUrl(options.url));
  MYSQL* mysql = mysql_init(nullptr);
  if (mysql == nullptr) {
    return UnavailableError("mariadb: out of memory");
  }
  unsigned timeout = static_cast<unsigned>(options.timeout_seconds);
  mysql_options(mysql, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
  mysql_options(mysql, MYSQL_OPT_READ_TIMEOUT, &timeout);
  mysql_options(mysql, MYSQL_OPT_WRITE_TIMEOUT, &timeout);
  mysql_options(mysql, MYSQL_SET_CHARSET_NAME, "utf8mb4");
  mysql_options(mysql, MYSQL_INIT_COMMAND, "SET time_zone = '+00:00'");
  std::string password = address.password.value_or(options.password);
  if (mysql_real_connect(mysql, address.host.c_str(), address.user.c_str(),
                         password.empty() ? nullptr : password.c_str(), address.database.c_str(),
                         address.port, nullptr, CLIENT_FOUND_ROWS) == nullptr) {
    std::string message = mysql_error(mysql);
    unsigned code = mysql_errno(mysql);
    mysql_close(mysql);
    Status status(code >= 2000 ? StatusCode::kUnavailable : StatusCode::kPermissionDenied,
                  "mariadb: cannot connect to " + RedactUrl(options.url) + ": " + message);
    return status;
  }
  return std::unique_ptr<Connection>(std::make_unique<MariadbConnection>(mysql));
}

}  // namespace erphub::db
