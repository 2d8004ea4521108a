"""Print the held-out-source table of a bundle (from its bundle.json) as Markdown, for the README.

    .venv/bin/python bench/heldout_table.py [BUNDLE_DIR]     # default: the shipped bundle
    .venv/bin/python bench/heldout_table.py --recompute TABLE.npz [BUNDLE_DIR]

The figures are the ones `sedetect train` measured and stored in the bundle's metadata: each source
scored by a model trained on all the other sources (a template family's legitimate notices and
phishing twins together). Detection at 1% and 0.1% false positives uses the thresholds that hold
those rates on the pooled held-out real ham; the last columns say on what share of each source's
messages each identity signal fired. ``--recompute`` measures them again with the
code as it is now, from the signal table that training cached ($SEDETECT_HOME/cache/table-*.npz,
the same messages and signals), and prints how far each figure moved: the check that speed work
left detection unchanged.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def recompute(table_path: str, stored: dict) -> None:
    sys.path.insert(0, str(REPO))
    from pipelines.train import SignalTable, heldout_sources
    table = SignalTable.load(Path(table_path))
    # The real sources only: each held-out fit is independent of the others, and the pooled 1%
    # operating point uses real ham only, so their figures do not depend on the synthetic fits.
    from pipelines.train import is_synthetic
    real = sorted(n for n in set(table.sources.tolist()) if not is_synthetic(n))
    held, _ = heldout_sources(table, log=lambda *_: None, only=real)
    print("| held-out source | figure | stored in the bundle | measured now |")
    print("|---|---|---:|---:|")
    worst = 0.0
    for name in sorted(held):
        for k in ("flagged_rate", "malicious_rate", "rate_at_1pct_fpr"):
            if k in stored[name] and name in held:
                a, b = stored[name][k], held[name][k]
                worst = max(worst, abs(a - b))
                print(f"| {name} | {k} | {100 * a:.2f}% | {100 * b:.2f}% |")
    print(f"\nlargest difference: {100 * worst:.3f} percentage points")


def main() -> None:
    args = sys.argv[1:]
    table = None
    if args[:1] == ["--recompute"]:
        table, args = args[1], args[2:]
    folder = Path(args[0]) if args else REPO / "detectors" / "default_bundle"
    meta = json.loads((folder / "bundle.json").read_text())["meta"]
    held = meta["heldout"]
    if table:
        recompute(table, held)
        return
    order = {"malicious": 0, "benign": 1, "spam": 2}
    idents = sorted({k for r in held.values() for k in r.get("identity_signals", {})})
    short = [k.split(".", 1)[1] for k in idents]
    print("| held-out source | label | messages | flagged at shipped thresholds | verdict malicious "
          "| detected at 1% FP | at 0.1% FP | " + " | ".join(short) + " |")
    print("|---|---|---:|---:|---:|---:|---:|" + "---:|" * len(idents))

    def kind(name: str) -> int:
        return 0 if not name.startswith(("synthetic.", "lookalike.", "twin.")) else \
            1 if name.startswith(("lookalike.", "twin.")) else 2
    for name, r in sorted(held.items(), key=lambda kv: (kind(kv[0]), order[kv[1]["label"]],
                                                         kv[0])):
        what = {"malicious": "detected", "benign": "false positives", "spam": "flagged"}[r["label"]]
        at1 = f"{100 * r['rate_at_1pct_fpr']:.1f}%" if "rate_at_1pct_fpr" in r else "-"
        at01 = f"{100 * r['rate_at_0.1pct_fpr']:.1f}%" if "rate_at_0.1pct_fpr" in r else "-"
        fired = " | ".join(f"{100 * r.get('identity_signals', {}).get(k, 0):.0f}%" for k in idents)
        print(f"| {name} | {r['label']} | {r['n']:,} | **{100 * r['flagged_rate']:.1f}%** {what} "
              f"| {100 * r['malicious_rate']:.1f}% | {at1} | {at01} | {fired} |")
    m = meta.get("metrics", {})
    keys = ["heldout.worst_detection_rate", "heldout.worst_false_positive_rate",
            "heldout.worst_detection_at_1pct_fpr", "heldout_pooled.roc_auc",
            "heldout_pooled.detection_at_1pct_fpr", "heldout_pooled.detection_at_0.1pct_fpr",
            "random_split.auc", "random_split.detection_rate", "random_split.false_positive_rate",
            "threshold.malicious", "threshold.suspicious"]
    print()
    for k in keys:
        if k in m:
            print(f"- `{k}`: {m[k]:.4f}")
    print(f"\nbundle created {meta.get('created')}, encoder {meta.get('encoder')}")


if __name__ == "__main__":
    main()
