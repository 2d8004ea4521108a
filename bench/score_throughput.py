"""Throughput of `sedetect score` on N messages of the shared corpora (default 5,000).

Prints: stdlib parse-only rate, sedetect's parse_message rate, and the end-to-end `sedetect score`
rate (one real Beam batch job on the FnApiRunner, start-up included), plus the same job's
rate without start-up (model load and pipeline construction) measured on an empty archive.

    .venv/bin/python bench/score_throughput.py [--n 5000] [--corpora ../shared/corpora]
"""
from __future__ import annotations

import argparse
import email
import email.policy
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def sample(corpora: Path, n: int) -> list[bytes]:
    """Round-robin over every corpus so the sample mixes old and new, ham and attacks."""
    from labeling.sources import shared_corpora
    from pipelines.readers import iter_messages
    iters = [iter_messages([s.path]) for s in shared_corpora(corpora)]
    out: list[bytes] = []
    while iters and len(out) < n:
        for it in list(iters):
            rm = next(it, None)
            if rm is None:
                iters.remove(it)
            elif rm.error is None:
                out.append(rm.raw)
    return out[:n]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=5000)
    ap.add_argument("--corpora", default=str(REPO.parent / "shared" / "corpora"))
    ap.add_argument("beam_args", nargs="*", help="extra Beam flags for the score run")
    args = ap.parse_args()
    msgs = sample(Path(args.corpora), args.n)
    print(f"messages: {len(msgs)} from {args.corpora}")

    t = time.perf_counter()
    for raw in msgs:
        email.message_from_bytes(raw, policy=email.policy.default).get_body()
    print(f"stdlib parse only (policy.default): {len(msgs) / (time.perf_counter() - t):8.0f} msgs/s")

    from features.parsing import parse_message
    t = time.perf_counter()
    for raw in msgs:
        try:
            parse_message(raw)
        except Exception:  # noqa: BLE001
            pass
    print(f"sedetect parse_message:             {len(msgs) / (time.perf_counter() - t):8.0f} msgs/s")

    from labeling.synthetic import SyntheticMessage, write_mbox
    with tempfile.TemporaryDirectory() as tmp:
        archive = Path(tmp) / "bench.mbox"
        write_mbox([SyntheticMessage(r, "", "") for r in msgs], str(archive))
        empty = Path(tmp) / "empty.mbox"
        empty.write_bytes(b"")
        env = dict(os.environ, SEDETECT_HOME=os.environ.get("SEDETECT_HOME", str(Path(tmp) / "home")))
        exe = str(Path(sys.executable).parent / "sedetect")

        def timed(path: Path) -> float:
            t0 = time.perf_counter()
            subprocess.run([exe, "score", str(path), "-o", str(Path(tmp) / "out.parquet"),
                            *args.beam_args], check=True, env=env, stdout=subprocess.DEVNULL)
            return time.perf_counter() - t0

        timed(empty)                      # bootstrap the registry once, not part of either figure
        startup = timed(empty)
        total = timed(archive)
    print(f"sedetect score end to end:          {len(msgs) / total:8.0f} msgs/s "
          f"({total:.1f} s for {len(msgs)} messages)")
    print(f"  start-up (empty archive):         {startup:8.1f} s")
    print(f"  marginal rate beyond start-up:    {len(msgs) / max(total - startup, 1e-9):8.0f} msgs/s")


if __name__ == "__main__":
    main()
