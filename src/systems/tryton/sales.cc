// Operations::CreateSale(s): canonical sales orders as Tryton sales, in batches.
#include <set>
#include <string>
#include <utility>

#include "core/json.h"
#include "systems/tryton/operations.h"
#include "systems/tryton/records.h"
#include "systems/tryton/values.h"

namespace erphub::tryton {
namespace {

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

// The workflow button that takes a sale from `stage` to the next one.
std::string_view ButtonAfter(int stage) {
  return stage == 0 ? "quote" : stage == 1 ? "confirm" : "process";
}

// Tryton's stock-quantity warning (module sale_stock_quantity): its name is the context.
bool IsStockWarning(const Status& status) {
  return status.code() == StatusCode::kFailedPrecondition &&
         status.context().rfind("stock_quantity_warning_", 0) == 0;
}

// A sale that does not move on after its button (a module holding it back) ends the loop.
constexpr int kMaxWorkflowRounds = 5;

std::string OrderNumber(const Value& order) { return std::string(Text(order, "order_number")); }

// `status` with the order it concerns in front of its message.
Status ForOrder(const Value& order, const Status& status) {
  return Status(status.code(), "order " + OrderNumber(order) + ": " + std::string(status.message()),
                std::string(status.context()));
}

}  // namespace

// --- sales -------------------------------------------------------------------------------------

Result<int64_t> Operations::ProductForLine(const Value& line, SaleLookups& lookups) {
  std::map<std::string, int64_t>& by_sku = lookups.products;
  std::string sku(Text(line, "sku"));
  auto known = by_sku.find(sku);
  if (known != by_sku.end()) {
    return known->second;
  }
  // Not in Tryton yet: made from what the order says about it.
  ERPHUB_ASSIGN_OR_RETURN(int64_t unit, UnitId(line.Get("unit")));
  ERPHUB_ASSIGN_OR_RETURN(int64_t accounting, CategoryId(options_.accounting_category, true));
  ERPHUB_ASSIGN_OR_RETURN(Value price, AmountValue(line.Get("list_price"), "unit_price"));
  Value values = Value::MakeObject();
  values.Set("name", line.Get("product_name"));
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

Result<Value> Operations::SaleLines(const Value& sale, SaleLookups& lookups) {
  const Value& lines = sale.Get("lines");
  // The products the batch has not seen yet, in one call.
  Value skus = Value::MakeArray();
  for (const Value& line : lines.as_array()) {
    if (line.Get("sku").is_string() &&
        lookups.products.count(std::string(Text(line, "sku"))) == 0) {
      skus.push_back(line.Get("sku"));
    }
  }
  if (skus.size() > 0) {
    ERPHUB_ASSIGN_OR_RETURN(
        std::vector<Value> products,
        client_.SearchRead("product.product", Domain({Clause("code", "in", skus)}),
                           {"code", "default_uom", "sale_uom"}));
    for (const Value& product : products) {
      int64_t id = *IdValue(product.Get("id"));
      lookups.products.emplace(std::string(Text(product, "code")), id);
      std::optional<int64_t> unit = IdValue(product.Get("sale_uom"));
      lookups.sale_units[id] =
          unit.has_value() ? *unit : IdValue(product.Get("default_uom")).value_or(0);
    }
  }
  std::map<int64_t, int64_t>& sale_unit = lookups.sale_units;

  Array out;
  for (const Value& line : lines.as_array()) {
    std::string where =
        "sales_order line " +
        std::string(Text(line, "sku").empty() ? Text(line, "description") : Text(line, "sku"));
    ERPHUB_ASSIGN_OR_RETURN(Number quantity,
                            AmountNumber(line.Get("quantity"), where + " quantity"));
    ERPHUB_ASSIGN_OR_RETURN(Value price,
                            AmountValue(line.Get("unit_price"), where + " unit_price"));
    Value values = Value::MakeObject();
    values.Set("type", Value::Str("line"));
    // Tryton 6.0 keeps quantities as floats; the exact digits are written.
    values.Set("quantity", Value::Num(quantity));
    values.Set("unit_price", std::move(price));
    if (!Text(line, "description").empty()) {
      values.Set("description", line.Get("description"));
    }
    if (line.Get("sku").is_string()) {
      ERPHUB_ASSIGN_OR_RETURN(int64_t product, ProductForLine(line, lookups));
      int64_t unit = 0;
      if (line.Get("unit").is_string() || sale_unit.count(product) == 0) {
        ERPHUB_ASSIGN_OR_RETURN(unit, UnitId(line.Get("unit")));
      } else {
        unit = sale_unit[product];
      }
      values.Set("product", Value::Int(product));
      values.Set("unit", Value::Int(unit));
    }
    std::vector<int64_t> taxes;
    const Value& rate = line.Get("tax_rate");
    if (!rate.is_undefined() && !rate.is_null()) {
      ERPHUB_ASSIGN_OR_RETURN(int64_t tax, TaxId(rate));
      taxes.push_back(tax);
    }
    values.Set("taxes", AddCommand(taxes));
    out.push_back(std::move(values));
  }
  return Value::MakeArray(std::move(out));
}

// --- one batch of orders --------------------------------------------------------------------

Result<Outcome> Operations::CreateSale(const Value& order) {
  return std::move(CreateSales({&order})[0]);
}

std::vector<Result<Outcome>> Operations::CreateSales(const std::vector<const Value*>& orders) {
  std::lock_guard lock(mu_);
  return CreateSalesLocked(orders);
}

std::vector<Result<Outcome>> Operations::CreateSalesLocked(
    const std::vector<const Value*>& orders) {
  std::vector<SaleWork> work(orders.size());
  std::vector<SaleWork*> batch;
  std::vector<const Value*> repeated;  // an order number seen earlier in the batch: next round
  std::vector<bool> is_repeated(orders.size(), false);
  std::set<std::string> numbers;
  for (size_t i = 0; i < orders.size(); ++i) {
    SaleWork& w = work[i];
    w.order = orders[i];
    if (Text(*w.order, "external_id").empty() || Text(*w.order, "order_number").empty()) {
      w.result = InvalidArgumentError("sales_order: external_id and order_number are required");
    } else if (SaleStage(options_.sale_state) < 0) {
      w.result = InvalidArgumentError("unknown sale state \"" + options_.sale_state + "\"");
    } else if (!numbers.insert(OrderNumber(*w.order)).second) {
      repeated.push_back(w.order);
      is_repeated[i] = true;
    } else {
      batch.push_back(&w);
    }
  }

  Status found = FindSales(batch);
  if (!found.ok()) {
    for (SaleWork* w : batch) {
      w->result = found;
    }
  }
  std::vector<SaleWork*> fresh;
  Array values;
  SaleLookups lookups;
  for (SaleWork* w : batch) {
    if (w->result.has_value() || w->sale != 0) {
      continue;
    }
    Result<Value> sale = SaleValues(*w->order, lookups);
    if (!sale.ok()) {
      w->result = ForOrder(*w->order, sale.error());
      continue;
    }
    fresh.push_back(w);
    values.push_back(std::move(*sale));
  }
  CreateNewSales(fresh, std::move(values));
  std::vector<SaleWork*> advancing;
  for (SaleWork* w : batch) {
    if (!w->result.has_value()) {
      advancing.push_back(w);
    }
  }
  AdvanceSales(advancing);

  std::vector<Result<Outcome>> results;
  std::vector<Result<Outcome>> later =
      repeated.empty() ? std::vector<Result<Outcome>>() : CreateSalesLocked(repeated);
  size_t next_later = 0;
  for (size_t i = 0; i < work.size(); ++i) {
    SaleWork& w = work[i];
    if (is_repeated[i]) {
      results.push_back(std::move(later[next_later++]));
    } else if (!w.result.has_value()) {
      results.push_back(InternalError("order " + OrderNumber(*w.order) + " was left unfinished"));
    } else {
      if (w.result->ok() && batch.size() > 1) {
        (*w.result)->detail += " (batch of " + std::to_string(batch.size()) + ")";
      }
      results.push_back(std::move(*w.result));
    }
  }
  return results;
}

Status Operations::FindSales(const std::vector<SaleWork*>& work) {
  if (work.empty()) {
    return Status::Ok();
  }
  // The sale's reference holds the order number: Tryton's own record of the link.
  Value numbers = Value::MakeArray();
  Value linked_ids = Value::MakeArray();
  std::vector<std::optional<int64_t>> linked(work.size());
  for (size_t i = 0; i < work.size(); ++i) {
    const Value& order = *work[i]->order;
    numbers.push_back(order.Get("order_number"));
    if (xrefs_ == nullptr) {
      continue;
    }
    std::string_view external_id = Text(order, "external_id");
    auto xref = xrefs_->Xref(options_.system, "sales_order", external_id);
    if (!xref.ok()) {
      return Status(xref.error().code(), "cross-reference of sales_order " +
                                             std::string(external_id) + ": " +
                                             std::string(xref.error().message()));
    }
    std::optional<Number> id = xref->has_value() ? Number::Parse(**xref) : std::nullopt;
    if (id.has_value() && id->ToInt64().has_value()) {
      linked[i] = *id->ToInt64();
      linked_ids.push_back(Value::Int(*linked[i]));
    }
  }
  SearchOptions by_id;
  by_id.order = Value::MakeArray({Value::MakeArray({Value::Str("id"), Value::Str("ASC")})});
  // The linked sales that still exist (one may have been deleted in Tryton since), and those
  // carrying the order numbers.
  Value domain = Value::MakeArray({Value::Str("OR"), Clause("id", "in", std::move(linked_ids)),
                                   Clause("reference", "in", std::move(numbers))});
  ERPHUB_ASSIGN_OR_RETURN(std::vector<Value> sales,
                          client_.SearchRead("sale.sale", domain, {"reference"}, by_id));
  std::set<int64_t> existing;
  std::map<std::string, int64_t, std::less<>> by_reference;
  for (const Value& sale : sales) {
    int64_t id = IdValue(sale.Get("id")).value_or(0);
    existing.insert(id);
    by_reference.emplace(std::string(Text(sale, "reference")), id);
  }
  for (size_t i = 0; i < work.size(); ++i) {
    SaleWork& w = *work[i];
    if (linked[i].has_value() && existing.count(*linked[i]) != 0) {
      w.sale = *linked[i];
      continue;
    }
    auto found = by_reference.find(Text(*w.order, "order_number"));
    if (found != by_reference.end()) {
      w.sale = found->second;
      Status link = Link("sales_order", Text(*w.order, "external_id"), w.sale);
      if (!link.ok()) {
        w.result = link;
      }
    }
  }
  return Status::Ok();
}

Result<Value> Operations::SaleValues(const Value& order, SaleLookups& lookups) {
  if (!order.Get("customer").is_object()) {
    return InvalidArgumentError("sales_order.customer is required");
  }
  ERPHUB_ASSIGN_OR_RETURN(Value draft, mappings_.Map("sales_order", order));
  // A returning customer with the same addresses is looked up once per batch.
  const std::string customer_key = ToJson(draft.Get("customer"));
  auto known = lookups.parties.find(customer_key);
  if (known == lookups.parties.end()) {
    ERPHUB_ASSIGN_OR_RETURN(PartyRef found, SaveParty(draft.Get("customer"), false));
    known = lookups.parties.emplace(customer_key, std::move(found)).first;
  }
  const PartyRef& party = known->second;
  ERPHUB_ASSIGN_OR_RETURN(Value lines, SaleLines(draft, lookups));
  ERPHUB_ASSIGN_OR_RETURN(int64_t term,
                          CachedId("account.invoice.payment_term",
                                   Domain({Clause("name", "=", Value::Str(options_.payment_term))}),
                                   "payment term \"" + options_.payment_term + "\""));
  auto address = [&](std::string_view which) {
    size_t index = static_cast<size_t>(draft.Get(which).as_number().ToInt64().value_or(0));
    return Value::Int(party.addresses[index < party.addresses.size() ? index : 0]);
  };

  Value sale = Value::MakeObject();
  sale.Set("party", Value::Int(party.id));
  sale.Set("invoice_address", address("invoice_address"));
  sale.Set("shipment_address", address("shipment_address"));
  sale.Set("payment_term", Value::Int(term));
  sale.Set("reference", draft.Get("reference"));
  if (!Text(draft, "sale_date").empty()) {
    ERPHUB_ASSIGN_OR_RETURN(Value date, DateFromIso(Text(draft, "sale_date")));
    sale.Set("sale_date", std::move(date));
  }
  if (!Text(draft, "currency").empty()) {
    ERPHUB_ASSIGN_OR_RETURN(
        int64_t currency,
        CachedId("currency.currency", Domain({Clause("code", "=", draft.Get("currency"))}),
                 "currency " + std::string(Text(draft, "currency"))));
    sale.Set("currency", Value::Int(currency));
  }
  if (!Text(draft, "comment").empty()) {
    sale.Set("comment", draft.Get("comment"));
  }
  sale.Set("lines", Value::MakeArray({Value::MakeArray({Value::Str("create"), lines})}));
  return sale;
}

void Operations::CreateNewSales(const std::vector<SaleWork*>& work, Array values) {
  if (work.empty()) {
    return;
  }
  auto created = client_.Create("sale.sale", values);
  if (!created.ok() && !created.error().IsTransient() && work.size() > 1) {
    // One record at fault fails the whole call: each alone, so that only that order fails.
    for (size_t i = 0; i < work.size(); ++i) {
      CreateNewSales({work[i]}, Array{values[i]});
    }
    return;
  }
  for (size_t i = 0; i < work.size(); ++i) {
    SaleWork& w = *work[i];
    if (!created.ok()) {
      w.result = ForOrder(*w.order, created.error());
      continue;
    }
    w.sale = (*created)[i];
    w.created = true;
    Status link = Link("sales_order", Text(*w.order, "external_id"), w.sale);
    if (!link.ok()) {
      w.result = link;
    }
  }
}

void Operations::AdvanceSales(const std::vector<SaleWork*>& work) {
  const int target = SaleStage(options_.sale_state);
  std::vector<SaleWork*> active = work;
  for (int round = 0; !active.empty(); ++round) {
    std::vector<int64_t> ids;
    for (const SaleWork* w : active) {
      ids.push_back(w->sale);
    }
    auto records = client_.Read("sale.sale", ids, {"state", "total_amount"});
    if (!records.ok()) {
      for (SaleWork* w : active) {
        w->result = ForOrder(*w->order, records.error());
      }
      return;
    }
    std::map<int, std::vector<SaleWork*>> by_stage;
    for (size_t i = 0; i < active.size(); ++i) {
      SaleWork& w = *active[i];
      const Value& record = (*records)[i];
      w.state = std::string(Text(record, "state"));
      w.total = record.Get("total_amount").is_number() ? record.Get("total_amount").as_number()
                                                       : Number();
      const int stage = SaleStage(w.state);
      if (stage < 0) {
        w.result = Status(StatusCode::kFailedPrecondition,
                          "Tryton sale " + std::to_string(w.sale) + " of order " +
                              OrderNumber(*w.order) + " is " + w.state);
      } else if (stage >= target) {
        w.result =
            Outcome{w.sale, w.created,
                    "sale " + std::to_string(w.sale) + (w.created ? " created, " : " existing, ") +
                        w.state + ", total " + w.total.ToString(),
                    w.warning};
      } else if (round >= kMaxWorkflowRounds) {
        w.result = InternalError("Tryton sale " + std::to_string(w.sale) + " stays " + w.state);
      } else {
        by_stage[stage].push_back(&w);
      }
    }
    for (SaleWork* w : by_stage[0]) {
      const Value& gross = w->order->Get("totals").Get("gross");
      if (options_.total_mismatch == "ignore" || gross.is_undefined()) {
        continue;
      }
      auto expected = AmountNumber(gross, "totals.gross");
      if (!expected.ok()) {
        w->result = ForOrder(*w->order, expected.error());
      } else if (Compare(*expected, w->total) != 0) {
        std::string message = "Tryton computes a total of " + w->total.ToString() + " for sale " +
                              std::to_string(w->sale) + ", but order " + OrderNumber(*w->order) +
                              " says " + expected->ToString();
        if (options_.total_mismatch == "alert") {
          w->warning = std::move(message);
        } else {
          w->result = Status(StatusCode::kFailedPrecondition, message + " (sale left in draft)");
        }
      }
    }
    for (auto& [stage, group] : by_stage) {
      std::erase_if(group, [](const SaleWork* w) { return w->result.has_value(); });
      PressButton(ButtonAfter(stage), group);
    }
    std::erase_if(active, [](const SaleWork* w) { return w->result.has_value(); });
  }
}

void Operations::PressButton(std::string_view button, const std::vector<SaleWork*>& group) {
  if (group.empty()) {
    return;
  }
  std::vector<int64_t> ids;
  for (const SaleWork* w : group) {
    ids.push_back(w->sale);
  }
  Status status = client_.Button("sale.sale", button, ids);
  if (IsStockWarning(status) && options_.stock_warning == "accept") {
    // Answered for every line of the group at once, then asked again: one more call per batch
    // rather than one per line that is short.
    auto answered = AcceptStockWarnings(ids);
    status = answered.ok() ? client_.Button("sale.sale", button, ids) : answered.status();
    if (answered.ok()) {
      // Answers a button did not use must not answer a later question.
      Status forgotten = ForgetStockWarnings(*answered);
      status = status.ok() ? forgotten : status;
    }
  }
  if (!status.ok() && !status.IsTransient() && group.size() > 1) {
    for (SaleWork* w : group) {
      PressButton(button, {w});
    }
  } else if (!status.ok()) {
    for (SaleWork* w : group) {
      w->result = ForOrder(*w->order, status);
    }
  }
}

// --- Tryton's questions ----------------------------------------------------------------------

Result<std::vector<std::string>> Operations::AcceptStockWarnings(
    const std::vector<int64_t>& sales) {
  // The module asks once per sale line ("stock_quantity_warning_<line id>"); an answer made in
  // advance (res.user.warning, not "always") is used up by the question.
  ERPHUB_ASSIGN_OR_RETURN(int64_t user, client_.UserId());
  ERPHUB_ASSIGN_OR_RETURN(std::vector<Value> records, client_.Read("sale.sale", sales, {"lines"}));
  std::vector<std::string> names;
  Array answers;
  for (const Value& record : records) {
    if (!record.Get("lines").is_array()) {
      continue;
    }
    for (const Value& line : record.Get("lines").as_array()) {
      names.push_back("stock_quantity_warning_" + line.as_number().ToString());
      Value answer = Value::MakeObject();
      answer.Set("user", Value::Int(user));
      answer.Set("name", Value::Str(names.back()));
      answer.Set("always", Value::Bool(false));
      answers.push_back(std::move(answer));
    }
  }
  if (!answers.empty()) {
    ERPHUB_TRY(client_.Create("res.user.warning", std::move(answers)));
  }
  return names;
}

Status Operations::ForgetStockWarnings(const std::vector<std::string>& names) {
  if (names.empty()) {
    return Status::Ok();
  }
  ERPHUB_ASSIGN_OR_RETURN(int64_t user, client_.UserId());
  Value list = Value::MakeArray();
  for (const std::string& name : names) {
    list.push_back(Value::Str(name));
  }
  ERPHUB_ASSIGN_OR_RETURN(
      std::vector<int64_t> left,
      client_.Search("res.user.warning", Domain({Clause("user", "=", Value::Int(user)),
                                                 Clause("name", "in", std::move(list))})));
  if (left.empty()) {
    return Status::Ok();
  }
  return client_.Execute("res.user.warning", "delete", {IdsValue(left)}).status();
}

}  // namespace erphub::tryton
