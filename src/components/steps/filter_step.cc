#include "components/steps/filter_step.h"

#include <chrono>
#include <string>
#include <utility>

#include "components/factory_support.h"
#include "components/lookup_host.h"
#include "components/message_variables.h"
#include "components/text_template.h"
#include "mapping/jsonata.h"
#include "mapping/value_ops.h"

namespace erphub::components {
namespace {

using std::chrono::milliseconds;

class FilterStep final : public Step {
 public:
  FilterStep(jsonata::Expression condition, std::string text, milliseconds time_limit,
             const Lookups* lookups)
      : condition_(std::move(condition)),
        text_(std::move(text)),
        time_limit_(time_limit),
        lookups_(lookups) {}

  Result<Value, Failure> Process(const Message& message, const Value& payload) const override {
    Object variables = MessageVariables(message);
    jsonata::EvalOptions options;
    options.time_limit = time_limit_;
    options.bindings = &variables;
    LookupHost host(lookups_);
    options.host = &host;
    auto result = condition_.Evaluate(payload, options);
    Failure failure;
    if (!result.ok()) {
      failure.error = "filter condition failed: " + result.error().ToString();
      failure.transient = host.transient_failure();
      return failure;
    }
    if (jsonata::IsTruthy(*result)) {
      return payload;
    }
    failure.filtered = true;
    failure.error = "condition not met: " + text_;
    return failure;
  }

 private:
  jsonata::Expression condition_;
  std::string text_;  // the condition as written, for the lineage
  milliseconds time_limit_;
  const Lookups* lookups_;
};

}  // namespace

ComponentSpec FilterStepSpec() {
  return ComponentSpec::Step("filter")
      .Summary(
          "Lets through only the messages a JSONata condition holds for; the others are "
          "completed as filtered, delivered nowhere.")
      .Field(StringField("condition")
                 .Required()
                 .Min(1)
                 .Description("JSONata over the payload (and $message); true (by $boolean) lets "
                              "the message through, e.g. type = \"payment_intent.succeeded\"."))
      .Field(DurationField("time_limit")
                 .Default("1s")
                 .Min(milliseconds(1))
                 .Description("Longest one evaluation may take; longer fails the message."));
}

Result<std::unique_ptr<Component>> MakeFilterStep(const ComponentConfig& config,
                                                  const ComponentEnv& env) {
  std::string text(config.GetString("condition"));
  auto condition = jsonata::Expression::Compile(text);
  if (!condition.ok()) {
    return ConfigProblem(config, "condition",
                         condition.error().ToString() + " (at " +
                             LineColumn(text, ErrorOffset(condition.error(), text)) +
                             " of the condition)");
  }
  return std::unique_ptr<Component>(std::make_unique<FilterStep>(
      std::move(*condition), std::move(text), config.GetDuration("time_limit"), env.lookups));
}

}  // namespace erphub::components
