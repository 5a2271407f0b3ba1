#!/usr/bin/env python3
"""The agent's MSI installed under Wine 8 with `msiexec /qn` and public properties, in a fresh
Wine prefix: the installer's own behaviour, with a stand-in service executable (Wine's
spoolsv.exe, a real Win32 service that answers the service control manager) until the
cross-built shouwei-agent.exe is packaged (then --agent takes it).

1. a bad answer (SERVER_URL not https) fails the installation: no service, no configuration;
2. install 0.1.0 with SERVER_URL, ENROLL_SECRET, ZONE, CA (a path) and POLICY_KEY (inline PEM):
   %ProgramData%\\Shouwei\\agent.toml (read back with Python's TOML parser), the CA and the key
   beside it; the service ShouweiAgent registered with "shouwei-agent.exe" service and RUNNING;
3. upgrade to 0.1.1 without properties: one product registered, the configuration unchanged,
   the service running again;
4. uninstall: service and program files gone, %ProgramData%\\Shouwei (configuration, state,
   identity) kept.
Skips (77) when Wine is not installed. The prefix's wineserver is stopped at the end.
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import tomllib

FAILURES = []
SKIP = 77
PEM = "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=\n-----END PUBLIC KEY-----\n"
A = None


def check(cond, what):
    print(("ok:   " if cond else "FAIL: ") + what, flush=True)
    if not cond:
        FAILURES.append(what)
    return cond


def wine(*argv, timeout=240):
    r = subprocess.run([A.wine_run, *argv], capture_output=True, text=True, timeout=timeout,
                       stdin=subprocess.DEVNULL, env=dict(os.environ, WINEPREFIX=A.prefix))
    return r.returncode, r.stdout.replace("\r", "")


def winpath(path):
    return "Z:" + path.replace("/", "\\")


def service_state():
    _, out = wine("sc", "query", "ShouweiAgent")
    for line in out.splitlines():
        if "STATE" in line:
            return line.split()[-1]
    return None


def registered_versions():
    _, out = wine("reg", "query", r"HKLM\Software\Microsoft\Windows\CurrentVersion\Uninstall", "/s")
    versions, name = [], None
    for line in out.splitlines():
        fields = line.split(None, 2)
        if line.startswith("HKEY_"):
            name = None
        elif len(fields) == 3 and fields[0] == "DisplayName":
            name = fields[2]
        elif len(fields) == 3 and fields[0] == "DisplayVersion" and name == "Shouwei Agent":
            versions.append(fields[2])
    return versions


def main():
    global A
    p = argparse.ArgumentParser()
    p.add_argument("--script", required=True, help="packaging/win/build-msi.sh")
    p.add_argument("--wine-run", required=True, help="cmake/wine-run.sh")
    p.add_argument("--agent", help="the service executable (default: Wine's spoolsv.exe)")
    A = p.parse_args()
    if not any(shutil.which(w) for w in ("wine64", "/usr/lib/wine/wine64", "wine")):
        print("skip: Wine is not installed (scripts/setup-deps.sh --windows)")
        return SKIP
    agent = A.agent or "/usr/lib/x86_64-linux-gnu/wine/x86_64-windows/spoolsv.exe"
    with tempfile.TemporaryDirectory(prefix="shouwei-msi-wine-") as d:
        A.prefix = os.path.join(d, "prefix")
        try:
            run(d, agent)
        finally:
            wineserver = os.path.join(os.path.dirname(shutil.which("wine64") or "/usr/lib/wine/wine64"), "wineserver")
            subprocess.run([wineserver if os.path.exists(wineserver) else "wineserver", "-k"],
                           env=dict(os.environ, WINEPREFIX=A.prefix), capture_output=True, timeout=60)
    print(f"{len(FAILURES)} failure(s)")
    return 1 if FAILURES else 0


def run(d, agent):
    msi1, msi2 = os.path.join(d, "a-0.1.0.msi"), os.path.join(d, "a-0.1.1.msi")
    for version, out in (("0.1.0", msi1), ("0.1.1", msi2)):
        subprocess.run([A.script, "--agent", agent, "--version", version, "--out", out], check=True,
                       capture_output=True, timeout=120)
    ca = os.path.join(d, "ca.pem")
    with open(ca, "w") as f:
        f.write(PEM.replace("PUBLIC KEY", "CERTIFICATE"))
    shouwei = os.path.join(A.prefix, "drive_c", "ProgramData", "Shouwei")
    program = os.path.join(A.prefix, "drive_c", "Program Files", "Shouwei", "shouwei-agent.exe")

    rc, _ = wine("msiexec", "/i", winpath(msi1), "/qn", "SERVER_URL=http://plain.example")
    check(rc != 0, f"a bad SERVER_URL fails the installation (exit {rc})")
    check(service_state() is None and not os.path.exists(os.path.join(shouwei, "agent.toml")),
          "and leaves no service and no configuration")

    rc, _ = wine("msiexec", "/i", winpath(msi1), "/qn", "SERVER_URL=https://localhost:8443",
                 "ENROLL_SECRET=s3cr3t-XY", "ZONE=extranet", "CA=" + winpath(ca),
                 "POLICY_KEY=" + PEM.strip().replace("\n", "\\n"))
    check(rc == 0, f"msiexec /i /qn with properties exits 0 (got {rc})")
    with open(os.path.join(shouwei, "agent.toml"), "rb") as f:
        config = tomllib.load(f)
    check(config["server"] == {"url": "https://localhost:8443", "ca_file": "server-ca.pem",
                               "enroll_secret": "s3cr3t-XY"}, f"[server] from the properties: {config['server']}")
    check(config["zone"] == "extranet" and config["policy_public_key"] == "policy.pub"
          and "media_public_key" not in config, "zone and the policy key from the properties")
    with open(os.path.join(shouwei, "server-ca.pem")) as f:
        check(f.read() == PEM.replace("PUBLIC KEY", "CERTIFICATE"), "server-ca.pem copied from the CA path")
    with open(os.path.join(shouwei, "policy.pub")) as f:
        check(f.read() == PEM, "policy.pub: the inline PEM with its lines restored")
    check(os.path.exists(program), "shouwei-agent.exe in Program Files\\Shouwei")
    _, image = wine("reg", "query", r"HKLM\System\CurrentControlSet\Services\ShouweiAgent", "/v", "ImagePath")
    check("shouwei-agent.exe" in image and image.rstrip().endswith(" service"),
          f"the service runs 'shouwei-agent.exe service': {image.strip().splitlines()[-1:]}")
    check(service_state() == "RUNNING", "the service ShouweiAgent is running")
    check(registered_versions() == ["0.1.0"], f"0.1.0 registered: {registered_versions()}")

    with open(os.path.join(shouwei, "agent.toml"), "rb") as f:
        before = f.read()
    rc, _ = wine("msiexec", "/i", winpath(msi2), "/qn")
    check(rc == 0, f"upgrade to 0.1.1 without properties exits 0 (got {rc})")
    check(registered_versions() == ["0.1.1"], f"only 0.1.1 registered after the upgrade: {registered_versions()}")
    with open(os.path.join(shouwei, "agent.toml"), "rb") as f:
        check(f.read() == before, "the configuration is unchanged by the upgrade")
    check(service_state() == "RUNNING", "the service runs after the upgrade")

    rc, _ = wine("msiexec", "/x", winpath(msi2), "/qn")
    check(rc == 0, f"msiexec /x /qn exits 0 (got {rc})")
    check(service_state() is None, "uninstall removes the service")
    check(not os.path.exists(program) and registered_versions() == [], "and the program and its registration")
    check(os.path.exists(os.path.join(shouwei, "agent.toml")), "%ProgramData%\\Shouwei is kept")


if __name__ == "__main__":
    sys.exit(main())
