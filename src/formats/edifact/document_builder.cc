#include "formats/edifact/document_builder.h"

#include <utility>

namespace erphub::formats::edifact {

Status DocumentBuilder::OnInterchangeStart(const InterchangeStart& start) {
  interchange_ = Object();
  if (!start.una.empty()) {
    interchange_.Append("una", Value::Str(start.una));
  }
  interchange_.Append("header", start.header);
  messages_.clear();
  groups_.clear();
  in_group_ = false;
  return Status();
}

Status DocumentBuilder::OnGroupStart(const Value& ung) {
  group_header_ = ung;
  group_messages_.clear();
  in_group_ = true;
  return Status();
}

Status DocumentBuilder::OnMessage(Value message) {
  (in_group_ ? group_messages_ : messages_).push_back(std::move(message));
  return Status();
}

Status DocumentBuilder::OnGroupEnd(const Value& une) {
  Object group;
  group.Append("header", std::move(group_header_));
  group.Append("messages", Value::MakeArray(std::move(group_messages_)));
  if (!une.is_undefined()) {
    group.Append("trailer", une);
  }
  groups_.push_back(Value::MakeObject(std::move(group)));
  group_messages_ = Array();
  group_header_ = Value();
  in_group_ = false;
  return Status();
}

Status DocumentBuilder::OnInterchangeEnd(const Value& unz) {
  // Groups and bare messages mixed (tolerated leniently) keep both lists.
  if (!groups_.empty()) {
    interchange_.Append("groups", Value::MakeArray(std::move(groups_)));
  }
  if (!messages_.empty() || interchange_.Find("groups") == nullptr) {
    interchange_.Append("messages", Value::MakeArray(std::move(messages_)));
  }
  if (!unz.is_undefined()) {
    interchange_.Append("trailer", unz);
  }
  interchanges_.push_back(Value::MakeObject(std::move(interchange_)));
  interchange_ = Object();
  messages_ = Array();
  groups_ = Array();
  return Status();
}

Value DocumentBuilder::Take(const std::vector<Finding>& warnings) {
  Object document;
  document.Append("interchanges", Value::MakeArray(std::move(interchanges_)));
  if (!warnings.empty()) {
    Array list;
    list.reserve(warnings.size());
    for (const Finding& finding : warnings) {
      list.push_back(FindingToValue(finding));
    }
    document.Append("warnings", Value::MakeArray(std::move(list)));
  }
  interchanges_ = Array();
  return Value::MakeObject(std::move(document));
}

}  // namespace erphub::formats::edifact
