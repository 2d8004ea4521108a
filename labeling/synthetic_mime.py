"""Bodies and MIME for synthetic mail: the message builder (``_B``), plain-text and HTML rendering in each
client's style, quoted history, inert attachments (PDF, OOXML, ZIP, PNG), and the MIME assembly and header
folding (``_finish``, ``_POLICY``).

The wording pools the builder draws from (shared phrases and each kind's templates) are read from
labeling/data/synthetic/.
"""
from __future__ import annotations

import html as _html
import io
import random
import re
import struct
import textwrap
import zipfile
import zlib
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import EmailPolicy
from typing import Iterable, Optional

from features.signals import CONCEPTS
from labeling.synthetic_data import kind_templates, load
from labeling.synthetic_transport import _assemble_headers, _Sender
from labeling.synthetic_values import (_alnum, _attribution_date, _chance, _digits, _hex, _PAYEES, _Person, _phone,
                                       _pick, _typos, _tz, _uuid, _weighted, LANGS, ORG_NAMES)

_PHRASES, _PLATFORMS = load("phrases"), load("mail_platforms")


# ================================================================================ bodies: blocks, text, HTML

_LINK_RE = re.compile("\u27e6([^\u2502\u27e7]*)\u2502([^\u27e7]*)\u27e7")


def _link(url: str, anchor: str = "") -> str:
    """A link inside paragraph text; rendered as an <a> in HTML and as text (+ URL) in plain text."""
    return f"\u27e6{url}\u2502{anchor}\u27e7"


_QUOTE: dict[str, dict] = _PHRASES["quote"]                       # lang -> quote-header words
_KV_LABELS: dict[str, dict[str, str]] = _PHRASES["kv_labels"]      # lang -> field -> label


def _text_links(s: str, style: int) -> str:
    def rep(m: re.Match) -> str:
        url, anchor = m.group(1), m.group(2)
        if not anchor or anchor == url:
            return url
        return [f"{anchor} <{url}>", f"{anchor}: {url}", f"{anchor} ( {url} )", f"{anchor}\n{url}", url][style]
    return _LINK_RE.sub(rep, s)


def _quote_head(q: dict, lang: str) -> list[str]:
    L = _QUOTE[lang]
    lines = [f"{L['frm']}: {q['name']} <{q['addr']}>", f"{L['sent']}: {_attribution_date(lang, q['date'], True)}",
             f"{L['to']}: {q['to']}"]
    if q.get("cc"):
        lines.append(f"{L['cc']}: {q['cc']}")
    lines.append(f"{L['subj']}: {q['subject']}")
    return lines


def _attribution(q: dict, lang: str) -> str:
    return q["wrote"].format(date=_attribution_date(lang, q["date"], False), name=q["name"], addr=q["addr"])


def _render_text(blocks: list, lang: str, ls: int, wrap: bool, sigdash: bool) -> str:
    out = []
    for b in blocks:
        t = b[0]
        if t == "p":
            s = _text_links(b[1], ls)
            if wrap and "\u27e6" not in b[1] and "\n" not in s:
                s = textwrap.fill(s, 72, break_long_words=False, break_on_hyphens=False)
        elif t == "kv":
            s = "\n".join(f"{k}: {v}" if k else v for k, v in b[1])
        elif t == "btn":
            s = [f"{b[2]}: {b[1]}", f"{b[2]}\n{b[1]}", b[1], f"{b[2]} <{b[1]}>", f"{b[2]}\n{b[1]}"][ls]
        elif t == "sig":
            s = ("-- \n" if sigdash else "") + "\n".join(b[1])
        elif t == "foot":
            s = _text_links(b[1], ls)
        elif t == "ul":
            bullet = ["-", "*", "\u2022", "-", "*"][ls]
            s = "\n".join(f"{bullet} {_text_links(i, ls)}" for i in b[1])
        elif t == "img":
            continue
        elif t == "quote":
            q = b[1]
            inner = _render_text(q["blocks"], lang, ls, False, False).rstrip("\n")
            if q["style"] in ("gmail", "apple"):
                s = _attribution(q, lang) + "\n\n" + "\n".join(("> " + ln) if ln else ">" for ln in inner.split("\n"))
            else:
                head = [_QUOTE[lang]["orig"]] if q["style"] == "original" else (["_" * 32] if q.get("rule") else [])
                s = "\n".join(head + _quote_head(q, lang)) + "\n\n" + inner
        else:
            continue
        out.append(s)
    return "\n\n".join(out) + "\n"


def _h(s: str) -> str:
    return _html.escape(s, quote=False)


def _html_links(s: str, style: str, color: str) -> str:
    esc = _h(s).replace("\n", "<br>")

    def rep(m: re.Match) -> str:
        url, anchor = m.group(1), m.group(2) or m.group(1)
        url = url.replace('"', "%22")
        if style in ("notify", "marketing"):
            return f'<a href="{url}" style="color:{color};text-decoration:underline" target="_blank">{anchor}</a>'
        if style == "outlook":
            return f'<a href="{url}">{anchor}</a>'
        return f'<a href="{url}" target="_blank">{anchor}</a>'
    return _LINK_RE.sub(rep, esc)


def _render_html_blocks(blocks: list, style: str, lang: str, color: str) -> str:
    out = []
    for b in blocks:
        t = b[0]
        if t == "p":
            x = _html_links(b[1], style, color)
            out.append({"gmail": f"<div>{x}</div><div><br></div>",
                        "apple": f"<div>{x}</div><div><br></div>",
                        "outlook": f'<p class="MsoNormal">{x}<o:p></o:p></p>\n<p '
                                   f'class="MsoNormal"><o:p>&nbsp;</o:p></p>',
                        "basic": f"<p>{x}</p>",
                        "notify": f'<p style="margin:0 0 16px 0;font-size:15px;line-height:22px">{x}</p>',
                        "marketing": f'<p style="margin:0 0 14px '
                                     f'0;font-size:16px;line-height:24px;color:#333333">{x}</p>'}[style])
        elif t == "kv":
            rows = "".join(f'<tr><td style="padding:2px 12px 2px 0"><b>{_h(k)}</b></td><td>{_h(v)}</td></tr>' if k
                           else f'<tr><td colspan="2">{_h(v)}</td></tr>' for k, v in b[1])
            out.append(f'<table cellpadding="0" cellspacing="0" border="0">{rows}</table><br>')
        elif t == "btn":
            url, label = b[1].replace('"', "%22"), _h(b[2])
            if style in ("notify", "marketing"):
                out.append(f'<table role="presentation" cellspacing="0" cellpadding="0" border="0" style="margin:8px 0 '
                           f'20px 0">'
                           f'<tr><td align="center" bgcolor="{color}" style="border-radius:4px">'
                           f'<a href="{url}" target="_blank" style="display:inline-block;padding:12px '
                           f'28px;font-size:15px;'
                           f'color:#ffffff;text-decoration:none;font-weight:bold">{label}</a></td></tr></table>')
            elif style == "outlook":
                out.append(f'<p class="MsoNormal"><a href="{url}">{label}</a><o:p></o:p></p>')
            else:
                out.append(f'<div><a href="{url}">{label}</a></div><div><br></div>' if style in ("gmail", "apple")
                           else f'<p><a href="{url}">{label}</a></p>')
        elif t == "sig":
            lines = [_h(x) for x in b[1]]
            if style == "gmail":
                out.append('<div><span class="gmail_signature_prefix">-- </span><br><div dir="ltr" '
                           'class="gmail_signature" '
                           'data-smartmail="gmail_signature"><div dir="ltr">' + "<br>".join(lines) + "</div></div></di"
                                                                                                     "v>")
            elif style == "outlook":
                out.append("\n".join(f'<p class="MsoNormal"><span style="font-size:10.0pt">{x}</span><o:p></o:p></p>'
                                     for x in lines))
            elif style == "apple":
                out.append("<div>" + "<br>".join(lines) + "</div>")
            else:
                out.append("<p>" + "<br>".join(lines) + "</p>")
        elif t == "foot":
            out.append(f'<p style="font-size:11px;line-height:16px;color:#888888">'
                       f'{_html_links(b[1], style, "#888888")}</p>')
        elif t == "ul":
            out.append("<ul>" + "".join(f"<li>{_html_links(i, style, color)}</li>" for i in b[1]) + "</ul>")
        elif t == "img":
            out.append(f'<img src="{b[1]}" alt="{_h(b[2])}" width="{b[3] if len(b) > 3 else 600}" '
                       f'style="display:block;border:0">')
        elif t == "quote":
            q = b[1]
            inner = _render_html_blocks(q["blocks"], "gmail" if style == "gmail" else "apple" if style == "apple"
                                        else "outlook" if style == "outlook" else "basic", lang, color)
            if q["style"] in ("gmail", "apple") and style in ("gmail", "apple", "basic"):
                if style == "gmail":
                    out.append(f'<br><div class="gmail_quote"><div dir="ltr" '
                               f'class="gmail_attr">{_h(_attribution(q, lang))}<br></div>'
                               f'<blockquote class="gmail_quote" style="margin:0px 0px 0px 0.8ex;border-left:1px solid '
                               f'rgb(204,204,204);padding-left:1ex">{inner}</blockquote></div>')
                else:
                    out.append(f'<div><br><blockquote '
                               f'type="cite">{_h(_attribution(q, lang))}<br><br>{inner}</blockquote></div>')
            else:
                L = _QUOTE[lang]
                head = _quote_head(q, lang)
                bold = "<br>".join(f"<b>{_h(x.split(': ', 1)[0])}:</b> {_h(x.split(': ', 1)[1])}" for x in head)
                if style == "outlook":
                    out.append('<div style="border:none;border-top:solid #E1E1E1 1.0pt;padding:3.0pt 0in 0in 0in">'
                               f'<p class="MsoNormal">{bold}<o:p></o:p></p></div>\n' + inner)
                else:
                    pre = f"<p>{_h(L['orig'])}</p>" if q["style"] == "original" else "<hr>"
                    out.append(f"{pre}<p>{bold}</p>{inner}")
    return "\n".join(out)


_OUTLOOK_HEAD = ('<html xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" '
                 'xmlns:w="urn:schemas-microsoft-com:office:word" '
                 'xmlns:m="http://schemas.microsoft.com/office/2004/12/omml" '
                 'xmlns="http://www.w3.org/TR/REC-html40">\n<head>\n<meta http-equiv="Content-Type" '
                 'content="text/html; '
                 'charset=utf-8">\n<meta name="Generator" content="Microsoft Word 15 (filtered medium)">\n<style><!--\n'
                 '/* Font Definitions */\n@font-face\n\t{font-family:"Cambria '
                 'Math";}\n@font-face\n\t{font-family:Calibri;}\n'
                 '/* Style Definitions */\np.MsoNormal, li.MsoNormal, '
                 'div.MsoNormal\n\t{margin:0in;\n\tfont-size:11.0pt;\n'
                 '\tfont-family:"Calibri",sans-serif;}\na:link, '
                 'span.MsoHyperlink\n\t{color:#0563C1;\n\ttext-decoration:underline;}\n'
                 '@page WordSection1\n\t{size:8.5in 11.0in;\n\tmargin:1.0in 1.0in 1.0in '
                 '1.0in;}\ndiv.WordSection1\n\t{page:WordSection1;}\n'
                 '--></style>\n</head>\n')


def _render_html(rng: random.Random, blocks: list, style: str, lang: str, title: str, color: str,
                 logo: Optional[tuple]) -> str:
    inner = _render_html_blocks(blocks, style, lang, color)
    if style == "gmail":
        return f'<div dir="ltr">{inner}</div>\n'
    if style == "apple":
        return ('<html><head><meta http-equiv="content-type" content="text/html; charset=utf-8"></head>'
                f'<body style="overflow-wrap: break-word; -webkit-nbsp-mode: space; line-break: after-white-space;" '
                f'dir="auto">{inner}</body></html>\n')
    if style == "outlook":
        loc = {"en": "EN-US", "de": "DE", "fr": "FR", "pt": "PT-BR", "nl": "NL"}[lang]
        return (_OUTLOOK_HEAD + f'<body lang="{loc}" link="#0563C1" vlink="#954F72" style="word-wrap:break-word">\n'
                f'<div class="WordSection1">\n{inner}\n</div>\n</body>\n</html>\n')
    if style == "basic":
        head = _pick(rng, ['<html><head><meta charset="utf-8"></head><body>',
                           f'<!DOCTYPE html><html lang="{lang}"><head><meta '
                           f'charset="utf-8"><title>{_h(title)}</title></head>'
                           '<body style="font-family:Arial,Helvetica,sans-serif;font-size:14px">',
                           '<html><body style="font-family:Verdana,sans-serif;font-size:13px"><div>'])
        tail = "</div></body></html>\n" if head.endswith("<div>") else "</body></html>\n"
        return head + inner + tail
    logo_html = ""
    if logo:
        logo_html = (f'<tr><td style="padding:24px 32px 8px 32px"><img src="{logo[0]}" alt="{_h(logo[1])}" '
                     f'width="{_pick(rng, [110, 120, 140, 160])}" style="display:block;border:0"></td></tr>')
    width = 600 if style == "notify" else 640
    pre = (f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"><meta name="viewport" '
           f'content="width=device-width, '
           f'initial-scale=1"><title>{_h(title)}</title></head><body style="margin:0;padding:0;background:#f4f5f7">'
           f'<table role="presentation" width="100%" cellspacing="0" cellpadding="0" border="0" bgcolor="#f4f5f7"><tr>'
           f'<td align="center" style="padding:24px 12px"><table role="presentation" width="{width}" cellspacing="0" '
           f'cellpadding="0" border="0" bgcolor="#ffffff" style="font-family:Helvetica,Arial,sans-serif;color:#222222">'
           f'{logo_html}<tr><td style="padding:16px 32px 32px 32px">')
    return pre + inner + "</td></tr></table></td></tr></table></body></html>\n"


# ================================================================================ attachments

def _latin(s: str) -> bytes:
    return s.encode("latin-1", "replace")


def _pdf(lines: list[str], when: datetime, uri: Optional[str] = None, producer: str = "") -> bytes:
    """A small, valid one-page PDF with the given text (and a link annotation when ``uri``)."""
    def esc(s: str) -> bytes:
        return _latin(s).replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
    stream = b"BT /F1 11 Tf 56 760 Td 15 TL " + b" ".join(b"(" + esc(x) + b") '" for x in lines) + b" ET"
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> "
            b">>"
            + (b" /Annots [7 0 R]" if uri else b"") + b" >>",
            b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
            b"<< /Producer (" + esc(producer or "Microsoft Word for Microsoft 365") + b") /CreationDate (D:"
            + when.strftime("%Y%m%d%H%M%S").encode() + b"Z) >>"]
    if uri:
        objs.append(b"<< /Type /Annot /Subtype /Link /Rect [50 600 560 780] /Border [0 0 0] /A << /S /URI /URI ("
                    + esc(uri) + b") >> >>")
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, o in enumerate(objs, 1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n".encode() + o + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objs) + 1}\n0000000000 65535 f \n".encode()
    for off in offsets:
        out += f"{off:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objs) + 1} /Root 1 0 R /Info 6 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def _zip(files: list[tuple[str, bytes]], when: datetime, encrypted: bool = False) -> bytes:
    buf = io.BytesIO()
    dt = (max(1980, when.year), when.month, when.day, when.hour, when.minute, when.second // 2 * 2)
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in files:
            info = zipfile.ZipInfo(name, date_time=dt)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            z.writestr(info, data)
    raw = bytearray(buf.getvalue())
    if encrypted:   # the "encrypted" flag, as a password-protected archive shows it to a scanner
        i = raw.find(b"PK\x03\x04")
        while i >= 0:
            struct.pack_into("<H", raw, i + 6, struct.unpack_from("<H", raw, i + 6)[0] | 1)
            i = raw.find(b"PK\x03\x04", i + 4)
        i = raw.find(b"PK\x01\x02")
        while i >= 0:
            struct.pack_into("<H", raw, i + 8, struct.unpack_from("<H", raw, i + 8)[0] | 1)
            i = raw.find(b"PK\x01\x02", i + 4)
    return bytes(raw)


_CT = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


def _office(kind: str, text: list[str], when: datetime) -> bytes:
    """A minimal OOXML document (docx, docm, xlsx, xlsm); macro variants carry an inert vbaProject.bin."""
    body = "".join(f"<w:p><w:r><w:t>{_h(x)}</w:t></w:r></w:p>" for x in text)
    macro = kind.endswith("m")
    if kind.startswith("doc"):
        main = "application/vnd.ms-word.document.macroEnabled.main+xml" if macro else \
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
        files = [("[Content_Types].xml",
                  _CT + f'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                  f'<Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" '
                  f'ContentType="{main}"/></Types>'.encode()),
                 ("word/document.xml",
                  _CT + ('<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
                                              f"<w:body>{body}</w:body></w:document>").encode())]
        if macro:
            files.append(("word/vbaProject.bin",
                          b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 24 + b"synthetic inert placeholder"))
    else:
        main = "application/vnd.ms-excel.sheet.macroEnabled.main+xml" if macro else \
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
        cells = "".join(f'<row r="{i}"><c r="A{i}" t="inlineStr"><is><t>{_h(x)}</t></is></c></row>' for i,
                        x in enumerate(text, 1))
        files = [("[Content_Types].xml",
                  _CT + f'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                  f'<Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" '
                  f'ContentType="{main}"/></Types>'.encode()),
                 ("xl/worksheets/sheet1.xml",
                  _CT + ('<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                                                     f"<sheetData>{cells}</sheetData></worksheet>").encode())]
        if macro:
            files.append(("xl/vbaProject.bin",
                          b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 24 + b"synthetic inert placeholder"))
    return _zip(files, when)


_OFFICE_TYPES = {
    "docx": "vnd.openxmlformats-officedocument.wordprocessingml.document",
    "docm": "vnd.ms-word.document.macroEnabled.12",
    "xlsx": "vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "xlsm": "vnd.ms-excel.sheet.macroEnabled.12",
}


def _png(rng: random.Random, w: int = 1, h: int = 1) -> bytes:
    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)
    px = bytes([rng.randrange(256), rng.randrange(256), rng.randrange(256)])
    raw = b"".join(b"\x00" + px * w for _ in range(h))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def _inert(ext: str) -> bytes:
    """Harmless stand-ins for dangerous file types: right magic bytes, no behaviour."""
    note = b"synthetic inert sample generated for detector training; it does nothing"
    return {".exe": b"MZ\x90\x00\x03" + b"\x00" * 59 + note, ".scr": b"MZ\x90\x00" + b"\x00" * 60 + note,
            ".js": b"/* " + note + b" */\n", ".vbs": b"' " + note + b"\n",
            ".lnk": b"L\x00\x00\x00\x01\x14\x02\x00" + note,
            ".hta": b"<html><!-- " + note + b" --></html>", ".iso": b"\x00" * 2048 + b"\x01CD001\x01\x00" + note,
            ".img": b"\x00" * 2048 + b"\x01CD001\x01\x00" + note, ".one": b"\xe4\x52\x5c\x7b\x8c\xd8\xa7\x4d" + note,
            ".bat": b"REM " + note + b"\r\n", ".cmd": b"REM " + note + b"\r\n",
            ".msi": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + note,
            ".wsf": b"<job><!-- " + note + b" --></job>"}.get(ext, note)


# ================================================================================ message builder

class _B:
    """One message under construction: language, pools, placeholder values, body blocks, the concept legs
    the attack actually uses, attachments and the header extras."""

    def __init__(self, rng: random.Random, when: datetime, kind: str, lang: Optional[str] = None):
        self.rng, self.kind = rng, kind
        self.lang = lang or _choose_lang(rng, kind)
        self.when = when.astimezone(_tz(rng, self.lang))
        self.t = _T[kind][self.lang]
        self.c = _C[self.lang]
        self.kv_labels = _KV_LABELS[self.lang]
        self.ctx: dict = {}
        self.blocks: list = []
        self.atts: list = []
        self.reply_to: Optional[str] = None
        self.cc: list[str] = []
        self.in_reply_to = ""
        self.references: list[str] = []
        self.extra: list[tuple[str, str]] = []
        self.flags = dict.fromkeys(CONCEPTS, False)
        self.need_html = False
        self.style_hint: Optional[str] = None
        self.color = _pick(rng, ["#0b5cad", "#d40511", "#1a73e8", "#003087", "#ff9900", "#0070ba", "#2e7d32",
                                 "#6a1b9a", "#e50914", "#333333", "#00a1e0", "#ffcc00", "#351c15"])
        self.logo: Optional[tuple] = None
        self.calendar: Optional[str] = None
        self.typo_n = 0
        self.related = False

    # -- text
    def f(self, s: str) -> str:
        return s.format(**self.ctx)

    def p(self, key: str) -> str:
        return self.f(_pick(self.rng, self.t[key]))

    def has(self, key: str) -> bool:
        return bool(self.t.get(key))

    def cp(self, key: str) -> str:
        return self.f(_pick(self.rng, self.c[key]))

    def subject(self, pressure: bool, key: str = "subject") -> str:
        pool = self.t[key]
        calm = [x for x in pool if not x.startswith("!")]
        s = _pick(self.rng, pool if pressure or not calm else calm)
        return self.f(s.lstrip("!"))

    def para(self, sentences: Iterable[str], split: float = 0.4) -> None:
        """Sentences grouped into paragraphs at random."""
        cur: list[str] = []
        for s in sentences:
            if not s:
                continue
            if cur and _chance(self.rng, split):
                self.blocks.append(("p", " ".join(cur)))
                cur = []
            cur.append(s)
        if cur:
            self.blocks.append(("p", " ".join(cur)))

    def greet(self, first: Optional[str], p_none: float = 0.1) -> None:
        if _chance(self.rng, p_none):
            return
        if first:
            self.blocks.append(("p", _pick(self.rng, self.c["hi"]).format(first=first)))
        else:
            self.blocks.append(("p", self.cp("hi_anon")))

    def sign(self, lines: list[str], bye: bool = True, mobile: float = 0.0, disclaimer: float = 0.0) -> None:
        out = ([_pick(self.rng, self.c["bye"])] if bye and _chance(self.rng, 0.85) else []) + [x for x in lines if x]
        if _chance(self.rng, mobile):
            out += ["", _pick(self.rng, self.c["mobile"])]
        self.blocks.append(("sig", out))
        if _chance(self.rng, disclaimer):
            self.blocks.append(("foot", _pick(self.rng, self.c["disclaimer"])))

    def kv(self, pairs: list[tuple[str, str]]) -> None:
        self.blocks.append(("kv", [(self.kv_labels.get(k, k), v) for k, v in pairs]))

    def re_prefix(self) -> str:
        return _pick(self.rng, self.c["re"])

    def fw_prefix(self) -> str:
        return _pick(self.rng, self.c["fw"])

    def attach(self, data: bytes, mime: str, filename: str) -> None:
        main, _, sub = mime.partition("/")
        self.atts.append((data, main, sub, filename))

    def legs(self, **kw) -> dict:
        self.flags.update({k: bool(v) for k, v in kw.items()})
        return dict(self.flags)


def _sig_lines(rng: random.Random, person: _Person, lang: str, style: Optional[int] = None, phone: bool = True,
               company: bool = True) -> list[str]:
    """A signature for ``person``: first name only, full name, name + title, or a full corporate block."""
    style = rng.randrange(5) if style is None else style
    if style == 0:
        return [person.first]
    if style == 1:
        return [person.name]
    if style == 2:
        return [person.name, person.title] if person.title else [person.name]
    lines = [person.name, person.title] if person.title else [person.name]
    if company and person.company:
        lines.append(person.company)
    if phone:
        label = {"en": _pick(rng, ["T:", "Tel:", "Phone:", "Direct:", "M:", "Mobile:"]),
                 "de": _pick(rng, ["Tel.:", "Mobil:", "T:"]),
                 "fr": _pick(rng, ["Tél. :", "Mob. :", "T :"]), "pt": _pick(rng, ["Tel.:", "Cel.:", "T:"]),
                 "nl": _pick(rng, ["Tel:", "Mob:", "T:"])}[lang]
        lines.append(f"{label} {_phone(rng, lang)}")
    if style == 4:
        lines.append(_pick(rng, [person.email, f"www.{person.domain}", f"{person.email} | www.{person.domain}"]))
    return lines


def _fmt_to(rng: random.Random, person: Optional[_Person], addr: Optional[str] = None) -> str:
    if person is None:
        return addr or ""
    if _chance(rng, 0.55):
        return str(Address(display_name=person.name, addr_spec=person.email))
    return person.email


_HTML_STYLE: dict[str, str] = _PLATFORMS["html_style"]               # client -> HTML style
_FORMATS: dict[str, list[tuple[str, int]]] = _PLATFORMS["formats"]   # client -> [(body format, weight)]


def _boundary(rng: random.Random, client: str, s: _Sender) -> str:
    if client == "gmail":
        return f"000000000000{_hex(rng, 16)}"
    if client in ("outlook", "owa"):
        return f"_000_{_alnum(rng, 30, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789')}_"
    if client in ("iphone", "applemail"):
        return f"Apple-Mail-{_uuid(rng, True)}" if _chance(rng, 0.5) else f"Apple-Mail=_{_uuid(rng, True)}"
    if client == "thunderbird":
        return f"------------{_alnum(rng, 24)}"
    if client == "roundcube":
        return f"=_{_hex(rng, 32)}"
    if client == "phpmailer":
        return f"b1_{_alnum(rng, 43)}" if _chance(rng, 0.6) else f"b1=_{_alnum(rng, 43)}"
    if client == "esp":
        return _pick(rng, [f"----=_Part_{rng.randint(100000, 9999999)}_{rng.randint(100000000, 999999999)}."
                           f"{rng.randint(10 ** 12, 10 ** 13)}",
                           f"{_hex(rng, 60)}", f"--==_mimepart_{_hex(rng, 13)}_{rng.randint(10, 99)}{_hex(rng, 5)}"])
    if client == "outlook-smtp":
        return f"----=_NextPart_000_{_hex(rng, 4, True)}_01DA{_hex(rng, 4, True)}.{_hex(rng, 8, True)}"
    return _pick(rng, [f"================{_digits(rng, 19)}==", f"----=_Part_{rng.randint(1000, 99999)}_{_hex(rng, 8)}",
                       f"=-{_alnum(rng, 20)}"])


def _cte(rng: random.Random, client: str, text: str) -> Optional[str]:
    ascii_ = text.isascii()
    if client in ("phpmailer", "esp") and _chance(rng, 0.45):
        return "base64"
    if client in ("outlook", "owa", "outlook-smtp") and _chance(rng, 0.25):
        return "base64"
    if client in ("iphone", "applemail", "gmail", "esp", "outlook", "owa") and not ascii_:
        return "quoted-printable"
    return None


def _charset(rng: random.Random, b: "_B", client: str, text: str) -> str:
    if b.lang != "en" and client in ("outlook-smtp", "webmail", "roundcube", "none",
                                     "phpmailer") and _chance(rng, 0.35):
        for cs in ("iso-8859-1", "windows-1252"):
            try:
                text.encode(cs)
                return cs
            except UnicodeEncodeError:
                continue
    return "utf-8"


def _set_text(part: EmailMessage, text: str, subtype: str, charset: str, cte: Optional[str],
              method: str = "content", params: Optional[dict] = None) -> None:
    kw = {"subtype": subtype, "charset": charset}
    if cte:
        kw["cte"] = cte
    if params:
        kw["params"] = params
    fn = part.set_content if method == "content" else part.add_alternative
    try:
        fn(text, **kw)
    except (ValueError, UnicodeEncodeError):
        kw["charset"] = "utf-8"
        kw.pop("cte", None)
        fn(text, **kw)


def _finish(b: _B, s: _Sender, to: list[str], subject: str) -> EmailMessage:
    """Render the body, attach files and put the headers on: the message as it reaches the inbox."""
    rng = b.rng
    spots = [i for i, x in enumerate(b.blocks) if x[0] == "p"]
    for _ in range(b.typo_n if spots else 0):      # a few slips in the whole message, not per paragraph
        i = _pick(rng, spots)
        b.blocks[i] = ("p", _typos(rng, b.blocks[i][1], 1))
    client = s.client
    style = _HTML_STYLE[client]
    if b.style_hint and (client in ("esp", "phpmailer", "none", "roundcube", "outlook-smtp") or _chance(rng, 0.4)):
        style = b.style_hint
    elif style == "notify":
        style = "basic"
    fmt = _weighted(rng, _FORMATS[client])
    if (b.need_html or style in ("notify", "marketing")) and fmt == "plain":
        fmt = "alt"
    ls = rng.randrange(5)
    text = _render_text(b.blocks, b.lang, ls, client in ("thunderbird", "roundcube") and _chance(rng, 0.5),
                        client in ("thunderbird",) and _chance(rng, 0.5))
    html = _render_html(rng, b.blocks, style, b.lang, subject, b.color, b.logo) if fmt != "plain" else ""
    m = EmailMessage(policy=_POLICY)
    if fmt == "plain":
        _set_text(m, text, "plain", _charset(rng, b, client, text), _cte(rng, client, text))
    elif fmt == "html":
        _set_text(m, html, "html", _charset(rng, b, client, html), _cte(rng, client, html))
    else:
        cs = _charset(rng, b, client, text + html)
        _set_text(m, text, "plain", cs, _cte(rng, client, text))
        _set_text(m, html, "html", cs, _cte(rng, client, html), method="alt")
    if b.calendar:
        if fmt == "plain":
            m.make_alternative()
        m.add_alternative(b.calendar, subtype="calendar", params={"method": "REQUEST"})
    if fmt != "plain" and (b.related or (style == "outlook" and _chance(rng, 0.15))):
        body = m.get_body(("html",))
        if body is not None:
            cid = f"image001.png@01DA{_hex(rng, 4, True)}.{_hex(rng, 8, True)}"
            body.add_related(_png(rng), "image", "png", cid=f"<{cid}>", filename="image001.png")
    for data, main, sub, filename in b.atts:
        m.add_attachment(data, maintype=main, subtype=sub, filename=filename)
    for part in m.walk():
        if part is not m and "MIME-Version" in part:
            del part["MIME-Version"]
        if part.is_multipart():
            part.set_boundary(_boundary(rng, client, s))
    extra = list(b.extra)
    if style in ("notify", "marketing"):
        if _chance(rng, 0.25):
            extra.append(("Auto-Submitted", "auto-generated"))
        if _chance(rng, 0.2):
            extra.append(("X-Auto-Response-Suppress", _pick(rng, ["All", "OOF, AutoReply",
                                                                  "DR, RN, NRN, OOF, AutoReply"])))
    if s.platform in ("esp", "php") and not any(n == "List-Unsubscribe" for n, _ in extra) and _chance(rng, 0.35):
        extra.append(("List-Unsubscribe",
                      f"<mailto:unsub-{_hex(rng, 10)}@{s.domain}>, <https://{s.domain}/unsub?u={_hex(rng, 12)}>"))
    if _chance(rng, 0.08):
        extra.append(("Organization",
                      s.display if s.display and _chance(rng, 0.3) else _pick(rng, ORG_NAMES + [_pick(rng, _PAYEES)])))
    if _chance(rng, 0.04):
        extra.append(("X-Priority", _pick(rng, ["1", "3", "1 (Highest)", "3 (Normal)"])))
    if _chance(rng, 0.03):
        extra.append(("Disposition-Notification-To", s.addr))
    _assemble_headers(rng, m, s, to, b.cc, subject, b.when, b.lang, b.reply_to, b.in_reply_to, b.references,
                      extra, bool(b.atts))
    m.sedetect_lang = b.lang
    return m


class _FoldPolicy(EmailPolicy):
    """The default policy, except that ASCII header values are folded at whitespace as MTAs do, never turned
    into RFC 2047 encoded words because a token (a long Message-ID, URL or bounce address) is long."""

    def _fold(self, name, value, refold_binary=False):
        text = str(value)
        if not text.isascii():
            if hasattr(value, "name"):
                return value.fold(policy=self)
            return self.header_factory(name, text).fold(policy=self)
        if "\n" in text or "\r" in text:
            return super()._fold(name, value, refold_binary)
        limit = self.max_line_length or 78
        lines, cur = [], f"{name}:"
        for word in text.split(" "):
            if not word:
                continue
            if len(cur) + 1 + len(word) > limit and cur != f"{name}:":
                lines.append(cur)
                cur = " " + word
            else:
                cur += " " + word
        lines.append(cur)
        return self.linesep.join(lines) + self.linesep


_POLICY = _FoldPolicy()


# ================================================================================ wording and language

_C: dict[str, dict[str, list[str]]] = _PHRASES["common"]            # lang -> slot -> wording every kind shares
_T: dict[str, dict[str, dict[str, list[str]]]] = kind_templates()   # kind -> lang -> slot -> [templates]
# Share of messages not in English. Callers set labeling.synthetic.FOREIGN_SHARE, which is copied here for
# each message it generates (this module cannot import the entry point).
FOREIGN_SHARE = 0.15


def _choose_lang(rng: random.Random, kind: str) -> str:
    langs = [x for x in LANGS if x in _T[kind]]
    if langs and _chance(rng, FOREIGN_SHARE):
        return _pick(rng, langs)
    return "en"


# ================================================================================ quoted history

def _quote_style(rng: random.Random, client: str) -> str:
    return {"gmail": "gmail", "iphone": "apple", "applemail": "apple"}.get(
        client, _pick(rng, ["outlook", "outlook", "original", "gmail"]) if client in ("outlook", "owa",
                                                                                      "outlook-smtp") else
        _pick(rng, ["gmail", "outlook", "original"]))


def _quote(b: _B, style: str, who: _Person, to: str, subject: str, blocks: list, when: datetime, cc: str = "") -> tuple:
    return ("quote", {"style": style, "name": who.name, "addr": who.email, "to": to, "cc": cc, "subject": subject,
                      "date": when, "blocks": blocks, "wrote": _pick(b.rng, _QUOTE[b.lang]["wrote"]),
                      "rule": _chance(b.rng, 0.5)})
