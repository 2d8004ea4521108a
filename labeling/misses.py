"""What happens to an analyst's submission, shared by the CLI (`sedetect miss ...`, in
pipelines/miss_job.py), the HTTP API and the console: accept (which makes a signature at once) and
the signatures that scoring jobs load."""
from __future__ import annotations

from typing import Optional

from detectors.signatures import SignatureIndex, indicators_of
from features.context import Context, load_org
from features.fingerprints import fingerprint
from labeling.queue import MissQueue, Submission


def open_queue(path: Optional[str] = None) -> MissQueue:
    return MissQueue(path) if path else MissQueue.default()


def accept(queue: MissQueue, sid: int, actor: str, note: str = "", encoder=None,
           ctx: Optional[Context] = None) -> Submission:
    """Accept a submission and turn it into a signature (block for a missed attack, allow for a
    false positive) that the next batch job or stream run uses, before any retraining."""
    sub = queue.decide(sid, "accepted", actor, note)
    make_signature(queue, sub, encoder, ctx)
    return queue.get(sid)


def make_signature(queue: MissQueue, sub: Submission, encoder=None,
                   ctx: Optional[Context] = None) -> Optional[str]:
    """The submission's signature: its embedding, indicators and fingerprints (who provably sent
    it, with the organisation's config: ``ctx``, the default config when None)."""
    from features.parsing import ParseError, parse_message
    from features.text import TextEncoder, embedding_text
    try:
        msg = parse_message(queue.raw(sub.id))
    except ParseError as exc:          # stays accepted (a training example); no signature
        queue.log_event(sub.id, "sedetect", "no-signature", f"unparseable: {exc}")
        return None
    vec = (encoder or TextEncoder()).encode([embedding_text(msg)])[0]
    kind = "block" if sub.label == "malicious" else "allow"
    marks = indicators_of(msg) | fingerprint(msg, ctx or Context(load_org()))
    return queue.add_signature(sub.id, kind, vec.astype("float32").tobytes(), marks)


def load_signatures(queue: Optional[MissQueue] = None) -> Optional[SignatureIndex]:
    """The active signatures, or None when there are none (or no queue yet)."""
    from detectors.registry import sedetect_home
    if queue is None:
        if not (sedetect_home() / "misses.db").is_file():
            return None
        queue = MissQueue.default()
    index = SignatureIndex.from_rows(queue.signatures())
    return index if len(index) else None


def record_matches(counts: dict[str, int], queue: Optional[MissQueue] = None,
                   overrides: Optional[dict[str, int]] = None) -> None:
    """Add a scoring job's signature match counts to the queue (the analyst's 'matched since'),
    and the allow signatures' clearing of messages the model called malicious."""
    if counts or overrides:
        q = queue or MissQueue.default()
        q.count_matches(counts)
        q.count_overrides(overrides or {})
