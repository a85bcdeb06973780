// The JSON form written straight from the reader's events, without building Values: this is the
// fast path (and Parse reads its output back into a Value).
#include <cstring>
#include <string>
#include <vector>

#include "core/json.h"
#include "formats/x12/reader.h"
#include "formats/x12/x12.h"

namespace erphub::formats::x12 {
namespace {

void AppendText(std::string& out, std::string_view text, bool needs_escape) {
  if (needs_escape) {
    AppendJsonString(out, text);
    return;
  }
  out.push_back('"');
  out.append(text);
  out.push_back('"');
}

// One element or repeat: a string, or an array of components when it has any.
void AppendComposite(std::string& out, std::string_view text, bool has_component, bool needs_escape,
                     char component) {
  if (!has_component || text.find(component) == std::string_view::npos) {
    AppendText(out, text, needs_escape);
    return;
  }
  out.push_back('[');
  size_t start = 0;
  while (true) {
    size_t end = text.find(component, start);
    AppendText(out, text.substr(start, end == std::string_view::npos ? end : end - start),
               needs_escape);
    if (end == std::string_view::npos) {
      break;
    }
    out.push_back(',');
    start = end + 1;
  }
  out.push_back(']');
}

// Segments whose elements are all plain text (the usual case): one resize, then copies.
bool AppendPlainSegment(std::string& out, const SegmentView& segment) {
  size_t n = segment.elements.size();
  size_t bytes = 1 + n * 3;  // "[" + per element two quotes and a comma (the last one "]")
  for (size_t i = 0; i < n; ++i) {
    if (segment.flags[i] != 0) return false;
    bytes += segment.elements[i].size();
  }
  size_t at = out.size();
  out.resize(at + bytes);
  char* p = out.data() + at;
  *p++ = '[';
  for (size_t i = 0; i < n; ++i) {
    std::string_view e = segment.elements[i];
    *p++ = '"';
    std::memcpy(p, e.data(), e.size());
    p += e.size();
    *p++ = '"';
    *p++ = ',';
  }
  p[-1] = ']';
  return true;
}

void AppendSegment(std::string& out, const SegmentView& segment) {
  if (AppendPlainSegment(out, segment)) {
    return;
  }
  const Delimiters& d = *segment.delimiters;
  out.push_back('[');
  for (size_t i = 0; i < segment.elements.size(); ++i) {
    if (i > 0) {
      out.push_back(',');
    }
    std::string_view e = segment.elements[i];
    uint8_t f = segment.flags[i];
    if (f == 0) {
      out.push_back('"');
      out.append(e);
      out.push_back('"');
    } else if (f & 2) {
      out.append("{\"repeats\":[");
      size_t start = 0;
      while (true) {
        size_t end = e.find(d.repetition, start);
        AppendComposite(out, e.substr(start, end == std::string_view::npos ? end : end - start),
                        f & 1, f & 4, d.component);
        if (end == std::string_view::npos) {
          break;
        }
        out.push_back(',');
        start = end + 1;
      }
      out.append("]}");
    } else {
      AppendComposite(out, e, f & 1, f & 4, d.component);
    }
  }
  out.push_back(']');
}

void AppendDelimiters(std::string& out, const Delimiters& d) {
  out.append("{\"element\":");
  AppendJsonString(out, std::string_view(&d.element, 1));
  if (d.component != 0) {
    out.append(",\"component\":");
    AppendJsonString(out, std::string_view(&d.component, 1));
  }
  if (d.repetition != 0) {
    out.append(",\"repetition\":");
    AppendJsonString(out, std::string_view(&d.repetition, 1));
  }
  out.append(",\"segment\":");
  AppendJsonString(out, d.segment);
  out.push_back('}');
}

class JsonWriter final : public Handler {
 public:
  explicit JsonWriter(JsonStream::Sink sink) : sink_(std::move(sink)) {
    out_.append("{\"interchanges\":[");
    first_.push_back(1);
  }

  Status StartInterchange(const SegmentView& isa) override {
    Item();
    out_.append("{\"delimiters\":");
    AppendDelimiters(out_, *isa.delimiters);
    out_.append(",\"ISA\":");
    AppendSegment(out_, isa);
    ta1_open_ = false;
    groups_open_ = false;
    return Status::Ok();
  }

  Status InterchangeSegment(const SegmentView& segment) override {
    if (!ta1_open_) {
      out_.append(",\"TA1\":[");
      first_.push_back(1);
      ta1_open_ = true;
    }
    Item();
    AppendSegment(out_, segment);
    return Status::Ok();
  }

  Status StartGroup(const SegmentView& gs) override {
    CloseTa1();
    if (!groups_open_) {
      out_.append(",\"groups\":[");
      first_.push_back(1);
      groups_open_ = true;
    }
    Item();
    out_.append("{\"GS\":");
    AppendSegment(out_, gs);
    out_.append(",\"transactions\":[");
    first_.push_back(1);
    return Status::Ok();
  }

  Status StartTransaction(const SegmentView& st) override {
    Item();
    out_.append("{\"ST\":");
    AppendSegment(out_, st);
    out_.append(",\"segments\":[");
    first_.push_back(1);
    return Status::Ok();
  }

  Status StartLoop(std::string_view loop_id) override {
    Item();
    out_.append("{\"loop\":\"");
    out_.append(loop_id);  // ids come from the definitions: letters and digits
    out_.append("\",\"segments\":[");
    first_.push_back(1);
    return Status::Ok();
  }

  Status Segment(const SegmentView& segment) override {
    Item();
    AppendSegment(out_, segment);
    return Status::Ok();
  }

  Status EndLoop() override {
    first_.pop_back();
    out_.append("]}");
    return Status::Ok();
  }

  Status EndTransaction(const SegmentView* se) override {
    first_.pop_back();
    out_.push_back(']');
    if (se != nullptr) {
      out_.append(",\"SE\":");
      AppendSegment(out_, *se);
    }
    out_.push_back('}');
    return Flush();
  }

  Status EndGroup(const SegmentView* ge) override {
    first_.pop_back();
    out_.push_back(']');
    if (ge != nullptr) {
      out_.append(",\"GE\":");
      AppendSegment(out_, *ge);
    }
    out_.push_back('}');
    return Status::Ok();
  }

  Status EndInterchange(const SegmentView* iea) override {
    CloseTa1();
    if (groups_open_) {
      first_.pop_back();
      out_.push_back(']');
    } else {
      out_.append(",\"groups\":[]");
    }
    groups_open_ = false;
    if (iea != nullptr) {
      out_.append(",\"IEA\":");
      AppendSegment(out_, *iea);
    }
    out_.push_back('}');
    return Flush();
  }

  Status Warning(const Finding& finding) override {
    warnings_.push_back(warnings_.empty() ? '[' : ',');
    warnings_.append("{\"code\":");
    AppendJsonString(warnings_, finding.code);
    warnings_.append(",\"message\":");
    AppendJsonString(warnings_, finding.message);
    warnings_.append(",\"segment\":");
    warnings_.append(std::to_string(finding.segment_index));
    if (!finding.tag.empty()) {
      warnings_.append(",\"tag\":");
      AppendJsonString(warnings_, finding.tag);
    }
    warnings_.append(",\"offset\":");
    warnings_.append(std::to_string(finding.offset));
    warnings_.push_back('}');
    return Status::Ok();
  }

  Status Finish() {
    out_.push_back(']');
    if (!warnings_.empty()) {
      out_.append(",\"warnings\":");
      out_.append(warnings_);
      out_.push_back(']');
    }
    out_.push_back('}');
    return Flush();
  }

 private:
  void Item() {
    if (first_.back() == 0) {
      out_.push_back(',');
    }
    first_.back() = 0;
  }
  void CloseTa1() {
    if (ta1_open_) {
      first_.pop_back();
      out_.push_back(']');
      ta1_open_ = false;
    }
  }
  Status Flush() {
    Status status = sink_(out_);
    out_.clear();
    return status;
  }

  JsonStream::Sink sink_;
  std::string out_;
  std::string warnings_;
  std::vector<uint8_t> first_;  // per open array: no item yet
  bool ta1_open_ = false;
  bool groups_open_ = false;
};

}  // namespace

struct JsonStream::Impl {
  Impl(const ParseOptions& options, Sink sink) : writer(std::move(sink)), reader(options, writer) {}
  JsonWriter writer;
  Reader reader;
};

JsonStream::JsonStream(const ParseOptions& options, Sink sink)
    : impl_(std::make_unique<Impl>(options, std::move(sink))) {}

JsonStream::~JsonStream() = default;

Status JsonStream::Feed(std::string_view chunk) { return impl_->reader.Feed(chunk); }

Status JsonStream::Finish() {
  ERPHUB_TRY(impl_->reader.Finish());
  return impl_->writer.Finish();
}

Result<Value> Parse(std::string_view bytes, const ParseOptions& options) {
  std::string json;
  JsonStream stream(options, [&json](std::string_view piece) {
    json.append(piece);
    return Status::Ok();
  });
  ERPHUB_TRY(stream.Feed(bytes));
  ERPHUB_TRY(stream.Finish());
  return ParseJson(json);
}

}  // namespace erphub::formats::x12
