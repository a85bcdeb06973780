#include "store/sqlite/intake_log.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>
#include <utility>

namespace erphub::store {
namespace {

constexpr char kMagic[4] = {'E', 'H', 'I', 'L'};
constexpr size_t kHeaderBytes = 4 + 4 + 8 + 8;
constexpr uint32_t kMaxBody = 1u << 30;

// A 64-bit checksum, eight bytes at a time: catches torn and corrupted records (not an adversary).
uint64_t Checksum(std::string_view data) {
  constexpr uint64_t kMultiplier = 0x9E3779B97F4A7C15ull;
  uint64_t h = 0xCBF29CE484222325ull ^ data.size();
  size_t i = 0;
  for (; i + 8 <= data.size(); i += 8) {
    uint64_t word;
    std::memcpy(&word, data.data() + i, 8);
    h = (h ^ word) * kMultiplier;
    h ^= h >> 29;
  }
  uint64_t tail = 0;
  std::memcpy(&tail, data.data() + i, data.size() - i);
  h = (h ^ tail) * kMultiplier;
  return h ^ (h >> 32);
}

void PutBytes(std::string& out, const void* data, size_t size) {
  out.append(static_cast<const char*>(data), size);
}

Status IoError(std::string_view what, const std::string& path, int error) {
  const StatusCode code = error == ENOSPC || error == EDQUOT ? StatusCode::kResourceExhausted
                                                             : StatusCode::kUnavailable;
  return Status(code, std::string(what) + ": " + std::strerror(error), path);
}

Status WriteAllAt(int fd, std::string_view data, uint64_t offset, const std::string& path) {
  while (!data.empty()) {
    ssize_t n = ::pwrite(fd, data.data(), data.size(), static_cast<off_t>(offset));
    if (n < 0) {
      if (errno == EINTR) continue;
      return IoError("cannot write the intake log", path, errno);
    }
    data.remove_prefix(static_cast<size_t>(n));
    offset += static_cast<uint64_t>(n);
  }
  return Status::Ok();
}

Result<std::string> ReadFile(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return IoError("cannot open the intake log", path, errno);
  }
  std::string data;
  char buffer[1 << 16];
  while (true) {
    ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0) {
      if (errno == EINTR) continue;
      int error = errno;
      ::close(fd);
      return IoError("cannot read the intake log", path, error);
    }
    if (n == 0) break;
    data.append(buffer, static_cast<size_t>(n));
  }
  ::close(fd);
  return data;
}

}  // namespace

Result<std::unique_ptr<IntakeLog>> IntakeLog::Open(const std::string& prefix, bool sync,
                                                   int lock_fd, std::vector<Record>* recovered,
                                                   uint64_t segment_bytes) {
  std::unique_ptr<IntakeLog> log(new IntakeLog(prefix, sync, lock_fd, segment_bytes));
  ERPHUB_TRY(log->Recover(recovered));
  return log;
}

IntakeLog::~IntakeLog() {
  if (fd_ >= 0) ::close(fd_);
  if (lock_fd_ >= 0) ::close(lock_fd_);
}

std::string IntakeLog::SegmentPath(uint64_t first) const {
  char name[32];
  std::snprintf(name, sizeof name, "-%016llu.log", static_cast<unsigned long long>(first));
  return prefix_ + name;
}

Status IntakeLog::Recover(std::vector<Record>* recovered) {
  namespace fs = std::filesystem;
  const fs::path prefix(prefix_);
  const fs::path dir = prefix.has_parent_path() ? prefix.parent_path() : fs::path(".");
  const std::string stem = prefix.filename().string() + "-";
  std::vector<std::pair<uint64_t, std::string>> files;
  std::error_code ec;
  for (const fs::directory_entry& entry : fs::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.size() != stem.size() + 16 + 4 || name.compare(0, stem.size(), stem) != 0 ||
        name.compare(name.size() - 4, 4, ".log") != 0) {
      continue;
    }
    const std::string digits = name.substr(stem.size(), 16);
    if (!std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      continue;
    }
    files.emplace_back(std::stoull(digits), entry.path().string());
  }
  if (ec) {
    return Status(StatusCode::kUnavailable, "cannot list the intake log: " + ec.message(),
                  dir.string());
  }
  std::sort(files.begin(), files.end());

  for (size_t f = 0; f < files.size(); ++f) {
    const auto& [first, path] = files[f];
    const bool last_file = f + 1 == files.size();
    ERPHUB_ASSIGN_OR_RETURN(std::string data, ReadFile(path));
    Segment segment{path, first, first - 1, 0};
    size_t offset = 0;
    while (data.size() - offset >= kHeaderBytes) {
      std::string_view rest(data.data() + offset, data.size() - offset);
      uint32_t length = 0;
      uint64_t sequence = 0;
      uint64_t checksum = 0;
      std::memcpy(&length, rest.data() + 4, 4);
      std::memcpy(&sequence, rest.data() + 8, 8);
      std::memcpy(&checksum, rest.data() + 16, 8);
      if (std::memcmp(rest.data(), kMagic, 4) != 0 || sequence != segment.last + 1) {
        break;  // the end of this file's records: zeros, or a recycled file's older records
      }
      if (length > kMaxBody || rest.size() < kHeaderBytes + length ||
          Checksum(rest.substr(kHeaderBytes, length)) != checksum) {
        if (last_file) {
          break;  // a write cut short, never acknowledged: the next append overwrites it
        }
        return Status(StatusCode::kDataLoss,
                      "the intake log is damaged at byte " + std::to_string(offset) +
                          " (accepted messages may be lost); move the file aside to start",
                      path);
      }
      recovered->push_back(Record{sequence, std::string(rest.substr(kHeaderBytes, length))});
      segment.last = sequence;
      offset += kHeaderBytes + length;
    }
    segment.size = offset;
    next_sequence_ = std::max(next_sequence_, segment.last + 1);
    segments_.push_back(std::move(segment));
  }
  have_spare_ = fs::exists(SparePath(), ec);

  if (segments_.empty()) {
    return StartSegment(next_sequence_);
  }
  fd_ = ::open(segments_.back().path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd_ < 0) {
    return IoError("cannot open the intake log", segments_.back().path, errno);
  }
  return Status::Ok();
}

Status IntakeLog::SyncDirectory(const std::string& path) const {
  if (!sync_) return Status::Ok();
  const std::string dir = std::filesystem::path(path).parent_path().string();
  int dir_fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd < 0) {
    return IoError("cannot open the intake log's folder", dir, errno);
  }
  const int rc = ::fsync(dir_fd);
  const int error = errno;
  ::close(dir_fd);
  return rc == 0 ? Status::Ok() : IoError("cannot sync the intake log's folder", dir, error);
}

Status IntakeLog::StartSegment(uint64_t first) {
  const std::string path = SegmentPath(first);
  bool spare = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    spare = have_spare_;
    have_spare_ = false;
  }
  if (spare && ::rename(SparePath().c_str(), path.c_str()) != 0) {
    spare = false;
  }
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    return IoError("cannot create the intake log", path, errno);
  }
  // A recycled file still holds older records (lower sequences): they read as the end of the
  // new records until overwritten.
  // The new name must survive a power loss before records in it are acknowledged.
  Status synced = SyncDirectory(path);
  if (!synced.ok()) {
    ::close(fd);
    return synced;
  }
  if (fd_ >= 0) ::close(fd_);
  fd_ = fd;
  std::lock_guard<std::mutex> lock(mu_);
  segments_.push_back(Segment{path, first, first - 1, 0});
  return Status::Ok();
}

Result<uint64_t> IntakeLog::Append(std::span<const std::string> bodies) {
  const uint64_t first = next_sequence_;
  if (bodies.empty()) {
    return first;
  }
  bool rotate = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    const Segment& current = segments_.back();
    rotate = current.size >= segment_bytes_ ||
             (current.size >= rotate_released_bytes() && released_ >= current.last);
  }
  if (rotate) {
    ERPHUB_TRY(StartSegment(first));
  }
  std::string buffer;
  size_t total = 0;
  for (const std::string& body : bodies) total += kHeaderBytes + body.size();
  buffer.reserve(total);
  uint64_t sequence = first;
  for (const std::string& body : bodies) {
    if (body.size() > kMaxBody) {
      return InvalidArgumentError("an accepted record is larger than 1 GiB");
    }
    const uint32_t length = static_cast<uint32_t>(body.size());
    const uint64_t checksum = Checksum(body);
    PutBytes(buffer, kMagic, 4);
    PutBytes(buffer, &length, 4);
    PutBytes(buffer, &sequence, 8);
    PutBytes(buffer, &checksum, 8);
    buffer += body;
    ++sequence;
  }
  std::string path;
  uint64_t offset = 0;
  {
    std::lock_guard<std::mutex> lock(mu_);
    path = segments_.back().path;
    offset = segments_.back().size;
  }
  Status written = WriteAllAt(fd_, buffer, offset, path);
  if (written.ok() && sync_ && ::fdatasync(fd_) != 0) {
    written = IoError("cannot sync the intake log", path, errno);
  }
  if (!written.ok()) {
    // Whatever reached the file is not acknowledged; the next append overwrites it from the
    // same offset.
    return written;
  }
  next_sequence_ = sequence;
  std::lock_guard<std::mutex> lock(mu_);
  segments_.back().last = sequence - 1;
  segments_.back().size += buffer.size();
  return first;
}

Status IntakeLog::Release(uint64_t sequence) {
  std::lock_guard<std::mutex> lock(mu_);
  released_ = std::max(released_, sequence);
  // The open file stays: the writer appends to it.
  while (segments_.size() > 1 && segments_.front().last <= sequence) {
    const std::string& path = segments_.front().path;
    // Keep one released file to recycle; a power loss during the rename leaves either name, and
    // both are handled at open.
    if (!have_spare_ && ::rename(path.c_str(), SparePath().c_str()) == 0) {
      have_spare_ = true;
    } else if (::unlink(path.c_str()) != 0 && errno != ENOENT) {
      return IoError("cannot delete a released intake log file", path, errno);
    }
    segments_.erase(segments_.begin());
  }
  return Status::Ok();
}

uint64_t IntakeLog::bytes() const {
  std::lock_guard<std::mutex> lock(mu_);
  uint64_t total = 0;
  for (const Segment& segment : segments_) total += segment.size;
  return total;
}

}  // namespace erphub::store
