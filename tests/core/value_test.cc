#include "core/value.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

namespace erphub {
namespace {

class CountedFunction : public Callable {
 public:
  explicit CountedFunction(int* alive) : alive_(alive) { ++*alive_; }
  ~CountedFunction() override { --*alive_; }

 private:
  int* alive_;
};

TEST(ValueTest, IsSixteenBytes) { EXPECT_EQ(sizeof(Value), 16u); }

TEST(ValueTest, ScalarsRoundTrip) {
  EXPECT_TRUE(Value().is_undefined());
  EXPECT_TRUE(Value::Null().is_null());
  EXPECT_TRUE(Value::Bool(true).as_bool());
  EXPECT_FALSE(Value::Bool(false).as_bool());
  Value exact = Value::Num(*Number::Parse("-18.90"));
  EXPECT_TRUE(exact.as_number().is_exact());
  EXPECT_EQ(exact.as_number().coefficient(), -189);
  EXPECT_EQ(exact.as_number().exponent(), -1);
  Value inexact = Value::Double(0.1 + 0.2);
  EXPECT_FALSE(inexact.as_number().is_exact());
  EXPECT_EQ(inexact.as_number().ToDouble(), 0.1 + 0.2);
  EXPECT_EQ(Value::Int(42).as_number().ToString(), "42");
}

TEST(ValueTest, ShortAndLongStrings) {
  for (std::string s :
       {std::string(), std::string("a"), std::string("exactly8"), std::string("nine char"),
        std::string(1000, 'x'), std::string("nul\0byte", 8)}) {
    Value v = Value::Str(s);
    Value copy = v;
    Value moved = std::move(copy);
    EXPECT_EQ(v.as_string(), s);
    EXPECT_EQ(moved.as_string(), s);
    EXPECT_TRUE(copy.is_undefined());  // NOLINT: checks the moved-from state
  }
  std::string owned = "a string that is longer than eight";
  EXPECT_EQ(Value::Str(std::move(owned)).as_string(), "a string that is longer than eight");
}

TEST(ValueTest, ArraysCopyOnWrite) {
  Value a = Value::MakeArray({Value::Int(1), Value::Int(2)});
  Value b = a;
  EXPECT_EQ(&a.as_array(), &b.as_array());
  b.push_back(Value::Int(3));
  EXPECT_NE(&a.as_array(), &b.as_array());
  EXPECT_EQ(a.size(), 2u);
  EXPECT_EQ(b.size(), 3u);
  EXPECT_EQ(b[2].as_number().ToString(), "3");

  // Unshared boxes are mutated in place.
  const Array* before = &b.as_array();
  b.mutable_array().push_back(Value::Null());
  EXPECT_EQ(&b.as_array(), before);
}

TEST(ValueTest, ObjectsCopyOnWrite) {
  Value a = Value::MakeObject();
  a.Set("x", Value::Int(1));
  Value b = a;
  b.Set("x", Value::Int(2));
  b.Set("y", Value::Int(3));
  EXPECT_EQ(a.Get("x").as_number().ToString(), "1");
  EXPECT_TRUE(a.Get("y").is_undefined());
  EXPECT_EQ(b.Get("x").as_number().ToString(), "2");
  EXPECT_EQ(b.Get("y").as_number().ToString(), "3");
  EXPECT_TRUE(Value::Int(1).Get("x").is_undefined());
}

TEST(ValueTest, ReferenceCountsFollowCopies) {
  int alive = 0;
  {
    Value f = Value::Function(new CountedFunction(&alive));
    EXPECT_EQ(alive, 1);
    std::vector<Value> copies(10, f);
    Value arr = Value::MakeArray(Array(copies.begin(), copies.end()));
    copies.clear();
    Value arr2 = arr;
    f = Value::Null();
    EXPECT_EQ(alive, 1);
    arr = Value();
    EXPECT_EQ(alive, 1);
    arr2.mutable_array().clear();
    EXPECT_EQ(alive, 0);
  }
  EXPECT_EQ(alive, 0);
}

TEST(ValueTest, AssignmentFromInsideItself) {
  Value inner = Value::MakeArray({Value::Str("a long string kept alive"), Value::Int(2)});
  Value outer = Value::MakeArray({inner});
  inner = Value();
  outer = outer[0];  // the source lives inside the old value
  ASSERT_TRUE(outer.is_array());
  EXPECT_EQ(outer[0].as_string(), "a long string kept alive");
  outer = std::move(outer.mutable_array()[0]);
  EXPECT_EQ(outer.as_string(), "a long string kept alive");
  Value& self = outer;
  outer = self;
  EXPECT_EQ(outer.as_string(), "a long string kept alive");
}

TEST(ValueTest, FlagsTravelWithCopies) {
  Value seq = Value::MakeArray();
  seq.set_flag(kFlagSequence);
  Value copy = seq;
  EXPECT_TRUE(copy.has_flag(kFlagSequence));
  copy.clear_flag(kFlagSequence);
  EXPECT_FALSE(copy.has_flag(kFlagSequence));
  EXPECT_TRUE(seq.has_flag(kFlagSequence));
}

TEST(ObjectTest, KeepsInsertionOrder) {
  Object o;
  o.Set("c", Value::Int(1));
  o.Set("a", Value::Int(2));
  o.Set("b", Value::Int(3));
  o.Set("a", Value::Int(4));
  std::string keys;
  for (const auto& [key, value] : o) {
    keys += key;
  }
  EXPECT_EQ(keys, "cab");
  EXPECT_EQ(o.Find("a")->as_number().ToString(), "4");
  EXPECT_TRUE(o.Erase("a"));
  EXPECT_FALSE(o.Erase("a"));
  EXPECT_EQ(o.size(), 2u);
  EXPECT_EQ(o.entries()[1].first, "b");
}

std::string Key(int i) { return "key_" + std::to_string(i); }

TEST(ObjectTest, LargeObjectsStayCorrectWithTheIndex) {
  Object o;
  for (int i = 0; i < 200; ++i) {
    o.Append(Key(i), Value::Int(i));
    if (i % 7 == 0) {
      ASSERT_NE(o.Find(Key(i / 2)), nullptr);  // builds and then extends the index
    }
  }
  for (int i = 0; i < 200; ++i) {
    ASSERT_NE(o.Find(Key(i)), nullptr) << i;
    EXPECT_EQ(o.Find(Key(i))->as_number().ToInt64(), i);
  }
  EXPECT_EQ(o.Find("missing"), nullptr);

  for (int i = 0; i < 200; i += 3) {
    EXPECT_TRUE(o.Erase(Key(i)));
  }
  for (int i = 0; i < 200; ++i) {
    EXPECT_EQ(o.Contains(Key(i)), i % 3 != 0) << i;
  }
  o.Set(Key(1), Value::Str("replaced"));
  o.Set(Key(3), Value::Str("re-added"));
  EXPECT_EQ(o.Find(Key(1))->as_string(), "replaced");
  EXPECT_EQ(o.entries().back().first, Key(3));

  Object copy = o;
  copy.Set("only in copy", Value::Null());
  EXPECT_TRUE(copy.Contains(Key(1)));
  EXPECT_TRUE(copy.Contains("only in copy"));
  EXPECT_FALSE(o.Contains("only in copy"));

  Object moved = std::move(copy);
  EXPECT_TRUE(moved.Contains("only in copy"));
  EXPECT_EQ(moved.Find(Key(199))->as_number().ToInt64(), 199);

  Object assigned;
  assigned = moved;
  EXPECT_EQ(assigned.Find(Key(3))->as_string(), "re-added");
  assigned = std::move(moved);
  EXPECT_EQ(assigned.Find(Key(5))->as_number().ToInt64(), 5);
}

TEST(ObjectTest, ConcurrentLookupsOnASharedLargeObject) {
  Value shared = Value::MakeObject();
  for (int i = 0; i < 500; ++i) {
    shared.mutable_object().Append(Key(i), Value::Int(i));
  }
  std::vector<std::thread> threads;
  std::vector<int> found(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      Value mine = shared;
      for (int i = 0; i < 500; ++i) {
        found[t] += mine.Get(Key(i)).is_number() ? 1 : 0;
      }
    });
  }
  for (auto& thread : threads) {
    thread.join();
  }
  for (int count : found) {
    EXPECT_EQ(count, 500);
  }
}

TEST(DeepEqualTest, ComparesByValue) {
  Value a = Value::MakeObject();
  a.Set("x", Value::Int(1));
  a.Set("y", Value::MakeArray({Value::Str("s"), Value::Null()}));
  Value b = Value::MakeObject();
  b.Set("y", Value::MakeArray({Value::Str("s"), Value::Null()}));
  b.Set("x", Value::Num(*Number::Parse("1.0")));
  EXPECT_TRUE(DeepEqual(a, b));
  b.Set("z", Value());
  EXPECT_FALSE(DeepEqual(a, b));

  EXPECT_FALSE(DeepEqual(Value::MakeArray({Value::Int(1), Value::Int(2)}),
                         Value::MakeArray({Value::Int(2), Value::Int(1)})));
  EXPECT_TRUE(DeepEqual(Value(), Value()));
  EXPECT_FALSE(DeepEqual(Value(), Value::Null()));
  EXPECT_FALSE(DeepEqual(Value::Int(0), Value::Bool(false)));
  EXPECT_TRUE(DeepEqual(Value::Double(0.5), Value::Num(Number::Exact(5, -1))));
  EXPECT_FALSE(DeepEqual(Value::Str("a"), Value::Str("b")));

  int alive = 0;
  Value f = Value::Function(new CountedFunction(&alive));
  Value g = Value::Function(new CountedFunction(&alive));
  EXPECT_TRUE(DeepEqual(f, Value(f)));
  EXPECT_FALSE(DeepEqual(f, g));
}

}  // namespace
}  // namespace erphub
