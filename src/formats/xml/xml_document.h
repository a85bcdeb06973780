#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "core/result.h"
#include "core/value.h"
#include "formats/xml/xml_options.h"

namespace erphub::formats::xml {

// XML <-> JSON by the convention of docs/formats/xml.md, in short: the document is an object with
// one key, the root element's qualified name. An element with only text is a string; otherwise an
// object with "@attr" keys (namespace declarations included, as "@xmlns:p"), child elements under
// their qualified names (repeated ones as arrays, in order), "#text" for the text of an element
// that also has attributes, and "#content" (an ordered array of strings and one-key objects) when
// text and elements are mixed or same-named siblings are not adjacent. Comments, processing
// instructions and the DOCTYPE are dropped; CDATA is text.

// Parses XML (UTF-8, or UTF-16/32 with a byte order mark). Errors are kParse with "line L,
// column C". A namespace prefix with no declaration in scope is an error, or, when `lenient`, is
// passed to `report` and kept.
Result<Value> ParseXml(std::string_view bytes, const XmlOptions& options, bool lenient = false,
                       const std::function<void(const Status&)>& report = {});

// Writes the JSON form back as UTF-8 XML with an XML declaration. kInvalidArgument, naming the
// JSON path, when the value does not have the shape above or a name is not an XML name.
Result<std::string> RenderXml(const Value& document, const XmlOptions& options);

}  // namespace erphub::formats::xml
