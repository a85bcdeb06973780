#include "mapping/jsonata.h"

#include <utility>

#include "mapping/evaluator.h"
#include "mapping/parser.h"
#include "mapping/value_ops.h"

namespace erphub::jsonata {

namespace {

// Resolves what can be resolved before evaluation: built-in function names, and path steps that
// are plain field look-ups.
void Annotate(Node& node) {
  if (node.type == NodeType::kVariable) {
    node.builtin = FindBuiltin(node.name) != nullptr ? 0 : -1;
  }
  if (node.type == NodeType::kName) {
    node.simple_name = node.stages.empty() && node.predicates.empty() && !node.group &&
                       !node.keep_array && !node.tuple && !node.has_focus && !node.has_index &&
                       node.ancestor == nullptr;
  }
  auto visit = [](const NodePtr& child) {
    if (child) {
      Annotate(*child);
    }
  };
  visit(node.lhs);
  visit(node.rhs);
  visit(node.expr);
  for (const NodePtr& item : node.items) {
    visit(item);
  }
  for (const auto& [k, v] : node.pairs) {
    visit(k);
    visit(v);
  }
  visit(node.procedure);
  visit(node.body);
  visit(node.condition);
  visit(node.then_branch);
  visit(node.else_branch);
  visit(node.pattern);
  visit(node.update);
  visit(node.deletion);
  for (const Stage& s : node.predicates) {
    visit(s.expr);
  }
  for (const Stage& s : node.stages) {
    visit(s.expr);
  }
  if (node.group) {
    for (const auto& [k, v] : node.group->pairs) {
      visit(k);
      visit(v);
    }
  }
  for (const SortTerm& t : node.terms) {
    visit(t.expr);
  }
  if (node.type == NodeType::kRegex && node.regex && node.value.is_undefined()) {
    node.value = Value::Function(new RegexFunction(node.regex));
  }
}

}  // namespace

JResult<std::shared_ptr<const Program>> Program::Compile(std::string_view text) {
  ERPHUB_ASSIGN_OR_RETURN(ParsedExpression parsed, Parse(text));
  Annotate(*parsed.root);
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
