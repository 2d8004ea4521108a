"""Miss signatures: an accepted report changes verdicts at once, before any retraining.

A block signature (an analyst's missed attack) catches the rest of its campaign; an allow signature
(a reported false alarm) clears the rest of that sender's family of honest mail. A signature keeps
the MiniLM embedding of the message's subject and current-thread text, its indicators (sender and
reply-to domains, link domains, attachment hashes) and its fingerprints (features/fingerprints.py):
a MinHash of the visible text's word shingles, the HTML skeleton, kit marks (where forms post,
the shape of foreign link paths), who provably sent it and whether its identity was broken.

Block: a message matches when its text is a near-duplicate of the miss (embedding cosine, or
shingle Jaccard, which survives a replaced opening, invisible padding and a new subject), a close
relative that also shares a specific indicator, the same attachment, or the same kit (a kit mark
and the same HTML skeleton or half the shingles). Wording never blocks a sender whose identity is
proven and coherent unless it is the reported sender itself: a phishing kit copies real templates.
Allow: a message is cleared only when it comes from the same provable sender (the authenticated
organisational domain, or the exact From address without trusted authentication), its identity is
not broken (no unbacked brand claim, no lookalike, no foreign action link), it is of the same
family (embedding, shingles or HTML skeleton), and, when only the From address names the sender,
it links nowhere the reported message did not. The same template from any other sender is not.

Either way the verdict row names the signature and its similarity, and the first reason says which
submission matched and by which fingerprint. Block candidates by text come from an LSH index over
the MinHash bands and one matrix product over the embeddings; allow candidates from the sender key:
the cost grows with the candidates, not with the number of signatures.
"""
from __future__ import annotations

import io
import json
from dataclasses import dataclass
from typing import Optional, Sequence

import numpy as np

from features.domains import registrable_domain
from features.fingerprints import jaccard
from features.message import Attachment, ParsedMessage

# Cosine similarity of MiniLM embeddings. Chosen on the shared corpora (see README, "The miss
# flywheel"): at NEAR_DUPLICATE no benign message of any corpus matched a signature built from a
# phishing campaign.
NEAR_DUPLICATE = 0.92
RELATED = 0.80            # enough together with a shared specific indicator
# Shingle Jaccard (MinHash estimate) at which two texts are one campaign, or one family of a
# sender's notices; a kit mark with this much shared text (or the same HTML skeleton) is the kit.
SAME_TEXT = 0.5
SAME_KIT_TEXT = 0.3
_BANDS, _ROWS = 16, 4     # LSH over 64 MinHash values: candidates from Jaccard ~0.5 up
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
        "attachment_kinds": sorted({attachment_kind(a) for a in msg.attachments}),
    }


def attachment_kind(a: Attachment) -> str:
    """What an attachment is, as a person would name it: its file extension (".pdf", ".docm"),
    else its declared content type; a zip's members' kinds after it (".zip:.exe")."""
    name = (a.filename or "").lower()
    kind = "." + name.rsplit(".", 1)[1] if "." in name else (a.content_type or "")
    leaves = (m.path.lower().rsplit("/", 1)[-1] for m in a.members)
    inner = sorted({"." + leaf.rsplit(".", 1)[1] for leaf in leaves if "." in leaf})
    return kind + "".join(f":{k}" for k in inner)


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
    similarity: float         # embeddings cosine, or a fingerprint's closeness on that scale
    shared: tuple[str, ...]   # the indicators both carry
    how: str = "text"         # the fingerprint that matched, in words

    def reason(self) -> str:
        what = ("near-duplicate of reported miss" if self.kind == "block"
                else "matches reported false positive")
        extra = f"; shares {', '.join(self.shared[:3])}" if self.shared else ""
        return (f"signature: {what} #{self.submission_id} ({self.signature_id}, {self.how}, "
                f"similarity {self.similarity:.2f}{extra})")


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
        self._hashes: dict[str, int] = {}
        self._bands: dict[tuple, list[int]] = {}        # (band, values) -> block signatures
        self._kits: dict[str, list[int]] = {}           # kit mark -> block signatures
        self._senders: dict[str, list[int]] = {}        # sender key -> allow signatures
        self._minhash: dict[int, np.ndarray] = {}
        for j, ind in enumerate(self.indicators):
            for h in ind.get("attachment_sha256", ()):
                self._hashes.setdefault(h, j)
            mh = ind.get("minhash")
            if mh:
                self._minhash[j] = np.asarray(mh, dtype=np.uint32)
            if self.kinds[j] == "block":
                if j in self._minhash:
                    for key in _band_keys(self._minhash[j]):
                        self._bands.setdefault(key, []).append(j)
                for mark in ind.get("kit", ()):
                    self._kits.setdefault(mark, []).append(j)
            elif ind.get("sender_key"):
                self._senders.setdefault(ind["sender_key"], []).append(j)
        self._legacy_allow = [j for j, k in enumerate(self.kinds)
                              if k == "allow" and not self.indicators[j].get("sender_key")]

    def __len__(self) -> int:
        return len(self.ids)

    def match(self, embeddings: Optional[np.ndarray],
              indicators: Sequence[dict]) -> list[Optional[Match]]:
        """The strongest match per message, or None. ``indicators`` are each message's
        ``indicators_of`` merged with its fingerprint (features/fingerprints.py); an embedding row
        of NaN (the cascade skipped the encoder) matches by fingerprints only. Allow signatures
        win ties over block ones only when strictly more similar: an analyst's block is not undone
        by a look-alike."""
        n = len(indicators)
        if not self.ids or n == 0:
            return [None] * n
        sims = None
        if embeddings is not None and len(embeddings):
            E = np.nan_to_num(np.asarray(embeddings, dtype=np.float32), nan=0.0)
            sims = E @ self.embeddings.T                          # (n, m)
        out: list[Optional[Match]] = []
        for i in range(n):
            row = sims[i] if sims is not None else None
            out.append(self._best(row, indicators[i]))
        return out

    def _best(self, row: Optional[np.ndarray], ind: dict) -> Optional[Match]:
        best: Optional[Match] = None
        mh = np.asarray(ind["minhash"], dtype=np.uint32) if ind.get("minhash") else None
        proven_other = ind.get("sender_key", "").startswith("org:") and \
            not ind.get("identity_broken")
        # -- block: wording (embedding, shingles), unless a proven coherent sender other than the
        #    reported one wrote it; attachment and kit always
        def wording_may_block(j: int) -> bool:
            return not proven_other or self.indicators[j].get("sender_key") == ind.get("sender_key")
        if row is not None:
            for j in np.flatnonzero(row >= self.related):
                if self.kinds[j] != "block" or not wording_may_block(j):
                    continue
                shared = shared_indicators(ind, self.indicators[j])
                if row[j] >= self.near_duplicate or shared:
                    best = _stronger(best, self._match(j, float(row[j]), shared, "text embedding"))
        if mh is not None:
            for j in {j for key in _band_keys(mh) for j in self._bands.get(key, ())}:
                jac = jaccard(mh, self._minhash[j])
                if jac >= SAME_TEXT and wording_may_block(j):
                    best = _stronger(best, self._match(j, _on_cosine_scale(jac), [],
                                                       f"text fingerprint, Jaccard {jac:.2f}"))
        for mark in ind.get("kit", ()):
            for j in self._kits.get(mark, ()):
                same_layout = _same_layout(ind, self.indicators[j])
                jac = jaccard(mh, self._minhash.get(j))
                if same_layout or jac >= SAME_KIT_TEXT:
                    best = _stronger(best, self._match(j, _on_cosine_scale(max(jac, SAME_TEXT)), [],
                                                       f"kit: {mark}"))
        for h in ind.get("attachment_sha256", ()):                 # the same attachment
            j = self._hashes.get(h)
            if j is not None and self.kinds[j] == "block":
                sim = max(float(row[j]) if row is not None else 0.0, self.near_duplicate)
                best = _stronger(best, self._match(j, sim, [f"attachment {h[:16]}"], "attachment"))
        # -- allow: the same provable sender, identity unbroken, the same family
        if not ind.get("identity_broken"):
            for j in self._senders.get(ind.get("sender_key", ""), ()):
                sig = self.indicators[j]
                if not _payload_within(ind, sig):
                    continue
                jac = jaccard(mh, self._minhash.get(j))
                cos = float(row[j]) if row is not None else 0.0
                layout = _same_layout(ind, sig)
                if jac >= SAME_TEXT or cos >= self.related or layout:
                    how = (f"same sender {ind['sender_key'][ind['sender_key'].index(':') + 1:]}, "
                           + ("same HTML layout" if layout and jac < SAME_TEXT and
                              cos < self.related else "same family of text"))
                    sim = max(cos, _on_cosine_scale(jac), self.related if layout else 0.0)
                    best = _stronger(best, self._match(j, sim, [], how))
            if row is not None:          # allow signatures made before fingerprints existed
                for j in self._legacy_allow:
                    shared = shared_indicators(ind, self.indicators[j])
                    if row[j] >= self.related and any(x.startswith("sender") for x in shared):
                        best = _stronger(best, self._match(j, float(row[j]), shared,
                                                           "text embedding and sender"))
        return best

    def _match(self, j: int, sim: float, shared: list[str], how: str) -> Match:
        return Match(self.ids[j], self.submission_ids[j], self.kinds[j], min(sim, 1.0),
                     tuple(shared), how)

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


def _payload_within(ind: dict, sig: dict) -> bool:
    """Without trusted authentication anyone can write the reported From address: an allow keyed
    on it holds only while the message links nowhere (common sites aside), attaches no kind of
    file and makes no kind of concrete ask (features/data/goal_asks.yaml: a changed bank
    account, gift cards, crypto, credentials ...) that the reported one did not. A vendor's next
    PDF invoice clears; a spoof that keeps the reported text and adds an executable, a macro
    document, an HTML form or "our bank details have changed" inherits nothing. (A signature made
    before kinds were kept compares the files themselves; one made before asks were kept counts
    as having none.) An authenticated organisation's own mail is not held to that."""
    if not str(sig.get("sender_key", "")).startswith("from:"):
        return True
    new_links = set(ind.get("link_domains", ())) - set(sig.get("link_domains", ())) - COMMON_DOMAINS
    if "attachment_kinds" in sig:
        new_files = set(ind.get("attachment_kinds", ())) - set(sig["attachment_kinds"])
    else:
        new_files = set(ind.get("attachment_sha256", ())) - set(sig.get("attachment_sha256", ()))
    new_asks = set(ind.get("asks", ())) - set(sig.get("asks", ()))
    return not new_links and not new_files and not new_asks


def _band_keys(mh: np.ndarray) -> list[tuple]:
    return [(b, mh[b * _ROWS:(b + 1) * _ROWS].tobytes()) for b in range(_BANDS)]


def _same_layout(ind: dict, sig: dict) -> bool:
    """Both carry the same (non-empty) HTML skeleton."""
    return bool(ind.get("skeleton")) and ind.get("skeleton") == sig.get("skeleton")


def _on_cosine_scale(jac: float) -> float:
    """A shingle Jaccard as a similarity on the embeddings' scale, so that one number orders
    matches and sets the lifted score: half the shingles reads as RELATED, all as 1."""
    return RELATED + (1 - RELATED) * min(1.0, max(0.0, (jac - SAME_TEXT) / (1 - SAME_TEXT)))


def _stronger(a: Optional[Match], b: Match) -> Match:
    if a is None:
        return b
    if b.similarity > a.similarity or (b.similarity == a.similarity and b.kind == "block"
                                       and a.kind != "block"):
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
