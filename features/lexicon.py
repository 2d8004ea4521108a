"""Multilingual phrase lists (English, German, Portuguese, Dutch, French, Spanish), grouped by theme,
that the trust, goal and payload signals count. The lists are data (features/data/lexicon.yaml);
this module normalises text and matches them.

Matching runs on normalised text (see ``normalize_text``: NFKC, zero-width characters removed,
lower-cased, diacritics stripped), so patterns are written lower-case and without accents
("verfugbar" matches "verfügbar"; "ß" stays and is written "(?:ss|ß)"). Each theme compiles once
into one alternation anchored on word boundaries.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterator, Optional, Sequence

import yaml

if TYPE_CHECKING:
    from features.signals import Evidence

_INVISIBLE_RE = re.compile("[\u00ad\u200b-\u200d\u2060\ufeff\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_COMBINING_RE = re.compile(r"[\u0300-\u036f]")
_QUOTES = (("\u2018", "'"), ("\u2019", "'"), ("\u02bc", "'"), ("\u00b4", "'"), ("\u2032", "'"),
           ("\u201c", '"'), ("\u201d", '"'), ("\u201e", '"'))

LEXICON_FILE = Path(__file__).resolve().parent / "data" / "lexicon.yaml"


def load_themes(path: Path = LEXICON_FILE) -> dict[str, tuple[str, ...]]:
    """theme -> its regex fragments (on normalised text), from features/data/lexicon.yaml; every
    fragment must compile, so a broken entry fails at import with its theme named."""
    doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if doc.get("version") != 1 or not isinstance(doc.get("themes"), dict):
        raise ValueError(f"{path}: expected version: 1 and a themes: mapping")
    themes: dict[str, tuple[str, ...]] = {}
    for theme, pats in doc["themes"].items():
        if not (isinstance(pats, list) and pats and all(isinstance(p, str) and p for p in pats)):
            raise ValueError(f"{path}: theme {theme!r} needs a non-empty list of patterns")
        for pat in pats:
            try:
                re.compile(pat)
            except re.error as exc:
                raise ValueError(f"{path}: theme {theme!r}: bad pattern {pat!r}: {exc}") from exc
        themes[str(theme)] = tuple(pats)
    return themes


THEMES: dict[str, tuple[str, ...]] = load_themes()


# --------------------------------------------------------------------------------------------
# Theme regexes dispatched on first characters.
#
# A theme's regex is tried at every word, and the engine tries an alternation's ~80 phrases one by
# one. ``dispatch`` rewrites the alternation as a trie on leading literal characters
# ("urgent|umgehend|imediatamente" -> "u(?:rgent|mgehend)|i(?:mediatamente)"), so most words are
# rejected after one comparison per distinct first letter: 2-3x faster on mail text. Two
# alternatives that could match at the same place are never reordered, so every match, and the
# phrase that wins it, is the plain alternation's.

_META = frozenset(r".^$*+?{}[]\|()")
_QUANTIFIERS = ("*", "+", "?", "{")
_DISPATCH_DEPTH = 3               # trie levels; deeper ones gain nothing measurable


def _class_end(p: str, i: int) -> int:
    """Index just past the character class opening at ``p[i] == "["``."""
    k = i + 2 if p[i + 1:i + 2] == "^" else i + 1
    if p[k:k + 1] == "]":
        k += 1
    while k < len(p) and p[k] != "]":
        k += 2 if p[k] == "\\" else 1
    return k + 1


def _structure(p: str) -> Iterator[tuple[int, str, int]]:
    """(index, character, group depth) of each character of ``p`` outside escapes and character
    classes; a parenthesis has the depth of the level it opens or closes on."""
    depth, i = 0, 0
    while i < len(p):
        ch = p[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "[":
            i = _class_end(p, i)
            continue
        depth -= ch == ")"
        yield i, ch, depth
        depth += ch == "("
        i += 1


def _alternatives(body: str) -> list[str]:
    """``body`` split at its top-level ``|``."""
    cuts = [i for i, ch, d in _structure(body) if ch == "|" and d == 0]
    return [body[a + 1:b] for a, b in zip([-1] + cuts, cuts + [len(body)])]


def _expand(p: str, limit: int = 64) -> list[str]:
    """Alternatives that match, in order, what ``p`` matches when it opens with a non-capturing
    group: "(?:a|b)c" -> ["ac", "bc"]; "(?:a)?c" -> ["ac", "c"] (greedy: the group first)."""
    if not p.startswith("(?:") or re.compile(p).groups:
        return [p]
    end = next((i for i, ch, d in _structure(p) if ch == ")" and d == 0), -1)
    if end < 0:
        return [p]
    body, rest = p[3:end], p[end + 1:]
    optional = rest[:1] == "?"
    if optional:
        rest = rest[1:]
    if rest[:1] in _QUANTIFIERS:
        return [p]                    # a repeated, lazy or possessive group: left as it is
    out = [x for alt in _alternatives(body) for x in _expand(alt + rest, limit)]
    if optional:
        out += _expand(rest, limit)
    return out if len(out) <= limit else [p]


def _head(p: str) -> Optional[str]:
    """The literal character every match of ``p`` starts with, or None."""
    return p[0] if p and p[0] not in _META and p[1:2] not in _QUANTIFIERS else None


def _first_char_test(p: str) -> Optional[Callable[[str], bool]]:
    """For ``p`` without a literal head: whether a match can start with a given character, when
    its first atom (a class, \\d, \\w, \\s, their negations, or an escaped symbol) must match
    it; None when that cannot be told."""
    if p[:1] == "[":
        end = _class_end(p, 0)
    elif p[:1] == "\\" and p[1:2] and (p[1] in "dDwWsS" or not p[1].isalnum()):
        end = 2
    else:
        return None
    nxt = p[end:end + 1]
    if nxt in ("?", "*") or p[end:end + 2] in ("{0", "{,"):
        return None                   # the atom may match nothing
    atom = re.compile(p[:end])
    return lambda ch: atom.fullmatch(ch) is not None


def dispatch(alternatives: Sequence[str], depth: int = _DISPATCH_DEPTH) -> str:
    """A regex equivalent to ``"|".join(alternatives)``, rewritten as a trie on leading literal
    characters: same matches, same winning alternative, fewer attempts per position."""
    alts = [x for a in alternatives for part in _alternatives(a) for x in _expand(part)]
    if depth <= 0 or len(alts) < 2:
        return "|".join(alts)
    heads = [_head(a) for a in alts]
    keys = list(dict.fromkeys(h for h in heads if h is not None))
    tests = {i: _first_char_test(a) for i, (a, h) in enumerate(zip(alts, heads)) if h is None}
    parts: list[str] = []
    for key in keys:                  # one branch per first character, alternatives in order
        run: list[str] = []
        for i, (a, h) in enumerate(zip(alts, heads)):
            if h == key:
                run.append(a[1:])
            elif h is None and (tests[i] is None or tests[i](key)):
                if run:
                    parts.append(re.escape(key) + "(?:" + dispatch(run, depth - 1) + ")")
                    run = []
                parts.append(f"(?={re.escape(key)})(?:{a})")
        if run:
            parts.append(re.escape(key) + "(?:" + dispatch(run, depth - 1) + ")")
    others = "[" + "".join(re.escape(k) for k in keys) + "]"
    for i, test in tests.items():     # where no first character above can start a match
        if test is not None and not any(test(k) for k in keys):
            parts.append(alts[i])
        elif keys:
            parts.append(f"(?!{others})(?:{alts[i]})")
        else:
            parts.append(alts[i])
    return "|".join(parts)


_COMPILED: dict[str, re.Pattern[str]] = {
    theme: re.compile(r" (?:" + dispatch(pats) + r")(?!\w)")
    for theme, pats in THEMES.items()
}
_OUTSIDE_PUNCT_RE = re.compile(r"[^\w\s'\-?/.$:,]")     # never part of a phrase: becomes a space
# A run of quotes/hyphens becomes a space unless it joins two word characters ("don't" stays;
# " - " and "'quoted'" do not). The run is matched from its first character, so the scan jumps
# from quote to quote: 2x faster than a look-behind first, and no Python call per run.
_EDGE_RE = re.compile(r"['\-](?:(?<![\w'\-]['\-])['\-]*+|(?<=\w['\-])['\-]*+(?!\w))")
# "subject:urgent" -> "subject: urgent": one literal-led pattern per mark (a group reference in
# the replacement would cost a Python call per match).
_GLUE_RES = tuple((re.compile(re.escape(mark) + r"(?=\w)"), mark + " ") for mark in "?.:,")
# _OUTSIDE_PUNCT_RE on ASCII text, as a translation table (3x faster; built from the regex itself)
_OUTSIDE_PUNCT_ASCII = {i: " " for i in range(128) if _OUTSIDE_PUNCT_RE.match(chr(i))}


@lru_cache(maxsize=32)
def normalize_text(text: str) -> str:
    """Comparable text: NFKC, zero-width/bidi characters removed, lower-case, diacritics stripped,
    so one pattern list covers "Verfügbar", "verfugbar" and obfuscated "ver\u200bfügbar"."""
    t = unicodedata.normalize("NFKC", text or "")
    if not t.isascii():                               # the invisible characters are not ASCII
        t = _INVISIBLE_RE.sub("", t)
    t = t.lower()
    if not t.isascii():
        for src, dst in _QUOTES:                      # str.translate is slow on non-ASCII text
            if src in t:
                t = t.replace(src, dst)
        t = unicodedata.normalize("NFC", _COMBINING_RE.sub("", unicodedata.normalize("NFD", t)))
    return " ".join(t.split())


@lru_cache(maxsize=32)
def match_text(text: str) -> str:
    """``normalize_text`` with a space before every word (punctuation around words turned into
    spaces): the form the theme patterns run on."""
    t = normalize_text(text)
    t = t.translate(_OUTSIDE_PUNCT_ASCII) if t.isascii() else _OUTSIDE_PUNCT_RE.sub(" ", t)
    if "'" in t or "-" in t:
        t = _EDGE_RE.sub(" ", t)
    for rx, glued in _GLUE_RES:
        t = rx.sub(glued, t)
    return " " + " ".join(t.split())


def theme_regex(theme: str) -> re.Pattern[str]:
    """The compiled pattern of a theme; run it on ``match_text(text)`` (matches start with a space)."""
    return _COMPILED[theme]


def count_terms(text: str, theme: str) -> int:
    """How many times a theme's phrases occur in ``text``: the strength of that persuasion cue."""
    if not text:
        return 0
    return len(_COMPILED[theme].findall(match_text(text)))


def find_terms(text: str, theme: str, limit: int = 3) -> list[str]:
    """The first few phrases of a theme found in ``text``, for an analyst-readable detail."""
    out: list[str] = []
    if not text:
        return out
    for m in _COMPILED[theme].finditer(match_text(text)):
        out.append(m.group(0).strip())
        if len(out) >= limit:
            break
    return out


def theme_evidence(text: str, theme: str, cap: float = 10.0) -> "Evidence":
    """The evidence a theme signal reports: how many of its terms occur (capped), and which."""
    from features.signals import Evidence
    found = [m.group(0).strip() for m in _COMPILED[theme].finditer(match_text(text))] if text else []
    if not found:
        return Evidence(0.0)
    return Evidence(min(float(len(found)), cap), ", ".join(found[:3]))
