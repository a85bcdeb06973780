// JSONata compile and evaluation speed on the order mapping and on a simple path, one thread.
// bench/jsonata/run.sh runs this beside the reference implementation and prints the ratios.

#include <benchmark/benchmark.h>

#include <fstream>
#include <sstream>
#include <string>

#include "core/json.h"
#include "mapping/jsonata.h"

namespace erphub::jsonata {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

const std::string kBench = std::string(ERPHUB_SOURCE_DIR) + "/tests/data/bench/";
const std::string kDataset5 =
    std::string(ERPHUB_SOURCE_DIR) + "/tests/data/jsonata-test-suite/datasets/dataset5.json";
constexpr const char* kSimplePath = "Account.Order.Product.Price";

void BM_CompileOrderMapping(benchmark::State& state) {
  std::string text = ReadFile(kBench + "order-to-erp.jsonata");
  for (auto _ : state) {
    auto expression = Expression::Compile(text);
    benchmark::DoNotOptimize(expression);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_CompileOrderMapping);

void BM_EvaluateOrderMapping(benchmark::State& state) {
  auto expression = Expression::Compile(ReadFile(kBench + "order-to-erp.jsonata"));
  auto order = ParseJson(ReadFile(kBench + "order.json"));
  if (!expression.ok() || !order.ok()) {
    state.SkipWithError("cannot load the order mapping");
    return;
  }
  for (auto _ : state) {
    auto result = expression->Evaluate(*order);
    benchmark::DoNotOptimize(result);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_EvaluateOrderMapping);

void BM_CompileSimplePath(benchmark::State& state) {
  for (auto _ : state) {
    auto expression = Expression::Compile(kSimplePath);
    benchmark::DoNotOptimize(expression);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_CompileSimplePath);

void BM_EvaluateSimplePath(benchmark::State& state) {
  auto expression = Expression::Compile(kSimplePath);
  auto input = ParseJson(ReadFile(kDataset5));
  if (!expression.ok() || !input.ok()) {
    state.SkipWithError("cannot load dataset5");
    return;
  }
  for (auto _ : state) {
    auto result = expression->Evaluate(*input);
    benchmark::DoNotOptimize(result);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_EvaluateSimplePath);

}  // namespace
}  // namespace erphub::jsonata

BENCHMARK_MAIN();
