#include "formats/edifact/message_definition.h"

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "core/json.h"
#include "formats/data_files.h"

namespace erphub::formats::edifact {
namespace {

Result<std::string_view> ReadDataFile(const std::string& name) {
  std::optional<std::string_view> text = DataFile("edifact/" + name);
  if (!text.has_value()) {
    return NotFoundError("no data file edifact/" + name);
  }
  return *text;
}

// Entries are ["TAG", max] for a segment and {"group": "SG1", "max": n, "segments": [...]}.
Result<StructureNode> NodeFromJson(const Value& json) {
  StructureNode node;
  if (json.is_array() && json.size() == 2 && json[0].is_string() && json[1].is_number()) {
    node.tag = std::string(json[0].as_string());
    node.max = static_cast<uint32_t>(json[1].as_number().ToDouble());
    node.trigger = TagCode(node.tag);
    if (node.trigger == 0) {
      return InvalidArgumentError("segment tag '" + node.tag + "' is not three characters");
    }
    return node;
  }
  const Value& group = json.Get("group");
  const Value& segments = json.Get("segments");
  if (!group.is_string() || !segments.is_array() || segments.size() == 0) {
    return InvalidArgumentError("structure entry is neither [tag, max] nor a group");
  }
  node.group = std::string(group.as_string());
  const Value& max = json.Get("max");
  node.max = max.is_number() ? static_cast<uint32_t>(max.as_number().ToDouble()) : 1;
  for (const Value& child : segments.as_array()) {
    ERPHUB_ASSIGN_OR_RETURN(StructureNode child_node, NodeFromJson(child));
    node.children.push_back(std::move(child_node));
  }
  if (node.children.front().is_group()) {
    return InvalidArgumentError("group " + node.group + " must start with a segment");
  }
  node.trigger = node.children.front().trigger;
  return node;
}

struct Registry {
  std::mutex mu;
  std::map<std::string, std::unique_ptr<MessageDefinition>, std::less<>> messages;
};

Registry& GetRegistry() {
  static Registry* registry = new Registry();
  return *registry;
}

bool IsMessageTypeName(std::string_view type) {
  if (type.size() != 6) {
    return false;
  }
  for (char c : type) {
    if (c < 'A' || c > 'Z') {
      return false;
    }
  }
  return true;
}

}  // namespace

Result<MessageDefinition> MessageDefinitionFromJson(const Value& json) {
  MessageDefinition definition;
  const Value& type = json.Get("message");
  if (!type.is_string()) {
    return InvalidArgumentError("message definition without \"message\"");
  }
  definition.type = std::string(type.as_string());
  Value root = Value::MakeObject();
  root.Set("group", type);
  root.Set("max", Value::Int(1));
  root.Set("segments", json.Get("segments"));
  ERPHUB_ASSIGN_OR_RETURN(definition.root, NodeFromJson(root));
  return definition;
}

const MessageDefinition* FindMessageDefinition(std::string_view type) {
  if (!IsMessageTypeName(type)) {
    return nullptr;
  }
  Registry& registry = GetRegistry();
  std::lock_guard<std::mutex> lock(registry.mu);
  auto it = registry.messages.find(type);
  if (it != registry.messages.end()) {
    return it->second.get();
  }
  std::unique_ptr<MessageDefinition> loaded;
  auto text = ReadDataFile(std::string(type) + ".json");
  if (text.ok()) {
    auto json = ParseJson(*text);
    if (json.ok()) {
      auto definition = MessageDefinitionFromJson(*json);
      if (definition.ok()) {
        loaded = std::make_unique<MessageDefinition>(std::move(definition).value());
      }
    }
  }
  const MessageDefinition* result = loaded.get();
  registry.messages.emplace(std::string(type), std::move(loaded));
  return result;
}

namespace {

using RulesTable = std::map<uint32_t, SegmentRules>;

// Reads [[a, b], ...] into pairs.
std::vector<std::pair<uint32_t, uint32_t>> Pairs(const Value& list) {
  std::vector<std::pair<uint32_t, uint32_t>> pairs;
  if (!list.is_array()) {
    return pairs;
  }
  for (const Value& pair : list.as_array()) {
    if (pair.is_array() && pair.size() == 2 && pair[0].is_number() && pair[1].is_number()) {
      pairs.emplace_back(static_cast<uint32_t>(pair[0].as_number().ToDouble()),
                         static_cast<uint32_t>(pair[1].as_number().ToDouble()));
    }
  }
  return pairs;
}

RulesTable LoadRulesTable() {
  RulesTable table;
  auto text = ReadDataFile("segments.json");
  if (!text.ok()) {
    return table;
  }
  auto json = ParseJson(*text);
  if (!json.ok()) {
    return table;
  }
  if (json->Get("numeric").is_object()) {
    for (const auto& [tag, spec] : json->Get("numeric").as_object()) {
      for (auto [element, component] : Pairs(spec)) {
        table[TagCode(tag)].numeric.push_back({element, component});
      }
    }
  }
  if (json->Get("max_components").is_object()) {
    for (const auto& [tag, spec] : json->Get("max_components").as_object()) {
      for (auto [element, most] : Pairs(spec)) {
        table[TagCode(tag)].max_components.push_back({element, most});
      }
    }
  }
  return table;
}

}  // namespace

const SegmentRules* FindSegmentRules(std::string_view tag) {
  // Read once, then shared read-only by every thread.
  static const RulesTable* table = new RulesTable(LoadRulesTable());
  auto it = table->find(TagCode(tag));
  return it == table->end() ? nullptr : &it->second;
}

}  // namespace erphub::formats::edifact
