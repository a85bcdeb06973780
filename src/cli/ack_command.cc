// `erphub ack FILE`: the acknowledgement a conforming receiver sends for an EDI interchange.
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "cli/commands.h"
#include "cli/input_file.h"
#include "formats/codec.h"
#include "formats/format.h"

namespace erphub::cli {
namespace {

int RunAck(const std::string& path) {
  Result<std::string> read = ReadInput(path);
  if (!read.ok()) {
    std::fprintf(stderr, "erphub ack: %s\n", read.status().ToString().c_str());
    return 1;
  }
  const std::string& bytes = *read;
  std::optional<formats::Format> format = formats::DetectInterchange(bytes);
  if (!format.has_value()) {
    std::fprintf(stderr,
                 "erphub ack: %s: not an EDI interchange (an X12 one starts with ISA, an "
                 "EDIFACT one with UNA or UNB)\n",
                 path.c_str());
    return 1;
  }
  Result<std::string> ack = formats::AcknowledgeDocument(*format, bytes);
  if (!ack.ok()) {
    std::fprintf(stderr, "erphub ack: %s: %s\n", path.c_str(), ack.status().ToString().c_str());
    return 1;
  }
  std::fwrite(ack->data(), 1, ack->size(), stdout);
  if (!ack->empty() && ack->back() != '\n') std::fputc('\n', stdout);
  return 0;
}

}  // namespace

void AddAckCommand(CLI::App& app, int& exit_code) {
  auto path = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand(
      "ack",
      "Print the acknowledgement a conforming receiver sends for an EDI interchange: a 997 (or "
      "a TA1 for interchange-level faults) for X12, a CONTRL for EDIFACT. Exits 0 also when the "
      "acknowledgement rejects the interchange; 1 when the file cannot be read or is not EDI.");
  cmd->add_option("FILE", *path, "The interchange (X12 or EDIFACT)")->required();
  cmd->callback([path, &exit_code] { exit_code = RunAck(*path); });
}

}  // namespace erphub::cli
