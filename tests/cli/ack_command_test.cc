#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace {

namespace fs = std::filesystem;

const std::string kData = std::string(ERPHUB_SOURCE_DIR) + "/tests/data/formats";

struct Outcome {
  int exit_code = -1;
  std::string out;
  std::string err;
};

std::string Read(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

Outcome Ack(const std::string& file) {
  const fs::path out = fs::temp_directory_path() / ("erphub-ack-" + std::to_string(::getpid()));
  const std::string command = "'" ERPHUB_BINARY "' ack '" + file + "' >'" + out.string() +
                              ".out' 2>'" + out.string() + ".err'";
  const int status = std::system(command.c_str());
  Outcome outcome;
  outcome.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  outcome.out = Read(out.string() + ".out");
  outcome.err = Read(out.string() + ".err");
  fs::remove(out.string() + ".out");
  fs::remove(out.string() + ".err");
  return outcome;
}

// The CONTRL for an order with a non-numeric quantity rejects the message and points at the
// segment and the element; the command still exits 0.
TEST(AckCommandTest, EdifactRejectionNamesTheFault) {
  Outcome ack = Ack(kData + "/edifact/ORDERS_erphub_malformed-qty.edi");
  ASSERT_EQ(ack.exit_code, 0) << ack.err;
  EXPECT_NE(ack.out.find("UNH+1+CONTRL:D:3:UN'"), std::string::npos) << ack.out;
  EXPECT_NE(ack.out.find("UCM+1+ORDERS:D:96A:UN:EAN008+4'"), std::string::npos) << ack.out;
  EXPECT_NE(ack.out.find("UCS+13'"), std::string::npos) << ack.out;
  EXPECT_NE(ack.out.find("UCD+37+1:2'"), std::string::npos) << ack.out;
}

TEST(AckCommandTest, X12RejectionNamesTheFault) {
  // The group's trailer names another control number than its header: the group is rejected
  // (AK9 code 4: group control number mismatch).
  Outcome ack = Ack(kData + "/x12/850_derived_bad-ge-control.edi");
  ASSERT_EQ(ack.exit_code, 0) << ack.err;
  EXPECT_NE(ack.out.find("ST*997*0001~"), std::string::npos) << ack.out;
  EXPECT_NE(ack.out.find("AK1*PO*1421~"), std::string::npos) << ack.out;
  EXPECT_NE(ack.out.find("AK9*R*1*1*0*4~"), std::string::npos) << ack.out;
}

TEST(AckCommandTest, AFileThatIsNotEdiIsRefused) {
  const fs::path file = fs::temp_directory_path() / "erphub-ack-not-edi.txt";
  std::ofstream(file) << "id,qty\n1,2\n";
  Outcome ack = Ack(file.string());
  fs::remove(file);
  EXPECT_EQ(ack.exit_code, 1);
  EXPECT_NE(ack.err.find("not an EDI interchange"), std::string::npos) << ack.err;
}

}  // namespace
