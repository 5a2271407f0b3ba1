#include "shouwei/collectors/inventory/inventory_collector.hpp"

#include <utility>

namespace shouwei::collectors {
namespace {

class InventoryCollector final : public Collector {
 public:
  InventoryCollector(InventorySource& source, InventoryConfig config)
      : source_(source), config_(std::move(config)) {}

  std::string_view section() const override { return "inventory"; }

  Result<boost::json::object> collect(const CollectContext& /*context*/) override {
    SHOUWEI_TRY(InventoryFacts facts, source_.read());
    return render_inventory(facts, config_);
  }

 private:
  InventorySource& source_;
  InventoryConfig config_;
};

}  // namespace

std::unique_ptr<Collector> make_inventory_collector(InventorySource& source,
                                                    InventoryConfig config) {
  return std::make_unique<InventoryCollector>(source, std::move(config));
}

}  // namespace shouwei::collectors
