#pragma once

#include <memory>

#include "components/component.h"

namespace erphub::components {

// Output `tryton`: writes each canonical record (schemas/canonical) into a Tryton ERP over
// JSON-RPC, with one logged-in session reused by every worker. `operation` says what the payload
// is: upsert_customer (a party with identifier, tax id, e-mail, phone, addresses),
// upsert_product (template + product: list and cost price, unit, category),
// create_sales_order (a sale with its lines, quoted, confirmed and processed, creating a missing
// customer or product from the order first) or record_payment (a payment against the customer
// invoice of its order, posted first if needed; an order not in Tryton yet fails transiently).
// Idempotent through the store's cross-references (system `options.system`) and Tryton's own
// fields (party identifier, product code, sale reference, payment move description): a replayed
// order creates no second sale, a replayed payment no second payment. Tryton's user errors (a rule,
// a missing value, a total that differs from the order's) fail permanently with Tryton's message; a
// refused login or access too; connection trouble, a busy or locked server and concurrent
// edits fail transiently.
ComponentSpec TrytonOutputSpec();
Result<std::unique_ptr<Component>> MakeTrytonOutput(const ComponentConfig& config,
                                                    const ComponentEnv& env);

}  // namespace erphub::components
