#include "core/value.h"

#include <cstring>
#include <functional>
#include <new>
#include <vector>

namespace erphub {

static_assert(sizeof(Value) == 16, "Value must stay 16 bytes");

namespace internal {

namespace {

// Free blocks of the two box sizes, per thread. A block freed on another thread than the one
// that allocated it simply joins that thread's list. Under AddressSanitizer memory goes straight
// back to the heap, so that a use after free is still caught.
#if defined(__SANITIZE_ADDRESS__)
constexpr bool kRecycleBoxes = false;
#else
constexpr bool kRecycleBoxes = true;
#endif

constexpr size_t kKeptPerSize = 512;

struct FreeBoxes {
  std::vector<void*> arrays;
  std::vector<void*> objects;
  ~FreeBoxes();
};

// Set when the thread's lists are gone (values destroyed later go back to the heap).
thread_local bool free_boxes_gone = false;

FreeBoxes::~FreeBoxes() {
  free_boxes_gone = true;
  for (void* p : arrays) {
    ::operator delete(p);
  }
  for (void* p : objects) {
    ::operator delete(p);
  }
}

// The list for blocks of `size` bytes, or nullptr when that size is not recycled.
std::vector<void*>* FreeListFor(size_t size) {
  if (!kRecycleBoxes || free_boxes_gone) {
    return nullptr;
  }
  thread_local FreeBoxes boxes;
  if (size == sizeof(ArrayBox)) {
    return &boxes.arrays;
  }
  if (size == sizeof(ObjectBox)) {
    return &boxes.objects;
  }
  return nullptr;
}

}  // namespace

void* AllocateBox(size_t size) {
  std::vector<void*>* list = FreeListFor(size);
  if (list != nullptr && !list->empty()) {
    void* p = list->back();
    list->pop_back();
    return p;
  }
  return ::operator new(size);
}

void FreeBox(void* p, size_t size) {
  std::vector<void*>* list = FreeListFor(size);
  if (list != nullptr && list->size() < kKeptPerSize) {
    list->push_back(p);
    return;
  }
  ::operator delete(p);
}

StringBox* StringBox::Make(std::string_view s) {
  void* memory = ::operator new(sizeof(StringBox) + s.size());
  auto* box = new (memory) StringBox(s.size());
  if (!s.empty()) {
    std::memcpy(box->data(), s.data(), s.size());
  }
  return box;
}

const Value kUndefinedValue;

}  // namespace internal

namespace {

constexpr size_t kInlineStringMax = 8;

}  // namespace

Value Value::Str(std::string_view s) {
  Value v;
  v.kind_ = ValueKind::kString;
  if (s.size() <= kInlineStringMax) {
    v.aux8_ = 1;
    v.aux32_ = static_cast<int32_t>(s.size());
    if (!s.empty()) {
      std::memcpy(v.u_.inline_chars, s.data(), s.size());
    }
  } else {
    v.u_.box = internal::StringBox::Make(s);
  }
  return v;
}

Value Value::Str(std::string&& s) { return Str(std::string_view(s)); }

Value Value::MakeArray(Array items) {
  Value v;
  v.kind_ = ValueKind::kArray;
  v.u_.box = new internal::ArrayBox(std::move(items));
  return v;
}

Value Value::MakeObject() {
  Value v;
  v.kind_ = ValueKind::kObject;
  v.u_.box = new internal::ObjectBox();
  return v;
}

Value Value::MakeObject(Object object) {
  Value v;
  v.kind_ = ValueKind::kObject;
  v.u_.box = new internal::ObjectBox(std::move(object));
  return v;
}

Value Value::Function(Callable* fn) {
  Value v;
  v.kind_ = ValueKind::kFunction;
  v.u_.box = fn;
  return v;
}

Array& Value::mutable_array() {
  assert(is_array());
  auto* box = static_cast<internal::ArrayBox*>(u_.box);
  if (box->IsShared()) {
    auto* copy = new internal::ArrayBox(box->items);
    box->Release();
    u_.box = copy;
    box = copy;
  }
  return box->items;
}

Object& Value::mutable_object() {
  assert(is_object());
  auto* box = static_cast<internal::ObjectBox*>(u_.box);
  if (box->IsShared()) {
    auto* copy = new internal::ObjectBox(box->object);
    box->Release();
    u_.box = copy;
    box = copy;
  }
  return box->object;
}

void Value::push_back(Value v) { mutable_array().push_back(std::move(v)); }

void Value::Set(std::string_view key, Value v) { mutable_object().Set(key, std::move(v)); }

// Open addressing over entry positions. A slot holds (hash tag << 32) | (position + 1); zero is
// empty. The table is at most half full.
struct Object::Index {
  std::vector<uint64_t> slots;
  size_t count = 0;

  static uint64_t Hash(std::string_view key) { return std::hash<std::string_view>{}(key); }

  explicit Index(const std::vector<Entry>& entries) {
    size_t capacity = 64;
    while (capacity < entries.size() * 2 + 2) {
      capacity *= 2;
    }
    slots.assign(capacity, 0);
    for (size_t i = 0; i < entries.size(); ++i) {
      Insert(Hash(entries[i].first), i);
    }
  }

  bool Full() const { return (count + 1) * 2 > slots.size(); }

  void Insert(uint64_t hash, size_t position) {
    size_t mask = slots.size() - 1;
    size_t i = static_cast<size_t>(hash) & mask;
    while (slots[i] != 0) {
      i = (i + 1) & mask;
    }
    slots[i] = ((hash >> 32) << 32) | static_cast<uint64_t>(position + 1);
    ++count;
  }

  // Position of `key`, or -1.
  int64_t Lookup(const std::vector<Entry>& entries, std::string_view key) const {
    uint64_t hash = Hash(key);
    uint64_t tag = hash >> 32;
    size_t mask = slots.size() - 1;
    size_t i = static_cast<size_t>(hash) & mask;
    while (slots[i] != 0) {
      uint64_t slot = slots[i];
      if ((slot >> 32) == tag) {
        size_t position = static_cast<size_t>(slot & 0xffffffffu) - 1;
        if (entries[position].first == key) {
          return static_cast<int64_t>(position);
        }
      }
      i = (i + 1) & mask;
    }
    return -1;
  }
};

Object::Object(const Object& other) : entries_(other.entries_) {}

Object::Object(Object&& other) noexcept
    : entries_(std::move(other.entries_)),
      index_(other.index_.exchange(nullptr, std::memory_order_relaxed)) {}

Object& Object::operator=(const Object& other) {
  if (this != &other) {
    entries_ = other.entries_;
    DropIndex();
  }
  return *this;
}

Object& Object::operator=(Object&& other) noexcept {
  if (this != &other) {
    entries_ = std::move(other.entries_);
    DropIndex();
    index_.store(other.index_.exchange(nullptr, std::memory_order_relaxed),
                 std::memory_order_relaxed);
  }
  return *this;
}

Object::~Object() { DropIndex(); }

void Object::DropIndex() { delete index_.exchange(nullptr, std::memory_order_relaxed); }

Object::Index* Object::BuildIndex() const {
  auto* built = new Index(entries_);
  Index* expected = nullptr;
  if (index_.compare_exchange_strong(expected, built, std::memory_order_acq_rel,
                                     std::memory_order_acquire)) {
    return built;
  }
  delete built;  // another reader published an equal index first
  return expected;
}

const Value* Object::FindIndexed(std::string_view key) const {
  Index* index = index_.load(std::memory_order_acquire);
  if (index == nullptr) {
    index = BuildIndex();
  }
  int64_t position = index->Lookup(entries_, key);
  return position < 0 ? nullptr : &entries_[static_cast<size_t>(position)].second;
}

Value* Object::FindMutable(std::string_view key) { return const_cast<Value*>(Find(key)); }

void Object::Set(std::string_view key, Value v) {
  if (Value* existing = FindMutable(key)) {
    *existing = std::move(v);
    return;
  }
  Append(std::string(key), std::move(v));
}

void Object::Append(std::string key, Value v) {
  entries_.emplace_back(std::move(key), std::move(v));
  Index* index = index_.load(std::memory_order_relaxed);
  if (index != nullptr) {
    if (index->Full()) {
      DropIndex();  // rebuilt larger on the next lookup
    } else {
      index->Insert(Index::Hash(entries_.back().first), entries_.size() - 1);
    }
  }
}

bool Object::Erase(std::string_view key) {
  for (auto it = entries_.begin(); it != entries_.end(); ++it) {
    if (it->first == key) {
      entries_.erase(it);
      DropIndex();  // positions after the erased entry moved
      return true;
    }
  }
  return false;
}

bool DeepEqual(const Value& a, const Value& b) {
  if (a.kind() != b.kind()) {
    return false;
  }
  switch (a.kind()) {
    case ValueKind::kUndefined:
    case ValueKind::kNull:
      return true;
    case ValueKind::kBool:
      return a.as_bool() == b.as_bool();
    case ValueKind::kNumber:
      return a.as_number() == b.as_number();
    case ValueKind::kString:
      return a.as_string() == b.as_string();
    case ValueKind::kArray: {
      const Array& x = a.as_array();
      const Array& y = b.as_array();
      if (&x == &y) {
        return true;
      }
      if (x.size() != y.size()) {
        return false;
      }
      for (size_t i = 0; i < x.size(); ++i) {
        if (!DeepEqual(x[i], y[i])) {
          return false;
        }
      }
      return true;
    }
    case ValueKind::kObject: {
      const Object& x = a.as_object();
      const Object& y = b.as_object();
      if (&x == &y) {
        return true;
      }
      if (x.size() != y.size()) {
        return false;
      }
      for (const Object::Entry& entry : x) {
        const Value* other = y.Find(entry.first);
        if (other == nullptr || !DeepEqual(entry.second, *other)) {
          return false;
        }
      }
      return true;
    }
    case ValueKind::kFunction:
      return a.as_function() == b.as_function();
  }
  return false;
}

}  // namespace erphub
