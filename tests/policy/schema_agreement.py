"""docs/schema/policy.schema.json and the C++ validation (via `shouweictl policy sign`) must agree:
the template of `policy init` is valid for both, and each mutation below is refused by both.

Usage: schema_agreement.py SHOUWEICTL SCHEMA_JSON
"""
import copy
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import jsonschema

ctl, schema_path = sys.argv[1], sys.argv[2]
validator = jsonschema.Draft202012Validator(json.loads(Path(schema_path).read_text()))
validator.check_schema(validator.schema)


def set_path(doc, path, value):
    *parents, last = path
    for key in parents:
        doc = doc[key]
    if value is DELETE:
        del doc[last]
    else:
        doc[last] = value


DELETE = object()
VALID = [
    ("zone intranet", ("zone",), "intranet"),
    ("zone absent", ("zone",), DELETE),
    ("category db", ("category_db",), {"url": "/v1/categories/7", "sha256": "ab" * 32, "version": 7}),
    ("audit mode", ("media", "mode"), "audit"),
    ("chinese groups", ("groups",), ["财务处", "办公厅-信息中心"]),
]
INVALID = [
    ("retention 59", ("log_retention_days",), 59),
    ("media mode off", ("media", "mode"), "off"),
    ("unknown field", ("extra",), 1),
    ("cross zone allow", ("media", "cross_zone"), "allow"),
    ("sha256 uppercase", ("category_db",), {"url": "/c", "sha256": "AB" * 32, "version": 1}),
    ("category url ftp", ("category_db",), {"url": "ftp://x", "sha256": "ab" * 32, "version": 1}),
    ("no groups", ("groups",), []),
    ("duplicate groups", ("groups",), ["a", "a"]),
    ("group with a space", ("groups",), ["财务 处"]),
    ("group with an ideographic space", ("groups",), ["财务\u3000处"]),
    ("group with a control", ("groups",), ["a\u0085"]),
    ("zone moon", ("zone",), "moon"),
    ("interval 59", ("snapshot_interval_seconds",), 59),
    ("version 0", ("version",), 0),
    ("missing thresholds", ("thresholds",), DELETE),
    ("schema v2", ("schema",), "shouwei.policy/v2"),
]

failures = 0
with tempfile.TemporaryDirectory() as tmp:
    tmp = Path(tmp)
    subprocess.run([ctl, "keygen", "--out", str(tmp / "org")], check=True, capture_output=True)
    template = json.loads(subprocess.run([ctl, "policy", "init"], check=True,
                                         capture_output=True, text=True).stdout)
    cases = [("template", None, None, True)] + [(n, p, v, True) for n, p, v in VALID] + \
            [(n, p, v, False) for n, p, v in INVALID]
    for name, path, value, expect_valid in cases:
        doc = copy.deepcopy(template)
        if path:
            set_path(doc, path, value)
        (tmp / "p.json").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
        schema_ok = validator.is_valid(doc)
        signed = subprocess.run([ctl, "policy", "sign", "--key", str(tmp / "org.key"),
                                 str(tmp / "p.json")], capture_output=True, text=True)
        cpp_ok = signed.returncode == 0
        if schema_ok != expect_valid or cpp_ok != expect_valid:
            failures += 1
            print(f"FAIL {name}: expected valid={expect_valid}, schema={schema_ok}, "
                  f"shouweictl={cpp_ok} ({signed.stderr.strip()})")
        else:
            print(f"ok   {name}")
    total = len(cases)
print(f"{total - failures} passed, {failures} failed")
sys.exit(1 if failures else 0)
