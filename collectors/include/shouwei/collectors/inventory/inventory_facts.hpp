// The typed facts an InventorySource returns: what a terminal registration needs to know about
// a PC. std::nullopt always means "not known" (the source had nothing to read it from); it is
// rendered as JSON null and is never replaced by a guess.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "shouwei/common/clock.hpp"

namespace shouwei::collectors {

// Operating system identity. On Linux each field comes from os-release(5) unless noted.
struct OsInfo {
  std::optional<std::string> name;         // NAME, e.g. "Kylin"
  std::optional<std::string> version;      // VERSION, human readable (UOS: plus MinorVersion)
  std::optional<std::string> version_id;   // VERSION_ID, machine readable, e.g. "v10"
  std::optional<std::string> id;           // ID, e.g. "kylin"
  std::optional<std::string> id_like;      // ID_LIKE, space-separated, e.g. "debian"
  std::optional<std::string> pretty_name;  // PRETTY_NAME
  std::optional<std::string> build;        // BUILD_ID, UOS OsBuild, or KYLIN_RELEASE_ID
  std::optional<std::string> edition;      // UOS/deepin EditionName, e.g. "Professional"
};

// An account of the local account database (/etc/passwd on Linux).
struct LocalUser {
  std::string name;
  std::uint32_t uid = 0;
  std::string home;
  std::string shell;
  // Whether someone can open an interactive session as this account (Linux: its shell is a
  // login shell). Accounts with nologin/false shells are services, not people.
  bool login = false;
};

// A logged-in user (Linux: a USER_PROCESS record of utmp).
struct LoginSession {
  std::string user;
  std::string tty;                      // "pts/0", "tty1", ":0"
  std::optional<std::string> host;      // remote host for network logins, else nullopt
  std::optional<TimePoint> login_time;  // nullopt when the record carries no time
};

// An address assigned to an interface, in its canonical text form with its prefix length.
struct IpPrefix {
  std::string address;  // "192.0.2.2", "fe80::fc:ff:fe00:1" (RFC 5952)
  unsigned prefix_length = 0;

  friend bool operator==(const IpPrefix&, const IpPrefix&) = default;
};

struct NetworkInterface {
  std::string name;
  std::optional<std::string> mac;  // "02:fc:00:00:00:01", lowercase; nullopt without one
  // nullopt when the source cannot know the addresses of this family (not "no addresses").
  std::optional<std::vector<IpPrefix>> ipv4;
  std::optional<std::vector<IpPrefix>> ipv6;
  std::optional<bool> up;  // administratively up (IFF_UP)
};

// The Windows domain or workgroup a PC belongs to (NetGetJoinInformation). Linux has no single
// source for this (realmd, sssd and winbind each keep their own), so it stays unknown there.
enum class DomainJoin { domain, workgroup, unjoined };

struct DomainMembership {
  std::optional<std::string> name;  // "GOV.LOCAL", "WORKGROUP"; nullopt when unjoined
  DomainJoin join = DomainJoin::unjoined;

  friend bool operator==(const DomainMembership&, const DomainMembership&) = default;
};

// Everything one read of an InventorySource found. A fact that has no source on this system (a
// missing file) is nullopt; a fact whose source exists but is unreadable or damaged is nullopt
// too, and the problem is described in `warnings`, so one bad file never hides the others.
struct InventoryFacts {
  std::optional<std::string> hostname;
  OsInfo os;
  std::optional<std::string> kernel;  // kernel release, e.g. "6.1.0-18-amd64"
  std::optional<std::string> arch;    // machine, e.g. "x86_64", "aarch64", "loongarch64"
  std::optional<TimePoint> boot_time;
  std::optional<std::vector<LocalUser>> users;
  std::optional<std::vector<LoginSession>> sessions;
  std::optional<std::vector<NetworkInterface>> interfaces;
  std::optional<DomainMembership> domain;
  // One line each, naming the file and the problem ("/run/utmp: 17 trailing bytes ...").
  std::vector<std::string> warnings;
};

}  // namespace shouwei::collectors
