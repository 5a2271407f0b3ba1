#!/usr/bin/env python3
"""Checks the payload of a snapshot the Windows agent signed under Wine: it validates against
the snapshot schema (docs/schema/snapshot.schema.json) and its inventory section against the
inventory schema (an independent validator, python3-jsonschema), and every section says what
answered: the facts Wine really provides are there, what Wine only stubs is an answered: false
source or a section error naming the call, never a missing section or a guess.

Usage: check_snapshot.py ENVELOPE_JSON SNAPSHOT_SCHEMA INVENTORY_SCHEMA ASSET_TAG LOCATION
"""
import base64
import json
import sys

import jsonschema


def validate(schema_path, instance, what):
    with open(schema_path, encoding="utf-8") as f:
        schema = json.load(f)
    errors = list(jsonschema.Draft202012Validator(schema).iter_errors(instance))
    for error in errors:
        print(f"{what}: {error.json_path}: {error.message}")
    return len(errors)


def main():
    envelope_path, snapshot_schema, inventory_schema, asset_tag, location = sys.argv[1:6]
    with open(envelope_path, encoding="utf-8") as f:
        envelope = json.load(f)
    payload = json.loads(base64.b64decode(envelope["payload"]))
    failures = validate(snapshot_schema, payload, "snapshot")
    failures += validate(inventory_schema, payload["inventory"], "inventory")

    inventory = payload["inventory"]
    assert inventory["os"]["id"] == "windows", inventory["os"]
    assert inventory["asset_tag"] == asset_tag and inventory["location"] == location, inventory
    # Wine's NetGetJoinInformation answers a workgroup ("Workgroup").
    domain = inventory["domain"]
    assert domain["type"] == "workgroup" and domain["name"].lower() == "workgroup", domain
    assert inventory["interfaces"], "GetAdaptersAddresses answered no adapter"

    # Windows Update is E_NOTIMPL under Wine; the build and the hotfixes (WMI) answer.
    sources = payload["patches"]["sources"]
    assert sources["build"]["answered"] and sources["hotfixes"]["answered"], sources
    for stubbed in ("update_search", "update_history"):
        assert not sources[stubbed]["answered"] and sources[stubbed]["error"], sources[stubbed]
    # Security Center and Defender namespaces are missing from Wine's WMI (0x8004100E).
    for source in payload["antivirus"]["sources"].values():
        assert source["answered"] is False and "0x8004100E" in source["error"], source

    # The usb_history section is always there: Wine's registry has no Enum\USB or \USBSTOR key,
    # so it is the collector's error naming the key (the agent once faulted here).
    usb_history = payload["usb_history"]
    assert "error" in usb_history or "devices" in usb_history, usb_history
    if "error" in usb_history:
        assert "CurrentControlSet\\Enum" in usb_history["error"], usb_history

    print(f"snapshot {payload['seq']}: {len(payload)} keys valid; {failures} schema failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
