#include <cstdio>
#include <memory>
#include <string>

#include "cli/commands.h"
#include "components/builtin.h"
#include "core/config.h"
#include "core/json.h"

namespace erphub::cli {
namespace {

struct LintArgs {
  std::string config_file;
  bool show = false;
};

std::string Plural(size_t count, const char* noun) {
  return std::to_string(count) + " " + noun + (count == 1 ? "" : "s");
}

int RunLint(const LintArgs& args) {
  ComponentRegistry registry;
  Status registered = components::RegisterBuiltins(registry);
  ERPHUB_CHECK(registered.ok());
  auto config = LoadConfigFile(args.config_file, registry);
  if (!config.ok()) {
    const Diagnostics& diagnostics = config.error();
    std::string out = diagnostics.ToString();
    out += Plural(diagnostics.size(), "problem") + " found in " + args.config_file + "\n";
    std::fwrite(out.data(), 1, out.size(), stderr);
    return 2;
  }
  size_t steps = 0;
  size_t outputs = 0;
  std::string names;
  for (const FlowConfig& flow : config->flows) {
    steps += flow.steps.size();
    outputs += flow.to.size();
    names += names.empty() ? "" : ", ";
    names += flow.name;
  }
  std::string out = args.config_file + ": ok: " + Plural(config->flows.size(), "flow") + " (" +
                    names + "), " + Plural(steps, "step") + ", " + Plural(outputs, "output") + "\n";
  if (args.show) {
    out += ToJson(config->ToDisplayValue(), JsonWriteOptions{.indent = 2});
    out += '\n';
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  return 0;
}

}  // namespace

void AddLintCommand(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<LintArgs>();
  CLI::App* cmd = app.add_subcommand(
      "lint",
      "Check a config file without running it: YAML syntax, ${VAR} references, file: secrets,\n"
      "and every setting against the component specs (unknown keys, types, ranges, required\n"
      "fields). Prints every problem as 'file:line:col: path: message' on stderr and exits 2;\n"
      "exits 0 with a one-line summary when the config is valid.");
  cmd->add_option("CONFIG", args->config_file, "The YAML config file")->required();
  cmd->add_flag("--show", args->show,
                "Also print the effective config as JSON (defaults filled in, secrets redacted)");
  cmd->callback([args, &exit_code] { exit_code = RunLint(*args); });
}

}  // namespace erphub::cli
