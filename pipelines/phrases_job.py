"""Rebuild labeling/data/benign_bigrams.bits.gz, the benign word-bigram table that
labeling/phrases.py measures a miss's phrases against, from the benign shared corpora.

    python -m pipelines.phrases_job --corpora ../shared/corpora
"""
from __future__ import annotations

import argparse
from typing import Optional

from labeling.phrases import DATA, build
from labeling.sources import shared_corpora
from pipelines.readers import iter_messages


def main(argv: Optional[list[str]] = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpora", required=True, help="the shared corpora folder")
    args = ap.parse_args(argv)
    benign = [s.path for s in shared_corpora(args.corpora) if s.label == "benign"]
    table = build(m.raw for m in iter_messages(benign) if not m.error)
    table.save()
    print(f"{DATA}: {len(benign)} benign sources, {table.fill():.1%} of bits set")


if __name__ == "__main__":
    main()
