#include "formats/edifact/tokenizer.h"

#include <cstring>

#include "core/json.h"
#include "core/utf8.h"

namespace erphub::formats::edifact {

const Piece* SegmentView::Find(uint32_t element, uint32_t component) const {
  for (const Piece& piece : pieces) {
    if (piece.element == element && piece.repetition == 0 && piece.component == component) {
      return &piece;
    }
    if (piece.element > element) {
      break;
    }
  }
  return nullptr;
}

size_t FindTerminator(std::string_view text, size_t from, const Separators& separators) {
  const char* data = text.data();
  size_t pos = from;
  while (pos < text.size()) {
    const void* hit = std::memchr(data + pos, separators.terminator, text.size() - pos);
    if (hit == nullptr) {
      return std::string_view::npos;
    }
    size_t at = static_cast<size_t>(static_cast<const char*>(hit) - data);
    if (separators.release == '\0') {
      return at;
    }
    // A terminator is released when an odd number of release characters precede it.
    size_t releases = 0;
    while (at - releases > from && data[at - releases - 1] == separators.release) {
      ++releases;
    }
    if (releases % 2 == 0) {
      return at;
    }
    pos = at + 1;
  }
  return std::string_view::npos;
}

void SplitSegment(std::string_view text, const Separators& s, SegmentView& out) {
  out.text = text;
  out.pieces.clear();
  Piece piece;
  const size_t n = text.size();
  for (size_t i = 0; i < n; ++i) {
    char c = text[i];
    if (c == s.release && s.release != '\0') {
      piece.released = true;
      ++i;  // the next character is data
      continue;
    }
    if (c == s.element) {
      piece.end = static_cast<uint32_t>(i);
      out.pieces.push_back(piece);
      piece = Piece{static_cast<uint32_t>(i + 1), 0, piece.element + 1, 0, 0, false};
    } else if (c == s.component) {
      piece.end = static_cast<uint32_t>(i);
      out.pieces.push_back(piece);
      piece = Piece{static_cast<uint32_t>(i + 1), 0,    piece.element, piece.repetition,
                    piece.component + 1,          false};
    } else if (c == s.repetition && s.repetition != '\0') {
      piece.end = static_cast<uint32_t>(i);
      out.pieces.push_back(piece);
      piece = Piece{static_cast<uint32_t>(i + 1), 0, piece.element, piece.repetition + 1, 0, false};
    }
  }
  piece.end = static_cast<uint32_t>(n < piece.begin ? piece.begin : n);
  out.pieces.push_back(piece);
  out.element_count = out.pieces.back().element + 1;
}

namespace {

bool IsAscii(std::string_view raw) {
  for (char c : raw) {
    if (static_cast<unsigned char>(c) >= 0x80) {
      return false;
    }
  }
  return true;
}

}  // namespace

void AppendData(std::string& out, std::string_view raw, char release, bool released) {
  size_t start = out.size();
  if (!released) {
    out.append(raw);
  } else {
    for (size_t i = 0; i < raw.size(); ++i) {
      if (raw[i] == release && i + 1 < raw.size()) {
        ++i;
      } else if (raw[i] == release) {
        continue;  // a release character at the very end releases nothing
      }
      out.push_back(raw[i]);
    }
  }
  std::string_view added(out.data() + start, out.size() - start);
  if (IsAscii(added) || InvalidUtf8Offset(added) == std::string_view::npos) {
    return;
  }
  std::string latin1(added);
  out.resize(start);
  for (char c : latin1) {
    AppendUtf8(out, static_cast<unsigned char>(c));
  }
}

std::string DataOf(const SegmentView& view, uint32_t element, uint32_t component,
                   const Separators& separators) {
  std::string out;
  const Piece* piece = view.Find(element, component);
  if (piece != nullptr) {
    AppendData(out, view.Raw(*piece), separators.release, piece->released);
  }
  return out;
}

namespace {

Value PieceValue(const SegmentView& view, const Piece& piece, char release) {
  if (!piece.released && IsAscii(view.Raw(piece))) {
    return Value::Str(view.Raw(piece));
  }
  std::string text;
  AppendData(text, view.Raw(piece), release, piece.released);
  return Value::Str(std::move(text));
}

// One repetition of an element: pieces [first, last).
Value RepetitionValue(const SegmentView& view, size_t first, size_t last, char release) {
  if (last - first == 1) {
    return PieceValue(view, view.pieces[first], release);
  }
  Array components;
  components.reserve(last - first);
  for (size_t i = first; i < last; ++i) {
    components.push_back(PieceValue(view, view.pieces[i], release));
  }
  return Value::MakeArray(std::move(components));
}

}  // namespace

Value SegmentToValue(const SegmentView& view, const Separators& separators) {
  const char release = separators.release;
  Array elements;
  elements.reserve(view.element_count > 0 ? view.element_count - 1 : 0);
  size_t i = 0;
  const size_t n = view.pieces.size();
  std::string tag;
  // The tag is element 0; components of it (rare) stay part of its text.
  while (i < n && view.pieces[i].element == 0) {
    if (i > 0) {
      tag.push_back(separators.component);
    }
    AppendData(tag, view.Raw(view.pieces[i]), release, view.pieces[i].released);
    ++i;
  }
  while (i < n) {
    const uint32_t element = view.pieces[i].element;
    size_t end = i;
    bool repeated = false;
    while (end < n && view.pieces[end].element == element) {
      repeated = repeated || view.pieces[end].repetition != 0;
      ++end;
    }
    if (!repeated) {
      elements.push_back(RepetitionValue(view, i, end, release));
    } else {
      Array repetitions;
      size_t start = i;
      while (start < end) {
        size_t stop = start;
        while (stop < end && view.pieces[stop].repetition == view.pieces[start].repetition) {
          ++stop;
        }
        repetitions.push_back(RepetitionValue(view, start, stop, release));
        start = stop;
      }
      Value holder = Value::MakeObject();
      holder.Set("repeat", Value::MakeArray(std::move(repetitions)));
      elements.push_back(std::move(holder));
    }
    i = end;
  }
  Object segment;
  segment.Reserve(2);
  segment.Append("tag", Value::Str(std::move(tag)));
  segment.Append("elements", Value::MakeArray(std::move(elements)));
  return Value::MakeObject(std::move(segment));
}

bool IsValidTag(std::string_view tag) {
  if (tag.size() != 3) {
    return false;
  }
  for (char c : tag) {
    if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) {
      return false;
    }
  }
  return true;
}

}  // namespace erphub::formats::edifact
