#!/usr/bin/env python3
"""The Debian packages on this machine, as an administrator deploys them (needs root).

1. cpack builds shouwei-agent and shouwei-server (release 1, and release 2 for the upgrade);
   lintian reports no error; the control archives hold the conffiles and the scripts.
2. shouwei-server installs with no prompt; its user, directories and modes; its unit passes
   systemd-analyze verify and its ExecStart, run as its User, serves HTTPS on loopback.
3. shouwei-agent installs with `DEBIAN_FRONTEND=noninteractive apt-get install -y ./x.deb`,
   stdin closed: the answers come from debconf-set-selections (URL, secret, zone, policy key
   as inline PEM) and the environment (SHOUWEI_CA as a path). Files, modes, the secret only in
   the 0600 env file, the unit enabled; the agent run exactly as the unit's ExecStart (with its
   EnvironmentFile) enrolls and uploads.
4. A locally edited agent.toml, the state and the device identity survive the upgrade to
   release 2; the agent uploads again under the same device id.
5. remove keeps config and state and masks the unit; purge removes state, installer files,
   debconf answers. The server package is removed and purged too.
The machine is left as it was, on failure too (finally: processes stopped, packages purged,
the _shouwei user and debconf answers deleted). Refuses to run (skip, exit 77) when the
packages or their directories already exist, so it never destroys a real installation.
Bounded: every command and wait has a timeout.
"""
import argparse
import contextlib
import fcntl
import glob
import json
import os
import shlex
import signal
import socket
import ssl
import stat
import subprocess
import sys
import tempfile
import time
import urllib.request

# The end-to-end test's throwaway CA and localhost server certificate (openssl, P-256).
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "e2e"))
from agent_server_test import make_pki  # noqa: E402

A = None
FAILURES = []
SKIP = 77
AGENT, SERVER = "shouwei-agent", "shouwei-server"
OWNED_PATHS = ["/etc/shouwei", "/var/lib/shouwei", "/var/lib/shouwei-agent", "/etc/shouwei-server",
               "/var/lib/shouwei-server"]


def check(cond, what):
    print(("ok:   " if cond else "FAIL: ") + what, flush=True)
    if not cond:
        FAILURES.append(what)
    return cond


def sh(*argv, env=None, timeout=120, check_rc=True):
    full_env = dict(os.environ, DEBIAN_FRONTEND="noninteractive", **(env or {}))
    r = subprocess.run(list(argv), capture_output=True, text=True, timeout=timeout, env=full_env,
                       stdin=subprocess.DEVNULL)
    if check_rc and r.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)}: exit {r.returncode}\n{r.stdout}\n{r.stderr}")
    return r


def apt(*args, env=None):
    # stdin is closed: a prompt would fail the command instead of waiting.
    return sh("apt-get", "-o", "DPkg::Lock::Timeout=120", "-y", "-q", *args, env=env, timeout=300)


def mode(path):
    return stat.S_IMODE(os.lstat(path).st_mode)


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def installed_version(pkg):
    """"<status> <version>", or "" when the package is not on the machine (never, or purged)."""
    r = sh("dpkg-query", "-W", "-f", "${Status} ${Version}", pkg, check_rc=False)
    return r.stdout.strip() if r.returncode == 0 and "not-installed" not in r.stdout else ""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def unit_settings(path):
    """The [Service] settings of a unit file: key -> list of values (as systemd reads them)."""
    settings = {}
    section = None
    for line in read(path).splitlines():
        line = line.strip()
        if not line or line[0] in "#;":
            continue
        if line.startswith("["):
            section = line
        elif section == "[Service]" and "=" in line:
            key, value = line.split("=", 1)
            settings.setdefault(key.strip(), []).append(value.strip())
    return settings


def environment_file(path):
    """systemd EnvironmentFile= semantics for the simple KEY=VALUE lines the package writes."""
    optional = path.startswith("-")
    path = path.lstrip("-")
    if optional and not os.path.exists(path):
        return {}
    env = {}
    for line in read(path).splitlines():
        if line.strip() and not line.lstrip().startswith("#") and "=" in line:
            k, v = line.split("=", 1)
            env[k.strip()] = v.strip()
    return env


def build_packages(out_dir, release):
    os.makedirs(out_dir)
    sh("cpack", "-G", "DEB", "--config", os.path.join(A.build, "CPackConfig.cmake"), "-B", out_dir,
       env={"SHOUWEI_PACKAGE_RELEASE": str(release)}, timeout=300)
    debs = {}
    for deb in glob.glob(os.path.join(out_dir, "*.deb")):
        debs[os.path.basename(deb).split("_")[0]] = deb
    return debs


class Api:
    def __init__(self, port, ca, token):
        self.base = f"https://localhost:{port}"
        self.ctx = ssl.create_default_context(cafile=ca)
        self.token = token

    def get(self, path):
        req = urllib.request.Request(self.base + path, headers={"Authorization": f"Bearer {self.token}"})
        with urllib.request.urlopen(req, context=self.ctx, timeout=10) as r:
            return json.load(r)

    def healthy(self):
        try:
            with urllib.request.urlopen(self.base + "/healthz", context=self.ctx, timeout=2):
                return True
        except OSError:
            return False

    def snapshots(self):
        """device id -> list of uploaded seqs."""
        out = {}
        for e in self.get("/api/v1/endpoints")["endpoints"]:
            snaps = self.get(f"/api/v1/endpoints/{e['device_id']}/snapshots")["snapshots"]
            out[e["device_id"]] = sorted(s["seq"] for s in snaps)
        return out


def wait_for(what, predicate, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return check(False, f"{what} within {seconds} s")


class Processes:
    def __init__(self):
        self.procs = []

    def start(self, argv, env, log):
        p = subprocess.Popen(argv, env=env, stdout=log, stderr=log, stdin=subprocess.DEVNULL,
                             start_new_session=True)
        self.procs.append(p)
        return p

    def stop(self, p):
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait(timeout=10)
        return p.returncode

    def stop_all(self):
        for p in self.procs:
            self.stop(p)


def run_unit(procs, unit_path, log, user_env=None):
    """Starts the unit's ExecStart as systemd would: its User=, its EnvironmentFile=."""
    settings = unit_settings(unit_path)
    argv = shlex.split(settings["ExecStart"][0])
    env = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "LANG": "C.UTF-8"}
    for f in settings.get("EnvironmentFile", []):
        env.update(environment_file(f))
    env.update(user_env or {})
    if "User" in settings:
        argv = ["runuser", "-u", settings["User"][0], "--"] + argv
    return procs.start(argv, env, log), argv, env


def sha256_file(path):
    return sh("sha256sum", path).stdout.split()[0]


def verify_units(units):
    for unit in units:
        r = sh("systemd-analyze", "verify", unit, check_rc=False)
        check(r.returncode == 0 and r.stderr.strip() == "",
              f"systemd-analyze verify {os.path.basename(unit)} is clean: {r.stderr.strip()}")


def check_lintian(deb):
    r = sh("lintian", "--no-tag-display-limit", deb, check_rc=False, timeout=300)
    errors = [l for l in r.stdout.splitlines() if l.startswith("E:")]
    check(not errors, f"lintian {os.path.basename(deb)}: no errors {errors}")
    print(r.stdout, end="")


def check_control(deb, conffile, scripts):
    with tempfile.TemporaryDirectory() as d:
        sh("dpkg-deb", "-e", deb, d)
        check(read(os.path.join(d, "conffiles")).split() == [conffile],
              f"{os.path.basename(deb)}: conffiles is {conffile}")
        for name in scripts:
            path = os.path.join(d, name)
            check(os.path.exists(path) and mode(path) == 0o755, f"{os.path.basename(deb)}: {name} 0755")
        if os.path.exists(os.path.join(d, "prerm")):
            check("deb-systemd-invoke stop" in read(os.path.join(d, "prerm")),
                  f"{os.path.basename(deb)}: prerm stops the service on remove")


def debconf_answers(pkg):
    r = sh("debconf-show", pkg, check_rc=False)
    return r.stdout


def test_server_package(debs, work, procs, port):
    apt("install", debs[SERVER])
    check(installed_version(SERVER).startswith("install ok installed"), "shouwei-server installed")
    check(sh("getent", "passwd", "_shouwei", check_rc=False).returncode == 0, "system user _shouwei exists")
    check(mode("/var/lib/shouwei-server") == 0o750, "/var/lib/shouwei-server is 0750")
    check(mode("/etc/shouwei-server/server.toml") == 0o640, "server.toml is 0640")
    check(os.path.exists("/usr/bin/shouweictl"), "shouweictl ships with the server")

    ca, crt, key = make_pki(work)
    for src, dst, m in ((crt, "/etc/shouwei-server/tls.pem", 0o644), (key, "/etc/shouwei-server/tls.key", 0o640)):
        sh("install", "-o", "root", "-g", "_shouwei", "-m", oct(m)[2:], src, dst)
    # A local edit of the server's conffile: loopback and a free port.
    config = "/etc/shouwei-server/server.toml"
    text = read(config).replace('listen = "0.0.0.0:8443"', f'listen = "127.0.0.1:{port}"')
    with open(config, "w") as f:  # truncates: read before
        f.write(text)

    unit = "/lib/systemd/system/shouwei-server.service"
    settings = unit_settings(unit)
    admin = ["runuser", "-u", settings["User"][0], "--", "/usr/bin/shouwei-server", "--config", config]
    secret = sh(*admin, "secret", "create", "--group", "pkg-test").stdout.strip().splitlines()[-1]
    token = sh(*admin, "token", "create", "--role", "viewer").stdout.strip().splitlines()[-1]
    log = open(os.path.join(work, "server.log"), "a")
    server, argv, _ = run_unit(procs, unit, log)
    api = Api(port, ca, token)
    up = wait_for("the server, started as its unit's ExecStart, answers /healthz", api.healthy, 30)
    if not check(up and server.poll() is None, f"server running: {' '.join(argv)}"):
        log.flush()
        print(read(log.name)[-4000:])
        raise RuntimeError("the installed server did not start")
    return ca, secret, api, server


def test_agent_install(debs, work, ca, secret):
    sh("/usr/bin/shouweictl", "keygen", "--alg", "ed25519", "--out", os.path.join(work, "policy"))
    policy_pub = read(os.path.join(work, "policy.pub"))
    port = int(A.port)
    selections = "\n".join([
        f"shouwei-agent shouwei-agent/server_url string https://localhost:{port}",
        f"shouwei-agent shouwei-agent/enroll_secret password {secret}",
        "shouwei-agent shouwei-agent/zone select extranet",
        # Inline PEM text, newlines written as \n.
        "shouwei-agent shouwei-agent/policy_key string " + policy_pub.strip().replace("\n", "\\n"),
    ]) + "\n"
    subprocess.run(["debconf-set-selections"], input=selections, text=True, check=True, timeout=60)
    # The CA through the environment, as `SHOUWEI_CA=... apt-get install` does.
    apt("install", debs[AGENT], env={"SHOUWEI_CA": ca})
    check(installed_version(AGENT).startswith("install ok installed"), "shouwei-agent installed, no prompt")

    check(mode("/usr/sbin/shouwei-agent") == 0o755, "/usr/sbin/shouwei-agent 0755")
    check(mode("/var/lib/shouwei") == 0o700, "/var/lib/shouwei is 0700")
    toml = read("/etc/shouwei/agent.toml")
    check(mode("/etc/shouwei/agent.toml") == 0o644, "agent.toml 0644")
    check(f'url = "https://localhost:{port}"' in toml, "agent.toml: server url from debconf")
    check('zone = "extranet"' in toml, "agent.toml: zone from debconf")
    check('\npolicy_public_key = "/etc/shouwei/policy.pub"' in toml, "agent.toml: policy key enabled")
    check('\n#media_public_key' in toml, "agent.toml: media key line stays commented (no answer)")
    check(secret not in toml, "the secret is not in the world-readable agent.toml")
    check(mode("/etc/shouwei/enroll.env") == 0o600, "enroll.env 0600")
    check(read("/etc/shouwei/enroll.env") == f"SHOUWEI_ENROLL_SECRET={secret}\n", "enroll.env holds the secret")
    check(read("/etc/shouwei/server-ca.pem") == read(ca), "server-ca.pem is the CA given in SHOUWEI_CA")
    check(read("/etc/shouwei/policy.pub") == policy_pub, "policy.pub is the inline PEM, lines restored")
    check(secret not in debconf_answers(AGENT), "the secret no longer in debconf")
    check(os.path.islink("/etc/systemd/system/multi-user.target.wants/shouwei-agent.service"),
          "unit enabled (multi-user.target.wants)")
    # The media gate's udev rules, when the tree has them (packaging/linux/udev, from [usb]).
    udev_dir = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "packaging", "linux", "udev")
    for rules in glob.glob(os.path.join(udev_dir, "*.rules")):
        installed = os.path.join("/usr/lib/udev/rules.d", os.path.basename(rules))
        check(os.path.exists(installed) and read(installed) == read(rules), f"{installed} installed")


def agent_cycle(procs, work, api, expect_device=None, min_snapshots=1):
    """Runs the installed unit's ExecStart until the server holds min_snapshots from it."""
    log = open(os.path.join(work, "agent.log"), "a")
    agent, argv, env = run_unit(procs, "/lib/systemd/system/shouwei-agent.service", log)
    check("SHOUWEI_ENROLL_SECRET" in env, "the unit's EnvironmentFile supplies the enrollment secret")

    def uploaded():
        if agent.poll() is not None:
            return True
        snaps = api.snapshots()
        return len(snaps) == 1 and len(next(iter(snaps.values()))) >= min_snapshots

    wait_for(f"{min_snapshots} snapshot(s) uploaded by {' '.join(argv)}", uploaded, 90)
    check(agent.poll() is None, "the agent keeps running (the service loop)")
    rc = procs.stop(agent)
    check(rc == 0, f"the agent exits 0 on SIGTERM (got {rc})")
    snaps = api.snapshots()
    check(len(snaps) == 1, f"exactly one device on the server: {list(snaps)}")
    device = next(iter(snaps), None)
    if expect_device is not None:
        check(device == expect_device, "the same device id after the upgrade")
    check(device is not None and len(snaps[device]) >= min_snapshots, f"snapshots stored: {snaps}")
    if FAILURES:
        print(read(os.path.join(work, "agent.log"))[-4000:])
    return device


def test_upgrade(debs2, work, procs, api, device):
    key_before = sha256_file("/var/lib/shouwei/device.key")
    env_before = read("/etc/shouwei/enroll.env")
    config = "/etc/shouwei/agent.toml"
    edited = read(config).replace('zone = "extranet"\n', 'zone = "extranet"\nasset_tag = "PKG-TEST-0001"\n')
    with open(config, "w") as f:
        f.write(edited)
    apt("install", debs2[AGENT])
    check(installed_version(AGENT).endswith("-2"), f"upgraded: {installed_version(AGENT)}")
    check(read(config) == edited, "the locally edited conffile survives the upgrade unchanged")
    check(not glob.glob("/etc/shouwei/*.dpkg-*"), "no .dpkg-dist/.dpkg-new left beside it")
    check(sha256_file("/var/lib/shouwei/device.key") == key_before, "device key unchanged by the upgrade")
    check(read("/etc/shouwei/enroll.env") == env_before, "enroll.env unchanged by the upgrade")
    agent_cycle(procs, work, api, expect_device=device, min_snapshots=2)


def test_remove_purge():
    apt("remove", AGENT)
    check(installed_version(AGENT).startswith("deinstall ok config-files"), "removed, config kept")
    check(not os.path.exists("/usr/sbin/shouwei-agent"), "remove: binary gone")
    check(os.path.exists("/etc/shouwei/agent.toml") and os.path.exists("/var/lib/shouwei/device.key"),
          "remove: configuration and device identity kept")
    check(os.path.realpath("/etc/systemd/system/shouwei-agent.service") == "/dev/null", "remove: unit masked")
    apt("purge", AGENT)
    check(installed_version(AGENT) == "", "purged")
    for path in ("/etc/shouwei", "/var/lib/shouwei", "/var/lib/shouwei-agent",
                 "/etc/systemd/system/shouwei-agent.service",
                 "/etc/systemd/system/multi-user.target.wants/shouwei-agent.service"):
        check(not os.path.lexists(path), f"purge: {path} gone")
    check("shouwei-agent/" not in debconf_answers(AGENT), "purge: debconf answers gone")
    apt("purge", SERVER)
    for path in ("/etc/shouwei-server", "/var/lib/shouwei-server"):
        check(not os.path.lexists(path), f"purge: {path} gone")


def cleanup(procs):
    procs.stop_all()
    for pkg in (AGENT, SERVER):
        if installed_version(pkg):
            sh("dpkg", "--purge", pkg, check_rc=False, timeout=120)
    for pkg in (AGENT,):
        subprocess.run(["debconf-communicate", pkg], input="PURGE\n", text=True, capture_output=True,
                       timeout=60)
    for path in OWNED_PATHS:
        sh("rm", "-rf", path, check_rc=False)
    for path in glob.glob("/etc/systemd/system/**/shouwei-*.service", recursive=True):
        os.unlink(path)
    if sh("getent", "passwd", "_shouwei", check_rc=False).returncode == 0:
        sh("userdel", "_shouwei", check_rc=False)
        sh("groupdel", "_shouwei", check_rc=False)


def main():
    global A
    p = argparse.ArgumentParser()
    p.add_argument("--build", required=True, help="the CMake build directory (CPackConfig.cmake)")
    A = p.parse_args()
    if os.geteuid() != 0:
        print("skip: installing packages needs root (CI runs as root)")
        return SKIP
    # One run at a time on a machine; dpkg would serialise anyway, the paths would not.
    lock = open("/run/lock/shouwei-packaging-test.lock", "w")
    fcntl.flock(lock, fcntl.LOCK_EX)
    existing = [x for x in [AGENT, SERVER] if installed_version(x)] + [x for x in OWNED_PATHS if os.path.exists(x)]
    if existing:
        print(f"skip: {existing} already on this machine; this test installs and purges them")
        return SKIP
    A.port = str(free_port())
    procs = Processes()
    with tempfile.TemporaryDirectory(prefix="shouwei-pkg-") as work:
        os.chmod(work, 0o755)  # the server runs as _shouwei and reads nothing here, apt reads the .debs
        try:
            debs = build_packages(os.path.join(work, "r1"), 1)
            debs2 = build_packages(os.path.join(work, "r2"), 2)
            check(set(debs) == {AGENT, SERVER}, f"cpack built {sorted(debs)}")
            for deb in debs.values():
                check_lintian(deb)
            check_control(debs[AGENT], "/etc/shouwei/agent.toml", ["config", "postinst", "prerm", "postrm"])
            check_control(debs[SERVER], "/etc/shouwei-server/server.toml", ["postinst", "prerm", "postrm"])
            ca, secret, api, _ = test_server_package(debs, work, procs, int(A.port))
            test_agent_install(debs, work, ca, secret)
            verify_units(["/lib/systemd/system/shouwei-agent.service", "/lib/systemd/system/shouwei-server.service"])
            device = agent_cycle(procs, work, api)
            test_upgrade(debs2, work, procs, api, device)
            procs.stop_all()
            test_remove_purge()
        except Exception as e:  # noqa: BLE001 - reported as a failure, cleanup still runs
            check(False, f"unexpected: {e}")
        finally:
            cleanup(procs)
    leftovers = [x for x in OWNED_PATHS if os.path.exists(x)] + [x for x in [AGENT, SERVER] if installed_version(x)]
    check(not leftovers, f"machine left clean: {leftovers}")
    print(f"{len(FAILURES)} failure(s)")
    return 1 if FAILURES else 0


if __name__ == "__main__":
    sys.exit(main())
