// The EDI mappings of examples/edi-orders: real X12 850 and EDIFACT ORDERS samples, split into
// messages as the file input splits them, map to the committed golden sales orders, which the
// canonical schema accepts; canonical invoices map to X12 810 sets that the codec writes, reads
// back unchanged and acknowledges as accepted. The example's config lints, and runs: an 850
// dropped in reaches the ERP as the golden sales order, an invoice leaves as the golden 810.

#include <chrono>
#include <filesystem>
#include <map>
#include <ostream>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "components/inputs/interchange_parts.h"
#include "components/message_variables.h"
#include "components/outputs/edi_envelope.h"
#include "components/steps/json_schema.h"
#include "core/json.h"
#include "formats/edifact/edifact.h"
#include "formats/x12/x12.h"
#include "integration/hub_harness.h"
#include "mapping/jsonata.h"

namespace erphub::integration {
namespace {

namespace fs = std::filesystem;

using components::InterchangePart;
using components::JsonSchema;
using formats::Format;

const std::string kExample = "examples/edi-orders/";

Value JsonFile(const std::string& relative) {
  auto value = ParseJson(ReadFile(Source(relative)));
  EXPECT_TRUE(value.ok()) << relative << ": " << value.status().ToString();
  return value.ok() ? *value : Value();
}

jsonata::Expression Mapping(const std::string& file) {
  auto expression = jsonata::Expression::Compile(ReadFile(Source(kExample + file)));
  EXPECT_TRUE(expression.ok()) << file << ": " << expression.error().ToString();
  return expression.ok() ? std::move(*expression) : *jsonata::Expression::Compile("undefined");
}

// The messages the file input makes of a sample with `split: record`.
std::vector<InterchangePart> Messages(Format format, const std::string& sample, bool lenient) {
  std::vector<InterchangePart> parts;
  formats::CodecOptions codec;
  codec.lenient = lenient;
  components::InterchangePartStream stream(format, codec, [&parts](InterchangePart part) {
    parts.push_back(std::move(part));
    return Status::Ok();
  });
  Status read = stream.Feed(ReadFile(Source("tests/data/formats/" + sample)));
  if (read.ok()) {
    read = stream.Finish();
  }
  EXPECT_TRUE(read.ok()) << sample << ": " << read.ToString();
  return parts;
}

// Evaluates a mapping as the map step does: the payload as input, $message beside it.
jsonata::JResult<Value> Map(const jsonata::Expression& mapping, const InterchangePart& part) {
  Message message;
  message.flow = "edi-orders";
  message.headers = part.headers;
  Object variables = components::MessageVariables(message);
  jsonata::EvalOptions options;
  options.bindings = &variables;
  options.time_limit = std::chrono::milliseconds(1000);
  return mapping.Evaluate(part.payload, options);
}

std::vector<std::string> Failures(const JsonSchema& schema, const Value& value) {
  std::vector<std::string> failures;
  for (const components::SchemaFailure& failure : schema.Validate(value)) {
    failures.push_back(failure.ToString());
  }
  return failures;
}

JsonSchema Schema(const std::string& name) {
  auto schema = JsonSchema::CompileFile(Source("schemas/canonical/" + name));
  EXPECT_TRUE(schema.ok()) << schema.status().ToString();
  return std::move(*schema);
}

void ExpectGolden(const Value& actual, const std::string& golden) {
  EXPECT_TRUE(DeepEqual(actual, JsonFile(kExample + "golden/" + golden)))
      << golden << " differs; the mapping gave\n"
      << ToJson(actual, {.indent = 2});
}

struct OrderCase {
  Format format;
  std::string sample;  // under tests/data/formats/
  bool lenient;
  std::string golden;  // under examples/edi-orders/golden/
};

void PrintTo(const OrderCase& c, std::ostream* os) { *os << c.sample; }

class SalesOrderMappingTest : public ::testing::TestWithParam<OrderCase> {};

TEST_P(SalesOrderMappingTest, SampleMapsToItsGoldenSalesOrderWhichValidates) {
  const OrderCase& c = GetParam();
  jsonata::Expression mapping =
      Mapping(c.format == Format::kX12 ? "x12-850-to-sales-order.jsonata"
                                       : "edifact-orders-to-sales-order.jsonata");
  std::vector<InterchangePart> parts = Messages(c.format, c.sample, c.lenient);
  ASSERT_EQ(parts.size(), 1u);
  auto order = Map(mapping, parts[0]);
  ASSERT_TRUE(order.ok()) << order.error().ToString();
  ExpectGolden(*order, c.golden);
  EXPECT_EQ(Failures(Schema("sales_order.json"), *order), std::vector<std::string>{});
}

INSTANTIATE_TEST_SUITE_P(
    Samples, SalesOrderMappingTest,
    ::testing::Values(
        // VICS 850: N1 ST only, vendor and buyer catalog numbers, no CUR (USD assumed).
        OrderCase{Format::kX12, "x12/850_nodex12_vics.edi", false,
                  "850_nodex12_vics.sales_order.json"},
        // CUR, N9/MSG note, N1 BT/BY/ST, yards, zero-padded PO1 line numbers. Its ISA is not
        // fixed width and its IEA02 is wrong: read leniently, as `lenient: true` does.
        OrderCase{Format::kX12, "x12/850_edinet_indented.edi", true,
                  "850_edinet_indented.sales_order.json"},
        // D.96A EANCOM: CUX, NAD BY/DP, PIA supplier article number, IMD, PRI, FTX note.
        OrderCase{Format::kEdifact, "edifact/ORDERS_erphub_d96a.edi", false,
                  "ORDERS_erphub_d96a.sales_order.json"}),
    [](const ::testing::TestParamInfo<OrderCase>& info) {
      std::string name = fs::path(info.param.sample).stem().string();
      for (char& ch : name) {
        if (!std::isalnum(static_cast<unsigned char>(ch))) {
          ch = '_';
        }
      }
      return name;
    });

TEST(EdiMappingsTest, EveryTransactionSetOfAMailbagIsItsOwnOrder) {
  jsonata::Expression mapping = Mapping("x12-850-to-sales-order.jsonata");
  std::vector<InterchangePart> parts =
      Messages(Format::kX12, "x12/850_nodex12_two-interchanges.edi", false);
  ASSERT_EQ(parts.size(), 2u);
  for (const InterchangePart& part : parts) {
    auto order = Map(mapping, part);
    ASSERT_TRUE(order.ok()) << order.error().ToString();
    // Both sets repeat one purchase order: the same external id lets the ERP see the repeat.
    EXPECT_EQ(order->Get("external_id").as_string(), "x12:4405197800:08292233294");
    EXPECT_EQ(order->Get("lines").size(), 6u);
  }
}

TEST(EdiMappingsTest, X12AmountsAreExactDecimals) {
  jsonata::Expression mapping = Mapping("x12-850-to-sales-order.jsonata");
  std::vector<InterchangePart> parts = Messages(Format::kX12, "x12/850_nodex12_vics.edi", false);
  ASSERT_EQ(parts.size(), 1u);
  auto order = Map(mapping, parts[0]);
  ASSERT_TRUE(order.ok()) << order.error().ToString();
  // 126 x 10.99 and the sum of six products, which binary doubles get wrong in the last digit.
  EXPECT_EQ(order->Get("lines")[2].Get("line_total").as_string(), "1384.74");
  // The sender's own total (AMT*1 in the CTT loop) agrees to the cent.
  EXPECT_EQ(order->Get("totals").Get("net").as_string(), "13045.94");
  EXPECT_EQ(order->Get("totals").Get("gross").as_string(), "13045.94");
}

TEST(EdiMappingsTest, X12SetWhoseCttCountDisagreesIsRefused) {
  jsonata::Expression mapping = Mapping("x12-850-to-sales-order.jsonata");
  std::vector<InterchangePart> parts = Messages(Format::kX12, "x12/850_nodex12_vics.edi", false);
  ASSERT_EQ(parts.size(), 1u);
  // Drop the last PO1 loop; CTT still says 6.
  Value segments = parts[0].payload.Get("segments");
  Array kept;
  const Value* last_po1 = nullptr;
  for (const Value& item : segments.as_array()) {
    if (item.Get("loop").is_string() && item.Get("loop").as_string() == "PO1") {
      last_po1 = &item;
    }
  }
  for (const Value& item : segments.as_array()) {
    if (&item != last_po1) {
      kept.push_back(item);
    }
  }
  parts[0].payload.Set("segments", Value::MakeArray(std::move(kept)));
  auto order = Map(mapping, parts[0]);
  ASSERT_FALSE(order.ok());
  EXPECT_NE(order.error().ToString().find("CTT01 says 6 line items, the set has 5"),
            std::string::npos)
      << order.error().ToString();
}

TEST(EdiMappingsTest, MappingsNeedTheSenderHeader) {
  std::vector<InterchangePart> parts = Messages(Format::kX12, "x12/850_nodex12_vics.edi", false);
  ASSERT_EQ(parts.size(), 1u);
  parts[0].headers.clear();
  auto order = Map(Mapping("x12-850-to-sales-order.jsonata"), parts[0]);
  ASSERT_FALSE(order.ok());
  EXPECT_NE(order.error().ToString().find("X12-Sender header is missing"), std::string::npos)
      << order.error().ToString();
}

TEST(EdiMappingsTest, EdifactOrderWithoutPricesIsMappedButRefusedByTheSchema) {
  // The D.03B sample has neither CUX nor PRI: the mapping leaves currency, prices and totals
  // out instead of inventing them, and the canonical schema names each gap.
  std::vector<InterchangePart> parts =
      Messages(Format::kEdifact, "edifact/ORDERS_smooks_d03b.edi", false);
  ASSERT_EQ(parts.size(), 1u);
  auto order = Map(Mapping("edifact-orders-to-sales-order.jsonata"), parts[0]);
  ASSERT_TRUE(order.ok()) << order.error().ToString();
  ExpectGolden(*order, "ORDERS_smooks_d03b.sales_order.json");
  std::set<std::string> pointers;
  for (const components::SchemaFailure& failure : Schema("sales_order.json").Validate(*order)) {
    pointers.insert(failure.pointer);
  }
  std::set<std::string> expected = {"/currency", "/totals"};
  for (int line = 0; line < 4; ++line) {
    expected.insert("/lines/" + std::to_string(line) + "/unit_price");
    expected.insert("/lines/" + std::to_string(line) + "/line_total");
  }
  EXPECT_EQ(pointers, expected);
}

TEST(EdiMappingsTest, EdifactLineCountMustMatchCnt) {
  std::vector<InterchangePart> parts =
      Messages(Format::kEdifact, "edifact/ORDERS_erphub_d96a.edi", false);
  ASSERT_EQ(parts.size(), 1u);
  Value segments = parts[0].payload.Get("segments");
  Array kept;
  bool dropped = false;
  for (const Value& item : segments.as_array()) {
    if (!dropped && item.Get("group").is_string() && item.Get("group").as_string() == "SG25") {
      dropped = true;
      continue;
    }
    kept.push_back(item);
  }
  parts[0].payload.Set("segments", Value::MakeArray(std::move(kept)));
  auto order = Map(Mapping("edifact-orders-to-sales-order.jsonata"), parts[0]);
  ASSERT_FALSE(order.ok());
  EXPECT_NE(order.error().ToString().find("CNT+2 says 2 line items, the message has 1"),
            std::string::npos)
      << order.error().ToString();
}

components::EdiPartner Acme() {
  components::EdiPartner partner;
  partner.id = "acme";
  partner.sender_id = "ERPHUB";
  partner.sender_qualifier = "ZZ";
  partner.receiver_id = "4405197800";
  partner.receiver_qualifier = "12";
  partner.version = "00401";
  partner.group_version = "004010";
  return partner;
}

// Tags of a set's segments, loops flattened, and the number of loops of each id.
void Collect(const Value& segments, std::vector<std::string>& tags,
             std::map<std::string, int>& loops) {
  for (const Value& item : segments.as_array()) {
    if (item.is_object()) {
      ++loops[std::string(item.Get("loop").as_string())];
      Collect(item.Get("segments"), tags, loops);
    } else {
      tags.push_back(std::string(item[0].as_string()));
    }
  }
}

const Value* FindSegment(const Value& segments, std::string_view tag) {
  for (const Value& item : segments.as_array()) {
    if (item.is_array() && item[0].as_string() == tag) {
      return &item;
    }
  }
  return nullptr;
}

class InvoiceMappingTest : public ::testing::TestWithParam<std::string> {};

TEST_P(InvoiceMappingTest, InvoiceBecomesAnAcceptedX12_810) {
  const std::string& name = GetParam();
  Value invoice = JsonFile(kExample + "samples/" + name + ".json");
  EXPECT_EQ(Failures(Schema("invoice.json"), invoice), std::vector<std::string>{});

  auto set = Map(Mapping("invoice-to-x12-810.jsonata"), InterchangePart{invoice, {}});
  ASSERT_TRUE(set.ok()) << set.error().ToString();
  ExpectGolden(*set, name + ".810.json");

  // As the file output writes it: in an interchange to the partner, with control numbers.
  Timestamp now(std::chrono::seconds(1710498600));  // 2024-03-15 10:30 UTC
  auto document = components::EdiDocumentFor(Format::kX12, *set, Acme(), now);
  ASSERT_TRUE(document.ok()) << document.status().ToString();
  Value numbered = components::AssignControlNumbers(Format::kX12, *document, {});
  auto edi = formats::x12::Render(numbered, {});
  ASSERT_TRUE(edi.ok()) << edi.status().ToString();
  EXPECT_EQ(*edi, ReadFile(Source(kExample + "golden/" + name + ".810.edi")));

  // It reads back strictly, with the 810's loops, as the very segments the mapping made.
  auto parsed = formats::x12::Parse(*edi, {});
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  const Value& group = parsed->Get("interchanges")[0].Get("groups")[0];
  EXPECT_EQ(group.Get("GS")[1].as_string(), "IN");
  const Value& transaction = group.Get("transactions")[0];
  EXPECT_EQ(transaction.Get("ST")[1].as_string(), "810");
  EXPECT_TRUE(DeepEqual(transaction.Get("segments"), set->Get("segments")))
      << ToJson(transaction.Get("segments"));

  std::vector<std::string> tags;
  std::map<std::string, int> loops;
  Collect(transaction.Get("segments"), tags, loops);
  size_t lines = invoice.Get("lines").size();
  EXPECT_EQ(tags.front(), "BIG");
  EXPECT_EQ(tags.back(), "CTT");
  EXPECT_EQ(loops["IT1"], static_cast<int>(lines));
  EXPECT_GE(loops["N1"], 2);  // BY and BT at least
  // SE01 counts ST, the body and SE.
  EXPECT_EQ(transaction.Get("SE")[1].as_string(), std::to_string(tags.size() + 2));

  const Value& body = transaction.Get("segments");
  const Value* ctt = FindSegment(body, "CTT");
  ASSERT_NE(ctt, nullptr);
  EXPECT_EQ((*ctt)[1].as_string(), std::to_string(lines));
  const Value* tds = FindSegment(body, "TDS");
  ASSERT_NE(tds, nullptr);
  std::string gross(invoice.Get("totals").Get("gross").as_string());
  std::string cents = gross.substr(0, gross.find('.')) + gross.substr(gross.find('.') + 1);
  EXPECT_EQ((*tds)[1].as_string(), cents) << "TDS01 is the gross amount in cents";

  // A receiver checking it against the 810 definition accepts the set and the group.
  auto ack = formats::x12::Acknowledge(*edi);
  ASSERT_TRUE(ack.ok()) << ack.status().ToString();
  EXPECT_NE(ack->find("AK2*810*0001~"), std::string::npos) << *ack;
  EXPECT_NE(ack->find("AK5*A~"), std::string::npos) << *ack;
  EXPECT_NE(ack->find("AK9*A*1*1*1~"), std::string::npos) << *ack;
}

INSTANTIATE_TEST_SUITE_P(Samples, InvoiceMappingTest,
                         ::testing::Values("invoice-90017-usd", "invoice-2024-0117-eur"),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           std::string name = info.param;
                           for (char& ch : name) {
                             if (ch == '-') {
                               ch = '_';
                             }
                           }
                           return name;
                         });

TEST(EdiMappingsTest, InvoiceSchemaRefusesAnInvoiceWithoutItsTotal) {
  Value invoice = JsonFile(kExample + "samples/invoice-90017-usd.json");
  Value totals = invoice.Get("totals");
  totals.mutable_object().Erase("gross");
  invoice.Set("totals", totals);
  Value lines = invoice.Get("lines");
  Value line = lines[0];
  line.Set("unit_price", Value::Str("9,25"));
  lines.mutable_array()[0] = line;
  invoice.Set("lines", lines);
  std::vector<components::SchemaFailure> failures = Schema("invoice.json").Validate(invoice);
  ASSERT_EQ(failures.size(), 2u);
  EXPECT_EQ(failures[0].pointer, "/lines/0/unit_price");
  EXPECT_EQ(failures[1].pointer, "/totals/gross");
}

using EdiExampleTest = HubTest;

TEST_F(EdiExampleTest, ConfigLints) {
  std::string config = Source(kExample + "erphub.yaml");
  ASSERT_EQ(RunErphub("lint " + config, "ERP_URL=http://127.0.0.1:9"), 0) << err_;
  EXPECT_NE(out_.find("ok: 3 flows (acme-orders, nordwaren-orders, acme-invoices)"),
            std::string::npos)
      << out_;
}

// Waits until `path` exists and is not empty.
bool WaitForFile(const fs::path& path) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  std::error_code ec;
  while (!(fs::exists(path, ec) && fs::file_size(path, ec) > 0)) {
    if (std::chrono::steady_clock::now() > deadline) {
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return true;
}

// The example's config run as written, with its mappings and schemas read from the repository.
TEST_F(EdiExampleTest, OrdersReachTheErpAndInvoicesLeaveAs810s) {
  std::string config = ReadFile(Source(kExample + "erphub.yaml"));
  auto replace_all = [&config](const std::string& from, const std::string& to) {
    for (size_t at = config.find(from); at != std::string::npos;
         at = config.find(from, at + to.size())) {
      config.replace(at, from.size(), to);
    }
  };
  replace_all("{file: ", "{file: " + Source(kExample));
  replace_all("../../schemas/", Source("schemas/"));
  WriteFile("erphub.yaml", config);
  StartReceiver();
  StartHub(Dir("erphub.yaml"));

  fs::create_directories(Dir("edi/acme/in"));
  fs::copy_file(Source("tests/data/formats/x12/850_nodex12_vics.edi"), Dir("edi/acme/in/po.edi"));
  ASSERT_TRUE(WaitForReceived(1)) << HubLog();
  std::vector<Value> received = Received();
  EXPECT_EQ(received[0].Get("path").as_string(), "/sales-orders");
  auto order = ParseJson(received[0].Get("body").as_string());
  ASSERT_TRUE(order.ok()) << order.status().ToString();
  ExpectGolden(*order, "850_nodex12_vics.sales_order.json");
  ASSERT_TRUE(WaitForFile(Dir("edi/acme/ack/po.edi.997"))) << HubLog();
  EXPECT_NE(ReadFile(Dir("edi/acme/ack/po.edi.997")).find("AK5*A~"), std::string::npos);

  fs::create_directories(Dir("erp/invoices"));
  fs::copy_file(Source(kExample + "samples/invoice-90017-usd.json"),
                Dir("erp/invoices/invoice.json"));
  fs::path out = Dir("edi/acme/out");
  auto deadline = std::chrono::steady_clock::now() + kDeadline;
  std::error_code ec;
  while ((!fs::exists(out, ec) || fs::is_empty(out, ec)) &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_TRUE(fs::exists(out, ec) && !fs::is_empty(out, ec)) << HubLog();
  fs::path written = fs::directory_iterator(out)->path();
  ASSERT_TRUE(WaitForFile(written));
  auto parsed = formats::x12::Parse(ReadFile(written.string()), {});
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  const Value& interchange = parsed->Get("interchanges")[0];
  EXPECT_EQ(interchange.Get("ISA")[8].as_string(), "4405197800     ");
  const Value& transaction = interchange.Get("groups")[0].Get("transactions")[0];
  EXPECT_TRUE(DeepEqual(transaction.Get("segments"),
                        JsonFile(kExample + "golden/invoice-90017-usd.810.json").Get("segments")));
  ASSERT_EQ(StopHub(), 0);
}

}  // namespace
}  // namespace erphub::integration
