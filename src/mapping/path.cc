// Location paths: steps, predicates, tuple streams (focus, index and parent bindings), group-by
// and order-by.

#include <cmath>
#include <deque>
#include <new>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>

#include "mapping/eval_util.h"
#include "mapping/evaluator.h"
#include "mapping/value_ops.h"

namespace erphub::jsonata {

namespace {

Value TupleStream(Array tuples) {
  Value v = MakeSeq(std::move(tuples));
  v.set_flag(kFlagTupleStream);
  return v;
}

Value MakeTuple(const Value& focus) {
  Object obj;
  obj.Append("@", focus);
  return Value::MakeObject(std::move(obj));
}

// For a predicate result: true when it is a number or a non-empty... array of numbers only.
bool IsArrayOfNumbers(const Value& v) {
  if (!v.is_array()) {
    return false;
  }
  for (const Value& item : v.as_array()) {
    if (!item.is_number()) {
      return false;
    }
  }
  return true;
}

// Index from a predicate number: rounded down, negative counts from the end.
int64_t PredicateIndex(const Number& n, size_t length) {
  double d = std::floor(n.ToDouble());
  if (d < 0) {
    d += static_cast<double>(length);
  }
  if (d < 0 || d >= static_cast<double>(length)) {
    return -1;
  }
  return static_cast<int64_t>(d);
}

// Reuses the item lists of path steps across evaluations on one thread.
class ItemListPool {
 public:
  std::vector<const Value*> Take() {
    if (free_.empty()) {
      return {};
    }
    std::vector<const Value*> v = std::move(free_.back());
    free_.pop_back();
    return v;
  }
  void Give(std::vector<const Value*>&& v) {
    if (v.capacity() == 0 || v.capacity() > 65536 || free_.size() >= 32) {
      return;
    }
    v.clear();
    free_.push_back(std::move(v));
  }

 private:
  std::vector<std::vector<const Value*>> free_;
};

ItemListPool& Pool() {
  thread_local ItemListPool pool;
  return pool;
}

struct PooledList {
  std::vector<const Value*> items = Pool().Take();
  PooledList() = default;
  PooledList(const PooledList&) = delete;
  PooledList& operator=(const PooledList&) = delete;
  ~PooledList() { Pool().Give(std::move(items)); }
};

Array CopyItems(std::span<const Value* const> items) {
  Array out;
  out.reserve(items.size());
  for (const Value* v : items) {
    out.push_back(*v);
  }
  return out;
}

}  // namespace

// Values a path computed (rather than found in its input), kept at stable addresses until the
// path is done.
struct Evaluator::PathState {
  // Enough for the computed values of most paths over an order's lines without the arena. Raw
  // storage: only the values kept are constructed and destroyed.
  static constexpr size_t kInline = 16;
  alignas(Value) unsigned char storage[kInline * sizeof(Value)];
  size_t inline_count = 0;
  std::optional<std::deque<Value>> arena;

  PathState() = default;
  PathState(const PathState&) = delete;
  PathState& operator=(const PathState&) = delete;
  ~PathState() {
    for (size_t i = 0; i < inline_count; i++) {
      inline_values()[i].~Value();
    }
  }

  Value* inline_values() { return std::launder(reinterpret_cast<Value*>(storage)); }
  const Value* inline_values() const {
    return std::launder(reinterpret_cast<const Value*>(storage));
  }

  const Value* Keep(Value v) {
    if (inline_count < kInline) {
      Value* slot = new (&inline_values()[inline_count]) Value(std::move(v));
      inline_count++;
      return slot;
    }
    if (!arena) {
      arena.emplace();
    }
    arena->push_back(std::move(v));
    return &arena->back();
  }
  const Value* Last() const { return arena ? &arena->back() : &inline_values()[inline_count - 1]; }
};

JResult<Value> Evaluator::EvaluatePath(const Node* expr, const Value& input, Frame* env) {
  const auto& steps = expr->items;
  if (steps.size() == 1 && input.is_object() && steps[0]->simple_name && !expr->keep_array &&
      !expr->keep_singleton_array && !expr->group && !expr->tuple) {
    // A field of an object: the general algorithm comes to the field's value as it is.
    if (depth_ + 1 > max_depth_) {
      return DepthError().AtPosition(steps[0]->position);
    }
    return input.Get(steps[0]->name);
  }
  const size_t last = steps.size() - 1;
  PathState state;

  // The current sequence: the input of the next step, or the result of the last one. It is an
  // array value taken as it is (`raw`: a JSON array, a sort result, an array constructor) or a
  // list of items.
  PooledList cur;
  PooledList next;
  const Value* raw = nullptr;
  auto items_of = [](const Value& array, std::vector<const Value*>& out) {
    out.clear();
    for (const Value& v : array.as_array()) {
      out.push_back(&v);
    }
  };
  const Value* single = &input;
  std::span<const Value* const> in;
  if (input.is_array() && steps[0]->type != NodeType::kVariable) {
    raw = &input;
    items_of(input, cur.items);
    in = cur.items;
  } else {
    in = std::span<const Value* const>(&single, 1);
  }

  bool is_tuple = false;
  bool empty = false;
  Value tuples;
  for (size_t ii = 0; ii < steps.size(); ii++) {
    const Node* step = steps[ii].get();
    if (step->tuple) {
      is_tuple = true;
    }
    if (ii == 0 && step->cons_array) {
      Value seq_input = raw != nullptr ? *raw : MakeSeqOf(input);
      ERPHUB_ASSIGN_OR_RETURN(Value v, Evaluate(step, seq_input, env));
      raw = state.Keep(v.is_array() ? std::move(v) : MakeSeqOf(v));
      items_of(*raw, cur.items);
    } else if (is_tuple && ii == last && !tuples.is_undefined() && !expr->tuple && !expr->group &&
               !step->has_focus && step->type != NodeType::kSort && step->stages.empty()) {
      // The last step of a tuple stream whose tuples nobody needs: collect the step's values
      // without building the tuples that would only be unwrapped again.
      ERPHUB_ASSIGN_OR_RETURN(Value values, EvaluateLastTupleStep(step, tuples, env));
      tuples = Value();
      is_tuple = false;
      raw = state.Keep(std::move(values));
      break;
    } else if (is_tuple) {
      ERPHUB_ASSIGN_OR_RETURN(
          tuples, EvaluateTupleStep(step, in, tuples.is_undefined() ? nullptr : &tuples, env));
      continue;
    } else {
      next.items.clear();
      JResult<bool> ok = EvaluateStep(step, in, env, ii == last, state, next.items);
      ERPHUB_TRY(ok);
      cur.items.swap(next.items);
      raw = nullptr;
      if (cur.items.size() == 1 && cur.items[0] == nullptr) {
        // The step's result is one array taken as it is, kept in the arena.
        raw = state.Last();
        items_of(*raw, cur.items);
      }
    }
    in = cur.items;
    if (in.empty()) {
      empty = true;
      break;
    }
  }

  Value result;
  if (is_tuple) {
    if (expr->tuple) {
      result = tuples;
    } else {
      Array items;
      if (tuples.is_array()) {
        items.reserve(tuples.size());
        for (const Value& t : tuples.as_array()) {
          items.push_back(t.Get("@"));
        }
      }
      result = MakeSeq(std::move(items));
    }
  } else if (raw != nullptr) {
    result = *raw;
  } else {
    if (!expr->keep_singleton_array && !expr->keep_array && !expr->group) {
      // Shortcuts for what Evaluate would unwrap anyway.
      if (empty || cur.items.empty()) {
        return Value();
      }
      if (cur.items.size() == 1 && !IsSequence(*cur.items[0])) {
        return *cur.items[0];
      }
    }
    result = MakeSeq(CopyItems(cur.items));
  }

  if (expr->keep_singleton_array) {
    if (result.is_array() && result.has_flag(kFlagCons) && !result.has_flag(kFlagSequence)) {
      result = MakeSeqOf(result);
    }
    if (result.is_array()) {
      result.set_flag(kFlagKeepSingleton);
    }
  }
  if (expr->group) {
    return EvaluateGroup(expr->group->pairs, expr->group->position, is_tuple ? tuples : result,
                         env);
  }
  return result;
}

// Appends the step's results to `out`, flattened; when the result is one array to be taken as it
// is, `out` is the single item nullptr and the array is the last value of the arena.
JResult<bool> Evaluator::EvaluateStep(const Node* step, std::span<const Value* const> in,
                                      Frame* env, bool last, PathState& state, ItemList& out) {
  if (step->type == NodeType::kSort) {
    ERPHUB_ASSIGN_OR_RETURN(Value sorted, EvaluateSort(step, MakeSeq(CopyItems(in)), env));
    if (!step->stages.empty()) {
      ERPHUB_ASSIGN_OR_RETURN(sorted, EvaluateStages(step->stages, std::move(sorted), env));
    }
    state.Keep(sorted.is_array() ? std::move(sorted) : MakeSeqOf(sorted));
    out.push_back(nullptr);
    return true;
  }
  size_t count = 0;
  const Value* first = nullptr;
  // Appends one step result, flattening arrays that are not array constructors.
  auto add = [&](const Value* r) {
    if (++count == 1) {
      first = r;
    }
    if (r->is_array() && !r->has_flag(kFlagCons)) {
      for (const Value& item : r->as_array()) {
        out.push_back(&item);
      }
    } else {
      out.push_back(r);
    }
  };
  if (step->simple_name) {
    if (depth_ + 1 > max_depth_) {
      return DepthError().AtPosition(step->position);
    }
    for (const Value* item : in) {
      if (item->is_object()) {
        const Value& r = item->Get(step->name);
        if (!r.is_undefined()) {
          add(&r);
        }
        continue;
      }
      Value r = LookupField(*item, step->name);
      if (IsSequence(r)) {
        if (r.size() == 0) {
          continue;
        }
        if (r.size() == 1) {
          r = Value(r[0]);
        }
      }
      if (!r.is_undefined()) {
        add(state.Keep(std::move(r)));
      }
    }
  } else {
    for (const Value* item : in) {
      ERPHUB_ASSIGN_OR_RETURN(Value r, Evaluate(step, *item, env));
      for (const Stage& stage : step->stages) {
        if (stage.kind == Stage::Kind::kFilter) {
          ERPHUB_ASSIGN_OR_RETURN(r, EvaluateFilter(stage.expr.get(), r, env));
        }
      }
      if (!r.is_undefined()) {
        add(state.Keep(std::move(r)));
      }
    }
  }
  if (last && count == 1 && first->is_array() && !first->has_flag(kFlagSequence)) {
    state.Keep(*first);
    out.clear();
    out.push_back(nullptr);
  }
  return true;
}

JResult<Value> Evaluator::EvaluateTupleStep(const Node* step, std::span<const Value* const> input,
                                            const Value* tuples, Frame* env) {
  if (step->type == NodeType::kSort) {
    Value result;
    if (tuples != nullptr) {
      ERPHUB_ASSIGN_OR_RETURN(result, EvaluateSort(step, *tuples, env));
      if (result.is_array()) {
        result.set_flags(kFlagSequence | kFlagTupleStream);
      }
    } else {
      ERPHUB_ASSIGN_OR_RETURN(Value sorted, EvaluateSort(step, MakeSeq(CopyItems(input)), env));
      Array items;
      if (sorted.is_array()) {
        for (size_t i = 0; i < sorted.size(); i++) {
          Value t = MakeTuple(sorted[i]);
          if (step->has_index) {
            t.Set(step->index_var, Value::Int(static_cast<int64_t>(i)));
          }
          items.push_back(std::move(t));
        }
      }
      result = TupleStream(std::move(items));
    }
    if (!step->stages.empty()) {
      ERPHUB_ASSIGN_OR_RETURN(result, EvaluateStages(step->stages, std::move(result), env));
    }
    return result;
  }

  Array initial;
  std::span<const Value> bindings;
  if (tuples != nullptr) {
    bindings = std::span<const Value>(tuples->as_array());
  } else {
    initial.reserve(input.size());
    for (const Value* item : input) {
      initial.push_back(MakeTuple(*item));
    }
    bindings = std::span<const Value>(initial);
  }
  Array out;
  for (const Value& tuple : bindings) {
    Ref<Frame> frame = TupleFrame(env, tuple);
    const Value& focus = tuple.Get("@");
    ERPHUB_ASSIGN_OR_RETURN(Value res, Evaluate(step, focus, frame.get()));
    if (res.is_undefined()) {
      continue;
    }
    const bool res_is_tuples = res.is_array() && res.has_flag(kFlagTupleStream);
    std::span<const Value> items =
        res.is_array() ? std::span<const Value>(res.as_array()) : std::span<const Value>(&res, 1);
    for (size_t bb = 0; bb < items.size(); bb++) {
      // Room for the bindings this step adds, so that they do not grow the copy again.
      const Object& bound = tuple.as_object();
      Object t;
      t.Reserve(bound.size() + 3);
      for (const auto& [key, value] : bound) {
        t.Append(key, value);
      }
      if (res_is_tuples) {
        for (const auto& [key, value] : items[bb].as_object()) {
          t.Set(key, value);
        }
      } else {
        if (step->has_focus) {
          t.Set(step->focus, items[bb]);
          t.Set("@", focus);
        } else {
          t.Set("@", items[bb]);
        }
        if (step->has_index) {
          t.Set(step->index_var, Value::Int(static_cast<int64_t>(bb)));
        }
        if (step->ancestor != nullptr) {
          t.Set(step->ancestor->label, focus);
        }
      }
      out.push_back(Value::MakeObject(std::move(t)));
    }
  }
  Value result = TupleStream(std::move(out));
  if (!step->stages.empty()) {
    ERPHUB_ASSIGN_OR_RETURN(result, EvaluateStages(step->stages, std::move(result), env));
  }
  return result;
}

JResult<Value> Evaluator::EvaluateLastTupleStep(const Node* step, const Value& tuples, Frame* env) {
  Array out;
  if (tuples.is_array()) {
    for (const Value& tuple : tuples.as_array()) {
      Ref<Frame> frame = TupleFrame(env, tuple);
      ERPHUB_ASSIGN_OR_RETURN(Value res, Evaluate(step, tuple.Get("@"), frame.get()));
      if (res.is_undefined()) {
        continue;
      }
      if (res.is_array()) {
        out.insert(out.end(), res.as_array().begin(), res.as_array().end());
      } else {
        out.push_back(std::move(res));
      }
    }
  }
  return MakeSeq(std::move(out));
}

JResult<Value> Evaluator::EvaluateStages(const std::vector<Stage>& stages, Value input,
                                         Frame* env) {
  Value result = std::move(input);
  for (const Stage& stage : stages) {
    if (stage.kind == Stage::Kind::kFilter) {
      ERPHUB_ASSIGN_OR_RETURN(result, EvaluateFilter(stage.expr.get(), result, env));
    } else if (result.is_array()) {
      const uint8_t flags = result.flags();
      Array& tuples = result.mutable_array();
      for (size_t i = 0; i < tuples.size(); i++) {
        if (tuples[i].is_object()) {
          tuples[i].Set(stage.var, Value::Int(static_cast<int64_t>(i)));
        }
      }
      result.set_flags(flags);
    }
  }
  return result;
}

JResult<Value> Evaluator::EvaluateFilter(const Node* predicate, const Value& input, Frame* env) {
  const bool tuple_stream = input.is_array() && input.has_flag(kFlagTupleStream);
  std::span<const Value> items = input.is_array() ? std::span<const Value>(input.as_array())
                                                  : std::span<const Value>(&input, 1);
  Array results;
  if (predicate->type == NodeType::kNumber) {
    int64_t index = PredicateIndex(predicate->value.as_number(), items.size());
    if (index >= 0) {
      const Value& item = items[static_cast<size_t>(index)];
      if (!item.is_undefined()) {
        if (item.is_array()) {
          return item;
        }
        results.push_back(item);
      }
    }
  } else {
    for (size_t index = 0; index < items.size(); index++) {
      const Value& item = items[index];
      Value res;
      if (tuple_stream) {
        Ref<Frame> frame = TupleFrame(env, item);
        ERPHUB_ASSIGN_OR_RETURN(res, Evaluate(predicate, item.Get("@"), frame.get()));
      } else {
        ERPHUB_ASSIGN_OR_RETURN(res, Evaluate(predicate, item, env));
      }
      if (res.is_number()) {
        int64_t i = PredicateIndex(res.as_number(), items.size());
        if (i == static_cast<int64_t>(index)) {
          results.push_back(item);
        }
      } else if (IsArrayOfNumbers(res)) {
        for (const Value& n : res.as_array()) {
          if (PredicateIndex(n.as_number(), items.size()) == static_cast<int64_t>(index)) {
            results.push_back(item);
          }
        }
      } else if (IsTruthy(res)) {
        results.push_back(item);
      }
    }
  }
  Value out = MakeSeq(std::move(results));
  if (tuple_stream) {
    out.set_flag(kFlagTupleStream);
  }
  return out;
}

JResult<Value> Evaluator::EvaluateGroup(const NodePairs& pairs, int64_t position,
                                        const Value& input, Frame* env, bool literal_keys) {
  const bool reduce = input.is_array() && input.has_flag(kFlagTupleStream);
  Value undefined_item;
  std::span<const Value> items;
  if (input.is_array()) {
    items = std::span<const Value>(input.as_array());
  } else {
    items = std::span<const Value>(&input, 1);
  }
  if (items.empty()) {
    // An empty input still builds the object from literal keys.
    items = std::span<const Value>(&undefined_item, 1);
  }

  if (!reduce && items.size() == 1 && (literal_keys || pairs.size() <= 32)) {
    return EvaluateObject(pairs, position, items[0], env, literal_keys);
  }

  struct Group {
    std::string key;
    Value data;
    size_t expr_index;
  };
  std::vector<Group> groups;
  std::unordered_map<std::string, size_t> index;  // used once there are many groups
  auto find_group = [&](std::string_view key) -> Group* {
    if (!index.empty()) {
      auto it = index.find(std::string(key));
      return it != index.end() ? &groups[it->second] : nullptr;
    }
    for (Group& g : groups) {
      if (g.key == key) {
        return &g;
      }
    }
    return nullptr;
  };
  auto add_group = [&](std::string_view key, const Value& data, size_t expr_index) {
    groups.push_back(Group{std::string(key), data, expr_index});
    if (!index.empty()) {
      index.emplace(groups.back().key, groups.size() - 1);
    } else if (groups.size() > 16) {
      for (size_t i = 0; i < groups.size(); i++) {
        index.emplace(groups[i].key, i);
      }
    }
  };

  for (const Value& item : items) {
    Ref<Frame> frame;
    Frame* item_env = env;
    if (reduce) {
      frame = TupleFrame(env, item);
      item_env = frame.get();
    }
    const Value& context = reduce ? item.Get("@") : item;
    for (size_t pair_index = 0; pair_index < pairs.size(); pair_index++) {
      ERPHUB_ASSIGN_OR_RETURN(Value key,
                              Evaluate(pairs[pair_index].first.get(), context, item_env));
      if (key.is_undefined()) {
        continue;
      }
      if (!key.is_string()) {
        return MakeEvalError("T1003", position, key);
      }
      Group* g = find_group(key.as_string());
      if (g != nullptr) {
        if (g->expr_index != pair_index) {
          return MakeEvalError("D1009", position, key);
        }
        g->data = AppendValues(g->data, item);
      } else {
        add_group(key.as_string(), item, pair_index);
      }
    }
  }

  Object result;
  result.Reserve(groups.size());
  for (Group& g : groups) {
    Value context = g.data;
    Ref<Frame> frame;
    Frame* group_env = env;
    if (reduce) {
      // Merge the tuples of the group: each binding becomes the sequence of its values.
      Object merged;
      if (g.data.is_array()) {
        const Array& tuples = g.data.as_array();
        if (!tuples.empty()) {
          merged = tuples[0].as_object();
          for (size_t i = 1; i < tuples.size(); i++) {
            for (const auto& [key, value] : tuples[i].as_object()) {
              const Value* existing = merged.Find(key);
              merged.Set(key, AppendValues(existing != nullptr ? *existing : Value(), value));
            }
          }
        }
      } else if (g.data.is_object()) {
        merged = g.data.as_object();
      }
      const Value* at = merged.Find("@");
      context = at != nullptr ? *at : Value();
      merged.Erase("@");
      frame = TupleFrame(env, Value::MakeObject(std::move(merged)));
      group_env = frame.get();
    }
    ERPHUB_ASSIGN_OR_RETURN(Value value,
                            Evaluate(pairs[g.expr_index].second.get(), context, group_env));
    if (!value.is_undefined()) {
      result.Append(std::move(g.key), std::move(value));
    }
  }
  return Value::MakeObject(std::move(result));
}

JResult<Value> Evaluator::EvaluateObject(const NodePairs& pairs, int64_t position,
                                         const Value& context, Frame* env, bool literal_keys) {
  if (literal_keys) {
    // Distinct literal keys: nothing to check. Each key still counts as one evaluation for
    // the depth guard.
    if (depth_ + 1 > max_depth_) {
      return DepthError().AtPosition(position);
    }
    Object result;
    result.Reserve(pairs.size());
    for (const auto& [key, value_node] : pairs) {
      ERPHUB_ASSIGN_OR_RETURN(Value value, EvaluateOperand(value_node.get(), context, env));
      if (!value.is_undefined()) {
        result.Append(key->name, std::move(value));
      }
    }
    return Value::MakeObject(std::move(result));
  }
  // One input item: each pair makes at most one key, so any repeated key is D1009. Keys are
  // evaluated before values, as the grouping algorithm does.
  Value keys[32];
  for (size_t i = 0; i < pairs.size(); i++) {
    ERPHUB_ASSIGN_OR_RETURN(keys[i], Evaluate(pairs[i].first.get(), context, env));
    const Value& key = keys[i];
    if (key.is_undefined()) {
      continue;
    }
    if (!key.is_string()) {
      return MakeEvalError("T1003", position, key);
    }
    for (size_t j = 0; j < i; j++) {
      if (keys[j].is_string() && keys[j].as_string() == key.as_string()) {
        return MakeEvalError("D1009", position, key);
      }
    }
  }
  Object result;
  result.Reserve(pairs.size());
  for (size_t i = 0; i < pairs.size(); i++) {
    if (keys[i].is_undefined()) {
      continue;
    }
    ERPHUB_ASSIGN_OR_RETURN(Value value, Evaluate(pairs[i].second.get(), context, env));
    if (!value.is_undefined()) {
      result.Append(std::string(keys[i].as_string()), std::move(value));
    }
  }
  return Value::MakeObject(std::move(result));
}

JResult<Value> Evaluator::EvaluateSort(const Node* expr, const Value& input, Frame* env) {
  if (!input.is_array() || input.size() <= 1) {
    return input;
  }
  const bool tuple_sort = input.has_flag(kFlagTupleStream);
  const Array& items = input.as_array();
  const size_t n = items.size();

  // Evaluate every sort key once per item (the reference evaluates them per comparison; the
  // result is the same because keys do not depend on the comparison).
  const size_t term_count = expr->terms.size();
  std::vector<Value> keys(n * term_count);
  for (size_t i = 0; i < n; i++) {
    Ref<Frame> frame;
    Frame* item_env = env;
    const Value* context = &items[i];
    if (tuple_sort) {
      frame = TupleFrame(env, items[i]);
      item_env = frame.get();
      context = &items[i].Get("@");
    }
    for (size_t t = 0; t < term_count; t++) {
      ERPHUB_ASSIGN_OR_RETURN(keys[i * term_count + t],
                              Evaluate(expr->terms[t].expr.get(), *context, item_env));
    }
  }

  std::optional<Error> error;
  // True when item a must come after item b ("swap").
  auto greater = [&](size_t a, size_t b) -> bool {
    int comp = 0;
    for (size_t t = 0; comp == 0 && t < term_count; t++) {
      const Value& aa = keys[a * term_count + t];
      const Value& bb = keys[b * term_count + t];
      if (aa.is_undefined()) {
        comp = bb.is_undefined() ? 0 : 1;
        continue;
      }
      if (bb.is_undefined()) {
        comp = -1;
        continue;
      }
      bool a_ok = aa.is_string() || aa.is_number();
      bool b_ok = bb.is_string() || bb.is_number();
      if (!a_ok || !b_ok) {
        if (!error) {
          error = MakeEvalError("T2008", expr->position, !a_ok ? aa : bb);
        }
        return false;
      }
      if (aa.kind() != bb.kind()) {
        if (!error) {
          error = MakeEvalError("T2007", expr->position, aa);
        }
        return false;
      }
      int c = aa.is_number() ? Compare(aa.as_number(), bb.as_number())
                             : CompareStrings(aa.as_string(), bb.as_string());
      if (c == 0) {
        continue;
      }
      comp = c < 0 ? -1 : 1;
      if (expr->terms[t].descending) {
        comp = -comp;
      }
    }
    return comp == 1;
  };

  // Stable merge sort: an item from the right half goes first only if the left one is greater.
  std::vector<size_t> order(n);
  for (size_t i = 0; i < n; i++) {
    order[i] = i;
  }
  std::vector<size_t> scratch(n);
  for (size_t width = 1; width < n; width *= 2) {
    for (size_t lo = 0; lo < n; lo += 2 * width) {
      size_t mid = std::min(lo + width, n);
      size_t hi = std::min(lo + 2 * width, n);
      size_t i = lo;
      size_t j = mid;
      size_t k = lo;
      while (i < mid && j < hi) {
        if (greater(order[i], order[j])) {
          scratch[k++] = order[j++];
        } else {
          scratch[k++] = order[i++];
        }
      }
      while (i < mid) {
        scratch[k++] = order[i++];
      }
      while (j < hi) {
        scratch[k++] = order[j++];
      }
    }
    order.swap(scratch);
    if (error) {
      return std::move(*error);
    }
  }
  Array sorted;
  sorted.reserve(n);
  for (size_t i : order) {
    sorted.push_back(items[i]);
  }
  return Value::MakeArray(std::move(sorted));
}

}  // namespace erphub::jsonata
