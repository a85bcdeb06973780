// XML -> JSON (ParseXml in xml_document.h).
#include <algorithm>
#include <pugixml.hpp>
#include <string>
#include <vector>

#include "core/json.h"
#include "formats/xml/xml_document.h"

namespace erphub::formats::xml {
namespace {

bool IsWhitespace(std::string_view text) {
  return text.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

std::string PlaceOf(std::string_view bytes, ptrdiff_t offset) {
  if (offset < 0) {
    return {};
  }
  auto end = std::min(static_cast<size_t>(offset), bytes.size());
  int64_t line = 1;
  size_t line_start = 0;
  for (size_t i = 0; i < end; ++i) {
    if (bytes[i] == '\n') {
      ++line;
      line_start = i + 1;
    }
  }
  int64_t column = 1;
  for (size_t i = line_start; i < end; ++i) {
    if ((static_cast<unsigned char>(bytes[i]) & 0xC0) != 0x80) {
      ++column;
    }
  }
  return "line " + std::to_string(line) + ", column " + std::to_string(column);
}

bool IsText(const pugi::xml_node& node) {
  return node.type() == pugi::node_pcdata || node.type() == pugi::node_cdata;
}

std::string_view PrefixOf(std::string_view name) {
  size_t colon = name.find(':');
  return colon == std::string_view::npos ? std::string_view() : name.substr(0, colon);
}

class Converter {
 public:
  Converter(std::string_view bytes, const XmlOptions& options, bool lenient,
            const std::function<void(const Status&)>& report)
      : bytes_(bytes), options_(options), lenient_(lenient), report_(report) {}

  Result<Value> Run(const pugi::xml_document& doc) {
    pugi::xml_node root;
    for (pugi::xml_node child : doc.children()) {
      if (child.type() == pugi::node_element) {
        if (root) {
          return ParseError("more than one root element", Place(child));
        }
        root = child;
      } else if (IsText(child) && !IsWhitespace(child.value())) {
        return ParseError("text outside the root element", Place(child));
      }
    }
    if (!root) {
      return ParseError("no root element", PlaceOf(bytes_, static_cast<ptrdiff_t>(bytes_.size())));
    }
    prefixes_.push_back("xml");
    ERPHUB_ASSIGN_OR_RETURN(Value value, Convert(root, 1));
    Object document;
    document.Append(root.name(), std::move(value));
    return Value::MakeObject(std::move(document));
  }

 private:
  // An element's offset is that of its name: point at its '<' instead.
  std::string Place(const pugi::xml_node& node) const {
    ptrdiff_t offset = node.offset_debug();
    if (node.type() == pugi::node_element && offset > 0) {
      --offset;
    }
    return PlaceOf(bytes_, offset);
  }

  Status CheckPrefix(std::string_view name, const pugi::xml_node& node) {
    std::string_view prefix = PrefixOf(name);
    if (prefix.empty() || prefix == "xmlns" ||
        std::find(prefixes_.begin(), prefixes_.end(), prefix) != prefixes_.end()) {
      return Status();
    }
    Status status =
        ParseError("undeclared namespace prefix '" + std::string(prefix) + "'", Place(node));
    if (!lenient_) {
      return status;
    }
    if (report_) {
      report_(status);
    }
    return Status();
  }

  // Character references can name code points UTF-8 cannot hold (surrogates).
  Status CheckUtf8(std::string_view text, const pugi::xml_node& node) const {
    if (InvalidUtf8Offset(text) != std::string_view::npos) {
      return ParseError("not a valid character (a surrogate?)", Place(node));
    }
    return Status();
  }

  bool AlwaysArray(std::string_view name) const {
    return std::find(options_.always_array.begin(), options_.always_array.end(), name) !=
           options_.always_array.end();
  }

  Result<Value> Convert(const pugi::xml_node& element, int depth) {
    if (depth > options_.max_depth) {
      return ParseError("elements nested deeper than " + std::to_string(options_.max_depth),
                        Place(element));
    }
    size_t scope = prefixes_.size();
    Object object;
    for (pugi::xml_attribute attribute : element.attributes()) {
      std::string_view name = attribute.name();
      if (name.substr(0, 6) == "xmlns:") {
        prefixes_.emplace_back(name.substr(6));
      }
    }
    ERPHUB_TRY(CheckPrefix(element.name(), element));
    ERPHUB_TRY(CheckUtf8(element.name(), element));
    for (pugi::xml_attribute attribute : element.attributes()) {
      ERPHUB_TRY(CheckPrefix(attribute.name(), element));
      ERPHUB_TRY(CheckUtf8(attribute.name(), element));
      ERPHUB_TRY(CheckUtf8(attribute.value(), element));
      std::string key = "@";
      key += attribute.name();
      if (object.Contains(key)) {
        return ParseError("duplicate attribute '" + std::string(attribute.name()) + "'",
                          Place(element));
      }
      object.Append(std::move(key), Value::Str(attribute.value()));
    }

    // The children: element nodes, and runs of adjacent text merged into one string.
    struct Child {
      pugi::xml_node element;
      std::string text;
    };
    std::vector<Child> children;
    bool has_elements = false;
    bool has_text = false;
    bool adjacent = true;  // same-named elements are next to each other
    std::vector<std::string_view> names;
    for (pugi::xml_node node : element.children()) {
      if (IsText(node)) {
        ERPHUB_TRY(CheckUtf8(node.value(), node));
        if (children.empty() || children.back().element) {
          children.push_back({});
        }
        children.back().text += node.value();
      } else if (node.type() == pugi::node_element) {
        std::string_view name = node.name();
        if (std::find(names.begin(), names.end(), name) != names.end() && names.back() != name) {
          adjacent = false;
        }
        if (names.empty() || names.back() != name) {
          names.push_back(name);
        }
        children.push_back({node, {}});
        has_elements = true;
      }
    }
    for (const Child& child : children) {
      if (!child.element && !IsWhitespace(child.text)) {
        has_text = true;
      }
    }

    if (!has_elements) {
      std::string text;
      for (Child& child : children) {
        text += child.text;
      }
      prefixes_.resize(scope);
      if (object.empty()) {
        return Value::Str(std::move(text));
      }
      if (!text.empty()) {
        object.Append("#text", Value::Str(std::move(text)));
      }
      return Value::MakeObject(std::move(object));
    }

    if (has_text || !adjacent) {
      // Order matters: keep it in #content. Whitespace is kept only around real text.
      Array content;
      for (Child& child : children) {
        if (!child.element) {
          if (has_text) {
            content.push_back(Value::Str(std::move(child.text)));
          }
          continue;
        }
        ERPHUB_ASSIGN_OR_RETURN(Value value, Convert(child.element, depth + 1));
        Object single;
        single.Append(child.element.name(), std::move(value));
        content.push_back(Value::MakeObject(std::move(single)));
      }
      object.Append("#content", Value::MakeArray(std::move(content)));
      prefixes_.resize(scope);
      return Value::MakeObject(std::move(object));
    }

    for (const Child& child : children) {
      if (!child.element) {
        continue;
      }
      std::string_view name = child.element.name();
      ERPHUB_ASSIGN_OR_RETURN(Value value, Convert(child.element, depth + 1));
      Value* existing = object.FindMutable(name);
      if (existing != nullptr) {
        existing->push_back(std::move(value));
        continue;
      }
      // Same-named siblings are adjacent here, so the next element tells whether it repeats.
      pugi::xml_node next = child.element.next_sibling();
      while (next && next.type() != pugi::node_element) {
        next = next.next_sibling();
      }
      bool repeated = AlwaysArray(name) || (next && name == next.name());
      object.Append(std::string(name),
                    repeated ? Value::MakeArray({std::move(value)}) : std::move(value));
    }
    prefixes_.resize(scope);
    return Value::MakeObject(std::move(object));
  }

  std::string_view bytes_;
  const XmlOptions& options_;
  bool lenient_;
  const std::function<void(const Status&)>& report_;
  std::vector<std::string> prefixes_;  // declared in scope
};

bool HasUnicodeBom(std::string_view bytes) {
  return bytes.substr(0, 2) == "\xFE\xFF" || bytes.substr(0, 2) == "\xFF\xFE";
}

}  // namespace

Result<Value> ParseXml(std::string_view bytes, const XmlOptions& options, bool lenient,
                       const std::function<void(const Status&)>& report) {
  if (!HasUnicodeBom(bytes)) {
    size_t bad = InvalidUtf8Offset(bytes);
    if (bad != std::string_view::npos) {
      return ParseError("invalid UTF-8", PlaceOf(bytes, static_cast<ptrdiff_t>(bad)));
    }
  }
  // As a fragment, so that text outside the root reaches the checks in Run().
  pugi::xml_document doc;
  pugi::xml_parse_result parsed = doc.load_buffer(
      bytes.data(), bytes.size(),
      pugi::parse_default | pugi::parse_ws_pcdata | pugi::parse_fragment, pugi::encoding_auto);
  if (!parsed) {
    return ParseError(parsed.description(), PlaceOf(bytes, parsed.offset));
  }
  return Converter(bytes, options, lenient, report).Run(doc);
}

}  // namespace erphub::formats::xml
