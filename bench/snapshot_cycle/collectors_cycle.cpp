// One cycle of the patches, antivirus and compliance collectors against a root ("/" by
// default), as the agent runs them: the figure bench/snapshot_cycle/run.sh reports for these
// three families alone (measured from outside with /usr/bin/time -v). Prints one summary line.
// Usage: shouwei_bench_collectors [ROOT] [--print]   (--print: the payload as JSON instead)
#include <cstdio>
#include <string>

#include <boost/json.hpp>

#include "shouwei/collectors/antivirus/antivirus_collector.hpp"
#include "shouwei/collectors/compliance/compliance.hpp"
#include "shouwei/collectors/patches/patches_collector.hpp"
#include "shouwei/platform/linux/av_products.hpp"
#include "shouwei/platform/linux/package_source.hpp"

int main(int argc, char** argv) {
  using namespace shouwei;
  bool print = argc > 2 && std::string(argv[2]) == "--print";
  RootFs root(argc > 1 ? argv[1] : "/");
  SystemClock clock;
  collectors::CollectContext context{root, clock};
  auto av_config = collectors::antivirus::parse_antivirus_config(nullptr);
  if (!av_config) {
    std::fprintf(stderr, "%s\n", av_config.error().message.c_str());
    return 1;
  }
  auto patches = collectors::make_patches_collector(platform::make_linux_package_source(root));
  auto antivirus =
      collectors::make_antivirus_collector(platform::make_linux_av_products(root), *av_config);
  boost::json::object payload;
  for (auto* c : {patches.get(), antivirus.get()}) {
    auto section = c->collect(context);
    payload[c->section()] =
        section ? boost::json::value(std::move(*section))
                : boost::json::value(boost::json::object{{"error", section.error().message}});
  }
  payload["compliance"] = collectors::compliance::evaluate_compliance(payload, {}, clock.now());
  if (print) {
    std::printf("%s\n", boost::json::serialize(payload).c_str());
    return 0;
  }
  const auto& p = payload["patches"].as_object();
  std::printf(
      "installed=%s pending=%s security=%s products=%s payload_bytes=%zu\n",
      boost::json::serialize(p.contains("installed_count") ? p.at("installed_count") : nullptr)
          .c_str(),
      boost::json::serialize(p.contains("pending_count") ? p.at("pending_count") : nullptr).c_str(),
      boost::json::serialize(p.contains("pending_security_count") ? p.at("pending_security_count")
                                                                  : nullptr)
          .c_str(),
      boost::json::serialize(payload["antivirus"].as_object().contains("product_count")
                                 ? payload["antivirus"].at("product_count")
                                 : nullptr)
          .c_str(),
      boost::json::serialize(payload).size());
  return 0;
}
