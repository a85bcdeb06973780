// Operations::RecordPayment: a canonical payment against a Tryton customer invoice.
#include <string>
#include <utility>

#include "systems/tryton/operations.h"
#include "systems/tryton/records.h"
#include "systems/tryton/values.h"

namespace erphub::tryton {
namespace {

Status NotYet(std::string message) { return UnavailableError(std::move(message)); }

// The receivable line of a payment's move, whose description is the payment's external id.
Value PaymentLineDomain(std::string_view external_id) {
  return Domain({Clause("move.description", "=", Value::Str(external_id)),
                 Clause("credit", ">", DecimalValue(Number()))});
}

}  // namespace

Result<int64_t> Operations::InvoiceToPay(const Value& payment) {
  std::string_view invoice_number = Text(payment, "invoice_number");
  if (!invoice_number.empty()) {
    ERPHUB_ASSIGN_OR_RETURN(
        std::vector<int64_t> invoices,
        client_.Search("account.invoice", Domain({Clause("number", "=", Value::Str(invoice_number)),
                                                  Clause("type", "=", Value::Str("out"))})));
    if (invoices.empty()) {
      return NotYet("Tryton has no customer invoice " + std::string(invoice_number) + " yet");
    }
    return invoices[0];
  }
  std::string_view order_number = Text(payment, "order_number");
  ERPHUB_ASSIGN_OR_RETURN(
      std::vector<Value> sales,
      client_.SearchRead("sale.sale", Domain({Clause("reference", "=", Value::Str(order_number))}),
                         {"invoices", "state"}));
  if (sales.empty()) {
    return NotYet("Tryton has no sale of order " + std::string(order_number) + " yet");
  }
  const Value& invoices = sales[0].Get("invoices");
  if (!invoices.is_array() || invoices.size() == 0) {
    return NotYet("the Tryton sale of order " + std::string(order_number) +
                  " has no invoice yet (" + std::string(Text(sales[0], "state")) + ")");
  }
  if (invoices.size() > 1) {
    // Several invoices (shipment-based invoicing): the oldest one still open.
    std::vector<int64_t> ids;
    for (const Value& id : invoices.as_array()) {
      ids.push_back(*IdValue(id));
    }
    ERPHUB_ASSIGN_OR_RETURN(std::vector<Value> records,
                            client_.Read("account.invoice", ids, {"state"}));
    for (const Value& record : records) {
      std::string_view state = Text(record, "state");
      if (state != "paid" && state != "cancelled") {
        return *IdValue(record.Get("id"));
      }
    }
  }
  return *IdValue(invoices[0]);
}

Status Operations::PayInvoice(int64_t invoice, const Value& payment, const Number& amount) {
  ERPHUB_ASSIGN_OR_RETURN(
      int64_t method, CachedId("account.invoice.payment.method",
                               Domain({Clause("name", "=", Value::Str(options_.payment_method))}),
                               "invoice payment method \"" + options_.payment_method + "\""));
  ERPHUB_ASSIGN_OR_RETURN(Value session,
                          client_.ExecuteWizard("account.invoice.pay", "create", {}));
  std::optional<int64_t> wizard;
  if (session.is_array() && session.size() > 0) {
    wizard = IdValue(session[0]);
  }
  if (!wizard.has_value()) {
    return InternalError("Tryton wizard.account.invoice.pay.create: no session id");
  }
  Value active = Value::MakeObject();
  active.Set("active_model", Value::Str("account.invoice"));
  active.Set("active_id", Value::Int(invoice));
  active.Set("active_ids", Value::MakeArray({Value::Int(invoice)}));
  auto run = [&]() -> Status {
    ERPHUB_ASSIGN_OR_RETURN(
        Value start, client_.ExecuteWizard(
                         "account.invoice.pay", "execute",
                         {Value::Int(*wizard), Value::MakeObject(), Value::Str("start")}, active));
    const Value& defaults = start.Get("view").Get("defaults");
    Value form = Value::MakeObject();
    for (std::string_view key : {"company", "currency", "currency_digits", "invoice_account"}) {
      if (defaults.Get(key).is_number()) {
        form.Set(key, defaults.Get(key));
      }
    }
    std::string_view paid_at = Text(payment, "paid_at");
    std::string_view date = !paid_at.empty() ? paid_at : Text(defaults, "date");
    if (!date.empty()) {
      ERPHUB_ASSIGN_OR_RETURN(Value tryton_date, DateFromIso(date));
      form.Set("date", std::move(tryton_date));
    }
    form.Set("amount", DecimalValue(amount));
    form.Set("payment_method", Value::Int(method));
    // The payment's move carries the external id: how a replay finds it.
    form.Set("description", payment.Get("external_id"));
    // "pay" directly: a full payment needs no answer, a smaller one is kept as partial.
    Value ask = Value::MakeObject();
    ask.Set("type", Value::Str("partial"));
    ask.Set("lines", Value::MakeArray());
    Value data = Value::MakeObject();
    data.Set("start", std::move(form));
    data.Set("ask", std::move(ask));
    ERPHUB_ASSIGN_OR_RETURN(
        Value done, client_.ExecuteWizard("account.invoice.pay", "execute",
                                          {Value::Int(*wizard), data, Value::Str("pay")}, active));
    if (done.is_object() && done.Get("view").is_object()) {
      return Status(StatusCode::kFailedPrecondition,
                    "Tryton's pay wizard asked for more than a payment (state " +
                        std::string(Text(done.Get("view"), "state")) + ")");
    }
    return Status::Ok();
  };
  Status paid = run();
  Status ended =
      client_.ExecuteWizard("account.invoice.pay", "delete", {Value::Int(*wizard)}).status();
  ERPHUB_TRY(paid);
  return ended;
}

Result<Outcome> Operations::RecordPayment(const Value& payment) {
  std::lock_guard lock(mu_);
  std::string_view external_id = Text(payment, "external_id");
  if (external_id.empty()) {
    return InvalidArgumentError("payment.external_id is required");
  }
  if (Text(payment, "order_number").empty() && Text(payment, "invoice_number").empty()) {
    return InvalidArgumentError("payment: order_number or invoice_number is required");
  }
  std::optional<Number> amount = Number::Parse(Text(payment, "amount"));
  if (!amount.has_value() || !amount->is_exact() || amount->IsNegative() || amount->IsZero()) {
    return InvalidArgumentError("payment.amount must be a positive decimal amount");
  }
  // Recorded before? Its move carries the external id.
  ERPHUB_ASSIGN_OR_RETURN(
      std::optional<int64_t> found,
      FindLinked("payment", external_id, "account.move.line", PaymentLineDomain(external_id)));
  if (found.has_value()) {
    return Outcome{
        *found, false, "payment existing (move line " + std::to_string(*found) + ")", {}};
  }

  ERPHUB_ASSIGN_OR_RETURN(int64_t invoice, InvoiceToPay(payment));
  ERPHUB_ASSIGN_OR_RETURN(std::vector<Value> records,
                          client_.Read("account.invoice", {invoice},
                                       {"state", "number", "amount_to_pay", "currency.code"}));
  std::string state(Text(records[0], "state"));
  std::string_view currency = Text(records[0].Get("currency."), "code");
  if (!Text(payment, "currency").empty() && Text(payment, "currency") != currency) {
    return Status(StatusCode::kFailedPrecondition,
                  "payment " + std::string(external_id) + " is in " +
                      std::string(Text(payment, "currency")) + ", Tryton invoice " +
                      std::to_string(invoice) + " in " + std::string(currency));
  }
  if (state == "cancelled" || state == "paid") {
    return Status(StatusCode::kFailedPrecondition,
                  "Tryton invoice " + std::to_string(invoice) + " is " + state + ": payment " +
                      std::string(external_id) + " has nothing to pay");
  }
  if (state == "draft" || state == "validated") {
    ERPHUB_TRY(client_.Button("account.invoice", "post", {invoice}));
  }
  ERPHUB_TRY(PayInvoice(invoice, payment, *amount));

  ERPHUB_ASSIGN_OR_RETURN(std::vector<int64_t> lines,
                          client_.Search("account.move.line", PaymentLineDomain(external_id)));
  if (lines.empty()) {
    return InternalError("Tryton paid invoice " + std::to_string(invoice) +
                         " but its payment line is not found");
  }
  ERPHUB_TRY(Link("payment", external_id, lines[0]));
  ERPHUB_ASSIGN_OR_RETURN(records, client_.Read("account.invoice", {invoice}, {"state", "number"}));
  return Outcome{lines[0],
                 true,
                 "payment of " + amount->ToString() + " on invoice " +
                     std::string(Text(records[0], "number")) + ", now " +
                     std::string(Text(records[0], "state")),
                 {}};
}

}  // namespace erphub::tryton
