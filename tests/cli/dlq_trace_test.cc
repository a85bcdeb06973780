#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/json.h"
#include "core/message.h"
#include "core/random.h"
#include "store/sqlite/sqlite_store.h"

namespace erphub::store {
namespace {

namespace fs = std::filesystem;

// A store in a scratch folder, filled through the store API, inspected with the erphub binary.
class DlqTraceCommandTest : public ::testing::Test {
 protected:
  DlqTraceCommandTest() : ids_(SystemClock::Default(), random_) {}

  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "erphub-dlq-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    StoreOptions options;
    options.fsync = FsyncMode::kNormal;
    Result<std::unique_ptr<Store>> store = OpenSqliteStore((dir_ / "hub.db").string(), options);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
  }
  void TearDown() override {
    store_.reset();
    fs::remove_all(dir_);
  }

  std::string StoreUrl() const { return "sqlite:" + (dir_ / "hub.db").string(); }

  MessageId Accept(const std::string& key, const std::string& payload_json) {
    Acceptance a;
    a.message.id = ids_.Next();
    a.message.flow = "shop-orders";
    a.message.business_key = key;
    a.message.payload = *ParseJson(payload_json);
    a.message.headers = {{"X-Shopify-Topic", "orders/create"}};
    a.message.received_at = SystemClock::Default().Now();
    a.outputs = {"http"};
    a.source = "webhook POST /webhooks/shop/orders";
    Result<std::vector<Accepted>> accepted = store_->Accept(std::span<const Acceptance>(&a, 1));
    EXPECT_TRUE(accepted.ok()) << accepted.status().ToString();
    return a.message.id;
  }

  ClaimedDelivery ClaimOne() {
    ClaimOptions options;
    options.owner = "worker-1";
    Result<std::vector<ClaimedDelivery>> claimed = store_->ClaimDeliveries(options);
    EXPECT_TRUE(claimed.ok() && claimed->size() == 1);
    return claimed->front();
  }

  // Accepts a message whose delivery fails once with 503 and is then dead-lettered with 422.
  MessageId AcceptAndDeadLetter(const std::string& key) {
    MessageId id = Accept(key, R"({"id": )" + key + R"(, "total": "9.90"})");
    ClaimedDelivery first = ClaimOne();
    AttemptReport report;
    report.duration = std::chrono::microseconds(2500);
    report.detail = "HTTP 503";
    EXPECT_TRUE(
        store_->RetryLater(first.lease, SystemClock::Default().Now(), "HTTP 503", report).ok());
    ClaimedDelivery second = ClaimOne();
    DeadLetterInfo info;
    info.error = "HTTP 422: the target refused the message";
    info.response_body = R"({"error": "unknown sku MUG-BLU-350"})";
    report.detail = "HTTP 422";
    EXPECT_TRUE(store_->DeadLetter(second.lease, info, report).ok());
    return id;
  }

  static std::string Read(const fs::path& path) {
    std::ifstream in(path);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
  }

  int Run(const std::string& args, const std::string& env = "") {
    std::string command = "cd '" + dir_.string() + "' && env " + env + " '" ERPHUB_BINARY "' " +
                          args + " >out.txt 2>err.txt";
    int status = std::system(command.c_str());
    out_ = Read(dir_ / "out.txt");
    err_ = Read(dir_ / "err.txt");
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

  fs::path dir_;
  SystemRandom random_;
  MessageIdGenerator ids_;
  std::unique_ptr<Store> store_;
  std::string out_;
  std::string err_;
};

TEST_F(DlqTraceCommandTest, ListShowsDeadLettersAsTableAndJson) {
  AcceptAndDeadLetter("1001");
  AcceptAndDeadLetter("1002");
  ASSERT_EQ(Run("dlq list --store " + StoreUrl()), 0) << err_;
  EXPECT_NE(out_.find("ID  DEAD AT"), std::string::npos) << out_;
  EXPECT_NE(out_.find("shop-orders  http"), std::string::npos) << out_;
  EXPECT_NE(out_.find("HTTP 422: the target refused the message"), std::string::npos) << out_;
  EXPECT_NE(out_.find("2 dead letters"), std::string::npos) << out_;

  ASSERT_EQ(Run("dlq list --json --store " + StoreUrl()), 0) << err_;
  Result<Value> list = ParseJson(out_);
  ASSERT_TRUE(list.ok()) << out_;
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].Get("key").as_string(), "1001");
  EXPECT_EQ((*list)[0].Get("attempts").as_number().ToInt64().value_or(-1), 2);
  EXPECT_EQ((*list)[1].Get("response_body").as_string(), R"({"error": "unknown sku MUG-BLU-350"})");

  ASSERT_EQ(Run("dlq list --flow other-flow --store " + StoreUrl()), 0) << err_;
  EXPECT_EQ(out_, "no dead letters\n");
  ASSERT_EQ(Run("dlq list --since 2d --limit 1 --store " + StoreUrl()), 0) << err_;
  EXPECT_NE(out_.find("1 dead letter (more may exist"), std::string::npos) << out_;
  ASSERT_EQ(Run("dlq list --since 2999-01-01 --store " + StoreUrl()), 0) << err_;
  EXPECT_EQ(out_, "no dead letters\n");
  EXPECT_EQ(Run("dlq list --since yesterday --store " + StoreUrl()), 2);
  EXPECT_NE(err_.find("--since"), std::string::npos) << err_;
}

TEST_F(DlqTraceCommandTest, ShowPrintsErrorResponseAttemptsAndPayload) {
  AcceptAndDeadLetter("1001");
  ASSERT_EQ(Run("dlq show 1 --store " + StoreUrl()), 0) << err_;
  EXPECT_NE(out_.find("unknown sku MUG-BLU-350"), std::string::npos) << out_;
  EXPECT_NE(out_.find("HTTP 503"), std::string::npos) << out_;
  EXPECT_NE(out_.find("\"total\": \"9.90\""), std::string::npos) << out_;

  ASSERT_EQ(Run("dlq show 1 --json --store " + StoreUrl()), 0) << err_;
  Result<Value> detail = ParseJson(out_);
  ASSERT_TRUE(detail.ok()) << out_;
  EXPECT_EQ(detail->Get("attempt_history").size(), 2u);
  EXPECT_EQ(detail->Get("message").Get("headers").Get("X-Shopify-Topic").as_string(),
            "orders/create");

  EXPECT_EQ(Run("dlq show 99 --store " + StoreUrl()), 1);
  EXPECT_EQ(Run("dlq show abc --store " + StoreUrl()), 2);
}

TEST_F(DlqTraceCommandTest, ReplayMakesTheDeliveryClaimableAgain) {
  AcceptAndDeadLetter("1001");
  ASSERT_EQ(Run("dlq replay 1 --note 'sku created' --store " + StoreUrl()), 0) << err_;
  EXPECT_NE(out_.find("replayed dead letter 1"), std::string::npos) << out_;
  ClaimedDelivery again = ClaimOne();
  EXPECT_EQ(again.message.business_key, "1001");
  EXPECT_EQ(again.attempt, 1);
  EXPECT_TRUE(store_->Complete(again.lease, AttemptReport{}).ok());
  // Not dead any more: a second replay fails.
  EXPECT_EQ(Run("dlq replay 1 --store " + StoreUrl()), 1);
  EXPECT_NE(err_.find("replay 1"), std::string::npos) << err_;
}

TEST_F(DlqTraceCommandTest, ReplayByFlowAndAllAndUsageErrors) {
  AcceptAndDeadLetter("1001");
  AcceptAndDeadLetter("1002");
  ASSERT_EQ(Run("dlq replay --flow nothing --store " + StoreUrl()), 0) << err_;
  EXPECT_EQ(out_, "replayed 0 dead letters\n");
  ASSERT_EQ(Run("dlq replay --flow shop-orders --json --store " + StoreUrl()), 0) << err_;
  EXPECT_EQ(out_, "{\n  \"replayed\": [\n    1,\n    2\n  ],\n  \"failed\": []\n}\n");
  EXPECT_EQ(Run("dlq replay --store " + StoreUrl()), 2);
  EXPECT_EQ(Run("dlq replay 1 --all --store " + StoreUrl()), 2);
}

TEST_F(DlqTraceCommandTest, DiscardNeedsAReasonAndRecordsIt) {
  MessageId id = AcceptAndDeadLetter("1001");
  EXPECT_EQ(Run("dlq discard 1 --store " + StoreUrl()), 2);
  EXPECT_EQ(Run("dlq discard 1 --reason ' ' --store " + StoreUrl()), 2);
  ASSERT_EQ(Run("dlq discard 1 --reason 'duplicate test order' --store " + StoreUrl()), 0) << err_;
  ASSERT_EQ(Run("dlq list --store " + StoreUrl()), 0);
  EXPECT_EQ(out_, "no dead letters\n");
  ASSERT_EQ(Run("trace " + id.ToString() + " --store " + StoreUrl()), 0) << err_;
  EXPECT_NE(out_.find("discarded"), std::string::npos) << out_;
  EXPECT_NE(out_.find("duplicate test order"), std::string::npos) << out_;
}

// An editor for `dlq edit`: a script that runs `command` on the file it is given ($1).
void WriteEditor(const fs::path& path, const std::string& command) {
  std::ofstream(path) << "#!/bin/sh\n" << command << "\n";
  fs::permissions(path, fs::perms::owner_all);
}

TEST_F(DlqTraceCommandTest, EditSavesTheEditedPayloadAndReplaysKeepingTheOriginal) {
  MessageId id = AcceptAndDeadLetter("1001");
  WriteEditor(dir_ / "editor.sh", R"(sed -i 's/"9.90"/"19.90"/' "$1")");
  // Temporary files go to $TMPDIR: here, the test's folder.
  fs::create_directories(dir_ / "tmp");
  ASSERT_EQ(Run("dlq edit 1 --note 'price fixed' --store " + StoreUrl(),
                "-u VISUAL EDITOR=./editor.sh TMPDIR=" + (dir_ / "tmp").string()),
            0)
      << err_;
  EXPECT_NE(out_.find("saved the edited payload of dead letter 1 and replayed it"),
            std::string::npos)
      << out_;
  ClaimedDelivery again = ClaimOne();
  EXPECT_EQ(again.payload.Get("total").as_string(), "19.90");
  EXPECT_EQ(again.attempt, 1);
  Result<MessageTrace> trace = store_->Trace(id);
  ASSERT_TRUE(trace.ok());
  bool kept = false;
  for (const LineageEvent& e : trace->events) {
    kept = kept || (e.kind == LineageKind::kReplayed && e.outcome == "payload edited" &&
                    e.detail.find("price fixed; original payload: ") == 0 &&
                    e.detail.find(R"("total":"9.90")") != std::string::npos);
  }
  EXPECT_TRUE(kept);
  // The temporary file is gone.
  EXPECT_TRUE(fs::is_empty(dir_ / "tmp"));
}

TEST_F(DlqTraceCommandTest, EditRefusesWhatIsNotJsonAndKeepsTheEdit) {
  AcceptAndDeadLetter("1001");
  WriteEditor(dir_ / "editor.sh", R"(printf '{"id": 1001, "total": ' > "$1")");
  EXPECT_EQ(Run("dlq edit 1 --store " + StoreUrl(), "-u VISUAL EDITOR=./editor.sh TMPDIR=."), 1);
  EXPECT_NE(err_.find("the edited payload is not JSON"), std::string::npos) << err_;
  const size_t kept_at = err_.find("kept in ");
  ASSERT_NE(kept_at, std::string::npos) << err_;
  std::string kept = err_.substr(kept_at + 8);
  kept = kept.substr(0, kept.find_first_of(":\n"));
  EXPECT_EQ(Read(kept), R"({"id": 1001, "total": )");
  fs::remove(kept);
  // Still dead, with its payload.
  Result<DeadLetterDetail> detail = store_->GetDeadLetter(1);
  ASSERT_TRUE(detail.ok()) << detail.status().ToString();
  EXPECT_EQ(detail->payload.Get("total").as_string(), "9.90");
}

TEST_F(DlqTraceCommandTest, EditWithTheConfigChecksTheFlowsSchemas) {
  AcceptAndDeadLetter("1001");
  std::ofstream(dir_ / "total.schema.json") << R"({"type": "object", "required": ["total"],
            "properties": {"total": {"type": "string", "pattern": "^[0-9]+\\.[0-9]{2}$"}}})";
  // The output's payload is the steps' result: the validate step after the map judges it.
  std::ofstream(dir_ / "erphub.yaml") << R"(store: {url: "sqlite:hub.db"}
flows:
  shop-orders:
    from: {webhook: {path: /orders}}
    steps:
      - validate: {schema: nowhere.json}
      - map: {expression: "$"}
      - validate: {schema: total.schema.json}
    to:
      - http: {url: "http://127.0.0.1:9/orders"}
)";
  WriteEditor(dir_ / "number.sh", R"(sed -i 's/"9.90"/19.9/' "$1")");
  EXPECT_EQ(Run("dlq edit 1 --config erphub.yaml", "-u VISUAL EDITOR=./number.sh TMPDIR=."), 1);
  EXPECT_NE(err_.find("the edited payload fails step validate"), std::string::npos) << err_;
  EXPECT_NE(err_.find("/total"), std::string::npos) << err_;
  EXPECT_TRUE(store_->GetDeadLetter(1).ok());
  WriteEditor(dir_ / "text.sh", R"(sed -i 's/"9.90"/"19.90"/' "$1")");
  ASSERT_EQ(Run("dlq edit 1 --config erphub.yaml", "-u VISUAL EDITOR=./text.sh"), 0) << err_;
  EXPECT_EQ(err_, "");
  EXPECT_EQ(ClaimOne().payload.Get("total").as_string(), "19.90");
}

TEST_F(DlqTraceCommandTest, EditSavesNothingWhenUnchangedOrTheEditorFails) {
  AcceptAndDeadLetter("1001");
  WriteEditor(dir_ / "same.sh", "true");
  ASSERT_EQ(Run("dlq edit 1 --store " + StoreUrl(), "-u VISUAL EDITOR=./same.sh"), 0) << err_;
  EXPECT_NE(out_.find("unchanged; nothing was saved"), std::string::npos) << out_;
  WriteEditor(dir_ / "fails.sh", R"(echo '{}' > "$1"; exit 3)");
  EXPECT_EQ(Run("dlq edit 1 --store " + StoreUrl(), "-u VISUAL EDITOR=./fails.sh"), 1);
  EXPECT_NE(err_.find("failed; nothing was saved"), std::string::npos) << err_;
  // VISUAL wins over EDITOR.
  WriteEditor(dir_ / "visual.sh", R"(echo '{"edited": "visual"}' > "$1")");
  ASSERT_EQ(Run("dlq edit 1 --store " + StoreUrl(), "VISUAL=./visual.sh EDITOR=./fails.sh"), 0)
      << err_;
  EXPECT_EQ(ClaimOne().payload.Get("edited").as_string(), "visual");
  EXPECT_EQ(Run("dlq edit 1 --store " + StoreUrl(), "-u VISUAL EDITOR=./same.sh"), 1);
}

TEST_F(DlqTraceCommandTest, TraceByIdShowsEveryAttempt) {
  MessageId id = AcceptAndDeadLetter("1001");
  ASSERT_EQ(Run("trace " + id.ToString() + " --store " + StoreUrl()), 0) << err_;
  EXPECT_NE(out_.find("message " + id.ToString() + "  flow shop-orders  key 1001"),
            std::string::npos)
      << out_;
  EXPECT_NE(out_.find("received"), std::string::npos) << out_;
  EXPECT_NE(out_.find("webhook POST /webhooks/shop/orders"), std::string::npos) << out_;
  EXPECT_NE(out_.find("2.5ms"), std::string::npos) << out_;
  EXPECT_NE(out_.find("HTTP 422"), std::string::npos) << out_;

  ASSERT_EQ(Run("trace --json " + id.ToString() + " --store " + StoreUrl()), 0) << err_;
  Result<Value> traces = ParseJson(out_);
  ASSERT_TRUE(traces.ok()) << out_;
  ASSERT_EQ(traces->size(), 1u);
  const Value& lineage = (*traces)[0].Get("lineage");
  ASSERT_EQ(lineage.size(), 3u);
  EXPECT_EQ(lineage[0].Get("event").as_string(), "received");
  EXPECT_EQ(lineage[1].Get("event").as_string(), "attempt");
  EXPECT_EQ(lineage[1].Get("attempt").as_number().ToInt64().value_or(-1), 1);
  EXPECT_EQ(lineage[1].Get("duration_us").as_number().ToInt64().value_or(-1), 2500);
  EXPECT_EQ(lineage[2].Get("attempt").as_number().ToInt64().value_or(-1), 2);
  EXPECT_EQ((*traces)[0].Get("deliveries")[0].Get("state").as_string(), "dead");
}

TEST_F(DlqTraceCommandTest, TraceByBusinessKeyShowsEachMessageOfTheKey) {
  Accept("5849301229845", R"({"v": 1})");
  Accept("5849301229845", R"({"v": 2})");
  Accept("other", R"({"v": 3})");
  ASSERT_EQ(Run("trace 5849301229845 --payload --store " + StoreUrl()), 0) << err_;
  EXPECT_EQ(out_.find("key other"), std::string::npos) << out_;
  size_t first = out_.find("\"v\": 1");
  size_t second = out_.find("\"v\": 2");
  ASSERT_NE(first, std::string::npos) << out_;
  ASSERT_NE(second, std::string::npos) << out_;
  EXPECT_LT(first, second);
  EXPECT_EQ(Run("trace 5849301229845 --flow other-flow --store " + StoreUrl()), 1);
  EXPECT_EQ(Run("trace nothing-like-this --store " + StoreUrl()), 1);
  EXPECT_NE(err_.find("no message has this id or business key"), std::string::npos) << err_;
}

TEST_F(DlqTraceCommandTest, StoreComesFromTheConfigWithoutItsSecrets) {
  AcceptAndDeadLetter("1001");
  std::ofstream(dir_ / "erphub.yaml") << "listen: 127.0.0.1:8080\n"
                                         "store:\n"
                                         "  url: ${HUB_STORE:-sqlite:./missing.db}\n"
                                         "flows:\n"
                                         "  f:\n"
                                         "    from: {webhook: {path: /x, signature: {preset: "
                                         "shopify, secret: \"${UNSET_SECRET}\"}}}\n";
  ASSERT_EQ(Run("dlq list --config erphub.yaml", "-u UNSET_SECRET HUB_STORE=" + StoreUrl()), 0)
      << err_;
  EXPECT_NE(out_.find("1 dead letter"), std::string::npos) << out_;
  // The default store does not exist: nothing is created.
  EXPECT_EQ(Run("dlq list --config erphub.yaml", "-u HUB_STORE"), 1);
  EXPECT_NE(err_.find("there is no store at missing.db"), std::string::npos) << err_;
  EXPECT_FALSE(fs::exists(dir_ / "missing.db"));
  EXPECT_EQ(Run("dlq list --config erphub.yaml --store " + StoreUrl()), 2);
  EXPECT_EQ(Run("dlq list --config nowhere.yaml"), 1);
  // Relative to the config's folder, not to the current one.
  store_.reset();  // closing checkpoints the journal into hub.db
  fs::create_directories(dir_ / "hub");
  fs::rename(dir_ / "erphub.yaml", dir_ / "hub" / "erphub.yaml");
  fs::rename(dir_ / "hub.db", dir_ / "hub" / "relative.db");
  EXPECT_EQ(Run("dlq list --config hub/erphub.yaml", "HUB_STORE=sqlite:relative.db"), 0) << err_;
  EXPECT_NE(out_.find("1 dead letter"), std::string::npos) << out_;
}

}  // namespace
}  // namespace erphub::store
