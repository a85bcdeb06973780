// The X12 reader: delimiters, layout, envelopes, loops, strict and lenient faults, streaming.
#include <gtest/gtest.h>

#include <string>

#include "core/json.h"
#include "formats/x12/x12.h"

namespace erphub::formats::x12 {
namespace {

std::string Isa(char element, char repetition, char component, const std::string& terminator,
                const std::string& control = "000000001") {
  std::string e(1, element);
  return "ISA" + e + "00" + e + "          " + e + "00" + e + "          " + e + "ZZ" + e +
         "SENDER         " + e + "ZZ" + e + "RECEIVER       " + e + "240101" + e + "1200" + e +
         std::string(1, repetition) + e + "00501" + e + control + e + "0" + e + "P" + e +
         std::string(1, component) + terminator;
}

std::string Order(const std::string& control = "000000001") {
  return Isa('*', '^', ':', "~", control) +
         "\nGS*PO*SENDER*RECEIVER*20240101*1200*1*X*005010~\nST*850*0001~\n"
         "BEG*00*SA*PO-1**20240101~\nREF*ZZ*A^B:C~\nN1*ST*SHOP~\nN3*MAIN ST~\n"
         "PO1*1*2*EA*9.50**VP*X:Y~\nPID*F****WIDGET~\nPO1*2*1*EA*1.25~\nCTT*2~\n"
         "SE*10*0001~\nGE*1*1~\nIEA*1*" +
         control + "~\n";
}

Value ParseOk(std::string_view text, bool lenient = false) {
  ParseOptions options;
  options.lenient = lenient;
  auto parsed = Parse(text, options);
  EXPECT_TRUE(parsed.ok()) << parsed.status().ToString();
  return parsed.ok() ? *parsed : Value();
}

std::string Error(std::string_view text) {
  auto parsed = Parse(text, ParseOptions{});
  EXPECT_FALSE(parsed.ok());
  return parsed.ok() ? "" : parsed.status().ToString();
}

const Value& FirstSet(const Value& doc) {
  return doc.Get("interchanges")[0].Get("groups")[0].Get("transactions")[0];
}

TEST(X12ParseTest, JsonFormKeepsElementsComponentsAndRepeats) {
  Value doc = ParseOk(Order());
  const Value& interchange = doc.Get("interchanges")[0];
  EXPECT_EQ(ToJson(interchange.Get("delimiters")),
            R"({"element":"*","component":":","repetition":"^","segment":"~"})");
  EXPECT_EQ(interchange.Get("ISA")[13].as_string(), "000000001");
  const Value& segments = FirstSet(doc).Get("segments");
  EXPECT_EQ(ToJson(segments[0]), R"(["BEG","00","SA","PO-1","","20240101"])");
  EXPECT_EQ(ToJson(segments[1]), R"(["REF","ZZ",{"repeats":["A",["B","C"]]}])");
  EXPECT_EQ(ToJson(segments[2]),
            R"({"loop":"N1","segments":[["N1","ST","SHOP"],["N3","MAIN ST"]]})");
  EXPECT_EQ(ToJson(segments[3]),
            R"({"loop":"PO1","segments":[["PO1","1","2","EA","9.50","","VP",["X","Y"]],)"
            R"({"loop":"PID","segments":[["PID","F","","","","WIDGET"]]}]})");
  EXPECT_EQ(segments[5].Get("loop").as_string(), "CTT");
  EXPECT_EQ(ToJson(FirstSet(doc).Get("SE")), R"(["SE","10","0001"])");
  EXPECT_TRUE(doc.Get("warnings").is_undefined());
}

TEST(X12ParseTest, MailbagWithDifferentDelimitersAndLayout) {
  std::string second = Isa('|', 'U', '>', "\n", "000000002") +
                       "GS|IN|A|B|20240101|1200|2|X|004010\r\nST|997|0001\r\nAK1|IN|1\r\n"
                       "AK9|A|0|0|0\r\nSE|4|0001\r\nGE|1|2\r\nIEA|1|000000002\r\n";
  std::string mailbag = "\xEF\xBB\xBF  " + Order() + "\r\n\t" + second;
  Value doc = ParseOk(mailbag);
  ASSERT_EQ(doc.Get("interchanges").size(), 2u);
  const Value& other = doc.Get("interchanges")[1];
  EXPECT_EQ(ToJson(other.Get("delimiters")), R"({"element":"|","component":">","segment":"\n"})");
  EXPECT_EQ(ToJson(other.Get("IEA")), R"(["IEA","1","000000002"])");
  EXPECT_EQ(ToJson(other.Get("groups")[0].Get("transactions")[0].Get("segments")[0]),
            R"(["AK1","IN","1"])");
}

TEST(X12ParseTest, MultiByteTerminator) {
  std::string text = Order();
  std::string replaced;
  for (char c : text) {
    if (c == '~') {
      replaced += "\xE2\x80\xA6";  // U+2026
    } else {
      replaced += c;
    }
  }
  Value doc = ParseOk(replaced);
  EXPECT_EQ(doc.Get("interchanges")[0].Get("delimiters").Get("segment").as_string(),
            "\xE2\x80\xA6");
}

TEST(X12ParseTest, StrictErrorsNameSegmentAndOffset) {
  std::string text = Order();
  text.replace(text.find("SE*10*0001"), 10, "SE*11*0001");
  std::string error = Error(text);
  EXPECT_NE(error.find("SE01 is 11 but the set has 10 segments"), std::string::npos) << error;
  EXPECT_NE(error.find("segment 12 (SE) at byte " + std::to_string(text.find("SE*11"))),
            std::string::npos)
      << error;
}

TEST(X12ParseTest, LenientListsEachFault) {
  std::string text = Order();
  text.replace(text.find("SE*10*0001"), 10, "SE*11*0002");
  text.replace(text.find("GE*1*1"), 6, "GE*3*9");
  text.replace(text.find("IEA*1*000000001"), 15, "IEA*2*000000009");
  text.erase(text.rfind('~'));
  Value doc = ParseOk(text, /*lenient=*/true);
  std::string codes;
  for (const Value& w : doc.Get("warnings").as_array()) {
    codes += std::string(w.Get("code").as_string()) + " ";
    EXPECT_TRUE(w.Get("message").is_string());
    EXPECT_TRUE(w.Get("segment").is_number());
    EXPECT_TRUE(w.Get("offset").is_number());
  }
  EXPECT_EQ(codes,
            "se_count_mismatch se_control_mismatch ge_count_mismatch ge_control_mismatch "
            "unterminated_segment iea_count_mismatch iea_control_mismatch ");
}

TEST(X12ParseTest, NestingFaults) {
  std::string text = Order();
  EXPECT_NE(Error(text.substr(0, text.find("GE*"))).find("no GE trailer"), std::string::npos);
  EXPECT_NE(Error(text.substr(0, text.find("SE*"))).find("no SE trailer"), std::string::npos);
  std::string no_gs = text;
  no_gs.erase(no_gs.find("GS*"), no_gs.find("ST*") - no_gs.find("GS*"));
  EXPECT_NE(Error(no_gs).find("ST outside a functional group"), std::string::npos);
  std::string stray = text;
  stray.insert(stray.find("GS*"), "REF*X*Y~");
  EXPECT_NE(Error(stray).find("segment REF outside a transaction set"), std::string::npos);
}

TEST(X12ParseTest, IsaFixedWidthAndFallback) {
  std::string text = Order();
  text.replace(text.find("SENDER         "), 15, "SENDER");
  EXPECT_NE(Error(text).find("ISA is not fixed width: ISA06 has 6 bytes"), std::string::npos);
  Value doc = ParseOk(text, /*lenient=*/true);
  EXPECT_EQ(doc.Get("warnings")[0].Get("code").as_string(), "isa_not_fixed_width");
  EXPECT_EQ(doc.Get("interchanges")[0].Get("ISA")[6].as_string(), "SENDER");
}

TEST(X12ParseTest, MissingIsa16InLenientMode) {
  std::string text = Order();
  text.replace(text.find("*P*:~"), 5, "*P~");
  EXPECT_FALSE(Parse(text, ParseOptions{}).ok());
  std::string no_components = text;
  no_components.replace(no_components.find("VP*X:Y"), 6, "VP*XY");
  no_components.replace(no_components.find("A^B:C"), 5, "A^BC");
  Value doc = ParseOk(no_components, /*lenient=*/true);
  EXPECT_EQ(doc.Get("warnings")[0].Get("code").as_string(), "isa16_missing");
}

TEST(X12ParseTest, UnknownAndMisplacedSegments) {
  std::string text = Order();
  text.insert(text.find("N1*ST"), "FTE*X~");
  text.replace(text.find("SE*10"), 5, "SE*11");
  EXPECT_NE(Error(text).find("segment FTE is not a known segment in set 850"), std::string::npos);
  Value doc = ParseOk(text, /*lenient=*/true);
  EXPECT_EQ(doc.Get("warnings")[0].Get("code").as_string(), "segment_placement");
  std::string twice = Order();
  twice.insert(twice.find("REF*ZZ"), "BEG*00*SA*PO-2**20240101~");
  twice.replace(twice.find("SE*10"), 5, "SE*11");
  EXPECT_NE(Error(twice).find("segment BEG occurs more than 1 times"), std::string::npos);
}

TEST(X12ParseTest, HierarchicalLoopsNestByParent) {
  std::string text = Isa('*', '^', ':', "~") +
                     "GS*SH*A*B*20240101*1200*1*X*005010~ST*856*0001~BSN*00*S1*20240101*1200~"
                     "HL*1**S~TD1*CTN*1~HL*2*1*O~PRF*PO1~HL*3*2*I~LIN**VP*A~SN1**2*EA~"
                     "HL*4*2*I~LIN**VP*B~SN1**1*EA~CTT*4~SE*14*0001~GE*1*1~IEA*1*000000001~";
  Value doc = ParseOk(text);
  const Value& segments = FirstSet(doc).Get("segments");
  ASSERT_EQ(segments.size(), 3u);  // BSN, HL 1, CTT
  const Value& shipment = segments[1];
  EXPECT_EQ(shipment.Get("loop").as_string(), "HL");
  const Value& order = shipment.Get("segments")[2];
  EXPECT_EQ(ToJson(order.Get("segments")[0]), R"(["HL","2","1","O"])");
  ASSERT_EQ(order.Get("segments").size(), 4u);  // HL, PRF, two item loops
  EXPECT_EQ(ToJson(order.Get("segments")[3].Get("segments")[0]), R"(["HL","4","2","I"])");
}

TEST(X12ParseTest, SetsWithoutDefinitionStayFlat) {
  std::string text = Order();
  text.replace(text.find("ST*850"), 6, "ST*875");
  Value doc = ParseOk(text);
  const Value& segments = FirstSet(doc).Get("segments");
  EXPECT_EQ(segments.size(), 8u);
  for (const Value& s : segments.as_array()) EXPECT_TRUE(s.is_array());
}

TEST(X12ParseTest, EbcdicIsDecoded) {
  // "ISA" in code page 500 is C9 E2 C1; a whole interchange in EBCDIC decodes to the same JSON.
  std::string ascii = Order();
  std::string ebcdic;
  const std::string kAscii = " 0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ*~:^-.\n";
  const unsigned char kCodes[] = {0x40, 0xF0, 0xF1, 0xF2, 0xF3, 0xF4, 0xF5, 0xF6, 0xF7, 0xF8, 0xF9,
                                  0xC1, 0xC2, 0xC3, 0xC4, 0xC5, 0xC6, 0xC7, 0xC8, 0xC9, 0xD1, 0xD2,
                                  0xD3, 0xD4, 0xD5, 0xD6, 0xD7, 0xD8, 0xD9, 0xE2, 0xE3, 0xE4, 0xE5,
                                  0xE6, 0xE7, 0xE8, 0xE9, 0x5C, 0xA1, 0x7A, 0x5F, 0x60, 0x4B, 0x25};
  for (char c : ascii) {
    size_t at = kAscii.find(c);
    ASSERT_NE(at, std::string::npos) << c;
    ebcdic.push_back(static_cast<char>(kCodes[at]));
  }
  EXPECT_EQ(ToJson(ParseOk(ebcdic)), ToJson(ParseOk(ascii)));
  // Also when it arrives a byte at a time.
  std::string out;
  JsonStream stream(ParseOptions{}, [&out](std::string_view piece) {
    out.append(piece);
    return Status::Ok();
  });
  for (char c : ebcdic) {
    ASSERT_TRUE(stream.Feed(std::string_view(&c, 1)).ok());
  }
  ASSERT_TRUE(stream.Finish().ok());
  EXPECT_EQ(out, ToJson(ParseOk(ascii)));
}

TEST(X12ParseTest, StreamingInChunksGivesTheSameJson) {
  std::string text = Order() + Order("000000002");
  std::string whole = ToJson(ParseOk(text));
  for (size_t chunk : {1u, 2u, 7u, 64u, 105u, 106u, 107u}) {
    std::string out;
    JsonStream stream(ParseOptions{}, [&out](std::string_view piece) {
      out.append(piece);
      return Status::Ok();
    });
    for (size_t at = 0; at < text.size(); at += chunk) {
      ASSERT_TRUE(stream.Feed(std::string_view(text).substr(at, chunk)).ok());
    }
    ASSERT_TRUE(stream.Finish().ok());
    EXPECT_EQ(out, whole) << "chunk " << chunk;
  }
}

TEST(X12ParseTest, SinkSeesEachTransactionSet) {
  int pieces = 0;
  JsonStream stream(ParseOptions{}, [&pieces](std::string_view) {
    ++pieces;
    return Status::Ok();
  });
  ASSERT_TRUE(stream.Feed(Order()).ok());
  ASSERT_TRUE(stream.Finish().ok());
  EXPECT_EQ(pieces, 3);  // the set, the interchange's end, the document's end
}

TEST(X12ParseTest, NotX12IsRejectedInBothModes) {
  EXPECT_FALSE(Parse("", ParseOptions{}).ok());
  ParseOptions lenient;
  lenient.lenient = true;
  EXPECT_FALSE(Parse("UNB+UNOA:1+X+Y+200101:1200+1'", lenient).ok());
  EXPECT_FALSE(Parse("ISA*00*short~", lenient).ok());
}

}  // namespace
}  // namespace erphub::formats::x12
