"""HTML body -> visible text and links, on the stdlib ``html.parser`` (no browser, no bs4/lxml).

What a mail client would render is approximated: script/style/title content and the document head
are skipped, block elements become line breaks, entities are decoded and whitespace is collapsed
per line. Text hidden with CSS (display:none, visibility:hidden, font-size:0 or tiny, opacity:0,
zero height, off-screen, text coloured like its background, ``hidden``, or a class a <style> block
hides) is deliberately *kept* but moved after the visible text and reported on its own: padding a
lure with hidden words (to dilute it, or to push it past what is read) or hiding letters inside a
word ("ur<span style=font-size:0>x</span>gent") then leaves the visible text as the reader sees it.

Links are the ``href`` of ``<a>`` and ``<area>`` and the ``action`` of ``<form>``, each with the
visible text of the anchor ("" for area/form). In-page fragments ("#top") and empty hrefs are not
links. Pure functions, no I/O.
"""
from __future__ import annotations

import re
from functools import lru_cache
from html import unescape
from html.parser import HTMLParser
from typing import NamedTuple, Optional

# Elements whose content is never shown. script/style are CDATA for html.parser; title and the
# MSO <xml> islands are ordinary elements, so their content is skipped by depth counting.
_SKIP = frozenset({"script", "style", "title", "xml"})
# Tags that may appear in <head> without ending it (HTML5 "in head" insertion mode).
_HEAD_OK = frozenset({"meta", "link", "base", "basefont", "bgsound", "title", "style", "script",
                      "noscript", "xml", "template", "object", "param"})
_BLOCK = frozenset({
    "p", "div", "br", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol", "dl",
    "dt", "dd", "blockquote", "pre", "hr", "section", "article", "header", "footer", "nav",
    "aside", "address", "center", "form", "fieldset", "figure", "figcaption", "main", "caption",
    "thead", "tbody", "tfoot", "body", "html", "legend", "details", "summary",
})
_CELL = frozenset({"td", "th"})
_NEWLINES = str.maketrans({"\r": " ", "\n": " "})
_URL_JUNK = str.maketrans({"\t": None, "\r": None, "\n": None})

MAX_HTML_CHARS = 2_000_000   # beyond this the tail is not scanned (html.parser is pure Python)
MAX_ALT_CHARS = 2000        # image alt text kept per document (brand claims read it)
MAX_TAGS = 200_000           # start and end tags handled per document (~1 s of html.parser)
# html.parser re-reads the rest of the document once per tag left unterminated at the end of the
# input (quadratic: 100 KB of "<a\n" takes minutes on Python 3.11). The end of the input is
# handled here instead, re-reading at most this many times the document's length.
RESCAN_FACTOR = 4
# A short hidden run before any visible text is a preheader: the preview line mail clients show
# beside the subject, hidden in the body by newsletters and receipts. It is not hidden from the
# reader, so it is not hidden text (payload.hidden_text fell from 39% to 24% of
# political_bulk_2019 with this); a longer run is padding.
PREHEADER_MAX_WORDS = 40
# "<" not followed by a letter, "/", "!" or "?" is text to html.parser, at one Python callback per
# character ("<<<<..."). A stand-in (a Unicode noncharacter) lets it join the surrounding text; it
# is turned back into "<" in what comes out.
_LONE_LT_RE = re.compile(r"<(?![A-Za-z/!?])")
_LT = "\ufdd0"


class HtmlContent(NamedTuple):
    text: str                        # visible text, one block per line
    links: list[tuple[str, str]]     # (href, visible anchor text)
    outside_text: str                # visible text that is not inside an anchor
    complete: bool                   # False when the parser gave up or the input was truncated
    hidden_text: str = ""            # text a reader does not see (also at the end of ``text``)
    image_alt: str = ""              # alt texts of images outside links, one per line: a header
    #                                  logo says "PayPal"; a linked footer icon ("Facebook") is left out

    @property
    def visible_text(self) -> str:
        """``text`` without the hidden text at its end: what a reader sees."""
        if not self.hidden_text:
            return self.text
        return self.text[:max(0, len(self.text) - len(self.hidden_text) - 1)]


# --------------------------------------------------------------------------------------------
# what hides text

Color = tuple[int, int, int]
_WHITE: Color = (255, 255, 255)
_BLACK: Color = (0, 0, 0)
_CLEAR: Color = (-1000, -1000, -1000)      # transparent text: never close to any background
_NAMED: dict[str, Color] = {
    "white": _WHITE, "black": _BLACK, "snow": (255, 250, 250), "ivory": (255, 255, 240),
    "whitesmoke": (245, 245, 245), "ghostwhite": (248, 248, 255), "silver": (192, 192, 192),
    "gray": (128, 128, 128), "grey": (128, 128, 128), "red": (255, 0, 0), "green": (0, 128, 0),
    "blue": (0, 0, 255), "yellow": (255, 255, 0), "navy": (0, 0, 128), "orange": (255, 165, 0),
}
_CLOSE = 8                 # colour channels this close look the same
_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
                   "param", "source", "track", "wbr", "basefont", "bgsound", "frame", "keygen"})
_CLOSES_P = _BLOCK - {"br", "body", "html"}
_IMPLIED_END = {"li": {"li"}, "td": {"td", "th"}, "th": {"td", "th"}, "tr": {"tr", "td", "th"},
                "dt": {"dt", "dd"}, "dd": {"dt", "dd"}, "option": {"option"}}
_SCOPE = 32                # open elements searched for the one an end tag closes
MAX_CSS_CHARS = 100_000
_LENGTH_RE = re.compile(r"(-?\d*\.?\d+)\s*([a-z%]*)")
_RGB_RE = re.compile(r"rgba?\(\s*(\d+)[\s,]+(\d+)[\s,]+(\d+)(?:\s*[,/]\s*([\d.]+%?))?")
_CLASS_END_RE = re.compile(r"\.([\w-]+)\s*$")


class _Frame(NamedTuple):
    """An open element: whether it (or an ancestor) is hidden, the text and background colours it
    passes on (None: unknown, e.g. a background image), and whether its own text is invisible
    (hidden, or coloured like its background)."""
    tag: str
    hidden: bool
    color: Optional[Color]
    bg: Optional[Color]
    invisible: bool


_ROOT = _Frame("#root", False, _BLACK, _WHITE, False)


def _declarations(style: str) -> dict[str, str]:
    """CSS declarations of a style attribute or rule body, lower-cased ("display" -> "none").
    Plain splitting: a regex here backtracks quadratically on long runs without a colon."""
    out: dict[str, str] = {}
    for part in style[:2000].lower().split(";"):
        name, sep, value = part.partition(":")
        if sep:
            out[name.strip()] = value.replace("!important", "").strip()
    return out


def _length(value: str) -> Optional[tuple[float, str]]:
    m = _LENGTH_RE.match(value)
    if not m:
        return None
    try:
        return float(m.group(1)), m.group(2)
    except ValueError:
        return None


def _tiny(value: str) -> bool:
    """A font size nobody can read (0, 1px, 0.1em, 10%)."""
    n = _length(value)
    if n is None:
        return False
    size, unit = n
    limit = {"px": 2.0, "pt": 2.0, "em": 0.2, "rem": 0.2, "%": 20.0}.get(unit, 0.0)
    return size <= limit


def _zero(value: str) -> bool:
    n = _length(value)
    return n is not None and n[0] <= 0


def _far_left(value: str) -> bool:
    n = _length(value)
    return n is not None and n[0] <= -500


def color_of(value: str) -> Optional[Color]:
    """An RGB triple from a CSS/HTML colour (#fff, #ffffff, rgb(), rgba(), a few names); _CLEAR
    for transparent; None when it cannot be told."""
    v = (value or "").strip().lower()
    if not v:
        return None
    if v.startswith("#"):
        return _hex_color(v[1:].split()[0] if len(v) > 1 else "")
    m = _RGB_RE.match(v)
    if m:
        alpha = m.group(4)
        if alpha is not None:
            a = float(alpha[:-1]) / 100 if alpha.endswith("%") else float(alpha)
            if a <= 0.1:
                return _CLEAR
        return int(m.group(1)), int(m.group(2)), int(m.group(3))
    if v.startswith("transparent"):
        return _CLEAR
    return _NAMED.get(v.split()[0])


def _hex_color(h: str) -> Optional[Color]:
    if len(h) in (3, 4):
        h = "".join(c * 2 for c in h[:3])
    elif len(h) == 8 and h[6:] == "00":
        return _CLEAR
    if len(h) < 6:
        return None
    try:
        return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)
    except ValueError:
        return None


def _close_colors(a: Optional[Color], b: Optional[Color]) -> bool:
    return a is not None and b is not None and all(abs(x - y) <= _CLOSE for x, y in zip(a, b))


def hides(decl: dict[str, str]) -> bool:
    """Whether these CSS declarations alone hide an element's text."""
    if decl.get("display", "").startswith("none"):
        return True
    if decl.get("visibility", "").startswith(("hidden", "collapse")):
        return True
    if "opacity" in decl and (_length(decl["opacity"]) or (1.0, ""))[0] <= 0.1:
        return True
    if "font-size" in decl and _tiny(decl["font-size"]):
        return True
    if decl.get("overflow", "").startswith("hidden") and any(
            k in decl and _zero(decl[k]) for k in ("height", "max-height", "width", "max-width")):
        return True
    if "text-indent" in decl and _far_left(decl["text-indent"]):
        return True
    return decl.get("position", "").startswith(("absolute", "fixed")) and any(
        k in decl and _far_left(decl[k]) for k in ("left", "top"))


_STYLING = frozenset({"style", "class", "hidden", "bgcolor", "color", "background"})


@lru_cache(maxsize=2048)
def _styling(style: str, color_attr: str, bgcolor_attr: str, bg_image_attr: bool
             ) -> tuple[bool, Optional[Color], bool, Optional[Color]]:
    """(hides?, own text colour or None, own background set?, background colour) of an element;
    cached, as mail repeats the same inline styles on element after element."""
    decl = _declarations(style) if style else {}
    value = decl.get("color") or color_attr
    own_bg, bg = _background(decl, bgcolor_attr, bg_image_attr)
    return hides(decl), color_of(value) if value else None, own_bg, bg


def _background(decl: dict[str, str], bgcolor_attr: str, bg_image_attr: bool
                ) -> tuple[bool, Optional[Color]]:
    """(set here?, colour) of an element's own background; an image makes the colour unknown."""
    if "background-image" in decl or "url(" in decl.get("background", "") or bg_image_attr:
        return True, None
    value = decl.get("background-color") or decl.get("background") or bgcolor_attr
    if not value:
        return False, None
    c = color_of(value)
    if c == _CLEAR:                 # transparent: the parent's background shows through
        return False, None
    return True, c


def hidden_classes(css: str) -> frozenset[str]:
    """Class names that a <style> block hides at top level (rules inside @media are conditional
    and ignored)."""
    css = _strip_css_comments(css[:MAX_CSS_CHARS])
    out: set[str] = set()
    depth, start, body_start, prelude = 0, 0, 0, ""
    for m in re.finditer(r"[{}]", css):
        if m.group() == "{":
            if depth == 0:
                prelude, body_start = css[start:m.start()], m.end()
            depth += 1
            continue
        if depth == 0:
            start = m.end()
            continue
        depth -= 1
        if depth == 0:
            if not prelude.lstrip().startswith("@") and hides(_declarations(css[body_start:m.start()])):
                out.update(c.group(1).lower() for c in map(_CLASS_END_RE.search, prelude.split(",")) if c)
            start = m.end()
    return frozenset(out)


def _strip_css_comments(css: str) -> str:
    parts, pos = [], 0
    while True:
        a = css.find("/*", pos)
        if a < 0:
            parts.append(css[pos:])
            break
        parts.append(css[pos:a])
        b = css.find("*/", a + 2)
        if b < 0:
            break
        pos = b + 2
    return "".join(parts)


# --------------------------------------------------------------------------------------------
# the extractor

def _clean_href(href: str) -> str:
    # Browsers strip surrounding whitespace and drop tab/CR/LF anywhere in a URL.
    return href.strip().translate(_URL_JUNK).replace(_LT, "<")


def _unterminated_end(rest: str) -> int:
    """Where ``close()`` ends the text it makes of an unterminated tag at the start of ``rest``."""
    gt = rest.find(">", 1)
    if gt >= 0:
        return gt + 1
    lt = rest.find("<", 1)
    return lt if lt > 0 else 1


class _OverBudget(Exception):
    """Raised from a callback to stop parsing a document with too many tags."""


class _Extractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags = 0
        self.out: list[str] = []          # visible text
        self.hid: list[str] = []          # hidden text
        self.lead: list[str] = []         # hidden text before any visible text (a preheader?)
        self.seen_visible = False
        self.outside: list[str] = []
        self.links: list[tuple[str, str]] = []
        self.alts: list[str] = []         # <img alt=...> outside <a>, at most MAX_ALT_CHARS in all
        self.alt_len = 0
        self.skip = 0
        self.in_head = False
        self.pre = 0
        self.anchor: list | None = None   # [href, text chunks] while inside <a href=...>
        self.frames: list[_Frame] = [_ROOT]
        self.css: list[str] = []          # the <style> block being read
        self.css_len = 0                  # CSS read in all blocks (capped)
        self.in_style = False
        self.hidden_cls: frozenset[str] = frozenset()

    def updatepos(self, i: int, j: int) -> int:   # line/column tracking is not needed: skip it
        return j

    # -- helpers --------------------------------------------------------------------------------
    def _newline(self) -> None:
        self.out.append("\n")
        self.hid.append("\n")
        self.outside.append("\n")
        if self.anchor is not None:
            self.anchor[1].append(" ")

    def _space(self) -> None:
        (self.hid if self.frames[-1].invisible else self.out).append(" ")
        if self.anchor is not None:
            self.anchor[1].append(" ")
        else:
            self.outside.append(" ")

    def _close_anchor(self) -> None:
        if self.anchor is not None:
            href, chunks = self.anchor
            self.anchor = None
            self.links.append((href, " ".join("".join(chunks).replace(_LT, "<").split())))

    def _add_link(self, value: str | None) -> None:
        if value:
            href = _clean_href(value)
            if href and not href.startswith("#"):
                self.links.append((href, ""))

    def _open(self, tag: str, attrs: list) -> None:
        """Track the element's visibility and colours for the text inside it."""
        if tag in _VOID:
            return
        top = self.frames[-1]
        if (top.tag == "p" and tag in _CLOSES_P) or top.tag in _IMPLIED_END.get(tag, ()):
            if len(self.frames) > 1:
                self.frames.pop()
        parent = self.frames[-1]
        amap = {k: v for k, v in attrs if k in _STYLING} if attrs else None
        if not amap or (len(amap) == 1 and "class" in amap and not self.hidden_cls):
            self.frames.append(_Frame(tag, parent.hidden, parent.color, parent.bg, parent.invisible))
            return
        hides_it, color, own_bg, bg = _styling(amap.get("style") or "", amap.get("color") or "",
                                               amap.get("bgcolor") or "", "background" in amap)
        hidden = parent.hidden or hides_it or "hidden" in amap or bool(
            self.hidden_cls and amap.get("class")
            and not self.hidden_cls.isdisjoint((amap["class"] or "").lower().split()))
        if color is None:
            color = parent.color
        if not own_bg:
            bg = parent.bg
        invisible = hidden or color == _CLEAR or _close_colors(color, bg)
        self.frames.append(_Frame(tag, hidden, color, bg, invisible))

    def _close(self, tag: str) -> None:
        frames = self.frames
        for i in range(len(frames) - 1, max(0, len(frames) - 1 - _SCOPE), -1):
            if frames[i].tag == tag:
                del frames[i:]
                return

    def _end_style(self) -> None:
        self.in_style = False
        if self.css:
            self.hidden_cls |= hidden_classes("".join(self.css))
            self.css = []

    def finish(self, budget: int) -> bool:
        """``close()`` without its quadratic end: each tag left unterminated becomes text up to the
        next ">" (as ``close()`` does) and parsing resumes after it, until ``budget`` characters
        have been re-read; the rest is then kept as text. False when the budget ran out."""
        while self.rawdata.startswith("<") and self.cdata_elem is None:
            rest = self.rawdata
            budget -= len(rest)
            self.rawdata = ""
            if budget < 0:
                self.handle_data(unescape(rest))
                return False
            k = _unterminated_end(rest)
            self.handle_data(unescape(rest[:k]))
            self.feed(rest[k:])
        self.close()
        return True

    # -- parser callbacks -----------------------------------------------------------------------
    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.tags += 1
        if self.tags > MAX_TAGS:
            raise _OverBudget
        if tag in _SKIP:
            self.skip += 1
            self.in_style = tag == "style"
            return
        if tag == "head":
            self.in_head = True
            return
        if tag == "body":
            self.in_head = False
            self.skip = 0          # an unclosed <title>/<xml> ends where the body starts
        elif self.in_head and tag not in _HEAD_OK:
            self.in_head = False
        if tag == "a":
            self._close_anchor()   # <a> cannot nest: a new one closes the open one
            href = next((v for k, v in attrs if k == "href"), None)
            if href:
                href = _clean_href(href)
                if href and not href.startswith("#"):
                    self.anchor = [href, []]
        elif tag == "area":
            self._add_link(next((v for k, v in attrs if k == "href"), None))
        elif tag == "form":
            self._add_link(next((v for k, v in attrs if k == "action"), None))
        elif tag == "img" and self.anchor is None and self.alt_len < MAX_ALT_CHARS:
            alt = " ".join((next((v for k, v in attrs if k == "alt"), None) or "")[:200].split())
            if alt:
                self.alts.append(alt)
                self.alt_len += len(alt)
        elif tag == "pre":
            self.pre += 1
        self._open(tag, attrs)
        if tag in _BLOCK:
            self._newline()
        elif tag in _CELL:
            self._space()

    def handle_endtag(self, tag: str) -> None:
        self.tags += 1
        if self.tags > MAX_TAGS:
            raise _OverBudget
        if tag in _SKIP:
            if self.skip:
                self.skip -= 1
            if tag == "style" and self.in_style:
                self._end_style()
            return
        if tag == "head":
            self.in_head = False
            return
        if tag == "a":
            self._close_anchor()
        elif tag == "pre" and self.pre:
            self.pre -= 1
        self._close(tag)
        if tag in _BLOCK:
            self._newline()
        elif tag in _CELL:
            self._space()

    def handle_data(self, data: str) -> None:
        if self.skip:
            if self.in_style and self.css_len < MAX_CSS_CHARS:
                self.css.append(data)
                self.css_len += len(data)
            return
        if self.in_head:
            if not data.strip():
                return
            self.in_head = False   # text in <head> is rendered in the body by browsers
        if self.pre:
            data = data.replace("\r\n", "\n")
        else:
            data = data.translate(_NEWLINES)
        if self.frames[-1].invisible:
            (self.hid if self.seen_visible else self.lead).append(data)
            if len(data.split(None, 1)) > 1 or data[:1].isspace() or data[-1:].isspace():
                self.out.append(" ")   # hidden words still separate visible ones; hidden letters do not
        else:
            self.out.append(data)
            self.seen_visible = self.seen_visible or not data.isspace()
        if self.anchor is not None:
            self.anchor[1].append(data)
        else:
            self.outside.append(data)


def _collapse_lines(text: str) -> str:
    """Whitespace collapsed within each line, empty lines dropped; map/filter keep the loop over
    lines in C (it runs four times per document)."""
    text = text.replace(_LT, "<")
    return "\n".join(filter(None, map(" ".join, map(str.split, text.split("\n")))))


def extract_html(html: str) -> HtmlContent:
    """Parse once, return visible text, links and the text outside anchors. Never raises.

    The last few documents are remembered: the parser extracts every HTML part, and signals ask
    again about the first one (``ParsedMessage.html``) for its hidden text."""
    found = _extract_cached(html)
    return found._replace(links=list(found.links))


@lru_cache(maxsize=4)
def _extract_cached(html: str) -> HtmlContent:
    if not html:
        return HtmlContent("", [], "", True)
    complete = True
    if len(html) > MAX_HTML_CHARS:
        html = html[:MAX_HTML_CHARS]
        complete = False
    if "<" in html:
        html = _LONE_LT_RE.sub(_LT, html)
    parser = _Extractor()
    try:
        parser.feed(html)
        complete = parser.finish(RESCAN_FACTOR * len(html)) and complete
    except Exception:  # noqa: BLE001 - html.parser has had assertion bugs on hostile markup;
        complete = False   # _OverBudget ends a document with too many tags the same way
    parser._close_anchor()
    visible = _collapse_lines("".join(parser.out))
    lead = _collapse_lines("".join(parser.lead))
    hidden = _collapse_lines("".join(parser.hid))
    if len(lead.split()) > PREHEADER_MAX_WORDS:
        lead, hidden = "", "\n".join(x for x in (lead, hidden) if x)
    text = "\n".join(x for x in (visible, lead, hidden) if x)
    return HtmlContent(text, parser.links, _collapse_lines("".join(parser.outside)), complete,
                       hidden, "\n".join(parser.alts))


def html_to_text(html: str) -> str:
    """Visible text of an HTML document, one block per line, whitespace collapsed per line."""
    return extract_html(html).text


def extract_html_links(html: str) -> list[tuple[str, str]]:
    """(href, visible anchor text) for every <a href>, <area href> (text "") and <form action>
    (text ""), in document order."""
    return extract_html(html).links
