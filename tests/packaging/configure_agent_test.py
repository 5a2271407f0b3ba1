#!/usr/bin/env python3
"""packaging/linux/agent/configure-agent, the helper both the .deb postinst and the .rpm %post
use, run against temporary directories (SHOUWEI_ETC, SHOUWEI_TEMPLATE, SHOUWEI_MARKER_DIR):

- answers from the environment fill the shipped template; the secret goes to enroll.env 0600;
  PEM from a path and from one-line text with literal \\n; a run without answers keeps them;
- /etc/shouwei/install.env supplies answers, the environment wins over it, it becomes 0600;
- an administrator's edit of agent.toml is never overwritten;
- a bad URL, zone, secret or PEM is refused with a line naming it, and nothing is written.
The generated file is read back with Python's TOML parser.
"""
import argparse
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import tomllib

FAILURES = []
A = None
PEM = "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=\n-----END PUBLIC KEY-----\n"


def check(cond, what):
    print(("ok:   " if cond else "FAIL: ") + what, flush=True)
    if not cond:
        FAILURES.append(what)


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


class Sandbox:
    def __init__(self, root):
        self.etc = os.path.join(root, "etc")
        self.marker = os.path.join(root, "marker")
        os.makedirs(self.etc)
        self.config = os.path.join(self.etc, "agent.toml")

    def run(self, **answers):
        env = {"PATH": os.environ["PATH"], "SHOUWEI_ETC": self.etc, "SHOUWEI_TEMPLATE": A.template,
               "SHOUWEI_MARKER_DIR": self.marker}
        env.update({"SHOUWEI_" + k.upper(): v for k, v in answers.items()})
        return subprocess.run([A.script], env=env, capture_output=True, text=True, timeout=30)

    def toml(self):
        with open(self.config, "rb") as f:
            return tomllib.load(f)

    def listing(self):
        return sorted(os.listdir(self.etc))


def mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


def test_answers_from_environment(root):
    sb = Sandbox(root)
    pem_path = os.path.join(root, "ca.pem")
    with open(pem_path, "w") as f:
        f.write(PEM)
    r = sb.run(server_url="https://shouwei.example.gov.cn:8443", zone="internet", enroll_secret="s3cr3t-XY",
               ca=pem_path, media_key=PEM.strip().replace("\n", "\\n"))
    check(r.returncode == 0, f"first run succeeds {r.stderr}")
    doc = sb.toml()
    check(doc["server"]["url"] == "https://shouwei.example.gov.cn:8443", "url filled in")
    check(doc["zone"] == "internet", "zone filled in")
    check(doc.get("media_public_key") == "/etc/shouwei/media.pub", "media key enabled (file installed)")
    check("policy_public_key" not in doc, "policy key left commented (no answer)")
    check("s3cr3t" not in read(sb.config), "the secret is not in agent.toml")
    check(read(os.path.join(sb.etc, "enroll.env")) == "SHOUWEI_ENROLL_SECRET=s3cr3t-XY\n", "enroll.env")
    check(mode(os.path.join(sb.etc, "enroll.env")) == 0o600, "enroll.env is 0600")
    check(read(os.path.join(sb.etc, "server-ca.pem")) == PEM, "CA copied from the path")
    check(read(os.path.join(sb.etc, "media.pub")) == PEM, "inline PEM written with its newlines")
    before = read(sb.config)
    r = sb.run()
    check(r.returncode == 0 and read(sb.config) == before, "a run without answers (upgrade) keeps the file")
    r = sb.run(zone="extranet")
    check(sb.toml()["zone"] == "extranet" and sb.toml()["server"]["url"].endswith(":8443"),
          "a new answer applies to the file the installer generated, the others stay")


def test_install_env(root):
    sb = Sandbox(root)
    install_env = os.path.join(sb.etc, "install.env")
    with open(install_env, "w") as f:
        f.write('# dropped by the desktop-management tool\nSHOUWEI_SERVER_URL="https://10.0.0.5:8443"\n'
                "SHOUWEI_ZONE=extranet\nSHOUWEI_ENROLL_SECRET='abc'\n")
    os.chmod(install_env, 0o644)
    r = sb.run(zone="intranet")
    check(r.returncode == 0, f"install.env run succeeds {r.stderr}")
    check(sb.toml()["server"]["url"] == "https://10.0.0.5:8443", "url from install.env, quotes dropped")
    check(sb.toml()["zone"] == "intranet", "the environment wins over install.env")
    check(read(os.path.join(sb.etc, "enroll.env")) == "SHOUWEI_ENROLL_SECRET=abc\n", "secret from install.env")
    check(mode(install_env) == 0o600, "install.env made root-only (it holds the secret)")


def test_local_edit_kept(root):
    sb = Sandbox(root)
    sb.run(server_url="https://a.example:8443")
    edited = read(sb.config).replace('log_level = "info"', 'log_level = "debug"')
    with open(sb.config, "w") as f:
        f.write(edited)
    r = sb.run(server_url="https://b.example:8443")
    check(r.returncode == 0 and read(sb.config) == edited, "an edited agent.toml is not rewritten")
    check("edited locally" in r.stderr, f"and the installer says so: {r.stderr.strip()}")


def test_bad_answers_refused(root):
    cases = [
        ({"server_url": "http://plain.example"}, "SHOUWEI_SERVER_URL"),
        ({"server_url": 'https://x"; rm -rf /'}, "SHOUWEI_SERVER_URL"),
        ({"zone": "dmz"}, "SHOUWEI_ZONE"),
        ({"enroll_secret": "two words"}, "SHOUWEI_ENROLL_SECRET"),
        ({"ca": "relative/ca.pem"}, "SHOUWEI_CA"),
        ({"ca": "/nonexistent/ca.pem"}, "SHOUWEI_CA"),
        ({"policy_key": "-----BEGIN PUBLIC KEY-----\\nAAAA"}, "SHOUWEI_POLICY_KEY"),
    ]
    for i, (answers, name) in enumerate(cases):
        sb = Sandbox(os.path.join(root, str(i)))
        r = sb.run(**{"enroll_secret": "good", **answers})
        line = r.stderr.strip()
        check(r.returncode != 0 and line.startswith("shouwei-agent: " + name) and "\n" not in line,
              f"{answers} refused naming {name}: {line}")
        check(sb.listing() == [], f"{answers}: nothing written ({sb.listing()})")


def main():
    global A
    p = argparse.ArgumentParser()
    p.add_argument("--script", required=True)
    p.add_argument("--template", required=True)
    A = p.parse_args()
    with tempfile.TemporaryDirectory(prefix="shouwei-configure-") as d:
        for i, test in enumerate([test_answers_from_environment, test_install_env, test_local_edit_kept,
                                  test_bad_answers_refused]):
            test(os.path.join(d, str(i)))
        shutil.rmtree(d, ignore_errors=True)
    print(f"{len(FAILURES)} failure(s)")
    return 1 if FAILURES else 0


if __name__ == "__main__":
    sys.exit(main())
