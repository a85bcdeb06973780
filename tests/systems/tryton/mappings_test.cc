#include "systems/tryton/mappings.h"

#include <gtest/gtest.h>

#include "core/json.h"
#include "json_literal.h"

namespace erphub::tryton {
namespace {

using ::erphub::testing::Json;
std::string Amount(const Value& value) {
  return value.is_string() ? std::string(value.as_string()) : value.as_number().ToString();
}

TEST(TrytonRecordMappings, ASaleFoldsExactDiscountsAndTaxesShippingAsTheShopDid) {
  RecordMappings mappings;
  auto sale = mappings.Map("sales_order", Json(R"({"order_number":"#7",
      "order_date":"2026-11-26T23:30:00-05:00","currency":"EUR","note":"ring twice",
      "customer":{"external_id":"shop:c1","name":"Erika"},
      "ship_to":{"street":"Seeweg 2","city":"Munich","country":"DE"},
      "lines":[
        {"sku":"MUG","description":"Mug","quantity":"2","unit_price":"12.50","discount":"0.05",
         "tax_rate":"0.19","tax":"4.74"},
        {"sku":"TEA","quantity":"3","unit_price":"10","discount":"0.5","tax_rate":"0.19",
         "tax":"5.61"}],
      "totals":{"tax":"11.29","shipping":"4.95","gross":"70.00"}})"));
  ASSERT_TRUE(sale.ok()) << sale.error().ToString();
  EXPECT_EQ(sale->Get("reference").as_string(), "#7");
  EXPECT_EQ(sale->Get("sale_date").as_string(), "2026-11-26");  // the order's own day
  EXPECT_EQ(sale->Get("comment").as_string(), "ring twice");
  EXPECT_EQ(sale->Get("customer").Get("addresses").size(), 1u);
  EXPECT_EQ(sale->Get("shipment_address").as_number().ToInt64(), 0);
  const Value& lines = sale->Get("lines");
  ASSERT_EQ(lines.size(), 4u) << ToJson(lines);
  // 2 x 12.50 - 0.05 = 2 x 12.475: exact within 4 decimals, one line.
  EXPECT_EQ(Amount(lines[0].Get("unit_price")), "12.475");
  EXPECT_EQ(Amount(lines[0].Get("list_price")), "12.50");
  // 3 x 10 - 0.5 is no exact unit price: a discount line follows.
  EXPECT_EQ(Amount(lines[1].Get("unit_price")), "10");
  EXPECT_EQ(lines[2].Get("description").as_string(), "Discount on TEA");
  EXPECT_EQ(Amount(lines[2].Get("unit_price")), "-0.5");
  EXPECT_TRUE(lines[2].Get("sku").is_undefined());
  // The order's tax is more than its lines': shipping was taxed at their common rate.
  EXPECT_EQ(lines[3].Get("description").as_string(), "Shipping");
  EXPECT_EQ(Amount(lines[3].Get("tax_rate")), "0.19");
}

TEST(TrytonRecordMappings, UntaxedShippingAndMissingFieldsAreRefusedOrLeftOut) {
  RecordMappings mappings;
  auto sale = mappings.Map("sales_order", Json(R"({"order_number":"8",
      "customer":{"external_id":"c"},
      "lines":[{"sku":"A","quantity":"1","unit_price":"5","tax_rate":"0.07","tax":"0.35"}],
      "totals":{"tax":"0.35","shipping":"2"}})"));
  ASSERT_TRUE(sale.ok()) << sale.error().ToString();
  const Value& lines = sale->Get("lines");
  ASSERT_EQ(lines.size(), 2u) << ToJson(lines);
  EXPECT_TRUE(lines[1].Get("tax_rate").is_undefined());

  auto no_lines = mappings.Map("sales_order", Json(R"({"order_number":"9","lines":[]})"));
  ASSERT_FALSE(no_lines.ok());
  EXPECT_EQ(no_lines.error().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(no_lines.error().message().find("at least one line"), std::string::npos);

  auto no_sku =
      mappings.Map("sales_order", Json(R"({"order_number":"9","lines":[{"quantity":"1"}]})"));
  ASSERT_FALSE(no_sku.ok());
  EXPECT_NE(no_sku.error().message().find("every line needs a sku"), std::string::npos);
}

TEST(TrytonRecordMappings, ACustomerJoinsItsStreetLinesAndListsItsContacts) {
  RecordMappings mappings;
  auto party = mappings.Map("customer", Json(R"({"external_id":"shop:1","name":"ACME",
      "email":"a@acme.example","tax_id":"DE1",
      "addresses":[{"street":"Main St 5","street2":"Unit 3","city":"Boston","country":"US"},
                   {"street":"Hof 1","street2":null}]})"));
  ASSERT_TRUE(party.ok()) << party.error().ToString();
  EXPECT_EQ(party->Get("identifier").as_string(), "shop:1");
  EXPECT_EQ(party->Get("tax_identifier").as_string(), "DE1");
  ASSERT_EQ(party->Get("contact_mechanisms").size(), 1u);
  EXPECT_EQ(party->Get("contact_mechanisms")[0].Get("type").as_string(), "email");
  EXPECT_EQ(party->Get("addresses")[0].Get("street").as_string(), "Main St 5\nUnit 3");
  EXPECT_EQ(party->Get("addresses")[1].Get("street").as_string(), "Hof 1");

  auto nameless = mappings.Map("customer", Json(R"({"name":"No id"})"));
  ASSERT_FALSE(nameless.ok());
  EXPECT_NE(nameless.error().message().find("customer.external_id is required"), std::string::npos);
}

}  // namespace
}  // namespace erphub::tryton
