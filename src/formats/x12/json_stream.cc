// The JSON form written straight from the reader's events, without building Values: this is the
// fast path (and Parse reads its output back into a Value).
#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "core/json.h"
#include "formats/x12/reader.h"
#include "formats/x12/x12.h"

namespace erphub::formats::x12 {
namespace {

// Copies a few bytes with fixed-size moves (elements are mostly short), longer runs with memcpy.
inline void CopyBytes(char* dst, const char* src, size_t n) {
  if (n <= 16) {
    if (n >= 8) {
      std::memcpy(dst, src, 8);
      std::memcpy(dst + n - 8, src + n - 8, 8);
    } else if (n >= 4) {
      std::memcpy(dst, src, 4);
      std::memcpy(dst + n - 4, src + n - 4, 4);
    } else if (n > 0) {
      dst[0] = src[0];
      dst[n / 2] = src[n / 2];
      dst[n - 1] = src[n - 1];
    }
    return;
  }
  std::memcpy(dst, src, n);
}

// Output text: appends without bounds checks per byte, grows geometrically, and never
// zero-fills the bytes it is about to write (as std::string::resize would).
class TextBuffer {
 public:
  void append(std::string_view s) {
    CopyBytes(Room(s.size()), s.data(), s.size());
    size_ += s.size();
  }
  void push_back(char c) {
    *Room(1) = c;
    ++size_;
  }
  // Space for `n` more bytes; Commit(n) once they are written.
  char* Room(size_t n) {
    if (size_ + n > buffer_.size()) {
      buffer_.resize(std::max(size_ + n, 2 * buffer_.size() + 4096));
    }
    return buffer_.data() + size_;
  }
  void Commit(size_t n) { size_ += n; }
  // `s` as a JSON string literal, escaped.
  void AppendEscaped(std::string_view s) {
    scratch_.clear();
    AppendJsonString(scratch_, s);
    append(scratch_);
  }
  std::string_view view() const { return std::string_view(buffer_.data(), size_); }
  void clear() { size_ = 0; }

 private:
  std::string buffer_;
  std::string scratch_;
  size_t size_ = 0;
};

void AppendText(TextBuffer& out, std::string_view text, bool needs_escape) {
  if (needs_escape) {
    out.AppendEscaped(text);
    return;
  }
  out.push_back('"');
  out.append(text);
  out.push_back('"');
}

// One element or repeat: a string, or an array of components when it has any.
void AppendComposite(TextBuffer& out, std::string_view text, bool has_component, bool needs_escape,
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
bool AppendPlainSegment(TextBuffer& out, const SegmentView& segment) {
  size_t n = segment.elements.size();
  size_t bytes = 1 + n * 3;  // "[" + per element two quotes and a comma (the last one "]")
  for (size_t i = 0; i < n; ++i) {
    if (!segment.plain && segment.flags[i] != 0) return false;
    bytes += segment.elements[i].size();
  }
  // Elements lie in input order: when 16 bytes can be read from the last one's start, short
  // elements are copied with one 16-byte move each (into 16 spare bytes of output).
  const char* last = segment.elements[n - 1].data();
  const bool wide = segment.readable_end != nullptr && segment.readable_end - last >= 16;
  char* p = out.Room(bytes + 16);
  *p++ = '[';
  for (size_t i = 0; i < n; ++i) {
    std::string_view e = segment.elements[i];
    *p++ = '"';
    if (wide && e.size() <= 16) {
      std::memcpy(p, e.data(), 16);
    } else {
      CopyBytes(p, e.data(), e.size());
    }
    p += e.size();
    *p++ = '"';
    *p++ = ',';
  }
  p[-1] = ']';
  out.Commit(bytes);
  return true;
}

void AppendSegment(TextBuffer& out, const SegmentView& segment) {
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

void AppendDelimiters(TextBuffer& out, const Delimiters& d) {
  out.append("{\"element\":");
  out.AppendEscaped(std::string_view(&d.element, 1));
  if (d.component != 0) {
    out.append(",\"component\":");
    out.AppendEscaped(std::string_view(&d.component, 1));
  }
  if (d.repetition != 0) {
    out.append(",\"repetition\":");
    out.AppendEscaped(std::string_view(&d.repetition, 1));
  }
  out.append(",\"segment\":");
  out.AppendEscaped(d.segment);
  out.push_back('}');
}

class JsonWriter final : public Handler {
 public:
  // `set_sink`, when given, also receives each transaction set's text on its own.
  JsonWriter(JsonStream::Sink sink, JsonStream::Report report, SetStream::Sink set_sink = {})
      : sink_(std::move(sink)), report_(std::move(report)), set_sink_(std::move(set_sink)) {
    out_.append("{\"interchanges\":[");
    first_.push_back(1);
  }

  Status StartInterchange(const SegmentView& isa) override {
    Item();
    out_.append("{\"delimiters\":");
    AppendDelimiters(out_, *isa.delimiters);
    out_.append(",\"ISA\":");
    size_t isa_start = out_.view().size();
    AppendSegment(out_, isa);
    if (set_sink_) {
      isa_json_ = out_.view().substr(isa_start);
    }
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
    size_t gs_start = out_.view().size();
    AppendSegment(out_, gs);
    if (set_sink_) {
      gs_json_ = out_.view().substr(gs_start);
    }
    out_.append(",\"transactions\":[");
    first_.push_back(1);
    return Status::Ok();
  }

  Status StartTransaction(const SegmentView& st) override {
    Item();
    set_start_ = out_.view().size();
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
    if (set_sink_) {
      ERPHUB_TRY(set_sink_(isa_json_, gs_json_, out_.view().substr(set_start_)));
    }
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
    if (report_) {
      report_(FindingStatus(finding));
    }
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
    Status status = sink_(out_.view());
    out_.clear();
    return status;
  }

  JsonStream::Sink sink_;
  JsonStream::Report report_;
  SetStream::Sink set_sink_;
  std::string isa_json_;
  std::string gs_json_;
  size_t set_start_ = 0;  // where the open set's text starts in out_
  TextBuffer out_;
  std::string warnings_;
  std::vector<uint8_t> first_;  // per open array: no item yet
  bool ta1_open_ = false;
  bool groups_open_ = false;
};

}  // namespace

struct JsonStream::Impl {
  Impl(const ParseOptions& options, Sink sink, Report report)
      : writer(std::move(sink), std::move(report)), reader(options, writer) {}
  JsonWriter writer;
  Reader reader;
};

JsonStream::JsonStream(const ParseOptions& options, Sink sink, Report report)
    : impl_(std::make_unique<Impl>(options, std::move(sink), std::move(report))) {}

JsonStream::~JsonStream() = default;

Status JsonStream::Feed(std::string_view chunk) { return impl_->reader.Feed(chunk); }

Status JsonStream::Finish() {
  ERPHUB_TRY(impl_->reader.Finish());
  return impl_->writer.Finish();
}

struct SetStream::Impl {
  Impl(const ParseOptions& options, Sink sink, JsonStream::Report report)
      : writer([](std::string_view) { return Status::Ok(); }, std::move(report), std::move(sink)),
        reader(options, writer) {}
  JsonWriter writer;
  Reader reader;
};

SetStream::SetStream(const ParseOptions& options, Sink sink, JsonStream::Report report)
    : impl_(std::make_unique<Impl>(options, std::move(sink), std::move(report))) {}

SetStream::~SetStream() = default;

Status SetStream::Feed(std::string_view chunk) { return impl_->reader.Feed(chunk); }

Status SetStream::Finish() { return impl_->reader.Finish(); }

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
