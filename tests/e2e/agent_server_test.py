#!/usr/bin/env python3
"""shouwei-agent and shouwei-server end to end, over real HTTPS on 127.0.0.1.

1. enroll, upload, pull the report, re-verify the stored envelope with the device key;
2. server stopped for a while and restarted mid-run: snapshots queue up and all arrive;
3. the agent SIGKILLed mid-upload (a proxy holds its request until the agent is dead, then
   delivers it): the snapshot is stored once, the agent resends it after restart and gets 200;
in the end every snapshot seq the agent produced is on the server exactly once, in order.
Bounded: every wait has a timeout; the whole test takes well under a minute here.
"""
import argparse
import json
import os
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

A = None
FAILURES = []


def check(cond, what):
    print(("ok:   " if cond else "FAIL: ") + what, flush=True)
    if not cond:
        FAILURES.append(what)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def sh(*argv, **kw):
    return subprocess.run(list(argv), capture_output=True, text=True, timeout=120, **kw)


def make_pki(d):
    ca_key, ca = os.path.join(d, "ca.key"), os.path.join(d, "ca.pem")
    key, csr, crt = (os.path.join(d, n) for n in ("server.key", "server.csr", "server.pem"))
    ext = os.path.join(d, "ext.cnf")
    with open(ext, "w") as f:
        f.write("subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n")
    for argv in (
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
         "-keyout", ca_key, "-out", ca, "-days", "2", "-subj", "/CN=Shouwei test CA"],
        ["openssl", "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
         "-keyout", key, "-out", csr, "-subj", "/CN=localhost"],
        ["openssl", "x509", "-req", "-in", csr, "-CA", ca, "-CAkey", ca_key, "-CAcreateserial",
         "-out", crt, "-days", "2", "-extfile", ext],
    ):
        r = sh(*argv)
        assert r.returncode == 0, r.stderr
    os.chmod(key, 0o600)
    return ca, crt, key


class Server:
    def __init__(self, d, port, crt, key):
        self.cfg = os.path.join(d, "server.toml")
        with open(self.cfg, "w") as f:
            f.write(f'listen = "127.0.0.1:{port}"\ntls_cert = "{crt}"\ntls_key = "{key}"\n'
                    f'database = "{os.path.join(d, "server.db")}"\nmax_body_bytes = 8388608\n')
        self.port = port
        self.proc = None
        self.log = open(os.path.join(d, "server.log"), "a")

    def cli(self, *args):
        r = sh(A.server, "--config", self.cfg, *args)
        assert r.returncode == 0, r.stderr
        return r.stdout.strip().splitlines()[-1]

    def start(self):
        self.proc = subprocess.Popen([A.server, "--config", self.cfg, "serve"], stdout=self.log, stderr=self.log)
        deadline = time.time() + 20
        while time.time() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("server did not start")

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            self.proc.wait(timeout=30)
        self.proc = None


class HoldingProxy:
    """Forwards 127.0.0.1:listen -> 127.0.0.1:target. While `hold` is set, client bytes are
    buffered and delivered only when released (after the client was killed)."""

    def __init__(self, target):
        self.target = target
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.hold = threading.Event()
        self.release = threading.Event()
        self.seen_request = threading.Event()
        threading.Thread(target=self.accept_loop, daemon=True).start()

    def accept_loop(self):
        while True:
            try:
                client, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self.pipe, args=(client,), daemon=True).start()

    def pipe(self, client):
        upstream = socket.create_connection(("127.0.0.1", self.target))
        held = self.hold.is_set()

        def down():
            try:
                while True:
                    data = upstream.recv(65536)
                    if not data:
                        break
                    client.sendall(data)
            except OSError:
                pass

        threading.Thread(target=down, daemon=True).start()
        buffered = b""
        forwarded = 0  # bytes passed through while holding
        try:
            while True:
                data = client.recv(65536)
                if not data:
                    break
                # The TLS handshake and the start of the request pass; the rest of the upload is
                # held, so the agent is killed with its request half delivered.
                if held:
                    # Split within a chunk: the handshake may arrive together with the request.
                    room = max(0, 1500 - forwarded)
                    if room:
                        upstream.sendall(data[:room])
                        forwarded += min(room, len(data))
                    buffered += data[room:]
                    if len(buffered) > 2000:
                        self.seen_request.set()
                else:
                    upstream.sendall(data)
        except OSError:
            pass
        if held:
            self.release.wait(timeout=30)
            try:
                upstream.sendall(buffered)  # the TLS records of the whole request
                time.sleep(1.0)
            except OSError:
                pass
        upstream.close()


def api(base, token, path, ca):
    ctx = ssl.create_default_context(cafile=ca)
    req = urllib.request.Request(base + path, headers={"Authorization": "Bearer " + token})
    with urllib.request.urlopen(req, context=ctx, timeout=10) as r:
        return r.read()


def main():
    global A
    p = argparse.ArgumentParser()
    for n in ("agent", "server", "ctl"):
        p.add_argument("--" + n, required=True)
    A = p.parse_args()
    d = tempfile.mkdtemp(prefix="shouwei-e2e-")
    ca, crt, key = make_pki(d)
    port = free_port()
    server = Server(d, port, crt, key)
    secret = server.cli("secret", "create", "--group", "office-3f")
    viewer = server.cli("token", "create", "--role", "viewer")
    server.start()
    base = f"https://localhost:{port}"

    def agent_cfg(name, url):
        cfg = os.path.join(d, name + ".toml")
        with open(cfg, "w") as f:
            f.write(f'state_dir = "{os.path.join(d, name)}"\nzone = "intranet"\nasset_tag = "E2E"\n'
                    f'[server]\nurl = "{url}"\nca_file = "{ca}"\nenroll_secret = "{secret}"\n')
        return cfg

    cfg = agent_cfg("agent", base)
    try:
        # 1. enroll + upload + report + re-verify
        r = sh(A.agent, "--config", cfg, "run", "--once")
        check(r.returncode == 0, f"run --once enrolls and uploads (rc {r.returncode}: {r.stderr.strip()[-300:]})")
        device_id = json.loads(sh(A.agent, "--config", cfg, "snapshot", "--payload").stdout)["device_id"]
        pub = os.path.join(d, "device.pub")
        with open(pub, "w") as f:
            f.write(sh(A.agent, "--config", cfg, "pubkey").stdout)
        endpoints = json.loads(api(base, viewer, "/api/v1/endpoints", ca))
        check(device_id in json.dumps(endpoints), "the endpoint is listed")
        snaps = json.loads(api(base, viewer, f"/api/v1/endpoints/{device_id}/snapshots", ca))
        items = snaps if isinstance(snaps, list) else snaps.get("snapshots", snaps.get("items", []))
        check(len(items) >= 1, f"the endpoint has a stored snapshot ({snaps})")
        if items:
            sid = items[0].get("id", items[0].get("snapshot_id"))
            envelope = api(base, viewer, f"/api/v1/snapshots/{sid}", ca)
            path = os.path.join(d, "stored.json")
            with open(path, "wb") as f:
                f.write(envelope)
            v = sh(A.ctl, "verify", "--key", pub, path)
            check(v.returncode == 0, f"the stored envelope re-verifies with the device key ({v.stdout}{v.stderr})")
        rep = sh(A.ctl, "report", "pull", "--server", base, "--token", viewer, "--ca", ca, "--format", "csv")
        check(rep.returncode == 0 and device_id in rep.stdout, f"report pull lists the device ({rep.stderr.strip()})")
        check("patches.security_pending" in rep.stdout, "the report has one row per check")

        # 2. server outage: snapshots queue, then all arrive
        server.stop()
        for _ in range(3):
            r = sh(A.agent, "--config", cfg, "run", "--once")
            check(r.returncode == 7, f"with the server down run --once exits 7 (got {r.returncode})")
        server.start()
        r = sh(A.agent, "--config", cfg, "run", "--once")
        check(r.returncode == 0, f"after the restart everything is delivered (rc {r.returncode}: {r.stderr.strip()[-300:]})")

        # 3. SIGKILL mid-upload through a proxy that holds the request
        proxy = HoldingProxy(port)
        cfg_proxy = os.path.join(d, "agent-proxy.toml")
        with open(cfg) as f:
            text = f.read()
        with open(cfg_proxy, "w") as f:
            f.write(text.replace(base, f"https://localhost:{proxy.port}"))
        # The state's enrolled_server is per URL; enrollment through the proxy is idempotent.
        r = sh(A.agent, "--config", cfg_proxy, "run", "--once")
        check(r.returncode == 0, f"through the proxy everything is delivered (rc {r.returncode}: {r.stderr.strip()[-300:]})")
        proxy.hold.set()
        victim = subprocess.Popen([A.agent, "--config", cfg_proxy, "run", "--once"],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        got = proxy.seen_request.wait(timeout=30)
        check(got, "the agent's upload reached the proxy")
        victim.send_signal(signal.SIGKILL)
        victim.wait(timeout=10)
        proxy.hold.clear()
        proxy.release.set()
        time.sleep(1.5)
        r = sh(A.agent, "--config", cfg_proxy, "run", "--once")
        check(r.returncode == 0, f"after the kill the agent delivers the rest (rc {r.returncode}: {r.stderr.strip()[-300:]})")

        # Exactly once, in order.
        snaps = json.loads(api(base, viewer, f"/api/v1/endpoints/{device_id}/snapshots?limit=1000", ca))
        items = snaps if isinstance(snaps, list) else snaps.get("snapshots", snaps.get("items", []))
        seqs = sorted(i["seq"] for i in items)
        # Every seq the agent took for uploading (the `snapshot --payload` call above used one
        # seq it never queued) is stored once.
        check(len(seqs) == len(set(seqs)), f"no snapshot stored twice ({seqs})")
        check(len(seqs) == 8, f"all 8 queued snapshots stored ({seqs})")
        ids_by_seq = sorted((i["seq"], i.get("id", i.get("snapshot_id"))) for i in items)
        check([x[1] for x in ids_by_seq] == sorted(x[1] for x in ids_by_seq), "stored in seq order")
    finally:
        server.stop()
    if FAILURES:
        print(f"{len(FAILURES)} check(s) failed; logs in {d}")
        return 1
    print("e2e: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
