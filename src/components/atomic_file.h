#pragma once

#include <filesystem>
#include <string_view>

#include "core/status.h"

namespace erphub::components {

// Writes `content` to `path` so that readers see the old file or the whole new one, never a part:
// a temporary file beside it (".NAME.tmp-..."), written and fsync'd, renamed over `path`, then the
// folder fsync'd so the rename survives a crash. Errors are kUnavailable for conditions that may
// pass (disk full, I/O error) and kFailedPrecondition otherwise (permissions, missing folder),
// naming the path and the system's reason.
Status WriteFileAtomically(const std::filesystem::path& path, std::string_view content);

// fsyncs a folder so that entries created or renamed in it survive a crash.
Status SyncDirectory(const std::filesystem::path& dir);

// The Status for a failed system call with errno `error` on `path`.
Status FileError(int error, std::string_view what, const std::filesystem::path& path);

}  // namespace erphub::components
