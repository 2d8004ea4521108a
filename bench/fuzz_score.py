"""N fuzzed messages through `sedetect score`: nothing crashes, nothing is lost.

Builds N hostile messages (default 100,000) from tests/hostile.py — random bytes, mutated real-shaped
messages (byte flips, truncation, charsets, RFC 2047 abuse, broken boundaries, NUL bytes, homoglyph
and right-to-left names, IDN hosts, malformed HTML, stacked) and heavy ones (deep nesting, huge
headers, thousands of headers) — writes them to a Parquet file with a `raw` column (so "messages in"
is exact: an mbox would re-split fuzzed "From " lines), runs one real `sedetect score` job on it in
a fresh process and prints:
  - rows out vs messages in, and whether every input row has exactly one output row;
  - the job's exit code, error rows by kind (parse errors are fine: the input was not an email;
    "internal" or "scoring error" rows are bugs), signals that raised (Beam counter);
  - the limits that fired;
  - peak memory (largest process) and wall time;
  - the slowest message: the largest per-message parse and feature time (Beam distributions).

    .venv/bin/python bench/fuzz_score.py [--n 100000] [--seed 1] [-- extra flags for sedetect score]
"""
from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.measure import run_measured  # noqa: E402


def fuzzed(n: int, seed: int) -> list[bytes]:
    """n hostile messages, the same for the same seed."""
    from tests import hostile
    rng = random.Random(seed)
    light = sorted(hostile.MUTATIONS)
    heavy = sorted(hostile.HEAVY_MUTATIONS)
    seeds = list(hostile.SEEDS.values())
    out = []
    for _ in range(n):
        roll = rng.random()
        if roll < 0.08:
            out.append(rng.randbytes(rng.randrange(1, 4096)))
            continue
        seed_msg = seeds[rng.randrange(len(seeds))]
        names = [light[rng.randrange(len(light))] for _ in range(rng.randint(1, 3))]
        if roll > 0.97:
            names.append(heavy[rng.randrange(len(heavy))])
        out.append(hostile.mutate(seed_msg, names, rng))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--keep", default=None, help="keep the fuzzed Parquet and verdicts here")
    ap.add_argument("extra", nargs="*", help="extra flags for sedetect score (after --)")
    args = ap.parse_args()
    import pyarrow as pa
    import pyarrow.parquet as pq

    t = time.perf_counter()
    msgs = fuzzed(args.n, args.seed)
    print(f"built {len(msgs)} fuzzed messages ({sum(map(len, msgs)) / 2**20:.0f} MiB, largest "
          f"{max(map(len, msgs)) / 2**20:.1f} MiB) in {time.perf_counter() - t:.0f} s", flush=True)
    work = Path(args.keep or tempfile.mkdtemp(prefix="fuzz-score-"))
    work.mkdir(parents=True, exist_ok=True)
    src = work / "fuzz.parquet"
    pq.write_table(pa.table({"raw": pa.array(msgs, pa.binary())}), src, row_group_size=2000)
    out, summary_path = work / "verdicts.parquet", work / "summary.json"
    env = dict(os.environ, SEDETECT_HOME=os.environ.get("SEDETECT_HOME", str(work / "home")))
    code, seconds, peak_mb = run_measured(
        [str(Path(sys.executable).parent / "sedetect"), "score", str(src), "-o", str(out),
         "--summary-json", str(summary_path), *args.extra], env=env, stdout=subprocess.DEVNULL)
    print(f"sedetect score exit code {code} after {seconds:.0f} s "
          f"({len(msgs) / seconds:.1f} msgs/s), peak memory {peak_mb:.0f} MB")
    if code not in (0, 3):              # 3: the job ran, and some fuzzed inputs were not mail
        raise SystemExit(1)
    rows = pq.read_table(out, columns=["source", "verdict", "error", "reasons"]).to_pylist()
    sources = Counter(r["source"] for r in rows)
    expected = {f"{src}#{i}" for i in range(len(msgs))}
    print(f"rows out {len(rows)} for {len(msgs)} messages in; every input exactly once: "
          f"{set(sources) == expected and max(sources.values()) == 1}")
    kinds = Counter((r["error"] or "").split(":")[0] for r in rows if r["verdict"] == "error")
    print(f"verdicts: {dict(Counter(r['verdict'] for r in rows))}")
    print(f"error rows by kind: {dict(kinds)}")
    internal = [r for r in rows if "internal" in (r["error"] or "") or
                (r["error"] or "").startswith("scoring error")]
    print(f"bugs (internal parse errors, scoring errors): {len(internal)}")
    for r in internal[:5]:
        print(f"  {r['source']}: {r['error']}")
    limits = Counter(reason.split(" ")[1] for r in rows for reason in r["reasons"] or []
                     if reason.startswith("limit:"))
    print(f"limits that fired (messages): {dict(limits)}")
    summary = json.loads(summary_path.read_text())
    m = summary["metrics"]
    print(f"signals that raised: {m.get('signal_errors', 0)}")
    slow = summary.get("slowest") or {}
    print(f"slowest message: parse {slow.get('parse_ms', float('nan')):.0f} ms, features "
          f"{slow.get('features_ms', float('nan')):.0f} ms; mean per message "
          f"{summary['stages']['parse_ms']:.2f} + {summary['stages']['features_ms']:.2f} ms")


if __name__ == "__main__":
    main()
