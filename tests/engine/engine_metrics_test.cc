#include "engine/engine_metrics.h"

#include <gtest/gtest.h>

#include <string>

namespace erphub::engine {
namespace {

TEST(ComponentMetricsTest, CountersAndGaugesCarryTheComponentsLabels) {
  ops::MetricsRegistry registry;
  ComponentMetrics metrics(registry, {{"flow", "stock"}});
  metrics.Count("erphub_cdc_stream_changes_total", 3);
  metrics.CountLabeled("erphub_rejected_total", 1, {{"reason", "signature"}});
  metrics.Set("erphub_cdc_lag_bytes", 4096);
  metrics.Set("erphub_cdc_lag_bytes", 512);  // a gauge: the last value counts
  // A name taken by another type, or not a metric name, is left out rather than failing.
  metrics.Set("erphub_cdc_stream_changes_total", 1);
  metrics.Set("not a name", 1);
  const std::string text = registry.RenderPrometheus();
  EXPECT_NE(text.find("erphub_cdc_stream_changes_total{flow=\"stock\"} 3\n"), std::string::npos)
      << text;
  EXPECT_NE(text.find("erphub_rejected_total{flow=\"stock\",reason=\"signature\"} 1\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("# TYPE erphub_cdc_lag_bytes gauge\n"), std::string::npos) << text;
  EXPECT_NE(text.find("erphub_cdc_lag_bytes{flow=\"stock\"} 512\n"), std::string::npos) << text;
  EXPECT_EQ(text.find("not a name"), std::string::npos) << text;
}

}  // namespace
}  // namespace erphub::engine
