#!/usr/bin/env python3
"""DSSE interoperability with independent implementations, run by ctest.

  interop.py cryptography HELPER SHOUWEICTL
      Python's `cryptography` package verifies envelopes our code signed (Ed25519, P-256) and
      signs envelopes our code (the helper and `shouweictl verify`) must accept.
  interop.py openssl-sm2 HELPER
      The `openssl` command line verifies our SM2/SM3 signatures and signs SM2 envelopes we
      verify, with the default distinguishing ID.

PAE, keyid and the envelope JSON are computed here independently of the C++ code. Any
disagreement raises, so the test fails.
"""
import base64
import hashlib
import json
import os
import subprocess
import sys
import tempfile

PAYLOAD_TYPE = "application/vnd.shouwei.snapshot+json"
PAYLOAD = json.dumps({"schema": "shouwei.snapshot/v1", "seq": 3, "zone": "intranet", "host": "办公室-01"},
                     ensure_ascii=False, separators=(",", ":")).encode()
SM2_ID = "1234567812345678"


def pae(payload_type: str, body: bytes) -> bytes:
    t = payload_type.encode()
    return b"DSSEv1 %d %s %d %s" % (len(t), t, len(body), body)


def run(args, expect_rc=0, stdin=None):
    proc = subprocess.run(args, capture_output=True, input=stdin)
    if expect_rc is not None and proc.returncode != expect_rc:
        raise AssertionError(f"{args}: exit {proc.returncode}, expected {expect_rc}\n"
                             f"stdout: {proc.stdout.decode(errors='replace')}\n"
                             f"stderr: {proc.stderr.decode(errors='replace')}")
    return proc


def b64decode_any(text: str) -> bytes:
    text = text.replace("-", "+").replace("_", "/")
    return base64.b64decode(text + "=" * (-len(text) % 4), validate=True)


def envelope(payload_type: str, body: bytes, keyid: str, sig: bytes, urlsafe=False) -> str:
    enc = (lambda b: base64.urlsafe_b64encode(b).decode().rstrip("=")) if urlsafe else \
        (lambda b: base64.b64encode(b).decode())
    return json.dumps({"payloadType": payload_type, "payload": enc(body),
                       "signatures": [{"keyid": keyid, "sig": enc(sig)}]})


def write(path, data):
    with open(path, "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())


def check_cryptography(helper: str, ctl: str, work: str) -> None:
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec, ed25519

    def keyid_of(pub) -> str:
        der = pub.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
        return hashlib.sha256(der).hexdigest()

    def py_verify(pub, sig: bytes, msg: bytes) -> bool:
        try:
            if isinstance(pub, ed25519.Ed25519PublicKey):
                pub.verify(sig, msg)
            else:
                pub.verify(sig, msg, ec.ECDSA(hashes.SHA256()))
            return True
        except InvalidSignature:
            return False

    payload_file = os.path.join(work, "payload.json")
    write(payload_file, PAYLOAD)
    for alg in ("ed25519", "p256"):
        # (a) we sign, cryptography verifies.
        prefix = os.path.join(work, "ours-" + alg)
        keyid = run([helper, "keygen", alg, prefix]).stdout.decode().strip()
        with open(prefix + ".pub", "rb") as f:
            pub = serialization.load_pem_public_key(f.read())
        with open(prefix + ".key", "rb") as f:
            priv = serialization.load_pem_private_key(f.read(), password=None)  # PKCS#8 readable
        assert keyid_of(priv.public_key()) == keyid_of(pub)
        assert keyid_of(pub) == keyid, f"{alg}: keyid {keyid} != {keyid_of(pub)}"
        env = json.loads(run([helper, "sign", prefix + ".key", PAYLOAD_TYPE, payload_file]).stdout)
        assert list(env) == ["payloadType", "payload", "signatures"], env
        assert env["payloadType"] == PAYLOAD_TYPE
        body = b64decode_any(env["payload"])
        assert body == PAYLOAD
        sig = b64decode_any(env["signatures"][0]["sig"])
        assert env["signatures"][0]["keyid"] == keyid
        assert py_verify(pub, sig, pae(PAYLOAD_TYPE, body)), f"{alg}: cryptography rejects our signature"
        assert not py_verify(pub, sig, pae(PAYLOAD_TYPE, body + b" ")), f"{alg}: tamper check is vacuous"

        # (b) cryptography signs, we verify (helper and shouweictl), with both base64 alphabets.
        if alg == "ed25519":
            theirs = ed25519.Ed25519PrivateKey.generate()
            their_sig = theirs.sign(pae(PAYLOAD_TYPE, PAYLOAD))
        else:
            theirs = ec.generate_private_key(ec.SECP256R1())
            their_sig = theirs.sign(pae(PAYLOAD_TYPE, PAYLOAD), ec.ECDSA(hashes.SHA256()))
        their_pub = os.path.join(work, "theirs-" + alg + ".pub")
        write(their_pub, theirs.public_key().public_bytes(serialization.Encoding.PEM,
                                                          serialization.PublicFormat.SubjectPublicKeyInfo))
        their_keyid = keyid_of(theirs.public_key())
        for urlsafe in (False, True):
            env_file = os.path.join(work, f"theirs-{alg}-{urlsafe}.json")
            write(env_file, envelope(PAYLOAD_TYPE, PAYLOAD, their_keyid, their_sig, urlsafe))
            out = run([helper, "verify", their_pub, env_file]).stdout.decode()
            assert their_keyid in out
            out = run([ctl, "verify", "--key", their_pub, env_file]).stdout.decode()
            assert their_keyid in out and PAYLOAD_TYPE in out, out
        bad_file = os.path.join(work, f"theirs-{alg}-bad.json")
        write(bad_file, envelope(PAYLOAD_TYPE, PAYLOAD + b" ", their_keyid, their_sig))
        err = run([ctl, "verify", "--key", their_pub, bad_file], expect_rc=4).stderr.decode()
        assert "bad signature" in err, err
        print(f"{alg}: cryptography {__import__('cryptography').__version__} interoperates both ways")


def check_openssl_sm2(helper: str, work: str) -> None:
    openssl = "openssl"
    distid = ["-pkeyopt", "distid:" + SM2_ID]
    payload_file = os.path.join(work, "payload.json")
    write(payload_file, PAYLOAD)

    def keyid_of(pub_pem_file: str) -> str:
        der = run([openssl, "pkey", "-pubin", "-in", pub_pem_file, "-outform", "DER"]).stdout
        return hashlib.sha256(der).hexdigest()

    # (a) we sign, openssl verifies with SM3 and the default distinguishing ID.
    prefix = os.path.join(work, "ours-sm2")
    keyid = run([helper, "keygen", "sm2", prefix]).stdout.decode().strip()
    assert keyid == keyid_of(prefix + ".pub")
    text = run([openssl, "pkey", "-pubin", "-in", prefix + ".pub", "-text", "-noout"]).stdout.decode()
    assert "SM2" in text, text
    env = json.loads(run([helper, "sign", prefix + ".key", PAYLOAD_TYPE, payload_file]).stdout)
    pae_file = os.path.join(work, "pae.bin")
    sig_file = os.path.join(work, "ours.sig")
    write(pae_file, pae(PAYLOAD_TYPE, b64decode_any(env["payload"])))
    write(sig_file, b64decode_any(env["signatures"][0]["sig"]))
    verify = [openssl, "pkeyutl", "-verify", "-rawin", "-digest", "sm3", "-pubin", "-inkey", prefix + ".pub",
              "-in", pae_file, "-sigfile", sig_file]
    run(verify + distid)
    # A different distinguishing ID must fail: proves the ID is really part of what we sign.
    run(verify + ["-pkeyopt", "distid:1234567812345679"], expect_rc=1)

    # (b) openssl signs, we verify.
    their_key = os.path.join(work, "theirs-sm2.key")
    their_pub = os.path.join(work, "theirs-sm2.pub")
    run([openssl, "genpkey", "-algorithm", "SM2", "-out", their_key])
    run([openssl, "pkey", "-in", their_key, "-pubout", "-out", their_pub])
    their_sig = os.path.join(work, "theirs.sig")
    run([openssl, "pkeyutl", "-sign", "-rawin", "-digest", "sm3", "-inkey", their_key, "-in", pae_file,
         "-out", their_sig] + distid)
    with open(their_sig, "rb") as f:
        sig = f.read()
    env_file = os.path.join(work, "theirs-sm2.json")
    write(env_file, envelope(PAYLOAD_TYPE, PAYLOAD, keyid_of(their_pub), sig))
    run([helper, "verify", their_pub, env_file])
    write(env_file, envelope(PAYLOAD_TYPE, PAYLOAD[:-1], keyid_of(their_pub), sig))
    assert "bad signature" in run([helper, "verify", their_pub, env_file], expect_rc=1).stderr.decode()
    print("sm2: " + run([openssl, "version"]).stdout.decode().strip() + " interoperates both ways")


def main() -> int:
    mode = sys.argv[1]
    with tempfile.TemporaryDirectory(prefix="shouwei-interop-") as work:
        if mode == "cryptography":
            check_cryptography(sys.argv[2], sys.argv[3], work)
        elif mode == "openssl-sm2":
            check_openssl_sm2(sys.argv[2], work)
        else:
            raise SystemExit(f"unknown mode {mode}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
