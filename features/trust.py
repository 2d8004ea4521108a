"""Trust: how is trust or pressure built?

Persuasion cues (urgency, authority, secrecy, flattery), BEC openers ("are you available?"), fake
prior relationships and threads, out-of-office pretexts, short requests and shouting. Text signals
read the subject and the newest part of the thread only (``current_text``), never quoted history:
a reply quoting an urgent mail is not itself urgent.

``fake_thread`` needs In-Reply-To/References, which whole corpora lack (Enron): it is
``learned=False``.
"""
from __future__ import annotations

import re
from typing import Optional

from features.context import Context
from features.domains import fold_mixed_script, strip_invisible
from features.lexicon import theme_evidence, count_terms, find_terms
from features.message import ParsedMessage
from features.signals import Evidence, signal

MAX_TEXT = 50_000       # characters of subject + current text the lexicon scans
COUNT_CAP = 10.0
SHORT_WORDS = 60
CAPS_MIN = 0.5          # fraction of upper-case letters from which a subject counts as shouting

_REPLY_PREFIX_RE = re.compile(
    r"^\s*(?:\[[^\]]{0,40}\]\s*)?(?:re|fw|fwd|aw|wg|sv|res|tr|rv|enc|antw|vs|odp)\s*(?:\[\d+\]|\(\d+\))?\s*[:：]",
    re.IGNORECASE)
_WORD_RE = re.compile(r"\w+", re.UNICODE)


def readable(text: str) -> str:
    """Text as a reader sees it: invisible characters dropped and look-alike letters inside Latin
    words spelled in Latin, so "ur\u200bgent" and "pаssword" (Cyrillic а) match the phrase lists."""
    return fold_mixed_script(strip_invisible(text))


_LAST: tuple[object, str] = (None, "")   # (message, its signal text): every text signal asks


def signal_text(msg: ParsedMessage) -> str:
    """Subject plus the newest part of the thread, capped and made ``readable``: what the sender
    wrote in this message."""
    global _LAST
    hit = _LAST
    if hit[0] is msg:
        return hit[1]
    text = readable(f"{msg.subject or ''}\n{msg.current_text or ''}"[:MAX_TEXT])
    _LAST = (msg, text)
    return text


def has_reply_prefix(subject: str) -> bool:
    """True when the subject claims to be a reply or forward (RE:, FW:, AW:, WG:, SV:, TR: ...)."""
    return bool(subject) and _REPLY_PREFIX_RE.match(subject) is not None


def word_count(text: str, limit: int = 10_000) -> int:
    """Number of words in ``text`` (counting stops at ``limit``): how long the request is."""
    n = 0
    for _ in _WORD_RE.finditer(text or ""):
        n += 1
        if n >= limit:
            break
    return n


def makes_request(text: str) -> bool:
    """True when the text asks for something: a question mark or a request phrase (please, can you)."""
    return "?" in (text or "") or count_terms(readable(text), "request") > 0


def _theme(msg: ParsedMessage, theme: str) -> Evidence:
    return theme_evidence(signal_text(msg), theme, COUNT_CAP)


@signal("trust", "urgency", "The message pushes for speed ({detail})")
def urgency(msg: ParsedMessage, ctx: Context) -> Optional[Evidence]:
    return _theme(msg, "urgency")


@signal("trust", "authority", "The message leans on authority ({detail})")
def authority(msg: ParsedMessage, ctx: Context) -> Optional[Evidence]:
    return _theme(msg, "authority")


@signal("trust", "secrecy", "The message asks for secrecy or discretion ({detail})")
def secrecy(msg: ParsedMessage, ctx: Context) -> Optional[Evidence]:
    return _theme(msg, "secrecy")


@signal("trust", "flattery", "The message flatters or congratulates the reader ({detail})")
def flattery(msg: ParsedMessage, ctx: Context) -> Optional[Evidence]:
    return _theme(msg, "flattery")


@signal("trust", "availability_opener",
        "The message opens by checking the reader is available ({detail}), a classic BEC opener")
def availability_opener(msg: ParsedMessage, ctx: Context) -> Optional[Evidence]:
    return _theme(msg, "availability_opener")


@signal("trust", "prior_relationship",
        "The message refers to an earlier exchange ({detail})")
def prior_relationship(msg: ParsedMessage, ctx: Context) -> Optional[Evidence]:
    return _theme(msg, "prior_relationship")


@signal("trust", "out_of_office",
        "The sender says they cannot be reached another way ({detail})")
def out_of_office(msg: ParsedMessage, ctx: Context) -> Optional[Evidence]:
    return _theme(msg, "out_of_office")


@signal("trust", "fake_thread",
        "The subject claims a reply or forward ({detail}) but the message belongs to no thread",
        learned=False, weight=0.4)
def fake_thread(msg: ParsedMessage, ctx: Context) -> Optional[Evidence]:
    if not has_reply_prefix(msg.subject):
        return Evidence(0.0)
    if (msg.in_reply_to or "").strip() or any(r.strip() for r in msg.references):
        return Evidence(0.0)
    return Evidence(1.0, msg.subject.split(":", 1)[0].strip() + ":")


@signal("trust", "reply_prefix_no_quote",
        "The subject claims a reply or forward but no earlier message is quoted")
def reply_prefix_no_quote(msg: ParsedMessage, ctx: Context) -> Optional[Evidence]:
    if not has_reply_prefix(msg.subject) or (msg.quoted_text or "").strip():
        return Evidence(0.0)
    return Evidence(1.0)


@signal("trust", "short_request",
        "A short message that asks for something ({detail} words)")
def short_request(msg: ParsedMessage, ctx: Context) -> Optional[Evidence]:
    body = strip_invisible(msg.current_text or "")
    n = word_count(body, SHORT_WORDS)
    if n == 0 or n >= SHORT_WORDS or not makes_request(f"{msg.subject or ''}\n{body}"):
        return Evidence(0.0)
    return Evidence(1.0, str(n))


@signal("trust", "exclamations", "The message uses many exclamation marks ({detail})")
def exclamations(msg: ParsedMessage, ctx: Context) -> Optional[Evidence]:
    n = signal_text(msg).count("!")
    return Evidence(min(float(n), COUNT_CAP), str(n) if n else "")


@signal("trust", "all_caps_subject", "The subject shouts in capitals ({detail})")
def all_caps_subject(msg: ParsedMessage, ctx: Context) -> Optional[Evidence]:
    letters = [ch for ch in (msg.subject or "")[:500] if ch.isalpha()]
    if len(letters) < 8:
        return Evidence(0.0)
    upper = sum(1 for ch in letters if ch.isupper())
    frac = upper / len(letters)
    if frac < CAPS_MIN:          # Title Case is normal; only a mostly upper-case subject shouts
        return Evidence(0.0)
    return Evidence(round(frac, 3), f"{frac:.0%} upper case")


@signal("trust", "generic_greeting",
        "The message greets the reader generically ({detail}), not by name")
def generic_greeting(msg: ParsedMessage, ctx: Context) -> Optional[Evidence]:
    head = readable((msg.current_text or "")[:2000])
    found = find_terms(head, "generic_greeting", 1)
    return Evidence(1.0, found[0]) if found else Evidence(0.0)


@signal("trust", "text_semantics",
        "The wording reads like known social-engineering mail (text model {detail})",
        model_filled=True)
def text_semantics(msg: ParsedMessage, ctx: Context) -> Optional[Evidence]:
    """Filled in at scoring time by the bundle's text model (detectors/text_head.py), which reads
    a sentence embedding of the current-thread text; a signal function alone cannot tell."""
    return None
