#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/value.h"

namespace erphub::jsonata {

class Regex;
class Signature;
struct BuiltinEntry;

// The kinds of syntax tree node. The parser first builds a raw tree (which still has the
// kRaw* kinds for '.', '[', '{', '^', '@', '#'); post-processing turns it into the evaluated form,
// where location paths are kPath nodes holding their steps.
enum class NodeType : uint8_t {
  kString,
  kNumber,
  kValue,  // true, false, null
  kName,
  kVariable,
  kRegex,
  kWildcard,
  kDescendant,
  kParent,
  kPlaceholder,  // '?' in a partial application
  kBinary,
  kNegate,
  kArray,   // array constructor
  kObject,  // object constructor
  kCondition,
  kCoalesce,  // a ?? b
  kElvis,     // a ?: b
  kBlock,
  kBind,
  kFunction,
  kPartial,
  kLambda,
  kApply,
  kSort,
  kTransform,
  kPath,
  // Raw forms, removed by post-processing.
  kRawMap,       // a.b
  kRawFilter,    // a[b]
  kRawGroup,     // a{k: v}
  kRawOrderBy,   // a^(b)
  kRawFocus,     // a@$v
  kRawIndex,     // a#$i
  kRawApply,     // a ~> b
  kRawBind,      // $a := b
  kRawOperator,  // 'and', 'or', 'in' or '?' met as an operand
  kEnd,          // end of input met as an operand
};

enum class BinaryOp : uint8_t {
  kAdd,
  kSub,
  kMul,
  kDiv,
  kMod,
  kEq,
  kNe,
  kLt,
  kLe,
  kGt,
  kGe,
  kConcat,
  kAnd,
  kOr,
  kIn,
  kRange,
};

// A parent-operator slot: which ancestor ('%', '%.%', ...) a '%' refers to, and the variable
// label under which the path binds that ancestor in its tuple stream.
struct Slot {
  std::string label;
  int level = 1;
  int index = 0;
};

struct Node;
using NodePtr = std::unique_ptr<Node>;

// A predicate or positional binding applied to the results of a path step.
struct Stage {
  enum class Kind : uint8_t { kFilter, kIndex };
  Kind kind = Kind::kFilter;
  NodePtr expr;     // kFilter
  std::string var;  // kIndex
  int64_t position = 0;
};

struct SortTerm {
  bool descending = false;
  NodePtr expr;
};

using NodePairs = std::vector<std::pair<NodePtr, NodePtr>>;

struct GroupBy {
  NodePairs pairs;
  int64_t position = 0;
};

// Fields are ordered by how often evaluation reads them: the first two cache lines hold what
// every node's evaluation touches, so that walking the tree misses the cache less.
struct Node {
  NodeType type = NodeType::kEnd;
  BinaryOp op = BinaryOp::kAdd;

  bool keep_array = false;
  bool cons_array = false;
  bool keep_singleton_array = false;  // path
  bool tuple = false;
  bool thunk = false;  // a lambda wrapping a call in tail position
  bool has_focus = false;
  bool has_index = false;
  bool has_else = false;
  bool has_seeking_parent = false;
  // kName: a step that can be looked up without the general machinery.
  bool simple_name = false;
  // kObject (and group-by): every key is a distinct string literal.
  bool literal_keys = false;
  // kVariable naming a built-in that the program never binds: no frame can shadow it.
  bool builtin_direct = false;
  // kBlock: whether the block binds variables of its own (an assignment outside nested blocks
  // and lambdas, or $eval anywhere in the program); a block that does not needs no frame.
  bool needs_frame = true;
  // No predicates and no group-by: the node's value is its result as it is. Set when the
  // program is compiled; false means "check".
  bool plain = false;
  uint32_t name_hash = 0;  // kVariable: NameHash(name)
  // Character offset (bytes in the expression text) just after the node's token.
  int64_t position = 0;
  // kVariable: the built-in function of this name, if there is one.
  const BuiltinEntry* builtin = nullptr;

  NodePtr lhs;  // binary, bind (the variable), apply, raw operators
  NodePtr rhs;
  NodePtr procedure;           // function, partial
  std::vector<NodePtr> items;  // array constructor, block, function arguments, path steps
  Value value;                 // literals
  std::string name;            // names, variables (without '$'), raw operator text
  NodePtr expr;                // negation
  NodePtr condition;           // condition, coalesce, elvis
  NodePtr then_branch;
  NodePtr else_branch;
  NodePtr body;  // lambda

  std::vector<Stage> predicates;  // filters applied to this node's own result
  std::unique_ptr<GroupBy> group;
  std::vector<Stage> stages;  // filters and index bindings of a path step
  NodePairs pairs;            // object constructor

  NodePtr pattern;  // transform
  NodePtr update;
  NodePtr deletion;

  std::vector<std::string> params;  // lambda parameter names
  std::vector<uint32_t> param_hashes;
  std::shared_ptr<const Signature> signature;
  std::shared_ptr<const Regex> regex;

  std::vector<SortTerm> terms;  // sort step, or raw order-by

  std::string focus;         // '@$v' on a step
  std::string index_var;     // '#$i' on a step
  Slot* ancestor = nullptr;  // a step whose value a '%' refers to
  Slot* slot = nullptr;      // a '%' node
  std::vector<Slot*> seeking_parent;
};

inline NodePtr MakeNode(NodeType type, int64_t position) {
  auto node = std::make_unique<Node>();
  node->type = type;
  node->position = position;
  return node;
}

}  // namespace erphub::jsonata
