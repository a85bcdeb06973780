#include <cstdio>
#include <cstdlib>

#include "core/result.h"

namespace erphub::internal {

void CheckFailed(const char* condition, const char* file, int line) {
  std::fprintf(stderr, "%s:%d: check failed: %s\n", file, line, condition);
  std::abort();
}

}  // namespace erphub::internal
