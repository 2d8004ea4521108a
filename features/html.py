"""HTML body -> visible text and links, on the stdlib ``html.parser`` (no browser, no bs4/lxml).

What a mail client would render is approximated: script/style/title content and the document head
are skipped, block elements become line breaks, entities are decoded and whitespace is collapsed
per line. Text hidden with CSS (display:none, font-size:0, ...) is deliberately *kept*: hiding text
is an evasion technique and is judged later, not silently dropped here.

Links are the ``href`` of ``<a>`` and ``<area>`` and the ``action`` of ``<form>``, each with the
visible text of the anchor ("" for area/form). In-page fragments ("#top") and empty hrefs are not
links. Pure functions, no I/O.
"""
from __future__ import annotations

from html.parser import HTMLParser
from typing import NamedTuple

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


class HtmlContent(NamedTuple):
    text: str                        # visible text, one block per line
    links: list[tuple[str, str]]     # (href, visible anchor text)
    outside_text: str                # visible text that is not inside an anchor
    complete: bool                   # False when the parser gave up or the input was truncated


def _clean_href(href: str) -> str:
    # Browsers strip surrounding whitespace and drop tab/CR/LF anywhere in a URL.
    return href.strip().translate(_URL_JUNK)


class _Extractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.outside: list[str] = []
        self.links: list[tuple[str, str]] = []
        self.skip = 0
        self.in_head = False
        self.pre = 0
        self.anchor: list | None = None   # [href, text chunks] while inside <a href=...>

    def updatepos(self, i: int, j: int) -> int:   # line/column tracking is not needed: skip it
        return j

    # -- helpers --------------------------------------------------------------------------------
    def _newline(self) -> None:
        self.out.append("\n")
        self.outside.append("\n")
        if self.anchor is not None:
            self.anchor[1].append(" ")

    def _space(self) -> None:
        self.out.append(" ")
        if self.anchor is not None:
            self.anchor[1].append(" ")
        else:
            self.outside.append(" ")

    def _close_anchor(self) -> None:
        if self.anchor is not None:
            href, chunks = self.anchor
            self.anchor = None
            self.links.append((href, " ".join("".join(chunks).split())))

    def _add_link(self, value: str | None) -> None:
        if value:
            href = _clean_href(value)
            if href and not href.startswith("#"):
                self.links.append((href, ""))

    # -- parser callbacks -----------------------------------------------------------------------
    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in _SKIP:
            self.skip += 1
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
        elif tag == "pre":
            self.pre += 1
        if tag in _BLOCK:
            self._newline()
        elif tag in _CELL:
            self._space()

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            if self.skip:
                self.skip -= 1
            return
        if tag == "head":
            self.in_head = False
            return
        if tag == "a":
            self._close_anchor()
        elif tag == "pre" and self.pre:
            self.pre -= 1
        if tag in _BLOCK:
            self._newline()
        elif tag in _CELL:
            self._space()

    def handle_data(self, data: str) -> None:
        if self.skip:
            return
        if self.in_head:
            if not data.strip():
                return
            self.in_head = False   # text in <head> is rendered in the body by browsers
        if self.pre:
            data = data.replace("\r\n", "\n")
        else:
            data = data.translate(_NEWLINES)
        self.out.append(data)
        if self.anchor is not None:
            self.anchor[1].append(data)
        else:
            self.outside.append(data)


def _collapse_lines(text: str) -> str:
    lines = (" ".join(line.split()) for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def extract_html(html: str) -> HtmlContent:
    """Parse once, return visible text, links and the text outside anchors. Never raises."""
    if not html:
        return HtmlContent("", [], "", True)
    complete = True
    if len(html) > MAX_HTML_CHARS:
        html = html[:MAX_HTML_CHARS]
        complete = False
    parser = _Extractor()
    try:
        parser.feed(html)
        parser.close()
    except Exception:  # noqa: BLE001 - html.parser has had assertion bugs on hostile markup
        complete = False
    parser._close_anchor()
    return HtmlContent(_collapse_lines("".join(parser.out)), parser.links,
                       _collapse_lines("".join(parser.outside)), complete)


def html_to_text(html: str) -> str:
    """Visible text of an HTML document, one block per line, whitespace collapsed per line."""
    return extract_html(html).text


def extract_html_links(html: str) -> list[tuple[str, str]]:
    """(href, visible anchor text) for every <a href>, <area href> (text "") and <form action>
    (text ""), in document order."""
    return extract_html(html).links
