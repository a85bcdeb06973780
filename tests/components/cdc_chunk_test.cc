#include "components/inputs/cdc_chunk.h"

#include <gtest/gtest.h>

#include <string>

namespace erphub::components::cdc {
namespace {

TableInfo Items() {
  TableInfo table;
  table.name = "public.items";
  table.columns = {"id", "name", "amount"};
  table.types = {23, 25, 1700};
  table.key_positions = {0};
  return table;
}

TEST(CdcChunkTest, PacksSmallerAndUnpacksTheTableShapeAndRows) {
  std::string text = ChunkHeader(Items(), 0x16B3748);
  for (int i = 1; i <= 1000; ++i) {
    text += std::to_string(i) + "\tname " + std::to_string(i) + "\t\\N\n";
  }
  std::string packed = PackChunk(text);
  EXPECT_LT(packed.size() * 3, text.size());
  Result<Chunk> chunk = Chunk::Unpack(packed);
  ASSERT_TRUE(chunk.ok()) << chunk.status().ToString();
  EXPECT_EQ(chunk->table().name, "public.items");
  EXPECT_EQ(chunk->table().columns, Items().columns);
  EXPECT_EQ(chunk->table().types, Items().types);
  EXPECT_EQ(chunk->table().key_positions, Items().key_positions);
  EXPECT_EQ(chunk->lsn(), 0x16B3748u);
  ASSERT_EQ(chunk->rows(), 1000u);
  EXPECT_EQ(chunk->row(0), "1\tname 1\t\\N");
  EXPECT_EQ(chunk->row(999), "1000\tname 1000\t\\N");
}

TEST(CdcChunkTest, ADamagedChunkIsAnErrorNotACrash) {
  std::string packed = PackChunk(ChunkHeader(Items(), 1) + "1\ta\t2.50\n");
  EXPECT_TRUE(Chunk::Unpack(packed).ok());
  EXPECT_EQ(Chunk::Unpack("").status().code(), StatusCode::kParse);
  EXPECT_EQ(Chunk::Unpack("not zstd").status().code(), StatusCode::kParse);
  std::string cut = packed.substr(0, packed.size() - 3);
  EXPECT_EQ(Chunk::Unpack(cut).status().code(), StatusCode::kParse);
  // A changed byte anywhere in the frame: its checksum (or its structure) tells.
  for (size_t at = 0; at < packed.size(); ++at) {
    std::string flipped = packed;
    flipped[at] = static_cast<char>(flipped[at] ^ 0x01);
    EXPECT_FALSE(Chunk::Unpack(flipped).ok()) << "byte " << at;
  }
  // Whole, but without a header line or with a header that lacks the table's shape.
  EXPECT_EQ(Chunk::Unpack(PackChunk("1\ta\n")).status().code(), StatusCode::kParse);
  EXPECT_EQ(Chunk::Unpack(PackChunk("{\"table\":\"t\"}\n1\n")).status().code(), StatusCode::kParse);
  EXPECT_EQ(Chunk::Unpack(PackChunk(R"({"table":"t","columns":["a"],"types":[23],"key":[3],)"
                                    R"("lsn":"0/1"})"
                                    "\n"))
                .status()
                .code(),
            StatusCode::kParse);
}

}  // namespace
}  // namespace erphub::components::cdc
