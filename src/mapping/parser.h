#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "mapping/ast.h"
#include "mapping/error.h"

namespace erphub::jsonata {

// A parsed and post-processed expression: the tree and the parent-operator slots it refers to.
struct ParsedExpression {
  NodePtr root;
  std::vector<std::unique_ptr<Slot>> slots;
};

// Parses JSONata text into the evaluated form of the syntax tree: location paths flattened into
// steps with their predicates, group-by, order-by, focus/index bindings, parent slots resolved,
// and calls in tail position of lambda bodies marked for tail-call optimisation. Errors carry the
// reference's S0xxx code, the byte offset and the offending token.
JResult<ParsedExpression> Parse(std::string_view text);

// The reference's name for a node type ("path", "binary", "function", ...), as used in errors.
std::string_view NodeTypeName(NodeType type);

}  // namespace erphub::jsonata
