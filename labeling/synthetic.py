"""Seeded generator of realistic attacks and hard benign look-alikes, with concept ground truth.

The public corpora hold no real BEC, vendor fraud, payroll diversion, gift-card, callback or
malware-attachment mail; this writes them, and the benign mail they imitate, with full headers
(Received chain, Authentication-Results, DKIM-Signature, client and platform headers), so the BEC-type
legs can be trained and generalisation can be tested one attack type at a time. The organisation is
the one in configs/default.yaml (example.com / example.org; VIPs Jane Doe and John Smith; vendors
acme-supplies.com and globex.com). Synthetic mail never counts towards a headline figure on real mail.

Design rules:

* Every kind is one generator function ``f(rng, when) -> (EmailMessage, kind, concepts)`` listed in
  ``ATTACKS`` or ``BENIGN``; ``KINDS`` maps kind -> label.
* Wording is composed from interchangeable pools (openers, pretexts, asks, pressure lines, closings,
  signatures) in English, German, French, Portuguese and Dutch (about ``FOREIGN_SHARE`` of messages
  are not English), with random people, amounts, invoice numbers and occasional typos.
* Header shapes come from the sending platform and client (Gmail, Microsoft 365, Yahoo, cPanel/Exim,
  PHPMailer, bulk ESPs, on-premises Exchange, ...) and the receiving gateway, never from the kind, so
  header names alone do not say "attack". Attacks pass SPF/DKIM as often as real attackers do
  (freemail and attacker-owned domains authenticate); direct spoofs of the protected domain fail.
* ``concepts`` says which legs an attack really uses in *that* message: ``impersonation`` (it pretends
  to be a VIP, colleague, known vendor, brand or institution), ``trust`` (urgency, secrecy, authority,
  flattery, availability opener, threat, fake thread), ``payload`` (a link, attachment, phone number,
  bank or wallet details, or a Reply-To that diverts the answer; a bare conversation opener has no
  payload) and ``goal`` (the message states what it is after). Attacks have at least two legs;
  benign mail has none.
* Reproducible: one ``random.Random`` per run; no global ``random``, no clock, no hostname; MIME
  boundaries and Message-IDs are drawn from the seeded generator.

Attack kinds (label malicious): wire_transfer (CEO/CFO fraud, incl. "are you available?" first-stage
lures and a lawyer persona), gift_cards, payment_change (vendor bank-detail change from a lookalike or a
compromised real vendor mailbox), invoice_fraud (fake overdue invoice, link or PDF), payroll (direct
deposit change), tax_data (W-2 / payroll data), credentials (brand, mailbox-quota, shared-document,
voicemail and billing phishing; lookalike, punycode, free-hosting, compromised-site, shortener, IP and
open-redirect links, deceptive anchors, HTML/SVG attachments), crypto, advance_fee, extortion
(sextortion with a BTC address, sometimes "from" the victim's own address), malware_exec (macro
documents, archives, password-protected archives with the password in the body, ISO/IMG, HTML
smuggling, double extensions, download links), callback (renewal notice with a phone number, no links)
and thread_hijack (a RE: with fabricated quoted history that changes the bank details).

Benign look-alikes (label benign, no legs): benign_invoice, benign_password_reset,
benign_urgent_internal, benign_vendor_notice, benign_payroll_notice, benign_shipping,
benign_newsletter, benign_thread_reply (real In-Reply-To/References and quoted history),
benign_calendar and benign_it_notice (internal IT linking to internal hosts).

API: ``generate(n, seed, attack_share)``, ``generate_kind(kind, n, seed)``, ``write_mbox``,
``write_manifest`` and ``run(argv)`` for ``sedetect synth -n N -o OUT.mbox [--seed S]
[--manifest OUT.csv] [--kinds a,b]`` (manifest columns: message_id, label, kind, impersonation, trust,
payload, goal as 0/1, lang). Generated attachments are inert stand-ins (right names, types and magic
bytes; no macros, scripts or executables that do anything).
"""
from __future__ import annotations

import argparse
import csv
import hashlib
import html as _html
import io
import random
import re
import struct
import textwrap
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import EmailPolicy
from email.utils import format_datetime
from typing import Callable, Iterable, Iterator, Optional

ORG = "example.com"
ORG_DOMAINS = ("example.com", "example.org")
ORG_NAMES = ["Example Corp", "Example", "Example Group", "Example Inc."]
VIPS = [("Jane Doe", "jane.doe", "Chief Executive Officer"), ("John Smith", "john.smith", "CFO")]
VENDORS = [("Acme Supplies", "acme-supplies.com"), ("Globex", "globex.com")]
CONCEPTS = ("impersonation", "trust", "payload", "goal")
GENERATOR_VERSION = 2      # bump when the output for a given seed changes (cached synthetic sources key on it)
LANGS = ("de", "fr", "pt", "nl")
FOREIGN_SHARE = 0.15


@dataclass(frozen=True)
class SyntheticMessage:
    raw: bytes
    label: str                 # malicious | benign
    kind: str                  # attack type or benign look-alike type
    concepts: dict = field(default_factory=dict)   # concept -> True when that leg is present
    lang: str = "en"           # en | de | fr | pt | nl


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

_NAMES = {
    "en": (["Alice", "Bob", "Carla", "Daniel", "Erin", "Farid", "Grace", "Hiro", "Priya", "Marcus",
            "Olivia", "Sam", "Rachel", "Tom", "Nina", "Kevin", "Laura", "Omar", "Megan", "Victor",
            "Hannah", "Ethan", "Chloe", "Ryan", "Maya", "Lucas", "Sofia", "Derek", "Aisha", "Paul"],
           ["Martin", "Nguyen", "Diaz", "Walsh", "Khan", "Brooks", "Patel", "Okafor", "Reed", "Lee",
            "Turner", "Hughes", "Foster", "Kim", "Murphy", "Chen", "Garcia", "Novak", "Bennett",
            "Coleman", "Price", "Ward", "Sullivan", "Russo", "Ortiz", "Fischer", "Morgan", "Hayes"]),
    "de": (["Anna", "Jonas", "Lena", "Felix", "Sabine", "Jürgen", "Katrin", "Tobias", "Miriam",
            "Stefan", "Ute", "Matthias", "Julia", "Andreas", "Nele", "Björn"],
           ["Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Becker", "Hoffmann", "Wagner",
            "Krüger", "Braun", "Zimmermann", "Hartmann", "Schäfer", "Koch"]),
    "fr": (["Camille", "Julien", "Sophie", "Nicolas", "Élodie", "Mathieu", "Claire", "Antoine",
            "Inès", "Thomas", "Margaux", "Hugo", "Léa", "François"],
           ["Dubois", "Lefèvre", "Moreau", "Laurent", "Girard", "Rousseau", "Fontaine", "Mercier",
            "Bonnet", "Lambert", "Garnier", "Chevalier"]),
    "pt": (["Ana", "João", "Mariana", "Pedro", "Beatriz", "Rafael", "Luísa", "Tiago", "Carolina",
            "Gustavo", "Fernanda", "Rodrigo", "Camila", "Bruno"],
           ["Silva", "Santos", "Oliveira", "Souza", "Pereira", "Costa", "Rodrigues", "Almeida",
            "Ferreira", "Carvalho", "Gomes", "Ribeiro"]),
    "nl": (["Sanne", "Daan", "Lotte", "Bram", "Femke", "Joris", "Eva", "Sander", "Anouk", "Ruben",
            "Maartje", "Thijs", "Iris", "Wouter"],
           ["de Vries", "Jansen", "van Dijk", "Bakker", "Visser", "Smit", "Meijer", "de Boer",
            "Mulder", "Bos", "Vermeulen", "van den Berg"]),
}

_STAFF_TITLES = {
    "finance": ["Accounts Payable Specialist", "Finance Manager", "Senior Accountant", "Controller",
                "Treasury Analyst", "AP Clerk", "Finance Director", "Accounting Manager",
                "Payments Coordinator"],
    "assistant": ["Executive Assistant", "Office Manager", "Personal Assistant to the CEO",
                  "Operations Coordinator", "Administrative Assistant"],
    "hr": ["Payroll Specialist", "HR Generalist", "HR Manager", "People Operations Lead",
           "Payroll Administrator", "HR Business Partner"],
    "it": ["IT Service Desk Analyst", "Systems Administrator", "IT Manager", "Service Desk Lead"],
    "other": ["Sales Director", "Project Manager", "Operations Manager", "Marketing Lead",
              "Software Engineer", "Procurement Lead", "Account Manager", "Product Manager",
              "Legal Counsel", "Buyer", "Customer Success Manager", "Logistics Coordinator"],
}

_VIP_TITLES = {
    "Jane Doe": {"en": ["Chief Executive Officer", "CEO", "President & CEO", "Managing Director"],
                 "de": ["Geschäftsführerin", "CEO", "Vorstandsvorsitzende"],
                 "fr": ["Directrice générale", "PDG", "CEO"],
                 "pt": ["Diretora-Presidente", "CEO", "Diretora Executiva"],
                 "nl": ["Algemeen directeur", "CEO", "Directeur"]},
    "John Smith": {"en": ["Chief Financial Officer", "CFO", "VP Finance", "Finance Director"],
                   "de": ["Finanzvorstand", "CFO", "Leiter Finanzen"],
                   "fr": ["Directeur financier", "CFO", "DAF"],
                   "pt": ["Diretor Financeiro", "CFO"],
                   "nl": ["Financieel directeur", "CFO"]},
}


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

FREEMAIL = {
    "en": ["gmail.com", "gmail.com", "gmail.com", "outlook.com", "outlook.com", "yahoo.com",
           "hotmail.com", "aol.com", "icloud.com", "protonmail.com", "mail.com"],
    "de": ["gmail.com", "gmx.de", "web.de", "t-online.de", "outlook.com", "gmx.net"],
    "fr": ["gmail.com", "orange.fr", "free.fr", "laposte.net", "outlook.com", "yahoo.com"],
    "pt": ["gmail.com", "uol.com.br", "bol.com.br", "terra.com.br", "hotmail.com", "outlook.com"],
    "nl": ["gmail.com", "ziggo.nl", "hetnet.nl", "outlook.com", "hotmail.com"],
}

_BIZ_WORDS = {
    "en": (["bluehaven", "riverside", "summit", "oakridge", "pinecrest", "lakeview", "northstar",
            "redfern", "silverline", "brightpath", "cedarwood", "harborview", "maplegrove",
            "granite", "eastgate", "willowbrook", "sunvalley", "ironbridge", "coastal", "hilltop"],
           ["dental", "autos", "realty", "builders", "consulting", "logistics", "law", "design",
            "farms", "clinic", "tours", "printing", "plumbing", "church", "academy", "motors",
            "insurance", "accounting", "studio", "supply"],
           ["com", "com", "com", "net", "org", "us", "co", "biz"]),
    "de": (["sonnenhof", "bergblick", "waldweg", "rheinblick", "lindenhof", "muehlbach", "seeblick",
            "altstadt", "hafenkante", "birkenweg"],
           ["-gmbh", "-immobilien", "-praxis", "-elektro", "-bau", "-steuerberatung", "-reisen",
            "-logistik", "-zahnarzt", "-druckerei"], ["de", "de", "de", "com", "eu"]),
    "fr": (["lesjardins", "beausoleil", "lavallee", "petitpont", "montblanc", "lesoliviers",
            "boisjoli", "grandrue"],
           ["-immobilier", "-avocats", "-transports", "-conseil", "-btp", "-cabinet", "-voyages",
            "-imprimerie"], ["fr", "fr", "fr", "com", "eu"]),
    "pt": (["solnascente", "casaverde", "boavista", "riodoce", "serrazul", "portoalegre",
            "vilanova", "marazul"],
           ["imoveis", "contabil", "odonto", "transportes", "advocacia", "turismo", "engenharia",
            "grafica"], ["com.br", "com.br", "com.br", "com", "pt"]),
    "nl": (["deboomgaard", "zonnehoek", "molenweg", "dekroon", "waterkant", "lindehof",
            "hoogland", "dijkzicht"],
           ["bouw", "advies", "tandarts", "installatie", "makelaardij", "transport", "accountants",
            "drukwerk"], ["nl", "nl", "nl", "com", "eu"]),
}

_SCAM_WORDS = (["secure", "global", "direct", "prime", "smart", "online", "first", "united", "trust",
                "digital", "capital", "express", "alpha", "nova", "cloud", "swift", "apex"],
               ["billing", "payments", "services", "solutions", "center", "support", "portal",
                "invest", "trade", "finance", "docs", "systems", "group", "holdings", "assist"],
               ["com", "net", "online", "site", "xyz", "top", "shop", "info", "biz", "live", "co",
                "click", "support", "services"])

_HOSTING_COS = ["hostgator.com", "bluehost.com", "a2hosting.com", "siteground.net", "hostinger.com",
                "ovh.net", "ionos.de", "locaweb.com.br", "transip.nl", "o2switch.net", "hetzner.de",
                "dreamhost.com", "inmotionhosting.com", "namecheaphosting.com", "websitewelcome.com"]

FREE_HOSTS = ["web.app", "firebaseapp.com", "000webhostapp.com", "weebly.com", "wixsite.com",
              "pages.dev", "workers.dev", "netlify.app", "vercel.app", "glitch.me", "github.io",
              "herokuapp.com", "blogspot.com", "azurewebsites.net", "r2.dev", "webflow.io",
              "godaddysites.com", "square.site", "ngrok-free.app", "repl.co"]
SHORTENERS = ["bit.ly", "tinyurl.com", "cutt.ly", "rb.gy", "t.ly", "is.gd", "shorturl.at", "rebrand.ly"]


def _biz_domain(rng: random.Random, lang: str = "en") -> str:
    a, b, tlds = _BIZ_WORDS[lang]
    return f"{_pick(rng, a)}{_pick(rng, b)}.{_pick(rng, tlds)}"


def _scam_domain(rng: random.Random) -> str:
    a, b, tlds = _SCAM_WORDS
    sep = _pick(rng, ["", "-", ""])
    return f"{_pick(rng, a)}{sep}{_pick(rng, b)}{rng.randint(1, 99) if _chance(rng, 0.2) else ''}" \
           f".{_pick(rng, tlds)}"


_HOMOGLYPHS = {"a": "\u0430", "e": "\u0435", "o": "\u043e", "p": "\u0440", "c": "\u0441",
               "x": "\u0445", "i": "\u0456", "s": "\u0455", "l": "\u04cf", "y": "\u0443"}
_ASCII_SUBS = {"l": ["1", "i", "I"], "i": ["l", "1"], "o": ["0"], "m": ["rn", "nn"], "w": ["vv"],
               "d": ["cl"], "s": ["5"], "e": ["3", "a"], "a": ["e", "4"], "g": ["q"], "b": ["d"],
               "n": ["m"], "c": ["e"], "t": ["f"]}
_HYPHEN_WORDS = ["corp", "inc", "group", "finance", "payments", "billing", "hr", "secure", "mail",
                 "invoices", "ap", "global", "us", "team", "llc", "ltd", "accounts", "online"]


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


_MONTHS = {
    "en": ["January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December"],
    "de": ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September",
           "Oktober", "November", "Dezember"],
    "fr": ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
           "octobre", "novembre", "décembre"],
    "pt": ["janeiro", "fevereiro", "março", "abril", "maio", "junho", "julho", "agosto", "setembro",
           "outubro", "novembro", "dezembro"],
    "nl": ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september",
           "oktober", "november", "december"],
}
_DAYS = {
    "en": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"],
    "de": ["Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag"],
    "fr": ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"],
    "pt": ["segunda-feira", "terça-feira", "quarta-feira", "quinta-feira", "sexta-feira", "sábado",
           "domingo"],
    "nl": ["maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag"],
}


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


_TZ = {"en": [-8, -7, -6, -5, -5, -5, -4, 0, 0, 1], "de": [1, 1, 2], "fr": [1, 1, 2],
       "pt": [-3, -3, 0, 1], "nl": [1, 1, 2]}


def _tz(rng: random.Random, lang: str) -> timezone:
    return timezone(timedelta(hours=_pick(rng, _TZ[lang])))


def _invoice_no(rng: random.Random, year: int) -> str:
    return _pick(rng, [f"INV-{rng.randint(10000, 99999)}", f"{year}-{rng.randint(1000, 9999)}",
                       f"F{rng.randint(100000, 999999)}", f"RE-{year}-{rng.randint(100, 9999):04d}",
                       f"#{rng.randint(10000, 999999)}", f"A{rng.randint(1000, 99999)}",
                       f"SI-{rng.randint(100000, 999999)}", f"{rng.randint(1000000, 9999999)}"])


def _po_no(rng: random.Random) -> str:
    return _pick(rng, [f"{rng.randint(10000, 99999)}", f"{rng.randint(4500000000, 4509999999)}",
                       f"{rng.randint(100000, 999999)}", f"#{rng.randint(1000, 9999)}-{rng.randint(10, 99)}"])


_IBAN_BBAN = {"DE": lambda r: _digits(r, 18),
              "GB": lambda r: _alnum(r, 4, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") + _digits(r, 14),
              "NL": lambda r: _alnum(r, 4, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") + _digits(r, 10),
              "FR": lambda r: _digits(r, 23), "PT": lambda r: _digits(r, 21),
              "BE": lambda r: _digits(r, 12), "ES": lambda r: _digits(r, 20),
              "LT": lambda r: _digits(r, 16),
              "IE": lambda r: _alnum(r, 4, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") + _digits(r, 14),
              "PL": lambda r: _digits(r, 24), "HU": lambda r: _digits(r, 24), "CY": lambda r: _digits(r, 24)}


def _iban(rng: random.Random, country: str) -> str:
    bban = _IBAN_BBAN[country](rng)
    num = "".join(str(int(ch, 36)) for ch in bban + country + "00")
    check = 98 - int(num) % 97
    raw = f"{country}{check:02d}{bban}"
    return " ".join(raw[i:i + 4] for i in range(0, len(raw), 4)) if _chance(rng, 0.6) else raw


_BANKS = {
    "GB": [("Barclays Bank PLC", "BARCGB22"), ("HSBC UK", "HBUKGB4B"), ("Lloyds Bank", "LOYDGB2L"),
           ("NatWest", "NWBKGB2L"), ("Revolut Ltd", "REVOGB21")],
    "DE": [("Deutsche Bank", "DEUTDEFF"), ("Commerzbank", "COBADEFF"), ("N26 Bank", "NTSBDEB1"),
           ("Sparkasse KölnBonn", "COLSDE33")],
    "NL": [("ING Bank", "INGBNL2A"), ("ABN AMRO", "ABNANL2A"), ("Rabobank", "RABONL2U"),
           ("bunq", "BUNQNL2A")],
    "FR": [("BNP Paribas", "BNPAFRPP"), ("Société Générale", "SOGEFRPP"), ("Crédit Agricole", "AGRIFRPP")],
    "PT": [("Millennium BCP", "BCOMPTPL"), ("Caixa Geral de Depósitos", "CGDIPTPL")],
    "BE": [("Wise Europe SA", "TRWIBEB1"), ("KBC Bank", "KREDBEBB")],
    "ES": [("Banco Santander", "BSCHESMM"), ("BBVA", "BBVAESMM")],
    "LT": [("Revolut Bank UAB", "REVOLT21"), ("Paysera LT", "EVIULT2V")],
    "IE": [("Bank of Ireland", "BOFIIE2D"), ("AIB", "AIBKIE2D")],
    "PL": [("PKO Bank Polski", "BPKOPLPW")], "HU": [("OTP Bank", "OTPVHUHB")],
    "CY": [("Bank of Cyprus", "BCYPCY2N")],
}
_BANK_CITY = {"DE": "Frankfurt am Main", "GB": "London", "NL": "Amsterdam", "FR": "Paris", "PT": "Lisboa",
              "BE": "Brussels",
              "ES": "Madrid", "LT": "Vilnius", "IE": "Dublin", "PL": "Warsaw", "HU": "Budapest", "CY": "Nicosia"}
_US_BANKS = ["Bank of America", "JPMorgan Chase Bank", "Wells Fargo Bank", "Citibank N.A.",
             "TD Bank", "PNC Bank", "Truist Bank", "Regions Bank", "Chime / The Bancorp Bank",
             "Green Dot Bank", "Metropolitan Commercial Bank", "Lead Bank"]
_HK_BANKS = [("HSBC Hong Kong", "HSBCHKHH"), ("Standard Chartered HK", "SCBLHKHH"),
             ("DBS Bank (Hong Kong)", "DHBKHKHH"), ("Bank of China (HK)", "BKCHHKHH")]
_PAYEES = ["Meridian Holdings Ltd", "Apex Global Trading", "Sterling Advisory LLC", "Nordic Bridge Partners",
           "Kowloon Precision Ltd", "Baltic Freight GmbH", "Atlas Consulting SA", "Pacific Rim Imports",
           "Crescent Capital Partners", "Harbor Point Logistics", "Vantage Equity Group", "Orion Legal Services",
           "Westbrook Industrial", "Silverleaf Ventures", "Granite Peak Holdings"]
_CITIES = ["Hong Kong", "Singapore", "Dubai", "London", "Frankfurt", "Madrid", "Toronto", "Shanghai",
           "Lagos", "Istanbul", "Rotterdam", "São Paulo", "Lisbon", "Lyon", "Warsaw", "Chicago"]
_PROJECTS = ["Project Falcon", "Project Atlas", "the Q3 acquisition", "Project Neptune", "the Berlin expansion",
             "Project Orion", "the merger", "Project Cedar", "the Lisbon office", "the APAC deal",
             "Project Helix", "Project Aurora"]


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


# ================================================================================ senders and transport

_GOOGLE_FREE = ("gmail.com", "googlemail.com")
_MS_FREE = ("outlook.com", "hotmail.com", "live.com", "hotmail.fr", "outlook.fr")
_YAHOO = ("yahoo.com", "aol.com", "yahoo.co.uk", "yahoo.fr")
_ISP = ("gmx.de", "gmx.net", "web.de", "t-online.de", "orange.fr", "free.fr", "laposte.net",
        "uol.com.br", "bol.com.br", "terra.com.br", "ziggo.nl", "hetnet.nl", "protonmail.com",
        "mail.com", "gmx.com")


@dataclass
class _Sender:
    display: str
    addr: str
    platform: str        # google microsoft onprem yahoo icloud isp hosting php postfix esp
    client: str          # gmail owa outlook outlook-smtp iphone applemail thunderbird roundcube yahoo webmail
    #                      phpmailer esp none
    auth: tuple          # (spf, dkim, dmarc)
    envelope: str
    dkim_domain: str     # '' when the message is not signed
    helo: str = ""
    ip: str = ""
    esp: str = ""
    internal: bool = False

    @property
    def domain(self) -> str:
        return self.addr.rsplit("@", 1)[-1].lower()


def _platform(rng: random.Random, domain: str, who: str) -> str:
    if domain in _GOOGLE_FREE:
        return "google"
    if domain in _MS_FREE:
        return "microsoft"
    if domain in _YAHOO:
        return "yahoo"
    if domain == "icloud.com":
        return "icloud"
    if domain in _ISP:
        return "isp"
    return _weighted(rng, {
        "org": [("google", 4), ("microsoft", 5), ("onprem", 1)],
        "vendor": [("microsoft", 4), ("google", 3), ("onprem", 1), ("hosting", 1), ("postfix", 1)],
        "vendor_system": [("esp", 4), ("php", 3), ("postfix", 2), ("microsoft", 1)],
        "brand": [("esp", 7), ("postfix", 3)],
        "lookalike": [("microsoft", 35), ("google", 25), ("hosting", 25), ("postfix", 15)],
        "compromised": [("hosting", 5), ("microsoft", 3), ("google", 2)],
        "bulk": [("php", 35), ("esp", 30), ("postfix", 20), ("hosting", 15)],
        "spoof": [("postfix", 4), ("php", 3), ("hosting", 3)],
        "partner": [("microsoft", 4), ("google", 4), ("hosting", 1), ("postfix", 1)],
    }[who])


def _client(rng: random.Random, platform: str) -> str:
    return _weighted(rng, {
        "google": [("gmail", 75), ("iphone", 20), ("thunderbird", 5)],
        "microsoft": [("outlook", 45), ("owa", 30), ("iphone", 20), ("applemail", 5)],
        "onprem": [("outlook", 85), ("iphone", 15)],
        "yahoo": [("yahoo", 80), ("iphone", 20)],
        "icloud": [("iphone", 60), ("applemail", 40)],
        "isp": [("webmail", 70), ("thunderbird", 15), ("iphone", 15)],
        "hosting": [("roundcube", 45), ("outlook-smtp", 25), ("thunderbird", 15), ("iphone", 10), ("none", 5)],
        "postfix": [("thunderbird", 25), ("outlook-smtp", 25), ("none", 30), ("roundcube", 20)],
        "php": [("phpmailer", 80), ("none", 20)],
        "esp": [("esp", 1)],
    }[platform])


def _auth(rng: random.Random, who: str) -> tuple:
    if who in ("org", "brand", "freemail"):
        return _weighted(rng, [(("pass", "pass", "pass"), 86), (("softfail", "pass", "pass"), 4),
                               (("neutral", "pass", "pass"), 2), (("pass", "none", "none"), 3),
                               (("pass", "pass", "none"), 4), (("pass", "fail", "pass"), 1)])
    if who in ("vendor", "partner", "vendor_system"):       # smaller businesses: DKIM and DMARC often missing
        return _weighted(rng, [(("pass", "pass", "pass"), 70), (("softfail", "pass", "pass"), 3),
                               (("neutral", "none", "none"), 2), (("pass", "none", "none"), 14),
                               (("pass", "pass", "none"), 9), (("pass", "fail", "pass"), 2)])
    if who == "lookalike":
        return _weighted(rng, [(("pass", "pass", "pass"), 50), (("pass", "none", "none"), 20),
                               (("pass", "pass", "none"), 15), (("softfail", "none", "none"), 5),
                               (("neutral", "none", "none"), 3), (("none", "none", "none"), 4),
                               (("fail", "none", "fail"), 3)])
    if who == "compromised":
        return _weighted(rng, [(("pass", "pass", "pass"), 75), (("pass", "none", "none"), 15),
                               (("pass", "pass", "none"), 10)])
    if who == "bulk":
        return _weighted(rng, [(("pass", "pass", "none"), 30), (("pass", "none", "none"), 30),
                               (("pass", "pass", "pass"), 15), (("pass", "none", "fail"), 10),
                               (("softfail", "none", "fail"), 8), (("none", "none", "none"), 7)])
    # spoof: the From domain is not the sender's
    return _weighted(rng, [(("fail", "none", "fail"), 40), (("softfail", "none", "fail"), 30),
                           (("softfail", "fail", "fail"), 10), (("none", "none", "fail"), 10),
                           (("fail", "fail", "fail"), 10)])


_ESPS = ["sendgrid", "ses", "mailgun", "sfmc", "mailchimp", "sparkpost"]


def _outbound(rng: random.Random, s: _Sender) -> None:
    """The host and IP that handed the message to the organisation's gateway."""
    dom, p = s.domain, s.platform
    if p == "google":
        pool = _pick(rng, ["wr1", "wm1", "ej1", "lf1", "pl1", "qk1", "yb1", "io1", "oi1", "ot1", "pj1", "ed1", "qt1",
                           "vs1"])
        s.helo = f"mail-{pool}-f{rng.randint(41, 199)}.google.com"
        s.ip = f"209.85.{rng.randint(128, 255)}.{rng.randint(1, 254)}"
    elif p == "microsoft":
        region = _pick(rng, ["eur05", "eur02", "eur03", "nam11", "nam12", "nam10", "nam04", "apc01", "gbr01", "bra01"])
        consumer = dom in _MS_FREE
        s.helo = f"mail-{_pick(rng, ['am6', 'db8', 'he1', 'dm6', 'bn8', 'co1', 'sn1', 'ch2', 'lo2', 'cp2'])}{region}" \
                 f"{'olkn' if consumer else 'on'}{rng.randint(2000, 2199)}.outbound.protection.outlook.com"
        s.ip = (f"{_pick(rng, ['40.92', '40.107', '40.93', '52.100', '52.101', '52.103'])}.{rng.randint(0, 255)}."
                f"{rng.randint(1, 254)}")
    elif p == "onprem":
        s.helo = f"{_pick(rng, ['mail', 'smtp', 'mx01', 'owa', 'relay'])}.{dom}"
        s.ip = _ip(rng)
    elif p == "yahoo":
        s.helo = (f"sonic{rng.randint(300, 330)}-{rng.randint(1, 60)}.consmr.mail."
                  f"{_pick(rng, ['ne1', 'bf2', 'gq1', 'ir2'])}.yahoo.com")
        s.ip = f"{_pick(rng, ['66.163', '74.6', '98.137', '77.238'])}.{rng.randint(128, 255)}.{rng.randint(1, 254)}"
    elif p == "icloud":
        s.helo = f"st43p00im-{_alnum(rng, 6, 'abcdefghijklmnopqrstuvwxyz0123456789')}{rng.randint(10, 99)}.me.com"
        s.ip = f"17.58.{rng.randint(0, 63)}.{rng.randint(1, 254)}"
    elif p == "isp":
        s.helo = {"gmx.de": "mout.gmx.net", "gmx.net": "mout.gmx.net", "gmx.com": "mout.gmx.com",
                  "web.de": "mout.web.de", "t-online.de": f"mailout{rng.randint(1, 12)}.t-online.de",
                  "mail.com": "mout.mail.com", "protonmail.com": f"mail-{rng.randint(10, 40)}.protonmail.ch"}.get(
            dom, f"{_pick(rng, ['smtp', 'smtp-out', 'mta', 'relay'])}{rng.randint(1, 30)}.{dom}")
        s.ip = _ip(rng)
    elif p in ("hosting", "php"):
        s.helo = (f"{_pick(rng, ['server', 'host', 'cp', 'box', 'web', 's', 'srv'])}{rng.randint(10, 999)}."
                  f"{_pick(rng, _HOSTING_COS)}")
        s.ip = _ip(rng)
    elif p == "postfix":
        s.helo = f"{_pick(rng, ['mail', 'smtp', 'mx', 'mta', 'out'])}.{dom}" if _chance(rng, 0.6) else \
            f"vps{rng.randint(1000, 99999)}.{_pick(rng, _HOSTING_COS)}"
        s.ip = _ip(rng)
    else:
        s.esp = s.esp or _pick(rng, _ESPS)
        s.helo, s.ip = {
            "sendgrid": (f"o{rng.randint(1, 20)}.ptr{rng.randint(1000, 9999)}."
                         f"{_pick(rng, ['em', 'e', 'mail', 'email'])}.{dom}",
                         f"{_pick(rng, ['149.72', '167.89', '168.245'])}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"),
            "ses": (f"a{rng.randint(8, 80)}-{rng.randint(1, 250)}.smtp-out."
                    f"{_pick(rng, ['us-west-2', 'us-east-1', 'eu-west-1', 'eu-central-1'])}.amazonses.com",
                    f"{_pick(rng, ['54.240', '23.251', '69.169'])}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"),
            "mailgun": (f"m{rng.randint(10, 250)}-{rng.randint(1, 200)}.mailgun.net",
                        f"{_pick(rng, ['159.135', '198.61', '166.78'])}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"),
            "sfmc": (f"mta{rng.randint(1, 9)}.{_pick(rng, ['e', 'em', 'email', 'mail'])}.{dom}",
                     f"13.111.{rng.randint(0, 255)}.{rng.randint(1, 254)}"),
            "mailchimp": (f"mail{rng.randint(10, 200)}.suw{rng.randint(10, 99)}.mcsv.net",
                          f"198.2.{rng.randint(128, 191)}.{rng.randint(1, 254)}"),
            "sparkpost": (f"mta-{rng.randint(10, 250)}-{rng.randint(1, 99)}.sparkpostmail.com",
                          f"192.174.{rng.randint(80, 95)}.{rng.randint(1, 254)}"),
        }[s.esp]


def _envelope(rng: random.Random, s: _Sender, who: str) -> str:
    dom = s.domain
    if s.platform == "esp":
        return {"sendgrid": f"bounces+{rng.randint(1000000, 9999999)}-{_hex(rng, 4)}=example.com@em"
                            f"{rng.randint(100, 9999)}.{dom}",
                "ses": f"0100018{_hex(rng, 9)}-{_hex(rng, 8)}-{_hex(rng, 4)}-000000@"
                       f"{_pick(rng, ['amazonses.com', 'bounce.' + dom])}",
                "mailgun": f"bounce+{_hex(rng, 6)}.{_hex(rng, 6)}@mg.{dom}",
                "sfmc": f"bounce-{rng.randint(10, 99)}_HTML-{rng.randint(10 ** 8, 10 ** 9)}-{rng.randint(1000, 9999)}"
                        f"@bounce.{_pick(rng, ['e', 'em', 'email'])}.{dom}",
                "mailchimp": f"bounce-mc.us{rng.randint(1, 21)}_{rng.randint(10 ** 7, 10 ** 8)}."
                             f"{rng.randint(10 ** 6, 10 ** 7)}-alice=example.com@mail{rng.randint(10, 200)}.suw"
                             f"{rng.randint(10, 99)}.mcdlv.net",
                "sparkpost": f"msprvs1={_alnum(rng, 16)}=bounces-{rng.randint(10000, 99999)}@sparkpostmail"
                             f"{rng.randint(1, 3)}.com"}[s.esp]
    if s.platform == "php" or (who == "bulk" and _chance(rng, 0.5)):
        user = _pick(rng, ["www-data", "apache", "nobody", "cpanel", _alnum(rng, 7, "abcdefghijklmnopqrstuvwxyz")])
        return f"{user}@{s.helo}"
    if who == "spoof":
        return (f"{_pick(rng, ['info', 'admin', 'mail', 'user', 'noreply'])}{rng.randint(1, 99)}@"
                f"{_biz_domain(rng, 'en') if _chance(rng, 0.6) else s.helo}")
    return s.addr


def _sender(rng: random.Random, display: str, addr: str, who: str, auth: Optional[tuple] = None,
            platform: Optional[str] = None, client: Optional[str] = None, internal: bool = False,
            esp: str = "") -> _Sender:
    """A sender: platform and client from the domain and who is sending; authentication and envelope
    as they would really look."""
    dom = addr.rsplit("@", 1)[-1].lower()
    who_auth = "freemail" if who == "freemail" else who
    plat = platform or _platform(rng, dom, who if who != "freemail" else "partner")
    s = _Sender(display, addr, plat, client or _client(rng, plat), auth or _auth(rng, who_auth), addr, "",
                esp=esp, internal=internal)
    _outbound(rng, s)
    s.envelope = _envelope(rng, s, who)
    spf, dkim, dmarc = s.auth
    if dkim != "none":
        if s.platform == "esp" and _chance(rng, 0.3):
            s.dkim_domain = {"sendgrid": "sendgrid.info", "ses": "amazonses.com", "mailgun": "mailgun.org",
                             "sfmc": dom, "mailchimp": "mcsv.net", "sparkpost": "sparkpostmail.com"}[s.esp]
        elif s.platform == "microsoft" and who in ("lookalike", "bulk") and _chance(rng, 0.4):
            s.dkim_domain = (f"{_local(dom.split('.')[0]).replace('.', '')}"
                             f"{rng.randint(1, 99) if _chance(rng, 0.4) else ''}.onmicrosoft.com")
        elif s.platform in ("php", "hosting") and who == "bulk":
            s.dkim_domain = s.helo.split(".", 1)[1]
        else:
            s.dkim_domain = dom
    return s


def _freemail_sender(rng: random.Random, display: str, local: str, lang: str, who: str = "freemail",
                     domain: Optional[str] = None) -> _Sender:
    domain = domain or _pick(rng, FREEMAIL[lang])
    return _sender(rng, display, f"{local}@{domain}", "freemail" if who == "freemail" else who)


# -------------------------------------------------------------------------------- trace headers

def _hdate(dt: datetime) -> str:
    return format_datetime(dt)


def _received_sender_side(rng: random.Random, s: _Sender, rcpt: str, t: datetime) -> list[str]:
    """Older hops inside the sender's platform, oldest last (as they appear top-down)."""
    dom, p = s.domain, s.platform
    d = _hdate(t)
    if p == "google":
        return [f"by 2002:a05:{_hex(rng, 4)}:{_hex(rng, 4)}:b0:{_hex(rng, 3)}:{_hex(rng, 4)}:{_hex(rng, 4)} with SMTP "
                f"id "
                f"{_alnum(rng, 2, 'abcdefghijklmnopqrstuvwxyz')}{rng.randint(10, 99)}csp{rng.randint(100000, 9999999)}"
                f"{_alnum(rng, 3, 'abcdefghijklmnopqrstuvwxyz')}; {d}"]
    if p == "microsoft":
        mbx = _pick(rng, ["PH0PR11", "BN9PR03", "DM6PR12", "AM6PR02", "DB9PR04", "VI1PR08", "SA1PR10", "CH3PR15",
                          "PAXPR07"])
        mbx = f"{mbx}MB{rng.randint(1000, 9999)}"
        reg = _pick(rng, ["namprd11", "namprd03", "eurprd02", "eurprd04", "namprd15", "eurprd07"])
        return [f"from {mbx}.{reg}.prod.outlook.com "
                f"([fe80::{_hex(rng, 4)}:{_hex(rng, 4)}:{_hex(rng, 4)}:{_hex(rng, 4)}]) "
                f"by {mbx}.{reg}.prod.outlook.com "
                f"([fe80::{_hex(rng, 4)}:{_hex(rng, 4)}:{_hex(rng, 4)}:{_hex(rng, 4)}%{rng.randint(3, 7)}]) "
                f"with mapi id 15.20.{rng.randint(7000, 8300)}.{rng.randint(1, 40):03d}; {d}",
                f"from {mbx}.{reg}.prod.outlook.com (2603:10b6:{_hex(rng, 3)}:{_hex(rng, 2)}::{_hex(rng, 2)}) by "
                f"{_pick(rng, ['SN7PR', 'MW4PR', 'AS8PR'])}{rng.randint(10, 99)}MB{rng.randint(1000, 9999)}.{reg}"
                f".prod.outlook.com "
                f"(2603:10b6:{_hex(rng, 3)}:{_hex(rng, 2)}::{_hex(rng, 2)}) with Microsoft SMTP Server "
                f"(version=TLS1_2, "
                f"cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id "
                f"15.20.{rng.randint(7000, 8300)}.{rng.randint(1, 40)}; {d}"]
    if p == "onprem":
        a, b = rng.randint(1, 4), rng.randint(1, 4)
        return [f"from EXCH0{a}.corp.{dom} (10.{rng.randint(0, 60)}.{rng.randint(0, 255)}.{rng.randint(2, 250)}) by "
                f"EXCH0{b}.corp.{dom} (10.{rng.randint(0, 60)}.{rng.randint(0, 255)}.{rng.randint(2, 250)}) with "
                f"Microsoft SMTP "
                f"Server (version=TLS1_2, cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id "
                f"15.2.{rng.randint(1118, 1544)}.{rng.randint(1, 40)}; {d}",
                f"from EXCH0{a}.corp.{dom} ([fe80::{_hex(rng, 4)}:{_hex(rng, 4)}:{_hex(rng, 4)}:{_hex(rng, 4)}]) by "
                f"EXCH0{a}.corp.{dom} "
                f"([fe80::{_hex(rng, 4)}:{_hex(rng, 4)}:{_hex(rng, 4)}:{_hex(rng, 4)}%{rng.randint(10, 14)}]) with "
                f"mapi id "
                f"15.02.{rng.randint(1118, 1544)}.{rng.randint(1, 40):03d}; {d}"]
    if p == "yahoo":
        return [f"from {_ip(rng)} by {s.helo} with HTTP; {d}"]
    if p == "icloud":
        return [f"from smtpclient.apple (unknown [{_ip(rng)}]) by {s.helo} (Postfix) with ESMTPSA id "
                f"{_hex(rng, 10, True)} for <{rcpt}>; {d}"]
    if p == "isp":
        return [f"from [{_private_ip(rng)}] ([{_ip(rng)}]) by web-mail.{dom} "
                f"({_pick(rng, ['3c-app-gmx-bap', 'webmail', 'mail-web'])}{rng.randint(1, 80)}) with HTTP; {d}",
                f"from [{_private_ip(rng)}] by {s.helo} (mrgmx{rng.randint(100, 199)}) with ESMTPSA (Nemesis) id "
                f"1M{_alnum(rng, 6)}-1r{_alnum(rng, 8)}; {d}"]
    exim_id = (f"1r{_alnum(rng, 4)}-{rng.randint(0, 9)}"
               f"{_alnum(rng, 4, '0123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz')}-{_alnum(rng, 2)}")
    if p == "hosting":
        return [f"from [{_ip(rng)}] (port={rng.randint(1024, 65000)} helo=[{_private_ip(rng)}]) by {s.helo} with "
                f"esmtpsa "
                f"(TLS1.2) tls TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 (Exim 4.9{rng.randint(5, 7)}.{rng.randint(0, 2)}) "
                f"(envelope-from <{s.envelope}>) id {exim_id} for {rcpt}; {d}"]
    if p == "php":
        return [f"from {s.envelope.split('@')[0]} by {s.helo} with local (Exim 4.9{rng.randint(5, 7)}) "
                f"(envelope-from <{s.envelope}>) id {exim_id}; {d}",
                f"from localhost (localhost [127.0.0.1]) by {s.helo} (Postfix) with ESMTP id "
                f"{_hex(rng, 10, True)}; {d}"]
    if p == "postfix":
        return [f"from [{_private_ip(rng)}] (unknown [{_ip(rng)}]) by {s.helo} (Postfix) with ESMTPSA id "
                f"{_alnum(rng, 11, 'BCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz0123456789')} for <{rcpt}>; {d}",
                f"from localhost (localhost [127.0.0.1]) by {s.helo} (Postfix) with ESMTP id "
                f"{_hex(rng, 10, True)}; {d}"]
    # esp
    return [f"by {_pick(rng, ['filterdrecv', 'recvd-mta', 'smtpout', 'mta-out'])}-{rng.randint(10, 99)}-"
            f"{_alnum(rng, 5, 'abcdefghijklmnopqrstuvwxyz0123456789')} "
            f"with SMTP id {_alnum(rng, 22)}-1 {d}",
            f"from {_alnum(rng, 10, 'abcdefghijklmnopqrstuvwxyz0123456789')}.internal ({_private_ip(rng)}) by {s.helo} "
            f"with ESMTP id "
            f"{_alnum(rng, 22)}; {d}"]


def _gateway(rng: random.Random, s: _Sender) -> str:
    if s.internal:
        return {"microsoft": "eop", "google": "google"}.get(s.platform, "postfix")
    return _weighted(rng, [("eop", 45), ("google", 30), ("postfix", 25)])


def _received_inbound(rng: random.Random, gw: str, s: _Sender, rcpt: str, t: datetime, two: bool) -> list[str]:
    d = _hdate(t)
    if s.internal and gw == "eop":
        mbx = (f"{_pick(rng, ['PH0PR11', 'BN9PR03', 'DM6PR12', 'AM6PR02'])}MB{rng.randint(1000, 9999)}.namprd"
               f"{rng.randint(10, 19)}.prod.outlook.com")
        return [f"from {mbx} (2603:10b6:{_hex(rng, 3)}::{_hex(rng, 2)}) by {mbx} "
                f"(2603:10b6:{_hex(rng, 3)}::{_hex(rng, 2)}) "
                f"with Microsoft SMTP Server (version=TLS1_2, cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id "
                f"15.20.{rng.randint(7000, 8300)}.{rng.randint(1, 40)}; {d}"]
    if gw == "eop":
        fe = _pick(rng, ["DM6NAM11FT", "BN8NAM12FT", "CO1NAM11FT", "AM4PEPF", "DB5PEPF", "HE1EUR04FT", "SN1PEPF"])
        fe = f"{fe}{rng.randint(10, 999):05d}"
        reg = _pick(rng, ["eop-nam11", "eop-nam12", "eop-EUR04", "eop-EUR05"])
        out = [f"from {s.helo} ({s.ip}) by {fe}.{reg}.prod.protection.outlook.com ({_ipv6(rng, '2603:10b6:')}) with "
               f"Microsoft SMTP Server (version=TLS1_3, cipher=TLS_AES_256_GCM_SHA384) id "
               f"15.20.{rng.randint(7000, 8300)}."
               f"{rng.randint(1, 40)} via Frontend Transport; {d}"]
        if two:
            out.insert(0, f"from {fe}.{reg}.prod.protection.outlook.com ({_ipv6(rng, '2603:10b6:')}) by "
                          f"{_pick(rng, ['BN9PR03CA', 'SA9PR13CA', 'AS9PR06CA', 'DU2PR04CA'])}"
                          f"{rng.randint(1000, 9999)}.namprd{rng.randint(10, 19)}.prod.outlook.com "
                          f"({_ipv6(rng, '2603:10b6:')}) with Microsoft SMTP Server (version=TLS1_2, "
                          f"cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id "
                          f"15.20.{rng.randint(7000, 8300)}.{rng.randint(1, 40)}; {d}")
        return out
    if gw == "google":
        tls = "Google Transport Security" if s.internal else "version=TLS1_3 cipher=TLS_AES_256_GCM_SHA384 bits=256/256"
        line = (f"from {s.helo} ({s.helo}. [{s.ip}]) by mx.google.com with {'SMTPS' if s.internal else 'ESMTPS'} id "
                f"{_alnum(rng, 5, 'abcdefghijklmnopqrstuvwxyz0123456789')}-{_digits(rng, 20)}"
                f"{_alnum(rng, 3, 'abcdefghijklmnopqrstuvwxyz')}"
                f".{rng.randint(10, 99)}.{t.year}.{t.month:02d}.{t.day:02d}.{t.hour:02d}.{t.minute:02d}.{t.second:02d} "
                f"for <{rcpt}> "
                f"({tls}); {d}")
        out = [line]
        if two:
            out.insert(0, f"by 2002:a05:{_hex(rng, 4)}:{_hex(rng, 4)}:b0:{_hex(rng, 3)}:{_hex(rng, 4)}:{_hex(rng, 4)} "
                          f"with SMTP id "
                          f"{_alnum(rng, 2, 'abcdefghijklmnopqrstuvwxyz')}{rng.randint(10, 99)}csp"
                          f"{rng.randint(100000, 9999999)}"
                          f"{_alnum(rng, 3, 'abcdefghijklmnopqrstuvwxyz')}; {d}")
        return out
    mx = f"{_pick(rng, ['mx1', 'mx2', 'mail', 'mx', 'smtp-in'])}.{ORG}"
    out = [f"from {s.helo} ({s.helo} [{s.ip}]) (using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits) "
           f"key-exchange X25519 server-signature RSA-PSS (2048 bits) server-digest SHA256) (No client certificate "
           f"requested) "
           f"by {mx} (Postfix) with ESMTPS id "
           f"{_alnum(rng, 11, 'BCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz0123456789')} for <{rcpt}>; {d}"]
    if two:
        out.insert(0, _pick(rng, [
            f"from localhost (localhost [127.0.0.1]) by {mx} (amavisd-new, port 10024) with ESMTP id "
            f"{_alnum(rng, 12)} for <{rcpt}>; {d}",
            f"from {mx} ({mx} [10.{rng.randint(0, 20)}.{rng.randint(0, 255)}.{rng.randint(2, 250)}]) by "
            f"mailstore{rng.randint(1, 4)}.{ORG} (Postfix) with ESMTP id {_hex(rng, 10, True)} for <{rcpt}>; {d}"]))
    return out


def _auth_results(rng: random.Random, gw: str, s: _Sender) -> str:
    spf, dkim, dmarc = s.auth
    env = s.envelope
    env_dom = env.rsplit("@", 1)[-1]
    from_dom = s.domain
    d = s.dkim_domain or from_dom
    if gw == "eop":
        note = {"pass": "signature was verified", "none": "message not signed",
                "fail": "signature did not verify"}[dkim]
        action = "none" if dmarc != "fail" else _pick(rng, ["quarantine", "oreject", "none"])
        comp = {"pass": "pass", "none": _pick(rng, ["softpass", "pass", "none"]), "fail": "fail"}[dmarc]
        parts = [f"spf={spf} (sender IP is {s.ip}) smtp.mailfrom={env_dom}",
                 f"dkim={dkim} ({note}) header.d={d if dkim != 'none' else 'none'}",
                 f"dmarc={dmarc} action={action} header.from={from_dom}",
                 f"compauth={comp} "
                 f"reason={_pick(rng, ['100', '109', '001', '000', '601']) if comp != 'pass' else '100'}"]
        return ";".join(p if i == 0 else " " + p if _chance(rng, 0.5) else p for i, p in enumerate(parts))
    sel = _pick(rng, ["20230601", "20221208", "google", "selector1", "selector2", "s1", "s2", "k1", "default",
                      "mail", "dkim", "smtpapi", "pic", "mx", f"s{rng.randint(1000, 2048)}"])
    bval = _alnum(rng, 8, _B64)
    if gw == "google":
        spf_txt = {"pass": f"spf=pass (google.com: domain of {env} designates {s.ip} as permitted sender)",
                   "softfail": f"spf=softfail (google.com: domain of transitioning {env} does not designate {s.ip} as "
                               f"permitted sender)",
                   "fail": f"spf=fail (google.com: domain of {env} does not designate {s.ip} as permitted sender)",
                   "neutral": f"spf=neutral (google.com: {s.ip} is neither permitted nor denied by best guess record "
                              f"for domain of {env})",
                   "none": f"spf=none (google.com: {env} does not designate permitted sender hosts)"}[spf]
        spf_txt += f" smtp.mailfrom={env}"
        policy = _pick(rng, ["NONE", "QUARANTINE", "REJECT"])
        parts = []
        if dkim != "none":
            parts.append(f"dkim={dkim} header.i=@{d} header.s={sel} header.b={bval}")
        parts.append(spf_txt)
        parts.append(f"dmarc={dmarc} (p={policy} sp={_pick(rng, ['NONE', 'QUARANTINE', policy])} "
                     f"dis={'NONE' if dmarc != 'fail' else _pick(rng, ['QUARANTINE', 'NONE', 'REJECT'])}) "
                     f"header.from={from_dom}")
        return "mx.google.com; " + "; ".join(parts)
    host = f"{_pick(rng, ['mx1', 'mx2', 'mail', 'mx', 'smtp-in'])}.{ORG}"
    parts = [f"dkim={dkim} (2048-bit key; unprotected) header.d={d} header.i=@{d} header.a=rsa-sha256 header.s={sel} "
             f"header.b={bval}"
             if dkim != "none" else "dkim=none",
             f"spf={spf} smtp.mailfrom={env}",
             f"dmarc={dmarc} (p={_pick(rng, ['none', 'quarantine', 'reject'])} "
             f"dis={'none' if dmarc != 'fail' else 'quarantine'}) header.from={from_dom}"]
    if _chance(rng, 0.5):
        rng.shuffle(parts)
    if _chance(rng, 0.3):
        parts.insert(0, "arc=none")
    return f"{host}; " + "; ".join(parts)


def _received_spf(rng: random.Random, gw: str, s: _Sender) -> str:
    spf = s.auth[0]
    word = {"pass": "Pass", "softfail": "SoftFail", "fail": "Fail", "neutral": "Neutral", "none": "None"}[spf]
    env_dom = s.envelope.rsplit("@", 1)[-1]
    if gw == "eop":
        verb = "designates" if spf == "pass" else "does not designate"
        return (f"{word} (protection.outlook.com: domain of {env_dom} {verb} {s.ip} as permitted sender) "
                f"receiver=protection.outlook.com; client-ip={s.ip}; helo={s.helo}; pr=C")
    verb = "designates" if spf == "pass" else "does not designate"
    return (f"{spf} (mx.{ORG}: domain of {s.envelope} {verb} {s.ip} as permitted sender) client-ip={s.ip}; "
            f"envelope-from={s.envelope}; helo={s.helo};")


def _b64_chunks(rng: random.Random, n: int) -> str:
    """Base64-looking signature text in folding-friendly chunks (FWS is legal inside DKIM values)."""
    raw = _alnum(rng, n, _B64)
    return " ".join(raw[i:i + 64] for i in range(0, n, 64))


def _dkim_signature(rng: random.Random, d: str, when: datetime, hlist: str) -> str:
    sel = {"gmail.com": "20230601", "outlook.com": "selector1", "hotmail.com": "selector1",
           "yahoo.com": f"s{rng.randint(1024, 2048)}", "icloud.com": "1a1hai"}.get(
        d, _pick(rng, ["selector1", "selector2", "google", "s1", "s2", "k1", "default", "mail", "dkim",
                       "smtpapi", "pic", "mx", "x", f"s{rng.randint(1000, 2048)}", "mandrill", "scph0123"]))
    ts = int(when.timestamp())
    h = hlist.split(":")
    h_txt = " ".join(":".join(h[i:i + 5]) + (":" if i + 5 < len(h) else "") for i in range(0, len(h), 5))
    extra = f" x={ts + 604800};" if _chance(rng, 0.4) else ""
    return (f"v=1; a=rsa-sha256; c=relaxed/relaxed; d={d}; s={sel}; t={ts};{extra} "
            f"h={h_txt}; bh={_alnum(rng, 43, _B64)}=; b={_b64_chunks(rng, _pick(rng, [172, 344, 344]))}")


def _message_id(rng: random.Random, s: _Sender, when: datetime) -> str:
    dom = s.domain
    c, p = s.client, s.platform
    if p == "google" and c in ("gmail", "thunderbird") and c == "gmail":
        return (f"<CA{_alnum(rng, 1, 'BDEFGHJKLMNOP')}{_alnum(rng, rng.randint(40, 56), _ALNUM + '+=_-')}"
                f"@mail.gmail.com>")
    if c in ("iphone", "applemail"):
        return f"<{_uuid(rng, True)}@{dom}>"
    if p == "microsoft" and c in ("outlook", "owa"):
        box = (f"{_pick(rng, ['PH0PR11', 'BN9PR03', 'DM6PR12', 'AM6PR02', 'DB9PR04', 'VI1PR08', 'SA1PR10'])}MB"
               f"{rng.randint(1000, 9999)}")
        reg = _pick(rng, ["namprd11", "namprd03", "eurprd02", "eurprd04", "namprd15", "eurprd07"])
        return f"<{box}{_hex(rng, 8, True)}{_hex(rng, 8, True)}{_hex(rng, 8, True)}@{box}.{reg}.prod.outlook.com>"
    if p == "onprem":
        return f"<{_hex(rng, 32)}@EXCH0{rng.randint(1, 4)}.corp.{dom}>"
    if p == "yahoo":
        return (f"<{rng.randint(10 ** 8, 10 ** 9)}.{rng.randint(10 ** 6, 10 ** 7)}."
                f"{int(when.timestamp()) * 1000 + rng.randint(0, 999)}@mail.yahoo.com>")
    if c == "thunderbird":
        return f"<{_uuid(rng)}@{dom}>"
    if c == "roundcube":
        return f"<{_hex(rng, 32)}@{dom}>"
    if c == "webmail":
        return (f"<{_pick(rng, ['trinity', 'web', 'mail'])}-{_uuid(rng)}-"
                f"{int(when.timestamp()) * 1000 + rng.randint(0, 999)}@{s.helo}>")
    if c == "phpmailer":
        return f"<{_alnum(rng, 43)}@{_pick(rng, [dom, s.helo])}>"
    if p == "esp":
        return {"sendgrid": f"<{_alnum(rng, 22, _ALNUM + '_-')}@geopod-ismtpd-{rng.randint(1, 40)}>",
                "ses": f"<0100018{_hex(rng, 9)}-{_uuid(rng)}-000000@email.amazonses.com>",
                "mailgun": f"<{when.strftime('%Y%m%d%H%M%S')}.{_hex(rng, 16)}@mg.{dom}>",
                "sfmc": f"<{_uuid(rng)}@{_pick(rng, ['ind1s06mta1234', 'las1s04mta987', 'ind1s01mta2211'])}.xt.local>",
                "mailchimp": f"<{_hex(rng, 20)}.{_hex(rng, 10)}.{rng.randint(10 ** 7, 10 ** 8)}@mail"
                             f"{rng.randint(10, 200)}.suw{rng.randint(10, 99)}.mcdlv.net>",
                "sparkpost": f"<{_hex(rng, 8)}.{_hex(rng, 8)}.{rng.randint(1000, 9999)}@{dom}>"}[s.esp]
    return f"<{when.strftime('%Y%m%d%H%M%S')}.{_hex(rng, 12)}@{_pick(rng, [dom, s.helo])}>"


def _thread_index(rng: random.Random) -> str:
    import base64
    return base64.b64encode(bytes(rng.randrange(256) for _ in range(22))).decode()


# -------------------------------------------------------------------------------- header assembly

_CLIENT_ORDER = {
    "gmail": ["DKIM-Signature", "X-Google-DKIM-Signature", "X-Gm-Message-State", "X-Gm-Gg", "X-Google-Smtp-Source",
              "X-Received", "MIME-Version", "References", "In-Reply-To", "From", "Date", "X-Gm-Features", "Message-ID",
              "Subject", "To", "Cc", "Reply-To", "Content-Type"],
    "outlook": ["ARC-Seal", "ARC-Message-Signature", "ARC-Authentication-Results", "DKIM-Signature", "From", "To", "Cc",
                "Reply-To", "Subject", "Thread-Topic", "Thread-Index", "Date", "Message-ID", "References",
                "In-Reply-To",
                "Accept-Language", "Content-Language", "X-MS-Has-Attach", "X-MS-TNEF-Correlator", "msip_labels",
                "X-MS-PublicTrafficType", "X-MS-TrafficTypeDiagnostic", "X-MS-Office365-Filtering-Correlation-Id",
                "X-Originating-IP", "Content-Type", "MIME-Version"],
    "iphone": ["DKIM-Signature", "Content-Type", "Content-Transfer-Encoding", "From", "MIME-Version", "Subject", "Date",
               "Message-ID", "References", "Cc", "In-Reply-To", "Reply-To", "To", "X-Mailer"],
    "applemail": ["DKIM-Signature", "From", "Content-Type", "Content-Transfer-Encoding", "MIME-Version", "Subject",
                  "Message-ID", "Date", "Cc", "Reply-To", "To", "In-Reply-To", "References", "X-Mailer"],
    "thunderbird": ["DKIM-Signature", "Message-ID", "Date", "MIME-Version", "User-Agent", "Subject", "Content-Language",
                    "To", "Cc", "References", "From", "Reply-To", "In-Reply-To", "Organization", "Content-Type",
                    "Content-Transfer-Encoding"],
    "roundcube": ["DKIM-Signature", "MIME-Version", "Date", "From", "To", "Cc", "Subject", "In-Reply-To", "References",
                  "Reply-To", "User-Agent", "Message-ID", "X-Sender", "Organization", "Content-Type",
                  "Content-Transfer-Encoding"],
    "yahoo": ["DKIM-Signature", "X-SONIC-DKIM-SIGN", "X-YMail-OSG", "X-Sonic-MF", "Date", "From", "Reply-To", "To",
              "Cc",
              "Message-ID", "In-Reply-To", "References", "Subject", "MIME-Version", "Content-Type", "X-Mailer"],
    "webmail": ["DKIM-Signature", "MIME-Version", "Message-ID", "From", "To", "Cc", "Reply-To", "Subject",
                "Content-Type", "Date", "Importance", "Sensitivity", "In-Reply-To", "References", "X-Priority",
                "X-Provags-ID", "X-UI-Message-Type", "Content-Transfer-Encoding"],
    "outlook-smtp": ["DKIM-Signature", "From", "To", "Cc", "Reply-To", "References", "In-Reply-To", "Subject", "Date",
                     "Message-ID", "MIME-Version", "Content-Type", "Content-Transfer-Encoding", "X-Mailer",
                     "Thread-Index", "Content-Language"],
    "phpmailer": ["DKIM-Signature", "Date", "To", "From", "Reply-To", "Cc", "Subject", "Message-ID", "In-Reply-To",
                  "References", "X-Mailer", "MIME-Version", "Content-Type", "Content-Transfer-Encoding"],
    "esp": ["DKIM-Signature", "Content-Type", "Date", "From", "Reply-To", "MIME-Version", "Subject", "To", "Cc",
            "Message-ID", "In-Reply-To", "References", "Content-Transfer-Encoding"],
    "none": ["From", "To", "Cc", "Reply-To", "Subject", "Date", "Message-ID", "In-Reply-To", "References",
             "MIME-Version", "Content-Type", "Content-Transfer-Encoding"],
}
_CLIENT_ORDER["owa"] = _CLIENT_ORDER["outlook"]


def _sender_side_headers(rng: random.Random, s: _Sender, when: datetime, subject: str, has_attach: bool,
                         lang: str) -> dict:
    """Headers the sending platform and client add, by name (values are strings or lists of strings)."""
    h: dict = {}
    hl = _pick(rng, ["from:to:subject:date:message-id:mime-version:content-type",
                     "to:subject:message-id:date:from:mime-version:from:to:cc:subject:date:message-id:reply-to",
                     "from:reply-to:subject:date:to:mime-version:content-type:list-unsubscribe",
                     "date:from:to:subject:message-id:content-type:mime-version"])
    if s.dkim_domain:
        h["DKIM-Signature"] = [_dkim_signature(rng, s.dkim_domain, when, hl)]
        if s.platform == "esp" and s.dkim_domain == s.domain and _chance(rng, 0.35):
            h["DKIM-Signature"].append(_dkim_signature(rng, {"sendgrid": "sendgrid.info", "ses": "amazonses.com",
                                                              "mailgun": "mailgun.org", "sfmc": "s7.exacttarget.com",
                                                              "mailchimp": "mcsv.net",
                                                             "sparkpost": "sparkpostmail.com"}[s.esp],
                                                             when, hl))
    if s.platform == "google":
        if _chance(rng, 0.5):
            h["X-Google-DKIM-Signature"] = _dkim_signature(rng, "1e100.net", when,
                                                           "x-gm-message-state:from:to:subject:date:message-id")
        if _chance(rng, 0.9):
            h["X-Gm-Message-State"] = f"AOJu0Y{_alnum(rng, 60, _B64)} {_alnum(rng, 40, _B64)}=="
        if _chance(rng, 0.4):
            h["X-Gm-Gg"] = f"ASbGnc{_alnum(rng, 60, _B64)} {_alnum(rng, 30, _B64)}"
        if _chance(rng, 0.9):
            h["X-Google-Smtp-Source"] = f"AGHT+IF{_alnum(rng, 60, _B64)}=="
        if _chance(rng, 0.8):
            h["X-Received"] = (f"by 2002:a05:{_hex(rng, 4)}:{_hex(rng, 4)}:b0:{_hex(rng, 3)}:{_hex(rng, 4)}:"
                               f"{_hex(rng, 4)} with SMTP id "
                               f"{_alnum(rng, 12, 'abcdefghijklmnopqrstuvwxyz0123456789')}; {_hdate(when)}")
        if _chance(rng, 0.2):
            h["X-Gm-Features"] = f"AQt7F2{_alnum(rng, 50, _B64)}"
    if s.platform in ("microsoft",) and not s.internal:
        if _chance(rng, 0.7):
            h["ARC-Seal"] = (f"i=1; a=rsa-sha256; s=arcselector{_pick(rng, ['9901', '10001'])}; d=microsoft.com; "
                             f"cv=none; b={_b64_chunks(rng, 172)}")
            h["ARC-Message-Signature"] = (f"i=1; a=rsa-sha256; c=relaxed/relaxed; d=microsoft.com; s=arcselector9901; "
                                          f"h=From:Date:Subject:Message-ID:Content-Type:MIME-Version: "
                                          f"X-MS-Exchange-AntiSpam-MessageData-ChunkCount; "
                                          f"bh={_alnum(rng, 43, _B64)}=; b={_b64_chunks(rng, 172)}")
            h["ARC-Authentication-Results"] = (f"i=1; mx.microsoft.com 1; spf=pass smtp.mailfrom={s.domain}; "
                                               f"dmarc=pass action=none header.from={s.domain}; dkim=pass "
                                               f"header.d={s.domain}; arc=none")
    if s.platform in ("microsoft", "onprem") or s.client in ("outlook", "owa", "outlook-smtp"):
        topic = re.sub(r"^(?:(?:re|fw|fwd|aw|wg|tr|res|enc|antw)\s*:\s*)+", "", subject, flags=re.I)
        if s.client != "iphone" and _chance(rng, 0.9):
            h["Thread-Topic"] = topic
            h["Thread-Index"] = _thread_index(rng)
        if s.client in ("outlook", "owa", "outlook-smtp") and _chance(rng, 0.8):
            loc = {"en": _pick(rng, ["en-US", "en-GB"]), "de": "de-DE", "fr": "fr-FR",
                   "pt": _pick(rng, ["pt-BR", "pt-PT"]),
                   "nl": "nl-NL"}[lang]
            h["Content-Language"] = loc
            if s.client != "outlook-smtp":
                h["Accept-Language"] = f"{loc}, en-US" if lang != "en" else loc
        if s.platform in ("microsoft", "onprem") and s.client in ("outlook", "owa"):
            h["X-MS-Has-Attach"] = "yes" if has_attach else ""
            h["X-MS-TNEF-Correlator"] = ""
            if _chance(rng, 0.6):
                h["X-MS-PublicTrafficType"] = "Email"
                h["X-MS-TrafficTypeDiagnostic"] = (f"{_pick(rng, ['PH0PR11', 'DM6PR12', 'AM6PR02'])}MB"
                                                   f"{rng.randint(1000, 9999)}:EE_|"
                                                   f"{_pick(rng, ['SA1PR10', 'CH3PR15'])}MB{rng.randint(1000, 9999)}"
                                                   f":EE_")
                h["X-MS-Office365-Filtering-Correlation-Id"] = _uuid(rng)
            if _chance(rng, 0.1):
                h["msip_labels"] = ""
            if s.domain in _MS_FREE and _chance(rng, 0.5):
                h["X-Originating-IP"] = f"[{_ip(rng)}]"
    if s.platform == "onprem" and _chance(rng, 0.5):
        h["X-Originating-IP"] = f"[10.{rng.randint(0, 60)}.{rng.randint(0, 255)}.{rng.randint(2, 250)}]"
    if s.platform == "yahoo":
        h["X-SONIC-DKIM-SIGN"] = _dkim_signature(rng, "yahoo.com", when, "date:from:to:subject:reply-to")
        h["X-YMail-OSG"] = f"{_alnum(rng, 60, _B64 + '._')} {_alnum(rng, 60, _B64 + '._')}"
        h["X-Sonic-MF"] = f"<{s.addr}>"
        h["X-Mailer"] = f"WebService/1.1.{rng.randint(20000, 23000)} YMailNorrin"
    if s.platform == "icloud" and _chance(rng, 0.7):
        h["X-Proofpoint-GUID"] = _alnum(rng, 32)
        h["X-Proofpoint-ORIG-GUID"] = _alnum(rng, 32)
    if s.platform == "isp" and s.domain.startswith(("gmx", "web.de", "mail.com")):
        h["X-Provags-ID"] = f"V03:K1:{_alnum(rng, 60, _B64)}"
        h["X-UI-Message-Type"] = "mail"
        if _chance(rng, 0.5):
            h["Importance"] = "normal"
            h["Sensitivity"] = "Normal"
    if s.platform in ("hosting", "php") and _chance(rng, 0.6):
        h["X-AntiAbuse"] = ["This header was added to track abuse, please include it with any abuse report",
                            f"Primary Hostname - {s.helo}",
                            f"Original Domain - {ORG}",
                            f"Originator/Caller UID/GID - [{rng.randint(500, 2000)} {rng.randint(500, 2000)}] "
                            "/ [47 12]",
                            f"Sender Address Domain - {s.envelope.rsplit('@', 1)[-1]}"]
        h["X-Get-Message-Sender-Via"] = f"{s.helo}: authenticated_id: {s.envelope.split('@')[0]}"
        h["X-Authenticated-Sender"] = f"{s.helo}: {s.envelope}"
        if _chance(rng, 0.5):
            h["X-Source"] = ""
            h["X-Source-Args"] = ""
            h["X-Source-Dir"] = ""
    if s.platform == "php" and _chance(rng, 0.3):
        script = _pick(rng, ["mailer.php", "class.phpmailer.php", "send.php", "index.php", "wp-mail.php"])
        h["X-PHP-Originating-Script"] = f"{rng.randint(500, 2000)}:{script}"
    if s.platform == "esp":
        if s.esp == "sendgrid":
            h["X-SG-EID"] = f"u001.{_alnum(rng, 60, _B64)}"
            h["X-Entity-ID"] = f"u001.{_alnum(rng, 22, _B64)}=="
        elif s.esp == "ses":
            h["Feedback-ID"] = f"::1.us-east-1.{_alnum(rng, 40, _B64)}=:AmazonSES"
            h["X-SES-Outgoing"] = f"{when.strftime('%Y.%m.%d')}-{s.ip}"
        elif s.esp == "mailgun":
            h["X-Mailgun-Sid"] = f"W{_alnum(rng, 40, _B64)}="
            h["X-Mailgun-Variables"] = '{"message_type": "%s"}' % _pick(rng, ["notification", "transactional",
                                                                              "campaign"])
        elif s.esp == "sfmc":
            h["X-CSA-Complaints"] = "csa-complaints@eco.de"
            h["x-job"] = f"{rng.randint(100000, 999999)}_{rng.randint(1000000, 9999999)}"
            h["X-SFMC-Stack"] = str(rng.randint(1, 50))
        elif s.esp == "mailchimp":
            h["X-MC-User"] = _hex(rng, 24)
            h["X-Feedback-ID"] = (f"{rng.randint(10 ** 7, 10 ** 8)}:{rng.randint(10 ** 7, 10 ** 8)}."
                                  f"{rng.randint(10 ** 5, 10 ** 6)}:us{rng.randint(1, 21)}:mc")
        else:
            h["X-MSFBL"] = _alnum(rng, 60, _B64)
        if _chance(rng, 0.4):
            h["Feedback-ID"] = h.get("Feedback-ID",
                                     f"{rng.randint(1000, 9999)}:{rng.randint(100, 999)}:"
                                     f"{_pick(rng, ['transactional', 'notification', 'marketing'])}:{s.esp}")
    # client identification
    c = s.client
    if c == "iphone":
        h["X-Mailer"] = f"iPhone Mail ({_pick(rng, ['21D61', '21E236', '20H240', '21F90', '22B83', '19H370'])})"
    elif c == "applemail":
        h["X-Mailer"] = f"Apple Mail (2.{_pick(rng, ['3774.400.31', '3731.700.6', '3696.120.41', '3776.700.51'])})"
    elif c == "thunderbird":
        h["User-Agent"] = _pick(rng, ["Mozilla Thunderbird",
                                      "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:115.0) Gecko/20100101 "
                                      "Thunderbird/115.8.0",
                                      "Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:128.0) Gecko/20100101 "
                                      "Thunderbird/128.2.0"])
        if _chance(rng, 0.7):
            h["Content-Language"] = {"en": "en-US", "de": "de-DE", "fr": "fr", "pt": "pt-BR", "nl": "nl"}[lang]
    elif c == "roundcube":
        h["User-Agent"] = f"Roundcube Webmail/1.{_pick(rng, ['4.15', '5.6', '6.5', '6.7', '6.9'])}"
        if _chance(rng, 0.6):
            h["X-Sender"] = s.addr
    elif c == "outlook-smtp":
        h["X-Mailer"] = _pick(rng, ["Microsoft Outlook 16.0", "Microsoft Outlook 16.0", "Microsoft Office Outlook 12.0",
                                    "Microsoft Outlook 15.0"])
    elif c == "phpmailer":
        h["X-Mailer"] = _pick(rng, ["PHPMailer 6.8.1 (https://github.com/PHPMailer/PHPMailer)",
                                    "PHPMailer 6.9.1 (https://github.com/PHPMailer/PHPMailer)",
                                    "PHPMailer 5.2.27 (https://github.com/PHPMailer/PHPMailer)"])
    elif c == "none" and _chance(rng, 0.3):
        h["X-Mailer"] = _pick(rng, ["Microsoft Outlook 16.0", "Microsoft Windows Live Mail 16.4.3528.331",
                                    "Foxmail 7.2.25.228", "Microsoft Outlook Express 6.00.2900.5512",
                                    "SmartMailer 3.2"])
    elif c == "esp" and _chance(rng, 0.2):
        h["X-Mailer"] = _pick(rng, ["Salesforce Marketing Cloud", "Microsoft Dynamics 365", "Braze", "Customer.io",
                                    "Zendesk", "NetSuite", "SAP Business One"])
    return h


def _assemble_headers(rng: random.Random, msg: EmailMessage, s: _Sender, to: list[str], cc: list[str],
                      subject: str, when: datetime, lang: str, reply_to: Optional[str], in_reply_to: str,
                      references: list[str], extra: list[tuple[str, str]], has_attach: bool) -> str:
    """Put every header on ``msg`` in a realistic order; returns the Message-ID."""
    content = [(k, str(v)) for k, v in msg.items()]
    for k in dict.fromkeys(k for k, _ in content):
        del msg[k]
    rcpt = to[0].split("<")[-1].rstrip(">") if to else f"undisclosed@{ORG}"
    mid = _message_id(rng, s, when)
    # the original block: what the client and platform wrote
    fields: dict = {k: v for k, v in content}
    fields.update(_sender_side_headers(rng, s, when, subject, has_attach, lang))
    fields["From"] = str(Address(display_name=s.display, addr_spec=s.addr)) if s.display else s.addr
    fields["To"] = ", ".join(to) if to else "undisclosed-recipients:;"
    if cc:
        fields["Cc"] = ", ".join(cc)
    if reply_to:
        fields["Reply-To"] = reply_to
    fields["Subject"] = subject
    fields["Date"] = _hdate(when)
    fields["Message-ID"] = mid
    if in_reply_to:
        fields["In-Reply-To"] = in_reply_to
    if references:
        fields["References"] = " ".join(references)
    if s.client in ("iphone", "applemail"):
        fields["MIME-Version"] = "1.0 (1.0)" if s.client == "iphone" else "1.0 (Mac OS X Mail 16.0 \\(3774.400.31\\))"
    order = list(_CLIENT_ORDER[s.client])
    names = [n for n in order if n in fields] + [n for n in fields if n not in order]
    for name, value in extra:                      # misc headers anywhere in the original block
        pos = rng.randint(max(1, len(names) // 3), len(names))
        names.insert(pos, name)
        fields[name] = value if name not in fields else fields[name]
    if _chance(rng, 0.2) and len(names) > 4:        # a little disorder, as real relays and clients show
        i = rng.randrange(1, len(names) - 1)
        names[i], names[i + 1] = names[i + 1], names[i]
    original: list[tuple[str, str]] = []
    seen = set()
    for n in names:
        if n in seen:
            continue
        seen.add(n)
        v = fields[n]
        for one in (v if isinstance(v, list) else [v]):
            original.append((n, one))
    # the trace block: what the organisation's gateway and the relays wrote, newest first
    gw = _gateway(rng, s)
    hops = _weighted(rng, [(1, 25), (2, 45), (3, 30)])
    t = when + timedelta(seconds=rng.randint(1, 4))
    sender_hops = _received_sender_side(rng, s, rcpt, t)
    inbound_two = hops >= 2 and (_chance(rng, 0.5) or not sender_hops)
    inbound = _received_inbound(rng, gw, s, rcpt, t + timedelta(seconds=rng.randint(1, 5)), inbound_two)
    room = max(0, hops - len(inbound))
    received = inbound + sender_hops[:room]
    if not received:
        received = inbound
    trace: list[tuple[str, str]] = []
    ar = ("Authentication-Results", _auth_results(rng, gw, s))
    rspf = ("Received-SPF", _received_spf(rng, gw, s)) if _chance(rng, 0.45) else None
    if _chance(rng, 0.6):
        trace.append(("Return-Path", f"<{s.envelope}>"))
    if (gw == "google" or _chance(rng, 0.15)) and _chance(rng, 0.8):
        trace.append(("Delivered-To", rcpt))
    if gw == "google" and _chance(rng, 0.85):
        trace.append(("ARC-Seal", f"i={'2' if 'ARC-Seal' in fields else '1'}; a=rsa-sha256; t={int(when.timestamp())}; "
                                  f"cv=none; d=google.com; s=arc-20160816; b={_b64_chunks(rng, 172)}"))
        trace.append(("ARC-Message-Signature",
                      f"i=1; a=rsa-sha256; c=relaxed/relaxed; d=google.com; s=arc-20160816; "
                      f"h=to:subject:message-id:date:from:mime-version:dkim-signature; bh={_alnum(rng, 43, _B64)}=; "
                      f"fh={_alnum(rng, 43, _B64)}=; b={_b64_chunks(rng, 172)}"))
        trace.append(("ARC-Authentication-Results", "i=1; " + ar[1]))
    if gw == "postfix" and _chance(rng, 0.5):
        trace.append(("X-Original-To", rcpt))
    mid_pos = rng.randint(0, 1)
    for i, r in enumerate(received):
        if i == mid_pos:
            trace.append(ar)
            if rspf:
                trace.append(rspf)
        trace.append(("Received", r))
    if mid_pos >= len(received):
        trace.append(ar)
        if rspf:
            trace.append(rspf)
    if gw == "eop":
        for name, value in [("X-MS-Exchange-Organization-ExpirationStartTime", _hdate(t)),
                            ("X-MS-Exchange-Organization-Network-Message-Id", _uuid(rng)),
                            ("X-MS-Exchange-Organization-AuthSource",
                             f"{_pick(rng, ['DM6NAM11FT', 'BN8NAM12FT', 'AM4PEPF'])}{rng.randint(10, 999):05d}.namprd"
                             f"{rng.randint(10, 19)}.prod.outlook.com"),
                            ("X-MS-Exchange-Organization-AuthAs", "Internal" if s.internal else "Anonymous"),
                            ("X-MS-Exchange-Organization-SCL", str(_pick(rng, [-1, 1, 1, 1, 5]))),
                            ("X-Forefront-Antispam-Report",
                             f"CIP:{s.ip};CTRY:{_pick(rng, ['US', 'GB', 'DE', 'NL', 'FR', 'BR', 'IE'])};LANG:{lang}"
                             f";SCL:1;SRV:;IPV:NLI;SFV:NSPM; H:{s.helo}; PTR:{s.helo}; CAT:NONE;SFS:;DIR:INB;"),
                            ("X-Microsoft-Antispam", f"BCL:{rng.randint(0, 7)};")]:
            if _chance(rng, 0.7):
                trace.append((name, value))
    elif gw == "postfix" and _chance(rng, 0.5):
        trace.append(("X-Virus-Scanned", _pick(rng, ["amavisd-new at example.com",
                                                     "Debian amavisd-new at mx1.example.com",
                                                     "ClamAV using ClamSMTP"])))
    # Values are stored as plain strings (the header registry is slow and gains nothing here); _FoldPolicy
    # folds ASCII values at whitespace and encodes non-ASCII ones (display names, subjects) on output.
    for name, value in trace + original:
        msg._headers.append((name, value))
    return mid


# ================================================================================ bodies: blocks, text, HTML

_LINK_RE = re.compile("\u27e6([^\u2502\u27e7]*)\u2502([^\u27e7]*)\u27e7")


def _link(url: str, anchor: str = "") -> str:
    """A link inside paragraph text; rendered as an <a> in HTML and as text (+ URL) in plain text."""
    return f"\u27e6{url}\u2502{anchor}\u27e7"


_QUOTE = {
    "en": dict(wrote=["On {date}, {name} <{addr}> wrote:", "On {date} {name} <{addr}> wrote:"], frm="From",
               sent="Sent", to="To", cc="Cc", subj="Subject", orig="-----Original Message-----"),
    "de": dict(wrote=["Am {date} schrieb {name} <{addr}>:"], frm="Von", sent="Gesendet", to="An", cc="Cc",
               subj="Betreff", orig="-----Ursprüngliche Nachricht-----"),
    "fr": dict(wrote=["Le {date}, {name} <{addr}> a écrit :"], frm="De", sent="Envoyé", to="À", cc="Cc",
               subj="Objet", orig="-----Message d'origine-----"),
    "pt": dict(wrote=["Em {date}, {name} <{addr}> escreveu:"], frm="De", sent="Enviado", to="Para", cc="Cc",
               subj="Assunto", orig="-----Mensagem original-----"),
    "nl": dict(wrote=["Op {date} schreef {name} <{addr}>:"], frm="Van", sent="Verzonden", to="Aan", cc="CC",
               subj="Onderwerp", orig="-----Oorspronkelijk bericht-----"),
}
_KV_LABELS = {
    "en": dict(bank="Bank", iban="IBAN", bic="SWIFT/BIC", holder="Account name", account="Account number",
               routing="Routing number (ABA)", address="Bank address", amount="Amount", ref="Reference",
               invoice="Invoice", due="Due date", order="Order", tracking="Tracking number", product="Product",
               method="Payment method", date="Date", total="Total"),
    "de": dict(bank="Bank", iban="IBAN", bic="BIC", holder="Kontoinhaber", account="Kontonummer",
               routing="Bankleitzahl", address="Anschrift der Bank", amount="Betrag", ref="Verwendungszweck",
               invoice="Rechnung", due="Fällig am", order="Bestellung", tracking="Sendungsnummer",
               product="Produkt", method="Zahlungsart", date="Datum", total="Gesamtbetrag"),
    "fr": dict(bank="Banque", iban="IBAN", bic="BIC", holder="Titulaire du compte", account="Numéro de compte",
               routing="Code banque", address="Adresse de la banque", amount="Montant", ref="Référence",
               invoice="Facture", due="Échéance", order="Commande", tracking="Numéro de suivi", product="Produit",
               method="Mode de paiement", date="Date", total="Total"),
    "pt": dict(bank="Banco", iban="IBAN", bic="SWIFT/BIC", holder="Titular", account="Conta", routing="Agência",
               address="Endereço do banco", amount="Valor", ref="Referência", invoice="Fatura", due="Vencimento",
               order="Pedido", tracking="Código de rastreio", product="Produto", method="Forma de pagamento",
               date="Data", total="Total"),
    "nl": dict(bank="Bank", iban="IBAN", bic="BIC", holder="Ten name van", account="Rekeningnummer",
               routing="Bankcode", address="Adres bank", amount="Bedrag", ref="Kenmerk", invoice="Factuur",
               due="Vervaldatum", order="Bestelling", tracking="Zendingnummer", product="Product",
               method="Betaalmethode", date="Datum", total="Totaal"),
}


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


_HTML_STYLE = {"gmail": "gmail", "owa": "outlook", "outlook": "outlook", "outlook-smtp": "outlook", "iphone": "apple",
               "applemail": "apple", "thunderbird": "basic", "roundcube": "basic", "yahoo": "basic", "webmail": "basic",
               "phpmailer": "basic", "esp": "notify", "none": "basic"}
_FORMATS = {"gmail": [("alt", 1)], "iphone": [("plain", 75), ("alt", 25)], "applemail": [("alt", 60), ("plain", 40)],
            "outlook": [("alt", 85), ("html", 15)], "owa": [("alt", 85), ("html", 15)],
            "outlook-smtp": [("alt", 80), ("html", 20)], "thunderbird": [("plain", 60), ("alt", 40)],
            "roundcube": [("plain", 60), ("alt", 30), ("html", 10)], "yahoo": [("alt", 90), ("plain", 10)],
            "webmail": [("plain", 40), ("alt", 60)], "phpmailer": [("html", 55), ("alt", 45)],
            "esp": [("alt", 70), ("html", 30)], "none": [("plain", 50), ("html", 30), ("alt", 20)]}


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


def _choose_lang(rng: random.Random, kind: str) -> str:
    langs = [x for x in LANGS if x in _T[kind]]
    if langs and _chance(rng, FOREIGN_SHARE):
        return _pick(rng, langs)
    return "en"


# ================================================================================ shared wording

_C = {
    "en": dict(
        hi=["Hi {first},", "Hello {first},", "{first},", "Dear {first},", "Good morning {first},", "Hey {first},",
            "Hi {first} -", "Morning {first},", "Good afternoon {first},"],
        hi_anon=["Hello,", "Hi,", "Dear Customer,", "Dear Sir/Madam,", "Good day,", "Dear user,", "Greetings,",
                 "Hi there,", "Dear Valued Customer,"],
        hi_team=["Hi all,", "Hello everyone,", "Dear colleagues,", "Hi team,", "All,", "Dear all,"],
        bye=["Thanks,", "Thank you,", "Regards,", "Best regards,", "Kind regards,", "Best,", "Many thanks,", "Cheers,",
             "Thanks in advance,", "Warm regards,", "Sincerely,", "Thx,"],
        mobile=["Sent from my iPhone", "Sent from my iPad", "Sent from Outlook for iOS", "Get Outlook for Android",
                "Sent from my Samsung Galaxy smartphone.", "Sent from Mail for Windows", "Sent from my mobile device"],
        disclaimer=["CONFIDENTIALITY NOTICE: This e-mail and any attachments are confidential and intended solely for "
                    "the "
                    "addressee. If you have received it in error, please notify the sender and delete it.",
                    "This message may contain privileged information. If you are not the intended recipient, please "
                    "delete it and notify the sender. Thank you.",
                    "Please consider the environment before printing this email.",
                    "The information in this email is confidential and may be legally privileged. Any unauthorised "
                    "disclosure, copying or distribution is prohibited."],
        re=["RE: ", "Re: ", "RE: ", "Re: "], fw=["FW: ", "Fwd: ", "FW: "]),
    "de": dict(
        hi=["Hallo {first},", "Hi {first},", "Guten Morgen {first},", "{first},", "Moin {first},", "Servus {first},",
            "Hallo {first}!"],
        hi_anon=["Sehr geehrte Damen und Herren,", "Hallo,", "Guten Tag,", "Sehr geehrter Kunde,", "Lieber Kunde,"],
        hi_team=["Hallo zusammen,", "Liebe Kolleginnen und Kollegen,", "Hallo Team,"],
        bye=["Danke,", "Viele Grüße,", "Beste Grüße,", "Mit freundlichen Grüßen,", "Gruß,", "VG", "LG",
             "Freundliche Grüße,"],
        mobile=["Von meinem iPhone gesendet", "Gesendet von Outlook für iOS",
                "Von meinem Samsung Galaxy Smartphone gesendet."],
        disclaimer=["Diese E-Mail enthält vertrauliche Informationen. Wenn Sie nicht der richtige Adressat sind, "
                    "informieren Sie bitte sofort den Absender und vernichten Sie diese E-Mail.",
                    "Bitte denken Sie an die Umwelt, bevor Sie diese E-Mail ausdrucken."],
        re=["AW: ", "Re: ", "AW: "], fw=["WG: ", "Fwd: "]),
    "fr": dict(
        hi=["Bonjour {first},", "Salut {first},", "{first},", "Bonsoir {first},", "Hello {first},"],
        hi_anon=["Bonjour,", "Madame, Monsieur,", "Cher client,", "Chère cliente, cher client,"],
        hi_team=["Bonjour à tous,", "Chers collègues,", "Bonjour l'équipe,"],
        bye=["Merci,", "Cordialement,", "Bien cordialement,", "Bien à vous,", "Merci d'avance,", "Bonne journée,"],
        mobile=["Envoyé de mon iPhone", "Envoyé depuis Outlook pour iOS", "Envoyé de mon smartphone Samsung Galaxy."],
        disclaimer=["Ce message et ses pièces jointes sont confidentiels et destinés exclusivement à leurs "
                    "destinataires. "
                    "Si vous l'avez reçu par erreur, merci d'en avertir l'expéditeur et de le supprimer."],
        re=["RE : ", "RE: ", "Re: "], fw=["TR : ", "TR: ", "Fwd: "]),
    "pt": dict(
        hi=["Olá {first},", "Oi {first},", "Bom dia {first},", "Boa tarde {first},", "{first},", "Prezado(a) {first},"],
        hi_anon=["Olá,", "Prezado cliente,", "Prezados,", "Caro cliente,", "Bom dia,"],
        hi_team=["Olá a todos,", "Prezados colegas,", "Pessoal,"],
        bye=["Obrigado,", "Obrigada,", "Atenciosamente,", "Abraços,", "Att.,", "Cumprimentos,", "Grato,"],
        mobile=["Enviado do meu iPhone", "Enviado do Outlook para iOS", "Enviado do meu smartphone Samsung Galaxy."],
        disclaimer=["Esta mensagem pode conter informação confidencial. Se você a recebeu por engano, avise o "
                    "remetente "
                    "e apague-a."],
        re=["RES: ", "Re: ", "RE: "], fw=["ENC: ", "Fwd: "]),
    "nl": dict(
        hi=["Hoi {first},", "Hallo {first},", "Beste {first},", "Goedemorgen {first},", "{first},", "Dag {first},"],
        hi_anon=["Geachte heer/mevrouw,", "Beste klant,", "Hallo,", "Goedendag,"],
        hi_team=["Hallo allemaal,", "Beste collega's,", "Hoi team,"],
        bye=["Bedankt,", "Groet,", "Met vriendelijke groet,", "Groetjes,", "Mvg,", "Hartelijke groet,",
             "Alvast bedankt,"],
        mobile=["Verzonden vanaf mijn iPhone", "Verzonden met Outlook voor iOS",
                "Verstuurd vanaf mijn Samsung Galaxy-smartphone."],
        disclaimer=["Dit bericht kan vertrouwelijke informatie bevatten. Als u niet de beoogde ontvanger bent, "
                    "verzoeken "
                    "wij u de afzender te informeren en het bericht te verwijderen."],
        re=["RE: ", "Re: ", "Antw: "], fw=["FW: ", "Doorst: "]),
}

_T: dict = {}     # kind -> lang -> slot -> [templates]


# ================================================================================ who pretends to be whom

def _vip_display(rng: random.Random, vip: _Person) -> str:
    return _weighted(rng, [(vip.name, 10), (f"{vip.name} ({vip.title})", 1), (f"{vip.first} {vip.last[0]}.", 1),
                           (f"{vip.name} - {vip.company}", 1), (f"{vip.name} | {vip.company}", 1),
                           (f"{vip.last}, {vip.first}", 1), (f"{vip.name} via Mobile", 0.5)])


def _person_local(rng: random.Random, p: _Person, exec_words: bool = True) -> str:
    f, l_ = _local(p.first), _local(p.last).replace(".", "")
    words = ["exec", "office", "private", "mobile", "work", "ceo", "cfo", "direct"] if exec_words else \
        ["home", "private", "personal", "mail", "new"]
    return _pick(rng, [f"{f}.{l_}", f"{f}{l_}{rng.randint(1, 99)}", f"{f[0]}{l_}.{_pick(rng, words)}", f"{l_}.{f}",
                       f"{f}.{l_}.{_pick(rng, words)}", f"{f}{l_}{_pick(rng, words)}",
                       f"{f}.{l_}{rng.randint(1965, 2005)}",
                       f"{_pick(rng, words)}.{f}{l_}", f"{f}{l_[0]}{rng.randint(10, 999)}"])


def _divert(b: _B, p: Optional[_Person], display: str = "") -> str:
    """A Reply-To that sends the answer somewhere else (freemail or another lookalike)."""
    rng = b.rng
    if p is not None and _chance(rng, 0.75):
        addr = f"{_person_local(rng, p)}@{_pick(rng, FREEMAIL[b.lang] + ['proton.me', 'gmail.com'])}"
    else:
        box = _pick(rng, ["office", "accounts", "secretary", "exec.assistant", "billing", "ar.dept"])
        host = _pick(rng, ["gmail.com", "outlook.com", "proton.me", "mail.com", _scam_domain(rng)])
        addr = f"{box}{rng.randint(1, 99)}@{host}"
    b.reply_to = str(Address(display_name=display, addr_spec=addr)) if display and _chance(rng, 0.6) else addr
    return addr


def _vip_impostor(b: _B, vip: _Person, spoof: float = 15) -> tuple[_Sender, str]:
    """A sender pretending to be ``vip``: freemail, lookalike of the protected domain, a direct spoof of it (which
    fails SPF/DMARC and carries a Reply-To) or a compromised unrelated mailbox."""
    rng = b.rng
    how = _weighted(rng, [("freemail", 40), ("lookalike", 30), ("spoof", spoof), ("compromised", 15)])
    display = _vip_display(rng, vip)
    if how == "freemail":
        s = _freemail_sender(rng, display, _person_local(rng, vip), b.lang)
    elif how == "lookalike":
        dom = _lookalike(rng, ORG if _chance(rng, 0.85) else "example.org")
        local = _pick(rng, [_addr_style(rng, vip.first, vip.last, "first.last"), _addr_style(rng, vip.first, vip.last),
                            _pick(rng, ["ceo", "office", "exec", "cfo", "finance", "md"])])
        s = _sender(rng, display, f"{local}@{dom}", "lookalike")
    elif how == "spoof":
        s = _sender(rng, display, vip.email, "spoof")
        _divert(b, vip, display)
    else:
        dom = _biz_domain(rng, b.lang)
        local = _pick(rng, ["info", "office", "admin", "contact", "reception", "sales",
                            _addr_style(rng, *_name(rng, b.lang))])
        s = _sender(rng, display, f"{local}@{dom}",
                    "compromised")
    return s, how


@dataclass(frozen=True)
class _Vendor:
    name: str
    domain: str
    known: bool


_OTHER_VENDORS = [_Vendor("Initech", "initech.com", False), _Vendor("Umbrella Logistics", "umbrella-logistics.com",
                                                                    False),
                  _Vendor("Stark Industrial Supply", "starkindustrial.com", False),
                  _Vendor("Wayne Office Solutions", "wayneoffice.com", False),
                  _Vendor("Vandelay Industries", "vandelayindustries.com", False),
                  _Vendor("Hooli Cloud Services", "hooli.com", False), _Vendor("Soylent Catering",
                                                                               "soylentcatering.com", False),
                  _Vendor("Cyberdyne Components", "cyberdyne-components.com", False)]


def _vendor(rng: random.Random, known: float = 0.75) -> _Vendor:
    if _chance(rng, known):
        name, dom = _pick(rng, VENDORS)
        return _Vendor(_pick(rng, [name, name, f"{name} Inc.", f"{name} Ltd",
                                   f"{name} GmbH" if dom == "globex.com" else f"{name} LLC"]),
                       dom, True)
    return _pick(rng, _OTHER_VENDORS)


def _vendor_contact(rng: random.Random, v: _Vendor, lang: str, role: str = "ar") -> _Person:
    first, last = _name(rng, lang)
    title = {"ar": _pick(rng, ["Accounts Receivable", "Credit Controller", "Billing Specialist", "Finance Officer",
                               "Accounts Manager", "AR Team Lead"]),
             "sales": _pick(rng, ["Account Manager", "Key Account Manager", "Sales Representative",
                                  "Customer Service"])}[role]
    return _Person(first, last, f"{_addr_style(rng, first, last)}@{v.domain}", title, v.name)


def _vendor_impostor(b: _B, v: _Vendor, contact: _Person) -> tuple[_Sender, str]:
    """A sender pretending to be vendor ``v``: lookalike domain, the real (compromised) mailbox with or without a
    diverting Reply-To, or freemail with the vendor's name."""
    rng = b.rng
    how = _weighted(rng, [("lookalike", 45), ("compromised_rt", 25), ("freemail", 15), ("compromised", 15)])
    display = _weighted(rng, [(contact.name, 4), (f"{v.name} Accounts", 2), (f"{contact.name} | {v.name}", 1),
                              (f"Accounts Receivable - {v.name}", 1), (f"{v.name} Billing", 1), ("", 1)])
    local = contact.email.split("@")[0]
    if how == "lookalike":
        dom = _lookalike(rng, v.domain)
        s = _sender(rng, display,
                    f"{_pick(rng, [local, local, 'accounts', 'billing', 'ar', 'finance', 'invoices'])}@{dom}",
                    "lookalike")
        if _chance(rng, 0.15):
            _divert(b, contact)
    elif how == "freemail":
        s = _freemail_sender(rng, display or f"{v.name} Accounts",
                             _pick(rng, [f"{_local(v.name.split()[0])}.accounts",
                                         f"{_local(v.name.split()[0])}{_pick(rng, ['billing', 'ar', 'finance'])}",
                                         _person_local(rng, contact, False)]), b.lang)
    else:
        s = _sender(rng, display, contact.email, "vendor")
        if how == "compromised_rt":
            dom = _lookalike(rng, v.domain)
            addr = f"{_pick(rng, [local, 'accounts', 'billing', 'ar'])}@{dom}" if _chance(rng, 0.6) else \
                f"{_person_local(rng, contact, False)}@{_pick(rng, FREEMAIL[b.lang])}"
            b.reply_to = str(Address(display_name=display, addr_spec=addr)) if display and _chance(rng, 0.5) else addr
    return s, how


# -------------------------------------------------------------------------------- links

_BRANDS = {
    # brand -> (display names, real sending domain, real web domain, login path)
    "microsoft": (["Microsoft 365", "Microsoft account team", "Office 365", "Microsoft Outlook", "OneDrive",
                   "SharePoint Online",
                   "Microsoft Teams"], "accountprotection.microsoft.com", "login.microsoftonline.com",
                  "/common/oauth2/v2.0/authorize"),
    "paypal": (["PayPal", "PayPal Service", "PayPal Security"], "paypal.com", "www.paypal.com", "/signin"),
    "docusign": (["DocuSign", "DocuSign Electronic Signature", "DocuSign via {vendor}"], "docusign.net",
                 "app.docusign.com", "/documents"),
    "netflix": (["Netflix", "Netflix Support"], "netflix.com", "www.netflix.com", "/youraccount"),
    "apple": (["Apple", "Apple Support", "iCloud", "Apple ID"], "email.apple.com", "appleid.apple.com", "/sign-in"),
    "amazon": (["Amazon", "Amazon.com", "Amazon Prime", "Amazon Web Services"], "amazon.com", "www.amazon.com",
               "/ap/signin"),
    "dhl": (["DHL Express", "DHL", "DHL Paket"], "dhl.com", "www.dhl.com", "/en/express/tracking.html"),
    "dropbox": (["Dropbox", "Dropbox Sign"], "dropbox.com", "www.dropbox.com", "/login"),
    "linkedin": (["LinkedIn", "LinkedIn Security"], "linkedin.com", "www.linkedin.com", "/login"),
    "wells fargo": (["Wells Fargo", "Wells Fargo Online"], "wellsfargo.com", "connect.secure.wellsfargo.com",
                    "/auth/login"),
    "chase": (["Chase", "Chase Online"], "chase.com", "secure.chase.com", "/web/auth/logon"),
    "adobe": (["Adobe", "Adobe Acrobat Sign", "Adobe Document Cloud"], "adobe.com", "acrobat.adobe.com",
              "/link/review"),
    "coinbase": (["Coinbase", "Coinbase Support"], "coinbase.com", "www.coinbase.com", "/signin"),
    "binance": (["Binance", "Binance Security"], "binance.com", "accounts.binance.com", "/en/login"),
    "metamask": (["MetaMask", "MetaMask Support"], "metamask.io", "metamask.io", "/"),
    "sparkasse": (["Sparkasse", "Ihre Sparkasse"], "sparkasse.de", "www.sparkasse.de", "/login"),
    "ing": (["ING", "ING Bank"], "ing.nl", "mijn.ing.nl", "/login"),
    "rabobank": (["Rabobank"], "rabobank.nl", "www.rabobank.nl", "/online"),
    "bradesco": (["Bradesco", "Banco Bradesco"], "bradesco.com.br", "banco.bradesco", "/html/classic"),
    "itau": (["Itaú", "Itaú Unibanco"], "itau.com.br", "www.itau.com.br", "/"),
    "google": (["Google", "Google Workspace", "Google Drive"], "accounts.google.com", "accounts.google.com", "/signin"),
}
_LANG_BRANDS = {"en": ["microsoft", "microsoft", "microsoft", "paypal", "docusign", "netflix", "apple", "amazon", "dhl",
                       "dropbox",
                       "linkedin", "wells fargo", "chase", "adobe", "google"],
                "de": ["microsoft", "microsoft", "paypal", "sparkasse", "dhl", "amazon", "docusign", "apple"],
                "fr": ["microsoft", "microsoft", "paypal", "amazon", "apple", "docusign", "netflix"],
                "pt": ["microsoft", "bradesco", "itau", "paypal", "netflix", "amazon", "apple"],
                "nl": ["microsoft", "ing", "rabobank", "paypal", "dhl", "amazon", "docusign"]}


_BRAND_TEXT = {"microsoft": "Microsoft", "paypal": "PayPal", "docusign": "DocuSign", "netflix": "Netflix",
               "apple": "Apple",
               "amazon": "Amazon", "dhl": "DHL", "dropbox": "Dropbox", "linkedin": "LinkedIn",
               "wells fargo": "Wells Fargo",
               "chase": "Chase", "adobe": "Adobe", "coinbase": "Coinbase", "binance": "Binance", "metamask": "MetaMask",
               "sparkasse": "Sparkasse", "ing": "ING", "rabobank": "Rabobank", "bradesco": "Bradesco", "itau": "Itaú",
               "google": "Google"}
_RIGHTS = {"en": ["All rights reserved.", "Privacy Statement", ""], "de": ["Alle Rechte vorbehalten.", "Datenschutz",
                                                                           ""],
           "fr": ["Tous droits réservés.", "Confidentialité", ""], "pt": ["Todos os direitos reservados.",
                                                                          "Privacidade", ""],
           "nl": ["Alle rechten voorbehouden.", "Privacyverklaring", ""]}


def _brand_domain(brand: str) -> str:
    d = _BRANDS[brand][1]
    parts = d.split(".")
    return ".".join(parts[-3:]) if d.endswith((".com.br",)) else ".".join(parts[-2:])


def _bad_url(rng: random.Random, lang: str, brand_dom: Optional[str] = None, rcpt: str = "",
             how: Optional[str] = None) -> str:
    """A malicious link: lookalike, free hosting, compromised site, shortener, bare IP, punycode or an open redirect."""
    how = how or _weighted(rng, [("lookalike", 25 if brand_dom else 0), ("free", 25), ("compromised", 20), ("short", 7),
                                 ("ip", 5), ("puny", 7 if brand_dom else 0), ("redirect", 11)])
    tok = _pick(rng, [_hex(rng, 32), _alnum(rng, 24), _uuid(rng), _hex(rng, 16)])
    path = _pick(rng, ["/login", "/signin", "/auth/verify", "/account/secure", "/secure/" + _hex(rng, 8), "/owa/",
                       "/common/oauth2/authorize",
                       "/verify", "/update", "/session/validate", "/doc/view", "/sharepoint/file", "/billing/update",
                       "/" + _alnum(rng, 6, "abcdefghijklmnopqrstuvwxyz") + "/index.html"])
    q = _pick(rng, [f"?session={tok}", f"?id={tok}", f"?token={tok}&lang={lang}",
                    f"?client_id={_uuid(rng)}&state={_hex(rng, 12)}",
                    "", f"?email={rcpt}" if rcpt else "", f"#{_alnum(rng, 12)}",
                    f"?e={_b64_email(rcpt)}" if rcpt else ""])
    if how == "lookalike":
        host = f"{_pick(rng, ['', 'www.', 'secure.', 'login.', 'account.', 'auth.'])}{_lookalike(rng, brand_dom)}"
    elif how == "puny":
        host = _lookalike(rng, brand_dom, trick="homoglyph")
    elif how == "free":
        host = (f"{_alnum(rng, rng.randint(6, 12), 'abcdefghijklmnopqrstuvwxyz0123456789')}"
                f"{_pick(rng, ['-login', '-secure', '-verify', '', '', '-docs'])}.{_pick(rng, FREE_HOSTS)}")
        if _chance(rng, 0.1):
            return f"https://storage.googleapis.com/{_alnum(rng, 10, 'abcdefghijklmnopqrstuvwxyz')}/index.html{q}"
        if _chance(rng, 0.08):
            return f"https://ipfs.io/ipfs/Qm{_alnum(rng, 44)}{q}"
    elif how == "compromised":
        host = f"{_pick(rng, ['', 'www.'])}{_biz_domain(rng, lang)}"
        folder = _pick(rng, ["wp-content/uploads/2024/03", "wp-includes/css", "images", ".well-known", "cgi-bin",
                             "wp-admin/includes", "media/system"])
        page = _pick(rng, ["index.php", "login.html", "verify.php", "auth.html", "office.php", ""])
        path = f"/{folder}/{_alnum(rng, 6, 'abcdefghijklmnopqrstuvwxyz0123456789')}/{page}"
    elif how == "short":
        return f"https://{_pick(rng, SHORTENERS)}/{_alnum(rng, 7)}"
    elif how == "ip":
        return f"http://{_ip(rng)}{_pick(rng, ['', ':8080', ':8443', ''])}{path}{q}"
    else:
        inner = (f"https://{_alnum(rng, 8, 'abcdefghijklmnopqrstuvwxyz')}."
                 f"{_pick(rng, FREE_HOSTS + [_scam_domain(rng)])}{path}")
        enc = inner.replace(":", "%3A").replace("/", "%2F")
        return _pick(rng, [f"https://www.google.com/url?q={inner}&sa=D&source=editors&usg={_alnum(rng, 28)}",
                           f"https://l.facebook.com/l.php?u={enc}&h={_alnum(rng, 20)}",
                           f"https://nam{rng.randint(10, 12)}.safelinks.protection.outlook.com/?url={enc}&data="
                           f"{_alnum(rng, 40)}&reserved=0",
                           f"https://{_biz_domain(rng, lang)}/redirect.php?url={enc}",
                           f"https://www.bing.com/ck/a?!&&p={_hex(rng, 40)}&u=a1{_alnum(rng, 40)}&ntb=1",
                           f"https://{_scam_domain(rng)}/out?target={enc}&next={enc}"])
    return f"https://{host}{path}{q}"


def _b64_email(addr: str) -> str:
    import base64
    return base64.b64encode(addr.encode()).decode().rstrip("=")


def _fake_anchor(rng: random.Random, brand_dom: str) -> str:
    return _pick(rng, [f"https://www.{brand_dom}/"
                       f"{_pick(rng, ['signin', 'account/verify', 'security', 'login', 'billing', 'myaccount'])}",
                       f"{brand_dom}/secure", f"https://{brand_dom}/", f"www.{brand_dom}"])


# ================================================================================ attacks: BEC family

def _cutoff(rng: random.Random, lang: str) -> str:
    return _pick(rng, ["2pm", "3 pm", "noon", "1:30 PM", "4pm", "2:00pm"]) if lang == "en" else \
        _pick(rng, ["14:00", "15:00", "12:00", "13:30", "16:00"])


def _attack_typos(b: _B, p: float = 0.25) -> None:
    if _chance(b.rng, p):
        b.typo_n = b.rng.randint(1, 3)


def _pressure_headers(b: _B, p: float = 0.15) -> None:
    if _chance(b.rng, p):
        b.extra.append(("X-Priority", _pick(b.rng, ["1", "1 (Highest)", "2 (High)"])))
        if _chance(b.rng, 0.6):
            b.extra.append(("Importance", _pick(b.rng, ["high", "High"])))


_T["wire_transfer"] = {
    "en": dict(
        subject=["!Urgent wire transfer", "!URGENT: payment today", "!Time sensitive", "!Confidential - {project}",
                 "Wire request", "Quick request", "Payment to {payee}", "Outstanding payment", "Transfer for {project}",
                 "Request", "Need your help with a payment", "!Wire before cut-off", "Vendor payment - {project}",
                 "{project}", "Funds transfer", "Payment approval", "!Immediate attention required", "Bank transfer"],
        avail=["Are you at your desk?", "Are you available right now?", "Do you have a minute?",
               "Are you in the office today?",
               "Are you around? I need you to take care of something quickly.",
               "Let me know when you're free, I need you to handle something for me.", "Got a moment?"],
        pretext=["We are finalising the acquisition of {payee} and need to settle a deposit today.",
                 "I'm closing a deal with {payee} and we owe them an advance payment.",
                 "Our consultant on {project} needs to be paid before the end of the quarter.",
                 "There is an overdue payment to {payee} that I promised would go out today.",
                 "Legal has asked me to settle a retainer for the {project} negotiation.",
                 "We need to cover the customs clearance for the {city} shipment.",
                 "{payee} is holding the {project} contract until we pay the first instalment."],
        ask=["Please process a wire transfer of {amount} to the account below.",
             "I need you to send {amount} to the beneficiary below today.",
             "Can you initiate a wire for {amount}? Details are below.",
             "Kindly arrange a same-day transfer of {amount} using these details:",
             "Please wire {amount} to {payee} - banking details below.",
             "Go ahead and release {amount} to the account below."],
        ask_later=["I need you to process a wire of {amount} today. Reply and I'll send you the beneficiary details.",
                   "Can you handle a transfer of {amount} this afternoon? Let me know and I will forward the banking "
                   "information.",
                   "How quickly can we get {amount} out by wire? I'll send the details once you confirm.",
                   "I need a payment of {amount} made today. Tell me when you are ready and I'll give you the "
                   "account."],
        ask_att=["The beneficiary details are in the attached instruction letter. Please wire {amount} today.",
                 "Attached are the wire instructions from {payee}. Please send {amount} as soon as possible.",
                 "Please process the attached payment request for {amount}."],
        urgency=["It has to go out before the {time} cut-off.",
                 "This is time sensitive, please treat it as a priority.",
                 "I need this done within the hour.", "Please get it done today, the deal depends on it.",
                 "We cannot miss today's deadline.", "It needs to be settled asap."],
        secrecy=["Keep this between us for now - the deal hasn't been announced.",
                 "Please don't discuss this with anyone else until I confirm.",
                 "This is strictly confidential, do not mention it to the team.",
                 "I can't take calls, I'm in meetings all day, so email only.", "Please handle this discreetly."],
        authority=["I have already approved it, so no need to go through the usual process.",
                   "The board has signed off on this.", "Legal is aware, you can skip the usual approval."],
        confirm=["Send me the confirmation once it's done.", "Reply with the transfer receipt when complete.",
                 "Let me know as soon as it is processed.", "Email me the payment confirmation once it's out.",
                 "Confirm by email when sent."],
        calm_close=["Let me know if you have any questions.", "Thanks for your help with this.",
                    "Please file it under the usual cost centre."],
        lure=["I need you to handle a task for me today. Reply as soon as you get this.",
              "I have a request I need you to take care of discreetly. Let me know when you're available.",
              "Can you help me with something? I'll explain by email - I can't talk right now.",
              "I need your help with a confidential matter. Are you free to assist?"],
        lawyer=["My name is {lawyer}, I am a partner at {lawfirm}. {boss_full} has asked me to coordinate a "
                "confidential transaction with you.",
                "I am writing on behalf of {boss_full} regarding the {project} transaction, which our firm is "
                "handling.",
                "{boss_full} will have informed you that {lawfirm} is advising on {project}. I need your assistance "
                "with a payment."],
        kv_intro=["Beneficiary details:", "Bank details:", "Payment details:", "Here are the details:"]),
    "de": dict(
        subject=["!Dringende Überweisung", "!Eilt: Zahlung heute", "!Vertraulich - {project}", "Überweisung",
                 "Kurze Bitte",
                 "Zahlung an {payee}", "Offene Zahlung", "Anfrage", "Zahlungsfreigabe"],
        avail=["Bist du gerade am Platz?", "Sind Sie gerade verfügbar?", "Hast du kurz Zeit?"],
        pretext=["Wir stehen kurz vor der Übernahme von {payee} und müssen heute eine Anzahlung leisten.",
                 "Eine Zahlung an {payee} ist überfällig und muss heute raus.",
                 "Unser Berater für {project} muss noch vor Quartalsende bezahlt werden."],
        ask=["Bitte überweise {amount} auf das folgende Konto.",
             "Bitte veranlassen Sie heute eine Überweisung über {amount} an den unten genannten Empfänger.",
             "Kannst du eine Zahlung über {amount} anweisen? Die Daten stehen unten."],
        ask_later=["Ich brauche heute eine Überweisung über {amount}. Antworte mir, dann schicke ich dir die "
                   "Bankdaten.",
                   "Können Sie heute noch {amount} überweisen? Geben Sie mir Bescheid, dann sende ich die Kontodaten."],
        ask_att=["Die Bankdaten stehen im angehängten Schreiben. Bitte überweise heute {amount}.",
                 "Anbei die Zahlungsanweisung von {payee} über {amount}. Bitte umgehend ausführen."],
        urgency=["Die Zahlung muss vor {time} Uhr raus.", "Es ist sehr dringend, bitte mit Priorität behandeln.",
                 "Bitte heute noch erledigen."],
        secrecy=["Bitte behalte das vorerst für dich, der Deal ist noch nicht öffentlich.",
                 "Bitte sprechen Sie mit niemandem darüber, bis ich mich melde.",
                 "Ich bin den ganzen Tag in Meetings und kann nicht telefonieren, nur per E-Mail."],
        authority=["Ich habe das bereits freigegeben, der übliche Prozess ist nicht nötig.",
                   "Der Vorstand hat zugestimmt."],
        confirm=["Schick mir bitte die Bestätigung, sobald es erledigt ist.",
                 "Bitte senden Sie mir den Überweisungsbeleg."],
        calm_close=["Bei Fragen melde dich gerne.", "Danke für deine Hilfe."],
        lure=["Ich brauche heute deine Hilfe bei einer Sache. Bitte antworte, sobald du das liest.",
              "Ich habe eine vertrauliche Aufgabe für Sie. Sagen Sie mir Bescheid, wann Sie Zeit haben."],
        lawyer=["Mein Name ist {lawyer}, Partner bei {lawfirm}. {boss_full} hat mich gebeten, eine vertrauliche "
                "Transaktion mit Ihnen abzustimmen."],
        kv_intro=["Empfängerdaten:", "Bankverbindung:"]),
    "fr": dict(
        subject=["!Virement urgent", "!Urgent : paiement aujourd'hui", "!Confidentiel - {project}",
                 "Demande de virement",
                 "Petite demande", "Paiement à {payee}", "Règlement en attente", "Demande"],
        avail=["Es-tu à ton bureau ?", "Êtes-vous disponible en ce moment ?", "As-tu une minute ?"],
        pretext=["Nous finalisons l'acquisition de {payee} et devons verser un acompte aujourd'hui.",
                 "Un paiement à {payee} est en retard et doit partir aujourd'hui.",
                 "Notre consultant sur {project} doit être payé avant la fin du trimestre."],
        ask=["Merci d'effectuer un virement de {amount} sur le compte ci-dessous.",
             "Pouvez-vous initier un virement de {amount} ? Les coordonnées sont ci-dessous.",
             "J'ai besoin que tu envoies {amount} au bénéficiaire ci-dessous aujourd'hui."],
        ask_later=["Je dois faire passer un virement de {amount} aujourd'hui. Réponds-moi et je t'envoie les "
                   "coordonnées bancaires.",
                   "Pouvez-vous traiter un virement de {amount} cet après-midi ? Confirmez-moi et je vous transmets le "
                   "RIB."],
        ask_att=["Les coordonnées du bénéficiaire sont dans le courrier joint. Merci de virer {amount} aujourd'hui.",
                 "Ci-joint l'ordre de virement de {payee} pour {amount}."],
        urgency=["Il doit partir avant {time}.", "C'est urgent, merci de le traiter en priorité.",
                 "Merci de le faire aujourd'hui."],
        secrecy=["Garde cela pour toi pour l'instant, l'opération n'est pas encore annoncée.",
                 "Merci de n'en parler à personne avant ma confirmation.",
                 "Je suis en réunion toute la journée, uniquement par e-mail."],
        authority=["J'ai déjà validé, inutile de passer par le circuit habituel.",
                   "Le conseil d'administration a donné son accord."],
        confirm=["Envoie-moi la confirmation une fois fait.", "Merci de me transmettre l'avis de virement."],
        calm_close=["N'hésitez pas si vous avez des questions.", "Merci pour ton aide."],
        lure=["J'ai besoin de toi pour une tâche aujourd'hui. Réponds dès que tu lis ceci.",
              "J'ai une demande confidentielle à vous confier. Dites-moi quand vous êtes disponible."],
        lawyer=["Je suis {lawyer}, associé au cabinet {lawfirm}. {boss_full} m'a demandé de coordonner avec vous une "
                "opération confidentielle."],
        kv_intro=["Coordonnées du bénéficiaire :", "Coordonnées bancaires :"]),
    "pt": dict(
        subject=["!Transferência urgente", "!Urgente: pagamento hoje", "!Confidencial - {project}",
                 "Pedido de transferência",
                 "Pedido rápido", "Pagamento para {payee}", "Pagamento pendente", "Solicitação"],
        avail=["Você está na sua mesa?", "Está disponível agora?", "Tem um minuto?"],
        pretext=["Estamos finalizando a aquisição da {payee} e precisamos pagar um sinal hoje.",
                 "Há um pagamento atrasado para a {payee} que precisa sair hoje.",
                 "O consultor do projeto {project} precisa ser pago antes do fim do trimestre."],
        ask=["Por favor, faça uma transferência de {amount} para a conta abaixo.",
             "Preciso que você envie {amount} para o beneficiário abaixo ainda hoje.",
             "Pode iniciar uma transferência de {amount}? Os dados estão abaixo."],
        ask_later=["Preciso fazer uma transferência de {amount} hoje. Responda e eu envio os dados bancários.",
                   "Consegue processar um pagamento de {amount} esta tarde? Me avise que eu mando os dados da conta."],
        ask_att=["Os dados do beneficiário estão na carta em anexo. Por favor, transfira {amount} hoje.",
                 "Segue em anexo a instrução de pagamento da {payee} no valor de {amount}."],
        urgency=["Precisa sair antes das {time}.", "É urgente, trate como prioridade.",
                 "Por favor, resolva isso hoje."],
        secrecy=["Mantenha isso entre nós por enquanto, o negócio ainda não foi anunciado.",
                 "Não comente com ninguém até eu confirmar.", "Estou em reuniões o dia todo, só por e-mail."],
        authority=["Já aprovei, não precisa seguir o processo normal.", "A diretoria já aprovou."],
        confirm=["Me envie o comprovante quando concluir.", "Confirme por e-mail assim que enviar."],
        calm_close=["Qualquer dúvida, me avise.", "Obrigado pela ajuda."],
        lure=["Preciso da sua ajuda com uma tarefa hoje. Responda assim que ler.",
              "Tenho um pedido confidencial para você. Me diga quando estiver disponível."],
        lawyer=["Meu nome é {lawyer}, sócio do escritório {lawfirm}. {boss_full} me pediu para coordenar com você uma "
                "transação confidencial."],
        kv_intro=["Dados do beneficiário:", "Dados bancários:"]),
    "nl": dict(
        subject=["!Dringende overboeking", "!Spoed: betaling vandaag", "!Vertrouwelijk - {project}",
                 "Verzoek overboeking",
                 "Kort verzoek", "Betaling aan {payee}", "Openstaande betaling", "Verzoek"],
        avail=["Ben je aan je bureau?", "Bent u nu beschikbaar?", "Heb je even?"],
        pretext=["We ronden de overname van {payee} af en moeten vandaag een aanbetaling doen.",
                 "Er staat een betaling aan {payee} open die vandaag de deur uit moet.",
                 "Onze adviseur voor {project} moet voor het einde van het kwartaal betaald worden."],
        ask=["Wil je {amount} overmaken naar onderstaande rekening?",
             "Graag vandaag een overboeking van {amount} naar de begunstigde hieronder.",
             "Kun je een betaling van {amount} klaarzetten? Gegevens staan hieronder."],
        ask_later=["Ik moet vandaag {amount} laten overmaken. Laat het me weten, dan stuur ik de bankgegevens.",
                   "Kunt u vanmiddag een betaling van {amount} doen? Bevestig even, dan stuur ik het rekeningnummer."],
        ask_att=["De gegevens van de begunstigde staan in de bijgevoegde brief. Graag vandaag {amount} overmaken.",
                 "In de bijlage de betaalopdracht van {payee} voor {amount}."],
        urgency=["Het moet voor {time} uur de deur uit.", "Dit is dringend, graag met voorrang behandelen.",
                 "Graag vandaag nog regelen."],
        secrecy=["Hou dit voorlopig voor je, de deal is nog niet bekend.",
                 "Bespreek dit met niemand totdat ik het bevestig.",
                 "Ik zit de hele dag in overleg, alleen per mail."],
        authority=["Ik heb het al goedgekeurd, de gebruikelijke procedure is niet nodig.",
                   "De directie heeft ingestemd."],
        confirm=["Stuur me de bevestiging als het gedaan is.", "Graag het betaalbewijs per mail."],
        calm_close=["Laat het weten als je vragen hebt.", "Dank voor je hulp."],
        lure=["Ik heb vandaag je hulp nodig bij iets. Reageer zodra je dit leest.",
              "Ik heb een vertrouwelijk verzoek voor u. Laat me weten wanneer u tijd heeft."],
        lawyer=["Mijn naam is {lawyer}, partner bij {lawfirm}. {boss_full} heeft mij gevraagd een vertrouwelijke "
                "transactie met u af te stemmen."],
        kv_intro=["Gegevens begunstigde:", "Bankgegevens:"]),
}


def _pressure(b: _B, keys: list[tuple[str, float]], at_least_one: bool = True) -> list[str]:
    """Pressure lines from the kind's pools, each with its probability; at least one when asked."""
    out = [b.p(k) for k, p in keys if b.has(k) and _chance(b.rng, p)]
    if not out and at_least_one:
        k = _pick(b.rng, [k for k, _ in keys if b.has(k)])
        out.append(b.p(k))
    b.rng.shuffle(out)
    return out


def _instruction_pdf(b: _B, title: str, payee: str, details: list[tuple[str, str]], amount: str = "",
                     uri: Optional[str] = None, producer: str = "") -> bytes:
    lines = [title, "", f"{b.kv_labels['date']}: {_day(b.rng, b.lang, b.when)}", ""]
    lines += [f"{b.kv_labels.get(k, k)}: {v}" for k, v in details]
    if amount:
        lines += ["", f"{b.kv_labels['amount']}: {amount}"]
    return _pdf(lines, b.when, uri, producer or _pick(b.rng, ["Microsoft Word for Microsoft 365", "Skia/PDF m120",
                                                              "wkhtmltopdf 0.12.6", "iText 7.2.5", "LibreOffice 7.6"]))


def wire_transfer(rng: random.Random, when: datetime):
    b = _B(rng, when, "wire_transfer")
    vip = _vip(rng, b.lang)
    rcpt = _staff(rng, b.lang, _pick(rng, ["finance", "finance", "assistant"]))
    payee = _pick(rng, _PAYEES)
    lf, ll = _name(rng, b.lang)
    lawfirm = (f"{_pick(rng, _NAMES['en'][1])} {_pick(rng, ['&', 'and'])} {ll} "
               f"{_pick(rng, ['LLP', 'Partners', 'Legal', 'Advisors'])}")
    b.ctx.update(first=rcpt.first, amount=_money(rng, b.lang, 12_000, 480_000), payee=payee,
                 project=_pick(rng, _PROJECTS),
                 city=_pick(rng, _CITIES), time=_cutoff(rng, b.lang), boss_full=vip.name, lawyer=f"{lf} {ll}",
                 lawfirm=lawfirm)
    variant = _weighted(rng, [("full", 55), ("later", 18), ("attach", 10), ("lure", 12), ("lawyer", 5)])
    if variant == "lawyer":
        dom = _local(ll).replace(".", "") + _pick(rng, ["-law.com", "legal.com", "-partners.com", "law.co", "-llp.com"])
        s = _sender(rng, f"{lf} {ll}", f"{_addr_style(rng, lf, ll)}@{dom}", _pick(rng, ["lookalike", "compromised"]))
        imp = False
    else:
        s, how = _vip_impostor(b, vip)
        imp = True
        if how != "spoof" and _chance(rng, 0.25):
            _divert(b, vip, s.display)
    pressure = variant in ("lure", "lawyer") or _chance(rng, 0.82)
    b.greet(rcpt.first, 0.12)
    if pressure and (variant == "lure" or _chance(rng, 0.45)):
        b.blocks.append(("p", b.p("avail")))
    if variant == "lure":
        b.para([b.p("lure")] + ([b.p("secrecy")] if _chance(rng, 0.4) else []))
    else:
        if variant == "lawyer":
            b.para([b.p("lawyer")])
        ask = {"full": "ask", "lawyer": "ask", "later": "ask_later", "attach": "ask_att"}[variant]
        b.para(([b.p("pretext")] if _chance(rng, 0.7) else []) + [b.p(ask)])
        if variant in ("full", "lawyer"):
            if _chance(rng, 0.5):
                b.blocks.append(("p", b.p("kv_intro")))
            b.kv(_bank_details(rng, b.lang, payee) + ([("amount", b.ctx["amount"])] if _chance(rng, 0.4) else [])
                 + ([("ref", f"{_pick(rng, ['INV', 'REF', 'PO'])}-{rng.randint(1000, 99999)}")]
                    if _chance(rng, 0.4) else []))
        if variant == "attach":
            det = _bank_details(rng, b.lang, payee)
            name = _pick(rng, ["Wire_Instructions.pdf", f"{payee.split()[0]}_payment_details.pdf",
                               "Payment_Instruction.pdf",
                               f"Transfer_{rng.randint(1000, 9999)}.pdf", "Beneficiary_Details.pdf"])
            b.attach(_instruction_pdf(b, "PAYMENT INSTRUCTION", payee, det, b.ctx["amount"]), "application/pdf", name)
        lines = _pressure(b, [("urgency", 0.7), ("secrecy", 0.55), ("authority", 0.2)]) if pressure else []
        if variant != "later" and _chance(rng, 0.6):
            lines.append(b.p("confirm"))
        if not pressure and _chance(rng, 0.6):
            lines.append(b.p("calm_close"))
        b.para(lines)
    if variant == "lawyer":
        b.sign([f"{lf} {ll}", lawfirm, _phone(rng, b.lang)], mobile=0.0, disclaimer=0.5)
    else:
        b.sign(_sig_lines(rng, vip, b.lang, _pick(rng, [0, 0, 1, 2, 3]), phone=False), bye=_chance(rng, 0.6),
               mobile=0.4)
    subject = b.subject(pressure)
    if pressure and _chance(rng, 0.12):            # a fake thread: RE:/FW: with no history behind it
        subject = (b.re_prefix() if _chance(rng, 0.7) else b.fw_prefix()) + subject
    if pressure:
        _pressure_headers(b)
    _attack_typos(b)
    msg = _finish(b, s, [_fmt_to(rng, rcpt)], subject)
    return msg, "wire_transfer", b.legs(impersonation=imp, trust=pressure,
                                        payload=variant in ("full", "attach", "lawyer") or bool(b.reply_to),
                                        goal=variant != "lure")


_T["gift_cards"] = {
    "en": dict(
        subject=["!Urgent request", "Are you available?", "Quick task", "Need a favor", "!Need your help ASAP",
                 "Request",
                 "Are you in the office?", "Gift cards for the team", "Client appreciation", "!Urgent errand",
                 "Quick question", "Small favour", "Staff rewards", "Errand"],
        avail=["Are you available?", "Are you busy?", "Are you in the office right now?",
               "Do you have a moment? I need a quick favor.", "Let me know if you're around."],
        pretext=["I want to surprise some of our staff with gift cards for their hard work this quarter.",
                 "I promised a few clients a thank-you gift and need gift cards today.",
                 "It's {colleague}'s birthday and I want to get something for the team.",
                 "I'm sorting out incentives for the sales team.",
                 "We are rewarding a few of our top clients before the holidays."],
        ask=["Can you pick up {n} {brand} gift cards of {value} each?",
             "I need you to buy {n} {brand} gift cards, {value} each.",
             "Please get {n} {brand} cards at {value} each from the nearest store or online.",
             "Could you purchase {brand} gift cards - {n} x {value}?"],
        codes=["Scratch off the back and send me clear pictures of the codes.",
               "Email me the card numbers and PINs once you have them.",
               "Send me photos of the cards with the codes visible.",
               "Reply with the redemption codes so I can forward them right away."],
        reimburse=["You'll be reimbursed today.", "I'll pay you back this afternoon, keep the receipt.",
                   "Submit it as an expense and I'll approve it.", "Use the company card if you have it."],
        urgency=["I need them within the hour.", "It has to be done today.",
                 "Please do it asap, I'm in a meeting and can't call.",
                 "Time is short, let me know how fast you can do it."],
        secrecy=["It's a surprise, so please keep it to yourself.", "Don't mention it to anyone yet.",
                 "Keep this between us."],
        lure=["I need a quick favor. Can you do it for me?",
              "I need you to run an errand for me today, reply when you see this.",
              "Are you free? I need your help with something quick.",
              "I need you to get something for me. Let me know when you can."]),
    "de": dict(
        subject=["!Dringende Bitte", "Bist du verfügbar?", "Kurze Aufgabe", "Kleiner Gefallen",
                 "Gutscheine für das Team"],
        avail=["Bist du gerade da?", "Hast du kurz Zeit?", "Bist du im Büro?"],
        pretext=["Ich möchte einige Kollegen mit Gutscheinen für ihre Arbeit überraschen.",
                 "Ich habe ein paar Kunden ein kleines Dankeschön versprochen."],
        ask=["Kannst du {n} {brand}-Gutscheine zu je {value} besorgen?", "Bitte kauf {n} {brand}-Karten à {value}."],
        codes=["Rubbel die Rückseite frei und schick mir Fotos der Codes.",
               "Schick mir die Codes per E-Mail, sobald du sie hast."],
        reimburse=["Du bekommst das Geld heute noch zurück.", "Reich es einfach als Spesen ein."],
        urgency=["Ich brauche sie innerhalb der nächsten Stunde.", "Es muss heute erledigt werden."],
        secrecy=["Es ist eine Überraschung, also bitte behalte es für dich.", "Erzähl bitte noch niemandem davon."],
        lure=["Ich bräuchte einen kleinen Gefallen. Kannst du mir helfen?",
              "Ich habe eine kurze Besorgung für dich, melde dich bitte."]),
    "fr": dict(
        subject=["!Demande urgente", "Es-tu disponible ?", "Petite tâche", "Un service",
                 "Cartes cadeaux pour l'équipe"],
        avail=["Es-tu disponible ?", "Tu as une minute ?", "Es-tu au bureau ?"],
        pretext=["Je veux faire une surprise à quelques collaborateurs avec des cartes cadeaux.",
                 "J'ai promis un petit cadeau de remerciement à quelques clients."],
        ask=["Peux-tu acheter {n} cartes cadeaux {brand} de {value} chacune ?",
             "Merci de prendre {n} cartes {brand} à {value}."],
        codes=["Gratte le dos et envoie-moi des photos des codes.",
               "Envoie-moi les codes par e-mail dès que tu les as."],
        reimburse=["Tu seras remboursé aujourd'hui.", "Mets-le en note de frais."],
        urgency=["J'en ai besoin dans l'heure.", "Il faut que ce soit fait aujourd'hui."],
        secrecy=["C'est une surprise, garde ça pour toi.", "N'en parle à personne pour l'instant."],
        lure=["J'ai besoin d'un petit service. Tu peux m'aider ?",
              "J'ai une course à te confier aujourd'hui, réponds-moi."]),
    "pt": dict(
        subject=["!Pedido urgente", "Está disponível?", "Tarefa rápida", "Um favor", "Vales-presente para a equipe"],
        avail=["Está disponível?", "Tem um minuto?", "Está no escritório?"],
        pretext=["Quero fazer uma surpresa para alguns colaboradores com vales-presente.",
                 "Prometi um presente de agradecimento a alguns clientes."],
        ask=["Pode comprar {n} cartões-presente {brand} de {value} cada?",
             "Preciso que compre {n} cartões {brand} de {value}."],
        codes=["Raspe o verso e me mande fotos dos códigos.", "Me envie os códigos por e-mail assim que tiver."],
        reimburse=["Você será reembolsado hoje.", "Lance como despesa que eu aprovo."],
        urgency=["Preciso deles dentro de uma hora.", "Tem que ser hoje."],
        secrecy=["É surpresa, então guarde para você.", "Não comente com ninguém ainda."],
        lure=["Preciso de um pequeno favor. Pode me ajudar?", "Tenho uma tarefa rápida para você hoje, me responda."]),
    "nl": dict(
        subject=["!Dringend verzoek", "Ben je beschikbaar?", "Klein klusje", "Gunst", "Cadeaukaarten voor het team"],
        avail=["Ben je beschikbaar?", "Heb je even?", "Ben je op kantoor?"],
        pretext=["Ik wil een paar collega's verrassen met cadeaukaarten.",
                 "Ik heb een paar klanten een bedankje beloofd."],
        ask=["Kun je {n} {brand}-cadeaukaarten van {value} halen?", "Wil je {n} {brand}-kaarten van {value} kopen?"],
        codes=["Kras de achterkant open en stuur me foto's van de codes.", "Mail me de codes zodra je ze hebt."],
        reimburse=["Je krijgt het vandaag terug.", "Declareer het maar, ik keur het goed."],
        urgency=["Ik heb ze binnen een uur nodig.", "Het moet vandaag gebeuren."],
        secrecy=["Het is een verrassing, dus hou het voor je.", "Vertel het nog aan niemand."],
        lure=["Ik heb een kleine gunst nodig. Kun je helpen?", "Ik heb vandaag een klusje voor je, laat even weten."]),
}
_GIFT_BRANDS = {"en": ["Apple", "Google Play", "Amazon", "Steam", "Target", "Visa", "Walmart", "Best Buy", "eBay",
                       "Sephora"],
                "de": ["Amazon", "Apple", "Google Play", "Steam", "Paysafecard"], "fr": ["Amazon", "Apple",
                                                                                         "Google Play", "Steam",
                                                                                         "Transcash"],
                "pt": ["Google Play", "Apple", "Amazon", "Steam", "Netflix"], "nl": ["bol.com", "Apple", "Google Play",
                                                                                     "Amazon", "Steam"]}


def gift_cards(rng: random.Random, when: datetime):
    b = _B(rng, when, "gift_cards")
    rcpt = _staff(rng, b.lang, _pick(rng, ["assistant", "assistant", "other", "finance"]))
    if _chance(rng, 0.8):
        boss = _vip(rng, b.lang)
        s, how = _vip_impostor(b, boss, spoof=10)
    else:
        f, l_ = _name(rng, b.lang)
        boss = _Person(f, l_, f"{_addr_style(rng, f, l_, 'first.last')}@{ORG}",
                       _pick(rng, ["Head of Sales", "Regional Director", "VP Operations", "Department Head"]),
                       _pick(rng, ORG_NAMES))
        s, how = _freemail_sender(rng, boss.name, _person_local(rng, boss), b.lang), "freemail"
    if how != "spoof" and _chance(rng, 0.25):
        _divert(b, boss, s.display)
    value = {"en": _pick(rng, ["$100", "$200", "$50", "$500", "$250"]), "pt": _pick(rng, ["R$ 200", "R$ 500",
                                                                                          "R$ 100"])}.get(
        b.lang, _pick(rng, ["100 €", "50 €", "200 €", "€100"]))
    b.ctx.update(first=rcpt.first, n=rng.randint(3, 12), brand=_pick(rng, _GIFT_BRANDS[b.lang]), value=value,
                 colleague=_name(rng, b.lang)[0])
    variant = _weighted(rng, [("full", 60), ("lure", 28), ("calm", 12)])
    pressure = variant != "calm"
    b.greet(rcpt.first, 0.15)
    if variant == "lure":
        b.para(([b.p("avail")] if _chance(rng, 0.6) else []) + [b.p("lure")])
    else:
        if variant == "full" and _chance(rng, 0.5):
            b.blocks.append(("p", b.p("avail")))
        b.para(([b.p("pretext")] if _chance(rng, 0.75) else []) + [b.p("ask")])
        b.para([b.p("codes")] + ([b.p("reimburse")] if _chance(rng, 0.6) else [])
               + (_pressure(b, [("urgency", 0.7), ("secrecy", 0.5)]) if pressure else []))
    b.sign(_sig_lines(rng, boss, b.lang, _pick(rng, [0, 0, 1, 2])), bye=_chance(rng, 0.5), mobile=0.5)
    subject = b.subject(pressure)
    if pressure:
        _pressure_headers(b, 0.1)
    _attack_typos(b, 0.35)
    msg = _finish(b, s, [_fmt_to(rng, rcpt)], subject)
    return msg, "gift_cards", b.legs(impersonation=True, trust=pressure, payload=bool(b.reply_to),
                                     goal=variant != "lure")


_T["payment_change"] = {
    "en": dict(
        subject=["Updated banking details", "Change of bank account", "!Urgent: new remittance details",
                 "Bank details update - {vendor}",
                 "Remittance information", "Change in payment instructions", "Invoice {inv} - updated payment details",
                 "Notification of new bank account", "Account change notice", "Payment information update",
                 "Regarding invoice {inv}", "!Important: change of banking information", "New remittance address"],
        open=["I hope you are doing well.", "I hope this email finds you well.",
              "Thank you for your continued business.",
              "Good day.", "Hope your week is going well."],
        pretext=["Due to an ongoing audit, our bank account has changed.",
                 "We have recently moved our banking to {bank}.",
                 "Our previous account is currently under review and can no longer receive payments.",
                 "Following a change in our corporate structure, all payments must now go to our new account.",
                 "Our bank has completed a migration and issued us new account details.",
                 "We are consolidating our accounts after a merger with our parent company."],
        ask=["Please update your records and use the account below for all future payments.",
             "Kindly remit the outstanding invoice {inv} ({amount}) to the new account below.",
             "Please make sure the payment for invoice {inv} of {amount} goes to our new account:",
             "Could you update our vendor details with the information below and confirm once done?"],
        ask_att=["Please find our new bank details on the attached letterhead.",
                 "The signed bank change letter is attached for your records.",
                 "Attached is the updated remittance form - please use it for invoice {inv}."],
        ask_later=["Please confirm who handles vendor payments so we can send the new account details.",
                   "Kindly let me know when your next payment run is, so I can send our new banking information.",
                   "Reply to this email to receive our updated bank details before paying invoice {inv}."],
        urgency=["Please process this urgently to avoid late fees.",
                 "Payments sent to the old account will be returned.",
                 "The invoice is now overdue, so please pay today.",
                 "Kindly treat this as urgent as the old account will be closed this week."],
        secrecy=["Please do not use the old details or call the old number as it is no longer in service.",
                 "Our phone lines are down during the migration, so please communicate by email only."],
        confirm=["Please confirm once your records are updated.",
                 "Kindly send the remittance advice once payment is made.",
                 "Let us know when the change is complete."]),
    "de": dict(
        subject=["Neue Bankverbindung", "Änderung der Kontoverbindung", "!Dringend: geänderte Zahlungsdaten",
                 "Rechnung {inv} - neue Bankdaten", "Mitteilung über neue Bankverbindung"],
        open=["Ich hoffe, es geht Ihnen gut.", "Vielen Dank für die gute Zusammenarbeit."],
        pretext=["Aufgrund einer laufenden Prüfung hat sich unsere Bankverbindung geändert.",
                 "Wir haben unsere Bankverbindung zur {bank} verlegt."],
        ask=["Bitte aktualisieren Sie Ihre Stammdaten und nutzen Sie künftig das folgende Konto.",
             "Bitte überweisen Sie die offene Rechnung {inv} ({amount}) auf das neue Konto:"],
        ask_att=["Unsere neue Bankverbindung finden Sie im angehängten Schreiben.",
                 "Anbei das unterschriebene Schreiben zur Kontoänderung."],
        ask_later=["Bitte teilen Sie mir mit, wer bei Ihnen die Zahlungen bearbeitet, damit wir die neuen Bankdaten "
                   "senden können."],
        urgency=["Bitte bearbeiten Sie dies dringend, um Mahngebühren zu vermeiden.",
                 "Zahlungen auf das alte Konto werden zurückgebucht."],
        secrecy=["Bitte nutzen Sie nicht mehr die alte Telefonnummer, sie ist nicht mehr erreichbar."],
        confirm=["Bitte bestätigen Sie die Änderung kurz.",
                 "Bitte senden Sie uns den Zahlungsavis nach der Überweisung."]),
    "fr": dict(
        subject=["Nouvelles coordonnées bancaires", "Changement de RIB", "!Urgent : nouvelles coordonnées de paiement",
                 "Facture {inv} - nouveau RIB", "Mise à jour des informations bancaires"],
        open=["J'espère que vous allez bien.", "Merci pour votre confiance."],
        pretext=["Suite à un audit en cours, notre compte bancaire a changé.",
                 "Nous avons transféré nos comptes chez {bank}."],
        ask=["Merci de mettre à jour vos fichiers et d'utiliser le compte ci-dessous pour tous les paiements.",
             "Merci de régler la facture {inv} ({amount}) sur le nouveau compte ci-dessous :"],
        ask_att=["Vous trouverez notre nouveau RIB en pièce jointe.",
                 "Ci-joint le courrier signé de changement de coordonnées bancaires."],
        ask_later=["Merci de m'indiquer qui gère les paiements fournisseurs afin que nous envoyions le nouveau RIB."],
        urgency=["Merci de traiter cela en urgence pour éviter des pénalités de retard.",
                 "Les paiements vers l'ancien compte seront rejetés."],
        secrecy=["Merci de ne plus utiliser l'ancien numéro de téléphone, il n'est plus en service."],
        confirm=["Merci de confirmer la mise à jour.",
                 "Merci de nous envoyer l'avis de paiement une fois le virement effectué."]),
    "pt": dict(
        subject=["Atualização de dados bancários", "Alteração de conta bancária",
                 "!Urgente: novos dados para pagamento",
                 "Fatura {inv} - dados bancários atualizados", "Comunicado de nova conta"],
        open=["Espero que esteja bem.", "Agradecemos a parceria."],
        pretext=["Devido a uma auditoria em andamento, nossa conta bancária foi alterada.",
                 "Transferimos nossas contas para o {bank}."],
        ask=["Por favor, atualize seu cadastro e utilize a conta abaixo para os próximos pagamentos.",
             "Pedimos que o pagamento da fatura {inv} ({amount}) seja feito na nova conta abaixo:"],
        ask_att=["Segue em anexo a carta com os novos dados bancários.",
                 "Em anexo o comunicado assinado de alteração de conta."],
        ask_later=["Por favor, informe quem cuida dos pagamentos para enviarmos os novos dados bancários."],
        urgency=["Por favor, trate com urgência para evitar multa por atraso.",
                 "Pagamentos na conta antiga serão devolvidos."],
        secrecy=["Por favor, não utilize o telefone antigo, ele não está mais em funcionamento."],
        confirm=["Por favor, confirme a atualização.", "Envie o comprovante após o pagamento."]),
    "nl": dict(
        subject=["Gewijzigde bankgegevens", "Wijziging rekeningnummer", "!Spoed: nieuwe betaalgegevens",
                 "Factuur {inv} - nieuwe bankgegevens", "Mededeling nieuw rekeningnummer"],
        open=["Ik hoop dat alles goed met u gaat.", "Dank voor de prettige samenwerking."],
        pretext=["Vanwege een lopende audit is ons rekeningnummer gewijzigd.", "Wij bankieren voortaan bij {bank}."],
        ask=["Wilt u uw administratie bijwerken en voortaan onderstaande rekening gebruiken?",
             "Graag de openstaande factuur {inv} ({amount}) voldoen op het nieuwe rekeningnummer:"],
        ask_att=["Onze nieuwe bankgegevens vindt u in de bijgevoegde brief.",
                 "Bijgaand de ondertekende brief over de rekeningwijziging."],
        ask_later=["Kunt u laten weten wie bij u de betalingen verwerkt, zodat wij de nieuwe gegevens kunnen sturen?"],
        urgency=["Graag met spoed verwerken om incassokosten te voorkomen.",
                 "Betalingen naar de oude rekening worden teruggestort."],
        secrecy=["Gebruik het oude telefoonnummer niet meer, dit is buiten gebruik."],
        confirm=["Graag een korte bevestiging van de wijziging.", "Stuurt u de betaalbevestiging na de betaling?"]),
}


def payment_change(rng: random.Random, when: datetime):
    b = _B(rng, when, "payment_change")
    v = _vendor(rng, 0.8)
    contact = _vendor_contact(rng, v, b.lang)
    rcpt = _staff(rng, b.lang, "finance")
    details = _bank_details(rng, b.lang, v.name)
    b.ctx.update(first=rcpt.first, vendor=v.name, inv=_invoice_no(rng, when.year), amount=_money(rng, b.lang, 3_000,
                                                                                                 180_000),
                 bank=next(val for k, val in details if k == "bank"))
    s, how = _vendor_impostor(b, v, contact)
    variant = _weighted(rng, [("details", 55), ("attach", 20), ("later", 25)])
    pressure = _chance(rng, 0.6)
    to = [_fmt_to(rng, rcpt) if _chance(rng, 0.7) else _role_box(rng, "finance")]
    b.greet(rcpt.first if "@" not in to[0] or to[0].startswith(rcpt.email) or "<" in to[0] else None, 0.1)
    b.para(([b.p("open")] if _chance(rng, 0.5) else []) + [b.p("pretext"), b.p({"details": "ask", "attach": "ask_att",
                                                                                "later": "ask_later"}[variant])])
    if variant == "details":
        b.kv(details)
    elif variant == "attach":
        name = _pick(rng, ["Bank_Change_Letter.pdf", f"{_local(v.name.split()[0])}_banking_update.pdf",
                           f"New_Bank_Details_{when.strftime('%Y%m%d')}.pdf", "Remittance_form.pdf",
                           "Bankverbindung.pdf" if b.lang == "de" else "Bank_Letter.pdf"])
        b.attach(_instruction_pdf(b, f"{v.name.upper()} - CHANGE OF BANK DETAILS", v.name, details), "application/pdf",
                 name)
    lines = _pressure(b, [("urgency", 0.8), ("secrecy", 0.3)]) if pressure else []
    if _chance(rng, 0.6):
        lines.append(b.p("confirm"))
    b.para(lines)
    b.sign(_sig_lines(rng, contact, b.lang, _pick(rng, [1, 2, 3, 3, 4])), mobile=0.05, disclaimer=0.3)
    subject = b.subject(pressure)
    if pressure and _chance(rng, 0.15):
        subject = b.re_prefix() + subject
    if how in ("compromised", "compromised_rt") and _chance(rng, 0.3):
        b.in_reply_to = f"<{_hex(rng, 32)}@{ORG}>"
        b.references = [b.in_reply_to]
    if pressure:
        _pressure_headers(b, 0.1)
    _attack_typos(b, 0.2)
    msg = _finish(b, s, to, subject)
    return msg, "payment_change", b.legs(impersonation=True, trust=pressure,
                                         payload=variant != "later" or bool(b.reply_to), goal=True)


_T["thread_hijack"] = {
    "en": dict(
        topic=["Invoice {inv}", "Outstanding invoices - {month}", "Payment schedule", "PO {po}", "Remittance advice",
               "Statement of account", "{vendor} invoices", "Payment run this week", "Order {po} - final invoice",
               "Open items",
               "Q{q} invoices", "Overdue balance"],
        earlier=["Hi {vfirst}, could you send over the invoices for {month}? We're preparing this week's payment run.",
                 "Hi {vfirst}, thanks for the statement. Invoice {inv} is approved and will be included in Friday's "
                 "payment run.",
                 "{vfirst}, can you confirm the amount outstanding on PO {po}? Finance wants to close it this month.",
                 "Hello {vfirst}, we received invoice {inv} for {amount}. Can you confirm everything is correct before "
                 "we pay?",
                 "Hi {vfirst}, just checking the status of the credit note for order {po}. Once we have it we can "
                 "release payment."],
        vendor_earlier=["Please find attached invoice {inv} for {amount}. Let me know if you need anything else.",
                        "Attached is our statement for {month}. Two invoices are currently open.",
                        "Thanks for the order. The final invoice will follow once the goods are delivered."],
        new=["Thanks {first}. Before you process it, please note our bank details have changed - kindly use the "
             "account below for this and future payments.",
             "Hi {first}, thanks for confirming. Our accounts team asked me to let you know that payments should now "
             "go to our new account. Details below.",
             "{first}, please hold the payment to the old account - we are changing banks this month. The new details "
             "are attached.",
             "Thank you. Please see the updated remittance details below and confirm once the payment is scheduled.",
             "Hi {first}, following up on the below. Could you update our details before the payment goes out? Our old "
             "account is no longer active."],
        later=["I'll send the new account details as soon as you confirm who is processing the payment.",
               "Please let me know when you're ready and I'll share the updated details."],
        urgency=["Please make sure this is done before the payment run.",
                 "It's important that nothing goes to the old account.",
                 "Could you confirm today?", "The invoice is already overdue, so please prioritise."]),
    "de": dict(
        topic=["Rechnung {inv}", "Offene Rechnungen {month}", "Zahlungslauf", "Bestellung {po}", "Kontoauszug"],
        earlier=["Hallo {vfirst}, kannst du uns die Rechnungen für {month} schicken? Wir bereiten den Zahlungslauf "
                 "vor.",
                 "Hallo {vfirst}, die Rechnung {inv} ist freigegeben und geht mit dem Zahlungslauf am Freitag raus."],
        vendor_earlier=["Anbei die Rechnung {inv} über {amount}.", "Anbei unser Kontoauszug für {month}."],
        new=["Danke {first}. Bitte beachte vor der Zahlung, dass sich unsere Bankverbindung geändert hat - bitte nutze "
             "das folgende Konto.",
             "Hallo {first}, bitte nicht mehr auf das alte Konto zahlen, wir wechseln gerade die Bank. Die neuen Daten "
             "sind im Anhang."],
        later=["Ich schicke dir die neuen Kontodaten, sobald du mir sagst, wer die Zahlung bearbeitet."],
        urgency=["Bitte unbedingt vor dem Zahlungslauf ändern.", "Kannst du das heute noch bestätigen?"]),
    "fr": dict(
        topic=["Facture {inv}", "Factures en attente - {month}", "Échéancier de paiement", "Commande {po}",
               "Relevé de compte"],
        earlier=["Bonjour {vfirst}, pouvez-vous nous envoyer les factures de {month} ? Nous préparons le paiement de "
                 "la semaine.",
                 "Bonjour {vfirst}, la facture {inv} est validée et partira avec le paiement de vendredi."],
        vendor_earlier=["Veuillez trouver ci-joint la facture {inv} de {amount}.",
                        "Ci-joint notre relevé pour {month}."],
        new=["Merci {first}. Avant le paiement, merci de noter que nos coordonnées bancaires ont changé - veuillez "
             "utiliser le compte ci-dessous.",
             "Bonjour {first}, merci de suspendre le paiement sur l'ancien compte, nous changeons de banque. Le "
             "nouveau RIB est en pièce jointe."],
        later=["Je vous envoie le nouveau RIB dès que vous me confirmez qui traite le paiement."],
        urgency=["Merci de faire la modification avant le paiement.", "Pouvez-vous confirmer aujourd'hui ?"]),
    "pt": dict(
        topic=["Fatura {inv}", "Faturas em aberto - {month}", "Programação de pagamento", "Pedido {po}",
               "Extrato de conta"],
        earlier=["Olá {vfirst}, pode nos enviar as faturas de {month}? Estamos preparando os pagamentos da semana.",
                 "Olá {vfirst}, a fatura {inv} foi aprovada e será paga na sexta-feira."],
        vendor_earlier=["Segue em anexo a fatura {inv} no valor de {amount}.", "Segue o extrato de {month}."],
        new=["Obrigado {first}. Antes de processar, observe que nossos dados bancários mudaram - use a conta abaixo.",
             "Olá {first}, por favor não pague na conta antiga, estamos mudando de banco. Os novos dados estão em "
             "anexo."],
        later=["Envio os novos dados assim que você confirmar quem vai processar o pagamento."],
        urgency=["Por favor, atualize antes da data de pagamento.", "Consegue confirmar hoje?"]),
    "nl": dict(
        topic=["Factuur {inv}", "Openstaande facturen - {month}", "Betaalrun", "Bestelling {po}", "Rekeningoverzicht"],
        earlier=["Hoi {vfirst}, kun je de facturen van {month} sturen? We bereiden de betaalrun van deze week voor.",
                 "Hoi {vfirst}, factuur {inv} is goedgekeurd en gaat vrijdag mee in de betaalrun."],
        vendor_earlier=["Bijgaand factuur {inv} van {amount}.", "Bijgaand ons overzicht van {month}."],
        new=["Dank {first}. Let op: onze bankgegevens zijn gewijzigd - gebruik voortaan onderstaande rekening.",
             "Hoi {first}, graag niet meer naar de oude rekening betalen, we stappen over naar een andere bank. De "
             "nieuwe gegevens zitten in de bijlage."],
        later=["Ik stuur de nieuwe gegevens zodra je laat weten wie de betaling verwerkt."],
        urgency=["Graag aanpassen voor de betaalrun.", "Kun je het vandaag bevestigen?"]),
}


def _quote_style(rng: random.Random, client: str) -> str:
    return {"gmail": "gmail", "iphone": "apple", "applemail": "apple"}.get(
        client, _pick(rng, ["outlook", "outlook", "original", "gmail"]) if client in ("outlook", "owa",
                                                                                      "outlook-smtp") else
        _pick(rng, ["gmail", "outlook", "original"]))


def _quote(b: _B, style: str, who: _Person, to: str, subject: str, blocks: list, when: datetime, cc: str = "") -> tuple:
    return ("quote", {"style": style, "name": who.name, "addr": who.email, "to": to, "cc": cc, "subject": subject,
                      "date": when, "blocks": blocks, "wrote": _pick(b.rng, _QUOTE[b.lang]["wrote"]),
                      "rule": _chance(b.rng, 0.5)})


def thread_hijack(rng: random.Random, when: datetime):
    b = _B(rng, when, "thread_hijack")
    v = _vendor(rng, 0.75)
    contact = _vendor_contact(rng, v, b.lang)
    rcpt = _staff(rng, b.lang, "finance")
    details = _bank_details(rng, b.lang, v.name)
    month = _MONTHS[b.lang][(when.month - 2) % 12]
    b.ctx.update(first=rcpt.first, vfirst=contact.first, vendor=v.name, inv=_invoice_no(rng, when.year), po=_po_no(rng),
                 amount=_money(rng, b.lang, 4_000, 250_000), month=month, q=(when.month - 1) // 3 + 1)
    how = _weighted(rng, [("lookalike", 60), ("compromised_rt", 25), ("compromised", 15)])
    display = _pick(rng, [contact.name, contact.name, f"{contact.name} | {v.name}", ""])
    if how == "lookalike":
        s = _sender(rng, display, f"{contact.email.split('@')[0]}@{_lookalike(rng, v.domain)}", "lookalike")
    else:
        s = _sender(rng, display, contact.email, "vendor")
        if how == "compromised_rt":
            b.reply_to = f"{contact.email.split('@')[0]}@{_lookalike(rng, v.domain)}"
    topic = b.p("topic")
    variant = _weighted(rng, [("details", 55), ("attach", 25), ("later", 20)])
    b.greet(rcpt.first, 0.5)
    b.para([b.p("new")] + ([b.p("later")] if variant == "later" else []))
    if variant == "details":
        b.kv(details)
    elif variant == "attach":
        b.attach(_instruction_pdf(b, f"{v.name.upper()} - BANK DETAILS", v.name, details), "application/pdf",
                 _pick(rng, ["New_Bank_Details.pdf", "Bank_Letter.pdf",
                             f"{_local(v.name.split()[0])}_bank_confirmation.pdf",
                             "RIB.pdf" if b.lang == "fr" else "Remittance.pdf"]))
    if _chance(rng, 0.6):
        b.para([b.p("urgency")])
    b.sign(_sig_lines(rng, contact, b.lang, _pick(rng, [0, 1, 2, 3])), mobile=0.1)
    # the fabricated history: the recipient's earlier mail, sometimes quoting the vendor's before it
    style = _quote_style(rng, s.client)
    t1 = b.when - timedelta(hours=rng.randint(3, 120))
    earlier = [("p", b.p("earlier")), ("sig", [_pick(rng, _C[b.lang]["bye"])] + _sig_lines(rng, rcpt, b.lang,
                                                                                           _pick(rng, [1, 2, 3])))]
    if _chance(rng, 0.5):
        t0 = t1 - timedelta(hours=rng.randint(5, 200))
        earlier.append(_quote(b, style, contact, rcpt.email, topic,
                              [("p", _pick(rng, _C[b.lang]["hi"]).format(first=rcpt.first)),
                               ("p", b.p("vendor_earlier")),
                               ("sig", _sig_lines(rng, contact, b.lang, 3))], t0))
    b.blocks.append(_quote(b, style, rcpt, contact.email, (b.re_prefix() if _chance(rng, 0.5) else "") + topic, earlier,
                           t1))
    if _chance(rng, 0.35):
        b.in_reply_to = f"<{_hex(rng, 24)}@{ORG}>"
        b.references = [f"<{_hex(rng, 20)}@{v.domain}>", b.in_reply_to] if _chance(rng, 0.5) else [b.in_reply_to]
    subject = b.re_prefix() + topic
    if _chance(rng, 0.3):
        b.cc = [_fmt_to(rng, _staff(rng, b.lang, "finance"))]
    _attack_typos(b, 0.15)
    msg = _finish(b, s, [_fmt_to(rng, rcpt)], subject)
    return msg, "thread_hijack", b.legs(impersonation=True, trust=True, payload=variant != "later" or bool(b.reply_to),
                                        goal=True)


_T["payroll"] = {
    "en": dict(
        subject=["Direct deposit change", "Update direct deposit", "Change of bank details", "Payroll update",
                 "Question about my paycheck", "!Urgent: direct deposit update", "New bank account", "Bank info change",
                 "Direct deposit", "Payroll information", "Salary account", "!Paycheck - urgent"],
        ask=["I recently changed banks and need to update my direct deposit information.",
             "I would like to change the account my salary is paid into.",
             "Can you update my direct deposit details before the next payroll?",
             "I need to switch my paycheck to a new bank account.",
             "Please update my payroll bank details."],
        q=["What do you need from me to make the change?", "Can you let me know the process?",
           "Please let me know if there is a form I need to fill out.", "Is it possible to do this by email?"],
        details=["Here are the new details:", "New account details below:", "Please use this account from now on:"],
        att=["I have attached a voided check.", "Attached is the bank letter with the new account.",
             "I've attached a screenshot of the new account details."],
        urgency=["I need this to take effect for this pay period.", "Please make the change before Friday's payroll.",
                 "It's quite urgent as my old account is being closed.", "Can this be done today?"],
        pretext=["I can't access the HR portal from home.", "I'm travelling and can't log in to the portal.",
                 "The self-service site keeps giving me an error."]),
    "de": dict(
        subject=["Änderung Bankverbindung", "Neue Kontoverbindung für Gehalt", "Gehaltskonto ändern",
                 "!Dringend: neue Bankdaten"],
        ask=["Ich habe die Bank gewechselt und möchte meine Bankverbindung für die Gehaltszahlung ändern.",
             "Können Sie bitte mein Gehaltskonto vor der nächsten Abrechnung ändern?"],
        q=["Was benötigen Sie dafür von mir?", "Gibt es ein Formular, das ich ausfüllen muss?"],
        details=["Hier die neuen Daten:", "Bitte ab sofort dieses Konto verwenden:"],
        att=["Anbei eine Bestätigung der Bank.", "Im Anhang ein Screenshot der neuen Kontodaten."],
        urgency=["Die Änderung sollte bitte schon für diesen Monat gelten.",
                 "Es ist dringend, mein altes Konto wird geschlossen."],
        pretext=["Ich komme von zu Hause nicht ins Personalportal.",
                 "Ich bin unterwegs und kann mich nicht im Portal anmelden."]),
    "fr": dict(
        subject=["Changement de RIB", "Modification coordonnées bancaires salaire", "Nouveau compte bancaire",
                 "!Urgent : RIB paie"],
        ask=["J'ai changé de banque et je souhaite mettre à jour mon RIB pour le versement du salaire.",
             "Pouvez-vous modifier mon compte de paie avant la prochaine paie ?"],
        q=["De quoi avez-vous besoin pour faire le changement ?", "Y a-t-il un formulaire à remplir ?"],
        details=["Voici mes nouvelles coordonnées :", "Merci d'utiliser ce compte désormais :"],
        att=["Vous trouverez mon nouveau RIB en pièce jointe.", "Ci-joint une capture de mes nouvelles coordonnées."],
        urgency=["J'aimerais que ce soit pris en compte pour cette paie.",
                 "C'est urgent, mon ancien compte va être clôturé."],
        pretext=["Je n'arrive pas à accéder au portail RH depuis chez moi.",
                 "Je suis en déplacement et ne peux pas me connecter."]),
    "pt": dict(
        subject=["Alteração de conta salário", "Atualizar dados bancários", "Nova conta para pagamento",
                 "!Urgente: conta salário"],
        ask=["Mudei de banco e preciso atualizar a conta onde recebo o salário.",
             "Pode alterar minha conta salário antes da próxima folha?"],
        q=["O que vocês precisam de mim para fazer a alteração?", "Existe algum formulário para preencher?"],
        details=["Seguem os novos dados:", "Por favor, usem esta conta a partir de agora:"],
        att=["Segue em anexo o comprovante da conta.", "Anexei um print dos novos dados."],
        urgency=["Preciso que a alteração valha já para este mês.", "É urgente, minha conta antiga vai ser encerrada."],
        pretext=["Não consigo acessar o portal do RH de casa.", "Estou viajando e não consigo entrar no portal."]),
    "nl": dict(
        subject=["Wijziging rekeningnummer salaris", "Nieuw rekeningnummer", "Salarisrekening aanpassen",
                 "!Spoed: bankgegevens"],
        ask=["Ik ben overgestapt naar een andere bank en wil mijn rekeningnummer voor het salaris wijzigen.",
             "Kunnen jullie mijn salarisrekening aanpassen voor de volgende verloning?"],
        q=["Wat hebben jullie van mij nodig?", "Is er een formulier dat ik moet invullen?"],
        details=["Hier de nieuwe gegevens:", "Graag voortaan deze rekening gebruiken:"],
        att=["Bijgaand een bevestiging van de bank.", "In de bijlage een screenshot van de nieuwe rekening."],
        urgency=["Ik wil graag dat het deze maand al ingaat.", "Het is dringend, mijn oude rekening wordt opgeheven."],
        pretext=["Ik kan vanuit huis niet in het HR-portaal.", "Ik ben op reis en kan niet inloggen."]),
}


def payroll(rng: random.Random, when: datetime):
    b = _B(rng, when, "payroll")
    emp = _staff(rng, b.lang, "other")
    hr = _staff(rng, b.lang, "hr")
    how = _weighted(rng, [("freemail", 70), ("spoof", 15), ("lookalike", 15)])
    display = _pick(rng, [emp.name, emp.name, emp.first, f"{emp.last}, {emp.first}"])
    if how == "freemail":
        s = _freemail_sender(rng, display, _person_local(rng, emp, False), b.lang)
    elif how == "spoof":
        s = _sender(rng, display, emp.email, "spoof")
        _divert(b, emp, display)
    else:
        s = _sender(rng, display, f"{emp.email.split('@')[0]}@{_lookalike(rng, emp.domain)}", "lookalike")
    b.ctx.update(first=hr.first)
    variant = _weighted(rng, [("question", 45), ("details", 35), ("attach", 20)])
    pressure = _chance(rng, 0.45)
    to = [_fmt_to(rng, hr)] if _chance(rng, 0.5) else [_role_box(rng, "hr")]
    b.greet(hr.first if hr.email in to[0] else None, 0.1)
    b.para([b.p("ask")] + ([b.p("pretext")] if pressure and _chance(rng, 0.5) else [])
           + ([b.p("q")] if variant == "question" else [b.p("details")] if variant == "details" else [b.p("att")]))
    if variant == "details":
        d = _bank_details(rng, b.lang, emp.name)
        b.kv([(k, v) for k, v in d if k != "address"])
    elif variant == "attach":
        if _chance(rng, 0.5):
            b.attach(_png(rng, 4, 3), "image/png", _pick(rng, ["voided_check.png", "IMG_" + _digits(rng, 4) + ".png",
                                                               "bank.png", "screenshot.png"]))
        else:
            b.attach(_instruction_pdf(b, "DIRECT DEPOSIT AUTHORIZATION", emp.name, _bank_details(rng, b.lang,
                                                                                                 emp.name)),
                     "application/pdf", _pick(rng, ["direct_deposit_form.pdf", "bank_letter.pdf", "DD_form.pdf"]))
    if pressure:
        b.para([b.p("urgency")])
    b.sign([emp.first] if _chance(rng, 0.6) else [emp.name], mobile=0.3)
    subject = b.subject(pressure)
    _attack_typos(b, 0.3)
    msg = _finish(b, s, to, subject)
    return msg, "payroll", b.legs(impersonation=True, trust=pressure, payload=variant != "question" or bool(b.reply_to),
                                  goal=True)


_T["tax_data"] = {
    "en": dict(
        subject=["W-2 request", "!Urgent - W-2s needed today", "Employee tax forms", "Request for W2 copies",
                 "Payroll data for audit", "Quick request - W-2 forms", "Year-end tax documents",
                 "Employee wage statements",
                 "Request", "!Confidential - payroll review"],
        ask=["I need copies of all employees' W-2 forms for {year} for a review with our accountants.",
             "Please send me the {year} W-2s for all staff, in PDF.",
             "Can you pull the W-2 wage and tax statements for every employee for {year}?",
             "I need a list of all employees with their SSNs, addresses and {year} wages."],
        how=["Please send them as PDF attachments.", "A zipped file of the PDFs is fine.",
             "An Excel export from the payroll system is fine.", "Just reply to this email with the files."],
        urgency=["I need them today, the auditors are waiting.", "Please send asap.",
                 "This is needed before end of day."],
        secrecy=["Keep this between us for now.", "Please don't mention it to the team, it's a confidential review."],
        lure=["Are you at your desk? I need a quick report from you.",
              "I need your help pulling some data today - let me know when you're free."]),
    "de": dict(
        subject=["Lohnsteuerbescheinigungen", "!Dringend: Gehaltsdaten", "Anfrage Lohndaten",
                 "Unterlagen für die Prüfung"],
        ask=["Ich benötige die Lohnsteuerbescheinigungen {year} aller Mitarbeiter für eine Prüfung mit unseren "
             "Steuerberatern.",
             "Bitte schicken Sie mir eine Liste aller Mitarbeiter mit Steuer-ID, Anschrift und Jahresgehalt {year}."],
        how=["Bitte als PDF-Anhang.", "Ein Excel-Export aus dem Lohnprogramm reicht."],
        urgency=["Ich brauche das heute, die Prüfer warten.", "Bitte so schnell wie möglich."],
        secrecy=["Bitte behalten Sie das vorerst für sich.", "Bitte nicht im Team ansprechen, es ist vertraulich."],
        lure=["Sind Sie am Platz? Ich brauche kurz eine Auswertung von Ihnen."]),
    "fr": dict(
        subject=["Attestations fiscales des salariés", "!Urgent : données de paie", "Demande de bulletins",
                 "Documents pour l'audit"],
        ask=["J'ai besoin des attestations fiscales {year} de tous les salariés pour une revue avec nos "
             "experts-comptables.",
             "Merci de m'envoyer la liste des salariés avec numéro de sécurité sociale, adresse et salaire {year}."],
        how=["En pièces jointes PDF, s'il vous plaît.", "Un export Excel du logiciel de paie suffit."],
        urgency=["J'en ai besoin aujourd'hui, les auditeurs attendent.", "Merci de l'envoyer au plus vite."],
        secrecy=["Merci de garder cela pour vous.", "N'en parlez pas à l'équipe, c'est confidentiel."],
        lure=["Êtes-vous à votre bureau ? J'ai besoin d'un petit rapport."]),
    "pt": dict(
        subject=["Informes de rendimentos", "!Urgente: dados da folha", "Pedido de documentos fiscais",
                 "Documentos para auditoria"],
        ask=["Preciso dos informes de rendimentos de {year} de todos os funcionários para uma revisão com a "
             "contabilidade.",
             "Por favor, envie a lista de funcionários com CPF, endereço e salário de {year}."],
        how=["Em PDF, por favor.", "Uma planilha exportada do sistema de folha serve."],
        urgency=["Preciso disso hoje, os auditores estão aguardando.", "Envie o quanto antes."],
        secrecy=["Mantenha isso entre nós por enquanto.", "Não comente com a equipe, é confidencial."],
        lure=["Está na sua mesa? Preciso de um relatório rápido."]),
    "nl": dict(
        subject=["Jaaropgaven medewerkers", "!Spoed: salarisgegevens", "Verzoek loongegevens",
                 "Stukken voor de controle"],
        ask=["Ik heb de jaaropgaven {year} van alle medewerkers nodig voor een controle met onze accountant.",
             "Stuur me graag een lijst van alle medewerkers met BSN, adres en jaarsalaris {year}."],
        how=["Graag als pdf-bijlage.", "Een Excel-export uit het salarissysteem is prima."],
        urgency=["Ik heb het vandaag nodig, de accountant wacht.", "Graag zo snel mogelijk."],
        secrecy=["Hou dit voorlopig voor je.", "Niet bespreken met het team, het is vertrouwelijk."],
        lure=["Zit je aan je bureau? Ik heb snel een overzicht nodig."]),
}


def tax_data(rng: random.Random, when: datetime):
    b = _B(rng, when, "tax_data")
    vip = _vip(rng, b.lang)
    hr = _staff(rng, b.lang, "hr")
    s, how = _vip_impostor(b, vip, spoof=20)
    if how != "spoof" and _chance(rng, 0.3):
        _divert(b, vip, s.display)
    b.ctx.update(first=hr.first, year=when.year - 1)
    lure = _chance(rng, 0.2)
    pressure = lure or _chance(rng, 0.75)
    to = [_fmt_to(rng, hr)] if _chance(rng, 0.6) else [_role_box(rng, "hr")]
    b.greet(hr.first if hr.email in to[0] else None, 0.15)
    if lure:
        b.para([b.p("lure")])
    else:
        b.para([b.p("ask"), b.p("how")] + (_pressure(b, [("urgency", 0.7), ("secrecy", 0.5)]) if pressure else []))
    b.sign(_sig_lines(rng, vip, b.lang, _pick(rng, [0, 1, 2, 3]), phone=False), bye=_chance(rng, 0.6), mobile=0.3)
    subject = b.subject(pressure)
    if pressure:
        _pressure_headers(b, 0.15)
    _attack_typos(b)
    msg = _finish(b, s, to, subject)
    return msg, "tax_data", b.legs(impersonation=True, trust=pressure, payload=bool(b.reply_to), goal=not lure)


# ================================================================================ attacks: phishing, lures, malware

_DOCS = ["Q{q} Financial Report.pdf", "Signed Agreement.pdf", "Payment Advice {n}.pdf", "Updated Salary Structure.xlsx",
         "Project Proposal.docx", "Invoice_{n}.pdf", "Employee Handbook {year}.pdf", "NDA - {company}.pdf",
         "Purchase Order {n}.pdf", "Contract Amendment.docx", "Remittance Details.pdf", "Bonus Allocation {year}.xlsx"]

_T["credentials"] = {
    "en": dict(
        security_subject=["!Action required: unusual sign-in activity", "Security alert",
                          "!Your account has been limited",
                          "Unusual sign-in attempt", "!Account suspended", "We noticed a new login",
                          "Verify your identity",
                          "!Your account will be locked"],
        security_text=["We detected an unusual sign-in attempt to your {brand} account from {city}.",
                       "Your {brand} account has been temporarily limited due to suspicious activity.",
                       "Our security systems flagged a login from a new device on your account.",
                       "Someone tried to access your {brand} account using your password."],
        security_cta=["Verify account", "Review activity", "Secure my account", "Confirm identity"],
        expiry_subject=["!Your password expires today", "Password expiry notice for {email}", "!Mailbox storage full",
                        "Mailbox quota exceeded", "Re-validate your mailbox",
                        "!Action required: email account verification",
                        "Your mailbox will be deactivated", "Pending messages on hold"],
        expiry_text=["The password for {email} expires today.",
                     "Your mailbox has reached {pct}% of its storage limit and will soon stop receiving messages.",
                     "Your email account must be re-validated to avoid deactivation.",
                     "Due to a system upgrade, all users must confirm their account details.",
                     "{n} incoming messages have been held because your mailbox could not be verified."],
        expiry_cta=["Keep current password", "Upgrade storage", "Validate mailbox", "Confirm account",
                    "Release messages"],
        share_subject=["{sender_name} shared \"{doc}\" with you", "Please review and sign: {doc}",
                       "Document shared via {brand}",
                       "{sender_name} sent you a file", "New document: {doc}", "You have a new secure document"],
        share_text=["{sender_name} has shared a document with you: \"{doc}\".",
                    "You have received a secure document from {sender_name} via {brand}.",
                    "A file has been shared with you for review: {doc}.",
                    "{sender_name} sent you a document to review and sign."],
        share_cta=["Open document", "View document", "Review document", "Open in {brand}", "REVIEW DOCUMENT"],
        voicemail_subject=["New voicemail from {phone}", "Voice message received ({secs}s)", "You have a missed call",
                           "Voicemail: {secs} seconds"],
        voicemail_text=["You have a new voicemail from {phone} ({secs} seconds).",
                        "A caller left you a voice message at {time}."],
        voicemail_cta=["Listen to message", "Play voicemail"],
        billing_subject=["!Payment declined - update your billing", "Your subscription is on hold",
                         "!Problem with your payment method", "Billing information needed",
                         "Your membership has been suspended"],
        billing_text=["We were unable to process your last payment.",
                      "Your payment method has expired and your subscription is on hold.",
                      "There is a problem with the billing information on your account."],
        billing_cta=["Update payment details", "Update billing", "Restore access"],
        lead=["Please click the link below to continue:", "To continue, sign in below.", "Use the button below:",
              "You can review it here:", "Sign in to continue."],
        threat=["If you do not verify within 24 hours, your account will be suspended.",
                "Failure to confirm will result in permanent loss of access.", "This link expires in {hours} hours.",
                "Unverified accounts will be closed on {date}.",
                "You will stop receiving emails until this is resolved."],
        calm=["If you have any questions, contact your administrator.", "This notification was sent to {email}.",
              "Thank you for using {brand}."],
        close=["The {brand} Team", "{brand} Account Services", "{brand} Security", "Thank you, {brand}"],
        it_close=["IT Service Desk", "Help Desk", "Mail Administrator", "System Administrator", "IT Support Team"],
        att_text=["Your secure document is attached. Open it to sign in and view.",
                  "Please open the attached file to review the message.",
                  "The attached file contains the details. Sign in to view it."]),
    "de": dict(
        security_subject=["!Ungewöhnliche Anmeldeaktivität", "Sicherheitswarnung", "!Ihr Konto wurde eingeschränkt",
                          "Bestätigen Sie Ihre Identität"],
        security_text=["Wir haben einen ungewöhnlichen Anmeldeversuch bei Ihrem {brand}-Konto aus {city} festgestellt.",
                       "Ihr {brand}-Konto wurde aufgrund verdächtiger Aktivitäten vorübergehend eingeschränkt."],
        security_cta=["Konto bestätigen", "Aktivität prüfen", "Jetzt verifizieren"],
        expiry_subject=["!Ihr Passwort läuft heute ab", "Postfach voll", "Postfach erneut bestätigen"],
        expiry_text=["Das Passwort für {email} läuft heute ab.",
                     "Ihr Postfach hat {pct}% des Speicherplatzes erreicht.",
                     "Ihr E-Mail-Konto muss erneut bestätigt werden, um eine Deaktivierung zu vermeiden."],
        expiry_cta=["Aktuelles Passwort behalten", "Speicher erweitern", "Postfach bestätigen"],
        share_subject=["{sender_name} hat \"{doc}\" mit Ihnen geteilt", "Bitte prüfen und unterschreiben: {doc}",
                       "Neues Dokument: {doc}"],
        share_text=["{sender_name} hat ein Dokument mit Ihnen geteilt: \"{doc}\".",
                    "Sie haben ein sicheres Dokument von {sender_name} erhalten."],
        share_cta=["Dokument öffnen", "Dokument anzeigen"],
        billing_subject=["!Zahlung fehlgeschlagen", "Ihr Abonnement wurde pausiert",
                         "Zahlungsinformationen aktualisieren"],
        billing_text=["Wir konnten Ihre letzte Zahlung nicht verarbeiten.", "Ihre Zahlungsmethode ist abgelaufen."],
        billing_cta=["Zahlungsdaten aktualisieren", "Zugang wiederherstellen"],
        lead=["Bitte klicken Sie auf den folgenden Link:", "Melden Sie sich an, um fortzufahren."],
        threat=["Wenn Sie nicht innerhalb von 24 Stunden bestätigen, wird Ihr Konto gesperrt.",
                "Dieser Link ist {hours} Stunden gültig."],
        calm=["Bei Fragen wenden Sie sich an Ihren Administrator.", "Vielen Dank, dass Sie {brand} nutzen."],
        close=["Ihr {brand}-Team", "{brand} Kundenservice"], it_close=["IT-Service-Desk", "IT-Support",
                                                                       "Systemadministrator"],
        att_text=["Ihr sicheres Dokument ist angehängt. Öffnen Sie es, um sich anzumelden."]),
    "fr": dict(
        security_subject=["!Activité de connexion inhabituelle", "Alerte de sécurité", "!Votre compte a été limité",
                          "Vérifiez votre identité"],
        security_text=["Nous avons détecté une tentative de connexion inhabituelle à votre compte {brand} depuis "
                       "{city}.",
                       "Votre compte {brand} a été temporairement limité suite à une activité suspecte."],
        security_cta=["Vérifier le compte", "Examiner l'activité", "Confirmer mon identité"],
        expiry_subject=["!Votre mot de passe expire aujourd'hui", "Boîte aux lettres pleine",
                        "Revalidez votre messagerie"],
        expiry_text=["Le mot de passe de {email} expire aujourd'hui.",
                     "Votre boîte aux lettres a atteint {pct}% de sa capacité.",
                     "Votre compte de messagerie doit être revalidé pour éviter sa désactivation."],
        expiry_cta=["Conserver le mot de passe", "Augmenter l'espace", "Valider la messagerie"],
        share_subject=["{sender_name} a partagé \"{doc}\" avec vous", "À examiner et signer : {doc}",
                       "Nouveau document : {doc}"],
        share_text=["{sender_name} a partagé un document avec vous : \"{doc}\".",
                    "Vous avez reçu un document sécurisé de {sender_name}."],
        share_cta=["Ouvrir le document", "Voir le document"],
        billing_subject=["!Paiement refusé", "Votre abonnement est suspendu",
                         "Mettez à jour vos informations de paiement"],
        billing_text=["Nous n'avons pas pu traiter votre dernier paiement.", "Votre moyen de paiement a expiré."],
        billing_cta=["Mettre à jour le paiement", "Rétablir l'accès"],
        lead=["Veuillez cliquer sur le lien ci-dessous :", "Connectez-vous pour continuer."],
        threat=["Sans vérification sous 24 heures, votre compte sera suspendu.", "Ce lien expire dans {hours} heures."],
        calm=["Pour toute question, contactez votre administrateur.", "Merci d'utiliser {brand}."],
        close=["L'équipe {brand}", "Service client {brand}"], it_close=["Support informatique", "Service Desk",
                                                                        "Administrateur messagerie"],
        att_text=["Votre document sécurisé est en pièce jointe. Ouvrez-le pour vous connecter."]),
    "pt": dict(
        security_subject=["!Atividade de login incomum", "Alerta de segurança", "!Sua conta foi limitada",
                          "Confirme sua identidade"],
        security_text=["Detectamos uma tentativa de acesso incomum à sua conta {brand} a partir de {city}.",
                       "Sua conta {brand} foi limitada temporariamente devido a atividade suspeita."],
        security_cta=["Verificar conta", "Revisar atividade", "Confirmar identidade"],
        expiry_subject=["!Sua senha expira hoje", "Caixa de correio cheia", "Revalide seu e-mail"],
        expiry_text=["A senha de {email} expira hoje.", "Sua caixa de correio atingiu {pct}% do limite.",
                     "Sua conta de e-mail precisa ser revalidada para evitar a desativação."],
        expiry_cta=["Manter senha atual", "Aumentar espaço", "Validar conta"],
        share_subject=["{sender_name} compartilhou \"{doc}\" com você", "Revisar e assinar: {doc}",
                       "Novo documento: {doc}"],
        share_text=["{sender_name} compartilhou um documento com você: \"{doc}\".",
                    "Você recebeu um documento seguro de {sender_name}."],
        share_cta=["Abrir documento", "Ver documento"],
        billing_subject=["!Pagamento recusado", "Sua assinatura foi suspensa", "Atualize seus dados de pagamento"],
        billing_text=["Não conseguimos processar seu último pagamento.", "Sua forma de pagamento expirou."],
        billing_cta=["Atualizar pagamento", "Restaurar acesso"],
        lead=["Clique no link abaixo para continuar:", "Faça login para continuar."],
        threat=["Se não verificar em 24 horas, sua conta será bloqueada.", "Este link expira em {hours} horas."],
        calm=["Em caso de dúvidas, fale com o administrador.", "Obrigado por usar {brand}."],
        close=["Equipe {brand}", "Atendimento {brand}"], it_close=["Suporte de TI", "Service Desk",
                                                                   "Administrador de e-mail"],
        att_text=["Seu documento seguro está em anexo. Abra-o para entrar."]),
    "nl": dict(
        security_subject=["!Ongebruikelijke aanmeldactiviteit", "Beveiligingsmelding", "!Uw account is beperkt",
                          "Bevestig uw identiteit"],
        security_text=["We hebben een ongebruikelijke inlogpoging op uw {brand}-account vanuit {city} gedetecteerd.",
                       "Uw {brand}-account is tijdelijk beperkt vanwege verdachte activiteit."],
        security_cta=["Account verifiëren", "Activiteit bekijken", "Identiteit bevestigen"],
        expiry_subject=["!Uw wachtwoord verloopt vandaag", "Mailbox vol", "Mailbox opnieuw valideren"],
        expiry_text=["Het wachtwoord voor {email} verloopt vandaag.",
                     "Uw mailbox heeft {pct}% van de opslaglimiet bereikt.",
                     "Uw e-mailaccount moet opnieuw worden gevalideerd om deactivering te voorkomen."],
        expiry_cta=["Huidig wachtwoord behouden", "Opslag uitbreiden", "Mailbox valideren"],
        share_subject=["{sender_name} heeft \"{doc}\" met u gedeeld", "Controleren en ondertekenen: {doc}",
                       "Nieuw document: {doc}"],
        share_text=["{sender_name} heeft een document met u gedeeld: \"{doc}\".",
                    "U heeft een beveiligd document ontvangen van {sender_name}."],
        share_cta=["Document openen", "Document bekijken"],
        billing_subject=["!Betaling mislukt", "Uw abonnement is gepauzeerd", "Werk uw betaalgegevens bij"],
        billing_text=["We konden uw laatste betaling niet verwerken.", "Uw betaalmethode is verlopen."],
        billing_cta=["Betaalgegevens bijwerken", "Toegang herstellen"],
        lead=["Klik op de onderstaande link:", "Log in om verder te gaan."],
        threat=["Als u niet binnen 24 uur bevestigt, wordt uw account geblokkeerd.",
                "Deze link verloopt over {hours} uur."],
        calm=["Neem bij vragen contact op met uw beheerder.", "Bedankt voor het gebruik van {brand}."],
        close=["Het {brand}-team", "{brand} Klantenservice"], it_close=["IT Servicedesk", "Helpdesk", "Systeembeheer"],
        att_text=["Uw beveiligde document is bijgevoegd. Open het om in te loggen."]),
}


def _login_form_html(rng: random.Random, brand: str, action: str, email: str, lang: str) -> bytes:
    word = {"en": "Sign in", "de": "Anmelden", "fr": "Se connecter", "pt": "Entrar", "nl": "Aanmelden"}[lang]
    pw = {"en": "Password", "de": "Passwort", "fr": "Mot de passe", "pt": "Senha", "nl": "Wachtwoord"}[lang]
    return (f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{_h(brand)} - {word}</title></head>'
            f'<body style="font-family:Segoe UI,Arial,sans-serif;background:#f2f2f2"><div '
            f'style="width:360px;margin:80px auto;'
            f'background:#fff;padding:32px"><h2>{_h(brand)}</h2><p>{word}</p><form method="POST" action="{action}">'
            f'<input type="email" name="login" value="{_h(email)}" style="width:100%"><br><br>'
            f'<input type="password" name="passwd" placeholder="{pw}" style="width:100%"><br><br>'
            f'<button type="submit">{word}</button></form><!-- {_hex(rng, 16)} --></div></body></html>').encode()


def credentials(rng: random.Random, when: datetime):
    b = _B(rng, when, "credentials")
    rcpt = _staff(rng, b.lang, _pick(rng, ["other", "finance", "assistant", "hr"]))
    themes = [t for t in ("security", "expiry", "share", "voicemail", "billing") if b.has(f"{t}_text")]
    theme = _weighted(rng, [(t, {"security": 3, "expiry": 3, "share": 3, "voicemail": 1,
                                 "billing": 1.5}[t]) for t in themes])
    brand = _pick(rng, _LANG_BRANDS[b.lang])
    if theme == "share":
        brand = _pick(rng, ["docusign", "microsoft", "dropbox", "adobe", "google", "microsoft"])
    if theme == "voicemail":
        brand = "microsoft"
    names, _, web, _ = _BRANDS[brand]
    bdom = _brand_domain(brand)
    sf, sl = _name(rng, b.lang)
    b.ctx.update(first=rcpt.first, email=rcpt.email, city=_pick(rng, _CITIES), pct=rng.randint(95, 99),
                 n=rng.randint(4, 37),
                 sender_name=f"{sf} {sl}", phone=_phone(rng, "en"), secs=rng.randint(14, 95), time=_cutoff(rng, b.lang),
                 hours=_pick(rng, [12, 24, 48]), date=_day(rng, b.lang, b.when + timedelta(days=rng.randint(1, 3))),
                 doc=_pick(rng, _DOCS).format(q=rng.randint(1, 4), n=rng.randint(1000, 99999), year=when.year,
                                              company=_pick(rng, _PAYEES)))
    vendor_for_display = _vendor(rng).name
    brand_name = _pick(rng, names).format(vendor=vendor_for_display)
    b.ctx["brand"] = _BRAND_TEXT.get(brand, brand_name)
    # who sends it
    imp = True
    if theme == "expiry":
        display = _pick(rng, ["IT Service Desk", f"{_pick(rng, ORG_NAMES)} IT Support", "Mail Administrator",
                              "Microsoft 365 Admin",
                              "helpdesk", f"{ORG} Administrator", "Email Security"])
        dom = _weighted(rng, [(_lookalike(rng, ORG), 45), (_biz_domain(rng, b.lang), 30), (_scam_domain(rng), 25)])
        s = _sender(rng, display,
                    f"{_pick(rng, ['it', 'helpdesk', 'admin', 'noreply', 'support', 'postmaster', 'mailadmin'])}@{dom}",
                    "lookalike" if ORG.split(".")[0][:4] in dom else "bulk")
        close = b.p("it_close")
    elif theme == "share" and _chance(rng, 0.35):
        imp = False                 # a stranger's (compromised) account sharing a "document"
        display = f"{sf} {sl}"
        s = _sender(rng, display, f"{_addr_style(rng, sf, sl)}@{_biz_domain(rng, b.lang)}", "compromised")
        close = f"{sf} {sl}"
    else:
        how = _weighted(rng, [("lookalike", 30), ("compromised", 25), ("scam", 20), ("esp", 15), ("freemail", 5),
                              ("puny", 5)])
        local = _pick(rng, ["no-reply", "noreply", "security", "account", "service", "support", "alert", "info",
                            "billing"])
        if how in ("lookalike", "puny"):
            s = _sender(rng, brand_name, f"{local}@{_lookalike(rng, bdom, 'homoglyph' if how == 'puny' else None)}",
                        "lookalike")
        elif how == "compromised":
            s = _sender(rng, brand_name, f"{local}@{_biz_domain(rng, b.lang)}", "compromised")
        elif how == "esp":
            s = _sender(rng, brand_name, f"{local}@{_scam_domain(rng)}", "bulk", platform="esp")
        elif how == "freemail":
            s = _freemail_sender(rng, brand_name, f"{_local(brand)}.{local}{rng.randint(1, 999)}", b.lang)
        else:
            s = _sender(rng, brand_name, f"{local}@{_scam_domain(rng)}", "bulk")
        close = b.p("close")
    if theme == "expiry":
        link_dom = _lookalike(rng, ORG) if _chance(rng, 0.3) else None
    else:
        link_dom = bdom if imp else None
    url = _bad_url(rng, b.lang, link_dom, rcpt.email)
    deceptive = _chance(rng, 0.35)
    anchor = _fake_anchor(rng, bdom if theme != "expiry" else f"{_pick(rng, ['mail', 'portal', 'sso', 'webmail'])}."
                                                              f"{ORG}") if deceptive else b.p(f"{theme}_cta")
    b.need_html = deceptive
    pressure = _chance(rng, 0.85 if theme in ("security", "expiry", "billing") else 0.4)
    attach = _chance(rng, 0.15)
    b.style_hint = "notify" if _chance(rng, 0.75) else None
    if b.style_hint:
        b.logo = (f"https://{_pick(rng, ['i.imgur.com', 'cdn.' + _scam_domain(rng), _biz_domain(rng, 'en') + '/img'])}"
                  f"/{_alnum(rng, 7)}.png", b.ctx["brand"])
    b.greet(rcpt.first if _chance(rng, 0.5) else None, 0.2)
    early_threat = pressure and _chance(rng, 0.5)
    b.para([b.p(f"{theme}_text")] + ([b.p("threat")] if early_threat else []), split=0.3)
    if attach:
        b.para([b.p("att_text")])
        kind = _pick(rng, ["html", "html", "htm", "svg", "shtml"])
        fname = _pick(rng, ["Secure_Message", "Document", "Voicemail_" + _digits(rng, 4), "Invoice_" + _digits(rng, 5),
                            "Review_" + b.ctx["doc"].split(".")[0].replace(" ", "_"),
                            "ATT" + _digits(rng, 5)]) + "." + kind
        if kind == "svg":
            data = (f'<svg xmlns="http://www.w3.org/2000/svg" width="1" '
                    f'height="1"><script><![CDATA[window.location.href="{url}"]]>'
                    f'</script></svg>').encode()
            b.attach(data, "image/svg+xml", fname)
        else:
            b.attach(_login_form_html(rng, b.ctx["brand"], url, rcpt.email, b.lang), "text/html", fname)
    if not attach or _chance(rng, 0.4):
        if _chance(rng, 0.6):
            if _chance(rng, 0.5):
                b.blocks.append(("p", b.p("lead")))
            b.blocks.append(("btn", url, anchor) if not deceptive else ("p", _link(url, anchor)))
        else:
            b.blocks.append(("p", f"{b.p('lead')} {_link(url, anchor)}"))
    if pressure and not early_threat:
        b.para([b.p("threat")])
    elif _chance(rng, 0.5):
        b.para([b.p("calm")])
    b.sign([close], bye=_chance(rng, 0.4))
    if _chance(rng, 0.3):
        b.blocks.append(("foot", f"\u00a9 {when.year} {b.ctx['brand']}. {_pick(rng, _RIGHTS[b.lang])}".rstrip()))
    subject = b.subject(pressure, f"{theme}_subject")
    _attack_typos(b, 0.2)
    msg = _finish(b, s, [_fmt_to(rng, rcpt)], subject)
    return msg, "credentials", b.legs(impersonation=imp, trust=pressure, payload=True, goal=True)


_T["crypto"] = {
    "en": dict(
        exchange_subject=["!Withdrawal request for {btc_amt} BTC", "!Action required: complete your KYC verification",
                          "Your {brand} account has been restricted", "New device login to your {brand} account",
                          "!Unauthorized withdrawal attempt", "Wallet verification required"],
        exchange_text=["A withdrawal of {btc_amt} BTC (~{usd}) was requested from your {brand} account. If this was "
                       "not you, cancel it immediately.",
                       "To comply with new regulations, all {brand} users must complete identity verification.",
                       "We detected a login to your {brand} wallet from a new device in {city}.",
                       "Your wallet needs to be synchronised after our latest security update."],
        exchange_cta=["Cancel withdrawal", "Verify now", "Secure account", "Complete verification", "Sync wallet"],
        lure_subject=["Your portfolio is ready", "Turn {small} into {big} in 30 days",
                      "Exclusive: AI trading invitation",
                      "You have {btc_amt} BTC waiting", "Last chance to claim your profit",
                      "Private investment opportunity",
                      "Re: your crypto account balance"],
        lure_text=["Our AI trading platform delivered {pct}% returns to members last month.",
                   "You have been selected to join a private crypto investment club.",
                   "Your account has accumulated {btc_amt} BTC in mining rewards that are ready to withdraw.",
                   "Early investors in our new token have multiplied their capital {x} times."],
        lure_cta=["Start earning", "Claim your BTC", "Join now", "Withdraw profit", "Activate account"],
        giveaway_subject=["Official {brand} giveaway", "{total} BTC giveaway - today only",
                          "Congratulations, you qualify!"],
        giveaway_text=["To celebrate our anniversary we are giving away {total} BTC to our community.",
                       "Send between 0.01 and 5 BTC to the address below and receive double back instantly."],
        wallet_intro=["Participation address:", "Send to:", "Wallet:"],
        pressure=["This offer expires in {hours} hours.", "Only {n} places left.",
                  "Withdrawals not confirmed within 24 hours will be processed automatically.",
                  "Act now before the price moves."],
        flattery=["Congratulations!", "As one of our most valued members, you get early access.",
                  "You have been specially selected."],
        calm=["Regards,", "Happy investing.", "Thank you for being a member."]),
    "de": dict(
        exchange_subject=["!Auszahlungsanfrage über {btc_amt} BTC", "!Verifizierung erforderlich",
                          "Ihr {brand}-Konto wurde eingeschränkt"],
        exchange_text=["Von Ihrem {brand}-Konto wurde eine Auszahlung von {btc_amt} BTC (~{usd}) angefordert. Wenn Sie "
                       "das nicht waren, stornieren Sie sie sofort.",
                       "Aufgrund neuer Vorschriften müssen alle {brand}-Nutzer ihre Identität bestätigen."],
        exchange_cta=["Auszahlung stornieren", "Jetzt verifizieren"],
        lure_subject=["Ihr Portfolio ist bereit", "Exklusive Einladung: KI-Trading",
                      "Sie haben {btc_amt} BTC zur Auszahlung"],
        lure_text=["Unsere KI-Handelsplattform hat im letzten Monat {pct}% Rendite erzielt.",
                   "Sie wurden für einen privaten Krypto-Investmentclub ausgewählt."],
        lure_cta=["Jetzt starten", "BTC abholen"],
        pressure=["Dieses Angebot läuft in {hours} Stunden ab.", "Nur noch {n} Plätze frei."],
        flattery=["Herzlichen Glückwunsch!", "Sie wurden persönlich ausgewählt."],
        calm=["Viel Erfolg beim Investieren."]),
    "fr": dict(
        exchange_subject=["!Demande de retrait de {btc_amt} BTC", "!Vérification requise",
                          "Votre compte {brand} est restreint"],
        exchange_text=["Un retrait de {btc_amt} BTC (~{usd}) a été demandé depuis votre compte {brand}. Si ce n'est "
                       "pas vous, annulez-le immédiatement.",
                       "Conformément à la nouvelle réglementation, tous les utilisateurs {brand} doivent vérifier leur "
                       "identité."],
        exchange_cta=["Annuler le retrait", "Vérifier maintenant"],
        lure_subject=["Votre portefeuille est prêt", "Invitation exclusive : trading IA",
                      "Vous avez {btc_amt} BTC à retirer"],
        lure_text=["Notre plateforme de trading IA a généré {pct}% de rendement le mois dernier.",
                   "Vous avez été sélectionné pour un club d'investissement crypto privé."],
        lure_cta=["Commencer", "Réclamer mes BTC"],
        pressure=["Cette offre expire dans {hours} heures.", "Plus que {n} places."],
        flattery=["Félicitations !", "Vous avez été personnellement sélectionné."], calm=["Bons investissements."]),
    "pt": dict(
        exchange_subject=["!Solicitação de saque de {btc_amt} BTC", "!Verificação necessária",
                          "Sua conta {brand} foi restringida"],
        exchange_text=["Foi solicitado um saque de {btc_amt} BTC (~{usd}) da sua conta {brand}. Se não foi você, "
                       "cancele imediatamente.",
                       "Por novas regras, todos os usuários {brand} devem verificar a identidade."],
        exchange_cta=["Cancelar saque", "Verificar agora"],
        lure_subject=["Seu portfólio está pronto", "Convite exclusivo: trading com IA",
                      "Você tem {btc_amt} BTC para sacar"],
        lure_text=["Nossa plataforma de trading com IA rendeu {pct}% no último mês.",
                   "Você foi selecionado para um clube privado de investimentos em cripto."],
        lure_cta=["Começar agora", "Resgatar BTC"],
        pressure=["Esta oferta expira em {hours} horas.", "Restam apenas {n} vagas."],
        flattery=["Parabéns!", "Você foi selecionado pessoalmente."], calm=["Bons investimentos."]),
    "nl": dict(
        exchange_subject=["!Opnameverzoek voor {btc_amt} BTC", "!Verificatie vereist", "Uw {brand}-account is beperkt"],
        exchange_text=["Er is een opname van {btc_amt} BTC (~{usd}) aangevraagd vanaf uw {brand}-account. Was u dit "
                       "niet, annuleer dan direct.",
                       "Door nieuwe regelgeving moeten alle {brand}-gebruikers hun identiteit verifiëren."],
        exchange_cta=["Opname annuleren", "Nu verifiëren"],
        lure_subject=["Uw portefeuille staat klaar", "Exclusieve uitnodiging: AI-trading",
                      "U heeft {btc_amt} BTC klaarstaan"],
        lure_text=["Ons AI-handelsplatform behaalde vorige maand {pct}% rendement.",
                   "U bent geselecteerd voor een besloten crypto-beleggingsclub."],
        lure_cta=["Nu starten", "BTC ophalen"],
        pressure=["Dit aanbod verloopt over {hours} uur.", "Nog maar {n} plaatsen."],
        flattery=["Gefeliciteerd!", "U bent persoonlijk geselecteerd."], calm=["Veel succes met beleggen."]),
}


def crypto(rng: random.Random, when: datetime):
    b = _B(rng, when, "crypto")
    rcpt = _staff(rng, b.lang, _pick(rng, ["other", "finance"]))
    theme = _weighted(rng, [("exchange", 45), ("lure", 40), ("giveaway", 15 if b.has("giveaway_text") else 0)])
    brand = _pick(rng, ["coinbase", "binance", "metamask", "coinbase"])
    bname = _pick(rng, _BRANDS[brand][0])
    usd = rng.randint(1200, 48000)
    b.ctx.update(first=rcpt.first, brand=bname, btc_amt=f"{rng.randint(1, 250) / 100:.2f}",
                 usd=f"${usd:,}" if b.lang == "en" else f"{usd:,} €".replace(",", "."),
                 city=_pick(rng, _CITIES), pct=rng.randint(38, 420), x=rng.randint(5, 40), n=rng.randint(3, 25),
                 hours=_pick(rng, [6, 12, 24, 48]),
                 small=_pick(rng, ["$250", "$500", "€250"]), big=_pick(rng, ["$10,000", "$25,000", "€15.000"]),
                 total=_pick(rng, ["1,000", "5,000", "2,500"]))
    imp = theme != "lure"
    if theme == "exchange":
        how = _weighted(rng, [("lookalike", 40), ("scam", 30), ("esp", 20), ("puny", 10)])
        local = _pick(rng, ["no-reply", "security", "support", "verify", "alerts"])
        if how == "esp":
            s = _sender(rng, bname, f"{local}@{_scam_domain(rng)}", "bulk", platform="esp")
        elif how == "scam":
            s = _sender(rng, bname, f"{local}@{_scam_domain(rng)}", "bulk")
        else:
            dom = _lookalike(rng, _brand_domain(brand), "homoglyph" if how == "puny" else None)
            s = _sender(rng, bname, f"{local}@{dom}", "lookalike")
    elif theme == "giveaway":
        disp = _pick(rng, [f"{bname} Giveaway", "Elon Musk", f"{bname} Rewards", "Michael Saylor"])
        s = _sender(rng, disp, f"{_pick(rng, ['giveaway', 'event', 'rewards', 'promo'])}@{_scam_domain(rng)}", "bulk")
    else:
        pf, pl = _name(rng, b.lang)
        co = _pick(rng, ["Quantum AI", "CryptoProfit", "BitAlpha Capital", "Immediate Edge", "Nova Trade",
                         "Apex Coin Club"])
        disp = _pick(rng, [f"{pf} from {co}", co, f"{pf} {pl}", f"{co} Team"])
        s = _sender(rng, disp, f"{_pick(rng, [_local(pf), 'team', 'info', 'invest', 'vip'])}@{_scam_domain(rng)}",
                    "bulk")
    pressure = _chance(rng, 0.85)
    if theme == "exchange" or _chance(rng, 0.4):
        b.style_hint = "notify"
    else:
        b.style_hint = "marketing" if _chance(rng, 0.5) else None
    if b.style_hint:
        b.logo = (f"https://cdn.{_scam_domain(rng)}/assets/{_alnum(rng, 8)}.png", bname)
    b.greet(rcpt.first if _chance(rng, 0.4) else None, 0.2)
    lines = []
    if pressure and theme != "exchange" and _chance(rng, 0.6):
        lines.append(b.p("flattery"))
    lines.append(b.p(f"{theme}_text"))
    b.para(lines)
    if theme == "giveaway":
        b.blocks.append(("p", b.p("wallet_intro")))
        b.kv([("", _btc(rng))])
    else:
        url = _bad_url(rng, b.lang, _brand_domain(brand) if imp else None, rcpt.email)
        cta = b.p(f"{theme}_cta")
        b.blocks.append(("btn", url, cta) if _chance(rng, 0.6) else ("p", _link(url, cta)))
    if pressure:
        b.para([b.p("pressure")])
    b.sign([_pick(rng, [f"{bname} Team", s.display, bname])], bye=False)
    if _chance(rng, 0.4):
        b.blocks.append(("foot", _pick(rng, ["Investing involves risk.",
                                             "You are receiving this email because you registered on our platform.",
                                             f"\u00a9 {when.year} {bname}"])
                                 if b.lang == "en" else f"\u00a9 {when.year} {bname}"))
    subject = b.subject(pressure, f"{theme}_subject")
    _attack_typos(b, 0.2)
    msg = _finish(b, s, [_fmt_to(rng, rcpt)], subject)
    return msg, "crypto", b.legs(impersonation=imp, trust=pressure, payload=True, goal=True)


_T["advance_fee"] = {
    "en": dict(
        subject=["Urgent response needed", "Confidential", "Good day", "Attention: beneficiary", "Your fund release",
                 "Reply needed",
                 "Dear friend", "Important notification"],
        inheritance_subject=["Next of kin", "Inheritance claim", "Unclaimed estate of late {persona}",
                             "Your family inheritance"],
        lottery_subject=["Congratulations! You have won", "Winning notification", "Your email has won {fund}",
                         "Claim your prize"],
        compensation_subject=["Compensation payment", "Scam victims compensation", "Your approved compensation fund"],
        business_subject=["Business proposal", "Partnership request", "Confidential business proposal"],
        charity_subject=["Donation", "Charity donation for you", "My last wish"],
        loan_subject=["Loan offer", "Fast loan approval", "Financing available"],
        inheritance=["I am {title} {persona}, a solicitor in {city}. My late client, who shares your surname, died "
                     "without a will leaving {fund}. I want to present you as the next of kin so the funds can be "
                     "released to you."],
        lottery=["Your email address has been selected as a winner in the {inst} International Promotion. You have "
                 "been awarded {fund}."],
        compensation=["The {inst} has approved a compensation payment of {fund} to you as a victim of online fraud."],
        business=["I have a lucrative business proposal worth {fund} that will benefit us both. I need a trustworthy "
                  "foreign partner to receive the funds."],
        charity=["I am a widow suffering from cancer and I want to donate {fund} to charity through you."],
        loan=["We offer loans from 5,000 to 5,000,000 at 2% interest to individuals and companies, with no credit "
              "check."],
        ask=["Kindly reply with your full name, address and phone number to proceed.",
             "A small processing fee of {fee} is required to release the funds.",
             "Please reply urgently so I can give you more details.",
             "Send me your details and a copy of your ID so the transfer can begin."],
        contact=["Contact our claims agent on WhatsApp: {phone}.",
                 "Call or WhatsApp me on {phone} for faster communication."],
        secrecy=["Please keep this matter strictly confidential.",
                 "Do not discuss this with anyone until the transfer is complete."],
        urgency=["You must claim before {date} or the funds will be forfeited.", "Time is of the essence."],
        flattery=["I was directed to you by a reliable source and I believe you are honest.",
                  "May God bless you as you respond.",
                  "I trust you will handle this with honesty and sincerity."]),
    "de": dict(
        subject=["Dringende Antwort erforderlich", "Vertraulich", "Guten Tag"],
        inheritance_subject=["Erbschaft", "Nachlass"],
        lottery_subject=["Herzlichen Glückwunsch, Sie haben gewonnen", "Gewinnbenachrichtigung"],
        business_subject=["Geschäftsvorschlag"],
        charity_subject=["Spende"],
        inheritance=["Ich bin {title} {persona}, Anwalt in {city}. Mein verstorbener Mandant mit Ihrem Nachnamen "
                     "hinterließ {fund} ohne Testament."],
        lottery=["Ihre E-Mail-Adresse wurde bei der internationalen Verlosung von {inst} gezogen. Sie haben {fund} "
                 "gewonnen."],
        business=["Ich habe einen lukrativen Geschäftsvorschlag über {fund}, der uns beiden nützt."],
        charity=["Ich bin eine kranke Witwe und möchte über Sie {fund} an wohltätige Zwecke spenden."],
        ask=["Bitte antworten Sie mit Ihrem vollständigen Namen, Ihrer Adresse und Telefonnummer.",
             "Für die Freigabe ist eine Bearbeitungsgebühr von {fee} erforderlich."],
        contact=["Kontaktieren Sie unseren Bearbeiter per WhatsApp: {phone}."],
        secrecy=["Bitte behandeln Sie diese Angelegenheit streng vertraulich."],
        urgency=["Sie müssen bis zum {date} antworten, sonst verfällt der Anspruch."],
        flattery=["Man hat Sie mir als ehrliche Person empfohlen.", "Gott segne Sie."]),
    "fr": dict(
        subject=["Réponse urgente", "Confidentiel", "Bonjour"], inheritance_subject=["Héritage", "Succession"],
        lottery_subject=["Félicitations, vous avez gagné", "Avis de gain"], business_subject=["Proposition d'affaires"],
        charity_subject=["Don"],
        inheritance=["Je suis {title} {persona}, avocat à {city}. Mon défunt client, qui porte votre nom, a laissé "
                     "{fund} sans testament."],
        lottery=["Votre adresse e-mail a été tirée au sort lors de la promotion internationale {inst}. Vous avez gagné "
                 "{fund}."],
        business=["J'ai une proposition d'affaires lucrative de {fund} qui nous profitera à tous les deux."],
        charity=["Je suis une veuve malade et je souhaite faire don de {fund} à des œuvres caritatives par votre "
                 "intermédiaire."],
        ask=["Merci de répondre avec vos nom complet, adresse et numéro de téléphone.",
             "Des frais de dossier de {fee} sont nécessaires pour débloquer les fonds."],
        contact=["Contactez notre agent sur WhatsApp : {phone}."],
        secrecy=["Merci de garder cette affaire strictement confidentielle."],
        urgency=["Vous devez réclamer avant le {date}, sinon les fonds seront perdus."],
        flattery=["On m'a recommandé votre honnêteté.", "Que Dieu vous bénisse."]),
    "pt": dict(
        subject=["Resposta urgente", "Confidencial", "Bom dia"], inheritance_subject=["Herança", "Espólio"],
        lottery_subject=["Parabéns, você ganhou", "Notificação de prêmio"], business_subject=["Proposta de negócio"],
        charity_subject=["Doação"],
        inheritance=["Sou {title} {persona}, advogado em {city}. Meu falecido cliente, que tem o seu sobrenome, deixou "
                     "{fund} sem testamento."],
        lottery=["Seu e-mail foi sorteado na promoção internacional {inst}. Você ganhou {fund}."],
        business=["Tenho uma proposta de negócio lucrativa de {fund} que beneficiará a nós dois."],
        charity=["Sou uma viúva doente e desejo doar {fund} para caridade através de você."],
        ask=["Responda com seu nome completo, endereço e telefone.",
             "É necessária uma taxa de processamento de {fee} para liberar os fundos."],
        contact=["Fale com nosso agente pelo WhatsApp: {phone}."],
        secrecy=["Mantenha este assunto em total sigilo."],
        urgency=["Você deve reivindicar até {date} ou perderá o valor."],
        flattery=["Fui orientado a procurá-lo por ser uma pessoa honesta.", "Que Deus o abençoe."]),
    "nl": dict(
        subject=["Dringend antwoord nodig", "Vertrouwelijk", "Goedendag"],
        inheritance_subject=["Erfenis", "Nalatenschap"],
        lottery_subject=["Gefeliciteerd, u heeft gewonnen", "Winnaarsbericht"], business_subject=["Zakelijk voorstel"],
        charity_subject=["Donatie"],
        inheritance=["Ik ben {title} {persona}, advocaat in {city}. Mijn overleden cliënt met uw achternaam liet "
                     "{fund} na zonder testament."],
        lottery=["Uw e-mailadres is getrokken in de internationale promotie van {inst}. U heeft {fund} gewonnen."],
        business=["Ik heb een lucratief zakelijk voorstel van {fund} dat ons beiden ten goede komt."],
        charity=["Ik ben een zieke weduwe en wil via u {fund} aan goede doelen schenken."],
        ask=["Antwoord met uw volledige naam, adres en telefoonnummer.",
             "Er zijn administratiekosten van {fee} nodig om het geld vrij te geven."],
        contact=["Neem contact op met onze agent via WhatsApp: {phone}."],
        secrecy=["Behandel deze zaak strikt vertrouwelijk."],
        urgency=["U moet voor {date} reageren, anders vervalt het bedrag."],
        flattery=["U bent mij aanbevolen als eerlijk persoon.", "God zegene u."]),
}


def advance_fee(rng: random.Random, when: datetime):
    b = _B(rng, when, "advance_fee")
    rcpt = _staff(rng, b.lang, "other")
    themes = [t for t in ("inheritance", "lottery", "compensation", "business", "charity", "loan") if b.has(t)]
    theme = _pick(rng, themes)
    pf, pl = _name(rng, "en")
    inst = _pick(rng, ["Microsoft Lottery Department", "Coca-Cola International Promotion",
                       "EuroMillions Online Promotion",
                       "Google Anniversary Award"]) if theme == "lottery" else \
        _pick(rng, ["United Nations Compensation Commission", "IMF Payment Office", "World Bank Group",
                    "Western Union Headquarters",
                    "European Union Grant Office", "FBI Financial Crimes Unit"])
    fund = _pick(rng, ["US$10.5 million", "$4,800,000.00", "EUR 2,750,000", "US$18.3 Million", "£1,500,000",
                       "$7.2M USD"])
    b.ctx.update(first=rcpt.first, title=_pick(rng, ["Barrister", "Dr.", "Attorney"]), persona=f"{pf} {pl}",
                 city=_pick(rng, _CITIES),
                 inst=inst, fund=fund, fee=_pick(rng, ["$450", "$980", "€350", "$1,250"]),
                 phone=_phone(rng, "en") if _chance(rng, 0.3)
                 else f"+{_pick(rng, ['234', '233', '27', '44', '1', '971'])} {_digits(rng, 3)} {_digits(rng, 3)} "
                      f"{_digits(rng, 4)}",
                 date=_day(rng, b.lang, b.when + timedelta(days=rng.randint(3, 14))))
    imp = theme in ("lottery", "compensation") or (theme == "loan" and _chance(rng, 0.3))
    display = inst if imp else f"Mrs. {pf} {pl}" if theme == "charity" else \
        _pick(rng, [f"{b.ctx['title']} {pf} {pl}", f"{pf} {pl}", f"Dr. {pf} {pl}"])
    s = _freemail_sender(rng, display, _pick(rng, [f"{_local(pf)}.{_local(pl)}{rng.randint(1, 999)}",
                                                   f"{_local(inst.split()[0])}.office{rng.randint(1, 99)}",
                                                   f"claims{rng.randint(10, 999)}", f"{_local(pl)}chambers"]), "en") \
        if _chance(rng, 0.75) else _sender(rng, display,
                                           f"{_pick(rng, ['info', 'office', 'claims', 'admin'])}@"
                                           f"{_biz_domain(rng, 'en')}", "compromised")
    payload = False
    if _chance(rng, 0.55):
        _divert(b, None)
        payload = True
    pressure = _chance(rng, 0.9)
    b.greet(None if _chance(rng, 0.7) else rcpt.first, 0.1)
    lines = [b.p(theme)]
    if pressure:
        lines += _pressure(b, [("flattery", 0.5), ("secrecy", 0.5), ("urgency", 0.4)])
    b.para(lines)
    asks = [b.p("ask")]
    if _chance(rng, 0.3):
        asks.append(b.p("contact"))
        payload = True
    b.para(asks)
    if _chance(rng, 0.1):
        b.attach(_pdf([inst.upper(), "", f"CERTIFICATE OF FUND RELEASE - {fund}", f"Beneficiary: {rcpt.name}",
                       f"Ref: {_alnum(rng, 10, 'ABCDEFGHJKLMNPQRSTUVWXYZ0123456789')}"], b.when), "application/pdf",
                 _pick(rng, ["Certificate.pdf", "Winning_Notification.pdf", "Fund_Release_Form.pdf"]))
        payload = True
    if not (imp or payload) and not pressure:
        pressure = True
        b.para([b.p("flattery")])
    b.sign([display] + ([b.ctx["phone"]] if _chance(rng, 0.3) else []), bye=True)
    subject = b.subject(pressure, f"{theme}_subject" if b.has(f"{theme}_subject") and _chance(rng, 0.7) else "subject")
    if _chance(rng, 0.2):
        subject = subject.upper()
    _attack_typos(b, 0.5)
    msg = _finish(b, s, [_fmt_to(rng, rcpt)] if _chance(rng, 0.7) else ["undisclosed-recipients:;"], subject)
    return msg, "advance_fee", b.legs(impersonation=imp, trust=pressure, payload=payload, goal=True)


_T["extortion"] = {
    "en": dict(
        subject=["Your account has been hacked", "I know your password: {password}", "Payment required",
                 "Security notice - {email}",
                 "You have 48 hours", "Private", "{email}", "Your device is compromised", "Ticket #{n}",
                 "Last warning"],
        intro=["I have some bad news for you.", "Hello, I am a hacker who has gained access to your device.",
               "You don't know me, but I know a lot about you.",
               "I am a professional programmer and I have been watching you for months."],
        detail=["A few months ago I infected your device with malware while you were visiting adult websites.",
                "I have full access to your camera, contacts and email.",
                "I recorded a video of you through your webcam and made a split-screen with what you were watching.",
                "I know that {password} is one of your passwords."],
        ask=["Transfer {usd} in Bitcoin to my wallet:", "Send {btc_amt} BTC (about {usd}) to this address:",
             "My price is {usd}, payable in Bitcoin to this wallet:"],
        threat=["You have 48 hours from opening this email.",
                "If I do not receive the payment, the video will be sent to all your contacts.",
                "Do not try to contact the police; I will know immediately.",
                "Once the payment is received, I will delete everything."],
        how=["If you don't know how to buy Bitcoin, search 'how to buy bitcoin' on Google.",
             "You can buy Bitcoin at Coinbase, Binance or any exchange."]),
    "de": dict(
        subject=["Ihr Konto wurde gehackt", "Ich kenne Ihr Passwort: {password}", "Zahlung erforderlich",
                 "Letzte Warnung"],
        intro=["Ich habe schlechte Nachrichten für Sie.", "Hallo, ich bin ein Hacker und habe Zugriff auf Ihr Gerät."],
        detail=["Vor einigen Monaten habe ich Ihr Gerät mit Schadsoftware infiziert.",
                "Ich habe ein Video von Ihnen über Ihre Webcam aufgenommen."],
        ask=["Überweisen Sie {usd} in Bitcoin an meine Wallet:", "Senden Sie {btc_amt} BTC an diese Adresse:"],
        threat=["Sie haben 48 Stunden Zeit.",
                "Wenn ich die Zahlung nicht erhalte, geht das Video an alle Ihre Kontakte."],
        how=["Bitcoin können Sie bei jeder Börse kaufen."]),
    "fr": dict(
        subject=["Votre compte a été piraté", "Je connais votre mot de passe : {password}", "Paiement requis",
                 "Dernier avertissement"],
        intro=["J'ai une mauvaise nouvelle pour vous.", "Bonjour, je suis un hacker et j'ai accès à votre appareil."],
        detail=["Il y a quelques mois, j'ai infecté votre appareil avec un logiciel malveillant.",
                "J'ai enregistré une vidéo de vous via votre webcam."],
        ask=["Transférez {usd} en Bitcoin sur mon portefeuille :", "Envoyez {btc_amt} BTC à cette adresse :"],
        threat=["Vous avez 48 heures.", "Sans paiement, la vidéo sera envoyée à tous vos contacts."],
        how=["Vous pouvez acheter des Bitcoins sur n'importe quelle plateforme."]),
    "pt": dict(
        subject=["Sua conta foi hackeada", "Eu sei sua senha: {password}", "Pagamento necessário", "Último aviso"],
        intro=["Tenho más notícias para você.", "Olá, sou um hacker e tenho acesso ao seu dispositivo."],
        detail=["Há alguns meses infectei seu dispositivo com um malware.", "Gravei um vídeo seu pela webcam."],
        ask=["Transfira {usd} em Bitcoin para minha carteira:", "Envie {btc_amt} BTC para este endereço:"],
        threat=["Você tem 48 horas.", "Se eu não receber o pagamento, o vídeo será enviado a todos os seus contatos."],
        how=["Você pode comprar Bitcoin em qualquer corretora."]),
    "nl": dict(
        subject=["Uw account is gehackt", "Ik ken uw wachtwoord: {password}", "Betaling vereist",
                 "Laatste waarschuwing"],
        intro=["Ik heb slecht nieuws voor u.", "Hallo, ik ben een hacker en heb toegang tot uw apparaat."],
        detail=["Een paar maanden geleden heb ik uw apparaat met malware besmet.",
                "Ik heb via uw webcam een video van u opgenomen."],
        ask=["Maak {usd} in Bitcoin over naar mijn wallet:", "Stuur {btc_amt} BTC naar dit adres:"],
        threat=["U heeft 48 uur.", "Als ik de betaling niet ontvang, gaat de video naar al uw contacten."],
        how=["U kunt Bitcoin kopen bij elke exchange."]),
}


def extortion(rng: random.Random, when: datetime):
    b = _B(rng, when, "extortion")
    rcpt = _staff(rng, b.lang, _pick(rng, ["other", "finance", "it"]))
    usd = rng.randint(9, 29) * 100 + _pick(rng, [0, 50, 0])
    b.ctx.update(email=rcpt.email, password=_pick(rng, [f"{_local(rcpt.first)}{rng.randint(1970, 2010)}",
                                                        f"Summer{rng.randint(2015, 2024)}!",
                                                       f"{_alnum(rng, 3, 'abcdefghijklmnopqrstuvwxyz')}"
                                                       f"{rng.randint(1000, 9999)}", "Welcome1"]),
                 n=rng.randint(100000, 999999),
                 usd=f"${usd:,}" if b.lang == "en" else f"{usd} €" if b.lang != "pt" else f"US$ {usd}",
                 btc_amt=f"{usd / 65000:.4f}")
    spoof_self = _chance(rng, 0.4)
    if spoof_self:
        s = _sender(rng, "", rcpt.email, "spoof")
    else:
        s = _weighted(rng, [(_freemail_sender(rng, _pick(rng, ["", "", "Anonymous", "Support"]),
                                              f"{_alnum(rng, 8, 'abcdefghijklmnopqrstuvwxyz')}{rng.randint(1, 99)}",
                                              b.lang), 4),
                            (_sender(rng, "", f"{_alnum(rng, 6, 'abcdefghijklmnopqrstuvwxyz')}@"
                                              f"{_biz_domain(rng, _pick(rng, ['en', 'de', 'fr', 'pt', 'nl']))}",
                                     "bulk"), 6)])
    b.greet(None if _chance(rng, 0.6) else rcpt.first, 0.3)
    b.para([b.p("intro"), b.p("detail")] + ([b.p("detail")] if _chance(rng, 0.4) else []), split=0.5)
    b.para([b.p("ask")])
    b.kv([("", _btc(rng))])
    b.para(_pressure(b, [("threat", 1.0), ("how", 0.4)]), split=0.5)
    subject = b.subject(True)
    _attack_typos(b, 0.5)
    msg = _finish(b, s, [rcpt.email], subject)
    return msg, "extortion", b.legs(impersonation=spoof_self, trust=True, payload=True, goal=True)


_T["malware_exec"] = {
    "en": dict(
        invoice_subject=["Invoice {inv}", "!Overdue invoice {inv}", "Payment {inv}", "Outstanding invoice",
                         "Invoice attached",
                         "Your invoice {inv} from {company}"],
        invoice_text=["Please find attached invoice {inv} for {amount}.",
                      "Attached is the outstanding invoice as discussed.",
                      "Kindly review the attached invoice and arrange payment."],
        shipping_subject=["!Shipment on hold - AWB {awb}", "Shipping documents {awb}", "Delivery notification",
                          "Your parcel could not be delivered",
                          "Bill of lading - {awb}"],
        shipping_text=["Your shipment {awb} is on hold at the depot. Please review the attached documents.",
                       "Please find the shipping documents (bill of lading, packing list) attached.",
                       "We were unable to deliver your parcel. The delivery label is attached."],
        po_subject=["Purchase order {po}", "Request for quotation", "New order - {company}", "RFQ {po}",
                    "PO {po} - urgent"],
        po_text=["Please find attached our purchase order {po}. Kindly confirm availability and delivery date.",
                 "We are interested in your products. Please see the attached specifications and send your best "
                 "price."],
        cv_subject=["Application - {role}", "My CV", "Resume - {role} position", "Job application"],
        cv_text=["Please find my CV attached for the {role} position.",
                 "I am applying for the {role} role advertised on your website. My resume is attached."],
        fax_subject=["Scanned document from {device}", "Message from \"{device}\"", "New fax received ({pages} pages)",
                     "Voice message from {phone}"],
        fax_text=["Scanned from a {device}. Number of images: {pages}.",
                  "You have received a new fax document ({pages} pages).",
                  "You received a voice message ({secs} sec) from {phone}. The recording is attached."],
        advice_subject=["Payment advice", "Remittance advice {ref}", "Swift copy - {ref}", "Transfer confirmation"],
        advice_text=["Please find attached the payment advice for your invoice.",
                     "Attached is the swift copy of the transfer made today as requested."],
        legal_subject=["!Notice of legal action", "!Court summons - case {ref}", "Tax refund notification",
                       "Final notice before proceedings"],
        legal_text=["You are required to appear in court. The summons is attached.",
                    "You are eligible for a tax refund of {amount}. See the attached form.",
                    "This is a final notice regarding the unpaid amount. Details are in the attached document."],
        macro=["If the document does not display correctly, click \"Enable Editing\" and then \"Enable Content\".",
               "The file is protected. Enable macros to view the content.",
               "Please enable content to decrypt the document."],
        password=["The archive is password protected. Password: {pw}", "Use password {pw} to open the attachment.",
                  "For security the file is encrypted - the password is {pw}"],
        link=["The file is too large to attach, download it here: {link}",
              "You can download the documents here: {link}",
              "Access the file via our secure portal: {link}"],
        urgency=["Please respond today.", "Failure to act within 48 hours will result in additional charges.",
                 "This is urgent."],
        calm=["Let me know if you have any questions.", "Thank you.", "Looking forward to your reply."]),
    "de": dict(
        invoice_subject=["Rechnung {inv}", "!Überfällige Rechnung {inv}", "Zahlungserinnerung"],
        invoice_text=["Anbei erhalten Sie die Rechnung {inv} über {amount}.",
                      "Bitte prüfen Sie die angehängte Rechnung."],
        shipping_subject=["!Sendung {awb} angehalten", "Versanddokumente {awb}", "Zustellung nicht möglich"],
        shipping_text=["Ihre Sendung {awb} liegt im Depot. Bitte prüfen Sie die angehängten Dokumente.",
                       "Wir konnten Ihr Paket nicht zustellen. Das Etikett ist angehängt."],
        po_subject=["Bestellung {po}", "Angebotsanfrage"],
        po_text=["Anbei unsere Bestellung {po}. Bitte bestätigen Sie den Liefertermin."],
        cv_subject=["Bewerbung - {role}", "Mein Lebenslauf"],
        cv_text=["Anbei mein Lebenslauf für die Stelle als {role}."],
        fax_subject=["Gescanntes Dokument von {device}", "Neues Fax ({pages} Seiten)"],
        fax_text=["Gescannt mit {device}. Anzahl Bilder: {pages}."],
        macro=["Falls das Dokument nicht korrekt angezeigt wird, klicken Sie auf \"Bearbeitung aktivieren\" und dann "
               "auf \"Inhalt aktivieren\"."],
        password=["Das Archiv ist passwortgeschützt. Passwort: {pw}"],
        link=["Die Datei ist zu groß, Sie können sie hier herunterladen: {link}"],
        urgency=["Bitte antworten Sie noch heute.", "Dies ist dringend."],
        calm=["Bei Fragen stehe ich gerne zur Verfügung."]),
    "fr": dict(
        invoice_subject=["Facture {inv}", "!Facture impayée {inv}", "Relance de paiement"],
        invoice_text=["Veuillez trouver ci-joint la facture {inv} de {amount}.",
                      "Merci de vérifier la facture jointe."],
        shipping_subject=["!Colis {awb} en attente", "Documents d'expédition {awb}", "Livraison impossible"],
        shipping_text=["Votre colis {awb} est bloqué au dépôt. Consultez les documents joints.",
                       "Nous n'avons pas pu livrer votre colis. L'étiquette est jointe."],
        po_subject=["Bon de commande {po}", "Demande de devis"],
        po_text=["Veuillez trouver ci-joint notre bon de commande {po}. Merci de confirmer le délai."],
        cv_subject=["Candidature - {role}", "Mon CV"],
        cv_text=["Veuillez trouver mon CV ci-joint pour le poste de {role}."],
        fax_subject=["Document numérisé depuis {device}", "Nouveau fax ({pages} pages)"],
        fax_text=["Numérisé depuis {device}. Nombre d'images : {pages}."],
        macro=["Si le document ne s'affiche pas correctement, cliquez sur \"Activer la modification\" puis \"Activer "
               "le contenu\"."],
        password=["L'archive est protégée. Mot de passe : {pw}"],
        link=["Le fichier est trop volumineux, téléchargez-le ici : {link}"],
        urgency=["Merci de répondre aujourd'hui.", "C'est urgent."], calm=["Je reste à votre disposition."]),
    "pt": dict(
        invoice_subject=["Fatura {inv}", "!Fatura vencida {inv}", "Boleto em aberto"],
        invoice_text=["Segue em anexo a fatura {inv} no valor de {amount}.", "Por favor, verifique o boleto em anexo."],
        shipping_subject=["!Encomenda {awb} retida", "Documentos de envio {awb}", "Entrega não realizada"],
        shipping_text=["Sua encomenda {awb} está retida. Verifique os documentos em anexo.",
                       "Não conseguimos entregar sua encomenda. A etiqueta está em anexo."],
        po_subject=["Pedido de compra {po}", "Solicitação de cotação"],
        po_text=["Segue em anexo nosso pedido {po}. Favor confirmar o prazo de entrega."],
        cv_subject=["Candidatura - {role}", "Meu currículo"],
        cv_text=["Segue meu currículo em anexo para a vaga de {role}."],
        fax_subject=["Documento digitalizado de {device}", "Novo fax ({pages} páginas)"],
        fax_text=["Digitalizado em {device}. Número de imagens: {pages}."],
        macro=["Se o documento não abrir corretamente, clique em \"Habilitar Edição\" e depois em \"Habilitar "
               "Conteúdo\"."],
        password=["O arquivo está protegido por senha. Senha: {pw}"],
        link=["O arquivo é grande demais, baixe aqui: {link}"],
        urgency=["Por favor, responda hoje.", "É urgente."], calm=["Fico no aguardo."]),
    "nl": dict(
        invoice_subject=["Factuur {inv}", "!Vervallen factuur {inv}", "Betalingsherinnering"],
        invoice_text=["Bijgaand ontvangt u factuur {inv} van {amount}.", "Wilt u de bijgevoegde factuur controleren?"],
        shipping_subject=["!Zending {awb} vastgehouden", "Verzenddocumenten {awb}", "Bezorging mislukt"],
        shipping_text=["Uw zending {awb} ligt in het depot. Bekijk de bijgevoegde documenten.",
                       "We konden uw pakket niet bezorgen. Het label is bijgevoegd."],
        po_subject=["Inkooporder {po}", "Offerteaanvraag"],
        po_text=["Bijgaand onze inkooporder {po}. Graag bevestiging van de levertijd."],
        cv_subject=["Sollicitatie - {role}", "Mijn cv"], cv_text=["Bijgaand mijn cv voor de functie van {role}."],
        fax_subject=["Gescand document van {device}", "Nieuwe fax ({pages} pagina's)"],
        fax_text=["Gescand met {device}. Aantal afbeeldingen: {pages}."],
        macro=["Als het document niet goed wordt weergegeven, klik dan op \"Bewerken inschakelen\" en daarna op "
               "\"Inhoud inschakelen\"."],
        password=["Het archief is beveiligd met een wachtwoord. Wachtwoord: {pw}"],
        link=["Het bestand is te groot, download het hier: {link}"],
        urgency=["Graag vandaag reageren.", "Dit is dringend."], calm=["Ik hoor graag van u."]),
}


def _html_smuggle(rng: random.Random, filename: str) -> bytes:
    import base64
    blob = base64.b64encode(b"synthetic inert sample generated for detector training; it does nothing").decode()
    return (f'<html><head><meta charset="utf-8"><title>Loading document...</title></head><body><p>Loading, please '
            f'wait...</p>'
            f'<script>var d="{blob}";var b=atob(d);var a=new Uint8Array(b.length);for(var '
            f'i=0;i<b.length;i++)a[i]=b.charCodeAt(i);'
            f'var f=new Blob([a],{{type:"application/octet-stream"}});var l=document.createElement("a");'
            f'l.href=URL.createObjectURL(f);l.download="{filename}";document.body.appendChild(l);l.click();</script>'
            f'<!-- {_hex(rng, 24)} --></body></html>').encode()


def malware_exec(rng: random.Random, when: datetime):
    b = _B(rng, when, "malware_exec")
    rcpt = _staff(rng, b.lang, _pick(rng, ["finance", "other", "hr", "assistant"]))
    themes = [t for t in ("invoice", "shipping", "po", "cv", "fax", "advice", "legal") if b.has(f"{t}_text")]
    theme = _pick(rng, themes)
    v = _vendor(rng, 0.6)
    b.ctx.update(inv=_invoice_no(rng, when.year), amount=_money(rng, b.lang, 800, 60_000), company=v.name,
                 po=_po_no(rng),
                 awb=_digits(rng, 10), role=_pick(rng, ["Accountant", "Project Manager", "Sales Executive",
                                                        "Office Assistant", "Engineer"]),
                 device=_pick(rng, ["Xerox WorkCentre 7855", "RICOH MP C3004", "Canon iR-ADV C5535",
                                    "HP LaserJet MFP M527"]),
                 pages=rng.randint(1, 6), phone=_phone(rng, b.lang), secs=rng.randint(12, 90),
                 ref=_alnum(rng, 10, "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"),
                 pw=_pick(rng, [str(rng.randint(1000, 9999)), f"inv{when.year}",
                                _alnum(rng, 6, "abcdefghjkmnpqrstuvwxyz23456789"),
                                f"{rng.randint(100, 999)}{_alnum(rng, 2, 'ABCDEFGH')}"]))
    # who sends it
    if theme == "invoice" and v.known or theme == "advice":
        imp = True
        if theme == "advice":
            bank = _pick(rng, ["HSBC", "Bank of America", "Citibank", "Deutsche Bank", "Santander", "ING"])
            s = _sender(rng, f"{bank} Payment Advice",
                        f"{_pick(rng, ['payments', 'noreply', 'advice', 'swift'])}@{_scam_domain(rng)}", "bulk")
        else:
            c = _vendor_contact(rng, v, b.lang)
            s = _sender(rng, _pick(rng, [c.name, f"{v.name} Billing", ""]),
                        f"{_pick(rng, ['billing', 'invoices', c.email.split('@')[0]])}@{_lookalike(rng, v.domain)}",
                        "lookalike")
    elif theme == "shipping":
        imp = True
        brand = _pick(rng, ["DHL Express", "FedEx", "UPS", "Maersk", "DPD", "DHL"])
        bdom = {"DHL Express": "dhl.com", "DHL": "dhl.com", "FedEx": "fedex.com", "UPS": "ups.com",
                "Maersk": "maersk.com", "DPD": "dpd.com"}[brand]
        s = _weighted(rng, [(_sender(rng, brand, f"{_pick(rng, ['noreply', 'shipment', 'tracking', 'info'])}@"
                                                 f"{_lookalike(rng, bdom)}", "lookalike"), 5),
                            (_sender(rng, brand, f"{_pick(rng, ['noreply', 'shipment', 'express'])}@"
                                                 f"{_biz_domain(rng, b.lang)}", "compromised"), 5)])
    elif theme == "fax":
        imp = True
        s = _sender(rng, _pick(rng, ["scanner", "Scan to Email", "RICOH", "Fax Service", "Voicemail Service",
                                     "Microsoft Teams"]),
                    f"{_pick(rng, ['scanner', 'scan', 'fax', 'voicemail', 'noreply'])}@"
                    f"{_pick(rng, [ORG, ORG, _lookalike(rng, ORG)])}",
                    "spoof" if _chance(rng, 0.5) else "lookalike")
    elif theme == "legal":
        imp = True
        inst = _pick(rng, ["County Court", "Internal Revenue Service", "HM Revenue & Customs", "Finanzamt",
                           "Tribunal de Commerce", "Receita Federal"])
        s = _sender(rng, inst, f"{_pick(rng, ['notice', 'noreply', 'refund', 'court'])}@{_scam_domain(rng)}", "bulk")
    else:
        imp = False
        pf, pl = _name(rng, b.lang)
        s = _freemail_sender(rng, f"{pf} {pl}", _person_local(rng, _Person(pf, pl, "x@y"), False),
                             b.lang) if theme == "cv" or _chance(rng, 0.3) \
            else _sender(rng, f"{pf} {pl}", f"{_addr_style(rng, pf, pl)}@{_biz_domain(rng, b.lang)}", "compromised")
    # how it is delivered
    form = _weighted(rng, [("macro", 22), ("zip", 18), ("pwzip", 15), ("iso", 10), ("smuggle", 12), ("link", 13),
                           ("doubleext", 10)])
    base = _pick(rng, {"invoice": ["Invoice_{inv}", "INV_{inv}",
                                   "Rechnung_{inv}" if b.lang == "de" else "Invoice_copy"],
                       "shipping": ["AWB_{awb}", "Shipping_Documents", "DHL_Label_{awb}", "BL_{awb}"],
                       "po": ["PO_{po}", "Purchase_Order_{po}", "RFQ_specifications"], "cv": ["CV_{role}", "Resume",
                                                                                              "Curriculum"],
                       "fax": ["Scan_{ref}", "Fax_{ref}", "VM_{ref}"], "advice": ["Payment_Advice_{ref}",
                                                                                  "SWIFT_{ref}"],
                       "legal": ["Summons_{ref}", "Refund_Form",
                                 "Notice_{ref}"]}[theme]).format(**b.ctx).replace(" ", "_").replace("#", "")
    lines = [b.p(f"{theme}_text")]
    if form == "macro":
        ext = _pick(rng, ["docm", "xlsm", "docm"])
        b.attach(_office(ext, [b.p(f"{theme}_text"), b.p("macro")], b.when), f"application/{_OFFICE_TYPES[ext]}",
                 f"{base}.{ext}")
        if _chance(rng, 0.6):
            lines.append(b.p("macro"))
    elif form in ("zip", "pwzip", "doubleext"):
        inner_ext = _pick(rng, [".js", ".lnk", ".exe", ".vbs", ".wsf", ".hta", ".scr"])
        inner = f"{base}{'.pdf' if form == 'doubleext' or _chance(rng, 0.3) else ''}{inner_ext}"
        if form == "doubleext" and _chance(rng, 0.5):
            b.attach(_inert(inner_ext), "application/octet-stream", inner)
        else:
            b.attach(_zip([(inner, _inert(inner_ext))], b.when, encrypted=form == "pwzip"),
                     _pick(rng, ["application/zip", "application/x-zip-compressed", "application/octet-stream"]),
                     f"{base}.zip")
        if form == "pwzip":
            lines.append(b.p("password"))
    elif form == "iso":
        ext = _pick(rng, [".iso", ".img", ".iso"])
        b.attach(_inert(ext), _pick(rng, ["application/x-iso9660-image", "application/octet-stream"]), f"{base}{ext}")
    elif form == "smuggle":
        b.attach(_html_smuggle(rng, f"{base}.zip"), "text/html", f"{base}.{_pick(rng, ['html', 'htm', 'shtml'])}")
    else:
        url = _bad_url(rng, b.lang, None, "", _pick(rng, ["free", "compromised", "short", "ip"]))
        if not any(sh in url for sh in SHORTENERS):
            url = url.split("?")[0].rstrip("/") + f"/{base}.{_pick(rng, ['zip', 'iso', 'js', 'exe', 'msi', 'one'])}"
        b.ctx["link"] = _link(url, f"{base}.zip" if _chance(rng, 0.5) else "")
        lines.append(b.p("link"))
    pressure = _chance(rng, 0.5 if theme in ("cv", "po", "fax") else 0.7)
    subject_key = f"{theme}_subject"
    b.greet(rcpt.first if _chance(rng, 0.4) else None, 0.2)
    b.para(lines + ([b.p("urgency")] if pressure else [b.p("calm")] if _chance(rng, 0.5) else []))
    sig = [s.display] if s.display else []
    b.sign(sig, bye=_chance(rng, 0.7))
    subject = b.subject(pressure, subject_key)
    if _chance(rng, 0.15):
        subject = b.re_prefix() + subject
        pressure = True
    _attack_typos(b, 0.3)
    msg = _finish(b, s, [_fmt_to(rng, rcpt)], subject)
    return msg, "malware_exec", b.legs(impersonation=imp, trust=pressure, payload=True, goal=True)


_T["callback"] = {
    "en": dict(
        subject=["Your subscription has been renewed", "Order confirmation #{order}",
                 "Invoice {inv} - payment processed",
                 "Thank you for your purchase", "!Auto-renewal successful", "Your {brand} membership",
                 "Receipt for your payment",
                 "!Transaction alert", "Renewal notice - {order}", "!Your account has been charged {amount}"],
        text=["Thank you for renewing your {product} subscription. Your account has been charged {amount}.",
              "This email confirms your order {order} for {product}.",
              "Your payment of {amount} to {brand} has been processed successfully.",
              "Your {product} plan was automatically renewed today."],
        callback=["If you did not authorize this charge, call our billing department at {phone} within 24 hours.",
                  "To cancel and receive a full refund, please contact us at {phone}.",
                  "For any query or to dispute this transaction, call {phone} (toll free).",
                  "Not you? Speak to a support agent now: {phone}"],
        urgency=["Refunds can only be processed within 24 hours of this notice.",
                 "If we do not hear from you, the amount will be charged to your account.",
                 "Act now to avoid the charge."],
        calm=["Thank you for choosing {brand}.", "We appreciate your business."]),
    "de": dict(
        subject=["Ihr Abonnement wurde verlängert", "Bestellbestätigung #{order}", "Zahlungsbeleg",
                 "!Automatische Verlängerung erfolgreich"],
        text=["Vielen Dank für die Verlängerung Ihres {product}-Abonnements. Ihrem Konto wurden {amount} belastet.",
              "Diese E-Mail bestätigt Ihre Bestellung {order} für {product}."],
        callback=["Wenn Sie diese Zahlung nicht autorisiert haben, rufen Sie innerhalb von 24 Stunden {phone} an.",
                  "Für eine Stornierung und volle Erstattung kontaktieren Sie uns unter {phone}."],
        urgency=["Erstattungen sind nur innerhalb von 24 Stunden möglich."],
        calm=["Vielen Dank, dass Sie sich für {brand} entschieden haben."]),
    "fr": dict(
        subject=["Votre abonnement a été renouvelé", "Confirmation de commande #{order}", "Reçu de paiement",
                 "!Renouvellement automatique effectué"],
        text=["Merci d'avoir renouvelé votre abonnement {product}. Votre compte a été débité de {amount}.",
              "Cet e-mail confirme votre commande {order} pour {product}."],
        callback=["Si vous n'avez pas autorisé ce prélèvement, appelez le {phone} sous 24 heures.",
                  "Pour annuler et être remboursé, contactez-nous au {phone}."],
        urgency=["Les remboursements ne sont possibles que sous 24 heures."], calm=["Merci d'avoir choisi {brand}."]),
    "pt": dict(
        subject=["Sua assinatura foi renovada", "Confirmação do pedido #{order}", "Recibo de pagamento",
                 "!Renovação automática concluída"],
        text=["Obrigado por renovar sua assinatura {product}. Foi cobrado {amount} da sua conta.",
              "Este e-mail confirma seu pedido {order} de {product}."],
        callback=["Se você não autorizou esta cobrança, ligue para {phone} em até 24 horas.",
                  "Para cancelar e receber reembolso total, fale conosco pelo {phone}."],
        urgency=["Reembolsos só podem ser feitos em até 24 horas."], calm=["Obrigado por escolher {brand}."]),
    "nl": dict(
        subject=["Uw abonnement is verlengd", "Orderbevestiging #{order}", "Betalingsbewijs",
                 "!Automatische verlenging geslaagd"],
        text=["Bedankt voor het verlengen van uw {product}-abonnement. Er is {amount} van uw rekening afgeschreven.",
              "Deze e-mail bevestigt uw bestelling {order} voor {product}."],
        callback=["Heeft u deze betaling niet goedgekeurd? Bel binnen 24 uur naar {phone}.",
                  "Om te annuleren en uw geld terug te krijgen, bel {phone}."],
        urgency=["Terugbetaling is alleen binnen 24 uur mogelijk."], calm=["Bedankt dat u voor {brand} kiest."]),
}
_CALLBACK = [("Norton", "Norton 360 Deluxe (5 devices)"), ("McAfee", "McAfee Total Protection"), ("Geek Squad",
                                                                                                  "Geek Squad Tech "
                                                                                                  "Support - 3 years"),
             ("PayPal", "PayPal purchase: Apple MacBook Pro 14\""), ("Amazon", "Amazon Prime annual membership"),
             ("Microsoft", "Microsoft 365 Family"),
             ("Windows Defender", "Windows Defender Firewall Pro"), ("Best Buy", "Best Buy Totaltech membership"),
             ("Apple", "iCloud+ 2TB annual plan"),
             ("Coinbase", "Coinbase purchase: 0.12 BTC")]


def callback(rng: random.Random, when: datetime):
    b = _B(rng, when, "callback")
    rcpt = _staff(rng, b.lang, _pick(rng, ["other", "finance", "assistant"]))
    brand, product = _pick(rng, _CALLBACK)
    if b.lang == "en":
        amount = f"${rng.randint(199, 899)}.{_pick(rng, ['99', '00', '49'])}"
    elif b.lang == "pt":
        amount = f"R$ {rng.randint(899, 3999)},90"
    else:
        amount = f"{rng.randint(199, 899)},{_pick(rng, ['99', '00'])} €"
    if b.lang == "en" or _chance(rng, 0.5):
        phone = _phone(rng, "en", tollfree=_chance(rng, 0.7))
    else:
        phone = _phone(rng, b.lang)
    b.ctx.update(first=rcpt.first, brand=brand, product=product, amount=amount, phone=phone,
                 order=_pick(rng, [f"{_digits(rng, 3)}-{_digits(rng, 7)}-{_digits(rng, 7)}",
                 _alnum(rng, 10, "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"), _digits(rng, 9)]),
                 inv=_invoice_no(rng, when.year))
    generic = _chance(rng, 0.12)
    display = _pick(rng, ["Billing Department", "Customer Support", "Accounts Team", "Order Desk"]) if generic else \
        _pick(rng, [brand, f"{brand} Billing", f"{brand} Support", f"{brand} Customer Care", f"Team {brand}"])
    how = _weighted(rng, [("freemail", 55), ("scam", 25), ("compromised", 10), ("lookalike", 10)])
    if how == "freemail":
        s = _freemail_sender(rng, display,
                             f"{_pick(rng, ['billing', 'support', 'helpdesk', 'invoice', _local(brand.split()[0])])}"
                                           f"{_pick(rng, ['.', '', '-'])}"
                                           f"{_alnum(rng, rng.randint(3, 6), 'abcdefghijklmnopqrstuvwxyz0123456789')}",
                             b.lang,
                             domain=_pick(rng, ["gmail.com", "gmail.com", "outlook.com", "yahoo.com"]))
    elif how == "scam":
        s = _sender(rng, display, f"{_pick(rng, ['billing', 'support', 'orders'])}@{_scam_domain(rng)}", "bulk")
    elif how == "compromised":
        s = _sender(rng, display, f"{_pick(rng, ['info', 'office', 'admin'])}@{_biz_domain(rng, b.lang)}",
                    "compromised")
    else:
        dom = _lookalike(rng, {"Norton": "norton.com", "McAfee": "mcafee.com", "PayPal": "paypal.com",
                               "Amazon": "amazon.com",
                               "Microsoft": "microsoft.com", "Apple": "apple.com",
                               "Coinbase": "coinbase.com"}.get(brand, "bestbuy.com"))
        s = _sender(rng, display, f"{_pick(rng, ['billing', 'support'])}@{dom}", "lookalike")
    pressure = _chance(rng, 0.85)
    b.style_hint = "notify" if _chance(rng, 0.5) else None
    b.greet(rcpt.first if _chance(rng, 0.4) else None, 0.2)
    b.para([b.p("text")])
    b.kv([("invoice", b.ctx["inv"]), ("product", product), ("amount", amount), ("date", _day(rng, b.lang, b.when))]
         + ([("method", _pick(rng, ["Auto-debit", "Credit card ending in " + _digits(rng, 4),
                                    "PayPal balance"]))] if _chance(rng, 0.6) else []))
    b.para([b.p("callback")] + ([b.p("urgency")] if pressure else [b.p("calm")]))
    if _chance(rng, 0.4):
        b.attach(_pdf([f"{brand.upper()} - INVOICE", f"Invoice: {b.ctx['inv']}", f"Product: {product}",
                       f"Amount: {amount}",
                       "", f"Questions? Call {phone}"], b.when, producer="wkhtmltopdf 0.12.6"), "application/pdf",
                 _pick(rng, [f"Invoice_{b.ctx['inv']}.pdf".replace("#", ""), "Receipt.pdf",
                             f"{brand.replace(' ', '_')}_Invoice.pdf", "Order_Details.pdf"]))
    b.sign([_pick(rng, [f"{brand} Billing Team", "Customer Support", f"Team {brand}", display])], bye=_chance(rng, 0.6))
    subject = b.subject(pressure)
    if _chance(rng, 0.15):
        subject += f" - {phone}"
    _attack_typos(b, 0.35)
    msg = _finish(b, s, [_fmt_to(rng, rcpt)], subject)
    return msg, "callback", b.legs(impersonation=not generic, trust=pressure, payload=True, goal=True)


_T["invoice_fraud"] = {
    "en": dict(
        subject=["Invoice {inv}", "!Overdue invoice {inv}", "!FINAL NOTICE: invoice {inv}", "Payment reminder - {inv}",
                 "Outstanding balance",
                 "Your invoice from {company}", "Invoice {inv} is due", "!Past due: account {acct}",
                 "Statement of account",
                 "Invoice {inv} ready to view", "New invoice available", "Invoice for services - {month}"],
        state=["Our records show that invoice {inv} for {amount} is now {days} days overdue.",
               "Please find attached invoice {inv} for services rendered in {month}.",
               "Your invoice {inv} for {amount} is ready.",
               "We have not yet received payment for invoice {inv} ({amount}), due on {date}.",
               "This is a reminder that your account has an outstanding balance of {amount}."],
        link=["You can view and pay the invoice here: {link}", "Please review the invoice online: {link}",
              "To view your invoice, open {link}",
              "Access the document securely via {link}"],
        att=["The invoice is attached.", "Please see the attached PDF for details.",
             "Attached you will find the invoice and remittance details.",
             "Open the attached document to review the charges."],
        pay=["Please arrange payment at your earliest convenience.", "Kindly settle the balance within {days2} days.",
             "Payment can be made to the account shown on the invoice."],
        urgency=["If payment is not received within 48 hours, the account will be passed to our collections agency.",
                 "Late fees of 5% will be applied after {date}.",
                 "Services will be suspended if the balance remains unpaid.",
                 "This is our final notice before legal action."],
        relationship=["As discussed with your colleague last week,", "Further to our phone conversation,",
                      "As agreed with your procurement team,"]),
    "de": dict(
        subject=["Rechnung {inv}", "!Mahnung: Rechnung {inv}", "!Letzte Mahnung {inv}", "Zahlungserinnerung",
                 "Offener Saldo"],
        state=["Laut unseren Unterlagen ist die Rechnung {inv} über {amount} seit {days} Tagen überfällig.",
               "Anbei die Rechnung {inv} für {month}."],
        link=["Sie können die Rechnung hier einsehen und bezahlen: {link}"], att=["Die Rechnung ist angehängt."],
        pay=["Bitte begleichen Sie den Betrag innerhalb von {days2} Tagen."],
        urgency=["Ohne Zahlungseingang innerhalb von 48 Stunden geben wir die Forderung an ein Inkassobüro ab.",
                 "Dies ist unsere letzte Mahnung."],
        relationship=["Wie mit Ihrem Kollegen besprochen,"]),
    "fr": dict(
        subject=["Facture {inv}", "!Relance : facture {inv}", "!Dernier avis {inv}", "Rappel de paiement",
                 "Solde en attente"],
        state=["Selon nos registres, la facture {inv} de {amount} est en retard de {days} jours.",
               "Veuillez trouver ci-joint la facture {inv} pour {month}."],
        link=["Vous pouvez consulter et régler la facture ici : {link}"], att=["La facture est en pièce jointe."],
        pay=["Merci de régler le solde sous {days2} jours."],
        urgency=["Sans paiement sous 48 heures, le dossier sera transmis à notre service de recouvrement.",
                 "Ceci est notre dernier avis."],
        relationship=["Comme convenu avec votre collègue,"]),
    "pt": dict(
        subject=["Fatura {inv}", "!Fatura vencida {inv}", "!Último aviso {inv}", "Lembrete de pagamento",
                 "Saldo em aberto"],
        state=["Consta em nossos registros que a fatura {inv} de {amount} está vencida há {days} dias.",
               "Segue em anexo a fatura {inv} referente a {month}."],
        link=["Você pode visualizar e pagar a fatura aqui: {link}"], att=["A fatura está em anexo."],
        pay=["Por favor, quite o saldo em até {days2} dias."],
        urgency=["Sem pagamento em 48 horas, o débito será enviado para cobrança.", "Este é nosso último aviso."],
        relationship=["Conforme combinado com seu colega,"]),
    "nl": dict(
        subject=["Factuur {inv}", "!Aanmaning factuur {inv}", "!Laatste herinnering {inv}", "Betalingsherinnering",
                 "Openstaand saldo"],
        state=["Volgens onze administratie staat factuur {inv} van {amount} al {days} dagen open.",
               "Bijgaand factuur {inv} over {month}."],
        link=["U kunt de factuur hier bekijken en betalen: {link}"], att=["De factuur is bijgevoegd."],
        pay=["Graag het saldo binnen {days2} dagen voldoen."],
        urgency=["Zonder betaling binnen 48 uur dragen wij de vordering over aan een incassobureau.",
                 "Dit is onze laatste herinnering."],
        relationship=["Zoals besproken met uw collega,"]),
}


def _platform_domain(rng: random.Random, lang: str) -> str:
    return _pick(rng, [_scam_domain(rng), _biz_domain(rng, lang),
                       _lookalike(rng, _pick(rng, ["intuit.com", "xero.com", "paypal.com"]))])


def invoice_fraud(rng: random.Random, when: datetime):
    b = _B(rng, when, "invoice_fraud")
    rcpt = _staff(rng, b.lang, "finance")
    who = _weighted(rng, [("vendor", 35), ("platform", 20), ("stranger", 45)])
    v = _vendor(rng, 0.85)
    fake_co = _pick(rng, ["Northwind Logistics", "Brightline Consulting", "Meridian Office Supply",
                          "Keystone IT Services", "Pinnacle Facility Management",
                          "Evergreen Marketing Group", "Summit Legal Services", "BlueRiver Staffing"])
    company = v.name if who == "vendor" else fake_co
    b.ctx.update(first=rcpt.first, inv=_invoice_no(rng, when.year), amount=_money(rng, b.lang, 900, 85_000),
                 company=company,
                 acct=_digits(rng, 8), month=_MONTHS[b.lang][(when.month - 2) % 12], days=rng.randint(14, 95),
                 days2=_pick(rng, [3, 5, 7]),
                 date=_day(rng, b.lang, b.when + timedelta(days=rng.randint(2, 10))))
    if who == "vendor":
        c = _vendor_contact(rng, v, b.lang)
        s = _sender(rng, _pick(rng, [f"{v.name} Billing", c.name, f"{v.name} Accounts"]),
                    f"{_pick(rng, ['billing', 'invoices', 'ar', c.email.split('@')[0]])}@{_lookalike(rng, v.domain)}",
                    "lookalike")
        imp = True
    elif who == "platform":
        plat = _pick(rng, ["QuickBooks", "Intuit QuickBooks", "Xero", "FreshBooks", "DocuSign", "PayPal Invoicing"])
        s = _sender(rng, f"{company} via {plat}" if _chance(rng, 0.5) else plat,
                    f"{_pick(rng, ['invoice', 'noreply', 'billing', 'notification'])}@{_platform_domain(rng, b.lang)}",
                    _pick(rng, ["bulk", "lookalike", "compromised"]))
        imp = True
    else:
        pf, pl = _name(rng, b.lang)
        dom = _local(fake_co.split()[0]).replace(".", "") + _pick(rng, ["-group.com", ".co", "services.net", "-inc.com",
                                                                        ".biz"])
        s = _sender(rng, _pick(rng, [f"{pf} {pl}", f"{fake_co} Accounts", fake_co]),
                    f"{_pick(rng, [_addr_style(rng, pf, pl), 'accounts', 'billing'])}@"
                    f"{_pick(rng, [dom, _biz_domain(rng, b.lang)])}",
                    _pick(rng, ["lookalike", "compromised"]))
        imp = False
    pressure = _chance(rng, 0.65)
    delivery = _weighted(rng, [("link", 40), ("pdf", 40), ("pdflink", 10), ("html", 10)])
    b.greet(rcpt.first if _chance(rng, 0.5) else None, 0.1)
    lines = []
    if pressure and who == "stranger" and _chance(rng, 0.5):
        lines.append(b.p("relationship"))
    lines.append(b.p("state"))
    url = _bad_url(rng, b.lang, v.domain if who == "vendor" else None, rcpt.email, _pick(rng, ["free", "compromised",
                                                                                               "short", "redirect",
                                                                                               "free"]))
    if delivery == "link":
        b.ctx["link"] = _link(url, _pick(rng, ["", "View invoice", f"Invoice {b.ctx['inv']}", "here",
                                               f"https://portal.{v.domain}/invoices"]))
        b.need_html = "portal." in b.ctx["link"]
        lines.append(b.p("link"))
    else:
        lines.append(b.p("att"))
        if delivery == "html":
            b.attach(_login_form_html(rng, company, url, rcpt.email, b.lang), "text/html",
                     f"Invoice_{b.ctx['inv']}.html".replace("#", ""))
        else:
            b.attach(_pdf([company.upper(), "INVOICE", f"{b.kv_labels['invoice']}: {b.ctx['inv']}",
                           f"{b.kv_labels['amount']}: {b.ctx['amount']}",
                           f"{b.kv_labels['due']}: {b.ctx['date']}", "", *[f"{b.kv_labels.get(k, k)}: {val}" for k,
                                                                           val in _bank_details(rng, b.lang, company)],
                           "", "View online" if delivery == "pdflink" else ""], b.when,
                          url if delivery == "pdflink" else None,
                          producer=_pick(rng, ["QuickBooks Online", "Xero", "Microsoft Word for Microsoft 365",
                                               "wkhtmltopdf 0.12.6"])),
                     "application/pdf",
                     f"{_pick(rng, ['Invoice', 'INV', 'Statement', 'Factura' if b.lang == 'pt' else 'Invoice'])}_"
                     f"{b.ctx['inv']}.pdf".replace("#", ""))
    lines.append(b.p("pay"))
    b.para(lines)
    if pressure:
        b.para([b.p("urgency")])
    b.sign([s.display or company, company] if s.display != company else [company], disclaimer=0.2)
    subject = b.subject(pressure)
    if pressure:
        _pressure_headers(b, 0.1)
    _attack_typos(b, 0.2)
    msg = _finish(b, s, [_fmt_to(rng, rcpt)] if _chance(rng, 0.6) else [_role_box(rng, "finance")], subject)
    return msg, "invoice_fraud", b.legs(impersonation=imp, trust=pressure, payload=True, goal=True)


# ================================================================================ benign look-alikes

_NO_LEGS = dict.fromkeys(CONCEPTS, False)
_CLIENTS = [_Vendor("Northwind Traders", "northwind-traders.com", False), _Vendor("Contoso Pharmaceuticals",
                                                                                  "contoso-pharma.com", False),
            _Vendor("Fabrikam Manufacturing", "fabrikam.com", False), _Vendor("Tailspin Aviation",
                                                                              "tailspin-aviation.com", False),
            _Vendor("Litware Software", "litware.com", False), _Vendor("Adventure Works Retail", "adventure-works.com",
                                                                       False)]


def _internal_sender(rng: random.Random, p: _Person, display: Optional[str] = None, system: bool = False) -> _Sender:
    plat = _weighted(rng, [("microsoft", 5), ("google", 4), ("onprem", 1)]) if not system else \
        _weighted(rng, [("esp", 4), ("microsoft", 3), ("google", 2), ("php", 1)])
    s = _sender(rng, p.name if display is None else display, p.email, "org", platform=plat, internal=not system)
    if not system and s.platform == "microsoft" and _chance(rng, 0.4):
        s.auth = (_pick(rng, ["pass", "none"]), "none", "none")
        s.dkim_domain = ""
    return s


def _benign_reply_to(b: _B, domain: str, p: float, boxes: Optional[list] = None, display: str = "") -> None:
    """Legitimate senders often set a Reply-To: a support, billing or help-desk mailbox of their own."""
    if b.reply_to is None and _chance(b.rng, p):
        addr = (f"{_pick(b.rng, boxes or ['support', 'reply', 'help', 'customerservice', 'service', 'contact'])}@"
                f"{domain}")
        b.reply_to = str(Address(display_name=display, addr_spec=addr)) if display and _chance(b.rng, 0.5) else addr


def _benign_typos(b: _B, p: float = 0.1) -> None:
    if _chance(b.rng, p):
        b.typo_n = 1


_T["benign_invoice"] = {
    "en": dict(
        subject=["Invoice {inv} from {vendor}", "{vendor} invoice {inv}", "Your invoice {inv}",
                 "Invoice {inv} - {month}", "Statement for {month}",
                 "Invoice available: {inv}", "Payment reminder: invoice {inv} due {date}", "Your {vendor} receipt",
                 "{vendor}: new invoice",
                 "Invoice for PO {po}", "Invoice {inv} (PO {po})"],
        intro=["Please find attached invoice {inv} for {amount}, due on {date}.",
               "Attached is our invoice {inv} for the goods delivered under PO {po}.",
               "Thank you for your order. Your invoice {inv} for {amount} is attached.",
               "Please see attached invoice {inv} covering services for {month}."],
        reminder=["This is a friendly reminder that invoice {inv} ({amount}) is due on {date}.",
                  "Our records show invoice {inv} is due soon. If you have already paid, please disregard this "
                  "message."],
        terms=["Payment terms are net 30 as per our agreement.",
               "Payment is due within 30 days to the account on file.",
               "Our bank details are unchanged.", "Please reference the invoice number with your payment."],
        portal=["You can also view and download your invoices in our customer portal: {link}",
                "A copy is available in your account at {link}"],
        questions=["If you have any questions about this invoice, please contact {ar}.",
                   "Questions? Reply to this email or call us at {phone}.",
                   "Let us know if anything needs correcting."],
        thanks=["Thank you for your business.", "We appreciate your business.", "Thanks again for choosing {vendor}."]),
    "de": dict(
        subject=["Rechnung {inv} von {vendor}", "Ihre Rechnung {inv}", "Rechnung {inv} - {month}",
                 "Kontoauszug {month}", "Zahlungserinnerung: Rechnung {inv}"],
        intro=["Anbei erhalten Sie die Rechnung {inv} über {amount}, fällig am {date}.",
               "Anbei unsere Rechnung {inv} zur Bestellung {po}."],
        reminder=["Freundliche Erinnerung: Die Rechnung {inv} ({amount}) ist am {date} fällig. Falls bereits bezahlt, "
                  "betrachten Sie diese Nachricht als gegenstandslos."],
        terms=["Zahlungsziel 30 Tage netto.", "Unsere Bankverbindung bleibt unverändert.",
               "Bitte geben Sie die Rechnungsnummer als Verwendungszweck an."],
        portal=["Alle Rechnungen finden Sie auch in unserem Kundenportal: {link}"],
        questions=["Bei Fragen zur Rechnung wenden Sie sich bitte an {ar}.",
                   "Bei Rückfragen erreichen Sie uns unter {phone}."],
        thanks=["Vielen Dank für Ihren Auftrag.", "Vielen Dank für die gute Zusammenarbeit."]),
    "fr": dict(
        subject=["Facture {inv} de {vendor}", "Votre facture {inv}", "Facture {inv} - {month}", "Relevé de {month}",
                 "Rappel : facture {inv}"],
        intro=["Veuillez trouver ci-joint la facture {inv} de {amount}, à régler avant le {date}.",
               "Ci-joint notre facture {inv} relative à la commande {po}."],
        reminder=["Petit rappel : la facture {inv} ({amount}) arrive à échéance le {date}. Si le règlement a déjà été "
                  "effectué, merci de ne pas tenir compte de ce message."],
        terms=["Paiement à 30 jours net.", "Nos coordonnées bancaires restent inchangées.",
               "Merci d'indiquer le numéro de facture lors du règlement."],
        portal=["Vos factures sont également disponibles sur notre portail client : {link}"],
        questions=["Pour toute question, contactez {ar}.", "Vous pouvez nous joindre au {phone}."],
        thanks=["Merci pour votre confiance.", "Merci de votre commande."]),
    "pt": dict(
        subject=["Fatura {inv} - {vendor}", "Sua fatura {inv}", "Fatura {inv} - {month}", "Extrato de {month}",
                 "Lembrete: fatura {inv}"],
        intro=["Segue em anexo a fatura {inv} no valor de {amount}, com vencimento em {date}.",
               "Segue nossa fatura {inv} referente ao pedido {po}."],
        reminder=["Lembrete: a fatura {inv} ({amount}) vence em {date}. Caso já tenha efetuado o pagamento, "
                  "desconsidere esta mensagem."],
        terms=["Prazo de pagamento de 30 dias.", "Nossos dados bancários permanecem os mesmos.",
               "Informe o número da fatura no pagamento."],
        portal=["Você também pode acessar suas faturas no portal do cliente: {link}"],
        questions=["Em caso de dúvidas, fale com {ar}.", "Dúvidas? Ligue para {phone}."],
        thanks=["Agradecemos a preferência.", "Obrigado pela parceria."]),
    "nl": dict(
        subject=["Factuur {inv} van {vendor}", "Uw factuur {inv}", "Factuur {inv} - {month}", "Overzicht {month}",
                 "Herinnering: factuur {inv}"],
        intro=["Bijgaand ontvangt u factuur {inv} van {amount}, te voldoen voor {date}.",
               "Bijgaand onze factuur {inv} voor bestelling {po}."],
        reminder=["Vriendelijke herinnering: factuur {inv} ({amount}) vervalt op {date}. Heeft u al betaald, dan kunt "
                  "u dit bericht negeren."],
        terms=["Betalingstermijn 30 dagen.", "Onze bankgegevens zijn ongewijzigd.",
               "Vermeld bij betaling het factuurnummer."],
        portal=["U kunt uw facturen ook inzien in ons klantportaal: {link}"],
        questions=["Vragen over deze factuur? Neem contact op met {ar}.", "U kunt ons bereiken op {phone}."],
        thanks=["Dank voor uw bestelling.", "Bedankt voor de prettige samenwerking."]),
}
_SAAS = [("Amazon Web Services", "aws-billing@amazon.com", "https://console.aws.amazon.com/billing/home#/bills"),
         ("Atlassian", "noreply@am.atlassian.com", "https://admin.atlassian.com/billing"),
         ("Zoom", "billing@zoom.us", "https://zoom.us/billing"), ("Adobe", "mail@mail.adobe.com",
                                                                  "https://account.adobe.com/orders"),
         ("Microsoft", "microsoft-noreply@microsoft.com", "https://admin.microsoft.com/billing/invoices")]


def benign_invoice(rng: random.Random, when: datetime):
    b = _B(rng, when, "benign_invoice")
    rcpt = _staff(rng, b.lang, "finance")
    route = _weighted(rng, [("person", 35), ("system", 35), ("platform", 15), ("saas", 15)])
    v = _vendor(rng, 0.7)
    contact = _vendor_contact(rng, v, b.lang)
    vendor_name = v.name
    portal = (f"https://{_pick(rng, ['portal', 'billing', 'my', 'customers'])}.{v.domain}/invoices/"
              f"{rng.randint(10000, 99999)}")
    if route == "person":
        s = _sender(rng, contact.name, contact.email, "vendor")
    elif route == "system":
        s = _sender(rng, f"{v.name} {_pick(rng, ['Billing', 'Accounts', 'Invoicing', 'Accounts Receivable'])}",
                    f"{_pick(rng, ['billing', 'invoices', 'accounts', 'ar', 'noreply'])}@{v.domain}", "vendor_system")
    elif route == "platform":
        plat, addr = _pick(rng, [("QuickBooks", "quickbooks@notification.intuit.com"),
                                 ("Xero", "messaging-service@post.xero.com"),
                                 ("Stripe", "invoice+statements@stripe.com"), ("FreshBooks", "noreply@freshbooks.com")])
        s = _sender(rng, f"{v.name} via {plat}" if _chance(rng, 0.6) else v.name, addr, "brand", platform="esp")
        b.reply_to = f"{_pick(rng, ['billing', 'accounts', 'ar'])}@{v.domain}"
    else:
        vendor_name, addr, portal = _pick(rng, _SAAS)
        s = _sender(rng, vendor_name, addr, "brand")
    if route == "system":
        _benign_reply_to(b, v.domain, 0.45, ["ar", "billing", "accounts", "accounts.receivable", "credit.control"],
                         f"{v.name} Accounts")
    amount = _money(rng, b.lang, 150, 48_000)
    b.ctx.update(first=rcpt.first, vendor=vendor_name, inv=_invoice_no(rng, when.year), amount=amount, po=_po_no(rng),
                 month=_MONTHS[b.lang][(when.month - 2) % 12], date=_day(rng, b.lang,
                                                                         b.when + timedelta(days=rng.randint(10, 45))),
                 ar=f"{_pick(rng, ['billing', 'ar', 'accounts'])}@{v.domain}" if route != "saas"
                 else "our billing team",
                 phone=_phone(rng, b.lang), link=_link(portal, _pick(rng, ["", portal, "customer portal",
                                                                           "View invoice"])))
    reminder = _chance(rng, 0.2)
    b.style_hint = "notify" if route in ("platform", "saas", "system") and _chance(rng, 0.6) else None
    b.greet(rcpt.first if route == "person" or _chance(rng, 0.4) else None, 0.1)
    b.para([b.p("reminder" if reminder else "intro")] + ([b.p("terms")] if _chance(rng, 0.6) else []))
    if _chance(rng, 0.35) or route in ("platform", "saas"):
        if b.style_hint and _chance(rng, 0.5):
            b.blocks.append(("btn", portal, _pick(rng, ["View invoice", "Pay invoice", "View and pay",
                                                        "Download invoice"])))
        else:
            b.para([b.p("portal")])
    b.para([b.p("questions")] + ([b.p("thanks")] if _chance(rng, 0.6) else []))
    if route == "person":
        b.sign(_sig_lines(rng, contact, b.lang, _pick(rng, [2, 3, 4])), disclaimer=0.3)
    else:
        b.sign([f"{vendor_name} {_pick(rng, ['Billing', 'Accounts Receivable', 'Finance Team', 'Customer Accounts'])}"])
    if route not in ("saas",) or _chance(rng, 0.5):
        b.attach(_pdf([vendor_name.upper(), "INVOICE", f"{b.kv_labels['invoice']}: {b.ctx['inv']}",
                       f"{b.kv_labels['amount']}: {amount}",
                       f"{b.kv_labels['due']}: {b.ctx['date']}", f"PO: {b.ctx['po']}"], b.when,
                      producer=_pick(rng, ["SAP NetWeaver", "Microsoft Dynamics 365", "QuickBooks Online", "Xero",
                                           "Crystal Reports", "iText 7.2.5"])),
                 "application/pdf", _pick(rng, [f"Invoice_{b.ctx['inv']}.pdf", f"{b.ctx['inv']}.pdf",
                                                f"{_local(vendor_name.split()[0])}_invoice_{b.ctx['inv']}.pdf",
                                                "invoice.pdf",
                                                f"Statement_{when.strftime('%Y%m')}.pdf"]).replace("#", ""))
    _benign_typos(b, 0.05)
    msg = _finish(b, s, [_fmt_to(rng, rcpt)] if _chance(rng, 0.6) else [_role_box(rng, "finance")], b.subject(True))
    return msg, "benign_invoice", dict(_NO_LEGS)


_RESETS = [("Microsoft account team", "account-security-noreply@accountprotection.microsoft.com",
            "https://account.live.com/password/reset?mkt=en-US&token={tok}"),
           ("Google", "no-reply@accounts.google.com",
            "https://accounts.google.com/signin/v2/recoveryidentifier?token={tok}"),
           ("Apple", "no_reply@email.apple.com", "https://iforgot.apple.com/password/verify/appleid?token={tok}"),
           ("PayPal", "service@paypal.com", "https://www.paypal.com/authflow/password-recovery/?token={tok}"),
           ("Dropbox", "no-reply@dropbox.com", "https://www.dropbox.com/password_reset?token={tok}"),
           ("LinkedIn", "security-noreply@linkedin.com",
            "https://www.linkedin.com/checkpoint/rp/password-reset?token={tok}"),
           ("Zoom", "no-reply@zoom.us", "https://zoom.us/reset_password?token={tok}"),
           ("GitHub", "noreply@github.com", "https://github.com/password_reset/{tok}"),
           ("Adobe", "message@adobe.com", "https://account.adobe.com/reset?token={tok}"),
           ("Amazon", "account-update@amazon.com",
            "https://www.amazon.com/ap/forgotpassword/reverification?token={tok}"),
           ("Okta", "noreply@okta.com", "https://example.okta.com/signin/reset-password/{tok}"),
           ("Atlassian", "noreply@id.atlassian.com", "https://id.atlassian.com/login/resetpassword?token={tok}"),
           ("Netflix", "info@account.netflix.com", "https://www.netflix.com/password?g={tok}"),
           ("DocuSign", "dse@docusign.net", "https://account.docusign.com/forgotpassword?token={tok}")]

_T["benign_password_reset"] = {
    "en": dict(
        reset_subject=["Reset your {brand} password", "{brand} password reset", "Password reset request",
                       "Your {brand} password reset link",
                       "Complete your password reset"],
        reset_text=["We received a request to reset the password for your {brand} account ({email}).",
                    "Someone (hopefully you) asked to reset the password for your {brand} account.",
                    "To reset your password, click the button below."],
        reset_cta=["Reset password", "Choose a new password", "Reset your password"],
        code_subject=["Your {brand} verification code", "{brand} security code", "Your one-time code: {code}"],
        code_text=["Your verification code is {code}.", "Use this code to finish signing in: {code}"],
        changed_subject=["Your {brand} password was changed", "{brand} account password changed", "Password updated"],
        changed_text=["The password for your {brand} account {email} was changed on {date}.",
                      "This is a confirmation that your password was recently changed."],
        changed_cta=["Review recent activity", "Secure your account"],
        signin_subject=["New sign-in to your {brand} account", "{brand} security alert: new sign-in",
                        "New device signed in to {email}"],
        signin_text=["We noticed a new sign-in to your {brand} account on a {device} in {city}.",
                     "Your {brand} account was just signed in to from a new device."],
        signin_cta=["Check activity", "Review sign-in"],
        expiry=["This link will expire in {mins} minutes.", "The code expires in 10 minutes.",
                "For your security, this link can only be used once."],
        ignore=["If you didn't request this, you can safely ignore this email - your password will not change.",
                "If this was you, there's nothing else you need to do.",
                "If you did not make this change, please reset your password right away."],
        never=["{brand} will never ask you for your password by email.", "Never share this code with anyone."]),
    "de": dict(
        reset_subject=["Setzen Sie Ihr {brand}-Passwort zurück", "{brand}: Passwort zurücksetzen"],
        reset_text=["Wir haben eine Anfrage zum Zurücksetzen des Passworts für Ihr {brand}-Konto ({email}) erhalten."],
        reset_cta=["Passwort zurücksetzen"],
        code_subject=["Ihr {brand}-Bestätigungscode"], code_text=["Ihr Bestätigungscode lautet {code}."],
        changed_subject=["Ihr {brand}-Passwort wurde geändert"],
        changed_text=["Das Passwort für Ihr {brand}-Konto {email} wurde am {date} geändert."],
        changed_cta=["Letzte Aktivitäten prüfen"],
        signin_subject=["Neue Anmeldung bei Ihrem {brand}-Konto"],
        signin_text=["Wir haben eine neue Anmeldung bei Ihrem {brand}-Konto auf einem {device} in {city} "
                     "festgestellt."],
        signin_cta=["Aktivität prüfen"],
        expiry=["Dieser Link ist {mins} Minuten gültig."],
        ignore=["Wenn Sie dies nicht angefordert haben, können Sie diese E-Mail ignorieren.",
                "Wenn Sie das waren, ist nichts weiter zu tun."],
        never=["{brand} fragt Sie niemals per E-Mail nach Ihrem Passwort."]),
    "fr": dict(
        reset_subject=["Réinitialisez votre mot de passe {brand}", "{brand} : réinitialisation du mot de passe"],
        reset_text=["Nous avons reçu une demande de réinitialisation du mot de passe de votre compte {brand} "
                    "({email})."],
        reset_cta=["Réinitialiser le mot de passe"],
        code_subject=["Votre code de vérification {brand}"], code_text=["Votre code de vérification est {code}."],
        changed_subject=["Votre mot de passe {brand} a été modifié"],
        changed_text=["Le mot de passe de votre compte {brand} {email} a été modifié le {date}."],
        changed_cta=["Vérifier l'activité récente"],
        signin_subject=["Nouvelle connexion à votre compte {brand}"],
        signin_text=["Nous avons remarqué une nouvelle connexion à votre compte {brand} depuis un {device} à {city}."],
        signin_cta=["Vérifier l'activité"],
        expiry=["Ce lien expirera dans {mins} minutes."],
        ignore=["Si vous n'êtes pas à l'origine de cette demande, ignorez cet e-mail.",
                "Si c'était vous, vous n'avez rien à faire."],
        never=["{brand} ne vous demandera jamais votre mot de passe par e-mail."]),
    "pt": dict(
        reset_subject=["Redefina sua senha {brand}", "{brand}: redefinição de senha"],
        reset_text=["Recebemos uma solicitação para redefinir a senha da sua conta {brand} ({email})."],
        reset_cta=["Redefinir senha"],
        code_subject=["Seu código de verificação {brand}"], code_text=["Seu código de verificação é {code}."],
        changed_subject=["Sua senha {brand} foi alterada"],
        changed_text=["A senha da sua conta {brand} {email} foi alterada em {date}."],
        changed_cta=["Revisar atividade recente"],
        signin_subject=["Novo acesso à sua conta {brand}"],
        signin_text=["Notamos um novo acesso à sua conta {brand} em um {device} em {city}."],
        signin_cta=["Verificar atividade"],
        expiry=["Este link expira em {mins} minutos."],
        ignore=["Se você não fez esta solicitação, ignore este e-mail.", "Se foi você, não é preciso fazer nada."],
        never=["A {brand} nunca pede sua senha por e-mail."]),
    "nl": dict(
        reset_subject=["Stel uw {brand}-wachtwoord opnieuw in", "{brand}: wachtwoord opnieuw instellen"],
        reset_text=["We hebben een verzoek ontvangen om het wachtwoord van uw {brand}-account ({email}) opnieuw in te "
                    "stellen."],
        reset_cta=["Wachtwoord opnieuw instellen"],
        code_subject=["Uw {brand}-verificatiecode"], code_text=["Uw verificatiecode is {code}."],
        changed_subject=["Uw {brand}-wachtwoord is gewijzigd"],
        changed_text=["Het wachtwoord van uw {brand}-account {email} is gewijzigd op {date}."],
        changed_cta=["Recente activiteit bekijken"],
        signin_subject=["Nieuwe aanmelding bij uw {brand}-account"],
        signin_text=["We zagen een nieuwe aanmelding bij uw {brand}-account op een {device} in {city}."],
        signin_cta=["Activiteit bekijken"],
        expiry=["Deze link verloopt over {mins} minuten."],
        ignore=["Heeft u dit niet aangevraagd, dan kunt u deze e-mail negeren.",
                "Was u dit, dan hoeft u niets te doen."],
        never=["{brand} vraagt nooit per e-mail naar uw wachtwoord."]),
}


def benign_password_reset(rng: random.Random, when: datetime):
    b = _B(rng, when, "benign_password_reset")
    rcpt = _staff(rng, b.lang, _pick(rng, ["other", "finance", "assistant", "hr"]))
    brand, addr, url_t = _pick(rng, _RESETS)
    url = url_t.format(tok=_pick(rng, [_alnum(rng, 40), _hex(rng, 32), _uuid(rng)]))
    dom = addr.split("@")[1]
    theme = _weighted(rng, [("reset", 50), ("code", 15), ("changed", 15), ("signin", 20)])
    code = _digits(rng, 6)
    b.ctx.update(first=rcpt.first, brand=brand.replace(" account team", ""), email=rcpt.email, code=code,
                 mins=_pick(rng, [15, 30, 60, 1440]),
                 date=_day(rng, b.lang, b.when), device=_pick(rng, ["Windows PC", "Mac", "iPhone", "Android device"]),
                 city=_pick(rng, _CITIES))
    s = _sender(rng, brand, addr, "brand")
    _benign_reply_to(b, dom, 0.12, ["noreply", "no-reply", "support"])
    b.style_hint = "notify"
    b.logo = (f"https://{_pick(rng, ['static', 'img', 'cdn', 'www'])}.{_brand_reg(dom)}/images/logo/{_alnum(rng, 6)}"
              f".png", b.ctx["brand"])
    b.greet(rcpt.first if _chance(rng, 0.6) else None, 0.15)
    b.para([b.p(f"{theme}_text")])
    if theme == "code":
        b.blocks.append(("p", code))
    else:
        link = url if theme == "reset" else (f"https://{_pick(rng, ['account', 'myaccount', 'security'])}."
                                             f"{_brand_reg(dom)}/security/activity")
        if _chance(rng, 0.7):
            b.blocks.append(("btn", link, b.p(f"{theme}_cta")))
        else:
            b.blocks.append(("p", _link(link, link if _chance(rng, 0.5) else b.p(f"{theme}_cta"))))
    b.para(([b.p("expiry")] if theme in ("reset", "code") and _chance(rng, 0.7) else []) + [b.p("ignore")]
           + ([b.p("never")] if _chance(rng, 0.4) else []))
    b.sign([_pick(rng, [f"The {b.ctx['brand']} Team", f"{b.ctx['brand']} Account Security", b.ctx["brand"]])],
           bye=_chance(rng, 0.5))
    rights = _pick(rng, _RIGHTS[b.lang] + [f"https://www.{_brand_reg(dom)}/privacy"])
    b.blocks.append(("foot", f"\u00a9 {when.year} {b.ctx['brand']}. {rights}".rstrip()))
    if _chance(rng, 0.4):
        b.extra.append(("Auto-Submitted", "auto-generated"))
    msg = _finish(b, s, [rcpt.email], b.subject(True, f"{theme}_subject"))
    return msg, "benign_password_reset", dict(_NO_LEGS)


def _brand_reg(dom: str) -> str:
    parts = dom.split(".")
    return ".".join(parts[-3:]) if dom.endswith(".com.br") else ".".join(parts[-2:])


_T["benign_urgent_internal"] = {
    "en": dict(
        subject=["Board deck - need by {time}", "Urgent: numbers for Q{q} review", "Need this today",
                 "ASAP: {client} contract",
                 "Approval needed today - {vendor} PO", "Investor meeting prep", "Quick one - urgent",
                 "{client} escalation",
                 "Auditors - {month} reconciliation", "Re: Q{q} forecast", "Today please", "Time-sensitive: {project}"],
        ask=["Can you send me the updated Q{q} figures before the board call at {time} today?",
             "Can you send me the signed contract for {client} before end of day? They're waiting on it.",
             "Please approve the {vendor} purchase order in the system today - the delivery slot depends on it.",
             "I need the slides for tomorrow's investor meeting tonight. Please prioritise.",
             "{client} escalated the delivery issue to me. Can you call them right away and update me?",
             "The auditors need the reconciliation for {month} by noon. Please send it to them directly and copy me.",
             "Please make sure the {vendor} invoice that is already approved in the system goes out in today's payment "
             "run - they chased me.",
             "Can you book the boardroom for the {client} visit tomorrow at 9? They just confirmed."],
        why=["The slides go out right after.", "Legal needs it before they sign off.",
             "I'm travelling tomorrow so I need it tonight.",
             "It has to be in the pack for the committee.", "Sorry for the short notice."],
        more=["Call me if anything is unclear.", "Thanks - I know it's a lot today.",
              "Let me know if you're blocked on anything.",
              "Happy to jump on a call.", ""]),
    "de": dict(
        subject=["Vorstandsunterlagen - bis {time} benötigt", "Dringend: Zahlen für Q{q}", "Bitte heute noch",
                 "Eilt: Vertrag {client}", "Freigabe heute - Bestellung {vendor}"],
        ask=["Kannst du mir die aktualisierten Q{q}-Zahlen vor dem Vorstandscall um {time} schicken?",
             "Bitte gib die Bestellung bei {vendor} heute im System frei - der Liefertermin hängt davon ab.",
             "{client} hat das Lieferproblem bei mir eskaliert. Kannst du sie gleich anrufen und mir Bescheid geben?"],
        why=["Die Folien gehen direkt danach raus.", "Ich bin morgen unterwegs.", "Sorry für die Kurzfristigkeit."],
        more=["Ruf mich an, wenn etwas unklar ist.", "Danke dir!", ""]),
    "fr": dict(
        subject=["Présentation CA - pour {time}", "Urgent : chiffres T{q}", "À faire aujourd'hui",
                 "Urgent : contrat {client}", "Validation aujourd'hui - commande {vendor}"],
        ask=["Peux-tu m'envoyer les chiffres du T{q} mis à jour avant l'appel du conseil à {time} ?",
             "Merci de valider la commande {vendor} dans le système aujourd'hui - le créneau de livraison en dépend.",
             "{client} m'a remonté le problème de livraison. Peux-tu les appeler tout de suite et me tenir au courant "
             "?"],
        why=["Les slides partent juste après.", "Je suis en déplacement demain.", "Désolée pour le délai court."],
        more=["Appelle-moi si besoin.", "Merci !", ""]),
    "pt": dict(
        subject=["Apresentação do conselho - até {time}", "Urgente: números do T{q}", "Preciso disso hoje",
                 "Urgente: contrato {client}", "Aprovação hoje - pedido {vendor}"],
        ask=["Pode me enviar os números atualizados do T{q} antes da reunião do conselho às {time}?",
             "Por favor, aprove o pedido da {vendor} no sistema hoje - a data de entrega depende disso.",
             "A {client} escalou o problema de entrega para mim. Pode ligar para eles agora e me atualizar?"],
        why=["Os slides saem logo depois.", "Viajo amanhã.", "Desculpe o prazo curto."],
        more=["Me ligue se precisar.", "Obrigada!", ""]),
    "nl": dict(
        subject=["Bestuursdeck - nodig voor {time}", "Dringend: cijfers Q{q}", "Graag vandaag",
                 "Spoed: contract {client}", "Goedkeuring vandaag - order {vendor}"],
        ask=["Kun je me de bijgewerkte Q{q}-cijfers sturen voor het bestuursoverleg om {time}?",
             "Wil je de order van {vendor} vandaag in het systeem goedkeuren? Het leverslot hangt ervan af.",
             "{client} heeft het leveringsprobleem bij mij geëscaleerd. Kun je ze direct bellen en mij updaten?"],
        why=["De slides gaan er direct daarna uit.", "Ik ben morgen op reis.", "Sorry voor de korte termijn."],
        more=["Bel me als iets onduidelijk is.", "Dank je!", ""]),
}


def benign_urgent_internal(rng: random.Random, when: datetime):
    b = _B(rng, when, "benign_urgent_internal")
    vip = _vip(rng, b.lang)
    rcpt = _staff(rng, b.lang, _pick(rng, ["finance", "assistant", "other"]))
    v = _vendor(rng, 0.7)
    b.ctx.update(first=rcpt.first, time=_cutoff(rng, b.lang), q=(when.month - 1) // 3 + 1,
                 client=_pick(rng, _CLIENTS).name, vendor=v.name,
                 month=_MONTHS[b.lang][(when.month - 2) % 12], project=_pick(rng, _PROJECTS))
    s = _internal_sender(rng, vip)
    if _chance(rng, 0.08):
        ea = _staff(rng, b.lang, "assistant")
        b.reply_to = str(Address(display_name=ea.name, addr_spec=ea.email))
    b.greet(rcpt.first, 0.2)
    b.para([b.p("ask")] + ([b.p("why")] if _chance(rng, 0.6) else []) + ([b.p("more")] if _chance(rng, 0.5) else []))
    b.sign(_sig_lines(rng, vip, b.lang, _pick(rng, [0, 0, 1, 2, 3])), bye=_chance(rng, 0.6), mobile=0.35)
    subject = b.subject(True)
    if _chance(rng, 0.3):
        t0 = b.when - timedelta(hours=rng.randint(1, 30))
        prev = f"<{_hex(rng, 32)}@{ORG}>" if _chance(rng, 0.5) else _message_id(rng, s, t0)
        b.in_reply_to, b.references = prev, [prev]
        subject = b.re_prefix() + subject
        b.blocks.append(_quote(b, _quote_style(rng, s.client), rcpt, vip.email, subject.split(": ", 1)[-1],
                               [("p", _pick(rng, _C[b.lang]["hi"]).format(first=vip.first)),
                                ("p", _pick(rng, {"en": ["Quick update: the draft is ready for your review.",
                                                         "The numbers are nearly final, waiting on two cost centres."],
                                                  "de": ["Kurzes Update: der Entwurf ist fertig."],
                                                  "fr": ["Petit point : le brouillon est prêt."],
                                                  "pt": ["Atualização rápida: o rascunho está pronto."],
                                                  "nl": ["Korte update: het concept is klaar."]}[b.lang])),
                                ("sig", [rcpt.first])], t0))
    if _chance(rng, 0.3):
        ext = _pick(rng, ["xlsx", "docx", "pdf"])
        name = _pick(rng, ["Q{q}_figures", "Board_pack_draft", "Contract_{client}",
                           "Forecast_v{n}"]).format(q=b.ctx["q"], client=b.ctx["client"].split()[0],
                                                    n=rng.randint(2, 9))
        data = _office(ext, ["Draft", b.ctx["client"]], b.when) if ext != "pdf" else _pdf(["DRAFT", b.ctx["client"]],
                                                                                          b.when)
        b.attach(data, f"application/{_OFFICE_TYPES.get(ext, 'pdf')}", f"{name}.{ext}")
    if _chance(rng, 0.25):
        b.extra.append(("Importance", "high"))
        if _chance(rng, 0.5):
            b.extra.append(("X-Priority", "1"))
    if _chance(rng, 0.3):
        b.cc = [_fmt_to(rng, _staff(rng, b.lang, "assistant"))]
    _benign_typos(b, 0.15)
    msg = _finish(b, s, [_fmt_to(rng, rcpt)], subject)
    return msg, "benign_urgent_internal", dict(_NO_LEGS)


_T["benign_vendor_notice"] = {
    "en": dict(
        payment_subject=["Payment received - thank you", "Remittance received for invoice {inv}",
                         "Payment confirmation {inv}"],
        payment_text=["We have received your payment of {amount} for invoice {inv}. Thank you.",
                      "This confirms receipt of {amount} against invoice {inv}. No further action is needed."],
        price_subject=["Price list update effective {date}", "Important: price changes from {date}",
                       "Updated price list {year}"],
        price_text=["Please note that our price list will be updated effective {date}. The new list is attached.",
                    "Due to increased raw material costs, prices for selected items will rise by {pct}% from {date}."],
        holiday_subject=["Holiday closure schedule", "Office closure {date}", "Holiday opening hours"],
        holiday_text=["Our offices will be closed from {date} for the holidays. Orders placed during this period will "
                      "ship on {date2}.",
                      "Please note our reduced opening hours during the holiday period."],
        portal_subject=["Introducing our new customer portal", "Your {vendor} portal account",
                        "New: track your orders online"],
        portal_text=["We have launched a new customer portal where you can track orders and download invoices: {link}",
                     "Your customer portal account has been upgraded. You can sign in with your existing credentials "
                     "at {link}."],
        order_subject=["Order confirmation {po}", "Your order {po} has shipped", "Order {po} - delivery date"],
        order_text=["Thank you for your order {po}. The expected delivery date is {date}.",
                    "Your order {po} has been dispatched and should arrive by {date}."],
        fraud_subject=["Important: beware of fraudulent emails", "Fraud alert - our bank details have not changed",
                       "Security notice from {vendor}"],
        fraud_text=["We have become aware of fraudulent emails impersonating {vendor} and requesting changes to bank "
                    "details. Our bank details have NOT changed. Please always verify any change by calling your "
                    "account manager on a number you already know."],
        statement_subject=["Statement of account - {month}", "Your monthly statement", "Account statement {month}"],
        statement_text=["Please find attached your statement of account for {month}.",
                        "Attached is your monthly account statement. Please contact us if anything does not match your "
                        "records."],
        maint_subject=["Scheduled maintenance on {date}", "Ordering system downtime"],
        maint_text=["Our ordering system will be unavailable on {date} from 22:00 to 02:00 for scheduled maintenance."],
        contract_subject=["Service agreement renewal", "Your agreement {po} renews on {date}"],
        contract_text=["Your service agreement {po} is due for renewal on {date}. Your account manager will be in "
                       "touch to discuss options."],
        close=["Thank you for your business.", "If you have any questions, please contact your account manager.",
               "Kind regards from all of us at {vendor}."]),
    "de": dict(
        payment_subject=["Zahlungseingang - vielen Dank", "Zahlung zu Rechnung {inv} erhalten"],
        payment_text=["Wir haben Ihre Zahlung über {amount} zur Rechnung {inv} erhalten. Vielen Dank."],
        price_subject=["Preisanpassung ab {date}", "Neue Preisliste {year}"],
        price_text=["Bitte beachten Sie, dass unsere Preisliste ab {date} aktualisiert wird. Die neue Liste ist "
                    "angehängt."],
        holiday_subject=["Betriebsferien", "Öffnungszeiten an den Feiertagen"],
        holiday_text=["Unser Büro ist ab {date} geschlossen. Bestellungen werden ab {date2} versendet."],
        order_subject=["Auftragsbestätigung {po}", "Ihre Bestellung {po} wurde versendet"],
        order_text=["Vielen Dank für Ihre Bestellung {po}. Voraussichtlicher Liefertermin: {date}."],
        fraud_subject=["Wichtig: Warnung vor betrügerischen E-Mails"],
        fraud_text=["Derzeit sind betrügerische E-Mails im Namen von {vendor} im Umlauf, die eine Änderung der "
                    "Bankverbindung verlangen. Unsere Bankverbindung hat sich NICHT geändert. Bitte prüfen Sie "
                    "Änderungen immer telefonisch."],
        statement_subject=["Kontoauszug {month}"], statement_text=["Anbei Ihr Kontoauszug für {month}."],
        close=["Vielen Dank für Ihr Vertrauen.", "Bei Fragen wenden Sie sich an Ihren Ansprechpartner."]),
    "fr": dict(
        payment_subject=["Paiement reçu - merci", "Règlement de la facture {inv} reçu"],
        payment_text=["Nous avons bien reçu votre paiement de {amount} pour la facture {inv}. Merci."],
        price_subject=["Mise à jour tarifaire au {date}", "Nouveaux tarifs {year}"],
        price_text=["Nos tarifs seront mis à jour à compter du {date}. La nouvelle grille est jointe."],
        holiday_subject=["Fermeture pour congés", "Horaires pendant les fêtes"],
        holiday_text=["Nos bureaux seront fermés à partir du {date}. Les commandes seront expédiées à partir du "
                      "{date2}."],
        order_subject=["Confirmation de commande {po}", "Votre commande {po} a été expédiée"],
        order_text=["Merci pour votre commande {po}. Livraison prévue le {date}."],
        fraud_subject=["Important : attention aux e-mails frauduleux"],
        fraud_text=["Des e-mails frauduleux se faisant passer pour {vendor} demandent un changement de coordonnées "
                    "bancaires. Nos coordonnées n'ont PAS changé. Vérifiez toujours par téléphone."],
        statement_subject=["Relevé de compte {month}"],
        statement_text=["Veuillez trouver ci-joint votre relevé de compte de {month}."],
        close=["Merci de votre confiance.", "Pour toute question, contactez votre interlocuteur habituel."]),
    "pt": dict(
        payment_subject=["Pagamento recebido - obrigado", "Pagamento da fatura {inv} recebido"],
        payment_text=["Recebemos seu pagamento de {amount} referente à fatura {inv}. Obrigado."],
        price_subject=["Atualização de preços a partir de {date}", "Nova tabela de preços {year}"],
        price_text=["Nossa tabela de preços será atualizada a partir de {date}. A nova tabela segue em anexo."],
        holiday_subject=["Recesso de fim de ano", "Horário durante os feriados"],
        holiday_text=["Nosso escritório estará fechado a partir de {date}. Os pedidos serão enviados a partir de "
                      "{date2}."],
        order_subject=["Confirmação do pedido {po}", "Seu pedido {po} foi enviado"],
        order_text=["Obrigado pelo pedido {po}. Entrega prevista para {date}."],
        fraud_subject=["Importante: cuidado com e-mails fraudulentos"],
        fraud_text=["Há e-mails fraudulentos em nome da {vendor} pedindo alteração de dados bancários. Nossos dados "
                    "NÃO mudaram. Confirme sempre por telefone."],
        statement_subject=["Extrato de conta {month}"], statement_text=["Segue em anexo o extrato de {month}."],
        close=["Agradecemos a parceria.", "Em caso de dúvidas, fale com seu gerente de contas."]),
    "nl": dict(
        payment_subject=["Betaling ontvangen - bedankt", "Betaling factuur {inv} ontvangen"],
        payment_text=["We hebben uw betaling van {amount} voor factuur {inv} ontvangen. Dank u wel."],
        price_subject=["Prijswijziging per {date}", "Nieuwe prijslijst {year}"],
        price_text=["Onze prijslijst wordt per {date} aangepast. De nieuwe lijst is bijgevoegd."],
        holiday_subject=["Sluiting tijdens de feestdagen", "Openingstijden feestdagen"],
        holiday_text=["Ons kantoor is gesloten vanaf {date}. Bestellingen worden vanaf {date2} verzonden."],
        order_subject=["Orderbevestiging {po}", "Uw bestelling {po} is verzonden"],
        order_text=["Bedankt voor uw bestelling {po}. Verwachte leverdatum: {date}."],
        fraud_subject=["Belangrijk: pas op voor frauduleuze e-mails"],
        fraud_text=["Er circuleren frauduleuze e-mails namens {vendor} met het verzoek bankgegevens te wijzigen. Onze "
                    "bankgegevens zijn NIET gewijzigd. Controleer wijzigingen altijd telefonisch."],
        statement_subject=["Rekeningoverzicht {month}"], statement_text=["Bijgaand uw rekeningoverzicht van {month}."],
        close=["Dank voor uw vertrouwen.", "Neem bij vragen contact op met uw accountmanager."]),
}


def benign_vendor_notice(rng: random.Random, when: datetime):
    b = _B(rng, when, "benign_vendor_notice")
    rcpt = _staff(rng, b.lang, _pick(rng, ["finance", "other"]))
    v = _vendor(rng, 0.75)
    themes = [t for t in ("payment", "price", "holiday", "portal", "order", "fraud", "statement", "maint",
                          "contract") if b.has(f"{t}_text")]
    theme = _pick(rng, themes)
    b.ctx.update(first=rcpt.first, vendor=v.name, inv=_invoice_no(rng, when.year), amount=_money(rng, b.lang, 200,
                                                                                                 60_000),
                 po=_po_no(rng),
                 date=_day(rng, b.lang, b.when + timedelta(days=rng.randint(3, 40))),
                 date2=_day(rng, b.lang, b.when + timedelta(days=rng.randint(41, 60))),
                 pct=rng.randint(2, 9), year=when.year + (1 if when.month > 10 else 0),
                 month=_MONTHS[b.lang][(when.month - 2) % 12],
                 link=_link(f"https://{_pick(rng, ['portal', 'customers', 'my', 'shop'])}.{v.domain}/"
                            f"{_pick(rng, ['login', 'account', 'orders', ''])}"))
    person = _chance(rng, 0.4)
    contact = _vendor_contact(rng, v, b.lang, "sales")
    s = _sender(rng, contact.name, contact.email, "vendor") if person else \
        _sender(rng, f"{v.name}{_pick(rng, ['', ' Customer Service', ' Accounts', ' Team', ' Notifications'])}",
                f"{_pick(rng, ['noreply', 'notifications', 'info', 'service', 'orders', 'accounts'])}@{v.domain}",
                "vendor_system")
    if not person:
        _benign_reply_to(b, v.domain, 0.45, ["service", "orders", "customerservice", "sales", "info"],
                         f"{v.name} Customer Service")
        b.style_hint = _pick(rng, ["notify", None])
        if b.style_hint:
            b.logo = (f"https://www.{v.domain}/assets/logo.png", v.name)
    b.greet(rcpt.first if person else None, 0.2)
    b.para([b.p(f"{theme}_text")])
    b.para([b.p("close")])
    b.sign(_sig_lines(rng, contact, b.lang, _pick(rng, [2, 3, 4])) if person else [v.name],
           bye=person or _chance(rng, 0.4), disclaimer=0.2)
    if theme in ("price", "statement") or (theme == "order" and _chance(rng, 0.4)):
        b.attach(_pdf([v.name.upper(), theme.upper(), b.ctx["date"]], b.when), "application/pdf",
                 _pick(rng, [f"{theme}_{when.strftime('%Y%m')}.pdf", f"{_local(v.name.split()[0])}_{theme}.pdf",
                             "document.pdf"]))
    if not person and _chance(rng, 0.3):
        b.extra.append(("Auto-Submitted", "auto-generated"))
    msg = _finish(b, s, [_fmt_to(rng, rcpt)] if _chance(rng, 0.7) else [_role_box(rng, "finance")],
                  b.subject(True, f"{theme}_subject"))
    return msg, "benign_vendor_notice", dict(_NO_LEGS)


_T["benign_payroll_notice"] = {
    "en": dict(
        schedule_subject=["Payroll schedule for the holidays", "Change to pay date in {month}",
                          "Payroll calendar {year}"],
        schedule_text=["Due to the public holiday, salaries for {month} will be paid on {date} instead of the usual "
                       "date.",
                       "The payroll calendar for {year} is now available on the intranet: {link}"],
        payslip_subject=["Your payslip for {month} is available", "Payslip available", "{month} payslip"],
        payslip_text=["Your payslip for {month} is now available in the HR portal: {link}",
                      "Payslips for {month} have been published. You can view yours at {link}"],
        timesheet_subject=["Reminder: timesheets due Friday", "Timesheet deadline", "Please submit your timesheet"],
        timesheet_text=["A reminder that timesheets for this pay period must be submitted by Friday 5pm so payroll can "
                        "be processed on time.",
                        "Please submit and approve all timesheets by {date}: {link}"],
        enrol_subject=["Open enrollment starts {date}", "Benefits enrollment reminder",
                       "Action required: confirm your benefits"],
        enrol_text=["Open enrollment for {year} benefits runs until {date}. Please review your elections in the HR "
                    "portal: {link}"],
        tax_subject=["Your {year} tax documents are available", "W-2 forms now available", "Year-end tax statements"],
        tax_text=["Your {year} tax documents are now available for download in the HR portal: {link}. HR will not "
                  "email tax forms."],
        bank_subject=["Reminder: update bank details only via the portal", "Payroll security reminder"],
        bank_text=["A reminder that changes to your bank details can only be made in the HR portal ({link}). Payroll "
                   "will never change bank details based on an email request."],
        close=["Questions? Contact the payroll team.", "Thank you.", "If you have questions, please reach out to HR."]),
    "de": dict(
        schedule_subject=["Gehaltszahlung an den Feiertagen", "Änderung des Zahltags im {month}"],
        schedule_text=["Wegen des Feiertags wird das Gehalt für {month} am {date} ausgezahlt."],
        payslip_subject=["Ihre Gehaltsabrechnung für {month} ist verfügbar"],
        payslip_text=["Ihre Gehaltsabrechnung für {month} steht im Personalportal bereit: {link}"],
        timesheet_subject=["Erinnerung: Zeiterfassung bis Freitag"],
        timesheet_text=["Bitte schließen Sie Ihre Zeiterfassung bis {date} ab: {link}"],
        tax_subject=["Ihre Lohnsteuerbescheinigung {year}"],
        tax_text=["Ihre Lohnsteuerbescheinigung {year} steht im Personalportal zum Download bereit: {link}. Die "
                  "Personalabteilung versendet keine Steuerunterlagen per E-Mail."],
        bank_subject=["Hinweis: Bankdaten nur über das Portal ändern"],
        bank_text=["Änderungen Ihrer Bankverbindung sind nur im Personalportal ({link}) möglich. Die Lohnbuchhaltung "
                   "ändert niemals Bankdaten auf E-Mail-Anfrage."],
        close=["Bei Fragen wenden Sie sich an die Lohnbuchhaltung.", "Vielen Dank."]),
    "fr": dict(
        schedule_subject=["Calendrier de paie pendant les fêtes", "Changement de date de paie en {month}"],
        schedule_text=["En raison du jour férié, les salaires de {month} seront versés le {date}."],
        payslip_subject=["Votre bulletin de paie de {month} est disponible"],
        payslip_text=["Votre bulletin de paie de {month} est disponible sur le portail RH : {link}"],
        timesheet_subject=["Rappel : feuilles de temps à rendre vendredi"],
        timesheet_text=["Merci de valider vos feuilles de temps avant le {date} : {link}"],
        tax_subject=["Vos documents fiscaux {year}"],
        tax_text=["Vos documents fiscaux {year} sont disponibles sur le portail RH : {link}. Les RH n'envoient jamais "
                  "de documents fiscaux par e-mail."],
        bank_subject=["Rappel : modification du RIB uniquement via le portail"],
        bank_text=["Toute modification de RIB se fait uniquement sur le portail RH ({link}). La paie ne modifie jamais "
                   "un RIB sur simple demande par e-mail."],
        close=["Pour toute question, contactez le service paie.", "Merci."]),
    "pt": dict(
        schedule_subject=["Calendário da folha nos feriados", "Mudança na data de pagamento de {month}"],
        schedule_text=["Devido ao feriado, os salários de {month} serão pagos em {date}."],
        payslip_subject=["Seu holerite de {month} está disponível"],
        payslip_text=["Seu holerite de {month} já está disponível no portal de RH: {link}"],
        timesheet_subject=["Lembrete: apontamento de horas até sexta"],
        timesheet_text=["Por favor, envie seu apontamento de horas até {date}: {link}"],
        tax_subject=["Seu informe de rendimentos {year}"],
        tax_text=["Seu informe de rendimentos {year} está disponível no portal de RH: {link}. O RH não envia "
                  "documentos fiscais por e-mail."],
        bank_subject=["Lembrete: altere dados bancários só pelo portal"],
        bank_text=["Alterações de conta bancária só podem ser feitas no portal de RH ({link}). A folha nunca altera "
                   "dados bancários por pedido de e-mail."],
        close=["Dúvidas? Fale com a equipe de folha.", "Obrigado."]),
    "nl": dict(
        schedule_subject=["Salarisbetaling rond de feestdagen", "Gewijzigde betaaldatum in {month}"],
        schedule_text=["Vanwege de feestdag wordt het salaris over {month} op {date} uitbetaald."],
        payslip_subject=["Je loonstrook van {month} staat klaar"],
        payslip_text=["Je loonstrook van {month} staat klaar in het HR-portaal: {link}"],
        timesheet_subject=["Herinnering: urenregistratie voor vrijdag"],
        timesheet_text=["Lever je uren in voor {date}: {link}"],
        tax_subject=["Je jaaropgaaf {year}"],
        tax_text=["Je jaaropgaaf {year} staat klaar in het HR-portaal: {link}. HR stuurt nooit belastingdocumenten per "
                  "e-mail."],
        bank_subject=["Herinnering: bankgegevens alleen via het portaal wijzigen"],
        bank_text=["Wijzigingen in je bankgegevens kunnen alleen via het HR-portaal ({link}). De salarisadministratie "
                   "wijzigt nooit bankgegevens op basis van een e-mail."],
        close=["Vragen? Neem contact op met de salarisadministratie.", "Dank je wel."]),
}


_INTERNAL_PATHS = {"schedule": ["/payroll/calendar", "/hr/payroll-calendar"], "payslip": ["/payslips", "/me/payslips"],
                   "timesheet": ["/timesheets", "/time/submit"], "enrol": ["/benefits", "/benefits/enrollment"],
                   "tax": ["/documents/tax", "/me/tax-forms"], "bank": ["/profile/bank", "/me/payment-elections"],
                   "migration": ["/migration", "/mail/migration-slots"], "password": ["/password",
                                                                                      "/selfservice/password"],
                   "mfa": ["/mfa/enroll", "/kb/mfa-setup"], "maint": ["/status", "/status/maintenance"],
                   "training": ["/training", "/learning/security-awareness"], "vpn": ["/software/vpn",
                                                                                      "/kb/vpn-client"]}


def _internal_url(rng: random.Random, area: str, topic: str) -> str:
    host = _pick(rng, {"hr": ["hr", "payroll", "people", "intranet"], "it": ["it", "servicedesk", "sso", "portal",
                                                                             "intranet", "selfservice"]}[area])
    return f"https://{host}.{_pick(rng, [ORG, ORG, 'example.org'])}{_pick(rng, _INTERNAL_PATHS[topic])}"


def benign_payroll_notice(rng: random.Random, when: datetime):
    b = _B(rng, when, "benign_payroll_notice")
    rcpt = _staff(rng, b.lang, "other")
    hr = _staff(rng, b.lang, "hr")
    themes = [t for t in ("schedule", "payslip", "timesheet", "enrol", "tax", "bank") if b.has(f"{t}_text")]
    theme = _pick(rng, themes)
    url = _internal_url(rng, "hr", theme)
    b.ctx.update(month=_MONTHS[b.lang][when.month - 1], year=when.year - (1 if theme == "tax" else 0),
                 date=_day(rng, b.lang, b.when + timedelta(days=rng.randint(2, 20))),
                 link=_link(url, _pick(rng, ["", url, "HR portal"])))
    system = _chance(rng, 0.4)
    box = _Person("Payroll", "Team",
                  f"{_pick(rng, ['payroll', 'hr', 'people', 'hr-payroll'])}@{_pick(rng, [ORG, ORG, 'example.org'])}",
                  "", _pick(rng, ORG_NAMES))
    s = _internal_sender(rng, box, _pick(rng, ["Payroll", "HR Team", "People Operations",
                                               f"{_pick(rng, ORG_NAMES)} HR"]), system=system) \
        if system or _chance(rng, 0.5) else _internal_sender(rng, hr)
    if system:
        b.style_hint = "notify" if _chance(rng, 0.5) else None
    _benign_reply_to(b, box.domain, 0.35 if system else 0.1, ["payroll", "hr", "hr-helpdesk", "people"], "Payroll")
    b.blocks.append(("p", _pick(rng, _C[b.lang]["hi_team"]) if _chance(rng, 0.6)
                     else _pick(rng, _C[b.lang]["hi"]).format(first=rcpt.first)))
    b.para([b.p(f"{theme}_text")])
    b.para([b.p("close")])
    b.sign([s.display] if s.display and s.display != hr.name else _sig_lines(rng, hr, b.lang, _pick(rng, [2, 3])),
           bye=True)
    to = [_fmt_to(rng, rcpt)] if _chance(rng, 0.5) else \
        [f"{_pick(rng, ['all-staff', 'everyone', 'staff', 'employees'])}@{ORG}"]
    msg = _finish(b, s, to, b.subject(True, f"{theme}_subject"))
    return msg, "benign_payroll_notice", dict(_NO_LEGS)


_CARRIERS = [("UPS", "mcinfo@ups.com", "https://www.ups.com/track?tracknum={trk}", "ups"),
             ("FedEx", "TrackingUpdates@fedex.com", "https://www.fedex.com/fedextrack/?trknbr={trk}", "fedex"),
             ("DHL Express", "noreply@dhl.com", "https://www.dhl.com/en/express/tracking.html?AWB={trk}", "dhl"),
             ("DHL Paket", "noreply@dhl.de",
              "https://www.dhl.de/de/privatkunden/pakete-empfangen/verfolgen.html?piececode={trk}", "dhl"),
             ("Amazon", "shipment-tracking@amazon.com",
              "https://www.amazon.com/progress-tracker/package/ref=pt_redirect?orderId={trk}", "amazon"),
             ("PostNL", "noreply@postnl.nl", "https://jouw.postnl.nl/track-and-trace/{trk}", "dhl"),
             ("Correios", "rastreamento@correios.com.br",
              "https://rastreamento.correios.com.br/app/index.php?objeto={trk}", "dhl"),
             ("La Poste Colissimo", "noreply@laposte.fr", "https://www.laposte.fr/outils/suivre-vos-envois?code={trk}",
              "dhl")]
_T["benign_shipping"] = {
    "en": dict(
        shipped_subject=["Your package is on its way", "Shipment notification: {trk}",
                         "Your order from {shipper} has shipped", "{carrier} shipment {trk}"],
        shipped_text=["Good news - your shipment from {shipper} is on its way. Tracking number: {trk}.",
                      "A package is scheduled for delivery on {date}."],
        out_subject=["Your package is out for delivery", "Arriving today: {trk}"],
        out_text=["Your package {trk} is out for delivery today."],
        delivered_subject=["Delivered: your package {trk}", "Your package was delivered"],
        delivered_text=["Your package was delivered on {date} at {time}."],
        exception_subject=["Delivery attempted - {trk}", "Update on your delivery", "Delivery exception: {trk}"],
        exception_text=["We attempted to deliver your package today but no one was available. We will try again on the "
                        "next business day.",
                        "Your shipment {trk} is delayed due to weather conditions. We apologise for the "
                        "inconvenience."],
        track=["Track your shipment", "Track package", "Manage delivery"],
        foot=["Please do not reply to this email; this mailbox is not monitored.",
              "You received this notification because an order was shipped to your address."]),
    "de": dict(
        shipped_subject=["Ihr Paket ist unterwegs", "Sendungsbenachrichtigung: {trk}"],
        shipped_text=["Ihre Sendung von {shipper} ist unterwegs. Sendungsnummer: {trk}."],
        out_subject=["Ihr Paket wird heute zugestellt"], out_text=["Ihr Paket {trk} wird heute zugestellt."],
        delivered_subject=["Zugestellt: Ihr Paket {trk}"],
        delivered_text=["Ihr Paket wurde am {date} um {time} zugestellt."],
        exception_subject=["Zustellversuch - {trk}"],
        exception_text=["Wir konnten Ihr Paket heute nicht zustellen und versuchen es am nächsten Werktag erneut."],
        track=["Sendung verfolgen"], foot=["Bitte antworten Sie nicht auf diese E-Mail."]),
    "fr": dict(
        shipped_subject=["Votre colis est en route", "Notification d'expédition : {trk}"],
        shipped_text=["Votre envoi de {shipper} est en route. Numéro de suivi : {trk}."],
        out_subject=["Votre colis est en cours de livraison"], out_text=["Votre colis {trk} sera livré aujourd'hui."],
        delivered_subject=["Livré : votre colis {trk}"], delivered_text=["Votre colis a été livré le {date} à {time}."],
        exception_subject=["Tentative de livraison - {trk}"],
        exception_text=["Nous n'avons pas pu livrer votre colis aujourd'hui. Une nouvelle tentative aura lieu le "
                        "prochain jour ouvré."],
        track=["Suivre mon colis"], foot=["Merci de ne pas répondre à cet e-mail."]),
    "pt": dict(
        shipped_subject=["Sua encomenda está a caminho", "Aviso de envio: {trk}"],
        shipped_text=["Sua encomenda de {shipper} está a caminho. Código de rastreio: {trk}."],
        out_subject=["Sua encomenda saiu para entrega"], out_text=["Sua encomenda {trk} saiu para entrega hoje."],
        delivered_subject=["Entregue: encomenda {trk}"],
        delivered_text=["Sua encomenda foi entregue em {date} às {time}."],
        exception_subject=["Tentativa de entrega - {trk}"],
        exception_text=["Tentamos entregar sua encomenda hoje, mas não havia ninguém. Tentaremos novamente no próximo "
                        "dia útil."],
        track=["Rastrear encomenda"], foot=["Por favor, não responda a este e-mail."]),
    "nl": dict(
        shipped_subject=["Je pakket is onderweg", "Verzendbericht: {trk}"],
        shipped_text=["Je zending van {shipper} is onderweg. Track & trace: {trk}."],
        out_subject=["Je pakket wordt vandaag bezorgd"], out_text=["Je pakket {trk} wordt vandaag bezorgd."],
        delivered_subject=["Bezorgd: je pakket {trk}"], delivered_text=["Je pakket is bezorgd op {date} om {time}."],
        exception_subject=["Bezorgpoging - {trk}"],
        exception_text=["We hebben vandaag geprobeerd je pakket te bezorgen. We komen de volgende werkdag terug."],
        track=["Volg je pakket"], foot=["Reageer niet op deze e-mail."]),
}


def benign_shipping(rng: random.Random, when: datetime):
    b = _B(rng, when, "benign_shipping")
    rcpt = _staff(rng, b.lang, _pick(rng, ["assistant", "other"]))
    carrier, addr, url_t, _ = _pick(rng, _CARRIERS)
    trk = {"UPS": "1Z" + _alnum(rng, 6, "ABCDEFGHJKLMNPRSTVWXY0123456789") + _digits(rng, 10),
           "FedEx": _digits(rng, 12)}.get(carrier, _digits(rng, 10))
    if carrier == "Amazon":
        trk = f"{_digits(rng, 3)}-{_digits(rng, 7)}-{_digits(rng, 7)}"
    theme = _weighted(rng, [("shipped", 40), ("out", 20), ("delivered", 20), ("exception", 20)])
    url = url_t.format(trk=trk)
    b.ctx.update(trk=trk, carrier=carrier, shipper=_pick(rng, [v for v, _ in VENDORS] + ["Dell Technologies", "CDW",
                                                                                         "Staples"]),
                 date=_day(rng, b.lang, b.when + timedelta(days=rng.randint(0, 3))),
                 time=_pick(rng, ["10:42", "14:05", "11:17", "16:30"]))
    s = _sender(rng, _pick(rng, [carrier, f"{carrier} Quantum View", f"{carrier} Notifications"]), addr, "brand")
    _benign_reply_to(b, addr.split("@")[1], 0.2, ["noreply", "no-reply", "customerservice", "auto-reply"])
    b.style_hint = "notify"
    b.color = {"UPS": "#351c15", "FedEx": "#4d148c", "Amazon": "#ff9900"}.get(carrier, "#d40511")
    b.logo = (f"https://www.{_brand_reg(addr.split('@')[1])}/content/dam/logo.png", carrier)
    b.para([b.p(f"{theme}_text")])
    b.kv([("tracking", trk)] + ([("date", b.ctx["date"])] if _chance(rng, 0.5) else []))
    b.blocks.append(("btn", url, b.p("track")))
    b.blocks.append(("foot", b.p("foot")))
    msg = _finish(b, s, [rcpt.email], b.subject(True, f"{theme}_subject"))
    return msg, "benign_shipping", dict(_NO_LEGS)


_T["benign_newsletter"] = {
    "en": dict(
        subject=["{sender} Monthly: what's new in {month}", "Your {month} update from {sender}",
                 "5 trends shaping {topic} this year",
                 "New: {product} is here", "Webinar invitation: {topic}", "{sender} Insights - {month} edition",
                 "Don't miss our spring offers",
                 "Customer stories: how teams use {product}"],
        intro=["Here's what's new this month.", "Welcome to the {month} edition of our newsletter.",
               "We've been busy - here are the highlights."],
        items=["Read: 5 ways to streamline {topic}", "Case study: how {client} cut costs by {pct}%",
               "Product update: {product} now supports {feature}",
               "Webinar on {date}: {topic} best practices", "New in the shop: {product}",
               "Customer spotlight: {client}",
               "Guide: getting started with {product}", "Event: meet us at {event}"],
        more=["Read more", "Learn more", "Register now", "Shop now", "Watch the recording"],
        foot=["You are receiving this email because you subscribed to updates from {sender}.", "{sender}, {address}"],
        unsub=["Unsubscribe", "Manage preferences", "Update your email preferences"], view=["View in browser",
                                                                                            "View this email online"]),
    "de": dict(
        subject=["{sender} Newsletter {month}", "Neuigkeiten von {sender}", "Einladung zum Webinar: {topic}"],
        intro=["Das gibt es Neues in diesem Monat.", "Willkommen zur {month}-Ausgabe unseres Newsletters."],
        items=["Lesen: 5 Wege, {topic} zu vereinfachen", "Produkt-Update: {product}", "Webinar am {date}: {topic}"],
        more=["Weiterlesen", "Jetzt anmelden"],
        foot=["Sie erhalten diese E-Mail, weil Sie Neuigkeiten von {sender} abonniert haben.", "{sender}, {address}"],
        unsub=["Abmelden", "Einstellungen verwalten"], view=["Im Browser ansehen"]),
    "fr": dict(
        subject=["Newsletter {sender} - {month}", "Les nouveautés de {sender}", "Invitation webinaire : {topic}"],
        intro=["Voici les nouveautés du mois.", "Bienvenue dans l'édition de {month} de notre newsletter."],
        items=["À lire : 5 façons de simplifier {topic}", "Nouveauté produit : {product}",
               "Webinaire le {date} : {topic}"],
        more=["Lire la suite", "S'inscrire"],
        foot=["Vous recevez cet e-mail car vous êtes abonné aux actualités de {sender}.", "{sender}, {address}"],
        unsub=["Se désabonner", "Gérer mes préférences"], view=["Voir dans le navigateur"]),
    "pt": dict(
        subject=["Newsletter {sender} - {month}", "Novidades da {sender}", "Convite para webinar: {topic}"],
        intro=["Confira as novidades do mês.", "Bem-vindo à edição de {month} da nossa newsletter."],
        items=["Leia: 5 formas de simplificar {topic}", "Atualização de produto: {product}",
               "Webinar em {date}: {topic}"],
        more=["Saiba mais", "Inscreva-se"], foot=["Você recebeu este e-mail porque assinou as novidades da {sender}.",
                                                  "{sender}, {address}"],
        unsub=["Cancelar inscrição", "Gerenciar preferências"], view=["Ver no navegador"]),
    "nl": dict(
        subject=["Nieuwsbrief {sender} - {month}", "Nieuws van {sender}", "Uitnodiging webinar: {topic}"],
        intro=["Dit is er nieuw deze maand.", "Welkom bij de {month}-editie van onze nieuwsbrief."],
        items=["Lees: 5 manieren om {topic} te vereenvoudigen", "Productupdate: {product}",
               "Webinar op {date}: {topic}"],
        more=["Lees meer", "Meld je aan"],
        foot=["Je ontvangt deze e-mail omdat je bent aangemeld voor nieuws van {sender}.", "{sender}, {address}"],
        unsub=["Afmelden", "Voorkeuren beheren"], view=["Bekijk in browser"]),
}
_NEWS_SENDERS = [("Acme Supplies", "acme-supplies.com"), ("Globex", "globex.com"), ("LinkedIn", "linkedin.com"),
                 ("Microsoft", "microsoft.com"),
                 ("Adobe", "adobe.com"), ("Atlassian", "atlassian.com"), ("Zoom", "zoom.us"),
                 ("Initech", "initech.com"),
                 ("Litware Software", "litware.com"), ("Dropbox", "dropbox.com")]


def benign_newsletter(rng: random.Random, when: datetime):
    b = _B(rng, when, "benign_newsletter")
    rcpt = _staff(rng, b.lang, _pick(rng, ["other", "finance", "it"]))
    name, dom = _pick(rng, _NEWS_SENDERS)
    track = (f"{_pick(rng, ['click', 'links', 'email', 't', 'go', 'trk'])}."
             f"{_pick(rng, ['e.', 'em.', 'mail.', 'news.', ''])}{dom}")
    esp = _pick(rng, _ESPS)
    s = _sender(rng, _pick(rng, [name, f"{name} News", f"The {name} Team", f"{name} Insights"]),
                f"{_pick(rng, ['news', 'newsletter', 'marketing', 'hello', 'updates', 'info'])}@"
                f"{_pick(rng, ['', 'e.', 'email.', 'mail.'])}{dom}",
                "brand", platform="esp", esp=esp)
    b.ctx.update(sender=name, month=_MONTHS[b.lang][when.month - 1], topic=_pick(rng, ["procurement", "cloud security",
                                                                                       "remote work",
                                                                                       "finance automation",
                                                                                        "supply chain",
                                                                                       "hybrid meetings"]),
                 product=_pick(rng, ["Smart Pallets", "Insights Pro", "Cloud Sync", "the new dashboard", "Flex Desk"]),
                 client=_pick(rng, _CLIENTS).name,
                 pct=rng.randint(12, 45), feature=_pick(rng, ["single sign-on", "dark mode", "bulk export",
                                                              "API webhooks"]),
                 date=_day(rng, b.lang, b.when + timedelta(days=rng.randint(5, 30))),
                 event=_pick(rng, ["Web Summit", "CeBIT", "Money20/20", "VivaTech"]),
                 address=_pick(rng, ["1 Market Street, San Francisco, CA 94105", "Friedrichstraße 123, 10117 Berlin",
                                     "12 rue de la Paix, 75002 Paris",
                                     "Herengracht 100, 1015 BS Amsterdam"]))

    def tracked(dest: str) -> str:
        return _pick(rng, [f"https://{track}/ls/click?upn={_alnum(rng, 48)}", f"https://{track}/?qs={_hex(rng, 40)}",
                           f"https://{track}/c/{_alnum(rng, 30)}?url={dest.replace(':', '%3A').replace('/', '%2F')}",
                           f"{dest}?utm_source=newsletter&utm_medium=email&utm_campaign={when.strftime('%Y%m')}"])
    _benign_reply_to(b, dom, 0.45, ["reply", "hello", "marketing", "news", "noreply"], name)
    b.style_hint = "marketing"
    b.color = _pick(rng, ["#0a66c2", "#e60012", "#0052cc", "#2d8cff", "#111111"])
    b.logo = (f"https://{_pick(rng, ['image', 'img', 'static'])}.{_pick(rng, ['e.', 'email.', ''])}{dom}/logo.png",
              name)
    b.blocks.append(("foot", _link(tracked(f"https://www.{dom}/email/view"), b.p("view"))))
    b.blocks.append(("img", f"https://image.{dom}/newsletter/{when.strftime('%Y%m')}/hero.jpg", name))
    b.para([b.p("intro")])
    items = []
    for _ in range(rng.randint(4, 9)):
        dest = f"https://www.{dom}/{_alnum(rng, 8, 'abcdefghijklmnopqrstuvwxyz')}"
        items.append(f"{b.p('items')} - {_link(tracked(dest), b.p('more'))}")
    b.blocks.append(("ul", items))
    b.blocks.append(("btn", tracked(f"https://www.{dom}/events"), b.p("more")))
    handle = _local(name).replace(".", "")
    profiles = [("LinkedIn", f"https://www.linkedin.com/company/{handle}"), ("X", f"https://x.com/{handle}"),
                ("YouTube", f"https://www.youtube.com/@{handle}"), ("Facebook", f"https://www.facebook.com/{handle}")]
    socials = [_link(tracked(u), n) for n, u in profiles if _chance(rng, 0.7)]
    if socials:
        b.blocks.append(("p", " | ".join(socials)))
    unsub_url = f"https://{track}/unsubscribe?u={_hex(rng, 24)}&e={_b64_email(rcpt.email)}"
    b.blocks.append(("foot", f"{b.p('foot')} {_link(unsub_url, b.p('unsub'))} | "
                             f"{_link(f'https://www.{dom}/privacy', _RIGHTS[b.lang][1])}"))
    b.extra.append(("List-Unsubscribe", f"<{unsub_url}>, <mailto:unsubscribe@{dom}?subject=unsubscribe>"))
    if _chance(rng, 0.7):
        b.extra.append(("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"))
    if _chance(rng, 0.3):
        b.extra.append(("Precedence", "bulk"))
    if _chance(rng, 0.3):
        b.extra.append(("List-ID", f"<{_pick(rng, ['newsletter', 'news', 'marketing'])}.{dom}>"))
    msg = _finish(b, s, [rcpt.email], b.subject(True))
    return msg, "benign_newsletter", dict(_NO_LEGS)


_T["benign_thread_reply"] = {
    "en": dict(
        topic=["{project} timeline", "Invoice {inv}", "Meeting next week", "Draft agreement", "PO {po} delivery",
               "Payment status - invoice {inv}",
               "Q{q} report", "Onboarding plan", "Workshop follow-up", "Budget {year}"],
        earlier=["Hi {them}, can you send me the latest timeline for {project}?",
                 "Hi {them}, we received invoice {inv} but the PO number is missing. Could you reissue it?",
                 "Hi {them}, are you free to meet next week to go through the proposal?",
                 "{them}, attached is the draft agreement with our comments.",
                 "Hi {them}, could you confirm the delivery date for PO {po}?",
                 "Hi {them}, can you confirm when invoice {inv} will be paid?"],
        reply=["Sure - attached is the updated timeline. The main change is that testing moves to {date}.",
               "Apologies for that - the corrected invoice with PO {po} is attached. Everything else is unchanged.",
               "Tuesday or Thursday afternoon works for me. Shall I send an invite?",
               "Thanks, legal has reviewed it and we're fine with the changes except clause 7. I've added a comment.",
               "PO {po} is scheduled for delivery on {date}. I'll send tracking once it ships.",
               "It's in this Friday's payment run, so you should see it early next week."],
        extra=["Let me know if you need anything else.", "Thanks for your patience.", "Speak soon.",
               "Happy to discuss on a call."]),
    "de": dict(
        topic=["Zeitplan {project}", "Rechnung {inv}", "Termin nächste Woche", "Vertragsentwurf",
               "Lieferung Bestellung {po}"],
        earlier=["Hallo {them}, kannst du mir den aktuellen Zeitplan für {project} schicken?",
                 "Hallo {them}, bei der Rechnung {inv} fehlt die Bestellnummer. Könnt ihr sie neu ausstellen?",
                 "Hallo {them}, kannst du den Liefertermin für die Bestellung {po} bestätigen?"],
        reply=["Klar - anbei der aktualisierte Zeitplan. Die Tests verschieben sich auf den {date}.",
               "Entschuldigung - anbei die korrigierte Rechnung mit Bestellnummer {po}.",
               "Die Bestellung {po} wird am {date} geliefert. Die Sendungsnummer schicke ich nach dem Versand."],
        extra=["Melde dich, falls du noch etwas brauchst.", "Danke für die Geduld."]),
    "fr": dict(
        topic=["Planning {project}", "Facture {inv}", "Réunion la semaine prochaine", "Projet de contrat",
               "Livraison commande {po}"],
        earlier=["Bonjour {them}, peux-tu m'envoyer le dernier planning de {project} ?",
                 "Bonjour {them}, le numéro de commande manque sur la facture {inv}. Pouvez-vous la rééditer ?",
                 "Bonjour {them}, pouvez-vous confirmer la date de livraison de la commande {po} ?"],
        reply=["Bien sûr - ci-joint le planning mis à jour. Les tests passent au {date}.",
               "Désolé - ci-joint la facture corrigée avec la commande {po}.",
               "La commande {po} sera livrée le {date}. J'enverrai le suivi à l'expédition."],
        extra=["N'hésite pas si besoin.", "Merci pour ta patience."]),
    "pt": dict(
        topic=["Cronograma {project}", "Fatura {inv}", "Reunião semana que vem", "Minuta do contrato",
               "Entrega do pedido {po}"],
        earlier=["Olá {them}, pode me enviar o cronograma atualizado de {project}?",
                 "Olá {them}, a fatura {inv} está sem o número do pedido. Pode reemitir?",
                 "Olá {them}, pode confirmar a data de entrega do pedido {po}?"],
        reply=["Claro - segue o cronograma atualizado. Os testes passam para {date}.",
               "Desculpe - segue a fatura corrigida com o pedido {po}.",
               "O pedido {po} será entregue em {date}. Envio o rastreio quando sair."],
        extra=["Qualquer coisa, me avise.", "Obrigado pela paciência."]),
    "nl": dict(
        topic=["Planning {project}", "Factuur {inv}", "Overleg volgende week", "Conceptovereenkomst",
               "Levering order {po}"],
        earlier=["Hoi {them}, kun je me de laatste planning van {project} sturen?",
                 "Hoi {them}, op factuur {inv} ontbreekt het ordernummer. Kunnen jullie die opnieuw sturen?",
                 "Hoi {them}, kun je de leverdatum van order {po} bevestigen?"],
        reply=["Zeker - bijgaand de bijgewerkte planning. Het testen schuift naar {date}.",
               "Excuses - bijgaand de gecorrigeerde factuur met order {po}.",
               "Order {po} wordt op {date} geleverd. Ik stuur de track & trace zodra het verzonden is."],
        extra=["Laat maar weten als je nog iets nodig hebt.", "Dank voor je geduld."]),
}


def benign_thread_reply(rng: random.Random, when: datetime):
    b = _B(rng, when, "benign_thread_reply")
    rcpt = _staff(rng, b.lang, _pick(rng, ["finance", "other", "assistant"]))
    who = _weighted(rng, [("colleague", 40), ("vendor", 30), ("client", 20), ("freelancer", 10)])
    if who == "colleague":
        other = _staff(rng, b.lang, _pick(rng, ["finance", "other"]))
        s = _internal_sender(rng, other)
    elif who in ("vendor", "client"):
        org = _vendor(rng, 0.6) if who == "vendor" else _pick(rng, _CLIENTS)
        f, l_ = _name(rng, b.lang)
        other = _Person(f, l_, f"{_addr_style(rng, f, l_)}@{org.domain}", _pick(rng, _STAFF_TITLES["other"]), org.name)
        s = _sender(rng, other.name, other.email, "partner")
    else:
        f, l_ = _name(rng, b.lang)
        other = _Person(f, l_, "", "Consultant", "")
        other = _Person(f, l_, f"{_person_local(rng, other, False)}@{_pick(rng, FREEMAIL[b.lang])}",
                        "Independent Consultant", "")
        s = _sender(rng, other.name, other.email, "freemail")
    idx = rng.randrange(len(_T["benign_thread_reply"][b.lang]["earlier"]))
    b.ctx.update(them=other.first, project=_pick(rng, _PROJECTS), inv=_invoice_no(rng, when.year), po=_po_no(rng),
                 q=(when.month - 1) // 3 + 1,
                 year=when.year, date=_day(rng, b.lang, b.when + timedelta(days=rng.randint(3, 30))))
    t = b.t
    topic = b.f(t["topic"][min(idx, len(t["topic"]) - 1)]) if _chance(rng, 0.7) else b.p("topic")
    b.greet(rcpt.first, 0.3)
    b.para([b.f(t["reply"][idx])] + ([b.p("extra")] if _chance(rng, 0.5) else []))
    b.sign(_sig_lines(rng, other, b.lang, _pick(rng, [0, 1, 2, 3, 4])), bye=_chance(rng, 0.7), mobile=0.15,
           disclaimer=0.15 if who != "colleague" else 0.05)
    t0 = b.when - timedelta(hours=rng.randint(1, 72))
    rcpt_sender = _sender(rng, rcpt.name, rcpt.email, "org", platform=_pick(rng, ["microsoft", "google"]))
    prev_id = _message_id(rng, rcpt_sender, t0)
    style = _quote_style(rng, s.client)
    b.blocks.append(_quote(b, style, rcpt, other.email, topic, [("p", b.f(t["earlier"][idx])),
                                                                ("sig", [_pick(rng, _C[b.lang]["bye"]), rcpt.first])],
                           t0))
    b.in_reply_to = prev_id
    b.references = ([f"<{_hex(rng, 24)}@{other.domain}>"] if _chance(rng, 0.3) else []) + [prev_id]
    if _chance(rng, 0.35):
        ext = _pick(rng, ["pdf", "docx", "xlsx"])
        b.attach(_office(ext, [topic], b.when) if ext != "pdf" else _pdf([topic], b.when),
                 f"application/{_OFFICE_TYPES.get(ext, 'pdf')}",
                 f"{topic.replace(' ', '_').replace('/', '-')}.{ext}")
    if _chance(rng, 0.3):
        b.cc = [_fmt_to(rng, _staff(rng, b.lang, "other"))]
    _benign_typos(b, 0.15)
    msg = _finish(b, s, [_fmt_to(rng, rcpt)], b.re_prefix() + topic)
    return msg, "benign_thread_reply", dict(_NO_LEGS)


_T["benign_calendar"] = {
    "en": dict(
        summary=["Weekly sync", "Q{q} planning", "{project} kickoff", "1:1", "Budget review",
                 "Vendor review with {vendor}", "Interview: {role}",
                 "Month-end close check-in", "Team lunch", "Quarterly business review"],
        invite=["You have been invited to the following event.", "{organizer} has invited you to a meeting.",
                "Please join us for {summary}."],
        agenda=["Agenda: updates, blockers, next steps.", "We'll review the numbers and agree priorities.",
                "Short one - 30 minutes.", ""],
        move_subject=["Can we move our 1:1?", "Reschedule: {summary}", "Moving tomorrow's meeting"],
        move_text=["Something came up - can we move our {summary} to {day} at {time}?",
                   "Would {day} at {time} work instead? Sorry for the shuffle."],
        accepted=["Accepted: {summary}", "Declined: {summary}", "Tentative: {summary}"],
        accepted_text=["{organizer} has accepted this invitation.", "{organizer} has declined this invitation.",
                       "{organizer} tentatively accepted."]),
    "de": dict(
        summary=["Wöchentliche Abstimmung", "Planung Q{q}", "Kickoff {project}", "Budgetbesprechung"],
        invite=["Sie wurden zu folgendem Termin eingeladen.", "{organizer} hat Sie zu einer Besprechung eingeladen."],
        agenda=["Agenda: Updates, offene Punkte, nächste Schritte.", ""],
        move_subject=["Können wir unseren Termin verschieben?"],
        move_text=["Mir ist etwas dazwischengekommen - können wir {summary} auf {day} um {time} verschieben?"],
        accepted=["Angenommen: {summary}", "Abgelehnt: {summary}"],
        accepted_text=["{organizer} hat diese Einladung angenommen.", "{organizer} hat diese Einladung abgelehnt."]),
    "fr": dict(
        summary=["Point hebdo", "Planification T{q}", "Lancement {project}", "Revue budgétaire"],
        invite=["Vous avez été invité à l'événement suivant.", "{organizer} vous a invité à une réunion."],
        agenda=["Ordre du jour : actualités, points bloquants, prochaines étapes.", ""],
        move_subject=["Peut-on décaler notre point ?"],
        move_text=["J'ai un empêchement - peut-on décaler {summary} à {day} à {time} ?"],
        accepted=["Accepté : {summary}", "Refusé : {summary}"],
        accepted_text=["{organizer} a accepté cette invitation.", "{organizer} a refusé cette invitation."]),
    "pt": dict(
        summary=["Reunião semanal", "Planejamento T{q}", "Kickoff {project}", "Revisão de orçamento"],
        invite=["Você foi convidado para o seguinte evento.", "{organizer} convidou você para uma reunião."],
        agenda=["Pauta: atualizações, impedimentos, próximos passos.", ""],
        move_subject=["Podemos remarcar nossa reunião?"],
        move_text=["Surgiu um imprevisto - podemos passar {summary} para {day} às {time}?"],
        accepted=["Aceito: {summary}", "Recusado: {summary}"], accepted_text=["{organizer} aceitou este convite.",
                                                                              "{organizer} recusou este convite."]),
    "nl": dict(
        summary=["Wekelijkse afstemming", "Planning Q{q}", "Kick-off {project}", "Budgetoverleg"],
        invite=["Je bent uitgenodigd voor de volgende afspraak.",
                "{organizer} heeft je uitgenodigd voor een vergadering."],
        agenda=["Agenda: updates, knelpunten, vervolgstappen.", ""],
        move_subject=["Kunnen we ons overleg verzetten?"],
        move_text=["Er kwam iets tussen - kunnen we {summary} verzetten naar {day} om {time}?"],
        accepted=["Geaccepteerd: {summary}", "Afgewezen: {summary}"],
        accepted_text=["{organizer} heeft deze uitnodiging geaccepteerd.",
                       "{organizer} heeft deze uitnodiging afgewezen."]),
}


def _ics(rng: random.Random, organizer: _Person, attendee: str, summary: str, start: datetime, minutes: int,
         location: str, uid: str) -> str:
    def fmt(dt: datetime) -> str:
        return dt.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    return ("BEGIN:VCALENDAR\r\nPRODID:" + _pick(rng, ["-//Google Inc//Google Calendar 70.9054//EN",
                                                       "Microsoft Exchange Server 2010",
                                                        "-//Apple Inc.//iCal 5.0.3//EN"]) + "\r\nVERSION:2.0\r\nMETHOD"
                                                                                            ":REQUEST\r\n"
            f"BEGIN:VEVENT\r\nDTSTART:{fmt(start)}\r\nDTEND:{fmt(start + timedelta(minutes=minutes))}\r\nDTSTAMP:"
            f"{fmt(start - timedelta(days=2))}\r\n"
            f"ORGANIZER;CN={organizer.name}:mailto:{organizer.email}\r\nUID:{uid}\r\n"
            f"ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:{attendee}\r\n"
            f"SUMMARY:{summary}\r\nLOCATION:"
            f"{location}\r\nSEQUENCE:0\r\nSTATUS:CONFIRMED\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")


def benign_calendar(rng: random.Random, when: datetime):
    b = _B(rng, when, "benign_calendar")
    rcpt = _staff(rng, b.lang, _pick(rng, ["other", "finance", "assistant"]))
    external = _chance(rng, 0.25)
    if external:
        org = _pick(rng, _CLIENTS + [_vendor(rng, 1.0)])
        f, l_ = _name(rng, b.lang)
        organizer = _Person(f, l_, f"{_addr_style(rng, f, l_)}@{org.domain}", "", org.name)
        s = _sender(rng, organizer.name, organizer.email, "partner")
        _benign_reply_to(b, organizer.domain, 0.1, [organizer.email.split("@")[0]])
    else:
        organizer = _vip(rng, b.lang) if _chance(rng, 0.2) else _staff(rng, b.lang, "other")
        s = _internal_sender(rng, organizer)
    start = (b.when + timedelta(days=rng.randint(1, 10))).replace(hour=rng.randint(8, 16), minute=_pick(rng, [0, 30]),
                                                                  second=0)
    b.ctx.update(q=(when.month - 1) // 3 + 1, project=_pick(rng, _PROJECTS), vendor=_vendor(rng).name,
                 role=_pick(rng, ["Senior Accountant", "Product Manager", "Data Analyst"]),
                 organizer=organizer.name, day=_DAYS[b.lang][start.weekday()],
                 time=f"{start.hour:02d}:{start.minute:02d}")
    summary = b.p("summary")
    b.ctx["summary"] = summary
    kind = _weighted(rng, [("invite", 60), ("move", 25), ("reply", 15)])
    if kind == "invite":
        platform = _pick(rng, ["teams", "zoom", "meet", "room"])
        if platform == "teams":
            join = (f"https://teams.microsoft.com/l/meetup-join/19%3ameeting_{_alnum(rng, 48)}"
                    f"%40thread.v2/0?context=%7b%22Tid%22%3a%22{_uuid(rng)}%22%7d")
            loc = "Microsoft Teams Meeting"
            lines = [("p", "Microsoft Teams meeting"), ("p", _link(join, "Click here to join the meeting")),
                     ("p", f"Meeting ID: {_digits(rng, 3)} {_digits(rng, 3)} {_digits(rng, 3)} "
                           f"{_digits(rng, 3)}\nPasscode: {_alnum(rng, 6)}")]
        elif platform == "zoom":
            mid = _digits(rng, 11)
            join = f"https://{_pick(rng, ['us02web.', 'us06web.', ''])}zoom.us/j/{mid}?pwd={_alnum(rng, 32)}"
            loc = join
            lines = [("p", f"Join Zoom Meeting\n{_link(join)}"), ("p", f"Meeting ID: {mid[:3]} {mid[3:7]} {mid[7:]}")]
        elif platform == "meet":
            code = (f"{_alnum(rng, 3, 'abcdefghijklmnopqrstuvwxyz')}-{_alnum(rng, 4, 'abcdefghijklmnopqrstuvwxyz')}-"
                    f"{_alnum(rng, 3, 'abcdefghijklmnopqrstuvwxyz')}")
            join = f"https://meet.google.com/{code}"
            loc = join
            lines = [("p", f"Join with Google Meet: {_link(join)}")]
        else:
            loc = _pick(rng, ["Boardroom 3.01", "Meeting room Amsterdam", "HQ - Room 204", "Café area"])
            lines = [("p", loc)]
        b.para([b.p("invite")])
        if b.has("agenda"):
            a = b.p("agenda")
            if a:
                b.blocks.append(("p", a))
        b.blocks.append(("kv", [(_KV_LABELS[b.lang]["date"],
                                 f"{_DAYS[b.lang][start.weekday()]} {_day(rng, b.lang, start)} "
                                 f"{start.hour:02d}:{start.minute:02d}")]))
        b.blocks.extend(lines)
        if _chance(rng, 0.5):
            uid = f"{_hex(rng, 26)}@{_pick(rng, ['google.com', organizer.domain])}"
        else:
            uid = f"040000008200E00074C5B7101A82E008{_hex(rng, 40, True)}"
        b.calendar = _ics(rng, organizer, rcpt.email, summary, start, _pick(rng, [30, 45, 60]), loc, uid)
        if _chance(rng, 0.3):
            b.attach(b.calendar.encode(), "application/ics", "invite.ics")
        if s.platform == "google" and _chance(rng, 0.5):
            b.extra.append(("Sender", "Google Calendar <calendar-notification@google.com>"))
        subject = _pick(rng, [f"Invitation: {summary} @ {_DAYS[b.lang][start.weekday()][:3]} {start.day} "
                              f"{_MONTHS[b.lang][start.month - 1][:3]} {start.year} "
                              f"{start.hour:02d}:{start.minute:02d}",
                              summary, f"{summary} - {_day(rng, b.lang, start)}"])
    elif kind == "move":
        b.greet(rcpt.first, 0.2)
        b.para([b.p("move_text")])
        b.sign([organizer.first], bye=_chance(rng, 0.6), mobile=0.2)
        subject = b.subject(True, "move_subject")
    else:
        i = rng.randrange(len(b.t["accepted"]))
        b.para([b.f(b.t["accepted_text"][min(i, len(b.t["accepted_text"]) - 1)])])
        subject = b.f(b.t["accepted"][i])
        prev = f"<{_hex(rng, 30)}@{ORG}>"
        b.in_reply_to, b.references = prev, [prev]
    if kind == "move":
        _benign_typos(b, 0.15)
    msg = _finish(b, s, [_fmt_to(rng, rcpt)] + ([_fmt_to(rng, _staff(rng, b.lang))] if _chance(rng, 0.3) else []),
                  subject)
    return msg, "benign_calendar", dict(_NO_LEGS)


_T["benign_it_notice"] = {
    "en": dict(
        migration_subject=["Your mailbox will be migrated this weekend", "Action required: choose your migration slot",
                           "Mailbox migration - what to expect"],
        migration_text=["As part of our move to the new mail platform, your mailbox will be migrated on {date}. No "
                        "action is needed; Outlook may ask you to restart.",
                        "Please pick a migration slot for your mailbox by {date}: {link}"],
        password_subject=["Your network password expires in {days} days", "Reminder: password expiry",
                          "Password change reminder"],
        password_text=["Your network password expires in {days} days. You can change it at any time on the "
                       "self-service portal: {link}",
                       "To avoid being locked out, change your password before {date} via {link}. IT will never ask "
                       "for your password."],
        mfa_subject=["Action required: set up multi-factor authentication", "MFA enrollment deadline {date}"],
        mfa_text=["All staff must enrol in multi-factor authentication by {date}. Instructions are on the intranet: "
                  "{link}"],
        maint_subject=["Planned maintenance: {system} on {date}", "Service outage notice - {system}"],
        maint_text=["{system} will be unavailable on {date} between 20:00 and 23:00 for planned maintenance. Status "
                    "updates: {link}"],
        training_subject=["Annual security awareness training", "Reminder: complete your phishing training"],
        training_text=["Please complete the annual security awareness training by {date}: {link}",
                       "Remember: report suspicious emails with the Report Phishing button."],
        vpn_subject=["New VPN client rollout", "Install the new VPN client"],
        vpn_text=["We are replacing the VPN client. The new version is available in the software centre: {link}"],
        close=["Thank you for your cooperation.", "If you have questions, contact the Service Desk on ext. {ext}.",
               "Thanks for helping keep our systems secure."]),
    "de": dict(
        migration_subject=["Ihr Postfach wird am Wochenende migriert"],
        migration_text=["Ihr Postfach wird am {date} auf die neue Plattform migriert. Sie müssen nichts tun."],
        password_subject=["Ihr Netzwerkpasswort läuft in {days} Tagen ab"],
        password_text=["Ihr Passwort läuft in {days} Tagen ab. Sie können es im Self-Service-Portal ändern: {link}"],
        mfa_subject=["Bitte richten Sie die Mehr-Faktor-Authentifizierung ein"],
        mfa_text=["Alle Mitarbeitenden müssen sich bis {date} für MFA registrieren. Anleitung im Intranet: {link}"],
        maint_subject=["Geplante Wartung: {system} am {date}"],
        maint_text=["{system} ist am {date} von 20:00 bis 23:00 Uhr nicht verfügbar. Status: {link}"],
        training_subject=["Jährliche Security-Awareness-Schulung"],
        training_text=["Bitte absolvieren Sie die Schulung bis {date}: {link}"],
        close=["Vielen Dank für Ihr Verständnis.",
               "Bei Fragen wenden Sie sich an den Service Desk (Durchwahl {ext})."]),
    "fr": dict(
        migration_subject=["Votre boîte aux lettres sera migrée ce week-end"],
        migration_text=["Votre boîte aux lettres sera migrée le {date}. Aucune action n'est nécessaire."],
        password_subject=["Votre mot de passe réseau expire dans {days} jours"],
        password_text=["Votre mot de passe expire dans {days} jours. Vous pouvez le changer sur le portail : {link}"],
        mfa_subject=["Action requise : activez l'authentification multifacteur"],
        mfa_text=["Tous les collaborateurs doivent activer la MFA avant le {date}. Instructions : {link}"],
        maint_subject=["Maintenance planifiée : {system} le {date}"],
        maint_text=["{system} sera indisponible le {date} de 20h à 23h. Suivi : {link}"],
        training_subject=["Formation annuelle à la sécurité"],
        training_text=["Merci de suivre la formation avant le {date} : {link}"],
        close=["Merci de votre compréhension.", "Pour toute question, contactez le Service Desk (poste {ext})."]),
    "pt": dict(
        migration_subject=["Sua caixa de correio será migrada neste fim de semana"],
        migration_text=["Sua caixa de correio será migrada em {date}. Nenhuma ação é necessária."],
        password_subject=["Sua senha de rede expira em {days} dias"],
        password_text=["Sua senha expira em {days} dias. Você pode alterá-la no portal de autoatendimento: {link}"],
        mfa_subject=["Ação necessária: configure a autenticação multifator"],
        mfa_text=["Todos devem ativar o MFA até {date}. Instruções na intranet: {link}"],
        maint_subject=["Manutenção programada: {system} em {date}"],
        maint_text=["{system} ficará indisponível em {date} das 20h às 23h. Status: {link}"],
        training_subject=["Treinamento anual de segurança"], training_text=["Conclua o treinamento até {date}: {link}"],
        close=["Obrigado pela colaboração.", "Dúvidas? Fale com o Service Desk (ramal {ext})."]),
    "nl": dict(
        migration_subject=["Je mailbox wordt dit weekend gemigreerd"],
        migration_text=["Je mailbox wordt op {date} gemigreerd. Je hoeft niets te doen."],
        password_subject=["Je netwerkwachtwoord verloopt over {days} dagen"],
        password_text=["Je wachtwoord verloopt over {days} dagen. Wijzig het via het selfserviceportaal: {link}"],
        mfa_subject=["Actie vereist: stel meervoudige verificatie in"],
        mfa_text=["Alle medewerkers moeten voor {date} MFA instellen. Instructies op intranet: {link}"],
        maint_subject=["Gepland onderhoud: {system} op {date}"],
        maint_text=["{system} is op {date} van 20:00 tot 23:00 niet beschikbaar. Status: {link}"],
        training_subject=["Jaarlijkse security-awareness-training"],
        training_text=["Rond de training af voor {date}: {link}"],
        close=["Dank voor je medewerking.", "Vragen? Neem contact op met de servicedesk (toestel {ext})."]),
}


def benign_it_notice(rng: random.Random, when: datetime):
    b = _B(rng, when, "benign_it_notice")
    rcpt = _staff(rng, b.lang, _pick(rng, ["other", "finance", "hr", "assistant"]))
    themes = [t for t in ("migration", "password", "mfa", "maint", "training", "vpn") if b.has(f"{t}_text")]
    theme = _pick(rng, themes)
    url = _internal_url(rng, "it", theme)
    b.ctx.update(date=_day(rng, b.lang, b.when + timedelta(days=rng.randint(2, 14))), days=_pick(rng, [3, 5, 7, 14]),
                 ext=rng.randint(2000, 2999),
                 system=_pick(rng, ["SAP", "the intranet", "Salesforce", "the file server", "Workday", "VPN"]),
                 link=_link(url, _pick(rng, ["", url, url])))
    box = _Person("IT", "Service Desk",
                  f"{_pick(rng, ['servicedesk', 'it', 'helpdesk', 'it-support', 'itops'])}@"
                  f"{_pick(rng, [ORG, ORG, 'example.org'])}", "", _pick(rng, ORG_NAMES))
    system = _chance(rng, 0.45)
    s = _internal_sender(rng, box, _pick(rng, ["IT Service Desk", "IT Operations", f"{_pick(rng, ORG_NAMES)} IT",
                                               "Service Desk", "IT Security"]), system=system)
    if system:
        b.style_hint = "notify" if _chance(rng, 0.5) else None
    _benign_reply_to(b, box.domain, 0.35 if system else 0.1, ["servicedesk", "helpdesk", "it-support"],
                     "IT Service Desk")
    b.blocks.append(("p", _pick(rng, _C[b.lang]["hi_team"]) if _chance(rng, 0.6)
                     else _pick(rng, _C[b.lang]["hi"]).format(first=rcpt.first)))
    b.para([b.p(f"{theme}_text")])
    b.para([b.p("close")])
    b.sign([s.display], bye=_chance(rng, 0.6))
    if system and _chance(rng, 0.4):
        b.extra.append(("X-Auto-Response-Suppress", "All"))
    to = [_fmt_to(rng, rcpt)] if _chance(rng, 0.5) else \
        [f"{_pick(rng, ['all-staff', 'everyone', 'staff', 'it-announcements'])}@{ORG}"]
    msg = _finish(b, s, to, b.subject(True, f"{theme}_subject"))
    return msg, "benign_it_notice", dict(_NO_LEGS)


# ================================================================================ public API

ATTACKS: list[Callable] = [wire_transfer, gift_cards, payment_change, invoice_fraud, payroll, tax_data, credentials,
                           crypto,
                           advance_fee, extortion, malware_exec, callback, thread_hijack]
BENIGN: list[Callable] = [benign_invoice, benign_password_reset, benign_urgent_internal, benign_vendor_notice,
                          benign_payroll_notice, benign_shipping, benign_newsletter, benign_thread_reply,
                          benign_calendar,
                          benign_it_notice]
KINDS: dict[str, str] = {**{f.__name__: "malicious" for f in ATTACKS}, **{f.__name__: "benign" for f in BENIGN}}
_BY_KIND: dict[str, Callable] = {f.__name__: f for f in ATTACKS + BENIGN}

# earlier names of some generators
ceo_wire, vendor_bank_change, w2 = wire_transfer, payment_change, tax_data
credential_phish, malware = credentials, malware_exec
real_invoice, password_reset, urgent_internal, vendor_notice = (benign_invoice, benign_password_reset,
                                                                benign_urgent_internal,
                                                                benign_vendor_notice)

_START = datetime(2026, 1, 5, 9, 0, tzinfo=timezone.utc)
MANIFEST_COLUMNS = ["message_id", "label", "kind", *CONCEPTS, "lang"]


def _when(rng: random.Random) -> datetime:
    """A send time in the 300 days after _START, mostly working hours (the same for every kind)."""
    hour = rng.randint(7, 19) if _chance(rng, 0.8) else rng.randint(0, 23)
    return _START + timedelta(days=rng.randint(0, 299), hours=hour - 9, minutes=rng.randint(0, 59),
                              seconds=rng.randint(0, 59))


def _make(rng: random.Random, fn: Callable, when: datetime) -> SyntheticMessage:
    msg, kind, concepts = fn(rng, when)
    legs = {c: bool(concepts.get(c, False)) for c in CONCEPTS}
    return SyntheticMessage(bytes(msg), KINDS[kind], kind, legs, getattr(msg, "sedetect_lang", "en"))


def _check_kinds(kinds: Optional[Iterable[str]]) -> Optional[list[str]]:
    if kinds is None:
        return None
    kinds = [k.strip() for k in kinds if k and k.strip()]
    unknown = [k for k in kinds if k not in KINDS]
    if unknown:
        raise ValueError(f"unknown kind(s): {', '.join(unknown)}; known kinds: {', '.join(KINDS)}")
    if not kinds:
        raise ValueError("no kinds given")
    return kinds


def generate(n: int, seed: int = 0, attack_share: float = 0.5,
             kinds: Optional[Iterable[str]] = None) -> Iterator[SyntheticMessage]:
    """``n`` messages, byte-identical for the same seed: attacks with probability ``attack_share``, kinds
    uniform within each label (optionally only ``kinds``)."""
    chosen = _check_kinds(kinds)
    attacks = [f for f in ATTACKS if chosen is None or f.__name__ in chosen]
    benign = [f for f in BENIGN if chosen is None or f.__name__ in chosen]
    rng = random.Random(seed)
    for _ in range(n):
        mrng = random.Random(rng.getrandbits(64))     # one stream per message: kinds do not shift each other
        when = _when(mrng)
        if attacks and (not benign or rng.random() < attack_share):
            fn = _pick(rng, attacks)
        else:
            fn = _pick(rng, benign)
        yield _make(mrng, fn, when)


def generate_kind(kind: str, n: int, seed: int = 0) -> list[SyntheticMessage]:
    """``n`` messages of one kind, reproducible for a given (kind, seed)."""
    _check_kinds([kind])
    rng = random.Random(f"{kind}:{seed}")
    out = []
    for _ in range(n):
        mrng = random.Random(rng.getrandbits(64))
        out.append(_make(mrng, _BY_KIND[kind], _when(mrng)))
    return out


def write_mbox(messages: list[SyntheticMessage], path: str) -> None:
    """An mbox of the messages (mboxo escaping of body lines that start with 'From ')."""
    with open(path, "wb") as fh:
        for m in messages:
            digest = hashlib.sha1(m.raw).hexdigest()[:8]
            fh.write(f"From synthetic-{digest} Mon Jan  5 09:00:00 2026\n".encode())
            for line in m.raw.replace(b"\r\n", b"\n").split(b"\n"):
                fh.write((b">" + line if line.startswith(b"From ") else line) + b"\n")
            fh.write(b"\n")


def message_id(raw: bytes) -> str:
    """The Message-ID header of a raw message (headers only are parsed)."""
    from email.parser import BytesHeaderParser
    return (BytesHeaderParser().parsebytes(raw).get("Message-ID") or "").strip()


def write_manifest(messages: list[SyntheticMessage], path: str) -> None:
    """CSV ground truth: message_id, label, kind, the four concept legs as 0/1, and the language."""
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(MANIFEST_COLUMNS)
        for m in messages:
            w.writerow([message_id(m.raw), m.label, m.kind, *[int(bool(m.concepts.get(c))) for c in CONCEPTS], m.lang])


def run(argv: Optional[list[str]] = None) -> dict:
    """``sedetect synth -n N -o OUT.mbox [--seed S] [--manifest OUT.csv] [--kinds a,b]``."""
    parser = argparse.ArgumentParser(
        prog="sedetect synth",
        description="Write a seeded synthetic mbox of attacks (BEC, vendor fraud, payroll, gift cards, phishing, "
                    "malware, callback, ...) and the benign mail they imitate, plus a CSV manifest of each "
                    "message's label, kind and concept legs (impersonation, trust, payload, goal as 0/1).")
    parser.add_argument("-n", "--messages", type=int, default=200, help="number of messages (default 200)")
    parser.add_argument("-o", "--output", help="mbox file to write")
    parser.add_argument("--seed", type=int, default=0,
                        help="random seed: the same seed writes the same bytes (default 0)")
    parser.add_argument("--manifest", help="CSV manifest to write (default: OUTPUT with .csv)")
    parser.add_argument("--kinds", help="comma-separated kinds to generate (default: all); see --list-kinds")
    parser.add_argument("--attack-share", type=float, default=0.5,
                        help="share of attacks when both labels are chosen (default 0.5)")
    parser.add_argument("--list-kinds", action="store_true", help="print the kinds and their labels, and exit")
    args = parser.parse_args(argv)
    if args.list_kinds:
        for k, label in KINDS.items():
            print(f"{k:<24} {label}")
        return {"kinds": dict(KINDS)}
    if not args.output:
        parser.error("-o/--output is required")
    if args.messages < 0:
        raise ValueError("-n must be >= 0")
    if not 0.0 <= args.attack_share <= 1.0:
        raise ValueError("--attack-share must be between 0 and 1")
    kinds = _check_kinds(args.kinds.split(",")) if args.kinds else None
    from pathlib import Path
    out = Path(args.output)
    manifest = Path(args.manifest) if args.manifest else out.with_suffix(".csv")
    for p in (out, manifest):
        p.parent.mkdir(parents=True, exist_ok=True)
    messages = list(generate(args.messages, seed=args.seed, attack_share=args.attack_share, kinds=kinds))
    write_mbox(messages, str(out))
    write_manifest(messages, str(manifest))
    counts: dict[str, int] = {}
    for m in messages:
        counts[m.kind] = counts.get(m.kind, 0) + 1
    n_bad = sum(m.label == "malicious" for m in messages)
    print(f"synthetic archive: {out} ({len(messages)} messages: {n_bad} malicious, {len(messages) - n_bad} benign, "
          f"{len(counts)} kinds); manifest: {manifest}")
    return {"messages": len(messages), "malicious": n_bad, "benign": len(messages) - n_bad, "output": str(out),
            "manifest": str(manifest), "kinds": counts}
