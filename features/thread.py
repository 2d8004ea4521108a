"""Split a message body into the newest text and the quoted thread history.

``split_thread(text)`` cuts at the *first* (earliest) of these markers, scanning line by line:

* a run of at least two lines starting with ">" (or a single ">" line that ends the text); an
  attribution line just above it ("John wrote:", "X schrieb:") goes with the quote;
* "On ... wrote:" and its translations ("Am ... schrieb", "Le ... a écrit", "Em ... escreveu",
  "Op ... schreef", "El ... escribió"), possibly wrapped over up to three lines;
* "-----Original Message-----" and localized variants;
* Outlook header blocks: "From:/Sent:/To:" (and Von/Gesendet/An, De/Envoyé/À, De/Enviado/Para,
  Van/Verzonden/Aan), together with a separator line of underscores right above them;
* "---------- Forwarded message ---------" (and localized), "Begin forwarded message:".

The signature ("-- ") is not a marker, so it stays in the current text. The cut is exact:
``current + quoted == text`` (except for bodies that open with quotes, see ``split_thread``).
Pure function.
"""
from __future__ import annotations

import re

# Cheap pre-filter: only lines starting like one of the markers are examined further.
_CANDIDATE = re.compile(
    r"^[ \t]*(?:>|(?:on|am|le|em|op|el)\s|-{2,}|\*{0,2}(?:from|von|de|van|da)\s*:|"
    r"begin forwarded|anfang der weitergeleiteten|début du message)",
    re.IGNORECASE | re.MULTILINE,
)

_ATTRIBUTION = [re.compile(p, re.IGNORECASE | re.DOTALL) for p in (
    r"On\s.{1,400}?\swrote\s*:",
    r"Am\s.{1,400}?\s(?:schrieb|geschrieben)\b.{0,300}:",
    r"Le\s.{1,400}?\sa\s+[ée]crit\s*:",
    r"Em\s.{1,400}?\sescreveu\s*:",
    r"Op\s.{1,400}?\sschreef\b.{0,300}:",
    r"El\s.{1,400}?\sescribi[óo]\s*:",
)]

_SEPARATOR = re.compile(
    r"-{2,}\s*(?:original message|urspr[üu]ngliche nachricht|message d['’]origine|"
    r"mensagem original|oorspronkelijk bericht|mensaje original|messaggio originale|"
    r"forwarded message|weitergeleitete nachricht|message transf[ée]r[ée]|"
    r"mensagem encaminhada|doorgestuurd bericht|mensaje reenviado|messaggio inoltrato)"
    r"\s*-{2,}",
    re.IGNORECASE,
)
_BEGIN_FORWARD = re.compile(
    r"(?:begin forwarded message|anfang der weitergeleiteten nachricht|"
    r"début du message réexpédié)\s*:",
    re.IGNORECASE,
)

_HDR_FROM = re.compile(r"\*{0,2}(?:from|von|de|van|da)\s*:\*{0,2}\s*\S.*", re.IGNORECASE)
_HDR_SENT = re.compile(
    r"\*{0,2}(?:sent|gesendet|date|datum|envoy[ée]|enviado|enviada|verzonden|data|inviato)"
    r"\s*:", re.IGNORECASE)
_HDR_TO = re.compile(r"\*{0,2}(?:to|an|[àa]|para|aan|cc|subject|betreff|objet|assunto|onderwerp|"
                     r"asunto|oggetto)\s*:", re.IGNORECASE)
_NONBLANK = re.compile(r"\S")
_UNDERSCORES = re.compile(r"_{10,}")
_QUOTE_INTRO = re.compile(
    r".{0,200}\b(?:wrote|writes|said|schrieb|a\s+[ée]crit|escreveu|schreef|escribi[óo]|scrisse)"
    r"\s*:", re.IGNORECASE)


def _line_at(text: str, start: int) -> tuple[str, int]:
    """The line starting at ``start`` (without newline) and the start of the next line."""
    end = text.find("\n", start)
    if end < 0:
        return text[start:], len(text)
    return text[start:end], end + 1


def _next_lines(text: str, start: int, count: int) -> list[str]:
    lines = []
    pos = start
    while len(lines) < count and pos < len(text):
        line, pos = _line_at(text, pos)
        lines.append(line)
    return lines


def _prev_line_start(text: str, start: int) -> int:
    """Start of the line before the one starting at ``start`` (-1 when there is none)."""
    if start <= 0:
        return -1
    return text.rfind("\n", 0, start - 1) + 1


def _prev_nonblank(text: str, start: int, max_back: int = 2) -> tuple[int, str]:
    pos = start
    for _ in range(max_back):
        pos = _prev_line_start(text, pos)
        if pos < 0:
            return -1, ""
        line, _ = _line_at(text, pos)
        if line.strip():
            return pos, line
    return -1, ""


def _is_quote(line: str) -> bool:
    return line.lstrip().startswith(">")


def _quote_cut(text: str, start: int, after: int) -> int:
    """Cut position when a quote run starts at ``start``; -1 when this is not a run."""
    nxt = _next_lines(text, after, 1)
    if nxt and _is_quote(nxt[0]):
        pass
    elif not _NONBLANK.search(text, after):
        pass   # a single quoted line that ends the text
    else:
        return -1
    pos, line = _prev_nonblank(text, start)
    if pos >= 0 and _QUOTE_INTRO.fullmatch(line.strip()):
        return pos
    return start


def _attribution(text: str, after: int, line: str) -> int:
    """End (start of the next line) of an attribution that starts with ``line``; -1 when none."""
    following = _next_lines(text, after, 2)
    if ":" not in line and not any(":" in x for x in following):
        return -1
    window = [line.strip()] + [x.strip() for x in following]
    for n in range(1, len(window) + 1):
        joined = " ".join(window[:n])
        if len(joined) > 800:
            break
        for pattern in _ATTRIBUTION:
            if pattern.fullmatch(joined):
                end = after
                for extra in following[:n - 1]:
                    end = min(len(text), end + len(extra) + 1)
                return end
    return -1


def _outlook_block(text: str, after: int) -> bool:
    following = [x.strip() for x in _next_lines(text, after, 5)]
    following = [x for x in following if x]
    sent = any(_HDR_SENT.match(x) for x in following[:3])
    to = any(_HDR_TO.match(x) for x in following[:4])
    return sent and to


QUOTE, ATTRIBUTION, HARD = "quote", "attribution", "hard"


def _marker_at(text: str, start: int) -> tuple[int, str, int]:
    """(cut position, kind, end of the marker's lines) when a marker starts on the line at
    ``start`` (a line start); (-1, "", -1) otherwise."""
    line, after = _line_at(text, start)
    stripped = line.strip()
    if stripped.startswith(">"):
        return _quote_cut(text, start, after), QUOTE, after
    if stripped.startswith("-"):
        return (start, HARD, after) if _SEPARATOR.fullmatch(stripped) else (-1, "", -1)
    if _BEGIN_FORWARD.fullmatch(stripped):
        return start, HARD, after
    if _HDR_FROM.fullmatch(stripped):
        if _outlook_block(text, after):
            pos, prev = _prev_nonblank(text, start, 1)
            if pos >= 0 and _UNDERSCORES.fullmatch(prev.strip()):
                return pos, HARD, after
            return start, HARD, after
        return -1, "", -1
    end = _attribution(text, after, line)
    if end >= 0:
        return start, ATTRIBUTION, end
    return -1, "", -1


def _cut_position(text: str) -> tuple[int, str, int]:
    for m in _CANDIDATE.finditer(text):
        found = _marker_at(text, m.start())
        if found[0] >= 0:
            return found
    return -1, "", -1


def _quote_follows(text: str, pos: int) -> bool:
    """Is the next non-blank line (within three) at or after ``pos`` a quoted line?"""
    return _is_quote(next((x for x in _next_lines(text, pos, 3) if x.strip()), ""))


def _split_interleaved(text: str) -> tuple[str, str]:
    """A body that opens with quoted lines (bottom-posting, inline answers): the quoted lines and
    their attributions are the history, every other line is current, up to the first hard marker
    (Original Message, a forward, an Outlook header block, an attribution not followed by quoted
    lines) after which everything is history."""
    current: list[str] = []
    quoted: list[str] = []
    pos = 0
    hard = False
    while pos < len(text):
        line, nxt = _line_at(text, pos)
        if hard or _is_quote(line):
            quoted.append(text[pos:nxt])
        elif line.strip() and _CANDIDATE.match(text, pos):
            cut, kind, end = _marker_at(text, pos)
            if kind == ATTRIBUTION and _quote_follows(text, end):
                quoted.append(text[pos:end])
                nxt = end
            elif kind in (ATTRIBUTION, HARD):
                hard = True
                quoted.append(text[pos:nxt])
            else:
                current.append(text[pos:nxt])
        elif line.strip() and _QUOTE_INTRO.fullmatch(line.strip()) and _quote_follows(text, nxt):
            quoted.append(text[pos:nxt])
        else:
            current.append(text[pos:nxt])
        pos = nxt
    return "".join(current), "".join(quoted)


def split_thread(text: str) -> tuple[str, str]:
    """(current_text, quoted_text): the newest part of a body and the quoted history below it.

    ``current_text`` is ``text`` up to the first quote marker, unchanged (it may be "" for a pure
    forward); ``quoted_text`` is the rest, so ``current + quoted == text``. Without a marker the
    whole text is current.

    One exception: when the first marker is a run of ">" lines (or an attribution followed by
    one) with nothing but blank lines above it (bottom-posted or inline replies), the cut would leave nothing current although the sender
    did write new text below the quotes. Then the ">" lines (and their attribution) are the quoted
    text and the remaining lines, in order, the current text, until a hard marker (Original
    Message, On ... wrote:, forward) after which everything is quoted.
    """
    if not text:
        return "", ""
    cut, kind, end = _cut_position(text)
    if cut < 0:
        return text, ""
    if not text[:cut].strip() and (kind == QUOTE or (kind == ATTRIBUTION
                                                     and _quote_follows(text, end))):
        return _split_interleaved(text)
    return text[:cut], text[cut:]
