#pragma once

#include <string>
#include <string_view>

#include "ops/metrics.h"

namespace erphub::ops {

// Pieces of the Prometheus text exposition format (version 0.0.4).

inline constexpr std::string_view kPrometheusContentType =
    "text/plain; version=0.0.4; charset=utf-8";

// "# HELP name help\n# TYPE name type\n" (help with '\' and newlines escaped).
void AppendFamilyHeader(std::string& out, std::string_view name, std::string_view help,
                        std::string_view type);

// `name{l1="v1",l2="v2"} value\n`; label values with '\', '"' and newlines escaped.
void AppendSample(std::string& out, std::string_view name, const Labels& labels, double value);

// The _bucket series (cumulative, le="..." added after the labels, ending with le="+Inf"), then
// _sum and _count.
void AppendHistogram(std::string& out, std::string_view name, const Labels& labels,
                     const Histogram::Snapshot& snapshot);

// A sample value: integers without a fraction, "+Inf", "-Inf", "NaN", otherwise the shortest text
// that reads back as the same double.
std::string FormatSampleValue(double value);

}  // namespace erphub::ops
