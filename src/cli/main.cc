#include <CLI/CLI.hpp>

#include "cli/commands.h"

int main(int argc, char** argv) {
  CLI::App app{
      "erphub: the ERP integration hub. Receives changes from every system, validates and maps "
      "them to a canonical ERP model, and delivers them without losing or duplicating a "
      "business document."};
  app.require_subcommand(1);
  int exit_code = 0;
  erphub::cli::AddLintCommand(app, exit_code);
  erphub::cli::AddMapCommand(app, exit_code);
  erphub::cli::AddAckCommand(app, exit_code);
  erphub::cli::AddParseCommand(app, exit_code);
  erphub::cli::AddRenderCommand(app, exit_code);
  erphub::cli::AddRunCommand(app, exit_code);
  erphub::cli::AddMigrateCommand(app, exit_code);
  erphub::cli::AddDlqCommand(app, exit_code);
  erphub::cli::AddCdcCommand(app, exit_code);
  erphub::cli::AddTraceCommand(app, exit_code);
  erphub::cli::AddVersionCommand(app, exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }
  return exit_code;
}
