"""Retro-hunt: re-score past mail with the current model (and the analysts' signatures) and list
what it would now flag.

    sedetect rescore ARCHIVE... --since 2026-10-01 -o rescored.parquet [--model-uri URI] [--top 50]

The same batch job as `sedetect score`, restricted to messages whose Date header is at or after
``--since`` (messages without a readable date are included).
"""
from __future__ import annotations

import argparse
import heapq
import sys
from datetime import datetime, timezone
from typing import Iterable, Optional

from pipelines.batch import add_score_arguments, is_jsonl, iter_rows, score, scoring_options


def flagged_rows(output: str, top: int = 50, files: Optional[list[str]] = None) -> list[dict]:
    """The malicious and suspicious rows of a verdict file (or of ``files``: the shards of a
    remote output), highest score first (read a batch at a time, keeping only the top ones)."""
    jsonl = is_jsonl(output)
    return _top_flagged((r for path in (files if files is not None else [output])
                         for r in iter_rows(path, jsonl)), top)


def _top_flagged(rows: Iterable[dict], top: int) -> list[dict]:
    flagged = (r for r in rows if r["verdict"] in ("malicious", "suspicious"))
    return heapq.nlargest(top, flagged, key=lambda r: r["score"] or 0)


def parse_since(text: str) -> datetime:
    when = datetime.fromisoformat(text)
    return when if when.tzinfo else when.replace(tzinfo=timezone.utc)


def run(argv: Optional[list[str]] = None) -> dict:
    parser = argparse.ArgumentParser(prog="sedetect rescore", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    add_score_arguments(parser)
    parser.add_argument("--since", type=parse_since, default=None,
                        help="only mail dated at or after this ISO date (e.g. 2026-10-01)")
    parser.add_argument("--top", type=int, default=50, help="how many flagged messages to list")
    args, beam_args = parser.parse_known_args(argv)
    summary = score(args.inputs, args.output, model_uri=args.model_uri, config=args.config,
                    profile_path=args.profile, no_profile=args.no_profile,
                    chunk_bytes=args.chunk_mb << 20, beam_args=beam_args,
                    no_signatures=args.no_signatures, since=args.since,
                    options=scoring_options(args, beam_args))
    hits = flagged_rows(summary["output"], args.top, summary.get("shards"))
    print(f"\nnow flagged ({len(hits)} shown, highest score first):")
    for r in hits:
        why = r["reasons"][0] if r["reasons"] else ""
        print(f"  {r['verdict']:<10} {r['score']:.3f}  {r['source']}  {r['from_addr'] or '-'}  "
              f"{(r['subject'] or '')[:50]!r}  {why}", file=sys.stdout)
    summary["flagged"] = hits
    return summary
