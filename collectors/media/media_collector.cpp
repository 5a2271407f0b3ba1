#include "shouwei/collectors/media/media_collector.hpp"

#include <algorithm>
#include <charconv>

#include <boost/json/array.hpp>

namespace shouwei::collectors::media {
namespace {

class MediaCollector final : public Collector {
 public:
  MediaCollector(MediaEventStore& store, const MediaRules& rules) : store_(store), rules_(rules) {}

  std::string_view section() const override { return "media"; }

  Result<boost::json::object> collect(const CollectContext&) override {
    SHOUWEI_TRY(auto events, store_.pending(kMaxMediaEventsPerSnapshot));
    SHOUWEI_TRY(const std::int64_t dropped, store_.dropped_count());
    boost::json::array list;
    last_included_ = 0;
    for (auto& e : events) {
      last_included_ = std::max(last_included_, e.id);
      list.push_back(std::move(e.event));
    }
    boost::json::object section;
    section["events"] = std::move(list);
    section["events_dropped"] = dropped;
    section["mode"] = to_string(rules_.mode);
    section["unregistered"] = to_string(rules_.unregistered);
    return section;
  }

  // Decisions stay stored until the server acknowledged the snapshot that carried them.
  std::optional<std::string> ack_marker() const override {
    if (last_included_ == 0) return std::nullopt;
    return std::to_string(last_included_);
  }

  Result<void> acknowledge(std::string_view marker) override {
    std::int64_t through = 0;
    const char* end = marker.data() + marker.size();
    auto [stop, ec] = std::from_chars(marker.data(), end, through);
    if (ec != std::errc() || stop != end || through <= 0) {
      return fail(Errc::parse, "media acknowledgement marker is not an event id");
    }
    return store_.acknowledge_through(through);
  }

 private:
  MediaEventStore& store_;
  const MediaRules& rules_;
  std::int64_t last_included_ = 0;
};

}  // namespace

std::unique_ptr<Collector> make_media_collector(MediaEventStore& store, const MediaRules& rules) {
  return std::make_unique<MediaCollector>(store, rules);
}

}  // namespace shouwei::collectors::media
