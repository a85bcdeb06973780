#include "components/builtin.h"

#include <gtest/gtest.h>

namespace erphub::components {
namespace {

TEST(BuiltinTest, RegistersEachComponentWithSpecAndFactory) {
  ComponentRegistry registry;
  ASSERT_TRUE(RegisterBuiltins(registry).ok());
  EXPECT_EQ(registry.Names(ComponentKind::kInput),
            (std::vector<std::string>{"file", "postgres_cdc", "sql", "tryton", "webhook"}));
  EXPECT_EQ(registry.Names(ComponentKind::kStep),
            (std::vector<std::string>{"filter", "map", "parse", "render", "validate"}));
  EXPECT_EQ(registry.Names(ComponentKind::kOutput),
            (std::vector<std::string>{"file", "http", "sql", "tryton"}));
  for (ComponentKind kind : {ComponentKind::kInput, ComponentKind::kStep, ComponentKind::kOutput}) {
    for (const std::string& name : registry.Names(kind)) {
      const ComponentRegistry::Entry* entry = registry.Find(kind, name);
      ASSERT_NE(entry, nullptr);
      EXPECT_TRUE(static_cast<bool>(entry->factory)) << name;
      EXPECT_FALSE(entry->spec.summary().empty()) << name;
    }
  }
  // A second registration of the same list is a bug the registry reports.
  EXPECT_FALSE(RegisterBuiltins(registry).ok());
}

}  // namespace
}  // namespace erphub::components
