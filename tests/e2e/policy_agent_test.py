#!/usr/bin/env python3
"""Signed policy end to end: shouweictl signs and pushes, shouwei-server distributes,
shouwei-agent applies, over real HTTPS on 127.0.0.1.

1. policy v1 pushed -> the agent applies it: its snapshot shows policy.version 1, and so does
   the server's endpoint record;
2. a running agent (`run`, polling every 5 s) gets v2 with a 60 s snapshot interval and a
   category database -> applied without a restart: the database is downloaded and checked, the
   interval re-armed, and the next snapshot (60 s after the previous one, not 3600) arrives with
   version 2 and the database;
3. the server restarted -> the agent keeps v2, and its unchanged poll is answered 304 (server
   metric shouwei_policy_requests_total{outcome="not_modified"});
4. v3 names a database on an https mirror (same pinned CA) that first cuts the body short of its
   Content-Length, then serves other bytes: v3 applies, the database does not; each failure is
   one event in the uploaded snapshot, and the v2 database stays in use.
Bounded: every wait has a timeout; the test takes about 80 s, most of it the 60 s interval.
"""
import argparse
import base64
import hashlib
import http.server
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import ssl

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from agent_server_test import Server, check, free_port, make_pki, FAILURES  # noqa: E402
import agent_server_test  # noqa: E402


def sh(*argv):
    return subprocess.run(list(argv), capture_output=True, text=True, timeout=120)


def get(base, path, ca, token=None):
    ctx = ssl.create_default_context(cafile=ca)
    headers = {"Authorization": "Bearer " + token} if token else {}
    with urllib.request.urlopen(urllib.request.Request(base + path, headers=headers), context=ctx,
                                timeout=10) as r:
        return r.read()


class CategoryMirror:
    """An https mirror with the server's certificate (so the agent's pinned CA applies) holding
    one database: mode "cut" announces its full length but sends half and closes, "other"
    sends other bytes in full."""

    def __init__(self, crt, key, wanted, other):
        mirror = self
        self.mode = "cut"

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                body = wanted if mirror.mode == "cut" else other
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body[: len(body) // 2] if mirror.mode == "cut" else body)
                self.close_connection = True

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(crt, key)
        self.httpd.socket = ctx.wrap_socket(self.httpd.socket, server_side=True)
        self.url = f"https://localhost:{self.httpd.server_address[1]}/cats.db"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()


def wait_for(what, predicate, timeout):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.5)
    check(False, f"{what} (waited {timeout} s)")
    return None


def main():
    p = argparse.ArgumentParser()
    for n in ("agent", "server", "ctl"):
        p.add_argument("--" + n, required=True)
    a = p.parse_args()
    agent_server_test.A = a  # Server uses it
    d = tempfile.mkdtemp(prefix="shouwei-e2e-policy-")
    ca, crt, key = make_pki(d)
    port = free_port()
    base = f"https://localhost:{port}"

    def ctl(*args):
        r = sh(a.ctl, *args)
        assert r.returncode == 0, f"shouweictl {' '.join(args)}: {r.stderr}"
        return r.stdout

    org = os.path.join(d, "org-policy")
    ctl("keygen", "--out", org)
    server = Server(d, port, crt, key)
    with open(server.cfg, "a") as f:
        f.write(f'policy_public_key = "{org}.pub"\n')
    group = "office-3f"
    secret = server.cli("secret", "create", "--group", group)
    admin = server.cli("token", "create", "--role", "admin")
    viewer = server.cli("token", "create", "--role", "viewer")
    server.start()

    def sign_and_push(version, interval, category_db=None):
        doc_path = os.path.join(d, f"policy-v{version}.json")
        template = os.path.join(d, f"template-v{version}.json")
        ctl("policy", "init", "--out", template)
        with open(template) as f:
            doc = json.load(f)
        doc["version"] = version
        doc["groups"] = [group]
        doc["snapshot_interval_seconds"] = interval
        if category_db:
            doc["category_db"] = category_db
        with open(doc_path, "w") as f:
            json.dump(doc, f, ensure_ascii=False)
        envelope = os.path.join(d, f"policy-v{version}.env")
        with open(envelope, "w") as f:
            f.write(ctl("policy", "sign", "--key", org + ".key", doc_path))
        ctl("policy", "push", "--server", base, "--ca", ca, "--token", admin, envelope)

    cfg = os.path.join(d, "agent.toml")
    state = os.path.join(d, "agent")
    with open(cfg, "w") as f:
        f.write(f'state_dir = "{state}"\nzone = "intranet"\nasset_tag = "E2E-POLICY"\n'
                f'snapshot_interval_seconds = 3600\npolicy_public_key = "{org}.pub"\n'
                f'[server]\nurl = "{base}"\nca_file = "{ca}"\nenroll_secret = "{secret}"\n'
                f'policy_poll_interval_seconds = 5\n')

    def payload():
        r = sh(a.agent, "--config", cfg, "snapshot", "--payload")
        assert r.returncode == 0, r.stderr
        return json.loads(r.stdout)

    def endpoint(device_id):
        return json.loads(get(base, f"/api/v1/endpoints/{device_id}", ca, viewer))

    def not_modified_count():
        text = get(base, "/metrics", ca).decode()
        m = re.search(r'shouwei_policy_requests_total\{outcome="not_modified"\} (\d+)', text)
        return int(m.group(1)) if m else 0

    runner = None
    try:
        # 1. v1 pushed, applied, reported.
        sign_and_push(1, 3600)
        r = sh(a.agent, "--config", cfg, "run", "--once")  # enrolls, then fetches the policy
        check(r.returncode == 0, f"run --once enrolls and applies the policy (rc {r.returncode}: "
                                 f"{r.stderr.strip()[-300:]})")
        snap = payload()
        device_id = snap["device_id"]
        check(snap["policy"]["version"] == 1 and snap["policy"]["is_default"] is False,
              f"the agent's snapshot shows policy version 1 ({snap['policy']})")
        check(snap["policy_version"] == 1, "and the header's policy_version")
        r = sh(a.agent, "--config", cfg, "run", "--once")
        check(r.returncode == 0, f"the next cycle uploads it (rc {r.returncode})")
        check(endpoint(device_id).get("policy_version") == 1,
              f"the server shows version 1 applied ({endpoint(device_id).get('policy_version')})")

        # 2. v2 with another interval and a category database, to a running agent.
        lists = os.path.join(d, "lists", "gambling")
        os.makedirs(lists)
        with open(os.path.join(lists, "domains"), "w") as f:
            f.write("casino.example\nbet.example\n")
        cats = os.path.join(d, "cats.db")
        ctl("categories", "build", "--from", os.path.dirname(lists), "--out", cats)
        pushed = ctl("categories", "push", "--server", base, "--ca", ca, "--token", admin, cats)
        line = [x for x in pushed.splitlines() if x.startswith("policy category_db: ")][0]
        category_db = json.loads(line[len("policy category_db: "):])
        with open(cats, "rb") as f:
            check(category_db["sha256"] == hashlib.sha256(f.read()).hexdigest(),
                  "categories push reports the file's SHA-256")

        log = open(os.path.join(d, "agent-run.log"), "w")
        runner = subprocess.Popen([a.agent, "--config", cfg, "run"], stdout=log, stderr=log)
        seq_before = wait_for("the running agent uploads its first snapshot",
                              lambda: endpoint(device_id).get("last_seq"), 30)
        sign_and_push(2, 60, category_db)
        db_file = os.path.join(state, "categories", category_db["sha256"] + ".db")
        wait_for("the running agent downloads the policy's category database",
                 lambda: os.path.exists(db_file), 30)
        shown = wait_for("the server shows version 2 applied without a restart (60 s interval)",
                         lambda: endpoint(device_id).get("policy_version") == 2, 90)
        check(runner.poll() is None, "the agent was not restarted")
        check(bool(shown) and endpoint(device_id).get("last_seq") != seq_before,
              "a new snapshot arrived")
        with open(os.path.join(d, "agent-run.log")) as f:
            text = f.read()
        check("snapshot interval now 60 s" in text, "the agent re-armed its snapshot timer")
        runner.send_signal(signal.SIGTERM)
        check(runner.wait(timeout=30) == 0, "the agent stops on SIGTERM")
        runner = None

        # 3. Server restart: v2 kept, an unchanged poll costs a 304.
        server.stop()
        server.start()
        before = not_modified_count()
        r = sh(a.agent, "--config", cfg, "run", "--once")
        check(r.returncode == 0, f"run --once after the server restart (rc {r.returncode})")
        check(not_modified_count() == before + 1, "the unchanged policy was answered 304")
        snap = payload()
        check(snap["policy"]["version"] == 2, "the agent keeps version 2")
        check(snap["policy"]["category_db"] == {"version": category_db["version"],
                                                 "sha256": category_db["sha256"]},
              f"and the category database in use ({snap['policy']['category_db']})")
        check(snap["policy"]["events"] == [], f"no refusal events ({snap['policy']['events']})")
        check(endpoint(device_id).get("policy_version") == 2, "the server still shows version 2")

        # 4. A cut download and other bytes, through the real transport.
        os.makedirs(os.path.join(d, "lists3", "games"))
        with open(os.path.join(d, "lists3", "games", "domains"), "w") as f:
            f.write("casino.example\n")
        cats3 = os.path.join(d, "cats3.db")
        ctl("categories", "build", "--from", os.path.join(d, "lists3"), "--out", cats3)
        with open(cats3, "rb") as f:
            wanted = f.read()
        with open(cats, "rb") as f:
            mirror = CategoryMirror(crt, key, wanted, f.read())
        sign_and_push(3, 60, {"url": mirror.url, "sha256": hashlib.sha256(wanted).hexdigest(),
                              "version": 3})

        def last_uploaded_policy():
            listed = json.loads(get(base, f"/api/v1/endpoints/{device_id}/snapshots?limit=1000",
                                    ca, viewer))
            items = listed if isinstance(listed, list) else listed.get("snapshots", listed.get("items"))
            newest = max(items, key=lambda i: i["seq"])
            sid = newest.get("id", newest.get("snapshot_id"))
            envelope = json.loads(get(base, f"/api/v1/snapshots/{sid}", ca, viewer))
            return json.loads(base64.b64decode(envelope["payload"]))["policy"]

        for mode, reason in (("cut", "category_db_download_failed"),
                             ("other", "category_db_hash_mismatch")):
            mirror.mode = mode
            r = sh(a.agent, "--config", cfg, "run", "--once")
            check(r.returncode == 0, f"run --once with the {mode} database (rc {r.returncode})")
            uploaded = last_uploaded_policy()
            check(uploaded["version"] == 3, f"v3 applies although its database does not ({mode})")
            check([e["reason"] for e in uploaded["events"]] == [reason],
                  f"one {reason} event uploaded ({uploaded['events']})")
            check(uploaded["category_db"]["sha256"] == category_db["sha256"],
                  f"the v2 database stays in use ({mode})")
        check(not os.path.exists(os.path.join(state, "categories", "download.part")),
              "no partial download left behind")
        mirror.httpd.shutdown()
    finally:
        if runner is not None:
            runner.kill()
            runner.wait()
        server.stop()
    if FAILURES:
        print(f"{len(FAILURES)} check(s) failed; logs in {d}")
        return 1
    print("e2e policy: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
