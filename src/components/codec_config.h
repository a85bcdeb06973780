#pragma once

#include <string_view>

#include "core/component_config.h"
#include "core/component_spec.h"
#include "core/result.h"
#include "formats/codec.h"
#include "formats/format.h"

namespace erphub::components {

// The document options every component that reads or writes business documents shares (file
// input, parse, render, file output): the CSV dialect and typed columns, the XML hints, lenient.

// `spec` with the option fields added after its own.
ComponentSpec WithCodecFields(ComponentSpec spec);

// The codec options the config sets. A field whose value cannot be used (a two-character
// delimiter) is a ConfigProblem at its place.
Result<formats::CodecOptions> CodecOptionsFrom(const ComponentConfig& config);

// The format a `format:` field names ("auto" and unknown names: nullopt).
std::optional<formats::Format> ConfiguredFormat(const ComponentConfig& config,
                                                std::string_view field = "format");

}  // namespace erphub::components
