// X12 reading throughput and memory: tokenize + validate + JSON serialization, as the CLI does.
//   x12_bench generate BYTES        writes an 850 mailbag of at least BYTES to stdout
//   x12_bench parse FILE [SECONDS]  parses FILE from memory repeatedly; best MB/s (processor
//                                   and wall time) as JSON
//   x12_bench stream                parses stdin in 1 MiB chunks; MB/s and peak RSS as JSON
#include <sys/resource.h>
#include <time.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "formats/x12/x12.h"

namespace x12 = erphub::formats::x12;

namespace {

constexpr int kSetsPerInterchange = 200;
constexpr int kLinesPerSet = 10;

void Generate(uint64_t bytes) {
  std::string out;
  uint64_t written = 0;
  for (int interchange = 1; written < bytes; ++interchange) {
    char header[256];
    snprintf(header, sizeof(header),
             "ISA*00*          *00*          *ZZ*BUYERCO        *ZZ*SUPPLIERCO     *240101*1200*"
             "U*00401*%09d*0*P*>~\nGS*PO*BUYERCO*SUPPLIERCO*20240101*1200*%d*X*004010~\n",
             interchange % 1000000000, interchange);
    out = header;
    for (int set = 1; set <= kSetsPerInterchange; ++set) {
      char line[512];
      int segments = 0;
      auto add = [&](const char* text) {
        out += text;
        ++segments;
      };
      snprintf(line, sizeof(line), "ST*850*%04d~\n", set);
      add(line);
      snprintf(line, sizeof(line), "BEG*00*SA*PO%06d%04d**20240101~\n", interchange, set);
      add(line);
      add("REF*DP*038~\nDTM*002*20240115~\n");
      ++segments;
      snprintf(line, sizeof(line),
               "N1*ST*STORE %d*9*0003947268292~\nN3*31875 SOLON RD~\nN4*SOLON*OH*44139~\n", set);
      add(line);
      segments += 2;
      for (int i = 1; i <= kLinesPerSet; ++i) {
        snprintf(line, sizeof(line),
                 "PO1*%d*%d*EA*%d.%02d*TE*CB*0653%02d-117*PR*RO*VN*AB%04d~\n"
                 "PID*F****WIDGET MODEL %d~\nPO4*4*4*EA*PLT94**3*LR*15*CT~\n",
                 i, 10 + (set * i) % 500, 1 + (set + i) % 90, (set * 7 + i) % 100, i, set % 10000,
                 i);
        add(line);
        segments += 2;
      }
      snprintf(line, sizeof(line), "CTT*%d~\n", kLinesPerSet);
      add(line);
      snprintf(line, sizeof(line), "SE*%d*%04d~\n", segments + 1, set);
      out += line;
    }
    snprintf(header, sizeof(header), "GE*%d*%d~\nIEA*1*%09d~\n", kSetsPerInterchange, interchange,
             interchange % 1000000000);
    out += header;
    fwrite(out.data(), 1, out.size(), stdout);
    written += out.size();
  }
}

// Processor time of this process: the machine is shared, so wall time overstates the cost.
double CpuSeconds() {
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

double WallSeconds() {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

double PeakRssMb() {
  struct rusage usage;
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;
}

int Parse(const char* path, double min_seconds) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  std::string bytes = text.str();
  double best = 1e30;
  double best_wall = 1e30;
  uint64_t json_bytes = 0;
  double total = 0;
  int runs = 0;
  while (total < min_seconds || runs < 3) {
    json_bytes = 0;
    double cpu_start = CpuSeconds();
    double wall_start = WallSeconds();
    x12::JsonStream stream(x12::ParseOptions{}, [&json_bytes](std::string_view piece) {
      json_bytes += piece.size();
      return erphub::Status::Ok();
    });
    erphub::Status status = stream.Feed(bytes);
    if (status.ok()) status = stream.Finish();
    double seconds = CpuSeconds() - cpu_start;
    double wall = WallSeconds() - wall_start;
    if (!status.ok()) {
      fprintf(stderr, "%s\n", status.ToString().c_str());
      return 1;
    }
    best = seconds < best ? seconds : best;
    best_wall = wall < best_wall ? wall : best_wall;
    total += seconds;
    ++runs;
  }
  printf(
      "{\"bytes\":%zu,\"json_bytes\":%llu,\"cpu_seconds\":%.6f,\"mb_per_s\":%.1f,"
      "\"wall_seconds\":%.6f,\"wall_mb_per_s\":%.1f,\"runs\":%d}\n",
      bytes.size(), static_cast<unsigned long long>(json_bytes), best,
      static_cast<double>(bytes.size()) / 1e6 / best, best_wall,
      static_cast<double>(bytes.size()) / 1e6 / best_wall, runs);
  return 0;
}

int Stream() {
  uint64_t in_bytes = 0;
  uint64_t json_bytes = 0;
  double cpu_start = CpuSeconds();
  x12::JsonStream stream(x12::ParseOptions{}, [&json_bytes](std::string_view piece) {
    json_bytes += piece.size();
    return erphub::Status::Ok();
  });
  std::string chunk(1 << 20, '\0');
  while (true) {
    size_t n = fread(chunk.data(), 1, chunk.size(), stdin);
    if (n == 0) break;
    in_bytes += n;
    erphub::Status status = stream.Feed(std::string_view(chunk.data(), n));
    if (!status.ok()) {
      fprintf(stderr, "%s\n", status.ToString().c_str());
      return 1;
    }
  }
  erphub::Status status = stream.Finish();
  if (!status.ok()) {
    fprintf(stderr, "%s\n", status.ToString().c_str());
    return 1;
  }
  double seconds = CpuSeconds() - cpu_start;
  printf(
      "{\"bytes\":%llu,\"json_bytes\":%llu,\"cpu_seconds\":%.3f,\"mb_per_s\":%.1f,"
      "\"peak_rss_mb\":%.1f}\n",
      static_cast<unsigned long long>(in_bytes), static_cast<unsigned long long>(json_bytes),
      seconds, static_cast<double>(in_bytes) / 1e6 / seconds, PeakRssMb());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::string mode = argc > 1 ? argv[1] : "";
  if (mode == "generate" && argc == 3) {
    Generate(std::strtoull(argv[2], nullptr, 10));
    return 0;
  }
  if (mode == "parse" && argc >= 3) {
    return Parse(argv[2], argc > 3 ? std::atof(argv[3]) : 3.0);
  }
  if (mode == "stream") {
    return Stream();
  }
  fprintf(stderr, "usage: x12_bench generate BYTES | parse FILE [SECONDS] | stream\n");
  return 2;
}
