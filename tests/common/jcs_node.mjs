// RFC 8785 against an ECMAScript engine, run by ctest:  node jcs_node.mjs HELPER
//
// JCS is defined by ECMAScript itself: numbers are Number::toString (what JSON.stringify
// prints), strings are JSON.stringify's escapes, and member order is Array.prototype.sort's
// default, which compares UTF-16 code units. So node is an independent reference. Deterministic
// pseudo-random documents (random IEEE-754 bit patterns written in several spellings, keys
// drawn from every UTF-16 range that orders differently from code points) are canonicalized by
// our code through HELPER and compared line by line.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

function canonicalize(v) {
  if (v === null || typeof v !== "object") return JSON.stringify(v);
  if (Array.isArray(v)) return "[" + v.map(canonicalize).join(",") + "]";
  return "{" + Object.keys(v).sort().map((k) => JSON.stringify(k) + ":" + canonicalize(v[k])).join(",") + "}";
}

// xorshift64*, seeded: the same documents on every run.
let state = 0x9e3779b97f4a7c15n;
const mask = (1n << 64n) - 1n;
function next64() {
  state ^= state >> 12n; state ^= (state << 25n) & mask; state ^= state >> 27n;
  return (state * 0x2545f4914f6cdd1dn) & mask;
}
const nextInt = (n) => Number(next64() % BigInt(n));
const view = new DataView(new ArrayBuffer(8));
function randomDouble() {
  for (;;) {
    view.setBigUint64(0, next64());
    const d = view.getFloat64(0);
    if (Number.isFinite(d)) return d;
  }
}
// Spellings that all denote d exactly; the canonical one is JSON.stringify(d).
function spell(d) {
  switch (nextInt(4)) {
    case 0: return d.toExponential(20);
    case 1: return d.toPrecision(17);
    case 2: return String(d).toUpperCase();
    default: return JSON.stringify(d);
  }
}
const alphabet = ["a", "b", "Z", "0", "\r", "\u0080", "\u00f6", "\u20ac", "\ud7ff", "\ue000", "\uffee", "\ufb33",
                  "\ud83d\ude00", "\ud800\udc00", "\udbff\udfff", "\u5b88", "\u536b", "\"", "\\", "\u001f"];
function randomKey() {
  let k = "";
  for (let n = nextInt(4); n >= 0; --n) k += alphabet[nextInt(alphabet.length)];
  return k;
}
// A document as text (numbers spelt variously) together with its value.
function randomDoc(depth) {
  const pick = depth > 2 ? nextInt(3) : nextInt(6);
  if (pick === 0) { const d = randomDouble(); return [spell(d), d]; }
  if (pick === 1) { const i = nextInt(2 ** 31) - 2 ** 30; return [String(i), i]; }
  if (pick === 2) { const s = randomKey(); return [JSON.stringify(s), s]; }
  if (pick === 3) {
    const items = Array.from({ length: nextInt(4) }, () => randomDoc(depth + 1));
    return ["[" + items.map((x) => x[0]).join(",") + "]", items.map((x) => x[1])];
  }
  const obj = {}; const parts = [];
  for (let n = nextInt(6); n > 0; --n) {
    const k = randomKey();
    if (k in obj) continue;  // duplicates are refused by design; tested elsewhere
    const [text, value] = randomDoc(depth + 1);
    obj[k] = value; parts.push(JSON.stringify(k) + ":" + text);
  }
  return ["{" + parts.join(",") + "}", obj];
}

const helper = process.argv[2];
const docs = [];
for (let i = 0; i < 20000; ++i) { const d = randomDouble(); docs.push([spell(d), d]); }
for (let i = 0; i < 5000; ++i) docs.push(randomDoc(0));

const dir = mkdtempSync(join(tmpdir(), "shouwei-jcs-"));
try {
  const input = join(dir, "docs.jsonl");
  writeFileSync(input, docs.map((d) => d[0]).join("\n") + "\n");
  const ours = execFileSync(helper, ["canonicalize", input], { maxBuffer: 1 << 28 }).toString().split("\n");
  let failures = 0;
  docs.forEach(([text, value], i) => {
    const expected = canonicalize(value);
    if (ours[i] !== expected && failures++ < 10) {
      console.error(`mismatch for ${text}\n  ours:     ${ours[i]}\n  node:     ${expected}`);
    }
  });
  if (failures > 0) {
    console.error(`${failures} of ${docs.length} documents differ`);
    process.exit(1);
  }
  console.log(`${docs.length} documents canonicalize identically in node ${process.version}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
