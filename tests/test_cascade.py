"""The learned cascade: a first stage over static vectors decides a message when its text score and
a calibrated margin either side of it give one verdict; only the rest go on to MiniLM
(pipelines/train.py ``cascade_margin``, detectors/bundle.py ``ModelBundle.first_stage``,
detectors/scoring.py ``Scorer.embeddings``)."""
from __future__ import annotations

import numpy as np

from detectors.bundle import one_verdict
from pipelines.train import CASCADE_GRID, cascade_margin

TH = {"suspicious": 0.8, "malicious": 0.93}


def test_one_verdict_per_row():
    finals = np.array([[0.1, 0.5, 0.79], [0.1, 0.85, 0.95], [0.81, 0.85, 0.92], [0.95, 0.99, 0.94]])
    assert one_verdict(finals, TH).tolist() == [True, False, True, True]
    per_row = {"suspicious": np.array([0.8, 0.8, 0.9, 0.8]), "malicious": np.full(4, 0.93)}
    assert one_verdict(finals, per_row).tolist() == [True, False, False, True]


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


def test_first_stage_decides_where_its_score_and_the_margin_either_side_agree(default_bundle):
    """A message is decided when its final score gives one verdict at the first stage's text
    score and at the margin either side: a margin of 1 decides every message the exact cascade
    decides (its verdict is the same at every text score) and perhaps more; a margin of 0 trusts
    the first stage everywhere."""
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
    assert (wide | ~exact).all() and not wide.all()
    assert none.all()
    three = default_bundle._final_at(ev, np.array([0.0, 0.5, 1.0], dtype=np.float32))
    assert wide.tolist() == one_verdict(three, default_bundle.thresholds).tolist()


def test_a_distilled_first_stage_follows_the_text_model_it_stands_in_for():
    """``TextHead.distil`` fits the first stage to the text model's scores: where the cheap vectors
    carry the same information it reproduces them, and it stores and loads like any head."""
    from detectors.text_head import TextHead
    from features.text import STATIC
    rng = np.random.default_rng(0)
    E = rng.normal(size=(3000, 20))
    full = 1 / (1 + np.exp(-(E @ rng.normal(size=20) + 0.3)))
    cheap = E + rng.normal(scale=0.02, size=E.shape)      # the cheap space: a noisy copy
    head = TextHead(C=None, class_weight=None, space=STATIC).distil(cheap, full)
    assert np.quantile(np.abs(head.predict_proba(cheap)[:, 1] - full), 0.95) < 0.05
    again = TextHead.from_dict(head.to_dict())
    assert again.distilled == head.distilled and again.space == STATIC
    np.testing.assert_allclose(again.predict_proba(cheap), head.predict_proba(cheap), atol=1e-5)
