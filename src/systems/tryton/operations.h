#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/lookups.h"
#include "core/number.h"
#include "core/result.h"
#include "core/value.h"
#include "systems/tryton/client.h"
#include "systems/tryton/mappings.h"

namespace erphub::tryton {

struct OperationOptions {
  // The system name of Tryton's ids in the cross-reference table.
  std::string system = "tryton";
  // Accounting category of the products created (revenue and expense accounts).
  std::string accounting_category = "Goods";
  // Payment term of the sales created.
  std::string payment_term = "Direct";
  // How far a new sale is taken: "draft", "quotation", "confirmed" or "processing" (Tryton then
  // creates the invoice and the shipment).
  std::string sale_state = "processing";
  // Before quoting, Tryton's total is compared with the order's totals.gross. A difference:
  // "dead_letter" fails permanently and leaves the sale in draft; "alert" takes the sale further
  // and says so in Outcome::warning; "ignore" does not compare.
  std::string total_mismatch = "dead_letter";
  // Tryton's stock-quantity warning at quote and confirm (module sale_stock_quantity, a product
  // short in the warehouse): "accept" it as a user would, or "dead_letter" the order (the sale
  // stays in draft, to be replayed when stock has arrived).
  std::string stock_warning = "accept";
  // Tax of each rate on the order lines: the Tryton tax named here (rate as decimal text, e.g.
  // "0.19" -> "VAT 19%"), else a percentage tax of that rate, else one created ("create": on
  // the accounts of `tax_account`, or of the first percentage tax) or refused ("refuse").
  std::map<std::string, std::string> taxes;
  std::string missing_tax = "create";
  std::string tax_account;
  // Invoice payment method (account.invoice.payment.method) that payments are recorded with.
  std::string payment_method = "Cash";
};

// What an operation did in Tryton.
struct Outcome {
  int64_t id = 0;
  bool created = false;
  std::string detail;   // e.g. "sale 12 processing, total 131.08"
  std::string warning;  // done, but people should look (total_mismatch: alert)
};

// Canonical records (schemas/canonical) written into Tryton, idempotently: each record is found
// again through the cross-reference table (system, entity, external id -> Tryton id) and, should
// that link be missing (a crash between Tryton's answer and the link's commit), through a field
// of the Tryton record itself: the party's identifier holding the external id, the product's
// code holding the SKU, the sale's reference holding the order number.
//
// Thread-safe; operations run one at a time, so that two orders of a new customer create one
// party. Errors are the client's (see client.h) plus kInvalidArgument for canonical records that
// lack what Tryton needs.
class Operations {
 public:
  // `xrefs` may be null: records are then found through Tryton's own fields only.
  Operations(Client& client, const Lookups* xrefs, OperationOptions options);

  // A party with its identifier (the external id), tax identifier, e-mail, phone and addresses;
  // an existing one gets the name and the contact details and addresses it lacks.
  Result<Outcome> UpsertCustomer(const Value& customer);
  // A product template and its product (code = SKU), list price, cost price, unit, category.
  Result<Outcome> UpsertProduct(const Value& product);
  // A sale with its lines (reference = order number), then taken to `sale_state`. A missing
  // customer or product is created from the order's own data. An order seen before is not
  // created again; a sale left behind half-way through its workflow is taken further.
  Result<Outcome> CreateSale(const Value& order);
  // CreateSale for many orders at once: one search, one create and one call per workflow button
  // for all of them, which is most of what a sale costs in Tryton. Results in the order of
  // `orders`; an order that fails (a bad record, a warning) fails alone.
  std::vector<Result<Outcome>> CreateSales(const std::vector<const Value*>& orders);
  // A canonical payment recorded against the customer invoice of its order (order_number: the
  // sale's reference) or its invoice_number: the invoice is posted if it is not yet, then paid
  // (in part, if the amount is less) through Tryton's pay wizard; the payment's move
  // carries the external id, so a payment seen before is not recorded again. An order or
  // invoice that does not exist yet fails transiently (the order may still be on its way); an
  // amount above what is left to pay, or another currency, fails permanently.
  Result<Outcome> RecordPayment(const Value& payment);

 private:
  struct PartyRef {
    int64_t id = 0;
    bool created = false;
    // The party's address matching each address asked for, in order.
    std::vector<int64_t> addresses;
  };

  // The party of a canonical customer (its addresses included), mapped by customer.jsonata.
  Result<PartyRef> SaveParty(const Value& customer, bool update_existing);
  Result<std::optional<int64_t>> FindLinked(std::string_view entity, std::string_view external_id,
                                            std::string_view model, const Value& domain);
  Status Link(std::string_view entity, std::string_view external_id, int64_t id);
  Result<std::vector<int64_t>> AddressIds(int64_t party, const std::vector<Value>& addresses);
  Status AddContactDetails(int64_t party, const Value& draft);
  Result<Value> AddressValues(const Value& address);
  // What one batch of sales has looked up in Tryton, so that each is asked for once.
  struct SaleLookups {
    std::map<std::string, PartyRef> parties;  // by the mapped customer (JSON)
    std::map<std::string, int64_t> products;  // by SKU
    std::map<int64_t, int64_t> sale_units;    // by product
  };
  Result<int64_t> ProductForLine(const Value& line, SaleLookups& lookups);
  // The sale lines of a sale mapped by sales_order.jsonata, with their products, units and taxes.
  Result<Value> SaleLines(const Value& sale, SaleLookups& lookups);

  // One order of a CreateSales batch on its way through Tryton.
  struct SaleWork {
    const Value* order = nullptr;
    int64_t sale = 0;
    bool created = false;
    std::string state;
    Number total;
    std::string warning;
    std::optional<Result<Outcome>> result;  // set once the order is done or failed
  };
  std::vector<Result<Outcome>> CreateSalesLocked(const std::vector<const Value*>& orders);
  // Finds the sales of orders seen before (cross-reference, else reference = order number).
  Status FindSales(const std::vector<SaleWork*>& work);
  // The values of a new sale (its party and products made first when missing).
  Result<Value> SaleValues(const Value& order, SaleLookups& lookups);
  void CreateNewSales(const std::vector<SaleWork*>& work, Array values);
  // Takes the sales to options_.sale_state, a workflow button at a time for all of them.
  void AdvanceSales(const std::vector<SaleWork*>& work);
  // A workflow button on every sale of `group` in one call; when that fails, on each alone, so
  // that only the sales at fault fail.
  void PressButton(std::string_view button, const std::vector<SaleWork*>& group);
  // Answers Tryton's stock-quantity warnings of all lines of the sales (see stock_warning); the
  // names of the answers, to be removed once the button has run.
  Result<std::vector<std::string>> AcceptStockWarnings(const std::vector<int64_t>& sales);
  Status ForgetStockWarnings(const std::vector<std::string>& names);
  Result<int64_t> CreateTax(const Number& rate);
  Result<int64_t> InvoiceToPay(const Value& payment);
  Status PayInvoice(int64_t invoice, const Value& payment, const Number& amount);

  // Ids of Tryton's reference data, looked up once by name or code.
  Result<int64_t> CachedId(std::string_view model, const Value& domain, std::string_view what);
  Result<int64_t> UnitId(const Value& unit);
  Result<int64_t> CountryId(std::string_view code);
  Result<int64_t> TaxId(const Value& rate);
  Result<int64_t> CategoryId(std::string_view name, bool accounting);

  Client& client_;
  const RecordMappings mappings_;
  const Lookups* xrefs_;
  const OperationOptions options_;
  std::mutex mu_;                       // one operation at a time
  std::map<std::string, int64_t> ids_;  // guarded by mu_: reference data by model and key
};

// The Tryton unit symbol for a UN/ECE Recommendation 20 code (EA, H87, KGM...) or a Tryton
// symbol itself; "u" for an empty unit.
std::optional<std::string> TrytonUnitSymbol(std::string_view unit);

}  // namespace erphub::tryton
