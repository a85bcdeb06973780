#include "db/pgoutput.h"

#include <gtest/gtest.h>

#include <string>

namespace erphub::db::pgoutput {
namespace {

// Builds messages byte by byte, big-endian as the server sends them.
class Bytes {
 public:
  Bytes& U8(uint8_t v) {
    out_.push_back(static_cast<char>(v));
    return *this;
  }
  Bytes& U16(uint16_t v) { return Int(v, 2); }
  Bytes& U32(uint32_t v) { return Int(v, 4); }
  Bytes& U64(uint64_t v) { return Int(v, 8); }
  Bytes& Str(const std::string& s) {
    out_ += s;
    out_.push_back('\0');
    return *this;
  }
  Bytes& Text(const std::string& s) {
    U8('t');
    U32(static_cast<uint32_t>(s.size()));
    out_ += s;
    return *this;
  }
  Bytes& Raw(const std::string& s) {
    out_ += s;
    return *this;
  }
  const std::string& str() const { return out_; }

 private:
  Bytes& Int(uint64_t v, int width) {
    for (int i = width - 1; i >= 0; --i) {
      out_.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
    }
    return *this;
  }
  std::string out_;
};

std::string RelationMessage() {
  return Bytes()
      .U8('R')
      .U32(16384)
      .Str("public")
      .Str("items")
      .U8('d')
      .U16(3)
      .U8(1)
      .Str("id")
      .U32(23)
      .U32(0xFFFFFFFF)
      .U8(0)
      .Str("name")
      .U32(25)
      .U32(0xFFFFFFFF)
      .U8(0)
      .Str("body")
      .U32(25)
      .U32(0xFFFFFFFF)
      .str();
}

TEST(PgoutputTest, DecodesBeginCommitAndRelation) {
  auto begin = DecodeMessage(Bytes().U8('B').U64(0x16B3748).U64(1000000).U32(742).str());
  ASSERT_TRUE(begin.ok()) << begin.status().ToString();
  const auto& b = std::get<Begin>(*begin);
  EXPECT_EQ(b.final_lsn, 0x16B3748u);
  EXPECT_EQ(b.commit_time, 1000000);
  EXPECT_EQ(b.xid, 742u);

  auto commit = DecodeMessage(Bytes().U8('C').U8(0).U64(0x100).U64(0x1A0).U64(5).str());
  ASSERT_TRUE(commit.ok());
  EXPECT_EQ(std::get<Commit>(*commit).end_lsn, 0x1A0u);

  auto relation = DecodeMessage(RelationMessage());
  ASSERT_TRUE(relation.ok()) << relation.status().ToString();
  const auto& r = std::get<Relation>(*relation);
  EXPECT_EQ(r.oid, 16384u);
  EXPECT_EQ(r.schema, "public");
  EXPECT_EQ(r.name, "items");
  ASSERT_EQ(r.columns.size(), 3u);
  EXPECT_TRUE(r.columns[0].key);
  EXPECT_FALSE(r.columns[1].key);
  EXPECT_EQ(r.columns[1].name, "name");
  EXPECT_EQ(r.columns[2].type_oid, 25u);
  EXPECT_EQ(r.columns[2].type_modifier, -1);
}

TEST(PgoutputTest, DecodesRowChangesWithNullAndUnchangedToast) {
  auto insert = DecodeMessage(
      Bytes().U8('I').U32(16384).U8('N').U16(3).Text("7").U8('n').Text("hello").str());
  ASSERT_TRUE(insert.ok()) << insert.status().ToString();
  const auto& i = std::get<Insert>(*insert);
  ASSERT_EQ(i.new_tuple.size(), 3u);
  EXPECT_EQ(i.new_tuple[0].data, "7");
  EXPECT_EQ(i.new_tuple[1].kind, TupleValue::Kind::kNull);
  EXPECT_EQ(i.new_tuple[2].data, "hello");

  auto update = DecodeMessage(Bytes()
                                  .U8('U')
                                  .U32(16384)
                                  .U8('O')
                                  .U16(3)
                                  .Text("7")
                                  .Text("old")
                                  .Text("big")
                                  .U8('N')
                                  .U16(3)
                                  .Text("7")
                                  .Text("new")
                                  .U8('u')
                                  .str());
  ASSERT_TRUE(update.ok()) << update.status().ToString();
  const auto& u = std::get<Update>(*update);
  EXPECT_EQ(u.old_kind, 'O');
  EXPECT_EQ(u.old_tuple[2].data, "big");
  EXPECT_EQ(u.new_tuple[2].kind, TupleValue::Kind::kUnchangedToast);

  auto plain = DecodeMessage(Bytes().U8('U').U32(1).U8('N').U16(1).Text("x").str());
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(std::get<Update>(*plain).old_kind, 0);

  auto deletion = DecodeMessage(Bytes().U8('D').U32(1).U8('K').U16(2).Text("7").U8('n').str());
  ASSERT_TRUE(deletion.ok());
  EXPECT_EQ(std::get<Delete>(*deletion).old_tuple[0].data, "7");

  auto truncate = DecodeMessage(Bytes().U8('T').U32(2).U8(1).U32(10).U32(11).str());
  ASSERT_TRUE(truncate.ok());
  EXPECT_EQ(std::get<Truncate>(*truncate).relations, (std::vector<uint32_t>{10, 11}));
  EXPECT_EQ(std::get<Truncate>(*truncate).options, 1);
}

TEST(PgoutputTest, DecodesTypeOriginAndMessage) {
  auto type = DecodeMessage(Bytes().U8('Y').U32(99).Str("public").Str("mood").str());
  ASSERT_TRUE(type.ok());
  EXPECT_EQ(std::get<Type>(*type).name, "mood");
  auto origin = DecodeMessage(Bytes().U8('O').U64(5).Str("node1").str());
  ASSERT_TRUE(origin.ok());
  EXPECT_EQ(std::get<Origin>(*origin).name, "node1");
  auto message = DecodeMessage(
      Bytes().U8('M').U8(1).U64(9).Str("app").U32(3).Raw(std::string("a\0b", 3)).str());
  ASSERT_TRUE(message.ok()) << message.status().ToString();
  EXPECT_TRUE(std::get<LogicalMessage>(*message).transactional);
  EXPECT_EQ(std::get<LogicalMessage>(*message).content, std::string("a\0b", 3));
}

TEST(PgoutputTest, RefusesTruncatedAndGarbageBytes) {
  // Every proper prefix of a valid message is refused, as is every message with a byte extra.
  std::vector<std::string> valid = {
      RelationMessage(),
      Bytes().U8('B').U64(1).U64(2).U32(3).str(),
      Bytes().U8('I').U32(1).U8('N').U16(2).Text("12345").U8('n').str(),
      Bytes().U8('U').U32(1).U8('K').U16(1).Text("1").U8('N').U16(1).Text("2").str(),
      Bytes().U8('M').U8(0).U64(9).Str("p").U32(2).Raw("xy").str(),
  };
  for (const std::string& message : valid) {
    ASSERT_TRUE(DecodeMessage(message).ok());
    for (size_t n = 0; n < message.size(); ++n) {
      auto decoded = DecodeMessage(message.substr(0, n));
      EXPECT_FALSE(decoded.ok()) << "prefix of " << n << " bytes";
      if (!decoded.ok()) {
        EXPECT_EQ(decoded.status().code(), StatusCode::kParse);
      }
    }
    EXPECT_FALSE(DecodeMessage(message + "x").ok());
  }
  EXPECT_FALSE(DecodeMessage("").ok());
  EXPECT_FALSE(DecodeMessage("Z").ok());
  // A column length far past the end.
  EXPECT_FALSE(
      DecodeMessage(Bytes().U8('I').U32(1).U8('N').U16(1).U8('t').U32(0xFFFFFFF0).str()).ok());
  // An unknown tuple column kind, an insert without 'N', a delete without 'K'/'O'.
  EXPECT_FALSE(DecodeMessage(Bytes().U8('I').U32(1).U8('N').U16(1).U8('z').str()).ok());
  EXPECT_FALSE(DecodeMessage(Bytes().U8('I').U32(1).U8('X').U16(0).str()).ok());
  EXPECT_FALSE(DecodeMessage(Bytes().U8('D').U32(1).U8('N').U16(0).str()).ok());
  // A relation name without its NUL.
  EXPECT_FALSE(DecodeMessage(Bytes().U8('R').U32(1).Raw("public").str()).ok());
}

TEST(PgoutputTest, DecodesFramesAndEncodesStatusUpdates) {
  std::string payload = Bytes().U8('B').U64(1).U64(2).U32(3).str();
  // The frame's data is a view into the bytes: they must outlive it.
  const std::string bytes = Bytes().U8('w').U64(0x10).U64(0x20).U64(7).Raw(payload).str();
  auto frame = DecodeFrame(bytes);
  ASSERT_TRUE(frame.ok());
  const auto& data = std::get<XLogData>(*frame);
  EXPECT_EQ(data.start, 0x10u);
  EXPECT_EQ(data.wal_end, 0x20u);
  EXPECT_EQ(data.data, payload);

  auto keepalive = DecodeFrame(Bytes().U8('k').U64(0x30).U64(8).U8(1).str());
  ASSERT_TRUE(keepalive.ok());
  EXPECT_EQ(std::get<Keepalive>(*keepalive).wal_end, 0x30u);
  EXPECT_TRUE(std::get<Keepalive>(*keepalive).reply_requested);
  EXPECT_FALSE(DecodeFrame(Bytes().U8('k').U64(0x30).str()).ok());
  EXPECT_FALSE(DecodeFrame("q").ok());
  EXPECT_FALSE(DecodeFrame("").ok());

  std::string status = EncodeStandbyStatus(0x0102030405060708ULL, 9, true);
  ASSERT_EQ(status.size(), 34u);
  EXPECT_EQ(status[0], 'r');
  EXPECT_EQ(status.substr(1, 8), std::string("\x01\x02\x03\x04\x05\x06\x07\x08", 8));
  EXPECT_EQ(status.substr(9, 8), status.substr(1, 8));
  EXPECT_EQ(status[33], 1);
}

TEST(PgoutputTest, FormatsAndParsesLsnsAndTimes) {
  EXPECT_EQ(FormatLsn(0x16B3748), "0/16B3748");
  EXPECT_EQ(FormatLsn((uint64_t{0x16} << 32) | 0xB374D848), "16/B374D848");
  EXPECT_EQ(*ParseLsn("16/B374D848"), (uint64_t{0x16} << 32) | 0xB374D848);
  EXPECT_EQ(*ParseLsn("0/16b3748"), 0x16B3748u);
  EXPECT_FALSE(ParseLsn("16B3748").ok());
  EXPECT_FALSE(ParseLsn("0/").ok());
  EXPECT_FALSE(ParseLsn("0/XYZ").ok());
  EXPECT_FALSE(ParseLsn("0/123456789").ok());
  EXPECT_EQ(PgTimeToIsoUtc(0), "2000-01-01T00:00:00Z");
  // 2024-05-01T10:00:00.5Z
  EXPECT_EQ(PgTimeToIsoUtc(767872800LL * 1000000 + 500000), "2024-05-01T10:00:00.5Z");
  EXPECT_EQ(PgTimeToIsoUtc(-1), "1999-12-31T23:59:59.999999Z");
}

}  // namespace
}  // namespace erphub::db::pgoutput
