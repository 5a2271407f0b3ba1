#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "shouwei/agent/device_identity.hpp"
#include "shouwei/agent/state.hpp"
#include "shouwei/common/file_io.hpp"
#include "../common/temp_dir.hpp"

namespace fs = std::filesystem;
using shouwei::agent::AgentState;




TEST_CASE("seq is strictly monotonic across reopenings of the state") {
  shouwei::test::TempDir tmp;
  const auto dir = tmp.path() / "seq";
  std::int64_t last = 0;
  for (int round = 0; round < 3; ++round) {
    auto state = AgentState::open(dir);
    REQUIRE(state.ok());
    for (int i = 0; i < 5; ++i) {
      auto seq = state->next_seq();
      REQUIRE(seq.ok());
      CHECK(*seq > last);
      last = *seq;
    }
    CHECK(*state->last_seq() == last);
  }
  CHECK(last == 15);
  CHECK((fs::status(dir).permissions() & fs::perms::others_all) == fs::perms::none);
}

TEST_CASE("a corrupt state database is refused, named, and left untouched") {
  shouwei::test::TempDir tmp;
  const auto dir = tmp.path() / "corrupt";
  fs::create_directories(dir);
  const std::string garbage(8192, 'x');
  { std::ofstream(dir / "state.db", std::ios::binary) << garbage; }
  auto state = AgentState::open(dir);
  REQUIRE_FALSE(state.ok());
  CHECK(state.error().code == shouwei::Errc::corrupt);
  CHECK(state.error().message.find((dir / "state.db").string()) != std::string::npos);
  CHECK(*shouwei::read_file(dir / "state.db") == garbage);
}

TEST_CASE("a state directory that cannot be created is an error naming it") {
  shouwei::test::TempDir tmp;
  const auto dir = tmp.path() / "blocked";
  fs::create_directories(dir);
  { std::ofstream(dir / "file") << "not a directory"; }
  auto state = AgentState::open(dir / "file" / "state");
  REQUIRE_FALSE(state.ok());
  CHECK(state.error().message.find((dir / "file").string()) != std::string::npos);
}

TEST_CASE("the device key is generated once and then kept, even if the algorithm changes") {
  shouwei::test::TempDir tmp;
  const auto dir = tmp.path() / "key";
  fs::create_directories(dir);
  auto first = shouwei::agent::load_or_create_device_key(dir, shouwei::KeyAlgorithm::p256);
  REQUIRE(first.ok());
  CHECK((fs::status(dir / "device.key").permissions() & (fs::perms::group_all | fs::perms::others_all)) ==
        fs::perms::none);
  auto again = shouwei::agent::load_or_create_device_key(dir, shouwei::KeyAlgorithm::ed25519);
  REQUIRE(again.ok());
  CHECK(again->keyid() == first->keyid());
  CHECK(again->algorithm() == shouwei::KeyAlgorithm::p256);

  // A world-readable key is refused, not replaced.
  fs::permissions(dir / "device.key", fs::perms::others_read, fs::perm_options::add);
  auto refused = shouwei::agent::load_or_create_device_key(dir, shouwei::KeyAlgorithm::p256);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().message.find("device.key") != std::string::npos);
}
