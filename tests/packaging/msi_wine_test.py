#!/usr/bin/env python3
"""The agent's MSI, built from the cross-built shouwei-agent.exe, installed under Wine 8 with
`msiexec /qn` and public properties in a fresh Wine prefix, against a Linux shouwei-server on
loopback (certificate for `localhost`: Wine's TLS matches DNS names only):

1. a bad answer (SERVER_URL not https) fails the installation: no service, no configuration;
2. install 0.1.0 with SERVER_URL, ENROLL_SECRET, ZONE, CA (a path) and POLICY_KEY (inline PEM):
   %ProgramData%\\Shouwei\\agent.toml (read back with Python's TOML parser), the CA and the key
   beside it; the service ShouweiAgent runs "shouwei-agent.exe" service and is RUNNING; the
   agent ENROLLS with the server (the enrollment secret's group, the zone from the properties)
   and uploads a snapshot; its messages reach the Event Log (Wine prints reported events on
   its `eventlog` debug channel, which this test captures);
3. upgrade to 0.1.1 without properties: one product registered, the configuration and the
   device key unchanged, the service running again, and the same device (one endpoint on the
   server) uploads again;
4. uninstall: service and program files gone, %ProgramData%\\Shouwei (configuration, state,
   device identity) kept, as README.md "Deploying to many PCs" documents.
The server and the prefix's wineserver are stopped at the end, whatever happens.

Usage: msi_wine_test.py --script build-msi.sh --wine-run wine-run.sh --agent shouwei-agent.exe
                        --server shouwei-server
"""
import argparse
import hashlib
import json
import os
import shutil
import ssl
import subprocess
import sys
import tempfile
import time
import tomllib
import urllib.request

FAILURES = []
A = None
GROUP = "msi-wine"


def check(cond, what):
    print(("ok:   " if cond else "FAIL: ") + what, flush=True)
    if not cond:
        FAILURES.append(what)
    return cond


def wine_env():
    return dict(os.environ, WINEPREFIX=A.prefix, WINEDEBUG=A.winedebug)


def wine(*argv, timeout=240):
    r = subprocess.run([A.wine_run, *argv], capture_output=True, text=True, timeout=timeout,
                       stdin=subprocess.DEVNULL, env=wine_env())
    return r.returncode, r.stdout.replace("\r", "")


def wineserver():
    for candidate in ("wineserver", "/usr/lib/wine/wineserver"):
        if shutil.which(candidate):
            return shutil.which(candidate)
    return os.path.join(os.path.dirname(shutil.which("wine64") or "/usr/lib/wine/wine64"), "wineserver")


def winpath(path):
    return "Z:" + path.replace("/", "\\")


def service_state():
    _, out = wine("sc", "query", "ShouweiAgent")
    for line in out.splitlines():
        if "STATE" in line:
            return line.split()[-1]
    return None


def wait_until(predicate, seconds):
    give_up = time.monotonic() + seconds
    while True:
        value = predicate()
        if value or time.monotonic() > give_up:
            return value
        time.sleep(1)


def msiexec(log, *argv):
    """msiexec /qn with a verbose log, whose failing lines are printed when it fails."""
    rc, out = wine("msiexec", *argv, "/qn", "/l*v", winpath(log))
    if rc != 0 and os.path.exists(log):
        with open(log, "rb") as f:
            raw = f.read()
        text = raw.decode("utf-16" if raw[:2] == b"\xff\xfe" else "utf-8", errors="replace")
        lines = [l.rstrip() for l in text.splitlines() if "rror" in l or "Return value 3" in l or "shouwei" in l]
        print("\n".join(["msiexec log (" + log + "):"] + lines[-30:]))
    return rc


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


class Server:
    """shouwei-server on a free loopback port with a CA-signed certificate for localhost."""

    def __init__(self, d):
        self.d, self.proc, self.port = d, None, None
        self.ca = os.path.join(d, "ca.pem")

    def openssl(self, *argv):
        subprocess.run(["openssl", *argv], check=True, capture_output=True, timeout=60, cwd=self.d)

    def start(self):
        ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"]
        self.openssl("req", "-x509", *ec, "-keyout", "ca.key", "-out", "ca.pem", "-days", "2",
                     "-subj", "/CN=Shouwei MSI test CA")
        with open(os.path.join(self.d, "server.ext"), "w") as f:
            f.write("subjectAltName=DNS:localhost\nextendedKeyUsage=serverAuth\n")
        self.openssl("req", *ec, "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=localhost")
        self.openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
                     "-CAcreateserial", "-out", "server.pem", "-days", "2", "-extfile", "server.ext")
        self.context = ssl.create_default_context(cafile=self.ca)
        config = os.path.join(self.d, "server.toml")
        for _ in range(5):  # the server refuses a taken port: try a few
            port = 20000 + int.from_bytes(os.urandom(2), "big") % 20000
            with open(config, "w") as f:
                f.write(f'listen = "127.0.0.1:{port}"\ntls_cert = "{self.d}/server.pem"\n'
                        f'tls_key = "{self.d}/server.key"\ndatabase = "{self.d}/server.db"\n')
            self.secret = self.admin("secret", "create", "--group", GROUP)
            self.token = self.admin("token", "create", "--role", "viewer")
            log = open(os.path.join(self.d, "server.log"), "w")
            self.proc = subprocess.Popen([A.server, "--config", config, "serve"], stdout=log,
                                         stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
            self.port = port
            if wait_until(lambda: self.proc.poll() is not None or self.healthy(), 10) and self.healthy():
                return
            self.stop()
        raise RuntimeError("shouwei-server did not start: " + open(os.path.join(self.d, "server.log")).read())

    def admin(self, *argv):
        r = subprocess.run([A.server, "--config", os.path.join(self.d, "server.toml"), *argv],
                           check=True, capture_output=True, text=True, timeout=60)
        return r.stdout.strip()

    def healthy(self):
        try:
            self.get("/healthz")
            return True
        except OSError:
            return False

    def get(self, path):
        request = urllib.request.Request(f"https://localhost:{self.port}{path}",
                                         headers={"Authorization": f"Bearer {self.token}"})
        with urllib.request.urlopen(request, context=self.context, timeout=10) as response:
            return json.load(response)

    def endpoints(self):
        return self.get("/api/v1/endpoints")["endpoints"]

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None


def main():
    global A
    p = argparse.ArgumentParser()
    p.add_argument("--script", required=True, help="packaging/win/build-msi.sh")
    p.add_argument("--wine-run", required=True, help="cmake/wine-run.sh")
    p.add_argument("--agent", required=True, help="the cross-built shouwei-agent.exe")
    p.add_argument("--server", required=True, help="a Linux shouwei-server (SHOUWEI_LINUX_BUILD_DIR)")
    A = p.parse_args()
    for path in (A.agent, A.server):
        if not os.path.isfile(path):
            print(f"FAIL: {path} missing (build shouwei-agent for Windows and the Linux shouwei-server)")
            return 1
    A.winedebug = "-all"
    # Wine prints reported events on its eventlog channel: on for the services only.
    A.eventlog_debug = "-all,trace+eventlog,warn+eventlog,err+eventlog"
    with tempfile.TemporaryDirectory(prefix="shouwei-msi-wine-") as d:
        A.prefix = os.path.join(d, "prefix")
        server = Server(d)
        try:
            server.start()
            run(d, server)
        finally:
            server.stop()
            subprocess.run([wineserver(), "-k"], env=wine_env(), capture_output=True, timeout=60)
    print(f"{len(FAILURES)} failure(s)")
    return 1 if FAILURES else 0


def start_prefix(d):
    """A fresh prefix whose wineserver stays up between commands: Wine ends its system processes
    (services.exe, and the installed service with them) a few seconds after the last ordinary
    process exits. Its services' stderr, where Wine prints reported Event Log entries, goes to a
    file. Returns that file's path."""
    wine_bin = next(w for w in (shutil.which("wine64"), "/usr/lib/wine/wine64", shutil.which("wine"))
                    if w and os.path.exists(w))
    quiet = dict(stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
    env = dict(wine_env(), WINEDLLOVERRIDES="mscoree,mshtml=")  # no Mono/Gecko prompts
    subprocess.run([wine_bin, "wineboot", "--init"], env=env, timeout=240, **quiet)
    subprocess.run([wineserver(), "-w"], env=env, timeout=240, **quiet)
    open(os.path.join(A.prefix, ".shouwei-ready"), "w").close()  # wine-run.sh: initialised
    # Persistent for 5 minutes without ordinary processes, far longer than any wait below, and
    # not forever should this test be killed before its own `wineserver -k`.
    subprocess.run([wineserver(), "-p300"], env=env, timeout=60, check=True, **quiet)
    log_path = os.path.join(d, "wine-services.log")
    with open(log_path, "w") as log:
        subprocess.run([wine_bin, "wineboot"], env=dict(env, WINEDEBUG=A.eventlog_debug), stdout=log,
                       stderr=log, stdin=subprocess.DEVNULL, timeout=240)
    return log_path


def sha256_of(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def run(d, server):
    msi1, msi2 = os.path.join(d, "a-0.1.0.msi"), os.path.join(d, "a-0.1.1.msi")
    for version, out in (("0.1.0", msi1), ("0.1.1", msi2)):
        subprocess.run([A.script, "--agent", A.agent, "--version", version, "--out", out], check=True,
                       capture_output=True, timeout=120)
    subprocess.run(["openssl", "genpkey", "-algorithm", "ed25519", "-out", os.path.join(d, "policy.key")],
                   check=True, capture_output=True, timeout=60)
    policy_pem = subprocess.run(["openssl", "pkey", "-in", os.path.join(d, "policy.key"), "-pubout"], check=True,
                                capture_output=True, text=True, timeout=60).stdout
    events_log = start_prefix(d)
    shouwei = os.path.join(A.prefix, "drive_c", "ProgramData", "Shouwei")
    program = os.path.join(A.prefix, "drive_c", "Program Files", "Shouwei", "shouwei-agent.exe")
    device_key = os.path.join(shouwei, "state", "device.key")
    url = f"https://localhost:{server.port}"

    rc = msiexec(os.path.join(d, "bad.log"), "/i", winpath(msi1), "SERVER_URL=http://plain.example")
    check(rc != 0, f"a bad SERVER_URL fails the installation (exit {rc})")
    check(service_state() is None and not os.path.exists(os.path.join(shouwei, "agent.toml")),
          "and leaves no service and no configuration")

    rc = msiexec(os.path.join(d, "install.log"), "/i", winpath(msi1), "SERVER_URL=" + url,
                 "ENROLL_SECRET=" + server.secret, "ZONE=extranet", "CA=" + winpath(server.ca),
                 "POLICY_KEY=" + policy_pem.strip().replace("\n", "\\n"))
    if not check(rc == 0, f"msiexec /i /qn with properties exits 0 (got {rc})"):
        with open(events_log, errors="replace") as f:
            print("Wine services' stderr:\n" + f.read()[-4000:])
    with open(os.path.join(shouwei, "agent.toml"), "rb") as f:
        config = tomllib.load(f)
    check(config["server"] == {"url": url, "ca_file": "server-ca.pem", "enroll_secret": server.secret},
          "[server] from the properties")
    check(config["zone"] == "extranet" and config["policy_public_key"] == "policy.pub"
          and "media_public_key" not in config, "zone and the policy key from the properties")
    with open(os.path.join(shouwei, "server-ca.pem")) as f, open(server.ca) as g:
        check(f.read() == g.read(), "server-ca.pem copied from the CA path")
    with open(os.path.join(shouwei, "policy.pub")) as f:
        check(f.read() == policy_pem, "policy.pub: the inline PEM with its lines restored")
    check(os.path.exists(program), "shouwei-agent.exe in Program Files\\Shouwei")
    _, image = wine("reg", "query", r"HKLM\System\CurrentControlSet\Services\ShouweiAgent", "/v", "ImagePath")
    check("shouwei-agent.exe" in image and image.rstrip().endswith(" service"),
          f"the service runs 'shouwei-agent.exe service': {image.strip().splitlines()[-1:]}")
    check(service_state() == "RUNNING", "the service ShouweiAgent is running")
    check(registered_versions() == ["0.1.0"], f"0.1.0 registered: {registered_versions()}")

    # The service reads the installer's configuration: it enrolls with the secret (its group)
    # and reports the zone given to msiexec.
    uploaded = lambda: [e for e in server.endpoints() if e["last_seq"] is not None]
    endpoints = wait_until(uploaded, 120)
    if not check(len(endpoints) == 1, f"the service enrolled and uploaded a snapshot: {endpoints}"):
        with open(events_log, errors="replace") as f:
            print(f.read()[-4000:])
        return
    first = endpoints[0]
    check(first["group"] == GROUP and first["zone"] == "extranet",
          f"enrolled with the secret's group and the zone of the properties: {first['group']}, {first['zone']}")
    check(os.path.exists(device_key), "the device key in %ProgramData%\\Shouwei\\state")
    key_hash = sha256_of(device_key)
    with open(events_log, errors="replace") as f:
        check(f"enrolled with {url}" in f.read(), "the agent's messages reach the Event Log (ReportEventW)")

    with open(os.path.join(shouwei, "agent.toml"), "rb") as f:
        before = f.read()
    rc = msiexec(os.path.join(d, "upgrade.log"), "/i", winpath(msi2))
    check(rc == 0, f"upgrade to 0.1.1 without properties exits 0 (got {rc})")
    check(registered_versions() == ["0.1.1"], f"only 0.1.1 registered after the upgrade: {registered_versions()}")
    with open(os.path.join(shouwei, "agent.toml"), "rb") as f:
        check(f.read() == before, "the configuration is unchanged by the upgrade")
    check(service_state() == "RUNNING", "the service runs after the upgrade")
    check(sha256_of(device_key) == key_hash, "the device key is unchanged by the upgrade")
    again = lambda: [e for e in server.endpoints() if e["last_seq"] > first["last_seq"]]
    later = wait_until(again, 120)
    check(len(later) == 1 and later[0]["device_id"] == first["device_id"] and len(server.endpoints()) == 1,
          "the upgraded service uploads again as the same device")

    rc = msiexec(os.path.join(d, "uninstall.log"), "/x", winpath(msi2))
    check(rc == 0, f"msiexec /x /qn exits 0 (got {rc})")
    check(service_state() is None, "uninstall removes the service")
    check(registered_versions() == [], f"uninstall removes the registration: {registered_versions()}")
    # The service reports STOPPED a moment before its process exits and unmaps the executable;
    # Wine's msiexec does not wait for the process, so the file it could not delete at once goes
    # a few seconds later (seen under load). Windows Installer waits for the stop instead.
    gone = wait_until(lambda: not os.path.exists(program), 30)
    check(gone, f"and the program ({program}) within 30 s")
    check(os.path.exists(os.path.join(shouwei, "agent.toml")) and sha256_of(device_key) == key_hash,
          "%ProgramData%\\Shouwei (configuration, state, device key) is kept")


if __name__ == "__main__":
    sys.exit(main())
