#pragma once

#include <atomic>
#include <cassert>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/number.h"

namespace erphub {

// The one JSON document type of erphub: parsed once at the edge, then mapped, validated and
// serialized without conversion. Besides JSON's six kinds it has `undefined` (no value: a missing
// field, JSONata's empty sequence) and `function` (a JSONata lambda or built-in, opaque here).
//
// A Value is 16 bytes. Strings, arrays, objects and functions live in immutable-when-shared,
// reference-counted boxes: copying a Value is cheap, and the mutable_* accessors copy the box first
// when someone else holds it (copy-on-write). Reference counts are atomic, so one Value may be read
// from many threads at once; mutation needs exclusive access to that Value.
enum class ValueKind : uint8_t {
  kUndefined,
  kNull,
  kBool,
  kNumber,
  kString,
  kArray,
  kObject,
  kFunction,
};

// Base of anything kept in a box: an atomic reference count.
class RefCounted {
 public:
  RefCounted() = default;
  RefCounted(const RefCounted&) : refs_(1) {}
  RefCounted& operator=(const RefCounted&) = delete;
  virtual ~RefCounted() = default;

  void AddRef() const { refs_.fetch_add(1, std::memory_order_relaxed); }
  // Deletes this when the count drops to zero.
  void Release() const {
    if (refs_.fetch_sub(1, std::memory_order_acq_rel) == 1) {
      delete this;
    }
  }
  bool IsShared() const { return refs_.load(std::memory_order_acquire) != 1; }

 private:
  mutable std::atomic<uint32_t> refs_{1};
};

// A callable kept in a Value; the JSONata engine defines the kinds.
class Callable : public RefCounted {};

class Value;
using Array = std::vector<Value>;
class Object;

// Flags the JSONata evaluator keeps on array values (a sequence is JSONata's result list, which
// unwraps to its single element). Other code leaves them zero.
enum ValueFlag : uint8_t {
  kFlagSequence = 1,
  kFlagKeepSingleton = 2,
  kFlagCons = 4,
  kFlagOuterWrapper = 8,
  kFlagTupleStream = 16,
};

class Value {
 public:
  // Undefined.
  Value() = default;
  Value(const Value& other);
  Value(Value&& other) noexcept;
  Value& operator=(const Value& other);
  Value& operator=(Value&& other) noexcept;
  ~Value();

  static Value Undefined() { return Value(); }
  static Value Null();
  static Value Bool(bool b);
  static Value Num(const Number& n);
  static Value Int(int64_t i) { return Num(Number::FromInt(i)); }
  static Value Double(double d) { return Num(Number::FromDouble(d)); }
  static Value Str(std::string_view s);
  static Value Str(std::string&& s);
  // Resolves the ambiguity between the two overloads above for string literals.
  static Value Str(const char* s) { return Str(std::string_view(s)); }
  static Value MakeArray(Array items = {});
  static Value MakeArray(std::initializer_list<Value> items) { return MakeArray(Array(items)); }
  static Value MakeObject();
  static Value MakeObject(Object object);
  // Takes a reference to `fn` (which the caller created with a count of one and hands over).
  static Value Function(Callable* fn);

  ValueKind kind() const { return kind_; }
  bool is_undefined() const { return kind_ == ValueKind::kUndefined; }
  bool is_null() const { return kind_ == ValueKind::kNull; }
  bool is_bool() const { return kind_ == ValueKind::kBool; }
  bool is_number() const { return kind_ == ValueKind::kNumber; }
  bool is_string() const { return kind_ == ValueKind::kString; }
  bool is_array() const { return kind_ == ValueKind::kArray; }
  bool is_object() const { return kind_ == ValueKind::kObject; }
  bool is_function() const { return kind_ == ValueKind::kFunction; }

  // Accessors require the matching kind (checked in debug builds).
  bool as_bool() const;
  Number as_number() const;
  std::string_view as_string() const;
  const Array& as_array() const;
  const Object& as_object() const;
  Callable* as_function() const;

  // Copy-on-write access: copies the box first when it is shared.
  Array& mutable_array();
  Object& mutable_object();

  // Array shortcuts (require an array).
  size_t size() const;
  const Value& operator[](size_t i) const;
  void push_back(Value v);

  // Object shortcuts: the field's value, or a static undefined Value when absent or not an object.
  const Value& Get(std::string_view key) const;
  void Set(std::string_view key, Value v);

  uint8_t flags() const { return flags_; }
  bool has_flag(ValueFlag f) const { return (flags_ & f) != 0; }
  void set_flag(ValueFlag f) { flags_ |= f; }
  void clear_flag(ValueFlag f) { flags_ &= static_cast<uint8_t>(~f); }
  void set_flags(uint8_t f) { flags_ = f; }

 private:
  // Strings, arrays, objects and functions own a box, except strings kept inline.
  bool has_box() const { return kind_ >= ValueKind::kString && aux8_ == 0; }
  void Drop() {
    if (has_box()) {
      u_.box->Release();
    }
  }
  void Retain() const {
    if (has_box()) {
      u_.box->AddRef();
    }
  }
  // Values are copied and moved on every step of an evaluation: as two words, not field by
  // field (padding included, which is never read).
  void CopyBitsFrom(const Value& other) {
    std::memcpy(static_cast<void*>(this), static_cast<const void*>(&other), sizeof(Value));
  }
  void ResetBits() { std::memset(static_cast<void*>(this), 0, sizeof(Value)); }

  ValueKind kind_ = ValueKind::kUndefined;
  uint8_t flags_ = 0;
  // Number: exact flag, exponent in aux32_. String: 1 when the bytes are inline (length in
  // aux32_), 0 when boxed. Arrays, objects, functions: 0.
  uint8_t aux8_ = 0;
  int32_t aux32_ = 0;
  union {
    int64_t coefficient;  // first, so that u_{} zeroes all eight bytes
    bool b;
    double d;
    char inline_chars[8];
    RefCounted* box;
  } u_{};
};

// An object with keys in insertion order (as JSON text and JavaScript keep them). Lookups scan
// small objects and use a hash index for large ones.
class Object {
 public:
  using Entry = std::pair<std::string, Value>;

  Object() = default;
  Object(const Object& other);
  Object(Object&& other) noexcept;
  Object& operator=(const Object& other);
  Object& operator=(Object&& other) noexcept;
  ~Object();

  size_t size() const { return entries_.size(); }
  bool empty() const { return entries_.empty(); }
  // nullptr when absent.
  const Value* Find(std::string_view key) const;
  Value* FindMutable(std::string_view key);
  bool Contains(std::string_view key) const { return Find(key) != nullptr; }
  // Replaces the value of an existing key in place, or appends.
  void Set(std::string_view key, Value v);
  // Appends without checking for an existing key: for builders that know keys are new.
  void Append(std::string key, Value v);
  bool Erase(std::string_view key);
  void Reserve(size_t n) { entries_.reserve(n); }

  const std::vector<Entry>& entries() const { return entries_; }
  std::vector<Entry>::const_iterator begin() const { return entries_.begin(); }
  std::vector<Entry>::const_iterator end() const { return entries_.end(); }

 private:
  struct Index;
  // Objects up to this size are scanned; larger ones get a hash index on first lookup.
  static constexpr size_t kIndexThreshold = 16;

  const Value* FindIndexed(std::string_view key) const;
  Index* BuildIndex() const;
  void DropIndex();

  std::vector<Entry> entries_;
  // Built lazily by const lookups, which may run on several threads: published atomically.
  mutable std::atomic<Index*> index_{nullptr};
};

// Deep equality: numbers by value, arrays in order, objects by key set regardless of order,
// functions by identity, undefined equals only undefined.
bool DeepEqual(const Value& a, const Value& b);

// Inline definitions of the hot paths.

namespace internal {

// Array and object boxes are made and dropped at every step of a mapping: their memory is
// recycled per thread (value.cc).
void* AllocateBox(size_t size);
void FreeBox(void* p, size_t size);

struct ArrayBox final : RefCounted {
  explicit ArrayBox(Array a) : items(std::move(a)) {}
  static void* operator new(size_t size) { return AllocateBox(size); }
  static void operator delete(void* p, size_t size) { FreeBox(p, size); }
  Array items;
};

struct ObjectBox final : RefCounted {
  ObjectBox() = default;
  explicit ObjectBox(Object o) : object(std::move(o)) {}
  static void* operator new(size_t size) { return AllocateBox(size); }
  static void operator delete(void* p, size_t size) { FreeBox(p, size); }
  Object object;
};

// Length-prefixed bytes allocated in one block with the box.
struct StringBox final : RefCounted {
  explicit StringBox(size_t n) : size(n) {}
  const char* data() const { return reinterpret_cast<const char*>(this + 1); }
  char* data() { return reinterpret_cast<char*>(this + 1); }
  static StringBox* Make(std::string_view s);
  static void operator delete(void* p) { ::operator delete(p); }

  size_t size;
};

// Returned by Get() for missing fields.
extern const Value kUndefinedValue;

}  // namespace internal

inline Value::Value(const Value& other) {
  CopyBitsFrom(other);
  Retain();
}

inline Value::Value(Value&& other) noexcept {
  CopyBitsFrom(other);
  other.ResetBits();
}

inline Value& Value::operator=(const Value& other) {
  if (this != &other) {
    other.Retain();
    Value old(std::move(*this));
    CopyBitsFrom(other);
  }
  return *this;
}

inline Value& Value::operator=(Value&& other) noexcept {
  if (this != &other) {
    // `other` may live inside the old value: take it before releasing the old value.
    Value old(std::move(*this));
    CopyBitsFrom(other);
    other.ResetBits();
  }
  return *this;
}

inline Value::~Value() { Drop(); }

inline Value Value::Null() {
  Value v;
  v.kind_ = ValueKind::kNull;
  return v;
}

inline Value Value::Bool(bool b) {
  Value v;
  v.kind_ = ValueKind::kBool;
  v.u_.b = b;
  return v;
}

inline Value Value::Num(const Number& n) {
  Value v;
  v.kind_ = ValueKind::kNumber;
  v.aux8_ = n.exact_ ? 1 : 0;
  v.aux32_ = n.exponent_;
  if (n.exact_) {
    v.u_.coefficient = n.coefficient_;
  } else {
    v.u_.d = n.double_;
  }
  return v;
}

inline bool Value::as_bool() const {
  assert(is_bool());
  return u_.b;
}

inline Number Value::as_number() const {
  assert(is_number());
  Number n;
  n.exact_ = aux8_ != 0;
  n.exponent_ = aux32_;
  if (n.exact_) {
    n.coefficient_ = u_.coefficient;
  } else {
    n.double_ = u_.d;
  }
  return n;
}

inline std::string_view Value::as_string() const {
  assert(is_string());
  if (aux8_ != 0) {
    return std::string_view(u_.inline_chars, static_cast<size_t>(aux32_));
  }
  const auto* box = static_cast<const internal::StringBox*>(u_.box);
  return std::string_view(box->data(), box->size);
}

inline const Array& Value::as_array() const {
  assert(is_array());
  return static_cast<const internal::ArrayBox*>(u_.box)->items;
}

inline const Object& Value::as_object() const {
  assert(is_object());
  return static_cast<const internal::ObjectBox*>(u_.box)->object;
}

inline Callable* Value::as_function() const {
  assert(is_function());
  return static_cast<Callable*>(u_.box);
}

inline size_t Value::size() const { return as_array().size(); }

inline const Value& Value::operator[](size_t i) const { return as_array()[i]; }

inline const Value* Object::Find(std::string_view key) const {
  if (entries_.size() > kIndexThreshold) {
    return FindIndexed(key);
  }
  // Length and first byte rule out most keys before the bytes are compared.
  const size_t size = key.size();
  for (const Entry& entry : entries_) {
    if (entry.first.size() == size &&
        (size == 0 ||
         (entry.first[0] == key[0] && std::memcmp(entry.first.data(), key.data(), size) == 0))) {
      return &entry.second;
    }
  }
  return nullptr;
}

inline const Value& Value::Get(std::string_view key) const {
  if (!is_object()) {
    return internal::kUndefinedValue;
  }
  const Value* found = as_object().Find(key);
  return found != nullptr ? *found : internal::kUndefinedValue;
}

}  // namespace erphub
