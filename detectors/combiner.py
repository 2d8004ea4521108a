"""The combiner: four concept scores in, one calibrated attack probability out.

Logistic regression on the log-odds of the concept scores, trained on out-of-fold concept scores
(see pipelines/train.py) so it never learns from a concept model's fit to its own training rows.
Its coefficients say how much each leg counts; they are stored as plain numbers in the bundle.
"""
from __future__ import annotations

import numpy as np
from sklearn.linear_model import LogisticRegression

EPS = 1e-4


def logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(np.asarray(p, dtype=np.float64), EPS, 1 - EPS)
    return np.log(p / (1 - p))


def sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.asarray(z, dtype=np.float64)))


class Combiner:
    def __init__(self, C: float = 1.0, class_weight: str | None = "balanced"):
        self.C = C
        self.class_weight = class_weight
        self.coef_: np.ndarray | None = None
        self.intercept_: float = 0.0

    def fit(self, concept_scores: np.ndarray, y: np.ndarray) -> "Combiner":
        lr = LogisticRegression(C=self.C, class_weight=self.class_weight, max_iter=1000)
        lr.fit(logit(concept_scores), np.asarray(y))
        self.coef_ = lr.coef_[0].astype(np.float64)
        self.intercept_ = float(lr.intercept_[0])
        return self

    def decision(self, concept_scores: np.ndarray) -> np.ndarray:
        # Row-wise sum, not a matrix product: BLAS kernels change with the batch size, and a
        # message's score must not depend on which batch it was scored in.
        return (logit(concept_scores) * self.coef_).sum(axis=1) + self.intercept_

    def predict_proba(self, concept_scores: np.ndarray) -> np.ndarray:
        p = sigmoid(self.decision(concept_scores))
        return np.column_stack([1 - p, p])

    def to_dict(self) -> dict:
        return {"C": self.C, "class_weight": self.class_weight,
                "coef": [float(c) for c in self.coef_], "intercept": self.intercept_}

    @classmethod
    def from_dict(cls, d: dict) -> "Combiner":
        c = cls(C=d["C"], class_weight=d["class_weight"])
        c.coef_ = np.asarray(d["coef"], dtype=np.float64)
        c.intercept_ = float(d["intercept"])
        return c
