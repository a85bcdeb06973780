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

// Runs the built erphub binary in a scratch folder and captures what it prints.
class LintCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "erphub-lint-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { fs::remove_all(dir_); }

  void Write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name) << text;
  }

  static std::string Read(const fs::path& path) {
    std::ifstream in(path);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
  }

  // Runs `env erphub args` in the scratch folder; returns the exit code.
  int Run(const std::string& env, const std::string& args) {
    std::string command = "cd '" + dir_.string() + "' && env -u SHOP_WEBHOOK_SECRET " + env +
                          " '" ERPHUB_BINARY "' " + args + " >out.txt 2>err.txt";
    int status = std::system(command.c_str());
    out_ = Read(dir_ / "out.txt");
    err_ = Read(dir_ / "err.txt");
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

  fs::path dir_;
  std::string out_;
  std::string err_;
};

constexpr char kValidConfig[] = R"(listen: ${ERPHUB_LISTEN:-127.0.0.1:8080}
store:
  url: ${ERPHUB_STORE:-sqlite:./data/hub.db}
flows:
  shop-orders:
    from:
      webhook:
        path: /webhooks/shop/orders
        signature: {preset: shopify, secret: "${SHOP_WEBHOOK_SECRET}"}
    key: $string(id)
    steps:
      - validate: {schema: shopify_order.json}
      - map: {file: shop_order_to_sales_order.jsonata}
      - validate: {schema: ../../schemas/canonical/sales_order.json}
    to:
      - http:
          url: ${ERP_URL}/sales-orders
          method: POST
          auth: {type: bearer, token: file:erp.token}
)";

TEST_F(LintCommandTest, ValidConfigExitsZeroWithASummary) {
  Write("erphub.yaml", kValidConfig);
  Write("erp.token", "t0ken-from-file\n");
  EXPECT_EQ(Run("SHOP_WEBHOOK_SECRET=whsec-s3cret ERP_URL=http://127.0.0.1:9000",
                "lint erphub.yaml --show"),
            0)
      << err_;
  EXPECT_EQ(err_, "");
  EXPECT_EQ(out_.substr(0, out_.find('\n')),
            "erphub.yaml: ok: 1 flow (shop-orders), 3 steps, 1 output");
  EXPECT_NE(out_.find("\"url\": \"http://127.0.0.1:9000/sales-orders\""), std::string::npos)
      << out_;
  EXPECT_NE(out_.find("\"max_body\": \"1MB\""), std::string::npos) << out_;
  EXPECT_EQ(out_.find("s3cret"), std::string::npos) << out_;
  EXPECT_EQ(out_.find("t0ken"), std::string::npos) << out_;
}

TEST_F(LintCommandTest, BrokenConfigPrintsEveryProblemAndExitsTwo) {
  Write("broken.yaml", R"(listen: 127.0.0.1:8080
flows:
  shop-orders:
    from:
      webhook:
        signature: {preset: shopfy, secret: "${SHOP_WEBHOOK_SECRET}"}
        max_body: 0
    steps:
      - map: {expression: "$", file: m.jsonata}
    to:
      - http: {url: "ftp://erp", timout: 5s}
    retry: {max_attempts: 0}
)");
  EXPECT_EQ(Run("", "lint broken.yaml"), 2);
  EXPECT_EQ(out_, "");
  EXPECT_EQ(err_,
            "broken.yaml:5:7: flows.shop-orders.from.path: required field is missing\n"
            "broken.yaml:6:29: flows.shop-orders.from.signature.preset: \"shopfy\" is not one of "
            "shopify, stripe, woocommerce, github, standard-webhooks, hmac-sha256 (did you mean "
            "\"shopify\"?)\n"
            "broken.yaml:6:46: flows.shop-orders.from.signature.secret: environment variable "
            "SHOP_WEBHOOK_SECRET is not set (write ${SHOP_WEBHOOK_SECRET:-default} to give a "
            "default)\n"
            "broken.yaml:7:19: flows.shop-orders.from.max_body: 0 is below the minimum 1B\n"
            "broken.yaml:9:38: flows.shop-orders.steps[0].file: set only one of expression or "
            "file\n"
            "broken.yaml:11:21: flows.shop-orders.to[0].url: must start with http:// or https://\n"
            "broken.yaml:11:34: flows.shop-orders.to[0].timout: unknown field (did you mean "
            "\"timeout\"?); known fields: url, method, headers, auth, timeout\n"
            "broken.yaml:12:27: flows.shop-orders.retry.max_attempts: 0 is below the minimum 1\n"
            "8 problems found in broken.yaml\n");
}

TEST_F(LintCommandTest, MissingFileAndMissingArgumentExitTwo) {
  EXPECT_EQ(Run("", "lint nowhere.yaml"), 2);
  EXPECT_NE(err_.find("nowhere.yaml: cannot read the config"), std::string::npos) << err_;
  EXPECT_EQ(Run("", "lint"), 2);
}

}  // namespace
