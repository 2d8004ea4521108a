"""The evaluate job: score labelled mail with a model and report how well it separates attacks.

    sedetect evaluate LABEL:PATH[:NAME]... [--corpora DIR] -o REPORT_DIR [--model-uri URI]
                      [--config YAML] [--profile P | --no-profile] [Beam options]

Each labelled source is scored by the real batch job (the same Beam pipeline as ``sedetect score``)
into REPORT_DIR/rows/<source>.parquet; the rows are read back, labelled, and turned into
REPORT_DIR/metrics.json, roc.png, pr.png, concepts_roc.png, scores.png and index.html (open it in a
browser). Messages that could not be scored are counted per source and left out of the figures.

Caveat: a model scored on the sources it was trained on gives in-sample figures, which flatter it.
The honest figures are the held-out-source ones that ``sedetect train`` prints and logs.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path
from typing import Mapping, Optional

import numpy as np

from detectors.metrics import (LABEL_CODES, evaluate_scores, fpr_key, write_html_report,
                               write_plots)
from features.signals import CONCEPTS
from labeling.sources import (LabelledSource, add_source_arguments, gather_sources,
                              message_year)
from pipelines.errors import UserError, resolve_model

ROW_COLUMNS = ["message_key", "source", "verdict", "score", *CONCEPTS, "model_version", "error"]
SPEC = re.compile(r"^(?:(?:malicious|benign|spam):.+|[^-].*\.csv)$")
CAVEAT = ("Sources the model was trained on give in-sample figures, which flatter it; the "
          "held-out-source figures from `sedetect train` are the honest ones.")


# -- pure -----------------------------------------------------------------------------------------
def _scored(row: dict) -> bool:
    s = row.get("score")
    return row.get("verdict") != "error" and s is not None and np.isfinite(s)


def evaluate_rows(rows_by_source: Mapping[str, tuple[str, list[dict]]],
                  thresholds: Mapping[str, float]) -> dict:
    """The report of verdict rows grouped by labelled source: ``{name: (label, rows)}`` with label
    malicious, benign or spam and rows as written by the batch job. Error rows (verdict "error" or
    no score) are counted per source and left out of every figure."""
    scores, labels, sources = [], [], []
    concepts: dict[str, list] = {c: [] for c in CONCEPTS}
    errors: dict[str, int] = {}
    for name, (label, rows) in rows_by_source.items():
        if label not in LABEL_CODES:
            raise ValueError(f"source {name}: label must be one of {tuple(LABEL_CODES)}, "
                             f"not {label!r}")
        errors[name] = 0
        for row in rows:
            if not _scored(row):
                errors[name] += 1
                continue
            scores.append(float(row["score"]))
            labels.append(LABEL_CODES[label])
            sources.append(name)
            for c in CONCEPTS:
                v = row.get(c)
                concepts[c].append(np.nan if v is None else float(v))
    report = evaluate_scores(np.asarray(scores, dtype=np.float64),
                             np.asarray(labels, dtype=np.int64), sources,
                             {c: np.asarray(v, dtype=np.float64) for c, v in concepts.items()},
                             thresholds)
    # every source appears, also one whose every message failed; its label is the given one
    per_source = {}
    for name, (label, rows) in rows_by_source.items():
        r = report["sources"].get(name) or {
            "n": 0, "flagged_rate": None, "malicious_rate": None, "rate_at_1pct_fpr": None,
            "mean_score": None}
        r["label"] = label
        r["errors"] = errors[name]
        r["messages"] = len(rows)
        per_source[name] = r
    report["sources"] = per_source
    report["errors"] = sum(errors.values())
    report["messages"] = sum(len(rows) for _, rows in rows_by_source.values())
    return report


def identity_pass(path: str, org, limits=None) -> dict[str, tuple[int, tuple[str, ...]]]:
    """message_key -> (year of its Date header, the identity signals that fired on it), read
    straight from the archive: what splits a source by year and says how often each identity
    signal fires. Only the identity signals run; nothing is scored."""
    from features.context import Context
    from features.catalogue import identity_signals
    from pipelines.readers import plan_inputs, read_task
    from detectors.scoring import parse_item
    ctx = Context(org)
    sigs = identity_signals()
    out: dict[str, tuple[int, tuple[str, ...]]] = {}
    for task in plan_inputs([path], 16 << 20):
        for rm in read_task(task):
            item = parse_item(rm.source, rm.raw, rm.error, org.limits)
            if isinstance(item, dict):
                continue
            fired = []
            for sig in sigs:
                try:
                    e = sig.fn(item.msg, ctx)
                except Exception:  # noqa: BLE001 - a signal error is counted by the scorer
                    e = None
                if e is not None and e.value > 0:
                    fired.append(sig.name)
            out[item.key] = (message_year(item.msg.date), tuple(fired))
    return out


def identity_rates(rows: list[dict], seen: dict[str, tuple[int, tuple[str, ...]]]) -> dict:
    """Share of a source's scored messages on which each identity signal fired."""
    from features.catalogue import identity_signals
    keys = [r["message_key"] for r in rows if _scored(r)]
    n = max(len(keys), 1)
    return {s.name: round(sum(s.name in seen.get(k, (0, ()))[1] for k in keys) / n, 4)
            for s in identity_signals()}


# -- the job --------------------------------------------------------------------------------------
def _file_names(names: list[str]) -> dict[str, str]:
    """A safe, distinct file name stem per source name."""
    out, used = {}, set()
    for name in names:
        stem = re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("._") or "source"
        candidate, k = stem, 1
        while candidate.lower() in used:
            k += 1
            candidate = f"{stem}-{k}"
        used.add(candidate.lower())
        out[name] = candidate
    return out


def _read_rows(path: Path) -> list[dict]:
    import pyarrow.parquet as pq
    table = pq.read_table(path)
    cols = [c for c in ROW_COLUMNS if c in table.column_names]
    return table.select(cols).to_pylist()


def _pinned(model_uri: Optional[str], version: str) -> Optional[str]:
    """Score with exactly the model whose thresholds we report, even if the champion alias moves
    while the job runs."""
    if model_uri and Path(model_uri).is_dir():
        return model_uri
    name, _, number = version.partition("/")
    return f"models:/{name}/{number}" if number.isdigit() else model_uri


def _pct(x, digits: int = 1) -> str:
    return "   n/a" if x is None else f"{100 * x:5.{digits}f}%"


def format_summary(report: dict, report_dir: Path) -> str:
    at = report["at_fpr"]
    sh = report["shipped"]
    auc = "n/a" if report["roc_auc"] is None else f"{report['roc_auc']:.4f}"
    ap = "n/a" if report["pr_auc"] is None else f"{report['pr_auc']:.4f}"
    lines = [
        "", f"sedetect evaluate: model {report.get('model_version')}, "
            f"{report['n_malicious']} malicious / {report['n_benign']} benign / "
            f"{report['n_spam']} spam messages scored, {report['errors']} errors (left out), "
            f"{report.get('seconds')} s",
        f"  ROC AUC {auc}   PR AUC {ap}",
    ]
    for fpr in (0.01, 0.001):
        r = at[fpr_key(fpr)]
        t = "n/a" if r["threshold"] is None else f"{r['threshold']:.4f}"
        lines.append(f"  detection at {100 * fpr:g}% FPR: {_pct(r['detection_rate']).strip()} "
                     f"(threshold {t}, measured FPR {_pct(r['false_positive_rate'], 2).strip()})"
                     + ("" if r.get("enough_benign", True) or r["threshold"] is None else
                        f" - only {report['n_benign']} benign messages, {r['benign_needed']} "
                        "needed to resolve it: the threshold is just above the highest benign score"))
    lines.append(f"  shipped thresholds: flagged {_pct(sh['detection_rate']).strip()} of malicious "
                 f"at {_pct(sh['false_positive_rate'], 2).strip()} false positives; verdict "
                 f"malicious {_pct(sh['malicious_detection_rate']).strip()} at "
                 f"{_pct(sh['malicious_false_positive_rate'], 2).strip()}")
    width = max([len(n) for n in report["sources"]] + [6])
    idents = sorted({k for r in report["sources"].values() for k in r.get("identity_signals", {})})
    short = {k: k.split(".", 1)[1].replace("identity_", "id_")[:12] for k in idents}
    lines.append(f"  {'source':<{width}}  {'label':<9} {'n':>6} {'errors':>6} {'flagged':>7} "
                 f"{'malic.':>7} {'@1%FPR':>7} {'@0.1%':>7} {'mean':>6}  "
                 + " ".join(f"{short[k]:>12}" for k in idents))
    for name, r in report["sources"].items():
        mean = "   n/a" if r["mean_score"] is None else f"{r['mean_score']:6.3f}"
        ident = r.get("identity_signals", {})
        lines.append(f"  {name:<{width}}  {r['label']:<9} {r['n']:>6} {r['errors']:>6} "
                     f"{_pct(r['flagged_rate']):>7} {_pct(r['malicious_rate']):>7} "
                     f"{_pct(r['rate_at_1pct_fpr']):>7} {_pct(r.get('rate_at_0.1pct_fpr')):>7} "
                     f"{mean}  " + " ".join(f"{_pct(ident.get(k)):>12}" for k in idents))
    if idents:
        lines.append("  (the last columns: share of each source's messages on which each identity "
                     "signal fired)")
    overlap = report.get("trained_on") or []
    if overlap:
        lines.append(f"  NOTE: in-sample - this model was trained on {', '.join(overlap)}.")
    lines.append(f"  Caveat: {CAVEAT}")
    lines.append(f"  report     {report_dir / 'index.html'}")
    return "\n".join(lines)


def evaluate(sources: list[LabelledSource], report_dir: str, model_uri: Optional[str] = None,
             config: Optional[str] = None, profile_path: Optional[str] = None,
             no_profile: bool = False, beam_args: Optional[list[str]] = None,
             quiet: bool = False) -> dict:
    from pipelines.batch import score
    t0 = time.perf_counter()
    out = Path(report_dir)
    if out.exists() and not out.is_dir():
        raise UserError(f"-o {report_dir} is a file: the report needs a folder; name a new one")
    (out / "rows").mkdir(parents=True, exist_ok=True)
    bundle, version = resolve_model(model_uri)
    thresholds = {k: float(v) for k, v in bundle.thresholds.items()}
    uri = _pinned(model_uri, version)
    from features.context import load_org
    org = load_org(config)
    files = _file_names([s.name for s in sources])
    rows_by_source: dict[str, tuple[str, list[dict]]] = {}
    identity_by_source: dict[str, dict] = {}
    versions = set()
    for src in sources:
        path = out / "rows" / f"{files[src.name]}.parquet"
        score([src.path], str(path), model_uri=uri, config=config, profile_path=profile_path,
              no_profile=no_profile, beam_args=list(beam_args or []), quiet=True)
        rows = _read_rows(path)
        versions |= {r.get("model_version") for r in rows if r.get("model_version")}
        seen = identity_pass(src.path, org)
        # a source split by year (labeling/data/corpora.yaml) is reported as its parts
        parts: dict[str, list[dict]] = {n: [] for n in src.names}
        for r in rows:
            parts[src.split_name(seen.get(r["message_key"], (0, ()))[0])].append(r)
        for name, part in parts.items():
            rows_by_source[name] = (src.label, part)
            identity_by_source[name] = identity_rates(part, seen)
        if not quiet:
            print(f"  scored {src.name}: {len(rows)} messages", file=sys.stderr)
    if versions - {version}:
        raise RuntimeError(f"rows were scored by {sorted(versions)}, expected {version}")

    report = evaluate_rows(rows_by_source, thresholds)
    for name, rates in identity_by_source.items():
        report["sources"][name]["identity_signals"] = rates
    trained = set((bundle.meta.get("sources") or {}).keys())
    report.update({
        "model_version": version, "model_uri": model_uri or "models:/sedetect@champion",
        "trained_on": sorted(trained & set(rows_by_source)),
        "inputs": {s.name: {"path": s.path, "label": s.label,
                            "rows": f"rows/{files[s.name]}.parquet"} for s in sources},
        "notes": [CAVEAT] + ([f"In-sample: the model was trained on "
                              f"{', '.join(sorted(trained & set(rows_by_source)))}."]
                             if trained & set(rows_by_source) else []),
    })

    # arrays for the plots, in the same order evaluate_rows used
    scored = [(label, r) for label, rows in rows_by_source.values() for r in rows
              if _scored(r)]
    scores = np.asarray([float(r["score"]) for _, r in scored], dtype=np.float64)
    labels = np.asarray([LABEL_CODES[label] for label, _ in scored], dtype=np.int64)
    curves = {"combined": (scores, labels)} | {
        c: (np.asarray([np.nan if r.get(c) is None else float(r[c]) for _, r in scored]), labels)
        for c in CONCEPTS}
    title = f"model {version}"
    images = write_plots(out, scores, labels, curves, thresholds, title)
    report["seconds"] = round(time.perf_counter() - t0, 1)
    (out / "metrics.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    write_html_report(out, report, images, f"sedetect evaluation - {version}")
    if not quiet:
        print(format_summary(report, out))
    return report


def run(argv: Optional[list[str]] = None) -> dict:
    parser = argparse.ArgumentParser(prog="sedetect evaluate", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    add_source_arguments(parser)
    parser.add_argument("-o", "--output", required=True, metavar="REPORT_DIR",
                        help="folder for metrics.json, the plots, index.html and the scored rows")
    parser.add_argument("--model-uri", default=None,
                        help="models:/sedetect@champion (default), models:/NAME/VERSION, or a "
                             "bundle folder")
    parser.add_argument("--config", default=None, help="organisation config (YAML)")
    parser.add_argument("--profile", default=None, help="communication profile (JSON); default: "
                        "$SEDETECT_HOME/profile.json when it exists")
    parser.add_argument("--no-profile", action="store_true", help="score without a profile")
    args, beam_args = parser.parse_known_args(argv)
    # a Beam option given as "--name value" in front of a source makes argparse hand the sources
    # after it to Beam: take them back rather than silently evaluate fewer sources
    labelled = list(args.labelled)
    for tok in list(beam_args):
        if SPEC.match(tok):
            beam_args.remove(tok)
            labelled.append(tok)
    for tok in labelled:
        if not SPEC.match(tok):
            raise ValueError(f"expected LABEL:PATH[:NAME] or a .csv manifest, got {tok!r} (give "
                             "Beam options as --name=value)")
    try:
        sources = gather_sources(labelled, args.corpora)
    except (ValueError, FileNotFoundError) as exc:      # a wrong spec, manifest or folder
        raise UserError(str(exc)) from None
    return evaluate(sources, args.output, model_uri=args.model_uri, config=args.config,
                    profile_path=args.profile, no_profile=args.no_profile, beam_args=beam_args)


if __name__ == "__main__":
    run(sys.argv[1:])
