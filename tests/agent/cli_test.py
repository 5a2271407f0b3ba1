#!/usr/bin/env python3
"""The agent's and shouweictl's command lines as an operator meets them.

Every failure case checks: a non-zero exit code, one line on stderr naming the file at fault,
and that nothing was overwritten.
"""
import argparse
import base64
import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile

import jsonschema

ARGS = None
FAILURES = []


def check(cond, what):
    if not cond:
        FAILURES.append(what)
        print("FAIL:", what)


def run(*argv, **kw):
    return subprocess.run(list(argv), capture_output=True, text=True, timeout=60, **kw)


def write(path, text, mode=0o644):
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    os.chmod(path, mode)


def agent(config, *args, root=None):
    argv = [ARGS.agent, "--config", config]
    if root:
        argv += ["--root", root]
    return run(*argv, *args)


def one_line_error(res, must_name, code=None, what=""):
    err = res.stderr.strip().splitlines()
    check(res.returncode != 0, f"{what}: exit code is non-zero (got {res.returncode})")
    if code is not None:
        check(res.returncode == code, f"{what}: exit code {code} (got {res.returncode}: {res.stderr!r})")
    check(len(err) == 1, f"{what}: exactly one line on stderr (got {err!r})")
    check(any(must_name in line for line in err), f"{what}: stderr names {must_name!r} (got {err!r})")


def main():
    global ARGS
    p = argparse.ArgumentParser()
    p.add_argument("--agent", required=True)
    p.add_argument("--ctl", required=True)
    p.add_argument("--schema", required=True)
    ARGS = p.parse_args()
    with open(ARGS.schema, encoding="utf-8") as f:
        schema = json.load(f)
    jsonschema.Draft202012Validator.check_schema(schema)

    tmp = tempfile.mkdtemp(prefix="shouwei-cli-")
    try:
        cfg = os.path.join(tmp, "agent.toml")
        state = os.path.join(tmp, "state")
        write(cfg, f'state_dir = "{state}"\nzone = "internet"\nasset_tag = "A-1"\nlocation = "三楼"\n')

        # The signed snapshot: one JSON object on stdout, verifiable with the device key.
        res = agent(cfg, "snapshot")
        check(res.returncode == 0, f"snapshot exits 0 ({res.stderr})")
        lines = res.stdout.strip().splitlines()
        check(len(lines) == 1, "snapshot prints one line")
        envelope = json.loads(lines[0])
        check(envelope["payloadType"] == "application/vnd.shouwei.snapshot+json", "payload type")
        payload = json.loads(base64.b64decode(envelope["payload"]))
        jsonschema.validate(payload, schema)
        check(payload["zone"] == "internet" and payload["inventory"]["asset_tag"] == "A-1", "config reaches payload")
        check(payload["device_id"] == envelope["signatures"][0]["keyid"], "device_id is the keyid")
        check(oct(os.stat(os.path.join(state, "device.key")).st_mode & 0o777) == "0o600", "device key is 0600")

        env_path = os.path.join(tmp, "env.json")
        write(env_path, lines[0])
        pub = os.path.join(tmp, "device.pub")
        res = agent(cfg, "pubkey")
        check(res.returncode == 0 and "BEGIN PUBLIC KEY" in res.stdout, "pubkey prints PEM")
        write(pub, res.stdout)
        res = run(ARGS.ctl, "verify", "--key", pub, env_path)
        check(res.returncode == 0, f"verify accepts the agent's snapshot ({res.stdout}{res.stderr})")
        check(payload["device_id"] in res.stdout, "verify prints the keyid")
        res = run(ARGS.ctl, "verify", "--key", pub, "-", input=lines[0])
        check(res.returncode == 0, "verify reads stdin")

        # Tampering is caught.
        tampered = dict(envelope)
        tampered["payload"] = base64.b64encode(json.dumps(dict(payload, zone="intranet")).encode()).decode()
        res = run(ARGS.ctl, "verify", "--key", pub, "-", input=json.dumps(tampered))
        check(res.returncode == 4, f"verify refuses a tampered payload with exit 4 (got {res.returncode})")

        # seq grows across runs, and --payload prints the decoded payload.
        res = agent(cfg, "snapshot", "--payload")
        second = json.loads(res.stdout)
        check(second["seq"] == payload["seq"] + 1, f"seq grows across runs ({payload['seq']} -> {second['seq']})")
        jsonschema.validate(second, schema)

        # --root inspects a fixture tree.
        fixtures = os.path.join(os.path.dirname(os.path.abspath(ARGS.schema)), "..", "..", "tests", "fixtures", "inventory", "kylin")
        if os.path.isdir(fixtures):
            res = agent(cfg, "snapshot", "--payload", root=fixtures)
            check(res.returncode == 0, f"snapshot --root works ({res.stderr})")
            inv = json.loads(res.stdout)["inventory"]
            check("kylin" in json.dumps(inv["os"]).lower(), f"--root reads the fixture's os-release ({inv['os']})")

        # media scan over a fixture PC: one JSON line per USB stick; no disk image there, so the
        # tag cannot be read and the gate fails closed (read-only), acting on nothing without --apply.
        usb_root = os.path.join(os.path.dirname(os.path.abspath(ARGS.schema)), "..", "..", "tests", "fixtures", "usb", "office-pc")
        if os.path.isdir(usb_root):
            res = agent(cfg, "media", "scan", root=usb_root)
            check(res.returncode == 0, f"media scan exits 0 ({res.stderr})")
            decisions = [json.loads(line) for line in res.stdout.splitlines() if line.strip()]
            check(len(decisions) >= 1, "media scan lists the fixture's USB sticks")
            check(all(d["decision"] in ("read_only", "block") and not d["applied"] for d in decisions),
                  f"unreadable tags fail closed and nothing is applied without --apply ({decisions})")

        # Bad configuration: exit 3, one line naming the file.
        bad = os.path.join(tmp, "bad.toml")
        write(bad, 'zone = "dmz"\n')
        one_line_error(agent(bad, "snapshot"), bad, 3, "invalid zone")
        write(bad, "zone = [\n")
        one_line_error(agent(bad, "snapshot"), bad, 3, "corrupt TOML")
        one_line_error(agent(os.path.join(tmp, "missing.toml"), "snapshot"), "missing.toml", 3, "missing config")
        if os.geteuid() != 0:
            write(bad, 'zone = "intranet"\n', 0o000)
            one_line_error(agent(bad, "snapshot"), bad, 3, "unreadable config")

        # Garbage and over-permissive device keys: refused, named, untouched.
        for name, content, mode in (("garbage", "not a key at all\n", 0o600),
                                    ("open", None, 0o644)):
            st = os.path.join(tmp, "state-" + name)
            os.makedirs(st, mode=0o700)
            key = os.path.join(st, "device.key")
            if content is None:
                shutil.copy(os.path.join(state, "device.key"), key)
                with open(key, encoding="utf-8") as f:
                    content = f.read()
            write(key, content, mode)
            c = os.path.join(tmp, name + ".toml")
            write(c, f'state_dir = "{st}"\n')
            one_line_error(agent(c, "snapshot"), "device.key", None, f"{name} device key")
            with open(key, encoding="utf-8") as f:
                check(f.read() == content, f"{name} device key left untouched")

        # A corrupt state database: exit 5, named, untouched.
        st = os.path.join(tmp, "state-corrupt")
        os.makedirs(st, mode=0o700)
        db = os.path.join(st, "state.db")
        junk = b"SQLite format 2\x00" + os.urandom(4096)
        with open(db, "wb") as f:
            f.write(junk)
        c = os.path.join(tmp, "corrupt.toml")
        write(c, f'state_dir = "{st}"\n')
        one_line_error(agent(c, "snapshot"), "state.db", 5, "corrupt state database")
        with open(db, "rb") as f:
            check(f.read() == junk, "corrupt state database left untouched")

        # An unusable state directory (a file is in the way): named.
        blocker = os.path.join(tmp, "blocker")
        write(blocker, "x")
        c = os.path.join(tmp, "blocked.toml")
        write(c, f'state_dir = "{blocker}/state"\n')
        one_line_error(agent(c, "snapshot"), blocker, None, "unusable state dir")

        # Usage errors.
        res = run(ARGS.agent, "no-such-command")
        check(res.returncode == 2, f"unknown subcommand exits 2 (got {res.returncode})")
        res = run(ARGS.agent, "--help")
        check(res.returncode == 0 and "snapshot" in res.stdout, "--help lists the commands")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    if FAILURES:
        print(f"{len(FAILURES)} check(s) failed")
        return 1
    print("agent CLI: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
