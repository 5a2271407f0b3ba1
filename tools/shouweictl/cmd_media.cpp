// shouweictl media register | inspect | unregister: write, show and remove the signed media tag
// on a USB stick (a whole-disk block device, /dev/sdX) or on a disk image. The stick's data is
// kept: the tag goes into space no partition or file system uses (docs/media-tag.md).
#include <charconv>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include <boost/json/object.hpp>

#include "commands.hpp"
#include "shouwei/collectors/media/decide.hpp"
#include "shouwei/collectors/media/tag_io.hpp"
#include "shouwei/common/exit_codes.hpp"
#include "shouwei/common/json_print.hpp"
#include "shouwei/common/keys.hpp"
#include "shouwei/common/media_tag.hpp"
#include "shouwei/common/root_fs.hpp"
#include "shouwei/platform/linux/media_linux.hpp"
#include "shouwei/platform/linux/usb_bus_linux.hpp"

namespace shouwei::ctl {
namespace {

namespace fs = std::filesystem;
namespace cm = collectors::media;

// What the target's identity flags say (only meaningful for images).
struct IdentityFlags {
  std::string vid;
  std::string pid;
  std::string serial;
  CLI::Option* serial_option = nullptr;  // given at all? (absent: the device has no serial)
};

Result<std::uint16_t> parse_usb_id(std::string_view flag, std::string_view text) {
  std::uint16_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v, 16);
  if (text.size() != 4 || ec != std::errc() || end != text.data() + text.size()) {
    return fail(Errc::invalid_argument, std::string(flag) + " must be 4 hex digits, e.g. 0781");
  }
  return v;
}

// The identity of a block device: the USB device owning the disk of that name, from sysfs.
Result<cm::StickIdentity> block_device_identity(const fs::path& device_path) {
  std::error_code ec;
  const std::string name = fs::canonical(device_path, ec).filename().string();
  if (ec) return fail(Errc::not_found, device_path.string() + ": " + ec.message());
  const RootFs host("/");
  auto bus = platform::linux_usb::make_linux_usb_bus(host);
  SHOUWEI_TRY(const auto devices, bus->devices());
  for (const auto& d : devices) {
    for (const auto& disk : d.block_devices) {
      if (disk.name == name) return cm::identity_of(d, disk);
      for (const auto& p : disk.partitions) {
        if (p.name == name) {
          return fail(
              Errc::invalid_argument,
              device_path.string() + " is a partition: give the whole disk /dev/" + disk.name);
        }
      }
    }
  }
  return fail(Errc::not_found, device_path.string() + ": not a disk of a USB mass-storage device");
}

// Identity from sysfs for a block device, from the flags for an image (capacity: its size).
// Flags given for a block device are refused: the device's own report is what gets bound.
Result<cm::StickIdentity> target_identity(cm::RawDevice& device, const IdentityFlags& flags,
                                          bool require_flags) {
  const bool any_flag =
      !flags.vid.empty() || !flags.pid.empty() || flags.serial_option->count() > 0;
  if (device.is_block_device()) {
    if (any_flag) {
      return fail(Errc::invalid_argument,
                  "--vid/--pid/--serial are for images; a device reports its own");
    }
    return block_device_identity(device.path());
  }
  cm::StickIdentity id;
  SHOUWEI_TRY(id.capacity_bytes, device.size());
  if (flags.vid.empty() || flags.pid.empty()) {
    if (require_flags)
      return fail(
          Errc::invalid_argument,
          device.path() + " is an image: give --vid and --pid (and --serial if the stick has one)");
    return id;
  }
  SHOUWEI_TRY(id.vendor_id, parse_usb_id("--vid", flags.vid));
  SHOUWEI_TRY(id.product_id, parse_usb_id("--pid", flags.pid));
  if (flags.serial_option->count() > 0) id.serial = flags.serial;
  return id;
}

void add_identity_flags(CLI::App* cmd, IdentityFlags& flags) {
  cmd->add_option("--vid", flags.vid, "Image only: USB vendor id of the stick (4 hex digits)");
  cmd->add_option("--pid", flags.pid, "Image only: USB product id (4 hex digits)");
  flags.serial_option =
      cmd->add_option("--serial", flags.serial,
                      "Image only: USB serial as reported (omit if it has none; \"\" if empty)");
}

struct RegisterOptions {
  std::string key_file;
  std::string zone;
  bool read_only = false;
  std::string media_id;
  std::string target;
  IdentityFlags identity;
};

void run_register(const RegisterOptions& opt) {
  constexpr std::string_view cmd = "media register";
  const auto zone = parse_zone(opt.zone);
  if (!zone) exit_with(cmd, kExitUsage, "--zone must be intranet, extranet or internet");
  const std::string media_id = opt.media_id.empty() ? media::new_media_id() : opt.media_id;
  if (!media::valid_media_id(media_id)) {
    exit_with(cmd, kExitUsage, "--media-id must be 1..64 characters of A-Z a-z 0-9 . _ -");
  }
  const PrivateKey key = value_or_exit(cmd, PrivateKey::load(opt.key_file));
  auto device = value_or_exit(cmd, platform::linux_media::open_raw_device(opt.target, true));
  const cm::StickIdentity id = value_or_exit(cmd, target_identity(*device, opt.identity, true));
  if (!id.vendor_id || !id.product_id || !id.capacity_bytes) {
    exit_with(cmd, kExitFailure,
              opt.target + ": the device reports no vendor id, product id or size");
  }
  media::MediaTag tag;
  tag.media_id = media_id;
  tag.zone = *zone;
  tag.read_only = opt.read_only;
  tag.issued_at = std::chrono::time_point_cast<std::chrono::seconds>(SystemClock().now());
  tag.identity = {*id.vendor_id, *id.product_id, id.serial, *id.capacity_bytes};
  const auto previous = cm::read_tag(*device, &key.public_key());
  const auto envelope = value_or_exit(cmd, media::sign_tag(tag, key));
  const std::string frame = value_or_exit(cmd, media::encode_frame(envelope));
  const auto where = value_or_exit(cmd, cm::write_tag(*device, frame));
  if (previous.tag) std::cout << "replaced media tag " << previous.tag->media_id << '\n';
  std::cout << "registered " << opt.target << ": media id " << media_id << ", zone "
            << to_string(*zone) << (opt.read_only ? ", read-only" : "") << ", tag at byte "
            << where.offset << " (" << cm::to_string(where.layout) << ")\n";
}

struct InspectOptions {
  std::string key_file;
  std::string target;
  IdentityFlags identity;
};

boost::json::value tag_json(const media::MediaTag& tag) {
  boost::json::object o;
  o["media_id"] = tag.media_id;
  o["zone"] = to_string(tag.zone);
  o["read_only"] = tag.read_only;
  o["issued_at"] = format_rfc3339(tag.issued_at);
  o["vendor_id"] = media::usb_id_hex(tag.identity.vendor_id);
  o["product_id"] = media::usb_id_hex(tag.identity.product_id);
  if (tag.identity.serial) {
    o["serial"] = *tag.identity.serial;
  } else {
    o["serial"] = nullptr;
  }
  o["capacity_bytes"] = tag.identity.capacity_bytes;
  return o;
}

// Prints the tag as JSON; exit 0 when it is there, verified (or no key given) and bound to this
// stick; kExitVerify when invalid, wrongly signed or cloned; kExitFailure when there is none.
void run_inspect(const InspectOptions& opt) {
  constexpr std::string_view cmd = "media inspect";
  std::optional<PublicKey> key;
  if (!opt.key_file.empty()) key = value_or_exit(cmd, PublicKey::load(opt.key_file));
  auto device = value_or_exit(cmd, platform::linux_media::open_raw_device(opt.target, false));
  const auto reading = cm::read_tag(*device, key ? &*key : nullptr);
  boost::json::object out;
  out["device"] = opt.target;
  out["layout"] = reading.layout ? boost::json::value(cm::to_string(*reading.layout)) : nullptr;
  out["offset"] = reading.offset ? boost::json::value(*reading.offset) : nullptr;
  out["tag_status"] = cm::to_string(reading.status);
  out["detail"] = reading.detail;
  out["signer_keyid"] = reading.signer_keyid;
  out["tag"] = reading.tag ? tag_json(*reading.tag) : nullptr;
  std::string mismatch;
  if (reading.tag) {
    const auto id = value_or_exit(cmd, target_identity(*device, opt.identity, false));
    if (id.vendor_id) {
      mismatch = cm::binding_mismatch(reading.tag->identity, id);
      out["binding"] = mismatch.empty() ? "matches this stick" : "CLONE: " + mismatch;
    } else {
      out["binding"] = "not checked (give --vid/--pid/--serial for an image)";
    }
  }
  std::cout << json::pretty_print(out) << '\n';
  switch (reading.status) {
    case cm::TagStatus::absent:
      throw CommandExit{kExitFailure};
    case cm::TagStatus::unreadable:
      throw CommandExit{kExitIo};
    case cm::TagStatus::invalid:
      throw CommandExit{kExitVerify};
    case cm::TagStatus::valid:
    case cm::TagStatus::unverified:
      break;
  }
  if (!mismatch.empty()) throw CommandExit{kExitVerify};
}

void run_unregister(const std::string& target) {
  auto device = value_or_exit("media unregister", platform::linux_media::open_raw_device(target, true));
  const auto where = value_or_exit("media unregister", cm::erase_tag(*device));
  std::cout << "removed the media tag of " << target << " at byte " << where.offset << " ("
            << cm::to_string(where.layout) << ")\n";
}

}  // namespace

void add_media_commands(CLI::App& app) {
  CLI::App* media = app.add_subcommand(
      "media",
      "Register USB sticks to a zone with a signed tag (登记移动存储介质), inspect, unregister");
  media->require_subcommand(1);

  auto reg = std::make_shared<RegisterOptions>();
  CLI::App* r = media->add_subcommand(
      "register", "Write a signed media tag binding the stick to a zone; the stick's data is kept");
  r->add_option("--key", reg->key_file, "Organisation media key (private PEM, owner-only)")
      ->required();
  r->add_option("--zone", reg->zone, "Zone the stick belongs to")
      ->required()
      ->check(CLI::IsMember({"intranet", "extranet", "internet"}));
  r->add_flag("--read-only", reg->read_only, "The stick is read-only even in its own zone");
  r->add_option("--media-id", reg->media_id, "Media id (default: a random one)");
  add_identity_flags(r, reg->identity);
  r->add_option("target", reg->target, "Whole-disk device (/dev/sdX) or disk image")->required();
  r->callback([reg] { run_register(*reg); });

  auto ins = std::make_shared<InspectOptions>();
  CLI::App* i = media->add_subcommand("inspect", "Print a stick's media tag and verify it");
  i->add_option("--key", ins->key_file, "Organisation media public key (PEM) to verify with");
  add_identity_flags(i, ins->identity);
  i->add_option("target", ins->target, "Whole-disk device (/dev/sdX) or disk image")->required();
  i->callback([ins] { run_inspect(*ins); });

  auto target = std::make_shared<std::string>();
  CLI::App* u = media->add_subcommand("unregister", "Remove a stick's media tag (data is kept)");
  u->add_option("target", *target, "Whole-disk device (/dev/sdX) or disk image")->required();
  u->callback([target] { run_unregister(*target); });
}

}  // namespace shouwei::ctl
