#include "systems/tryton/change_feed.h"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <map>
#include <utility>

#include "systems/tryton/records.h"

namespace erphub::tryton {
namespace {

Value Order(std::string_view field, std::string_view direction) {
  return Value::MakeArray({Value::MakeArray({Value::Str(field), Value::Str(direction)}),
                           Value::MakeArray({Value::Str("id"), Value::Str(direction)})});
}

// `domain` and `clauses`, all of them holding.
Value Conjunction(const Value& domain, std::initializer_list<Value> clauses) {
  Value all = Value::MakeArray();
  if (domain.is_array()) {
    for (const Value& clause : domain.as_array()) {
      all.push_back(clause);
    }
  }
  for (const Value& clause : clauses) {
    all.push_back(clause);
  }
  return all;
}

// Records of one stream: those whose `field` (write_date or create_date) is their change time.
Result<Value> StreamDomain(const Value& domain, bool modified, const Watermark& after) {
  Value stamped = Clause("write_date", modified ? "!=" : "=", Value::Null());
  if (after.time.empty()) {
    return Conjunction(domain, {stamped});
  }
  std::string_view field = modified ? "write_date" : "create_date";
  ERPHUB_ASSIGN_OR_RETURN(Value time, DatetimeValue(after.time));
  Value later = Value::MakeArray(
      {Value::Str("OR"), Clause(field, ">", time),
       Value::MakeArray({Clause(field, "=", time), Clause("id", ">", Value::Int(after.id))})});
  return Conjunction(domain, {stamped, later});
}

bool Digits(std::string_view text) {
  return !text.empty() &&
         std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

int64_t ToInt(std::string_view digits) {
  int64_t value = 0;
  std::from_chars(digits.data(), digits.data() + digits.size(), value);
  return value;
}

struct Stamped {
  Watermark change;
  Value record;
};

Result<std::vector<Stamped>> ReadStream(Client& client, std::string_view model, const Value& domain,
                                        bool modified, const std::vector<std::string>& fields,
                                        const Watermark& after, int64_t limit) {
  ERPHUB_ASSIGN_OR_RETURN(Value stream_domain, StreamDomain(domain, modified, after));
  SearchOptions options;
  options.limit = limit;
  options.order = Order(modified ? "write_date" : "create_date", "ASC");
  ERPHUB_ASSIGN_OR_RETURN(std::vector<Value> records,
                          client.SearchRead(model, stream_domain, fields, options));
  std::vector<Stamped> stamped;
  stamped.reserve(records.size());
  for (Value& record : records) {
    ERPHUB_ASSIGN_OR_RETURN(Watermark change, ChangeOf(record));
    stamped.push_back(Stamped{std::move(change), std::move(record)});
  }
  return stamped;
}

}  // namespace

std::string Watermark::Encode() const { return time + "|" + std::to_string(id); }

Result<Watermark> Watermark::Parse(std::string_view text) {
  size_t bar = text.rfind('|');
  if (bar == std::string_view::npos || !Digits(text.substr(bar + 1))) {
    return InvalidArgumentError("not a Tryton watermark: " + std::string(text));
  }
  Watermark mark;
  mark.time = std::string(text.substr(0, bar));
  mark.id = ToInt(text.substr(bar + 1));
  if (!mark.time.empty()) {
    ERPHUB_TRY(DatetimeValue(mark.time).status());
  }
  return mark;
}

Result<std::string> NormalTime(std::string_view decoded) {
  // "2026-11-27T01:23:45Z" or "2026-11-27T01:23:45.5Z" (as values.h decodes a datetime).
  auto bad = [&] { return InvalidArgumentError("not a Tryton datetime: " + std::string(decoded)); };
  if (decoded.size() < 20 || decoded.back() != 'Z' || decoded[10] != 'T') {
    return bad();
  }
  std::string normal(decoded.substr(0, 19));
  normal[10] = ' ';
  std::string_view fraction = decoded.substr(19, decoded.size() - 20);
  if (fraction.empty()) {
    fraction = ".";
  }
  if (fraction[0] != '.' || fraction.size() > 7 ||
      (fraction.size() > 1 && !Digits(fraction.substr(1)))) {
    return bad();
  }
  normal += fraction;
  normal.append(7 - fraction.size(), '0');
  return normal;
}

Result<Watermark> ChangeOf(const Value& record) {
  const Value& id = record.Get("id");
  if (!id.is_number()) {
    return InvalidArgumentError("a Tryton record without an id");
  }
  const Value& written = record.Get("write_date");
  const Value& stamp = written.is_string() ? written : record.Get("create_date");
  if (!stamp.is_string()) {
    return InvalidArgumentError("a Tryton record without write_date or create_date");
  }
  Watermark mark;
  ERPHUB_ASSIGN_OR_RETURN(mark.time, NormalTime(stamp.as_string()));
  auto number = id.as_number().ToInt64();
  if (!number.has_value()) {
    return InvalidArgumentError("a Tryton record id that is not an integer");
  }
  mark.id = *number;
  return mark;
}

Result<std::string> EarlierTime(std::string_view normal_time, std::chrono::microseconds by) {
  ERPHUB_ASSIGN_OR_RETURN(Value tagged, DatetimeValue(normal_time));
  auto part = [&](const char* name) {
    return static_cast<int>(*tagged.Get(name).as_number().ToInt64());
  };
  using namespace std::chrono;
  year_month_day date{year(part("year")), month(static_cast<unsigned>(part("month"))),
                      day(static_cast<unsigned>(part("day")))};
  if (!date.ok()) {
    return InvalidArgumentError("not a watermark time: " + std::string(normal_time));
  }
  sys_time<microseconds> at = sys_days(date) + hours(part("hour")) + minutes(part("minute")) +
                              seconds(part("second")) + microseconds(part("microsecond"));
  at -= by;
  sys_days day_start = floor<days>(at);
  year_month_day earlier(day_start);
  hh_mm_ss<microseconds> clock(at - day_start);
  char text[32];
  std::snprintf(text, sizeof text, "%04d-%02u-%02u %02d:%02d:%02d.%06lld",
                static_cast<int>(earlier.year()), static_cast<unsigned>(earlier.month()),
                static_cast<unsigned>(earlier.day()), static_cast<int>(clock.hours().count()),
                static_cast<int>(clock.minutes().count()),
                static_cast<int>(clock.seconds().count()),
                static_cast<long long>(clock.subseconds().count()));
  return std::string(text);
}

Result<Value> DatetimeValue(std::string_view time) {
  // YYYY-MM-DD HH:MM:SS.ffffff
  static constexpr size_t kSize = 26;
  if (time.size() != kSize || time[4] != '-' || time[7] != '-' || time[10] != ' ' ||
      time[13] != ':' || time[16] != ':' || time[19] != '.') {
    return InvalidArgumentError("not a watermark time: " + std::string(time));
  }
  Value tagged = Value::MakeObject();
  tagged.Set("__class__", Value::Str("datetime"));
  const std::pair<const char*, std::pair<size_t, size_t>> parts[] = {
      {"year", {0, 4}},    {"month", {5, 2}},   {"day", {8, 2}},         {"hour", {11, 2}},
      {"minute", {14, 2}}, {"second", {17, 2}}, {"microsecond", {20, 6}}};
  for (const auto& [name, place] : parts) {
    std::string_view digits = time.substr(place.first, place.second);
    if (!Digits(digits)) {
      return InvalidArgumentError("not a watermark time: " + std::string(time));
    }
    tagged.Set(name, Value::Int(ToInt(digits)));
  }
  return tagged;
}

Result<ChangeBatch> ReadChanges(Client& client, std::string_view model, const Value& domain,
                                std::vector<std::string> fields, const Watermark& after,
                                int64_t limit) {
  for (const char* needed : {"write_date", "create_date"}) {
    if (std::find(fields.begin(), fields.end(), needed) == fields.end()) {
      fields.push_back(needed);
    }
  }
  ERPHUB_ASSIGN_OR_RETURN(std::vector<Stamped> modified,
                          ReadStream(client, model, domain, true, fields, after, limit));
  ERPHUB_ASSIGN_OR_RETURN(std::vector<Stamped> created,
                          ReadStream(client, model, domain, false, fields, after, limit));
  std::vector<Stamped> all;
  all.reserve(modified.size() + created.size());
  std::merge(std::make_move_iterator(modified.begin()), std::make_move_iterator(modified.end()),
             std::make_move_iterator(created.begin()), std::make_move_iterator(created.end()),
             std::back_inserter(all),
             [](const Stamped& a, const Stamped& b) { return a.change < b.change; });
  ChangeBatch batch;
  batch.last = after;
  batch.full = static_cast<int64_t>(all.size()) >= limit;
  // A record modified between the two searches can be in both; the later change counts.
  std::map<int64_t, int> seen;
  for (const Stamped& stamped : all) {
    ++seen[stamped.change.id];
  }
  for (Stamped& stamped : all) {
    if (static_cast<int64_t>(batch.records.size()) >= limit) {
      break;
    }
    if (--seen[stamped.change.id] > 0) {
      continue;
    }
    batch.last = stamped.change;
    batch.records.push_back(std::move(stamped.record));
  }
  return batch;
}

Result<Watermark> LatestChange(Client& client, std::string_view model, const Value& domain) {
  Watermark latest;
  for (bool modified : {true, false}) {
    SearchOptions options;
    options.limit = 1;
    options.order = Order(modified ? "write_date" : "create_date", "DESC");
    Value stream_domain =
        Conjunction(domain, {Clause("write_date", modified ? "!=" : "=", Value::Null())});
    ERPHUB_ASSIGN_OR_RETURN(
        std::vector<Value> records,
        client.SearchRead(model, stream_domain, {"write_date", "create_date"}, options));
    if (!records.empty()) {
      ERPHUB_ASSIGN_OR_RETURN(Watermark change, ChangeOf(records[0]));
      latest = std::max(latest, change);
    }
  }
  return latest;
}

}  // namespace erphub::tryton
