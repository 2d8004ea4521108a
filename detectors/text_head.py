"""The text model: logistic regression from a sentence embedding to "this wording is an attack".

Its score is one learned signal of the trust and of the goal model (``trust.text_semantics``,
``goal.text_semantics``): the concept models weigh it against their lexical signals. Stored as
plain numbers in the bundle, with the embedding space it was trained on (``space``: MiniLM's, or
the static one, features/text.py): a text model reads vectors of its own space only.
"""
from __future__ import annotations

import numpy as np
from sklearn.linear_model import LogisticRegression

from detectors.combiner import sigmoid
from features.text import MINILM


class TextHead:
    def __init__(self, C: float | None = 2.0, class_weight: str | None = "balanced",
                 space: str = MINILM):
        self.C = C
        self.class_weight = class_weight
        self.space = space
        self.coef_: np.ndarray | None = None
        self.intercept_: float = 0.0
        self.distilled: float | None = None      # the ridge alpha when fitted by ``distil``

    def fit(self, E: np.ndarray, y: np.ndarray) -> "TextHead":
        lr = LogisticRegression(C=self.C, class_weight=self.class_weight, max_iter=2000)
        lr.fit(np.asarray(E, dtype=np.float64), np.asarray(y))
        self.coef_ = lr.coef_[0].astype(np.float64)
        self.intercept_ = float(lr.intercept_[0])
        return self

    def distil(self, E: np.ndarray, target: np.ndarray, alpha: float = 0.1) -> "TextHead":
        """Fit to another text model's scores (``target``, probabilities) instead of to labels:
        ridge regression on their log-odds, so that this head, reading cheaper vectors, agrees
        with that model where it can (the cascade's first stage, pipelines/train.py). The same
        form as a fitted head: a linear score through the logistic function (``C`` and
        ``class_weight`` play no part: make the head with None for both)."""
        from sklearn.linear_model import Ridge
        t = np.clip(np.asarray(target, dtype=np.float64), 1e-6, 1 - 1e-6)
        r = Ridge(alpha=alpha).fit(np.asarray(E, dtype=np.float64), np.log(t / (1 - t)))
        self.coef_ = np.asarray(r.coef_, dtype=np.float64)
        self.intercept_ = float(r.intercept_)
        self.distilled = alpha
        return self

    def predict_proba(self, E: np.ndarray) -> np.ndarray:
        # Row-wise, as in Combiner.decision: a score must not depend on the batch it came in.
        p = sigmoid((np.asarray(E, dtype=np.float64) * self.coef_).sum(axis=1) + self.intercept_)
        return np.column_stack([1 - p, p])

    def to_dict(self) -> dict:
        out = {"C": self.C, "class_weight": self.class_weight, "space": self.space,
               "coef": [round(float(c), 7) for c in self.coef_], "intercept": self.intercept_}
        if self.distilled is not None:
            out["distilled_alpha"] = self.distilled
        return out

    @classmethod
    def from_dict(cls, d: dict) -> "TextHead":
        h = cls(C=d["C"], class_weight=d["class_weight"], space=d.get("space", MINILM))
        h.coef_ = np.asarray(d["coef"], dtype=np.float64)
        h.intercept_ = float(d["intercept"])
        h.distilled = d.get("distilled_alpha")
        return h
