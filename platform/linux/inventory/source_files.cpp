#include "source_files.hpp"

namespace shouwei::platform {

std::optional<SourceFile> read_first(const RootFs& root,
                                     std::initializer_list<std::string_view> paths,
                                     std::size_t max_bytes, Warnings& warnings) {
  for (const auto path : paths) {
    auto content = root.read(path, max_bytes);
    if (content.ok()) return SourceFile{std::string(path), std::move(content).value()};
    if (content.error().code == Errc::not_found) continue;
    warnings.push_back(content.error().message);
    return std::nullopt;
  }
  return std::nullopt;
}

}  // namespace shouwei::platform
