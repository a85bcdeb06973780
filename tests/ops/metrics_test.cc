#include "ops/metrics.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "ops/prometheus_text.h"

namespace erphub::ops {
namespace {

TEST(MetricsTest, RendersCountersAndGaugesInPrometheusText) {
  MetricsRegistry registry;
  CounterFamily& accepted = registry.Counters("erphub_accepted_total", "Messages accepted.");
  accepted.With({{"flow", "orders"}}).Inc();
  accepted.With({{"flow", "orders"}}).Inc(2);
  accepted.With({{"flow", "invoices"}}).Inc();
  registry.Gauges("erphub_backlog", "Unfinished deliveries.")
      .With({{"flow", "orders"}, {"state", "ready"}})
      .Set(7);
  EXPECT_EQ(registry.RenderPrometheus(),
            "# HELP erphub_accepted_total Messages accepted.\n"
            "# TYPE erphub_accepted_total counter\n"
            "erphub_accepted_total{flow=\"invoices\"} 1\n"
            "erphub_accepted_total{flow=\"orders\"} 3\n"
            "# HELP erphub_backlog Unfinished deliveries.\n"
            "# TYPE erphub_backlog gauge\n"
            "erphub_backlog{flow=\"orders\",state=\"ready\"} 7\n");
}

TEST(MetricsTest, CountersOnlyGoUp) {
  MetricsRegistry registry;
  Counter& c = registry.Counters("c_total", "").Get();
  c.Inc(2);
  c.Inc(-5);
  EXPECT_EQ(c.value(), 2);
  EXPECT_EQ(registry.RenderPrometheus(), "# TYPE c_total counter\nc_total 2\n");
}

TEST(MetricsTest, HistogramBucketsAreCumulativeWithSumAndCount) {
  MetricsRegistry registry;
  Histogram& h =
      registry.Histograms("latency_seconds", "Latency.", {0.01, 0.1, 1}).With({{"flow", "f"}});
  h.Observe(0.005);
  h.Observe(0.01);  // bounds are inclusive
  h.Observe(0.5);
  h.Observe(7);
  EXPECT_EQ(registry.RenderPrometheus(),
            "# HELP latency_seconds Latency.\n"
            "# TYPE latency_seconds histogram\n"
            "latency_seconds_bucket{flow=\"f\",le=\"0.01\"} 2\n"
            "latency_seconds_bucket{flow=\"f\",le=\"0.1\"} 2\n"
            "latency_seconds_bucket{flow=\"f\",le=\"1\"} 3\n"
            "latency_seconds_bucket{flow=\"f\",le=\"+Inf\"} 4\n"
            "latency_seconds_sum{flow=\"f\"} 7.515\n"
            "latency_seconds_count{flow=\"f\"} 4\n");
}

TEST(MetricsTest, EscapesLabelValuesAndHelp) {
  MetricsRegistry registry;
  registry.Counters("x_total", "line one\nback\\slash").With({{"path", "a\"b\\c\nd"}}).Inc();
  EXPECT_EQ(registry.RenderPrometheus(),
            "# HELP x_total line one\\nback\\\\slash\n"
            "# TYPE x_total counter\n"
            "x_total{path=\"a\\\"b\\\\c\\nd\"} 1\n");
}

TEST(MetricsTest, SampleValues) {
  EXPECT_EQ(FormatSampleValue(0), "0");
  EXPECT_EQ(FormatSampleValue(42), "42");
  EXPECT_EQ(FormatSampleValue(-3), "-3");
  EXPECT_EQ(FormatSampleValue(0.25), "0.25");
  EXPECT_EQ(FormatSampleValue(0.1 + 0.2), "0.30000000000000004");
  EXPECT_EQ(FormatSampleValue(1.0 / 0.0), "+Inf");
  EXPECT_EQ(FormatSampleValue(-1.0 / 0.0), "-Inf");
  EXPECT_EQ(FormatSampleValue(0.0 / 0.0), "NaN");
}

TEST(MetricsTest, NamesAreChecked) {
  EXPECT_TRUE(IsValidMetricName("erphub_accepted_total"));
  EXPECT_TRUE(IsValidMetricName("ns:sub_total"));
  EXPECT_FALSE(IsValidMetricName("9lives"));
  EXPECT_FALSE(IsValidMetricName("has-dash"));
  EXPECT_FALSE(IsValidMetricName(""));
  EXPECT_TRUE(IsValidLabelName("flow"));
  EXPECT_FALSE(IsValidLabelName("a:b"));

  MetricsRegistry registry;
  registry.Gauges("taken", "");
  EXPECT_EQ(registry.TryCounters("taken", ""), nullptr);
  EXPECT_EQ(registry.TryCounters("bad name", ""), nullptr);
  EXPECT_NE(registry.TryCounters("fine_total", ""), nullptr);
  EXPECT_EQ(registry.TryCounters("fine_total", ""), registry.TryCounters("fine_total", ""));
  EXPECT_EQ(registry.TryGauges("fine_total", ""), nullptr);
  EXPECT_EQ(registry.TryGauges("bad name", ""), nullptr);
  EXPECT_EQ(registry.TryGauges("taken", ""), &registry.Gauges("taken", ""));
}

TEST(MetricsTest, CollectorsRunBeforeRendering) {
  MetricsRegistry registry;
  int runs = 0;
  registry.AddCollector([&] { registry.Gauges("g", "").Get().Set(++runs); });
  EXPECT_EQ(registry.RenderPrometheus(), "# TYPE g gauge\ng 1\n");
  EXPECT_EQ(registry.RenderPrometheus(), "# TYPE g gauge\ng 2\n");
}

TEST(MetricsTest, ConcurrentIncrementsAreAllCounted) {
  MetricsRegistry registry;
  CounterFamily& family = registry.Counters("n_total", "");
  Histogram& h = registry.Histograms("h", "", {1}).Get();
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      Counter& mine = family.With({{"t", std::to_string(t % 2)}});
      for (int i = 0; i < 20000; ++i) {
        mine.Inc();
        h.Observe(0.5);
        if (i % 1000 == 0) {
          registry.RenderPrometheus();
        }
      }
    });
  }
  for (std::thread& t : threads) {
    t.join();
  }
  EXPECT_EQ(family.With({{"t", "0"}}).value() + family.With({{"t", "1"}}).value(), 80000);
  EXPECT_EQ(h.Read().count, 80000u);
  EXPECT_EQ(h.Read().sum, 40000);
}

}  // namespace
}  // namespace erphub::ops
