#include "systems/tryton/entity_feeds.h"

#include <algorithm>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <utility>

#include "systems/tryton/records.h"

namespace erphub::tryton {
namespace {

Value Strings(std::initializer_list<const char*> texts) {
  Value list = Value::MakeArray();
  for (const char* text : texts) {
    list.push_back(Value::Str(text));
  }
  return list;
}

std::optional<int64_t> IdOf(const Value& value) {
  if (value.is_number()) {
    return value.as_number().ToInt64();
  }
  if (value.is_object()) {
    return IdOf(value.Get("id"));
  }
  return std::nullopt;
}

// The ids in a list field (One2Many, Many2Many) of `record`.
std::vector<int64_t> IdsIn(const Value& record, std::string_view field) {
  std::vector<int64_t> ids;
  const Value& list = record.Get(field);
  if (list.is_array()) {
    for (const Value& item : list.as_array()) {
      if (auto id = IdOf(item)) {
        ids.push_back(*id);
      }
    }
  }
  return ids;
}

// Reads `ids` (duplicates allowed) once each; the records by id.
Result<std::map<int64_t, Value>> ReadById(Client& client, std::string_view model,
                                          const std::set<int64_t>& ids,
                                          std::vector<std::string> fields) {
  std::map<int64_t, Value> by_id;
  if (ids.empty()) {
    return by_id;
  }
  ERPHUB_ASSIGN_OR_RETURN(
      std::vector<Value> records,
      client.Read(model, std::vector<int64_t>(ids.begin(), ids.end()), std::move(fields)));
  for (Value& record : records) {
    if (auto id = IdOf(record)) {
      by_id.emplace(*id, ExpandRelated(record));
    }
  }
  return by_id;
}

// The records of `ids` found in `by_id`, in that order.
Value Pick(const std::map<int64_t, Value>& by_id, const std::vector<int64_t>& ids) {
  Value list = Value::MakeArray();
  for (int64_t id : ids) {
    auto found = by_id.find(id);
    if (found != by_id.end()) {
      list.push_back(found->second);
    }
  }
  return list;
}

std::string EventId(std::string_view entity, const Watermark& change) {
  return std::string(entity) + ":" + std::to_string(change.id) + ":" + change.time;
}

const std::vector<std::string> kSaleFields = {"number", "reference", "sale_date"};

// The party.identifier records of the parties' `identifiers`, by id.
Result<std::map<int64_t, Value>> IdentifiersOf(Client& client, const std::vector<Value>& parties) {
  std::set<int64_t> ids;
  for (const Value& party : parties) {
    for (int64_t id : IdsIn(party, "identifiers")) {
      ids.insert(id);
    }
  }
  return ReadById(client, "party.identifier", ids, {"code", "type"});
}

// `party` with its identifier records instead of their ids.
Value WithIdentifiers(Value party, const std::map<int64_t, Value>& identifiers) {
  if (party.is_object()) {
    party.Set("identifiers", Pick(identifiers, IdsIn(party, "identifiers")));
  }
  return party;
}

// Address fields read through a Many2One named `field`.
void AddAddressFields(std::string_view field, std::vector<std::string>& fields) {
  for (const char* name : {"name", "party_name", "street", "postal_code", "city",
                           "subdivision.code", "country.code"}) {
    fields.push_back(std::string(field) + "." + name);
  }
}

void AddIds(const Value& record, std::string_view field, std::set<int64_t>& ids) {
  for (int64_t id : IdsIn(record, field)) {
    ids.insert(id);
  }
}

// Numbered customer invoices: posted, paid, or cancelled after posting.
Value InvoiceDomain() {
  return Value::MakeArray({Clause("type", "=", Value::Str("out")),
                           Clause("number", "!=", Value::Null()),
                           Clause("state", "in", Strings({"posted", "paid", "cancelled"}))});
}

// What every feed does alike: reading changed records (forwards from a watermark, or again
// within a window) and turning them into documents, which each feed does its own way.
class ModelFeed : public EntityFeed {
 public:
  ModelFeed(Client& client, std::string model, Value domain, std::vector<std::string> fields)
      : client_(client),
        model_(std::move(model)),
        domain_(std::move(domain)),
        fields_(std::move(fields)) {}

  Result<SourceBatch> Read(const Watermark& after, int64_t limit) final {
    ERPHUB_ASSIGN_OR_RETURN(ChangeBatch changes,
                            ReadChanges(client_, model_, domain_, fields_, after, limit));
    SourceBatch batch;
    batch.last = changes.last;
    batch.full = changes.full;
    ERPHUB_TRY(Fill(std::move(changes.records), batch));
    return batch;
  }

  Result<SourceBatch> ReadMissed(const Watermark& from, const Watermark& upto,
                                 const std::function<bool(const Watermark&)>& seen,
                                 int64_t limit) final {
    ERPHUB_ASSIGN_OR_RETURN(ChangeBatch window,
                            ReadChanges(client_, model_, domain_, {}, from, limit));
    std::vector<int64_t> missed;
    for (const Value& record : window.records) {
      ERPHUB_ASSIGN_OR_RETURN(Watermark change, ChangeOf(record));
      if (!(upto < change) && !seen(change)) {
        missed.push_back(change.id);
      }
    }
    SourceBatch batch;
    batch.last = upto;
    if (missed.empty()) {
      return batch;
    }
    std::vector<std::string> fields = fields_;
    fields.push_back("write_date");
    fields.push_back("create_date");
    // As they are now: a record changed once more since is read with its latest change, which
    // the forward read gives the same event id.
    Value ids = Value::MakeArray();
    for (int64_t id : missed) {
      ids.push_back(Value::Int(id));
    }
    // search_read rather than read: a record deleted since is left out instead of failing.
    ERPHUB_ASSIGN_OR_RETURN(
        std::vector<Value> records,
        client_.SearchRead(model_, Value::MakeArray({Clause("id", "in", std::move(ids))}), fields));
    ERPHUB_TRY(Fill(std::move(records), batch));
    return batch;
  }

  Result<Watermark> Latest() final { return LatestChange(client_, model_, domain_); }

 protected:
  // The documents of `records` (decoded, with id, write_date and create_date).
  virtual Result<std::vector<SourceDocument>> Documents(std::vector<Value> records) = 0;

  Client& client_;

 private:
  Status Fill(std::vector<Value> records, SourceBatch& batch) {
    for (const Value& record : records) {
      ERPHUB_ASSIGN_OR_RETURN(Watermark change, ChangeOf(record));
      batch.changes.push_back(std::move(change));
    }
    ERPHUB_ASSIGN_OR_RETURN(batch.documents, Documents(std::move(records)));
    return Status::Ok();
  }

  const std::string model_;
  const Value domain_;
  const std::vector<std::string> fields_;
};

std::vector<std::string> InvoiceFields() {
  std::vector<std::string> fields = {"number",        "invoice_date",    "state",
                                     "reference",     "description",     "untaxed_amount",
                                     "tax_amount",    "total_amount",    "amount_to_pay",
                                     "currency.code", "currency.digits", "party.name",
                                     "party.email",   "party.phone",     "party.identifiers",
                                     "lines",         "sales",           "payment_term.name"};
  AddAddressFields("invoice_address", fields);
  return fields;
}

class InvoiceFeedImpl final : public ModelFeed {
 public:
  explicit InvoiceFeedImpl(Client& client)
      : ModelFeed(client, "account.invoice", InvoiceDomain(), InvoiceFields()) {}

 private:
  Result<std::vector<SourceDocument>> Documents(std::vector<Value> records) override {
    std::vector<Value> invoices;
    std::vector<Value> parties;
    std::set<int64_t> line_ids;
    std::set<int64_t> sale_ids;
    for (const Value& record : records) {
      invoices.push_back(ExpandRelated(record));
      parties.push_back(invoices.back().Get("party"));
      AddIds(record, "lines", line_ids);
      AddIds(record, "sales", sale_ids);
    }
    ERPHUB_ASSIGN_OR_RETURN(
        auto lines, ReadById(client_, "account.invoice.line", line_ids,
                             {"type", "sequence", "product.code", "product.name", "description",
                              "quantity", "unit.symbol", "unit_price", "amount", "taxes"}));
    std::set<int64_t> tax_ids;
    for (const auto& [id, line] : lines) {
      AddIds(line, "taxes", tax_ids);
    }
    ERPHUB_ASSIGN_OR_RETURN(auto taxes,
                            ReadById(client_, "account.tax", tax_ids, {"name", "type", "rate"}));
    for (auto& [id, line] : lines) {
      line.Set("taxes", Pick(taxes, IdsIn(line, "taxes")));
    }
    ERPHUB_ASSIGN_OR_RETURN(auto sales, ReadById(client_, "sale.sale", sale_ids, kSaleFields));
    ERPHUB_ASSIGN_OR_RETURN(auto identifiers, IdentifiersOf(client_, parties));

    std::vector<SourceDocument> documents;
    for (size_t i = 0; i < invoices.size(); ++i) {
      Value& invoice = invoices[i];
      invoice.Set("party", WithIdentifiers(std::move(parties[i]), identifiers));
      Value document = Value::MakeObject();
      document.Set("lines", Pick(lines, IdsIn(invoice, "lines")));
      document.Set("sales", Pick(sales, IdsIn(invoice, "sales")));
      document.Set("invoice", std::move(invoice));
      ERPHUB_ASSIGN_OR_RETURN(Watermark change, ChangeOf(records[i]));
      documents.push_back(SourceDocument{std::move(document), EventId("invoice", change),
                                         "tryton account.invoice " + std::to_string(change.id)});
    }
    return documents;
  }
};

std::vector<std::string> ShipmentFields() {
  std::vector<std::string> fields = {"number",         "reference",      "state",
                                     "planned_date",   "effective_date", "customer.name",
                                     "customer.email", "customer.phone", "customer.identifiers",
                                     "warehouse.code", "warehouse.name", "outgoing_moves"};
  AddAddressFields("delivery_address", fields);
  return fields;
}

class ShipmentFeedImpl final : public ModelFeed {
 public:
  explicit ShipmentFeedImpl(Client& client)
      : ModelFeed(client, "stock.shipment.out", Value::MakeArray(), ShipmentFields()) {}

 private:
  Result<std::vector<SourceDocument>> Documents(std::vector<Value> records) override {
    std::vector<Value> shipments;
    std::vector<Value> parties;
    std::set<int64_t> move_ids;
    for (const Value& record : records) {
      shipments.push_back(ExpandRelated(record));
      parties.push_back(shipments.back().Get("customer"));
      AddIds(record, "outgoing_moves", move_ids);
    }
    ERPHUB_ASSIGN_OR_RETURN(auto moves, ReadById(client_, "stock.move", move_ids,
                                                 {"product.code", "product.name", "quantity",
                                                  "uom.symbol", "state", "sale"}));
    std::set<int64_t> sale_ids;
    for (const auto& [id, move] : moves) {
      if (auto sale = IdOf(move.Get("sale"))) {
        sale_ids.insert(*sale);
      }
    }
    ERPHUB_ASSIGN_OR_RETURN(auto sales, ReadById(client_, "sale.sale", sale_ids, kSaleFields));
    ERPHUB_ASSIGN_OR_RETURN(auto identifiers, IdentifiersOf(client_, parties));

    std::vector<SourceDocument> documents;
    for (size_t i = 0; i < shipments.size(); ++i) {
      Value& shipment = shipments[i];
      shipment.Set("customer", WithIdentifiers(std::move(parties[i]), identifiers));
      Value shipment_moves = Pick(moves, IdsIn(shipment, "outgoing_moves"));
      std::vector<int64_t> shipment_sales;
      for (const Value& move : shipment_moves.as_array()) {
        auto sale = IdOf(move.Get("sale"));
        if (sale.has_value() && std::find(shipment_sales.begin(), shipment_sales.end(), *sale) ==
                                    shipment_sales.end()) {
          shipment_sales.push_back(*sale);
        }
      }
      Value document = Value::MakeObject();
      document.Set("moves", std::move(shipment_moves));
      document.Set("sales", Pick(sales, shipment_sales));
      document.Set("shipment", std::move(shipment));
      ERPHUB_ASSIGN_OR_RETURN(Watermark change, ChangeOf(records[i]));
      // One event per state a shipment reaches: other edits (a note, a date) read the same
      // state again, which the store takes as a repeat of that event and keeps once.
      std::string event_id =
          "shipment:" + std::to_string(change.id) + ":" + std::string(Text(records[i], "state"));
      documents.push_back(SourceDocument{std::move(document), std::move(event_id),
                                         "tryton stock.shipment.out " + std::to_string(change.id)});
    }
    return documents;
  }
};

// Done stock moves: the ones that change a quantity on hand.
Value DoneMoves() { return Value::MakeArray({Clause("state", "=", Value::Str("done"))}); }

class InventoryFeedImpl final : public ModelFeed {
 public:
  InventoryFeedImpl(Client& client, std::vector<std::string> warehouses)
      : ModelFeed(client, "stock.move", DoneMoves(), {"product", "from_location", "to_location"}),
        codes_(std::move(warehouses)) {}

 private:
  Result<std::vector<SourceDocument>> Documents(std::vector<Value> moves) override {
    std::vector<SourceDocument> documents;
    if (moves.empty()) {
      return documents;
    }
    ERPHUB_TRY(LoadWarehouses());
    std::set<int64_t> unknown;
    for (const Value& move : moves) {
      for (const char* field : {"from_location", "to_location"}) {
        auto location = IdOf(move.Get(field));
        if (location.has_value() && !warehouse_of_.contains(*location)) {
          unknown.insert(*location);
        }
      }
    }
    ERPHUB_ASSIGN_OR_RETURN(auto locations,
                            ReadById(client_, "stock.location", unknown, {"warehouse"}));
    for (int64_t location : unknown) {
      auto found = locations.find(location);
      std::optional<int64_t> warehouse;
      if (found != locations.end()) {
        warehouse = IdOf(found->second.Get("warehouse"));
      }
      // Locations never move between warehouses: remembered for good.
      warehouse_of_[location] = warehouse.value_or(0);
    }
    // Per warehouse, the products whose quantity there changed, with the latest change of each;
    // and the latest move of all.
    std::map<int64_t, std::map<int64_t, Watermark>> touched;
    Watermark last;
    for (const Value& move : moves) {
      auto product = IdOf(move.Get("product"));
      ERPHUB_ASSIGN_OR_RETURN(Watermark change, ChangeOf(move));
      last = std::max(last, change);
      for (const char* field : {"from_location", "to_location"}) {
        auto location = IdOf(move.Get(field));
        int64_t warehouse = location.has_value() ? warehouse_of_[*location] : 0;
        if (product.has_value() && warehouses_.contains(warehouse)) {
          Watermark& latest = touched[warehouse][*product];
          latest = std::max(latest, change);
        }
      }
    }
    for (const auto& [warehouse, products] : touched) {
      Array ids;
      for (const auto& [product, change] : products) {
        ids.push_back(Value::Int(product));
      }
      Value context = Value::MakeObject();
      context.Set("locations", Value::MakeArray({Value::Int(warehouse)}));
      context.Set("with_childs", Value::Bool(true));
      ERPHUB_ASSIGN_OR_RETURN(
          Value levels,
          client_.Execute(
              "product.product", "read",
              {Value::MakeArray(std::move(ids)),
               Strings({"code", "name", "default_uom.symbol", "quantity", "forecast_quantity"})},
              context));
      if (!levels.is_array()) {
        return InvalidArgumentError("Tryton product.product.read: not a list of records");
      }
      for (const Value& level : levels.as_array()) {
        auto product = IdOf(level);
        if (!product.has_value() || !products.contains(*product)) {
          continue;
        }
        Value record = ExpandRelated(level);
        Value document = Value::MakeObject();
        document.Set("quantity", record.Get("quantity"));
        document.Set("forecast_quantity", record.Get("forecast_quantity"));
        record.mutable_object().Erase("quantity");
        record.mutable_object().Erase("forecast_quantity");
        document.Set("product", std::move(record));
        document.Set("warehouse", warehouses_.at(warehouse));
        document.Set("changed_at", Value::Str(IsoTime(products.at(*product).time)));
        // Named after the last move read, not the product's own: levels read again after a
        // restart (later moves included) are new messages rather than duplicates of older ones.
        std::string event_id = "inventory_level:" + std::to_string(*product) + "@" +
                               std::to_string(warehouse) + ":" + last.Encode();
        documents.push_back(SourceDocument{std::move(document), std::move(event_id),
                                           "tryton stock.move up to " + std::to_string(last.id)});
      }
    }
    return documents;
  }

  // The warehouses (all, or those of the configured codes), read once.
  Status LoadWarehouses() {
    if (loaded_) {
      return Status::Ok();
    }
    Value domain = Value::MakeArray({Clause("type", "=", Value::Str("warehouse"))});
    if (!codes_.empty()) {
      Value codes = Value::MakeArray();
      for (const std::string& code : codes_) {
        codes.push_back(Value::Str(code));
      }
      domain.push_back(Clause("code", "in", std::move(codes)));
    }
    ERPHUB_ASSIGN_OR_RETURN(std::vector<Value> found,
                            client_.SearchRead("stock.location", domain, {"code", "name"}));
    for (const Value& warehouse : found) {
      if (auto id = IdOf(warehouse)) {
        warehouses_[*id] = warehouse;
      }
    }
    for (const std::string& code : codes_) {
      bool known = std::any_of(found.begin(), found.end(), [&](const Value& warehouse) {
        return warehouse.Get("code").is_string() && warehouse.Get("code").as_string() == code;
      });
      if (!known) {
        return Status(StatusCode::kNotFound, "Tryton has no warehouse with code " + code);
      }
    }
    loaded_ = true;
    return Status::Ok();
  }

  // "2026-11-27T01:23:45.123456Z" from a watermark time.
  static std::string IsoTime(std::string_view normal) {
    std::string iso(normal);
    iso[10] = 'T';
    return iso + "Z";
  }

  const std::vector<std::string> codes_;
  bool loaded_ = false;
  std::map<int64_t, Value> warehouses_;      // id -> {id, code, name}
  std::map<int64_t, int64_t> warehouse_of_;  // location -> warehouse id, 0: none
};

}  // namespace

Value ExpandRelated(const Value& record) {
  if (record.is_array()) {
    Value list = Value::MakeArray();
    for (const Value& item : record.as_array()) {
      list.push_back(ExpandRelated(item));
    }
    return list;
  }
  if (!record.is_object()) {
    return record;
  }
  Value expanded = Value::MakeObject();
  for (const auto& [key, value] : record.as_object()) {
    if (key.size() > 1 && key.back() == '.') {
      continue;
    }
    const Value* related = record.as_object().Find(key + ".");
    expanded.Set(key, related != nullptr && related->is_object() ? ExpandRelated(*related)
                                                                 : ExpandRelated(value));
  }
  // A "field." without its "field" (not asked for by itself).
  for (const auto& [key, value] : record.as_object()) {
    if (key.size() > 1 && key.back() == '.') {
      std::string_view name(key.data(), key.size() - 1);
      if (!record.as_object().Contains(name)) {
        expanded.Set(name, value.is_object() ? ExpandRelated(value) : value);
      }
    }
  }
  return expanded;
}

std::unique_ptr<EntityFeed> InvoiceFeed(Client& client) {
  return std::make_unique<InvoiceFeedImpl>(client);
}

std::unique_ptr<EntityFeed> ShipmentFeed(Client& client) {
  return std::make_unique<ShipmentFeedImpl>(client);
}

std::unique_ptr<EntityFeed> InventoryFeed(Client& client, std::vector<std::string> warehouses) {
  return std::make_unique<InventoryFeedImpl>(client, std::move(warehouses));
}

}  // namespace erphub::tryton
