#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "core/value.h"
#include "systems/tryton/change_feed.h"
#include "systems/tryton/client.h"

namespace erphub::tryton {

// What changed in Tryton, per canonical entity, gathered into source documents: a record with
// the related records its mapping needs (src/systems/tryton/mappings/ENTITY.jsonata turns one
// into a canonical record). Related records read as "field.sub" come back as objects under
// "field" (Tryton's "field." keys renamed), with their id.

struct SourceDocument {
  Value document;
  // The change's id for de-duplication: "invoice:12:2026-11-27 01:23:45.123456" (record id and
  // change time), the same however often the change is read.
  std::string event_id;
  // For lineage: "tryton account.invoice 12".
  std::string source;
};

struct SourceBatch {
  std::vector<SourceDocument> documents;
  // The watermark after the records read (they may give fewer documents than records).
  Watermark last;
  // More changes may follow at once.
  bool full = false;
  // The change of every record read.
  std::vector<Watermark> changes;
};

class EntityFeed {
 public:
  virtual ~EntityFeed() = default;
  // The documents of the first `limit` changes after `after`.
  virtual Result<SourceBatch> Read(const Watermark& after, int64_t limit) = 0;
  // The documents of the records that changed between `from` and `upto` (both included) but
  // were not `seen`: changes committed after later ones had been read. (A database may stamp a
  // change with its transaction's start, so a long transaction commits changes that are older
  // than others read already.) At most `limit` records of the window are looked at.
  virtual Result<SourceBatch> ReadMissed(const Watermark& from, const Watermark& upto,
                                         const std::function<bool(const Watermark&)>& seen,
                                         int64_t limit) = 0;
  // The watermark of the latest change so far (to start with new changes only).
  virtual Result<Watermark> Latest() = 0;
};

// Customer invoices (account.invoice, type out) once numbered, i.e. posted, paid or cancelled
// after posting: each change is a document
//   {invoice: {..., currency: {code}, party: {name, email, phone, identifiers: [{code, type}]},
//              invoice_address: {..., country: {code}}},
//    lines: [{type, product: {code, name}, description, quantity, unit: {symbol}, unit_price,
//             amount, taxes: [{rate}]}], sales: [{number, reference, sale_date}]}.
std::unique_ptr<EntityFeed> InvoiceFeed(Client& client);

// Customer shipments (stock.shipment.out): each change is a document
//   {shipment: {..., state, customer: {...}, delivery_address: {...}, warehouse: {code, name}},
//    moves: [{product: {code, name}, quantity, uom: {symbol}, state}],
//    sales: [{number, reference, sale_date}]}.
std::unique_ptr<EntityFeed> ShipmentFeed(Client& client);

// Stock levels. A product's quantity in a warehouse changes only when a stock move into or out
// of one of the warehouse's locations becomes done, so the feed reads done stock moves by
// watermark and gives, per product and warehouse they touched, the quantity Tryton computes now
// (product.product `quantity` and `forecast_quantity` read with the context `locations` = the
// warehouse, children included): {product: {id, code, name, default_uom: {symbol}},
// warehouse: {id, code, name}, quantity, forecast_quantity, changed_at}. Reading the level
// rather than adding up moves keeps it right whatever else moved (inventories, corrections) and
// makes each message a full state that can be applied twice. `warehouses` (codes) limits the
// warehouses; empty: all.
std::unique_ptr<EntityFeed> InventoryFeed(Client& client, std::vector<std::string> warehouses);

// Tryton's "field." objects renamed "field" (replacing the id), at every depth.
Value ExpandRelated(const Value& record);

}  // namespace erphub::tryton
