#include "shouwei/collectors/media/media_collector.hpp"

#include <boost/json/array.hpp>

namespace shouwei::collectors::media {
namespace {

class MediaCollector final : public StoredRecordsCollector {
 public:
  MediaCollector(MediaEventStore& store, const MediaRules& rules) : store_(store), rules_(rules) {}

  std::string_view section() const override { return "media"; }

  Result<boost::json::object> collect(const CollectContext&) override {
    SHOUWEI_TRY(auto events, store_.pending(kMaxMediaEventsPerSnapshot));
    SHOUWEI_TRY(const std::int64_t dropped, store_.dropped_count());
    boost::json::array list;
    reset_included();
    for (auto& e : events) {
      note_included(e.id);
      list.push_back(std::move(e.event));
    }
    boost::json::object section;
    section["events"] = std::move(list);
    section["events_dropped"] = dropped;
    section["mode"] = to_string(rules_.mode);
    section["unregistered"] = to_string(rules_.unregistered);
    return section;
  }


 protected:
  Result<void> acknowledge_through(std::int64_t id) override { return store_.acknowledge_through(id); }

 private:
  MediaEventStore& store_;
  const MediaRules& rules_;
};

}  // namespace

std::unique_ptr<Collector> make_media_collector(MediaEventStore& store, const MediaRules& rules) {
  return std::make_unique<MediaCollector>(store, rules);
}

}  // namespace shouwei::collectors::media
