// JSON -> XML (RenderXml in xml_document.h). Written directly as text, so that indentation goes
// only where it cannot change the document's content.
#include <algorithm>
#include <string>

#include "core/json.h"
#include "formats/xml/xml_document.h"

namespace erphub::formats::xml {
namespace {

bool IsNameStart(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' || c == ':' || c >= 0x80;
}

bool IsName(std::string_view name) {
  if (name.empty() || !IsNameStart(static_cast<unsigned char>(name[0]))) {
    return false;
  }
  return std::all_of(name.begin() + 1, name.end(), [](char c) {
    auto u = static_cast<unsigned char>(c);
    return IsNameStart(u) || (u >= '0' && u <= '9') || u == '-' || u == '.';
  });
}

class Writer {
 public:
  explicit Writer(const XmlOptions& options) : options_(options) {}

  Result<std::string> Run(const Value& document) {
    if (!document.is_object() || document.as_object().size() != 1) {
      return InvalidArgumentError(
          "an XML document is an object with one key, the root element's name");
    }
    const auto& [name, value] = document.as_object().entries().front();
    if (value.is_array()) {
      return InvalidArgumentError("the root element cannot repeat", "/" + name);
    }
    out_ = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    ERPHUB_TRY(WriteElement(name, value, 0, "/" + name));
    out_ += '\n';
    return std::move(out_);
  }

 private:
  void NewLine(int depth) {
    if (options_.indent > 0) {
      out_ += '\n';
      out_.append(static_cast<size_t>(depth) * static_cast<size_t>(options_.indent), ' ');
    }
  }

  static Status CheckText(std::string_view text, const std::string& path) {
    if (InvalidUtf8Offset(text) != std::string_view::npos) {
      return InvalidArgumentError("text is not UTF-8", path);
    }
    if (text.find('\0') != std::string_view::npos) {
      return InvalidArgumentError("XML cannot hold U+0000", path);
    }
    return Status();
  }

  // Scalars as text: strings as they are, numbers and booleans as JSON writes them.
  static Result<std::string> ScalarText(const Value& value, const std::string& path) {
    switch (value.kind()) {
      case ValueKind::kString:
        ERPHUB_TRY(CheckText(value.as_string(), path));
        return std::string(value.as_string());
      case ValueKind::kNumber:
        return value.as_number().ToString();
      case ValueKind::kBool:
        return std::string(value.as_bool() ? "true" : "false");
      case ValueKind::kNull:
      case ValueKind::kUndefined:
        return std::string();
      default:
        return InvalidArgumentError("expected a string, number, boolean or null", path);
    }
  }

  void AppendEscaped(std::string_view text, bool attribute) {
    for (char c : text) {
      auto u = static_cast<unsigned char>(c);
      switch (c) {
        case '&':
          out_ += "&amp;";
          break;
        case '<':
          out_ += "&lt;";
          break;
        case '>':
          out_ += "&gt;";
          break;
        case '"':
          out_ += attribute ? "&quot;" : "\"";
          break;
        default:
          // Line ends are normalized and attribute whitespace is folded on reading: keep them
          // as character references.
          if (u < 0x20 && !(u == '\n' && !attribute) && !(u == '\t' && !attribute)) {
            out_ += "&#" + std::to_string(u) + ";";
          } else {
            out_ += c;
          }
      }
    }
  }

  Status WriteChildren(std::string_view name, const Value& value, int depth,
                       const std::string& path, bool indent) {
    if (name.empty() || name[0] == '#' || name[0] == '@' || !IsName(name)) {
      return InvalidArgumentError("'" + std::string(name) + "' is not an XML element name", path);
    }
    if (!value.is_array()) {
      if (indent) {
        NewLine(depth);
      }
      return WriteElement(name, value, depth, path);
    }
    for (size_t i = 0; i < value.size(); ++i) {
      if (value[i].is_array()) {
        return InvalidArgumentError("arrays of arrays have no XML form",
                                    path + "/" + std::to_string(i));
      }
      if (indent) {
        NewLine(depth);
      }
      ERPHUB_TRY(WriteElement(name, value[i], depth, path + "/" + std::to_string(i)));
    }
    return Status();
  }

  Status WriteElement(std::string_view name, const Value& value, int depth,
                      const std::string& path) {
    if (depth > options_.max_depth) {
      return InvalidArgumentError("nested deeper than " + std::to_string(options_.max_depth), path);
    }
    if (!IsName(name)) {
      return InvalidArgumentError("'" + std::string(name) + "' is not an XML element name", path);
    }
    out_ += '<';
    out_ += name;
    if (depth == 0) {
      for (const auto& [prefix, uri] : options_.namespaces) {
        std::string key = prefix.empty() ? "@xmlns" : "@xmlns:" + prefix;
        if (!value.Get(key).is_undefined()) {
          continue;
        }
        out_ += ' ';
        out_ += key.substr(1);
        out_ += "=\"";
        AppendEscaped(uri, true);
        out_ += '"';
      }
    }
    if (!value.is_object()) {
      ERPHUB_ASSIGN_OR_RETURN(std::string text, ScalarText(value, path));
      if (text.empty()) {
        out_ += "/>";
        return Status();
      }
      out_ += '>';
      AppendEscaped(text, false);
      out_ += "</";
      out_ += name;
      out_ += '>';
      return Status();
    }
    const Object& object = value.as_object();
    bool has_body = false;
    for (const auto& [key, field] : object) {
      std::string field_path = path + "/" + key;
      if (!key.empty() && key[0] == '@') {
        if (!IsName(std::string_view(key).substr(1))) {
          return InvalidArgumentError("'" + key.substr(1) + "' is not an XML attribute name",
                                      field_path);
        }
        ERPHUB_ASSIGN_OR_RETURN(std::string text, ScalarText(field, field_path));
        out_ += ' ';
        out_.append(key, 1);
        out_ += "=\"";
        AppendEscaped(text, true);
        out_ += '"';
      } else if (!field.is_undefined()) {
        has_body = true;
      }
    }
    if (!has_body) {
      out_ += "/>";
      return Status();
    }
    out_ += '>';
    // Indent the children only when no text sits among them.
    const Value& content = object.Find("#content") ? *object.Find("#content") : Value();
    bool mixed = object.Find("#text") != nullptr;
    if (content.is_array()) {
      for (const Value& item : content.as_array()) {
        mixed = mixed || item.is_string();
      }
    }
    bool indent = !mixed && options_.indent > 0;
    bool wrote_child = false;
    for (const auto& [key, field] : object) {
      std::string field_path = path + "/" + key;
      if ((!key.empty() && key[0] == '@') || field.is_undefined()) {
        continue;
      }
      if (key == "#text") {
        ERPHUB_ASSIGN_OR_RETURN(std::string text, ScalarText(field, field_path));
        AppendEscaped(text, false);
        continue;
      }
      if (key == "#content") {
        if (!field.is_array()) {
          return InvalidArgumentError("#content is an array", field_path);
        }
        for (size_t i = 0; i < field.size(); ++i) {
          const Value& item = field[i];
          std::string item_path = field_path + "/" + std::to_string(i);
          if (item.is_string()) {
            ERPHUB_TRY(CheckText(item.as_string(), item_path));
            AppendEscaped(item.as_string(), false);
            continue;
          }
          if (!item.is_object() || item.as_object().size() != 1) {
            return InvalidArgumentError(
                "#content holds text and objects of one key (an element name)", item_path);
          }
          const auto& [child, child_value] = item.as_object().entries().front();
          ERPHUB_TRY(WriteChildren(child, child_value, depth + 1, item_path + "/" + child, indent));
          wrote_child = true;
        }
        continue;
      }
      ERPHUB_TRY(WriteChildren(key, field, depth + 1, field_path, indent));
      wrote_child = true;
    }
    if (indent && wrote_child) {
      NewLine(depth);
    }
    out_ += "</";
    out_ += name;
    out_ += '>';
    return Status();
  }

  const XmlOptions& options_;
  std::string out_;
};

}  // namespace

Result<std::string> RenderXml(const Value& document, const XmlOptions& options) {
  return Writer(options).Run(document);
}

}  // namespace erphub::formats::xml
