#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.h"
#include "core/value.h"

namespace erphub::loadgen {

// base64(HMAC-SHA256(secret, body)): Shopify's X-Shopify-Hmac-Sha256.
std::string ShopifySignature(std::string_view secret, std::string_view body);

struct SignedOrder {
  int64_t order_id = 0;
  std::string body;
  std::string signature;
};

// Makes distinct Shopify orders from one template order: order n gets id `first_id + n` and
// order number 100000 + n (name "#<number>"), serialized compactly and signed.
class OrderFactory {
 public:
  static Result<OrderFactory> FromFile(const std::string& template_file, std::string secret,
                                       int64_t first_id);

  SignedOrder Make(int64_t n) const;

 private:
  OrderFactory(Value order, std::string secret, int64_t first_id)
      : template_(std::move(order)), secret_(std::move(secret)), first_id_(first_id) {}

  Value template_;
  std::string secret_;
  int64_t first_id_ = 0;
};

}  // namespace erphub::loadgen
