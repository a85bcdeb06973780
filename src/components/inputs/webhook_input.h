#pragma once

#include <memory>

#include "components/component.h"

namespace erphub::components {

// Input `webhook`: serves one path on the shared listener. A request is checked in this order:
// body size (413), signature over the raw body (401, counted, nothing stored; a WooCommerce
// set-up ping gets 200), flow backlog (503 with Retry-After), JSON syntax (400 problem+json and
// one quarantine entry); then it is accepted with the provider's event id and answered 202
// {"id": "<message id>"} after the durable commit, or 200 with the original id when the event
// id was seen before. Every received header is kept on the message. Refusals the engine cannot
// see are counted as erphub_rejected_total{reason=signature|too_large|overloaded}.
ComponentSpec WebhookInputSpec();
Result<std::unique_ptr<Component>> MakeWebhookInput(const ComponentConfig& config,
                                                    const ComponentEnv& env);

}  // namespace erphub::components
