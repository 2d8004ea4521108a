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
from typing import TYPE_CHECKING

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

_COMPILED: dict[str, re.Pattern[str]] = {
    theme: re.compile(r" (?:" + "|".join(pats) + r")(?!\w)")
    for theme, pats in THEMES.items()
}
_OUTSIDE_PUNCT_RE = re.compile(r"[^\w\s'\-?/.$:,]")     # never part of a phrase: becomes a space
_EDGE_RE = re.compile(r"['\-]+")                           # quotes/hyphens: kept only inside words
_GLUE_RE = re.compile(r"([?.:,])(?=\w)")                 # "subject:urgent" -> "subject: urgent"


@lru_cache(maxsize=32)
def normalize_text(text: str) -> str:
    """Comparable text: NFKC, zero-width/bidi characters removed, lower-case, diacritics stripped,
    so one pattern list covers "Verfügbar", "verfugbar" and obfuscated "ver\u200bfügbar"."""
    t = unicodedata.normalize("NFKC", text or "")
    t = _INVISIBLE_RE.sub("", t).lower()
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
    t = _OUTSIDE_PUNCT_RE.sub(" ", normalize_text(text))
    if "'" in t or "-" in t:
        t = _EDGE_RE.sub(_edge, t)
    t = _GLUE_RE.sub(r"\1 ", t)
    return " " + " ".join(t.split())


def _edge(m: re.Match[str]) -> str:
    s, e, t = m.start(), m.end(), m.string
    inside = s > 0 and e < len(t) and (t[s - 1].isalnum() or t[s - 1] == "_") and (t[e].isalnum() or t[e] == "_")
    return m.group(0) if inside else " "


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
