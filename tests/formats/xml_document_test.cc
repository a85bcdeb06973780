#include "formats/xml/xml_document.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/json.h"

namespace erphub::formats::xml {
namespace {

std::string ParsedJson(std::string_view xml, const XmlOptions& options = {}) {
  auto parsed = ParseXml(xml, options);
  return parsed.ok() ? ToJson(*parsed) : "error: " + parsed.status().ToString();
}

// parse -> render -> parse must give the same JSON.
void ExpectRoundTrip(std::string_view xml, const XmlOptions& options = {}) {
  auto parsed = ParseXml(xml, options);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  for (int indent : {0, 2}) {
    XmlOptions write = options;
    write.indent = indent;
    auto rendered = RenderXml(*parsed, write);
    ASSERT_TRUE(rendered.ok()) << rendered.status().ToString();
    auto again = ParseXml(*rendered, options);
    ASSERT_TRUE(again.ok()) << again.status().ToString() << "\n" << *rendered;
    EXPECT_EQ(ToJson(*again), ToJson(*parsed)) << *rendered;
  }
}

TEST(XmlDocumentTest, TextOnlyElementsAreStrings) {
  EXPECT_EQ(ParsedJson("<a><b>x</b><c/><d></d></a>"), R"({"a":{"b":"x","c":"","d":""}})");
}

TEST(XmlDocumentTest, AttributesAndText) {
  EXPECT_EQ(ParsedJson(R"(<price currency="EUR">12.50</price>)"),
            R"({"price":{"@currency":"EUR","#text":"12.50"}})");
  EXPECT_EQ(ParsedJson(R"(<a id="1"/>)"), R"({"a":{"@id":"1"}})");
}

TEST(XmlDocumentTest, RepeatedElementsBecomeArrays) {
  EXPECT_EQ(ParsedJson("<o><l>1</l><l>2</l><t>x</t></o>"), R"({"o":{"l":["1","2"],"t":"x"}})");
}

TEST(XmlDocumentTest, HintedElementsAreAlwaysArrays) {
  XmlOptions options;
  options.always_array = {"l", "p:m"};
  EXPECT_EQ(ParsedJson(R"(<o xmlns:p="urn:p"><l>1</l><p:m/><t>x</t></o>)", options),
            R"({"o":{"@xmlns:p":"urn:p","l":["1"],"p:m":[""],"t":"x"}})");
  ExpectRoundTrip(R"(<o xmlns:p="urn:p"><l>1</l><p:m/><t>x</t></o>)", options);
}

TEST(XmlDocumentTest, NamespacesKeepPrefixAndUri) {
  const char* xml = R"(<inv:Invoice xmlns:inv="urn:inv" xmlns="urn:d"><inv:Id>7</inv:Id>)"
                    R"(<Total xmlns:c="urn:c" c:cur="EUR">9</Total></inv:Invoice>)";
  EXPECT_EQ(ParsedJson(xml),
            R"({"inv:Invoice":{"@xmlns:inv":"urn:inv","@xmlns":"urn:d","inv:Id":"7",)"
            R"("Total":{"@xmlns:c":"urn:c","@c:cur":"EUR","#text":"9"}}})");
  ExpectRoundTrip(xml);
}

TEST(XmlDocumentTest, UndeclaredPrefixIsAnErrorUnlessLenient) {
  EXPECT_EQ(ParsedJson("<a>\n  <p:b/>\n</a>"),
            "error: line 2, column 3: undeclared namespace prefix 'p'");
  std::vector<std::string> reported;
  auto parsed = ParseXml("<a><p:b/></a>", {}, true,
                         [&](const Status& fault) { reported.push_back(fault.ToString()); });
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(reported.size(), 1u);
  EXPECT_EQ(ParsedJson(R"(<a xml:lang="en"/>)"), R"({"a":{"@xml:lang":"en"}})");
}

TEST(XmlDocumentTest, MixedContentKeepsOrderInContent) {
  EXPECT_EQ(ParsedJson("<p>Deliver <b>before</b> <i>noon</i>.</p>"),
            R"({"p":{"#content":["Deliver ",{"b":"before"}," ",{"i":"noon"},"."]}})");
  ExpectRoundTrip("<p lang=\"en\">Deliver <b>before</b> <i>noon</i>.</p>");
}

TEST(XmlDocumentTest, InterleavedSiblingsKeepOrderInContent) {
  EXPECT_EQ(ParsedJson("<s>\n <a>1</a>\n <b>2</b>\n <a>3</a>\n</s>"),
            R"({"s":{"#content":[{"a":"1"},{"b":"2"},{"a":"3"}]}})");
  ExpectRoundTrip("<s><a>1</a><b>2</b><a>3</a></s>");
}

TEST(XmlDocumentTest, EscapesCdataCommentsAndWhitespace) {
  EXPECT_EQ(ParsedJson("<?xml version=\"1.0\"?>\n<!-- c --><a>\n  <b><![CDATA[<x> & y]]></b>\n"
                       "  <c>  spaced  </c>\n  <!-- gone -->\n  <d>&lt;&amp;&#233;</d>\n</a>\n"),
            R"({"a":{"b":"<x> & y","c":"  spaced  ","d":"<&é"}})");
  ExpectRoundTrip("<a t=\"line&#10;break&#9;tab &quot;q&quot;\">\r\nx&#13;y]]&gt;</a>");
}

TEST(XmlDocumentTest, ParseErrorsNameLineAndColumn) {
  auto parsed = ParseXml("<a>\n  <b>x</c>\n</a>", {});
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.status().code(), StatusCode::kParse);
  EXPECT_EQ(parsed.status().context().substr(0, 7), "line 2,");
  EXPECT_EQ(ParsedJson(""), "error: line 1, column 1: no root element");
  EXPECT_EQ(ParsedJson("<!-- c -->\n"), "error: line 2, column 1: no root element");
  EXPECT_EQ(ParsedJson("<a/><b/>"), "error: line 1, column 5: more than one root element");
  EXPECT_EQ(ParsedJson("<a/>\ntext"), "error: line 1, column 5: text outside the root element");
  EXPECT_EQ(ParsedJson("<a>\xff</a>"), "error: line 1, column 4: invalid UTF-8");
  EXPECT_EQ(ParsedJson(R"(<a x="1" x="2"/>)"), "error: line 1, column 1: duplicate attribute 'x'");
}

TEST(XmlDocumentTest, DeepNestingIsAnErrorNotACrash) {
  std::string xml;
  for (int i = 0; i < 100000; ++i) {
    xml += "<a>";
  }
  for (int i = 0; i < 100000; ++i) {
    xml += "</a>";
  }
  auto parsed = ParseXml(xml, {});
  ASSERT_FALSE(parsed.ok());
  EXPECT_NE(parsed.status().message().find("nested deeper"), std::string::npos);
}

TEST(XmlDocumentTest, WriterDeclaresNamespacesAndIndents) {
  auto document = ParseJson(R"({"ord:Order":{"@id":"1","ord:Line":[{"ord:Sku":"A"},"B"],
                                "Note":{"#content":["a ",{"b":"c"}]},"Empty":null}})");
  ASSERT_TRUE(document.ok());
  XmlOptions options;
  options.namespaces = {{"ord", "urn:order"}, {"", "urn:default"}};
  auto xml = RenderXml(*document, options);
  ASSERT_TRUE(xml.ok()) << xml.status().ToString();
  EXPECT_EQ(*xml,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<ord:Order xmlns:ord=\"urn:order\" xmlns=\"urn:default\" id=\"1\">\n"
            "  <ord:Line>\n    <ord:Sku>A</ord:Sku>\n  </ord:Line>\n"
            "  <ord:Line>B</ord:Line>\n"
            "  <Note>a <b>c</b></Note>\n"
            "  <Empty/>\n"
            "</ord:Order>\n");
}

TEST(XmlDocumentTest, WriterRejectsShapesWithoutXmlForm) {
  for (const char* json :
       {R"({"a":1,"b":2})", R"([1])", R"({"a":[1,2]})", R"({"1a":"x"})", R"({"a":{"#other":"x"}})",
        R"({"a":{"@b c":"x"}})", R"({"a":{"b":[[1]]}})", R"({"a":{"#content":[1]}})"}) {
    auto document = ParseJson(json);
    ASSERT_TRUE(document.ok());
    auto xml = RenderXml(*document, {});
    EXPECT_FALSE(xml.ok()) << json << " -> " << *xml;
    if (!xml.ok()) {
      EXPECT_EQ(xml.status().code(), StatusCode::kInvalidArgument);
    }
  }
}

TEST(XmlDocumentTest, RoundTripsADocument) {
  ExpectRoundTrip(R"(<?xml version="1.0" encoding="UTF-8"?>
<ord:Order xmlns:ord="urn:example:order" id="42">
  <ord:Buyer>ACME &amp; Co</ord:Buyer>
  <Line n="1"><Sku>A-1</Sku><Qty>2</Qty></Line>
  <Line n="2"><Sku>B-2</Sku><Qty>1</Qty></Line>
  <Note>Deliver <b>before</b> noon</Note>
  <Empty/>
  <Unicode>Grüße €</Unicode>
</ord:Order>
)");
}

}  // namespace
}  // namespace erphub::formats::xml
