#include "shouwei/agent/device_identity.hpp"

#include <system_error>

#include <spdlog/spdlog.h>

#include "shouwei/os/utf8_path.hpp"

namespace shouwei::agent {

Result<PrivateKey> load_or_create_device_key(const std::filesystem::path& state_dir,
                                             KeyAlgorithm algorithm) {
  const auto path = state_dir / kDeviceKeyFile;
  std::error_code ec;
  if (std::filesystem::exists(std::filesystem::symlink_status(path, ec))) {
    SHOUWEI_TRY(auto key, PrivateKey::load(path));
    if (key.algorithm() != algorithm) {
      spdlog::warn(
          "{}: device key is {}, configuration asks for {}; keeping the existing key "
          "(the device identity)",
          path_to_utf8(path), to_string(key.algorithm()), to_string(algorithm));
    }
    return key;
  }
  SHOUWEI_TRY(auto key, PrivateKey::generate(algorithm));
  SHOUWEI_TRY_VOID(key.save(path));
  spdlog::info("generated {} device key {} in {}", to_string(algorithm), key.keyid(),
               path_to_utf8(path));
  return key;
}

}  // namespace shouwei::agent
