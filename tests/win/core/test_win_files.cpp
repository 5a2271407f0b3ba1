// shouwei/os/files.hpp and mapped_file.hpp on Windows, under Wine: atomic replacement, the
// owner-only DACL (the descriptor given to CreateFileW; read back with GetSecurityInfo on real
// Windows, since Wine keeps no file ACLs), the analysis that refuses a key others can read,
// private directories, memory mapping, and UTF-8 paths.

// <windows.h> before the headers that need it.
// clang-format off
#include <windows.h>
#include <aclapi.h>
#include <sddl.h>
// clang-format on

#include <filesystem>
#include <string>

#include <doctest/doctest.h>

#include "../under_wine.hpp"
#include "shouwei/common/file_io.hpp"
#include "shouwei/os/files.hpp"
#include "shouwei/os/mapped_file.hpp"
#include "shouwei/platform/win/file_security.hpp"
#include "shouwei/platform/win/handle.hpp"
#include "temp_dir.hpp"

using namespace shouwei;
namespace fs = std::filesystem;

namespace {

struct DaclFacts {
  bool is_protected = false;
  int allow_entries = 0;
  int system_entries = 0;
  int admin_entries = 0;
};

// Wine keeps no Windows ACLs on files: it derives a DACL from the Unix mode bits, owned by the
// Wine user. On Wine (under_wine) the tests check the descriptor handed to CreateFileW instead
// of the one read back, and the read-back only on real Windows.
using win_test::under_wine;

DaclFacts facts_of(PSECURITY_DESCRIPTOR sd) {
  BOOL present = FALSE;
  BOOL defaulted = FALSE;
  PACL dacl = nullptr;
  REQUIRE(::GetSecurityDescriptorDacl(sd, &present, &dacl, &defaulted));
  REQUIRE(dacl != nullptr);
  DaclFacts facts;
  SECURITY_DESCRIPTOR_CONTROL control = 0;
  DWORD revision = 0;
  REQUIRE(::GetSecurityDescriptorControl(sd, &control, &revision));
  facts.is_protected = (control & SE_DACL_PROTECTED) != 0;
  for (DWORD i = 0; i < dacl->AceCount; ++i) {
    void* raw = nullptr;
    REQUIRE(::GetAce(dacl, i, &raw));
    if (static_cast<ACE_HEADER*>(raw)->AceType != ACCESS_ALLOWED_ACE_TYPE) continue;
    auto* ace = static_cast<ACCESS_ALLOWED_ACE*>(raw);
    ++facts.allow_entries;
    if (::IsWellKnownSid(&ace->SidStart, WinLocalSystemSid)) ++facts.system_entries;
    if (::IsWellKnownSid(&ace->SidStart, WinBuiltinAdministratorsSid)) ++facts.admin_entries;
  }
  return facts;
}

// The DACL of an open file, read through the handle (GetSecurityInfo).
DaclFacts read_dacl(const fs::path& path) {
  win::UniqueHandle file(::CreateFileW(path.c_str(), READ_CONTROL, FILE_SHARE_READ, nullptr,
                                       OPEN_EXISTING, FILE_FLAG_BACKUP_SEMANTICS, nullptr));
  REQUIRE(file.valid());
  win::LocalPtr<PSECURITY_DESCRIPTOR> sd;
  REQUIRE(::GetSecurityInfo(file.get(), SE_FILE_OBJECT, DACL_SECURITY_INFORMATION, nullptr, nullptr,
                            nullptr, nullptr, sd.out()) == ERROR_SUCCESS);
  return facts_of(sd.get());
}

// A file with the DACL of an SDDL string, written with plain Win32 calls.
void write_with_sddl(const fs::path& path, const wchar_t* sddl) {
  auto sa = win::SecurityAttributes::from_sddl(sddl);
  REQUIRE(sa.ok());
  win::UniqueHandle file(::CreateFileW(path.c_str(), GENERIC_WRITE, 0, sa->get(), CREATE_ALWAYS,
                                       FILE_ATTRIBUTE_NORMAL, nullptr));
  REQUIRE(file.valid());
  DWORD written = 0;
  REQUIRE(::WriteFile(file.get(), "key", 3, &written, nullptr));
}

}  // namespace

TEST_CASE("an owner-only file's DACL grants SYSTEM and Administrators only, not inherited") {
  test::TempDir dir;
  const fs::path key = dir / "device.key";
  REQUIRE(os::write_file_atomic(key, "secret", os::FileMode::owner_only).ok());
  CHECK(read_file(key).value() == "secret");
  CHECK(os::require_owner_only(key).ok());

  auto sa = win::SecurityAttributes::from_sddl(win::kPrivateFileSddl);
  REQUIRE(sa.ok());
  const DaclFacts given = facts_of(sa->get()->lpSecurityDescriptor);
  CHECK(given.is_protected);
  CHECK(given.allow_entries == 2);
  CHECK(given.system_entries == 1);
  CHECK(given.admin_entries == 1);
  if (under_wine()) return;
  const DaclFacts dacl = read_dacl(key);
  CHECK(dacl.is_protected);
  CHECK(dacl.allow_entries == 2);
  CHECK(dacl.system_entries == 1);
  CHECK(dacl.admin_entries == 1);
}

TEST_CASE("write_file_atomic replaces content and leaves no temporary file") {
  test::TempDir dir;
  const fs::path path = dir / "snapshot.json";
  REQUIRE(os::write_file_atomic(path, "old", os::FileMode::public_read).ok());
  REQUIRE(os::write_file_atomic(path, "new content", os::FileMode::public_read).ok());
  CHECK(read_file(path).value() == "new content");
  int entries = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir.path())) ++entries;
  CHECK(entries == 1);
}

TEST_CASE("write_file_new never replaces an existing file") {
  test::TempDir dir;
  const fs::path key = dir / "device.key";
  REQUIRE(os::write_file_new(key, "first", os::FileMode::owner_only).ok());
  const auto again = os::write_file_new(key, "second", os::FileMode::owner_only);
  REQUIRE(!again.ok());
  CHECK(again.error().code == Errc::conflict);
  CHECK(again.error().message.find("device.key: already exists") != std::string::npos);
  CHECK(read_file(key).value() == "first");
}

TEST_CASE("a descriptor letting Users read is foreign; SYSTEM, Administrators, the owner are not") {
  auto shared = win::SecurityAttributes::from_sddl(L"O:BAD:P(A;;FA;;;SY)(A;;FA;;;BA)(A;;FR;;;BU)");
  REQUIRE(shared.ok());
  auto foreign = win::foreign_principals(shared->get()->lpSecurityDescriptor, "test");
  REQUIRE(foreign.ok());
  REQUIRE(foreign->size() == 1);
  CHECK(foreign->front().find("Users") != std::string::npos);

  // The owner (here Users) is trusted, as the owner of a 0600 file is on Linux.
  auto owned = win::SecurityAttributes::from_sddl(L"O:BUD:P(A;;FA;;;SY)(A;;FR;;;BU)");
  REQUIRE(owned.ok());
  CHECK(win::foreign_principals(owned->get()->lpSecurityDescriptor, "test").value().empty());

  auto everyone = win::SecurityAttributes::from_sddl(L"O:BAD:P(A;;FR;;;WD)");
  REQUIRE(everyone.ok());
  CHECK(win::foreign_principals(everyone->get()->lpSecurityDescriptor, "test").value().size() == 1);
}

TEST_CASE("require_owner_only refuses a key that Users can read, naming them and the fix") {
  if (under_wine()) return;  // Wine keeps no file ACLs (see under_wine above)
  test::TempDir dir;
  const fs::path key = dir / "device.key";
  write_with_sddl(key, L"D:P(A;;FA;;;SY)(A;;FA;;;BA)(A;;FR;;;BU)");
  const auto r = os::require_owner_only(key);
  REQUIRE(!r.ok());
  CHECK(r.error().code == Errc::permission_denied);
  CAPTURE(r.error().message);
  CHECK(r.error().message.find("Users") != std::string::npos);
  CHECK(r.error().message.find("icacls") != std::string::npos);

  write_with_sddl(key, win::kPrivateFileSddl);
  CHECK(os::require_owner_only(key).ok());
}

TEST_CASE("ensure_private_dir creates a protected directory; a file in the way is refused") {
  test::TempDir dir;
  const fs::path state = dir / "ProgramData" / "Shouwei" / "state";
  REQUIRE(os::ensure_private_dir(state).ok());
  CHECK(fs::is_directory(state));
  if (!under_wine()) {
    const DaclFacts dacl = read_dacl(state);
    CHECK(dacl.is_protected);
    CHECK(dacl.system_entries == 1);
    CHECK(dacl.admin_entries == 1);
  }
  CHECK(os::ensure_private_dir(state).ok());  // idempotent

  const fs::path file = dir / "not-a-dir";
  REQUIRE(os::write_file_atomic(file, "x", os::FileMode::public_read).ok());
  const auto r = os::ensure_private_dir(file);
  REQUIRE(!r.ok());
  CHECK(r.error().code == Errc::invalid_argument);
}

TEST_CASE("MappedFile maps whole files, refuses missing and oversized ones") {
  test::TempDir dir;
  const fs::path path = dir / "categories.db";
  REQUIRE(os::write_file_atomic(path, "0123456789", os::FileMode::public_read).ok());
  auto mapped = os::MappedFile::open(path, 1024);
  REQUIRE(mapped.ok());
  CHECK(mapped->bytes() == "0123456789");
  os::MappedFile moved = std::move(mapped.value());
  CHECK(moved.bytes() == "0123456789");

  const auto big = os::MappedFile::open(path, 9);
  REQUIRE(!big.ok());
  CHECK(big.error().code == Errc::limit_exceeded);
  const auto missing = os::MappedFile::open(dir / "missing.db", 1024);
  REQUIRE(!missing.ok());
  CHECK(missing.error().code == Errc::not_found);

  const fs::path empty = dir / "empty.db";
  REQUIRE(os::write_file_atomic(empty, "", os::FileMode::public_read).ok());
  CHECK(os::MappedFile::open(empty, 1024).value().bytes().empty());
}

TEST_CASE("UTF-8 paths built from char8_t reach Windows as UTF-16 (C:\\Users\\张伟)") {
  // libstdc++ on mingw reads a plain std::string path in the ANSI code page, not UTF-8; text
  // that may be Chinese has to become a path through char8_t (or wide) strings.
  test::TempDir dir;
  const fs::path path = dir.path() / fs::path(std::u8string(u8"张伟的密钥.pem"));
  CHECK(path.filename().native() == L"张伟的密钥.pem");
  REQUIRE(os::write_file_atomic(path, "k", os::FileMode::owner_only).ok());
  CHECK(read_file(path).value() == "k");
  CHECK(fs::exists(dir.path() / L"张伟的密钥.pem"));
}
