#include <cstdio>

#include "cli/commands.h"

namespace erphub::cli {

void AddVersionCommand(CLI::App& app, int& exit_code) {
  CLI::App* cmd = app.add_subcommand("version", "Print the erphub version.");
  cmd->callback([&exit_code] {
    std::printf("erphub %s\n", ERPHUB_VERSION);
    exit_code = 0;
  });
}

}  // namespace erphub::cli
