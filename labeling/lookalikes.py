"""Legitimate transactional notices from real applications' templates, and their phishing twins.

Why: the detector flagged honest modern notices (password resets, receipts, sign-in alerts,
invitations ...) because every modern HTML message it trained on was an attack. Here each family is
rendered twice from the same wording (labeling/data/lookalikes/templates.yaml, taken from real
applications such as django-allauth, Flask-Security-Too, django-oscar, Ghost, Saleor, Solidus, Kill
Bill and Zulip): once as the service really sends it, and once as an attacker's twin. Only identity
separates the two:

* legitimate (benign): From the service's own organisational domain, authenticated by the receiver
  (DKIM aligned, SPF pass, DMARC pass), sent directly or through an ESP; every link on the service's
  domain or on a neutral ESP click-tracking / CDN host.
* twin (malicious), same templates and placeholders, identity broken one way:
  ``lookalike`` (attacker's lookalike domain, fully authenticated, links on it), ``spoof`` (the
  exact service domain, failing authentication, links elsewhere), ``freemail`` (Gmail/Outlook with
  the service's name as display name, links on free page hosts), ``compromised`` (an unrelated
  authenticated small organisation, call to action elsewhere) and ``foreign_link`` (the service's
  real, authenticated identity, but the action link on a lookalike or unrelated host; a minority).
  Receipts and invoices sometimes add a free-mail Reply-To and one bank-detail sentence (``+bank``).

Header shapes (sending platform, client, receiver, Received chain, Reply-To, List-Unsubscribe ...)
are drawn from one distribution for both classes, through labeling/synthetic.py's machinery, so
header presence never tells the classes apart. Ground truth stays outside the message, as in
synthetic.py: ``SyntheticMessage.kind`` is ``<family>/<legit|twin>/<trick>`` and
``lookalike_sources`` writes it to a CSV manifest next to each mbox.
"""
from __future__ import annotations

import base64
import html as _html
import random
import textwrap
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from email.headerregistry import Address
from email.message import EmailMessage
from functools import lru_cache
from pathlib import Path
from typing import Optional
from urllib.parse import quote

import yaml

from labeling import synthetic as syn
from labeling.sources import LabelledSource
from labeling.synthetic import SyntheticMessage, write_manifest, write_mbox

LOOKALIKE_VERSION = 1      # bump when the output for a given seed changes (cached sources key on it)
FAMILIES: tuple[str, ...] = ("password_reset", "email_confirmation", "login_code_or_signin_alert", "invitation",
                             "order_receipt", "shipping_notice", "invoice_or_billing", "trial_or_subscription",
                             "esignature_or_document_share", "newsletter")
TRICKS: tuple[str, ...] = ("lookalike", "spoof", "freemail", "compromised", "foreign_link")
DATA_DIR = Path(__file__).parent / "data" / "lookalikes"
_START = datetime(2025, 1, 6, 8, 0, tzinfo=timezone.utc)

# Sending infrastructure, drawn the same way for a notice and its twin. Well-known services send
# through ESPs or their own MTAs; small ones also from shared hosting and PHP mailers.
_PLATFORMS = {True: [("esp", 70), ("postfix", 10), ("google", 10), ("microsoft", 10)],
              False: [("esp", 45), ("postfix", 12), ("php", 10), ("hosting", 8), ("google", 13), ("microsoft", 12)]}
_CLIENTS = {"esp": [("esp", 1)], "postfix": [("none", 1)], "php": [("phpmailer", 85), ("none", 15)],
            "hosting": [("none", 60), ("phpmailer", 40)], "google": [("none", 55), ("gmail", 45)],
            "microsoft": [("none", 50), ("outlook", 30), ("owa", 20)]}
# Which broken identity fits the attacker's infrastructure (a Gmail sender leaves through Google ...).
_TRICK_BY_PLATFORM = {"esp": [("lookalike", 38), ("compromised", 25), ("foreign_link", 22), ("spoof", 15)],
                      "postfix": [("lookalike", 40), ("spoof", 40), ("compromised", 20)],
                      "php": [("lookalike", 30), ("spoof", 45), ("compromised", 25)],
                      "hosting": [("lookalike", 30), ("spoof", 35), ("compromised", 35)],
                      "google": [("lookalike", 30), ("freemail", 50), ("compromised", 20)],
                      "microsoft": [("lookalike", 20), ("spoof", 25), ("freemail", 40), ("compromised", 15)]}
# A spoof sent through an ESP account without domain authentication: the ESP's own bounce domain
# and DKIM signature, so SPF and DKIM pass for the ESP while DMARC fails for the service.
_ESP_OWN = {"sendgrid": ("bounces+{n}@sendgrid.net", "sendgrid.info"), "ses": ("0100019{h}@amazonses.com", "amazonses.com"),
            "mailgun": ("bounce+{h}@sandbox{h}.mailgun.org", "mailgun.org"),
            "sfmc": ("bounce-{n}@bounce.s7.exacttarget.com", "s7.exacttarget.com"),
            "mailchimp": ("bounce-mc.us{n}@mail{n}.suw12.mcdlv.net", "mcsv.net"),
            "sparkpost": ("msprvs1={h}=bounces-{n}@sparkpostmail1.com", "sparkpostmail.com")}
_PASS = ("pass", "pass", "pass")


@lru_cache(maxsize=1)
def load_data() -> dict:
    """templates.yaml and services.yaml, read once and checked (every template has a family and a
    provenance block)."""
    tpl = yaml.safe_load((DATA_DIR / "templates.yaml").read_text(encoding="utf-8"))
    world = yaml.safe_load((DATA_DIR / "services.yaml").read_text(encoding="utf-8"))
    if tuple(tpl["families"]) != FAMILIES:
        raise ValueError("templates.yaml families differ from lookalikes.FAMILIES")
    by_family: dict[str, list[dict]] = {f: [] for f in FAMILIES}
    for t in tpl["templates"]:
        if t.get("family") not in by_family or not t.get("provenance") or not t.get("subject") or not t.get("body"):
            raise ValueError(f"template {t.get('id')!r}: family, provenance, subject and body are required")
        by_family[t["family"]].append(t)
    return {"families": tpl["families"], "templates": by_family, "world": world}


# ================================================================================ who sends

@dataclass(frozen=True)
class _Service:
    name: str
    domain: str          # organisational domain
    kind: str
    known: bool


def _service(rng: random.Random, fam: dict) -> _Service:
    """Half real well-known senders, half invented small SaaS tools and shops."""
    world = load_data()["world"]
    if syn._chance(rng, 0.5):
        pool = [s for s in world["known"] if s["kind"] in fam["kinds"]]
        if pool:
            s = syn._pick(rng, pool)
            return _Service(s["name"], s["domain"], s["kind"], True)
    kind = syn._pick(rng, [k for k in fam["kinds"] if k in world["invented"]])
    bank = world["invented"][kind]
    first = syn._pick(rng, bank["first"])
    second = syn._pick(rng, [w for w in bank["second"] if w != first])
    return _Service(first.capitalize() + second, f"{first}{second}.{syn._pick(rng, bank['tlds'])}", kind, False)


def _org(host: str) -> str:
    """Organisational domain of a host we generated ourselves (two labels, or three for x.co.uk)."""
    parts = host.lower().split(".")
    return ".".join(parts[-3:]) if len(parts) > 2 and parts[-2] in ("co", "com", "net") and len(parts[-1]) == 2 \
        else ".".join(parts[-2:])


def _label(domain: str) -> str:
    return domain.split(".")[0].replace("-", "")


def _sub(rng: random.Random, domain: str, prefixes: list) -> str:
    p = syn._pick(rng, prefixes)
    return f"{p}.{domain}" if p else domain


def _auth(rng: random.Random, dmarc_record: bool) -> tuple:
    """Receiver verdicts for a sender that controls its domain: DKIM aligned, SPF now and then
    softfail/neutral (a forwarder or an old record), DMARC pass, or none where no record exists."""
    if dmarc_record:
        return syn._weighted(rng, [(_PASS, 93), (("softfail", "pass", "pass"), 4), (("neutral", "pass", "pass"), 3)])
    return syn._weighted(rng, [(_PASS, 88), (("pass", "pass", "none"), 12)])


def _sender(rng: random.Random, svc: _Service, fam: dict, trick: str, shape: tuple, ctx: dict) -> tuple:
    """The sending identity for one message: (synthetic._Sender, the org domain it speaks for)."""
    world = load_data()["world"]
    platform, client, esp = shape
    display = syn._pick(rng, fam["display"]).format(**ctx)
    local = syn._pick(rng, fam["locals"])
    own_host = _sub(rng, svc.domain, world["from_subdomains"])
    kw = dict(platform=platform, client=client, esp=esp)
    if trick in ("none", "foreign_link"):
        s = syn._sender(rng, display, f"{local}@{own_host}", "brand", auth=_auth(rng, True), **kw)
        s.dkim_domain = syn._pick(rng, [svc.domain, svc.domain, own_host])      # DKIM aligned with From
        return s, svc.domain
    if trick == "lookalike":
        lk = syn._lookalike(rng, svc.domain)
        host = _sub(rng, lk, world["from_subdomains"])
        s = syn._sender(rng, display, f"{local}@{host}", "lookalike", auth=_auth(rng, False), **kw)
        s.dkim_domain = _org(lk)
        return s, lk
    if trick == "spoof":
        s = syn._sender(rng, display, f"{local}@{own_host}", "spoof", **kw)
        if platform == "esp":
            bounce, s.dkim_domain = _ESP_OWN[esp]
            s.envelope = bounce.format(n=rng.randint(10, 9999999), h=syn._hex(rng, 12))
            s.auth = ("pass", "pass", "fail")
        return s, svc.domain
    if trick == "freemail":
        fm = syn._pick(rng, world["free_mail_by_platform"][platform])
        first, last = syn._name(rng, "en")
        lab = _label(svc.domain)
        user = syn._pick(rng, [f"{lab}.support{rng.randint(1, 999)}", f"{lab}noreply{rng.randint(10, 99)}",
                               f"{lab}-accounts", f"team.{lab}{rng.randint(1, 99)}", f"{lab}.billing.dept",
                               f"{syn._local(first)}.{syn._local(last)}{rng.randint(1, 99)}"])
        s = syn._sender(rng, display, f"{user}@{fm}", "freemail", auth=_PASS, **kw)
        s.dkim_domain = fm
        return s, fm
    biz = syn._biz_domain(rng, "en")                                     # compromised
    first, last = syn._name(rng, "en")
    user = syn._pick(rng, world["compromised_locals"] + [f"{syn._local(first)}.{syn._local(last)}"])
    s = syn._sender(rng, display, f"{user}@{biz}", "compromised", auth=_auth(rng, False), **kw)
    s.dkim_domain = biz
    return s, biz


# ================================================================================ where links go

def _track(rng: random.Random, esp: str, url: str, sender_org: str) -> str:
    """The URL as the ESP's click tracking rewrites it."""
    b64 = base64.urlsafe_b64encode(url.encode()).decode().rstrip("=")
    if esp == "sendgrid":
        return f"https://u{rng.randint(1000000, 49999999)}.ct.sendgrid.net/ls/click?upn=u001.{b64}{syn._alnum(rng, 12)}"
    if esp == "ses":
        region = syn._pick(rng, ["us-east-1", "us-west-2", "eu-west-1"])
        return (f"https://{syn._hex(rng, 8)}.r.{region}.awstrack.me/L0/{quote(url, safe='')}/1/"
                f"0100019{syn._hex(rng, 9)}-{syn._uuid(rng)}-000000/{syn._alnum(rng, 27)}=4{rng.randint(10, 99)}")
    if esp == "mailgun":
        return f"https://email.mg.{sender_org}/c/{b64}"
    if esp == "sfmc":
        return f"https://click.e.{sender_org}/?qs={syn._hex(rng, 96)}"
    if esp == "mailchimp":
        return f"https://mandrillapp.com/track/click/{syn._digits(rng, 8)}/{url.split('/')[2]}?p={b64}"
    return f"https://go.sparkpostmail.com/f/a/{syn._alnum(rng, 22)}~~/{b64}~/{syn._alnum(rng, 20)}~/"


def _foreign(rng: random.Random, svc: _Service, real: str, how: str) -> str:
    """A host the service does not own, with a path that mimics the real one or a phishing kit's."""
    world = load_data()["world"]
    lab, x = _label(svc.domain), syn._alnum(rng, rng.randint(5, 9), "abcdefghijklmnopqrstuvwxyz0123456789")
    path = "/" + real.split("/", 3)[3] if real.count("/") >= 3 else "/"
    if how == "free":
        t = syn._pick(rng, world["free_pages"])
        return t.format(x=f"{lab}-{syn._pick(rng, world['scam_words'])}{rng.randint(1, 99)}", y=x,
                        token=syn._alnum(rng, 40))
    if how == "lookalike":
        return f"https://{_sub(rng, syn._lookalike(rng, svc.domain), ['', 'www', 'login', 'account', 'app'])}{path}"
    kit = syn._pick(rng, world["kit_paths"]).format(n=f"{rng.randint(1, 12):02d}", x=x)
    if how == "compromised":
        return f"https://{syn._pick(rng, ['', 'www.'])}{syn._biz_domain(rng, 'en')}{kit}"
    word = syn._pick(rng, world["scam_words"])
    host = syn._pick(rng, [f"{lab}-{word}.{syn._pick(rng, world['scam_tlds'])}",
                           f"{word}-{lab}{rng.randint(1, 99)}.{syn._pick(rng, world['scam_tlds'])}",
                           syn._scam_domain(rng)])
    return f"https://{host}{syn._pick(rng, [path, kit])}"


class _Links:
    """Every URL a message carries, for its class and trick: real ones on the service's domain, the
    twin's on the hosts its trick uses; optionally rewritten by the ESP's click tracking."""

    def __init__(self, rng: random.Random, svc: _Service, fam: dict, action: str, trick: str, ids: dict,
                 esp: str, sender_org: str, lookalike: str):
        self.rng, self.trick, self.esp, self.sender_org = rng, trick, esp, sender_org
        self.domain = d = svc.domain
        fams = load_data()["families"]
        spec = fam if action == fam["action"] else next(f for f in fams.values() if f["action"] == action)
        self.real = {
            "action": f"https://{_sub(rng, d, spec['hosts'])}{syn._pick(rng, spec['paths']).format(**ids)}",
            "home": f"https://{syn._pick(rng, ['www.', ''])}{d}/",
            "help": f"https://{syn._pick(rng, ['help', 'support'])}.{d}/{syn._pick(rng, ['', 'hc/en-us', 'contact'])}",
            "privacy": f"https://www.{d}/{syn._pick(rng, ['privacy', 'legal/privacy', 'privacy-policy'])}",
            "terms": f"https://www.{d}/{syn._pick(rng, ['terms', 'legal/terms'])}",
            "prefs": f"https://{syn._pick(rng, ['app.', 'www.', ''])}{d}/settings/{syn._pick(rng, ['notifications', 'emails'])}",
            "unsub": f"https://{syn._pick(rng, ['', 'email.', 'www.'])}{d}/unsubscribe?u={syn._hex(rng, 24)}",
            "view": f"https://{syn._pick(rng, ['www.', ''])}{d}/email/{syn._hex(rng, 16)}",
        }
        self.keep_real = {"lookalike": 0.0, "foreign_link": 1.0}.get(trick, 0.6)
        self.lookalike = lookalike
        if trick == "none":
            self.bad_action = ""
        elif trick == "lookalike":
            self.bad_action = self.real["action"].replace(d, lookalike, 1)
        elif trick == "freemail":
            self.bad_action = _foreign(rng, svc, self.real["action"], "free")
        elif trick == "foreign_link":
            self.bad_action = _foreign(rng, svc, self.real["action"],
                                       syn._pick(rng, ["lookalike", "lookalike", "compromised", "scam"]))
        else:
            self.bad_action = _foreign(rng, svc, self.real["action"],
                                       syn._pick(rng, ["compromised", "scam", "free", "lookalike"]))
        self.tracking = bool(esp) and syn._chance(rng, 0.35)
        self.deceive = trick != "none" and syn._chance(rng, 0.12)
        self._cache: dict = {}
        self.used_action = self.need_payload = False

    def shown(self, target: str) -> str:
        """The URL as it is shown in the text (before click tracking). A twin whose template has no
        action link (a code-only notice) carries its payload in the remaining links instead."""
        forced = self.need_payload and target != "action"
        if target in self._cache and not forced:
            return self._cache[target]
        real = self.real[target]
        if self.trick == "none":
            url = real
        elif target == "action":
            url = self.bad_action
        elif self.trick == "lookalike":
            url = real.replace(self.domain, self.lookalike, 1)
        elif not forced and syn._chance(self.rng, self.keep_real):
            url = real
        else:
            url = self.bad_action          # kits point every link they rewrite at the same page
        self._cache[target] = url
        return url

    def href(self, target: str) -> str:
        self.used_action |= target == "action"
        url = self.shown(target)
        return _track(self.rng, self.esp, url, self.sender_org) if self.tracking else url

    def anchor_for_url(self, target: str) -> str:
        """A URL shown as its own anchor text; a deceptive twin shows the real one instead."""
        return self.real[target] if self.deceive and target == "action" else self.shown(target)


# ================================================================================ what it says

def _money(cur: str, v: float) -> str:
    return f"{cur}{v:,.2f}" if cur in "$£€" else f"{v:,.2f} {cur}"


def _context(rng: random.Random, svc: _Service, when: datetime, rcpt) -> tuple[dict, dict]:
    """Values for every placeholder any template uses (plain strings; links are added later)."""
    world = load_data()["world"]
    v = world["values"]
    colleague_first, colleague_last = syn._name(rng, "en")
    cur = syn._weighted(rng, [("$", 7), ("€", 2), ("£", 1)])
    items = []
    for _ in range(rng.randint(1, 4)):
        title, variant = syn._pick(rng, v["products"])
        qty, unit = rng.randint(1, 3), rng.randint(8, 180) + syn._pick(rng, [0.0, 0.99, 0.5, 0.95])
        items.append((title, variant, qty, unit))
    subtotal = sum(q * u for _, _, q, u in items)
    shipping = syn._pick(rng, [0.0, 4.99, 7.95, 12.5])
    tax = round(subtotal * syn._pick(rng, [0.0, 0.07, 0.0825, 0.2]), 2)
    amount = syn._pick(rng, [9, 12, 15, 20, 29, 49, 79, 99, 149, 299, 588, 1188]) + syn._pick(rng, [0.0, 0.0, 0.99])
    plan = syn._pick(rng, v["plans"])
    end = when + timedelta(days=rng.randint(3, 30))
    doc = syn._pick(rng, v["documents"]).format(org=syn._pick(rng, v["companies"]), year=when.year,
                                                n=rng.randint(100, 9999), q=rng.randint(1, 4),
                                                first=colleague_first, last=colleague_last)
    title, excerpt = syn._pick(rng, v["posts"])
    slug = "-".join(title.lower().replace("'", "").split())[:48]
    street = f"{rng.randint(12, 9800)} {syn._pick(rng, v['streets'])}"
    tracking = syn._pick(rng, ["1Z" + syn._alnum(rng, 16, "ABCDEFGHJKLMNPRSTVWXY0123456789"), syn._digits(rng, 12),
                               "94" + syn._digits(rng, 20)])
    ctx = dict(
        site=svc.name, domain=f"{syn._pick(rng, ['www.', ''])}{svc.domain}", email=rcpt.email, name=rcpt.first,
        first=rcpt.first, last=rcpt.last, full_name=rcpt.name, year=str(when.year),
        username=syn._pick(rng, [rcpt.email.split("@")[0], syn._local(rcpt.first) + syn._digits(rng, 2), rcpt.email]),
        code=syn._pick(rng, [syn._digits(rng, 6), syn._alnum(rng, 6, "ABCDEFGHJKLMNPQRSTUVWXYZ23456789")]),
        within=syn._pick(rng, ["1 hour", "24 hours", "30 minutes", "3 days", "5 days", "10 minutes"]),
        ip=syn._ip(rng), user_agent=syn._pick(rng, v["user_agents"]), browser=syn._pick(rng, v["browsers"]),
        os=syn._pick(rng, v["os"]), location=syn._pick(rng, v["locations"]), partner=syn._pick(rng, v["partners"]),
        timestamp=syn._pick(rng, [when.strftime("%Y-%m-%d %H:%M:%S UTC"), when.strftime("%B %d, %Y at %I:%M %p UTC"),
                                  when.strftime("%a, %d %b %Y %H:%M (UTC)")]),
        date=syn._pick(rng, [when.strftime("%B %d, %Y"), when.strftime("%b %d, %Y"), when.strftime("%Y-%m-%d")]),
        support_email=f"{syn._pick(rng, ['support', 'help', 'security'])}@{svc.domain}",
        support_phone=syn._phone(rng, "en", tollfree=True), company=syn._pick(rng, v["companies"]),
        inviter=f"{colleague_first} {colleague_last}", sender_name=f"{colleague_first} {colleague_last}",
        inviter_email=f"{syn._local(colleague_first)}.{syn._local(colleague_last)}@{syn.ORG}",
        team=syn._pick(rng, v["teams"]), order=syn._pick(rng, [syn._digits(rng, 6), f"{rng.randint(100, 999)}-"
                                                               f"{syn._digits(rng, 7)}-{syn._digits(rng, 7)}",
                                                               "R" + syn._digits(rng, 9)]),
        subtotal=_money(cur, subtotal), shipping=_money(cur, shipping), tax=_money(cur, tax),
        total=_money(cur, subtotal + shipping + tax), shipping_method=syn._pick(rng, v["shipping_methods"]),
        tracking=tracking, carrier=syn._pick(rng, v["carriers"]),
        eta=(when + timedelta(days=rng.randint(2, 6))).strftime("%A, %B %d"),
        invoice=syn._pick(rng, [f"INV-{when.year}-{syn._digits(rng, 5)}", syn._alnum(rng, 8, "ABCDEF0123456789") +
                                f"-{syn._digits(rng, 4)}", syn._digits(rng, 7)]),
        amount=_money(cur, amount), amount_plain=f"{amount:,.2f}", zero=_money(cur, 0.0),
        currency={"$": "USD", "€": "EUR", "£": "GBP"}[cur], plan=plan, period=syn._pick(rng, v["periods"]),
        period_start=when.strftime("%Y-%m-%d"), period_end=end.strftime("%Y-%m-%d"),
        due=end.strftime("%B %d, %Y"), end_date=end.strftime("%B %d, %Y"), trial_days=str((end - when).days),
        card=syn._pick(rng, v["cards"]).format(d4=syn._digits(rng, 4)),
        subscription=f"{_label(svc.domain)}-{syn._hex(rng, 8)}",
        sender_email=f"{syn._local(colleague_first)}.{syn._local(colleague_last)}@"
                     f"{syn._pick(rng, [syn.ORG, syn._biz_domain(rng, 'en')])}",
        document=doc, folder=syn._pick(rng, ["Contracts", "Q3 Reports", "Shared Docs", "Board Pack", "Invoices"]),
        size=f"{rng.randint(80, 9800)} KB", note=syn._pick(rng, v["notes"]), post_title=title, post_excerpt=excerpt,
        author=syn._pick(rng, v["authors"]), status=syn._pick(rng, ["free", "paid"]),
        new_messages=str(rng.randint(3, 240)), new_channels=str(rng.randint(1, 6)),
        address=[rcpt.name, street, syn._pick(rng, v["towns"])], items=items, cur=cur,
    )
    ids = dict(tok=syn._pick(rng, [syn._alnum(rng, 32), syn._hex(rng, 40), syn._uuid(rng)]),
               uid=syn._alnum(rng, 6, "abcdefghijklmnopqrstuvwxyz0123456789"), code=ctx["code"], order=ctx["order"],
               tracking=tracking, invoice=ctx["invoice"], plan_slug=plan.lower(), slug=slug)
    return ctx, ids


_LINK_TARGETS = ("home", "help", "prefs", "unsub", "view", "privacy", "action")


def _fill(s: str, ctx: dict, links: _Links) -> str:
    """Placeholders -> values, links -> synthetic._link markers (rendered as <a> or as text + URL)."""
    while "[[" in s:
        a, _, rest = s.partition("[[")
        inner, _, b = rest.partition("]]")
        anchor, _, target = inner.partition("|")
        s = f"{a}\u27e6{links.href(target or 'action')}\u2502{anchor.format(**ctx)}\u27e7{b}"
    lazy = {"url": lambda: syn._link(links.href("action"), links.anchor_for_url("action")),
            "home": lambda: syn._link(links.href("home"), links.shown("home").split("/")[2]),
            "prefs_url": lambda: syn._link(links.href("prefs"), links.shown("prefs")),
            "unsub_url": lambda: syn._link(links.href("unsub"), links.shown("unsub"))}
    return s.format(**ctx, **{k: f() for k, f in lazy.items() if "{" + k + "}" in s})


def _blocks(rng: random.Random, tpl: dict, fam: dict, ctx: dict, links: _Links) -> list:
    """The template's body as render-ready blocks, the same way for a notice and its twin."""
    out: list = []
    for el in tpl["body"]:
        if isinstance(el, str):
            out.append(("p", _fill(el, ctx, links)))
        elif "h" in el:
            out.append(("h", _fill(el["h"], ctx, links)))
        elif "small" in el:
            out.append(("small", _fill(el["small"], ctx, links)))
        elif "cta" in el:
            if syn._chance(rng, el.get("optional", 1.0)):
                pool = el["cta"] if syn._chance(rng, 0.7) else fam["cta"]
                out.append(("cta", links.href("action"), syn._pick(rng, pool).format(**ctx)))
        elif "link" in el:
            out.append(("p", syn._link(links.href("action"), links.anchor_for_url("action"))))
        elif "code" in el:
            out.append(("code", ctx["code"]))
        elif "kv" in el:
            out.append(("kv", [(k.format(**ctx), _fill(v, ctx, links)) for k, v in el["kv"]]))
        elif "items" in el:
            out.append(("items", el["items"], ctx["items"], ctx["cur"]))
        elif "address" in el:
            out.append(("address", ctx["address"]))
        elif "note" in el and ctx["note"]:
            out.append(("p", f"\u201c{ctx['note']}\u201d"))
    return out


# ================================================================================ rendering

def _text_links(s: str, style: int) -> str:
    def rep(m) -> str:
        url, anchor = m.group(1), m.group(2)
        if not anchor or anchor.startswith("http"):      # a URL shown as itself: text parts show the real href
            return url
        return [f"{anchor} <{url}>", f"{anchor} ( {url} )", f"{anchor}: {url}", f"{anchor} [{url}]"][style]
    return syn._LINK_RE.sub(rep, s)


def _item_lines(style: str, items: list, cur: str) -> list[str]:
    rows = []
    for title, variant, qty, unit in items:
        name = f"{title} ({variant})" if variant else title
        if style == "oscar":
            rows.append(f" * {name} - quantity: {qty} - price: {_money(cur, qty * unit)}")
        elif style == "qty":
            rows.append(f"{name} x {qty}")
        elif style == "simple":
            rows.append(f"  {title[:3].upper()}-{sum(map(ord, title)) % 1000:03d} {name} ({qty} @ {_money(cur, unit)})")
        else:
            rows.append(f"{name}  {qty}  {_money(cur, unit)}  {_money(cur, qty * unit)}")
    return rows


def _render_text(blocks: list, style: int, footer: list[str]) -> str:
    out = []
    for b in blocks:
        t = b[0]
        if t in ("p", "small"):
            s = _text_links(b[1], style)
            out.append(s if "\u27e6" in b[1] or len(s) < 80 else textwrap.fill(s, 76, break_long_words=False,
                                                                                break_on_hyphens=False))
        elif t == "h":
            out.append(_text_links(b[1], style) + ("\n" + "=" * min(60, len(b[1])) if style == 1 else ""))
        elif t == "cta":
            out.append([f"{b[2]}: {b[1]}", f"{b[2]}\n{b[1]}", f"{b[2]} ( {b[1]} )", f"{b[2]} [{b[1]}]"][style])
        elif t == "code":
            out.append(b[1])
        elif t == "kv":
            out.append("\n".join(f"{k}{'' if k.endswith(':') else ':'} {_text_links(v, style)}" for k, v in b[1]))
        elif t == "items":
            out.append("\n".join(_item_lines(b[1], b[2], b[3])))
        elif t == "address":
            out.append("\n".join(b[1]))
    return "\n\n".join(out + ["\n".join(_text_links(x, style) for x in footer)]) + "\n"


def _html_text(s: str, color: str) -> str:
    esc = _html.escape(s, quote=False).replace("\n", "<br>")
    return syn._LINK_RE.sub(lambda m: f'<a href="{_html.escape(m.group(1))}" style="color:{color}" '
                                      f'target="_blank">{m.group(2) or m.group(1)}</a>', esc)


_FONT = "-apple-system,BlinkMacSystemFont,'Segoe UI',Roboto,Helvetica,Arial,sans-serif"


def _render_html(rng: random.Random, blocks: list, skin: str, color: str, title: str, logo: tuple,
                 footer: list[str]) -> str:
    """One of a few common transactional layouts (table card, MJML output, react-email, plain)."""
    pad = "padding:0 0 16px 0" if skin != "mjml" else "padding:10px 25px"
    parts = []
    for b in blocks:
        t = b[0]
        if t == "p":
            parts.append(f'<p style="margin:0 0 16px;font-size:15px;line-height:24px;color:#333333">'
                         f'{_html_text(b[1], color)}</p>')
        elif t == "small":
            parts.append(f'<p style="margin:0 0 12px;font-size:12px;line-height:18px;color:#8a8f98">'
                         f'{_html_text(b[1], "#8a8f98")}</p>')
        elif t == "h":
            parts.append(f'<h1 style="margin:0 0 20px;font-size:22px;line-height:30px;color:#111111">'
                         f'{_html_text(b[1], color)}</h1>')
        elif t == "cta":
            parts.append(f'<table role="presentation" border="0" cellpadding="0" cellspacing="0" style="margin:8px 0 '
                         f'24px"><tr><td align="center" bgcolor="{color}" style="border-radius:6px"><a href="'
                         f'{_html.escape(b[1])}" target="_blank" style="display:inline-block;padding:12px 24px;'
                         f'font-size:15px;font-weight:600;color:#ffffff;text-decoration:none">{_html.escape(b[2])}'
                         f'</a></td></tr></table>')
        elif t == "code":
            parts.append(f'<p style="margin:8px 0 24px;font-size:30px;letter-spacing:6px;font-weight:700;'
                         f'font-family:Menlo,Consolas,monospace;color:#111111">{b[1]}</p>')
        elif t == "kv":
            rows = "".join(f'<tr><td style="padding:4px 16px 4px 0;color:#6b7280">{_html.escape(k)}</td>'
                           f'<td style="padding:4px 0;color:#111111">{_html_text(v, color)}</td></tr>' for k, v in b[1])
            parts.append(f'<table role="presentation" cellpadding="0" cellspacing="0" style="margin:0 0 20px;'
                         f'font-size:14px">{rows}</table>')
        elif t == "items":
            rows = "".join(f'<tr><td style="padding:6px 12px 6px 0;border-bottom:1px solid #e5e7eb">'
                           f'{_html.escape(ti)}{"<br><span style=color:#6b7280>" + _html.escape(va) + "</span>" if va else ""}'
                           f'</td><td style="padding:6px 12px;text-align:right">{q}</td><td style="padding:6px 0;'
                           f'text-align:right">{_money(b[3], q * u)}</td></tr>' for ti, va, q, u in b[2])
            parts.append(f'<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="margin:0 0 '
                         f'20px;font-size:14px"><tr><th align="left">Item</th><th align="right">Quantity</th>'
                         f'<th align="right">Price</th></tr>{rows}</table>')
        elif t == "address":
            parts.append(f'<p style="margin:0 0 16px;font-size:14px;line-height:20px">'
                         f'{"<br>".join(_html.escape(x) for x in b[1])}</p>')
    foot = "<br>".join(_html_text(x, "#8a8f98") for x in footer)
    logo_html = f'<img src="{_html.escape(logo[0])}" alt="{_html.escape(logo[1])}" width="{logo[2]}" ' \
                f'style="display:block;border:0;height:auto">'
    head = (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" '
            f'content="width=device-width, initial-scale=1"><title>{_html.escape(title)}</title></head>')
    inner = "\n".join(parts)
    if skin == "plain":
        return (f'<html><head><meta charset="utf-8"></head><body style="font-family:{_FONT};font-size:14px">'
                f'{inner}<hr style="border:none;border-top:1px solid #eeeeee"><p style="font-size:12px;color:#8a8f98">'
                f'{foot}</p></body></html>\n')
    if skin == "mjml":
        col = ('<div class="mj-column-per-100 mj-outlook-group-fix" style="font-size:0px;text-align:left;'
               'direction:ltr;display:inline-block;vertical-align:top;width:100%;">')
        return (f'{head}<body style="word-spacing:normal;"><div style="margin:0px auto;max-width:600px;">{col}'
                f'<div style="padding:20px 25px">{logo_html}</div><div style="font-family:Ubuntu, Helvetica, Arial, '
                f'sans-serif;{pad};color:#000000">{inner}</div></div></div><div style="background:#F2F2F2;'
                f'margin:0px auto;max-width:600px;"><div style="padding:20px 25px;font-size:12px;text-align:center;'
                f'color:#000000">{foot}</div></div></body></html>\n')
    if skin == "react":
        return (f'{head}<body style="background-color:#f6f9fc;font-family:{_FONT}"><table align="center" width="100%" '
                f'border="0" cellpadding="0" cellspacing="0" role="presentation" style="max-width:37.5em;'
                f'background-color:#ffffff;margin:0 auto;padding:20px 0 48px"><tbody><tr style="width:100%"><td '
                f'style="padding:0 48px">{logo_html}<hr style="border-color:#e6ebf1;margin:20px 0">{inner}'
                f'<hr style="border-color:#e6ebf1;margin:20px 0"><p style="color:#8898aa;font-size:12px;'
                f'line-height:16px">{foot}</p></td></tr></tbody></table></body></html>\n')
    return (f'{head}<body style="margin:0;padding:0;background:#f4f5f7"><table role="presentation" width="100%" '
            f'cellspacing="0" cellpadding="0" border="0" bgcolor="#f4f5f7"><tr><td align="center" style="padding:24px '
            f'12px"><table role="presentation" width="600" cellspacing="0" cellpadding="0" border="0" '
            f'bgcolor="#ffffff" style="font-family:{_FONT};border-radius:8px"><tr><td style="padding:28px 32px 8px">'
            f'{logo_html}</td></tr><tr><td style="padding:16px 32px 24px">{inner}</td></tr><tr><td style="padding:16px '
            f'32px 28px;font-size:12px;line-height:18px;color:#8a8f98;border-top:1px solid #eeeeee">{foot}</td></tr>'
            f'</table></td></tr></table></body></html>\n')


def _footer(rng: random.Random, svc: _Service, links: _Links, when: datetime) -> list[str]:
    """The service's footer: copyright, address and a few links (the layout's, not the template's)."""
    world = load_data()["world"]
    legal = svc.name if svc.known else f"{svc.name} {syn._pick(rng, world['legal_suffix'])}"
    names = {"help": ["Help Center", "Support"], "privacy": ["Privacy Policy", "Privacy"], "terms": ["Terms"],
             "prefs": ["Email preferences", "Notification settings"], "home": [links.shown("home").split("/")[2]]}
    chosen = [k for k in names if syn._chance(rng, 0.55)] or ["help"]
    link_line = " · ".join(f"\u27e6{links.href(k)}\u2502{syn._pick(rng, names[k])}\u27e7" for k in chosen)
    lines = [f"© {when.year} {legal}" + (f", {syn._pick(rng, world['addresses'])}" if syn._chance(rng, 0.6) else ""),
             link_line]
    return lines if syn._chance(rng, 0.85) else lines[::-1]


def _logo(rng: random.Random, svc: _Service, links: _Links) -> tuple:
    lab = _label(svc.domain)
    src = syn._pick(rng, [f"https://static.{svc.domain}/email/logo.png", f"https://cdn.{svc.domain}/img/{lab}-logo.png",
                          f"https://d{syn._alnum(rng, 13, 'abcdefghijklmnopqrstuvwxyz0123456789')}.cloudfront.net/"
                          f"email/{lab}.png", f"https://res.cloudinary.com/{lab}/image/upload/v1/email/logo.png",
                          f"https://images.ctfassets.net/{syn._alnum(rng, 12)}/{syn._alnum(rng, 22)}/logo.png"])
    if links.trick == "lookalike" and syn._chance(rng, 0.5):
        src = src.replace(svc.domain, links.lookalike)
    return src, svc.name, syn._pick(rng, [96, 120, 140, 160])


# ================================================================================ one message

def _when(rng: random.Random) -> datetime:
    """A send time in 2025-2026, any hour (notices are sent by machines), in UTC or a local zone."""
    t = _START + timedelta(days=rng.randint(0, 720), hours=rng.randint(0, 23), minutes=rng.randint(0, 59),
                           seconds=rng.randint(0, 59))
    return t if syn._chance(rng, 0.6) else t.astimezone(timezone(timedelta(hours=syn._pick(rng, [-8, -7, -5, -4, 1, 2]))))


def _make(rng: random.Random, family: str, twin: bool) -> SyntheticMessage:
    data = load_data()
    world, fam = data["world"], data["families"][family]
    when = _when(rng)
    svc = _service(rng, fam)
    templates = [t for t in data["templates"][family] if svc.kind in t.get("kinds", fam["kinds"])] \
        or data["templates"][family]
    tpl = syn._pick(rng, templates)
    platform = syn._weighted(rng, _PLATFORMS[svc.known])
    client = "none" if svc.known and platform in ("google", "microsoft") else syn._weighted(rng, _CLIENTS[platform])
    shape = (platform, client, syn._pick(rng, syn._ESPS) if platform == "esp" else "")
    trick = syn._weighted(rng, _TRICK_BY_PLATFORM[platform]) if twin else "none"
    rcpt = syn._staff(rng, "en", syn._pick(rng, ["other", "finance", "assistant", "it"]))
    ctx, ids = _context(rng, svc, when, rcpt)
    s, sender_org = _sender(rng, svc, fam, trick, shape, ctx)
    lookalike = sender_org if trick == "lookalike" else syn._lookalike(rng, svc.domain)
    links = _Links(rng, svc, fam, tpl.get("action", fam["action"]), trick, ids, s.esp if platform == "esp" else "",
                   sender_org, lookalike)
    blocks = _blocks(rng, tpl, fam, ctx, links)
    links.need_payload = twin and not links.used_action
    # Reply-To: as often in a twin as in the real notice; the twin's points wherever its sender wants replies.
    reply_to, bank = None, False
    if syn._chance(rng, fam["reply_to"]):
        box = syn._pick(rng, ["support", "help", "billing", "customerservice", "reply"])
        if not twin:
            reply_to = f"{box}@{svc.domain}"
        elif family in ("order_receipt", "invoice_or_billing") and syn._chance(rng, 0.6):
            first, last = syn._name(rng, "en")
            reply_to = f"{syn._local(first)}.{syn._local(last)}{rng.randint(1, 99)}@{syn._pick(rng, world['free_mail'])}"
            bank = True
        elif trick == "lookalike":
            reply_to = f"{box}@{sender_org}"
        elif trick == "compromised" and syn._chance(rng, 0.5):
            reply_to = s.addr
        else:
            first, last = syn._name(rng, "en")
            reply_to = syn._pick(rng, [f"{box}@{syn._scam_domain(rng)}", f"{syn._local(first)}.{syn._local(last)}"
                                       f"{rng.randint(1, 99)}@{syn._pick(rng, world['free_mail'])}"])
        if syn._chance(rng, 0.4):
            reply_to = str(Address(display_name=f"{svc.name} {syn._pick(rng, ['Support', 'Team', 'Billing'])}",
                                   addr_spec=reply_to))
    if bank:
        first_p = next((i for i, b in enumerate(blocks) if b[0] == "p"), 0)
        blocks.insert(first_p + 1, ("p", syn._pick(rng, world["values"]["bank_change"])))
    subject = syn._pick(rng, tpl["subject"]).format(**ctx)
    if svc.name not in subject and (syn._chance(rng, 0.2) or trick == "compromised"):
        subject = syn._pick(rng, [f"[{svc.name}] {subject}", f"{svc.name}: {subject}", f"{subject} - {svc.name}"])
    footer = _footer(rng, svc, links, when)
    color = syn._pick(rng, world["colors"])
    html = _render_html(rng, blocks, syn._weighted(rng, [("card", 45), ("react", 20), ("mjml", 20), ("plain", 15)]),
                        color, subject, _logo(rng, svc, links), footer)
    msg = EmailMessage(policy=syn._POLICY)
    cte = syn._weighted(rng, [(None, 45), ("quoted-printable", 40), ("base64", 15)])
    if syn._chance(rng, 0.9):
        syn._set_text(msg, _render_text(blocks, rng.randrange(4), footer), "plain", "utf-8", cte)
        syn._set_text(msg, html, "html", "utf-8", cte, method="alt")
    else:
        syn._set_text(msg, html, "html", "utf-8", cte)
    for part in msg.walk():
        if part is not msg and "MIME-Version" in part:
            del part["MIME-Version"]
        if part.is_multipart():
            part.set_boundary(syn._boundary(rng, s.client, s))
    extra = _extra_headers(rng, family, s, links, platform)
    to = str(Address(display_name=rcpt.name, addr_spec=rcpt.email)) if syn._chance(rng, 0.4) else rcpt.email
    syn._assemble_headers(rng, msg, s, [to], [], subject, when, "en", reply_to, "", [], extra, False)
    del msg["X-Originating-IP"]       # synthetic.py adds it for consumer Outlook only: a class tell here
    label = "malicious" if twin else "benign"
    legs = dict.fromkeys(syn.CONCEPTS, False)
    if twin:
        legs.update(impersonation=True, payload=True, goal=True, trust=bank)
    kind = f"{family}/{'twin' if twin else 'legit'}/{trick}{'+bank' if bank else ''}"
    return SyntheticMessage(bytes(msg), label, kind, legs, "en")


def _extra_headers(rng: random.Random, family: str, s, links: _Links, platform: str) -> list[tuple[str, str]]:
    """Bulk/auto headers by family and platform, never by class; values follow the sender."""
    extra = []
    if family == "newsletter" and syn._chance(rng, 0.95) or platform in ("esp", "php") and syn._chance(rng, 0.3):
        mailto = "" if links.trick == "freemail" else f", <mailto:unsubscribe@{s.domain}?subject=unsubscribe>"
        extra.append(("List-Unsubscribe", f"<{links.href('unsub')}>{mailto}"))
        if syn._chance(rng, 0.6):
            extra.append(("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"))
    if family == "newsletter" and syn._chance(rng, 0.3):
        extra.append(("Precedence", "bulk"))
    if syn._chance(rng, 0.2):
        extra.append(("Auto-Submitted", "auto-generated"))
    if syn._chance(rng, 0.15):
        extra.append(("X-Auto-Response-Suppress", syn._pick(rng, ["All", "OOF, AutoReply"])))
    if syn._chance(rng, 0.15):
        extra.append(("X-Entity-Ref-ID", syn._uuid(rng)))
    return extra


# ================================================================================ public API

def generate_family(family: str, n: int, seed: int, twin: bool) -> list[SyntheticMessage]:
    """``n`` legitimate notices (``twin=False``, label benign) or phishing twins (``twin=True``, label
    malicious) of one family, byte-identical for the same (family, seed, twin)."""
    if family not in FAMILIES:
        raise ValueError(f"unknown family {family!r}; known: {', '.join(FAMILIES)}")
    rng = random.Random(f"lookalike:{family}:{int(twin)}:{seed}")
    out = []
    for _ in range(n):
        mrng = random.Random(rng.getrandbits(64))    # one stream per message: messages do not shift each other
        out.append(_make(mrng, family, twin))
    return out


def lookalike_sources(per_family: int, folder: str | Path, seed: int = 0) -> list[LabelledSource]:
    """One benign source (``lookalike.<family>``) and one malicious source (``twin.<family>``) per
    family, written as mbox files into ``folder`` (with a CSV manifest of family/class/trick beside
    each) and reused while the generator version and parameters are unchanged, so each family can be
    held out like a real source."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for family in FAMILIES:
        for twin in (False, True):
            cls = "twin" if twin else "legit"
            path = folder / (f"lookalike-v{LOOKALIKE_VERSION}.{syn.GENERATOR_VERSION}-{family}-{cls}-"
                             f"{per_family}-{seed}.mbox")
            if not path.is_file():
                msgs = generate_family(family, per_family, seed, twin)
                write_manifest(msgs, str(path.with_suffix(".csv")))
                tmp = path.with_suffix(".tmp")
                write_mbox(msgs, str(tmp))
                tmp.replace(path)
            out.append(LabelledSource(f"{'twin' if twin else 'lookalike'}.{family}", str(path),
                                      "malicious" if twin else "benign"))
    return out
