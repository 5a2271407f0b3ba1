#!/usr/bin/env python3
"""The media gate end to end on a real kernel (issue #7): Debian's kernel under QEMU, the real
agent in its initramfs, sticks hot-plugged over QMP.

Sticks (FAT images with an MBR, made here with sfdisk + mkfs.vfat, registered with the real
`shouweictl media register`; QEMU reports vendor 46f4, product 0001 and the serial we give):
  own      registered to this PC's zone          -> allow: mounted read-write, writes work
  rotag    registered to this zone, read-only    -> read_only
  plain    untagged                              -> read_only (safe default): the automounter
           mounts it read-only; writing through the mount, a read-write remount and a raw
           write to /dev/sdX all fail (BLKROSET on a real block device)
  net      registered to the internet zone       -> block: de-authorized, never mounted
  clone    own's image, byte for byte, on a stick with another serial -> block (tag_cloned)
Then the agent is restarted: blocked sticks stay de-authorized. Finally the snapshot's media
and usb events are checked. Exits non-zero on any failure, including QEMU missing.

Usage: media_gate_e2e.py --agent PATH --ctl PATH [--workdir DIR]
"""

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, str(Path(__file__).resolve().parent))
import qemu_guest  # noqa: E402

IMAGE_BYTES = 24 * 1024 * 1024
# Boot (~6 s to init on TCG) + five plugs + restart + snapshot take about 35 s on an idle
# machine; the room is for a loaded one (CI runs other tests beside this one).
DEADLINE_SECONDS = 200

STICKS = [  # name, serial, zone to register to (None: untagged), read-only tag, expected
    ("own", "OWN0000001", "intranet", False, ("allow", "own_zone")),
    ("rotag", "ROTAG00001", "intranet", True, ("read_only", "own_zone_read_only")),
    ("plain", "PLAIN00001", None, False, ("read_only", "unregistered")),
    ("net", "NET0000001", "internet", False, ("block", "cross_zone")),
    ("clone", "CLONE00001", "copy-of-own", False, ("block", "tag_cloned")),
]


def sh(*cmd):
    subprocess.run(cmd, check=True, capture_output=True)


def make_stick_image(path):
    with open(path, "wb") as f:
        f.truncate(IMAGE_BYTES)
    subprocess.run(["sfdisk", "--quiet", str(path)], input=b"start=2048, type=c\n", check=True,
                   capture_output=True)
    # The partition as a file of its own for mkfs.vfat, then back into the image.
    part = path.with_suffix(".part")
    with open(part, "wb") as f:
        f.truncate(IMAGE_BYTES - 2048 * 512)
    sh("mkfs.vfat", "-n", "STICK", str(part))
    sh("dd", f"if={part}", f"of={path}", "bs=1M", "seek=1", "conv=notrunc,sparse", "status=none")
    part.unlink()


def prepare_sticks(ctl, work):
    sh(ctl, "keygen", "--out", str(work / "media"))
    images = {}
    for name, serial, zone, read_only, _ in STICKS:
        image = work / f"{name}.img"
        if zone == "copy-of-own":
            shutil.copy(images["own"], image)
        else:
            make_stick_image(image)
            if zone is not None:
                cmd = [ctl, "media", "register", "--key", str(work / "media.key"), "--zone", zone,
                       "--media-id", f"m-{name}", "--vid", qemu_guest.QEMU_STICK_VID, "--pid",
                       qemu_guest.QEMU_STICK_PID, "--serial", serial, str(image)]
                if read_only:
                    cmd.insert(3, "--read-only")
                sh(*cmd)
        images[name] = image
    return images


def agent_files(work):
    config = (
        'zone = "intranet"\n'
        'state_dir = "/var/lib/shouwei"\n'
        'media_public_key = "/etc/shouwei/media.pub"\n'
        "snapshot_interval_seconds = 604800\n"
    )
    return {"/etc/shouwei/agent.toml": config.encode(),
            "/etc/shouwei/media.pub": (work / "media.pub").read_bytes()}


class Failures:
    def __init__(self):
        self.items = []

    def check(self, ok, what):
        print(("ok   " if ok else "FAIL ") + what, flush=True)
        if not ok:
            self.items.append(what)


def usb_state(guest, deadline):
    """{serial: (authorized, "sda,...")} of every USB device in the guest."""
    guest.command("usb-state")
    state = {}
    while True:
        m = guest.expect(r"E2E (USB-END|USB (\S+) authorized=(\d) disks=(\S*))", deadline)
        if m.group(1) == "USB-END":
            return state
        state[m.group(2)] = (m.group(3), m.group(4))


def run(agent, ctl, work):
    if shutil.which("qemu-system-x86_64") is None:
        print("FAIL qemu-system-x86_64 is not installed (scripts/setup-deps.sh --tests)")
        return 1
    kernel = qemu_guest.prepare_kernel()
    images = prepare_sticks(ctl, work)
    initramfs = work / "initramfs.cpio"
    qemu_guest.build_initramfs(kernel, agent, agent_files(work), initramfs)
    guest = qemu_guest.Guest(kernel, initramfs, {f"d-{n}": p for n, p in images.items()}, work)
    deadline = time.monotonic() + DEADLINE_SECONDS
    f = Failures()
    try:
        guest.expect(r"E2E BOOTED", deadline)
        guest.expect(r"media gate: watching USB devices \(0 decided at start\)", deadline)
        disk_of = {}
        for name, serial, _, _, (action, reason) in STICKS:
            guest.plug(f"u-{name}", f"d-{name}", serial)
            m = guest.expect(r"media gate: (sd\w+) \((\S+)\) (\w+) reason (\w+) .*, "
                             r"(applied|not applied) in ([\d.]+) ms", deadline)
            disk_of[name] = m.group(1)
            f.check((m.group(3), m.group(4), m.group(5)) == (action, reason, "applied"),
                    f"{name} ({serial}) on {m.group(1)}: {m.group(3)} {m.group(4)} "
                    f"{m.group(5)}, expected {action} {reason}")
            if action != "block":
                part = m.group(1) + "1"
                mounted = guest.expect(rf"E2E (MOUNTED|MOUNT-FAILED) {part} (\w+)", deadline)
                want = "rw" if action == "allow" else "ro"
                f.check(mounted.group(1, 2) == ("MOUNTED", want),
                        f"{name}: automounter {mounted.group(1)} {part} {mounted.group(2)}")
                wrote = guest.expect(rf"E2E WRITE {part} (\w+)", deadline).group(1)
                f.check(wrote == ("ok" if action == "allow" else "refused"),
                        f"{name}: write through the mount {wrote}")
                if action == "read_only":
                    re_rw = guest.expect(rf"E2E REMOUNT-RW {part} (\w+)", deadline).group(1)
                    f.check(re_rw == "refused", f"{name}: read-write remount {re_rw}")
            guest.expect(r"snapshot \d+ queued", deadline)  # the decision woke the service

        state = usb_state(guest, deadline)
        for name, serial, _, _, (action, _) in STICKS:
            want = "0" if action == "block" else "1"
            got = state.get(serial, ("?", "?"))
            f.check(got[0] == want and (got[1] == "") == (action == "block"),
                    f"{name}: authorized={got[0]} disks={got[1] or '-'}")

        guest.command("restart-agent")
        guest.expect(r"E2E AGENT-EXIT 0", deadline)
        m = guest.expect(r"media gate: watching USB devices \((\d+) decided at start\)", deadline)
        f.check(m.group(1) == "3", f"after a restart {m.group(1)} sticks re-decided (3 not blocked)")
        after = usb_state(guest, deadline)
        for name, serial, _, _, (action, _) in STICKS:
            if action == "block":
                got = after.get(serial, ("?", "?"))
                f.check(got == ("0", ""),
                        f"{name}: still de-authorized after the restart ({got})")

        guest.command("mounts")
        mounted = set()
        while True:
            m = guest.expect(r"E2E (MOUNTS-END|MOUNT-TABLE /dev/(\w+))", deadline)
            if m.group(1) == "MOUNTS-END":
                break
            mounted.add(m.group(2))
        blocked = {disk_of[n] for n, *_, (a, _) in STICKS if a == "block"}
        ever = {line.split()[2] for line in guest.log if line.startswith("E2E MOUNTED ")}
        f.check(not any(d.rstrip("0123456789") in blocked for d in mounted | ever),
                f"no blocked stick ever mounted (mounted: {sorted(ever)}, blocked: "
                f"{sorted(blocked)})")

        guest.command("snapshot")
        guest.expect(r"E2E AGENT-EXIT 0", deadline)
        start = len(guest.log)
        guest.expect(r"E2E SNAPSHOT-END", deadline)
        text = "\n".join(guest.log[start:-1])
        payload = json.loads(text[text.index("{"):])
        events = payload["media"]["events"]
        first = {}
        for e in events:
            first.setdefault(e["serial"], e)
        for name, serial, zone, _, (action, reason) in STICKS:
            e = first.get(serial)
            f.check(e is not None and e["decision"] == action and e["reason"] == reason
                    and e["applied"] and e["vendor_id"] == qemu_guest.QEMU_STICK_VID
                    and e["capacity_bytes"] == IMAGE_BYTES,
                    f"{name}: media event {json.dumps(e)[:200] if e else None}")
            if zone in ("intranet", "internet"):
                f.check(e is not None and e["tag_media_id"] == f"m-{name}" and e["tag_zone"] == zone,
                        f"{name}: event names the tag (m-{name}, {zone})")
        # One add per stick (QEMU also adds a hub of its own once the root ports run out).
        serials = sorted(e["serial"] for e in payload["usb"]["events"]
                         if e["action"] == "add" and e["kind"] == "usb_device"
                         and e["vendor_id"] == qemu_guest.QEMU_STICK_VID)
        f.check(serials == sorted(s[1] for s in STICKS), f"usb add events recorded: {serials}")
        guest.command("poweroff")
    except (TimeoutError, RuntimeError, ValueError, KeyError) as e:
        f.check(False, f"{type(e).__name__}: {e}")
    finally:
        guest.kill()
        (work / "console.log").write_text("\n".join(guest.log) + "\n")
    if f.items:
        print(f"console log: {work / 'console.log'}")
        print("\n".join(guest.log[-60:]))
        return 1
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--agent", required=True)
    ap.add_argument("--ctl", required=True)
    ap.add_argument("--workdir", help="keep images and the console log here")
    args = ap.parse_args()
    if args.workdir:
        work = Path(args.workdir)
        work.mkdir(parents=True, exist_ok=True)
        return run(args.agent, args.ctl, work)
    with tempfile.TemporaryDirectory(prefix="shouwei-qemu-") as tmp:
        return run(args.agent, args.ctl, Path(tmp))


if __name__ == "__main__":
    sys.exit(main())
