"""Detection quality figures: what a security team asks of a detector, from scores and labels.

Pure functions over arrays (no I/O) plus the writers of the evaluation report: PNG plots and one
self-contained HTML page. Used by ``sedetect evaluate`` (pipelines/evaluate.py) and reusable by the
trainer.

Labels are 1 (malicious), 0 (benign) or -1 (spam); the strings "malicious", "benign" and "spam" are
accepted too. Spam is neither an attack nor wanted mail: it is reported per source but never counts
towards AUC, detection or false-positive rates. Any other label value is ignored.

Every function degrades to ``None`` rather than raising when a figure is undefined (no benign mail:
no false-positive rate; no malicious mail: no detection rate; one class only: no AUC).
"""
from __future__ import annotations

import html
import json
import math
from pathlib import Path
from typing import Mapping, Optional, Sequence

import numpy as np

from detectors.bundle import threshold_at_fpr

MALICIOUS, BENIGN, SPAM = 1, 0, -1
LABEL_CODES = {"malicious": MALICIOUS, "benign": BENIGN, "spam": SPAM}
LABEL_NAMES = {v: k for k, v in LABEL_CODES.items()}
REPORT_FPRS = (0.01, 0.001)          # the operating points every report states
ROC_MIN_FPR = 1e-4                   # left edge of the log-x ROC plots


# -- inputs ---------------------------------------------------------------------------------------
def label_codes(labels: Sequence) -> np.ndarray:
    """Labels as an int array: 1 malicious, 0 benign, -1 spam, -99 anything else (ignored)."""
    arr = np.asarray(labels) if not isinstance(labels, np.ndarray) else labels
    if arr.dtype.kind in "iub":                   # fast path: already numeric codes
        arr = arr.astype(np.int64).reshape(-1)
        return np.where(np.isin(arr, list(LABEL_NAMES)), arr, -99)
    out = np.full(len(labels), -99, dtype=np.int64)
    for i, lab in enumerate(labels):
        if isinstance(lab, str):
            out[i] = LABEL_CODES.get(lab.strip().lower(), -99)
        elif lab is not None and not (isinstance(lab, float) and math.isnan(lab)):
            try:
                v = int(lab)
            except (TypeError, ValueError):
                continue
            if v in LABEL_NAMES and v == lab:
                out[i] = v
    return out


def _split(scores, labels) -> tuple[np.ndarray, np.ndarray]:
    """(malicious scores, benign scores), finite scores only."""
    s = np.asarray(scores, dtype=np.float64).reshape(-1)
    y = label_codes(labels)
    if len(s) != len(y):
        raise ValueError(f"{len(s)} scores but {len(y)} labels")
    ok = np.isfinite(s)
    return s[ok & (y == MALICIOUS)], s[ok & (y == BENIGN)]


def _f(x) -> Optional[float]:
    """A JSON-safe float: None for None/NaN/inf."""
    if x is None:
        return None
    x = float(x)
    return x if math.isfinite(x) else None


def fpr_key(fpr: float) -> str:
    """The report key of an operating point: 0.01 -> "0.01"."""
    return f"{fpr:g}"


# -- figures --------------------------------------------------------------------------------------
def detection_at_fpr(scores, labels, fpr: float) -> tuple[Optional[float], Optional[float]]:
    """Share of malicious mail caught at the threshold that holds ``fpr`` false positives on the
    benign mail given. Returns ``(detection_rate, threshold)``; ``(None, None)`` without benign
    mail, ``(None, threshold)`` without malicious mail."""
    mal, ben = _split(scores, labels)
    if not len(ben):
        return None, None
    t = threshold_at_fpr(ben, fpr)
    if not len(mal):
        return None, float(t)
    return float((mal >= t).mean()), float(t)


def roc_auc(scores, labels) -> Optional[float]:
    mal, ben = _split(scores, labels)
    if not len(mal) or not len(ben):
        return None
    from sklearn.metrics import roc_auc_score
    y = np.r_[np.ones(len(mal)), np.zeros(len(ben))]
    return float(roc_auc_score(y, np.r_[mal, ben]))


def pr_auc(scores, labels) -> Optional[float]:
    """Average precision (area under the precision-recall curve, step-wise)."""
    mal, ben = _split(scores, labels)
    if not len(mal) or not len(ben):
        return None
    from sklearn.metrics import average_precision_score
    y = np.r_[np.ones(len(mal)), np.zeros(len(ben))]
    return float(average_precision_score(y, np.r_[mal, ben]))


def _rate(values: np.ndarray, threshold: Optional[float]) -> Optional[float]:
    if threshold is None or not len(values):
        return None
    return float((values >= threshold).mean())


def evaluate_scores(scores, labels, sources: Optional[Sequence[str]] = None,
                    concept_scores: Optional[Mapping[str, np.ndarray]] = None,
                    thresholds: Optional[Mapping[str, float]] = None) -> dict:
    """The evaluation report of one set of scores, as a JSON-serialisable dict.

    ``thresholds`` are the model's shipped verdict thresholds ``{"malicious": t, "suspicious": t}``:
    *flagged* means score >= suspicious (the verdict is suspicious or malicious), *malicious* means
    score >= malicious. ``concept_scores`` maps a concept name to its per-message scores."""
    s = np.asarray(scores, dtype=np.float64).reshape(-1)
    y = label_codes(labels)
    if len(s) != len(y):
        raise ValueError(f"{len(s)} scores but {len(y)} labels")
    src = np.asarray(["all"] * len(s) if sources is None else [str(x) for x in sources],
                     dtype=object)
    if len(src) != len(s):
        raise ValueError(f"{len(s)} scores but {len(src)} sources")
    thresholds = dict(thresholds or {})
    t_mal = _f(thresholds.get("malicious"))
    t_sus = _f(thresholds.get("suspicious", t_mal))
    finite = np.isfinite(s)
    mal, ben = s[finite & (y == MALICIOUS)], s[finite & (y == BENIGN)]

    at_fpr = {}
    for fpr in REPORT_FPRS:
        det, t = detection_at_fpr(s, y, fpr)
        # below 1/fpr benign messages the threshold is just the highest benign score
        at_fpr[fpr_key(fpr)] = {"target_fpr": fpr, "threshold": _f(t), "detection_rate": _f(det),
                                "false_positive_rate": _rate(ben, t),
                                "benign_needed": int(math.ceil(1 / fpr - 1e-9)),
                                "enough_benign": bool(len(ben) >= math.ceil(1 / fpr - 1e-9))}
    t_1pct = at_fpr[fpr_key(0.01)]["threshold"]
    t_01pct = at_fpr[fpr_key(0.001)]["threshold"] if fpr_key(0.001) in at_fpr else None

    per_source = {}
    for name in dict.fromkeys(src):                  # first-seen order
        m = (src == name) & finite
        codes = set(y[src == name].tolist())
        label = LABEL_NAMES.get(codes.pop(), "unlabelled") if len(codes) == 1 else "mixed"
        v = s[m]
        per_source[name] = {
            "label": label, "n": int(m.sum()),
            "flagged_rate": _rate(v, t_sus), "malicious_rate": _rate(v, t_mal),
            "rate_at_1pct_fpr": _rate(v, t_1pct),
            "rate_at_0.1pct_fpr": _rate(v, t_01pct),
            "mean_score": _f(v.mean()) if len(v) else None}

    concepts = {}
    for name, cs in (concept_scores or {}).items():
        c = np.asarray(cs, dtype=np.float64).reshape(-1)
        if len(c) != len(s):
            raise ValueError(f"concept {name}: {len(c)} scores for {len(s)} messages")
        det, t = detection_at_fpr(c, y, 0.01)
        concepts[name] = {"roc_auc": roc_auc(c, y), "pr_auc": pr_auc(c, y),
                          "detection_at_1pct_fpr": _f(det)}

    return {
        "n": int(len(s)), "n_malicious": int(len(mal)), "n_benign": int(len(ben)),
        "n_spam": int((finite & (y == SPAM)).sum()),
        "n_ignored": int((~finite | ~np.isin(y, [MALICIOUS, BENIGN, SPAM])).sum()),
        "roc_auc": roc_auc(s, y), "pr_auc": pr_auc(s, y),
        "at_fpr": at_fpr,
        "shipped": {
            "thresholds": {"malicious": t_mal, "suspicious": t_sus},
            "detection_rate": _rate(mal, t_sus), "false_positive_rate": _rate(ben, t_sus),
            "malicious_detection_rate": _rate(mal, t_mal),
            "malicious_false_positive_rate": _rate(ben, t_mal)},
        "sources": per_source,
        "concepts": concepts,
    }


# -- plots ----------------------------------------------------------------------------------------
def _figure(width: float = 6.4, height: float = 4.8):
    # The object-oriented API without pyplot: no global backend or figure state, Agg for PNG.
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    fig = Figure(figsize=(width, height), dpi=100)
    FigureCanvasAgg(fig)
    return fig, fig.add_subplot(1, 1, 1)


def _save(fig, path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.tight_layout()
    fig.savefig(path, format="png")
    return path


def _no_data(ax, what: str) -> None:
    ax.text(0.5, 0.5, what, ha="center", va="center", transform=ax.transAxes, color="0.4")


def plot_roc_curves(curves: Mapping[str, tuple], path, title: str = "ROC") -> Path:
    """Several ROC curves on one plot: ``{name: (scores, labels)}``. Log-x false-positive axis
    from 1e-4 to 1, with the 1% and 0.1% operating points marked."""
    from sklearn.metrics import roc_curve
    fig, ax = _figure()
    drawn = 0
    for name, (scores, labels) in curves.items():
        mal, ben = _split(scores, labels)
        if not len(mal) or not len(ben):
            continue
        y = np.r_[np.ones(len(mal)), np.zeros(len(ben))]
        fpr, tpr, _ = roc_curve(y, np.r_[mal, ben])
        auc = roc_auc(np.r_[mal, ben], y)
        ax.step(np.clip(fpr, ROC_MIN_FPR, 1.0), tpr, where="post", label=f"{name} (AUC {auc:.3f})")
        drawn += 1
    for fpr, style in zip(REPORT_FPRS, ("--", ":")):
        ax.axvline(fpr, color="0.5", linestyle=style, linewidth=1, label=f"{100 * fpr:g}% FPR")
    ax.set_xscale("log")
    ax.set_xlim(ROC_MIN_FPR, 1.0)
    ax.set_ylim(0.0, 1.01)
    ax.set_xlabel("false-positive rate (benign mail flagged)")
    ax.set_ylabel("detection rate (malicious mail caught)")
    ax.set_title(title)
    ax.grid(True, which="both", alpha=0.3)
    if not drawn:
        _no_data(ax, "needs both malicious and benign mail")
    ax.legend(loc="lower right", fontsize="small")
    return _save(fig, path)


def plot_roc(scores, labels, path, title: str = "ROC") -> Path:
    return plot_roc_curves({"score": (scores, labels)}, path, title)


def plot_pr(scores, labels, path, title: str = "Precision-recall") -> Path:
    from sklearn.metrics import precision_recall_curve
    fig, ax = _figure()
    mal, ben = _split(scores, labels)
    if len(mal) and len(ben):
        y = np.r_[np.ones(len(mal)), np.zeros(len(ben))]
        precision, recall, _ = precision_recall_curve(y, np.r_[mal, ben])
        ap = pr_auc(np.r_[mal, ben], y)
        ax.step(recall, precision, where="post", label=f"score (AP {ap:.3f})")
        ax.axhline(len(mal) / len(y), color="0.5", linestyle="--", linewidth=1,
                   label=f"chance ({len(mal)} of {len(y)} malicious)")
        ax.legend(loc="lower left", fontsize="small")
    else:
        _no_data(ax, "needs both malicious and benign mail")
    ax.set_xlim(0.0, 1.0)
    ax.set_ylim(0.0, 1.01)
    ax.set_xlabel("recall (malicious mail caught)")
    ax.set_ylabel("precision (flagged mail that is malicious)")
    ax.set_title(title)
    ax.grid(True, alpha=0.3)
    return _save(fig, path)


def plot_score_histogram(scores, labels, thresholds: Optional[Mapping[str, float]], path,
                         title: str = "Score distribution") -> Path:
    """Score histogram per class (share of each class per bin, so a small class stays visible),
    with the verdict thresholds marked."""
    fig, ax = _figure()
    s = np.asarray(scores, dtype=np.float64).reshape(-1)
    y = label_codes(labels)
    bins = np.linspace(0.0, 1.0, 41)
    drawn = 0
    for code, color in ((BENIGN, "tab:green"), (SPAM, "tab:orange"), (MALICIOUS, "tab:red")):
        v = s[(y == code) & np.isfinite(s)]
        if not len(v):
            continue
        ax.hist(np.clip(v, 0.0, 1.0), bins=bins, weights=np.full(len(v), 1.0 / len(v)),
                histtype="stepfilled", alpha=0.35, color=color, edgecolor=color,
                label=f"{LABEL_NAMES[code]} (n={len(v)})")
        drawn += 1
    for name, style in (("suspicious", "--"), ("malicious", "-")):
        t = _f((thresholds or {}).get(name))
        if t is not None:
            ax.axvline(t, color="black", linestyle=style, linewidth=1, label=f"{name} >= {t:.3f}")
    if not drawn:
        _no_data(ax, "no labelled scores")
    ax.set_yscale("log")
    ax.set_xlim(0.0, 1.0)
    ax.set_xlabel("score")
    ax.set_ylabel("share of the class")
    ax.set_title(title)
    if ax.get_legend_handles_labels()[0]:
        ax.legend(loc="upper center", fontsize="small")
    return _save(fig, path)


# -- HTML report ----------------------------------------------------------------------------------
_CSS = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:2em auto;max-width:1100px;
padding:0 1em;color:#222}
h1{font-size:1.5em}h2{font-size:1.15em;margin-top:1.8em;border-bottom:1px solid #ddd}
table{border-collapse:collapse;margin:.5em 0}
th,td{border:1px solid #ddd;padding:.3em .6em;text-align:right}
th:first-child,td:first-child{text-align:left}th{background:#f4f4f4}
.headline{display:flex;flex-wrap:wrap;gap:1em}
.card{border:1px solid #ddd;border-radius:6px;padding:.6em 1em;min-width:10em}
.card b{display:block;font-size:1.4em}.note{color:#555}
img{max-width:100%;border:1px solid #eee;margin:.4em 0}
pre{background:#f7f7f7;padding:1em;overflow:auto;font-size:12px}
.malicious{color:#b00}.benign{color:#070}.spam{color:#a60}
"""


def _pct(x, digits: int = 1) -> str:
    return "n/a" if x is None else f"{100 * x:.{digits}f}%"


def _num(x, digits: int = 4) -> str:
    return "n/a" if x is None else f"{x:.{digits}f}"


def _e(x) -> str:
    return html.escape(str(x), quote=True)


def write_html_report(folder, report: dict, images: Sequence[str], title: str) -> Path:
    """Write ``folder/index.html``: one self-contained page (inline CSS, images by relative file
    name) with the headline numbers, the per-source and per-concept tables, the plots and the raw
    report. Every piece of text from the report is HTML-escaped."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    at = report.get("at_fpr") or {}
    shipped = report.get("shipped") or {}
    th = shipped.get("thresholds") or {}
    p1, p01 = at.get(fpr_key(0.01)) or {}, at.get(fpr_key(0.001)) or {}
    cards = [
        ("ROC AUC", _num(report.get("roc_auc"))),
        ("PR AUC (AP)", _num(report.get("pr_auc"))),
        ("detection at 1% FPR", _pct(p1.get("detection_rate"))),
        ("detection at 0.1% FPR", _pct(p01.get("detection_rate"))),
        ("flagged at shipped thresholds", _pct(shipped.get("detection_rate"))),
        ("false positives at shipped thresholds", _pct(shipped.get("false_positive_rate"), 2)),
    ]
    counts = (f"{report.get('n_malicious', 0)} malicious, {report.get('n_benign', 0)} benign, "
              f"{report.get('n_spam', 0)} spam messages scored"
              + (f"; {report['errors']} could not be scored (left out)" if report.get("errors")
                 else ""))
    parts = [
        "<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{_e(title)}</h1>",
    ]
    if report.get("model_version"):
        parts.append(f'<p class="note">model {_e(report["model_version"])}</p>')
    parts.append(f'<p class="note">{_e(counts)}</p>')
    for note in report.get("notes") or []:
        parts.append(f'<p class="note">{_e(note)}</p>')
    parts.append('<div class="headline">' + "".join(
        f'<div class="card">{_e(k)}<b>{_e(v)}</b></div>' for k, v in cards) + "</div>")

    parts.append("<h2>Operating points</h2><table><tr><th>operating point</th><th>threshold</th>"
                 "<th>detection</th><th>false positives</th></tr>")
    for key, row in at.items():
        target = row.get("target_fpr")
        parts.append(f"<tr><td>{_e(key if target is None else f'{100 * target:g}%')} FPR "
                     f"on this benign mail</td><td>{_e(_num(row.get('threshold')))}</td>"
                     f"<td>{_e(_pct(row.get('detection_rate')))}</td>"
                     f"<td>{_e(_pct(row.get('false_positive_rate'), 2))}"
                     f"{'' if row.get('enough_benign', True) else ' (too few benign messages to resolve this rate)'}"
                     f"</td></tr>")
    for name, det, fp in (("suspicious", "detection_rate", "false_positive_rate"),
                          ("malicious", "malicious_detection_rate", "malicious_false_positive_rate")):
        parts.append(f"<tr><td>shipped: verdict {_e(name)} or worse</td>"
                     f"<td>{_e(_num(th.get(name)))}</td><td>{_e(_pct(shipped.get(det)))}</td>"
                     f"<td>{_e(_pct(shipped.get(fp), 2))}</td></tr>")
    parts.append("</table>")

    parts.append("<h2>Per source</h2><table><tr><th>source</th><th>label</th><th>messages</th>"
                 "<th>errors</th><th>flagged</th><th>verdict malicious</th><th>at 1% FPR</th>"
                 "<th>mean score</th></tr>")
    for name, r in (report.get("sources") or {}).items():
        label = str(r.get("label", ""))
        parts.append(f"<tr><td>{_e(name)}</td><td class=\"{_e(label)}\">{_e(label)}</td>"
                     f"<td>{_e(r.get('n', ''))}</td><td>{_e(r.get('errors', 0))}</td>"
                     f"<td>{_e(_pct(r.get('flagged_rate')))}</td>"
                     f"<td>{_e(_pct(r.get('malicious_rate')))}</td>"
                     f"<td>{_e(_pct(r.get('rate_at_1pct_fpr')))}</td>"
                     f"<td>{_e(_num(r.get('mean_score'), 3))}</td></tr>")
    parts.append("</table><p class=\"note\">For malicious sources the rates are detection; for "
                 "benign sources they are false positives.</p>")

    concepts = report.get("concepts") or {}
    if concepts:
        parts.append("<h2>Per concept (each concept's score alone)</h2><table><tr><th>concept"
                     "</th><th>ROC AUC</th><th>PR AUC</th><th>detection at 1% FPR</th></tr>")
        for name, r in concepts.items():
            parts.append(f"<tr><td>{_e(name)}</td><td>{_e(_num(r.get('roc_auc')))}</td>"
                         f"<td>{_e(_num(r.get('pr_auc')))}</td>"
                         f"<td>{_e(_pct(r.get('detection_at_1pct_fpr')))}</td></tr>")
        parts.append("</table>")

    if images:
        parts.append("<h2>Plots</h2>")
        for img in images:
            name = Path(img).name
            parts.append(f'<p><img src="{_e(name)}" alt="{_e(Path(name).stem)}"></p>')
    raw = json.dumps(report, indent=2, sort_keys=False, default=str)
    parts.append(f"<details><summary>Raw report (metrics.json)</summary><pre>{_e(raw)}</pre>"
                 "</details></body></html>")
    out = folder / "index.html"
    out.write_text("\n".join(parts) + "\n", encoding="utf-8")
    return out


IMAGES = ("roc.png", "pr.png", "concepts_roc.png", "scores.png")


def write_plots(folder: Path, scores, labels, concept_curves: dict, thresholds,
                title: str) -> list[str]:
    """The report's images in ``folder``: ROC, precision-recall, per-concept ROC (when given) and
    the score histogram; the names of those written."""
    plot_roc(scores, labels, folder / "roc.png", f"ROC - {title}")
    plot_pr(scores, labels, folder / "pr.png", f"Precision-recall - {title}")
    if concept_curves:           # (the held-out report has the combined score only)
        plot_roc_curves(concept_curves, folder / "concepts_roc.png",
                        f"ROC per concept - {title}")
    plot_score_histogram(scores, labels, thresholds, folder / "scores.png",
                         f"Score distribution - {title}")
    return [name for name in IMAGES if (folder / name).is_file()]
