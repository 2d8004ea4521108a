"""Domain helpers for the impersonation and payload signals: organisational (registrable) domains,
confusable skeletons, edit distance and lookalike detection. Pure, offline (the Public Suffix List
snapshot that tldextract bundles, never downloaded) and cached where the same strings recur on
every message."""
from __future__ import annotations

import codecs
import ipaddress
import json
import re
import unicodedata
from functools import lru_cache
from importlib import resources
from typing import Iterable, Optional

import tldextract

# The Public Suffix List (ICANN section) as tldextract bundles it: no download, no cache on disk.
# Private-section suffixes (blogspot.com, github.io) are left out on purpose: the organisation that
# controls mail for x.blogspot.com is blogspot.com, and free-hosting lists name those hosts.
_PSL = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None, include_psl_private_domains=False)

# Confusable characters: Unicode's confusables data (UTS #39, confusables.txt), as the
# confusable_homoglyphs package ships it (confusables.json, offline), loaded on first use. See
# confusable_prototypes() for how the standard's mapping is read back from that file.
_CONFUSABLES_PACKAGE = "confusable_homoglyphs"
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
# Combining marks: Latin diacritics, and the Cyrillic, Hebrew, Arabic, Syriac and symbol marks that
# are stacked on Latin letters to break matching ("Aܿmܿaܿzܿon").
_COMBINING_RE = re.compile(r"[\u0300-\u036f\u0483-\u0489\u0591-\u05bd\u0610-\u061a\u064b-\u065f"
                           r"\u0670\u06d6-\u06dc\u06df-\u06e4\u0711\u0730-\u074a\u1ab0-\u1aff"
                           r"\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
# A capital I right after a lower-case letter renders as an l in most fonts ("PayPaI", "WaIIet"),
# but is also how CamelCase names are written ("LinkedIn"): names are read both ways.
_CAPITAL_I_RE = re.compile(r"(?<=[a-z])I+")


def capital_i_as_l(s: str) -> str:
    """``s`` with every capital I that follows a lower-case letter read as an l ("PayPaI" ->
    "PayPal"); ``s`` itself when there is none."""
    return _CAPITAL_I_RE.sub(lambda m: "l" * len(m.group(0)), s) if "I" in s else s

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


@lru_cache(maxsize=1024)
def is_public_suffix(word: str) -> bool:
    """Whether ``word`` alone is a suffix on the Public Suffix List: com, co, cloud, store."""
    return bool(word) and _PSL.extract_str(f"x.{word}").suffix == word


def split_registrable(domain: str) -> tuple[str, str]:
    """(label, suffix) of a registrable domain: ('paypal', 'co.uk') - the label is what gets spoofed."""
    reg = registrable_domain(domain)
    label, _, suffix = reg.partition(".")
    return label, suffix


# confusables.txt lines that confusable_homoglyphs' parser skips (their comment column does not fit
# its pattern); part of the standard all the same.
_UNPARSED_LINES = {"\u2028": " ", "\u2029": " ", "\u3164": "\u1160",
                   "\U0001f16d": "\u33c4\t\u20dd"}


@lru_cache(maxsize=None)
def confusable_prototypes() -> dict[str, str]:
    """UTS #39's confusables mapping: each confusable character -> its prototype, the string that
    every character confusable with it maps to (Cyrillic а -> a, 1 -> l, m -> rn, 0 -> O).

    Read once from the confusables.json that confusable_homoglyphs ships (built from Unicode's
    confusables.txt). That file lists, for each character of a confusables.txt line, the other
    one: a source character has exactly one entry, its prototype; a prototype has one entry per
    source mapped to it. So a character with one entry is a source when its partner has several;
    when both have one, the line's two characters appear nowhere else, and the source is the one
    met first (the file keeps the order of confusables.txt, which names the source first). Either
    way the classes of confusable characters are the standard's; the order only picks the
    standard's representative."""
    data = json.loads(resources.files(_CONFUSABLES_PACKAGE).joinpath("confusables.json")
                      .read_text(encoding="utf-8"))

    def bare(c: str) -> str:        # the file wraps right-to-left characters in LRM marks
        return c.replace("\u200e", "")

    first_seen: dict[str, int] = {}
    for i, key in enumerate(data):
        first_seen.setdefault(bare(key), i)
    table: dict[str, str] = {}
    for key, entries in data.items():
        src = bare(key)
        if len(entries) != 1 or len(src) != 1:
            continue                                 # a prototype (of several sources, or "rn")
        proto = bare(entries[0]["c"])
        if len(data.get(entries[0]["c"], ())) > 1 or first_seen[src] < first_seen[proto]:
            table[src] = proto
    for src, proto in _UNPARSED_LINES.items():
        table.setdefault(src, proto)
    return table


# Project additions to the standard's mapping, each kept because a test needs it:
# Greek small epsilon read as e (UTS #39 maps it to ꞓ, Latin c with bar), as the hand-made table
# before it did: "immεdiately" must read as "immediately" (tests/test_evasion.py
# test_lookalike_letters_inside_words). Cyrillic palochka read as l (UTS #39 maps it to i): it is
# drawn as a bare vertical stroke, like l and I, and "deӏl.com" must read as dell.com
# (tests/test_concepts.py test_palochka_reads_as_l).
_PROJECT_CONFUSABLES = {"\u03b5": "e", "\u04cf": "l"}


@lru_cache(maxsize=None)
def _prototype_table() -> dict[int, str]:
    return str.maketrans(confusable_prototypes() | _PROJECT_CONFUSABLES)


def _uts39_skeleton(s: str) -> str:
    """The skeleton of UTS #39 section 4: NFD, each character replaced by its prototype, NFD."""
    return unicodedata.normalize(
        "NFD", unicodedata.normalize("NFD", s).translate(_prototype_table()))


def _fold(s: str) -> str:
    """``s`` (NFKC, case-folded, no invisible characters) as skeleton() gives it, before the rn/vv
    step: the UTS #39 skeleton, then, for this project, diacritics dropped (an é looks like an e)
    and case folded again, since the standard's prototypes keep case (0 -> O) and a prototype's
    lower-case form may be in another class (the lower case of a Greek capital Gamma's prototype
    is confusable with y)."""
    t = _COMBINING_RE.sub("", _uts39_skeleton(s))
    folded = t.casefold()
    if folded != t:
        t = _COMBINING_RE.sub("", _uts39_skeleton(folded))
    return unicodedata.normalize("NFC", t)


@lru_cache(maxsize=None)
def _ascii_table() -> dict[int, str]:
    """_fold on ASCII, character by character (the common case: 0 -> o, 1 -> l, m -> rn)."""
    out: dict[int, str] = {}
    for i in range(128):
        c = chr(i)
        if c.casefold() == c and _fold(c) != c:
            out[i] = _fold(c)
    return out


@lru_cache(maxsize=16384)
def skeleton(s: str) -> str:
    """Confusables skeleton: strings that render alike (pаypal, paypa1, rnicrosoft) map to one form.

    The UTS #39 skeleton (section 4) over Unicode's confusables data, taken case-insensitively,
    as domains and names are compared: NFKC and case-folded first, invisible characters dropped,
    diacritics dropped and case folded again after the prototype mapping (_fold). Then the
    standard's rn for m is written m again, so that Latin words keep their spelling, and vv is read
    as w: a project addition (the standard has no vv/w pair) for vvellsfargo-style lookalikes,
    which tests/test_concepts.py test_skeleton_and_edit_distance and the lookalike index tests
    need; so is ε read as e (_PROJECT_CONFUSABLES)."""
    t = unicodedata.normalize("NFKC", s or "").casefold()
    if t.isascii():
        t = t.translate(_ascii_table())
    else:
        t = _fold(_INVISIBLE_RE.sub("", t))
    return t.replace("rn", "m").replace("vv", "w")


def strip_invisible(text: str) -> str:
    """``text`` without invisible characters, so "pass\u2062word" reads as "password"."""
    if not text or text.isascii():
        return text
    return INVISIBLE_RE.sub("", text)


@lru_cache(maxsize=None)
def _letter_table() -> dict[int, str]:
    """Non-ASCII letters -> the one ASCII letter UTS #39 confuses them with (Cyrillic а -> a,
    Greek Ο -> O, ł -> l, diacritics of the prototype dropped), and the digits 0 and 1 -> o and l.
    ASCII letters are left as written; so are letters whose prototype is no ASCII letter
    (Cyrillic в -> small capital B)."""
    out: dict[int, str] = {}
    for src, proto in (confusable_prototypes() | _PROJECT_CONFUSABLES).items():
        digit = src.isascii() and src.isdigit()
        if not digit and (src.isascii() or not src.isalpha()):
            continue
        base = _COMBINING_RE.sub("", unicodedata.normalize("NFD", proto))
        if len(base) == 1 and base.isascii() and base.isalpha():
            if digit:
                base = base.lower()          # a digit in a word of letters: pаssw0rd
            elif base == "l" and src.isupper():
                base = "I"                   # the standard's l stands for I too (I -> l)
            out[ord(src)] = base
    return out


def _fold_word(m: re.Match[str]) -> str:
    word = m.group(0)
    return word.translate(_letter_table()) if _LATIN_RE.search(word) else word


def fold_mixed_script(text: str) -> str:
    """Latin words with Cyrillic/Greek look-alike letters (UTS #39) spelled in Latin ("pаssword" ->
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


@lru_cache(maxsize=8192)
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


_TOKEN_DIGITS_RE = re.compile(r"^[0-9]+|[0-9]+$")


def trim_token_digits(label: str) -> str:
    """A label with the digits at either end of each hyphen-separated token cut off: the counter
    a phishing kit appends to a combosquat (support-github16, secure-etsy15, 24paypal-login)."""
    return "-".join(_TOKEN_DIGITS_RE.sub("", t) for t in label.split("-"))


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
    if _embeds(sl, scl) or (label != (trimmed := trim_token_digits(label)) and
                            _embeds(skeleton(trimmed), scl)):
        return 4                                           # paypal-secure-login.com, paypal-secure2.com
    if len(creg) >= 6 and (f"{creg}." in host or f"{creg}-" in host):
        return 5                                           # paypal.com.evil.net, paypal.com-login.net
    return 0


def lookalike_of(domain: str, candidates: Iterable[str]) -> Optional[str]:
    """The candidate domain that ``domain`` imitates, or None (never for the candidate itself or a
    subdomain of it: same registrable domain means same owner)."""
    cands = candidates if isinstance(candidates, frozenset) else frozenset(candidates)
    found = _lookalike_cached(domain or "", cands)
    if found is not None and _placeholder(found) and _placeholder(domain or ""):
        return None
    return found


def _placeholder(domain: str) -> bool:
    """A documentation placeholder (RFC 2606: example.com, example.net, example.org) or the same
    label under another suffix (example.jp, example.co.jp). Corpora anonymise every address to
    these, and the default configuration protects example.com: two placeholders imitate nothing,
    and letting them would teach the model an artefact of how a corpus was anonymised (it flagged
    35% of the real bounces in bounces_dsn). Inert on real mail, where no sender uses them."""
    return split_registrable(domain)[0] == "example"


class _LookalikeIndex:
    """Lookup tables over one candidate set, built once, so that ``lookalike_of`` finds the few
    candidates a host could imitate without ranking every candidate. Each table yields a superset
    of the candidates that one rule of ``_lookalike_kind`` can match; ``_lookalike_kind`` itself
    then ranks that short list, so the answer is the one the plain loop over every candidate gives
    (``_lookalike_reference``)."""

    __slots__ = ("cands", "regs", "by_reg_skel", "by_label_skel", "typo", "typo_max_skel",
                 "typo_max_raw", "embed", "embed_hyphen_max", "by_creg",
                 "creg_lens")

    def __init__(self, candidates: frozenset[str]) -> None:
        self.cands: frozenset[str] = frozenset(c.strip().lower() for c in candidates
                                               if c and c.strip())
        self.regs: set[str] = set()                      # early exit: same registrable domain
        self.by_reg_skel: dict[str, list[str]] = {}      # kind 1: registrable domain skeleton
        self.by_label_skel: dict[str, list[str]] = {}    # kind 2: skeleton of the label
        self.typo: dict[str, list[tuple[str, int]]] = {}  # kind 3: deletions -> (candidate, limit)
        self.typo_max_skel = self.typo_max_raw = -1
        self.embed: dict[str, list[str]] = {}            # kind 4: label skeleton (>= 3 chars)
        self.embed_hyphen_max = 0
        self.by_creg: dict[str, list[str]] = {}          # kind 5: registrable domain (>= 6 chars)
        lens: set[int] = set()
        for cand in sorted(self.cands):
            creg = registrable_domain(cand)
            self.regs.add(creg)
            if not creg:
                continue
            clabel = creg.partition(".")[0]
            scl = skeleton(clabel)
            self.by_reg_skel.setdefault(skeleton(creg), []).append(cand)
            self.by_label_skel.setdefault(scl, []).append(cand)
            if len(clabel) >= 5:
                limit = 1 if len(clabel) < 7 else 2
                keys: dict[str, int] = {}
                for word in (scl, clabel):
                    for key in _deletions(word, limit):
                        keys[key] = 0
                for key in keys:
                    self.typo.setdefault(key, []).append((cand, limit))
                self.typo_max_skel = max(self.typo_max_skel, len(scl))
                self.typo_max_raw = max(self.typo_max_raw, len(clabel))
            if len(scl) >= 3:
                self.embed.setdefault(scl, []).append(cand)
                if "-" in scl:
                    self.embed_hyphen_max = max(self.embed_hyphen_max, len(scl))
            if len(creg) >= 6:
                self.by_creg.setdefault(creg, []).append(cand)
                lens.add(len(creg))
        self.creg_lens = tuple(sorted(lens))

    def owned(self, host: str, reg: str) -> bool:
        """``host`` is a candidate, under one, or shares a candidate's registrable domain."""
        if reg in self.regs or host in self.cands:
            return True
        i = host.find(".")
        while i >= 0:
            if host[i + 1:] in self.cands:
                return True
            i = host.find(".", i + 1)
        return False

    def matches(self, host: str, reg: str) -> set[str]:
        """Every candidate ``_lookalike_kind`` could rank above 0 (and perhaps a few it ranks 0)."""
        found: set[str] = set()
        found.update(self.by_reg_skel.get(skeleton(reg), ()))
        label = reg.partition(".")[0]
        sl = skeleton(label)
        found.update(self.by_label_skel.get(sl, ()))
        # Typo-squats: symmetric deletions (an edit of the optimal string alignment distance
        # costs at most one deletion on each side, a transposition included).
        query = _deletions(sl, 2) if len(sl) <= self.typo_max_skel + 2 else {}
        if label != sl and len(label) <= self.typo_max_raw + 2:
            for key, depth in _deletions(label, 2).items():
                if depth < query.get(key, 3):
                    query[key] = depth
        typo = self.typo
        for key, depth in query.items():
            hits = typo.get(key)
            if hits:
                for cand, limit in hits:
                    if depth <= limit:
                        found.add(cand)
        # Embedded labels: runs of hyphen-separated tokens, and tokens less a filler word (also
        # with each token's digits at its ends cut off).
        trimmed = trim_token_digits(label)
        for sl in dict.fromkeys((sl, skeleton(trimmed) if trimmed != label else sl)):
            self._embedded(sl, found)
        # paypal.com.evil.net, paypal.com-login.net: a registrable domain right before '.' or '-'.
        if self.creg_lens:
            for m in _SEPARATOR_RE.finditer(host):
                end = m.start()
                for width in self.creg_lens:
                    if width > end:
                        break
                    found.update(self.by_creg.get(host[end - width:end], ()))
        return found

    def _embedded(self, sl: str, found: set[str]) -> None:
        if len(sl) > 3:
            padded = f"-{sl}-"
            cuts = [i for i, ch in enumerate(padded) if ch == "-"]
            for a in range(len(cuts) - 1):
                start = cuts[a]
                found.update(self.embed.get(padded[start + 1:cuts[a + 1]], ()))   # one token
                for end in cuts[a + 2:]:                                          # a run of them
                    if end - start - 1 > self.embed_hyphen_max:
                        break
                    found.update(self.embed.get(padded[start + 1:end], ()))
            for tok in sl.split("-"):
                if len(tok) <= 4:
                    continue
                for width in _FILLER_LENS:
                    if len(tok) - width < 4:
                        break
                    if tok[-width:] in _FILLER_WORDS:
                        found.update(self.embed.get(tok[:-width], ()))
                    if tok[:width] in _FILLER_WORDS:
                        found.update(self.embed.get(tok[width:], ()))


_FILLER_LENS = tuple(sorted({len(w) for w in _FILLER_WORDS}))
_SEPARATOR_RE = re.compile(r"[.-]")


def _deletions(word: str, depth: int) -> dict[str, int]:
    """``word`` with up to ``depth`` (0-2) characters deleted -> the fewest deletions giving it."""
    one = {word[:i] + word[i + 1:] for i in range(len(word))} if depth else set()
    out = dict.fromkeys({w[:i] + w[i + 1:] for w in one for i in range(len(w))}, 2) \
        if depth > 1 else {}
    out.update(dict.fromkeys(one, 1))
    out[word] = 0
    return out


@lru_cache(maxsize=8)
def _lookalike_index(candidates: frozenset[str]) -> _LookalikeIndex:
    # A handful of candidate sets per run (the brands, an org's own domains, a profile's familiar
    # senders); frozensets cache their hash, so a hit costs one dict probe.
    return _LookalikeIndex(candidates)


# Below this many candidates the plain loop is quicker than building and probing an index (a
# one-domain set such as a link's own organisation: ~6 us against ~30 us).
_INDEX_MIN_CANDIDATES = 16


@lru_cache(maxsize=16384)
def _lookalike_cached(domain: str, candidates: frozenset[str]) -> Optional[str]:
    # Cached: sender domains and the org's candidate sets (frozensets, hash cached) repeat a lot.
    if len(candidates) < _INDEX_MIN_CANDIDATES:
        return _lookalike_reference(domain, candidates)
    host = to_unicode(domain)
    if not host or "." not in host or is_ip_host(host):
        return None
    reg = registrable_domain(host)
    index = _lookalike_index(candidates)
    if index.owned(host, reg):
        return None
    best: Optional[tuple[int, str]] = None
    for cand in index.matches(host, reg):
        kind = _lookalike_kind(host, reg, cand)
        if kind and (best is None or (kind, cand) < best):
            best = (kind, cand)
    return best[1] if best else None


def _lookalike_reference(domain: str, candidates: Iterable[str]) -> Optional[str]:
    """The plain loop over every candidate: what the index must agree with (the tests check it),
    and the quicker path for a short candidate list."""
    host = to_unicode(domain or "")
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
    lists (thousands of free hosts) cost no more than short ones. Cached for the org's frozen
    lists: hosts repeat within a message and across a mailbox."""
    if isinstance(domains, frozenset):
        return _host_matches_frozen(host, domains)
    return _host_matches(host, domains)


@lru_cache(maxsize=16384)
def _host_matches_frozen(host: str, domains: frozenset[str]) -> Optional[str]:
    return _host_matches(host, domains)


def _host_matches(host: str, domains: Iterable[str]) -> Optional[str]:
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


def __getattr__(name: str):
    # _CONFUSABLES: the prototype mapping, loaded on first use (tests build homoglyphs from it).
    if name == "_CONFUSABLES":
        return confusable_prototypes()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
