"""How fast `sedetect score` is, against how fast the same messages can merely be parsed.

One run, the same messages throughout, prints:
  - parse-only msgs/s: the stdlib parser (BytesParser, policy.default) locating the body, and
    reading it (the baseline the ratio is taken against), and sedetect's parser;
  - `sedetect score` end to end (a real Beam batch job in a fresh process, as a user runs it),
    its start-up (the same job on an empty archive) and its marginal rate beyond start-up;
  - the job's peak memory (largest process), its per-stage time per message (from the job's
    Beam counters) and what the encoder did (texts encoded, cache hit rate, messages the cascade
    decided without an embedding);
  - the same job pinned to one core (taskset), and what the other cores add;
  - with --workers N, the same job on N local worker processes, and whether its rows are
    identical to the one-worker rows.

Messages: N from the shared corpora (round robin over every source), or --synthetic N from the
attack generator (any size). Run it alone: on 2 cores any other job skews every figure.

    .venv/bin/python bench/score_throughput.py [--n 5000] [--synthetic 20000] [--workers 2]
        [--corpora ../shared/corpora] [-- extra flags for sedetect score]
"""
from __future__ import annotations

import argparse
import email
import email.parser
import email.policy
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.measure import run_measured  # noqa: E402


def sample(corpora: Path, n: int) -> list[bytes]:
    """Round-robin over every corpus so the sample mixes old and new, ham and attacks."""
    from labeling.sources import shared_corpora
    from pipelines.readers import round_robin
    return round_robin([s.path for s in shared_corpora(corpora)], n)


def synthetic(n: int, seed: int = 7) -> list[bytes]:
    from labeling.synthetic import generate
    return [m.raw for m in generate(n, seed=seed, attack_share=0.2)]


def stdlib_locate_body(raw: bytes):
    return email.parser.BytesParser(policy=email.policy.default).parsebytes(raw).get_body()


def stdlib_read_body(raw: bytes) -> None:
    """The issue's baseline: BytesParser with the default policy, the body located and read
    (decoded to text or bytes); a part whose charset Python does not know counts as read."""
    body = stdlib_locate_body(raw)
    if body is not None:
        try:
            body.get_content()
        except (LookupError, ValueError):      # an unknown charset, a broken encoding
            pass


def rate(parse: Callable[[bytes], object], msgs: list[bytes]) -> float:
    t = time.perf_counter()
    for raw in msgs:
        parse(raw)
    return len(msgs) / (time.perf_counter() - t)


def parse_rates(msgs: list[bytes]) -> tuple[float, float, float]:
    """msgs/s of: the stdlib parser locating the body; the same reading it (the ratio's
    baseline); sedetect's parse_message."""
    from features.parsing import ParseError, parse_message

    def ours(raw: bytes) -> None:
        try:
            parse_message(raw)
        except ParseError:
            pass
    return rate(stdlib_locate_body, msgs), rate(stdlib_read_body, msgs), rate(ours, msgs)


def run_score(archive: Path, out: Path, env: dict, extra: list[str],
              cores: str = "") -> dict:
    """One `sedetect score` process: wall seconds, peak RSS (MB) and the job's summary.
    ``cores``: a CPU list to pin it to (taskset -c), as on a machine with that many cores."""
    summary = out.with_suffix(".json")
    exe = str(Path(sys.executable).parent / "sedetect")
    pin = ["taskset", "-c", cores] if cores else []
    code, seconds, peak_mb = run_measured([*pin, exe, "score", str(archive), "-o", str(out),
                                           "--summary-json", str(summary), *extra], env=env,
                                          stdout=subprocess.DEVNULL)
    if code != 0:
        raise SystemExit(f"sedetect score failed ({code}) on {archive}")
    return {"seconds": seconds, "peak_mb": peak_mb, "summary": json.loads(summary.read_text())}


FLOATS = ("score", "impersonation", "trust", "payload", "goal", "signature_match")


def run_job(archive: Path, empty: Path, folder: Path, name: str, env: dict, extra: list[str],
            cores: str = "") -> tuple[dict, dict, float]:
    """The same job on the empty archive (its start-up) and on the archive, its rows in
    ``folder/name.parquet``: (start-up run, full run, marginal msgs/s beyond start-up)."""
    start = run_score(empty, folder / f"{name}-empty.parquet", env, extra, cores)
    full = run_score(archive, folder / f"{name}.parquet", env, extra, cores)
    n = full["summary"]["messages"]
    return start, full, n / max(full["seconds"] - start["seconds"], 1e-9)


def compare_rows(a: Path, b: Path) -> tuple[int, bool, float]:
    """Row count, whether every non-float field is identical, and the largest float difference
    (embedding batches are padded differently on each worker)."""
    import pyarrow.parquet as pq
    key = lambda r: r["source"]  # noqa: E731
    ra = sorted(pq.read_table(a).to_pylist(), key=key)
    rb = sorted(pq.read_table(b).to_pylist(), key=key)
    strip = lambda r: {k: v for k, v in r.items() if k not in FLOATS}  # noqa: E731
    same = len(ra) == len(rb) and all(strip(x) == strip(y) for x, y in zip(ra, rb))
    diff = max((abs(x[k] - y[k]) for x, y in zip(ra, rb) for k in FLOATS
                if x[k] is not None and y[k] is not None), default=0.0)
    return len(ra), same, diff


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=5000, help="messages from the shared corpora")
    ap.add_argument("--synthetic", type=int, default=0,
                    help="use this many generated messages instead of the corpora")
    ap.add_argument("--corpora", default=str(REPO.parent / "shared" / "corpora"))
    ap.add_argument("--workers", type=int, default=0,
                    help="also run on this many local worker processes and compare the rows")
    ap.add_argument("extra", nargs="*", help="extra flags for sedetect score (after --)")
    args = ap.parse_args()
    msgs = synthetic(args.synthetic) if args.synthetic else sample(Path(args.corpora), args.n)
    what = f"{args.synthetic} synthetic" if args.synthetic else f"{len(msgs)} corpus"
    print(f"messages: {what} messages, {len(set(msgs))} distinct, "
          f"{sum(map(len, msgs)) / len(msgs) / 1024:.1f} KiB mean")

    located, stdlib, ours = parse_rates(msgs)
    print(f"parse only, stdlib, body located:     {located:8.0f} msgs/s")
    print(f"parse only, stdlib, body read:        {stdlib:8.0f} msgs/s  (the ratio's baseline)")
    print(f"parse only, sedetect parse_message:   {ours:8.0f} msgs/s")

    from labeling.synthetic import SyntheticMessage, write_mbox
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        archive = tmp_path / "bench.mbox"
        write_mbox([SyntheticMessage(r, "", "") for r in msgs], str(archive))
        empty = tmp_path / "empty.mbox"
        empty.write_bytes(b"")
        env = dict(os.environ, SEDETECT_HOME=os.environ.get("SEDETECT_HOME",
                                                            str(tmp_path / "home")))
        run_score(empty, tmp_path / "boot.parquet", env, args.extra)  # registers the model once
        start, full, marginal = run_job(archive, empty, tmp_path, "one", env, args.extra)
        n = full["summary"]["messages"]
        print(f"sedetect score, end to end:           {n / full['seconds']:8.1f} msgs/s "
              f"({full['seconds']:.1f} s for {n} messages)")
        print(f"  start-up (same job, empty archive): {start['seconds']:8.1f} s")
        print(f"  marginal rate beyond start-up:      {marginal:8.1f} msgs/s "
              f"({marginal / stdlib:.0%} of stdlib parse-only, body read)")
        print(f"  peak memory (largest process):      {full['peak_mb']:8.0f} MB")
        st = full["summary"]["stages"]
        busy = sum(st[k] for k in ("parse_ms", "features_ms", "embeddings_ms", "models_ms"))
        rest = 1000 * (full["seconds"] - start["seconds"]) / max(n, 1) - busy
        print("  per message (ms): " + ", ".join(
            f"{k[:-3]} {st[k]:.2f}" for k in ("parse_ms", "features_ms", "embeddings_ms",
                                              "models_ms")) +
              f", read + write + Beam {rest:.2f}")
        hit = st["embedding_cache_hit_rate"]
        print(f"  embeddings: {st['texts_encoded']} texts encoded by MiniLM for {n} messages; "
              f"cache hit rate {'-' if hit is None else f'{hit:.1%}'}; "
              f"{st['skipped_by_cascade']} decided by the cascade without one; "
              f"{st.get('static_texts_encoded', 0)} static")
        cores = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else []
        omarginal = None
        if len(cores) > 1 and shutil.which("taskset"):
            # The same job on one core: what the second core adds (the encoder's threads and
            # xgboost's follow the cores the process may use, features/text.py usable_cores).
            one = str(cores[0])
            _, _, omarginal = run_job(archive, empty, tmp_path, "onecore", env, args.extra, one)
            print(f"one core (taskset -c {one}):              {omarginal:8.1f} msgs/s marginal; "
                  f"{len(cores)} cores give {marginal / omarginal:.2f}x")
        if args.workers:
            flags = ["--direct_running_mode=multi_processing",
                     f"--direct_num_workers={args.workers}"]
            wstart, multi, wmarginal = run_job(archive, empty, tmp_path, "multi", env,
                                               args.extra + flags)
            rows, identical, diff = compare_rows(tmp_path / "one.parquet",
                                                 tmp_path / "multi.parquet")
            print(f"{args.workers} workers (multi_processing):        {n / multi['seconds']:8.1f} "
                  f"msgs/s end to end, start-up {wstart['seconds']:.1f} s, marginal "
                  f"{wmarginal:.1f} msgs/s ({wmarginal / marginal:.2f}x one worker"
                  + (f", {wmarginal / omarginal:.2f}x one core" if omarginal else "")
                  + f"), peak {multi['peak_mb']:.0f} MB")
            print(f"  rows: {rows}; verdicts, reasons and every other field identical to one "
                  f"worker: {identical}; largest score difference {diff:.1e}")
            if omarginal:
                # Scaling within one runner mode: the multi-process job with one worker on one
                # core, against the N-worker figure above (the in-process job skips the worker
                # processes' gRPC harness, so "x one core" above mixes two modes).
                one_flags = ["--direct_running_mode=multi_processing", "--direct_num_workers=1"]
                m1start, _, m1marginal = run_job(archive, empty, tmp_path, "m1", env,
                                                 args.extra + one_flags, one)
                print(f"  multi_processing, 1 worker on one core: {m1marginal:.1f} msgs/s marginal "
                      f"(start-up {m1start['seconds']:.1f} s); {args.workers} workers give "
                      f"{wmarginal / m1marginal:.2f}x it")


if __name__ == "__main__":
    main()
