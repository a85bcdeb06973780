#include "systems/tryton/client.h"

#include <gtest/gtest.h>

#include "core/json.h"
#include "json_literal.h"
#include "systems/tryton/test_server.h"
#include "systems/tryton/values.h"

namespace erphub::tryton {
namespace {

using testing::GetTestServer;
using testing::UniqueSuffix;

using ::erphub::testing::Json;
Value Clause(std::string_view field, std::string_view op, Value operand) {
  return Value::MakeArray({Value::Str(field), Value::Str(op), std::move(operand)});
}

int64_t IdOf(const Value& record) { return *record.Get("id").as_number().ToInt64(); }

TEST(TrytonClient, OneLoginServesManyCalls) {
  ERPHUB_REQUIRE_TRYTON();
  Client client(GetTestServer().Options());
  for (int i = 0; i < 5; ++i) {
    auto taxes = client.SearchRead("account.tax", Value::MakeArray(), {"name", "rate"});
    ASSERT_TRUE(taxes.ok()) << taxes.error().ToString();
    EXPECT_GE(taxes->size(), 5u);
  }
  EXPECT_EQ(client.logins(), 1);
  auto context = client.Context();
  ASSERT_TRUE(context.ok());
  EXPECT_TRUE(context->Get("company").is_number()) << ToJson(*context);
}

TEST(TrytonClient, LogsInAgainAfterTheSessionEnded) {
  ERPHUB_REQUIRE_TRYTON();
  Client client(GetTestServer().Options());
  ASSERT_TRUE(client.Search("product.uom", Value::MakeArray()).ok());
  ASSERT_TRUE(client.Logout().ok());
  auto units = client.Search("product.uom", Value::MakeArray());
  ASSERT_TRUE(units.ok()) << units.error().ToString();
  EXPECT_EQ(client.logins(), 2);
}

TEST(TrytonClient, DecimalsAndDatesRoundTripExactly) {
  ERPHUB_REQUIRE_TRYTON();
  Client client(GetTestServer().Options());
  auto unit = client.Search("product.uom", Json(R"([["symbol","=","u"]])"));
  ASSERT_TRUE(unit.ok() && unit->size() == 1);
  std::string code = "RT-" + UniqueSuffix();
  Value product = Value::MakeObject();
  product.Set("cost_price", *DecimalFromText("0.1"));
  Value template_values = Value::MakeObject();
  template_values.Set("name", Value::Str("Round trip"));
  template_values.Set("code", Value::Str(code));  // the product's code is the template's + suffix
  template_values.Set("default_uom", Value::Int((*unit)[0]));
  template_values.Set("list_price", *DecimalFromText("19.990"));
  template_values.Set(
      "products",
      Value::MakeArray({Value::MakeArray({Value::Str("create"), Value::MakeArray({product})})}));
  auto created = client.Create("product.template", {template_values});
  ASSERT_TRUE(created.ok()) << created.error().ToString();

  auto found = client.SearchRead("product.product",
                                 Value::MakeArray({Clause("code", "=", Value::Str(code))}),
                                 {"list_price", "cost_price", "create_date", "template"});
  ASSERT_TRUE(found.ok()) << found.error().ToString();
  ASSERT_EQ(found->size(), 1u);
  const Value& record = (*found)[0];
  EXPECT_EQ(record.Get("list_price").as_number(), Number::Exact(1999, -2));
  EXPECT_TRUE(record.Get("list_price").as_number().is_exact());
  EXPECT_EQ(record.Get("cost_price").as_number(), Number::Exact(1, -1));
  std::string_view created_at = record.Get("create_date").as_string();
  ASSERT_GE(created_at.size(), 20u) << ToJson(record);
  EXPECT_EQ(created_at[10], 'T');
  EXPECT_EQ(created_at.back(), 'Z');
  EXPECT_EQ(record.Get("template").as_number(), Number::FromInt((*created)[0]));
}

TEST(TrytonClient, SearchReadTakesDomainsWithOrAndOrder) {
  ERPHUB_REQUIRE_TRYTON();
  Client client(GetTestServer().Options());
  SearchOptions options;
  options.order = Json(R"([["rate","DESC"]])");
  auto taxes = client.SearchRead(
      "account.tax",
      Json(
          R"([["OR",[["name","=","VAT 7%"]],[["rate","=",{"__class__":"Decimal","decimal":"0.19"}]]]])"),
      {"name", "rate"}, options);
  ASSERT_TRUE(taxes.ok()) << taxes.error().ToString();
  ASSERT_EQ(taxes->size(), 2u);
  EXPECT_EQ((*taxes)[0].Get("name").as_string(), "VAT 19%");
  EXPECT_EQ((*taxes)[1].Get("rate").as_number(), Number::Exact(7, -2));

  auto read = client.Read("account.tax", {IdOf((*taxes)[0]), IdOf((*taxes)[1])}, {"name"});
  ASSERT_TRUE(read.ok());
  EXPECT_EQ((*read)[0].Get("name").as_string(), "VAT 19%");  // in the order asked for
  EXPECT_EQ(client.Read("product.uom", {987654}, {"name"}).status().code(),
            StatusCode::kNotFound);  // Tryton: records "that don't exist anymore"
  // A company's records are guarded by rules: a missing one reads as not allowed.
  EXPECT_EQ(client.Read("account.tax", {987654}, {"name"}).status().code(),
            StatusCode::kPermissionDenied);
}

TEST(TrytonClient, CreateWriteAndWorkflowButtons) {
  ERPHUB_REQUIRE_TRYTON();
  Client client(GetTestServer().Options());
  auto party =
      client.Create("party.party",
                    {Json(R"({"name":"Client test","addresses":[["create",[{"city":"Bonn"}]]]})")});
  ASSERT_TRUE(party.ok()) << party.error().ToString();
  ASSERT_TRUE(client.Write("party.party", *party, Json(R"({"name":"Client test renamed"})")).ok());
  auto read = client.Read("party.party", *party, {"name", "addresses"});
  ASSERT_TRUE(read.ok());
  EXPECT_EQ((*read)[0].Get("name").as_string(), "Client test renamed");
  int64_t address = *(*read)[0].Get("addresses")[0].as_number().ToInt64();

  auto term = client.Search("account.invoice.payment_term", Json(R"([["name","=","Direct"]])"));
  ASSERT_TRUE(term.ok() && term->size() == 1);
  Value sale = Value::MakeObject();
  sale.Set("party", Value::Int((*party)[0]));
  sale.Set("invoice_address", Value::Int(address));
  sale.Set("shipment_address", Value::Int(address));
  sale.Set("payment_term", Value::Int((*term)[0]));
  sale.Set("sale_date", *DateFromIso("2026-02-03T10:00:00+01:00"));
  auto sales = client.Create("sale.sale", {sale});
  ASSERT_TRUE(sales.ok()) << sales.error().ToString();
  ASSERT_TRUE(client.Button("sale.sale", "quote", *sales).ok());
  auto state = client.Read("sale.sale", *sales, {"state", "sale_date"});
  ASSERT_TRUE(state.ok());
  EXPECT_EQ((*state)[0].Get("state").as_string(), "quotation");
  EXPECT_EQ((*state)[0].Get("sale_date").as_string(), "2026-02-03");
}

TEST(TrytonClient, UserErrorsArePermanentWithTrytonsMessage) {
  ERPHUB_REQUIRE_TRYTON();
  Client client(GetTestServer().Options());
  auto party = client.Create("party.party", {Json(R"({"name":"No address"})")});
  ASSERT_TRUE(party.ok());
  Value sale = Value::MakeObject();
  sale.Set("party", Value::Int((*party)[0]));
  auto sales = client.Create("sale.sale", {sale});
  ASSERT_TRUE(sales.ok());
  Status quote = client.Button("sale.sale", "quote", *sales);
  EXPECT_EQ(quote.code(), StatusCode::kInvalidArgument) << quote.ToString();
  EXPECT_FALSE(quote.IsTransient());
  EXPECT_NE(quote.message().find("you must enter an invoice address"), std::string::npos)
      << quote.ToString();
  EXPECT_NE(quote.message().find("model.sale.sale.quote"), std::string::npos);

  Status missing = client.Create("sale.line", {Json(R"({"sale":1,"quantity":1})")}).status();
  EXPECT_EQ(missing.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(missing.message().find("A value is required for field"), std::string::npos)
      << missing.ToString();

  Status model = client.Search("no.such.model", Value::MakeArray()).status();
  EXPECT_FALSE(model.ok());
  EXPECT_FALSE(model.IsTransient()) << model.ToString();
}

TEST(TrytonClient, AWrongPasswordIsPermanent) {
  ERPHUB_REQUIRE_TRYTON();
  ClientOptions options = GetTestServer().Options();
  options.password = "not-the-password";
  Client client(options);
  Status status = client.Search("product.uom", Value::MakeArray()).status();
  EXPECT_EQ(status.code(), StatusCode::kUnauthenticated) << status.ToString();
  EXPECT_FALSE(status.IsTransient());
}

TEST(TrytonClient, AnUnreachableServerIsTransient) {
  ClientOptions options;
  options.url = "http://127.0.0.1:9/";  // discard: nothing listens
  options.database = "erphub";
  options.user = "admin";
  options.password = "x";
  Client client(options);
  Status status = client.Search("product.uom", Value::MakeArray()).status();
  EXPECT_TRUE(status.IsTransient()) << status.ToString();
}

TEST(TrytonClient, ErrorRepliesAreClassified) {
  EXPECT_EQ(
      ErrorStatus("m", Json(R"(["UserError",["You are not allowed to access \"Sale\".","",null]])"))
          .code(),
      StatusCode::kPermissionDenied);
  Status warning = ErrorStatus(
      "m", Json(R"(["UserWarning",["stock_quantity_warning_2","The forecast is low.",""]])"));
  EXPECT_EQ(warning.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(warning.context(), "stock_quantity_warning_2");
  EXPECT_NE(warning.message().find("The forecast is low."), std::string::npos);
  EXPECT_TRUE(
      ErrorStatus("m", Json(R"(["ConcurrencyException","Records were modified"])")).IsTransient());
  EXPECT_TRUE(ErrorStatus("m", Json(R"(["database is locked",""])")).IsTransient());
  EXPECT_FALSE(ErrorStatus("m", Json(R"(["'nonexistent'",""])")).IsTransient());
  EXPECT_EQ(
      ErrorStatus("m", Json(R"(["UserError",["Bad value.","Use another one.",null]])")).message(),
      "Tryton m: Bad value. (Use another one.)");
}

}  // namespace
}  // namespace erphub::tryton
