#!/usr/bin/env python3
"""Decision latency of the media gate in a real kernel (issue #7): the QEMU guest of
tests/qemu (Debian's kernel, TCG, the agent in its initramfs), sticks hot-plugged over QMP one
after the other, each unplugged once decided.

The figure is what the agent logs for each decision ("applied in X ms"): from the disk's
uevent reaching the agent (MediaWatchCore::on_uevent decides before doing anything else with
the event) to the decision applied: tag read from the raw disk, BLKROSET on the disk and its
partitions or `authorized` 0 (which returns once the kernel has removed the disk), and the
automounter released. Prints min / median / p95 / max per decision and overall.

Usage: bench_media_gate.py --agent PATH --ctl PATH [--rounds N] [--workdir DIR]
"""

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, str(HERE.parent.parent / "tests" / "qemu"))
import media_gate_e2e  # noqa: E402
import qemu_guest  # noqa: E402


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def run(agent, ctl, work, rounds):
    kernel = qemu_guest.prepare_kernel()
    images = media_gate_e2e.prepare_sticks(ctl, work)
    initramfs = work / "initramfs.cpio"
    qemu_guest.build_initramfs(kernel, agent, media_gate_e2e.agent_files(work), initramfs)
    plugs = [stick for _ in range(rounds) for stick in media_gate_e2e.STICKS]
    drives = {f"d{i}": images[stick[0]] for i, stick in enumerate(plugs)}
    guest = qemu_guest.Guest(kernel, initramfs, drives, work, shared_images=True)
    deadline = time.monotonic() + 60 + 15 * len(plugs)
    samples = {}
    try:
        guest.expect(r"media gate: watching USB devices", deadline)
        for i, (name, serial, _, _, (action, _)) in enumerate(plugs):
            guest.plug(f"u{i}", f"d{i}", serial)
            m = guest.expect(r"media gate: sd\w+ \(\S+\) (\w+) reason \w+ .*, applied in "
                             r"([\d.]+) ms", deadline)
            if m.group(1) != action:
                raise RuntimeError(f"{name}: decided {m.group(1)}, expected {action}")
            samples.setdefault(action, []).append(float(m.group(2)))
            guest.expect(r"snapshot \d+ queued", deadline)
            guest.unplug(f"u{i}")
            time.sleep(0.5)  # the guest's removal, so that plugs do not overlap
        guest.command("poweroff")
    finally:
        guest.kill()
        (work / "console.log").write_text("\n".join(guest.log) + "\n")
    every = [v for values in samples.values() for v in values]
    print(f"{'decision':<10} {'plugs':>5} {'min':>7} {'median':>7} {'p95':>7} {'max':>7}  (ms)")
    for label, values in sorted(samples.items()) + [("all", every)]:
        print(f"{label:<10} {len(values):>5} {min(values):>7.1f} {statistics.median(values):>7.1f} "
              f"{percentile(values, 95):>7.1f} {max(values):>7.1f}")
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--agent", required=True)
    ap.add_argument("--ctl", required=True)
    ap.add_argument("--rounds", type=int, default=4, help="plugs of each of the 5 sticks")
    ap.add_argument("--workdir", help="keep images and the console log here")
    args = ap.parse_args()
    if args.workdir:
        work = Path(args.workdir)
        work.mkdir(parents=True, exist_ok=True)
        return run(args.agent, args.ctl, work, args.rounds)
    with tempfile.TemporaryDirectory(prefix="shouwei-bench-media-") as tmp:
        return run(args.agent, args.ctl, Path(tmp), args.rounds)


if __name__ == "__main__":
    sys.exit(main())
