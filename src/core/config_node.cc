#include "core/config_node.h"

#include <yaml-cpp/yaml.h>

#include <set>

namespace erphub {
namespace {

// Converts yaml-cpp's tree, which throws, into ConfigNodes. `fallback_line/column` place null
// values, whose own marks point past the key that holds them.
class Converter {
 public:
  Converter(std::string_view file, Diagnostics& diagnostics)
      : file_(file), diagnostics_(diagnostics) {}

  ConfigNode Convert(const YAML::Node& node, int fallback_line, int fallback_column) {
    ConfigNode out;
    YAML::Mark mark = node.Mark();
    out.line = mark.is_null() ? fallback_line : mark.line + 1;
    out.column = mark.is_null() ? fallback_column : mark.column + 1;
    switch (node.Type()) {
      case YAML::NodeType::Null:
      case YAML::NodeType::Undefined:
        out.kind = ConfigNode::Kind::kNull;
        out.line = fallback_line;
        out.column = fallback_column;
        break;
      case YAML::NodeType::Scalar:
        out.kind = ConfigNode::Kind::kScalar;
        out.text = node.Scalar();
        out.plain = node.Tag() == "?";
        break;
      case YAML::NodeType::Sequence:
        out.kind = ConfigNode::Kind::kSequence;
        for (const YAML::Node& item : node) {
          out.items.push_back(Convert(item, out.line, out.column));
        }
        break;
      case YAML::NodeType::Map: {
        out.kind = ConfigNode::Kind::kMap;
        std::set<std::string, std::less<>> seen;
        for (const auto& pair : node) {
          YAML::Mark key_mark = pair.first.Mark();
          ConfigEntry entry;
          entry.line = key_mark.is_null() ? out.line : key_mark.line + 1;
          entry.column = key_mark.is_null() ? out.column : key_mark.column + 1;
          if (!pair.first.IsScalar()) {
            Report(entry.line, entry.column, "mapping keys must be plain text");
            continue;
          }
          entry.key = pair.first.Scalar();
          if (!seen.insert(entry.key).second) {
            Report(entry.line, entry.column, "duplicate key \"" + entry.key + "\"");
            continue;
          }
          entry.value = Convert(pair.second, entry.line, entry.column);
          out.entries.push_back(std::move(entry));
        }
        break;
      }
    }
    return out;
  }

 private:
  void Report(int line, int column, std::string message) {
    diagnostics_.Add(Diagnostic{std::string(file_), line, column, "", std::move(message)});
  }

  std::string_view file_;
  Diagnostics& diagnostics_;
};

}  // namespace

const ConfigEntry* ConfigNode::Find(std::string_view key) const {
  for (const ConfigEntry& entry : entries) {
    if (entry.key == key) {
      return &entry;
    }
  }
  return nullptr;
}

Result<ConfigNode, Diagnostics> ParseConfigYaml(std::string_view text, std::string_view file) {
  Diagnostics diagnostics;
  // yaml-cpp reports errors by exception; this adapter is where they become diagnostics.
  try {
    YAML::Node root = YAML::Load(std::string(text));
    ConfigNode node = Converter(file, diagnostics).Convert(root, 1, 1);
    if (!diagnostics.empty()) {
      return diagnostics;
    }
    return node;
  } catch (const YAML::Exception& e) {
    int line = e.mark.is_null() ? 0 : e.mark.line + 1;
    int column = e.mark.is_null() ? 0 : e.mark.column + 1;
    diagnostics.Add(Diagnostic{std::string(file), line, column, "", "invalid YAML: " + e.msg});
    return diagnostics;
  }
}

std::string_view DescribeKind(const ConfigNode& node) {
  switch (node.kind) {
    case ConfigNode::Kind::kNull:
      return "nothing";
    case ConfigNode::Kind::kScalar:
      return "a single value";
    case ConfigNode::Kind::kSequence:
      return "a list";
    case ConfigNode::Kind::kMap:
      return "a mapping";
  }
  return "something else";
}

}  // namespace erphub
