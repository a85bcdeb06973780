#include "components/atomic_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <string>

namespace erphub::components {
namespace {

// Distinguishes temporary files of concurrent writers within this process; the pid separates
// processes.
std::atomic<uint64_t> temp_counter{0};

Status WriteAll(int fd, std::string_view content, const std::filesystem::path& path) {
  while (!content.empty()) {
    ssize_t written = ::write(fd, content.data(), content.size());
    if (written < 0) {
      if (errno == EINTR) {
        continue;
      }
      return FileError(errno, "cannot write", path);
    }
    content.remove_prefix(static_cast<size_t>(written));
  }
  return Status::Ok();
}

}  // namespace

Status FileError(int error, std::string_view what, const std::filesystem::path& path) {
  std::string message = std::string(what) + " " + path.string() + ": " + std::strerror(error);
  switch (error) {
    case ENOSPC:
    case EDQUOT:
    case EIO:
    case EAGAIN:
    case EINTR:
    case EMFILE:
    case ENFILE:
    case ENOMEM:
      return UnavailableError(std::move(message));
    default:
      return Status(StatusCode::kFailedPrecondition, std::move(message));
  }
}

Status SyncDirectory(const std::filesystem::path& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) {
    return FileError(errno, "cannot open folder", dir);
  }
  int rc = ::fsync(fd);
  int error = errno;
  ::close(fd);
  if (rc != 0) {
    return FileError(error, "cannot sync folder", dir);
  }
  return Status::Ok();
}

Status WriteFileAtomically(const std::filesystem::path& path, std::string_view content) {
  std::filesystem::path dir = path.parent_path();
  if (dir.empty()) {
    dir = ".";
  }
  std::filesystem::path temp =
      dir / ("." + path.filename().string() + ".tmp-" + std::to_string(::getpid()) + "-" +
             std::to_string(temp_counter.fetch_add(1)));
  int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) {
    return FileError(errno, "cannot create", temp);
  }
  Status status = WriteAll(fd, content, temp);
  if (status.ok() && ::fsync(fd) != 0) {
    status = FileError(errno, "cannot sync", temp);
  }
  if (::close(fd) != 0 && status.ok()) {
    status = FileError(errno, "cannot close", temp);
  }
  if (status.ok() && ::rename(temp.c_str(), path.c_str()) != 0) {
    status = FileError(errno, "cannot rename into", path);
  }
  if (!status.ok()) {
    ::unlink(temp.c_str());
    return status;
  }
  return SyncDirectory(dir);
}

}  // namespace erphub::components
