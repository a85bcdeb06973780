#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace erphub::ops {

// Label names and values of one series, in the order the family's users give them.
using Labels = std::vector<std::pair<std::string, std::string>>;

// A value that only goes up. Increments are one atomic add.
class Counter {
 public:
  void Inc(double delta = 1) {
    if (delta > 0) {
      value_.fetch_add(delta, std::memory_order_relaxed);
    }
  }
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

// A value that goes up and down.
class Gauge {
 public:
  void Set(double value) { value_.store(value, std::memory_order_relaxed); }
  void Add(double delta) { value_.fetch_add(delta, std::memory_order_relaxed); }
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

// Observations counted into buckets with fixed upper bounds (inclusive, ascending); an implicit
// last bucket (+Inf) takes the rest. Observe is a few atomic operations.
class Histogram {
 public:
  explicit Histogram(std::vector<double> bounds);

  void Observe(double value);

  struct Snapshot {
    std::vector<double> bounds;
    // Cumulative counts: buckets[i] counts observations <= bounds[i]; one more entry for +Inf.
    std::vector<uint64_t> cumulative;
    double sum = 0;
    uint64_t count = 0;
  };
  // Concurrent observations may be partly included.
  Snapshot Read() const;

 private:
  const std::vector<double> bounds_;
  std::unique_ptr<std::atomic<uint64_t>[]> counts_;  // bounds_.size() + 1
  std::atomic<double> sum_{0};
};

// Upper bounds in seconds for delivery latencies: 1 ms up to an hour (retries can take that long).
std::vector<double> LatencyBuckets();

enum class MetricType { kCounter, kGauge, kHistogram };

// All series of one metric name. Series live as long as the registry; the reference a With call
// returns stays valid, so hot paths look a series up once and keep it.
template <typename Series>
class Family {
 public:
  Family(std::string name, std::string help, std::function<std::unique_ptr<Series>()> make)
      : name_(std::move(name)), help_(std::move(help)), make_(std::move(make)) {}

  // The series with these labels, created on first use. Thread-safe.
  Series& With(const Labels& labels) {
    std::lock_guard<std::mutex> lock(mu_);
    std::unique_ptr<Series>& series = series_[labels];
    if (!series) {
      series = make_();
    }
    return *series;
  }
  // The series without labels.
  Series& Get() { return With({}); }

  const std::string& name() const { return name_; }
  const std::string& help() const { return help_; }

  // Calls fn(labels, series) for every series, sorted by labels.
  void ForEach(const std::function<void(const Labels&, const Series&)>& fn) const {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& [labels, series] : series_) {
      fn(labels, *series);
    }
  }

 private:
  const std::string name_;
  const std::string help_;
  const std::function<std::unique_ptr<Series>()> make_;
  mutable std::mutex mu_;
  std::map<Labels, std::unique_ptr<Series>> series_;
};

using CounterFamily = Family<Counter>;
using GaugeFamily = Family<Gauge>;
using HistogramFamily = Family<Histogram>;

// The process's metrics, rendered in the Prometheus text format. Names follow Prometheus rules
// ([a-zA-Z_:][a-zA-Z0-9_:]*); label names [a-zA-Z_][a-zA-Z0-9_]*. Thread-safe.
class MetricsRegistry {
 public:
  MetricsRegistry() = default;
  MetricsRegistry(const MetricsRegistry&) = delete;
  MetricsRegistry& operator=(const MetricsRegistry&) = delete;

  // The family of this name, created on first use (the help of the first call counts). A name
  // already used by another type, or not a valid metric name, is a bug (checked).
  CounterFamily& Counters(std::string_view name, std::string_view help);
  GaugeFamily& Gauges(std::string_view name, std::string_view help);
  // `bounds` ascending; only the first call's bounds count.
  HistogramFamily& Histograms(std::string_view name, std::string_view help,
                              std::vector<double> bounds);

  // For names that come from outside erphub's own code (components): nullptr instead of a
  // failed check when the name is invalid or taken by another type.
  CounterFamily* TryCounters(std::string_view name, std::string_view help);
  GaugeFamily* TryGauges(std::string_view name, std::string_view help);

  // Runs before each rendering, e.g. to set gauges from a fresh snapshot.
  void AddCollector(std::function<void()> collect);

  // Every family in the Prometheus text exposition format (version 0.0.4), families sorted by
  // name, series by labels.
  std::string RenderPrometheus() const;

 private:
  struct Entry {
    MetricType type;
    std::unique_ptr<CounterFamily> counters;
    std::unique_ptr<GaugeFamily> gauges;
    std::unique_ptr<HistogramFamily> histograms;
  };

  Entry* FindOrAdd(std::string_view name, std::string_view help, MetricType type,
                   const std::vector<double>* bounds);

  mutable std::mutex mu_;
  std::map<std::string, Entry, std::less<>> families_;
  std::vector<std::function<void()>> collectors_;
};

// True for a valid metric name / label name.
bool IsValidMetricName(std::string_view name);
bool IsValidLabelName(std::string_view name);

}  // namespace erphub::ops
