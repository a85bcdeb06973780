#include "tools/loadgen/signed_orders.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <fstream>
#include <sstream>

#include "core/json.h"

namespace erphub::loadgen {

std::string ShopifySignature(std::string_view secret, std::string_view body) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(body.data()), body.size(), digest, &length);
  std::string out(4 * ((length + 2) / 3), '\0');
  int written = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), digest,
                                static_cast<int>(length));
  out.resize(static_cast<size_t>(written));
  return out;
}

Result<OrderFactory> OrderFactory::FromFile(const std::string& template_file, std::string secret,
                                            int64_t first_id) {
  std::ifstream in(template_file, std::ios::binary);
  if (!in) {
    return NotFoundError("cannot open the template order", template_file);
  }
  std::ostringstream text;
  text << in.rdbuf();
  ERPHUB_ASSIGN_OR_RETURN(Value order, ParseJson(text.str()));
  if (!order.is_object()) {
    return InvalidArgumentError("the template order is not a JSON object", template_file);
  }
  return OrderFactory(std::move(order), std::move(secret), first_id);
}

SignedOrder OrderFactory::Make(int64_t n) const {
  SignedOrder order;
  order.order_id = first_id_ + n;
  Value body = template_;
  int64_t number = 100000 + n;
  body.Set("id", Value::Int(order.order_id));
  body.Set("order_number", Value::Int(number));
  body.Set("name", Value::Str("#" + std::to_string(number)));
  body.Set("admin_graphql_api_id",
           Value::Str("gid://shopify/Order/" + std::to_string(order.order_id)));
  order.body = ToJson(body);
  order.signature = ShopifySignature(secret_, order.body);
  return order;
}

}  // namespace erphub::loadgen
