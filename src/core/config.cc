#include "core/config.h"

#include <algorithm>
#include <cctype>
#include <set>

#include "core/config_node.h"
#include "core/config_units.h"
#include "core/http_auth_spec.h"

namespace erphub {
namespace {

bool IsFlowName(std::string_view name) {
  if (name.empty()) {
    return false;
  }
  return std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
  });
}

// "host:port" or "[v6]:port" with a port from 0 to 65535.
std::vector<CheckProblem> CheckListenAddress(const Value& value) {
  std::string_view text = value.as_string();
  size_t colon = text.rfind(':');
  bool ok = colon != std::string_view::npos && colon > 0 && colon + 1 < text.size() &&
            colon + 6 >= text.size();
  if (ok) {
    std::string_view port = text.substr(colon + 1);
    ok = std::all_of(port.begin(), port.end(),
                     [](char c) { return std::isdigit(static_cast<unsigned char>(c)); }) &&
         std::stoi(std::string(port)) <= 65535;
  }
  if (ok) {
    return {};
  }
  return {{"", "\"" + std::string(text) + "\" is not an address such as 127.0.0.1:8080"}};
}

std::vector<CheckProblem> CheckStoreUrl(const Value& value) {
  std::string_view url = value.as_string();
  for (std::string_view scheme : {"sqlite:", "postgres://", "postgresql://"}) {
    if (url.substr(0, scheme.size()) == scheme && url.size() > scheme.size()) {
      return {};
    }
  }
  // The URL may hold a password: name only what was expected.
  return {{"", "expected sqlite:PATH or postgres://HOST/DB"}};
}

std::vector<CheckProblem> CheckRetry(const Value& retry) {
  const Value& initial = retry.Get("initial");
  const Value& max_delay = retry.Get("max_delay");
  if (initial.is_number() && max_delay.is_number() &&
      Compare(max_delay.as_number(), initial.as_number()) < 0) {
    return {{"max_delay", "is shorter than initial"}};
  }
  return {};
}

FieldSpec SystemSpec() {
  return ObjectField("system")
      .Field(StringField("url").Required().Description("Base URL of the system's API."))
      .Field(HttpAuthField())
      .Field(MapField("headers", StringField("header"))
                 .Description("Headers sent with every request to the system."))
      .Field(DurationField("timeout")
                 .Default("30s")
                 .Min(std::chrono::milliseconds(1))
                 .Description("Time limit of one request."));
}

// One separator character of an EDI partner.
FieldSpec SeparatorField(std::string name, std::string description) {
  return StringField(std::move(name)).Min(1).Max(1).Description(std::move(description));
}

// A key of `on_status`: an HTTP status code that is not a success ("409") or a class ("4xx").
bool IsStatusKey(std::string_view key) {
  if (key.size() != 3 || key[0] < '1' || key[0] > '5' || key[0] == '2') {
    return false;
  }
  if (key.substr(1) == "xx") {
    return true;
  }
  return std::isdigit(static_cast<unsigned char>(key[1])) &&
         std::isdigit(static_cast<unsigned char>(key[2]));
}

std::vector<CheckProblem> CheckStatusKeys(const Value& on_status) {
  std::vector<CheckProblem> problems;
  for (const auto& [key, outcome] : on_status.as_object()) {
    if (!IsStatusKey(key)) {
      problems.push_back({key,
                          "expected an HTTP status such as 409 or a class such as 4xx (2xx "
                          "answers are always a success)"});
    }
  }
  return problems;
}

// The keys an output may have beside its component (see OutputPolicy).
constexpr std::string_view kOutputPolicyKeys[] = {"circuit_breaker", "on_status"};

FieldSpec OutputPolicySpec() {
  return ObjectField("output")
      .Field(
          ObjectField("circuit_breaker")
              .Description("Pauses the output after consecutive transient failures, then "
                           "probes the target with one delivery after the cool-down.")
              .Field(
                  IntField("failures")
                      .Default(5)
                      .Min(0)
                      .Description(
                          "Consecutive transient failures that open the breaker; 0: no breaker."))
              .Field(DurationField("cool_down")
                         .Default("30s")
                         .Min(std::chrono::milliseconds(1))
                         .Description("How long the output pauses before a probe.")))
      .Field(MapField("on_status", EnumField("outcome", {"success", "transient", "permanent"}))
                 .Description("Overrides the classification of a failure by HTTP status (409) or "
                              "class (4xx): success, transient (retried) or permanent (dead "
                              "letter).")
                 .Check(CheckStatusKeys));
}

StatusOutcome ParseStatusOutcome(std::string_view text) {
  if (text == "success") {
    return StatusOutcome::kSuccess;
  }
  return text == "transient" ? StatusOutcome::kTransient : StatusOutcome::kPermanent;
}

std::string_view StatusOutcomeName(StatusOutcome outcome) {
  switch (outcome) {
    case StatusOutcome::kSuccess:
      return "success";
    case StatusOutcome::kTransient:
      return "transient";
    case StatusOutcome::kPermanent:
      return "permanent";
  }
  return "permanent";
}

OutputPolicy OutputPolicyFrom(const Value& fields) {
  OutputPolicy policy;
  const Value& breaker = fields.Get("circuit_breaker");
  if (breaker.Get("failures").is_number()) {
    policy.circuit_breaker.failures =
        static_cast<int>(breaker.Get("failures").as_number().ToInt64().value_or(5));
  }
  if (breaker.Get("cool_down").is_number()) {
    policy.circuit_breaker.cool_down =
        std::chrono::milliseconds(breaker.Get("cool_down").as_number().ToInt64().value_or(30'000));
  }
  const Value& on_status = fields.Get("on_status");
  if (on_status.is_object()) {
    for (const auto& [key, outcome] : on_status.as_object()) {
      if (outcome.is_string()) {
        policy.on_status.emplace(key, ParseStatusOutcome(outcome.as_string()));
      }
    }
  }
  return policy;
}

// The top level except `flows`, whose components need the registry.
FieldSpec TopLevelSpec() {
  return ObjectField("config")
      .Field(StringField("listen")
                 .Default("127.0.0.1:8080")
                 .Description("host:port of the HTTP listener (webhooks, health, metrics).")
                 .Check(CheckListenAddress))
      .Field(ObjectField("admin")
                 .Description("The admin API (/api/v1) on the listener.")
                 .Field(StringField("token").Secret().Description(
                     "Bearer token every admin request must carry (Authorization: Bearer "
                     "TOKEN); without one the admin API is off.")))
      .Field(ObjectField("store")
                 .Description("Where messages are kept.")
                 .Field(StringField("url")
                            .Default("sqlite:./data/hub.db")
                            .Description("sqlite:PATH or postgres://...")
                            .Check(CheckStoreUrl))
                 .Field(EnumField("fsync", {"full", "normal"})
                            .Default("full")
                            .Description("full: every commit reaches the disk before a source is "
                                         "acknowledged; normal: faster, may lose the last commits "
                                         "on power loss.")))
      .Field(MapField("systems", SystemSpec()).Description("External applications by name."))
      .Field(MapField("value_maps", MapField("table", AnyField("value")))
                 .Description("Lookup tables for mappings' $valueMap(name, key): name -> "
                              "{key: value}."))
      .Field(MapField("partners", PartnerSpec())
                 .Description("EDI trading partners by id, named by `partner:` in components."));
}

// A flow's own settings besides its components.
FieldSpec FlowSpec() {
  return ObjectField("flow")
      .Field(StringField("description").Description("What the flow is for (shown in docs)."))
      .Field(StringField("key").Min(1).Description(
          "JSONata expression giving the business key; messages of one key keep their order."))
      .Field(ObjectField("retry")
                 .Description("Backoff between attempts of a failing delivery.")
                 .Field(DurationField("initial").Default("1s").Min(std::chrono::milliseconds(1)))
                 .Field(DurationField("max_delay").Default("5m").Min(std::chrono::milliseconds(1)))
                 .Field(IntField("max_attempts").Default(10).Min(1))
                 .Field(DurationField("max_age").Default("24h").Min(std::chrono::milliseconds(1)))
                 .Check(CheckRetry))
      .Field(EnumField("on_dead_letter", {"continue", "block_key"})
                 .Default("continue")
                 .Description("Whether a dead-lettered message holds back later messages of "
                              "its key (block_key) or not (continue)."));
}

std::chrono::milliseconds Millis(const Value& v) {
  return std::chrono::milliseconds(v.is_number() ? v.as_number().ToInt64().value_or(0) : 0);
}

std::string DirName(const std::string& file) {
  size_t slash = file.rfind('/');
  if (slash == std::string::npos) {
    return ".";
  }
  return slash == 0 ? "/" : file.substr(0, slash);
}

// Replaces the password of "scheme://user:password@host" with [redacted].
std::string RedactUrlPassword(std::string url) {
  size_t scheme = url.find("://");
  if (scheme == std::string::npos) {
    return url;
  }
  size_t at = url.find('@', scheme + 3);
  size_t slash = url.find('/', scheme + 3);
  if (at == std::string::npos || (slash != std::string::npos && slash < at)) {
    return url;
  }
  size_t colon = url.find(':', scheme + 3);
  if (colon == std::string::npos || colon > at) {
    return url;
  }
  return url.substr(0, colon + 1) + std::string(kRedacted) + url.substr(at);
}

class ConfigBuilder {
 public:
  ConfigBuilder(const std::string& file, std::string_view text, const ComponentRegistry& registry,
                const ConfigLoadOptions& options)
      : registry_(registry),
        validator_(file, ValidationEnv{options.env, options.read_file, DirName(file), text}) {
    config_.file = file;
    config_.base_dir = DirName(file);
  }

  Result<Config, Diagnostics> Build(const ConfigNode& root) {
    SourcePlace top{1, 1};
    if (root.is_null()) {
      validator_.Report(top, "", "the config is empty; it needs at least a `flows:` section");
      return Finish();
    }
    if (!root.is_map()) {
      validator_.Report(
          SourcePlace{root.line, root.column}, "",
          "expected a mapping of settings at the top, found " + std::string(DescribeKind(root)));
      return Finish();
    }
    Value settings = validator_.ValidateObject(TopLevelSpec(), root, "", top, {"flows"});
    config_.listen =
        std::string(settings.Get("listen").is_string() ? settings.Get("listen").as_string()
                                                       : std::string_view());
    if (settings.Get("admin").Get("token").is_string()) {
      config_.admin.token = std::string(settings.Get("admin").Get("token").as_string());
    }
    const Value& store = settings.Get("store");
    if (store.Get("url").is_string()) {
      config_.store.url = std::string(store.Get("url").as_string());
    }
    config_.store.fsync =
        store.Get("fsync").is_string() && store.Get("fsync").as_string() == "normal"
            ? FsyncMode::kNormal
            : FsyncMode::kFull;
    BuildSystems(root, settings.Get("systems"));
    config_.value_maps =
        settings.Get("value_maps").is_object() ? settings.Get("value_maps") : Value::MakeObject();
    if (settings.Get("partners").is_object()) {
      config_.partners = settings.Get("partners");
    }

    const ConfigEntry* flows = root.Find("flows");
    if (flows == nullptr || flows->value.is_null()) {
      validator_.Report(flows == nullptr ? top : SourcePlace{flows->line, flows->column}, "flows",
                        "required field is missing: a config needs at least one flow");
    } else if (!flows->value.is_map()) {
      validator_.Report(
          SourcePlace{flows->value.line, flows->value.column}, "flows",
          "expected a mapping of flows by name, found " + std::string(DescribeKind(flows->value)));
    } else if (flows->value.entries.empty()) {
      validator_.Report(SourcePlace{flows->line, flows->column}, "flows",
                        "needs at least one flow");
    } else {
      for (const ConfigEntry& flow : flows->value.entries) {
        BuildFlow(flow);
      }
    }
    CheckPartnerReferences();
    return Finish();
  }

 private:
  Result<Config, Diagnostics> Finish() {
    Diagnostics diagnostics = std::move(validator_.diagnostics());
    if (!diagnostics.empty()) {
      diagnostics.Sort();
      return diagnostics;
    }
    return std::move(config_);
  }

  // Every component field `partner` names an entry of `partners:`.
  void CheckPartnerReferences() {
    auto check = [&](const ComponentConfig& component) {
      const Value& partner = component.Get("partner");
      if (!partner.is_string() || config_.partners.as_object().Contains(partner.as_string())) {
        return;
      }
      std::string known;
      for (const auto& [name, fields] : config_.partners.as_object()) {
        known += known.empty() ? "" : ", ";
        known += name;
      }
      SourcePlace at = component.PlaceOf("partner");
      validator_.Report(
          at, component.path + ".partner",
          "unknown partner \"" + std::string(partner.as_string()) + "\"; " +
              (known.empty() ? "the config has no `partners:`" : "partners are: " + known));
    };
    for (const FlowConfig& flow : config_.flows) {
      check(flow.from);
      for (const ComponentConfig& step : flow.steps) {
        check(step);
      }
      for (const ComponentConfig& output : flow.to) {
        check(output);
      }
    }
  }

  void BuildSystems(const ConfigNode& root, const Value& systems) {
    const ConfigEntry* node = root.Find("systems");
    if (node == nullptr || !systems.is_object()) {
      return;
    }
    for (const auto& [name, fields] : systems.as_object()) {
      const ConfigEntry* entry = node->value.Find(name);
      SystemConfig system;
      system.name = name;
      system.path = ChildPath("systems", name);
      if (entry != nullptr) {
        system.place = SourcePlace{entry->line, entry->column};
      }
      system.url = std::string(fields.Get("url").is_string() ? fields.Get("url").as_string()
                                                             : std::string_view());
      system.timeout = Millis(fields.Get("timeout"));
      system.fields = fields;
      config_.systems.push_back(std::move(system));
    }
  }

  void BuildFlow(const ConfigEntry& entry) {
    FlowConfig flow;
    flow.name = entry.key;
    flow.path = ChildPath("flows", entry.key);
    flow.place = SourcePlace{entry.line, entry.column};
    if (!IsFlowName(entry.key)) {
      validator_.Report(flow.place, flow.path, "flow names use only letters, digits, '-' and '_'");
    }
    const ConfigNode& node = entry.value;
    if (!node.is_map()) {
      validator_.Report(node.is_null() ? flow.place : SourcePlace{node.line, node.column},
                        flow.path,
                        "expected the flow's settings (from, steps, to), found " +
                            std::string(DescribeKind(node)));
      return;
    }
    Value settings =
        validator_.ValidateObject(FlowSpec(), node, flow.path, flow.place, {"from", "steps", "to"});
    if (settings.Get("description").is_string()) {
      flow.description = std::string(settings.Get("description").as_string());
    }
    if (settings.Get("key").is_string()) {
      flow.key = std::string(settings.Get("key").as_string());
      const ConfigEntry* key = node.Find("key");
      flow.key_place = SourcePlace{key->value.line, key->value.column};
    }
    const Value& retry = settings.Get("retry");
    flow.retry.initial = Millis(retry.Get("initial"));
    flow.retry.max_delay = Millis(retry.Get("max_delay"));
    flow.retry.max_attempts =
        static_cast<int>(retry.Get("max_attempts").is_number()
                             ? retry.Get("max_attempts").as_number().ToInt64().value_or(0)
                             : 0);
    flow.retry.max_age = Millis(retry.Get("max_age"));
    flow.on_dead_letter = settings.Get("on_dead_letter").is_string() &&
                                  settings.Get("on_dead_letter").as_string() == "block_key"
                              ? DeadLetterPolicy::kBlockKey
                              : DeadLetterPolicy::kContinue;

    std::string from_path = flow.path + ".from";
    if (const ConfigEntry* from = node.Find("from"); from != nullptr) {
      auto input = validator_.ValidateComponent(registry_, ComponentKind::kInput, from->value,
                                                from_path, SourcePlace{from->line, from->column},
                                                /*allow_label=*/false);
      if (input.has_value()) {
        flow.from = std::move(*input);
      }
    } else {
      validator_.Report(flow.place, from_path, "required field is missing: a flow needs one input");
    }

    if (const ConfigEntry* steps = node.Find("steps"); steps != nullptr) {
      flow.steps = ComponentList(*steps, ComponentKind::kStep, flow.path + ".steps");
    }

    if (const ConfigEntry* to = node.Find("to"); to != nullptr) {
      flow.to = OutputList(*to, flow.path + ".to", flow.output_policies);
      if (to->value.is_sequence() && to->value.items.empty()) {
        validator_.Report(SourcePlace{to->line, to->column}, flow.path + ".to",
                          "needs at least one output");
      }
      std::set<std::string> names;
      for (const ComponentConfig& output : flow.to) {
        if (!names.insert(output.name).second) {
          validator_.Report(output.place, output.path,
                            "another output of this flow is already named \"" + output.name +
                                "\"; give each output a distinct `name:`");
        }
      }
    } else {
      validator_.Report(flow.place, flow.path + ".to",
                        "required field is missing: a flow needs at least one output");
    }
    config_.flows.push_back(std::move(flow));
  }

  // Outputs, each with the policy keys beside its component (OutputPolicySpec) taken out first.
  std::vector<ComponentConfig> OutputList(const ConfigEntry& entry, const std::string& path,
                                          std::map<std::string, OutputPolicy, std::less<>>& out) {
    if (!entry.value.is_sequence()) {
      return ComponentList(entry, ComponentKind::kOutput, path);
    }
    ConfigEntry components = entry;
    std::vector<std::optional<OutputPolicy>> policies;
    for (size_t i = 0; i < components.value.items.size(); ++i) {
      ConfigNode& item = components.value.items[i];
      if (!item.is_map()) {
        policies.emplace_back();
        continue;
      }
      ConfigNode policy_node;
      policy_node.kind = ConfigNode::Kind::kMap;
      policy_node.line = item.line;
      policy_node.column = item.column;
      std::vector<ConfigEntry> rest;
      for (ConfigEntry& e : item.entries) {
        const bool policy_key =
            std::find(std::begin(kOutputPolicyKeys), std::end(kOutputPolicyKeys), e.key) !=
            std::end(kOutputPolicyKeys);
        (policy_key ? policy_node.entries : rest).push_back(std::move(e));
      }
      item.entries = std::move(rest);
      if (policy_node.entries.empty()) {
        policies.emplace_back();
        continue;
      }
      Value fields = validator_.ValidateObject(OutputPolicySpec(), policy_node, ItemPath(path, i),
                                               SourcePlace{item.line, item.column});
      policies.push_back(OutputPolicyFrom(fields));
    }
    std::vector<ComponentConfig> outputs = ComponentList(components, ComponentKind::kOutput, path);
    for (const ComponentConfig& output : outputs) {
      for (size_t i = 0; i < policies.size(); ++i) {
        if (policies[i].has_value() && output.path == ItemPath(path, i)) {
          out[output.name] = *policies[i];
        }
      }
    }
    return outputs;
  }

  std::vector<ComponentConfig> ComponentList(const ConfigEntry& entry, ComponentKind kind,
                                             const std::string& path) {
    std::vector<ComponentConfig> out;
    const ConfigNode& list = entry.value;
    if (list.is_null()) {
      return out;
    }
    if (!list.is_sequence()) {
      validator_.Report(SourcePlace{list.line, list.column}, path,
                        "expected a list of " + std::string(ComponentKindName(kind)) + "s, found " +
                            std::string(DescribeKind(list)));
      return out;
    }
    for (size_t i = 0; i < list.items.size(); ++i) {
      const ConfigNode& item = list.items[i];
      auto component =
          validator_.ValidateComponent(registry_, kind, item, ItemPath(path, i),
                                       SourcePlace{item.line, item.column}, /*allow_label=*/true);
      if (component.has_value()) {
        out.push_back(std::move(*component));
      }
    }
    return out;
  }

  const ComponentRegistry& registry_;
  SpecValidator validator_;
  Config config_;
};

Value ComponentDisplay(const ComponentConfig& component) {
  Object out;
  if (component.name != component.type) {
    out.Append("name", Value::Str(component.name));
  }
  out.Append(component.type, component.spec == nullptr
                                 ? component.fields
                                 : DisplayValue(component.spec->root(), component.fields));
  return Value::MakeObject(std::move(out));
}

}  // namespace

FieldSpec PartnerSpec() {
  return ObjectField("partner")
      .Field(EnumField("standard", {"x12", "edifact"})
                 .Description("The EDI standard exchanged with the partner."))
      .Field(StringField("sender_id")
                 .Required()
                 .Min(1)
                 .Description("Our interchange id (X12 ISA06 / GS02, EDIFACT UNB sender)."))
      .Field(StringField("sender_qualifier")
                 .Default("ZZ")
                 .Description("Qualifier of our id (X12 ISA05; EDIFACT e.g. 14)."))
      .Field(StringField("receiver_id")
                 .Required()
                 .Min(1)
                 .Description(
                     "The partner's interchange id (X12 ISA08 / GS03, EDIFACT UNB recipient)."))
      .Field(StringField("receiver_qualifier")
                 .Default("ZZ")
                 .Description("Qualifier of the partner's id (X12 ISA07)."))
      .Field(
          StringField("version").Default("00401").Description("X12 interchange version (ISA12)."))
      .Field(StringField("group_version")
                 .Default("004010")
                 .Description("X12 functional group version (GS08)."))
      .Field(StringField("syntax").Default("UNOC:3").Description(
          "EDIFACT syntax identifier and version (UNB S001)."))
      .Field(ObjectField("delimiters")
                 .Description("Separators written to the partner; the standard's by default.")
                 .Field(SeparatorField("element", "X12 element / EDIFACT data element separator."))
                 .Field(SeparatorField("component", "Component (sub-element) separator."))
                 .Field(SeparatorField("repetition", "Repetition separator."))
                 .Field(SeparatorField("segment", "Segment terminator."))
                 .Field(SeparatorField("release", "EDIFACT release character.")))
      .Field(EnumField("ack", {"none", "997", "contrl"})
                 .Default("none")
                 .Description("The acknowledgement the partner expects for what it sends us."))
      .Field(BoolField("ack_requested")
                 .Default(false)
                 .Description("Whether our interchanges ask the partner for one (X12 ISA14)."))
      .Field(BoolField("test").Default(false).Description(
          "Mark our interchanges as test data (X12 ISA15 T, EDIFACT UNB test indicator)."));
}

std::optional<StatusOutcome> OutputPolicy::OutcomeFor(int http_status) const {
  if (http_status < 100 || http_status > 599) {
    return std::nullopt;
  }
  const std::string code = std::to_string(http_status);
  auto exact = on_status.find(code);
  if (exact != on_status.end()) {
    return exact->second;
  }
  auto by_class = on_status.find(code.substr(0, 1) + "xx");
  if (by_class != on_status.end()) {
    return by_class->second;
  }
  return std::nullopt;
}

const OutputPolicy& FlowConfig::PolicyOf(std::string_view output) const {
  static const OutputPolicy kDefaults;
  auto it = output_policies.find(output);
  return it == output_policies.end() ? kDefaults : it->second;
}

const FlowConfig* Config::FindFlow(std::string_view name) const {
  for (const FlowConfig& flow : flows) {
    if (flow.name == name) {
      return &flow;
    }
  }
  return nullptr;
}

const SystemConfig* Config::FindSystem(std::string_view name) const {
  for (const SystemConfig& system : systems) {
    if (system.name == name) {
      return &system;
    }
  }
  return nullptr;
}

Value Config::ToDisplayValue() const {
  Object top;
  top.Append("listen", Value::Str(listen));
  if (!admin.token.empty()) {
    Object admin_out;
    admin_out.Append("token", Value::Str(std::string(kRedacted)));
    top.Append("admin", Value::MakeObject(std::move(admin_out)));
  }
  Object store_out;
  store_out.Append("url", Value::Str(RedactUrlPassword(store.url)));
  store_out.Append("fsync", Value::Str(store.fsync == FsyncMode::kFull ? "full" : "normal"));
  top.Append("store", Value::MakeObject(std::move(store_out)));
  if (!systems.empty()) {
    FieldSpec spec = SystemSpec();
    Object systems_out;
    for (const SystemConfig& system : systems) {
      systems_out.Append(system.name, DisplayValue(spec, system.fields));
    }
    top.Append("systems", Value::MakeObject(std::move(systems_out)));
  }
  if (value_maps.is_object() && value_maps.as_object().size() > 0) {
    top.Append("value_maps", value_maps);
  }
  if (!partners.as_object().empty()) {
    FieldSpec spec = PartnerSpec();
    Object partners_out;
    for (const auto& [name, fields] : partners.as_object()) {
      partners_out.Append(name, DisplayValue(spec, fields));
    }
    top.Append("partners", Value::MakeObject(std::move(partners_out)));
  }
  Object flows_out;
  for (const FlowConfig& flow : flows) {
    Object f;
    if (!flow.description.empty()) {
      f.Append("description", Value::Str(flow.description));
    }
    f.Append("from", ComponentDisplay(flow.from));
    if (!flow.key.empty()) {
      f.Append("key", Value::Str(flow.key));
    }
    Array steps;
    for (const ComponentConfig& step : flow.steps) {
      steps.push_back(ComponentDisplay(step));
    }
    f.Append("steps", Value::MakeArray(std::move(steps)));
    Array to;
    for (const ComponentConfig& output : flow.to) {
      Value shown = ComponentDisplay(output);
      const OutputPolicy& policy = flow.PolicyOf(output.name);
      Object breaker;
      breaker.Append("failures", Value::Int(policy.circuit_breaker.failures));
      breaker.Append("cool_down", Value::Str(FormatDuration(policy.circuit_breaker.cool_down)));
      Object with_policy = shown.as_object();
      with_policy.Append("circuit_breaker", Value::MakeObject(std::move(breaker)));
      if (!policy.on_status.empty()) {
        Object on_status;
        for (const auto& [status, outcome] : policy.on_status) {
          on_status.Append(status, Value::Str(StatusOutcomeName(outcome)));
        }
        with_policy.Append("on_status", Value::MakeObject(std::move(on_status)));
      }
      to.push_back(Value::MakeObject(std::move(with_policy)));
    }
    f.Append("to", Value::MakeArray(std::move(to)));
    Object retry;
    retry.Append("initial", Value::Str(FormatDuration(flow.retry.initial)));
    retry.Append("max_delay", Value::Str(FormatDuration(flow.retry.max_delay)));
    retry.Append("max_attempts", Value::Int(flow.retry.max_attempts));
    retry.Append("max_age", Value::Str(FormatDuration(flow.retry.max_age)));
    f.Append("retry", Value::MakeObject(std::move(retry)));
    f.Append(
        "on_dead_letter",
        Value::Str(flow.on_dead_letter == DeadLetterPolicy::kBlockKey ? "block_key" : "continue"));
    flows_out.Append(flow.name, Value::MakeObject(std::move(f)));
  }
  top.Append("flows", Value::MakeObject(std::move(flows_out)));
  return Value::MakeObject(std::move(top));
}

Result<Config, Diagnostics> LoadConfigText(std::string_view text, const std::string& file,
                                           const ComponentRegistry& registry,
                                           const ConfigLoadOptions& options) {
  auto root = ParseConfigYaml(text, file);
  if (!root.ok()) {
    return std::move(root).error();
  }
  return ConfigBuilder(file, text, registry, options).Build(*root);
}

Result<Config, Diagnostics> LoadConfigFile(const std::string& path,
                                           const ComponentRegistry& registry,
                                           const ConfigLoadOptions& options) {
  FileReader read = options.read_file ? options.read_file : LocalFileReader();
  auto text = read(path);
  if (!text.ok()) {
    Diagnostics diagnostics;
    diagnostics.Add(Diagnostic{path, 0, 0, "",
                               "cannot read the config: " + std::string(text.status().message())});
    return diagnostics;
  }
  return LoadConfigText(*text, path, registry, options);
}

}  // namespace erphub
