// The acknowledgment a receiver sends: TA1 for interchange faults, 997 for groups and sets.
#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "formats/x12/isa.h"
#include "formats/x12/reader.h"
#include "formats/x12/x12.h"

namespace erphub::formats::x12 {
namespace {

struct SetReport {
  std::string id;       // ST01
  std::string control;  // ST02
  std::vector<Finding> findings;
};

struct GroupReport {
  std::string functional_id;  // GS01
  std::string control;        // GS06
  std::string sender;         // GS02
  std::string receiver;       // GS03
  std::string date;           // GS04
  std::string version;        // GS08
  std::string declared_sets;  // GE01, empty when GE is missing
  std::vector<SetReport> sets;
  std::vector<Finding> findings;
};

struct InterchangeReport {
  std::vector<std::string> isa;  // ISA01..ISA16 at [1]..[16]
  Delimiters delimiters;
  std::vector<GroupReport> groups;
  std::vector<Finding> findings;
};

std::string Element(const SegmentView& s, size_t i) {
  return i < s.elements.size() ? std::string(s.elements[i]) : std::string();
}

// Records what the reader reports (in lenient mode, so that every fault is seen).
class Collector final : public Handler {
 public:
  std::vector<InterchangeReport> interchanges;

  Status StartInterchange(const SegmentView& isa) override {
    InterchangeReport report;
    for (size_t i = 0; i < 17; ++i) {
      report.isa.push_back(Element(isa, i));
    }
    report.delimiters = *isa.delimiters;
    interchanges.push_back(std::move(report));
    in_group_ = false;
    in_set_ = false;
    return Status::Ok();
  }
  Status InterchangeSegment(const SegmentView&) override { return Status::Ok(); }
  Status StartGroup(const SegmentView& gs) override {
    GroupReport group;
    group.functional_id = Element(gs, 1);
    group.sender = Element(gs, 2);
    group.receiver = Element(gs, 3);
    group.date = Element(gs, 4);
    group.control = Element(gs, 6);
    group.version = Element(gs, 8);
    interchanges.back().groups.push_back(std::move(group));
    in_group_ = true;
    return Status::Ok();
  }
  Status StartTransaction(const SegmentView& st) override {
    interchanges.back().groups.back().sets.push_back(SetReport{Element(st, 1), Element(st, 2), {}});
    in_set_ = true;
    return Status::Ok();
  }
  Status StartLoop(std::string_view) override { return Status::Ok(); }
  Status Segment(const SegmentView&) override { return Status::Ok(); }
  Status EndLoop() override { return Status::Ok(); }
  Status EndTransaction(const SegmentView*) override {
    in_set_ = false;
    return Status::Ok();
  }
  Status EndGroup(const SegmentView* ge) override {
    if (ge != nullptr) {
      interchanges.back().groups.back().declared_sets = Element(*ge, 1);
    }
    in_group_ = false;
    return Status::Ok();
  }
  Status EndInterchange(const SegmentView*) override { return Status::Ok(); }

  Status Warning(const Finding& finding) override {
    if (interchanges.empty()) {
      return Status::Ok();
    }
    InterchangeReport& interchange = interchanges.back();
    bool set_level =
        finding.level == FaultLevel::kSegment || finding.level == FaultLevel::kTransaction;
    if (set_level && in_set_) {
      interchange.groups.back().sets.back().findings.push_back(finding);
    } else if ((set_level || finding.level == FaultLevel::kGroup) && in_group_) {
      interchange.groups.back().findings.push_back(finding);
    } else {
      interchange.findings.push_back(finding);
    }
    return Status::Ok();
  }

 private:
  bool in_group_ = false;
  bool in_set_ = false;
};

std::string PadRight(std::string s, size_t width) {
  if (s.size() < width) s.append(width - s.size(), ' ');
  return s;
}

std::string Padded(int64_t number, size_t width) {
  std::string digits = std::to_string(number);
  if (digits.size() < width) digits.insert(0, width - digits.size(), '0');
  return digits;
}

class AckWriter {
 public:
  AckWriter(const AckOptions& options) : options_(options), numbers_(options.control_numbers) {}

  void Interchange(const InterchangeReport& received) {
    d_ = received.delimiters;
    d_.repetition = 0;
    if (d_.component == 0) d_.component = '>';
    const std::vector<std::string>& isa = received.isa;
    // TA1: the most severe interchange fault decides (a rejection first).
    const Finding* worst = nullptr;
    for (const Finding& f : received.findings) {
      if (f.level != FaultLevel::kInterchange) continue;
      if (worst == nullptr || (f.ack_action == 'R' && worst->ack_action != 'R')) worst = &f;
    }
    bool rejected = worst != nullptr && worst->ack_action == 'R';
    bool ta1 = worst != nullptr || isa[14] == "1";
    std::vector<const GroupReport*> groups;
    if (!rejected) {
      for (const GroupReport& group : received.groups) {
        if (group.functional_id != "FA") groups.push_back(&group);  // 997s are not answered
      }
    }
    if (!ta1 && groups.empty()) {
      return;
    }
    std::string date = !options_.date.empty() ? options_.date : isa[9];
    std::string time = !options_.time.empty() ? options_.time : isa[10];
    std::string version = "00401";
    if (!received.groups.empty() && received.groups[0].version.size() >= 5 &&
        received.groups[0].version[0] == '0') {
      version = received.groups[0].version.substr(0, 5);
    } else if (isa[12].size() == 5) {
      version = isa[12];
    }
    std::string control = Padded(numbers_.interchange++, 9);
    Segment({"ISA", "00", std::string(10, ' '), "00", std::string(10, ' '), PadRight(isa[7], 2),
             PadRight(isa[8], 15), PadRight(isa[5], 2), PadRight(isa[6], 15), date, time, "U",
             version, control, "0", isa[15].empty() ? "P" : isa[15], std::string(1, d_.component)});
    if (ta1) {
      Segment({"TA1", isa[13], isa[9], isa[10],
               worst == nullptr ? "A" : std::string(1, worst->ack_action),
               worst == nullptr ? "000" : worst->ack_code});
    }
    for (const GroupReport* group : groups) {
      Group(*group, date, time);
    }
    Segment({"IEA", std::to_string(groups.size()), control});
  }

  std::string& out() { return out_; }

 private:
  void Segment(std::initializer_list<std::string> elements) {
    size_t last = elements.size();
    // Trailing empty elements are not written.
    while (last > 1 && (elements.begin() + last - 1)->empty()) --last;
    size_t i = 0;
    for (const std::string& e : elements) {
      if (i == last) break;
      if (i > 0) out_.push_back(d_.element);
      out_.append(e);
      ++i;
    }
    out_.append(d_.segment);
    if (d_.segment != "\n" && d_.segment != "\r") out_.push_back('\n');
    ++set_segments_;
  }

  static void AddCode(std::vector<std::string>& codes, const std::string& code) {
    if (!code.empty() && codes.size() < 5 &&
        std::find(codes.begin(), codes.end(), code) == codes.end()) {
      codes.push_back(code);
    }
  }

  void Group(const GroupReport& group, const std::string& date, const std::string& time) {
    std::string group_control = std::to_string(numbers_.group++);
    std::string set_control = Padded(numbers_.transaction++, 4);
    std::string gs_date = group.date.size() == 8 ? group.date.substr(0, 2) + date : "20" + date;
    std::string version = group.version.size() >= 6 ? group.version.substr(0, 6) : "004010";
    Segment({"GS", "FA", group.receiver, group.sender, gs_date, time, group_control, "X", version});
    set_segments_ = 0;
    Segment({"ST", "997", set_control});
    Segment({"AK1", group.functional_id, group.control});
    std::vector<std::string> group_codes;
    bool trailer_mismatch = false;
    for (const Finding& f : group.findings) {
      if (f.level == FaultLevel::kGroup) {
        AddCode(group_codes, f.ack_code);
        trailer_mismatch |= f.ack_code == "4";
      }
    }
    size_t accepted = 0;
    // When GE02 does not match GS06 the trailer cannot be tied to the sets: the group is
    // rejected as a whole, without set detail.
    if (!trailer_mismatch) {
      for (const SetReport& set : group.sets) {
        Segment({"AK2", set.id, set.control});
        std::vector<std::string> set_codes;
        bool segment_errors = false;
        for (const Finding& f : set.findings) {
          if (f.level == FaultLevel::kSegment) {
            segment_errors = true;
            Segment({"AK3", f.tag, std::to_string(f.set_position), f.loop_id,
                     f.element_position != 0 ? "8" : f.ack_code});
            if (f.element_position != 0) {
              Segment(
                  {"AK4", std::to_string(f.element_position), "", f.element_code, f.element_value});
            }
          } else {
            AddCode(set_codes, f.ack_code);
          }
        }
        if (segment_errors) AddCode(set_codes, "5");
        std::string status = set_codes.empty() ? "A" : "R";
        if (status == "A") ++accepted;
        std::vector<std::string> ak5 = {"AK5", status};
        ak5.insert(ak5.end(), set_codes.begin(), set_codes.end());
        Elements(ak5);
      }
    }
    size_t received = group.sets.size();
    std::string status;
    if (!group_codes.empty()) {
      status = "R";
    } else if (accepted == received) {
      status = "A";
    } else if (accepted == 0) {
      status = "R";
    } else {
      status = "P";
    }
    std::string declared =
        group.declared_sets.empty() ? std::to_string(received) : group.declared_sets;
    std::vector<std::string> ak9 = {"AK9", status, declared, std::to_string(received),
                                    std::to_string(accepted)};
    ak9.insert(ak9.end(), group_codes.begin(), group_codes.end());
    Elements(ak9);
    size_t count = set_segments_ + 1;
    Segment({"SE", std::to_string(count), set_control});
    Segment({"GE", "1", group_control});
  }

  void Elements(const std::vector<std::string>& elements) {
    for (size_t i = 0; i < elements.size(); ++i) {
      if (i > 0) out_.push_back(d_.element);
      out_.append(elements[i]);
    }
    out_.append(d_.segment);
    if (d_.segment != "\n" && d_.segment != "\r") out_.push_back('\n');
    ++set_segments_;
  }

  const AckOptions& options_;
  ControlNumbers numbers_;
  Delimiters d_;
  size_t set_segments_ = 0;
  std::string out_;
};

}  // namespace

struct AckStream::Impl {
  explicit Impl(const AckOptions& o) : options(o), reader(Lenient(), collector) {}
  static ParseOptions Lenient() {
    ParseOptions lenient;
    lenient.lenient = true;  // so that every fault is seen
    return lenient;
  }
  AckOptions options;
  Collector collector;
  Reader reader;
  Status read;  // the first fault even lenient reading cannot pass; the rest is not read
};

AckStream::AckStream(const AckOptions& options) : impl_(std::make_unique<Impl>(options)) {}

AckStream::~AckStream() = default;

Status AckStream::Feed(std::string_view chunk) {
  if (impl_->read.ok()) {
    impl_->read = impl_->reader.Feed(chunk);
  }
  return Status::Ok();
}

Result<std::string> AckStream::Finish() {
  Impl& s = *impl_;
  if (s.read.ok()) {
    s.read = s.reader.Finish();
  }
  if (!s.read.ok()) {
    if (s.collector.interchanges.empty()) {
      return s.read;
    }
    // A fault even lenient reading cannot pass: the interchange it is in is rejected.
    Finding fatal;
    fatal.level = FaultLevel::kInterchange;
    fatal.ack_code = "024";
    fatal.ack_action = 'R';
    s.collector.interchanges.back().findings.push_back(fatal);
  }
  AckWriter writer(s.options);
  for (const InterchangeReport& interchange : s.collector.interchanges) {
    writer.Interchange(interchange);
  }
  return std::move(writer.out());
}

Result<std::string> Acknowledge(std::string_view bytes, const AckOptions& options) {
  AckStream stream(options);
  ERPHUB_TRY(stream.Feed(bytes));
  return stream.Finish();
}

Result<std::string> Acknowledge(std::string_view bytes) { return Acknowledge(bytes, AckOptions{}); }

}  // namespace erphub::formats::x12
