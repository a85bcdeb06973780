#pragma once

#include <string>

#include "core/component_spec.h"

namespace erphub {

// The `auth` field shared by HTTP outputs and systems, one of:
//   {type: bearer, token: ...}
//   {type: basic, username: ..., password: ...}
//   {type: oauth2, token_url: ..., client_id: ..., client_secret: ..., scope: ...}
// (OAuth2 client credentials). token, password and client_secret are secrets.
FieldSpec HttpAuthField(std::string name = "auth");

}  // namespace erphub
