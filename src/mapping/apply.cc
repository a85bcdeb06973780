// Function values: calls, lambdas, partial application, built-ins, transforms, regexes, $eval.

#include <memory>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "mapping/eval_util.h"
#include "mapping/evaluator.h"
#include "mapping/value_ops.h"

namespace erphub::jsonata {

namespace {

JResult<Value> CloneFunction(CallContext& /*ctx*/, std::span<const Value> args) {
  if (args.empty() || args[0].is_undefined()) {
    return Value();
  }
  Value out = DeepClone(args[0]);
  out.set_flags(0);
  return out;
}

JResult<Value> EvalFunction(CallContext& ctx, std::span<const Value> args) {
  if (args.empty() || args[0].is_undefined()) {
    return Value();
  }
  return ctx.Eval(args[0].as_string(), args.size() > 1 ? args[1] : Value());
}

// Language-level functions, used when no function table provides the name.
constexpr BuiltinFunction kLanguageFunctions[] = {
    {"clone", "<(oa)-:o>", CloneFunction},
    {"eval", "<sx?:x>", EvalFunction},
};

struct Registry {
  std::vector<std::unique_ptr<BuiltinEntry>> entries;
  std::unordered_map<std::string_view, const BuiltinEntry*> by_name;

  void Add(const BuiltinFunction& f) {
    if (by_name.count(f.name) != 0 || f.fn == nullptr) {
      return;
    }
    auto entry = std::make_unique<BuiltinEntry>();
    entry->name = f.name;
    entry->fn = f.fn;
    if (!f.signature.empty()) {
      auto sig = Signature::Parse(f.signature);
      if (sig.ok()) {
        entry->signature = std::move(sig).value();
      }
    }
    entry->value = Value::Function(new BuiltinFunctionValue(entry.get()));
    by_name.emplace(entry->name, entry.get());
    entries.push_back(std::move(entry));
  }
};

const Registry& GetRegistry() {
  static const Registry* registry = [] {
    auto* r = new Registry();
    for (auto table :
         {StringFunctions(), NumericFunctions(), CollectionFunctions(), FormatFunctions(),
          DateTimeFunctions(), ErpFunctions(), ErpValueFunctions()}) {
      for (const BuiltinFunction& f : table) {
        r->Add(f);
      }
    }
    for (const BuiltinFunction& f : kLanguageFunctions) {
      r->Add(f);
    }
    return r;
  }();
  return *registry;
}

const Signature& TransformSignature() {
  static const Signature* sig = [] {
    auto parsed = Signature::Parse("<(oa):o>");
    return new Signature(*parsed.value());
  }();
  return *sig;
}

// The name a call refers to, for errors: the field name or the variable name.
std::string ProcedureName(const Node* procedure) {
  if (procedure->type == NodeType::kPath && !procedure->items.empty()) {
    return procedure->items[0]->name;
  }
  return procedure->name;
}

class EvalCallContext final : public CallContext {
 public:
  EvalCallContext(Evaluator& evaluator, const Value& input, Frame* env, int64_t position)
      : evaluator_(evaluator), input_(input), env_(env), position_(position) {}

  JResult<Value> Apply(const Value& fn, std::span<const Value> args) override {
    return evaluator_.Apply(fn, args, Value(), env_);
  }
  int Arity(const Value& fn) const override { return evaluator_.Arity(fn); }
  int64_t NowMillis() const override { return evaluator_.now_millis(); }
  const Host& host() const override { return evaluator_.host(); }
  JResult<Value> Eval(std::string_view text, const Value& input) override {
    return evaluator_.EvalText(text, input.is_undefined() ? input_ : input, env_);
  }
  int64_t position() const override { return position_; }

 private:
  Evaluator& evaluator_;
  const Value& input_;
  Frame* env_;
  int64_t position_;
};

void CollectObjects(const Value& v, std::unordered_set<const Object*>& out) {
  if (v.is_object()) {
    out.insert(&v.as_object());
    for (const auto& [key, item] : v.as_object()) {
      CollectObjects(item, out);
    }
  } else if (v.is_array()) {
    for (const Value& item : v.as_array()) {
      CollectObjects(item, out);
    }
  }
}

Error WithToken(Error err, const std::string& token) {
  if (err.info().token.empty()) {
    err.mutable_info().token = token;
  }
  return err;
}

}  // namespace

const Regex* AsRegex(const Value& fn) {
  const FunctionValue* f = AsFunctionValue(fn);
  if (f == nullptr || f->kind() != FunctionKind::kRegex) {
    return nullptr;
  }
  return static_cast<const RegexFunction*>(f)->regex.get();
}

const BuiltinEntry* FindBuiltin(std::string_view name) {
  const Registry& r = GetRegistry();
  auto it = r.by_name.find(name);
  return it != r.by_name.end() ? it->second : nullptr;
}

Value Evaluator::MakeLambda(const Node* expr, const Value& input, Frame* env) {
  auto* fn = new LambdaFunction();
  fn->program = *program_;
  fn->node = expr;
  fn->input = input;
  fn->env = Ref<Frame>::Share(env);
  closures_created_ = true;
  created_lambdas_.push_back(fn);
  return Value::Function(fn);
}

int Evaluator::Arity(const Value& fn) const {
  const FunctionValue* f = AsFunctionValue(fn);
  if (f == nullptr) {
    return 0;
  }
  switch (f->kind()) {
    case FunctionKind::kLambda:
      return static_cast<int>(static_cast<const LambdaFunction*>(f)->params().size());
    case FunctionKind::kBuiltin: {
      const auto* b = static_cast<const BuiltinFunctionValue*>(f);
      // The reference takes a built-in's arity from its JavaScript parameter list, which for
      // $string stops before the defaulted `prettify`.
      if (b->entry->name == "string") {
        return 1;
      }
      return b->entry->signature ? b->entry->signature->arity() : 1;
    }
    case FunctionKind::kPartialNative: {
      int n = 0;
      for (bool p : static_cast<const PartialNativeFunction*>(f)->placeholder) {
        n += p ? 1 : 0;
      }
      return n;
    }
    case FunctionKind::kRegex:
      return 2;
    case FunctionKind::kRegexNext:
      return 0;
    case FunctionKind::kTransform:
    case FunctionKind::kChain:
      return 1;
    case FunctionKind::kTailCall:
    case FunctionKind::kWeak:
      return 0;
  }
  return 0;
}

JResult<Value> Evaluator::EvaluateFunction(const Node* expr, const Value& input, Frame* env,
                                           const Value* apply_to) {
  const Node* procedure = expr->procedure.get();
  // The function to call; built-ins are used in place, so that calls from many threads do not
  // all count references on the same shared value.
  Value evaluated;
  const Value* proc = &evaluated;
  if (procedure->type == NodeType::kVariable && procedure->builtin_direct && procedure->plain &&
      !procedure->keep_array && !eval_used_ && options_.bindings == nullptr) {
    // A built-in nothing can shadow; its variable still counts as one evaluation.
    if (depth_ + 1 > max_depth_) {
      return DepthError().AtPosition(procedure->position);
    }
    proc = &procedure->builtin->value;
  } else {
    ERPHUB_ASSIGN_OR_RETURN(evaluated, Evaluate(procedure, input, env));
  }
  if (proc->is_undefined() && procedure->type == NodeType::kPath) {
    const std::string& name = procedure->items[0]->name;
    if (env->Lookup(name) != nullptr || FindBuiltin(name) != nullptr) {
      // The user probably forgot the leading '$'.
      return MakeEvalError("T1005", expr->position, Value(), name);
    }
  }
  ArgList args;
  if (apply_to != nullptr) {
    args.push_back(*apply_to);
  }
  for (const NodePtr& arg : expr->items) {
    ERPHUB_ASSIGN_OR_RETURN(Value v, EvaluateOperand(arg.get(), input, env));
    args.push_back(std::move(v));
  }
  const int64_t saved = call_position_;
  call_position_ = expr->position;
  // Built-ins never leave a tail call pending: call them without the trampoline.
  const FunctionValue* f = AsFunctionValue(*proc);
  JResult<Value> result =
      f != nullptr && f->kind() == FunctionKind::kBuiltin
          ? ApplyBuiltin(*static_cast<const BuiltinFunctionValue*>(f)->entry, args, input, env)
          : Apply(*proc, args, input, env);
  call_position_ = saved;
  if (!result.ok()) {
    return WithToken(std::move(result).error().AtPosition(expr->position),
                     ProcedureName(procedure));
  }
  return result;
}

JResult<Value> Evaluator::EvaluatePartial(const Node* expr, const Value& input, Frame* env) {
  std::vector<Value> args;
  std::vector<bool> placeholder;
  for (const NodePtr& arg : expr->items) {
    if (arg->type == NodeType::kPlaceholder) {
      args.emplace_back();
      placeholder.push_back(true);
    } else {
      ERPHUB_ASSIGN_OR_RETURN(Value v, Evaluate(arg.get(), input, env));
      args.push_back(std::move(v));
      placeholder.push_back(false);
    }
  }
  const Node* procedure = expr->procedure.get();
  ERPHUB_ASSIGN_OR_RETURN(Value proc, Evaluate(procedure, input, env));
  if (proc.is_undefined() && procedure->type == NodeType::kPath) {
    const std::string& name = procedure->items[0]->name;
    if (env->Lookup(name) != nullptr || FindBuiltin(name) != nullptr) {
      return MakeEvalError("T1007", expr->position, Value(), name);
    }
  }
  const FunctionValue* f = AsFunctionValue(proc);
  if (f == nullptr) {
    return MakeEvalError("T1008", expr->position, Value(), ProcedureName(procedure));
  }
  if (f->kind() == FunctionKind::kLambda) {
    const auto* lambda = static_cast<const LambdaFunction*>(f);
    auto* partial = new LambdaFunction();
    partial->program = lambda->program;
    partial->node = lambda->node;
    partial->input = lambda->input;
    partial->env = NewFrame(lambda->env);
    closures_created_ = true;
    created_lambdas_.push_back(partial);
    partial->partial = true;
    const std::vector<std::string>& params = lambda->params();
    for (size_t i = 0; i < params.size(); i++) {
      if (i < args.size() && placeholder[i]) {
        partial->partial_params.push_back(params[i]);
      } else {
        partial->env->Bind(params[i], i < args.size() ? args[i] : Value());
      }
    }
    return Value::Function(partial);
  }
  auto* partial = new PartialNativeFunction();
  partial->target = proc;
  partial->args = std::move(args);
  partial->placeholder = std::move(placeholder);
  return Value::Function(partial);
}

JResult<Value> Evaluator::EvaluateApplyOperator(const Node* expr, const Value& input, Frame* env) {
  ERPHUB_ASSIGN_OR_RETURN(Value lhs, Evaluate(expr->lhs.get(), input, env));
  if (expr->rhs->type == NodeType::kFunction) {
    return EvaluateFunction(expr->rhs.get(), input, env, &lhs);
  }
  ERPHUB_ASSIGN_OR_RETURN(Value func, Evaluate(expr->rhs.get(), input, env));
  if (!func.is_function()) {
    return MakeEvalError("T2006", expr->position, func);
  }
  if (lhs.is_function()) {
    auto* chain = new ChainFunction();
    chain->first = lhs;
    chain->second = func;
    return Value::Function(chain);
  }
  const int64_t saved = call_position_;
  call_position_ = expr->position;
  Value arg[1] = {lhs};
  JResult<Value> result = Apply(func, arg, input, env);
  call_position_ = saved;
  if (!result.ok()) {
    return std::move(result).error().AtPosition(expr->position);
  }
  return result;
}

JResult<Value> Evaluator::Apply(const Value& fn, std::span<const Value> args, const Value& input,
                                Frame* env) {
  ERPHUB_ASSIGN_OR_RETURN(Value result, ApplyInner(fn, args, input, env));
  // Trampoline: a lambda whose body ends in a call leaves that call in tail_call_ and returns
  // the marker; the call is made here, so tail calls do not nest.
  Value applied;  // keeps the lambda whose program the pending call refers to alive
  for (;;) {
    const FunctionValue* f = AsFunctionValue(result);
    if (f == nullptr || f->kind() != FunctionKind::kTailCall) {
      break;
    }
    TailCall pending = std::move(tail_call_);
    tail_call_ = TailCall();
    const Node* call = pending.call;
    const auto* saved_program = program_;
    program_ = pending.program;
    JResult<Value> next = Evaluate(call->procedure.get(), pending.input, pending.env.get());
    if (!next.ok()) {
      program_ = saved_program;
      return next;
    }
    ArgList next_args;
    for (const NodePtr& arg : call->items) {
      JResult<Value> v = Evaluate(arg.get(), pending.input, pending.env.get());
      if (!v.ok()) {
        program_ = saved_program;
        return v;
      }
      next_args.push_back(std::move(v).value());
    }
    program_ = saved_program;
    applied = std::move(next).value();
    const int64_t saved = call_position_;
    call_position_ = call->position;
    JResult<Value> r = ApplyInner(applied, next_args, input, env);
    call_position_ = saved;
    if (!r.ok()) {
      return WithToken(std::move(r).error().AtPosition(call->position),
                       ProcedureName(call->procedure.get()));
    }
    result = std::move(r).value();
  }
  return result;
}

JResult<Value> Evaluator::ApplyInner(const Value& fn, std::span<const Value> args,
                                     const Value& input, Frame* env) {
  const FunctionValue* f = AsFunctionValue(fn);
  if (f == nullptr) {
    return MakeEvalError("T1006", call_position_, fn);
  }
  switch (f->kind()) {
    case FunctionKind::kLambda: {
      const auto* lambda = static_cast<const LambdaFunction*>(f);
      if (const Signature* sig = lambda->signature()) {
        ArgList validated;
        ERPHUB_TRY(sig->Validate(args, input, validated));
        return ApplyLambda(*lambda, validated);
      }
      return ApplyLambda(*lambda, args);
    }
    case FunctionKind::kBuiltin:
      return ApplyBuiltin(*static_cast<const BuiltinFunctionValue*>(f)->entry, args, input, env);
    case FunctionKind::kPartialNative: {
      const auto* partial = static_cast<const PartialNativeFunction*>(f);
      ArgList full;
      size_t next = 0;
      for (size_t i = 0; i < partial->args.size(); i++) {
        if (partial->placeholder[i]) {
          full.push_back(next < args.size() ? args[next] : Value());
          next++;
        } else {
          full.push_back(partial->args[i]);
        }
      }
      return ApplyInner(partial->target, full, Value(), env);
    }
    case FunctionKind::kRegex: {
      const auto* regex = static_cast<const RegexFunction*>(f);
      if (args.empty() || !args[0].is_string()) {
        return Value();
      }
      return ApplyRegex(regex->regex, args[0].as_string(), 0, call_position_);
    }
    case FunctionKind::kRegexNext: {
      const auto* next = static_cast<const RegexNextFunction*>(f);
      if (next->from >= next->subject.size()) {
        return Value();
      }
      Regex::Match m;
      if (!next->regex->Search(next->subject, next->from, m)) {
        return Value();
      }
      if (m.start == m.end) {
        return MakeEvalError("D1004", next->position, Value::Str(next->regex->pattern()));
      }
      return ApplyRegex(next->regex, next->subject, next->from, next->position);
    }
    case FunctionKind::kTransform: {
      ArgList validated;
      ERPHUB_TRY(TransformSignature().Validate(args, input, validated));
      return ApplyTransform(*static_cast<const TransformFunction*>(f), validated[0]);
    }
    case FunctionKind::kChain: {
      const auto* chain = static_cast<const ChainFunction*>(f);
      Value x[1] = {args.empty() ? Value() : args[0]};
      ERPHUB_ASSIGN_OR_RETURN(Value mid, Apply(chain->first, x, Value(), env));
      Value y[1] = {std::move(mid)};
      return Apply(chain->second, y, Value(), env);
    }
    case FunctionKind::kTailCall:
    case FunctionKind::kWeak:
      break;
  }
  return MakeEvalError("T1006", call_position_, fn);
}

JResult<Value> Evaluator::ApplyLambda(const LambdaFunction& fn, std::span<const Value> args) {
  Ref<Frame> frame = NewFrame(fn.env);
  const std::vector<std::string>& params = fn.params();
  const bool hashed = !fn.partial;
  for (size_t i = 0; i < params.size(); i++) {
    uint32_t hash = hashed ? fn.node->param_hashes[i] : NameHash(params[i]);
    frame->Bind(params[i], hash, i < args.size() ? args[i] : Value());
  }
  const auto* saved = program_;
  program_ = &fn.program;
  JResult<Value> result = Evaluate(fn.node->body.get(), fn.input, frame.get());
  program_ = saved;
  return result;
}

JResult<Value> Evaluator::ApplyBuiltin(const BuiltinEntry& entry, std::span<const Value> args,
                                       const Value& input, Frame* env) {
  EvalCallContext ctx(*this, input, env, call_position_);
  JResult<Value> result = [&]() -> JResult<Value> {
    if (!entry.signature || entry.signature->AcceptsAsIs(args)) {
      return entry.fn(ctx, args);
    }
    ArgList validated;
    ERPHUB_TRY(entry.signature->Validate(args, input, validated));
    return entry.fn(ctx, validated);
  }();
  if (!result.ok()) [[unlikely]] {
    Error err = std::move(result).error().AtPosition(call_position_);
    if (err.info().function_name.empty()) {
      err.mutable_info().function_name = std::string(entry.name);
    }
    return err;
  }
  return result;
}

JResult<Value> Evaluator::ApplyRegex(const std::shared_ptr<const Regex>& regex,
                                     std::string_view subject, size_t from, int64_t position) {
  Regex::Match m;
  if (!regex->Search(subject, from, m)) {
    return Value();
  }
  Object obj;
  obj.Append("match", Value::Str(m.text(subject)));
  obj.Append("start", Value::Int(static_cast<int64_t>(CodePointCount(subject.substr(0, m.start)))));
  obj.Append("end", Value::Int(static_cast<int64_t>(CodePointCount(subject.substr(0, m.end)))));
  Array groups;
  for (size_t i = 0; i < m.groups.size(); i++) {
    groups.push_back(m.groups[i].set ? Value::Str(m.group(subject, i)) : Value());
  }
  obj.Append("groups", Value::MakeArray(std::move(groups)));
  auto* next = new RegexNextFunction();
  next->regex = regex;
  next->subject = std::string(subject);
  next->from = m.end;
  next->position = position;
  obj.Append("next", Value::Function(next));
  return Value::MakeObject(std::move(obj));
}

JResult<Value> Evaluator::ApplyTransform(const TransformFunction& fn, const Value& arg) {
  if (arg.is_undefined()) {
    return Value();
  }
  const Node* node = fn.node;
  if (const Value* clone = fn.env->Lookup("clone"); clone != nullptr && !clone->is_function()) {
    return MakeEvalError("T2013", node->position);
  }
  Value result = DeepClone(arg);
  result.set_flags(0);
  // The clone is private to this call, so matched objects inside it are changed in place, as the
  // reference does; objects are only changed when they belong to the clone.
  std::unordered_set<const Object*> owned;
  CollectObjects(result, owned);

  const auto* saved = program_;
  program_ = &fn.program;
  struct Restore {
    Evaluator* ev;
    const std::shared_ptr<const Program>* saved;
    ~Restore() { ev->program_ = saved; }
  } restore{this, saved};

  ERPHUB_ASSIGN_OR_RETURN(Value matches, Evaluate(node->pattern.get(), result, fn.env.get()));
  if (matches.is_undefined()) {
    return result;
  }
  std::vector<Value> list;
  if (matches.is_array()) {
    list.assign(matches.as_array().begin(), matches.as_array().end());
  } else {
    list.push_back(matches);
  }
  for (const Value& match : list) {
    ERPHUB_ASSIGN_OR_RETURN(Value update, Evaluate(node->update.get(), match, fn.env.get()));
    if (!update.is_undefined()) {
      if (!update.is_object()) {
        return MakeEvalError("T2011", node->update->position, update);
      }
      if (match.is_object() && owned.count(&match.as_object()) != 0) {
        auto& target = const_cast<Object&>(match.as_object());
        for (const auto& [key, value] : update.as_object()) {
          Value copy = DeepClone(value);
          CollectObjects(copy, owned);
          target.Set(key, std::move(copy));
        }
      }
    }
    if (node->deletion) {
      ERPHUB_ASSIGN_OR_RETURN(Value deletions, Evaluate(node->deletion.get(), match, fn.env.get()));
      if (!deletions.is_undefined()) {
        std::vector<Value> keys;
        if (deletions.is_array()) {
          keys.assign(deletions.as_array().begin(), deletions.as_array().end());
        } else {
          keys.push_back(deletions);
        }
        for (const Value& key : keys) {
          if (!key.is_string()) {
            return MakeEvalError("T2012", node->deletion->position, deletions);
          }
        }
        if (match.is_object() && owned.count(&match.as_object()) != 0) {
          auto& target = const_cast<Object&>(match.as_object());
          for (const Value& key : keys) {
            target.Erase(key.as_string());
          }
        }
      }
    }
  }
  return result;
}

JResult<Value> Evaluator::EvalText(std::string_view text, const Value& input, Frame* env) {
  auto compiled = Program::Compile(text);
  if (!compiled.ok()) {
    const Error& inner = compiled.error();
    return MakeEvalError("D3120", call_position_, Value::Str(inner.ToString()));
  }
  std::shared_ptr<const Program> program = std::move(compiled).value();
  eval_used_ = true;
  Value in = input;
  if (in.is_array() && !in.has_flag(kFlagSequence)) {
    in = MakeSeqOf(input);
    in.set_flag(kFlagOuterWrapper);
  }
  const auto* saved = program_;
  program_ = &program;
  JResult<Value> result = Evaluate(&program->root(), in, env);
  program_ = saved;
  if (!result.ok()) {
    const Error& inner = result.error();
    if (inner.code() == "U1001") {
      return result;
    }
    return MakeEvalError("D3121", call_position_, Value::Str(inner.ToString()));
  }
  return result;
}

}  // namespace erphub::jsonata
