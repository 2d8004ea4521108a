"""Every signal, listed in one place: importing the modules below fills the registry of
features/signals.py through their ``@signal`` decorators, and the queries here see them all.

The concept modules import ``features.signals`` (the decorator and ``Evidence``) and nothing here,
so the registry is filled without an import cycle. A new signal module is added to this list.
"""
from __future__ import annotations

import time
from typing import Iterable, Optional

from features import goal, identity, impersonation, payload, trust  # noqa: F401  (they register)
from features.message import ParsedMessage
from features.signals import (REGISTRY, SORTED, CONCEPTS, OUT_OF_TIME, ConceptEvidence, Evidence,
                              Signal)

SIGNAL_MODULES = (goal, identity, impersonation, payload, trust)


def signals(concept: Optional[str] = None) -> list[Signal]:
    """All registered signals (of one concept), in a stable order: the model's feature order."""
    # evaluate() asks for every message: sort once (registration clears the memo).
    if concept not in SORTED:
        SORTED[concept] = sorted((s for s in REGISTRY.values()
                                  if concept is None or s.concept == concept),
                                 key=lambda s: s.name)
    return list(SORTED[concept])


def get(name: str) -> Signal:
    return REGISTRY[name]


def lookup(name: str) -> Optional[Signal]:
    """The signal of that name, or None (a bundle may name signals this code no longer has)."""
    return REGISTRY.get(name)


def feature_names(concept: str) -> list[str]:
    """The learned signals of a concept: exactly the columns its model sees."""
    return [s.name for s in signals(concept) if s.learned]


def identity_signals() -> list[Signal]:
    """The identity evidence the combiner sees beside the four concept scores, in column order."""
    return [s for s in signals() if s.direction]



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
