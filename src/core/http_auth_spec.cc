#include "core/http_auth_spec.h"

namespace erphub {

FieldSpec HttpAuthField(std::string name) {
  return ObjectField(std::move(name))
      .Description("How requests authenticate; leave out for none.")
      .Field(EnumField("type", {"bearer", "basic", "oauth2"})
                 .Required()
                 .Description("bearer token, HTTP basic, or OAuth2 client credentials."))
      .Field(StringField("token").Secret().Description("Bearer token (type bearer)."))
      .Field(StringField("username").Description("User name (type basic)."))
      .Field(StringField("password").Secret().Description("Password (type basic)."))
      .Field(StringField("token_url").Description("Token endpoint (type oauth2)."))
      .Field(StringField("client_id").Description("Client id (type oauth2)."))
      .Field(StringField("client_secret").Secret().Description("Client secret (type oauth2)."))
      .Field(StringField("scope").Description("Space-separated scopes to request (type oauth2)."))
      .Check(VariantFields("type", {{"bearer", {"token"}},
                                    {"basic", {"username", "password"}},
                                    {"oauth2", {"token_url", "client_id", "client_secret"}}}));
}

}  // namespace erphub
