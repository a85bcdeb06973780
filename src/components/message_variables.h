#pragma once

#include "core/message.h"
#include "core/value.h"

namespace erphub::components {

// The variables that components' JSONata expressions (map steps, {{ }} templates) see beside the
// payload, as EvalOptions::bindings:
//   $message.id           the message id ("018f3a6b-7c1d-7e2f-8a3b-4c5d6e7f8091")
//   $message.flow         the flow's name
//   $message.key          the business key ("" when none)
//   $message.received_at  when the input received it, RFC 3339 UTC
//   $message.attempts     delivery attempts so far
//   $message.headers      the received headers, names in lower case (the first of repeats)
Object MessageVariables(const Message& message);

}  // namespace erphub::components
