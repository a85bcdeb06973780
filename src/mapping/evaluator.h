#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/value.h"
#include "mapping/ast.h"
#include "mapping/error.h"
#include "mapping/function_value.h"
#include "mapping/jsonata.h"
#include "mapping/parser.h"

namespace erphub::jsonata {

// A compiled expression: the text and its syntax tree, with built-in names resolved. Immutable
// after Compile, so one Program serves many evaluations on many threads.
class Program {
 public:
  static JResult<std::shared_ptr<const Program>> Compile(std::string_view text);

  const std::string& text() const { return text_; }
  const Node& root() const { return *parsed_.root; }
  // Character (code point) offset of a byte offset into the text.
  int64_t CharPosition(int64_t byte_offset) const;

 private:
  std::string text_;
  ParsedExpression parsed_;
};

// The built-ins of every function table, by name; nullptr if there is none.
const BuiltinEntry* FindBuiltin(std::string_view name);

// The state of one evaluation: limits, clock, the depth counter. Not shared between threads.
class Evaluator {
 public:
  Evaluator(const std::shared_ptr<const Program>& program, const EvalOptions& options);

  // Evaluates the program against `input` (the raw input document).
  JResult<Value> Run(const Value& input);

  // Calls a function value, resolving tail calls. `input` is the context value for signature
  // '-' substitution, `env` the caller's frame.
  JResult<Value> Apply(const Value& fn, std::span<const Value> args, const Value& input,
                       Frame* env);
  int Arity(const Value& fn) const;
  int64_t now_millis() const;
  const Host& host() const { return *host_; }
  // $eval: compiles and evaluates `text` with `input` in `env`.
  JResult<Value> EvalText(std::string_view text, const Value& input, Frame* env);

 private:
  JResult<Value> Evaluate(const Node* expr, const Value& input, Frame* env);
  static Value FinishSequence(const Node* expr, Value result);
  // Evaluate for the commonest operands (literals, variables, a field of an object), without
  // the general work; anything else goes to Evaluate. Same result and depth guard.
  [[gnu::always_inline]] JResult<Value> EvaluateOperand(const Node* expr, const Value& input,
                                                        Frame* env);
  JResult<Value> EvaluateNode(const Node* expr, const Value& input, Frame* env);
  [[gnu::noinline]] JResult<Value> EvaluateRare(const Node* expr, const Value& input, Frame* env);
  JResult<Value> EvaluatePath(const Node* expr, const Value& input, Frame* env);
  // Path sequences hold pointers to values owned by the input document or by the path's arena,
  // so that walking a path does not touch reference counts.
  struct PathState;
  using ItemList = std::vector<const Value*>;
  JResult<bool> EvaluateStep(const Node* step, std::span<const Value* const> in, Frame* env,
                             bool last, PathState& state, ItemList& out);
  JResult<Value> EvaluateBinary(const Node* expr, const Value& input, Frame* env);
  JResult<Value> EvaluateArray(const Node* expr, const Value& input, Frame* env);
  JResult<Value> EvaluateGroup(const NodePairs& pairs, int64_t position, const Value& input,
                               Frame* env, bool literal_keys = false);
  // An object constructor applied to one item.
  JResult<Value> EvaluateObject(const NodePairs& pairs, int64_t position, const Value& context,
                                Frame* env, bool literal_keys);
  JResult<Value> EvaluateFilter(const Node* predicate, const Value& input, Frame* env);
  JResult<Value> EvaluateStages(const std::vector<Stage>& stages, Value input, Frame* env);
  JResult<Value> EvaluateSort(const Node* expr, const Value& input, Frame* env);
  JResult<Value> EvaluateTupleStep(const Node* step, std::span<const Value* const> input,
                                   const Value* tuples, Frame* env);
  // The values of the last step of a tuple stream, when the path needs no tuples back.
  JResult<Value> EvaluateLastTupleStep(const Node* step, const Value& tuples, Frame* env);
  JResult<Value> EvaluateBlock(const Node* expr, const Value& input, Frame* env);
  JResult<Value> EvaluateFunction(const Node* expr, const Value& input, Frame* env,
                                  const Value* apply_to);
  JResult<Value> EvaluatePartial(const Node* expr, const Value& input, Frame* env);
  JResult<Value> EvaluateApplyOperator(const Node* expr, const Value& input, Frame* env);
  JResult<Value> EvaluateCondition(const Node* expr, const Value& input, Frame* env);
  Value EvaluateVariable(const Node* expr, const Value& input, Frame* env) const;
  Value MakeLambda(const Node* expr, const Value& input, Frame* env);
  JResult<Value> ApplyInner(const Value& fn, std::span<const Value> args, const Value& input,
                            Frame* env);
  JResult<Value> ApplyLambda(const LambdaFunction& fn, std::span<const Value> args);
  JResult<Value> ApplyBuiltin(const BuiltinEntry& entry, std::span<const Value> args,
                              const Value& input, Frame* env);
  JResult<Value> ApplyTransform(const TransformFunction& fn, const Value& arg);
  JResult<Value> ApplyRegex(const std::shared_ptr<const Regex>& regex, std::string_view subject,
                            size_t from, int64_t position);
  Error DepthError() const;
  // A new frame below `parent`, registered for the end-of-evaluation collection.
  Ref<Frame> NewFrame(Frame* parent);
  Ref<Frame> NewFrame(const Ref<Frame>& parent) { return NewFrame(parent.get()); }
  Ref<Frame> TupleFrame(Frame* env, const Value& tuple);
  // Clears the frames that `result` cannot reach, breaking closure cycles, and lets the rest go.
  void CollectFrames(const Value* result);
  // Makes the frames' own bindings of lambdas weak, for frames `result` reaches: the lambdas
  // keep those frames, so binding them strongly would be a cycle that outlives the evaluation.
  // The lambdas that only frames held are kept alive by the lambdas of the result instead.
  void WeakenBindings(const Value& result, const std::vector<Frame*>& marked);
  bool TimeUp();

  // The program whose nodes are being evaluated (lambdas created now keep it alive).
  const std::shared_ptr<const Program>* program_;
  const EvalOptions& options_;
  const Host* host_;
  // Position of the function call being made, for built-ins' errors.
  int64_t call_position_ = -1;
  int depth_ = 0;
  // The call in tail position of a lambda body, waiting for Apply's trampoline; the body's value
  // is then tail_marker_.
  struct TailCall {
    const Node* call = nullptr;
    Value input;
    Ref<Frame> env;
    const std::shared_ptr<const Program>* program = nullptr;
  };
  TailCall tail_call_;
  Value tail_marker_;
  // Set once $eval has run: its text may have bound names that shadow built-ins.
  bool eval_used_ = false;
  int max_depth_;
  uintptr_t stack_floor_;
  uint32_t ticks_ = 0;
  bool timed_ = false;
  std::chrono::steady_clock::time_point deadline_;
  // Read from the clock on first use, then fixed for the evaluation.
  mutable int64_t now_millis_;
  Ref<Frame> root_frame_;
  FrameRegistry registry_;
  // Closures (lambdas, transforms) created: only then can frames form cycles.
  bool closures_created_ = false;
  // The lambdas this evaluation created (those alive are told apart from older ones by address).
  std::vector<const LambdaFunction*> created_lambdas_;
  // Blocks that assign nothing may share their enclosing frame (see Node::needs_frame); not
  // when a binding from outside is a function, which could be $eval.
  bool elide_frames_ = true;
};

inline JResult<Value> Evaluator::EvaluateOperand(const Node* expr, const Value& input, Frame* env) {
  if (expr->plain && !expr->keep_array && depth_ < max_depth_) {
    switch (expr->type) {
      case NodeType::kString:
      case NodeType::kNumber:
      case NodeType::kValue:
        return expr->value;
      case NodeType::kVariable: {
        Value v = EvaluateVariable(expr, input, env);
        if (v.is_array() && v.has_flag(kFlagSequence) && !v.has_flag(kFlagTupleStream)) {
          return FinishSequence(expr, std::move(v));
        }
        return v;
      }
      case NodeType::kPath: {
        const Node* step = expr->items.size() == 1 ? expr->items[0].get() : nullptr;
        if (step != nullptr && step->simple_name && input.is_object() &&
            !expr->keep_singleton_array && !expr->tuple) {
          const Value& v = input.Get(step->name);
          if (v.is_array() && v.has_flag(kFlagSequence) && !v.has_flag(kFlagTupleStream)) {
            return FinishSequence(expr, v);
          }
          return v;
        }
        break;
      }
      default:
        break;
    }
  }
  return Evaluate(expr, input, env);
}

}  // namespace erphub::jsonata
