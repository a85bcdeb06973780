#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "core/value.h"
#include "systems/tryton/client.h"

namespace erphub::tryton {

// Reading a Tryton model's records in the order they changed, from a watermark.
//
// A record's change time is its `write_date`, or its `create_date` while it was never modified
// (Tryton leaves write_date null until the first write). Many records share one change time (a
// transaction stamps every record it writes with its start time), so the watermark is the pair
// (change time, id): records are read ordered by both and "after" means a later time, or the
// same time and a greater id. Nothing is skipped at a shared time and nothing is read twice.

// Where a feed has read up to. An empty time is the beginning (before every record).
struct Watermark {
  // "YYYY-MM-DD HH:MM:SS.ffffff", always with six fractional digits, so that text order is time
  // order.
  std::string time;
  int64_t id = 0;

  // "TIME|ID", as kept in the store.
  std::string Encode() const;
  // kInvalidArgument when `text` is not an encoded watermark.
  static Result<Watermark> Parse(std::string_view text);

  bool operator==(const Watermark&) const = default;
  bool operator<(const Watermark& other) const {
    return time != other.time ? time < other.time : id < other.id;
  }
};

// "YYYY-MM-DD HH:MM:SS.ffffff" from a decoded datetime ("YYYY-MM-DDTHH:MM:SS[.ffffff]Z").
Result<std::string> NormalTime(std::string_view decoded);
// The watermark of a decoded record read with `id`, `write_date` and `create_date`.
Result<Watermark> ChangeOf(const Value& record);
// The normalized time `by` before `normal_time`.
Result<std::string> EarlierTime(std::string_view normal_time, std::chrono::microseconds by);
// Tryton's tagged datetime for a normalized time.
Result<Value> DatetimeValue(std::string_view normal_time);

struct ChangeBatch {
  // Decoded records in (change time, id) order; each has `id`, `write_date` and `create_date`.
  std::vector<Value> records;
  // The watermark of the last record; `after` when there is none.
  Watermark last;
  // True when the batch is full: more changes may follow at once.
  bool full = false;
};

// The first `limit` records of `model` matching `domain` (a list of clauses) that changed after
// `after`, with `fields` (plus the three above). Two searches, one over the records modified
// since their creation (ordered by write_date, id) and one over those never modified (by
// create_date, id), each limited; merged, their first `limit` are the first `limit` of all.
Result<ChangeBatch> ReadChanges(Client& client, std::string_view model, const Value& domain,
                                std::vector<std::string> fields, const Watermark& after,
                                int64_t limit);

// The watermark of the latest change of `model` matching `domain`: reading from it gives only
// changes made later. The beginning when there are no records.
Result<Watermark> LatestChange(Client& client, std::string_view model, const Value& domain);

}  // namespace erphub::tryton
