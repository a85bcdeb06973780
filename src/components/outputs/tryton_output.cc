#include "components/outputs/tryton_output.h"

#include <chrono>
#include <string>
#include <utility>

#include "systems/tryton/client.h"
#include "systems/tryton/operations.h"

namespace erphub::components {
namespace {

using std::chrono::milliseconds;

std::vector<CheckProblem> IsHttpUrl(const Value& value) {
  std::string_view url = value.as_string();
  if (url.rfind("http://", 0) == 0 || url.rfind("https://", 0) == 0) {
    return {};
  }
  return {{"", "must start with http:// or https://"}};
}

class TrytonOutput final : public Output {
 public:
  TrytonOutput(tryton::ClientOptions client_options, std::string operation, const Lookups* lookups,
               tryton::OperationOptions options)
      : operation_(std::move(operation)),
        client_(std::move(client_options)),
        operations_(client_, lookups, std::move(options)) {}

  Result<Delivered, Failure> Deliver(const Delivery& delivery) override {
    const Value& payload =
        delivery.payload != nullptr ? *delivery.payload : delivery.message->payload;
    Result<tryton::Outcome> outcome = Run(payload);
    if (!outcome.ok()) {
      Failure failure;
      failure.transient = outcome.error().IsTransient();
      failure.error = outcome.error().ToString();
      return failure;
    }
    return Delivered{0, outcome->detail};
  }

 private:
  Result<tryton::Outcome> Run(const Value& payload) {
    if (!payload.is_object()) {
      return InvalidArgumentError("the payload is not a canonical record (an object)");
    }
    if (operation_ == "upsert_customer") {
      return operations_.UpsertCustomer(payload);
    }
    if (operation_ == "upsert_product") {
      return operations_.UpsertProduct(payload);
    }
    if (operation_ == "record_payment") {
      return operations_.RecordPayment(payload);
    }
    return operations_.CreateSale(payload);
  }

  const std::string operation_;
  tryton::Client client_;
  tryton::Operations operations_;
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
              .Field(BoolField("check_total")
                         .Default(true)
                         .Description(
                             "Refuse (permanently, sale left in draft) when Tryton's total differs "
                             "from the order's totals.gross.")))
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
  if (config.Get("options.check_total").is_bool()) {
    options.check_total = config.Get("options.check_total").as_bool();
  }
  return std::unique_ptr<Component>(
      std::make_unique<TrytonOutput>(std::move(client), std::string(config.GetString("operation")),
                                     env.lookups, std::move(options)));
}

}  // namespace erphub::components
