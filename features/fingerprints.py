"""Fingerprints of a message that survive rewording, and the key of who provably sent it.

An analyst's report becomes a signature (detectors/signatures.py). One embedding of the opening
text is easy to escape: a campaign that changes its first paragraph, pads the top with invisible
text or swaps the subject keeps most of its words, its HTML layout and its kit. So a signature also
keeps:
- a MinHash of the visible text's word shingles (subject and current thread, invisible characters
  dropped, lower case): Jaccard similarity of the shingle sets, estimated in microseconds, which a
  replaced opening paragraph lowers only by that paragraph's share;
- the HTML skeleton: a hash of the sequence of tags (no text, no attributes), which a kit keeps
  when it changes every word;
- kit marks: where its forms post to, and the shape of its link paths on hosts that are not the
  sender's (host plus path with numbers and tokens masked: ``evil.example/{n}/login.php``, and a
  specific path alone, since campaigns change hosts every wave).

A report of a false alarm clears mail of the same family from the same sender only, so its key is
who provably sent it: the authenticated organisational domain when the receiver's authentication
proves one (features/identity.py), else the exact From address.
"""
from __future__ import annotations

import hashlib
import re
import zlib
from functools import lru_cache
from typing import Optional

import numpy as np

from features.context import Context
from features.domains import is_ip_host, registrable_domain
from features.goal import asks_found
from features.identity import Identity, identity_of
from features.lexicon import normalize_text
from features.message import ParsedMessage

NUM_PERM = 64             # MinHash permutations: Jaccard estimated within about +-0.06
SHINGLE_WORDS = 4         # words per shingle
MAX_SHINGLES = 400        # of the visible text's opening: enough for any template
MIN_SHINGLES = 8          # fewer and the text says too little to fingerprint
_SEED = 20261204          # fixed: signatures are stored and compared across processes
_WORD_RE = re.compile(r"\w+", re.UNICODE)
_TAG_RE = re.compile(r"<\s*([a-zA-Z][a-zA-Z0-9]*)")
_FORM_RE = re.compile(r"<\s*form\b[^>]*\baction\s*=\s*[\"']?([^\"'\s>]+)", re.IGNORECASE)
_TOKEN_RE = re.compile(r"[0-9]+|[A-Za-z0-9_-]{16,}")


def visible_words(msg: ParsedMessage) -> list[str]:
    """The words a reader sees: subject and current thread, normalised (invisible characters
    dropped, lower case, accents stripped)."""
    text = normalize_text(f"{msg.subject}\n{msg.current_text or msg.text or ''}")
    return _WORD_RE.findall(text)


def shingles(words: list[str]) -> list[bytes]:
    n = SHINGLE_WORDS
    out = {" ".join(words[i:i + n]).encode() for i in range(max(0, len(words) - n + 1))}
    return sorted(out)[:MAX_SHINGLES] if len(out) > MAX_SHINGLES else list(out)


@lru_cache(maxsize=1)
def _permutations() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.RandomState(_SEED)
    prime = np.uint64((1 << 61) - 1)
    a = rng.randint(1, int(prime), size=NUM_PERM, dtype=np.uint64)
    b = rng.randint(0, int(prime), size=NUM_PERM, dtype=np.uint64)
    return a, b


def minhash(items: list[bytes]) -> Optional[np.ndarray]:
    """MinHash signature (NUM_PERM uint32 values) of a set of byte strings; None when the set is
    too small to say anything. The same construction as datasketch's MinHash (universal hashing
    modulo a Mersenne prime), with CRC-32 as the base hash so that it is fast and stable."""
    if len(items) < MIN_SHINGLES:
        return None
    a, b = _permutations()
    h = np.fromiter((zlib.crc32(x) for x in items), dtype=np.uint64, count=len(items))
    prime = np.uint64((1 << 61) - 1)
    phv = ((np.outer(h, a) + b) % prime) & np.uint64(0xFFFFFFFF)
    return phv.min(axis=0).astype(np.uint32)


def text_minhash(msg: ParsedMessage) -> Optional[np.ndarray]:
    return minhash(shingles(visible_words(msg)))


def html_skeleton(msg: ParsedMessage) -> str:
    """A hash of the HTML body's tag sequence ("" without HTML): the layout without its words."""
    if not msg.html:
        return ""
    tags = _TAG_RE.findall(msg.html[:200_000])
    if len(tags) < 8:
        return ""
    return hashlib.blake2b(" ".join(t.lower() for t in tags).encode(), digest_size=8).hexdigest()


def _path_shape(url: str) -> tuple[str, str]:
    """(host, path) of a URL with numbers and long tokens masked; a bare IP host is "{ip}"
    (kits hop between addresses, not between paths)."""
    rest = url.split("://", 1)[-1]
    host, _, path = rest.partition("/")
    host = host.lower().rsplit("@", 1)[-1]
    if is_ip_host(host.split(":", 1)[0]):
        host = "{ip}"
    path = path.split("?", 1)[0].split("#", 1)[0]
    return host, _TOKEN_RE.sub("{n}", path)


def kit_marks(msg: ParsedMessage, ident: Identity, ctx: Context) -> list[str]:
    """Where the message's forms post to and the shape of its links on hosts that are not the
    sender's own and not everyone's (popular sites, ESP trackers, shorteners): what a phishing kit
    keeps when its wording changes. A specific path (two segments or more, 12+ characters) is
    also a mark without its host: campaigns register a new host for every wave."""
    marks = set()
    for action in _FORM_RE.findall(msg.html[:200_000] if msg.html else ""):
        if "://" in action:
            host, path = _path_shape(action)
            marks.add(f"form {host}/{path}")
    own, org = ident.from_org, ctx.org
    common = (org.popular_domains, org.neutral_link_hosts, org.url_shorteners)  # not a union:
    #                                               that copies ten thousand names per message
    for lk in msg.links[:200]:
        if not lk.host or "/" not in lk.url.split("://", 1)[-1]:
            continue
        reg = registrable_domain(lk.host)
        if reg == own or any(reg in names for names in common):
            continue
        host, path = _path_shape(lk.url)
        if len(path) >= 4:
            marks.add(f"link {host}/{path}")
        if path.count("/") >= 1 and len(path) >= 12:
            marks.add(f"path /{path}")
    return sorted(marks)[:20]


def sender_key(msg: ParsedMessage, ident: Identity) -> str:
    """Who provably sent the message: "org:<domain>" when the receiver's authentication proves
    its organisation, else "from:<address>" (anyone can write a From address, so a false-alarm
    report keyed on it clears only that exact address, and only while identity is unbroken)."""
    if ident.proves_organisation:
        return f"org:{ident.proven_org}"
    addr = (msg.from_.address or "").lower() if msg.from_ is not None else ""
    return f"from:{addr}" if addr else ""


def identity_broken(ident: Identity) -> list[str]:
    """The ways the message's identity is broken (none: it may inherit an allow): a brand claim its
    sender does not back, a sender domain imitating another, look-alike or risky links, a sign-in
    or payment link on a foreign host."""
    out = []
    if ident.unbacked:
        out.append("claims " + ", ".join(ident.unbacked))
    if ident.imitates:
        out.append(f"imitates {ident.imitates}")
    if ident.lookalike_links:
        out.append("look-alike links")
    if ident.foreign_actions:
        out.append("action link on a foreign host")
    if ident.risky_links:
        out.append("risky links")
    return out


def fingerprint(msg: ParsedMessage, ctx: Context) -> dict:
    """Everything a signature keeps of a message and everything matching needs, as plain values
    (the MinHash as a list of ints, for JSON)."""
    ident = identity_of(msg, ctx)
    mh = text_minhash(msg)
    return {"minhash": mh.tolist() if mh is not None else None,
            "skeleton": html_skeleton(msg),
            "kit": kit_marks(msg, ident, ctx),
            "sender_key": sender_key(msg, ident),
            "identity_broken": identity_broken(ident),
            # The kinds of concrete ask (a changed bank account, gift cards, crypto ...).
            "asks": sorted({theme for theme, _ in asks_found(msg)})}


def jaccard(a: Optional[np.ndarray], b: Optional[np.ndarray]) -> float:
    """Estimated Jaccard similarity of two MinHash signatures (0 when either is missing or they
    were made with different numbers of permutations)."""
    if a is None or b is None or len(a) != len(b):
        return 0.0
    return float(np.count_nonzero(np.asarray(a) == np.asarray(b))) / len(a)

