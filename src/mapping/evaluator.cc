#include "mapping/evaluator.h"

#include <chrono>
#include <cmath>
#include <optional>
#include <unordered_set>
#include <utility>

#include "mapping/eval_util.h"
#include "mapping/value_ops.h"

namespace erphub::jsonata {

namespace {

const Host& DefaultHost() {
  static const Host* host = new Host();
  return *host;
}

int64_t RealNowMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

bool IsComparable(const Value& v) { return v.is_undefined() || v.is_string() || v.is_number(); }

}  // namespace

Evaluator::Evaluator(const std::shared_ptr<const Program>& program, const EvalOptions& options)
    : program_(&program),
      options_(options),
      host_(options.host != nullptr ? options.host : &DefaultHost()),
      max_depth_(options.max_depth),
      stack_floor_(StackFloor()),
      now_millis_(options.now_millis) {
  if (options.time_limit.count() > 0) {
    timed_ = true;
    deadline_ = std::chrono::steady_clock::now() + options.time_limit;
  }
}

int64_t Evaluator::now_millis() const {
  if (now_millis_ < 0) {
    now_millis_ = RealNowMillis();
  }
  return now_millis_;
}

Error Evaluator::DepthError() const { return MakeEvalError("U1001", -1); }

bool Evaluator::TimeUp() {
  return timed_ && (++ticks_ & 63) == 0 && std::chrono::steady_clock::now() > deadline_;
}

Ref<Frame> Evaluator::NewFrame(Frame* parent) {
  Ref<Frame> frame = Ref<Frame>::Adopt(new Frame(Ref<Frame>::Share(parent)));
  registry_.Add(frame.get());
  return frame;
}

Ref<Frame> Evaluator::TupleFrame(Frame* env, const Value& tuple) {
  Ref<Frame> frame = NewFrame(env);
  frame->SetTuple(tuple);
  return frame;
}

JResult<Value> Evaluator::Run(const Value& input) {
  // The root frame is reused by the next evaluation on this thread unless a function value in
  // the result still refers to it.
  thread_local Ref<Frame> cached_root;
  if (!cached_root || cached_root->IsShared()) {
    cached_root = Ref<Frame>::Adopt(new Frame(Ref<Frame>()));
  }
  root_frame_ = cached_root;
  registry_.Add(root_frame_.get());
  if (options_.bindings != nullptr) {
    for (const auto& [key, value] : *options_.bindings) {
      root_frame_->Bind(key, value);
      if (value.is_function()) {
        elide_frames_ = false;
      }
    }
  }
  root_frame_->Bind("$", input);
  Value in = input;
  if (input.is_array() && !input.has_flag(kFlagSequence)) {
    // A JSON array input is one value: wrap it so paths see it as a single item.
    in = MakeSeqOf(input);
    in.set_flag(kFlagOuterWrapper);
  }
  JResult<Value> result = Evaluate(&(*program_)->root(), in, root_frame_.get());
  if (result.ok() && result->is_number() && !result->as_number().IsFinite()) {
    result = MakeEvalError("D1001", (*program_)->root().position, *result);
  }
  CollectFrames(result.ok() ? &*result : nullptr);
  root_frame_ = Ref<Frame>();
  if (!cached_root->IsShared()) {
    cached_root->Clear();
  }
  return result;
}

void Evaluator::CollectFrames(const Value* result) {
  tail_call_ = TailCall();
  tail_marker_ = Value();
  std::vector<Frame*>& frames = registry_.frames();
  if (closures_created_) {
    // Mark what the result reaches through function values.
    std::vector<Frame*> marked;
    std::unordered_set<const FunctionValue*> seen;
    std::vector<const Value*> values;
    std::vector<Frame*> pending;
    auto visit_value = [&](const Value& v) { values.push_back(&v); };
    if (result != nullptr) {
      values.push_back(result);
    }
    while (!values.empty() || !pending.empty()) {
      if (!pending.empty()) {
        Frame* f = pending.back();
        pending.pop_back();
        if (f == nullptr || f->marked()) {
          continue;
        }
        f->set_marked(true);
        marked.push_back(f);
        pending.push_back(f->parent());
        f->ForEachValue(visit_value);
        continue;
      }
      const Value& v = *values.back();
      values.pop_back();
      if (v.is_array()) {
        for (const Value& item : v.as_array()) {
          if (item.is_array() || item.is_object() || item.is_function()) {
            values.push_back(&item);
          }
        }
      } else if (v.is_object()) {
        for (const auto& [key, item] : v.as_object()) {
          if (item.is_array() || item.is_object() || item.is_function()) {
            values.push_back(&item);
          }
        }
      } else if (const FunctionValue* fn = AsFunctionValue(v)) {
        if (!seen.insert(fn).second) {
          continue;
        }
        switch (fn->kind()) {
          case FunctionKind::kLambda: {
            const auto* lambda = static_cast<const LambdaFunction*>(fn);
            pending.push_back(lambda->env.get());
            values.push_back(&lambda->input);
            break;
          }
          case FunctionKind::kTransform:
            pending.push_back(static_cast<const TransformFunction*>(fn)->env.get());
            break;
          case FunctionKind::kChain: {
            const auto* chain = static_cast<const ChainFunction*>(fn);
            values.push_back(&chain->first);
            values.push_back(&chain->second);
            break;
          }
          case FunctionKind::kPartialNative: {
            const auto* partial = static_cast<const PartialNativeFunction*>(fn);
            values.push_back(&partial->target);
            for (const Value& arg : partial->args) {
              values.push_back(&arg);
            }
            break;
          }
          default:
            break;
        }
      }
    }
    if (result != nullptr && !marked.empty()) {
      WeakenBindings(*result, marked);
    }
    // Clear the frames nothing outside reaches. Clearing may release other frames, which then
    // leave the registry, so slots are read afresh.
    for (size_t i = 0; i < frames.size(); i++) {
      Frame* f = frames[i];
      if (f != nullptr && !f->marked()) {
        // Clearing may drop the last reference to `f` itself.
        Ref<Frame> hold = Ref<Frame>::Share(f);
        f->Clear();
      }
    }
    for (Frame* f : marked) {
      f->set_marked(false);
    }
  }
  for (Frame* f : frames) {
    if (f != nullptr) {
      f->set_registry(nullptr, 0);
    }
  }
  frames.clear();
}

void Evaluator::WeakenBindings(const Value& result, const std::vector<Frame*>& marked) {
  const std::unordered_set<const LambdaFunction*> created(created_lambdas_.begin(),
                                                          created_lambdas_.end());
  // The lambdas of the result itself (not found through frames), which will keep the others.
  std::unordered_set<const LambdaFunction*> entries;
  std::vector<const Value*> values = {&result};
  while (!values.empty()) {
    const Value& v = *values.back();
    values.pop_back();
    if (v.is_array()) {
      for (const Value& item : v.as_array()) {
        values.push_back(&item);
      }
    } else if (v.is_object()) {
      for (const auto& [key, item] : v.as_object()) {
        values.push_back(&item);
      }
    } else if (const FunctionValue* fn = AsFunctionValue(v)) {
      if (fn->kind() == FunctionKind::kLambda) {
        const auto* lambda = static_cast<const LambdaFunction*>(fn);
        if (created.count(lambda) == 0) {
          return;  // shared with the caller's values: leave everything as it is
        }
        entries.insert(lambda);
      } else if (fn->kind() == FunctionKind::kChain) {
        values.push_back(&static_cast<const ChainFunction*>(fn)->first);
        values.push_back(&static_cast<const ChainFunction*>(fn)->second);
      } else if (fn->kind() == FunctionKind::kPartialNative) {
        const auto* partial = static_cast<const PartialNativeFunction*>(fn);
        values.push_back(&partial->target);
        for (const Value& arg : partial->args) {
          values.push_back(&arg);
        }
      }
    }
  }
  if (entries.empty()) {
    return;
  }
  Array kept;
  for (Frame* f : marked) {
    if (!f->registered_in(&registry_)) {
      continue;  // a frame of an earlier evaluation
    }
    f->UpdateBindings([&](Value& v) {
      const FunctionValue* fn = AsFunctionValue(v);
      if (fn == nullptr || fn->kind() != FunctionKind::kLambda) {
        return;
      }
      const auto* lambda = static_cast<const LambdaFunction*>(fn);
      if (created.count(lambda) == 0) {
        return;
      }
      if (!lambda->weak_slot) {
        lambda->weak_slot = Ref<WeakSlot>::Adopt(new WeakSlot());
        lambda->weak_slot->target = lambda;
      }
      if (entries.count(lambda) == 0) {
        kept.push_back(v);
      }
      v = Value::Function(new WeakFunction(lambda->weak_slot));
    });
  }
  if (!kept.empty()) {
    Value keep = Value::MakeArray(std::move(kept));
    for (const LambdaFunction* entry : entries) {
      entry->keep = keep;
    }
  }
}

JResult<Value> Evaluator::Evaluate(const Node* expr, const Value& input, Frame* env) {
  // Deeper than allowed, out of time, or out of stack (the thread's own limit comes first).
  if (++depth_ > max_depth_ || TimeUp() ||
      reinterpret_cast<uintptr_t>(__builtin_frame_address(0)) < stack_floor_) [[unlikely]] {
    depth_--;
    return DepthError().AtPosition(expr->position);
  }
  JResult<Value> evaluated = EvaluateNode(expr, input, env);
  if (!evaluated.ok()) [[unlikely]] {
    depth_--;
    return evaluated;
  }
  if (expr->plain) {
    // The common case: hand the result on without moving it, unless a sequence needs unwrapping.
    depth_--;
    const Value& v = *evaluated;
    if (!(v.is_array() && v.has_flag(kFlagSequence)) || v.has_flag(kFlagTupleStream)) {
      return evaluated;
    }
    return FinishSequence(expr, std::move(evaluated).value());
  }
  Value result = std::move(evaluated).value();
  for (const Stage& stage : expr->predicates) {
    JResult<Value> filtered = EvaluateFilter(stage.expr.get(), result, env);
    if (!filtered.ok()) {
      depth_--;
      return filtered;
    }
    result = std::move(filtered).value();
  }
  if (expr->group && expr->type != NodeType::kPath) {
    JResult<Value> grouped = EvaluateGroup(expr->group->pairs, expr->group->position, result, env);
    if (!grouped.ok()) {
      depth_--;
      return grouped;
    }
    result = std::move(grouped).value();
  }
  depth_--;
  if (result.is_array() && result.has_flag(kFlagSequence) && !result.has_flag(kFlagTupleStream)) {
    return FinishSequence(expr, std::move(result));
  }
  return result;
}

// A sequence result: empty is undefined, one item is the item unless the node keeps arrays.
Value Evaluator::FinishSequence(const Node* expr, Value result) {
  if (expr->keep_array) {
    result.set_flag(kFlagKeepSingleton);
  }
  if (result.size() == 0) {
    return Value();
  }
  if (result.size() == 1 && !result.has_flag(kFlagKeepSingleton)) {
    return result[0];
  }
  return result;
}

// Inlined into Evaluate, its only caller.
[[gnu::always_inline]] inline JResult<Value> Evaluator::EvaluateNode(const Node* expr,
                                                                     const Value& input,
                                                                     Frame* env) {
  switch (expr->type) {
    case NodeType::kPath:
      return EvaluatePath(expr, input, env);
    case NodeType::kBinary:
      return EvaluateBinary(expr, input, env);
    case NodeType::kArray:
      return EvaluateArray(expr, input, env);
    case NodeType::kObject:
      return EvaluateGroup(expr->pairs, expr->position, input, env, expr->literal_keys);
    case NodeType::kName:
      return LookupField(input, expr->name);
    case NodeType::kString:
    case NodeType::kNumber:
    case NodeType::kValue:
    case NodeType::kRegex:
      return expr->value;
    case NodeType::kCondition:
      return EvaluateCondition(expr, input, env);
    case NodeType::kBlock:
      return EvaluateBlock(expr, input, env);
    case NodeType::kBind: {
      ERPHUB_ASSIGN_OR_RETURN(Value v, Evaluate(expr->rhs.get(), input, env));
      env->Bind(expr->lhs->name, expr->lhs->name_hash, v);
      return v;
    }
    case NodeType::kFunction:
      return EvaluateFunction(expr, input, env, nullptr);
    case NodeType::kVariable:
      return EvaluateVariable(expr, input, env);
    default:
      return EvaluateRare(expr, input, env);
  }
}

// The node kinds a mapping seldom evaluates, kept out of Evaluate so that its frame stays small.
JResult<Value> Evaluator::EvaluateRare(const Node* expr, const Value& input, Frame* env) {
  switch (expr->type) {
    case NodeType::kNegate: {
      ERPHUB_ASSIGN_OR_RETURN(Value v, Evaluate(expr->expr.get(), input, env));
      if (v.is_undefined()) {
        return Value();
      }
      if (v.is_number()) {
        return Value::Num(-v.as_number());
      }
      return MakeEvalError("D1002", expr->position, v, "-");
    }
    case NodeType::kWildcard: {
      const Value* in = &input;
      if (input.is_array() && input.has_flag(kFlagOuterWrapper) && input.size() > 0) {
        in = &input[0];
      }
      Array results;
      bool sequence = true;
      auto flatten = [](auto&& self, const Value& v, Array& out) -> void {
        if (v.is_array()) {
          for (const Value& item : v.as_array()) {
            self(self, item, out);
          }
        } else {
          out.push_back(v);
        }
      };
      if (in->is_object()) {
        for (const auto& [key, value] : in->as_object()) {
          if (value.is_array()) {
            flatten(flatten, value, results);
            sequence = false;  // fn.append returns a plain array
          } else {
            results.push_back(value);
          }
        }
      } else if (in->is_array()) {
        for (const Value& value : in->as_array()) {
          if (value.is_array()) {
            flatten(flatten, value, results);
            sequence = false;
          } else {
            results.push_back(value);
          }
        }
      }
      Value out = Value::MakeArray(std::move(results));
      if (sequence) {
        out.set_flag(kFlagSequence);
      }
      return out;
    }
    case NodeType::kDescendant: {
      if (input.is_undefined()) {
        return Value();
      }
      Array results;
      auto recurse = [](auto&& self, const Value& v, Array& out) -> void {
        if (!v.is_array()) {
          out.push_back(v);
        }
        if (v.is_array()) {
          for (const Value& item : v.as_array()) {
            self(self, item, out);
          }
        } else if (v.is_object()) {
          for (const auto& [key, item] : v.as_object()) {
            self(self, item, out);
          }
        }
      };
      recurse(recurse, input, results);
      if (results.size() == 1) {
        return results[0];
      }
      return MakeSeq(std::move(results));
    }
    case NodeType::kParent: {
      const Value* v = env->Lookup(expr->slot->label);
      return v != nullptr ? *v : Value();
    }
    case NodeType::kCoalesce: {
      ERPHUB_ASSIGN_OR_RETURN(Value v, Evaluate(expr->condition.get(), input, env));
      if (!v.is_undefined()) {
        return v;
      }
      return Evaluate(expr->else_branch.get(), input, env);
    }
    case NodeType::kElvis: {
      ERPHUB_ASSIGN_OR_RETURN(Value v, Evaluate(expr->condition.get(), input, env));
      if (IsTruthy(v)) {
        return v;
      }
      return Evaluate(expr->else_branch.get(), input, env);
    }
    case NodeType::kLambda:
      if (expr->thunk) {
        tail_call_.call = expr->body.get();
        tail_call_.input = input;
        tail_call_.env = Ref<Frame>::Share(env);
        tail_call_.program = program_;
        closures_created_ = true;
        if (tail_marker_.is_undefined()) {
          tail_marker_ = Value::Function(new TailCallMarker());
        }
        return tail_marker_;
      }
      return MakeLambda(expr, input, env);
    case NodeType::kPartial:
      return EvaluatePartial(expr, input, env);
    case NodeType::kApply:
      return EvaluateApplyOperator(expr, input, env);
    case NodeType::kSort: {
      // A sort step evaluated on its own (not inside a path).
      Value in = input.is_array() ? input : MakeSeqOf(input);
      return EvaluateSort(expr, in, env);
    }
    case NodeType::kTransform: {
      auto* fn = new TransformFunction();
      fn->program = *program_;
      fn->node = expr;
      fn->env = Ref<Frame>::Share(env);
      closures_created_ = true;
      return Value::Function(fn);
    }
    default:
      return MakeEvalError("S0206", expr->position);
  }
}

Value Evaluator::EvaluateVariable(const Node* expr, const Value& input, Frame* env) const {
  if (expr->name.empty()) {
    if (input.is_array() && input.has_flag(kFlagOuterWrapper) && input.size() > 0) {
      return input[0];
    }
    return input;
  }
  if (expr->builtin_direct && !eval_used_ &&
      (options_.bindings == nullptr || !options_.bindings->Contains(expr->name))) {
    return expr->builtin->value;
  }
  if (const Value* v = env->Lookup(expr->name, expr->name_hash)) {
    if (const FunctionValue* f = AsFunctionValue(*v);
        f != nullptr && f->kind() == FunctionKind::kWeak) [[unlikely]] {
      const LambdaFunction* target = static_cast<const WeakFunction*>(f)->slot->target;
      if (target == nullptr) {
        return Value();
      }
      target->AddRef();
      return Value::Function(const_cast<LambdaFunction*>(target));
    }
    return *v;
  }
  if (expr->builtin != nullptr) {
    return expr->builtin->value;
  }
  return Value();
}

JResult<Value> Evaluator::EvaluateCondition(const Node* expr, const Value& input, Frame* env) {
  ERPHUB_ASSIGN_OR_RETURN(Value cond, EvaluateOperand(expr->condition.get(), input, env));
  if (IsTruthy(cond)) {
    return EvaluateOperand(expr->then_branch.get(), input, env);
  }
  if (expr->else_branch) {
    return EvaluateOperand(expr->else_branch.get(), input, env);
  }
  return Value();
}

JResult<Value> Evaluator::EvaluateBlock(const Node* expr, const Value& input, Frame* env) {
  // A new frame limits the scope of the block's variable assignments; a block that assigns
  // nothing looks names up exactly as its enclosing scope does, unless a function value bound
  // from outside could be $eval.
  Ref<Frame> frame;
  Frame* scope = env;
  if (expr->needs_frame || !elide_frames_) {
    frame = NewFrame(env);
    scope = frame.get();
  }
  Value result;
  for (const NodePtr& item : expr->items) {
    ERPHUB_ASSIGN_OR_RETURN(result, Evaluate(item.get(), input, scope));
  }
  return result;
}

JResult<Value> Evaluator::EvaluateArray(const Node* expr, const Value& input, Frame* env) {
  Array result;
  for (const NodePtr& item : expr->items) {
    ERPHUB_ASSIGN_OR_RETURN(Value v, EvaluateOperand(item.get(), input, env));
    if (v.is_undefined()) {
      continue;
    }
    if (item->type == NodeType::kArray || !v.is_array()) {
      result.push_back(std::move(v));
    } else if (result.empty() && !v.as_array().empty() && v.size() > 1024) {
      // Large ranges: take the items over without a second copy.
      result = v.as_array();
    } else {
      result.insert(result.end(), v.as_array().begin(), v.as_array().end());
    }
  }
  Value out = Value::MakeArray(std::move(result));
  if (expr->cons_array) {
    out.set_flag(kFlagCons);
  }
  return out;
}

JResult<Value> Evaluator::EvaluateBinary(const Node* expr, const Value& input, Frame* env) {
  const BinaryOp op = expr->op;
  ERPHUB_ASSIGN_OR_RETURN(Value lhs, EvaluateOperand(expr->lhs.get(), input, env));
  if (op == BinaryOp::kAnd || op == BinaryOp::kOr) {
    bool l = IsTruthy(lhs);
    if (op == BinaryOp::kAnd && !l) {
      return Value::Bool(false);
    }
    if (op == BinaryOp::kOr && l) {
      return Value::Bool(true);
    }
    ERPHUB_ASSIGN_OR_RETURN(Value rhs, EvaluateOperand(expr->rhs.get(), input, env));
    return Value::Bool(IsTruthy(rhs));
  }
  ERPHUB_ASSIGN_OR_RETURN(Value rhs, EvaluateOperand(expr->rhs.get(), input, env));
  const int64_t pos = expr->position;
  switch (op) {
    case BinaryOp::kAdd:
    case BinaryOp::kSub:
    case BinaryOp::kMul:
    case BinaryOp::kDiv:
    case BinaryOp::kMod: {
      // As the reference's isNumeric: NaN is not a number, an infinite number is D1001.
      auto check = [&](const Value& v, const char* code) -> std::optional<Error> {
        if (v.is_undefined()) {
          return std::nullopt;
        }
        if (!v.is_number() || (!v.as_number().is_exact() && std::isnan(v.as_number().ToDouble()))) {
          return MakeEvalError(code, pos, v, expr->name);
        }
        if (!v.as_number().IsFinite()) {
          return MakeEvalError("D1001", pos, v, expr->name);
        }
        return std::nullopt;
      };
      if (auto err = check(lhs, "T2001")) {
        return std::move(*err);
      }
      if (auto err = check(rhs, "T2002")) {
        return std::move(*err);
      }
      if (lhs.is_undefined() || rhs.is_undefined()) {
        return Value();
      }
      Number a = lhs.as_number();
      Number b = rhs.as_number();
      Number r;
      switch (op) {
        case BinaryOp::kAdd:
          r = a + b;
          break;
        case BinaryOp::kSub:
          r = a - b;
          break;
        case BinaryOp::kMul:
          r = a * b;
          break;
        case BinaryOp::kDiv:
          r = a / b;
          break;
        default:
          r = a % b;
          break;
      }
      return Value::Num(r);
    }
    case BinaryOp::kEq:
    case BinaryOp::kNe: {
      if (lhs.is_undefined() || rhs.is_undefined()) {
        return Value::Bool(false);
      }
      bool eq = DeepEqual(lhs, rhs);
      return Value::Bool(op == BinaryOp::kEq ? eq : !eq);
    }
    case BinaryOp::kLt:
    case BinaryOp::kLe:
    case BinaryOp::kGt:
    case BinaryOp::kGe: {
      if (!IsComparable(lhs) || !IsComparable(rhs)) {
        const Value& bad = !(lhs.is_string() || lhs.is_number()) ? lhs : rhs;
        return MakeEvalError("T2010", pos, bad, expr->name);
      }
      if (lhs.is_undefined() || rhs.is_undefined()) {
        return Value();
      }
      if (lhs.kind() != rhs.kind()) {
        return MakeEvalError("T2009", pos, lhs, expr->name);
      }
      int c = lhs.is_number() ? Compare(lhs.as_number(), rhs.as_number())
                              : CompareStrings(lhs.as_string(), rhs.as_string());
      bool r = op == BinaryOp::kLt   ? c < 0
               : op == BinaryOp::kLe ? c <= 0
               : op == BinaryOp::kGt ? c > 0
                                     : c >= 0;
      return Value::Bool(r);
    }
    case BinaryOp::kConcat: {
      // Strings are joined from views into one buffer of the thread; only the result is
      // allocated (and not even that when it is short enough to be kept inline).
      thread_local std::string joined;
      joined.clear();
      for (const Value* side : {&lhs, &rhs}) {
        if (side->is_string()) {
          joined += side->as_string();
        } else if (!side->is_undefined()) {
          auto s = StringOf(*side);
          if (!s.ok()) {
            return std::move(s).error().AtPosition(pos);
          }
          joined += *s;
        }
      }
      Value out = Value::Str(std::string_view(joined));
      if (joined.capacity() > 65536) {
        joined = std::string();
      }
      return out;
    }
    case BinaryOp::kIn: {
      if (lhs.is_undefined() || rhs.is_undefined()) {
        return Value::Bool(false);
      }
      if (!rhs.is_array()) {
        return Value::Bool(StrictEquals(lhs, rhs));
      }
      for (const Value& item : rhs.as_array()) {
        if (StrictEquals(lhs, item)) {
          return Value::Bool(true);
        }
      }
      return Value::Bool(false);
    }
    case BinaryOp::kRange: {
      auto is_int = [](const Value& v) { return v.is_number() && v.as_number().IsInteger(); };
      if (!lhs.is_undefined() && !is_int(lhs)) {
        return MakeEvalError("T2003", pos, lhs, "..");
      }
      if (!rhs.is_undefined() && !is_int(rhs)) {
        return MakeEvalError("T2004", pos, rhs, "..");
      }
      if (lhs.is_undefined() || rhs.is_undefined()) {
        return Value();
      }
      double from = lhs.as_number().ToDouble();
      double to = rhs.as_number().ToDouble();
      if (from > to) {
        return Value();
      }
      double size = to - from + 1;
      if (size > 1e7) {
        return MakeEvalError("D2014", pos, Value::Double(size), "..");
      }
      Array items;
      items.reserve(static_cast<size_t>(size));
      int64_t start = static_cast<int64_t>(from);
      int64_t count = static_cast<int64_t>(size);
      for (int64_t i = 0; i < count; i++) {
        items.push_back(Value::Int(start + i));
      }
      return MakeSeq(std::move(items));
    }
    default:
      return Value();
  }
}

}  // namespace erphub::jsonata
