// Several `erphub run` nodes on one PostgreSQL store: signed webhooks arrive round-robin, one
// node is killed with SIGKILL while holding leases and later restarted, and every acknowledged
// message is still delivered, once per idempotency key and in order per business key.
#include <signal.h>

#include <algorithm>
#include <map>
#include <set>

#include "core/json.h"
#include "integration/hub_harness.h"
#include "servers/postgres_test_server.h"
#include "store/postgres/pg_conn.h"

namespace erphub::integration {
namespace {

using std::chrono::milliseconds;

class MultiNodeTest : public HubTest {
 protected:
  struct Node {
    std::string name;
    std::string log;  // the file of its stderr
    uint16_t port = 0;
    ChildProcess process;
    bool alive = false;
  };

  void SetUp() override {
    HubTest::SetUp();
    ERPHUB_REQUIRE_POSTGRES();
    server_url_ = erphub::testing::PostgresTestUrl();
    schema_ = "nodes" + std::to_string(::getpid());
    ASSERT_TRUE(
        RunSql("DROP SCHEMA IF EXISTS " + schema_ + " CASCADE; CREATE SCHEMA " + schema_).ok());
    store_url_ = server_url_ + "?options=-csearch_path%3D" + schema_;
  }

  void TearDown() override {
    for (Node& node : nodes_) {
      if (node.alive) {
        node.process.Signal(SIGKILL);
        node.process.Wait(kDeadline);
      }
      if (HasFailure()) {
        std::fprintf(stderr, "--- %s ---\n%s\n", node.name.c_str(), ReadFile(node.log).c_str());
      }
    }
    if (!schema_.empty()) {
      RunSql("DROP SCHEMA IF EXISTS " + schema_ + " CASCADE").ok();
    }
    HubTest::TearDown();
  }

  // One number from the store's schema.
  int64_t QueryStore(const std::string& sql) {
    Result<std::unique_ptr<store::PgConn>> conn = store::PgConn::Connect(store_url_);
    if (!conn.ok()) {
      ADD_FAILURE() << conn.status().ToString();
      return -1;
    }
    Result<store::PgResult> r = (*conn)->Query(sql);
    if (!r.ok() || r->empty()) {
      ADD_FAILURE() << r.status().ToString();
      return -1;
    }
    return r->Int(0, 0);
  }

  Status RunSql(const std::string& sql) {
    Result<std::unique_ptr<store::PgConn>> conn = store::PgConn::Connect(server_url_);
    return conn.ok() ? (*conn)->Exec(sql) : conn.status();
  }

  void StartNode(const std::string& name) {
    Node node;
    node.name = name;
    node.log = Dir(name + "-" + std::to_string(nodes_.size()) + ".err");
    node.port = FreePort();
    std::map<std::string, std::optional<std::string>> env = {
        {"ERPHUB_LISTEN", "127.0.0.1:" + std::to_string(node.port)},
        {"ERPHUB_STORE", store_url_},
        {"SHOP_WEBHOOK_SECRET", kSecret},
        {"ERP_URL", ReceiverUrl()}};
    Result<ChildProcess> child = ChildProcess::Start(
        {ERPHUB_BINARY, "run", Source("examples/shop-orders-to-http/erphub.yaml"), "--node", name,
         "--lease-duration", "3s", "--workers", "3"},
        env, Dir(), Dir(name + ".out"), node.log);
    ASSERT_TRUE(child.ok()) << child.status().ToString();
    node.process = std::move(*child);
    node.alive = true;
    const std::string ready_url = "http://127.0.0.1:" + std::to_string(node.port) + "/ready";
    ASSERT_TRUE(WaitUntil(
        [&] {
          net::ClientRequest request;
          request.url = ready_url;
          request.timeout = milliseconds(500);
          Result<net::HttpResponse> response = client_->Send(request);
          return response.ok() && response->status == 200;
        },
        kDeadline))
        << ReadFile(node.log);
    nodes_.push_back(std::move(node));
  }

  // The nodes `node`'s /ready lists as live and as gone (sorted), or {} when it does not answer.
  std::pair<std::vector<std::string>, std::vector<std::string>> Membership(const Node& node) {
    net::ClientRequest request;
    request.url = "http://127.0.0.1:" + std::to_string(node.port) + "/ready";
    request.timeout = milliseconds(2000);
    Result<net::HttpResponse> response = client_->Send(request);
    if (!response.ok()) {
      return {};
    }
    Result<Value> ready = ParseJson(response->body);
    if (!ready.ok()) {
      return {};
    }
    std::pair<std::vector<std::string>, std::vector<std::string>> names;
    for (const Value& live : ready->Get("nodes").Get("live").as_array()) {
      names.first.emplace_back(live.as_string());
    }
    for (const Value& gone : ready->Get("nodes").Get("gone").as_array()) {
      names.second.emplace_back(gone.Get("name").as_string());
    }
    std::sort(names.first.begin(), names.first.end());
    std::sort(names.second.begin(), names.second.end());
    return names;
  }

  // Posts one signed order to the node; the HTTP status, 0 when the node did not answer.
  int PostTo(const Node& node, const std::string& body, const std::string& webhook_id) {
    net::ClientRequest request;
    request.method = "POST";
    request.url = "http://127.0.0.1:" + std::to_string(node.port) + "/webhooks/shop/orders";
    request.headers.Add("Content-Type", "application/json");
    request.headers.Add("X-Shopify-Topic", "orders/create");
    request.headers.Add("X-Shopify-Webhook-Id", webhook_id);
    request.headers.Add("X-Shopify-Hmac-Sha256", ShopifySignature(kSecret, body));
    request.body = body;
    request.timeout = milliseconds(5000);
    Result<net::HttpResponse> response = client_->Send(request);
    return response.ok() ? response->status : 0;
  }

  std::string server_url_;
  std::string schema_;
  std::string store_url_;
  std::vector<Node> nodes_;
};

TEST_F(MultiNodeTest, AKilledAndRestartedNodeLosesNothingAndKeysStayInOrder) {
  // The target is slow enough that work is in flight on the node when it dies.
  StartReceiver({"--delay", "200"});
  StartNode("node-a");
  StartNode("node-b");
  StartNode("node-c");
  using Names = std::vector<std::string>;
  const Names all = {"node-a", "node-b", "node-c"};
  // Each node sees the others through the store within one beat (a third of the lease time).
  for (const Node& node : nodes_) {
    EXPECT_TRUE(WaitUntil([&] { return Membership(node).first == all; }, kDeadline)) << node.name;
  }

  Result<Value> sample = ParseJson(Sample("order-1042-new-customer.json"));
  ASSERT_TRUE(sample.ok());
  constexpr int kKeys = 8;
  constexpr int kMessages = 120;
  constexpr int kKillAfter = 50;
  constexpr int kRestartAt = 90;
  // order_number -> key, in acknowledgement order per key.
  std::map<std::string, std::vector<std::string>> acked_per_key;
  std::set<std::string> acked;
  size_t next_node = 0;
  int64_t victim = -1;
  for (int i = 0; i < kMessages; ++i) {
    if (i == kKillAfter) {
      // A node dies holding leases (whichever holds some first: which node claims what is the
      // nodes' race): its deliveries wait for the leases to expire, then move on.
      ASSERT_TRUE(WaitUntil(
          [&] {
            victim = QueryStore(
                "SELECT coalesce(min(CASE lease_owner WHEN 'node-a' THEN 0 WHEN 'node-b' THEN 1 "
                "WHEN 'node-c' THEN 2 END), -1) FROM deliveries WHERE state = 2");
            return victim >= 0;
          },
          kDeadline));
      nodes_[victim].process.Signal(SIGKILL);
      nodes_[victim].process.Wait(kDeadline);
      nodes_[victim].alive = false;
      // The survivors report it gone once a lease time has passed without its beat.
      const Node& survivor = nodes_[(victim + 1) % 3];
      Names live = all;
      live.erase(live.begin() + victim);
      EXPECT_TRUE(WaitUntil(
          [&] { return Membership(survivor) == std::make_pair(live, Names{all[victim]}); },
          kDeadline));
    }
    if (i == kRestartAt) {
      // Back, on a new port, and taking its share again (a copy: StartNode grows nodes_).
      StartNode(std::string(nodes_[victim].name));
    }
    const int key = i % kKeys;
    Value order = *sample;
    order.Set("id", Value::Int(7000000 + key));
    const std::string number = std::to_string(100000 + i);
    order.Set("order_number", Value::Int(100000 + i));
    const std::string body = ToJson(order);
    // Round-robin; a load balancer takes a node that does not answer out of the rotation.
    int status = 0;
    for (size_t tries = 0; tries < nodes_.size() && status == 0; ++tries) {
      const Node& node = nodes_[next_node++ % nodes_.size()];
      if (node.alive) {
        status = PostTo(node, body, "wh-" + std::to_string(i));
      }
    }
    if (status == 202) {
      acked.insert(number);
      acked_per_key[std::to_string(key)].push_back(number);
    }
  }
  EXPECT_GE(acked.size(), static_cast<size_t>(kMessages - 2));
  // Restarted, it is live again for everyone.
  EXPECT_TRUE(WaitUntil([&] { return Membership(nodes_.back()).first == all; }, kDeadline));

  // Every acknowledged order arrives: the killed node's leased work once its leases (3 s) expire.
  auto distinct = [&] {
    std::set<std::string> keys;
    for (const Value& record : Received()) {
      if (record.Get("status").as_number().ToInt64().value_or(0) < 300) {
        keys.insert(RecordedHeader(record, "Idempotency-Key"));
      }
    }
    return keys.size();
  };
  ASSERT_TRUE(WaitUntil([&] { return distinct() >= acked.size(); }, std::chrono::seconds(60)))
      << distinct() << " of " << acked.size();

  std::map<std::string, std::string> number_by_idempotency_key;
  std::map<std::string, std::vector<std::string>> received_per_key;
  for (const Value& record : Received()) {
    const std::string idempotency_key = RecordedHeader(record, "Idempotency-Key");
    const std::string number(record.Get("json").Get("order_number").as_string());
    auto [it, first] = number_by_idempotency_key.emplace(idempotency_key, number);
    EXPECT_EQ(it->second, number) << "one idempotency key, two orders";
    if (first) {
      const std::string external(record.Get("json").Get("external_id").as_string());
      received_per_key[std::to_string(std::stoll(external.substr(8)) - 7000000)].push_back(number);
    }
  }
  std::set<std::string> delivered;
  for (const auto& [key, number] : number_by_idempotency_key) {
    EXPECT_TRUE(delivered.insert(number).second) << "order " << number << " under two keys";
  }
  for (const std::string& number : acked) {
    EXPECT_EQ(delivered.count(number), 1u) << "acknowledged order " << number << " lost";
  }
  // Per key, the first delivery of each order follows the acknowledgement order.
  for (const auto& [key, numbers] : acked_per_key) {
    std::vector<std::string> got;
    for (const std::string& number : received_per_key[key]) {
      if (acked.count(number) != 0) {
        got.push_back(number);
      }
    }
    EXPECT_EQ(got, numbers) << "key " << key;
  }
  EXPECT_GT(QueryStore("SELECT count(*) FROM lineage WHERE outcome = 'lease expired'"), 0);
  // The last outcomes are recorded just after the target answered.
  EXPECT_TRUE(
      WaitUntil([&] { return QueryStore("SELECT count(*) FROM deliveries WHERE state <> 3") == 0; },
                kDeadline));
  std::fprintf(
      stderr, "%zu acknowledged, %zu requests at the target (%lld repeated keys)\n", acked.size(),
      Received().size(),
      static_cast<long long>(ReceiverStats().Get("duplicates").as_number().ToInt64().value_or(-1)));
}

}  // namespace
}  // namespace erphub::integration
