#include "cli/store_access.h"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string_view>

#include "core/config_node.h"
#include "core/interpolation.h"
#include "store/open_store.h"

namespace erphub::cli {

void AddStoreOptions(CLI::App* cmd, StoreArgs& args) {
  CLI::Option* config =
      cmd->add_option("-c,--config", args.config_file,
                      "The hub's config file: its store url says where the store is");
  CLI::Option* store = cmd->add_option(
      "--store", args.store_url, "The store's url instead of a config, e.g. sqlite:./data/hub.db");
  config->excludes(store);
  store->excludes(config);
}

Result<std::string> StoreUrlFromConfig(const std::string& config_file) {
  std::ifstream in(config_file, std::ios::binary);
  if (!in) {
    return NotFoundError("cannot open the config file", config_file);
  }
  std::ostringstream text;
  text << in.rdbuf();
  Result<ConfigNode, Diagnostics> root = ParseConfigYaml(text.str(), config_file);
  if (!root.ok()) {
    return InvalidArgumentError(root.error().ToString(), config_file);
  }
  const ConfigEntry* store = root->is_map() ? root->Find("store") : nullptr;
  const ConfigEntry* url =
      store != nullptr && store->value.is_map() ? store->value.Find("url") : nullptr;
  if (url == nullptr || !url->value.is_scalar()) {
    return InvalidArgumentError("the config names no store (store.url)", config_file);
  }
  std::string place =
      config_file + ":" + std::to_string(url->value.line) + ":" + std::to_string(url->value.column);
  Result<std::string, InterpolationError> resolved = Interpolate(url->value.text, ProcessEnv());
  if (!resolved.ok()) {
    return InvalidArgumentError("store.url: " + resolved.error().message, place);
  }
  // As `erphub run` reads it: a relative sqlite path is relative to the config's folder.
  for (std::string_view prefix : {"sqlite://", "sqlite:"}) {
    if (resolved->starts_with(prefix)) {
      std::filesystem::path path = resolved->substr(prefix.size());
      if (!path.empty() && path.is_relative()) {
        path = std::filesystem::path(config_file).parent_path() / path;
        return std::string(prefix) + path.lexically_normal().string();
      }
      break;
    }
  }
  return *resolved;
}

Result<std::unique_ptr<store::Store>> OpenOperatorStore(const StoreArgs& args) {
  std::string url = args.store_url;
  if (url.empty()) {
    if (args.config_file.empty()) {
      return InvalidArgumentError("name the store with --config CONFIG or --store URL");
    }
    ERPHUB_ASSIGN_OR_RETURN(url, StoreUrlFromConfig(args.config_file));
  }
  for (std::string_view prefix : {"sqlite://", "sqlite:"}) {
    if (url.starts_with(prefix)) {
      std::string path = url.substr(prefix.size());
      std::error_code ec;
      if (!path.empty() && !std::filesystem::exists(path, ec)) {
        return NotFoundError("there is no store at " + path, url);
      }
      break;
    }
  }
  store::StoreOptions options;
  // The hub checks the file's integrity when it starts; inspecting it should be quick.
  options.check_integrity = false;
  // Inspecting a PostgreSQL database that holds no store does not create one there.
  if (url.starts_with("postgres://") || url.starts_with("postgresql://")) {
    options.apply_migrations = false;
  }
  return store::OpenStore(url, options);
}

}  // namespace erphub::cli
