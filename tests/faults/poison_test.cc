// Case 2 of the fault suite: a message the target refuses forever (422) is dead-lettered without
// holding up other keys; with `on_dead_letter: block_key` the later messages of its own key wait
// until it is replayed, then arrive after it, in order.

#include <atomic>

#include "core/json.h"
#include "faults/fault_harness.h"

namespace erphub::faults {
namespace {

constexpr int kKeys = 10;
constexpr int kPerKey = 5;

class PoisonTest : public FaultTest {
 protected:
  // The target refuses the first message of the first key until `fixed_`.
  void StartWithPoison(const std::string& on_dead_letter) {
    target_.SetScript([this](const Request& request) {
      if (!fixed_ && request.key == WebhookDriver::KeyName(0) && request.seq == 0) {
        return Answer::Status(422, -1, R"({"error":"unknown customer"})");
      }
      return Answer::Take();
    });
    FlowOptions flow;
    flow.map_step = false;
    flow.on_dead_letter = on_dead_letter;
    StartHub(WriteConfig(flow));
    driver_ = std::make_unique<WebhookDriver>(Driver(kKeys, kPerKey));
    driver_->Start();
    ASSERT_TRUE(driver_->WaitFinished(kDeadline));
    ASSERT_EQ(driver_->acknowledged_count(), kKeys * kPerKey);
    ASSERT_TRUE(integration::WaitUntil(
        [&] {
          return Metric(R"(erphub_dead_lettered_total{flow="orders",output="http"})").value_or(0) >=
                 1;
        },
        kDeadline));
  }

  // The taken sequence numbers of `key`, in arrival order.
  std::vector<int64_t> TakenOf(const std::string& key) const {
    std::vector<int64_t> seqs;
    for (const Request& request : target_.requests()) {
      if (request.taken && request.key == key) {
        seqs.push_back(request.seq);
      }
    }
    return seqs;
  }

  // The dead letters' ids (erphub dlq list --json).
  std::vector<std::string> DeadLetters() {
    EXPECT_EQ(RunErphub("dlq list --json --store sqlite:" + store_path_), 0) << out_;
    Result<Value> list = ParseJson(out_);
    std::vector<std::string> ids;
    if (list.ok() && list->is_array()) {
      for (const Value& dead : list->as_array()) {
        ids.push_back(std::to_string(dead.Get("id").as_number().ToInt64().value_or(0)));
      }
    }
    return ids;
  }

  std::atomic<bool> fixed_{false};
  std::unique_ptr<WebhookDriver> driver_;
};

TEST_F(PoisonTest, BlockKeyHoldsOnlyItsKeyUntilTheReplayThenDeliversInOrder) {
  StartWithPoison("block_key");
  const size_t others = (kKeys - 1) * kPerKey;
  ASSERT_TRUE(target_.WaitFor([&] { return target_.taken_count() == others; }, kDeadline))
      << target_.taken_count();
  std::vector<std::string> dead = DeadLetters();
  ASSERT_EQ(dead.size(), 1u) << out_;
  // Every other key is through; nothing of the poisoned key got past its first message.
  EXPECT_TRUE(TakenOf(WebhookDriver::KeyName(0)).empty());
  EXPECT_EQ(Check(driver_->acknowledged()).out_of_order_keys, 0u);

  fixed_ = true;
  ASSERT_EQ(RunErphub("dlq replay " + dead[0] +
                      " --note 'customer created' --store sqlite:" + store_path_),
            0)
      << out_;
  ASSERT_TRUE(WaitDelivered(*driver_, kDeadline));
  EXPECT_EQ(TakenOf(WebhookDriver::KeyName(0)), (std::vector<int64_t>{0, 1, 2, 3, 4}));
  DeliveryReport report = Check(driver_->acknowledged());
  EXPECT_EQ(report.delivered, report.acknowledged) << report.Summary();
  EXPECT_EQ(report.duplicated, 0u) << report.Summary();
  EXPECT_EQ(report.out_of_order_keys, 0u) << report.Summary();
  EXPECT_TRUE(DeadLetters().empty()) << out_;
}

TEST_F(PoisonTest, ContinueDeadLettersThePoisonAndDeliversEverythingElse) {
  StartWithPoison("continue");
  const size_t all_but_one = kKeys * kPerKey - 1;
  ASSERT_TRUE(target_.WaitFor([&] { return target_.taken_count() == all_but_one; }, kDeadline))
      << target_.taken_count();
  EXPECT_EQ(TakenOf(WebhookDriver::KeyName(0)), (std::vector<int64_t>{1, 2, 3, 4}));
  std::vector<std::string> dead = DeadLetters();
  ASSERT_EQ(dead.size(), 1u) << out_;
  fixed_ = true;
  ASSERT_EQ(RunErphub("dlq replay " + dead[0] + " --store sqlite:" + store_path_), 0) << out_;
  ASSERT_TRUE(WaitDelivered(*driver_, kDeadline));
  DeliveryReport report = Check(driver_->acknowledged());
  EXPECT_EQ(report.delivered, report.acknowledged) << report.Summary();
  EXPECT_EQ(report.duplicated, 0u) << report.Summary();
}

}  // namespace
}  // namespace erphub::faults
