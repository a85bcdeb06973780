#include "engine/state_writes.h"

#include <utility>

namespace erphub::engine {

store::StateWrite ToStateWrite(components::StateChange change) {
  using Kind = components::StateChange::Kind;
  switch (change.kind) {
    case Kind::kSet:
      return store::StateWrite::Set(std::move(change.key), std::move(change.value));
    case Kind::kErase:
      return store::StateWrite::Erase(std::move(change.key));
    case Kind::kCompareAndSet:
      break;
  }
  return change.expected.has_value()
             ? store::StateWrite::Replace(std::move(change.key), std::move(*change.expected),
                                          std::move(change.value))
             : store::StateWrite::Create(std::move(change.key), std::move(change.value));
}

}  // namespace erphub::engine
