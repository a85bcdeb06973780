#include "components/outputs/tryton_output.h"

#include <chrono>
#include <string>
#include <utility>

#include "components/factory_support.h"
#include "core/call_batcher.h"
#include "systems/tryton/client.h"
#include "systems/tryton/operations.h"

namespace erphub::components {
namespace {

using std::chrono::milliseconds;

struct BatchOptions {
  size_t max_size = 20;
  milliseconds max_wait{0};
};

class TrytonOutput final : public Output {
 public:
  TrytonOutput(tryton::ClientOptions client_options, std::string operation, const Lookups* lookups,
               tryton::OperationOptions options, BatchOptions batch)
      : operation_(std::move(operation)),
        client_(std::move(client_options)),
        operations_(client_, lookups, std::move(options)),
        sales_(batch.max_size, batch.max_wait, [this](const std::vector<const Value*>& orders) {
          return operations_.CreateSales(orders);
        }) {}

  Result<Delivered, Failure> Deliver(const Delivery& delivery) override {
    const Value& payload =
        delivery.payload != nullptr ? *delivery.payload : delivery.message->payload;
    Result<tryton::Outcome> outcome =
        payload.is_object()
            ? Run(payload)
            : InvalidArgumentError("the payload is not a canonical record (an object)");
    if (!outcome.ok()) {
      Failure failure;
      failure.transient = outcome.error().IsTransient();
      failure.error = outcome.error().ToString();
      return failure;
    }
    return Delivered{0, outcome->detail, outcome->warning};
  }

 private:
  Result<tryton::Outcome> Run(const Value& payload) {
    if (operation_ == "upsert_customer") {
      return operations_.UpsertCustomer(payload);
    }
    if (operation_ == "upsert_product") {
      return operations_.UpsertProduct(payload);
    }
    if (operation_ == "record_payment") {
      return operations_.RecordPayment(payload);
    }
    // Orders delivered at the same time by several workers go to Tryton together.
    return sales_.Call(payload);
  }

  const std::string operation_;
  tryton::Client client_;
  tryton::Operations operations_;
  CallBatcher<Value, Result<tryton::Outcome>> sales_;
};

}  // namespace

ComponentSpec TrytonOutputSpec() {
  return ComponentSpec::Output("tryton")
      .Summary(
          "Writes canonical customers, products, sales orders and payments into Tryton "
          "(JSON-RPC).")
      .Field(StringField("url").Required().Check(IsHttpUrl).Description(
          "Tryton's address, e.g. http://127.0.0.1:8000/."))
      .Field(StringField("database").Required().Min(1).Description("Tryton database name."))
      .Field(StringField("user").Required().Min(1).Description("Tryton login."))
      .Field(StringField("password").Required().Secret().Description("Password of the login."))
      .Field(EnumField("operation", {"upsert_customer", "upsert_product", "create_sales_order",
                                     "record_payment"})
                 .Required()
                 .Description("What each payload is: a canonical customer, product, "
                              "sales_order or payment."))
      .Field(
          ObjectField("options")
              .Description("How records are written.")
              .Field(StringField("system").Default("tryton").Min(1).Description(
                  "System name of Tryton's ids in the cross-reference table."))
              .Field(StringField("accounting_category")
                         .Default("Goods")
                         .Min(1)
                         .Description("Accounting category of the products created."))
              .Field(StringField("payment_term")
                         .Default("Direct")
                         .Min(1)
                         .Description("Payment term of the sales created."))
              .Field(EnumField("sale_state", {"draft", "quotation", "confirmed", "processing"})
                         .Default("processing")
                         .Description("How far a new sale is taken; processing makes "
                                      "Tryton create its invoice and shipment."))
              .Field(EnumField("total_mismatch", {"dead_letter", "alert", "ignore"})
                         .Default("dead_letter")
                         .Description("When Tryton's total differs from the order's totals.gross: "
                                      "dead-letter the order (sale left in draft), or take the "
                                      "sale further with a warning (logged, counted in "
                                      "erphub_delivery_warnings_total), or do not compare."))
              .Field(EnumField("stock_warning", {"accept", "dead_letter"})
                         .Default("accept")
                         .Description("Tryton's stock-quantity warning at quote and confirm "
                                      "(module sale_stock_quantity): accept it, or dead-letter "
                                      "the order (sale left in draft, replay when stock came)."))
              .Field(MapField("taxes", StringField("tax").Min(1))
                         .Description("Tryton tax by the rate of the order lines, e.g. "
                                      "\"0.19\": VAT 19%. Without one, a percentage tax of the "
                                      "rate is used."))
              .Field(EnumField("missing_tax", {"create", "refuse"})
                         .Default("create")
                         .Description("A rate Tryton has no tax for: create one on first use, or "
                                      "refuse the order (permanently)."))
              .Field(StringField("tax_account")
                         .Description("Account (code or name) of the taxes created; default: "
                                      "the accounts of the first percentage tax.")))
      .Field(ObjectField("batch")
                 .Description("create_sales_order: orders that several workers deliver at once "
                              "go to Tryton in one create and one call per workflow button "
                              "(give the engine at least max_size workers).")
                 .Field(IntField("max_size")
                            .Default(20)
                            .Min(1)
                            .Max(500)
                            .Description("Most orders in one batch; 1 turns batching off."))
                 .Field(DurationField("max_wait")
                            .Default("0s")
                            .Description("How long the first order waits for others; 0: a batch "
                                         "holds what arrived while the previous one ran.")))
      .Field(DurationField("timeout")
                 .Default("120s")
                 .Min(milliseconds(1))
                 .Description("Time limit of one JSON-RPC call."));
}

Result<std::unique_ptr<Component>> MakeTrytonOutput(const ComponentConfig& config,
                                                    const ComponentEnv& env) {
  tryton::ClientOptions client;
  client.url = std::string(config.GetString("url"));
  client.database = std::string(config.GetString("database"));
  client.user = std::string(config.GetString("user"));
  client.password = std::string(config.GetString("password"));
  client.timeout = config.GetDuration("timeout");
  tryton::OperationOptions options;
  auto text = [&](std::string_view path, std::string& target) {
    const Value& value = config.Get(path);
    if (value.is_string()) {
      target = std::string(value.as_string());
    }
  };
  text("options.system", options.system);
  text("options.accounting_category", options.accounting_category);
  text("options.payment_term", options.payment_term);
  text("options.sale_state", options.sale_state);
  text("options.payment_method", options.payment_method);
  text("options.total_mismatch", options.total_mismatch);
  text("options.stock_warning", options.stock_warning);
  text("options.missing_tax", options.missing_tax);
  text("options.tax_account", options.tax_account);
  const Value& taxes = config.Get("options.taxes");
  if (taxes.is_object()) {
    for (const auto& [rate, name] : taxes.as_object()) {
      options.taxes.emplace(rate, std::string(name.as_string()));
    }
  }
  BatchOptions batch;
  if (config.Has("batch.max_size")) {
    batch.max_size = static_cast<size_t>(config.GetInt("batch.max_size"));
  }
  if (config.Has("batch.max_wait")) {
    batch.max_wait = config.GetDuration("batch.max_wait");
  }
  return std::unique_ptr<Component>(
      std::make_unique<TrytonOutput>(std::move(client), std::string(config.GetString("operation")),
                                     env.lookups, std::move(options), batch));
}

}  // namespace erphub::components
