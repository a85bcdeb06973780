#include "systems/tryton/operations.h"

#include <utility>

#include "core/json.h"
#include "systems/tryton/values.h"

namespace erphub::tryton {
namespace {

std::string_view Text(const Value& record, std::string_view key) {
  const Value& value = record.Get(key);
  return value.is_string() ? value.as_string() : std::string_view();
}

Value Clause(std::string_view field, std::string_view op, Value operand) {
  return Value::MakeArray({Value::Str(field), Value::Str(op), std::move(operand)});
}

Value Domain(std::initializer_list<Value> clauses) { return Value::MakeArray(Array(clauses)); }

// One2Many/Many2Many commands: [["create", [records]]] and [["add", [ids]]].
Value CreateCommand(Array records) {
  return Value::MakeArray(
      {Value::MakeArray({Value::Str("create"), Value::MakeArray(std::move(records))})});
}
Value AddCommand(std::vector<int64_t> ids) {
  Value list = Value::MakeArray();
  for (int64_t id : ids) {
    list.push_back(Value::Int(id));
  }
  return Value::MakeArray({Value::MakeArray({Value::Str("add"), std::move(list)})});
}

std::optional<int64_t> IdValue(const Value& value) {
  return value.is_number() ? value.as_number().ToInt64() : std::nullopt;
}

Status Invalid(std::string message) { return InvalidArgumentError(std::move(message)); }

// An amount as canonical records carry it (decimal text, or an exact number after a mapping).
Result<Number> AmountNumber(const Value& value, std::string_view what) {
  std::optional<Number> number;
  if (value.is_string()) {
    number = Number::Parse(value.as_string());
  } else if (value.is_number()) {
    number = value.as_number();
  }
  if (!number.has_value() || !number->is_exact()) {
    return Invalid(std::string(what) + ": " + (value.is_undefined() ? "missing" : ToJson(value)) +
                   " is not an exact decimal amount");
  }
  return *number;
}

// Tryton's Decimal for an amount, keeping decimal text digit for digit.
Result<Value> AmountValue(const Value& value, std::string_view what) {
  if (value.is_string()) {
    auto decimal = DecimalFromText(value.as_string());
    if (decimal.ok()) {
      return decimal;
    }
  }
  ERPHUB_ASSIGN_OR_RETURN(Number number, AmountNumber(value, what));
  return DecimalValue(number);
}

bool SameText(const Value& a, const Value& b) {
  auto text = [](const Value& v) { return v.is_string() ? v.as_string() : std::string_view(); };
  return text(a) == text(b);
}

bool SameId(const Value& a, const Value& b) { return IdValue(a) == IdValue(b); }

// How far a sale has gone through Tryton's workflow.
int SaleStage(std::string_view state) {
  if (state == "draft") {
    return 0;
  }
  if (state == "quotation") {
    return 1;
  }
  if (state == "confirmed") {
    return 2;
  }
  if (state == "processing" || state == "done") {
    return 3;
  }
  return -1;  // cancelled
}

struct UnitCode {
  std::string_view code;
  std::string_view symbol;
};
constexpr UnitCode kUnitCodes[] = {
    {"EA", "u"},   {"C62", "u"},  {"H87", "u"},  {"PCE", "u"},   {"EACH", "u"}, {"KGM", "kg"},
    {"GRM", "g"},  {"LBR", "lb"}, {"ONZ", "oz"}, {"MTR", "m"},   {"CMT", "cm"}, {"MMT", "mm"},
    {"KMT", "km"}, {"LTR", "l"},  {"HUR", "h"},  {"MIN", "min"}, {"DAY", "d"},  {"YRD", "yd"},
    {"FOT", "ft"}, {"INH", "in"}, {"MTK", "m²"}, {"MTQ", "m³"},
};

}  // namespace

std::optional<std::string> TrytonUnitSymbol(std::string_view unit) {
  if (unit.empty()) {
    return "u";
  }
  for (const UnitCode& code : kUnitCodes) {
    if (code.code == unit) {
      return std::string(code.symbol);
    }
  }
  return std::string(unit);
}

Operations::Operations(Client& client, const Lookups* xrefs, OperationOptions options)
    : client_(client), xrefs_(xrefs), options_(std::move(options)) {}

// --- reference data -------------------------------------------------------------------------

Result<int64_t> Operations::CachedId(std::string_view model, const Value& domain,
                                     std::string_view what) {
  std::string key = std::string(model) + " " + ToJson(domain);
  auto cached = ids_.find(key);
  if (cached != ids_.end()) {
    return cached->second;
  }
  SearchOptions one;
  one.limit = 1;
  one.order = Value::MakeArray({Value::MakeArray({Value::Str("id"), Value::Str("ASC")})});
  ERPHUB_ASSIGN_OR_RETURN(std::vector<int64_t> ids, client_.Search(model, domain, one));
  if (ids.empty()) {
    return NotFoundError("Tryton has no " + std::string(what));
  }
  ids_.emplace(std::move(key), ids[0]);
  return ids[0];
}

Result<int64_t> Operations::UnitId(const Value& unit) {
  std::string_view code = unit.is_string() ? unit.as_string() : "";
  std::optional<std::string> symbol = TrytonUnitSymbol(code);
  auto id = CachedId("product.uom", Domain({Clause("symbol", "=", Value::Str(*symbol))}),
                     "unit of measure \"" + std::string(code) + "\"");
  if (!id.ok() && id.error().code() == StatusCode::kNotFound) {
    return Invalid(std::string(id.error().message()));
  }
  return id;
}

Result<int64_t> Operations::CountryId(std::string_view code) {
  Value domain = Domain({Clause("code", "=", Value::Str(code))});
  auto id = CachedId("country.country", domain, "country");
  if (id.ok() || id.error().code() != StatusCode::kNotFound) {
    return id;
  }
  // Debian's Tryton ships no countries; a new code gets a record named by its code.
  Value country = Value::MakeObject();
  country.Set("name", Value::Str(code));
  country.Set("code", Value::Str(code));
  ERPHUB_TRY(client_.Create("country.country", {country}));
  return CachedId("country.country", domain, "country");
}

Result<int64_t> Operations::TaxId(const Value& rate) {
  ERPHUB_ASSIGN_OR_RETURN(Number number, AmountNumber(rate, "tax_rate"));
  auto id = CachedId(
      "account.tax",
      Domain({Clause("rate", "=", DecimalValue(number)),
              Clause("type", "=", Value::Str("percentage")), Clause("parent", "=", Value::Null())}),
      "percentage tax with rate " + number.ToString());
  if (!id.ok() && id.error().code() == StatusCode::kNotFound) {
    return Invalid(std::string(id.error().message()));
  }
  return id;
}

Result<int64_t> Operations::CategoryId(std::string_view name, bool accounting) {
  Value domain = Domain(
      {Clause("name", "=", Value::Str(name)), Clause("accounting", "=", Value::Bool(accounting))});
  auto id = CachedId("product.category", domain, "product category \"" + std::string(name) + "\"");
  if (id.ok() || id.error().code() != StatusCode::kNotFound) {
    return id;
  }
  if (accounting) {
    // An accounting category needs accounts: it is set up in Tryton, not made here.
    return Invalid(std::string(id.error().message()));
  }
  Value category = Value::MakeObject();
  category.Set("name", Value::Str(name));
  ERPHUB_TRY(client_.Create("product.category", {category}));
  return CachedId("product.category", domain, "product category");
}

// --- cross-references ------------------------------------------------------------------------

Result<std::optional<int64_t>> Operations::FindLinked(std::string_view entity,
                                                      std::string_view external_id,
                                                      std::string_view model, const Value& domain) {
  if (xrefs_ != nullptr) {
    auto linked = xrefs_->Xref(options_.system, entity, external_id);
    if (!linked.ok()) {
      return Status(linked.error().code(), "cross-reference of " + std::string(entity) + " " +
                                               std::string(external_id) + ": " +
                                               std::string(linked.error().message()));
    }
    if (linked->has_value()) {
      std::optional<Number> id = Number::Parse(**linked);
      if (id.has_value() && id->ToInt64().has_value()) {
        // The record may have been deleted in Tryton since.
        ERPHUB_ASSIGN_OR_RETURN(
            std::vector<int64_t> ids,
            client_.Search(model, Domain({Clause("id", "=", Value::Int(*id->ToInt64()))})));
        if (!ids.empty()) {
          return std::optional<int64_t>(ids[0]);
        }
      }
    }
  }
  SearchOptions first;
  first.limit = 1;
  first.order = Value::MakeArray({Value::MakeArray({Value::Str("id"), Value::Str("ASC")})});
  ERPHUB_ASSIGN_OR_RETURN(std::vector<int64_t> ids, client_.Search(model, domain, first));
  if (ids.empty()) {
    return std::optional<int64_t>();
  }
  ERPHUB_TRY(Link(entity, external_id, ids[0]));
  return std::optional<int64_t>(ids[0]);
}

Status Operations::Link(std::string_view entity, std::string_view external_id, int64_t id) {
  if (xrefs_ == nullptr) {
    return Status::Ok();
  }
  Status status = xrefs_->PutXref(options_.system, entity, external_id, std::to_string(id));
  if (status.code() == StatusCode::kUnimplemented) {
    return Status::Ok();  // no store here: Tryton's own fields find the record again
  }
  return status;
}

// --- parties -----------------------------------------------------------------------------------

Result<Value> Operations::AddressValues(const Value& address) {
  Value values = Value::MakeObject();
  std::string street(Text(address, "street"));
  std::string_view street2 = Text(address, "street2");
  if (!street2.empty()) {
    street += street.empty() ? std::string(street2) : "\n" + std::string(street2);
  }
  auto text_or_null = [](std::string_view text) {
    return text.empty() ? Value::Null() : Value::Str(text);
  };
  values.Set("street", text_or_null(street));
  values.Set("postal_code", text_or_null(Text(address, "postal_code")));
  values.Set("city", text_or_null(Text(address, "city")));
  std::string_view country = Text(address, "country");
  if (country.empty()) {
    values.Set("country", Value::Null());
  } else {
    ERPHUB_ASSIGN_OR_RETURN(int64_t id, CountryId(country));
    values.Set("country", Value::Int(id));
  }
  return values;
}

Result<std::vector<int64_t>> Operations::AddressIds(int64_t party,
                                                    const std::vector<Value>& addresses) {
  SearchOptions by_id;
  by_id.order = Value::MakeArray({Value::MakeArray({Value::Str("id"), Value::Str("ASC")})});
  ERPHUB_ASSIGN_OR_RETURN(
      std::vector<Value> existing,
      client_.SearchRead("party.address", Domain({Clause("party", "=", Value::Int(party))}),
                         {"street", "postal_code", "city", "country"}, by_id));
  std::vector<int64_t> ids;
  std::vector<Value> wanted;
  for (const Value& address : addresses) {
    ERPHUB_ASSIGN_OR_RETURN(Value values, AddressValues(address));
    wanted.push_back(std::move(values));
  }
  if (wanted.empty() && existing.empty()) {
    wanted.push_back(Value::MakeObject());  // a sale needs an address, even an empty one
  }
  if (wanted.empty()) {
    return std::vector<int64_t>{*IdValue(existing[0].Get("id"))};
  }
  for (Value& want : wanted) {
    std::optional<int64_t> match;
    for (const Value& have : existing) {
      if (SameText(have.Get("street"), want.Get("street")) &&
          SameText(have.Get("postal_code"), want.Get("postal_code")) &&
          SameText(have.Get("city"), want.Get("city")) &&
          SameId(have.Get("country"), want.Get("country"))) {
        match = IdValue(have.Get("id"));
        break;
      }
    }
    if (!match.has_value()) {
      want.Set("party", Value::Int(party));
      ERPHUB_ASSIGN_OR_RETURN(std::vector<int64_t> created,
                              client_.Create("party.address", {want}));
      match = created[0];
      want.Set("id", Value::Int(*match));
      existing.push_back(want);
    }
    ids.push_back(*match);
  }
  return ids;
}

Status Operations::AddContactDetails(int64_t party, const Value& customer) {
  ERPHUB_ASSIGN_OR_RETURN(
      std::vector<Value> existing,
      client_.SearchRead("party.contact_mechanism",
                         Domain({Clause("party", "=", Value::Int(party))}), {"type", "value"}));
  Array missing;
  for (std::string_view type : {"email", "phone"}) {
    std::string_view value = Text(customer, type);
    if (value.empty()) {
      continue;
    }
    bool known = false;
    for (const Value& have : existing) {
      known = known || (Text(have, "type") == type && Text(have, "value") == value);
    }
    if (!known) {
      Value mechanism = Value::MakeObject();
      mechanism.Set("party", Value::Int(party));
      mechanism.Set("type", Value::Str(type));
      mechanism.Set("value", Value::Str(value));
      missing.push_back(std::move(mechanism));
    }
  }
  if (!missing.empty()) {
    ERPHUB_TRY(client_.Create("party.contact_mechanism", std::move(missing)));
  }
  std::string_view tax_id = Text(customer, "tax_id");
  if (!tax_id.empty()) {
    ERPHUB_ASSIGN_OR_RETURN(
        std::vector<int64_t> known,
        client_.Search("party.identifier", Domain({Clause("party", "=", Value::Int(party)),
                                                   Clause("code", "=", Value::Str(tax_id))})));
    if (known.empty()) {
      Value identifier = Value::MakeObject();
      identifier.Set("party", Value::Int(party));
      identifier.Set("code", Value::Str(tax_id));
      ERPHUB_TRY(client_.Create("party.identifier", {identifier}));
    }
  }
  return Status::Ok();
}

Result<Operations::PartyRef> Operations::SaveParty(const Value& customer,
                                                   const std::vector<Value>& addresses,
                                                   bool update_existing) {
  std::string_view external_id = Text(customer, "external_id");
  std::string_view name = Text(customer, "name");
  if (external_id.empty()) {
    return Invalid("customer.external_id is required");
  }
  // The party's identifier holds the external id: Tryton's own record of the link.
  ERPHUB_ASSIGN_OR_RETURN(
      std::optional<int64_t> found,
      FindLinked("customer", external_id, "party.party",
                 Domain({Clause("identifiers.code", "=", Value::Str(external_id))})));
  PartyRef party;
  if (found.has_value()) {
    party.id = *found;
    if (update_existing) {
      if (!name.empty()) {
        Value values = Value::MakeObject();
        values.Set("name", Value::Str(name));
        ERPHUB_TRY(client_.Write("party.party", {party.id}, values));
      }
      ERPHUB_TRY(AddContactDetails(party.id, customer));
    }
  } else {
    if (name.empty()) {
      return Invalid("customer.name is required to create customer " + std::string(external_id));
    }
    Value identifier = Value::MakeObject();
    identifier.Set("code", Value::Str(external_id));
    Value values = Value::MakeObject();
    values.Set("name", Value::Str(name));
    values.Set("identifiers", CreateCommand({identifier}));
    ERPHUB_ASSIGN_OR_RETURN(std::vector<int64_t> created, client_.Create("party.party", {values}));
    party.id = created[0];
    party.created = true;
    ERPHUB_TRY(Link("customer", external_id, party.id));
    ERPHUB_TRY(AddContactDetails(party.id, customer));
  }
  ERPHUB_ASSIGN_OR_RETURN(party.addresses, AddressIds(party.id, addresses));
  return party;
}

Result<Outcome> Operations::UpsertCustomer(const Value& customer) {
  std::lock_guard lock(mu_);
  std::vector<Value> addresses;
  const Value& list = customer.Get("addresses");
  if (list.is_array()) {
    addresses.assign(list.as_array().begin(), list.as_array().end());
  }
  ERPHUB_ASSIGN_OR_RETURN(PartyRef party, SaveParty(customer, addresses, true));
  return Outcome{party.id, party.created,
                 "party " + std::to_string(party.id) + (party.created ? " created" : " updated")};
}

// --- products ----------------------------------------------------------------------------------

Result<Outcome> Operations::UpsertProduct(const Value& product) {
  std::lock_guard lock(mu_);
  std::string_view external_id = Text(product, "external_id");
  std::string_view sku = Text(product, "sku");
  std::string_view name = Text(product, "name");
  if (external_id.empty() || sku.empty() || name.empty()) {
    return Invalid("product: external_id, sku and name are required");
  }
  Value template_values = Value::MakeObject();
  template_values.Set("name", Value::Str(name));
  if (!product.Get("list_price").is_undefined()) {
    ERPHUB_ASSIGN_OR_RETURN(Value price, AmountValue(product.Get("list_price"), "list_price"));
    template_values.Set("list_price", std::move(price));
  }
  if (product.Get("active").is_bool()) {
    template_values.Set("active", product.Get("active"));
  }
  Value product_values = Value::MakeObject();
  const Value& cost = product.Get("cost_price");
  if (!cost.is_undefined() && !cost.is_null()) {
    ERPHUB_ASSIGN_OR_RETURN(Value price, AmountValue(cost, "cost_price"));
    product_values.Set("cost_price", std::move(price));
  }
  if (product.Get("description").is_string()) {
    product_values.Set("description", product.Get("description"));
  }
  std::vector<int64_t> categories;
  if (!Text(product, "category").empty()) {
    ERPHUB_ASSIGN_OR_RETURN(int64_t category, CategoryId(Text(product, "category"), false));
    categories.push_back(category);
  }

  // The product's code holds the SKU: Tryton's own record of the link.
  ERPHUB_ASSIGN_OR_RETURN(std::optional<int64_t> found,
                          FindLinked("product", external_id, "product.product",
                                     Domain({Clause("code", "=", Value::Str(sku))})));
  if (found.has_value()) {
    ERPHUB_ASSIGN_OR_RETURN(std::vector<Value> records,
                            client_.Read("product.product", {*found}, {"template"}));
    std::optional<int64_t> template_id = IdValue(records[0].Get("template"));
    if (!categories.empty()) {
      template_values.Set("categories", AddCommand(categories));
    }
    ERPHUB_TRY(client_.Write("product.template", {*template_id}, template_values));
    if (!product_values.as_object().empty()) {
      ERPHUB_TRY(client_.Write("product.product", {*found}, product_values));
    }
    return Outcome{*found, false, "product " + std::to_string(*found) + " updated"};
  }

  ERPHUB_ASSIGN_OR_RETURN(int64_t unit, UnitId(product.Get("unit")));
  ERPHUB_ASSIGN_OR_RETURN(int64_t accounting, CategoryId(options_.accounting_category, true));
  template_values.Set("code", Value::Str(sku));
  template_values.Set("type", Value::Str("goods"));
  template_values.Set("default_uom", Value::Int(unit));
  template_values.Set("sale_uom", Value::Int(unit));
  template_values.Set("salable", Value::Bool(true));
  template_values.Set("account_category", Value::Int(accounting));
  if (template_values.Get("list_price").is_undefined()) {
    template_values.Set("list_price", DecimalValue(Number()));
  }
  if (!categories.empty()) {
    template_values.Set("categories", AddCommand(categories));
  }
  template_values.Set("products", CreateCommand({product_values}));
  ERPHUB_ASSIGN_OR_RETURN(std::vector<int64_t> templates,
                          client_.Create("product.template", {template_values}));
  ERPHUB_ASSIGN_OR_RETURN(
      std::vector<int64_t> products,
      client_.Search("product.product",
                     Domain({Clause("template", "=", Value::Int(templates[0]))})));
  if (products.empty()) {
    return InternalError("Tryton made template " + std::to_string(templates[0]) +
                         " without a product");
  }
  ERPHUB_TRY(Link("product", external_id, products[0]));
  return Outcome{products[0], true, "product " + std::to_string(products[0]) + " created"};
}

// --- sales -------------------------------------------------------------------------------------

Result<int64_t> Operations::ProductForLine(const Value& line,
                                           std::map<std::string, int64_t>& by_sku) {
  std::string sku(Text(line, "sku"));
  auto known = by_sku.find(sku);
  if (known != by_sku.end()) {
    return known->second;
  }
  // Not in Tryton yet: made from what the order says about it.
  ERPHUB_ASSIGN_OR_RETURN(int64_t unit, UnitId(line.Get("unit")));
  ERPHUB_ASSIGN_OR_RETURN(int64_t accounting, CategoryId(options_.accounting_category, true));
  ERPHUB_ASSIGN_OR_RETURN(Value price, AmountValue(line.Get("unit_price"), "unit_price"));
  std::string_view description = Text(line, "description");
  Value values = Value::MakeObject();
  values.Set("name", Value::Str(description.empty() ? std::string_view(sku) : description));
  values.Set("code", Value::Str(sku));
  values.Set("type", Value::Str("goods"));
  values.Set("default_uom", Value::Int(unit));
  values.Set("sale_uom", Value::Int(unit));
  values.Set("salable", Value::Bool(true));
  values.Set("account_category", Value::Int(accounting));
  values.Set("list_price", std::move(price));
  values.Set("products", CreateCommand({Value::MakeObject()}));
  auto templates = client_.Create("product.template", {values});
  if (!templates.ok()) {
    // Another hub process may have just created it: the code is unique among active products.
    ERPHUB_ASSIGN_OR_RETURN(
        std::vector<int64_t> existing,
        client_.Search("product.product", Domain({Clause("code", "=", Value::Str(sku))})));
    if (existing.empty()) {
      return std::move(templates).error();
    }
    by_sku[sku] = existing[0];
    return existing[0];
  }
  ERPHUB_ASSIGN_OR_RETURN(
      std::vector<int64_t> products,
      client_.Search("product.product",
                     Domain({Clause("template", "=", Value::Int((*templates)[0]))})));
  if (products.empty()) {
    return InternalError("Tryton made template " + std::to_string((*templates)[0]) +
                         " without a product");
  }
  by_sku[sku] = products[0];
  return products[0];
}

Result<std::optional<int64_t>> Operations::ShippingTax(const Value& order) {
  // The canonical order has no tax rate for shipping. When the order's tax is more than its
  // lines' and every line has the same rate, shipping was taxed at that rate (a shop's usual
  // rule); otherwise it is untaxed, and a difference shows in the total check.
  const Value& total_tax = order.Get("totals").Get("tax");
  if (total_tax.is_undefined() || total_tax.is_null()) {
    return std::optional<int64_t>();
  }
  ERPHUB_ASSIGN_OR_RETURN(Number expected, AmountNumber(total_tax, "totals.tax"));
  Number lines_tax;
  std::optional<Number> rate;
  for (const Value& line : order.Get("lines").as_array()) {
    const Value& tax = line.Get("tax");
    const Value& line_rate = line.Get("tax_rate");
    if (tax.is_undefined() || tax.is_null() || line_rate.is_undefined() || line_rate.is_null()) {
      return std::optional<int64_t>();
    }
    ERPHUB_ASSIGN_OR_RETURN(Number amount, AmountNumber(tax, "lines.tax"));
    ERPHUB_ASSIGN_OR_RETURN(Number this_rate, AmountNumber(line_rate, "lines.tax_rate"));
    if (rate.has_value() && Compare(*rate, this_rate) != 0) {
      return std::optional<int64_t>();
    }
    rate = this_rate;
    lines_tax = lines_tax + amount;
  }
  if (!rate.has_value() || rate->IsZero() || Compare(expected, lines_tax) <= 0) {
    return std::optional<int64_t>();
  }
  ERPHUB_ASSIGN_OR_RETURN(int64_t tax, TaxId(Value::Num(*rate)));
  return std::optional<int64_t>(tax);
}

Result<Value> Operations::SaleLines(const Value& order) {
  const Value& lines = order.Get("lines");
  if (!lines.is_array() || lines.size() == 0) {
    return Invalid("sales_order.lines: at least one line is required");
  }
  // The products of all lines in one call.
  Value skus = Value::MakeArray();
  for (const Value& line : lines.as_array()) {
    if (Text(line, "sku").empty()) {
      return Invalid("sales_order.lines: every line needs a sku");
    }
    skus.push_back(line.Get("sku"));
  }
  ERPHUB_ASSIGN_OR_RETURN(
      std::vector<Value> products,
      client_.SearchRead("product.product", Domain({Clause("code", "in", skus)}),
                         {"code", "default_uom", "sale_uom"}));
  std::map<std::string, int64_t> by_sku;
  std::map<int64_t, int64_t> sale_unit;
  for (const Value& product : products) {
    int64_t id = *IdValue(product.Get("id"));
    by_sku.emplace(std::string(Text(product, "code")), id);
    std::optional<int64_t> unit = IdValue(product.Get("sale_uom"));
    sale_unit[id] = unit.has_value() ? *unit : IdValue(product.Get("default_uom")).value_or(0);
  }

  Array out;
  for (const Value& line : lines.as_array()) {
    std::string where = "sales_order.lines[" + std::to_string(out.size()) + "]";
    ERPHUB_ASSIGN_OR_RETURN(int64_t product, ProductForLine(line, by_sku));
    ERPHUB_ASSIGN_OR_RETURN(Number quantity,
                            AmountNumber(line.Get("quantity"), where + ".quantity"));
    ERPHUB_ASSIGN_OR_RETURN(Value price,
                            AmountValue(line.Get("unit_price"), where + ".unit_price"));
    std::optional<Number> discount;
    if (!line.Get("discount").is_undefined() && !line.Get("discount").is_null()) {
      ERPHUB_ASSIGN_OR_RETURN(Number amount,
                              AmountNumber(line.Get("discount"), where + ".discount"));
      if (!amount.IsZero()) {
        discount = amount;
      }
    }
    if (discount.has_value() && !quantity.IsZero()) {
      // Tryton 6.0's sale line has no discount. A discounted unit price that is exact (at most
      // the 4 decimals of Tryton's prices) keeps one line, taxed as the shop taxed it.
      ERPHUB_ASSIGN_OR_RETURN(Number unit_price,
                              AmountNumber(line.Get("unit_price"), where + ".unit_price"));
      Number discounted = (unit_price * quantity - *discount) / quantity;
      if (discounted.is_exact() && discounted.exponent() >= -4 &&
          Compare(discounted * quantity + *discount, unit_price * quantity) == 0) {
        price = DecimalValue(discounted);
        discount.reset();
      }
    }
    int64_t unit = 0;
    if (line.Get("unit").is_string() || sale_unit.count(product) == 0) {
      ERPHUB_ASSIGN_OR_RETURN(unit, UnitId(line.Get("unit")));
    } else {
      unit = sale_unit[product];
    }
    std::vector<int64_t> taxes;
    const Value& rate = line.Get("tax_rate");
    if (!rate.is_undefined() && !rate.is_null()) {
      ERPHUB_ASSIGN_OR_RETURN(int64_t tax, TaxId(rate));
      taxes.push_back(tax);
    }
    Value values = Value::MakeObject();
    values.Set("type", Value::Str("line"));
    values.Set("product", Value::Int(product));
    // Tryton 6.0 keeps quantities as floats; the exact digits are written.
    values.Set("quantity", Value::Num(quantity));
    values.Set("unit", Value::Int(unit));
    values.Set("unit_price", std::move(price));
    if (!Text(line, "description").empty()) {
      values.Set("description", line.Get("description"));
    }
    values.Set("taxes", AddCommand(taxes));
    out.push_back(std::move(values));

    if (discount.has_value()) {
      // Otherwise a line of minus the discount, taxed alike.
      Value discount_line = Value::MakeObject();
      discount_line.Set("type", Value::Str("line"));
      discount_line.Set("quantity", Value::Int(1));
      discount_line.Set("unit_price", DecimalValue(-*discount));
      discount_line.Set("description", Value::Str("Discount on " + std::string(Text(line, "sku"))));
      discount_line.Set("taxes", AddCommand(taxes));
      out.push_back(std::move(discount_line));
    }
  }
  const Value& shipping = order.Get("totals").Get("shipping");
  if (!shipping.is_undefined() && !shipping.is_null()) {
    ERPHUB_ASSIGN_OR_RETURN(Number amount, AmountNumber(shipping, "totals.shipping"));
    if (!amount.IsZero()) {
      Value shipping_line = Value::MakeObject();
      shipping_line.Set("type", Value::Str("line"));
      shipping_line.Set("quantity", Value::Int(1));
      shipping_line.Set("unit_price", DecimalValue(amount));
      shipping_line.Set("description", Value::Str("Shipping"));
      ERPHUB_ASSIGN_OR_RETURN(std::optional<int64_t> tax, ShippingTax(order));
      shipping_line.Set("taxes", AddCommand(tax.has_value() ? std::vector<int64_t>{*tax}
                                                            : std::vector<int64_t>{}));
      out.push_back(std::move(shipping_line));
    }
  }
  return Value::MakeArray(std::move(out));
}

Result<Outcome> Operations::AdvanceSale(int64_t sale, bool created, const Value& order) {
  int target = SaleStage(options_.sale_state);
  std::string state;
  Number total;
  for (;;) {
    ERPHUB_ASSIGN_OR_RETURN(std::vector<Value> records,
                            client_.Read("sale.sale", {sale}, {"state", "total_amount"}));
    state = std::string(Text(records[0], "state"));
    total = records[0].Get("total_amount").is_number() ? records[0].Get("total_amount").as_number()
                                                       : Number();
    int stage = SaleStage(state);
    if (stage < 0) {
      return Status(StatusCode::kFailedPrecondition,
                    "Tryton sale " + std::to_string(sale) + " of order " +
                        std::string(Text(order, "order_number")) + " is " + state);
    }
    if (stage >= target) {
      break;
    }
    if (stage == 0) {
      const Value& gross = order.Get("totals").Get("gross");
      if (options_.check_total && !gross.is_undefined()) {
        ERPHUB_ASSIGN_OR_RETURN(Number expected, AmountNumber(gross, "totals.gross"));
        if (Compare(expected, total) != 0) {
          return Status(StatusCode::kFailedPrecondition,
                        "Tryton computes a total of " + total.ToString() + " for sale " +
                            std::to_string(sale) + " (left in draft), but order " +
                            std::string(Text(order, "order_number")) + " says " +
                            expected.ToString());
        }
      }
      ERPHUB_TRY(client_.Button("sale.sale", "quote", {sale}));
    } else if (stage == 1) {
      // Without a queue worker, confirm also processes the sale in the same request.
      ERPHUB_TRY(client_.Button("sale.sale", "confirm", {sale}));
    } else {
      ERPHUB_TRY(client_.Button("sale.sale", "process", {sale}));
    }
  }
  return Outcome{sale, created,
                 "sale " + std::to_string(sale) + (created ? " created, " : " existing, ") + state +
                     ", total " + total.ToString()};
}

Result<Outcome> Operations::CreateSale(const Value& order) {
  std::lock_guard lock(mu_);
  std::string_view external_id = Text(order, "external_id");
  std::string_view number = Text(order, "order_number");
  if (external_id.empty() || number.empty()) {
    return Invalid("sales_order: external_id and order_number are required");
  }
  if (SaleStage(options_.sale_state) < 0) {
    return Invalid("unknown sale state \"" + options_.sale_state + "\"");
  }
  // The sale's reference holds the order number: Tryton's own record of the link.
  ERPHUB_ASSIGN_OR_RETURN(std::optional<int64_t> found,
                          FindLinked("sales_order", external_id, "sale.sale",
                                     Domain({Clause("reference", "=", Value::Str(number))})));
  if (found.has_value()) {
    return AdvanceSale(*found, false, order);
  }

  const Value& customer = order.Get("customer");
  if (!customer.is_object()) {
    return Invalid("sales_order.customer is required");
  }
  std::vector<Value> addresses;
  bool separate_shipping = false;
  if (order.Get("bill_to").is_object()) {
    addresses.push_back(order.Get("bill_to"));
  }
  if (order.Get("ship_to").is_object()) {
    separate_shipping = !addresses.empty();
    addresses.push_back(order.Get("ship_to"));
  }
  ERPHUB_ASSIGN_OR_RETURN(PartyRef party, SaveParty(customer, addresses, false));
  ERPHUB_ASSIGN_OR_RETURN(Value lines, SaleLines(order));
  ERPHUB_ASSIGN_OR_RETURN(int64_t term,
                          CachedId("account.invoice.payment_term",
                                   Domain({Clause("name", "=", Value::Str(options_.payment_term))}),
                                   "payment term \"" + options_.payment_term + "\""));

  Value sale = Value::MakeObject();
  sale.Set("party", Value::Int(party.id));
  sale.Set("invoice_address", Value::Int(party.addresses.front()));
  sale.Set("shipment_address", Value::Int(party.addresses[separate_shipping ? 1 : 0]));
  sale.Set("payment_term", Value::Int(term));
  sale.Set("reference", Value::Str(number));
  if (!Text(order, "order_date").empty()) {
    ERPHUB_ASSIGN_OR_RETURN(Value date, DateFromIso(Text(order, "order_date")));
    sale.Set("sale_date", std::move(date));
  }
  if (!Text(order, "currency").empty()) {
    ERPHUB_ASSIGN_OR_RETURN(
        int64_t currency,
        CachedId("currency.currency", Domain({Clause("code", "=", order.Get("currency"))}),
                 "currency " + std::string(Text(order, "currency"))));
    sale.Set("currency", Value::Int(currency));
  }
  if (!Text(order, "note").empty()) {
    sale.Set("comment", order.Get("note"));
  }
  sale.Set("lines", Value::MakeArray({Value::MakeArray({Value::Str("create"), lines})}));
  ERPHUB_ASSIGN_OR_RETURN(std::vector<int64_t> created, client_.Create("sale.sale", {sale}));
  ERPHUB_TRY(Link("sales_order", external_id, created[0]));
  return AdvanceSale(created[0], true, order);
}

}  // namespace erphub::tryton
