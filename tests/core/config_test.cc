#include "core/config.h"

#include <gtest/gtest.h>

#include <map>
#include <string>

#include "core/http_auth_spec.h"
#include "core/json.h"

namespace erphub {
namespace {

using std::chrono::milliseconds;

void RegisterTestComponents(ComponentRegistry& registry) {
  auto ok = [](Status s) { ASSERT_TRUE(s.ok()) << s.ToString(); };
  ok(registry.Register(
      ComponentSpec::Input("webhook")
          .Field(StringField("path").Required())
          .Field(ObjectField("signature")
                     .Field(EnumField("preset", {"shopify", "stripe", "hmac-sha256"}).Required())
                     .Field(StringField("secret").Required().Secret()))
          .Field(SizeField("max_body").Default("1MB").Min(1))));
  ok(registry.Register(ComponentSpec::Input("file").Field(StringField("path").Required())));
  ok(registry.Register(ComponentSpec::Step("validate").Field(StringField("schema").Required())));
  ok(registry.Register(ComponentSpec::Step("map")
                           .Field(StringField("expression"))
                           .Field(StringField("file"))
                           .Check(ExactlyOneOf({"expression", "file"}))));
  ok(registry.Register(ComponentSpec::Output("http")
                           .Field(StringField("url").Required())
                           .Field(MapField("headers", StringField("h")))
                           .Field(HttpAuthField())
                           .Field(DurationField("timeout").Default("30s"))));
  ok(registry.Register(ComponentSpec::Output("file")
                           .Field(StringField("path").Required())
                           .Field(StringField("partner"))));
}

class ConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    RegisterTestComponents(registry_);
    options_.env = [this](std::string_view name) -> std::optional<std::string> {
      auto it = env_.find(std::string(name));
      if (it == env_.end()) {
        return std::nullopt;
      }
      return it->second;
    };
    options_.read_file = [this](const std::string& path) -> Result<std::string> {
      auto it = files_.find(path);
      if (it == files_.end()) {
        return NotFoundError("No such file or directory", path);
      }
      return it->second;
    };
  }

  Result<Config, Diagnostics> Load(const std::string& yaml) {
    return LoadConfigText(yaml, "/etc/erphub/hub.yaml", registry_, options_);
  }

  // The diagnostics of a config that must fail, one formatted line each.
  std::vector<std::string> Errors(const std::string& yaml) {
    auto config = Load(yaml);
    EXPECT_FALSE(config.ok()) << "config unexpectedly valid:\n" << yaml;
    std::vector<std::string> lines;
    if (!config.ok()) {
      for (const Diagnostic& d : config.error()) {
        lines.push_back(d.ToString());
      }
    }
    return lines;
  }

  ComponentRegistry registry_;
  ConfigLoadOptions options_;
  std::map<std::string, std::string> env_;
  std::map<std::string, std::string> files_;
};

constexpr char kShopConfig[] = R"(listen: ${ERPHUB_LISTEN:-127.0.0.1:8080}
store:
  url: ${ERPHUB_STORE:-sqlite:./data/hub.db}
  fsync: normal
systems:
  erp:
    url: https://erp.example.com
    auth: {type: bearer, token: "${ERP_TOKEN}"}
flows:
  shop-orders:
    description: Web-shop orders into the ERP.
    from:
      webhook:
        path: /webhooks/shop/orders
        signature:
          preset: shopify
          secret: ${SHOP_WEBHOOK_SECRET}
    key: $string(id)
    steps:
      - validate: {schema: shopify_order.json}
      - map:
          file: order.jsonata
      - name: canonical
        validate: {schema: sales_order.json}
    to:
      - http:
          url: ${ERP_URL}/sales-orders
          headers: {Accept: application/json}
          timeout: 10s
    retry: {initial: 500ms, max_delay: 1m, max_attempts: 5, max_age: 2h}
    on_dead_letter: block_key
)";

TEST_F(ConfigTest, LoadsTypedConfig) {
  env_ = {{"SHOP_WEBHOOK_SECRET", "whsec-123"},
          {"ERP_URL", "http://127.0.0.1:9000"},
          {"ERP_TOKEN", "erp-token-1"},
          {"ERPHUB_LISTEN", ""}};
  auto config = Load(kShopConfig);
  ASSERT_TRUE(config.ok()) << config.error().ToString();
  EXPECT_EQ(config->file, "/etc/erphub/hub.yaml");
  EXPECT_EQ(config->base_dir, "/etc/erphub");
  EXPECT_EQ(config->listen, "127.0.0.1:8080");
  EXPECT_EQ(config->store.url, "sqlite:./data/hub.db");
  EXPECT_EQ(config->store.fsync, FsyncMode::kNormal);

  ASSERT_EQ(config->systems.size(), 1u);
  const SystemConfig* erp = config->FindSystem("erp");
  ASSERT_NE(erp, nullptr);
  EXPECT_EQ(erp->url, "https://erp.example.com");
  EXPECT_EQ(erp->timeout, milliseconds(30'000));
  EXPECT_EQ(erp->fields.Get("auth").Get("token").as_string(), "erp-token-1");

  ASSERT_EQ(config->flows.size(), 1u);
  const FlowConfig* flow = config->FindFlow("shop-orders");
  ASSERT_NE(flow, nullptr);
  EXPECT_EQ(flow->path, "flows.shop-orders");
  EXPECT_EQ(flow->place.line, 10);
  EXPECT_EQ(flow->description, "Web-shop orders into the ERP.");
  EXPECT_EQ(flow->from.type, "webhook");
  EXPECT_EQ(flow->from.kind, ComponentKind::kInput);
  EXPECT_EQ(flow->from.path, "flows.shop-orders.from");
  EXPECT_EQ(flow->from.GetString("path"), "/webhooks/shop/orders");
  EXPECT_EQ(flow->from.GetString("signature.preset"), "shopify");
  EXPECT_EQ(flow->from.GetString("signature.secret"), "whsec-123");
  EXPECT_EQ(flow->from.GetSize("max_body"), 1'000'000u);
  EXPECT_EQ(flow->key, "$string(id)");
  EXPECT_EQ(flow->key_place.line, 18);
  EXPECT_EQ(flow->key_place.column, 10);

  ASSERT_EQ(flow->steps.size(), 3u);
  EXPECT_EQ(flow->steps[0].type, "validate");
  EXPECT_EQ(flow->steps[1].type, "map");
  EXPECT_EQ(flow->steps[1].GetString("file"), "order.jsonata");
  EXPECT_EQ(flow->steps[1].path, "flows.shop-orders.steps[1]");
  EXPECT_EQ(flow->steps[1].PlaceOf("file").line, 22);
  EXPECT_EQ(flow->steps[1].PlaceOf("file").column, 17);
  EXPECT_EQ(flow->steps[2].name, "canonical");
  EXPECT_EQ(flow->steps[2].type, "validate");

  ASSERT_EQ(flow->to.size(), 1u);
  EXPECT_EQ(flow->to[0].name, "http");
  EXPECT_EQ(flow->to[0].GetString("url"), "http://127.0.0.1:9000/sales-orders");
  EXPECT_EQ(flow->to[0].GetString("headers.Accept"), "application/json");
  EXPECT_EQ(flow->to[0].GetDuration("timeout"), milliseconds(10'000));

  EXPECT_EQ(flow->retry.initial, milliseconds(500));
  EXPECT_EQ(flow->retry.max_delay, milliseconds(60'000));
  EXPECT_EQ(flow->retry.max_attempts, 5);
  EXPECT_EQ(flow->retry.max_age, milliseconds(7'200'000));
  EXPECT_EQ(flow->on_dead_letter, DeadLetterPolicy::kBlockKey);
}

TEST_F(ConfigTest, AppliesDefaults) {
  auto config = Load(R"(flows:
  f:
    from: {file: {path: in}}
    to: [{file: {path: out}}]
)");
  ASSERT_TRUE(config.ok()) << config.error().ToString();
  EXPECT_EQ(config->listen, "127.0.0.1:8080");
  EXPECT_EQ(config->store.url, "sqlite:./data/hub.db");
  EXPECT_EQ(config->store.fsync, FsyncMode::kFull);
  const FlowConfig& flow = config->flows[0];
  EXPECT_TRUE(flow.steps.empty());
  EXPECT_TRUE(flow.key.empty());
  EXPECT_EQ(flow.retry.initial, milliseconds(1'000));
  EXPECT_EQ(flow.retry.max_delay, milliseconds(300'000));
  EXPECT_EQ(flow.retry.max_attempts, 10);
  EXPECT_EQ(flow.retry.max_age, milliseconds(86'400'000));
  EXPECT_EQ(flow.on_dead_letter, DeadLetterPolicy::kContinue);
  EXPECT_EQ(flow.to[0].name, "file");
}

TEST_F(ConfigTest, InterpolatesVariablesAndDefaults) {
  env_ = {{"PORT", "9000"}, {"EMPTY", ""}, {"MAX", "2MB"}};
  auto config = Load(R"(listen: ${HOST:-0.0.0.0}:${PORT}
flows:
  f:
    from: {webhook: {path: "/${EMPTY:-orders}", max_body: "${MAX}",
           signature: {preset: stripe, secret: x}}}
    to: [{http: {url: "http://h/$${id}"}}]
)");
  ASSERT_TRUE(config.ok()) << config.error().ToString();
  EXPECT_EQ(config->listen, "0.0.0.0:9000");
  EXPECT_EQ(config->flows[0].from.GetString("path"), "/orders");
  EXPECT_EQ(config->flows[0].from.GetSize("max_body"), 2'000'000u);
  EXPECT_EQ(config->flows[0].to[0].GetString("url"), "http://h/${id}");
}

TEST_F(ConfigTest, UnsetVariablePointsAtItsReference) {
  EXPECT_EQ(Errors(R"(flows:
  f:
    from:
      webhook:
        path: /x
        signature: {preset: shopify, secret: "${SHOP_SECRET}"}
    to:
      - http: {url: "${A:-http://a}/${B}"}
)"),
            (std::vector<std::string>{
                "/etc/erphub/hub.yaml:6:47: flows.f.from.signature.secret: environment variable "
                "SHOP_SECRET is not set (write ${SHOP_SECRET:-default} to give a default)",
                "/etc/erphub/hub.yaml:8:37: flows.f.to[0].url: environment variable B is not set "
                "(write ${B:-default} to give a default)",
            }));
}

TEST(InterpolateTest, SyntaxErrorsNameTheOffset) {
  EnvLookup env = [](std::string_view name) -> std::optional<std::string> {
    if (name == "A") {
      return "alpha";
    }
    return std::nullopt;
  };
  EXPECT_EQ(*Interpolate("x${A}y${B:-b}z$", env),
            "xalphayb"
            "z$");
  EXPECT_EQ(*Interpolate("$A ${A:-}", env), "$A alpha");
  auto unclosed = Interpolate("ab${A", env);
  ASSERT_FALSE(unclosed.ok());
  EXPECT_EQ(unclosed.error().offset, 2u);
  auto bad_name = Interpolate("${1X}", env);
  ASSERT_FALSE(bad_name.ok());
  EXPECT_NE(bad_name.error().message.find("variable name"), std::string::npos);
  auto bad_default = Interpolate("${A-secretdefault}", env);
  ASSERT_FALSE(bad_default.ok());
  EXPECT_EQ(bad_default.error().message.find("secretdefault"), std::string::npos);
}

TEST_F(ConfigTest, ReadsFileSecretsOnlyInSecretFields) {
  files_ = {{"/run/secrets/shop", "from-file\n"}, {"/etc/erphub/erp-token", "tok\n"}};
  auto config = Load(R"(flows:
  f:
    from: {webhook: {path: /x, signature: {preset: shopify, secret: "file:/run/secrets/shop"}}}
    to:
      - http:
          url: http://h/
          headers: {X-Token: "file:/run/secrets/shop"}
          auth: {type: bearer, token: "file:erp-token"}
)");
  ASSERT_TRUE(config.ok()) << config.error().ToString();
  const FlowConfig& flow = config->flows[0];
  EXPECT_EQ(flow.from.GetString("signature.secret"), "from-file");
  EXPECT_EQ(flow.to[0].GetString("headers.X-Token"), "file:/run/secrets/shop");
  EXPECT_EQ(flow.to[0].GetString("auth.token"), "tok");
}

TEST_F(ConfigTest, MissingSecretFileIsAnError) {
  EXPECT_EQ(Errors(R"(flows:
  f:
    from: {webhook: {path: /x, signature: {preset: shopify, secret: file:/nope}}}
    to: [http: {url: http://h}]
)"),
            (std::vector<std::string>{
                "/etc/erphub/hub.yaml:3:69: flows.f.from.signature.secret: cannot read secret "
                "file \"/nope\": No such file or directory"}));
}

TEST_F(ConfigTest, ReportsEveryKindOfProblemAtOnceInFileOrder) {
  EXPECT_EQ(Errors(R"(listen: localhost
store: {url: "mysql://u:pw@h/db", fsync: always}
colour: blue
systems:
  erp: {auth: {type: basic, username: u}}
flows:
  bad name:
    from: {file: {path: in}}
    to: [{file: {path: out}}]
  orders:
    from:
      webhok: {path: /x}
    steps:
      - map: {expression: "$", file: m.jsonata}
      - validate: {}
      - transform: {}
    to:
      - http: {url: http://a, timeout: soon, extra: 1}
      - http: {url: http://b}
    retry: {initial: 10s, max_delay: 1s, max_attempts: 0}
    on_dead_letter: drop
  empty:
    from: {file: {path: in}}
    steps: {validate: {}}
)"),
            (std::vector<std::string>{
                "/etc/erphub/hub.yaml:1:9: listen: \"localhost\" is not an address such as "
                "127.0.0.1:8080",
                "/etc/erphub/hub.yaml:2:14: store.url: expected sqlite:PATH or postgres://HOST/DB",
                "/etc/erphub/hub.yaml:2:42: store.fsync: \"always\" is not one of full, normal",
                "/etc/erphub/hub.yaml:3:1: colour: unknown field; known fields: listen, admin, "
                "store, systems, value_maps, partners",
                "/etc/erphub/hub.yaml:5:3: systems.erp.url: required field is missing",
                "/etc/erphub/hub.yaml:5:9: systems.erp.auth: \"password\" is required when type "
                "is basic",
                "/etc/erphub/hub.yaml:7:3: flows[\"bad name\"]: flow names use only letters, "
                "digits, '-' and '_'",
                "/etc/erphub/hub.yaml:12:7: flows.orders.from: unknown input \"webhok\" (did you "
                "mean \"webhook\"?); known inputs: file, webhook",
                "/etc/erphub/hub.yaml:14:38: flows.orders.steps[0].file: set only one of "
                "expression or file",
                "/etc/erphub/hub.yaml:15:9: flows.orders.steps[1].schema: required field is "
                "missing",
                "/etc/erphub/hub.yaml:16:9: flows.orders.steps[2]: unknown step \"transform\"; "
                "known steps: map, validate",
                "/etc/erphub/hub.yaml:18:40: flows.orders.to[0].timeout: \"soon\" is not a "
                "duration such as 30s, 5m, 1h30m or 250ms",
                "/etc/erphub/hub.yaml:18:46: flows.orders.to[0].extra: unknown field; known "
                "fields: url, headers, auth, timeout",
                "/etc/erphub/hub.yaml:19:9: flows.orders.to[1]: another output of this flow is "
                "already named \"http\"; give each output a distinct `name:`",
                "/etc/erphub/hub.yaml:20:56: flows.orders.retry.max_attempts: 0 is below the "
                "minimum 1",
                "/etc/erphub/hub.yaml:21:21: flows.orders.on_dead_letter: \"drop\" is not one of "
                "continue, block_key",
                "/etc/erphub/hub.yaml:22:3: flows.empty.to: required field is missing: a flow "
                "needs at least one output",
                "/etc/erphub/hub.yaml:24:12: flows.empty.steps: expected a list of steps, found a "
                "mapping",
            }));
}

TEST_F(ConfigTest, CrossFieldRetryCheck) {
  EXPECT_EQ(Errors(R"(flows:
  f:
    from: {file: {path: in}}
    to: [file: {path: out}]
    retry:
      initial: 10s
      max_delay: 1s
)"),
            (std::vector<std::string>{"/etc/erphub/hub.yaml:7:18: flows.f.retry.max_delay: is "
                                      "shorter than initial"}));
}

TEST_F(ConfigTest, StructuralProblems) {
  EXPECT_EQ(Errors(""), (std::vector<std::string>{"/etc/erphub/hub.yaml:1:1: the config is "
                                                  "empty; it needs at least a `flows:` section"}));
  EXPECT_EQ(Errors("- a\n"),
            (std::vector<std::string>{"/etc/erphub/hub.yaml:1:1: expected a mapping of settings at "
                                      "the top, found a list"}));
  EXPECT_EQ(Errors("listen: 127.0.0.1:1\n"),
            (std::vector<std::string>{"/etc/erphub/hub.yaml:1:1: flows: required field is "
                                      "missing: a config needs at least one flow"}));
  EXPECT_EQ(Errors("flows:\n  f: {to: [{file: {path: o}}]}\n  g: {from: file, to: []}\n"),
            (std::vector<std::string>{
                "/etc/erphub/hub.yaml:2:3: flows.f.from: required field is missing: a flow "
                "needs one input",
                "/etc/erphub/hub.yaml:3:13: flows.g.from.path: required field is missing",
                "/etc/erphub/hub.yaml:3:19: flows.g.to: needs at least one output",
            }));
  EXPECT_EQ(Errors("flows:\n  f:\n    from: {file: {path: a}, webhook: {path: /b}}\n    to: "
                   "[file: {path: o}]\n"),
            (std::vector<std::string>{
                "/etc/erphub/hub.yaml:3:5: flows.f.from: expected one input here, found 2 keys "
                "(file, webhook); a component's fields go under its name, as in {file: {...}}"}));
}

TEST_F(ConfigTest, YamlSyntaxAndDuplicateKeys) {
  EXPECT_EQ(Errors("flows:\n  f: [a, b\n  g: 1\n"),
            (std::vector<std::string>{
                "/etc/erphub/hub.yaml:3:4: invalid YAML: end of sequence flow not found"}));
  EXPECT_EQ(Errors("listen: a:1\nlisten: b:2\nflows: {}\n"),
            (std::vector<std::string>{"/etc/erphub/hub.yaml:2:1: duplicate key \"listen\""}));
}

TEST_F(ConfigTest, SecretsNeverAppearInErrorsOrDisplay) {
  env_ = {{"SHOP_SECRET", "sup3r-s3cret"}};
  files_ = {{"/run/pw", "f1le-s3cret\n"}};
  auto bad = Load(R"(flows:
  f:
    from: {webhook: {path: /x, max_body: 0,
                     signature: {preset: shopfy, secret: "${SHOP_SECRET}"}}}
    to:
      - http: {url: http://h, auth: {type: bearer, token: "sup3r-s3cret", password: file:/run/pw}}
      - http: {url: http://h, auth: {type: basic, username: u, password: [sup3r-s3cret]}}
)");
  ASSERT_FALSE(bad.ok());
  std::string text = bad.error().ToString();
  EXPECT_GE(bad.error().size(), 4u) << text;
  EXPECT_EQ(text.find("s3cret"), std::string::npos) << text;

  auto good = Load(R"(store: {url: "postgres://hub:pg-s3cret@db/hub"}
systems:
  erp: {url: http://erp, auth: {type: basic, username: u, password: file:/run/pw}}
flows:
  f:
    from: {webhook: {path: /x, signature: {preset: shopify, secret: "${SHOP_SECRET}"}}}
    to:
      - http: {url: http://h, auth: {type: oauth2, token_url: http://t, client_id: c,
                                     client_secret: sup3r-s3cret}}
)");
  ASSERT_TRUE(good.ok()) << good.error().ToString();
  std::string shown = ToJson(good->ToDisplayValue());
  EXPECT_EQ(shown.find("s3cret"), std::string::npos) << shown;
  EXPECT_NE(shown.find(R"("secret":"[redacted]")"), std::string::npos) << shown;
  EXPECT_NE(shown.find("postgres://hub:[redacted]@db/hub"), std::string::npos) << shown;
  EXPECT_NE(shown.find(R"("max_body":"1MB")"), std::string::npos) << shown;
  EXPECT_NE(shown.find(R"("initial":"1s")"), std::string::npos) << shown;
}

TEST_F(ConfigTest, OutputPoliciesAndTheAdminToken) {
  auto config = Load(R"(admin: {token: adm-s3cret}
flows:
  f:
    from: {webhook: {path: /x}}
    to:
      - name: erp
        http: {url: http://h}
        circuit_breaker: {failures: 3, cool_down: 1m}
        on_status: {409: success, 4xx: transient, 503: permanent}
      - http: {url: http://g}
)");
  ASSERT_TRUE(config.ok()) << config.error().ToString();
  EXPECT_EQ(config->admin.token, "adm-s3cret");
  const FlowConfig& flow = config->flows[0];
  ASSERT_EQ(flow.to.size(), 2u);
  const OutputPolicy& erp = flow.PolicyOf("erp");
  EXPECT_EQ(erp.circuit_breaker.failures, 3);
  EXPECT_EQ(erp.circuit_breaker.cool_down, std::chrono::minutes(1));
  EXPECT_EQ(erp.OutcomeFor(409), StatusOutcome::kSuccess);
  EXPECT_EQ(erp.OutcomeFor(422), StatusOutcome::kTransient);
  EXPECT_EQ(erp.OutcomeFor(503), StatusOutcome::kPermanent);
  EXPECT_EQ(erp.OutcomeFor(500), std::nullopt);
  EXPECT_EQ(erp.OutcomeFor(0), std::nullopt);
  // Defaults for an output without policy keys.
  const OutputPolicy& other = flow.PolicyOf("http");
  EXPECT_EQ(other.circuit_breaker.failures, 5);
  EXPECT_EQ(other.circuit_breaker.cool_down, std::chrono::seconds(30));
  EXPECT_TRUE(other.on_status.empty());

  std::string shown = ToJson(config->ToDisplayValue());
  EXPECT_EQ(shown.find("adm-s3cret"), std::string::npos) << shown;
  EXPECT_NE(shown.find(R"("admin":{"token":"[redacted]"})"), std::string::npos) << shown;
  EXPECT_NE(shown.find(R"("circuit_breaker":{"failures":3,"cool_down":"1m"},)"
                       R"("on_status":{"409":"success","4xx":"transient","503":"permanent"})"),
            std::string::npos)
      << shown;
  EXPECT_NE(shown.find(R"("circuit_breaker":{"failures":5,"cool_down":"30s"})"), std::string::npos)
      << shown;

  std::vector<std::string> errors = Errors(R"(flows:
  f:
    from: {webhook: {path: /x}}
    to:
      - http: {url: http://h}
        circuit_breaker: {failures: -1}
        on_status: {200: success, "4": transient}
        retries: 3
)");
  ASSERT_EQ(errors.size(), 4u) << ::testing::PrintToString(errors);
  // In file order: the unknown key is reported at the output, before the policy's values.
  EXPECT_NE(errors[0].find("flows.f.to[0]: expected one output here, found 2 keys"),
            std::string::npos)
      << errors[0];
  EXPECT_NE(errors[1].find("flows.f.to[0].circuit_breaker.failures: -1 is below the minimum 0"),
            std::string::npos)
      << errors[1];
  EXPECT_NE(errors[2].find("flows.f.to[0].on_status.200: expected an HTTP status"),
            std::string::npos)
      << errors[2];
  EXPECT_NE(errors[3].find("flows.f.to[0].on_status.4: expected an HTTP status"), std::string::npos)
      << errors[3];
}

TEST_F(ConfigTest, LoadConfigFileReportsAnUnreadableFile) {
  auto config = LoadConfigFile("/no/such/hub.yaml", registry_, options_);
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.error().ToString(),
            "/no/such/hub.yaml: cannot read the config: No such file or directory\n");
  files_["/ok/hub.yaml"] = "flows:\n  f: {from: {file: {path: i}}, to: [file: {path: o}]}\n";
  auto loaded = LoadConfigFile("/ok/hub.yaml", registry_, options_);
  ASSERT_TRUE(loaded.ok()) << loaded.error().ToString();
  EXPECT_EQ(loaded->base_dir, "/ok");
}

TEST_F(ConfigTest, PartnersAreValidatedAndComponentsMustNameOne) {
  const std::string flows = R"(flows:
  edi:
    from: {file: {path: in}}
    to:
      - file: {path: out, partner: acme}
      - name: second
        file: {path: out2, partner: globex}
)";
  auto config = Load(R"(partners:
  acme: {sender_id: ERPHUB, receiver_id: ACME, delimiters: {element: "|"}, ack: "997"}
)" + flows);
  ASSERT_FALSE(config.ok());
  ASSERT_EQ(config.error().size(), 1u);
  EXPECT_EQ(config.error().begin()->ToString(),
            "/etc/erphub/hub.yaml:9:37: flows.edi.to[1].partner: unknown partner \"globex\"; "
            "partners are: acme");

  auto good = Load(R"(partners:
  acme: {sender_id: ERPHUB, receiver_id: ACME, delimiters: {element: "|"}, ack: "997"}
  globex: {sender_id: ERPHUB, receiver_id: GLOBEX, test: true}
)" + flows);
  ASSERT_TRUE(good.ok()) << good.error().ToString();
  const Value& acme = good->partners.Get("acme");
  EXPECT_EQ(acme.Get("sender_qualifier").as_string(), "ZZ");
  EXPECT_EQ(acme.Get("version").as_string(), "00401");
  EXPECT_EQ(acme.Get("delimiters").Get("element").as_string(), "|");
  EXPECT_EQ(ToJson(good->ToDisplayValue().Get("partners").Get("globex").Get("test")), "true");

  std::vector<std::string> errors = Errors(R"(partners:
  acme: {sender_id: ERPHUB, delimiters: {element: "||"}, color: red}
)" + flows);
  ASSERT_EQ(errors.size(), 4u) << ::testing::PrintToString(errors);
  EXPECT_NE(errors[0].find("partners.acme.receiver_id: required"), std::string::npos);
  EXPECT_NE(errors[1].find("partners.acme.delimiters.element"), std::string::npos);
  EXPECT_NE(errors[2].find("partners.acme.color: unknown field"), std::string::npos);
  EXPECT_NE(errors[3].find("unknown partner \"globex\""), std::string::npos);
}

TEST_F(ConfigTest, UnknownPartnerWithoutAPartnersSection) {
  std::vector<std::string> errors = Errors(R"(flows:
  edi:
    from: {file: {path: in}}
    to: [{file: {path: out, partner: acme}}]
)");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0],
            "/etc/erphub/hub.yaml:4:38: flows.edi.to[0].partner: unknown partner \"acme\"; the "
            "config has no `partners:`");
}

TEST(DiagnosticTest, FormatsWhatIsKnown) {
  EXPECT_EQ((Diagnostic{"a.yaml", 3, 7, "flows.x", "bad"}).ToString(), "a.yaml:3:7: flows.x: bad");
  EXPECT_EQ((Diagnostic{"a.yaml", 3, 0, "", "bad"}).ToString(), "a.yaml:3: bad");
  EXPECT_EQ((Diagnostic{"a.yaml", 0, 0, "p", "bad"}).ToString(), "a.yaml: p: bad");
  EXPECT_EQ((Diagnostic{"", 0, 0, "", "bad"}).ToString(), "bad");
  Diagnostics list;
  list.Add({"a", 2, 1, "", "second"});
  list.Add({"a", 1, 5, "", "first"});
  list.Add({"a", 2, 1, "", "second"});
  list.Sort();
  EXPECT_EQ(list.ToString(), "a:1:5: first\na:2:1: second\n");
  EXPECT_EQ(list.ToStatus().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(list.ToStatus().message(), "a:1:5: first\na:2:1: second");
}

}  // namespace
}  // namespace erphub

namespace erphub {
namespace {

constexpr char kValueMapsConfig[] = R"(value_maps:
  uom: {pcs: Unit, kg: Kilogram}
  tax_rate: {"0.19": DE-VAT-19}
flows:
  f:
    from: {file: {path: in}}
    to:
      - file: {path: out}
)";

TEST_F(ConfigTest, ValueMapsAreTablesForMappings) {
  auto config = Load(kValueMapsConfig);
  ASSERT_TRUE(config.ok()) << config.error().ToString();
  EXPECT_EQ(config->value_maps.Get("uom").Get("kg").as_string(), "Kilogram");
  EXPECT_EQ(config->value_maps.Get("tax_rate").Get("0.19").as_string(), "DE-VAT-19");
  EXPECT_EQ(config->ToDisplayValue().Get("value_maps").Get("uom").Get("pcs").as_string(), "Unit");
}

TEST_F(ConfigTest, AValueMapMustBeAMapping) {
  std::vector<std::string> errors = Errors(R"(value_maps:
  uom: [pcs, kg]
flows:
  f:
    from: {file: {path: in}}
    to:
      - file: {path: out}
)");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].find("hub.yaml:2:8: value_maps.uom"), std::string::npos) << errors[0];
}

}  // namespace
}  // namespace erphub
