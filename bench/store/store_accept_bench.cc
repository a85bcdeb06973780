// The SQLite store's acceptance cost, in process: batches of change-data-capture-sized messages
// (one output each, every message a key of its own) accepted into a fresh store with fsync full,
// as a postgres_cdc snapshot feeds it. Every benchmark accepts the same 200,000 messages, so its
// rate covers the store growing from empty, and runs compare on equal terms.
//   store_accept_bench [--benchmark_filter=REGEX]
// Items per second is messages accepted per second of the store's single writer.

#include <benchmark/benchmark.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/json.h"
#include "core/message.h"
#include "core/random.h"
#include "store/sqlite/sqlite_store.h"

namespace {

using namespace erphub;

constexpr int kMessages = 200'000;

// A row change as postgres_cdc emits it: table, operation, key and the row's eight columns.
Value RowChange(int64_t id) {
  Result<Value> change = ParseJson(R"({"table": "public.order_lines", "op": "insert",
      "lsn": "0/16B3748", "key": {"id": 0}, "after": {"id": 0, "order_no": "SO-2026-004211",
      "sku": "CHAIR-OAK-01", "customer_id": 48213, "quantity": 3, "price": "149.90",
      "note": "deliver to the side entrance", "updated_at": "2026-11-27T09:14:03.120Z"}})");
  change->mutable_object().FindMutable("key")->Set("id", Value::Int(id));
  change->mutable_object().FindMutable("after")->Set("id", Value::Int(id));
  return *change;
}

void BM_AcceptBatches(benchmark::State& state) {
  const int batch = static_cast<int>(state.range(0));
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("erphub-store-bench-" + std::to_string(getpid()));
  std::filesystem::remove_all(dir);
  std::unique_ptr<store::Store> store = store::OpenSqliteStore((dir / "hub.db").string()).value();
  MessageIdGenerator ids(SystemClock::Default(), SystemRandom::Default());
  int64_t next = 0;
  for (auto _ : state) {
    state.PauseTiming();
    std::vector<store::Acceptance> acceptances(static_cast<size_t>(batch));
    for (store::Acceptance& a : acceptances) {
      ++next;
      a.message.id = ids.Next();
      a.message.flow = "orders";
      a.message.business_key = "public.order_lines:" + std::to_string(next);
      a.message.payload = RowChange(next);
      a.message.received_at = SystemClock::Default().Now();
      a.outputs = {"erp"};
      a.source = "postgres_cdc snapshot";
    }
    state.ResumeTiming();
    Result<std::vector<store::Accepted>> accepted = store->Accept(acceptances);
    if (!accepted.ok()) {
      state.SkipWithError(accepted.status().ToString().c_str());
      break;
    }
  }
  state.SetItemsProcessed(next);
  store.reset();
  std::filesystem::remove_all(dir);
}
BENCHMARK(BM_AcceptBatches)
    ->Arg(500)
    ->Iterations(kMessages / 500)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK(BM_AcceptBatches)
    ->Arg(5000)
    ->Iterations(kMessages / 5000)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
