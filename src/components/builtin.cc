#include "components/builtin.h"

#include "components/inputs/file_input.h"
#include "components/inputs/postgres_cdc_input.h"
#include "components/inputs/sql_input.h"
#include "components/inputs/tryton_input.h"
#include "components/inputs/webhook_input.h"
#include "components/outputs/file_output.h"
#include "components/outputs/http_output.h"
#include "components/outputs/sql_output.h"
#include "components/outputs/tryton_output.h"
#include "components/steps/filter_step.h"
#include "components/steps/map_step.h"
#include "components/steps/parse_step.h"
#include "components/steps/render_step.h"
#include "components/steps/validate_step.h"

namespace erphub::components {

Status RegisterBuiltins(ComponentRegistry& registry) {
  // Inputs.
  ERPHUB_TRY(registry.Register(WebhookInputSpec(), MakeWebhookInput));
  ERPHUB_TRY(registry.Register(FileInputSpec(), MakeFileInput));
  ERPHUB_TRY(registry.Register(TrytonInputSpec(), MakeTrytonInput));
  ERPHUB_TRY(registry.Register(SqlInputSpec(), MakeSqlInput));
  ERPHUB_TRY(registry.Register(PostgresCdcInputSpec(), MakePostgresCdcInput));
  // Steps.
  ERPHUB_TRY(registry.Register(ValidateStepSpec(), MakeValidateStep));
  ERPHUB_TRY(registry.Register(MapStepSpec(), MakeMapStep));
  ERPHUB_TRY(registry.Register(FilterStepSpec(), MakeFilterStep));
  ERPHUB_TRY(registry.Register(ParseStepSpec(), MakeParseStep));
  ERPHUB_TRY(registry.Register(RenderStepSpec(), MakeRenderStep));
  // Outputs.
  ERPHUB_TRY(registry.Register(HttpOutputSpec(), MakeHttpOutput));
  ERPHUB_TRY(registry.Register(FileOutputSpec(), MakeFileOutput));
  ERPHUB_TRY(registry.Register(TrytonOutputSpec(), MakeTrytonOutput));
  ERPHUB_TRY(registry.Register(SqlOutputSpec(), MakeSqlOutput));
  return Status::Ok();
}

}  // namespace erphub::components
