#!/usr/bin/env python3
"""`shouweictl keygen` and `shouweictl verify` end to end, run by ctest.

  cli_keys.py SHOUWEICTL HELPER

Checks file modes, the refusal to overwrite, the output of a valid verification, and for each
failure the exit code and a one-line reason.
"""
import base64
import json
import os
import stat
import subprocess
import sys
import tempfile

TYPE = "application/vnd.shouwei.snapshot+json"
KEXIT_VERIFY = 4


def run(args, stdin=None):
    return subprocess.run(args, capture_output=True, input=stdin)


def expect(proc, rc, needle=None):
    out, err = proc.stdout.decode(errors="replace"), proc.stderr.decode(errors="replace")
    assert proc.returncode == rc, f"{proc.args}: exit {proc.returncode}, expected {rc}\n{out}\n{err}"
    if needle is not None:
        assert needle in err, f"{proc.args}: '{needle}' not in stderr: {err!r}"
        assert err.count("\n") == 1, f"{proc.args}: error is not one line: {err!r}"
    return out


def main() -> int:
    ctl, helper = sys.argv[1], sys.argv[2]
    with tempfile.TemporaryDirectory(prefix="shouwei-cli-") as work:
        def p(name):
            return os.path.join(work, name)

        keyids = {}
        for alg in ("ed25519", "p256", "sm2"):
            out = expect(run([ctl, "keygen", "--alg", alg, "--out", p(alg)]), 0)
            assert stat.S_IMODE(os.stat(p(alg + ".key")).st_mode) == 0o600
            assert stat.S_IMODE(os.stat(p(alg + ".pub")).st_mode) == 0o644
            keyids[alg] = out.split("keyid: ")[1].split()[0]
            with open(p(alg + ".key")) as f:
                assert f.read().startswith("-----BEGIN PRIVATE KEY-----")

        # Refuses to overwrite either file, and changes nothing.
        with open(p("ed25519.key"), "rb") as f:
            before = f.read()
        expect(run([ctl, "keygen", "--alg", "ed25519", "--out", p("ed25519")]), 1, "already exists")
        with open(p("ed25519.key"), "rb") as f:
            assert f.read() == before
        os.remove(p("sm2.pub"))
        expect(run([ctl, "keygen", "--alg", "sm2", "--out", p("sm2")]), 1, "already exists")
        assert not os.path.exists(p("sm2.pub"))
        expect(run([ctl, "keygen", "--alg", "rsa", "--out", p("rsa")]), 2)
        assert not os.path.exists(p("rsa.key"))

        with open(p("payload.json"), "w") as f:
            f.write('{"seq":1}')
        for alg in ("ed25519", "p256"):
            env = run([helper, "sign", p(alg + ".key"), TYPE, p("payload.json")]).stdout
            with open(p(alg + ".env"), "wb") as f:
                f.write(env)
            out = expect(run([ctl, "verify", "--key", p(alg + ".pub"), p(alg + ".env")]), 0)
            assert TYPE in out and keyids[alg] in out, out
            # Standard input, and a matching --type.
            out = expect(run([ctl, "verify", "--key", p(alg + ".pub"), "--type", TYPE, "-"], stdin=env), 0)
            assert keyids[alg] in out

        env = json.loads(open(p("ed25519.env")).read())

        def variant(name, change):
            e = json.loads(json.dumps(env))
            change(e)
            with open(p(name), "w") as f:
                f.write(json.dumps(e))
            return p(name)

        pub = p("ed25519.pub")
        expect(run([ctl, "verify", "--key", pub, "-"], stdin=b'{"payloadType":'), KEXIT_VERIFY, "malformed JSON")
        bad64 = variant("b64.json", lambda e: e.update(payload="not*base64"))
        expect(run([ctl, "verify", "--key", pub, bad64]), KEXIT_VERIFY, "bad base64")
        expect(run([ctl, "verify", "--key", p("p256.pub"), p("ed25519.env")]), KEXIT_VERIFY, "keyid mismatch")
        tampered = variant("tampered.json", lambda e: e.update(payload=base64.b64encode(b'{"seq":2}').decode()))
        expect(run([ctl, "verify", "--key", pub, tampered]), KEXIT_VERIFY, "bad signature")
        expect(run([ctl, "verify", "--key", pub, "--type", "application/other", p("ed25519.env")]), KEXIT_VERIFY,
               "unexpected payload type")

        # A key of an unsupported algorithm, made by openssl.
        rsa = run(["openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:1024"]).stdout
        rsa_pub = run(["openssl", "pkey", "-pubout"], stdin=rsa).stdout
        with open(p("rsa.pub"), "wb") as f:
            f.write(rsa_pub)
        out = run([ctl, "verify", "--key", p("rsa.pub"), p("ed25519.env")])
        assert out.returncode not in (0, KEXIT_VERIFY)
        expect(out, out.returncode, "unsupported algorithm")

        # Unreadable inputs: non-zero, not the "did not verify" code, and the path is named.
        out = run([ctl, "verify", "--key", pub, p("missing.json")])
        assert out.returncode not in (0, KEXIT_VERIFY)
        expect(out, out.returncode, p("missing.json"))
        out = run([ctl, "verify", "--key", p("missing.pub"), p("ed25519.env")])
        assert out.returncode not in (0, KEXIT_VERIFY)
        expect(out, out.returncode, p("missing.pub"))
        expect(run([ctl, "verify", p("ed25519.env")]), 2)  # --key is required
    print("shouweictl keygen/verify behave as documented")
    return 0


if __name__ == "__main__":
    sys.exit(main())
