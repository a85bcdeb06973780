#include "components/outputs/sql_output.h"

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "components/factory_support.h"
#include "core/call_batcher.h"
#include "db/connection.h"
#include "db/row_statements.h"
#include "mapping/jsonata.h"

namespace erphub::components {
namespace {

using db::RowValues;
using db::Statement;
using db::WriteOperation;

struct SqlOutputSettings {
  db::ConnectionOptions connection;
  std::string table;
  std::vector<std::string> key;
  WriteOperation operation = WriteOperation::kUpsert;
  std::optional<jsonata::Expression> rows;
  // Column name -> expression over the row; empty: the row's top-level fields.
  std::vector<std::pair<std::string, jsonata::Expression>> columns;
  int batch_size = 100;
};

std::string_view OperationVerb(WriteOperation operation) {
  switch (operation) {
    case WriteOperation::kUpsert:
      return "upserted";
    case WriteOperation::kInsert:
      return "inserted";
    case WriteOperation::kUpdate:
      return "updated";
    case WriteOperation::kDelete:
      return "deleted";
  }
  return "";
}

Failure PermanentFailure(std::string error) {
  Failure failure;
  failure.error = std::move(error);
  return failure;
}

// The statements that write one delivery's rows.
using RowWrites = std::vector<Statement>;
using Outcome = Result<Delivered, Failure>;

class SqlOutput final : public Output {
 public:
  explicit SqlOutput(SqlOutputSettings settings, db::Dialect dialect)
      : settings_(std::move(settings)),
        dialect_(dialect),
        writes_(static_cast<size_t>(settings_.batch_size), std::chrono::milliseconds(0),
                [this](const std::vector<const RowWrites*>& batch) { return WriteBatch(batch); }) {}

  Result<Delivered, Failure> Deliver(const Delivery& delivery) override {
    const Value& payload =
        delivery.payload != nullptr ? *delivery.payload : delivery.message->payload;
    auto statements = Statements(payload);
    if (!statements.ok()) {
      return statements.error();
    }
    // Deliveries that arrive while a batch is written go together into the next one, in one
    // transaction (group commit).
    return writes_.Call(*statements);
  }

 private:
  // The statements that write the payload's rows; a permanent failure when a row is not an
  // object, an expression fails or a key is missing.
  Result<std::vector<Statement>, Failure> Statements(const Value& payload) {
    Value selected = payload;
    if (settings_.rows.has_value()) {
      auto evaluated = settings_.rows->Evaluate(payload);
      if (!evaluated.ok()) {
        return PermanentFailure("rows: " + evaluated.error().ToString());
      }
      selected = std::move(*evaluated);
    }
    std::vector<Value> rows;
    if (selected.is_array()) {
      rows = selected.as_array();
    } else if (!selected.is_undefined()) {
      rows.push_back(std::move(selected));
    }
    std::vector<Statement> statements;
    statements.reserve(rows.size());
    for (size_t i = 0; i < rows.size(); ++i) {
      std::string where = "row " + std::to_string(i + 1) + ": ";
      if (!rows[i].is_object()) {
        return PermanentFailure(where + "is not an object");
      }
      RowValues row;
      if (settings_.columns.empty()) {
        for (const auto& [name, value] : rows[i].as_object()) {
          row.columns.push_back(name);
          row.values.push_back(value);
        }
      } else {
        for (const auto& [name, expression] : settings_.columns) {
          auto value = expression.Evaluate(rows[i]);
          if (!value.ok()) {
            return PermanentFailure(where + "column " + name + ": " + value.error().ToString());
          }
          if (value->is_undefined()) {
            continue;  // not set: an upsert leaves the column as it is
          }
          row.columns.push_back(name);
          row.values.push_back(std::move(*value));
        }
      }
      auto statement =
          db::WriteStatement(dialect_, settings_.operation, settings_.table, settings_.key, row);
      if (!statement.ok()) {
        return PermanentFailure(where + std::string(statement.status().message()));
      }
      statements.push_back(std::move(*statement));
    }
    return statements;
  }

  // Writes the batch in one transaction; when that fails on a row, each delivery alone.
  std::vector<Outcome> WriteBatch(const std::vector<const RowWrites*>& batch) {
    auto written = WriteTogether(batch);
    std::vector<Outcome> outcomes;
    for (const RowWrites* statements : batch) {
      if (written.ok()) {
        outcomes.push_back(Delivered{0, Detail(statements->size())});
      } else if (written.error().transient || batch.size() == 1) {
        outcomes.push_back(written.error());
      } else {
        auto alone = WriteTogether({statements});
        outcomes.push_back(alone.ok() ? Outcome(Delivered{0, Detail(statements->size())})
                                      : Outcome(alone.error()));
      }
    }
    return outcomes;
  }

  std::string Detail(size_t rows) const {
    return std::string(OperationVerb(settings_.operation)) + " " + std::to_string(rows) +
           (rows == 1 ? " row in " : " rows in ") + settings_.table;
  }

  Result<bool, Failure> WriteTogether(const std::vector<const RowWrites*>& batch) {
    if (connection_ == nullptr || connection_->Broken()) {
      connection_.reset();
      auto connected = db::Connect(settings_.connection);
      if (!connected.ok()) {
        return AsFailure(connected.status(), "");
      }
      connection_ = std::move(*connected);
    }
    Status begun = connection_->Begin();
    if (!begun.ok()) {
      return AsFailure(begun, "");
    }
    for (const RowWrites* statements : batch) {
      for (size_t i = 0; i < statements->size(); ++i) {
        const Statement& statement = (*statements)[i];
        auto result = connection_->Execute(statement.sql, statement.params);
        Status status = result.ok() ? Status::Ok() : result.status();
        if (status.ok() && settings_.operation == WriteOperation::kUpdate &&
            result->affected == 0) {
          status = NotFoundError("no row in " + settings_.table + " has this key");
        }
        if (!status.ok()) {
          connection_->Rollback();
          std::string where = statements->size() > 1 || batch.size() > 1
                                  ? "row " + std::to_string(i + 1) + ": "
                                  : "";
          return AsFailure(status, where);
        }
      }
    }
    Status committed = connection_->Commit();
    if (!committed.ok()) {
      connection_->Rollback();
      return AsFailure(committed, "commit: ");
    }
    return true;
  }

  Failure AsFailure(const Status& status, const std::string& where) {
    Failure failure;
    failure.transient = status.IsTransient();
    failure.error = where + status.ToString();
    if (failure.transient && connection_ != nullptr && connection_->Broken()) {
      connection_.reset();
    }
    return failure;
  }

  const SqlOutputSettings settings_;
  const db::Dialect dialect_;
  // Only the batch being written touches the connection.
  std::unique_ptr<db::Connection> connection_;
  CallBatcher<RowWrites, Outcome> writes_;  // last: built on the members above
};

std::vector<CheckProblem> IsDatabaseUrl(const Value& value) {
  auto dialect = db::DialectOfUrl(value.as_string());
  if (dialect.ok()) {
    return {};
  }
  return {{"", std::string(dialect.status().message())}};
}

}  // namespace

ComponentSpec SqlOutputSpec() {
  return ComponentSpec::Output("sql")
      .Summary(
          "Writes each message's rows into a PostgreSQL, SQLite or MariaDB table by key "
          "(upsert, insert, update, delete), batched, one transaction per batch, idempotent.")
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
      .Field(StringField("table").Required().Min(1).Description(
          "The table, optionally with its schema: orders, sales.orders."))
      .Field(ListField("key", StringField("column").Min(1))
                 .Required()
                 .Min(1)
                 .Description("The key columns that identify a row (a primary or unique key on "
                              "them makes upsert and insert work)."))
      .Field(EnumField("operation", {"upsert", "insert", "update", "delete"})
                 .Default("upsert")
                 .Description(
                     "upsert: insert, or update the row with the key when a value differs; "
                     "insert: insert, leaving a row with the key as it is; update: update the "
                     "row with the key (none there is a permanent failure); delete: delete the "
                     "row with the key (none there is fine). Replaying a delivery changes "
                     "nothing."))
      .Field(StringField("rows").Description(
          "JSONata selecting the rows in the payload (an object or an array of objects), e.g. "
          "lines; default: the payload itself."))
      .Field(MapField("columns", StringField("expression").Min(1))
                 .Description("Column name -> JSONata over the row, e.g. {id: \"order_id\", "
                              "total: \"$.amount.value\"}; a column whose expression gives "
                              "nothing is not written. Default: the row's top-level fields "
                              "(objects and arrays written as JSON text)."))
      .Field(
          IntField("batch_size")
              .Default(100)
              .Min(1)
              .Max(10000)
              .Description(
                  "Most messages written in one transaction: deliveries that wait while a batch is "
                  "written go together into the next one."))
      .Field(DurationField("timeout")
                 .Default("30s")
                 .Min(std::chrono::milliseconds(1000))
                 .Description("Connect and statement time limit."));
}

Result<std::unique_ptr<Component>> MakeSqlOutput(const ComponentConfig& config,
                                                 const ComponentEnv& env) {
  SqlOutputSettings settings;
  settings.connection = DbConnectionOptions(config, env);
  ERPHUB_ASSIGN_OR_RETURN(db::Dialect dialect, db::DialectOfUrl(settings.connection.url));
  settings.table = std::string(config.GetString("table"));
  for (const Value& column : config.Get("key").as_array()) {
    settings.key.push_back(std::string(column.as_string()));
  }
  std::string_view operation = config.GetString("operation");
  settings.operation = operation == "insert"   ? WriteOperation::kInsert
                       : operation == "update" ? WriteOperation::kUpdate
                       : operation == "delete" ? WriteOperation::kDelete
                                               : WriteOperation::kUpsert;
  settings.batch_size = static_cast<int>(config.GetInt("batch_size"));
  if (config.Has("rows")) {
    auto rows = jsonata::Expression::Compile(config.GetString("rows"));
    if (!rows.ok()) {
      return ConfigProblem(config, "rows", rows.error().ToString());
    }
    settings.rows = std::move(*rows);
  }
  const Value& columns = config.Get("columns");
  if (columns.is_object()) {
    for (const auto& [name, text] : columns.as_object()) {
      auto expression = jsonata::Expression::Compile(text.as_string());
      if (!expression.ok()) {
        return ConfigProblem(config, "columns." + name, expression.error().ToString());
      }
      settings.columns.emplace_back(name, std::move(*expression));
    }
    for (const std::string& key : settings.key) {
      bool mapped = false;
      for (const auto& [name, expression] : settings.columns) {
        mapped = mapped || name == key;
      }
      if (!mapped) {
        return ConfigProblem(config, "columns", "maps no value to the key column " + key);
      }
    }
  }
  return std::unique_ptr<Component>(std::make_unique<SqlOutput>(std::move(settings), dialect));
}

}  // namespace erphub::components
