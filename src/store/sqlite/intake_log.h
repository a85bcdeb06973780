#pragma once

#include <algorithm>
#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace erphub::store {

// An append-only, checksummed log of accepted input. An acceptance is durable once its record is
// written here (and, with `sync`, on the disk): one sequential write and one fdatasync per
// group, whatever the number of records, and no index pages. The store copies the records into
// its tables later, in large transactions, and releases them once that copy is durable too.
//
// Files: <prefix>-<first sequence, 16 digits>.log, each a series of records
//   "EHIL" | body length (u32) | sequence (u64) | checksum of body (u64) | body
// A file's records end at the first place that does not hold the next record in sequence (zeros
// or older records of a recycled file). A new file starts when the current one passes
// kSegmentBytes, or 1 MiB once all its records are released; a released file is kept as the
// spare (<prefix>-spare.log) and reused for the next one, so that writes overwrite allocated
// blocks and a sync flushes data only, not file-size metadata. At open, every record still there
// is returned for re-application: a torn record at the end of the newest file (a write that never
// completed, so was never acknowledged) is overwritten by the next append; a damaged record
// anywhere else is a kDataLoss error, never skipped.
class IntakeLog {
 public:
  struct Record {
    uint64_t sequence = 0;
    std::string body;
  };

  static constexpr uint64_t kSegmentBytes = 16ull << 20;

  // Opens the log whose files start with `prefix` (a path plus a file-name prefix) and reads
  // every record in it into `recovered`, oldest first. `lock_fd`: a descriptor holding the
  // log's exclusive lock, closed (releasing it) with the log; -1: none.
  static Result<std::unique_ptr<IntakeLog>> Open(const std::string& prefix, bool sync, int lock_fd,
                                                 std::vector<Record>* recovered,
                                                 uint64_t segment_bytes = kSegmentBytes);
  ~IntakeLog();
  IntakeLog(const IntakeLog&) = delete;
  IntakeLog& operator=(const IntakeLog&) = delete;

  // Appends the bodies as consecutive records and returns the sequence of the first; durable
  // (written, and synced when `sync`) on return. Not thread-safe: one writer.
  Result<uint64_t> Append(std::span<const std::string> bodies);

  // Every record up to and including `sequence` is durable elsewhere: files holding only such
  // records are deleted. Thread-safe with Append.
  Status Release(uint64_t sequence);

  // Bytes in the log's files, for figures and tests.
  uint64_t bytes() const;

 private:
  struct Segment {
    std::string path;
    uint64_t first = 0;  // first sequence it holds
    uint64_t last = 0;   // last sequence it holds (first - 1 while empty)
    uint64_t size = 0;   // bytes of records; the file may be longer (recycled)
  };

  IntakeLog(std::string prefix, bool sync, int lock_fd, uint64_t segment_bytes)
      : prefix_(std::move(prefix)), sync_(sync), lock_fd_(lock_fd), segment_bytes_(segment_bytes) {}
  Status Recover(std::vector<Record>* recovered);
  Status StartSegment(uint64_t first);
  std::string SegmentPath(uint64_t first) const;
  std::string SparePath() const { return prefix_ + "-spare.log"; }
  Status SyncDirectory(const std::string& path) const;

  const std::string prefix_;
  const bool sync_;
  // A file past this size whose records are all released is closed for a new one (and goes at
  // the next release), so the log stays small while the store keeps up.
  static constexpr uint64_t kRotateReleasedBytes = 1ull << 20;
  uint64_t rotate_released_bytes() const { return std::min(kRotateReleasedBytes, segment_bytes_); }
  const int lock_fd_;
  const uint64_t segment_bytes_;
  int fd_ = -1;  // the last segment, open for appending
  uint64_t next_sequence_ = 1;
  mutable std::mutex mu_;          // guards segments_
  std::vector<Segment> segments_;  // oldest first; the last is open
  uint64_t released_ = 0;          // guarded by mu_
  bool have_spare_ = false;        // guarded by mu_
};

}  // namespace erphub::store
