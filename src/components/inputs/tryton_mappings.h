#pragma once

#include <string_view>

namespace erphub::components {

// The built-in mappings from Tryton's records to canonical ones,
// src/systems/tryton/mappings/ENTITY.jsonata, compiled into the binary (cmake/embed_text.cmake):
// the text of `entity`'s mapping, or empty when there is none.
std::string_view BuiltinTrytonMapping(std::string_view entity);

}  // namespace erphub::components
