#!/usr/bin/env bash
# Categoriser vs squidGuard 1.6, in one run, on the same UT1 lists and the same query stream
# (Tranco top 10k + a sample of every UT1 category's domains and URLs + the China list, all
# from ../shared/data/categories). Measures build time, file size, lookups/s and peak RSS for
# both, checks that both flag the same queries, and writes the table into bench/README.md
# between the "categories" markers.
#
# Usage: bench/categories/run.sh [BUILD_DIR]   (default build-bench; configured with
#        -DSHOUWEI_BUILD_BENCH=ON -DCMAKE_BUILD_TYPE=Release if missing). Needs squidguard
#        (scripts/setup-deps.sh --tests). Bounded: about a minute on the 2-core dev machine.
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$repo/build-bench}
data=$(cd "$repo/../shared/data/categories" && pwd)
work=$(mktemp -d /tmp/shouwei-catbench.XXXXXX)
trap 'rm -rf "$work"' EXIT
command -v squidGuard >/dev/null || { echo "run.sh: squidGuard missing (apt-get install squidguard)" >&2; exit 1; }

if [[ ! -f "$build/build.ninja" ]]; then
  cmake -S "$repo" -B "$build" -G Ninja -DSHOUWEI_BUILD_BENCH=ON -DSHOUWEI_BUILD_TESTS=OFF \
    -DCMAKE_BUILD_TYPE=Release >/dev/null
fi
cmake --build "$build" -j2 --target shouweictl bench_categories >/dev/null
ctl=$build/tools/shouweictl/shouweictl
bench=$build/bench/categories/bench_categories

# squidGuard compiles its .db files next to the lists: work on a private copy of UT1 (the
# shared data stays read-only). Symlinked aliases are not copied; neither tool reads them.
mkdir -p "$work/ut1" "$work/log"
for dir in "$data"/ut1/*/; do
  name=$(basename "$dir")
  [[ -f $dir/domains || -f $dir/urls ]] || continue
  mkdir "$work/ut1/$name"
  for f in domains urls; do [[ -f $dir/$f ]] && cp "$dir/$f" "$work/ut1/$name/$f"; done
done
categories=$(ls "$work/ut1")

# The query stream: one URL per line.
{
  sed 's|.*|http://&/|' "$data/top/tranco_top10k_2025-06.txt"
  for dir in "$work"/ut1/*; do
    [[ -f $dir/domains ]] && awk 'NR % 50 == 1 { print "http://" $0 "/" }' "$dir/domains"
    [[ -f $dir/urls ]] && awk 'NR % 10 == 1 { print "http://" $0 }' "$dir/urls"
  done
  sed 's|.*|http://&/|' "$data/top/china_accelerated_domains.txt"
} >"$work/queries.txt"
queries=$(wc -l <"$work/queries.txt")
sed 's|$| 10.0.0.1/- - GET|' "$work/queries.txt" >"$work/squid-input.txt"

# squidGuard configuration: every category a destination, all refused, so a lookup walks the
# destinations until the first match (squidGuard reports one category; we report all).
{
  echo "dbhome $work/ut1"
  echo "logdir $work/log"
  for c in $categories; do
    echo "dest ${c//-/_} {"
    [[ -f $work/ut1/$c/domains ]] && echo "  domainlist $c/domains"
    [[ -f $work/ut1/$c/urls ]] && echo "  urllist $c/urls"
    echo "}"
  done
  echo "acl {"
  echo "  default {"
  echo "    pass $(for c in $categories; do printf '!%s ' "${c//-/_}"; done)all"
  echo "    redirect http://blocked.invalid/?category=%t"
  echo "  }"
  echo "}"
} >"$work/squidGuard.conf"

# timed IN OUT CMD...: runs CMD <IN >OUT (stderr dropped) and prints "wall-seconds peak-RSS-KiB".
timed() {
  local in=$1 out=$2
  shift 2
  /usr/bin/time -f "%e %M" -o "$work/time" "$@" <"$in" >"$out" 2>/dev/null
  tail -1 "$work/time"
}

echo "queries: $queries" >&2
read -r our_build _ < <(timed /dev/null /dev/null "$ctl" categories build --from "$work/ut1" --out "$work/ut1.swc")
our_size=$(stat -c %s "$work/ut1.swc")
our_domains=$("$ctl" categories build --from "$work/ut1" --out "$work/again.swc" 2>/dev/null | awk '/distinct domains/ { print $3 }')
read -r sg_build _ < <(timed /dev/null /dev/null squidGuard -c "$work/squidGuard.conf" -C all)
sg_size=$(find "$work/ut1" -name '*.db' -printf '%s\n' | awk '{ s += $1 } END { print s }')

read -r our_idle _ < <(timed /dev/null /dev/null "$bench" --stream "$work/ut1.swc")
read -r our_run our_rss < <(timed "$work/queries.txt" "$work/our.out" "$bench" --stream "$work/ut1.swc")
read -r sg_idle _ < <(timed /dev/null /dev/null squidGuard -c "$work/squidGuard.conf")
read -r sg_run sg_rss < <(timed "$work/squid-input.txt" "$work/sg.out" squidGuard -c "$work/squidGuard.conf")

# Agreement: a query is flagged by squidGuard when it answers with a redirect.
paste -d' ' <(awk '{ print ($0 == "-") ? 0 : 1 }' "$work/our.out") \
  <(awk '{ print ($0 ~ /blocked\.invalid/) ? 1 : 0 }' "$work/sg.out") >"$work/both"
our_flagged=$(awk '$1 { n++ } END { print n + 0 }' "$work/both")
sg_flagged=$(awk '$2 { n++ } END { print n + 0 }' "$work/both")
disagree=$(awk '$1 != $2 { n++ } END { print n + 0 }' "$work/both")
# A few of the differing queries, with both answers, for the README.
examples=$(paste -d'\t' "$work/queries.txt" "$work/our.out" "$work/sg.out" "$work/both" |
  awk -F'\t' '{ split($4, f, " ") } f[1] != f[2] { print "    " $1 "  ours: " $2 "  squidGuard: " $3 }' | head -8)

# Micro-benchmark: single thread, the same queries in memory.
SHOUWEI_CATEGORY_FILE=$work/ut1.swc SHOUWEI_CATEGORY_QUERIES=$work/queries.txt \
  "$bench" --benchmark_min_time=1 --benchmark_format=json >"$work/micro.json" 2>/dev/null
micro_match=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(int([b for b in d["benchmarks"] if b["name"]=="BM_match"][0]["items_per_second"]))' "$work/micro.json")
micro_names=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(int([b for b in d["benchmarks"] if b["name"]=="BM_lookup_names"][0]["items_per_second"]))' "$work/micro.json")

rate() { awk -v n="$queries" -v t="$1" -v i="$2" 'BEGIN { d = t - i; if (d <= 0) d = 0.01; printf "%d", n / d }'; }
our_rate=$(rate "$our_run" "$our_idle")
sg_rate=$(rate "$sg_run" "$sg_idle")
ratio=$(awk -v a="$our_rate" -v b="$sg_rate" 'BEGIN { printf "%.0f", a / b }')
per_domain=$(awk -v s="$our_size" -v d="$our_domains" 'BEGIN { printf "%.2f", s / d }')
sg_per_domain=$(awk -v s="$sg_size" -v d="$our_domains" 'BEGIN { printf "%.1f", s / d }')

table=$(cat <<TABLE
Command: \`bench/categories/run.sh\` ($(date -u +%Y-%m-%d), $(nproc) cores, $(uname -m); squidGuard $(squidGuard -v 2>&1 | awk '{ print $2 }' | head -1)).
UT1 lists of ../shared/data/categories ($(echo "$categories" | wc -w) categories, $our_domains distinct domains);
$queries queries (Tranco top 10k + every 50th domain and every 10th URL of each category + the China list).

| | Shouwei categoriser | squidGuard 1.6 |
|---|---|---|
| build (wall) | ${our_build} s | ${sg_build} s (\`squidGuard -C all\`) |
| on disk | $our_size bytes ($per_domain bytes/domain) | $sg_size bytes in .db files ($sg_per_domain bytes/domain) |
| lookups/s, redirector stream (stdin→stdout, one process) | $our_rate | $sg_rate |
| peak RSS while answering the stream | $our_rss KiB | $sg_rss KiB |
| lookups/s, in-process, one core (\`BM_match\`, no allocation) | $micro_match | n/a |
| lookups/s, in-process, names as \`vector<string_view>\` (\`BM_lookup_names\`) | $micro_names | n/a |
| queries flagged | $our_flagged | $sg_flagged |

Speed-up on the stream: **${ratio}×**. Queries flagged differently: $disagree of $queries (squidGuard answers
with the first matching category only, we return all of them; the flagged/unflagged differences
come from squidGuard percent-decoding and "//"-collapsing the query but not its URL-list
entries, so encoded UT1 URL entries never match in squidGuard, and from hosts with an empty
label such as ".afshin.ir", which we refuse). Stream rates exclude
start-up (an empty-input run is subtracted). The in-process rates are per CPU second (Google
Benchmark's default), measured on a shared machine where other builds ran concurrently.

Examples of queries flagged differently:

$examples
TABLE
)
echo "$table"

readme=$repo/bench/README.md
[[ -f $readme ]] || printf '# Benchmarks\n' >"$readme"
if ! grep -q '<!-- categories:begin -->' "$readme"; then
  printf '\n## Categories (categoriser vs squidGuard)\n<!-- categories:begin -->\n<!-- categories:end -->\n' >>"$readme"
fi
python3 - "$readme" "$table" <<'PY'
import re, sys
path, table = sys.argv[1], sys.argv[2]
text = open(path).read()
text = re.sub(r"<!-- categories:begin -->.*?<!-- categories:end -->",
              lambda m: "<!-- categories:begin -->\n" + table + "\n<!-- categories:end -->", text, flags=re.S)
open(path, "w").write(text)
PY
