#include "components/inputs/sql_input.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "components/factory_support.h"
#include "components/inputs/poller.h"
#include "components/inputs/state_commit.h"
#include "core/json.h"
#include "core/log.h"
#include "db/connection.h"
#include "db/sql_text.h"

namespace erphub::components {
namespace {

using std::chrono::milliseconds;

enum class Start { kAll, kNew };

struct SqlInputSettings {
  db::ConnectionOptions connection;
  std::string source;  // the query, or SELECT * FROM table
  std::string source_name;
  std::vector<std::string> watermark;
  std::vector<std::string> key;
  int64_t batch = 500;
  uint64_t batch_bytes = 16 << 20;
  milliseconds poll_interval{5000};
  Start start = Start::kAll;
};

// Column positions of a result, by name (exact, else ignoring case as databases fold it).
Result<std::vector<size_t>> ColumnPositions(const std::vector<std::string>& columns,
                                            const std::vector<std::string>& wanted) {
  auto lower = [](std::string text) {
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return text;
  };
  std::vector<size_t> positions;
  for (const std::string& name : wanted) {
    auto it = std::find(columns.begin(), columns.end(), name);
    if (it == columns.end()) {
      it = std::find_if(columns.begin(), columns.end(),
                        [&](const std::string& column) { return lower(column) == lower(name); });
    }
    if (it == columns.end()) {
      return InvalidArgumentError("the query returns no column " + name);
    }
    positions.push_back(static_cast<size_t>(it - columns.begin()));
  }
  return positions;
}

class SqlInput final : public Input {
 public:
  SqlInput(SqlInputSettings settings, db::Dialect dialect)
      : settings_(std::move(settings)), dialect_(dialect) {}
  ~SqlInput() override { Stop(); }

  Status Start(const InputContext& context) override {
    if (context.intake == nullptr) {
      return InternalError("sql input started without an intake");
    }
    context_ = context;
    state_key_ = "sql-input:" + context.flow;
    ERPHUB_TRY(
        RequireStoreState(*context_.intake, state_key_, "the sql input keeps its watermark"));
    poller_.Start([this] { Run(); });
    return Status::Ok();
  }

  void Stop() override { poller_.Stop(); }

 private:
  void Run() {
    while (!poller_.stopping()) {
      Status polled = Poll();
      if (!polled.ok()) {
        // The database or the store is away, or another process moved the watermark: the
        // next poll starts again from the watermark in the store.
        loaded_ = false;
        if (connection_ != nullptr && connection_->Broken()) {
          connection_.reset();
        }
        if (context_.metrics != nullptr) {
          context_.metrics->CountLabeled("erphub_sql_poll_errors_total", 1,
                                         {{"code", StatusCodeName(polled.code())}});
        }
        if (polled.ToString() != last_error_) {
          last_error_ = polled.ToString();
          Logger::Default().Warn("sql_input.poll_failed", {{"flow", Value::Str(context_.flow)},
                                                           {"error", Value::Str(last_error_)}});
        }
      } else {
        last_error_.clear();
      }
      if (!poller_.Pause()) {
        return;
      }
    }
  }

  Result<db::Connection*> Connection() {
    if (connection_ == nullptr || connection_->Broken()) {
      connection_.reset();
      ERPHUB_ASSIGN_OR_RETURN(connection_, db::Connect(settings_.connection));
    }
    return connection_.get();
  }

  std::string Quoted(const std::string& column) const {
    return "erphub_source." + db::QuoteIdentifier(dialect_, column);
  }

  std::string Order(bool descending) const {
    std::string order;
    for (const std::string& column : settings_.watermark) {
      order += order.empty() ? "" : ", ";
      order += Quoted(column) + (descending ? " DESC" : "");
    }
    return order;
  }

  std::string From() const { return " FROM (" + settings_.source + ") AS erphub_source"; }

  // Where the flow was committed up to; on its very first run the beginning or (start: new)
  // the latest row now, committed at once.
  Status Load() {
    ERPHUB_ASSIGN_OR_RETURN(stored_, context_.intake->GetState(state_key_));
    watermark_.clear();
    if (stored_.has_value()) {
      ERPHUB_ASSIGN_OR_RETURN(Value parsed, ParseJson(*stored_));
      if (!parsed.is_array() || parsed.size() != settings_.watermark.size()) {
        return InvalidArgumentError("the stored watermark " + *stored_ + " does not match the " +
                                    "watermark columns; reset " + state_key_);
      }
      watermark_ = parsed.as_array();
    } else if (settings_.start == Start::kNew) {
      ERPHUB_ASSIGN_OR_RETURN(db::Connection * connection, Connection());
      std::string sql = "SELECT *" + From() + " ORDER BY " + Order(true) + " LIMIT 1";
      ERPHUB_ASSIGN_OR_RETURN(db::QueryResult latest, connection->Execute(sql));
      if (!latest.rows.empty()) {
        ERPHUB_ASSIGN_OR_RETURN(std::vector<size_t> at,
                                ColumnPositions(latest.columns, settings_.watermark));
        std::vector<Value> last;
        for (size_t position : at) {
          last.push_back(latest.bind_values[0][position]);
        }
        ERPHUB_TRY(Commit({}, std::move(last)));
      }
    }
    loaded_ = true;
    return Status::Ok();
  }

  // Reads and commits batch after batch until the source has no more rows after the watermark.
  Status Poll() {
    if (!loaded_) {
      ERPHUB_TRY(Load());
    }
    while (true) {
      if (poller_.stopping() || context_.intake->Overloaded()) {
        return Status::Ok();  // the next poll goes on
      }
      ERPHUB_ASSIGN_OR_RETURN(db::Connection * connection, Connection());
      std::vector<Value> params;
      std::string sql = "SELECT *" + From();
      if (!watermark_.empty()) {
        sql += " WHERE " + After(params);
      }
      sql += " ORDER BY " + Order(false) + " LIMIT " + std::to_string(settings_.batch);
      ERPHUB_ASSIGN_OR_RETURN(db::QueryResult batch,
                              connection->Execute(sql, params, settings_.batch_bytes));
      if (batch.rows.empty()) {
        return Status::Ok();
      }
      ERPHUB_ASSIGN_OR_RETURN(std::vector<size_t> at_watermark,
                              ColumnPositions(batch.columns, settings_.watermark));
      ERPHUB_ASSIGN_OR_RETURN(std::vector<size_t> at_key,
                              ColumnPositions(batch.columns, settings_.key));
      std::vector<IntakeItem> items;
      items.reserve(batch.rows.size());
      for (size_t r = 0; r < batch.rows.size(); ++r) {
        items.push_back(Item(batch, r, at_watermark, at_key));
      }
      std::vector<Value> last;
      for (size_t position : at_watermark) {
        last.push_back(batch.bind_values.back()[position]);
      }
      ERPHUB_TRY(Commit(std::move(items), std::move(last)));
      if (!batch.truncated && batch.rows.size() < static_cast<size_t>(settings_.batch)) {
        return Status::Ok();
      }
    }
  }

  // (w1, w2, ...) > (v1, v2, ...), spelled out so that every dialect reads it.
  std::string After(std::vector<Value>& params) const {
    std::string condition;
    for (size_t i = 0; i < settings_.watermark.size(); ++i) {
      condition += condition.empty() ? "(" : " OR (";
      for (size_t j = 0; j < i; ++j) {
        condition += Quoted(settings_.watermark[j]) + " = ? AND ";
        params.push_back(watermark_[j]);
      }
      condition += Quoted(settings_.watermark[i]) + " > ?)";
      params.push_back(watermark_[i]);
    }
    return "(" + condition + ")";
  }

  IntakeItem Item(const db::QueryResult& batch, size_t r, const std::vector<size_t>& at_watermark,
                  const std::vector<size_t>& at_key) const {
    Value payload = Value::MakeObject();
    for (size_t c = 0; c < batch.columns.size(); ++c) {
      payload.Set(batch.columns[c], batch.rows[r][c]);
    }
    Value identity = Value::MakeArray();
    std::string key_text;
    for (size_t position : at_key) {
      identity.push_back(batch.bind_values[r][position]);
      key_text += key_text.empty() ? "" : ",";
      key_text += ToJson(batch.rows[r][position]);
    }
    for (size_t position : at_watermark) {
      identity.push_back(batch.bind_values[r][position]);
    }
    return IntakeItem{.payload = std::move(payload),
                      .headers = {{"X-Sql-Source", settings_.source_name}},
                      .event_id = "sql:" + ToJson(identity),
                      .source = "sql " + settings_.source_name + " " + key_text};
  }

  // Commits the messages and the watermark after them together.
  Status Commit(std::vector<IntakeItem> items, std::vector<Value> watermark) {
    std::string encoded = ToJson(Value::MakeArray(watermark));
    size_t count = items.size();
    std::vector<StateChange> change = {StateChange{state_key_, stored_, encoded}};
    ERPHUB_TRY(CommitWithState(*context_.intake, std::move(items), change));
    stored_ = std::move(encoded);
    watermark_ = std::move(watermark);
    if (context_.metrics != nullptr && count > 0) {
      context_.metrics->Count("erphub_sql_rows_total", static_cast<double>(count));
    }
    return Status::Ok();
  }

  const SqlInputSettings settings_;
  const db::Dialect dialect_;
  InputContext context_;
  std::string state_key_;
  // Only touched by the polling thread after Start.
  std::unique_ptr<db::Connection> connection_;
  bool loaded_ = false;
  std::optional<std::string> stored_;  // the watermark as stored; nullopt: none yet
  std::vector<Value> watermark_;       // empty: from the beginning
  std::string last_error_;
  Poller poller_{settings_.poll_interval};  // last: stops before the rest goes away
};

std::vector<CheckProblem> IsDatabaseUrl(const Value& value) {
  auto dialect = db::DialectOfUrl(value.as_string());
  if (dialect.ok()) {
    return {};
  }
  return {{"", std::string(dialect.status().message())}};
}

}  // namespace

ComponentSpec SqlInputSpec() {
  return ComponentSpec::Input("sql")
      .Summary(
          "Polls a PostgreSQL, SQLite or MariaDB table or query for new and changed rows by a "
          "watermark kept in the store; each row is a message.")
      .Field(StringField("url")
                 .Required()
                 .Check(IsDatabaseUrl)
                 .Description("The database: postgresql://user@host:5432/db (libpq's URL, "
                              "?sslmode=... and more), "
                              "sqlite:PATH (relative to the config) or mariadb://user@host:3306/db "
                              "(also mysql://)."))
      .Field(StringField("password")
                 .Secret()
                 .Description("Password of the database user, when the URL has none: ${ENV_VAR} or "
                              "file:/path."))
      .Field(StringField("table").Min(1).Description(
          "The table to read, optionally with its schema (sales.orders): every column."))
      .Field(StringField("query").Min(1).Description(
          "Instead of table: a SELECT whose rows to read (joins, chosen columns, a view). It "
          "is wrapped as SELECT * FROM (query) WHERE watermark > last ORDER BY watermark "
          "LIMIT batch, so it has no ORDER BY or LIMIT of its own."))
      .Field(ListField("watermark", StringField("column").Min(1))
                 .Required()
                 .Min(1)
                 .Description("Columns in whose order rows are read and after whose last "
                              "values the next poll starts, e.g. [updated_at, id]: the change "
                              "time, then a unique column for rows changed at the same time. "
                              "The combination must be unique and only grow as rows change."))
      .Field(ListField("key", StringField("column").Min(1))
                 .Description("Columns identifying a row (default: the last watermark column). "
                              "With the watermark values they make each change's event id, "
                              "which de-duplicates; the flow's `key` (e.g. $string(id)) keeps "
                              "the changes of one row in order."))
      .Field(IntField("batch").Default(500).Min(1).Max(100000).Description(
          "Rows read per query, committed together with the watermark after them."))
      .Field(SizeField("batch_bytes")
                 .Default("16MiB")
                 .Min(1)
                 .Description("A query's rows are read one at a time and reading stops at about "
                              "this much row data, whatever batch says (at least one row): wide "
                              "rows (large text or blobs) go in smaller commits instead of "
                              "piling up in memory. The next query goes on from there."))
      .Field(DurationField("poll_interval")
                 .Default("5s")
                 .Min(milliseconds(10))
                 .Description("Pause between two polls once the source has no more rows."))
      .Field(EnumField("start", {"all", "new"})
                 .Default("all")
                 .Description("Where a flow that has never run starts: all (every row there "
                              "is) or new (rows changed from now on). Later runs resume from the "
                              "stored watermark."))
      .Field(DurationField("timeout")
                 .Default("30s")
                 .Min(milliseconds(1000))
                 .Description("Connect and statement time limit."))
      .Check(ExactlyOneOf({"table", "query"}));
}

Result<std::unique_ptr<Component>> MakeSqlInput(const ComponentConfig& config,
                                                const ComponentEnv& env) {
  SqlInputSettings settings;
  settings.connection = DbConnectionOptions(config, env);
  ERPHUB_ASSIGN_OR_RETURN(db::Dialect dialect, db::DialectOfUrl(settings.connection.url));
  if (config.Has("table")) {
    settings.source_name = std::string(config.GetString("table"));
    settings.source = "SELECT * FROM " + db::QuoteIdentifier(dialect, settings.source_name);
  } else {
    settings.source = std::string(config.GetString("query"));
    while (!settings.source.empty() &&
           (settings.source.back() == ';' ||
            std::isspace(static_cast<unsigned char>(settings.source.back())))) {
      settings.source.pop_back();
    }
    settings.source_name = "query";
  }
  for (const Value& column : config.Get("watermark").as_array()) {
    settings.watermark.push_back(std::string(column.as_string()));
  }
  if (config.Has("key")) {
    for (const Value& column : config.Get("key").as_array()) {
      settings.key.push_back(std::string(column.as_string()));
    }
  } else {
    settings.key.push_back(settings.watermark.back());
  }
  settings.batch = config.GetInt("batch");
  settings.batch_bytes = config.GetSize("batch_bytes");
  settings.poll_interval = config.GetDuration("poll_interval");
  settings.start = config.GetString("start") == "new" ? Start::kNew : Start::kAll;
  return std::unique_ptr<Component>(std::make_unique<SqlInput>(std::move(settings), dialect));
}

}  // namespace erphub::components
