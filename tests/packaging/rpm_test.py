#!/usr/bin/env python3
"""The shouwei-agent RPM: built by cpack, checked with rpm's own queries (no installation: the
test machine is Debian).

- the file list: the agent, its unit, the conffile and its pristine copy, the configure helper,
  the state directory; no directory that belongs to the distribution's filesystem package
  (/etc, /usr/lib, /var/lib ...), which would make the install conflict on openEuler/Kylin;
- /etc/shouwei/agent.toml is %config(noreplace); /var/lib/shouwei is 0700;
- the scriptlets: %post applies the answers with the shared configure-agent helper and enables
  the unit; %preun stops and disables it on erase only; every scriptlet parses as sh.
"""
import argparse
import glob
import os
import subprocess
import sys
import tempfile

FAILURES = []


def check(cond, what):
    print(("ok:   " if cond else "FAIL: ") + what, flush=True)
    if not cond:
        FAILURES.append(what)


def rpm_query(rpm, *args):
    r = subprocess.run(["rpm", "-qp", *args, rpm], capture_output=True, text=True, timeout=60)
    if r.returncode != 0:
        raise RuntimeError(f"rpm -qp {' '.join(args)}: {r.stderr}")
    return r.stdout


def scriptlets(rpm):
    """name -> body of each scriptlet, from `rpm -qp --scripts`."""
    out, name = {}, None
    for line in rpm_query(rpm, "--scripts").splitlines():
        if line.endswith("scriptlet (using /bin/sh):"):
            name = line.split()[0]
            out[name] = ""
        elif name:
            out[name] += line + "\n"
    return out


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--build", required=True)
    a = p.parse_args()
    with tempfile.TemporaryDirectory(prefix="shouwei-rpm-") as out:
        r = subprocess.run(["cpack", "-G", "RPM", "--config", os.path.join(a.build, "CPackConfig.cmake"),
                            "-B", out], capture_output=True, text=True, timeout=300)
        check(r.returncode == 0, f"cpack -G RPM: {r.stderr[-2000:]}")
        rpms = glob.glob(os.path.join(out, "*.rpm"))
        check(len(rpms) == 1 and os.path.basename(rpms[0]).startswith("shouwei-agent-"),
              f"one package, the agent: {[os.path.basename(x) for x in rpms]}")
        if len(rpms) != 1:
            return 1
        rpm = rpms[0]

        files = set(rpm_query(rpm, "-l").split())
        for f in ("/usr/sbin/shouwei-agent", "/usr/lib/systemd/system/shouwei-agent.service",
                  "/etc/shouwei/agent.toml", "/usr/share/shouwei-agent/agent.toml",
                  "/usr/lib/shouwei/configure-agent", "/var/lib/shouwei"):
            check(f in files, f"rpm -qpl lists {f}")
        for f in ("/etc", "/usr", "/usr/lib", "/usr/sbin", "/usr/share", "/var", "/var/lib",
                  "/usr/lib/systemd", "/usr/lib/systemd/system", "/usr/share/doc"):
            check(f not in files, f"rpm -qpl does not claim the system directory {f}")
        check(not any("shouwei-server" in f for f in files), "no server file in the agent package")
        check(rpm_query(rpm, "--configfiles").split() == ["/etc/shouwei/agent.toml"],
              "the one config file is /etc/shouwei/agent.toml")

        modes = {}
        for line in rpm_query(rpm, "--qf", "[%{FILENAMES} %{FILEMODES:perms} %{FILEFLAGS:fflags}\n]").splitlines():
            name, perms, *flags = line.split()
            modes[name] = (perms, flags[0] if flags else "")
        check(modes.get("/var/lib/shouwei", ("",))[0] == "drwx------", f"/var/lib/shouwei is 0700: {modes.get('/var/lib/shouwei')}")
        check(modes.get("/etc/shouwei/agent.toml", ("", ""))[1] == "cn",
              f"agent.toml is %config(noreplace): {modes.get('/etc/shouwei/agent.toml')}")
        check(modes.get("/usr/sbin/shouwei-agent", ("",))[0] == "-rwxr-xr-x", "the agent is 0755")

        s = scriptlets(rpm)
        check("/usr/lib/shouwei/configure-agent" in s.get("postinstall", ""),
              "%post applies the answers with configure-agent")
        check("systemctl enable" in s.get("postinstall", ""), "%post enables the unit")
        pre = s.get("preuninstall", "")
        check('if [ "$1" -eq 0 ]' in pre and "systemctl disable --now shouwei-agent.service" in pre,
              "%preun stops and disables the service on erase only")
        for name, body in s.items():
            r = subprocess.run(["sh", "-n"], input=body, capture_output=True, text=True, timeout=30)
            check(r.returncode == 0, f"{name} scriptlet parses as sh {r.stderr}")
    print(f"{len(FAILURES)} failure(s)")
    return 1 if FAILURES else 0


if __name__ == "__main__":
    sys.exit(main())
