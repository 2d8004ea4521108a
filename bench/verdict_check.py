"""Do speed changes change verdicts? Scores every message of the shared corpora with the shipped
model through ``Scorer.rows`` (the path every job takes) and saves, or compares with, the rows.

Embeddings come from an embedding store (an .npz of text hash -> vector, as ``encode_cached``
writes during training) when one is given, so the check does not spend half an hour in MiniLM;
texts missing from it are encoded.

    .venv/bin/python bench/verdict_check.py --save before.parquet [--store emb.npz]
    .venv/bin/python bench/verdict_check.py --compare before.parquet [--store emb.npz]
"""
from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def score_corpora(corpora: Path, store: str | None, cascade: bool = True,
                  backend: str = "onnx") -> list[dict]:
    import numpy as np
    from detectors.bundle import DEFAULT_BUNDLE_DIR, ModelBundle
    from features.context import Context, load_org
    from features.text import TextEncoder
    from labeling.sources import shared_corpora
    from pipelines.readers import iter_messages
    from detectors.scoring import Scorer, ScoringOptions, extract_item, parse_item

    encoder = TextEncoder(cache_size=10**7, backend=backend)
    if store:
        with np.load(store) as z:
            for k, v in zip(z["keys"].tolist(), z["vectors"]):
                encoder._cache[k] = v.astype(np.float32)
    bundle = ModelBundle.load(DEFAULT_BUNDLE_DIR)
    scorer = Scorer(bundle, encoder=encoder, options=ScoringOptions(cascade, backend))
    ctx = Context(load_org())
    rows: list[dict] = []
    for src in shared_corpora(corpora):
        items = []
        for rm in iter_messages([src.path]):
            it = parse_item(rm.source, rm.raw, rm.error)
            if isinstance(it, dict):
                rows.append(it | {"corpus": src.name, "label": src.label})
            else:
                items.append(extract_item(it, ctx))
        for i in range(0, len(items), 256):
            for row in scorer.rows(items[i:i + 256], bundle.version):
                rows.append(row | {"corpus": src.name, "label": src.label})
    print(f"embeddings encoded: {encoder.misses}, from the store or repeated: {encoder.hits}",
          file=sys.stderr)
    return rows


def per_source(rows: list[dict]) -> dict[str, tuple[int, float]]:
    flagged: Counter = Counter()
    total: Counter = Counter()
    for r in rows:
        total[r["corpus"]] += 1
        flagged[r["corpus"]] += r["verdict"] in ("malicious", "suspicious")
    return {c: (total[c], flagged[c] / total[c]) for c in total}


def main() -> None:
    import pandas as pd
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpora", default=str(REPO.parent / "shared" / "corpora"))
    ap.add_argument("--store", help="embedding store (.npz of keys, vectors)")
    ap.add_argument("--no-cascade", action="store_true", help="embed every message")
    ap.add_argument("--encoder", default="onnx", help="onnx (default) | torch")
    g = ap.add_mutually_exclusive_group(required=True)
    g.add_argument("--save")
    g.add_argument("--compare")
    args = ap.parse_args()
    t = time.perf_counter()
    rows = score_corpora(Path(args.corpora), args.store, not args.no_cascade, args.encoder)
    print(f"scored {len(rows)} messages in {time.perf_counter() - t:.0f} s", file=sys.stderr)
    cols = ["message_key", "source", "corpus", "label", "verdict", "score", "impersonation",
            "trust", "payload", "goal", "reasons", "error"]
    df = pd.DataFrame([{c: r.get(c) for c in cols} for r in rows])
    if args.save:
        df.to_parquet(args.save)
        print(f"saved {len(df)} rows to {args.save}")
        return
    before = pd.read_parquet(args.compare).set_index("source")
    after = df.set_index("source")
    common = before.index.intersection(after.index)
    b, a = before.loc[common], after.loc[common]
    changed = (b["verdict"] != a["verdict"])
    print(f"messages: {len(before)} before, {len(after)} after, {len(common)} in both")
    print(f"verdicts changed: {int(changed.sum())} ({changed.mean():.4%})")
    print(f"max |score difference|: {(b['score'] - a['score']).abs().max():.6f}")
    reasons = sum(list(x) != list(y) for x, y in zip(b["reasons"], a["reasons"]))
    print(f"reason lists changed: {reasons}")
    print(f"{'source':42} {'n':>6} {'flagged before':>15} {'after':>8}")
    pb, pa = per_source(before.reset_index().to_dict("records")), per_source(df.to_dict("records"))
    for c in pb:
        print(f"{c:42} {pb[c][0]:6d} {pb[c][1]:15.2%} {pa.get(c, (0, float('nan')))[1]:8.2%}")


if __name__ == "__main__":
    main()
