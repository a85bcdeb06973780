#include <cstdio>
#include <memory>
#include <string>

#include "cli/commands.h"
#include "cli/store_access.h"
#include "store/open_store.h"
#include "store/postgres/pg_conn.h"

namespace erphub::cli {
namespace {

struct MigrateArgs {
  StoreArgs store;
  std::string config_positional;
};

int Fail(const Status& status) {
  std::string text = "erphub migrate: " + status.ToString() + "\n";
  std::fwrite(text.data(), 1, text.size(), stderr);
  return status.code() == StatusCode::kInvalidArgument ? 2 : 1;
}

int RunMigrate(MigrateArgs args) {
  if (!args.config_positional.empty()) {
    if (!args.store.config_file.empty() || !args.store.store_url.empty()) {
      return Fail(InvalidArgumentError("name the store once: CONFIG, --config or --store"));
    }
    args.store.config_file = args.config_positional;
  }
  std::string url = args.store.store_url;
  if (url.empty()) {
    if (args.store.config_file.empty()) {
      return Fail(InvalidArgumentError("name the store with CONFIG or --store URL"));
    }
    Result<std::string> from_config = StoreUrlFromConfig(args.store.config_file);
    if (!from_config.ok()) {
      return Fail(from_config.status());
    }
    url = *from_config;
  }
  Result<store::MigrationReport> report = store::MigrateStore(url);
  if (!report.ok()) {
    return Fail(report.status());
  }
  std::string text = "store " + store::RedactPostgresUrl(url) + ": ";
  if (report->from_version == report->to_version) {
    text += "schema version " + std::to_string(report->to_version) + ", up to date\n";
  } else {
    text += "schema version " + std::to_string(report->from_version) + " -> " +
            std::to_string(report->to_version) + "\n";
  }
  std::fwrite(text.data(), 1, text.size(), stdout);
  return 0;
}

}  // namespace

void AddMigrateCommand(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<MigrateArgs>();
  CLI::App* cmd = app.add_subcommand(
      "migrate",
      "Bring the store's schema up to this erphub's version, creating it in an empty store.\n"
      "`erphub run` creates an empty store itself; an existing older schema is upgraded by\n"
      "this command only for PostgreSQL (so that a newer node does not change the schema under\n"
      "nodes still running the older release) and by run or this command for SQLite. A schema\n"
      "newer than this erphub is refused. Safe to run again, and from several places at once.");
  cmd->add_option("CONFIG", args->config_positional, "The hub's config file (its store.url)");
  AddStoreOptions(cmd, args->store);
  cmd->callback([args, &exit_code] { exit_code = RunMigrate(*args); });
}

}  // namespace erphub::cli
