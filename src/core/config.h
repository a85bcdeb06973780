#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/component_config.h"
#include "core/component_registry.h"
#include "core/diagnostic.h"
#include "core/interpolation.h"
#include "core/result.h"
#include "core/spec_validator.h"
#include "core/value.h"

namespace erphub {

// erphub's configuration file (YAML), validated and typed. The layout:
//
//   listen: ${ERPHUB_LISTEN:-127.0.0.1:8080}   # host:port of the HTTP listener
//   admin:
//     token: ${ERPHUB_ADMIN_TOKEN}               # bearer token of /api/v1 (absent: API off)
//   store:
//     url: ${ERPHUB_STORE:-sqlite:./data/hub.db} # sqlite:PATH or postgres://...
//     fsync: full                                # full (default) | normal
//   systems:                                     # named external applications
//     erp: {url: https://erp.example.com, auth: {type: bearer, token: ${ERP_TOKEN}}}
//   partners:                                    # EDI trading partners by id
//     acme: {sender_id: ERPHUB, receiver_id: ACME, version: "00401"}
//   value_maps:                                  # tables for $valueMap(name, key)
//     uom: {pcs: Unit, kg: Kilogram}
//   flows:
//     shop-orders:
//       from: {webhook: {path: /webhooks/shop/orders}}   # exactly one input
//       key: id                                          # JSONata: the business key
//       steps:                                           # in order; each one component
//         - validate: {schema: shopify_order.json}
//         - map: {file: order.jsonata}
//       to:                                              # one or more outputs
//         - http: {url: "${ERP_URL}/sales-orders"}
//           circuit_breaker: {failures: 5, cool_down: 30s}   # per output (these defaults)
//           on_status: {409: success}                        # per output classification
//       retry: {initial: 1s, max_delay: 5m, max_attempts: 10, max_age: 24h}
//       on_dead_letter: continue                         # continue | block_key
//
// A component is written as a mapping whose one key is the component's name and whose value
// holds its fields ({webhook: {path: ...}}), or as the bare name when it needs no fields. Steps
// and outputs may add `name: LABEL` beside that key; outputs of one flow need distinct names
// (the default name is the component's). Outputs may also add `circuit_breaker:` and
// `on_status:` beside it (OutputPolicy). Any scalar may use ${VAR} and ${VAR:-default}; fields
// marked secret also accept file:/path. Problem paths index lists from 0: flows.x.steps[0].
// A component field named `partner` must name an entry of `partners:`.

enum class FsyncMode { kFull, kNormal };
enum class DeadLetterPolicy { kContinue, kBlockKey };

struct StoreConfig {
  std::string url;
  FsyncMode fsync = FsyncMode::kFull;
};

// Exponential backoff with full jitter between attempts of one delivery.
struct RetryPolicy {
  std::chrono::milliseconds initial{1000};
  std::chrono::milliseconds max_delay{300'000};
  int max_attempts = 10;
  std::chrono::milliseconds max_age{86'400'000};
};

// Pauses an output after `failures` consecutive transient failures, for `cool_down`; then one
// delivery probes the target (half-open) and a success closes the breaker again.
struct CircuitBreakerPolicy {
  int failures = 5;  // 0: no breaker
  std::chrono::milliseconds cool_down{30'000};
};

// How an output's failure with a given HTTP status is treated, overriding the output's own
// classification (e.g. 409 as success for an idempotent create).
enum class StatusOutcome { kSuccess, kTransient, kPermanent };

// What the engine does around one output (the keys beside the component in `to`).
struct OutputPolicy {
  CircuitBreakerPolicy circuit_breaker;
  // By status code ("409") or class ("4xx", "5xx"); a code wins over its class.
  std::map<std::string, StatusOutcome, std::less<>> on_status;

  // The override for `http_status`, if any.
  std::optional<StatusOutcome> OutcomeFor(int http_status) const;
};

// The admin API (/api/v1 on the listener).
struct AdminConfig {
  // Bearer token every admin request must carry; empty: the admin API is off
  // (its routes answer 403 saying how to turn it on).
  std::string token;
};

// A named external application: its address and credentials, configured once.
struct SystemConfig {
  std::string name;
  std::string path;  // "systems.erp"
  SourcePlace place;
  std::string url;
  std::chrono::milliseconds timeout{30'000};
  // The validated fields (url, auth, headers, timeout); secrets in the clear.
  Value fields;
};

struct FlowConfig {
  std::string name;
  std::string path;  // "flows.shop-orders"
  SourcePlace place;
  std::string description;
  ComponentConfig from;
  std::vector<ComponentConfig> steps;
  std::vector<ComponentConfig> to;
  // JSONata expression text of the business key; empty when the flow has none (then every
  // message is its own key).
  std::string key;
  SourcePlace key_place;
  RetryPolicy retry;
  DeadLetterPolicy on_dead_letter = DeadLetterPolicy::kContinue;
  // By output name; an output without an entry has the defaults.
  std::map<std::string, OutputPolicy, std::less<>> output_policies;

  // The policy of the output named `output` (defaults when it has none).
  const OutputPolicy& PolicyOf(std::string_view output) const;
};

struct Config {
  std::string file;      // the file as named when loading
  std::string base_dir;  // its folder: relative paths in the config resolve against it
  std::string listen;
  AdminConfig admin;
  StoreConfig store;
  std::vector<SystemConfig> systems;
  // name -> {key: value}: the tables of $valueMap(name, key) in mappings.
  Value value_maps = Value::MakeObject();
  std::vector<FlowConfig> flows;
  // Trading partners: an object of validated fields (see PartnerSpec) by partner id; empty
  // object when the config has none. Components get it through ComponentEnv::partners.
  Value partners = Value::MakeObject();

  // nullptr when there is no such flow or system.
  const FlowConfig* FindFlow(std::string_view name) const;
  const SystemConfig* FindSystem(std::string_view name) const;

  // The effective configuration for people to read: defaults filled in, durations and sizes as
  // text, secrets (and passwords in URLs) replaced by "[redacted]".
  Value ToDisplayValue() const;
};

// The fields of one entry of `partners:` (ids, qualifiers, delimiters, versions, ack policy).
FieldSpec PartnerSpec();

struct ConfigLoadOptions {
  EnvLookup env = ProcessEnv();
  FileReader read_file = LocalFileReader();
};

// Loads and validates a config file against the top-level layout and the components of
// `registry` (which must outlive the Config: component configs point at its specs). Reports
// every problem found, each with file:line:col and path, in file order.
Result<Config, Diagnostics> LoadConfigFile(const std::string& path,
                                           const ComponentRegistry& registry,
                                           const ConfigLoadOptions& options = {});

// The same for config text; `file` names it in diagnostics and sets the base folder.
Result<Config, Diagnostics> LoadConfigText(std::string_view text, const std::string& file,
                                           const ComponentRegistry& registry,
                                           const ConfigLoadOptions& options = {});

}  // namespace erphub
