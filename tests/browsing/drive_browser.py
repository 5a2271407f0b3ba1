#!/usr/bin/python3
"""Drives a real headless browser through a list of URLs so the browsing tests can read the
history it wrote.

Every request goes to a catch-all HTTP proxy on 127.0.0.1 started here, which answers each URL
with a small HTML page: no DNS or internet is needed. The browser is closed cleanly (Chromium:
DevTools Browser.close; Firefox: WebDriver BiDi browser.close) because a killed Chromium loses
the visits of its last ~10 s.

  drive_browser.py --browser chromium|firefox --home DIR [--live DIR] URL...

Chromium writes its profile to DIR/.config/chromium/Default, Firefox to
DIR/.mozilla/firefox/<name> with a profiles.ini, where the collector looks for them.
With --live DIR the browser stays open after the visits have reached its history database:
the script creates DIR/ready, waits (at most 120 s) for DIR/stop, then closes the browser and
writes its exit code to DIR/done.
Exits 0 on success; anything else prints one line naming what failed.
Uses Debian's python3-websocket; bounded in time everywhere.
"""

import argparse
import http.server
import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time

import websocket  # python3-websocket

DEADLINE_S = 60


class CatchAllProxy(http.server.BaseHTTPRequestHandler):
    """Answers every proxied GET with a page titled after the URL; refuses CONNECT."""

    def do_GET(self):  # noqa: N802 (http.server's naming)
        body = ("<!doctype html><html><head><title>%s</title></head><body>ok</body></html>"
                % self.path.replace("<", "")).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_CONNECT(self):  # noqa: N802
        self.send_error(502, "no TLS in tests")

    def log_message(self, *args):
        pass


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(what, predicate, timeout):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise RuntimeError("timed out waiting for " + what)


class Rpc:
    """JSON-RPC over a websocket (CDP and WebDriver BiDi share the id/method/params shape)."""

    def __init__(self, url):
        self.ws = websocket.create_connection(url, timeout=DEADLINE_S, suppress_origin=True)
        self.next_id = 0
        self.events = []

    def call(self, method, params=None, session=None):
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        self.ws.send(json.dumps(message))
        while True:
            reply = json.loads(self.ws.recv())
            if reply.get("id") == self.next_id:
                if "error" in reply and reply["error"]:
                    raise RuntimeError("%s failed: %s" % (method, reply["error"]))
                return reply.get("result", {})
            self.events.append(reply)

    def wait_event(self, name, session=None):
        end = time.monotonic() + DEADLINE_S
        while time.monotonic() < end:
            for i, e in enumerate(self.events):
                if e.get("method") == name and (session is None or e.get("sessionId") == session):
                    del self.events[i]
                    return e
            self.events.append(json.loads(self.ws.recv()))
        raise RuntimeError("timed out waiting for " + name)


def count_visits(db, table):
    """Visits in a live history database, read from a private copy with its -wal/-journal."""
    with tempfile.TemporaryDirectory() as tmp:
        copy = os.path.join(tmp, "h")
        try:
            shutil.copyfile(db, copy)
            for suffix in ("-wal", "-journal"):
                if os.path.exists(db + suffix):
                    shutil.copyfile(db + suffix, copy + suffix)
            with sqlite3.connect(copy) as conn:
                return conn.execute("SELECT count(*) FROM " + table).fetchone()[0]
        except (OSError, sqlite3.Error):
            return 0


class Chromium:
    def __init__(self, home, proxy_port):
        self.data_dir = os.path.join(home, ".config", "chromium")
        os.makedirs(self.data_dir, exist_ok=True)
        self.history = os.path.join(self.data_dir, "Default", "History")
        self.visits_table = "visits"
        binary = shutil.which("chromium") or "chromium"
        self.proc = subprocess.Popen(
            [binary, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             "--disable-features=HttpsUpgrades,HttpsFirstBalancedModeAutoEnable",
             "--user-data-dir=" + self.data_dir, "--proxy-server=http://127.0.0.1:%d" % proxy_port,
             "--remote-debugging-port=0", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=dict(os.environ, HOME=home))
        port_file = os.path.join(self.data_dir, "DevToolsActivePort")
        lines = wait_for("DevToolsActivePort", lambda: self._read_lines(port_file), DEADLINE_S)
        self.rpc = Rpc("ws://127.0.0.1:%s%s" % (lines[0], lines[1]))
        target = self.rpc.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.session = self.rpc.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        self.rpc.call("Page.enable", session=self.session)

    @staticmethod
    def _read_lines(path):
        try:
            with open(path) as f:
                lines = f.read().split()
            return lines if len(lines) >= 2 else None
        except OSError:
            return None

    def visit(self, url):
        self.rpc.call("Page.navigate", {"url": url}, session=self.session)
        self.rpc.wait_event("Page.loadEventFired", session=self.session)

    def close(self):
        try:
            self.rpc.call("Browser.close")
        except (websocket.WebSocketException, OSError):
            pass  # the connection may drop before the reply: the process exit is what counts


class Firefox:
    def __init__(self, home, proxy_port):
        base = os.path.join(home, ".mozilla", "firefox")
        name = "shouwei.default-esr"
        profile = os.path.join(base, name)
        os.makedirs(profile, exist_ok=True)
        with open(os.path.join(base, "profiles.ini"), "w") as f:
            f.write("[Profile0]\nName=default-esr\nIsRelative=1\nPath=%s\nDefault=1\n\n"
                    "[General]\nStartWithLastProfile=1\nVersion=2\n" % name)
        prefs = {
            "network.proxy.type": 1, "network.proxy.http": "127.0.0.1", "network.proxy.http_port": proxy_port,
            "network.proxy.ssl": "127.0.0.1", "network.proxy.ssl_port": proxy_port,
            "network.proxy.allow_hijacking_localhost": True, "network.proxy.no_proxies_on": "",
            "dom.security.https_first": False, "dom.security.https_only_mode": False,
            "browser.shell.checkDefaultBrowser": False, "browser.startup.homepage_override.mstone": "ignore",
            "datareporting.policy.dataSubmissionEnabled": False, "toolkit.telemetry.reportingpolicy.firstRun": False,
            "app.update.enabled": False, "network.captive-portal-service.enabled": False,
            "network.connectivity-service.enabled": False, "browser.safebrowsing.update.enabled": False,
            "extensions.update.enabled": False, "browser.region.network.url": "",
            "browser.search.geoip.url": "", "network.dns.disablePrefetch": True,
        }
        with open(os.path.join(profile, "user.js"), "w") as f:
            for key, value in prefs.items():
                f.write("user_pref(%s, %s);\n" % (json.dumps(key), json.dumps(value)))
        self.history = os.path.join(profile, "places.sqlite")
        self.visits_table = "moz_historyvisits"
        port = free_port()
        binary = shutil.which("firefox-esr") or shutil.which("firefox") or "firefox-esr"
        env = dict(os.environ, MOZ_HEADLESS="1", HOME=home)
        self.proc = subprocess.Popen(
            [binary, "--headless", "--no-remote", "--profile", profile, "--remote-debugging-port", str(port)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
        self.rpc = wait_for("the WebDriver BiDi endpoint", lambda: self._connect(port), DEADLINE_S)
        self.rpc.call("session.new", {"capabilities": {}})
        self.context = self.rpc.call("browsingContext.getTree", {})["contexts"][0]["context"]

    @staticmethod
    def _connect(port):
        try:
            return Rpc("ws://127.0.0.1:%d/session" % port)
        except (OSError, websocket.WebSocketException):
            return None

    def visit(self, url):
        self.rpc.call("browsingContext.navigate", {"context": self.context, "url": url, "wait": "complete"})

    def close(self):
        try:
            self.rpc.call("browser.close")
        except (websocket.WebSocketException, OSError):
            pass


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--browser", choices=["chromium", "firefox"], required=True)
    parser.add_argument("--home", required=True)
    parser.add_argument("--live")
    parser.add_argument("urls", nargs="+")
    args = parser.parse_args()

    proxy = http.server.ThreadingHTTPServer(("127.0.0.1", 0), CatchAllProxy)
    threading.Thread(target=proxy.serve_forever, daemon=True).start()
    browser = None
    try:
        browser = (Chromium if args.browser == "chromium" else Firefox)(args.home, proxy.server_address[1])
        for url in args.urls:
            browser.visit(url)
        if args.live:
            # Chromium commits its history every ~10 s; Firefox writes its WAL within a second.
            wait_for("the visits to reach the history database",
                     lambda: count_visits(browser.history, browser.visits_table) >= len(args.urls), 30)
            open(os.path.join(args.live, "ready"), "w").close()
            wait_for("the stop file", lambda: os.path.exists(os.path.join(args.live, "stop")), 120)
        browser.close()
        browser.proc.wait(timeout=30)
        browser = None
        return 0
    except Exception as e:  # one line for the C++ test's failure message
        print("drive_browser: %s: %s" % (type(e).__name__, e), file=sys.stderr)
        return 1
    finally:
        if browser is not None and browser.proc.poll() is None:
            browser.proc.kill()
            browser.proc.wait(timeout=10)
        proxy.shutdown()


def main_with_done_file():
    code = main()
    live = sys.argv[sys.argv.index("--live") + 1] if "--live" in sys.argv else None
    if live:
        with open(os.path.join(live, "done"), "w") as f:
            f.write(str(code))
    return code


if __name__ == "__main__":
    sys.exit(main_with_done_file())
