"""Payload: how is the attack delivered?

Links (deceptive anchors, IP and punycode hosts, shorteners, free hosting, redirect chains,
credential words next to links), attachments (HTML/SVG, macro documents, archives, executables,
double extensions, password-protected archives, image-only bodies, QR codes), the conversation
itself (a short request with nothing to click) and callback phone numbers.
"""
from __future__ import annotations

import base64
import binascii
import re
from functools import lru_cache
from typing import Callable, Optional
from urllib.parse import unquote, urlsplit

from features.context import Context
from features.domains import (host_matches, is_ip_host, is_punycode, registrable_domain,
                              strip_invisible, to_unicode)
from features.html import HtmlContent, extract_html
from features.lexicon import count_terms, match_text, theme_regex
from features.message import Attachment, Link, ParsedMessage
from features.signals import Evidence, signal
from features.trust import SHORT_WORDS, makes_request, signal_text, word_count

MAX_LINKS = 200         # links examined per message
MAX_ATTACHMENTS = 50    # attachments examined per message
MAX_HTML = 200_000      # characters of raw HTML searched for <img>
LINK_CAP = 50.0
COUNT_CAP = 10.0

HTML_EXT = frozenset({".html", ".htm", ".shtml", ".shtm", ".svg", ".xhtml", ".mht", ".mhtml"})
HTML_TYPES = frozenset({"text/html", "image/svg+xml", "application/xhtml+xml", "message/rfc822+html"})
MACRO_EXT = frozenset({".docm", ".xlsm", ".pptm", ".dotm", ".xlsb", ".xltm", ".potm", ".ppsm",
                       ".xlam", ".ppam", ".sldm"})
LEGACY_OFFICE_EXT = frozenset({".doc", ".xls", ".ppt", ".dot", ".xlt", ".pps"})
ARCHIVE_EXT = frozenset({".zip", ".rar", ".7z", ".iso", ".img", ".gz", ".tgz", ".tar", ".cab",
                         ".ace", ".arj", ".bz2", ".xz", ".lzh", ".z", ".uue", ".vhd", ".vhdx"})
ARCHIVE_TYPES = frozenset({"application/zip", "application/x-zip-compressed", "application/x-rar-compressed",
                           "application/vnd.rar", "application/x-7z-compressed", "application/x-iso9660-image",
                           "application/gzip", "application/x-gzip", "application/x-tar",
                           "application/vnd.ms-cab-compressed", "application/x-ace-compressed"})
EXEC_EXT = frozenset({".exe", ".scr", ".js", ".jse", ".vbs", ".vbe", ".wsf", ".wsh", ".hta", ".bat",
                      ".cmd", ".ps1", ".lnk", ".msi", ".dll", ".jar", ".com", ".pif", ".cpl", ".msc",
                      ".reg", ".appx", ".msix", ".application", ".gadget", ".chm", ".url", ".iqy"})
EXEC_TYPES = frozenset({"application/x-msdownload", "application/x-dosexec", "application/x-msdos-program",
                        "application/x-ms-installer", "application/hta", "application/x-javascript",
                        "application/javascript", "text/javascript", "application/x-sh",
                        "application/java-archive", "application/x-ms-shortcut", "text/vbscript"})
IMAGE_EXT = frozenset({".png", ".jpg", ".jpeg", ".gif", ".bmp", ".webp", ".tif", ".tiff", ".heic"})
# What a double extension hides behind: a document, picture or media name.
DECOY_EXT = frozenset({"pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "txt", "rtf", "csv", "odt",
                       "jpg", "jpeg", "png", "gif", "bmp", "mp3", "mp4", "avi", "mov", "wav", "zip",
                       "rar", "eml", "msg", "htm", "html", "xml", "json"})
DANGEROUS_LAST = EXEC_EXT | HTML_EXT

REDIRECT_PARAMS = frozenset({"url", "redirect", "redirect_uri", "redirect_url", "redirecturl", "next",
                             "goto", "target", "r", "u", "dest", "destination", "continue", "return",
                             "returnurl", "return_url", "returnto", "rurl", "out", "link"})

_DOMAINISH_RE = re.compile(
    r"(?:(?:https?|hxxps?)://)?((?:[a-z0-9\u00a1-\uffff](?:[a-z0-9\u00a1-\uffff-]{0,61}[a-z0-9\u00a1-\uffff])?\.)+"
    r"(?:xn--[a-z0-9-]{2,59}|[a-z\u00a1-\uffff]{2,24}))(?![\w@-])(?::\d+)?", re.IGNORECASE)
_EMAIL_RE = re.compile(r"[\w.+'-]+@[\w.-]+", re.UNICODE)
_COMMON_TLDS = frozenset({"com", "net", "org", "edu", "gov", "mil", "int", "info", "biz", "io", "co",
                          "app", "dev", "online", "site", "xyz", "top", "shop", "store", "club", "live",
                          "me", "tv", "cc", "ai", "cloud", "tech", "page", "link", "click", "website",
                          "services", "support", "email", "bank", "finance", "money", "pro", "mobi"})
_NOT_TLDS = frozenset({"pdf", "doc", "docx", "xls", "xlsx", "zip", "htm", "html", "png", "jpg", "gif",
                       "txt", "exe", "php", "asp", "aspx", "js", "css", "jsp", "cgi", "eml", "ics"})
_PHONE_RE = re.compile(
    r"(?<![\w+])(?:\+\d{9,15}|(?:\+|00)?(?:\d{1,3}[ .\-]?)?(?:\(\d{1,4}\)|\d{1,4})(?:[ .\-]\d{2,5}){1,4})(?![\w])")
_IPISH_RE = re.compile(r"^\d{1,3}(?:\.\d{1,3}){3}$")
_IMG_TAG_RE = re.compile(r"<img\b", re.IGNORECASE)
# Other ways to show a picture: SVG <image>, <input type=image>, a CSS or attribute background.
# (One pattern each: a literal start lets the regex engine skip ahead; an alternation would not.)
_OTHER_IMAGE_RES = tuple(re.compile(p, re.IGNORECASE) for p in (
    r"url\(", r"<image\b", r"<input\b[^>]{0,200}?type\s*=\s*[\"']?image",
    r"\bbackground\s*=\s*[\"']?[^\s\"'>#]"))
_PW_GIVEN_RE = re.compile(r"(?:\b(?:is|ist|e|est|es|eh)\b|[:=])\s*[\"'(\[]?([^\s\"')\]]{3,24})")
_PW_DIGIT_TOKEN_RE = re.compile(r"(?<!\S)[\"'(\[]?((?=[^\s]*\d)[^\s\"')\]]{3,24})")
_PW_STOP = frozenset({"for", "the", "and", "protected", "required", "below", "attached", "para", "fur",
                      "voor", "pour", "this", "that", "your", "you", "sent", "separately", "enclosed"})
_DATEISH_RE = re.compile(r"(?:19|20)\d\d[-./]\d\d?[-./]\d\d?|\d\d?[-./]\d\d?[-./](?:19|20)\d\d")


def extension(filename: str) -> str:
    """Lower-case last extension with its dot ('.exe'), trailing dots/spaces ignored: what runs."""
    name = (filename or "").strip().rstrip(". ").lower()
    dot = name.rfind(".")
    return name[dot:] if dot > 0 or (dot == 0 and len(name) > 1) else ""


def _attachments(msg: ParsedMessage) -> tuple[Attachment, ...]:
    return msg.attachments[:MAX_ATTACHMENTS]


_LAST_LINKS: tuple[object, tuple[Link, ...]] = (None, ())   # (message, its links): signals ask


def _links(msg: ParsedMessage) -> tuple[Link, ...]:
    """The links this sender put in the message. In a reply (In-Reply-To or References), a plain
    text link found only in the quoted history is the quoted writer's: a developer answering a bot's
    report quotes its links, and they say nothing about what the reply delivers."""
    global _LAST_LINKS
    links = msg.links[:MAX_LINKS]
    if not (msg.quoted_text and (msg.in_reply_to or msg.references)):
        return links
    hit = _LAST_LINKS
    if hit[0] is msg:
        return hit[1]
    own = tuple(lk for lk in links if lk.in_html or lk.url in msg.current_text
                or lk.url not in msg.quoted_text)
    _LAST_LINKS = (msg, own)
    return own


def _count_attachments(msg: ParsedMessage, pred: Callable[[Attachment], bool]) -> Evidence:
    hits = [a for a in _attachments(msg) if pred(a)]
    if not hits:
        return Evidence(0.0)
    return Evidence(min(float(len(hits)), COUNT_CAP), hits[0].filename or hits[0].content_type)


def _ctype(a: Attachment) -> str:
    return (a.content_type or "").split(";", 1)[0].strip().lower()


def is_archive(a: Attachment) -> bool:
    """An archive or disk image: a container that hides its payload from scanners."""
    return extension(a.filename) in ARCHIVE_EXT or _ctype(a) in ARCHIVE_TYPES


def is_image(a: Attachment) -> bool:
    """An image part (inline or attached)."""
    return _ctype(a).startswith("image/") or extension(a.filename) in IMAGE_EXT


_LAST_IMAGE: tuple[object, bool] = (None, False)   # (message, has an image): two signals ask


def _has_image(msg: ParsedMessage) -> bool:
    global _LAST_IMAGE
    hit = _LAST_IMAGE
    if hit[0] is msg:
        return hit[1]
    found = any(is_image(a) for a in _attachments(msg))
    html = (msg.html or "")[:MAX_HTML]
    if not found and html:
        found = bool(_IMG_TAG_RE.search(html)) or any(rx.search(html) for rx in _OTHER_IMAGE_RES)
    _LAST_IMAGE = (msg, found)
    return found


def html_view(msg: ParsedMessage) -> Optional[HtmlContent]:
    """The first HTML part as a reader sees it (visible and hidden text apart); None without HTML.
    The parser already extracted it, and extract_html remembers recent documents."""
    return extract_html(msg.html) if msg.html else None


_WORDS_PREFIX = 4000    # characters read to count a handful of words


def visible_words(msg: ParsedMessage, limit: int) -> int:
    """Words the reader sees: of the newest text, and of the HTML when the message has one (text
    hidden with CSS, or a plain-text part the client does not show, is not read)."""
    n = word_count(strip_invisible((msg.current_text or "")[:_WORDS_PREFIX]), limit)
    view = html_view(msg)
    if view is not None and n:
        visible_len = max(0, len(view.text) - (len(view.hidden_text) + 1 if view.hidden_text else 0))
        n = min(n, word_count(strip_invisible(view.text[:min(visible_len, _WORDS_PREFIX)]), limit))
    return n


# -------------------------------------------------------------------------------- redirects
_TARGET_PREFIXES = ("http://", "https://", "//", "www.")
_AMP_PATH_RE = re.compile(r"^https?://(?:www\.)?google\.[a-z.]{2,6}/amp/(?:s/)?([^?#]+)", re.IGNORECASE)
MAX_TARGETS = 10


def _query_targets(url: str) -> list[str]:
    """URLs carried whole in a URL's query values or path segments (percent-encoded up to three
    times: Amazon SES's awstrack.me/L0/https:%2F%2F...), base64-encoded, or in a Google AMP
    path."""
    out: list[str] = []
    m = _AMP_PATH_RE.match(url)
    if m:
        out.append("https://" + m.group(1))
    out.extend(_encoded_targets(url))
    rest = url.partition("//")[2]
    path = rest[len(rest.partition("/")[0]):].partition("?")[0].partition("#")[0]
    q = url.partition("?")[2].partition("#")[0]
    values = [seg for seg in path.split("/")[:50] if "%" in seg]
    values += [pair.partition("=")[2] for pair in q.split("&")[:100]] if q else []
    for value in values:
        for _ in range(3):
            if value.lower().startswith(_TARGET_PREFIXES):
                out.append(value)
                break
            if "%" not in value:
                break
            value = unquote(value)
    return out


# Base64 of "http" is "aHR0c": click trackers carry the destination base64-encoded in a path
# segment (mailgun's /c/aHR0cHM6Ly9..., SparkPost's ~~/aHR0cHM6...) or a query value (SendGrid's
# upn=u001.aHR0cHM6...). Only the start is needed: the host comes first.
_B64_URL_RE = re.compile(r"(?<![A-Za-z0-9])aHR0c[A-Za-z0-9_\-+]{8,400}")


_WHOLE_HOST_RE = re.compile(r"https?://[^/?#:]+[/?#:]", re.IGNORECASE)
_URL_CHARS_RE = re.compile(r"[A-Za-z0-9:/?#\[\]@!$&'()*+,;=%._~-]*")


def _may_redirect(url: str) -> bool:
    """Cheap gate before the redirect parsers: only these URLs can carry another."""
    return "?" in url or "/amp/" in url or "aHR0c" in url or "%2F" in url or "%2f" in url


def _encoded_targets(url: str) -> list[str]:
    """URLs that click trackers carry base64-encoded: the destination the reader really reaches
    (possibly cut short after its host when the tracker splits or signs the rest)."""
    out: list[str] = []
    for m in _B64_URL_RE.finditer(url[:4000]):
        seg = m.group(0).replace("+", "-")
        # Whole quanta first (a tracker may glue its signature on); a segment that is the
        # encoding alone ends in a partial quantum that holds the end of the host
        # (aHR0cHM6Ly9leHBlbnNpZnkuY29tLw is https://expensify.com/, unpadded).
        for cut in (seg[:len(seg) - len(seg) % 4], seg + "=" * (-len(seg) % 4)):
            try:
                text = base64.urlsafe_b64decode(cut).decode("utf-8", "replace")
            except (binascii.Error, ValueError):
                continue
            url_text = _URL_CHARS_RE.match(text).group(0)
            if _WHOLE_HOST_RE.match(url_text):     # the host is whole, not cut short
                out.append(url_text)
                break
    return out[:MAX_TARGETS]


@lru_cache(maxsize=4096)
def redirect_targets(url: str) -> tuple[str, ...]:
    """Where a link forwards to through open redirects and link wrappers
    (google.com/url?q=..., safelinks ?url=..., l.facebook.com/l.php?u=...), nested up to three
    deep, outermost first."""
    out: list[str] = []
    todo = [url]
    for _ in range(3):
        todo = [t for u in todo if _may_redirect(u) for t in _query_targets(u)
                if t not in out]
        out.extend(todo[:MAX_TARGETS - len(out)])
        if not todo or len(out) >= MAX_TARGETS:
            break
    return tuple(out)


def _target_host(target: str) -> tuple[str, str]:
    """(host, raw host) of a redirect target; ("", "") when it has none."""
    t = target.strip().replace("\\", "/")
    if t.startswith("//"):
        t = "http:" + t
    elif t[:4].lower() == "www.":
        t = "http://" + t
    try:
        raw = urlsplit(t).hostname or ""
    except (ValueError, TypeError):
        return "", ""
    return to_unicode(unquote(raw).rstrip(".")), raw


def link_hosts(lk: Link) -> list[tuple[str, str]]:
    """(host, raw host) of a link and of every address it redirects to: a host hidden behind a
    redirector is judged as if linked directly."""
    return list(_link_hosts(lk))


@lru_cache(maxsize=4096)
def _link_hosts(lk: Link) -> tuple[tuple[str, str], ...]:
    # Cached: five link signals and the identity ask for the same links' hosts.
    hosts = [(lk.host or "", lk.raw_host or "")]
    url = lk.url or ""
    if _may_redirect(url):
        hosts.extend(h for h in map(_target_host, redirect_targets(url)) if h[0] or h[1])
    return tuple(hosts)



# -------------------------------------------------------------------------------- links
@signal("payload", "link_count", "The message carries {detail} links")
def link_count(msg: ParsedMessage, ctx: Context) -> Optional[Evidence]:
    n = len(_links(msg))
    return Evidence(min(float(n), LINK_CAP), str(n) if n else "")


@signal("payload", "distinct_link_hosts", "The links point to {detail} different hosts")
def distinct_link_hosts(msg: ParsedMessage, ctx: Context) -> Optional[Evidence]:
    hosts = {(lk.host or "").lower() for lk in _links(msg) if lk.host}
    n = len(hosts)
    return Evidence(min(float(n), LINK_CAP), str(n) if n else "")


def anchor_domain(anchor_text: str) -> Optional[str]:
    """The domain an anchor's visible text displays ('www.paypal.com/login' -> paypal.com), or None
    when the text does not look like a web address."""
    text = _EMAIL_RE.sub(" ", (anchor_text or "")[:300].strip().lower())
    if not text or "." not in text:
        return None
    for m in _DOMAINISH_RE.finditer(text):
        host = m.group(1).rstrip(".")
        tld = host.rsplit(".", 1)[-1]
        explicit = m.group(0).startswith(("http", "hxxp")) or host.startswith("www.")
        if tld in _NOT_TLDS:
            continue
        if explicit or len(tld) == 2 or tld in _COMMON_TLDS or tld.startswith("xn--"):
            return registrable_domain(to_unicode(host))
    return None


@signal("payload", "anchor_host_mismatch",
        "A link's visible text names one site but leads to another ({detail})")
def anchor_host_mismatch(msg: ParsedMessage, ctx: Context) -> Optional[Evidence]:
    hits = []
    for lk in _links(msg):
        if not lk.in_html or not lk.anchor_text or not lk.host:
            continue
        shown = anchor_domain(lk.anchor_text)
        if shown is None:
            continue
        real = registrable_domain(to_unicode(lk.host))
        if shown != real:
            hits.append(f"text shows {shown}, goes to {real}")
    if not hits:
        return Evidence(0.0)
    return Evidence(min(float(len(hits)), COUNT_CAP), hits[0])


def _count_links(msg: ParsedMessage, pred: Callable[[str, str], bool]) -> Evidence:
    """Links whose host, or a host they redirect to, satisfies ``pred(host, raw_host)``."""
    n, first = 0, ""
    for lk in _links(msg):
        hit = next(((h, raw) for h, raw in _link_hosts(lk) if pred(h, raw)), None)
        if hit is not None:
            n += 1
            first = first or hit[1] or hit[0]
    return Evidence(min(float(n), COUNT_CAP), first) if n else Evidence(0.0)


@signal("payload", "ip_host_link", "A link points to a bare IP address ({detail})")
def ip_host_link(msg: ParsedMessage, ctx: Context) -> Optional[Evidence]:
    return _count_links(msg, lambda host, raw: is_ip_host(raw or host))


@signal("payload", "punycode_link", "A link points to an internationalised (IDN) host ({detail})")
def punycode_link(msg: ParsedMessage, ctx: Context) -> Optional[Evidence]:
    return _count_links(msg, lambda host, raw: is_punycode(raw or host) or is_punycode(host))


@signal("payload", "shortener_link", "A link hides its destination behind a URL shortener ({detail})")
def shortener_link(msg: ParsedMessage, ctx: Context) -> Optional[Evidence]:
    lst = ctx.org.url_shorteners
    return _count_links(msg, lambda host, raw: host_matches(host, lst) is not None)


@signal("payload", "free_hosting_link",
        "A link points to a free hosting or file-sharing service ({detail})")
def free_hosting_link(msg: ParsedMessage, ctx: Context) -> Optional[Evidence]:
    lst = ctx.org.free_hosting
    return _count_links(msg, lambda host, raw: host_matches(host, lst) is not None)


@signal("payload", "credential_words_near_link",
        "The message asks for a login or account details next to a link ({detail} mentions)")
def credential_words_near_link(msg: ParsedMessage, ctx: Context) -> Optional[Evidence]:
    if not msg.links:
        return Evidence(0.0)
    text = signal_text(msg)
    n = count_terms(text, "credentials") + count_terms(text, "credential_form_near_link")
    return Evidence(min(float(n), COUNT_CAP), str(n)) if n else Evidence(0.0)


def redirect_param_count(url: str) -> int:
    """How many query parameters of a URL carry another URL: the marks of an open redirect."""
    q = url.partition("?")[2].partition("#")[0]
    if not q:
        return 0
    n = 0
    for pair in q.split("&")[:100]:
        name, _, value = pair.partition("=")
        if not value:
            continue
        low = value.lower()
        dec = unquote(low)
        if (dec.startswith(("http:", "https:", "//", "www.")) or "%2f%2f" in low
                or (name.lower() in REDIRECT_PARAMS and ("." in dec or "/" in dec))):
            n += 1
    return n


@signal("payload", "redirect_params",
        "A link passes another address as a parameter ({detail}), typical of redirect chains")
def redirect_params(msg: ParsedMessage, ctx: Context) -> Optional[Evidence]:
    best, where = 0, ""
    for lk in _links(msg):
        n = redirect_param_count(lk.url or "")
        if n > best:
            best, where = n, lk.host
            targets = [h for h, _ in _link_hosts(lk)[1:] if h]
            if targets:
                where = f"{lk.host} -> {targets[-1]}"
    return Evidence(min(float(best), COUNT_CAP), where) if best else Evidence(0.0)


# -------------------------------------------------------------------------------- attachments
@signal("payload", "html_attachment", "An HTML or SVG file is attached ({detail})")
def html_attachment(msg: ParsedMessage, ctx: Context) -> Optional[Evidence]:
    return _count_attachments(msg, lambda a: extension(a.filename) in HTML_EXT or _ctype(a) in HTML_TYPES)


def is_macro_document(a: Attachment) -> bool:
    """An Office document that can carry macros (macro-enabled format, or a legacy binary one)."""
    ext, ct = extension(a.filename), _ctype(a)
    if ext in MACRO_EXT or "macroenabled" in ct:
        return True
    return ext in LEGACY_OFFICE_EXT and (ct.startswith("application/vnd.ms-") or ct == "application/msword")


@signal("payload", "macro_document", "A macro-capable Office document is attached ({detail})")
def macro_document(msg: ParsedMessage, ctx: Context) -> Optional[Evidence]:
    return _count_attachments(msg, is_macro_document)


@signal("payload", "archive_attachment", "An archive or disk image is attached ({detail})")
def archive_attachment(msg: ParsedMessage, ctx: Context) -> Optional[Evidence]:
    return _count_attachments(msg, is_archive)


@signal("payload", "executable_attachment", "An executable or script is attached ({detail})")
def executable_attachment(msg: ParsedMessage, ctx: Context) -> Optional[Evidence]:
    return _count_attachments(msg, lambda a: extension(a.filename) in EXEC_EXT or _ctype(a) in EXEC_TYPES)


def has_double_extension(filename: str) -> bool:
    """'invoice.pdf.exe': a decoy document extension followed by an executable, script or HTML one."""
    name = (filename or "").strip().rstrip(". ").lower()
    parts = [p.strip() for p in name.split(".")]
    if len(parts) < 3:
        return False
    return f".{parts[-1]}" in DANGEROUS_LAST and parts[-2] in DECOY_EXT


@signal("payload", "double_extension",
        "An attachment hides its real type behind a double extension ({detail})")
def double_extension(msg: ParsedMessage, ctx: Context) -> Optional[Evidence]:
    return _count_attachments(msg, lambda a: has_double_extension(a.filename))


def password_nearby(text: str) -> Optional[str]:
    """A password given in the text ('password: 1234', 'senha é abc123'), or None."""
    norm = match_text(text)
    for m in theme_regex("password_word").finditer(norm):
        window = norm[m.end():m.end() + 60]
        for rx in (_PW_GIVEN_RE, _PW_DIGIT_TOKEN_RE):
            t = rx.search(window)
            if t:
                token = t.group(1).strip(".,;:!")
                if len(token) >= 3 and token not in _PW_STOP:
                    return token
    return None


@signal("payload", "password_protected_archive",
        "An archive is attached and the text gives its password ({detail}): it evades scanning")
def password_protected_archive(msg: ParsedMessage, ctx: Context) -> Optional[Evidence]:
    archives = [a for a in _attachments(msg) if is_archive(a)]
    if not archives:
        return Evidence(0.0)
    token = password_nearby(signal_text(msg))
    if token is None:
        return Evidence(0.0)
    return Evidence(1.0, archives[0].filename or "archive")


# Machine-readable report parts (RFC 3464 delivery status, RFC 5965 abuse feedback, RFC 8098
# read receipts): what a real bounce or report carries and a fake "undelivered mail" lure rarely
# builds.
REPORT_TYPES = frozenset({"message/delivery-status", "message/global-delivery-status",
                          "text/rfc822-headers", "message/feedback-report",
                          "message/disposition-notification"})


@signal("payload", "delivery_report",
        "The message is a machine-readable delivery or abuse report ({detail})")
def delivery_report(msg: ParsedMessage, ctx: Context) -> Optional[Evidence]:
    kind = report_type(msg)
    return Evidence(1.0, kind) if kind else Evidence(0.0)


def report_type(msg: ParsedMessage) -> str:
    """The machine-readable report a message carries (message/delivery-status ...,
    multipart/report), or "" when it is not a delivery or abuse report."""
    for a in _attachments(msg):
        if _ctype(a) in REPORT_TYPES:
            return _ctype(a)
    ctype = (msg.header("content-type") or "").split(";", 1)[0].strip().lower()
    return ctype if ctype == "multipart/report" else ""


@signal("payload", "image_only_body",
        "The message is essentially a picture with almost no text ({detail} words)")
def image_only_body(msg: ParsedMessage, ctx: Context) -> Optional[Evidence]:
    if not _has_image(msg):
        return Evidence(0.0)
    n = visible_words(msg, 15)
    return Evidence(1.0, str(n)) if n < 15 else Evidence(0.0)


@signal("payload", "hidden_text",
        "Part of the HTML text is hidden from the reader ({detail}): padding that dilutes the lure")
def hidden_text(msg: ParsedMessage, ctx: Context) -> Optional[Evidence]:
    view = html_view(msg)
    if view is None or not view.hidden_text:
        return Evidence(0.0)
    hidden = word_count(view.hidden_text)
    if not hidden:
        return Evidence(0.0)
    share = hidden / max(hidden, word_count(view.text))
    return Evidence(round(share, 3), f"{hidden} hidden words")


@signal("payload", "qr_code_hint", "The message carries an image and asks to scan a QR code")
def qr_code_hint(msg: ParsedMessage, ctx: Context) -> Optional[Evidence]:
    if not _has_image(msg):
        return Evidence(0.0)
    n = count_terms(signal_text(msg), "qr_scan")
    return Evidence(min(float(n), COUNT_CAP)) if n else Evidence(0.0)


@signal("payload", "reply_only",
        "Nothing to click or open: a short request whose payload is the reply itself")
def reply_only(msg: ParsedMessage, ctx: Context) -> Optional[Evidence]:
    if msg.links or msg.attachments:
        return Evidence(0.0)
    body = strip_invisible(msg.current_text or "")
    n = word_count(body, SHORT_WORDS)
    if n == 0 or n >= SHORT_WORDS or not makes_request(f"{msg.subject or ''}\n{body}"):
        return Evidence(0.0)
    return Evidence(1.0)


def phone_numbers(text: str, limit: int = 10) -> list[str]:
    """Phone-number-like strings with 9-15 digits (not IP addresses), as written."""
    out: list[str] = []
    for m in _PHONE_RE.finditer(text or ""):
        s = m.group(0).strip()
        digits = sum(ch.isdigit() for ch in s)
        if 9 <= digits <= 15 and not _IPISH_RE.match(s) and not _DATEISH_RE.search(s):
            out.append(s)
            if len(out) >= limit:
                break
    return out


@signal("payload", "callback_number",
        "The message asks the reader to call a phone number ({detail})")
def callback_number(msg: ParsedMessage, ctx: Context) -> Optional[Evidence]:
    text = signal_text(msg)
    if not count_terms(text, "callback"):
        return Evidence(0.0)
    nums = phone_numbers(text)
    if not nums:
        return Evidence(0.0)
    return Evidence(min(float(len(nums)), COUNT_CAP), nums[0])


# -------------------------------------------------------------------------------- archive contents
def hidden_executable(a: Attachment) -> Optional[str]:
    """The first member of an attached archive (at any nesting depth) that runs: an executable,
    a script or a macro-enabled document; None when there is none."""
    for m in a.members:
        ext = extension(m.path.rpartition("/")[2])
        if ext in EXEC_EXT or ext in MACRO_EXT:
            return m.path
    return None


# Rule-only: archive contents were not read when the shipped models were trained, so they have no
# column for it; it adds its fixed weight to the payload score, as a rule engine would.
@signal("payload", "archive_hides_executable",
        "An attached archive hides an executable, script or macro document ({detail})",
        learned=False, weight=1.5)
def archive_hides_executable(msg: ParsedMessage, ctx: Context) -> Optional[Evidence]:
    for a in _attachments(msg):
        path = hidden_executable(a)
        if path is not None:
            return Evidence(1.0, f"{a.filename or 'archive'}: {path}")
    return Evidence(0.0)
