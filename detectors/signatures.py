"""Miss signatures: an accepted miss is caught again at once, before any retraining.

A signature is the embedding of the miss's subject and current-thread text plus its indicators
(sender and reply-to domains, link domains, attachment hashes). Scoring compares every message
with every signature (one matrix product: thousands of signatures cost milliseconds per batch) and
a message matches when its text is a near-duplicate of the miss, or a close relative that also
shares a specific indicator, or carries the same attachment. A match on an analyst's missed
attack ("block") lifts the verdict to malicious; a match on a reported false positive ("allow")
lowers it to benign. Either way the verdict row names the signature and its similarity, and the
first reason says which submission matched.
"""
from __future__ import annotations

import io
import json
from dataclasses import dataclass
from typing import Optional, Sequence

import numpy as np

from features.domains import registrable_domain
from features.message import ParsedMessage

# Cosine similarity of MiniLM embeddings. Chosen on the shared corpora (see README, "The miss
# flywheel"): at NEAR_DUPLICATE no benign message of any corpus matched a signature built from a
# phishing campaign.
NEAR_DUPLICATE = 0.92
RELATED = 0.80            # enough together with a shared specific indicator
# Domains shared by unrelated mail: sharing them says nothing about a campaign.
COMMON_DOMAINS = frozenset({
    "gmail.com", "googlemail.com", "yahoo.com", "hotmail.com", "outlook.com", "live.com",
    "aol.com", "icloud.com", "google.com", "microsoft.com", "office.com", "live.net",
    "facebook.com", "twitter.com", "x.com", "linkedin.com", "instagram.com", "youtube.com",
    "apple.com", "amazon.com", "w3.org", "mailchimp.com", "list-manage.com", "sendgrid.net",
    "bit.ly", "t.co", "goo.gl", "tinyurl.com", "wikipedia.org", "github.com", "gmx.de",
    "web.de", "mail.ru", "yandex.ru", "protonmail.com", "proton.me",
})


def indicators_of(msg: ParsedMessage) -> dict:
    """The specific, shareable facts of a message (lists, sorted, for JSON)."""
    def dom(d: str) -> str:
        return registrable_domain(d) if d else ""
    senders = {dom(msg.from_.domain)} if msg.from_ and msg.from_.domain else set()
    senders |= {dom(a.domain) for a in msg.reply_to if a.domain}
    if "@" in (msg.return_path or ""):
        senders.add(dom(msg.return_path.rsplit("@", 1)[1]))
    return {
        "sender_domains": sorted(d for d in senders if d),
        "link_domains": sorted({dom(link.host) for link in msg.links if link.host} - {""}),
        "attachment_sha256": sorted({a.sha256 for a in msg.attachments if a.sha256}),
    }


def shared_indicators(a: dict, b: dict) -> list[str]:
    """Indicators two messages share, common domains excluded."""
    out = []
    for key in ("sender_domains", "link_domains", "attachment_sha256"):
        common = set(a.get(key, ())) & set(b.get(key, ())) - COMMON_DOMAINS
        out.extend(f"{key.split('_')[0]} {v[:16]}" for v in sorted(common))
    return out


@dataclass(frozen=True)
class Match:
    signature_id: str
    submission_id: int
    kind: str                 # block | allow
    similarity: float         # cosine of the texts' embeddings
    shared: tuple[str, ...]   # the indicators both carry

    def reason(self) -> str:
        what = ("near-duplicate of reported miss" if self.kind == "block"
                else "matches reported false positive")
        extra = f"; shares {', '.join(self.shared[:3])}" if self.shared else ""
        return (f"signature: {what} #{self.submission_id} ({self.signature_id}, similarity "
                f"{self.similarity:.2f}{extra})")


class SignatureIndex:
    """All active signatures; ``match`` finds the best one for each message of a batch."""

    def __init__(self, ids: Sequence[str], submission_ids: Sequence[int], kinds: Sequence[str],
                 embeddings: np.ndarray, indicators: Sequence[dict],
                 near_duplicate: float = NEAR_DUPLICATE, related: float = RELATED):
        self.ids = list(ids)
        self.submission_ids = [int(s) for s in submission_ids]
        self.kinds = list(kinds)
        self.embeddings = np.asarray(embeddings, dtype=np.float32)
        if self.embeddings.ndim != 2 or len(self.embeddings) != len(self.ids):
            raise ValueError(f"{len(self.ids)} signatures but embeddings of shape "
                             f"{self.embeddings.shape}")
        self.indicators = list(indicators)
        self.near_duplicate = near_duplicate
        self.related = related
        self._hashes = {}
        for j, ind in enumerate(self.indicators):
            for h in ind.get("attachment_sha256", ()):
                self._hashes.setdefault(h, j)

    def __len__(self) -> int:
        return len(self.ids)

    def match(self, embeddings: np.ndarray, indicators: Sequence[dict]) -> list[Optional[Match]]:
        """The strongest match per message, or None. Allow signatures win ties over block ones
        only when strictly more similar: an analyst's block is not undone by a look-alike."""
        n = len(indicators)
        if not self.ids or n == 0:
            return [None] * n
        sims = np.asarray(embeddings, dtype=np.float32) @ self.embeddings.T     # (n, m)
        out: list[Optional[Match]] = []
        for i in range(n):
            row = sims[i]
            best: Optional[Match] = None
            for j in np.flatnonzero(row >= self.related):
                shared = shared_indicators(indicators[i], self.indicators[j])
                if row[j] >= self.near_duplicate or shared:
                    best = _stronger(best, self._match(j, float(row[j]), shared))
            for h in indicators[i].get("attachment_sha256", ()):   # the same attachment
                j = self._hashes.get(h)
                if j is not None:
                    best = _stronger(best, self._match(j, max(float(row[j]), self.near_duplicate),
                                                       [f"attachment {h[:16]}"]))
            out.append(best)
        return out

    def _match(self, j: int, sim: float, shared: list[str]) -> Match:
        return Match(self.ids[j], self.submission_ids[j], self.kinds[j], min(sim, 1.0),
                     tuple(shared))

    # -- storage: plain arrays and JSON, no pickle ----------------------------------------------

    def to_bytes(self) -> bytes:
        buf = io.BytesIO()
        meta = {"ids": self.ids, "submission_ids": self.submission_ids, "kinds": self.kinds,
                "indicators": self.indicators, "near_duplicate": self.near_duplicate,
                "related": self.related}
        np.savez(buf, embeddings=self.embeddings,
                 meta=np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8))
        return buf.getvalue()

    @classmethod
    def from_bytes(cls, blob: bytes) -> "SignatureIndex":
        with np.load(io.BytesIO(blob), allow_pickle=False) as z:
            meta = json.loads(z["meta"].tobytes())
            return cls(meta["ids"], meta["submission_ids"], meta["kinds"], z["embeddings"],
                       meta["indicators"], meta["near_duplicate"], meta["related"])

    @classmethod
    def from_rows(cls, rows) -> "SignatureIndex":
        """From the queue's ``signatures`` rows (id, submission_id, kind, embedding, indicators)."""
        rows = list(rows)
        emb = (np.stack([np.frombuffer(r["embedding"], dtype=np.float32) for r in rows])
               if rows else np.zeros((0, 384), dtype=np.float32))
        return cls([r["id"] for r in rows], [r["submission_id"] for r in rows],
                   [r["kind"] for r in rows], emb, [json.loads(r["indicators"]) for r in rows])


def _stronger(a: Optional[Match], b: Match) -> Match:
    if a is None:
        return b
    if b.similarity > a.similarity or (b.similarity == a.similarity and b.kind == "block"):
        return b
    return a


def apply_match(score: float, verdict: str, reasons: list[str], match: Optional[Match],
                thresholds: dict) -> tuple[float, str, list[str]]:
    """The verdict after the signatures: a block match is at least malicious, an allow match at
    most benign, and the matching signature is the first reason."""
    if match is None:
        return score, verdict, reasons
    if match.kind == "block":
        closeness = max(0.0, (match.similarity - RELATED) / (1 - RELATED))
        score = max(score, thresholds["malicious"] + (1 - thresholds["malicious"]) * closeness)
        return min(score, 1.0), "malicious", [match.reason()] + reasons
    score = min(score, thresholds["suspicious"] * (1 - match.similarity))
    return score, "benign", [match.reason()]
