#include "components/steps/validate_step.h"

#include <string>
#include <utility>

#include "components/factory_support.h"
#include "components/steps/json_schema.h"

namespace erphub::components {
namespace {

class ValidateStep final : public Step {
 public:
  ValidateStep(JsonSchema schema, std::string schema_name)
      : schema_(std::move(schema)), schema_name_(std::move(schema_name)) {}

  Result<Value, Failure> Process(const Message& /*message*/, const Value& payload) const override {
    std::vector<SchemaFailure> failures = schema_.Validate(payload);
    if (failures.empty()) {
      return payload;
    }
    Failure failure;
    failure.quarantine = true;
    failure.error = "the payload does not match " + schema_name_ + ": " +
                    std::to_string(failures.size()) +
                    (failures.size() == 1 ? " problem" : " problems");
    for (const SchemaFailure& each : failures) {
      failure.details.push_back(each.ToString());
    }
    return failure;
  }

 private:
  JsonSchema schema_;
  std::string schema_name_;
};

}  // namespace

ComponentSpec ValidateStepSpec() {
  return ComponentSpec::Step("validate")
      .Summary(
          "Checks each message against a JSON Schema (draft 2020-12); failures go to "
          "quarantine.")
      .Field(StringField("schema").Required().Min(1).Description(
          "Path of the JSON Schema file, relative to the config."));
}

Result<std::unique_ptr<Component>> MakeValidateStep(const ComponentConfig& config,
                                                    const ComponentEnv& env) {
  std::filesystem::path path = ResolveConfigPath(env, config.GetString("schema"));
  auto schema = JsonSchema::CompileFile(path);
  if (!schema.ok()) {
    std::string message = schema.error().ToString();
    if (message.find(path.filename().string()) == std::string::npos) {
      message = path.string() + ": " + message;
    }
    return ConfigProblem(config, "schema", "invalid schema: " + message);
  }
  return std::unique_ptr<Component>(
      std::make_unique<ValidateStep>(std::move(*schema), path.filename().string()));
}

}  // namespace erphub::components
