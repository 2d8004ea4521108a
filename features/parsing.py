"""Raw RFC 5322 / MIME bytes -> ``ParsedMessage``. Pure: no I/O, no network, no DNS.

Speed matters (every message passes here), so the stdlib parser runs with the ``compat32`` policy
(``policy.default`` is several times slower) and headers, charsets and transfer encodings are
decoded here, tolerantly: whatever is broken is parsed around and named in ``defects``.

``ParseError`` is raised only when the input cannot be an email at all (not bytes, empty, or binary
with no header and no text); anything unexpected is wrapped into ``ParseError("internal: ...")``.

Hostile input is read within ``Limits`` (features/limits.py): every limit hit is the defect
``limit:<name>`` and the parse goes on with what was read. Nothing here recurses per MIME level
(the walk keeps its own stack) and the stdlib parser, which does, never sees more than
``mime_depth`` levels (``_flatten_deep``).
"""
from __future__ import annotations

import base64
import binascii
import codecs
import email
import email.policy
import hashlib
import itertools
import re
import time
from email.errors import HeaderParseError
from email.header import decode_header
from email.message import Message
from email.utils import getaddresses, parseaddr
from functools import lru_cache
from typing import Iterable, Optional
from urllib.parse import unquote, urlsplit

from email_validator import EmailNotValidError, validate_email

from features import archives
from features.authentication import parse_authentication
from features.html import HtmlContent, extract_html
from features.limits import PREFIX as LIMIT_PREFIX
from features.limits import Limits, limit_defect
from features.message import Address, ArchiveMember, Attachment, Link, ParsedMessage
from features.thread import split_thread

__all__ = ["ParseError", "parse_message"]

_SNIFF_BYTES = 16 * 1024
_ENCODED_PER_BYTE = 3     # the most encoded bytes any transfer encoding spends on one byte ("=XX")

_COMPAT32 = email.policy.compat32


class ParseError(ValueError):
    """The input cannot be an email at all (or, as a last resort, parsing failed internally)."""


# --------------------------------------------------------------------------------------------
# charsets

_CHARSET_ALIASES = {
    "ks_c_5601-1987": "cp949", "ks_c_5601": "cp949", "ks_c_5601-1989": "cp949",
    "gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "cp936": "gb18030",
    "iso-8859-8-i": "iso-8859-8", "iso-8859-6-i": "iso-8859-6",
    "x-sjis": "shift_jis", "x-mac-roman": "mac_roman", "macintosh": "mac_roman",
    "unicode-1-1-utf-7": "utf-7", "x-euc-jp": "euc_jp", "windows-874": "cp874",
    "ansi_x3.4-1968": "ascii", "iso-ir-6": "ascii", "utf8mb4": "utf-8",
}
_NO_CHARSET = frozenset({"", "unknown-8bit", "x-unknown", "unknown", "x-user-defined", "default",
                         "charset", "none"})


@lru_cache(maxsize=512)
def _codec(label: str) -> Optional[str]:
    """Python codec name for a MIME charset label; None when unknown or not a text encoding."""
    name = label.strip().strip("\"'").lower()
    name = name.split("*", 1)[0]          # RFC 2231 language suffix in encoded words
    if name in _NO_CHARSET:
        return None
    name = _CHARSET_ALIASES.get(name, name)
    try:
        info = codecs.lookup(name)
    except (LookupError, ValueError, TypeError):
        return None
    if not getattr(info, "_is_text_encoding", True):   # base64_codec, rot13, zlib ...
        return None
    return info.name


_CHARSET_TOKEN = re.compile(r"[a-z][a-z0-9_.:-]*[a-z0-9]")


@lru_cache(maxsize=256)
def _salvage_codec(label: str) -> Optional[str]:
    """A codec from a mangled label ('charset="iso-8859-1', '3D"windows-1252"'), else None."""
    cleaned = label.lower().replace("charset=", " ").replace('3d"', " ").replace('"', " ")
    m = _CHARSET_TOKEN.search(cleaned)
    return _codec(m.group(0)) if m else None


def _charset_label(label: str) -> str:
    return "".join(ch for ch in label.strip().lower() if ch.isprintable() and not ch.isspace())[:40]


def _decode_bytes(data: bytes, charset: Optional[str], defects: list[str]) -> str:
    """Decode text bytes in ``charset``, tolerantly; what was wrong goes into ``defects``."""
    if not data:
        return ""
    if not charset:
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            return data.decode("cp1252", "replace")
    codec = _codec(charset)
    if codec is None:
        defects.append(f"bad-charset:{_charset_label(charset)}")
        codec = _salvage_codec(charset)
        if codec is None:
            return data.decode("utf-8", "replace")
        try:
            return data.decode(codec, "replace")
        except Exception:  # noqa: BLE001
            return data.decode("utf-8", "replace")
    try:
        return data.decode(codec)
    except Exception:  # noqa: BLE001 - some codecs raise odd errors (idna, utf-7 ...)
        pass
    if codec == "ascii":          # declared us-ascii, sent 8-bit: utf-8 or windows-1252 in practice
        defects.append("charset-mismatch:us-ascii")
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            return data.decode("cp1252", "replace")
    defects.append(f"charset-errors:{codec}")
    try:
        return data.decode(codec, "replace")
    except Exception:  # noqa: BLE001
        return data.decode("utf-8", "replace")


# --------------------------------------------------------------------------------------------
# headers

def _fix8bit(value: str, defects: list[str]) -> str:
    """compat32 keeps raw 8-bit header bytes as surrogate escapes: decode them (UTF-8 per RFC 6532,
    else latin-1)."""
    if value.isascii():
        return value
    try:
        raw = value.encode("ascii", "surrogateescape")
    except UnicodeEncodeError:
        return value                      # already real Unicode
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        defects.append("8bit-header")
        return raw.decode("latin-1")


def _decode_words(value: str, defects: list[str]) -> str:
    """RFC 2047 encoded words -> Unicode (decode_header, joined as make_header does, but tolerant
    of unknown charsets)."""
    try:
        chunks = decode_header(value)
    except (HeaderParseError, ValueError, TypeError, LookupError):
        defects.append("bad-encoded-word")
        return value
    unencoded_codec = "latin-1" if value.isascii() else "raw-unicode-escape"
    out: list[str] = []
    prev_encoded: Optional[bool] = None
    for word, charset in chunks:
        if isinstance(word, str):
            text, encoded = word, False
        elif charset is None:
            text, encoded = word.decode(unencoded_codec, "replace"), False
        else:
            text, encoded = _decode_bytes(word, charset, defects), True
        if out and text and prev_encoded is not None and encoded != prev_encoded:
            if encoded and not out[-1][-1:].isspace():
                out.append(" ")
            elif not encoded and not text[0].isspace():
                out.append(" ")
        if text:
            out.append(text)
            prev_encoded = encoded
    return "".join(out)


def _decode_header(value: object, defects: list[str], collapse: bool = True) -> str:
    if not isinstance(value, str):
        value = str(value)
    value = _fix8bit(value, defects)
    if "=?" in value:              # values are at most Limits.header_bytes long (_cap_headers)
        value = _decode_words(value, defects)
    return " ".join(value.split()) if collapse else value


# --------------------------------------------------------------------------------------------
# addresses and hosts

@lru_cache(maxsize=8192)
def _is_valid_address(address: str) -> bool:
    try:
        validate_email(address, check_deliverability=False)
        return True
    except EmailNotValidError:
        return False
    except Exception:  # noqa: BLE001 - the validator must never take parsing down
        return False


@lru_cache(maxsize=8192)
def _idna_to_unicode(host: str) -> str:
    """Punycode (xn--) labels -> Unicode; anything undecodable stays as written."""
    if "xn--" not in host:
        return host
    try:
        return host.encode("ascii").decode("idna").lower()
    except Exception:  # noqa: BLE001
        pass
    labels = []
    for label in host.split("."):
        if label.startswith("xn--"):
            try:
                label = label[4:].encode("ascii").decode("punycode").lower()
            except Exception:  # noqa: BLE001
                pass
        labels.append(label)
    return ".".join(labels)


_ADDR_FALLBACK = re.compile(r"[^\s<>@,;:\"()\[\]]+@[^\s<>@,;:\"()\[\]]+")


def _make_address(name: str, addr: str, defects: list[str]) -> Address:
    display = _decode_header(name, defects) if name else ""
    addr = "".join(addr.split()).lower()
    domain = addr.rpartition("@")[2] if "@" in addr else ""
    domain = _idna_to_unicode(domain.rstrip("."))
    return Address(display, addr, domain, _is_valid_address(addr) if addr else False)


# Fast path for the common single-mailbox forms; everything else goes to getaddresses.
_SIMPLE_ADDR = re.compile(
    r'\s*(?:(?P<name>[^<>"@,;:()\[\]\\]*?)|"(?P<qname>[^"\\]*)")\s*'
    r'<(?P<addr>[^<>\s@,;:"()\[\]\\]+@[^<>\s@,;:"()\[\]\\]+)>\s*'
    r'|\s*(?P<bare>[^<>\s@,;:"()\[\]\\]+@[^<>\s@,;:"()\[\]\\]+)\s*')


_CACHED_ADDRESS_CHARS = 1024    # longer values are parsed each time: a cache of 4,096 huge
                                # recipient lists would hold gigabytes


def _address_list(value: str) -> tuple[tuple[Address, ...], tuple[str, ...]]:
    """Addresses of one (8-bit-fixed) header value, and the defects found; cached when short,
    since the same To/Cc/From values recur across a mailbox."""
    if len(value) <= _CACHED_ADDRESS_CHARS:
        return _address_list_cached(value)
    return _parse_address_list(value)


@lru_cache(maxsize=4096)
def _address_list_cached(value: str) -> tuple[tuple[Address, ...], tuple[str, ...]]:
    return _parse_address_list(value)


def _parse_address_list(value: str) -> tuple[tuple[Address, ...], tuple[str, ...]]:
    defects: list[str] = []
    m = _SIMPLE_ADDR.fullmatch(value)
    if m:
        if m.group("bare"):
            return (_make_address("", m.group("bare"), defects),), tuple(defects)
        name = m.group("qname") if m.group("qname") is not None else m.group("name")
        return (_make_address(name.strip(), m.group("addr"), defects),), tuple(defects)
    try:
        pairs = getaddresses([value])
    except Exception:  # noqa: BLE001
        pairs = []
        defects.append("bad-address-list")
    out = [_make_address(n, a, defects) for n, a in pairs if n or a]
    if not out:
        out = _fallback_addresses(value, defects)
    return tuple(out), tuple(defects)


def _addresses(values: list[str], defects: list[str]) -> tuple[Address, ...]:
    out: list[Address] = []
    for value in values:
        found, found_defects = _address_list(
            _fix8bit(value if isinstance(value, str) else str(value), defects))
        out.extend(found)
        defects.extend(found_defects)
    return tuple(out)


def _fallback_addresses(value: str, defects: list[str]) -> list[Address]:
    found = _ADDR_FALLBACK.findall(value)
    if found:
        defects.append("bad-address-header")
        name = value.split("<", 1)[0].strip().strip('"').strip() if "<" in value else ""
        return [_make_address(name, a, defects) for a in found[:1]] + \
               [_make_address("", a, defects) for a in found[1:]]
    return []


def _single_address(value: Optional[str], defects: list[str], what: str) -> Optional[Address]:
    """The first mailbox of a From/Sender header. A header with no '@' at all is kept as a bare
    display name (address ""), as impersonation can live in the name alone."""
    if value is None:
        return None
    fixed = _fix8bit(value if isinstance(value, str) else str(value), defects)
    if "@" not in fixed:
        name = fixed.split("<", 1)[0] if "<" in fixed else fixed
        name = _decode_header(name, defects).strip().strip('"').strip()
        if not name:
            defects.append(f"bad-{what}")
            return None
        defects.append(f"no-address-in-{what}")
        return Address(name, "", "", False)
    found = _addresses([fixed], defects)
    if not found:
        defects.append(f"bad-{what}")
        return None
    return found[0]


def _host_of(url: str) -> tuple[str, str]:
    """(host, raw_host) of a URL; ("", "") when it has none or cannot be split."""
    candidate = url
    low = url[:12].lower()
    if low.startswith("www."):
        candidate = "http://" + url
    elif low.startswith(("http:", "https:")):
        candidate = url.replace("\\", "/")       # browsers read "https:\\host" as https://host
    try:
        raw_host = urlsplit(candidate).hostname or ""
    except (ValueError, TypeError):
        return "", ""
    host = raw_host
    if "%" in host:
        host = unquote(host).lower()
    if host.endswith("."):
        host = host.rstrip(".")
    return _idna_to_unicode(host), raw_host


_URL_RE = re.compile(r"(?:\bhttps?://|\bwww\.)[^\s<>\"'`{}|\\^\[\]]+", re.IGNORECASE)
_URL_TRAIL = ".,;:!?'\")]}>*"


def _plain_urls(text: str) -> Iterable[str]:
    for m in _URL_RE.finditer(text):
        url = m.group(0)
        while url and url[-1] in _URL_TRAIL:
            if url[-1] == ")" and url.count("(") >= url.count(")"):
                break
            url = url[:-1]
        low = url.lower()
        if low in ("http://", "https://", "www.") or len(url) <= 4:
            continue
        yield url


# --------------------------------------------------------------------------------------------
# MIME bodies

def _b64decode(data: bytes, defects: list[str]) -> bytes:
    data = b"".join(data.split())
    if not data:
        return b""
    pad = -len(data) % 4
    try:
        out = base64.b64decode(data + b"=" * pad, validate=True)
        if pad:
            defects.append("InvalidBase64PaddingDefect")
        return out
    except (binascii.Error, ValueError):
        pass
    cleaned = re.sub(rb"[^A-Za-z0-9+/]", b"", data)
    if len(cleaned) < 0.9 * len(data.rstrip(b"=")):
        defects.append("undecodable-base64")
        return data                                   # not base64 at all: keep as is
    defects.append("InvalidBase64CharactersDefect")
    if len(cleaned) % 4 == 1:
        defects.append("InvalidBase64LengthDefect")
        cleaned = cleaned[:-1]
    try:
        return base64.b64decode(cleaned + b"=" * (-len(cleaned) % 4))
    except (binascii.Error, ValueError):
        defects.append("undecodable-base64")
        return data


def _cte(part: Message) -> str:
    value = part.get("content-transfer-encoding")
    if value is None:
        return ""
    return str(value).strip().lower()


def _payload_bytes(part: Message, defects: list[str],
                   cap: Optional[int] = None) -> tuple[bytes, int]:
    """The decoded payload of a non-multipart part, and the decoded size of the whole.

    With ``cap`` (attachments), only an encoded prefix long enough for ``cap`` decoded bytes is
    decoded, at most ``cap`` bytes are kept ("limit:attachment_bytes"), and the size of the whole
    is then estimated from its encoded length.
    """
    # The raw payload: get_payload() without decode would already "replace"-decode 8-bit bytes.
    payload = getattr(part, "_payload", None)
    if payload is None:
        payload = part.get_payload()
    if isinstance(payload, list):
        return b"", 0
    if isinstance(payload, bytes):
        raw = payload
    else:
        payload = payload or ""
        try:
            raw = payload.encode("ascii", "surrogateescape")
        except UnicodeEncodeError:
            raw = payload.encode("utf-8", "surrogateescape")
    whole = len(raw)
    if cap is not None and whole > cap * _ENCODED_PER_BYTE:
        end = cap * _ENCODED_PER_BYTE
        line_end = raw.rfind(b"\n", 0, end)      # whole lines keep base64 in whole quanta
        raw = raw[:line_end + 1 if line_end > end // 2 else end]
    data = _decode_transfer(part, raw, defects)
    size = len(data) if len(raw) == whole else len(data) * whole // len(raw)
    if cap is not None and (len(raw) < whole or len(data) > cap):
        defects.append(limit_defect("attachment_bytes"))
        data = data[:cap]
    return data, size


def _decode_transfer(part: Message, raw: bytes, defects: list[str]) -> bytes:
    """``raw`` undone from the part's Content-Transfer-Encoding."""
    cte = _cte(part)
    if not cte or cte in ("7bit", "8bit", "binary", "7-bit", "8-bit"):
        return raw
    if cte.startswith("base64") or cte == "base-64":
        return _b64decode(raw, defects)
    if cte in ("quoted-printable", "quotedprintable", "quoted_printable", "qp"):
        return binascii.a2b_qp(raw)
    if cte in ("x-uuencode", "uuencode", "uue", "x-uue"):
        decoded = part.get_payload(decode=True)
        return decoded if isinstance(decoded, bytes) else raw
    defects.append(f"bad-cte:{_charset_label(cte)}")
    return raw


def _message_bytes(msg: Message) -> bytes:
    try:
        return msg.as_bytes()
    except Exception:  # noqa: BLE001
        try:
            return msg.as_string().encode("utf-8", "surrogateescape")
        except Exception:  # noqa: BLE001
            return b""


def _filename(part: Message, defects: list[str]) -> str:
    ct = part.get("content-type")
    cd = part.get("content-disposition")
    if (ct is None or "name" not in str(ct).lower()) and (cd is None or "name" not in str(cd).lower()):
        return ""
    try:
        name = part.get_filename()
    except Exception:  # noqa: BLE001
        defects.append("bad-filename")
        return ""
    if not name:
        return ""
    return _decode_header(name, defects)


def _disposition(part: Message) -> Optional[str]:
    try:
        return part.get_content_disposition()
    except Exception:  # noqa: BLE001
        return None


# --------------------------------------------------------------------------------------------
# limits

class _Budget:
    """What one message, its nested messages included, may still spend: time, MIME parts and
    decompressed archive bytes."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.deadline = time.monotonic() + limits.seconds
        self.parts = 0
        self.inflated = 0

    def expired(self) -> bool:
        return time.monotonic() > self.deadline


# Fields kept (their first occurrence) even beyond ``Limits.headers``: a flood of junk fields
# must not hide who sent the message or how its body is to be read.
_KEY_FIELDS = frozenset({"from", "sender", "reply-to", "to", "cc", "subject", "date", "message-id",
                         "in-reply-to", "references", "return-path", "authentication-results",
                         "arc-authentication-results", "received-spf", "mime-version",
                         "content-type", "content-transfer-encoding", "content-disposition"})


def _cap_headers(part: Message, limits: Limits, defects: list[str]) -> None:
    """Drop the header fields beyond ``limits.headers`` (but for the first of each key field)
    and cut names and values at ``limits.header_bytes``, in place, so that everything after
    reads capped headers."""
    fields = part._headers         # compat32 keeps the (name, value) pairs here, unparsed
    if len(fields) > limits.headers:
        kept = fields[:limits.headers]
        seen = {k.lower() for k, _ in kept}
        for k, v in fields[limits.headers:]:
            name = k.lower()
            if name in _KEY_FIELDS and name not in seen:
                seen.add(name)
                kept.append((k, v))
        part._headers = fields = kept
        defects.append(limit_defect("headers"))
    n = limits.header_bytes
    if any(len(k) > n or (isinstance(v, str) and len(v) > n) for k, v in fields):
        part._headers = [(k[:n], v[:n] if isinstance(v, str) else v) for k, v in fields]
        defects.append(limit_defect("header_bytes"))


# Content-Type headers that open a nesting level; a multipart/digest's parts are message/rfc822
# by default, so a digest may open two.
_CONTAINER_DECL = re.compile(rb"(?:^|(?<=\r))content-type:\s*(?:multipart/(digest)?|message/)",
                             re.IGNORECASE | re.MULTILINE)
_HEADER_LINE = re.compile(rb"From |[\041-\071\073-\176]*:|[\t ]")   # email.feedparser's headerRE
_FLATTENED_FIELDS = frozenset({b"content-type", b"content-transfer-encoding",
                               b"content-disposition"})
_Container = tuple[Optional[bytes], bool]   # an open container: (its delimiter line, is a digest)


def _flatten_deep(raw: bytes, limit: int) -> Optional[bytes]:
    """``raw`` with the MIME containers nested deeper than ``limit`` turned into plain-text parts,
    or None when none is that deep.

    The stdlib parser recurses once per level (RecursionError near 1,000 levels, and quadratic
    time long before), so depth is measured on the bytes before it runs. The lines are followed
    as its feedparser follows them: each header block's Content-Type is read by the stdlib itself
    and any enclosing boundary ends a part. A container one level too deep keeps its bytes but
    loses its Content-Type, transfer encoding and disposition, so the parser reads it as one text
    part: its parts are not taken apart, yet their words are still read.
    """
    # Each declaration holds "content-type:" and counts at most twice (a digest): a message with
    # few such fields cannot nest that deep, and counting them is ~20x cheaper than the regex.
    if 2 * raw.lower().count(b"content-type:") <= limit:
        return None
    declared = _CONTAINER_DECL.findall(raw)
    if len(declared) + sum(1 for digest in declared if digest) <= limit:
        return None                               # cannot nest that deep: almost all mail
    stack: list[_Container] = []                 # the containers around the current line
    out: list[bytes] = []
    block: Optional[list[bytes]] = []             # the header block being read; None: a body
    in_digest = False                             # the block's part is a multipart/digest's
    flattened = False
    for line in raw.splitlines(keepends=True):
        level = _enclosing_boundary(line, stack) if stack and line[:2] == b"--" else None
        if level is not None:                     # ends every part opened inside that container
            index, close = level
            out.extend(block or ())
            del stack[index + 1:]
            out.append(line)
            block, in_digest = (None, False) if close else ([], stack[index][1])
            continue
        if block is not None:
            blank = line in (b"\n", b"\r\n", b"\r")
            if not blank and _HEADER_LINE.match(line):
                block.append(line)
                continue
            lines = block + [line] if blank else block
            container = _declared_container(lines, in_digest)
            if container is not None and len(stack) >= limit:
                out.extend(_as_text_part(lines))
                flattened = True
                container = None
            else:
                out.extend(lines)
            if container is not None:
                stack.append(container)
            # A message/* part's body starts with its own headers (none when no blank line came).
            block = [] if blank and container is not None and container[0] is None else None
            in_digest = False
            if blank:
                continue
        out.append(line)
    out.extend(block or ())
    return b"".join(out) if flattened else None


def _declared_container(lines: list[bytes], in_digest: bool) -> Optional[_Container]:
    """What a header block opens, as the stdlib reads it: a multipart (its boundary, whether it
    is a digest), a message/* part (boundary None), or nothing (None)."""
    headers = Message()
    field: list[str] = []              # the first Content-Type field: its line and continuations
    for line in lines:
        if line[:1] in (b" ", b"\t"):
            if field:
                field.append(line.decode("ascii", "surrogateescape"))
        elif field:
            break
        elif line.partition(b":")[0].lower() == b"content-type":
            field.append(line.decode("ascii", "surrogateescape"))
    if field:
        headers.set_raw(*_COMPAT32.header_source_parse(field))
    if in_digest:
        headers.set_default_type("message/rfc822")
    ctype = headers.get_content_type()
    if ctype.startswith("message/") and ctype != "message/delivery-status":
        return None, False
    if not ctype.startswith("multipart/"):
        return None
    boundary = headers.get_boundary()
    if not boundary:
        return None
    return ("--" + boundary).encode("utf-8", "surrogateescape"), ctype == "multipart/digest"


def _enclosing_boundary(line: bytes, stack: list[_Container]) -> Optional[tuple[int, bool]]:
    """(index in ``stack``, is a close delimiter) when ``line`` is an open container's boundary."""
    text = line.rstrip(b"\r\n").rstrip(b" \t")
    for index in range(len(stack) - 1, -1, -1):
        delimiter = stack[index][0]
        if delimiter is None or not text.startswith(delimiter):
            continue
        if text == delimiter:
            return index, False
        if text == delimiter + b"--":
            return index, True
    return None


def _as_text_part(lines: list[bytes]) -> list[bytes]:
    """A header block without the fields that make its part a container."""
    first = lines[0] if lines else b"\n"
    eol = first[len(first.rstrip(b"\r\n")):] or b"\n"
    kept: list[bytes] = [b"Content-Type: text/plain" + eol]
    drop = False
    for line in lines:
        if line[:1] not in (b" ", b"\t"):
            drop = line.split(b":", 1)[0].strip().lower() in _FLATTENED_FIELDS
        if not drop:
            kept.append(line)
    return kept


# --------------------------------------------------------------------------------------------
# the MIME walk

class _Walk:
    """One walk over a message's MIME tree, depth first, with its own stack (no recursion)."""

    def __init__(self, max_depth: int, budget: _Budget, defects: list[str]) -> None:
        self.max_depth = max_depth
        self.budget = budget
        self.limits = budget.limits
        self.defects = defects
        self.texts: list[str] = []
        self.htmls: list[str] = []
        self.attachments: list[Attachment] = []

    def walk(self, root: Message) -> None:
        stack = [root]
        while stack:
            part = stack.pop()
            if self.budget.expired():
                self.defects.append(limit_defect("seconds"))
                return
            self.budget.parts += 1
            if self.budget.parts > self.limits.mime_parts:
                self.defects.append(limit_defect("mime_parts"))
                return
            if part is not root:
                _cap_headers(part, self.limits, self.defects)
            if part.is_multipart() and part.get_content_maintype() != "message":
                self.defects.extend(type(d).__name__ for d in part.defects)
                stack.extend(reversed([s for s in part.get_payload() if isinstance(s, Message)]))
            else:
                self.part(part)

    def part(self, part: Message) -> None:
        """A leaf of the tree: a body part, an attachment or a message/* part."""
        self.defects.extend(type(d).__name__ for d in part.defects)
        ctype = part.get_content_type()
        maintype = ctype.partition("/")[0]
        if maintype == "message":
            self._message_part(part, ctype)
            return
        disposition = _disposition(part)
        filename = _filename(part, self.defects)
        is_body = (maintype == "multipart" or ctype in ("text/plain", "text/html")) \
            and disposition != "attachment" and not filename
        if not is_body:
            self._attachment(part, ctype, disposition, filename)
            return
        data, _ = _payload_bytes(part, self.defects)
        try:
            charset = part.get_content_charset()
        except Exception:  # noqa: BLE001
            charset = None
        text = _decode_bytes(data, charset, self.defects)
        if "\r" in text:
            text = text.replace("\r\n", "\n")
        if ctype == "text/html":
            self.htmls.append(text)
        else:                   # text/plain, or a multipart whose boundary could not be found
            self.texts.append(text)

    def _attachment(self, part: Message, ctype: str, disposition: Optional[str],
                    filename: str) -> None:
        data, size = _payload_bytes(part, self.defects, self.limits.attachment_bytes)
        members: tuple[ArchiveMember, ...] = ()
        if archives.is_zip(data):
            listing = archives.list_zip(data, self.limits,
                                        self.limits.decompressed_bytes - self.budget.inflated)
            self.budget.inflated += listing.inflated
            self.defects.extend(limit_defect(name) for name in listing.limits)
            members = listing.members
        self.attachments.append(Attachment(
            filename=filename, content_type=ctype, size=size,
            sha256=hashlib.sha256(data).hexdigest(),
            is_inline=disposition in (None, "inline"), nested=None, members=members))

    def _message_part(self, part: Message, ctype: str) -> None:
        disposition = _disposition(part)
        filename = _filename(part, self.defects)
        payload = part.get_payload()
        nested: Optional[ParsedMessage] = None
        if isinstance(payload, list):
            data = b"".join(_message_bytes(p) for p in payload if isinstance(p, Message))
            cte = _cte(part)       # not allowed on message/rfc822, but sent: undo it
            if cte.startswith("base64"):
                data = _b64decode(data, self.defects)
            elif cte == "quoted-printable":
                data = binascii.a2b_qp(data)
        else:
            data, _ = _payload_bytes(part, self.defects)
        if ctype in ("message/rfc822", "message/global") and data.strip():
            if self.max_depth <= 0:
                self.defects.append("max-depth")
            else:
                try:
                    nested = _parse_checked(data, self.max_depth - 1, self.budget)
                    self.defects.extend(d for d in nested.defects if d.startswith(LIMIT_PREFIX))
                except ParseError:
                    self.defects.append("nested-unparsable")
        self.attachments.append(Attachment(
            filename=filename, content_type=ctype, size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            is_inline=disposition in (None, "inline"), nested=nested))


# --------------------------------------------------------------------------------------------
# input sanity

_CONTROL = bytes(b for b in range(32) if b not in (9, 10, 12, 13, 27)) + b"\x7f"


def _looks_binary(raw: bytes) -> bool:
    sample = raw[:_SNIFF_BYTES]
    if b"\x00" in sample:
        return True
    controls = len(sample) - len(sample.translate(None, _CONTROL))
    if controls > 0.05 * len(sample):
        return True
    text = sample.decode("utf-8", "replace")
    return not any(ch.isalnum() for ch in text)


# --------------------------------------------------------------------------------------------
# the parser

def parse_message(raw: bytes, max_depth: int = 5, limits: Limits = Limits()) -> ParsedMessage:
    """Parse one raw email (RFC 5322 / MIME bytes) into a ``ParsedMessage``.

    Broken mail is parsed as far as it goes, with what was wrong listed in ``defects``; hostile
    mail is read within ``limits``, each limit hit listed as ``limit:<name>``.
    ``message/rfc822`` attachments are parsed recursively ``max_depth`` levels deep.
    Raises ``ParseError`` only when the input cannot be an email at all.
    """
    return _parse_checked(raw, max_depth, _Budget(limits))


def _parse_checked(raw: bytes, max_depth: int, budget: _Budget) -> ParsedMessage:
    if isinstance(raw, (bytearray, memoryview)):
        raw = bytes(raw)
    if not isinstance(raw, bytes):
        raise ParseError(f"not bytes: got {type(raw).__name__}")
    if not raw.strip():
        raise ParseError("empty input" if not raw else "whitespace-only input")
    if raw[:3] == b"\xef\xbb\xbf":     # a UTF-8 byte order mark is not part of the first header
        raw = raw[3:]
    raw = raw.lstrip(b"\r\n")          # leading blank lines would end the header section at once
    try:
        return _parse(raw, max_depth, budget)
    except ParseError:
        raise
    except Exception as exc:  # noqa: BLE001 - nothing else may escape
        raise ParseError(f"internal: {type(exc).__name__}: {exc}") from exc


def _parse(raw: bytes, max_depth: int, budget: _Budget) -> ParsedMessage:
    limits = budget.limits
    defects: list[str] = []
    if len(raw) > limits.message_bytes:
        raw = raw[:limits.message_bytes]
        defects.append(limit_defect("message_bytes"))
    flat = _flatten_deep(raw, limits.mime_depth)
    if flat is not None:
        raw = flat
        defects.append(limit_defect("mime_depth"))
    msg = email.message_from_bytes(raw, policy=_COMPAT32)
    _cap_headers(msg, limits, defects)
    raw_headers = list(msg.raw_items())
    if not raw_headers:
        if _looks_binary(raw):
            raise ParseError("not an email: no header line and no text body (binary data)")
        defects.append("no-headers")

    headers: list[tuple[str, str]] = []
    first: dict[str, str] = {}          # lower-cased name -> first raw value
    first_decoded: dict[str, str] = {}  # lower-cased name -> first decoded value
    many: dict[str, list[str]] = {}     # address headers and Received: every raw value
    for name, value in raw_headers:
        if budget.expired():
            defects.append(limit_defect("seconds"))
            break
        if not isinstance(value, str):
            value = str(value)
        value_decoded = _decode_header(value, defects)
        headers.append((name, value_decoded))
        lname = name.lower()
        if lname not in first:
            first[lname] = value
            first_decoded[lname] = value_decoded
        if lname in ("to", "cc", "reply-to"):
            many.setdefault(lname, []).append(value)
    received = tuple(v for n, v in headers if n.lower() == "received")

    def decoded(name: str) -> str:
        return first_decoded.get(name, "")

    from_raw = first.get("from")
    if from_raw is None:
        defects.append("no-from")
        from_ = None
    else:
        from_ = _single_address(from_raw, defects, "from")
    sender = _single_address(first.get("sender"), defects, "sender")

    return_path = ""
    if "return-path" in first:
        rp = _fix8bit(first["return-path"], defects)
        try:
            rp_addr = parseaddr(rp)[1]
        except Exception:  # noqa: BLE001
            rp_addr = ""
        rp_addr = "".join(rp_addr.split()).lower()
        return_path = "" if rp_addr in ("", "<>") else rp_addr

    auth = parse_authentication(headers)     # default policy: the topmost header only

    walker = _Walk(max_depth, budget, defects)
    walker.walk(msg)

    html = walker.htmls[0] if walker.htmls else ""
    html_parts: list[HtmlContent] = []
    for h in walker.htmls:
        if budget.expired():
            defects.append(limit_defect("seconds"))
            break
        html_parts.append(extract_html(h))
    if any(not h.complete for h in html_parts):
        defects.append("html-incomplete")
    if walker.texts:
        text = "\n".join(walker.texts)
    else:
        text = "\n".join(h.text for h in html_parts if h.text)
    if len(text) > limits.text_chars:
        text = text[:limits.text_chars]
        defects.append(limit_defect("text_chars"))
    if not text.strip() and not html.strip():
        defects.append("no-body")
    plain_source = text if walker.texts else \
        "\n".join(h.outside_text for h in html_parts if h.outside_text)
    links = _links(html_parts, plain_source, budget, defects)

    current_text, quoted_text = split_thread(text)

    references = tuple(decoded("references").split())
    return ParsedMessage(
        message_id=decoded("message-id"),
        subject=decoded("subject"),
        from_=from_,
        sender=sender,
        reply_to=_addresses(many.get("reply-to", []), defects),
        return_path=return_path,
        to=_addresses(many.get("to", []), defects),
        cc=_addresses(many.get("cc", []), defects),
        date=decoded("date"),
        in_reply_to=decoded("in-reply-to"),
        references=references,
        received=received,
        auth=auth,
        headers=tuple(headers),
        text=text,
        html=html,
        current_text=current_text,
        quoted_text=quoted_text,
        links=links,
        attachments=tuple(walker.attachments),
        defects=tuple(dict.fromkeys(defects)),
    )


def _links(html_parts: list[HtmlContent], plain_source: str, budget: _Budget,
           defects: list[str]) -> tuple[Link, ...]:
    """Each (url, anchor) once, HTML anchors first, at most ``limits.urls`` of them; the text
    is scanned no further than needed."""
    found = itertools.chain(((href, anchor, True) for h in html_parts for href, anchor in h.links),
                            ((url, "", False) for url in _plain_urls(plain_source)))
    links: list[Link] = []
    seen: set[tuple[str, str]] = set()
    for url, anchor, in_html in found:
        if (url, anchor) in seen:
            continue
        if len(links) >= budget.limits.urls:
            defects.append(limit_defect("urls"))
            break
        if budget.expired():
            defects.append(limit_defect("seconds"))
            break
        seen.add((url, anchor))
        host, raw_host = _host_of(url)
        links.append(Link(url=url, host=host, raw_host=raw_host, anchor_text=anchor,
                          in_html=in_html))
    return tuple(links)
