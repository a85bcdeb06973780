// `erphub ack FILE`: the acknowledgement a conforming receiver sends for an EDI interchange.
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>

#include "cli/commands.h"
#include "cli/input_file.h"
#include "formats/edifact/edifact.h"
#include "formats/x12/x12.h"

namespace erphub::cli {
namespace {

enum class EdiKind { kX12, kEdifact, kUnknown };

// X12 interchanges start with ISA, EDIFACT ones with UNA or UNB (after a BOM or blank lines).
EdiKind Detect(std::string_view bytes) {
  if (bytes.substr(0, 3) == "\xEF\xBB\xBF") bytes.remove_prefix(3);
  while (!bytes.empty() &&
         (bytes[0] == ' ' || bytes[0] == '\t' || bytes[0] == '\r' || bytes[0] == '\n')) {
    bytes.remove_prefix(1);
  }
  if (bytes.substr(0, 3) == "ISA") return EdiKind::kX12;
  if (bytes.substr(0, 3) == "UNA" || bytes.substr(0, 3) == "UNB") return EdiKind::kEdifact;
  return EdiKind::kUnknown;
}

int RunAck(const std::string& path) {
  Result<std::string> read = ReadInput(path);
  if (!read.ok()) {
    std::fprintf(stderr, "erphub ack: %s\n", read.status().ToString().c_str());
    return 1;
  }
  const std::string& bytes = *read;
  Result<std::string> ack = Status(StatusCode::kInvalidArgument, "");
  switch (Detect(bytes)) {
    case EdiKind::kX12:
      ack = formats::x12::Acknowledge(bytes);
      break;
    case EdiKind::kEdifact:
      ack = formats::edifact::Acknowledge(bytes);
      break;
    case EdiKind::kUnknown:
      std::fprintf(stderr,
                   "erphub ack: %s: not an EDI interchange (an X12 one starts with ISA, an "
                   "EDIFACT one with UNA or UNB)\n",
                   path.c_str());
      return 1;
  }
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
