#pragma once

#include <CLI/CLI.hpp>

namespace erphub::cli {

// Each subcommand adds itself to the app and runs when chosen; Run* returns the exit code
// (0 ok, 1 failure, 2 usage or config error).
void AddAckCommand(CLI::App& app, int& exit_code);
void AddCdcCommand(CLI::App& app, int& exit_code);
void AddDlqCommand(CLI::App& app, int& exit_code);
void AddLintCommand(CLI::App& app, int& exit_code);
void AddMapCommand(CLI::App& app, int& exit_code);
void AddMigrateCommand(CLI::App& app, int& exit_code);
void AddParseCommand(CLI::App& app, int& exit_code);
void AddRenderCommand(CLI::App& app, int& exit_code);
void AddRunCommand(CLI::App& app, int& exit_code);
void AddTraceCommand(CLI::App& app, int& exit_code);
void AddVersionCommand(CLI::App& app, int& exit_code);

}  // namespace erphub::cli
