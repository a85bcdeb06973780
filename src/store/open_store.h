#pragma once

#include <memory>
#include <string_view>

#include "core/result.h"
#include "store/store.h"

namespace erphub::store {

// Opens the store a config names: "sqlite:PATH" (also "sqlite://PATH"). PostgreSQL URLs
// ("postgresql://...") are recognised but not built yet (kUnimplemented); anything else is
// kInvalidArgument.
Result<std::unique_ptr<Store>> OpenStore(std::string_view url, const StoreOptions& options = {});

}  // namespace erphub::store
