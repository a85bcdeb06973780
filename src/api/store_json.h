#pragma once

#include "core/message.h"
#include "core/value.h"
#include "store/store.h"

namespace erphub::api {

// The store's records as JSON values, for the CLI's `--json` output and the admin API. Times are
// RFC 3339 UTC text, durations are whole microseconds (`duration_us`); headers are an object
// (repeated names joined with ", ").
Value HeadersJson(const Headers& headers);
Value LineageEventJson(const store::LineageEvent& event);
Value DeadLetterEntryJson(const store::DeadLetterEntry& entry);
Value DeadLetterDetailJson(const store::DeadLetterDetail& detail);
Value MessageTraceJson(const store::MessageTrace& trace);

}  // namespace erphub::api
