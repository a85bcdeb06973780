#include "ops/metrics.h"

#include <algorithm>

#include "core/result.h"
#include "ops/prometheus_text.h"

namespace erphub::ops {

Histogram::Histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)), counts_(new std::atomic<uint64_t>[bounds_.size() + 1]) {
  ERPHUB_CHECK(std::is_sorted(bounds_.begin(), bounds_.end()));
  for (size_t i = 0; i <= bounds_.size(); ++i) {
    counts_[i].store(0, std::memory_order_relaxed);
  }
}

void Histogram::Observe(double value) {
  // Buckets are inclusive upper bounds: the first bound >= value.
  size_t bucket = std::lower_bound(bounds_.begin(), bounds_.end(), value) - bounds_.begin();
  counts_[bucket].fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(value, std::memory_order_relaxed);
}

Histogram::Snapshot Histogram::Read() const {
  Snapshot snapshot;
  snapshot.bounds = bounds_;
  snapshot.cumulative.resize(bounds_.size() + 1);
  uint64_t running = 0;
  for (size_t i = 0; i <= bounds_.size(); ++i) {
    running += counts_[i].load(std::memory_order_relaxed);
    snapshot.cumulative[i] = running;
  }
  snapshot.count = running;
  snapshot.sum = sum_.load(std::memory_order_relaxed);
  return snapshot;
}

std::vector<double> LatencyBuckets() {
  return {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1,
          2.5,   5,      10,    30,   60,    300,  900, 1800, 3600};
}

bool IsValidMetricName(std::string_view name) {
  if (name.empty()) {
    return false;
  }
  for (size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
    const bool digit = c >= '0' && c <= '9';
    if (!letter && !(digit && i > 0)) {
      return false;
    }
  }
  return true;
}

bool IsValidLabelName(std::string_view name) {
  return IsValidMetricName(name) && name.find(':') == std::string_view::npos;
}

MetricsRegistry::Entry* MetricsRegistry::FindOrAdd(std::string_view name, std::string_view help,
                                                   MetricType type,
                                                   const std::vector<double>* bounds) {
  if (!IsValidMetricName(name)) {
    return nullptr;
  }
  std::lock_guard<std::mutex> lock(mu_);
  auto it = families_.find(name);
  if (it != families_.end()) {
    return it->second.type == type ? &it->second : nullptr;
  }
  Entry entry{type, nullptr, nullptr, nullptr};
  std::string n(name);
  std::string h(help);
  switch (type) {
    case MetricType::kCounter:
      entry.counters =
          std::make_unique<CounterFamily>(n, h, [] { return std::make_unique<Counter>(); });
      break;
    case MetricType::kGauge:
      entry.gauges = std::make_unique<GaugeFamily>(n, h, [] { return std::make_unique<Gauge>(); });
      break;
    case MetricType::kHistogram:
      entry.histograms = std::make_unique<HistogramFamily>(
          n, h, [b = *bounds] { return std::make_unique<Histogram>(b); });
      break;
  }
  return &families_.emplace(std::move(n), std::move(entry)).first->second;
}

CounterFamily& MetricsRegistry::Counters(std::string_view name, std::string_view help) {
  Entry* entry = FindOrAdd(name, help, MetricType::kCounter, nullptr);
  ERPHUB_CHECK(entry != nullptr);
  return *entry->counters;
}

CounterFamily* MetricsRegistry::TryCounters(std::string_view name, std::string_view help) {
  Entry* entry = FindOrAdd(name, help, MetricType::kCounter, nullptr);
  return entry == nullptr ? nullptr : entry->counters.get();
}

GaugeFamily* MetricsRegistry::TryGauges(std::string_view name, std::string_view help) {
  Entry* entry = FindOrAdd(name, help, MetricType::kGauge, nullptr);
  return entry == nullptr ? nullptr : entry->gauges.get();
}

GaugeFamily& MetricsRegistry::Gauges(std::string_view name, std::string_view help) {
  Entry* entry = FindOrAdd(name, help, MetricType::kGauge, nullptr);
  ERPHUB_CHECK(entry != nullptr);
  return *entry->gauges;
}

HistogramFamily& MetricsRegistry::Histograms(std::string_view name, std::string_view help,
                                             std::vector<double> bounds) {
  Entry* entry = FindOrAdd(name, help, MetricType::kHistogram, &bounds);
  ERPHUB_CHECK(entry != nullptr);
  return *entry->histograms;
}

void MetricsRegistry::AddCollector(std::function<void()> collect) {
  std::lock_guard<std::mutex> lock(mu_);
  collectors_.push_back(std::move(collect));
}

std::string MetricsRegistry::RenderPrometheus() const {
  std::vector<std::function<void()>> collectors;
  {
    std::lock_guard<std::mutex> lock(mu_);
    collectors = collectors_;
  }
  // Outside the lock: collectors set gauges, which may create families.
  for (const auto& collect : collectors) {
    collect();
  }
  std::string out;
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& [name, entry] : families_) {
    switch (entry.type) {
      case MetricType::kCounter:
        AppendFamilyHeader(out, name, entry.counters->help(), "counter");
        entry.counters->ForEach([&](const Labels& labels, const Counter& counter) {
          AppendSample(out, name, labels, counter.value());
        });
        break;
      case MetricType::kGauge:
        AppendFamilyHeader(out, name, entry.gauges->help(), "gauge");
        entry.gauges->ForEach([&](const Labels& labels, const Gauge& gauge) {
          AppendSample(out, name, labels, gauge.value());
        });
        break;
      case MetricType::kHistogram:
        AppendFamilyHeader(out, name, entry.histograms->help(), "histogram");
        entry.histograms->ForEach([&](const Labels& labels, const Histogram& histogram) {
          AppendHistogram(out, name, labels, histogram.Read());
        });
        break;
    }
  }
  return out;
}

}  // namespace erphub::ops
