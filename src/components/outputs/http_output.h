#pragma once

#include <memory>

#include "components/component.h"

namespace erphub::components {

// Output `http`: sends each message's payload as the JSON body of one request, through one
// reused keep-alive client. The method, URL and header values may hold `{{ JSONata }}`
// placeholders evaluated on the payload (and $message), compiled when the flow is built; values
// placed into the URL are percent-encoded. Every request carries Content-Type application/json,
// `Idempotency-Key: <delivery key>` and the configured credentials (bearer, basic, or an OAuth2
// client-credentials token, cached, and fetched again once when the target answers 401).
// 2xx delivers; 408, 429, 5xx, network errors and timeouts fail transiently (honouring
// Retry-After); any other answer fails permanently with the target's body.
ComponentSpec HttpOutputSpec();
Result<std::unique_ptr<Component>> MakeHttpOutput(const ComponentConfig& config,
                                                  const ComponentEnv& env);

}  // namespace erphub::components
