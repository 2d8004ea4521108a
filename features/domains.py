"""Domain helpers for the impersonation and payload signals: organisational (registrable) domains,
confusable skeletons, edit distance and lookalike detection. Pure, offline (the Public Suffix List
snapshot that tldextract bundles, never downloaded) and cached where the same strings recur on
every message."""
from __future__ import annotations

import codecs
import ipaddress
import re
import unicodedata
from functools import lru_cache
from typing import Iterable, Optional

import tldextract

# The Public Suffix List (ICANN section) as tldextract bundles it: no download, no cache on disk.
# Private-section suffixes (blogspot.com, github.io) are left out on purpose: the organisation that
# controls mail for x.blogspot.com is blogspot.com, and free-hosting lists name those hosts.
_PSL = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None, include_psl_private_domains=False)

# Confusable characters -> the Latin letter they imitate (after NFKC and casefold).
_CONFUSABLES: dict[str, str] = {
    # Cyrillic
    "а": "a", "в": "b", "е": "e", "ё": "e", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p",
    "с": "c", "т": "t", "у": "y", "х": "x", "ѕ": "s", "і": "i", "ї": "i", "ј": "j", "һ": "h",
    "ԁ": "d", "ԛ": "q", "ԝ": "w", "ӏ": "l", "ɡ": "g", "ү": "y", "ս": "u", "ь": "b", "г": "r",
    "п": "n", "ш": "w", "ѡ": "w", "ԍ": "g", "ᴠ": "v",
    # Greek
    "α": "a", "β": "b", "ε": "e", "η": "n", "ι": "i", "κ": "k", "ν": "v", "ο": "o", "ρ": "p",
    "τ": "t", "υ": "u", "χ": "x", "ϲ": "c", "γ": "y", "ω": "w", "ϳ": "j", "ς": "c", "μ": "u",
    # Armenian and other Latin look-alikes
    "օ": "o", "ց": "g", "հ": "h", "ɑ": "a", "ı": "i", "ȷ": "j", "ł": "l", "ƚ": "l", "ɩ": "i",
    "ɵ": "o", "ø": "o", "đ": "d", "ħ": "h",
    # digits
    "0": "o", "1": "l",
}
_CONFUSABLE_TABLE = str.maketrans(_CONFUSABLES)
# Characters that render as nothing (or as a blank) and are slipped into words and names to break
# matching: soft hyphen, zero-width and bidi controls, invisible operators, Mongolian vowel
# separator, Hangul fillers, variation selectors, Unicode tag characters.
INVISIBLE_CHARS = ("\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f"
                   "\u202a-\u202e\u2060-\u2064\u2066-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0"
                   "\U000e0000-\U000e007f\U000e0100-\U000e01ef")
INVISIBLE_RE = re.compile(f"[{INVISIBLE_CHARS}]")
_INVISIBLE_RE = INVISIBLE_RE
# A word that mixes Latin letters with Cyrillic or Greek ones ("pаssword" with a Cyrillic а).
# Anchored at a word start and lazy, so each word is scanned once (linear on any text).
_MIXED_WORD_RE = re.compile(r"(?<!\w)\w*?[\u0370-\u03ff\u0400-\u052f]\w*")
_LATIN_RE = re.compile(r"[a-zA-Z]")
_COMBINING_RE = re.compile(r"[\u0300-\u036f]")

# Words attackers glue to a brand or vendor label ("paypal-secure", "appleid-support", "myamazon").
_FILLER_WORDS: frozenset[str] = frozenset({
    "secure", "security", "login", "logon", "signin", "verify", "verification", "account",
    "accounts", "support", "service", "services", "update", "online", "mail", "help", "billing",
    "auth", "id", "team", "center", "centre", "alert", "alerts", "notice", "notification",
    "payment", "payments", "pay", "customer", "app", "web", "my", "portal", "info", "official",
    "confirm", "access", "client", "care", "member", "user", "safe", "protect", "invoice", "cloud",
    "server", "host", "docs", "doc", "file", "files", "share", "drive", "inc", "corp", "group",
    "us", "usa", "uk", "de", "br", "eu", "intl", "global", "net", "now", "desk", "helpdesk",
    "recovery", "unlock", "wallet", "store", "shop", "refund", "tax", "bank", "banking",
})

_IPV4_LOOSE_RE = re.compile(r"^(?:0x[0-9a-f]+|\d+)(?:\.(?:0x[0-9a-f]+|\d+)){0,3}$")


def _clean_host(host: str) -> str:
    h = (host or "").strip().lower().rstrip(".")
    if h.startswith("[") and "]" in h:            # [IPv6] or [IPv4]
        return h[1:h.index("]")]
    if h.count(":") == 1:                          # host:port
        h = h.split(":", 1)[0]
    return h


@lru_cache(maxsize=8192)
def to_unicode(host: str) -> str:
    """Lower-cased host with punycode (xn--) labels decoded, so lookalikes compare as they look."""
    h = _clean_host(host)
    if "xn--" not in h:
        return h
    out = []
    for label in h.split("."):
        if label.startswith("xn--"):
            try:
                label = codecs.decode(label[4:].encode("ascii"), "punycode").lower()
            except (UnicodeError, ValueError):
                pass
        out.append(label)
    return ".".join(out)


@lru_cache(maxsize=8192)
def registrable_domain(host: str) -> str:
    """The organisational domain (DMARC, RFC 7489 section 3.2): example.co.uk from a.b.example.co.uk,
    from the Public Suffix List. Who controls the host. A host under no known suffix keeps its
    last two labels; an IP literal is returned as it is."""
    h = _clean_host(host)
    if not h or is_ip_host(h):
        return h
    labels = [x for x in h.split(".") if x]
    if len(labels) <= 1:
        return ".".join(labels)
    ext = _PSL.extract_str(".".join(labels))
    if ext.domain and ext.suffix:
        return f"{ext.domain}.{ext.suffix}"
    return ".".join(labels[-2:])


def split_registrable(domain: str) -> tuple[str, str]:
    """(label, suffix) of a registrable domain: ('paypal', 'co.uk') - the label is what gets spoofed."""
    reg = registrable_domain(domain)
    label, _, suffix = reg.partition(".")
    return label, suffix


@lru_cache(maxsize=16384)
def skeleton(s: str) -> str:
    """Confusables skeleton: strings that render alike (pаypal, paypa1, rnicrosoft) map to one form."""
    t = unicodedata.normalize("NFKC", s or "").casefold()
    t = _INVISIBLE_RE.sub("", t)
    t = t.translate(_CONFUSABLE_TABLE)
    if not t.isascii():
        # Latin letters with diacritics (é, ë) look like their base letter.
        t = _COMBINING_RE.sub("", unicodedata.normalize("NFD", t))
        t = unicodedata.normalize("NFC", t).translate(_CONFUSABLE_TABLE)
    return t.replace("rn", "m").replace("vv", "w")


def strip_invisible(text: str) -> str:
    """``text`` without invisible characters, so "pass\u2062word" reads as "password"."""
    if not text or text.isascii():
        return text
    return INVISIBLE_RE.sub("", text)


def _fold_word(m: re.Match[str]) -> str:
    word = m.group(0)
    return word.translate(_CONFUSABLE_TABLE) if _LATIN_RE.search(word) else word


def fold_mixed_script(text: str) -> str:
    """Latin words with Cyrillic/Greek look-alike letters spelled in Latin ("pаssword" ->
    "password"); words wholly in Cyrillic or Greek are left alone (real Russian or Greek text)."""
    if not text or text.isascii():
        return text
    return _MIXED_WORD_RE.sub(_fold_word, text)


def edit_distance(a: str, b: str, max_dist: Optional[int] = None) -> int:
    """Damerau-Levenshtein (optimal string alignment) distance; stops early past ``max_dist``."""
    if a == b:
        return 0
    la, lb = len(a), len(b)
    if max_dist is not None and abs(la - lb) > max_dist:
        return max_dist + 1
    if not la or not lb:
        return max(la, lb)
    if max_dist is not None and len(set(a) ^ set(b)) > 2 * max_dist:
        return max_dist + 1          # each edit changes the character set by at most two
    prev2: list[int] = []
    prev = list(range(lb + 1))
    for i in range(1, la + 1):
        cur = [i] + [0] * lb
        ca = a[i - 1]
        row_min = i
        for j in range(1, lb + 1):
            cb = b[j - 1]
            cost = 0 if ca == cb else 1
            v = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                v = min(v, prev2[j - 2] + 1)
            cur[j] = v
            if v < row_min:
                row_min = v
        if max_dist is not None and row_min > max_dist:
            return max_dist + 1
        prev2, prev = prev, cur
    return prev[lb]


def is_ip_host(host: str) -> bool:
    """True for a literal IP host (also 0x7f.1, 3232235777 forms): links that avoid DNS names."""
    h = _clean_host(host)
    if not h:
        return False
    try:
        ipaddress.ip_address(h)
        return True
    except ValueError:
        pass
    if _IPV4_LOOSE_RE.match(h):
        # Dotted/hex/decimal integer forms browsers accept; a bare short number is not a host.
        return "." in h or h.startswith("0x") or len(h) >= 8
    return False


def is_punycode(raw_host: str) -> bool:
    """True when a host is an IDN (an xn-- label or non-ASCII): homograph attacks live there."""
    h = (raw_host or "").lower()
    return (not h.isascii()) or h.startswith("xn--") or ".xn--" in h


def _embeds(label_skel: str, cand_label: str) -> bool:
    """The candidate label appears glued into a label with hyphens or filler words."""
    if len(cand_label) < 3 or cand_label not in label_skel or label_skel == cand_label:
        return False
    tokens = [t for t in label_skel.split("-") if t]
    if cand_label in tokens:
        return True
    if "-" in cand_label and f"-{cand_label}-" in f"-{label_skel}-":
        return True
    if len(cand_label) < 4:
        return False
    for tok in tokens:
        if tok.startswith(cand_label) and tok[len(cand_label):] in _FILLER_WORDS:
            return True
        if tok.endswith(cand_label) and tok[:-len(cand_label)] in _FILLER_WORDS:
            return True
    return False


def _lookalike_kind(host: str, reg: str, cand: str) -> int:
    """0 when not alike; otherwise a rank (lower is stronger) of how ``host`` imitates ``cand``."""
    creg = registrable_domain(cand)
    if not creg or reg == creg:
        return 0
    if skeleton(reg) == skeleton(creg):
        return 1                                           # homoglyph / digit swap
    label, _, suffix = reg.partition(".")
    clabel, _, csuffix = creg.partition(".")
    sl, scl = skeleton(label), skeleton(clabel)
    if sl == scl and suffix != csuffix and len(clabel) >= 3:
        return 2                                           # same label, other TLD
    if len(clabel) >= 5 and abs(len(sl) - len(scl)) <= 2:
        limit = 1 if len(clabel) < 7 else 2
        if edit_distance(sl, scl, limit) <= limit or edit_distance(label, clabel, limit) <= limit:
            return 3                                       # typo-squat
    if _embeds(sl, scl):
        return 4                                           # paypal-secure-login.com
    if len(creg) >= 6 and (f"{creg}." in host or f"{creg}-" in host):
        return 5                                           # paypal.com.evil.net, paypal.com-login.net
    return 0


def lookalike_of(domain: str, candidates: Iterable[str]) -> Optional[str]:
    """The candidate domain that ``domain`` imitates, or None (never for the candidate itself or a
    subdomain of it: same registrable domain means same owner)."""
    cands = candidates if isinstance(candidates, frozenset) else frozenset(candidates)
    return _lookalike_cached(domain or "", cands)


@lru_cache(maxsize=16384)
def _lookalike_cached(domain: str, candidates: frozenset[str]) -> Optional[str]:
    # Cached: sender domains and the org's candidate sets (frozensets, hash cached) repeat a lot.
    host = to_unicode(domain)
    if not host or "." not in host or is_ip_host(host):
        return None
    reg = registrable_domain(host)
    cands = sorted({c.strip().lower() for c in candidates if c and c.strip()})
    if any(registrable_domain(c) == reg or host == c or host.endswith("." + c) for c in cands):
        return None
    best: Optional[tuple[int, str]] = None
    for cand in cands:
        kind = _lookalike_kind(host, reg, cand)
        if kind and (best is None or kind < best[0]):
            best = (kind, cand)
            if kind == 1:
                break
    return best[1] if best else None


def host_matches(host: str, domains: Iterable[str]) -> Optional[str]:
    """The listed domain that ``host`` is or is under (sites.google.com, x.blob.core.windows.net);
    the most specific one when several are listed. One set lookup per label of the host, so long
    lists (thousands of free hosts) cost no more than short ones."""
    h = _clean_host(host)
    if not h:
        return None
    listed = domains if isinstance(domains, (set, frozenset)) else frozenset(domains)
    labels = h.split(".")
    for i in range(len(labels)):
        cand = ".".join(labels[i:])
        if cand in listed:
            return cand
    return None
