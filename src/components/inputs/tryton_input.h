#pragma once

#include <memory>

#include "components/component.h"

namespace erphub::components {

// Input `tryton`: polls a Tryton database for changes and emits canonical records:
// `inventory_level` (per product and warehouse), `invoice` (customer invoices once posted, on
// every later change: paid, cancelled) and `shipment` (customer shipments, once per state they
// reach: event id "shipment:ID:STATE", so an edit that changes no state is a repeat).
//
// Each entity is read in change order from a watermark (change time, record id) kept in the
// hub's store under "tryton-input:FLOW:ENTITY". The messages of a batch and the watermark after
// it are committed in one transaction (Intake::AcceptWithState): a restart resumes where the
// last commit ended, so no change is lost or emitted twice. Event ids ("invoice:ID:TIME", ...)
// de-duplicate as well. The records read are turned into canonical ones by JSONata mappings:
// the built-in src/systems/tryton/mappings/ENTITY.jsonata, or a file of one's own (`mappings`).
// A record its mapping fails on is quarantined with the reason, and the input goes on.
//
// The flow's `key` should be the entity's business key, so that changes of one record keep
// their order: `invoice_number`, `shipment_number`, `sku & "@" & warehouse`.
ComponentSpec TrytonInputSpec();
Result<std::unique_ptr<Component>> MakeTrytonInput(const ComponentConfig& config,
                                                   const ComponentEnv& env);

}  // namespace erphub::components
