#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/value.h"
#include "mapping/ast.h"
#include "mapping/function.h"
#include "mapping/regex.h"
#include "mapping/signature.h"

namespace erphub::jsonata {

class Program;

// An owning pointer to a reference-counted object (frames, function values).
template <typename T>
class Ref {
 public:
  Ref() = default;
  // Takes over the reference `p` was created with.
  static Ref Adopt(T* p) {
    Ref r;
    r.p_ = p;
    return r;
  }
  // Adds a reference to `p`.
  static Ref Share(T* p) {
    if (p != nullptr) {
      p->AddRef();
    }
    return Adopt(p);
  }
  Ref(const Ref& o) : p_(o.p_) {
    if (p_ != nullptr) {
      p_->AddRef();
    }
  }
  Ref(Ref&& o) noexcept : p_(std::exchange(o.p_, nullptr)) {}
  Ref& operator=(Ref o) noexcept {
    std::swap(p_, o.p_);
    return *this;
  }
  ~Ref() {
    if (p_ != nullptr) {
      p_->Release();
    }
  }
  T* get() const { return p_; }
  T* operator->() const { return p_; }
  T& operator*() const { return *p_; }
  explicit operator bool() const { return p_ != nullptr; }

 private:
  T* p_ = nullptr;
};

class Frame;

// A cheap hash of a variable name (FNV-1a), compared before the name itself.
inline uint32_t NameHash(std::string_view name) {
  uint32_t h = 2166136261u;
  for (char c : name) {
    h = (h ^ static_cast<uint8_t>(c)) * 16777619u;
  }
  return h;
}

// The frames one evaluation has created and that are still alive: at the end of the evaluation
// those that nothing outside can reach are cleared, which breaks the reference cycles closures
// make (a frame binds a lambda that keeps the frame).
class FrameRegistry {
 public:
  // The list's memory is kept per thread between evaluations.
  FrameRegistry();
  ~FrameRegistry();
  FrameRegistry(const FrameRegistry&) = delete;
  FrameRegistry& operator=(const FrameRegistry&) = delete;

  void Add(Frame* frame);
  void Remove(uint32_t slot) { frames_[slot] = nullptr; }
  std::vector<Frame*>& frames() { return frames_; }

 private:
  std::vector<Frame*> frames_;
  size_t compact_at_ = 256;
};

// A scope of variable bindings. Blocks, lambda calls and tuple-stream steps each open one; lambdas
// keep the frame they were defined in, so frames are shared and reference counted.
class Frame : public RefCounted {
 public:
  explicit Frame(Ref<Frame> parent) : parent_(std::move(parent)) {}
  ~Frame() override {
    if (registry_ != nullptr) {
      registry_->Remove(slot_);
    }
  }

  // Frames come and go with every block and call: recycle their memory per thread.
  static void* operator new(size_t size);
  static void operator delete(void* p);

  // The innermost binding of `name`, or nullptr. `hash` is NameHash(name).
  const Value* Lookup(std::string_view name, uint32_t hash) const {
    for (const Frame* f = this; f != nullptr; f = f->parent_.get()) {
      if (const Value* v = f->Find(name, hash)) {
        return v;
      }
    }
    return nullptr;
  }
  const Value* Lookup(std::string_view name) const { return Lookup(name, NameHash(name)); }

  void Bind(std::string_view name, uint32_t hash, Value value) {
    if (Value* v = FindOwn(name, hash)) {
      *v = std::move(value);
      return;
    }
    if (inline_count_ < kInline) {
      Binding& b = inline_[inline_count_++];
      b.name.assign(name.data(), name.size());
      b.hash = hash;
      b.value = std::move(value);
      return;
    }
    more_.push_back(Binding{std::string(name), hash, std::move(value)});
  }
  void Bind(std::string_view name, Value value) { Bind(name, NameHash(name), std::move(value)); }

  // Calls `update` on the value of every binding, which it may replace.
  template <typename Update>
  void UpdateBindings(Update&& update) {
    for (int i = 0; i < inline_count_; i++) {
      update(inline_[i].value);
    }
    for (Binding& b : more_) {
      update(b.value);
    }
  }
  bool registered_in(const FrameRegistry* registry) const { return registry_ == registry; }

  // Drops every binding (for reuse of a root frame nobody else holds).
  void Clear() {
    for (int i = 0; i < inline_count_; i++) {
      inline_[i].value = Value();
    }
    inline_count_ = 0;
    more_.clear();
    tuple_ = Value();
  }

  // Makes every key of the object `tuple` a variable of this frame.
  void SetTuple(Value tuple) { tuple_ = std::move(tuple); }

  // Bookkeeping of FrameRegistry and of the end-of-evaluation collection.
  void set_registry(FrameRegistry* registry, uint32_t slot) {
    registry_ = registry;
    slot_ = slot;
  }
  bool marked() const { return marked_; }
  void set_marked(bool marked) { marked_ = marked; }
  Frame* parent() const { return parent_.get(); }
  // Calls `visit` on every value bound here.
  template <typename Visit>
  void ForEachValue(Visit&& visit) const {
    for (int i = 0; i < inline_count_; i++) {
      visit(inline_[i].value);
    }
    for (const Binding& b : more_) {
      visit(b.value);
    }
    visit(tuple_);
  }

 private:
  static constexpr int kInline = 2;

  struct Binding {
    std::string name;
    uint32_t hash = 0;
    Value value;
  };

  Value* FindOwn(std::string_view name, uint32_t hash) {
    for (int i = 0; i < inline_count_; i++) {
      if (inline_[i].hash == hash && inline_[i].name == name) {
        return &inline_[i].value;
      }
    }
    for (Binding& b : more_) {
      if (b.hash == hash && b.name == name) {
        return &b.value;
      }
    }
    return nullptr;
  }

  const Value* Find(std::string_view name, uint32_t hash) const {
    const Value* v = const_cast<Frame*>(this)->FindOwn(name, hash);
    if (v == nullptr && tuple_.is_object()) {
      v = tuple_.as_object().Find(name);
    }
    return v;
  }

  Ref<Frame> parent_;
  FrameRegistry* registry_ = nullptr;
  uint32_t slot_ = 0;
  bool marked_ = false;
  int inline_count_ = 0;
  Binding inline_[kInline];
  std::vector<Binding> more_;
  Value tuple_;
};

enum class FunctionKind : uint8_t {
  kLambda,
  kBuiltin,
  kPartialNative,
  kRegex,
  kRegexNext,
  kTransform,
  kChain,
  kTailCall,
  kWeak,
};

// Every function value the engine creates derives from this.
class FunctionValue : public Callable {
 public:
  explicit FunctionValue(FunctionKind kind) : kind_(kind) {}
  FunctionKind kind() const { return kind_; }

 private:
  const FunctionKind kind_;
};

class LambdaFunction;

// Where a weak reference finds its lambda: cleared when the lambda is destroyed.
class WeakSlot : public RefCounted {
 public:
  const LambdaFunction* target = nullptr;
};

// A lambda closure (or a partial application of one).
class LambdaFunction : public FunctionValue {
 public:
  LambdaFunction() : FunctionValue(FunctionKind::kLambda) {}
  ~LambdaFunction() override {
    if (weak_slot) {
      weak_slot->target = nullptr;
    }
  }

  std::shared_ptr<const Program> program;  // owns `node`
  const Node* node = nullptr;              // the lambda node
  Value input;
  Ref<Frame> env;
  bool partial = false;
  std::vector<std::string> partial_params;

  const std::vector<std::string>& params() const { return partial ? partial_params : node->params; }
  const Signature* signature() const { return partial ? nullptr : node->signature.get(); }

  // Set when an evaluation that created this lambda ends (see Evaluator::CollectFrames), before
  // anyone else can see it: the slot of weak references to it, and the lambdas it keeps alive.
  mutable Ref<WeakSlot> weak_slot;
  mutable Value keep;
};

// A frame's binding of a lambda that the frame must not keep alive (the lambda keeps the
// frame): evaluating the variable yields the lambda while it exists, undefined after.
class WeakFunction : public FunctionValue {
 public:
  explicit WeakFunction(Ref<WeakSlot> slot)
      : FunctionValue(FunctionKind::kWeak), slot(std::move(slot)) {}
  Ref<WeakSlot> slot;
};

// A built-in from one of the function tables.
struct BuiltinEntry {
  std::string_view name;
  std::shared_ptr<const Signature> signature;
  NativeFunction fn = nullptr;
  Value value;  // the function value
};

class BuiltinFunctionValue : public FunctionValue {
 public:
  explicit BuiltinFunctionValue(const BuiltinEntry* entry)
      : FunctionValue(FunctionKind::kBuiltin), entry(entry) {}
  const BuiltinEntry* entry;
};

// A partial application of a function other than a lambda.
class PartialNativeFunction : public FunctionValue {
 public:
  PartialNativeFunction() : FunctionValue(FunctionKind::kPartialNative) {}
  Value target;
  std::vector<Value> args;
  std::vector<bool> placeholder;
};

class RegexFunction : public FunctionValue {
 public:
  explicit RegexFunction(std::shared_ptr<const Regex> regex)
      : FunctionValue(FunctionKind::kRegex), regex(std::move(regex)) {}
  std::shared_ptr<const Regex> regex;
};

// The `next` function of a match object produced by calling a regex.
class RegexNextFunction : public FunctionValue {
 public:
  RegexNextFunction() : FunctionValue(FunctionKind::kRegexNext) {}
  std::shared_ptr<const Regex> regex;
  std::string subject;
  size_t from = 0;
  int64_t position = 0;
};

class TransformFunction : public FunctionValue {
 public:
  TransformFunction() : FunctionValue(FunctionKind::kTransform) {}
  std::shared_ptr<const Program> program;
  const Node* node = nullptr;
  Ref<Frame> env;
};

// f ~> g for two functions: x -> g(f(x)).
class ChainFunction : public FunctionValue {
 public:
  ChainFunction() : FunctionValue(FunctionKind::kChain) {}
  Value first;
  Value second;
};

// Stands for the evaluator's pending tail call (see Evaluator::Apply); never seen by users.
class TailCallMarker : public FunctionValue {
 public:
  TailCallMarker() : FunctionValue(FunctionKind::kTailCall) {}
};

inline const FunctionValue* AsFunctionValue(const Value& v) {
  return v.is_function() ? static_cast<const FunctionValue*>(v.as_function()) : nullptr;
}

}  // namespace erphub::jsonata
