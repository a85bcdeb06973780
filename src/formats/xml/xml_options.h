#pragma once

#include <string>
#include <utility>
#include <vector>

namespace erphub::formats::xml {

struct XmlOptions {
  // Qualified element names ("Line", "ns:Item") that are always JSON arrays, even when the
  // element occurs once.
  std::vector<std::string> always_array;
  // Namespaces the writer declares on the root element (prefix, URI); an empty prefix is the
  // default namespace. Declarations already present in the JSON are kept as they are.
  std::vector<std::pair<std::string, std::string>> namespaces;
  // The writer indents nested elements by this many spaces (0: one line). Elements with mixed
  // content are never indented, so indentation does not change the document's text.
  int indent = 2;
  // Nesting deeper than this is an error rather than a stack overflow.
  int max_depth = 256;
};

}  // namespace erphub::formats::xml
