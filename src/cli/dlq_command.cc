#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "api/dead_letters.h"
#include "api/store_json.h"
#include "api/time_argument.h"
#include "cli/commands.h"
#include "cli/store_access.h"
#include "cli/text_table.h"
#include "cli/time_text.h"
#include "components/builtin.h"
#include "components/component.h"
#include "core/config.h"
#include "core/json.h"

namespace erphub::cli {
namespace {

using api::DeadLetterDetailJson;
using api::DeadLetterEntryJson;

void Print(const std::string& text) { std::fwrite(text.data(), 1, text.size(), stdout); }

void PrintJson(const Value& value) { Print(ToJson(value, JsonWriteOptions{.indent = 2}) + "\n"); }

int Fail(const Status& status) {
  std::string text = "erphub dlq: " + status.ToString() + "\n";
  std::fwrite(text.data(), 1, text.size(), stderr);
  return status.code() == StatusCode::kInvalidArgument ? 2 : 1;
}

Result<int64_t> ParseId(const std::string& text) { return api::ParseDeadLetterId(text); }

// --- list ---

struct ListArgs {
  StoreArgs store;
  std::string flow;
  std::string since;
  int limit = 100;
  bool json = false;
};

int RunList(const ListArgs& args) {
  store::DeadLetterFilter filter;
  filter.flow = args.flow;
  if (!args.since.empty()) {
    Result<Timestamp> since = api::ParseTimeArgument(args.since, SystemClock::Default().Now());
    if (!since.ok()) {
      return Fail(since.status().WithContext("--since"));
    }
    filter.since = *since;
  }
  Result<std::unique_ptr<store::Store>> store = OpenOperatorStore(args.store);
  if (!store.ok()) {
    return Fail(store.status());
  }
  Result<std::vector<store::DeadLetterEntry>> entries =
      api::ListDeadLetters(**store, filter, args.limit);
  if (!entries.ok()) {
    return Fail(entries.status());
  }
  if (args.json) {
    Array items;
    for (const store::DeadLetterEntry& entry : *entries) {
      items.push_back(DeadLetterEntryJson(entry));
    }
    PrintJson(Value::MakeArray(std::move(items)));
    return 0;
  }
  if (entries->empty()) {
    Print("no dead letters\n");
    return 0;
  }
  TextTable table({"ID", "DEAD AT", "FLOW", "OUTPUT", "KEY", "ATTEMPTS", "ERROR"});
  for (const store::DeadLetterEntry& entry : *entries) {
    table.AddRow({std::to_string(entry.id), ShortUtc(entry.dead_at), entry.flow, entry.output,
                  OneLine(entry.business_key, 24) + (entry.blocks_key ? " (blocked)" : ""),
                  std::to_string(entry.attempts), OneLine(entry.error, 60)});
  }
  Print(table.ToString());
  Print(
      std::to_string(entries->size()) + (entries->size() == 1 ? " dead letter" : " dead letters") +
      (static_cast<int>(entries->size()) == args.limit ? " (more may exist: raise --limit)" : "") +
      "\n");
  return 0;
}

// --- show ---

// The store and the dead letter ID names in it, for the commands that work on one.
struct OpenedDeadLetter {
  std::unique_ptr<store::Store> store;
  int64_t id = 0;
  store::DeadLetterDetail detail;
};

Result<OpenedDeadLetter> OpenDeadLetter(const StoreArgs& store_args, const std::string& id_text) {
  OpenedDeadLetter opened;
  ERPHUB_ASSIGN_OR_RETURN(opened.id, ParseId(id_text));
  ERPHUB_ASSIGN_OR_RETURN(opened.store, OpenOperatorStore(store_args));
  ERPHUB_ASSIGN_OR_RETURN(opened.detail, opened.store->GetDeadLetter(opened.id));
  return opened;
}

struct ShowArgs {
  StoreArgs store;
  std::string id;
  bool json = false;
};

int RunShow(const ShowArgs& args) {
  Result<OpenedDeadLetter> opened = OpenDeadLetter(args.store, args.id);
  if (!opened.ok()) {
    return Fail(opened.status());
  }
  const store::DeadLetterDetail* detail = &opened->detail;
  if (args.json) {
    PrintJson(DeadLetterDetailJson(*detail));
    return 0;
  }
  const store::DeadLetterEntry& entry = detail->entry;
  TextTable facts({"dead letter", std::to_string(entry.id)});
  facts.AddRow({"message", entry.message_id.ToString()});
  facts.AddRow({"flow", entry.flow});
  facts.AddRow({"output", entry.output});
  facts.AddRow({"key", entry.business_key.empty() ? "(none)" : entry.business_key});
  facts.AddRow({"received", ShortUtc(detail->message.received_at)});
  facts.AddRow({"dead at", ShortUtc(entry.dead_at)});
  facts.AddRow({"failed at", entry.failed_at.empty() ? entry.output : entry.failed_at});
  facts.AddRow({"attempts", std::to_string(entry.attempts)});
  facts.AddRow({"blocks key", entry.blocks_key ? "yes: later messages of this key wait" : "no"});
  facts.AddRow({"error", OneLine(entry.error, 400)});
  std::string out = facts.ToString();
  if (!entry.response_body.empty()) {
    out += "\nresponse body:\n" + entry.response_body;
    if (entry.response_body.back() != '\n') {
      out += '\n';
    }
  }
  if (!detail->attempts.empty()) {
    TextTable attempts({"#", "STARTED", "DURATION", "OUTCOME", "DETAIL"});
    for (const store::LineageEvent& event : detail->attempts) {
      attempts.AddRow({std::to_string(event.attempt), ShortUtc(event.at),
                       HumanDuration(event.duration), event.outcome, OneLine(event.detail, 80)});
    }
    out += "\nattempts:\n" + attempts.ToString("  ");
  }
  out += "\npayload:\n" + ToJson(detail->payload, JsonWriteOptions{.indent = 2}) + "\n";
  Print(out);
  return 0;
}

// --- replay ---

struct ReplayArgs {
  StoreArgs store;
  std::string id;
  std::string flow;
  bool all = false;
  std::string note;
  bool json = false;
};

int RunReplay(const ReplayArgs& args) {
  int chosen = (args.id.empty() ? 0 : 1) + (args.flow.empty() ? 0 : 1) + (args.all ? 1 : 0);
  if (chosen != 1) {
    return Fail(InvalidArgumentError("name what to replay: ID, --flow FLOW or --all"));
  }
  api::ReplaySelection selection;
  selection.flow = args.flow;
  selection.all = args.all;
  if (!args.id.empty()) {
    Result<int64_t> id = ParseId(args.id);
    if (!id.ok()) {
      return Fail(id.status());
    }
    selection.id = *id;
  }
  Result<std::unique_ptr<store::Store>> store = OpenOperatorStore(args.store);
  if (!store.ok()) {
    return Fail(store.status());
  }
  Result<api::ReplayOutcome> outcome = api::ReplayDeadLetters(
      **store, selection, args.note.empty() ? "erphub dlq replay" : args.note);
  if (!outcome.ok()) {
    return Fail(outcome.status());
  }
  Array replayed;
  Array failed;
  std::string errors;
  for (int64_t id : outcome->replayed) {
    replayed.push_back(Value::Int(id));
  }
  for (const auto& [id, status] : outcome->failed) {
    failed.push_back(Value::Int(id));
    errors += "erphub dlq: replay " + std::to_string(id) + ": " + status.ToString() + "\n";
  }
  std::fwrite(errors.data(), 1, errors.size(), stderr);
  if (args.json) {
    Object out;
    out.Append("replayed", Value::MakeArray(replayed));
    out.Append("failed", Value::MakeArray(failed));
    PrintJson(Value::MakeObject(std::move(out)));
  } else if (!args.id.empty()) {
    if (failed.empty()) {
      Print("replayed dead letter " + args.id + ": its delivery is ready again\n");
    }
  } else {
    Print("replayed " + std::to_string(replayed.size()) +
          (replayed.size() == 1 ? " dead letter" : " dead letters") +
          (failed.empty() ? "" : ", " + std::to_string(failed.size()) + " failed") + "\n");
  }
  return failed.empty() ? 0 : 1;
}

// --- discard ---

struct DiscardArgs {
  StoreArgs store;
  std::string id;
  std::string reason;
};

int RunDiscard(const DiscardArgs& args) {
  Result<int64_t> id = ParseId(args.id);
  if (!id.ok()) {
    return Fail(id.status());
  }
  if (args.reason.find_first_not_of(" \t\r\n") == std::string::npos) {
    return Fail(InvalidArgumentError("--reason must say why the dead letter is dropped"));
  }
  Result<std::unique_ptr<store::Store>> store = OpenOperatorStore(args.store);
  if (!store.ok()) {
    return Fail(store.status());
  }
  Status status = api::DiscardDeadLetter(**store, *id, args.reason);
  if (!status.ok()) {
    return Fail(status);
  }
  Print("discarded dead letter " + args.id + " (reason recorded)\n");
  return 0;
}

// --- edit ---

struct EditArgs {
  StoreArgs store;
  std::string id;
  std::string note;
};

// The editor to run: $VISUAL, then $EDITOR, then vi (as git and crontab choose).
std::string EditorCommand() {
  for (const char* name : {"VISUAL", "EDITOR"}) {
    const char* value = std::getenv(name);
    if (value != nullptr && *value != '\0') {
      return value;
    }
  }
  return "vi";
}

std::string ReadText(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Runs the editor on `file` (the command may hold arguments, as in "code --wait"), attached to
// the terminal. Returns its exit code, or -1 when it did not exit normally.
int RunEditor(const std::string& editor, const std::filesystem::path& file) {
  std::string quoted = "'";
  for (char c : file.string()) {
    quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  }
  quoted += "'";
  const int status = std::system((editor + " " + quoted).c_str());
  return status != -1 && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// The flow's validate steps that judge this payload: for the steps stage (its payload is what
// the steps start from) the validate steps before the first other step, for an output (its
// payload is the steps' result) those after the last other step.
std::vector<const ComponentConfig*> ApplicableValidations(const FlowConfig& flow,
                                                          std::string_view output) {
  std::vector<const ComponentConfig*> steps;
  for (const ComponentConfig& step : flow.steps) {
    steps.push_back(&step);
  }
  const bool steps_stage = output == "@steps";
  if (!steps_stage) {
    std::reverse(steps.begin(), steps.end());
  }
  std::vector<const ComponentConfig*> applicable;
  for (const ComponentConfig* step : steps) {
    if (step->type != "validate") {
      break;
    }
    applicable.push_back(step);
  }
  return applicable;
}

// Checks the edited payload with the flow's schemas when --config names a config that loads
// (the hub's secrets in the environment); otherwise says why it was not checked. A failed check
// is kInvalidArgument with every failing field.
Status CheckAgainstFlow(const std::string& config_file, const store::DeadLetterDetail& detail,
                        const Value& payload) {
  if (config_file.empty()) {
    return Status::Ok();
  }
  auto note = [](const std::string& why) {
    std::string text = "erphub dlq: the payload was checked as JSON only: " + why + "\n";
    std::fwrite(text.data(), 1, text.size(), stderr);
    return Status::Ok();
  };
  ComponentRegistry registry;
  if (!components::RegisterBuiltins(registry).ok()) {
    return note("the components could not be registered");
  }
  Result<Config, Diagnostics> config = LoadConfigFile(config_file, registry);
  if (!config.ok()) {
    return note("the config does not load here (" + config.error().ToString() + ")");
  }
  const FlowConfig* flow = config->FindFlow(detail.entry.flow);
  if (flow == nullptr) {
    return note("the config has no flow " + detail.entry.flow);
  }
  const ComponentEnv env{config->base_dir, &SystemClock::Default(), nullptr, &config->partners};
  for (const ComponentConfig* step : ApplicableValidations(*flow, detail.entry.output)) {
    const ComponentRegistry::Entry* entry = registry.Find(step->kind, step->type);
    if (entry == nullptr || !entry->factory) {
      continue;
    }
    Result<std::unique_ptr<Component>> built = entry->factory(*step, env);
    auto* validate = built.ok() ? dynamic_cast<components::Step*>(built->get()) : nullptr;
    if (validate == nullptr) {
      return note("step " + step->name + " could not be built");
    }
    Result<Value, components::Failure> checked = validate->Process(detail.message, payload);
    if (!checked.ok()) {
      std::string text =
          "the edited payload fails step " + step->name + ": " + checked.error().error;
      for (const std::string& field : checked.error().details) {
        text += "\n  " + field;
      }
      return InvalidArgumentError(text);
    }
  }
  return Status::Ok();
}

int RunEdit(const EditArgs& args) {
  Result<OpenedDeadLetter> opened = OpenDeadLetter(args.store, args.id);
  if (!opened.ok()) {
    return Fail(opened.status());
  }
  const store::DeadLetterDetail* detail = &opened->detail;
  const std::string original = ToJson(detail->payload, JsonWriteOptions{.indent = 2}) + "\n";
  std::string pattern = (std::filesystem::absolute(std::filesystem::temp_directory_path()) /
                         ("erphub-dlq-" + args.id + "-XXXXXX.json"))
                            .string();
  const int fd = ::mkstemps(pattern.data(), 5);
  if (fd < 0) {
    return Fail(UnavailableError("cannot create a temporary file for the editor", pattern));
  }
  const std::filesystem::path file = pattern;
  const bool written =
      ::write(fd, original.data(), original.size()) == static_cast<ssize_t>(original.size());
  ::close(fd);
  if (!written) {
    std::filesystem::remove(file);
    return Fail(UnavailableError("cannot write the payload for the editor", file.string()));
  }
  const std::string editor = EditorCommand();
  const int exit_code = RunEditor(editor, file);
  const std::string edited = ReadText(file);
  if (exit_code != 0) {
    std::filesystem::remove(file);
    return Fail(
        Status(StatusCode::kCancelled, "the editor (" + editor + ") failed; nothing was saved"));
  }
  if (edited == original) {
    std::filesystem::remove(file);
    Print("the payload of dead letter " + args.id + " is unchanged; nothing was saved\n");
    return 0;
  }
  Result<Value> payload = api::ParseEditedPayload(edited);
  if (!payload.ok()) {
    // The edit is kept so that the work is not lost.
    return Fail(payload.status().WithContext("kept in " + file.string()));
  }
  Status valid = CheckAgainstFlow(args.store.config_file, *detail, *payload);
  if (!valid.ok()) {
    // Exit 1 like any other refused edit; the edit is kept.
    return Fail(Status(StatusCode::kFailedPrecondition, std::string(valid.message()),
                       "kept in " + file.string()));
  }
  Status saved = api::EditDeadLetter(*opened->store, opened->id, *payload,
                                     args.note.empty() ? "erphub dlq edit" : args.note);
  if (!saved.ok()) {
    return Fail(saved.WithContext("kept in " + file.string()));
  }
  std::filesystem::remove(file);
  Print("saved the edited payload of dead letter " + args.id +
        " and replayed it (the original is in its lineage)\n");
  return 0;
}

}  // namespace

void AddDlqCommand(CLI::App& app, int& exit_code) {
  CLI::App* dlq = app.add_subcommand(
      "dlq",
      "Dead letters: deliveries that failed for good (a permanent error such as HTTP 422, or\n"
      "retries used up). List and inspect them, replay them once the cause is fixed, or discard\n"
      "them with a reason. The store is found through --config CONFIG or --store URL.");
  dlq->require_subcommand(1);

  auto list = std::make_shared<ListArgs>();
  CLI::App* list_cmd = dlq->add_subcommand("list", "List dead letters, oldest first.");
  AddStoreOptions(list_cmd, list->store);
  list_cmd->add_option("--flow", list->flow, "Only this flow's dead letters");
  list_cmd->add_option("--since", list->since,
                       "Only those dead since then: 2025-01-01T10:00:00Z, 2025-01-01, or a "
                       "duration back from now (90m, 2d)");
  list_cmd->add_option("--limit", list->limit, "At most this many (0: all)")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  list_cmd->add_flag("--json", list->json, "Print JSON instead of a table");
  list_cmd->callback([list, &exit_code] { exit_code = RunList(*list); });

  auto show = std::make_shared<ShowArgs>();
  CLI::App* show_cmd = dlq->add_subcommand(
      "show", "Show one dead letter: the error, the target's answer, every attempt, the payload.");
  show_cmd->add_option("ID", show->id, "The dead letter's id (from erphub dlq list)")->required();
  AddStoreOptions(show_cmd, show->store);
  show_cmd->add_flag("--json", show->json, "Print JSON");
  show_cmd->callback([show, &exit_code] { exit_code = RunShow(*show); });

  auto replay = std::make_shared<ReplayArgs>();
  CLI::App* replay_cmd = dlq->add_subcommand(
      "replay",
      "Make dead letters ready again with a fresh attempt budget; a running hub delivers them\n"
      "(same Idempotency-Key as before). Name one by ID, or all of a flow, or all.");
  replay_cmd->add_option("ID", replay->id, "The dead letter's id");
  AddStoreOptions(replay_cmd, replay->store);
  replay_cmd->add_option("--flow", replay->flow, "Replay every dead letter of this flow");
  replay_cmd->add_flag("--all", replay->all, "Replay every dead letter");
  replay_cmd->add_option("--note", replay->note, "Recorded in the lineage (who, why)");
  replay_cmd->add_flag("--json", replay->json, "Print the replayed and failed ids as JSON");
  replay_cmd->callback([replay, &exit_code] { exit_code = RunReplay(*replay); });

  auto edit = std::make_shared<EditArgs>();
  CLI::App* edit_cmd = dlq->add_subcommand(
      "edit",
      "Fix a dead letter's payload in $VISUAL or $EDITOR (vi by default), then replay it. The\n"
      "result must be JSON and, with --config, pass the flow's validate steps that apply to it;\n"
      "the original payload is recorded in the message's lineage.");
  edit_cmd->add_option("ID", edit->id, "The dead letter's id")->required();
  AddStoreOptions(edit_cmd, edit->store);
  edit_cmd->add_option("--note", edit->note, "Recorded in the lineage (who, why)");
  edit_cmd->callback([edit, &exit_code] { exit_code = RunEdit(*edit); });

  auto discard = std::make_shared<DiscardArgs>();
  CLI::App* discard_cmd = dlq->add_subcommand(
      "discard", "Drop a dead letter for good; the reason is recorded in its lineage.");
  discard_cmd->add_option("ID", discard->id, "The dead letter's id")->required();
  AddStoreOptions(discard_cmd, discard->store);
  discard_cmd->add_option("--reason", discard->reason, "Why it is dropped")->required();
  discard_cmd->callback([discard, &exit_code] { exit_code = RunDiscard(*discard); });
}

}  // namespace erphub::cli
