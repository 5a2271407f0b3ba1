// The device key: generated at first start, kept owner-only in state_dir, never regenerated
// while the file exists (the device id is its keyid, so a new key is a new device).
#pragma once

#include <filesystem>

#include "shouwei/common/keys.hpp"
#include "shouwei/common/result.hpp"

namespace shouwei::agent {

inline constexpr std::string_view kDeviceKeyFile = "device.key";

// Loads <state_dir>/device.key, or generates one with `algorithm` when there is none. An
// existing key whose algorithm differs from `algorithm` is kept (identity wins) and a warning
// is logged. A garbage or over-permissive key file is an error naming it; it is not replaced.
Result<PrivateKey> load_or_create_device_key(const std::filesystem::path& state_dir,
                                             KeyAlgorithm algorithm);

// The device id the server and every snapshot use: the keyid of the device public key.
inline const std::string& device_id_of(const PrivateKey& key) { return key.keyid(); }

}  // namespace shouwei::agent
