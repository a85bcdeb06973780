// `erphub cdc resnapshot CONFIG --flow FLOW`: makes a flow's postgres_cdc input start over with a
// new replication slot and a new snapshot of its tables, after its slot was dropped or lost.
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/store_access.h"
#include "components/inputs/cdc_state.h"
#include "components/inputs/postgres_cdc_input.h"

namespace erphub::cli {
namespace {

struct CdcArgs {
  StoreArgs store;
  std::string config_positional;
  std::string flow;
};

int Fail(const Status& status) {
  std::string text = "erphub cdc resnapshot: " + status.ToString() + "\n";
  std::fwrite(text.data(), 1, text.size(), stderr);
  return status.code() == StatusCode::kInvalidArgument ? 2 : 1;
}

int RunResnapshot(CdcArgs args) {
  if (!args.config_positional.empty()) {
    if (!args.store.config_file.empty() || !args.store.store_url.empty()) {
      return Fail(InvalidArgumentError("name the store once: CONFIG, --config or --store"));
    }
    args.store.config_file = args.config_positional;
  }
  if (args.store.config_file.empty() && args.store.store_url.empty()) {
    return Fail(InvalidArgumentError("name the store with CONFIG or --store URL"));
  }
  Result<std::unique_ptr<store::Store>> store = OpenOperatorStore(args.store);
  if (!store.ok()) {
    return Fail(store.status());
  }
  const std::string key = components::PostgresCdcStateKey(args.flow);
  Result<std::optional<std::string>> current = (*store)->GetState(key);
  if (!current.ok()) {
    return Fail(current.status());
  }
  if (!current->has_value()) {
    return Fail(Status(StatusCode::kNotFound,
                       "flow " + args.flow +
                           " has no postgres_cdc position in the store (it "
                           "never ran, or the name is wrong): its first run snapshots anyway"));
  }
  std::string slot = "its slot";
  std::string lsn;
  std::vector<store::StateWrite> writes = {
      store::StateWrite::Replace(key, **current, components::PostgresCdcResnapshotState())};
  if (auto state = components::cdc::DecodeState(**current); state.ok()) {
    if (state->resnapshot) {
      std::fputs("already requested: the next run of the flow snapshots again\n", stdout);
      return 0;
    }
    slot = "slot " + state->slot;
    lsn = " (it had committed changes up to " + db::pgoutput::FormatLsn(state->lsn) + ")";
    // Snapshot rows staged and not yet messages belong to the snapshot that starts over.
    for (int64_t chunk = state->expanded; chunk < state->staged; ++chunk) {
      writes.push_back(store::StateWrite::Erase(components::PostgresCdcChunkKey(args.flow, chunk)));
    }
  }
  Status written = (*store)->PutState(writes);
  if (!written.ok()) {
    return Fail(written);
  }
  std::string text = "flow " + args.flow + ": the position of " + slot + " is cleared" + lsn +
                     ". On its next run the flow drops and recreates the slot and reads every "
                     "row of its tables again (op \"read\"), then streams from there.\n";
  std::fwrite(text.data(), 1, text.size(), stdout);
  return 0;
}

}  // namespace

void AddCdcCommand(CLI::App& app, int& exit_code) {
  CLI::App* cdc = app.add_subcommand("cdc", "Change-data-capture (postgres_cdc inputs).");
  cdc->require_subcommand(1);
  auto args = std::make_shared<CdcArgs>();
  CLI::App* cmd = cdc->add_subcommand(
      "resnapshot",
      "Clear a postgres_cdc flow's position in the store so that its next run creates a new "
      "replication slot and reads its tables again: the way back after the slot was dropped or "
      "invalidated. Stop the hub first. Exits 1 when the flow has no position.");
  cmd->add_option("CONFIG", args->config_positional, "The config the hub runs with");
  AddStoreOptions(cmd, args->store);
  cmd->add_option("--flow", args->flow, "The flow whose input starts over")->required();
  cmd->callback([args, &exit_code] { exit_code = RunResnapshot(*args); });
}

}  // namespace erphub::cli
