#include "systems/tryton/operations.h"

#include <utility>

#include "core/json.h"
#include "systems/tryton/records.h"
#include "systems/tryton/values.h"

namespace erphub::tryton {
namespace {

Status Invalid(std::string message) { return InvalidArgumentError(std::move(message)); }

bool SameText(const Value& a, const Value& b) {
  auto text = [](const Value& v) { return v.is_string() ? v.as_string() : std::string_view(); };
  return text(a) == text(b);
}

bool SameId(const Value& a, const Value& b) { return IdValue(a) == IdValue(b); }

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
  for (const auto& [configured_rate, name] : options_.taxes) {
    std::optional<Number> key = Number::Parse(configured_rate);
    if (key.has_value() && Compare(*key, number) == 0) {
      auto id = CachedId("account.tax", Domain({Clause("name", "=", Value::Str(name))}),
                         "tax \"" + name + "\" (options.taxes, rate " + configured_rate + ")");
      if (!id.ok() && id.error().code() == StatusCode::kNotFound) {
        return InvalidArgumentError(std::string(id.error().message()));
      }
      return id;
    }
  }
  auto id = CachedId(
      "account.tax",
      Domain({Clause("rate", "=", DecimalValue(number)),
              Clause("type", "=", Value::Str("percentage")), Clause("parent", "=", Value::Null())}),
      "percentage tax with rate " + number.ToString());
  if (id.ok() || id.error().code() != StatusCode::kNotFound) {
    return id;
  }
  if (options_.missing_tax != "create") {
    return InvalidArgumentError(std::string(id.error().message()) +
                                " (options.taxes names none; missing_tax: refuse)");
  }
  return CreateTax(number);
}

Result<int64_t> Operations::CreateTax(const Number& rate) {
  // The accounts of the new tax: those named, or those of the company's first percentage tax.
  std::optional<int64_t> account;
  Value accounts;
  if (!options_.tax_account.empty()) {
    Value name = Value::Str(options_.tax_account);
    ERPHUB_ASSIGN_OR_RETURN(
        account, CachedId("account.account",
                          Value::MakeArray({Value::Str("OR"), Clause("code", "=", name),
                                            Clause("name", "=", name)}),
                          "account \"" + options_.tax_account + "\" (options.tax_account)"));
  } else {
    SearchOptions first;
    first.limit = 1;
    first.order = Value::MakeArray({Value::MakeArray({Value::Str("id"), Value::Str("ASC")})});
    ERPHUB_ASSIGN_OR_RETURN(
        std::vector<Value> taxes,
        client_.SearchRead("account.tax", Domain({Clause("type", "=", Value::Str("percentage"))}),
                           {"invoice_account", "credit_note_account"}, first));
    if (taxes.empty()) {
      return InvalidArgumentError("Tryton has no tax of rate " + rate.ToString() +
                                  " nor one whose accounts a new tax could use: set " +
                                  "options.tax_account or options.taxes");
    }
    accounts = taxes[0];
  }
  ERPHUB_ASSIGN_OR_RETURN(Value context, client_.Context());
  std::string name = "VAT " + (rate * Number::Exact(100, 0)).ToString() + "%";
  Value tax = Value::MakeObject();
  tax.Set("name", Value::Str(name));
  tax.Set("description", Value::Str(name + " (made by erphub for an order's rate)"));
  tax.Set("type", Value::Str("percentage"));
  tax.Set("rate", DecimalValue(rate));
  tax.Set("company", context.Get("company"));
  for (std::string_view field : {"invoice_account", "credit_note_account"}) {
    tax.Set(field, account.has_value() ? Value::Int(*account) : accounts.Get(field));
  }
  ERPHUB_ASSIGN_OR_RETURN(std::vector<int64_t> created, client_.Create("account.tax", {tax}));
  return created[0];
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
  // A field the mapping left out or empty is no value in Tryton.
  Value values = Value::MakeObject();
  auto text_or_null = [](std::string_view text) {
    return text.empty() ? Value::Null() : Value::Str(text);
  };
  values.Set("street", text_or_null(Text(address, "street")));
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

Status Operations::AddContactDetails(int64_t party, const Value& draft) {
  ERPHUB_ASSIGN_OR_RETURN(
      std::vector<Value> existing,
      client_.SearchRead("party.contact_mechanism",
                         Domain({Clause("party", "=", Value::Int(party))}), {"type", "value"}));
  Array missing;
  const Value& mechanisms = draft.Get("contact_mechanisms");
  for (const Value& want : mechanisms.is_array() ? mechanisms.as_array() : Array()) {
    bool known = false;
    for (const Value& have : existing) {
      known = known || (Text(have, "type") == Text(want, "type") &&
                        Text(have, "value") == Text(want, "value"));
    }
    if (!known) {
      Value mechanism = Value::MakeObject();
      mechanism.Set("party", Value::Int(party));
      mechanism.Set("type", want.Get("type"));
      mechanism.Set("value", want.Get("value"));
      missing.push_back(std::move(mechanism));
    }
  }
  if (!missing.empty()) {
    ERPHUB_TRY(client_.Create("party.contact_mechanism", std::move(missing)));
  }
  std::string_view tax_id = Text(draft, "tax_identifier");
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

Result<Operations::PartyRef> Operations::SaveParty(const Value& customer, bool update_existing) {
  ERPHUB_ASSIGN_OR_RETURN(Value draft, mappings_.Map("customer", customer));
  std::string_view external_id = Text(draft, "identifier");
  std::string_view name = Text(draft, "name");
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
      ERPHUB_TRY(AddContactDetails(party.id, draft));
    }
  } else {
    if (name.empty()) {
      return InvalidArgumentError("customer.name is required to create customer " +
                                  std::string(external_id));
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
    ERPHUB_TRY(AddContactDetails(party.id, draft));
  }
  std::vector<Value> addresses;
  if (draft.Get("addresses").is_array()) {
    addresses.assign(draft.Get("addresses").as_array().begin(),
                     draft.Get("addresses").as_array().end());
  }
  ERPHUB_ASSIGN_OR_RETURN(party.addresses, AddressIds(party.id, addresses));
  return party;
}

Result<Outcome> Operations::UpsertCustomer(const Value& customer) {
  std::lock_guard lock(mu_);
  ERPHUB_ASSIGN_OR_RETURN(PartyRef party, SaveParty(customer, true));
  return Outcome{party.id,
                 party.created,
                 "party " + std::to_string(party.id) + (party.created ? " created" : " updated"),
                 {}};
}

// --- products ----------------------------------------------------------------------------------

Result<Outcome> Operations::UpsertProduct(const Value& product) {
  std::lock_guard lock(mu_);
  ERPHUB_ASSIGN_OR_RETURN(Value draft, mappings_.Map("product", product));
  std::string_view external_id = Text(draft, "external_id");
  std::string_view sku = Text(draft, "code");
  Value template_values = Value::MakeObject();
  for (const auto& [field, value] : draft.Get("template").as_object()) {
    if (field == "list_price") {
      ERPHUB_ASSIGN_OR_RETURN(Value price, AmountValue(value, "list_price"));
      template_values.Set(field, std::move(price));
    } else if (!value.is_null()) {
      template_values.Set(field, value);
    }
  }
  Value product_values = Value::MakeObject();
  for (const auto& [field, value] : draft.Get("product").as_object()) {
    if (field == "cost_price" && !value.is_null()) {
      ERPHUB_ASSIGN_OR_RETURN(Value price, AmountValue(value, "cost_price"));
      product_values.Set(field, std::move(price));
    } else if (!value.is_null()) {
      product_values.Set(field, value);
    }
  }
  std::vector<int64_t> categories;
  if (!Text(draft, "category").empty()) {
    ERPHUB_ASSIGN_OR_RETURN(int64_t category, CategoryId(Text(draft, "category"), false));
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
    return Outcome{*found, false, "product " + std::to_string(*found) + " updated", {}};
  }

  ERPHUB_ASSIGN_OR_RETURN(int64_t unit, UnitId(draft.Get("unit")));
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
  return Outcome{products[0], true, "product " + std::to_string(products[0]) + " created", {}};
}

}  // namespace erphub::tryton
