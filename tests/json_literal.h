#pragma once

#include <gtest/gtest.h>

#include <string_view>

#include "core/json.h"

namespace erphub::testing {

// A JSON text written in a test, as a Value; a test failure (and an undefined Value) when the
// text is not JSON.
inline Value Json(std::string_view text) {
  Result<Value> value = ParseJson(text);
  EXPECT_TRUE(value.ok()) << value.status().ToString() << " in " << text;
  return value.ok() ? *value : Value();
}

}  // namespace erphub::testing
