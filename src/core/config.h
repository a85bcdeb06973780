#pragma once

#include <chrono>
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
//       retry: {initial: 1s, max_delay: 5m, max_attempts: 10, max_age: 24h}
//       on_dead_letter: continue                         # continue | block_key
//
// A component is written as a mapping whose one key is the component's name and whose value
// holds its fields ({webhook: {path: ...}}), or as the bare name when it needs no fields. Steps
// and outputs may add `name: LABEL` beside that key; outputs of one flow need distinct names
// (the default name is the component's). Any scalar may use ${VAR} and ${VAR:-default}; fields
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
};

struct Config {
  std::string file;      // the file as named when loading
  std::string base_dir;  // its folder: relative paths in the config resolve against it
  std::string listen;
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
