#include "components/inputs/tryton_input.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "components/factory_support.h"
#include "components/inputs/poller.h"
#include "components/inputs/state_commit.h"
#include "components/text_template.h"
#include "core/json.h"
#include "mapping/jsonata.h"
#include "systems/tryton/change_feed.h"
#include "systems/tryton/client.h"
#include "systems/tryton/entity_feeds.h"
#include "systems/tryton/mappings.h"

namespace erphub::components {
namespace {

using std::chrono::milliseconds;

constexpr const char* kEntities[] = {"inventory_level", "invoice", "shipment"};

enum class Start { kAll, kNew };

struct EntitySettings {
  std::string name;
  jsonata::Expression mapping;
  std::string mapping_origin;  // "built-in invoice.jsonata" or the file
};

struct TrytonInputSettings {
  tryton::ClientOptions client;
  std::vector<EntitySettings> entities;
  milliseconds poll_interval{5000};
  int64_t batch = 100;
  Start start = Start::kAll;
  std::vector<std::string> warehouses;
  milliseconds mapping_time_limit{1000};
  // How far back each poll looks for changes committed after later ones were read.
  milliseconds lookback{0};
};

// One entity's feed and where it has been committed up to.
struct EntityState {
  EntitySettings settings;
  std::unique_ptr<tryton::EntityFeed> feed;
  std::string key;  // in the store
  bool loaded = false;
  std::optional<std::string> stored;  // the watermark as stored; nullopt: none yet
  tryton::Watermark watermark;
  // The changes read within the lookback window: record id -> change time.
  std::map<int64_t, std::string> recent;
};

class TrytonInput final : public Input {
 public:
  explicit TrytonInput(TrytonInputSettings settings)
      : settings_(std::move(settings)), client_(settings_.client) {}
  ~TrytonInput() override { Stop(); }

  Status Start(const InputContext& context) override {
    if (context.intake == nullptr) {
      return InternalError("tryton input started without an intake");
    }
    context_ = context;
    for (EntitySettings& entity : settings_.entities) {
      std::unique_ptr<tryton::EntityFeed> feed;
      if (entity.name == "invoice") {
        feed = tryton::InvoiceFeed(client_);
      } else if (entity.name == "shipment") {
        feed = tryton::ShipmentFeed(client_);
      } else {
        feed = tryton::InventoryFeed(client_, settings_.warehouses);
      }
      std::string key = "tryton-input:" + context.flow + ":" + entity.name;
      entities_.push_back(EntityState{.settings = std::move(entity),
                                      .feed = std::move(feed),
                                      .key = std::move(key),
                                      .loaded = false,
                                      .stored = std::nullopt,
                                      .watermark = {},
                                      .recent = {}});
    }
    settings_.entities.clear();
    ERPHUB_TRY(RequireStoreState(*context_.intake, entities_.front().key,
                                 "the tryton input keeps its watermarks"));
    poller_.Start([this] { Run(); });
    return Status::Ok();
  }

  void Stop() override { poller_.Stop(); }

 private:
  void Run() {
    while (true) {
      for (EntityState& entity : entities_) {
        if (poller_.stopping()) {
          return;
        }
        Status polled = Poll(entity);
        if (!polled.ok()) {
          // Tryton or the store is away, or another process moved the watermark: the next
          // poll starts again from the watermark in the store.
          entity.loaded = false;
          if (context_.metrics != nullptr) {
            context_.metrics->CountLabeled(
                "erphub_tryton_poll_errors_total", 1,
                {{"entity", entity.settings.name}, {"code", StatusCodeName(polled.code())}});
          }
        }
      }
      if (!poller_.Pause()) {
        return;
      }
    }
  }

  // Where `entity` was committed up to, from the store; on the very first run, the beginning or
  // (start: new) the latest change now, committed at once.
  Status Load(EntityState& entity) {
    ERPHUB_ASSIGN_OR_RETURN(entity.stored, context_.intake->GetState(entity.key));
    if (entity.stored.has_value()) {
      ERPHUB_ASSIGN_OR_RETURN(entity.watermark, tryton::Watermark::Parse(*entity.stored));
    } else if (settings_.start == Start::kNew) {
      ERPHUB_ASSIGN_OR_RETURN(tryton::Watermark latest, entity.feed->Latest());
      ERPHUB_TRY(Commit(entity, {}, latest));
    } else {
      entity.watermark = tryton::Watermark{};
    }
    entity.loaded = true;
    return Status::Ok();
  }

  // Reads and commits `entity`'s changes batch after batch until it has caught up, then looks
  // back for changes committed late.
  Status Poll(EntityState& entity) {
    if (!entity.loaded) {
      ERPHUB_TRY(Load(entity));
    }
    while (true) {
      if (poller_.stopping() || context_.intake->Overloaded()) {
        return Status::Ok();  // the next poll goes on
      }
      ERPHUB_ASSIGN_OR_RETURN(tryton::SourceBatch batch,
                              entity.feed->Read(entity.watermark, settings_.batch));
      if (batch.last == entity.watermark) {
        break;
      }
      std::vector<IntakeItem> items;
      items.reserve(batch.documents.size());
      for (tryton::SourceDocument& document : batch.documents) {
        ERPHUB_ASSIGN_OR_RETURN(std::optional<IntakeItem> item, Map(entity, document));
        if (item.has_value()) {
          items.push_back(std::move(*item));
        }
      }
      ERPHUB_TRY(Commit(entity, std::move(items), batch.last));
      Remember(entity, batch.changes);
      if (!batch.full) {
        break;
      }
    }
    return settings_.lookback.count() > 0 ? CatchMissed(entity) : Status::Ok();
  }

  // Emits the changes within the lookback window before the watermark that were not read: ones
  // a long transaction committed after later changes had been read.
  Status CatchMissed(EntityState& entity) {
    if (entity.watermark.time.empty()) {
      return Status::Ok();
    }
    ERPHUB_ASSIGN_OR_RETURN(
        std::string from, tryton::EarlierTime(entity.watermark.time,
                                              std::chrono::duration_cast<std::chrono::microseconds>(
                                                  settings_.lookback)));
    std::erase_if(entity.recent, [&](const auto& entry) { return entry.second < from; });
    auto seen = [&](const tryton::Watermark& change) {
      auto found = entity.recent.find(change.id);
      return found != entity.recent.end() && found->second >= change.time;
    };
    ERPHUB_ASSIGN_OR_RETURN(tryton::SourceBatch missed,
                            entity.feed->ReadMissed(tryton::Watermark{from, 0}, entity.watermark,
                                                    seen, settings_.batch * 10));
    if (missed.changes.empty()) {
      return Status::Ok();
    }
    std::vector<IntakeItem> items;
    for (tryton::SourceDocument& document : missed.documents) {
      ERPHUB_ASSIGN_OR_RETURN(std::optional<IntakeItem> item, Map(entity, document));
      if (item.has_value()) {
        items.push_back(std::move(*item));
      }
    }
    // The watermark stays; writing it again fails the commit should another process have
    // moved it meanwhile.
    tryton::Watermark same = entity.watermark;
    ERPHUB_TRY(Commit(entity, std::move(items), same));
    Remember(entity, missed.changes);
    Count("erphub_tryton_late_changes_total", static_cast<double>(missed.changes.size()));
    return Status::Ok();
  }

  void Remember(EntityState& entity, const std::vector<tryton::Watermark>& changes) {
    if (settings_.lookback.count() == 0) {
      return;
    }
    for (const tryton::Watermark& change : changes) {
      std::string& time = entity.recent[change.id];
      time = std::max(time, change.time);
    }
  }

  // The document as a message, or nullopt once quarantined because its mapping failed.
  Result<std::optional<IntakeItem>> Map(const EntityState& entity,
                                        tryton::SourceDocument& document) {
    jsonata::EvalOptions options;
    options.time_limit = settings_.mapping_time_limit;
    auto mapped = entity.settings.mapping.Evaluate(document.document, options);
    std::string problem;
    if (!mapped.ok()) {
      problem = mapped.error().ToString();
    } else if (!mapped->is_object()) {
      problem = "the mapping gave no object";
    }
    if (problem.empty()) {
      return std::optional<IntakeItem>(
          IntakeItem{.payload = std::move(*mapped),
                     .headers = {{"X-Tryton-Entity", entity.settings.name}},
                     .event_id = std::move(document.event_id),
                     .source = std::move(document.source)});
    }
    ERPHUB_TRY(
        context_.intake
            ->Quarantine(QuarantineItem{.raw = ToJson(document.document),
                                        .reason = "mapping " + entity.settings.mapping_origin +
                                                  " failed on " + document.source + ": " + problem,
                                        .source = document.source,
                                        .headers = {{"X-Tryton-Entity", entity.settings.name}}})
            .status());
    return std::optional<IntakeItem>();
  }

  // Commits the messages and the watermark after them together.
  Status Commit(EntityState& entity, std::vector<IntakeItem> items,
                const tryton::Watermark& watermark) {
    std::string encoded = watermark.Encode();
    size_t count = items.size();
    std::vector<StateChange> change = {StateChange{entity.key, entity.stored, encoded}};
    ERPHUB_TRY(CommitWithState(*context_.intake, std::move(items), change));
    entity.stored = std::move(encoded);
    entity.watermark = watermark;
    Count("erphub_tryton_changes_total", static_cast<double>(count));
    return Status::Ok();
  }

  void Count(std::string_view name, double delta) {
    if (context_.metrics != nullptr && delta != 0) {
      context_.metrics->Count(name, delta);
    }
  }

  TrytonInputSettings settings_;
  tryton::Client client_;
  InputContext context_;
  std::vector<EntityState> entities_;       // only touched by the polling thread after Start
  Poller poller_{settings_.poll_interval};  // last: stops before the rest goes away
};

Value EntityNames() {
  Value names = Value::MakeArray();
  for (const char* entity : kEntities) {
    names.push_back(Value::Str(entity));
  }
  return names;
}

Result<std::string> ReadText(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return NotFoundError("cannot read " + path.string());
  }
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

ComponentSpec TrytonInputSpec() {
  std::vector<std::string> entities(std::begin(kEntities), std::end(kEntities));
  return ComponentSpec::Input("tryton")
      .Summary(
          "Polls Tryton (JSON-RPC) for changed stock levels, invoices and shipments; each "
          "change is a canonical record.")
      .Field(StringField("url").Required().Check(IsHttpUrl).Description(
          "Tryton's address, e.g. http://127.0.0.1:8000/."))
      .Field(StringField("database").Required().Min(1).Description("Tryton database name."))
      .Field(StringField("user").Required().Min(1).Description("Tryton login."))
      .Field(StringField("password").Required().Secret().Description("Password of the login."))
      .Field(ListField("entities", EnumField("entity", entities))
                 .Default(EntityNames())
                 .Min(1)
                 .Description("What to emit: inventory_level (a product's quantity in a "
                              "warehouse, after stock moves), invoice (customer invoices once "
                              "posted, and their later changes), shipment (customer shipments, "
                              "each change of state)."))
      .Field(DurationField("poll_interval")
                 .Default("5s")
                 .Min(milliseconds(100))
                 .Description("Pause between two polls once every entity has caught up."))
      .Field(IntField("batch").Default(100).Min(1).Max(1000).Description(
          "Changed records read per call, committed together with the "
          "watermark after them."))
      .Field(EnumField("start", {"all", "new"})
                 .Default("all")
                 .Description("Where a flow that has never run starts: all (every record there "
                              "is, e.g. every product's stock level) or new (only changes made "
                              "from now on). Later runs resume from the stored watermark."))
      .Field(ListField("warehouses", StringField("code").Min(1))
                 .Description("Codes of the warehouses whose stock levels are emitted; all "
                              "warehouses when absent."))
      .Field(
          MapField("mappings", StringField("file").Min(1))
              .Description("Mappings of one's own, by entity: a JSONata file (relative to "
                           "the config) from the feed's document to the canonical record, "
                           "instead of the built-in src/systems/tryton/mappings/ENTITY.jsonata."))
      .Field(DurationField("lookback")
                 .Default("0s")
                 .Description(
                     "How far before the watermark each poll looks again for changes committed "
                     "late. A change is stamped when its transaction writes; with SQLite one "
                     "transaction writes at a time, so stamps follow the order of commits and "
                     "0s is right. PostgreSQL stamps a change with its transaction's start: a "
                     "long transaction can commit changes older than others read already, so "
                     "set this above the longest transaction (e.g. 60s). Changes found again "
                     "keep their event ids; after a restart, stock levels within the window may "
                     "be sent once more."))
      .Field(DurationField("mapping_time_limit")
                 .Default("1s")
                 .Min(milliseconds(1))
                 .Description("Longest one mapping evaluation may take."))
      .Field(DurationField("timeout")
                 .Default("60s")
                 .Min(milliseconds(1))
                 .Description("Time limit of one JSON-RPC call."));
}

Result<std::unique_ptr<Component>> MakeTrytonInput(const ComponentConfig& config,
                                                   const ComponentEnv& env) {
  TrytonInputSettings settings;
  settings.client.url = std::string(config.GetString("url"));
  settings.client.database = std::string(config.GetString("database"));
  settings.client.user = std::string(config.GetString("user"));
  settings.client.password = std::string(config.GetString("password"));
  settings.client.timeout = config.GetDuration("timeout");
  settings.poll_interval = config.GetDuration("poll_interval");
  settings.batch = config.GetInt("batch");
  settings.start = config.GetString("start") == "new" ? Start::kNew : Start::kAll;
  settings.mapping_time_limit = config.GetDuration("mapping_time_limit");
  settings.lookback = config.GetDuration("lookback");
  const Value& warehouses = config.Get("warehouses");
  if (warehouses.is_array()) {
    for (const Value& code : warehouses.as_array()) {
      settings.warehouses.push_back(std::string(code.as_string()));
    }
  }
  const Value& own = config.Get("mappings");
  if (own.is_object()) {
    for (const auto& [entity, file] : own.as_object()) {
      if (std::find(std::begin(kEntities), std::end(kEntities), entity) == std::end(kEntities)) {
        return ConfigProblem(
            config, "mappings",
            "names no entity: " + entity + " (inventory_level, invoice or shipment)");
      }
    }
  }
  const Value& entities = config.Get("entities");
  for (const Value& entity : entities.as_array()) {
    std::string name(entity.as_string());
    bool repeated = std::any_of(settings.entities.begin(), settings.entities.end(),
                                [&](const EntitySettings& e) { return e.name == name; });
    if (repeated) {
      return ConfigProblem(config, "entities", "names " + name + " twice");
    }
    std::string text;
    std::string origin;
    const Value& file = own.is_object() ? own.Get(name) : Value::Undefined();
    if (file.is_string()) {
      std::filesystem::path path = ResolveConfigPath(env, file.as_string());
      auto read = ReadText(path);
      if (!read.ok()) {
        return ConfigProblem(config, "mappings", std::string(read.error().message()));
      }
      text = std::move(*read);
      origin = path.string();
    } else {
      text = std::string(tryton::BuiltinMapping(name));
      origin = "built-in " + name + ".jsonata";
    }
    auto expression = jsonata::Expression::Compile(text);
    if (!expression.ok()) {
      TextPlace at = PlaceIn(text, ErrorOffset(expression.error(), text));
      return ConfigProblem(config, file.is_string() ? "mappings" : "entities",
                           origin + ":" + std::to_string(at.line) + ":" +
                               std::to_string(at.column) + ": " + expression.error().ToString());
    }
    settings.entities.push_back(EntitySettings{name, std::move(*expression), origin});
  }
  return std::unique_ptr<Component>(std::make_unique<TrytonInput>(std::move(settings)));
}

}  // namespace erphub::components
