#!/usr/bin/env python3
"""The agent's MSI as packaging/win/build-msi.sh builds it with wixl, read back with msitools
(msiinfo): no Windows, no Wine. The agent executable is a stand-in file here (the MSI's tables
do not depend on its contents); msi_wine_test.py installs the MSI of the cross-built agent
under Wine (a test of the Windows build, tests/win/core).

- the service: ShouweiAgent, own process, automatic start, LocalSystem, "service" argument;
  started at install, stopped at install and uninstall, removed at uninstall;
- WriteConfig: JScript in the Binary table, deferred, not impersonated, target hidden, between
  InstallFiles and InstallServices so the configuration exists before the service starts; its
  data set by a type-51 action from the six public properties, same conditions;
- the public properties are in SecureCustomProperties, the secret in MsiHiddenProperties;
- recovery actions: sc.exe failure / failureflag, deferred, after InstallServices;
- MajorUpgrade: an Upgrade row for the UpgradeCode, RemoveExistingProducts scheduled; two
  builds of different versions share the UpgradeCode and differ in ProductCode.
"""
import argparse
import os
import subprocess
import sys
import tempfile

FAILURES = []


def check(cond, what):
    print(("ok:   " if cond else "FAIL: ") + what, flush=True)
    if not cond:
        FAILURES.append(what)
    return cond


def table(msi, name):
    """Rows of an MSI table as lists of strings (msiinfo export: header lines, then rows)."""
    # Exporting a table with streams (Binary) writes them under ./<table>/: keep that out of the caller's tree.
    with tempfile.TemporaryDirectory() as scratch:
        r = subprocess.run(["msiinfo", "export", os.path.abspath(msi), name], capture_output=True, text=True,
                           timeout=60, cwd=scratch)
    if r.returncode != 0:
        raise RuntimeError(f"msiinfo export {name}: {r.stderr}")
    lines = r.stdout.replace("\r", "").split("\n")
    return [l.split("\t") for l in lines[3:] if l]


def properties(msi):
    return {row[0]: row[1] for row in table(msi, "Property")}


def build(script, agent, version, out):
    r = subprocess.run([script, "--agent", agent, "--version", version, "--out", out],
                       capture_output=True, text=True, timeout=120)
    check(r.returncode == 0 and os.path.exists(out), f"build-msi.sh {version}: {r.stderr[-2000:]}")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--script", required=True)
    a = p.parse_args()
    with tempfile.TemporaryDirectory(prefix="shouwei-msi-") as d:
        agent = os.path.join(d, "stand-in.exe")
        with open(agent, "wb") as f:
            # Not a PE (no "MZ"): build-msi.sh packages it as is instead of stripping it.
            f.write(b"stand-in" + bytes(504))
        msi, msi2 = os.path.join(d, "a.msi"), os.path.join(d, "b.msi")
        build(a.script, agent, "0.1.0", msi)
        build(a.script, agent, "0.1.1", msi2)
        if FAILURES:
            return 1

        svc = {r[0]: r for r in table(msi, "ServiceInstall")}.get("AgentService")
        # ServiceInstall: Id Name DisplayName ServiceType StartType ErrorControl LoadOrderGroup
        #                 Dependencies StartName Password Arguments Component_ Description
        check(svc is not None and svc[1] == "ShouweiAgent", f"ServiceInstall ShouweiAgent: {svc}")
        if svc:
            check(svc[3] == "16" and svc[4] == "2", "own process (0x10), automatic start (2)")
            check(svc[8] in ("", "LocalSystem"), f"runs as LocalSystem: {svc[8]!r}")
            check(svc[10] == "service", f"command line argument 'service': {svc[10]!r}")
        ctl = {r[0]: r for r in table(msi, "ServiceControl")}.get("AgentServiceControl")
        # ServiceControl: Id Name Event Arguments Wait Component_; Event bits: 1 start at
        # install, 2 stop at install, 8 remove at uninstall... (msidbServiceControlEvent*)
        if check(ctl is not None and ctl[1] == "ShouweiAgent", f"ServiceControl ShouweiAgent: {ctl}"):
            event = int(ctl[2])
            check(event & 0x1 and event & 0x2 and event & 0x20 and event & 0x80,
                  f"start at install, stop at install and uninstall, remove at uninstall: {event:#x}")

        actions = {r[0]: r for r in table(msi, "CustomAction")}
        write = actions.get("WriteConfig")
        if check(write is not None, "custom action WriteConfig"):
            t = int(write[1])
            check(t & 0x3F == 5 and write[2] == "ConfigJs" and write[3] == "writeConfig",
                  f"WriteConfig calls writeConfig of the JScript binary ConfigJs (type {t})")
            check(t & 0x400 and t & 0x800, "deferred (in script) and not impersonated (SYSTEM)")
            check(t & 0x2000, "target hidden from the log")
        setter = actions.get("SetWriteConfigData")
        if check(setter is not None, "custom action SetWriteConfigData"):
            check(int(setter[1]) & 0x3F == 51 and setter[2] == "WriteConfig", "type 51 sets WriteConfig's data")
            fields = setter[3:-1]  # the target holds tabs: it spans the export's columns
            check(fields == ["[CommonAppDataFolder]", "[SERVER_URL]", "[ENROLL_SECRET]", "[ZONE]", "[CA]",
                             "[POLICY_KEY]", "[MEDIA_KEY]"],
                  f"data: ProgramData and the six properties, tab-separated: {fields}")
        check("ConfigJs" in {r[0] for r in table(msi, "Binary")}, "config.js embedded as Binary ConfigJs")
        for name, args in (("SetServiceRecovery", "failure ShouweiAgent reset= 86400 actions= restart/"),
                           ("SetServiceRecoveryFlag", "failureflag ShouweiAgent 1")):
            row = actions.get(name)
            if check(row is not None, f"custom action {name}"):
                t = int(row[1])
                check(t & 0x3F == 50 and row[2] == "SC_EXE" and row[3].startswith(args) and t & 0xC00 == 0xC00,
                      f"{name}: sc.exe {args}..., deferred as SYSTEM (type {t})")

        seq = {r[0]: (r[1], int(r[2])) for r in table(msi, "InstallExecuteSequence")}
        if check(all(k in seq for k in ("InstallFiles", "SetWriteConfigData", "WriteConfig", "InstallServices",
                                        "StartServices", "InstallInitialize", "InstallFinalize",
                                        "RemoveExistingProducts")), "sequence has every action"):
            check(seq["InstallInitialize"][1] < seq["InstallFiles"][1] < seq["SetWriteConfigData"][1]
                  < seq["WriteConfig"][1] < seq["InstallServices"][1] < seq["StartServices"][1]
                  < seq["InstallFinalize"][1], "config written after the files, before the service starts")
            check(seq["InstallServices"][1] < seq.get("SetServiceRecovery", (0, 0))[1] < seq["StartServices"][1],
                  "recovery actions set between InstallServices and StartServices")
            check(seq["WriteConfig"][0] == 'SERVER_URL AND NOT REMOVE~="ALL"',
                  f"only with SERVER_URL, never at uninstall: {seq['WriteConfig'][0]}")

        props, props2 = properties(msi), properties(msi2)
        secure = props.get("SecureCustomProperties", "").split(";")
        for name in ("SERVER_URL", "ENROLL_SECRET", "ZONE", "CA", "POLICY_KEY", "MEDIA_KEY"):
            check(name in secure, f"{name} in SecureCustomProperties")
        check({"ENROLL_SECRET", "WriteConfig"} <= set(props.get("MsiHiddenProperties", "").split(";")),
              "the secret and WriteConfig's data hidden from the log")
        check(props.get("ZONE") == "intranet", "ZONE defaults to intranet")
        check(props.get("ProductVersion") == "0.1.0" and props2.get("ProductVersion") == "0.1.1", "versions")
        check(props["UpgradeCode"] == props2["UpgradeCode"] and props["ProductCode"] != props2["ProductCode"],
              "one UpgradeCode, a new ProductCode per build (major upgrade)")
        upgrade = table(msi, "Upgrade")
        check(any(r[0] == props["UpgradeCode"] for r in upgrade), f"Upgrade rows for the UpgradeCode: {upgrade}")
    print(f"{len(FAILURES)} failure(s)")
    return 1 if FAILURES else 0


if __name__ == "__main__":
    sys.exit(main())
