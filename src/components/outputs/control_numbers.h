#pragma once

#include <string_view>

#include "components/component.h"
#include "components/outputs/edi_envelope.h"
#include "formats/format.h"

namespace erphub::components {

// Reserves the control numbers one delivery needs for one trading partner, durably, so that a
// number is never handed out twice, across workers, processes and restarts. Counters live in
// the store's state under "edi/control/<partner>/isa", ".../gs", ".../st" (EDIFACT: unb, ung,
// unh), each the last number handed out, advanced together with compare-and-set; numbers wrap
// from 999999999 to 1. The reservation is kept under "edi/control/<partner>/sent/<idempotency
// key>", so a retried delivery gets the same numbers again. kConflict only after many lost
// races; store errors as the store gave them.
Result<ControlStart> ReserveControlNumbers(StateStore& state, formats::Format format,
                                           std::string_view partner,
                                           std::string_view idempotency_key,
                                           const ControlCounts& counts);

}  // namespace erphub::components
