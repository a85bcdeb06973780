#include "formats/x12/set_definition.h"

#include <array>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "core/json.h"
#include "formats/data_files.h"

namespace erphub::formats::x12 {
namespace {

// The sets that ship with a definition (src/formats/data/x12/<id>.json).
constexpr std::array<std::string_view, 7> kDefinedSets = {"850", "855", "856", "810",
                                                          "940", "945", "997"};

uint32_t ReadCount(const Value& value) {
  if (!value.is_number()) {
    return 0;
  }
  double n = value.as_number().ToDouble();
  return n >= 1 && n < 4e9 ? static_cast<uint32_t>(n) : 0;
}

Result<ElementRule> ReadElementRule(const Value& json, const std::string& where) {
  ElementRule rule;
  if (!json.is_object() || !json.Get("position").is_number()) {
    return ParseError("an element rule needs a numeric \"position\"", where);
  }
  rule.position = ReadCount(json.Get("position"));
  if (rule.position == 0) {
    return ParseError("element position must be at least 1", where);
  }
  rule.required = json.Get("required").is_bool() && json.Get("required").as_bool();
  rule.min_length = ReadCount(json.Get("min"));
  rule.max_length = ReadCount(json.Get("max"));
  if (json.Get("type").is_string()) {
    rule.type = std::string(json.Get("type").as_string());
  }
  const std::string& t = rule.type;
  if (t.size() == 2 && t[0] == 'N' && t[1] >= '0' && t[1] <= '9') {
    rule.kind = ElementKind::kNumeric;
  } else if (t == "R") {
    rule.kind = ElementKind::kDecimal;
  } else if (t == "DT") {
    rule.kind = ElementKind::kDate;
  } else if (t == "TM") {
    rule.kind = ElementKind::kTime;
  } else if (t != "AN" && t != "ID") {
    return ParseError("unknown element type \"" + t + "\"", where);
  }
  return rule;
}

Status ReadEntries(const Value& list, const std::string& where, SetDefinition& set,
                   LoopDefinition& loop);

Result<SegmentEntry> ReadEntry(const Value& json, const std::string& where, SetDefinition& set) {
  SegmentEntry entry;
  if (json.is_string()) {
    entry.tag = PackTag(json.as_string());
    return entry;
  }
  if (!json.is_object()) {
    return ParseError("a segment entry is a tag or an object", where);
  }
  entry.max_use = ReadCount(json.Get("max"));
  entry.required = json.Get("required").is_bool() && json.Get("required").as_bool();
  if (json.Get("loop").is_string()) {
    auto loop = std::make_unique<LoopDefinition>();
    loop->id = std::string(json.Get("loop").as_string());
    loop->hierarchical = json.Get("hierarchical").is_bool() && json.Get("hierarchical").as_bool();
    ERPHUB_TRY(ReadEntries(json.Get("segments"), where + "." + loop->id, set, *loop));
    if (loop->entries.empty() || loop->entries[0].loop != nullptr) {
      return ParseError("a loop must start with a segment", where + "." + loop->id);
    }
    entry.tag = loop->entries[0].tag;
    entry.loop = loop.get();
    set.loops.push_back(std::move(loop));
    return entry;
  }
  if (!json.Get("tag").is_string()) {
    return ParseError("a segment entry needs \"tag\" or \"loop\"", where);
  }
  entry.tag = PackTag(json.Get("tag").as_string());
  if (json.Get("elements").is_array()) {
    for (const Value& rule : json.Get("elements").as_array()) {
      ERPHUB_ASSIGN_OR_RETURN(
          ElementRule parsed,
          ReadElementRule(rule, where + "." + std::string(json.Get("tag").as_string())));
      entry.elements.push_back(std::move(parsed));
    }
  }
  return entry;
}

Status ReadEntries(const Value& list, const std::string& where, SetDefinition& set,
                   LoopDefinition& loop) {
  if (!list.is_array()) {
    return ParseError("\"segments\" must be an array", where);
  }
  for (const Value& item : list.as_array()) {
    ERPHUB_ASSIGN_OR_RETURN(SegmentEntry entry, ReadEntry(item, where, set));
    // A loop's first segment is there whenever the loop is; the body has no such entry.
    bool starts_loop = loop.entries.empty() && &loop != &set.body;
    if (entry.required && !starts_loop) {
      loop.required.push_back(static_cast<uint32_t>(loop.entries.size()));
    }
    loop.tags.push_back(entry.tag);
    loop.entries.push_back(std::move(entry));
  }
  return Status::Ok();
}

struct Registry {
  std::unordered_map<std::string, std::unique_ptr<SetDefinition>> sets;
  std::unordered_set<uint32_t> tags;
};

void CollectTags(const LoopDefinition& loop, std::unordered_set<uint32_t>& tags) {
  for (const SegmentEntry& entry : loop.entries) {
    if (entry.loop != nullptr) {
      CollectTags(*entry.loop, tags);
    } else {
      tags.insert(entry.tag);
    }
  }
}

Registry LoadRegistry() {
  Registry registry;
  for (std::string_view id : kDefinedSets) {
    // The files are compiled in and checked by tests, so a broken one is a build defect.
    std::optional<std::string_view> text = DataFile("x12/" + std::string(id) + ".json");
    ERPHUB_CHECK(text.has_value());
    auto json = ParseJson(*text);
    ERPHUB_CHECK(json.ok());
    auto set = SetDefinitionFromJson(*json);
    ERPHUB_CHECK(set.ok());
    CollectTags((*set)->body, registry.tags);
    registry.sets.emplace(std::string(id), std::move(*set));
  }
  for (std::string_view tag : {"ISA", "IEA", "GS", "GE", "ST", "SE", "TA1"}) {
    registry.tags.insert(PackTag(tag));
  }
  return registry;
}

const Registry& GetRegistry() {
  static const Registry* registry = new Registry(LoadRegistry());
  return *registry;
}

}  // namespace

Result<std::unique_ptr<SetDefinition>> SetDefinitionFromJson(const Value& json) {
  auto set = std::make_unique<SetDefinition>();
  if (!json.is_object() || !json.Get("set").is_string()) {
    return ParseError("a transaction-set definition needs \"set\"");
  }
  set->id = std::string(json.Get("set").as_string());
  set->body.id = set->id;
  ERPHUB_TRY(ReadEntries(json.Get("segments"), set->id, *set, set->body));
  return set;
}

const SetDefinition* FindSetDefinition(std::string_view set_id) {
  const Registry& registry = GetRegistry();
  for (const auto& [id, set] : registry.sets) {
    if (id == set_id) {
      return set.get();
    }
  }
  return nullptr;
}

std::string UnpackTag(uint32_t packed) {
  std::string tag;
  uint32_t length = packed >> 24;
  for (uint32_t i = length > 3 ? 3 : length; i-- > 0;) {
    tag.push_back(static_cast<char>((packed >> (8 * i)) & 0xFF));
  }
  return tag;
}

bool IsKnownSegmentTag(std::string_view tag) { return GetRegistry().tags.count(PackTag(tag)) > 0; }

}  // namespace erphub::formats::x12
