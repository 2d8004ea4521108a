"""Who a synthetic message claims to be from: VIP and vendor impostors (freemail, lookalike domains, direct
spoofs, compromised mailboxes, diverting Reply-To), other vendors, brands, and the malicious links
phishing uses (lookalike, free hosting, compromised sites, shorteners, IPs, open redirects).

Shared by the attack kinds and the benign look-alikes, so both draw identities from one distribution.
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from email.headerregistry import Address
from typing import Optional

from labeling.synthetic_data import load
from labeling.synthetic_mime import _B
from labeling.synthetic_transport import _freemail_sender, _Sender, _sender
from labeling.synthetic_values import (_addr_style, _alnum, _biz_domain, _chance, _hex, _ip, _local, _lookalike, _name,
                                       _Person, _pick, _scam_domain, _uuid, _weighted, FREE_HOSTS, FREEMAIL, ORG,
                                       SHORTENERS, VENDORS)

_BRAND_DATA, _ORGS = load("brands"), load("organisations")


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


_OTHER_VENDORS = [_Vendor(*v) for v in _ORGS["other_vendors"]]


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

# brand -> (display names, real sending domain, real web domain, login path)
_BRANDS: dict[str, tuple[list[str], str, str, str]] = _BRAND_DATA["brands"]
_LANG_BRANDS: dict[str, list[str]] = _BRAND_DATA["by_language"]        # brands drawn per language
_BRAND_TEXT: dict[str, str] = _BRAND_DATA["display"]
_RIGHTS: dict[str, list[str]] = _BRAND_DATA["rights"]


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
