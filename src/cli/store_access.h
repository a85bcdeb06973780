#pragma once

#include <CLI/CLI.hpp>
#include <memory>
#include <string>

#include "core/result.h"
#include "store/store.h"

namespace erphub::cli {

// Where an operator command finds the store: the config the hub runs with (its store url), or
// the store's url itself.
struct StoreArgs {
  std::string config_file;
  std::string store_url;
};

// Adds --config and --store to `cmd` (one of them is required at run time).
void AddStoreOptions(CLI::App* cmd, StoreArgs& args);

// The store url a config file names (store.url, ${VAR} references resolved from the process
// environment; a relative sqlite path made relative to the config's folder, as `erphub run`
// does). Only that setting is read, so the secrets a hub needs to run are not required
// to inspect its store.
Result<std::string> StoreUrlFromConfig(const std::string& config_file);

// Opens the store named by --store or by the config of --config. An sqlite store must exist:
// inspecting a missing file does not create an empty one (kNotFound); a PostgreSQL store must
// have its schema (kFailedPrecondition: "run `erphub migrate`").
Result<std::unique_ptr<store::Store>> OpenOperatorStore(const StoreArgs& args);

}  // namespace erphub::cli
