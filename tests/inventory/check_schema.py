#!/usr/bin/env python3
"""Validates the inventory sections of fixture roots, of this machine and of a missing root
against collectors/inventory/inventory.schema.json (an independent JSON Schema validator,
python3-jsonschema), and checks that the schema rejects sections that break its contract.

Usage: check_schema.py INVENTORY_DUMP SCHEMA FIXTURES_DIR
"""
import copy
import json
import subprocess
import sys

import jsonschema


def dump(tool, *args):
    out = subprocess.run([tool, *args], check=True, capture_output=True, timeout=60).stdout
    return json.loads(out)


def main():
    tool, schema_path, fixtures = sys.argv[1:4]
    with open(schema_path, encoding="utf-8") as f:
        schema = json.load(f)
    validator = jsonschema.Draft202012Validator(schema)
    validator.check_schema(schema)

    sections = {name: dump(tool, f"{fixtures}/{name}", "SZ-0001", "福田区 5F")
                for name in ("kylin", "uos", "debian", "ubuntu", "garbage")}
    sections["host"] = dump(tool, "/")
    sections["missing"] = dump(tool, "/nonexistent/shouwei/root")
    failures = 0
    for name, section in sections.items():
        for error in validator.iter_errors(section):
            print(f"{name}: {error.json_path}: {error.message}")
            failures += 1
    assert "error" in sections["missing"], sections["missing"]
    assert sections["kylin"]["asset_tag"] == "SZ-0001"
    # Linux has no single source of domain membership: unknown, never guessed.
    assert sections["kylin"]["domain"] is None and sections["host"]["domain"] is None

    # What the Windows inventory renders from NetGetJoinInformation.
    for domain in ({"name": "GOV.LOCAL", "type": "domain"}, {"name": "WORKGROUP", "type": "workgroup"},
                   {"name": None, "type": "unjoined"}):
        s = copy.deepcopy(sections["kylin"])
        s["domain"] = domain
        for error in validator.iter_errors(s):
            print(f"domain {domain}: {error.json_path}: {error.message}")
            failures += 1

    # The schema must be able to fail: each of these breaks one rule.
    broken = []
    for mutate in (lambda s: s["users"][0].update(uid="0"),
                   lambda s: s["interfaces"][0].update(mac="00-E0-4C"),
                   lambda s: s.update(boot_time="2025-11-21 00:00:00"),
                   lambda s: s["os"].pop("edition"),
                   lambda s: s.update(extra=1),
                   lambda s: s.pop("domain"),
                   lambda s: s.update(domain={"name": None, "type": "domain"}),
                   lambda s: s.update(domain={"name": "WORKGROUP", "type": "unjoined"}),
                   lambda s: s.update(domain={"name": "GOV", "type": "realm"})):
        s = copy.deepcopy(sections["kylin"])
        mutate(s)
        broken.append(s)
    for i, s in enumerate(broken):
        if validator.is_valid(s):
            print(f"schema accepted broken section #{i}")
            failures += 1

    print(f"validated {len(sections)} sections, rejected {len(broken)} broken ones; {failures} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
