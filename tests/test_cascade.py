"""The learned cascade: a first stage over static vectors decides a message when every text score
within a calibrated margin of its own gives one verdict; only the rest go on to MiniLM
(pipelines/train.py ``cascade_margin``, detectors/bundle.py ``ModelBundle.first_stage``,
detectors/scoring.py ``Scorer.embeddings``)."""
from __future__ import annotations

import numpy as np

from detectors.bundle import same_verdict_over
from pipelines.train import CASCADE_GRID, cascade_margin

TH = {"suspicious": 0.8, "malicious": 0.93}


def test_same_verdict_over_a_step_function():
    grid = np.array([0.0, 0.3, 0.6])
    finals = np.array([[0.1, 0.85, 0.95]] * 4)          # benign below 0.3, suspicious, malicious
    lo, hi = np.array([0.0, 0.31, 0.29, 0.61]), np.array([0.29, 0.59, 0.31, 1.0])
    assert same_verdict_over(finals, grid, lo, hi, TH).tolist() == [True, True, False, True]


def _stage(n: int, rng, noise: float):
    """Rows whose final score rises with the text score; the first stage's text score is the
    full model's plus noise."""
    p_full = rng.uniform(0, 1, n)
    p_fast = np.clip(p_full + rng.normal(0, noise, n), 0, 1)
    base = rng.uniform(-3, 1, n)
    finals = 1 / (1 + np.exp(-(base[:, None] + 4 * CASCADE_GRID[None, :])))
    # The full model's score is the step function's value at MiniLM's text score (trees).
    full = finals[np.arange(n), np.searchsorted(CASCADE_GRID, p_full, side="right") - 1]
    return full, {"fast_text": p_fast, "finals": finals, "t_s": np.full(n, TH["suspicious"]),
                  "t_m": np.full(n, TH["malicious"])}


def test_margin_holds_every_source_within_its_limit():
    rng = np.random.default_rng(0)
    full, stage = _stage(6000, rng, 0.08)
    sources = np.array(["a"] * 2000 + ["b"] * 2000 + ["c"] * 2000)
    cal = cascade_margin(full, stage, sources, max_changed=0.004)
    assert cal["worst_changed"] <= 0.004
    assert 0.0 < cal["text_margin"] < 1.0
    assert 0.3 < cal["decided_share"] < 1.0
    # The smallest such margin: one step less breaks the limit on some source.
    tighter = cascade_margin(full, stage, sources, max_changed=cal["worst_changed"] - 1e-9) \
        if cal["worst_changed"] > 0 else None
    if tighter is not None:
        assert tighter["text_margin"] >= cal["text_margin"]


def test_a_first_stage_that_agrees_needs_no_margin():
    rng = np.random.default_rng(1)
    full, stage = _stage(3000, rng, 0.0)
    cal = cascade_margin(full, stage, np.array(["s"] * 3000))
    assert cal["text_margin"] == 0.0 and cal["worst_changed"] == 0.0


def test_a_noisier_first_stage_needs_a_wider_margin():
    rng = np.random.default_rng(2)
    full, stage = _stage(4000, rng, 0.03)
    narrow = cascade_margin(full, stage, np.array(["s"] * 4000))
    rng = np.random.default_rng(2)
    full, stage = _stage(4000, rng, 0.2)
    wide = cascade_margin(full, stage, np.array(["s"] * 4000))
    assert wide["text_margin"] > narrow["text_margin"]
    assert wide["decided_share"] < narrow["decided_share"]


def test_bundle_keeps_its_first_stage(default_bundle):
    from detectors.bundle import ModelBundle
    from detectors.text_head import TextHead
    from features.text import STATIC
    head = TextHead(space=STATIC)
    head.coef_, head.intercept_ = np.linspace(-1, 1, 384), 0.25
    b = ModelBundle(default_bundle.models, default_bundle.combiner, default_bundle.thresholds,
                    default_bundle.meta, default_bundle.text_head, head, {"text_margin": 0.12})
    again = ModelBundle.from_bytes(b.to_bytes())
    assert again.cascade == {"text_margin": 0.12}
    assert again.fast_head.space == STATIC
    np.testing.assert_allclose(again.fast_head.coef_, head.coef_, atol=1e-6)


def test_first_stage_decides_only_where_the_margin_cannot_change_the_verdict(default_bundle):
    """A margin of 1 covers every text score: the first stage then decides exactly the messages
    the exact cascade decides. A margin of 0 decides at least as many."""
    from dataclasses import replace
    from features.context import Context, load_org
    from features.parsing import parse_message
    from features.catalogue import evaluate
    from labeling.synthetic import generate
    ctx = Context(load_org())
    ev = [evaluate(parse_message(m.raw), ctx) for m in generate(60, seed=5, attack_share=0.5)]
    exact = default_bundle.decided_without_text(default_bundle.text_score_bounds(ev))
    p = np.full(len(ev), 0.5)
    wide = replace(default_bundle, cascade={"text_margin": 1.0}).first_stage(ev, p)
    none = replace(default_bundle, cascade={"text_margin": 0.0}).first_stage(ev, p)
    assert wide.tolist() == exact.tolist()
    assert (none | ~wide).all() and none.sum() >= wide.sum()
