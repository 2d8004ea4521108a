"""``sedetect demo``: the main job on embedded defaults, on a fresh machine.

Generates a small demo archive from the synthetic generator (attacks of every goal type and the
benign mail they imitate), scores it with the champion model (the packaged default bundle on first
use) through the real Beam batch job, and prints the summary and the first verdicts.
"""
from __future__ import annotations

import argparse
from pathlib import Path
from typing import Optional

from labeling.synthetic import generate, write_mbox
from pipelines.batch import score


def run(argv: Optional[list[str]] = None) -> dict:
    parser = argparse.ArgumentParser(prog="sedetect demo", description=__doc__)
    parser.add_argument("-o", "--output", default="verdicts.parquet")
    parser.add_argument("-n", "--messages", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--workdir", default="demo-out")
    args, beam_args = parser.parse_known_args(argv)
    work = Path(args.workdir)
    work.mkdir(parents=True, exist_ok=True)
    messages = list(generate(args.messages, seed=args.seed))
    archive = work / "demo.mbox"
    write_mbox(messages, str(archive))
    print(f"demo archive: {archive} ({len(messages)} synthetic messages, "
          f"{sum(m.label == 'malicious' for m in messages)} attacks)")
    summary = score([str(archive)], args.output, beam_args=beam_args)
    _show(args.output, messages)
    return summary


def _show(output: str, messages) -> None:
    """How the verdicts compare with the generator's ground truth, and a few explained verdicts."""
    import email

    import pyarrow.parquet as pq
    rows = pq.read_table(output).to_pylist()
    truth = {email.message_from_bytes(m.raw)["Message-ID"]: m for m in messages}
    by_kind: dict[str, list[int]] = {}
    for r in rows:
        m = truth.get(r["message_id"])
        if m is not None:
            hit = by_kind.setdefault(m.kind, [0, 0])
            hit[0] += r["verdict"] in ("malicious", "suspicious")
            hit[1] += 1
    print("\n  flagged (malicious or suspicious) by generated type:")
    for kind, (flagged, n) in sorted(by_kind.items()):
        print(f"    {kind:<24} {flagged:>3}/{n:<3}")
    for r in [r for r in rows if r["verdict"] in ("malicious", "suspicious")][:3]:
        print(f"\n  [{r['verdict']} {r['score']:.2f}] {r['subject']!r} from {r['from_addr']}")
        for reason in r["reasons"][:4]:
            print(f"     - {reason}")
