// Prints the inventory section of the system under ROOT as one JSON line: the input of
// check_schema.py. Usage: inventory_dump ROOT [ASSET_TAG LOCATION]
#include <cstdio>
#include <string>

#include <boost/json/serialize.hpp>

#include "shouwei/collectors/inventory/inventory_collector.hpp"

int main(int argc, char** argv) {
  if (argc != 2 && argc != 4) {
    std::fprintf(stderr, "usage: inventory_dump ROOT [ASSET_TAG LOCATION]\n");
    return 2;
  }
  using namespace shouwei;
  const RootFs root(argv[1]);
  auto source = collectors::make_inventory_source(root);
  collectors::InventoryConfig config;
  if (argc == 4) config = {argv[2], argv[3]};
  auto collector = collectors::make_inventory_collector(*source, config);
  const SystemClock clock;
  auto section = collector->collect(collectors::CollectContext{root, clock});
  const boost::json::object out =
      section.ok() ? section.value() : boost::json::object{{"error", section.error().message}};
  std::printf("%s\n", boost::json::serialize(out).c_str());
  return 0;
}
