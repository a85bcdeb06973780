#pragma once

#include "core/value.h"
#include "formats/edifact/stream_parser.h"

namespace erphub::formats::edifact {

// Collects the messages of a StreamParser into the whole-document JSON form:
// {"interchanges": [{"una"?, "header", "messages" | "groups", "trailer"?}]}.
class DocumentBuilder final : public MessageHandler {
 public:
  Status OnInterchangeStart(const InterchangeStart& start) override;
  Status OnGroupStart(const Value& ung) override;
  Status OnMessage(Value message) override;
  Status OnGroupEnd(const Value& une) override;
  Status OnInterchangeEnd(const Value& unz) override;

  // The document so far; `warnings` (when not empty) becomes its "warnings".
  Value Take(const std::vector<Finding>& warnings);

 private:
  Array interchanges_;
  Object interchange_;
  Array messages_;
  Array groups_;
  Value group_header_;
  Array group_messages_;
  bool in_group_ = false;
};

}  // namespace erphub::formats::edifact
