#include "db/pgoutput.h"

#include <cinttypes>
#include <cstdio>

namespace erphub::db::pgoutput {
namespace {

// Reads big-endian integers and strings from a message, each read checked against its end.
class Reader {
 public:
  explicit Reader(std::string_view bytes) : bytes_(bytes) {}

  size_t offset() const { return offset_; }
  bool done() const { return offset_ == bytes_.size(); }

  Result<uint64_t> Uint(size_t width, const char* what) {
    if (bytes_.size() - offset_ < width) {
      return Truncated(what);
    }
    uint64_t value = 0;
    for (size_t i = 0; i < width; ++i) {
      value = (value << 8) | static_cast<unsigned char>(bytes_[offset_ + i]);
    }
    offset_ += width;
    return value;
  }
  Result<uint8_t> U8(const char* what) {
    ERPHUB_ASSIGN_OR_RETURN(uint64_t value, Uint(1, what));
    return static_cast<uint8_t>(value);
  }
  Result<uint16_t> U16(const char* what) {
    ERPHUB_ASSIGN_OR_RETURN(uint64_t value, Uint(2, what));
    return static_cast<uint16_t>(value);
  }
  Result<uint32_t> U32(const char* what) {
    ERPHUB_ASSIGN_OR_RETURN(uint64_t value, Uint(4, what));
    return static_cast<uint32_t>(value);
  }
  Result<uint64_t> U64(const char* what) { return Uint(8, what); }
  Result<int64_t> I64(const char* what) {
    ERPHUB_ASSIGN_OR_RETURN(uint64_t value, Uint(8, what));
    return static_cast<int64_t>(value);
  }

  // A NUL-terminated string.
  Result<std::string> CString(const char* what) {
    size_t end = bytes_.find('\0', offset_);
    if (end == std::string_view::npos) {
      return Error(std::string(what) + " has no terminating NUL");
    }
    std::string text(bytes_.substr(offset_, end - offset_));
    offset_ = end + 1;
    return text;
  }

  Result<std::string_view> Bytes(size_t length, const char* what) {
    if (bytes_.size() - offset_ < length) {
      return Truncated(what);
    }
    std::string_view out = bytes_.substr(offset_, length);
    offset_ += length;
    return out;
  }

  std::string_view Rest() {
    std::string_view out = bytes_.substr(offset_);
    offset_ = bytes_.size();
    return out;
  }

  Status Error(std::string message) const {
    return ParseError("pgoutput: " + message, "byte " + std::to_string(offset_));
  }
  Status Truncated(const char* what) const {
    return Error(std::string("message ends inside ") + what);
  }

 private:
  std::string_view bytes_;
  size_t offset_ = 0;
};

Result<Tuple> ReadTuple(Reader& in) {
  ERPHUB_ASSIGN_OR_RETURN(uint16_t count, in.U16("tuple column count"));
  Tuple tuple;
  tuple.reserve(count);
  for (uint16_t i = 0; i < count; ++i) {
    ERPHUB_ASSIGN_OR_RETURN(uint8_t kind, in.U8("tuple column kind"));
    TupleValue value;
    switch (kind) {
      case 'n':
        value.kind = TupleValue::Kind::kNull;
        break;
      case 'u':
        value.kind = TupleValue::Kind::kUnchangedToast;
        break;
      case 't':
      case 'b': {
        value.kind = kind == 't' ? TupleValue::Kind::kText : TupleValue::Kind::kBinary;
        ERPHUB_ASSIGN_OR_RETURN(uint32_t length, in.U32("column length"));
        ERPHUB_ASSIGN_OR_RETURN(std::string_view data, in.Bytes(length, "column value"));
        value.data = std::string(data);
        break;
      }
      default:
        return in.Error("unknown tuple column kind " + std::to_string(kind));
    }
    tuple.push_back(std::move(value));
  }
  return tuple;
}

Result<Relation> ReadRelation(Reader& in) {
  Relation relation;
  ERPHUB_ASSIGN_OR_RETURN(relation.oid, in.U32("relation oid"));
  ERPHUB_ASSIGN_OR_RETURN(relation.schema, in.CString("relation schema"));
  ERPHUB_ASSIGN_OR_RETURN(relation.name, in.CString("relation name"));
  ERPHUB_ASSIGN_OR_RETURN(uint8_t identity, in.U8("replica identity"));
  relation.replica_identity = static_cast<char>(identity);
  ERPHUB_ASSIGN_OR_RETURN(uint16_t count, in.U16("relation column count"));
  for (uint16_t i = 0; i < count; ++i) {
    RelationColumn column;
    ERPHUB_ASSIGN_OR_RETURN(uint8_t flags, in.U8("column flags"));
    column.key = (flags & 1) != 0;
    ERPHUB_ASSIGN_OR_RETURN(column.name, in.CString("column name"));
    ERPHUB_ASSIGN_OR_RETURN(column.type_oid, in.U32("column type"));
    ERPHUB_ASSIGN_OR_RETURN(uint32_t modifier, in.U32("column type modifier"));
    column.type_modifier = static_cast<int32_t>(modifier);
    relation.columns.push_back(std::move(column));
  }
  return relation;
}

Result<Message> ReadBody(char type, Reader& in) {
  switch (type) {
    case 'B': {
      Begin begin;
      ERPHUB_ASSIGN_OR_RETURN(begin.final_lsn, in.U64("final lsn"));
      ERPHUB_ASSIGN_OR_RETURN(begin.commit_time, in.I64("commit time"));
      ERPHUB_ASSIGN_OR_RETURN(begin.xid, in.U32("xid"));
      return Message(begin);
    }
    case 'C': {
      Commit commit;
      ERPHUB_ASSIGN_OR_RETURN(commit.flags, in.U8("commit flags"));
      ERPHUB_ASSIGN_OR_RETURN(commit.commit_lsn, in.U64("commit lsn"));
      ERPHUB_ASSIGN_OR_RETURN(commit.end_lsn, in.U64("end lsn"));
      ERPHUB_ASSIGN_OR_RETURN(commit.commit_time, in.I64("commit time"));
      return Message(commit);
    }
    case 'O': {
      Origin origin;
      ERPHUB_ASSIGN_OR_RETURN(origin.commit_lsn, in.U64("origin lsn"));
      ERPHUB_ASSIGN_OR_RETURN(origin.name, in.CString("origin name"));
      return Message(std::move(origin));
    }
    case 'R': {
      ERPHUB_ASSIGN_OR_RETURN(Relation relation, ReadRelation(in));
      return Message(std::move(relation));
    }
    case 'Y': {
      Type type_message;
      ERPHUB_ASSIGN_OR_RETURN(type_message.oid, in.U32("type oid"));
      ERPHUB_ASSIGN_OR_RETURN(type_message.schema, in.CString("type schema"));
      ERPHUB_ASSIGN_OR_RETURN(type_message.name, in.CString("type name"));
      return Message(std::move(type_message));
    }
    case 'I': {
      Insert insert;
      ERPHUB_ASSIGN_OR_RETURN(insert.relation, in.U32("relation oid"));
      ERPHUB_ASSIGN_OR_RETURN(uint8_t marker, in.U8("new tuple marker"));
      if (marker != 'N') {
        return in.Error("insert without a new tuple ('N')");
      }
      ERPHUB_ASSIGN_OR_RETURN(insert.new_tuple, ReadTuple(in));
      return Message(std::move(insert));
    }
    case 'U': {
      Update update;
      ERPHUB_ASSIGN_OR_RETURN(update.relation, in.U32("relation oid"));
      ERPHUB_ASSIGN_OR_RETURN(uint8_t marker, in.U8("tuple marker"));
      if (marker == 'K' || marker == 'O') {
        update.old_kind = static_cast<char>(marker);
        ERPHUB_ASSIGN_OR_RETURN(update.old_tuple, ReadTuple(in));
        ERPHUB_ASSIGN_OR_RETURN(marker, in.U8("new tuple marker"));
      }
      if (marker != 'N') {
        return in.Error("update without a new tuple ('N')");
      }
      ERPHUB_ASSIGN_OR_RETURN(update.new_tuple, ReadTuple(in));
      return Message(std::move(update));
    }
    case 'D': {
      Delete deletion;
      ERPHUB_ASSIGN_OR_RETURN(deletion.relation, in.U32("relation oid"));
      ERPHUB_ASSIGN_OR_RETURN(uint8_t marker, in.U8("old tuple marker"));
      if (marker != 'K' && marker != 'O') {
        return in.Error("delete without an old tuple ('K' or 'O')");
      }
      deletion.old_kind = static_cast<char>(marker);
      ERPHUB_ASSIGN_OR_RETURN(deletion.old_tuple, ReadTuple(in));
      return Message(std::move(deletion));
    }
    case 'T': {
      Truncate truncate;
      ERPHUB_ASSIGN_OR_RETURN(uint32_t count, in.U32("relation count"));
      ERPHUB_ASSIGN_OR_RETURN(truncate.options, in.U8("truncate options"));
      for (uint32_t i = 0; i < count; ++i) {
        ERPHUB_ASSIGN_OR_RETURN(uint32_t oid, in.U32("relation oid"));
        truncate.relations.push_back(oid);
      }
      return Message(std::move(truncate));
    }
    case 'M': {
      LogicalMessage message;
      ERPHUB_ASSIGN_OR_RETURN(uint8_t flags, in.U8("message flags"));
      message.transactional = (flags & 1) != 0;
      ERPHUB_ASSIGN_OR_RETURN(message.lsn, in.U64("message lsn"));
      ERPHUB_ASSIGN_OR_RETURN(message.prefix, in.CString("message prefix"));
      ERPHUB_ASSIGN_OR_RETURN(uint32_t length, in.U32("message length"));
      ERPHUB_ASSIGN_OR_RETURN(std::string_view content, in.Bytes(length, "message content"));
      message.content = std::string(content);
      return Message(std::move(message));
    }
    default:
      return in.Error("unknown message type " + std::to_string(static_cast<unsigned char>(type)));
  }
}

// Days since 1970-01-01 -> civil date (Howard Hinnant's algorithm).
void CivilFromDays(int64_t days, int64_t& year, unsigned& month, unsigned& day) {
  days += 719468;
  const int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(days - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  day = doy - (153 * mp + 2) / 5 + 1;
  month = mp < 10 ? mp + 3 : mp - 9;
  year = static_cast<int64_t>(yoe) + era * 400 + (month <= 2 ? 1 : 0);
}

}  // namespace

std::string FormatLsn(Lsn lsn) {
  char text[32];
  std::snprintf(text, sizeof(text), "%X/%X", static_cast<unsigned>(lsn >> 32),
                static_cast<unsigned>(lsn & 0xFFFFFFFFu));
  return text;
}

Result<Lsn> ParseLsn(std::string_view text) {
  size_t slash = text.find('/');
  auto hex = [](std::string_view part, uint64_t& out) {
    if (part.empty() || part.size() > 8) {
      return false;
    }
    out = 0;
    for (char c : part) {
      int digit = c >= '0' && c <= '9'   ? c - '0'
                  : c >= 'A' && c <= 'F' ? c - 'A' + 10
                  : c >= 'a' && c <= 'f' ? c - 'a' + 10
                                         : -1;
      if (digit < 0) {
        return false;
      }
      out = out * 16 + static_cast<uint64_t>(digit);
    }
    return true;
  };
  uint64_t high = 0;
  uint64_t low = 0;
  if (slash == std::string_view::npos || !hex(text.substr(0, slash), high) ||
      !hex(text.substr(slash + 1), low)) {
    return InvalidArgumentError("not a WAL position (like 0/16B3748): " + std::string(text));
  }
  return (high << 32) | low;
}

std::string PgTimeToIsoUtc(int64_t microseconds) {
  constexpr int64_t kUnixOffsetSeconds = 946684800;  // 2000-01-01 in Unix time
  constexpr int64_t kMicrosPerDay = 86400LL * 1000000;
  int64_t days = microseconds / kMicrosPerDay;
  int64_t rest = microseconds % kMicrosPerDay;
  if (rest < 0) {
    rest += kMicrosPerDay;
    --days;
  }
  int64_t year = 0;
  unsigned month = 0;
  unsigned day = 0;
  CivilFromDays(days + kUnixOffsetSeconds / 86400, year, month, day);
  const int64_t seconds = rest / 1000000;
  const int64_t fraction = rest % 1000000;
  char text[64];
  std::snprintf(text, sizeof(text), "%04" PRId64 "-%02u-%02uT%02d:%02d:%02d", year, month, day,
                static_cast<int>(seconds / 3600), static_cast<int>(seconds / 60 % 60),
                static_cast<int>(seconds % 60));
  std::string out = text;
  if (fraction != 0) {
    char digits[8];
    std::snprintf(digits, sizeof(digits), "%06d", static_cast<int>(fraction));
    std::string part = digits;
    while (part.back() == '0') {
      part.pop_back();
    }
    out += "." + part;
  }
  return out + "Z";
}

Result<Frame> DecodeFrame(std::string_view frame) {
  Reader in(frame);
  ERPHUB_ASSIGN_OR_RETURN(uint8_t type, in.U8("frame type"));
  if (type == 'w') {
    XLogData data;
    ERPHUB_ASSIGN_OR_RETURN(data.start, in.U64("WAL start"));
    ERPHUB_ASSIGN_OR_RETURN(data.wal_end, in.U64("WAL end"));
    ERPHUB_ASSIGN_OR_RETURN(data.send_time, in.I64("send time"));
    data.data = in.Rest();
    return Frame(data);
  }
  if (type == 'k') {
    Keepalive keepalive;
    ERPHUB_ASSIGN_OR_RETURN(keepalive.wal_end, in.U64("WAL end"));
    ERPHUB_ASSIGN_OR_RETURN(keepalive.send_time, in.I64("send time"));
    ERPHUB_ASSIGN_OR_RETURN(uint8_t reply, in.U8("reply flag"));
    keepalive.reply_requested = reply != 0;
    if (!in.done()) {
      return in.Error("bytes after a keepalive");
    }
    return Frame(keepalive);
  }
  return in.Error("unknown replication frame type " + std::to_string(type));
}

std::string EncodeStandbyStatus(Lsn flushed, int64_t now, bool reply_requested) {
  std::string out;
  out.reserve(34);
  out.push_back('r');
  auto put64 = [&out](uint64_t value) {
    for (int shift = 56; shift >= 0; shift -= 8) {
      out.push_back(static_cast<char>((value >> shift) & 0xFF));
    }
  };
  put64(flushed);  // written
  put64(flushed);  // flushed
  put64(flushed);  // applied
  put64(static_cast<uint64_t>(now));
  out.push_back(reply_requested ? 1 : 0);
  return out;
}

Result<Message> DecodeMessage(std::string_view bytes) {
  Reader in(bytes);
  ERPHUB_ASSIGN_OR_RETURN(uint8_t type, in.U8("message type"));
  ERPHUB_ASSIGN_OR_RETURN(Message message, ReadBody(static_cast<char>(type), in));
  if (!in.done()) {
    return in.Error("bytes after the message");
  }
  return message;
}

}  // namespace erphub::db::pgoutput
