#include "core/component_spec.h"

#include <gtest/gtest.h>

#include <string>

#include "core/component_registry.h"
#include "core/config_node.h"
#include "core/json.h"
#include "core/spec_validator.h"

namespace erphub {
namespace {

using std::chrono::milliseconds;

ComponentSpec BatchStepSpec() {
  return ComponentSpec::Step("batch")
      .Summary("Groups messages.")
      .Field(IntField("batch_size").Default(100).Min(1).Max(10'000).Description("Per batch."))
      .Field(NumberField("ratio").Default(Value::Num(*Number::Parse("0.5"))))
      .Field(BoolField("strict").Default(false))
      .Field(DurationField("wait").Default("30s").Min(milliseconds(10)).Max(milliseconds(60'000)))
      .Field(SizeField("limit").Default("1MB"))
      .Field(EnumField("order", {"fifo", "lifo"}).Default("fifo"))
      .Field(StringField("label").Min(2).Max(5))
      .Field(StringField("token").Secret())
      .Field(ObjectField("retry")
                 .Field(IntField("attempts").Default(3))
                 .Field(DurationField("delay").Default("1s")))
      .Field(ListField("routes", ObjectField("route")
                                     .Field(StringField("to").Required())
                                     .Field(IntField("weight").Default(1)))
                 .Max(3))
      .Field(MapField("headers", StringField("header")))
      .Field(AnyField("extra"));
}

// Validates `yaml` as the fields of BatchStepSpec at path "flows.f.steps[2]".
struct Validated {
  Value value;
  Diagnostics diagnostics;
  std::map<std::string, SourcePlace, std::less<>> places;
};

Validated ValidateAgainst(const FieldSpec& spec, const std::string& yaml, ValidationEnv env = {}) {
  auto node = ParseConfigYaml(yaml, "test.yaml");
  EXPECT_TRUE(node.ok()) << (node.ok() ? "" : node.error().ToString());
  env.source = yaml;
  SpecValidator validator("test.yaml", env);
  Validated out;
  out.value = validator.Validate(spec, &*node, "flows.f.steps[2]", SourcePlace{1, 1});
  out.diagnostics = validator.diagnostics();
  out.diagnostics.Sort();
  out.places = validator.places();
  return out;
}

std::vector<std::string> Lines(const Diagnostics& diagnostics) {
  std::vector<std::string> lines;
  for (const Diagnostic& d : diagnostics) {
    lines.push_back(d.ToString());
  }
  return lines;
}

TEST(FieldSpecTest, BuilderRecordsEverything) {
  ComponentSpec spec = BatchStepSpec();
  EXPECT_EQ(spec.kind(), ComponentKind::kStep);
  EXPECT_EQ(spec.name(), "batch");
  EXPECT_EQ(spec.summary(), "Groups messages.");
  const FieldSpec* size = spec.root().FindField("batch_size");
  ASSERT_NE(size, nullptr);
  EXPECT_EQ(size->type(), FieldType::kInt);
  EXPECT_EQ(size->description(), "Per batch.");
  EXPECT_EQ(size->min(), Number::FromInt(1));
  EXPECT_EQ(size->max(), Number::FromInt(10'000));
  EXPECT_TRUE(size->has_default());
  EXPECT_TRUE(spec.root().FindField("token")->secret());
  EXPECT_EQ(spec.root().FindField("routes")->element().fields().size(), 2u);
  EXPECT_EQ(spec.root().FindField("nope"), nullptr);
  EXPECT_EQ(FieldTypeName(FieldType::kDuration), "duration");
  EXPECT_EQ(ComponentKindName(ComponentKind::kOutput), "output");
}

TEST(ComponentRegistryTest, FindsByKindAndName) {
  ComponentRegistry registry;
  ASSERT_TRUE(registry.Register(BatchStepSpec()).ok());
  ASSERT_TRUE(registry.Register(ComponentSpec::Output("batch")).ok());
  ASSERT_TRUE(registry.Register(ComponentSpec::Step("alpha")).ok());
  EXPECT_NE(registry.FindSpec(ComponentKind::kStep, "batch"), nullptr);
  EXPECT_EQ(registry.FindSpec(ComponentKind::kStep, "batch")->kind(), ComponentKind::kStep);
  EXPECT_EQ(registry.FindSpec(ComponentKind::kOutput, "batch")->kind(), ComponentKind::kOutput);
  EXPECT_EQ(registry.FindSpec(ComponentKind::kInput, "batch"), nullptr);
  EXPECT_EQ(registry.Names(ComponentKind::kStep), (std::vector<std::string>{"alpha", "batch"}));
  EXPECT_EQ(registry.Specs(ComponentKind::kOutput).size(), 1u);
  EXPECT_FALSE(registry.Find(ComponentKind::kStep, "batch")->factory);
}

TEST(ComponentRegistryTest, RejectsDuplicatesAndBadDefaults) {
  ComponentRegistry registry;
  ASSERT_TRUE(registry.Register(BatchStepSpec()).ok());
  Status again = registry.Register(BatchStepSpec());
  EXPECT_EQ(again.code(), StatusCode::kAlreadyExists);

  Status bad_duration =
      registry.Register(ComponentSpec::Step("x").Field(DurationField("wait").Default("soon")));
  EXPECT_EQ(bad_duration.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(bad_duration.ToString().find("wait"), std::string::npos);
  Status bad_enum = registry.Register(
      ComponentSpec::Step("y").Field(ObjectField("o").Field(EnumField("e", {"a"}).Default("b"))));
  EXPECT_EQ(bad_enum.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(bad_enum.ToString().find("o.e"), std::string::npos);
  EXPECT_EQ(registry.FindSpec(ComponentKind::kStep, "y"), nullptr);
}

TEST(ComponentRegistryTest, BuildsThroughTheFactory) {
  struct Built : Component {
    int64_t size;
    explicit Built(int64_t s) : size(s) {}
  };
  ComponentRegistry registry;
  ASSERT_TRUE(registry
                  .Register(BatchStepSpec(),
                            [](const ComponentConfig& config,
                               const ComponentEnv&) -> Result<std::unique_ptr<Component>> {
                              return std::unique_ptr<Component>(
                                  new Built(config.GetInt("batch_size")));
                            })
                  .ok());
  ComponentConfig config;
  config.fields = *ParseJson(R"({"batch_size": 7})");
  auto built = registry.Find(ComponentKind::kStep, "batch")->factory(config, ComponentEnv{});
  ASSERT_TRUE(built.ok());
  EXPECT_EQ(static_cast<Built&>(**built).size, 7);
}

TEST(SpecValidatorTest, TypesValuesAndAppliesDefaults) {
  Validated v = ValidateAgainst(BatchStepSpec().root(), R"(
batch_size: 250
ratio: 0.1
strict: true
wait: 45s
limit: 2MiB
order: lifo
label: abc
routes:
  - to: erp
  - {to: crm, weight: 3}
headers: {Accept: application/json, X-Count: 3}
extra: {a: [1, "2", null, true, 1.50]}
)");
  EXPECT_TRUE(v.diagnostics.empty()) << v.diagnostics.ToString();
  EXPECT_EQ(ToJson(v.value),
            R"({"batch_size":250,"ratio":0.1,"strict":true,"wait":45000,"limit":2097152,)"
            R"("order":"lifo","label":"abc","retry":{"attempts":3,"delay":1000},)"
            R"("routes":[{"to":"erp","weight":1},{"to":"crm","weight":3}],)"
            R"("headers":{"Accept":"application/json","X-Count":"3"},)"
            R"("extra":{"a":[1,"2",null,true,1.5]}})");
  EXPECT_TRUE(v.value.Get("ratio").as_number().is_exact());
}

TEST(SpecValidatorTest, EmptyConfigGetsAllDefaults) {
  Validated v = ValidateAgainst(BatchStepSpec().root(), "{}");
  EXPECT_TRUE(v.diagnostics.empty()) << v.diagnostics.ToString();
  EXPECT_EQ(ToJson(v.value),
            R"({"batch_size":100,"ratio":0.5,"strict":false,"wait":30000,"limit":1000000,)"
            R"("order":"fifo","retry":{"attempts":3,"delay":1000}})");
}

TEST(SpecValidatorTest, ReportsEveryProblemWithPlaceAndPath) {
  Validated v = ValidateAgainst(BatchStepSpec().root(), R"(batch_size: 0
ratio: lots
strict: yes
wait: 5ms
limit: 1XB
order: lifi
label: a
routes:
  - weight: 2
  - to: [x]
  -
headers: {Accept: }
bogus: 1
retry: {attempts: 1.5, dealy: 2s}
)");
  EXPECT_EQ(Lines(v.diagnostics),
            (std::vector<std::string>{
                "test.yaml:1:13: flows.f.steps[2].batch_size: 0 is below the minimum 1",
                "test.yaml:2:8: flows.f.steps[2].ratio: \"lots\" is not a number",
                "test.yaml:3:9: flows.f.steps[2].strict: \"yes\" is not true or false",
                "test.yaml:4:7: flows.f.steps[2].wait: 5ms is below the minimum 10ms",
                "test.yaml:5:8: flows.f.steps[2].limit: \"1XB\" is not a size such as 512KB, 1MB "
                "or 2MiB",
                "test.yaml:6:8: flows.f.steps[2].order: \"lifi\" is not one of fifo, lifo (did you "
                "mean \"lifo\"?)",
                "test.yaml:7:8: flows.f.steps[2].label: \"a\" is shorter than the minimum length 2",
                "test.yaml:9:3: flows.f.steps[2].routes[2]: empty list item",
                "test.yaml:9:5: flows.f.steps[2].routes[0].to: required field is missing",
                "test.yaml:10:9: flows.f.steps[2].routes[1].to: expected a string, found a list",
                "test.yaml:12:11: flows.f.steps[2].headers.Accept: missing value",
                "test.yaml:13:1: flows.f.steps[2].bogus: unknown field; known fields: batch_size, "
                "ratio, strict, wait, limit, order, label, token, retry, routes, headers, extra",
                "test.yaml:14:19: flows.f.steps[2].retry.attempts: \"1.5\" is not an integer",
                "test.yaml:14:24: flows.f.steps[2].retry.dealy: unknown field (did you mean "
                "\"delay\"?); known fields: attempts, delay",
            }));
}

TEST(SpecValidatorTest, ListAndMapCountsAndRangeAbove) {
  Validated v = ValidateAgainst(BatchStepSpec().root(), R"(batch_size: 10001
wait: 2m
routes: [{to: a}, {to: b}, {to: c}, {to: d}]
label: abcdefgh
)");
  EXPECT_EQ(Lines(v.diagnostics),
            (std::vector<std::string>{
                "test.yaml:1:13: flows.f.steps[2].batch_size: 10001 is above the maximum 10000",
                "test.yaml:2:7: flows.f.steps[2].wait: 2m is above the maximum 1m",
                "test.yaml:3:9: flows.f.steps[2].routes: allows at most 3 items, found 4",
                "test.yaml:4:8: flows.f.steps[2].label: \"abcdefgh\" is longer than the maximum "
                "length 5",
            }));
}

TEST(SpecValidatorTest, WrongShapeAtTheTop) {
  Validated v = ValidateAgainst(BatchStepSpec().root(), "- 1\n- 2\n");
  EXPECT_EQ(Lines(v.diagnostics),
            (std::vector<std::string>{"test.yaml:1:1: flows.f.steps[2]: expected a mapping of "
                                      "fields, found a list"}));
  EXPECT_TRUE(v.value.is_undefined());
}

TEST(SpecValidatorTest, QuotedNumbersAreReadByTheFieldType) {
  Validated v = ValidateAgainst(BatchStepSpec().root(), "batch_size: \"12\"\nlabel: 123\n");
  EXPECT_TRUE(v.diagnostics.empty()) << v.diagnostics.ToString();
  EXPECT_EQ(v.value.Get("batch_size").as_number(), Number::FromInt(12));
  EXPECT_EQ(v.value.Get("label").as_string(), "123");
}

TEST(SpecValidatorTest, AnyKeepsQuotedScalarsAsStrings) {
  Validated v = ValidateAgainst(AnyField("x"),
                                "{plain: 12, quoted: \"12\", t: true, qt: 'true', n: ~, s: 1.0e2}");
  EXPECT_EQ(ToJson(v.value), R"({"plain":12,"quoted":"12","t":true,"qt":"true","n":null,"s":100})");
}

TEST(SpecValidatorTest, RecordsPlacesOfConfiguredValues) {
  Validated v = ValidateAgainst(BatchStepSpec().root(), "label: abc\nretry:\n  attempts: 4\n");
  ASSERT_TRUE(v.diagnostics.empty()) << v.diagnostics.ToString();
  EXPECT_EQ(v.places.at("flows.f.steps[2].label").line, 1);
  EXPECT_EQ(v.places.at("flows.f.steps[2].label").column, 8);
  EXPECT_EQ(v.places.at("flows.f.steps[2].retry.attempts").line, 3);
  EXPECT_EQ(v.places.at("flows.f.steps[2].retry.attempts").column, 13);
  EXPECT_EQ(v.places.count("flows.f.steps[2].batch_size"), 0u);
}

TEST(SpecValidatorTest, OptionalObjectWithRequiredFieldsStaysAbsent) {
  FieldSpec spec = ObjectField("c")
                       .Field(ObjectField("auth").Field(StringField("user").Required()))
                       .Field(ObjectField("opts").Field(IntField("n").Default(2)));
  Validated v = ValidateAgainst(spec, "{}");
  EXPECT_TRUE(v.diagnostics.empty()) << v.diagnostics.ToString();
  EXPECT_EQ(ToJson(v.value), R"({"opts":{"n":2}})");
}

TEST(SpecValidatorTest, ExactlyOneOfAndVariantChecks) {
  FieldSpec spec =
      ObjectField("m")
          .Field(StringField("expression"))
          .Field(StringField("file"))
          .Field(ObjectField("auth")
                     .Field(EnumField("type", {"bearer", "basic"}).Required())
                     .Field(StringField("token").Secret())
                     .Field(StringField("username"))
                     .Field(StringField("password").Secret())
                     .Check(VariantFields(
                         "type", {{"bearer", {"token"}}, {"basic", {"username", "password"}}})))
          .Check(ExactlyOneOf({"expression", "file"}));
  EXPECT_EQ(Lines(ValidateAgainst(spec, "{}").diagnostics),
            (std::vector<std::string>{"test.yaml:1:1: flows.f.steps[2]: set one of expression or "
                                      "file"}));
  EXPECT_EQ(Lines(ValidateAgainst(spec, "expression: a\nfile: b\n").diagnostics),
            (std::vector<std::string>{"test.yaml:2:7: flows.f.steps[2].file: set only one of "
                                      "expression or file"}));
  EXPECT_EQ(
      Lines(ValidateAgainst(spec, "file: b\nauth: {type: basic, token: t0ps3cret}\n").diagnostics),
      (std::vector<std::string>{
          "test.yaml:2:1: flows.f.steps[2].auth: \"username\" is required when type is "
          "basic",
          "test.yaml:2:1: flows.f.steps[2].auth: \"password\" is required when type is basic",
          "test.yaml:2:28: flows.f.steps[2].auth.token: not used when type is basic",
      }));
  EXPECT_TRUE(
      ValidateAgainst(spec, "file: b\nauth: {type: bearer, token: x}\n").diagnostics.empty());
}

TEST(SpecValidatorTest, SecretsComeFromFilesAndNeverShowInMessages) {
  FieldSpec spec = ObjectField("s")
                       .Field(StringField("token").Secret().Min(12))
                       .Field(IntField("pin").Secret())
                       .Field(StringField("plain"));
  ValidationEnv env;
  env.base_dir = "/etc/erphub";
  env.read_file = [](const std::string& path) -> Result<std::string> {
    if (path == "/etc/erphub/secrets/token") {
      return std::string("hunter2-from-file\r\n\n");
    }
    return NotFoundError("No such file or directory", path);
  };
  Validated ok =
      ValidateAgainst(spec, "token: file:secrets/token\nplain: file:secrets/token\n", env);
  EXPECT_TRUE(ok.diagnostics.empty()) << ok.diagnostics.ToString();
  EXPECT_EQ(ok.value.Get("token").as_string(), "hunter2-from-file");
  EXPECT_EQ(ok.value.Get("plain").as_string(), "file:secrets/token");
  EXPECT_EQ(ToJson(RedactSecrets(spec, ok.value)),
            R"({"token":"[redacted]","plain":"file:secrets/token"})");

  Validated bad = ValidateAgainst(spec, "token: hunter2\npin: hunter3\n", env);
  std::string text = bad.diagnostics.ToString();
  EXPECT_EQ(bad.diagnostics.size(), 2u) << text;
  EXPECT_EQ(text.find("hunter"), std::string::npos) << text;
  EXPECT_NE(text.find("the value is shorter than the minimum length 12"), std::string::npos);

  Validated missing = ValidateAgainst(spec, "token: file:/nope\n", env);
  EXPECT_EQ(Lines(missing.diagnostics),
            (std::vector<std::string>{"test.yaml:1:8: flows.f.steps[2].token: cannot read secret "
                                      "file \"/nope\": No such file or directory"}));
}

TEST(SpecValidatorTest, DisplayValueWritesUnitsAndRedacts) {
  ComponentSpec spec = BatchStepSpec();
  Validated v = ValidateAgainst(spec.root(), "token: abc\nwait: 50s\nlimit: 1536KiB\n");
  ASSERT_TRUE(v.diagnostics.empty()) << v.diagnostics.ToString();
  Value shown = DisplayValue(spec.root(), v.value);
  EXPECT_EQ(shown.Get("wait").as_string(), "50s");
  EXPECT_EQ(shown.Get("limit").as_string(), "1536KiB");
  EXPECT_EQ(shown.Get("token").as_string(), "[redacted]");
  EXPECT_EQ(shown.Get("retry").Get("delay").as_string(), "1s");
}

class ComponentRefTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(registry_.Register(BatchStepSpec()).ok());
    ASSERT_TRUE(registry_.Register(ComponentSpec::Step("dedupe")).ok());
  }

  std::optional<ComponentConfig> Run(const std::string& yaml) {
    auto node = ParseConfigYaml(yaml, "c.yaml");
    EXPECT_TRUE(node.ok());
    SpecValidator validator("c.yaml", {});
    auto config = validator.ValidateComponent(registry_, ComponentKind::kStep, *node,
                                              "flows.f.steps[0]", SourcePlace{1, 1}, true);
    lines_ = Lines(validator.diagnostics());
    return config;
  }

  ComponentRegistry registry_;
  std::vector<std::string> lines_;
};

TEST_F(ComponentRefTest, MappingWithLabel) {
  auto config = Run("name: big\nbatch:\n  batch_size: 5\n  wait: 1s\n");
  ASSERT_TRUE(config.has_value());
  EXPECT_TRUE(lines_.empty());
  EXPECT_EQ(config->type, "batch");
  EXPECT_EQ(config->name, "big");
  EXPECT_EQ(config->path, "flows.f.steps[0]");
  EXPECT_EQ(config->GetInt("batch_size"), 5);
  EXPECT_EQ(config->GetDuration("wait"), milliseconds(1000));
  EXPECT_EQ(config->GetSize("limit"), 1'000'000u);
  EXPECT_EQ(config->GetDuration("retry.delay"), milliseconds(1000));
  EXPECT_EQ(config->PlaceOf("batch_size").line, 3);
  EXPECT_EQ(config->PlaceOf("batch_size").column, 15);
  EXPECT_EQ(config->Problem("wait", "too soon").ToString(),
            "c.yaml:4:9: flows.f.steps[0].wait: too soon");
  EXPECT_EQ(config->Problem("label", "x").ToString(), "c.yaml:2:1: flows.f.steps[0].label: x");
}

TEST_F(ComponentRefTest, BareNameAndNullFields) {
  auto bare = Run("dedupe");
  ASSERT_TRUE(bare.has_value());
  EXPECT_EQ(bare->type, "dedupe");
  EXPECT_EQ(bare->name, "dedupe");
  auto null_fields = Run("batch:");
  ASSERT_TRUE(null_fields.has_value());
  EXPECT_TRUE(lines_.empty());
  EXPECT_EQ(null_fields->GetInt("batch_size"), 100);
}

TEST_F(ComponentRefTest, UnknownComponentSuggestsTheClosest) {
  EXPECT_FALSE(Run("bacth: {}").has_value());
  EXPECT_EQ(lines_, (std::vector<std::string>{
                        "c.yaml:1:1: flows.f.steps[0]: unknown step \"bacth\" (did you mean "
                        "\"batch\"?); known steps: batch, dedupe"}));
}

TEST_F(ComponentRefTest, FieldsBesideTheNameAreReported) {
  auto config = Run("batch:\nbatch_size: 3\n");
  EXPECT_TRUE(config.has_value());
  ASSERT_EQ(lines_.size(), 1u);
  EXPECT_EQ(lines_[0],
            "c.yaml:1:1: flows.f.steps[0]: expected one step here, found 2 keys (batch, "
            "batch_size); a component's fields go under its name, as in {batch: {...}}");
}

TEST_F(ComponentRefTest, FieldsMustBeAMapping) {
  Run("batch: [1]");
  EXPECT_EQ(lines_, (std::vector<std::string>{"c.yaml:1:8: flows.f.steps[0]: the fields of "
                                              "batch must be a mapping, found a list"}));
}

TEST(ClosestMatchTest, OnlyLikelyTypos) {
  std::vector<std::string> names = {"secret", "preset", "url", "timeout"};
  EXPECT_EQ(ClosestMatch("secert", names), "secret");
  EXPECT_EQ(ClosestMatch("URL", names), "url");
  EXPECT_EQ(ClosestMatch("timout", names), "timeout");
  EXPECT_EQ(ClosestMatch("zzz", names), std::nullopt);
  EXPECT_EQ(ClosestMatch("headers", names), std::nullopt);
}

TEST(PathTest, QuotesKeysThatAreNotPlainNames) {
  EXPECT_EQ(ChildPath("", "flows"), "flows");
  EXPECT_EQ(ChildPath("headers", "X-Api-Key"), "headers.X-Api-Key");
  EXPECT_EQ(ChildPath("headers", "a.b"), "headers[\"a.b\"]");
  EXPECT_EQ(ItemPath("steps", 2), "steps[2]");
}

}  // namespace
}  // namespace erphub
