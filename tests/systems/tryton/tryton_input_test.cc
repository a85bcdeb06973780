#include "components/inputs/tryton_input.h"

#include <gtest/gtest.h>

#include <set>

#include "components/component_harness.h"
#include "components/steps/json_schema.h"
#include "core/json.h"
#include "json_literal.h"
#include "systems/tryton/change_feed.h"
#include "systems/tryton/client.h"
#include "systems/tryton/entity_feeds.h"
#include "systems/tryton/operations.h"
#include "systems/tryton/test_server.h"

namespace erphub::components {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using testing::StateIntake;
using tryton::testing::GetTestServer;
using tryton::testing::UniqueSuffix;

using ::erphub::testing::Json;
Value Clause(std::string_view field, std::string_view op, Value operand) {
  return Value::MakeArray({Value::Str(field), Value::Str(op), Value(std::move(operand))});
}

// Polls make several calls each, and tests share one Tryton that may be busy: wait long.
bool Eventually(const std::function<bool()>& condition, milliseconds timeout = seconds(60)) {
  return testing::WaitUntil(condition, timeout);
}

int64_t IdOf(const Value& value) { return *value.as_number().ToInt64(); }

std::vector<std::string> Failures(const std::string& schema_name, const Value& value) {
  auto schema =
      JsonSchema::CompileFile(std::string(ERPHUB_SOURCE_DIR) + "/schemas/canonical/" + schema_name);
  EXPECT_TRUE(schema.ok()) << schema.status().ToString();
  std::vector<std::string> failures;
  if (schema.ok()) {
    for (const SchemaFailure& failure : schema->Validate(value)) {
      failures.push_back(failure.ToString());
    }
  }
  return failures;
}

class TrytonInputTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ERPHUB_REQUIRE_TRYTON();
    client_ = std::make_unique<tryton::Client>(GetTestServer().Options());
    operations_ =
        std::make_unique<tryton::Operations>(*client_, nullptr, tryton::OperationOptions{});
  }

  // A started input of `settings` (YAML fields after the connection) feeding `intake`.
  std::unique_ptr<Input> StartInput(StateIntake& intake, std::string_view settings,
                                    const std::string& flow = "tryton") {
    const auto& server = GetTestServer();
    std::string yaml = "tryton: {url: '" + server.url + "', database: " + server.database +
                       ", user: " + server.user + ", password: '" + server.password +
                       "', poll_interval: 100ms, start: new, " + std::string(settings) + "}";
    auto input = testing::Build<Input>(ComponentKind::kInput, yaml);
    EXPECT_TRUE(input.ok()) << input.error().ToString();
    if (!input.ok()) {
      return nullptr;
    }
    InputContext context;
    context.flow = flow;
    context.intake = &intake;
    context.metrics = &metrics_;
    Status started = (*input)->Start(context);
    EXPECT_TRUE(started.ok()) << started.ToString();
    return std::move(*input);
  }

  // A sale processed by Tryton (so with its invoice and shipment) of `lines` ([sku, quantity,
  // unit price] with 10% tax); its id.
  int64_t Sell(const std::string& suffix,
               const std::vector<std::tuple<std::string, std::string, std::string>>& lines) {
    std::string text = "[";
    Number net;
    for (size_t i = 0; i < lines.size(); ++i) {
      const auto& [sku, quantity, price] = lines[i];
      Number total = *Number::Parse(quantity) * *Number::Parse(price);
      net = net + total;
      text += std::string(i ? "," : "") + R"({"line_number":)" + std::to_string(i + 1) +
              R"(,"sku":")" + sku + R"(","quantity":")" + quantity + R"(","unit_price":")" + price +
              R"(","tax_rate":"0.10","line_total":")" + total.ToString() + R"("})";
    }
    text += "]";
    Number gross = net + (net * Number::Exact(1, -1)).RoundHalfEven(2);
    Value order = Json(R"({"external_id":"shop:)" + suffix + R"(","order_number":"#)" + suffix +
                       R"(","order_date":"2026-11-26T10:15:00+01:00","currency":"EUR",
      "customer":{"external_id":"shop-customer:)" +
                       suffix + R"(","name":"Erika Muster","email":"erika@example.com"},
      "bill_to":{"name":"Erika Muster","street":"Hauptstr. 1","postal_code":"10115",
                 "city":"Berlin","country":"DE"},
      "lines":)" + text +
                       R"(,"totals":{"net":"0","tax":"0","gross":")" + gross.ToString() + R"("}})");
    auto sold = operations_->CreateSale(order);
    EXPECT_TRUE(sold.ok()) << sold.error().ToString();
    return sold.ok() ? sold->id : 0;
  }

  Value Read(std::string_view model, int64_t id, std::vector<std::string> fields) {
    auto records = client_->Read(model, {id}, std::move(fields));
    EXPECT_TRUE(records.ok() && records->size() == 1)
        << (records.ok() ? "no record" : records.error().ToString());
    return records.ok() && records->size() == 1 ? (*records)[0] : Value();
  }

  int64_t InvoiceOf(int64_t sale) {
    return IdOf(Read("sale.sale", sale, {"invoices"}).Get("invoices")[0]);
  }
  int64_t ShipmentOf(int64_t sale) {
    return IdOf(Read("sale.sale", sale, {"shipments"}).Get("shipments")[0]);
  }

  void Button(std::string_view model, std::string_view button, std::vector<int64_t> ids) {
    Status done = client_->Button(model, button, ids);
    ASSERT_TRUE(done.ok()) << done.ToString();
  }

  // Puts `quantity` of the product into the warehouse WH's storage (a confirmed inventory).
  void Stock(int64_t product, int quantity) {
    auto warehouses = client_->SearchRead("stock.location",
                                          Value::MakeArray({Clause("code", "=", Value::Str("WH"))}),
                                          {"storage_location"});
    ASSERT_TRUE(warehouses.ok() && warehouses->size() == 1);
    Value line = Value::MakeObject();
    line.Set("product", Value::Int(product));
    line.Set("quantity", Value::Int(quantity));
    Value inventory = Value::MakeObject();
    inventory.Set("location", (*warehouses)[0].Get("storage_location"));
    inventory.Set(
        "lines",
        Value::MakeArray({Value::MakeArray({Value::Str("create"), Value::MakeArray({line})})}));
    auto created = client_->Create("stock.inventory", {inventory});
    ASSERT_TRUE(created.ok()) << created.error().ToString();
    Button("stock.inventory", "confirm", *created);
  }

  // The payloads of the committed items of `prefix` (an event id start).
  std::vector<Value> Payloads(const StateIntake& intake, std::string_view prefix) {
    std::vector<Value> payloads;
    for (const IntakeItem& item : intake.Committed(prefix)) {
      payloads.push_back(item.payload);
    }
    return payloads;
  }

  std::unique_ptr<tryton::Client> client_;
  std::unique_ptr<tryton::Operations> operations_;
  testing::FakeMetrics metrics_;
};

TEST_F(TrytonInputTest, APostedInvoiceIsEmittedOnceWithTrytonsTotalsToTheCent) {
  StateIntake intake;
  auto input = StartInput(intake, "entities: [invoice]");
  ASSERT_NE(input, nullptr);
  ASSERT_TRUE(Eventually([&] { return intake.state_size() == 1; }));  // start: new
  std::string suffix = UniqueSuffix();
  // Awkward prices, many lines.
  int64_t sale = Sell(suffix, {{"CENT-A-" + suffix, "3", "33.33"},
                               {"CENT-B-" + suffix, "7", "0.10"},
                               {"CENT-C-" + suffix, "1", "19.99"},
                               {"CENT-A-" + suffix, "13", "0.10"},
                               {"CENT-B-" + suffix, "2", "19.99"}});
  ASSERT_NE(sale, 0);
  int64_t invoice = InvoiceOf(sale);
  std::string prefix = "invoice:" + std::to_string(invoice) + ":";
  std::this_thread::sleep_for(milliseconds(400));
  EXPECT_TRUE(intake.Committed(prefix).empty()) << "a draft invoice is not emitted";

  Button("account.invoice", "post", {invoice});
  ASSERT_TRUE(Eventually([&] { return !intake.Committed(prefix).empty(); }));
  std::this_thread::sleep_for(milliseconds(500));  // a few more polls: nothing again
  std::vector<IntakeItem> items = intake.Committed(prefix);
  ASSERT_EQ(items.size(), 1u);
  const Value& got = items[0].payload;
  Value tryton = Read("account.invoice", invoice,
                      {"number", "untaxed_amount", "tax_amount", "total_amount", "state"});
  EXPECT_EQ(Failures("invoice.json", got), std::vector<std::string>{}) << ToJson(got);
  EXPECT_EQ(got.Get("invoice_number").as_string(), tryton.Get("number").as_string());
  EXPECT_EQ(got.Get("state").as_string(), "posted");
  EXPECT_EQ(got.Get("currency").as_string(), "EUR");
  // 99.99 + 0.70 + 19.99 + 1.30 + 39.98 = 161.96 net, 16.20 tax (16.196 rounded).
  EXPECT_EQ(*Number::Parse(got.Get("totals").Get("net").as_string()),
            tryton.Get("untaxed_amount").as_number());
  EXPECT_EQ(*Number::Parse(got.Get("totals").Get("tax").as_string()),
            tryton.Get("tax_amount").as_number());
  EXPECT_EQ(*Number::Parse(got.Get("totals").Get("gross").as_string()),
            tryton.Get("total_amount").as_number());
  EXPECT_EQ(*Number::Parse(got.Get("totals").Get("gross").as_string()), Number::Exact(17816, -2))
      << ToJson(got.Get("totals"));
  EXPECT_EQ(*Number::Parse(got.Get("amount_due").as_string()),
            tryton.Get("total_amount").as_number());
  EXPECT_EQ(got.Get("order").Get("order_number").as_string(), "#" + suffix);
  EXPECT_EQ(got.Get("customer").Get("external_id").as_string(), "shop-customer:" + suffix);
  EXPECT_EQ(got.Get("customer").Get("name").as_string(), "Erika Muster");
  EXPECT_EQ(got.Get("bill_to").Get("city").as_string(), "Berlin");
  ASSERT_EQ(got.Get("lines").size(), 5u);
  const Value& first = got.Get("lines")[0];
  EXPECT_EQ(first.Get("sku").as_string(), "CENT-A-" + suffix);
  EXPECT_EQ(*Number::Parse(first.Get("unit_price").as_string()), Number::Exact(3333, -2));
  EXPECT_EQ(*Number::Parse(first.Get("line_total").as_string()), Number::Exact(9999, -2));
  EXPECT_EQ(*Number::Parse(first.Get("tax_rate").as_string()), Number::Exact(1, -1));
  EXPECT_EQ(first.Get("unit").as_string(), "EA");
  // Amounts with the currency's digits; prices as Tryton has them.
  EXPECT_EQ(got.Get("lines")[1].Get("line_total").as_string(), "0.70");
  EXPECT_EQ(got.Get("totals").Get("gross").as_string(), "178.16");
  EXPECT_EQ(items[0].headers, (Headers{{"X-Tryton-Entity", "invoice"}}));
  EXPECT_EQ(items[0].source, "tryton account.invoice " + std::to_string(invoice));

  // Paid in full: a change of state, emitted again. Tryton writes the payment and marks the
  // invoice paid in two transactions (the second one after the request), so a poll between them
  // may emit the invoice once more as posted first.
  auto paid = operations_->RecordPayment(
      Json(R"({"external_id":"stripe:pi_)" + suffix + R"(","order_number":"#)" + suffix +
           R"(","amount":")" + std::string(got.Get("totals").Get("gross").as_string()) +
           R"(","currency":"EUR"})"));
  ASSERT_TRUE(paid.ok()) << paid.error().ToString();
  ASSERT_TRUE(Eventually([&] {
    std::vector<IntakeItem> emitted = intake.Committed(prefix);
    return emitted.size() >= 2 && emitted.back().payload.Get("state").as_string() == "paid";
  }));
  EXPECT_LE(intake.Committed(prefix).size(), 3u);
  Value after = intake.Committed(prefix).back().payload;
  EXPECT_EQ(*Number::Parse(after.Get("amount_due").as_string()), Number::FromInt(0));
  EXPECT_EQ(after.Get("invoice_number").as_string(), got.Get("invoice_number").as_string());
}

TEST_F(TrytonInputTest, TheWatermarkResumesAfterARestartWithoutMissingOrRepeatingChanges) {
  StateIntake intake;
  std::string suffix = UniqueSuffix();
  std::vector<int64_t> invoices;
  for (int i = 0; i < 5; ++i) {
    int64_t sale = Sell(suffix + "-" + std::to_string(i),
                        {{"RESUME-" + suffix, std::to_string(i + 1), "4.99"}});
    ASSERT_NE(sale, 0);
    invoices.push_back(InvoiceOf(sale));
  }
  // One record per commit; the first commit after starting (start: new) and one batch succeed,
  // then the store fails as if the hub had crashed.
  intake.FailAfter(2);
  auto input = StartInput(intake, "entities: [invoice], batch: 1");
  ASSERT_NE(input, nullptr);
  ASSERT_TRUE(Eventually([&] { return intake.state_size() == 1; }));
  // Three invoices posted together share one write_date: (time, id) keeps them apart.
  Button("account.invoice", "post", {invoices[0], invoices[1], invoices[2]});
  ASSERT_TRUE(Eventually([&] { return intake.failed_commits() >= 2; }));
  input->Stop();
  input.reset();
  size_t before = 0;
  for (int64_t invoice : invoices) {
    before += intake.Committed("invoice:" + std::to_string(invoice) + ":").size();
  }
  // Ours, unless another test's invoice came first.
  EXPECT_LE(before, 1u);

  // Changes made while the hub is down, then a new input on the same store.
  Button("account.invoice", "post", {invoices[3], invoices[4]});
  intake.Heal();
  input = StartInput(intake, "entities: [invoice], batch: 1");
  ASSERT_NE(input, nullptr);
  auto all_seen = [&] {
    for (int64_t invoice : invoices) {
      if (intake.Committed("invoice:" + std::to_string(invoice) + ":").empty()) {
        return false;
      }
    }
    return true;
  };
  ASSERT_TRUE(Eventually(all_seen));
  std::this_thread::sleep_for(milliseconds(500));
  for (int64_t invoice : invoices) {
    auto items = intake.Committed("invoice:" + std::to_string(invoice) + ":");
    EXPECT_EQ(items.size(), 1u) << "invoice " << invoice;
  }
}

TEST_F(TrytonInputTest, LookbackFindsAChangeCommittedBehindTheWatermark) {
  std::string suffix = UniqueSuffix();
  int64_t sale = Sell(suffix, {{"LATE-" + suffix, "2", "9.95"}});
  ASSERT_NE(sale, 0);
  int64_t invoice = InvoiceOf(sale);
  Button("account.invoice", "post", {invoice});
  Value posted = Read("account.invoice", invoice, {"write_date"});
  auto time = tryton::NormalTime(posted.Get("write_date").as_string());
  ASSERT_TRUE(time.ok());
  // The watermark already past the invoice, as if a later change had been read before the
  // invoice's transaction committed.
  std::string behind = tryton::Watermark{*time, invoice}.Encode();
  std::string prefix = "invoice:" + std::to_string(invoice) + ":";
  auto accepted = [&](const StateIntake& intake) {
    size_t count = 0;
    for (const IntakeItem& item : intake.accepted()) {
      count += item.event_id.starts_with(prefix) ? 1 : 0;
    }
    return count;
  };

  StateIntake blind;
  ASSERT_TRUE(blind.AcceptWithState({}, {StateChange{"tryton-input:f:invoice", {}, behind}}).ok());
  auto without = StartInput(blind, "entities: [invoice]", "f");
  ASSERT_NE(without, nullptr);
  // Each poll checks the intake's back-pressure before it reads: the second check means the
  // first poll has read (and committed) all it could.
  ASSERT_TRUE(Eventually([&] { return blind.overloaded_checks() >= 2; }));
  EXPECT_EQ(accepted(blind), 0u);
  without->Stop();

  StateIntake intake;
  ASSERT_TRUE(intake.AcceptWithState({}, {StateChange{"tryton-input:f:invoice", {}, behind}}).ok());
  auto input = StartInput(intake, "entities: [invoice], lookback: 60s", "f");
  ASSERT_NE(input, nullptr);
  ASSERT_TRUE(Eventually([&] { return accepted(intake) == 1; }));
  // Counted just after the commit that made it accepted.
  EXPECT_TRUE(Eventually([&] { return metrics_.Get("erphub_tryton_late_changes_total") >= 1; }));
  // The late change did not move the watermark back (other tests' invoices may move it on).
  auto now = tryton::Watermark::Parse(**intake.GetState("tryton-input:f:invoice"));
  ASSERT_TRUE(now.ok());
  EXPECT_FALSE(*now < *tryton::Watermark::Parse(behind));
  // Restarted, it reads the window again (the invoice is committed once more): the event ids
  // keep it from being stored twice.
  input->Stop();
  const size_t committed = intake.Committed(prefix).size();
  input = StartInput(intake, "entities: [invoice], lookback: 60s", "f");
  ASSERT_TRUE(Eventually([&] { return intake.Committed(prefix).size() > committed; }));
  EXPECT_EQ(accepted(intake), 1u);
}

TEST_F(TrytonInputTest, ShipmentStatesAndStockLevelsPerWarehouse) {
  StateIntake intake;
  std::string suffix = UniqueSuffix();
  std::string sku = "STOCK-" + suffix;
  auto product =
      operations_->UpsertProduct(Json(R"({"external_id":"shop:p-)" + sku + R"(","sku":")" + sku +
                                      R"(","name":"Tea tin","list_price":"6.50"})"));
  ASSERT_TRUE(product.ok()) << product.error().ToString();
  auto input = StartInput(intake, "entities: [inventory_level, shipment], warehouses: [WH]");
  ASSERT_NE(input, nullptr);
  ASSERT_TRUE(Eventually([&] { return intake.state_size() == 2; }));
  auto products =
      client_->Search("product.product", Value::MakeArray({Clause("code", "=", Value::Str(sku))}));
  ASSERT_TRUE(products.ok() && products->size() == 1);
  int64_t product_id = (*products)[0];
  std::string level_prefix = "inventory_level:" + std::to_string(product_id) + "@";

  Stock(product_id, 10);
  ASSERT_TRUE(Eventually([&] { return !intake.Committed(level_prefix).empty(); }));
  Value level = Payloads(intake, level_prefix).back();
  EXPECT_EQ(Failures("inventory_level.json", level), std::vector<std::string>{}) << ToJson(level);
  EXPECT_EQ(level.Get("sku").as_string(), sku);
  EXPECT_EQ(level.Get("warehouse").as_string(), "WH");
  EXPECT_EQ(level.Get("quantity").as_string(), "10");
  EXPECT_EQ(level.Get("unit").as_string(), "EA");

  int64_t sale = Sell(suffix, {{sku, "3", "6.50"}});
  ASSERT_NE(sale, 0);
  int64_t shipment = ShipmentOf(sale);
  std::string shipment_prefix = "shipment:" + std::to_string(shipment) + ":";
  ASSERT_TRUE(Eventually([&] { return !intake.Committed(shipment_prefix).empty(); }));
  Value waiting = Payloads(intake, shipment_prefix).front();
  EXPECT_EQ(Failures("shipment.json", waiting), std::vector<std::string>{}) << ToJson(waiting);
  EXPECT_EQ(waiting.Get("state").as_string(), "waiting");
  EXPECT_EQ(waiting.Get("warehouse").as_string(), "WH");
  EXPECT_EQ(waiting.Get("orders")[0].Get("order_number").as_string(), "#" + suffix);
  EXPECT_EQ(waiting.Get("customer").Get("external_id").as_string(), "shop-customer:" + suffix);
  ASSERT_EQ(waiting.Get("lines").size(), 1u);
  EXPECT_EQ(waiting.Get("lines")[0].Get("sku").as_string(), sku);
  EXPECT_EQ(waiting.Get("lines")[0].Get("quantity").as_string(), "3");
  // The sale reserved nothing yet: the level on hand is still 10, and no new level came.
  EXPECT_EQ(Payloads(intake, level_prefix).size(), 1u);

  // An edit that changes no state is no new event: it comes again under the same event id.
  size_t before_edit = intake.Committed(shipment_prefix).size();
  Value note = Value::MakeObject();
  note.Set("reference", Value::Str("gate 4"));
  ASSERT_TRUE(client_->Write("stock.shipment.out", {shipment}, note).ok());
  ASSERT_TRUE(Eventually([&] { return intake.Committed(shipment_prefix).size() > before_edit; }));
  EXPECT_EQ(intake.Committed(shipment_prefix).back().event_id,
            intake.Committed(shipment_prefix).front().event_id);

  // Through the warehouse, one step per poll at most.
  for (const char* step : {"assign_try", "pick", "pack", "done"}) {
    size_t seen = intake.Committed(shipment_prefix).size();
    Button("stock.shipment.out", step, {shipment});
    ASSERT_TRUE(Eventually([&] { return intake.Committed(shipment_prefix).size() > seen; }))
        << step;
  }
  std::vector<std::string> states;  // of the events the store keeps (the first of an event id)
  std::set<std::string> seen_events;
  for (const IntakeItem& item : intake.Committed(shipment_prefix)) {
    if (seen_events.insert(item.event_id).second) {
      states.push_back(std::string(item.payload.Get("state").as_string()));
    }
  }
  EXPECT_EQ(states, (std::vector<std::string>{"waiting", "assigned", "picked", "packed", "done"}));
  Value done = Payloads(intake, shipment_prefix).back();
  EXPECT_FALSE(done.Get("shipped_date").is_null());

  // The goods left: 7 on hand. Picking moved them inside the warehouse (storage to output),
  // which may have given the same level of 10 once more.
  ASSERT_TRUE(Eventually(
      [&] { return Payloads(intake, level_prefix).back().Get("quantity").as_string() == "7"; }));
  std::vector<std::string> quantities;
  for (const Value& change : Payloads(intake, level_prefix)) {
    quantities.push_back(std::string(change.Get("quantity").as_string()));
  }
  EXPECT_TRUE(quantities == (std::vector<std::string>{"10", "7"}) ||
              quantities == (std::vector<std::string>{"10", "10", "7"}))
      << ::testing::PrintToString(quantities);
}

TEST(TrytonWatermarkTest, EncodesParsesAndOrders) {
  auto time = tryton::NormalTime("2026-11-27T01:23:45Z");
  ASSERT_TRUE(time.ok());
  EXPECT_EQ(*time, "2026-11-27 01:23:45.000000");
  EXPECT_EQ(*tryton::NormalTime("2026-11-27T01:23:45.5Z"), "2026-11-27 01:23:45.500000");
  EXPECT_EQ(*tryton::NormalTime("2026-11-27T01:23:45.000123Z"), "2026-11-27 01:23:45.000123");
  EXPECT_FALSE(tryton::NormalTime("2026-11-27").ok());
  EXPECT_FALSE(tryton::NormalTime("2026-11-27T01:23:45.1234567Z").ok());

  tryton::Watermark a{*time, 7};
  auto parsed = tryton::Watermark::Parse(a.Encode());
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(*parsed, a);
  EXPECT_EQ(tryton::Watermark::Parse("|0")->time, "");
  EXPECT_FALSE(tryton::Watermark::Parse("yesterday|3").ok());
  EXPECT_FALSE(tryton::Watermark::Parse("2026-11-27 01:23:45.000000").ok());
  // The same time: the id decides; a later time wins over any id.
  EXPECT_LT(a, (tryton::Watermark{*time, 8}));
  EXPECT_LT((tryton::Watermark{*time, 900}), (tryton::Watermark{"2026-11-27 01:23:45.000001", 1}));
  EXPECT_LT(tryton::Watermark{}, a);

  auto tagged = tryton::DatetimeValue("2026-11-27 01:23:45.000123");
  ASSERT_TRUE(tagged.ok());
  EXPECT_EQ(ToJson(*tagged),
            R"({"__class__":"datetime","year":2026,"month":11,"day":27,"hour":1,"minute":23,)"
            R"("second":45,"microsecond":123})");
}

TEST(TrytonWatermarkTest, EarlierTimeCrossesDaysAndMonths) {
  using std::chrono::microseconds;
  EXPECT_EQ(*tryton::EarlierTime("2026-03-01 00:00:00.000000", microseconds(1)),
            "2026-02-28 23:59:59.999999");
  EXPECT_EQ(*tryton::EarlierTime("2026-11-27 01:23:45.500000", seconds(60)),
            "2026-11-27 01:22:45.500000");
  EXPECT_EQ(*tryton::EarlierTime("2025-01-01 00:00:30.000000", seconds(31)),
            "2024-12-31 23:59:59.000000");
  EXPECT_FALSE(tryton::EarlierTime("2026-02-30 00:00:00.000000", seconds(1)).ok());
}

TEST(TrytonWatermarkTest, RelatedRecordsAreExpanded) {
  Value record = Json(R"({"id":3,"party":4,"party.":{"id":4,"name":"ACME",
      "country.":{"id":9,"code":"DE"}},"currency.":{"id":1,"code":"EUR"}})");
  EXPECT_EQ(ToJson(tryton::ExpandRelated(record)),
            R"({"id":3,"party":{"id":4,"name":"ACME","country":{"id":9,"code":"DE"}},)"
            R"("currency":{"id":1,"code":"EUR"}})");
}

TEST(TrytonInputConfigTest, ChecksItsSettings) {
  auto config = testing::ComponentConfigFrom(
      ComponentKind::kInput,
      "tryton: {url: 'http://127.0.0.1:8000/', database: d, user: u, password: p}");
  ASSERT_TRUE(config.ok()) << config.error();
  EXPECT_EQ(config->GetInt("batch"), 100);
  EXPECT_EQ(config->GetDuration("poll_interval"), seconds(5));
  EXPECT_EQ(config->Get("entities").size(), 3u);
  EXPECT_FALSE(testing::ComponentConfigFrom(ComponentKind::kInput,
                                            "tryton: {url: 'http://x/', database: d, user: u, "
                                            "password: p, entities: [orders]}")
                   .ok());
  EXPECT_FALSE(testing::ComponentConfigFrom(ComponentKind::kInput,
                                            "tryton: {url: 'ftp://x/', database: d, user: u, "
                                            "password: p}")
                   .ok());
  auto twice = testing::Build<Input>(ComponentKind::kInput,
                                     "tryton: {url: 'http://x/', database: d, user: u, "
                                     "password: p, entities: [invoice, invoice]}");
  EXPECT_FALSE(twice.ok());
  auto unknown = testing::Build<Input>(ComponentKind::kInput,
                                       "tryton: {url: 'http://x/', database: d, user: u, "
                                       "password: p, mappings: {orders: x.jsonata}}");
  EXPECT_FALSE(unknown.ok());
  // Without a store for the watermarks, it does not start.
  auto input = testing::Build<Input>(ComponentKind::kInput,
                                     "tryton: {url: 'http://x/', database: d, user: u, "
                                     "password: p}");
  ASSERT_TRUE(input.ok()) << input.error().ToString();
  testing::FakeIntake plain;
  InputContext context;
  context.flow = "f";
  context.intake = &plain;
  EXPECT_EQ((*input)->Start(context).code(), StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace erphub::components
