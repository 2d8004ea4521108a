"""Training pieces that need no corpus: the promotion gate and the fold strategy."""
import numpy as np

from pipelines.train import _folds, promotion_gate


def test_gate_refuses_a_model_worse_on_held_out_sources():
    champion = {"phish": {"label": "malicious", "flagged_rate": 0.80},
                "ham": {"label": "benign", "flagged_rate": 0.010}}
    better = {"phish": {"label": "malicious", "flagged_rate": 0.85},
              "ham": {"label": "benign", "flagged_rate": 0.008}}
    worse_detection = {"phish": {"label": "malicious", "flagged_rate": 0.70},
                       "ham": {"label": "benign", "flagged_rate": 0.008}}
    worse_fp = {"phish": {"label": "malicious", "flagged_rate": 0.90},
                "ham": {"label": "benign", "flagged_rate": 0.030}}
    assert promotion_gate(better, champion) == []
    assert len(promotion_gate(worse_detection, champion)) == 1
    assert "false positives" in promotion_gate(worse_fp, champion)[0]
    assert promotion_gate(worse_fp, {}) == []          # nothing in common: nothing to compare


def test_source_folds_hold_whole_sources_out():
    groups = np.array(["a"] * 5 + ["b"] * 5 + ["c"] * 5 + ["d"] * 5)
    y = np.array([1] * 10 + [0] * 10)
    splits = list(_folds(groups, y, folds=4, seed=0, by_source=True))
    seen = np.concatenate([te for _, te in splits])
    assert sorted(seen) == list(range(20))
    for tr, te in splits:
        assert not set(groups[tr]) & set(groups[te])
    strat = list(_folds(groups, y, folds=4, seed=0))
    assert any(set(groups[tr]) & set(groups[te]) for tr, te in strat)
