"""Evaluation: metrics with exactly known answers, edge cases, plots, the HTML report, and
`sedetect evaluate` end to end on a real Beam pipeline."""
import json
import time

import numpy as np
import pytest

from detectors.bundle import threshold_at_fpr
from detectors.metrics import (detection_at_fpr, evaluate_scores, label_codes, plot_pr, plot_roc,
                               plot_roc_curves, plot_score_histogram, write_html_report)
from pipelines.evaluate import _file_names, evaluate_rows, gather_sources

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
HOSTILE = "<script>alert(1)</script>"


def _known():
    """1,000 benign scores 0.000 .. 0.999 and 100 malicious: 50 at 0.5, 40 at 0.995, 10 at 1.0.
    At 1% FPR the threshold lies in (0.98, 0.991]: half the malicious are caught; at 0.1% it is
    just above 0.999: only the ten at 1.0."""
    ben = np.arange(1000) / 1000.0
    mal = np.r_[np.full(50, 0.5), np.full(40, 0.995), np.full(10, 1.0)]
    scores = np.r_[mal, ben]
    labels = np.r_[np.ones(len(mal), int), np.zeros(len(ben), int)]
    return scores, labels


# -- metrics --------------------------------------------------------------------------------------
def test_detection_at_fpr_known_answer():
    scores, labels = _known()
    det, t = detection_at_fpr(scores, labels, 0.01)
    assert t == threshold_at_fpr(np.arange(1000) / 1000.0, 0.01)
    assert 0.98 < t <= 0.991
    assert det == 0.5
    assert (np.arange(1000) / 1000.0 >= t).mean() <= 0.01
    det, t = detection_at_fpr(scores, labels, 0.001)
    assert 0.999 < t <= 1.0
    assert det == pytest.approx(0.1)


def test_detection_at_fpr_ignores_spam_and_unknown_labels():
    scores, labels = _known()
    noisy_scores = np.r_[scores, np.full(500, 0.999), [0.99]]
    noisy_labels = np.r_[labels, np.full(500, -1), [7]]
    assert detection_at_fpr(noisy_scores, noisy_labels, 0.01) == detection_at_fpr(scores, labels, 0.01)
    as_text = ["malicious" if y else "benign" for y in labels]
    assert detection_at_fpr(scores, as_text, 0.01) == detection_at_fpr(scores, labels, 0.01)
    assert label_codes(["malicious", "benign", "spam", "ham", None, 1, 0, -1, 2, 0.5]).tolist() == \
        [1, 0, -1, -99, -99, 1, 0, -1, -99, -99]


def test_detection_at_fpr_edge_cases():
    assert detection_at_fpr([0.9, 0.8], [1, 1], 0.01) == (None, None)          # no benign
    det, t = detection_at_fpr([0.1, 0.2], [0, 0], 0.01)                        # no malicious
    assert det is None and t > 0.2
    assert detection_at_fpr([], [], 0.01) == (None, None)
    with pytest.raises(ValueError):
        detection_at_fpr([0.1, 0.2], [0], 0.01)


def test_separable_scores_give_auc_one():
    r = evaluate_scores([0.9, 0.8, 0.7, 0.3, 0.2, 0.1], [1, 1, 1, 0, 0, 0], None, None,
                        {"malicious": 0.75, "suspicious": 0.5})
    assert r["roc_auc"] == 1.0 and r["pr_auc"] == 1.0
    assert (r["n_malicious"], r["n_benign"], r["n_spam"]) == (3, 3, 0)
    assert r["shipped"]["detection_rate"] == 1.0
    assert r["shipped"]["malicious_detection_rate"] == pytest.approx(2 / 3)
    assert r["shipped"]["false_positive_rate"] == 0.0
    assert r["shipped"]["malicious_false_positive_rate"] == 0.0
    assert r["at_fpr"]["0.01"]["enough_benign"] is False           # 3 benign cannot resolve 1%
    assert r["at_fpr"]["0.01"]["benign_needed"] == 100


def test_identical_scores_give_auc_half():
    r = evaluate_scores(np.full(10, 0.5), [1] * 5 + [0] * 5, None, None,
                        {"malicious": 0.9, "suspicious": 0.5})
    assert r["roc_auc"] == 0.5
    assert r["pr_auc"] == 0.5                        # average precision = the malicious share
    assert r["shipped"]["detection_rate"] == 1.0     # score >= suspicious
    assert r["shipped"]["false_positive_rate"] == 1.0
    assert r["shipped"]["malicious_detection_rate"] == 0.0


def test_evaluate_scores_full_report():
    scores, labels = _known()
    spam = np.array([0.2, 0.995, 0.7, 0.999])
    all_scores = np.r_[scores, spam]
    all_labels = np.r_[labels, np.full(4, -1)]
    sources = ["phish"] * 100 + ["ham"] * 1000 + ["spam"] * 4
    concepts = {"perfect": (all_labels == 1).astype(float),
                "inverted": (all_labels != 1).astype(float),
                "constant": np.full(len(all_scores), 0.3)}
    r = evaluate_scores(all_scores, all_labels, sources, concepts,
                        {"malicious": 0.995, "suspicious": 0.9})
    json.dumps(r, allow_nan=False)                   # JSON-serialisable, no NaN
    assert (r["n"], r["n_malicious"], r["n_benign"], r["n_spam"]) == (1104, 100, 1000, 4)
    # spam does not change AUC or the operating points
    plain = evaluate_scores(scores, labels, None, None, {"malicious": 0.995, "suspicious": 0.9})
    assert r["roc_auc"] == plain["roc_auc"] and r["at_fpr"] == plain["at_fpr"]
    p1 = r["at_fpr"]["0.01"]
    assert p1["enough_benign"] and r["at_fpr"]["0.001"]["enough_benign"]      # 1,000 benign
    assert p1["target_fpr"] == 0.01 and p1["detection_rate"] == 0.5
    assert p1["false_positive_rate"] <= 0.01
    assert r["at_fpr"]["0.001"]["detection_rate"] == pytest.approx(0.1)
    sh = r["shipped"]
    assert sh["thresholds"] == {"malicious": 0.995, "suspicious": 0.9}
    assert sh["detection_rate"] == 0.5 and sh["malicious_detection_rate"] == 0.5
    assert sh["false_positive_rate"] == pytest.approx(0.1)    # 0.900 .. 0.999
    assert sh["malicious_false_positive_rate"] == pytest.approx(0.005)  # 0.995 .. 0.999
    phish, ham, sp = r["sources"]["phish"], r["sources"]["ham"], r["sources"]["spam"]
    assert list(r["sources"]) == ["phish", "ham", "spam"]
    assert (phish["label"], phish["n"], phish["flagged_rate"], phish["rate_at_1pct_fpr"]) == \
        ("malicious", 100, 0.5, 0.5)
    assert phish["mean_score"] == pytest.approx((25 + 40 * 0.995 + 10) / 100)
    assert (ham["label"], ham["n"]) == ("benign", 1000)
    assert ham["mean_score"] == pytest.approx(0.4995)
    assert (sp["label"], sp["n"], sp["flagged_rate"], sp["malicious_rate"]) == ("spam", 4, 0.5, 0.5)
    assert sp["rate_at_1pct_fpr"] == 0.5
    assert r["concepts"]["perfect"]["roc_auc"] == 1.0
    assert r["concepts"]["inverted"]["roc_auc"] == 0.0
    assert r["concepts"]["constant"]["roc_auc"] == 0.5
    assert r["concepts"]["perfect"]["detection_at_1pct_fpr"] == 1.0


@pytest.mark.parametrize("labels", [[1, 1, 1], [0, 0, 0], [-1, -1, -1], []])
def test_one_class_gives_none_not_crash(labels):
    scores = [0.2, 0.5, 0.9][:len(labels)]
    r = evaluate_scores(scores, labels, ["s"] * len(labels), {"goal": scores},
                        {"malicious": 0.8, "suspicious": 0.4})
    json.dumps(r, allow_nan=False)
    assert r["roc_auc"] is None and r["pr_auc"] is None
    assert r["concepts"]["goal"]["roc_auc"] is None
    assert r["at_fpr"]["0.01"]["detection_rate"] is None
    if 1 in labels:
        assert r["shipped"]["detection_rate"] == pytest.approx(2 / 3)
        assert r["shipped"]["false_positive_rate"] is None
        assert r["at_fpr"]["0.01"]["threshold"] is None
    if 0 in labels:
        assert r["shipped"]["detection_rate"] is None
        assert r["shipped"]["false_positive_rate"] == pytest.approx(2 / 3)
        assert r["at_fpr"]["0.01"]["threshold"] > 0.9
        assert r["sources"]["s"]["rate_at_1pct_fpr"] == 0.0
    if labels:
        assert r["sources"]["s"]["n"] == 3
    else:
        assert r["sources"] == {} and r["n"] == 0


def test_evaluate_scores_without_thresholds_and_with_nan():
    r = evaluate_scores([0.9, float("nan"), 0.1], [1, 1, 0], None, None, {})
    assert r["n_malicious"] == 1 and r["n_ignored"] == 1
    assert r["roc_auc"] == 1.0
    assert r["shipped"]["detection_rate"] is None
    assert r["sources"]["all"]["n"] == 2


def test_evaluate_rows_counts_errors_and_keeps_every_source():
    def row(score, verdict="benign"):
        return {"score": score, "verdict": verdict, "impersonation": score, "trust": 0.5,
                "payload": None if score is None else 1 - score, "goal": score, "error": None}
    rows = {
        "phish": ("malicious", [row(0.9, "malicious"), row(0.8), row(None, "error")]),
        "ham": ("benign", [row(0.1), row(0.2), row(0.3)]),
        "broken": ("benign", [row(None, "error"), row(0.5, "error")]),
        "junk": ("spam", [row(0.6)]),
    }
    r = evaluate_rows(rows, {"malicious": 0.85, "suspicious": 0.5})
    json.dumps(r, allow_nan=False)
    assert (r["messages"], r["errors"], r["n_malicious"], r["n_benign"], r["n_spam"]) == \
        (9, 3, 2, 3, 1)
    assert r["roc_auc"] == 1.0
    assert r["concepts"]["impersonation"]["roc_auc"] == 1.0
    assert r["concepts"]["trust"]["roc_auc"] == 0.5
    assert r["concepts"]["payload"]["roc_auc"] == 0.0
    assert (r["sources"]["phish"]["n"], r["sources"]["phish"]["errors"],
            r["sources"]["phish"]["messages"]) == (2, 1, 3)
    assert r["sources"]["phish"]["malicious_rate"] == 0.5
    assert r["sources"]["broken"] == {"n": 0, "flagged_rate": None, "malicious_rate": None,
                                      "rate_at_1pct_fpr": None, "mean_score": None,
                                      "label": "benign", "errors": 2, "messages": 2}
    assert r["sources"]["junk"]["label"] == "spam" and r["sources"]["junk"]["flagged_rate"] == 1.0
    with pytest.raises(ValueError):
        evaluate_rows({"x": ("phishy", [])}, {})


def test_source_names_become_safe_distinct_file_names():
    names = _file_names([HOSTILE, "../../etc/passwd", "a b", "a_b", "ham"])
    assert len(set(names.values())) == 5
    assert all("/" not in n and not n.startswith(".") for n in names.values())
    assert names["ham"] == "ham"


def test_gather_sources_rejects_nothing_and_duplicates(tmp_path):
    f = tmp_path / "x.mbox"
    f.write_bytes(b"")
    with pytest.raises(ValueError):
        gather_sources([], None)
    with pytest.raises(ValueError):
        gather_sources([f"benign:{f}", f"malicious:{f}"], None)
    assert [s.name for s in gather_sources([f"benign:{f}", f"malicious:{f}:other"], None)] == \
        ["x", "other"]


# -- plots and the report -------------------------------------------------------------------------
def _is_png(path) -> bool:
    data = path.read_bytes()
    return len(data) > 1000 and data[:8] == PNG_MAGIC


def test_plots_are_png(tmp_path):
    scores, labels = _known()
    labels_spam = np.r_[labels, [-1, -1]]
    scores_spam = np.r_[scores, [0.3, 0.8]]
    paths = [
        plot_roc(scores, labels, tmp_path / "roc.png", "ROC"),
        plot_pr(scores, labels, tmp_path / "pr.png", "PR"),
        plot_roc_curves({"a": (scores, labels), "b": (1 - scores, labels),
                         "empty": ([], [])}, tmp_path / "curves.png", "concepts"),
        plot_score_histogram(scores_spam, labels_spam, {"malicious": 0.95, "suspicious": 0.8},
                             tmp_path / "sub" / "hist.png"),
    ]
    for p in paths:
        assert _is_png(p), p


@pytest.mark.parametrize("scores,labels", [([0.9, 0.8], [1, 1]), ([0.1], [0]), ([], [])])
def test_plots_survive_one_class_or_nothing(tmp_path, scores, labels):
    assert _is_png(plot_roc(scores, labels, tmp_path / "roc.png", "ROC"))
    assert _is_png(plot_pr(scores, labels, tmp_path / "pr.png", "PR"))
    assert _is_png(plot_score_histogram(scores, labels, None, tmp_path / "h.png"))


def test_html_report_escapes_everything(tmp_path):
    r = evaluate_scores([0.9, 0.1, 0.5], [1, 0, -1], [HOSTILE, "ham", "spam & eggs"],
                        {HOSTILE: np.array([0.7, 0.2, 0.1])}, {"malicious": 0.8, "suspicious": 0.4})
    r["model_version"] = HOSTILE
    r["notes"] = [HOSTILE]
    plot_roc([0.9, 0.1], [1, 0], tmp_path / "roc.png", "ROC")
    out = write_html_report(tmp_path, r, ["roc.png", str(tmp_path / "x\"><script>.png")], HOSTILE)
    assert out == tmp_path / "index.html"
    page = out.read_text(encoding="utf-8")
    assert "<script" not in page.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "spam &amp; eggs" in page
    assert '<img src="roc.png"' in page                 # relative file name, not a path
    assert str(tmp_path) not in page.split("<details>")[0]
    assert "<details>" in page and "<style>" in page
    assert "http://" not in page and "https://" not in page   # self-contained


# -- end to end -----------------------------------------------------------------------------------
def test_evaluate_end_to_end(tmp_path, monkeypatch, capsys):
    from labeling.synthetic import generate, write_mbox
    from pipelines.evaluate import run
    monkeypatch.setenv("SEDETECT_HOME", str(tmp_path / "home"))
    msgs = list(generate(60, seed=1))
    mal = [m for m in msgs if m.label == "malicious"]
    ben = [m for m in msgs if m.label == "benign"]
    assert mal and ben
    write_mbox(mal, str(tmp_path / "attacks.mbox"))
    write_mbox(ben, str(tmp_path / "ham.mbox"))
    out = tmp_path / "report"

    t0 = time.perf_counter()
    report = run([f"malicious:{tmp_path / 'attacks.mbox'}", f"benign:{tmp_path / 'ham.mbox'}:office",
                  "-o", str(out), "--direct_num_workers=1"])
    seconds = time.perf_counter() - t0

    for name in ("metrics.json", "roc.png", "pr.png", "concepts_roc.png", "scores.png",
                 "index.html", "rows/attacks.parquet", "rows/office.parquet"):
        assert (out / name).is_file() and (out / name).stat().st_size > 0, name
    for name in ("roc.png", "pr.png", "concepts_roc.png", "scores.png"):
        assert _is_png(out / name)
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics == json.loads(json.dumps(report))
    assert metrics["sources"]["attacks"]["n"] == len(mal)
    assert metrics["sources"]["office"]["n"] == len(ben)
    assert metrics["sources"]["attacks"]["label"] == "malicious"
    assert metrics["sources"]["office"]["label"] == "benign"
    assert metrics["errors"] == 0 and metrics["messages"] == 60
    assert (metrics["n_malicious"], metrics["n_benign"]) == (len(mal), len(ben))
    assert metrics["model_version"].startswith("sedetect/")
    assert 0.0 <= metrics["roc_auc"] <= 1.0
    assert set(metrics["concepts"]) == {"impersonation", "trust", "payload", "goal"}
    from detectors.bundle import DEFAULT_BUNDLE_DIR, ModelBundle
    shipped = ModelBundle.load(DEFAULT_BUNDLE_DIR).thresholds
    assert metrics["shipped"]["thresholds"] == pytest.approx(shipped)
    page = (out / "index.html").read_text(encoding="utf-8")
    for img in ("roc.png", "pr.png", "concepts_roc.png", "scores.png"):
        assert f'src="{img}"' in page
    # per source: detection at 0.1% FP and how often each identity signal fired
    assert "rate_at_0.1pct_fpr" in metrics["sources"]["attacks"]
    ident = metrics["sources"]["office"]["identity_signals"]
    assert "impersonation.identity_coherent" in ident and 0.0 <= min(ident.values())
    printed = capsys.readouterr().out
    assert "ROC AUC" in printed and "1% FPR" in printed and "0.1% FPR" in printed
    assert "id_coherent" in printed
    assert "attacks" in printed and "office" in printed
    assert "in-sample" in printed and "sedetect train" in printed
    print(f"\nend-to-end evaluate: {seconds:.1f} s")


def test_run_arguments_keep_every_source_and_pass_beam_options(tmp_path, monkeypatch):
    import pipelines.evaluate as ev
    a, b = tmp_path / "a.mbox", tmp_path / "b.mbox"
    a.write_bytes(b"")
    b.write_bytes(b"")
    seen = {}
    monkeypatch.setattr(ev, "evaluate", lambda sources, out, **kw: seen.update(
        sources=[(s.name, s.label) for s in sources], out=out, **kw) or {})
    ev.run([f"malicious:{a}", "--direct_num_workers", "2", f"benign:{b}", "-o", "R",
            "--model-uri", "models:/sedetect/1"])
    assert sorted(seen["sources"]) == [("a", "malicious"), ("b", "benign")]
    assert seen["beam_args"] == ["--direct_num_workers", "2"]
    assert (seen["out"], seen["model_uri"]) == ("R", "models:/sedetect/1")
    with pytest.raises(ValueError, match="--name=value"):
        ev.run(["--runner", "DirectRunner", f"malicious:{a}", "-o", "R"])
