"""Named detection signals: every piece of evidence has a name, a concept and a sentence; rule-only
signals also a weight.

Modelled on Snorkel labelling functions and Rspamd symbols. A signal is one small function
``fn(msg, ctx) -> Evidence | None``: ``None`` means *abstain* (the signal cannot tell, e.g. no
communication profile, or the header it needs is absent) and becomes a missing value for the
models; ``Evidence(0.0)`` means "looked and found nothing".

``learned=False`` marks signals that depend on headers whose presence follows the collector rather
than the attack (Authentication-Results, Received, Return-Path; see ../shared/corpora/README.md).
They are never fed to a model; they explain verdicts and add their fixed ``weight`` (a logit
offset) to their concept's score, as a rule engine would.
A rule-only signal of weight 0 adds nothing to any score: it is evidence that only the convicting
rules of features/data/identity_policy.yaml read (``impersonation.sender_imitates``).

``direction`` marks *identity evidence* (features/identity.py): who the sender provably is and
whether its brand and links agree. Those signals skip the concept models and enter the combiner
directly under a monotone constraint: ``-1`` evidence can only lower the verdict's score (a proven,
coherent sender), ``+1`` can only raise it (a proven mismatch).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Optional

from features.message import ParsedMessage

CONCEPTS: tuple[str, ...] = ("impersonation", "trust", "payload", "goal")


@dataclass(frozen=True)
class Evidence:
    value: float
    detail: str = ""   # short human detail, e.g. the lookalike domain, substituted into the sentence


@dataclass(frozen=True)
class Signal:
    name: str          # "<concept>.<short_name>", unique
    concept: str
    weight: float      # rule-only signals (learned=False): the logit added when it fires; 0 else
    sentence: str      # one line for an analyst; "{detail}" is replaced by the evidence detail
    learned: bool
    fn: Callable[[ParsedMessage, "object"], Optional[Evidence]]
    model_filled: bool = False   # the value comes from a model at scoring time (text embeddings)
    direction: int = 0           # identity evidence for the combiner: -1 lowers, +1 raises; 0: not

    def explain(self, evidence: Evidence) -> str:
        text = self.sentence.replace("{detail}", evidence.detail) if evidence.detail else \
            self.sentence.replace(" ({detail})", "").replace("{detail}", "")
        return f"{self.concept}: {text}"


REGISTRY: dict[str, Signal] = {}   # every registered signal (features/catalogue.py queries it)
SORTED: dict[Optional[str], list[Signal]] = {}     # concept -> signals in feature order (memo)


def signal(concept: str, name: str, sentence: str, *, weight: Optional[float] = None,
           learned: bool = True, model_filled: bool = False,
           direction: int = 0) -> Callable[[Callable], Callable]:
    """Register ``fn`` as the signal ``<concept>.<name>``; the function itself is returned unchanged.

    A learned signal's strength is its concept model's to learn, and identity evidence enters the
    combiner with its ``direction``: neither declares a weight. A rule-only signal
    (``learned=False``) must: it is the fixed logit it adds to its concept when it fires."""
    if concept not in CONCEPTS:
        raise ValueError(f"unknown concept {concept!r}")
    if direction not in (-1, 0, 1):
        raise ValueError(f"direction must be -1, 0 or 1, not {direction!r}")
    rule = not learned and not direction
    if rule and weight is None:
        raise ValueError(f"rule-only signal {concept}.{name} needs a weight")
    if not rule and weight is not None:
        raise ValueError(f"signal {concept}.{name}: only rule-only signals (learned=False) take a "
                         "weight; a learned one's strength is learned")

    def register(fn: Callable) -> Callable:
        full = f"{concept}.{name}"
        if full in REGISTRY and REGISTRY[full].fn.__qualname__ != fn.__qualname__:
            raise ValueError(f"signal {full} registered twice")
        REGISTRY[full] = Signal(full, concept, weight or 0.0, sentence, learned and not direction,
                                fn, model_filled, direction)
        SORTED.clear()
        return fn
    return register


ConceptEvidence = dict[str, Optional[Evidence]]   # signal name -> evidence (None: abstained)

# Recorded in a concept's evidence when the deadline passed before its signals were all run.
OUT_OF_TIME = "limit:seconds"
