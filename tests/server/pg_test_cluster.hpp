// A throwaway PostgreSQL cluster for the store tests: initdb and pg_ctl (Debian's
// postgresql-15, found under /usr/lib/postgresql/*/bin or $SHOUWEI_PG_BINDIR) in a temporary
// directory, listening on a unix socket in that directory only (no TCP), fsync off. Started on
// first use, stopped (immediate shutdown) and removed when the process exits. PostgreSQL
// refuses to run as root: as root the cluster runs as user "nobody" through runuser.
//
// There is no silent skip: when initdb is missing or the cluster does not start, the error
// says why and the test that asked for it fails.
#pragma once

#include <string>

#include "shouwei/common/result.hpp"

namespace shouwei::server::testing {

// The conninfo ("host=<socket dir> ... dbname=<new>") of a new empty database on the shared
// test cluster; each call creates another database.
Result<std::string> new_postgresql_database();

}  // namespace shouwei::server::testing
