#include "mapping/jsonata.h"

#include <string>
#include <unordered_set>
#include <utility>

#include "mapping/evaluator.h"
#include "mapping/parser.h"
#include "mapping/value_ops.h"

namespace erphub::jsonata {

namespace {

// Calls `visit` on every child of `node`.
template <typename Visit>
void ForEachChild(Node& node, Visit&& visit) {
  auto one = [&](const NodePtr& child) {
    if (child) {
      visit(*child);
    }
  };
  one(node.lhs);
  one(node.rhs);
  one(node.expr);
  for (const NodePtr& item : node.items) {
    one(item);
  }
  for (const auto& [k, v] : node.pairs) {
    one(k);
    one(v);
  }
  one(node.procedure);
  one(node.body);
  one(node.condition);
  one(node.then_branch);
  one(node.else_branch);
  one(node.pattern);
  one(node.update);
  one(node.deletion);
  for (const Stage& s : node.predicates) {
    one(s.expr);
  }
  for (const Stage& s : node.stages) {
    one(s.expr);
  }
  if (node.group) {
    for (const auto& [k, v] : node.group->pairs) {
      one(k);
      one(v);
    }
  }
  for (const SortTerm& t : node.terms) {
    one(t.expr);
  }
}

// Every variable name the program can bind: assignments, parameters, focus and index variables.
void CollectBoundNames(Node& node, std::unordered_set<std::string>& names) {
  if (node.type == NodeType::kBind) {
    names.insert(node.lhs->name);
  }
  for (const std::string& p : node.params) {
    names.insert(p);
  }
  if (node.has_focus) {
    names.insert(node.focus);
  }
  if (node.has_index) {
    names.insert(node.index_var);
  }
  for (const Stage& s : node.stages) {
    if (s.kind == Stage::Kind::kIndex) {
      names.insert(s.var);
    }
  }
  ForEachChild(node, [&](Node& child) { CollectBoundNames(child, names); });
}

// Whether evaluating `node` can bind a variable in the frame it is evaluated in. Nested blocks
// and lambdas bind in frames of their own; a tail call's thunk evaluates in the current one.
bool BindsInScope(Node& node) {
  if (node.type == NodeType::kBind) {
    return true;
  }
  if (node.type == NodeType::kBlock || (node.type == NodeType::kLambda && !node.thunk)) {
    return false;
  }
  bool binds = false;
  ForEachChild(node, [&](Node& child) { binds = binds || BindsInScope(child); });
  return binds;
}

bool UsesEval(Node& node) {
  if (node.type == NodeType::kVariable && node.name == "eval") {
    return true;
  }
  bool uses = false;
  ForEachChild(node, [&](Node& child) { uses = uses || UsesEval(child); });
  return uses;
}

// Resolves what can be resolved before evaluation: built-in function names, path steps that
// are plain field look-ups, and blocks that need no frame. `$eval` binds in its caller's frame,
// so a program that names it keeps every block's frame.
void Annotate(Node& node, const std::unordered_set<std::string>& bound, bool uses_eval) {
  if (node.type == NodeType::kVariable) {
    node.name_hash = NameHash(node.name);
    node.builtin = FindBuiltin(node.name);
    node.builtin_direct = node.builtin != nullptr && bound.count(node.name) == 0;
  }
  if (node.type == NodeType::kName) {
    node.simple_name = node.stages.empty() && node.predicates.empty() && !node.group &&
                       !node.keep_array && !node.tuple && !node.has_focus && !node.has_index &&
                       node.ancestor == nullptr;
  }
  auto distinct_literals = [](const NodePairs& pairs) {
    std::unordered_set<std::string> keys;
    for (const auto& [k, v] : pairs) {
      if (k->type != NodeType::kString || !keys.insert(k->name).second || !k->predicates.empty() ||
          k->group) {
        return false;
      }
    }
    return true;
  };
  if (node.type == NodeType::kObject) {
    node.literal_keys = distinct_literals(node.pairs);
  }
  node.plain = node.predicates.empty() && !node.group;
  if (node.type == NodeType::kBlock) {
    bool binds = uses_eval;
    for (const NodePtr& item : node.items) {
      binds = binds || BindsInScope(*item);
    }
    node.needs_frame = binds;
  }
  node.param_hashes.clear();
  for (const std::string& p : node.params) {
    node.param_hashes.push_back(NameHash(p));
  }
  ForEachChild(node, [&](Node& child) { Annotate(child, bound, uses_eval); });
  if (node.type == NodeType::kRegex && node.regex && node.value.is_undefined()) {
    node.value = Value::Function(new RegexFunction(node.regex));
  }
}

}  // namespace

JResult<std::shared_ptr<const Program>> Program::Compile(std::string_view text) {
  ERPHUB_ASSIGN_OR_RETURN(ParsedExpression parsed, Parse(text));
  std::unordered_set<std::string> bound;
  CollectBoundNames(*parsed.root, bound);
  Annotate(*parsed.root, bound, UsesEval(*parsed.root));
  auto program = std::make_shared<Program>();
  program->text_ = std::string(text);
  program->parsed_ = std::move(parsed);
  return std::shared_ptr<const Program>(std::move(program));
}

int64_t Program::CharPosition(int64_t byte_offset) const {
  if (byte_offset < 0) {
    return byte_offset;
  }
  size_t end = std::min(static_cast<size_t>(byte_offset), text_.size());
  return static_cast<int64_t>(CodePointCount(std::string_view(text_).substr(0, end)));
}

JResult<Expression> Expression::Compile(std::string_view text) {
  auto program = Program::Compile(text);
  if (!program.ok()) {
    Error err = std::move(program).error();
    err.mutable_info().compile_time = true;
    if (err.position() >= 0) {
      size_t end = std::min(static_cast<size_t>(err.position()), text.size());
      err.mutable_info().position = static_cast<int64_t>(CodePointCount(text.substr(0, end)));
    }
    return err;
  }
  return Expression(std::move(program).value());
}

JResult<Value> Expression::Evaluate(const Value& input, const EvalOptions& options) const {
  Evaluator evaluator(program_, options);
  JResult<Value> result = evaluator.Run(input);
  if (!result.ok()) {
    Error err = std::move(result).error();
    err.mutable_info().position = program_->CharPosition(err.position());
    return err;
  }
  return result;
}

std::string_view Expression::text() const { return program_->text(); }

}  // namespace erphub::jsonata
