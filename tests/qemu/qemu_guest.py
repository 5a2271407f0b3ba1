"""A real Linux kernel under QEMU for the media gate's end-to-end test and latency benchmark.

Debian's own kernel (the linux-image-amd64 dependency, fetched with `apt-get download` and
unpacked with dpkg-deb) is cached under /var/cache/shouwei/qemu/<package>_<version>/ with the
USB, SCSI-disk and FAT modules it needs; the initramfs holds busybox (busybox-static), the agent
with the shared libraries ldd names, and guest/init + guest/automount.sh. TCG only: the
machine's /dev/kvm cannot run a stock kernel (measured, issue #7).

The guest speaks on its serial console (lines starting "E2E ", plus the agent's log) and reads
commands from it; sticks are hot-plugged over QMP (device_add usb-storage,serial=...).
"""

import json
import os
import queue
import re
import shutil
import socket
import stat
import subprocess
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
CACHE_ROOT = Path(os.environ.get("SHOUWEI_QEMU_CACHE", "/var/cache/shouwei/qemu"))
# Loaded in this order by guest/init (dependencies first, computed from each module's
# .modinfo "depends=").
WANTED_MODULES = ["xhci_pci", "usb_storage", "sd_mod", "vfat", "nls_cp437", "nls_utf8",
                  "nls_ascii"]
# QEMU's emulated stick (hw/usb/dev-storage.c): what the guest's sysfs reports.
QEMU_STICK_VID = "46f4"
QEMU_STICK_PID = "0001"


def _run(cmd, **kw):
    return subprocess.run(cmd, check=True, capture_output=True, text=True, **kw).stdout


def _kernel_package():
    """(package, version) of the kernel linux-image-amd64 depends on, or None offline."""
    try:
        deps = _run(["apt-cache", "depends", "linux-image-amd64"])
        pkg = re.search(r"Depends: (linux-image-\S+)", deps).group(1)
        show = _run(["apt-cache", "show", "--no-all-versions", pkg])
        return pkg, re.search(r"^Version: (\S+)", show, re.M).group(1)
    except (subprocess.CalledProcessError, AttributeError, FileNotFoundError):
        return None


def _module_closure(modules_dir):
    """Module files of WANTED_MODULES and their dependencies, dependencies first."""
    paths = {}
    for d, _, files in os.walk(modules_dir / "kernel"):
        for f in files:
            if f.endswith(".ko"):
                paths[f[:-3].replace("-", "_")] = Path(d) / f
    order = []

    def visit(name):
        if name in order:
            return
        m = re.search(rb"\0depends=([^\0]*)\0", paths[name].read_bytes())
        for dep in (m.group(1).decode().split(",") if m else []):
            if dep:
                visit(dep.replace("-", "_"))
        order.append(name)

    for name in WANTED_MODULES:
        visit(name)
    return [paths[n] for n in order]


def prepare_kernel():
    """Directory holding vmlinuz and modules/ (with load.order), fetched once per version."""
    found = _kernel_package()
    if found is None:
        cached = sorted(p for p in CACHE_ROOT.glob("linux-image-*") if (p / "ready").exists())
        if not cached:
            raise RuntimeError("no kernel: apt-cache cannot name linux-image-amd64's kernel and "
                               f"{CACHE_ROOT} holds none")
        return cached[-1]
    pkg, version = found
    target = CACHE_ROOT / f"{pkg}_{version}"
    if (target / "ready").exists():
        return target
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        subprocess.run(["apt-get", "download", f"{pkg}={version}"], cwd=tmp, check=True,
                       capture_output=True)
        deb = next(tmp.glob("*.deb"))
        subprocess.run(["dpkg-deb", "-x", str(deb), str(tmp / "x")], check=True)
        kver = next((tmp / "x/lib/modules").iterdir()).name
        staging = Path(tempfile.mkdtemp(dir=CACHE_ROOT.parent if CACHE_ROOT.exists() else None))
        (staging / "modules").mkdir(parents=True)
        shutil.copy(tmp / f"x/boot/vmlinuz-{kver}", staging / "vmlinuz")
        names = []
        for ko in _module_closure(tmp / "x/lib/modules" / kver):
            shutil.copy(ko, staging / "modules" / ko.name)
            names.append(ko.name)
        (staging / "modules/load.order").write_text("\n".join(names) + "\n")
        (staging / "ready").write_text(f"{pkg} {version} {kver}\n")
        CACHE_ROOT.mkdir(parents=True, exist_ok=True)
        shutil.rmtree(target, ignore_errors=True)
        shutil.move(str(staging), str(target))
    return target


def _shared_libraries(binary):
    libs = set()
    for line in _run(["ldd", str(binary)]).splitlines():
        m = re.search(r"(/\S+) \(0x", line)
        if m:
            libs.add(m.group(1))
    return sorted(libs)


def _write_cpio(root, out):
    """newc archive of the tree at root (the kernel's initramfs format)."""
    ino = 1

    def header(name, mode, size, nlink=1):
        nonlocal ino
        ino += 1
        fields = [ino, mode, 0, 0, nlink, 0, size, 0, 0, 0, 0, len(name) + 1, 0]
        return b"070701" + b"".join(b"%08X" % f for f in fields)

    def pad(n):
        return b"\0" * ((4 - n % 4) % 4)

    with open(out, "wb") as f:
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames.sort()
            for entry in sorted(dirnames) + sorted(filenames):  # a directory before its files
                path = Path(dirpath) / entry
                rel = str(path.relative_to(root)).encode()
                st = os.lstat(path)
                if stat.S_ISLNK(st.st_mode):
                    data = os.readlink(path).encode()
                elif stat.S_ISREG(st.st_mode):
                    data = path.read_bytes()
                else:
                    data = b""
                h = header(rel, st.st_mode, len(data))
                f.write(h + rel + b"\0" + pad(len(h) + len(rel) + 1) + data + pad(len(data)))
        h = header(b"TRAILER!!!", 0, 0)
        f.write(h + b"TRAILER!!!\0" + pad(len(h) + 11))


def build_initramfs(kernel_dir, agent, files, out):
    """files: {guest path: bytes} added as they are (configs, keys)."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for d in ["bin", "sbin", "dev", "proc", "sys", "tmp", "media", "var/lib/shouwei",
                  "etc/shouwei", "usr/sbin", "lib/modules"]:
            (root / d).mkdir(parents=True, exist_ok=True)
        shutil.copy("/bin/busybox", root / "bin/busybox")
        (root / "bin/sh").symlink_to("busybox")
        for name in ["init", "automount.sh"]:
            shutil.copy(HERE / "guest" / name, root / name)
            (root / name).chmod(0o755)
        # Without its debug information: the kernel unpacks the initramfs at TCG speed, and the
        # agent's symbols are most of its size (74 MB -> about 10 MB in a RelWithDebInfo build).
        subprocess.run(["strip", "--strip-debug", "-o", str(root / "usr/sbin/shouwei-agent"),
                        str(agent)], check=True)
        for lib in _shared_libraries(agent):
            dest = root / lib.lstrip("/")
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(lib, dest)
        for ko in (kernel_dir / "modules").iterdir():
            shutil.copy(ko, root / "lib/modules" / ko.name)
        for guest_path, data in files.items():
            dest = root / guest_path.lstrip("/")
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_bytes(data)
        _write_cpio(root, out)


class Guest:
    """A running VM: serial console lines in a queue, QMP for hot-plug, commands on stdin."""

    def __init__(self, kernel_dir, initramfs, drives, workdir, memory_mb=768, shared_images=False):
        """drives: {drive id: image}. QEMU deletes a drive with the device it was plugged as, so
        each plug needs a drive of its own; shared_images lets several drives open one image
        (no image locking: only one of them may be plugged at a time)."""
        self.qmp_path = str(Path(workdir) / "qmp.sock")
        cmd = ["qemu-system-x86_64", "-machine", "pc", "-accel", "tcg", "-m", str(memory_mb),
               "-smp", "1", "-display", "none", "-monitor", "none", "-serial", "stdio",
               "-no-reboot", "-kernel", str(kernel_dir / "vmlinuz"), "-initrd", str(initramfs),
               "-append", "console=ttyS0 panic=-1 usb_storage.delay_use=0 loglevel=3",
               "-device", "qemu-xhci,id=xhci",
               "-qmp", f"unix:{self.qmp_path},server=on,wait=off"]
        for drive_id, image in drives.items():
            locking = ",file.locking=off" if shared_images else ""
            cmd += ["-drive",
                    f"if=none,id={drive_id},file={image},format=raw,cache=unsafe{locking}"]
        self.log = []
        self.lines = queue.Queue()
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT)
        threading.Thread(target=self._pump, daemon=True).start()
        self.qmp = None

    def _pump(self):
        for raw in self.proc.stdout:
            line = raw.decode("utf-8", "replace").rstrip("\r\n")
            self.log.append(line)
            self.lines.put(line)
        self.lines.put(None)

    def expect(self, pattern, deadline):
        """The first console line (from now on) matching pattern; fails at the deadline."""
        rx = re.compile(pattern)
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"guest never printed /{pattern}/")
            try:
                line = self.lines.get(timeout=left)
            except queue.Empty:
                continue
            if line is None:
                raise RuntimeError(f"guest stopped before printing /{pattern}/")
            m = rx.search(line)
            if m:
                return m

    def command(self, text):
        self.proc.stdin.write(text.encode() + b"\n")
        self.proc.stdin.flush()

    def _qmp(self, execute, **arguments):
        if self.qmp is None:
            s = socket.socket(socket.AF_UNIX)
            s.connect(self.qmp_path)
            self.qmp = s.makefile("rw")
            json.loads(self.qmp.readline())  # greeting
            self._qmp("qmp_capabilities")
        self.qmp.write(json.dumps({"execute": execute, "arguments": arguments}) + "\n")
        self.qmp.flush()
        while True:
            reply = json.loads(self.qmp.readline())
            if "event" in reply:
                continue
            if "error" in reply:
                raise RuntimeError(f"QMP {execute}: {reply['error']}")
            return reply.get("return")

    def plug(self, device_id, drive_id, serial):
        self._qmp("device_add", driver="usb-storage", bus="xhci.0", id=device_id,
                  drive=drive_id, serial=serial)

    def unplug(self, device_id):
        self._qmp("device_del", id=device_id)

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
