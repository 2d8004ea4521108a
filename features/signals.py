"""Named detection signals: every piece of evidence has a name, a concept, a weight and a sentence.

Modelled on Snorkel labelling functions and Rspamd symbols. A signal is one small function
``fn(msg, ctx) -> Evidence | None``: ``None`` means *abstain* (the signal cannot tell, e.g. no
communication profile, or the header it needs is absent) and becomes a missing value for the
models; ``Evidence(0.0)`` means "looked and found nothing".

``learned=False`` marks signals that depend on headers whose presence follows the collector rather
than the attack (Authentication-Results, Received, Return-Path; see ../shared/corpora/README.md).
They are never fed to a model; they explain verdicts and add their fixed ``weight`` (a logit
offset) to their concept's score, as a rule engine would.

``direction`` marks *identity evidence* (features/identity.py): who the sender provably is and
whether its brand and links agree. Those signals skip the concept models and enter the combiner
directly under a monotone constraint: ``-1`` evidence can only lower the verdict's score (a proven,
coherent sender), ``+1`` can only raise it (a proven mismatch).
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable, Iterable, Optional

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
    weight: float      # prior strength; for learned=False, the logit offset when it fires
    sentence: str      # one line for an analyst; "{detail}" is replaced by the evidence detail
    learned: bool
    fn: Callable[[ParsedMessage, "object"], Optional[Evidence]]
    model_filled: bool = False   # the value comes from a model at scoring time (text embeddings)
    direction: int = 0           # identity evidence for the combiner: -1 lowers, +1 raises; 0: not

    def explain(self, evidence: Evidence) -> str:
        text = self.sentence.replace("{detail}", evidence.detail) if evidence.detail else \
            self.sentence.replace(" ({detail})", "").replace("{detail}", "")
        return f"{self.concept}: {text}"


_REGISTRY: dict[str, Signal] = {}
_SORTED: dict[Optional[str], list[Signal]] = {}   # concept -> signals in feature order (memo)


def signal(concept: str, name: str, weight: float, sentence: str,
           learned: bool = True, model_filled: bool = False,
           direction: int = 0) -> Callable[[Callable], Callable]:
    """Register ``fn`` as the signal ``<concept>.<name>``; the function itself is returned unchanged."""
    if concept not in CONCEPTS:
        raise ValueError(f"unknown concept {concept!r}")
    if direction not in (-1, 0, 1):
        raise ValueError(f"direction must be -1, 0 or 1, not {direction!r}")

    def register(fn: Callable) -> Callable:
        full = f"{concept}.{name}"
        if full in _REGISTRY and _REGISTRY[full].fn.__qualname__ != fn.__qualname__:
            raise ValueError(f"signal {full} registered twice")
        _REGISTRY[full] = Signal(full, concept, weight, sentence, learned and not direction, fn,
                                 model_filled, direction)
        _SORTED.clear()
        return fn
    return register


def _load_extractors() -> None:
    # Importing the concept modules registers their signals.
    import features.goal  # noqa: F401
    import features.identity  # noqa: F401
    import features.impersonation  # noqa: F401
    import features.payload  # noqa: F401
    import features.trust  # noqa: F401


def signals(concept: Optional[str] = None) -> list[Signal]:
    """All registered signals (of one concept), in a stable order: the model's feature order."""
    # evaluate() asks for every message: sort once (registration clears the memo).
    if concept not in _SORTED:
        _load_extractors()
        _SORTED[concept] = sorted((s for s in _REGISTRY.values()
                                   if concept is None or s.concept == concept),
                                  key=lambda s: s.name)
    return list(_SORTED[concept])


def get(name: str) -> Signal:
    _load_extractors()
    return _REGISTRY[name]


def lookup(name: str) -> Optional[Signal]:
    """The signal of that name, or None (a bundle may name signals this code no longer has)."""
    _load_extractors()
    return _REGISTRY.get(name)


def feature_names(concept: str) -> list[str]:
    """The learned signals of a concept: exactly the columns its model sees."""
    return [s.name for s in signals(concept) if s.learned]


def identity_signals() -> list[Signal]:
    """The identity evidence the combiner sees beside the four concept scores, in column order."""
    return [s for s in signals() if s.direction]


ConceptEvidence = dict[str, Optional[Evidence]]   # signal name -> evidence (None: abstained)

# Recorded in a concept's evidence when the deadline passed before its signals were all run.
OUT_OF_TIME = "limit:seconds"


def evaluate(msg: ParsedMessage, ctx: object, concepts: Iterable[str] = CONCEPTS,
             deadline: Optional[float] = None) -> dict[str, ConceptEvidence]:
    """Run every signal of the given concepts on one message. Pure: no I/O.

    A signal that raises is a bug in that signal, not in the message: it abstains and the error is
    recorded under the key ``"<signal>!error"`` so a test or a counter can see it; the message is
    still scored. Past ``deadline`` (a ``time.monotonic()`` value) the remaining signals abstain
    and each concept that lost signals says so under ``OUT_OF_TIME``: one slow message must not
    hold up the job.
    """
    out: dict[str, ConceptEvidence] = {}
    for concept in concepts:
        ev: ConceptEvidence = {}
        for sig in signals(concept):
            if deadline is not None and time.monotonic() > deadline:
                ev[sig.name] = None
                ev[OUT_OF_TIME] = Evidence(0.0)
                continue
            try:
                ev[sig.name] = sig.fn(msg, ctx)
            except Exception as exc:  # noqa: BLE001 - isolate one signal's failure
                ev[sig.name] = None
                ev[sig.name + "!error"] = Evidence(0.0, f"{type(exc).__name__}: {exc}")
        out[concept] = ev
    return out
