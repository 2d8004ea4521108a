"""The miss-flywheel figure, on the real phishing corpora.

For each real phishing source S (phishing_pot, Nazario), as if S were new mail:
  1. "the current model" is trained on every other source (it never saw S);
  2. campaigns are groups of near-duplicate messages in S (connected components of text-embedding
     cosine >= --campaign-sim), of at least --min-campaign messages, that this model misses at
     least once;
  3. an analyst submits the first 1-3 missed messages of each campaign; they are accepted and
     become block signatures (detectors/signatures.py, the same code scoring uses);
  4. detection on the rest of each campaign: the model alone, then with the signatures (no
     retraining), then after incorporating the submissions (retrained with them as a source of
     their own) with and without signatures;
  5. false positives on all benign mail of the corpora: the model's flagged rate before and after
     incorporating, and how many benign messages any block signature matches.

It reads the signal table (with embeddings) that `sedetect train` caches, so nothing is re-embedded:

    python bench/flywheel.py --table $SEDETECT_HOME/cache/table-*.npz --corpora ../shared/corpora
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from detectors.signatures import SignatureIndex, indicators_of      # noqa: E402
from features.parsing import ParseError, parse_message               # noqa: E402
from labeling.sources import shared_corpora                          # noqa: E402
from pipelines.readers import iter_messages                          # noqa: E402
from detectors.verdicts import message_key                             # noqa: E402
from pipelines.train import SignalTable, fit_bundle, score_table     # noqa: E402

PHISHING = ("phishing_pot_2022_2024", "nazario_phishing_2004_2006")


def components(E: np.ndarray, threshold: float) -> list[np.ndarray]:
    """Connected components of the graph 'cosine >= threshold' (union-find)."""
    parent = np.arange(len(E))

    def find(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i
    sims = E @ E.T
    for i, j in zip(*np.nonzero(np.triu(sims >= threshold, k=1))):
        a, b = find(i), find(j)
        if a != b:
            parent[max(a, b)] = min(a, b)
    roots = np.array([find(i) for i in range(len(E))])
    return [np.flatnonzero(roots == r) for r in np.unique(roots)]


def indicators_by_key(corpora: str, names: set[str]) -> dict[str, dict]:
    out = {}
    for src in shared_corpora(corpora):
        if src.name not in names:
            continue
        for m in iter_messages([src.path]):
            try:
                out[message_key(m.raw)] = indicators_of(parse_message(m.raw))
            except ParseError:
                pass
    return out


def pct(a) -> float:
    a = np.asarray(a, dtype=bool)
    return round(100.0 * a.mean(), 1) if a.size else float("nan")


def run_source(table: SignalTable, source: str, indicators: dict, args) -> dict:
    t0 = time.perf_counter()
    others = np.flatnonzero(table.sources != source)
    model, _ = fit_bundle(table.take(others), seed=0)
    rows_s = np.flatnonzero(table.sources == source)
    sub = table.take(rows_s)
    flagged = score_table(model, sub) >= model.thresholds["suspicious"]
    E = sub.embeddings
    campaigns = [c for c in components(E, args.campaign_sim)
                 if len(c) >= args.min_campaign and not flagged[c].all()]
    submitted, rest, owner = [], [], []
    for n, c in enumerate(campaigns):
        missed = [i for i in c if not flagged[i]]
        k = min(args.submit_max, max(1, len(c) // 5), len(missed))
        chosen = set(missed[:k])
        submitted += sorted(chosen)
        rest += [i for i in c if i not in chosen]
        owner += [n] * (len(c) - len(chosen))
    submitted, rest = np.array(submitted, dtype=int), np.array(rest, dtype=int)
    ind = [indicators.get(k, {}) for k in sub.keys]
    index = SignatureIndex([f"sig-{i}" for i in range(len(submitted))], list(range(len(submitted))),
                           ["block"] * len(submitted), E[submitted], [ind[i] for i in submitted])
    sig_rest = np.array([m is not None for m in index.match(E[rest], [ind[i] for i in rest])])

    benign_rows = np.flatnonzero(table.labels == 0)
    benign = table.take(benign_rows)
    benign_ind = [indicators.get(k, {}) for k in benign.keys]
    sig_benign = np.array([m is not None for m in index.match(benign.embeddings, benign_ind)])
    fp_before = score_table(model, benign) >= model.thresholds["suspicious"]

    # Incorporate: retrain with the submitted messages as a labelled source of their own.
    with_misses = table.take(np.concatenate([others, rows_s[submitted]]))
    with_misses.sources = with_misses.sources.astype(object)
    with_misses.sources[len(others):] = "analyst_malicious"
    model2, _ = fit_bundle(with_misses, seed=0)
    flagged2 = score_table(model2, sub) >= model2.thresholds["suspicious"]
    fp_after = score_table(model2, benign) >= model2.thresholds["suspicious"]
    per_campaign = [{"size": int(len(c)), "submitted": int(sum(1 for i in c if i in set(submitted))),
                     "before": pct(flagged[rest][np.array(owner) == n]),
                     "signatures": pct((flagged[rest] | sig_rest)[np.array(owner) == n])}
                    for n, c in enumerate(campaigns)]
    return {
        "source": source, "campaigns": len(campaigns), "campaign_messages": int(len(submitted) +
                                                                                len(rest)),
        "submitted": int(len(submitted)), "rest": int(len(rest)),
        "detection_rest": {
            "model_before": pct(flagged[rest]),
            "model_plus_signatures": pct(flagged[rest] | sig_rest),
            "signatures_alone": pct(sig_rest),
            "after_incorporate_model_alone": pct(flagged2[rest]),
            "after_incorporate_plus_signatures": pct(flagged2[rest] | sig_rest)},
        "whole_source_detection": {"before": pct(flagged), "after_incorporate": pct(flagged2)},
        "benign": {"messages": int(len(benign_rows)),
                   "fp_model_before": pct(fp_before), "fp_model_after_incorporate": pct(fp_after),
                   "benign_matched_by_signatures": int(sig_benign.sum()),
                   "fp_before_plus_signatures": pct(fp_before | sig_benign),
                   "fp_after_plus_signatures": pct(fp_after | sig_benign)},
        "campaign_sizes": sorted((int(len(c)) for c in campaigns), reverse=True),
        "per_campaign": per_campaign,
        "seconds": round(time.perf_counter() - t0, 1),
    }


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--table", required=True, help="a signal table .npz cached by `sedetect train`")
    ap.add_argument("--corpora", default=str(REPO.parent / "shared" / "corpora"))
    ap.add_argument("--campaign-sim", type=float, default=0.85)
    ap.add_argument("--min-campaign", type=int, default=4)
    ap.add_argument("--submit-max", type=int, default=3)
    ap.add_argument("--json", default=None)
    args = ap.parse_args(argv)
    table = SignalTable.load(Path(args.table))
    if table.embeddings is None:
        raise SystemExit("the table has no embeddings: train without --no-embeddings")
    benign_sources = {str(s) for s in np.unique(table.sources[table.labels == 0])}
    indicators = indicators_by_key(args.corpora, set(PHISHING) | benign_sources)
    out = {"campaign_sim": args.campaign_sim, "min_campaign": args.min_campaign,
           "sources": [run_source(table, s, indicators, args) for s in PHISHING
                       if (table.sources == s).any()]}
    print(json.dumps(out, indent=2))
    if args.json:
        Path(args.json).write_text(json.dumps(out, indent=2))
    return out


if __name__ == "__main__":
    main()
