"""Random values the synthetic generator draws: ids, people, domains, lookalikes, money, dates, bank details.

The organisation (example.com, its VIPs and known vendors) matches configs/default.yaml. Name lists, domain
word banks, month names and banks are data (labeling/data/synthetic/); the draws stay here, in the order
the generator has always made them, so a seed writes the same bytes.
"""
from __future__ import annotations

import random
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Optional

from labeling.synthetic_data import load

_PEOPLE, _ORGS, _DOMAINS = load("people"), load("organisations"), load("domains")
_CALENDAR, _BANK_DATA = load("calendar"), load("banks")

ORG = "example.com"
ORG_DOMAINS = ("example.com", "example.org")
ORG_NAMES = ["Example Corp", "Example", "Example Group", "Example Inc."]
VIPS = [("Jane Doe", "jane.doe", "Chief Executive Officer"), ("John Smith", "john.smith", "CFO")]
VENDORS = [("Acme Supplies", "acme-supplies.com"), ("Globex", "globex.com")]
LANGS = ("de", "fr", "pt", "nl")


# ================================================================================ small helpers

def _pick(rng: random.Random, xs):
    return xs[rng.randrange(len(xs))]


def _chance(rng: random.Random, p: float) -> bool:
    return rng.random() < p


def _weighted(rng: random.Random, pairs):
    """``pairs``: [(value, weight), ...]."""
    total = sum(w for _, w in pairs)
    x = rng.random() * total
    for value, w in pairs:
        x -= w
        if x < 0:
            return value
    return pairs[-1][0]


def _hex(rng: random.Random, n: int, upper: bool = False) -> str:
    s = f"{rng.getrandbits(4 * n):0{n}x}" if n else ""
    return s.upper() if upper else s


_ALNUM = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
_B64 = _ALNUM + "+/"


def _alnum(rng: random.Random, n: int, alphabet: str = _ALNUM) -> str:
    return "".join(rng.choices(alphabet, k=n))


def _digits(rng: random.Random, n: int) -> str:
    return f"{rng.randrange(10 ** n):0{n}d}" if n else ""


def _uuid(rng: random.Random, upper: bool = False) -> str:
    h = _hex(rng, 32, upper)
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def _ascii(s: str) -> str:
    return unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode()


def _local(s: str) -> str:
    return re.sub(r"[^a-z0-9.]", "", _ascii(s).lower().replace(" ", ""))


def _ip(rng: random.Random, prefixes: Optional[list] = None) -> str:
    if prefixes:
        p = _pick(rng, prefixes)
        parts = p.split(".")
        while len(parts) < 4:
            parts.append(str(rng.randint(1, 254)))
        return ".".join(parts)
    first = _pick(rng, [5, 23, 31, 37, 45, 46, 51, 62, 64, 66, 69, 77, 78, 80, 81, 82, 85, 89, 91,
                        92, 93, 94, 95, 103, 104, 107, 109, 128, 138, 139, 141, 142, 146, 149, 151,
                        154, 158, 159, 162, 167, 172, 176, 178, 179, 185, 186, 187, 188, 190, 191,
                        192, 193, 194, 195, 196, 197, 198, 200, 201, 212, 213, 217])
    return f"{first}.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"


def _private_ip(rng: random.Random) -> str:
    return _pick(rng, [f"192.168.{rng.randint(0, 20)}.{rng.randint(2, 250)}",
                       f"10.{rng.randint(0, 60)}.{rng.randint(0, 255)}.{rng.randint(2, 250)}",
                       f"172.{rng.randint(16, 31)}.{rng.randint(0, 255)}.{rng.randint(2, 250)}"])


def _ipv6(rng: random.Random, prefix: str) -> str:
    return prefix + ":".join(_hex(rng, 4).lstrip("0") or "0" for _ in range(4))


# ================================================================================ people

_NAMES: dict[str, tuple[list[str], list[str]]] = _PEOPLE["names"]       # lang -> (first names, last names)
_STAFF_TITLES: dict[str, list[str]] = _PEOPLE["staff_titles"]             # role -> job titles
_VIP_TITLES: dict[str, dict[str, list[str]]] = _PEOPLE["vip_titles"]      # VIP name -> lang -> titles


@dataclass(frozen=True)
class _Person:
    first: str
    last: str
    email: str
    title: str = ""
    company: str = ""

    @property
    def name(self) -> str:
        return f"{self.first} {self.last}"

    @property
    def domain(self) -> str:
        return self.email.rsplit("@", 1)[-1]


def _name(rng: random.Random, lang: str = "en") -> tuple[str, str]:
    if lang != "en" and _chance(rng, 0.25):
        lang = "en"
    elif lang == "en" and _chance(rng, 0.15):
        lang = _pick(rng, LANGS)
    firsts, lasts = _NAMES[lang]
    return _pick(rng, firsts), _pick(rng, lasts)


def _addr_style(rng: random.Random, first: str, last: str, style: Optional[str] = None) -> str:
    f, l_ = _local(first), _local(last)
    style = style or _pick(rng, ["first.last", "flast", "first", "firstl", "first_last", "last.first"])
    return {"first.last": f"{f}.{l_}", "flast": f"{f[:1]}{l_}", "first": f, "firstl": f"{f}{l_[:1]}",
            "first_last": f"{f}_{l_}", "last.first": f"{l_}.{f}"}[style]


def _staff(rng: random.Random, lang: str = "en", role: str = "other") -> _Person:
    first, last = _name(rng, lang)
    domain = ORG if _chance(rng, 0.85) else "example.org"
    title = _pick(rng, _STAFF_TITLES[role]) if role in _STAFF_TITLES else ""
    return _Person(first, last, f"{_addr_style(rng, first, last, 'first.last')}@{domain}", title,
                   _pick(rng, ORG_NAMES))


def _vip(rng: random.Random, lang: str = "en", which: Optional[str] = None) -> _Person:
    name, local, _ = VIPS[0] if which == "ceo" else VIPS[1] if which == "cfo" else _pick(rng, VIPS)
    first, last = name.split()
    title = _pick(rng, _VIP_TITLES[name][lang])
    return _Person(first, last, f"{local}@{ORG}", title, _pick(rng, ORG_NAMES))


def _role_box(rng: random.Random, role: str) -> str:
    boxes = {"finance": ["accounts.payable", "ap", "finance", "invoices", "treasury", "payments"],
             "hr": ["hr", "payroll", "people", "hr-payroll"],
             "it": ["it", "servicedesk", "helpdesk"]}[role]
    return f"{_pick(rng, boxes)}@{_pick(rng, [ORG, ORG, ORG, 'example.org'])}"


# ================================================================================ domains

FREEMAIL: dict[str, list[str]] = _DOMAINS["freemail"]
_BIZ_WORDS: dict[str, tuple[list[str], list[str], list[str]]] = _DOMAINS["business_words"]   # (names, trades, TLDs)
_SCAM_WORDS: tuple[list[str], list[str], list[str]] = _DOMAINS["scam_words"]
_HOSTING_COS: list[str] = _DOMAINS["hosting_companies"]
FREE_HOSTS: list[str] = _DOMAINS["free_hosts"]
SHORTENERS: list[str] = _DOMAINS["shorteners"]


def _biz_domain(rng: random.Random, lang: str = "en") -> str:
    a, b, tlds = _BIZ_WORDS[lang]
    return f"{_pick(rng, a)}{_pick(rng, b)}.{_pick(rng, tlds)}"


def _scam_domain(rng: random.Random) -> str:
    a, b, tlds = _SCAM_WORDS
    sep = _pick(rng, ["", "-", ""])
    return f"{_pick(rng, a)}{sep}{_pick(rng, b)}{rng.randint(1, 99) if _chance(rng, 0.2) else ''}" \
           f".{_pick(rng, tlds)}"


_HOMOGLYPHS: dict[str, str] = _DOMAINS["homoglyphs"]
_ASCII_SUBS: dict[str, list[str]] = _DOMAINS["ascii_substitutions"]
_HYPHEN_WORDS: list[str] = _DOMAINS["hyphen_words"]


def _lookalike(rng: random.Random, domain: str, trick: Optional[str] = None) -> str:
    """An ASCII (punycode where needed) lookalike of ``domain``: character swap, substitution,
    omission, doubling, homoglyph IDN, extra hyphen word, TLD swap or subdomain trick."""
    label, _, tld = domain.partition(".")
    for _ in range(30):
        t = trick or _pick(rng, ["swap", "sub", "sub", "omit", "double", "homoglyph", "hyphen",
                                 "hyphen", "tld", "subdomain"])
        out_label, out_tld = label, tld
        if t == "swap":
            i = rng.randrange(1, len(label) - 1)
            out_label = label[:i] + label[i + 1] + label[i] + label[i + 2:]
        elif t == "sub":
            spots = [i for i, ch in enumerate(label) if ch in _ASCII_SUBS]
            if spots:
                i = _pick(rng, spots)
                out_label = label[:i] + _pick(rng, _ASCII_SUBS[label[i]]) + label[i + 1:]
            out_label = out_label.lower()
        elif t == "omit":
            i = rng.randrange(1, len(label))
            out_label = label[:i] + label[i + 1:]
        elif t == "double":
            i = rng.randrange(1, len(label))
            out_label = label[:i] + label[i] + label[i:]
        elif t == "homoglyph":
            spots = [i for i, ch in enumerate(label) if ch in _HOMOGLYPHS]
            if spots:
                i = _pick(rng, spots)
                uni = label[:i] + _HOMOGLYPHS[label[i]] + label[i + 1:]
                out_label = uni.encode("idna").decode("ascii")
        elif t == "hyphen":
            w = _pick(rng, _HYPHEN_WORDS)
            out_label = f"{w}-{label}" if _chance(rng, 0.3) else f"{label}-{w}"
        elif t == "tld":
            out_tld = _pick(rng, ["co", "net", "io", "us", "biz", "cc", "info", "com.co", "co.uk",
                                  "org", "com", "net.br", "de", "eu", "group", "email"])
        elif t == "subdomain":
            return f"{label}.{tld}-{_pick(rng, ['secure', 'mail', 'verify', 'billing', 'portal'])}" \
                   f".{_pick(rng, ['com', 'net', 'online'])}"
        out = f"{out_label.strip('-')}.{out_tld}"
        if out != domain and out not in ORG_DOMAINS and out not in [v for _, v in VENDORS] \
                and len(out_label) > 2:
            return out
        trick = None
    return f"{label}-{_pick(rng, _HYPHEN_WORDS)}.{tld}"


# ================================================================================ money, numbers, dates

def _money(rng: random.Random, lang: str, lo: int = 8_000, hi: int = 95_000, cur: str = "") -> str:
    if _chance(rng, 0.35):
        v = float(rng.randint(lo // 500, hi // 500) * 500)
    else:
        v = rng.randint(lo, hi) + rng.randint(0, 99) / 100
    if lang == "en":
        cur = cur or _weighted(rng, [("$", 6), ("USD", 1.5), ("£", 1), ("€", 1.5)])
        s = f"{v:,.2f}"
        return f"USD {s}" if cur == "USD" else f"{cur}{s}"
    de = f"{v:,.2f}".replace(",", "X").replace(".", ",").replace("X", ".")
    if lang == "de":
        return _pick(rng, [f"{de} €", f"{de} EUR", f"EUR {de}"])
    if lang == "fr":
        fr = de.replace(".", " ")
        return _pick(rng, [f"{fr} €", f"{fr} EUR"])
    if lang == "pt":
        return _pick(rng, [f"R$ {de}", f"R$ {de}", f"€ {de}"])
    return _pick(rng, [f"€ {de}", f"EUR {de}", f"€{de}"])


_MONTHS: dict[str, list[str]] = _CALENDAR["months"]
_DAYS: dict[str, list[str]] = _CALENDAR["days"]


def _day(rng: random.Random, lang: str, dt: datetime) -> str:
    """A calendar date as people write it in ``lang``."""
    m = _MONTHS[lang][dt.month - 1]
    if lang == "en":
        return _pick(rng, [f"{m} {dt.day}", f"{dt.day} {m} {dt.year}", f"{dt.month:02d}/{dt.day:02d}/{dt.year}",
                           f"{m} {dt.day}, {dt.year}"])
    if lang == "de":
        return _pick(rng, [f"{dt.day:02d}.{dt.month:02d}.{dt.year}", f"{dt.day}. {m} {dt.year}"])
    if lang == "fr":
        return _pick(rng, [f"{dt.day:02d}/{dt.month:02d}/{dt.year}", f"{dt.day} {m} {dt.year}"])
    if lang == "pt":
        return _pick(rng, [f"{dt.day:02d}/{dt.month:02d}/{dt.year}", f"{dt.day} de {m} de {dt.year}"])
    return _pick(rng, [f"{dt.day:02d}-{dt.month:02d}-{dt.year}", f"{dt.day} {m} {dt.year}"])


def _attribution_date(lang: str, dt: datetime, outlook: bool) -> str:
    d, m = _DAYS[lang][dt.weekday()], _MONTHS[lang][dt.month - 1]
    hm = f"{dt.hour:02d}:{dt.minute:02d}"
    if lang == "en":
        h12 = dt.hour % 12 or 12
        ampm = "AM" if dt.hour < 12 else "PM"
        if outlook:
            return f"{d}, {m} {dt.day}, {dt.year} {h12}:{dt.minute:02d} {ampm}"
        return f"{d[:3]}, {m[:3]} {dt.day}, {dt.year} at {h12}:{dt.minute:02d} {ampm}"
    if lang == "de":
        return f"{d}, {dt.day}. {m} {dt.year} {hm}" if outlook else f"{d[:2]}., {dt.day}. {m} {dt.year} um {hm}"
    if lang == "fr":
        return f"{d} {dt.day} {m} {dt.year} {hm}" if outlook else f"{d[:3]}. {dt.day} {m} {dt.year} à {hm}"
    if lang == "pt":
        return f"{d}, {dt.day} de {m} de {dt.year} {hm}" if outlook else \
            f"{d[:3]}., {dt.day} de {m[:3]}. de {dt.year} às {hm}"
    return f"{d} {dt.day} {m} {dt.year} {hm}" if outlook else f"{d[:2]} {dt.day} {m[:3]} {dt.year} om {hm}"


_TZ: dict[str, list[int]] = _CALENDAR["utc_offsets"]      # lang -> UTC offsets (hours) to draw from


def _tz(rng: random.Random, lang: str) -> timezone:
    return timezone(timedelta(hours=_pick(rng, _TZ[lang])))


def _cutoff(rng: random.Random, lang: str) -> str:
    return _pick(rng, ["2pm", "3 pm", "noon", "1:30 PM", "4pm", "2:00pm"]) if lang == "en" else \
        _pick(rng, ["14:00", "15:00", "12:00", "13:30", "16:00"])


def _invoice_no(rng: random.Random, year: int) -> str:
    return _pick(rng, [f"INV-{rng.randint(10000, 99999)}", f"{year}-{rng.randint(1000, 9999)}",
                       f"F{rng.randint(100000, 999999)}", f"RE-{year}-{rng.randint(100, 9999):04d}",
                       f"#{rng.randint(10000, 999999)}", f"A{rng.randint(1000, 99999)}",
                       f"SI-{rng.randint(100000, 999999)}", f"{rng.randint(1000000, 9999999)}"])


def _po_no(rng: random.Random) -> str:
    return _pick(rng, [f"{rng.randint(10000, 99999)}", f"{rng.randint(4500000000, 4509999999)}",
                       f"{rng.randint(100000, 999999)}", f"#{rng.randint(1000, 9999)}-{rng.randint(10, 99)}"])


_IBAN_BBAN: dict[str, dict[str, int]] = _BANK_DATA["iban_bban"]    # country -> {letters, digits}
_UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _bban(rng: random.Random, country: str) -> str:
    """The national part of an IBAN as ``country`` writes it: so many capital letters, then so many digits."""
    shape = _IBAN_BBAN[country]
    return (_alnum(rng, shape["letters"], _UPPER) if shape["letters"] else "") + _digits(rng, shape["digits"])


def _iban(rng: random.Random, country: str) -> str:
    bban = _bban(rng, country)
    num = "".join(str(int(ch, 36)) for ch in bban + country + "00")
    check = 98 - int(num) % 97
    raw = f"{country}{check:02d}{bban}"
    return " ".join(raw[i:i + 4] for i in range(0, len(raw), 4)) if _chance(rng, 0.6) else raw


_BANKS: dict[str, list[tuple[str, str]]] = _BANK_DATA["banks"]     # country -> [(bank, BIC)]
_BANK_CITY: dict[str, str] = _BANK_DATA["bank_cities"]
_US_BANKS: list[str] = _BANK_DATA["us_banks"]
_HK_BANKS: list[tuple[str, str]] = _BANK_DATA["hk_banks"]
_PAYEES: list[str] = _ORGS["payees"]
_CITIES: list[str] = _ORGS["cities"]
_PROJECTS: list[str] = _ORGS["projects"]


def _bank_details(rng: random.Random, lang: str, payee: str) -> list[tuple[str, str]]:
    """Label-less bank details: [(field, value), ...] with field in bank/holder/iban/bic/account/routing/address."""
    if lang == "en" and _chance(rng, 0.35):
        return [("holder", payee), ("bank", _pick(rng, _US_BANKS)),
                ("routing", "0" + _digits(rng, 8) if _chance(rng, 0.5) else f"{rng.randint(1, 3)}{_digits(rng, 8)}"),
                ("account", _digits(rng, rng.randint(9, 12)))]
    if _chance(rng, 0.12):
        bank, bic = _pick(rng, _HK_BANKS)
        return [("holder", payee), ("bank", bank),
                ("account", f"{_digits(rng, 3)}-{_digits(rng, 6)}-{_digits(rng, 3)}"),
                ("bic", bic), ("address", "1 Queen's Road Central, Hong Kong")]
    country = _pick(rng, {"de": ["DE", "DE", "LT", "PL", "GB"], "fr": ["FR", "FR", "BE", "LT", "ES"],
                          "pt": ["PT", "PT", "ES", "LT", "GB"], "nl": ["NL", "NL", "BE", "LT", "DE"],
                          "en": ["GB", "GB", "IE", "LT", "DE", "NL", "HU", "CY", "PL"]}[lang])
    bank, bic = _pick(rng, _BANKS[country])
    out = [("holder", payee), ("bank", bank), ("iban", _iban(rng, country)), ("bic", bic)]
    if _chance(rng, 0.3):
        out.insert(2, ("address", _BANK_CITY[country]))
    return out


def _btc(rng: random.Random) -> str:
    if _chance(rng, 0.6):
        return "bc1q" + _alnum(rng, 38, "qpzry9x8gf2tvdw0s3jn54khce6mua7l")
    return _pick(rng, ["1", "3"]) + _alnum(rng, 33, "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz")


def _phone(rng: random.Random, lang: str, tollfree: bool = False) -> str:
    if lang == "en" or tollfree:
        area = _pick(rng, ["800", "833", "844", "855", "866", "877", "888"]) if tollfree else str(rng.randint(201, 989))
        a, b = rng.randint(200, 999), rng.randint(1000, 9999)
        return _pick(rng, [f"+1 ({area}) {a}-{b}", f"1-{area}-{a}-{b}", f"({area}) {a}-{b}", f"+1 {area} {a} {b}",
                           f"+1-{area}-{a}-{b}"])
    if lang == "de":
        return _pick(rng, [f"+49 {rng.randint(30, 899)} {_digits(rng, 7)}",
                           f"0{rng.randint(30, 899)} {_digits(rng, 7)}"])
    if lang == "fr":
        d = [f"{rng.randint(10, 99)}" for _ in range(4)]
        return _pick(rng, [f"+33 {rng.randint(1, 9)} {' '.join(d)}", f"0{rng.randint(1, 9)} {' '.join(d)}"])
    if lang == "pt":
        return _pick(rng, [f"+55 11 9{_digits(rng, 4)}-{_digits(rng, 4)}", f"(11) {_digits(rng, 4)}-{_digits(rng, 4)}",
                           f"+351 21 {_digits(rng, 3)} {_digits(rng, 4)}"])
    return _pick(rng, [f"+31 20 {_digits(rng, 3)} {_digits(rng, 4)}", f"020-{_digits(rng, 7)}",
                       f"+31 6 {_digits(rng, 8)}"])


def _typos(rng: random.Random, text: str, n: int) -> str:
    """``n`` keyboard slips in alphabetic words of ``text`` (swap, drop or double a letter)."""
    words = text.split(" ")
    spots = [i for i, w in enumerate(words) if w.isalpha() and len(w) >= 4]
    for _ in range(min(n, len(spots))):
        i = _pick(rng, spots)
        w = words[i]
        if len(w) < 4:
            continue
        j = rng.randrange(1, len(w) - 1)
        op = rng.randrange(3)
        if op == 0:
            w = w[:j] + w[j + 1] + w[j] + w[j + 2:]
        elif op == 1:
            w = w[:j] + w[j + 1:]
        else:
            w = w[:j] + w[j] + w[j:]
        words[i] = w
    return " ".join(words)
