#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/value.h"
#include "formats/format.h"

namespace erphub::components {

// A document rendered inside a flow (step `render`) travels as the payload
// {"content": "<the document's text>", "format": "xml"}; the file output writes `content`
// verbatim and step `parse` reads it back.

Value RenderedDocument(std::string content, formats::Format format);

// The text of a rendered-document payload (an object with exactly a string "content" and a
// known "format"); nullopt for anything else.
std::optional<std::string_view> RenderedContent(const Value& payload);

}  // namespace erphub::components
