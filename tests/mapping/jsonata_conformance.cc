// Runs the official JSONata test suite (tests/data/jsonata-test-suite, format in its README.md)
// and prints passed/total per group and overall. Exits 1 when fewer cases pass than the committed
// baseline, so a regression fails the build; raise the baseline as conformance improves.
//
//   jsonata_conformance [--suite DIR] [--baseline FILE] [--group NAME] [--verbose]

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "core/json.h"
#include "mapping/jsonata.h"
#include "mapping/suite_equal.h"

namespace fs = std::filesystem;
using erphub::Value;
using erphub::ValueKind;
namespace jsonata = erphub::jsonata;
using erphub::jsonata::SuiteEqual;

namespace {

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

struct Outcome {
  bool passed = false;
  std::string detail;
};

struct Suite {
  fs::path root;
  std::map<std::string, Value> datasets;

  const Value* Dataset(const std::string& name) {
    auto it = datasets.find(name);
    if (it == datasets.end()) {
      auto parsed = erphub::ParseJson(ReadFile(root / "datasets" / (name + ".json")));
      if (!parsed.ok()) {
        return nullptr;
      }
      it = datasets.emplace(name, std::move(parsed).value()).first;
    }
    return &it->second;
  }
};

std::string Describe(const jsonata::Error& error) {
  return error.ToString() + " (position " + std::to_string(error.position()) + ")";
}

Outcome RunCase(Suite& suite, const fs::path& group_dir, const Value& c) {
  std::string text;
  if (const Value& file = c.Get("expr-file"); file.is_string()) {
    text = ReadFile(group_dir / std::string(file.as_string()));
  } else {
    text = std::string(c.Get("expr").as_string());
  }
  const Value& code = c.Get("code");
  auto compiled = jsonata::Expression::Compile(text);
  if (!compiled.ok()) {
    const jsonata::Error& error = compiled.error();
    if (code.is_string() && error.code() == code.as_string() &&
        (!c.Get("token").is_string() || error.info().token == c.Get("token").as_string())) {
      return {true, ""};
    }
    if (c.Get("error").is_object() && error.code() == c.Get("error").Get("code").as_string()) {
      return {false, "compile-time error cannot satisfy an `error` case"};
    }
    return {false, "compile error " + Describe(error)};
  }

  Value input;
  const erphub::Object& fields = c.as_object();
  if (const Value* data = fields.Find("data")) {
    input = *data;
  } else if (c.Get("dataset").is_string()) {
    const Value* dataset = suite.Dataset(std::string(c.Get("dataset").as_string()));
    if (dataset == nullptr) {
      return {false, "unknown dataset"};
    }
    input = *dataset;
  }

  jsonata::EvalOptions options;
  options.time_limit = std::chrono::milliseconds(10000);
  if (c.Get("timelimit").is_number() && c.Get("depth").is_number()) {
    options.time_limit = std::chrono::milliseconds(*c.Get("timelimit").as_number().ToInt64());
    options.max_depth = static_cast<int>(*c.Get("depth").as_number().ToInt64());
  }
  if (c.Get("bindings").is_object()) {
    options.bindings = &c.Get("bindings").as_object();
  }
  auto result = compiled->Evaluate(input, options);

  if (fields.Contains("undefinedResult")) {
    if (!result.ok()) {
      return {false, "error " + Describe(result.error())};
    }
    return {result->is_undefined(), "expected undefined, got " + erphub::ToJson(*result)};
  }
  if (const Value* expected = fields.Find("result")) {
    if (!result.ok()) {
      return {false, "error " + Describe(result.error())};
    }
    return {SuiteEqual(*result, *expected),
            "expected " + erphub::ToJson(*expected) + ", got " +
                (result->is_undefined() ? "undefined" : erphub::ToJson(*result))};
  }
  if (const Value* expected = fields.Find("error")) {
    if (result.ok()) {
      return {false, "expected error, got " + erphub::ToJson(*result)};
    }
    const jsonata::Error::Info& info = result.error().info();
    for (const auto& [key, want] : expected->as_object()) {
      Value got;
      if (key == "code") {
        got = Value::Str(info.code);
      } else if (key == "message") {
        got = Value::Str(info.message);
      } else if (key == "value") {
        got = info.value;
      } else if (key == "functionName") {
        got = Value::Str(info.function_name);
      } else if (key == "token") {
        got = Value::Str(info.token);
      }
      if (!SuiteEqual(got, want)) {
        return {false, "error " + key + ": expected " + erphub::ToJson(want) + ", got " +
                           erphub::ToJson(got) + " (" + Describe(result.error()) + ")"};
      }
    }
    return {true, ""};
  }
  if (code.is_string()) {
    if (result.ok()) {
      return {false, "expected " + std::string(code.as_string()) + ", got " +
                         (result->is_undefined() ? "undefined" : erphub::ToJson(*result))};
    }
    return {result.error().code() == code.as_string(),
            "expected " + std::string(code.as_string()) + ", got " + Describe(result.error())};
  }
  return {false, "malformed case"};
}

}  // namespace

int main(int argc, char** argv) {
  fs::path suite_dir = fs::path(ERPHUB_SOURCE_DIR) / "tests/data/jsonata-test-suite";
  fs::path baseline_file =
      fs::path(ERPHUB_SOURCE_DIR) / "tests/mapping/jsonata_conformance_baseline";
  fs::path exact_file = fs::path(ERPHUB_SOURCE_DIR) / "tests/mapping/jsonata_exact_decimal_cases";
  std::string only_group;
  bool verbose = false;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--suite" && i + 1 < argc) {
      suite_dir = argv[++i];
    } else if (arg == "--baseline" && i + 1 < argc) {
      baseline_file = argv[++i];
    } else if (arg == "--group" && i + 1 < argc) {
      only_group = argv[++i];
    } else if (arg == "--verbose" || arg == "-v") {
      verbose = true;
    } else {
      std::fprintf(stderr,
                   "usage: jsonata_conformance [--suite DIR] [--baseline FILE] [--group NAME] "
                   "[--verbose]\n");
      return 2;
    }
  }
  if (!fs::is_directory(suite_dir / "groups")) {
    std::fprintf(stderr, "%s: no groups/ folder: not a JSONata test suite\n", suite_dir.c_str());
    return 2;
  }

  // Cases that expect a binary floating-point artefact: failing them is by design.
  std::set<std::string> exact_cases;
  {
    std::ifstream in(exact_file);
    std::string line;
    while (std::getline(in, line)) {
      if (!line.empty() && line[0] != '#') {
        exact_cases.insert(line);
      }
    }
  }
  int exact_differences = 0;

  Suite suite{suite_dir, {}};
  std::vector<fs::path> groups;
  for (const auto& entry : fs::directory_iterator(suite_dir / "groups")) {
    if (entry.is_directory()) {
      groups.push_back(entry.path());
    }
  }
  std::sort(groups.begin(), groups.end());

  int total = 0;
  int passed = 0;
  std::vector<std::string> slow;
  for (const fs::path& group_dir : groups) {
    std::string group = group_dir.filename().string();
    if (!only_group.empty() && group != only_group) {
      continue;
    }
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(group_dir)) {
      if (entry.path().extension() == ".json") {
        files.push_back(entry.path());
      }
    }
    std::sort(files.begin(), files.end());
    int group_total = 0;
    int group_passed = 0;
    for (const fs::path& file : files) {
      auto parsed = erphub::ParseJson(ReadFile(file));
      std::string file_name = group + "/" + file.filename().string();
      if (!parsed.ok()) {
        std::printf("  FAIL %s: unreadable case file: %s\n", file_name.c_str(),
                    parsed.status().ToString().c_str());
        ++group_total;
        continue;
      }
      std::vector<Value> cases;
      if (parsed->is_array()) {
        cases = parsed->as_array();
      } else {
        cases.push_back(*parsed);
      }
      for (size_t i = 0; i < cases.size(); ++i) {
        std::string name = file_name;
        if (parsed->is_array()) {
          name += "[" + std::to_string(i) + "]";
        }
        auto start = std::chrono::steady_clock::now();
        Outcome outcome = RunCase(suite, group_dir, cases[i]);
        auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
            std::chrono::steady_clock::now() - start);
        if (elapsed.count() > 2000) {
          slow.push_back(name + " (" + std::to_string(elapsed.count()) + " ms)");
        }
        ++group_total;
        if (outcome.passed) {
          ++group_passed;
        } else if (exact_cases.count(name) != 0) {
          ++exact_differences;
        } else if (verbose) {
          std::printf("  FAIL %s: %s\n", name.c_str(), outcome.detail.c_str());
        }
      }
    }
    std::printf("%-36s %4d/%-4d\n", group.c_str(), group_passed, group_total);
    total += group_total;
    passed += group_passed;
  }
  for (const std::string& name : slow) {
    std::printf("slow (over 2 s): %s\n", name.c_str());
  }
  std::printf("overall %d/%d (%d more differ by design: exact decimals, see %s)\n", passed, total,
              exact_differences, exact_file.filename().c_str());

  if (only_group.empty()) {
    int baseline = 0;
    std::ifstream(baseline_file) >> baseline;
    if (passed < baseline) {
      std::printf("FAILED: %d cases pass, below the baseline of %d in %s\n", passed, baseline,
                  baseline_file.c_str());
      return 1;
    }
    if (passed > baseline) {
      std::printf("%d cases pass, above the baseline of %d: raise it in %s\n", passed, baseline,
                  baseline_file.c_str());
    }
  }
  return 0;
}
