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
  exact service domain, failing DMARC, links elsewhere), ``freemail`` (Gmail/Outlook with the
  service's name as display name, links on free page hosts), ``compromised`` (an unrelated
  authenticated small organisation, call to action elsewhere) and ``foreign_link`` (the service's
  real, authenticated identity, the action link on a lookalike or unrelated host; a minority).
  Receipts and invoices sometimes add a free-mail Reply-To and one bank-detail sentence (``+bank``).

``delivery_report`` is built differently (``_make_dsn``): real delivery-status notifications (RFC 3464
reports in the layouts of Postfix, OpenSMTPD, Haraka and Sendmail, whose wording is copied, and of
Exim, Gmail and Microsoft 365, written in their style), delay warnings and RFC 3834 auto-replies,
from MAILER-DAEMON / postmaster of the user's own server or provider or of the correspondent's
server, with a null Return-Path and the user's message returned; their twins keep the subjects and
the systems' opening wording but carry a "messages on hold, release them here" call to action to a
foreign host, and only a minority copy the message/delivery-status part.

Header shapes (sending platform, client, receiver, Received chain, Reply-To, List-Unsubscribe ...)
are drawn from one distribution for both classes, through labeling/synthetic.py's machinery, so
header presence never tells the classes apart. Ground truth stays outside the message, as in
synthetic.py: ``SyntheticMessage.kind`` is ``<family>/<legit|twin>/<trick>`` and
``lookalike_sources`` writes it to a CSV manifest beside each mbox.
"""
from __future__ import annotations

import base64
import html as _html
import quopri
import random
import textwrap
from collections import namedtuple
from datetime import datetime, timedelta, timezone
from email.headerregistry import Address
from email.message import EmailMessage
from functools import lru_cache
from pathlib import Path
from urllib.parse import quote

import yaml

from features.reference import load_reference
from labeling import synthetic as syn
from labeling.sources import LabelledSource
from labeling.synthetic import SyntheticMessage, write_manifest, write_mbox

LOOKALIKE_VERSION = 4      # bump when the output for a given seed changes (cached sources key on it)
FAMILIES: tuple[str, ...] = ("password_reset", "email_confirmation", "login_code_or_signin_alert", "invitation",
                             "order_receipt", "shipping_notice", "invoice_or_billing", "trial_or_subscription",
                             "esignature_or_document_share", "newsletter", "delivery_report")
TRICKS: tuple[str, ...] = ("lookalike", "spoof", "freemail", "compromised", "foreign_link")
DATA_DIR = Path(__file__).parent / "data" / "lookalikes"
_START = datetime(2025, 1, 6, 8, 0, tzinfo=timezone.utc)
_PASS = ("pass", "pass", "pass")


@lru_cache(maxsize=1)
def load_data() -> dict:
    """templates.yaml, services.yaml, layouts.yaml and delivery.yaml, read once and checked (every
    template has a family, subject, body and provenance block)."""
    tpl, world, layouts, delivery = (yaml.safe_load((DATA_DIR / f"{n}.yaml").read_text(encoding="utf-8"))
                                     for n in ("templates", "services", "layouts", "delivery"))
    if tuple(tpl["families"]) != FAMILIES:
        raise ValueError("templates.yaml families differ from lookalikes.FAMILIES")
    by_family: dict[str, list[dict]] = {f: [] for f in FAMILIES}
    for t in tpl["templates"]:
        if t.get("family") not in by_family or not all(t.get(k) for k in ("provenance", "subject", "body")):
            raise ValueError(f"template {t.get('id')!r}: family, provenance, subject and body are required")
        by_family[t["family"]].append(t)
    return {"families": tpl["families"], "templates": by_family, "world": world, "layouts": layouts,
            "delivery": delivery}


# ================================================================================ who sends

_Service = namedtuple("_Service", "name domain kind known")      # domain: the organisational domain


def _service(rng: random.Random, fam: dict) -> _Service:
    """Half real well-known senders, half invented small SaaS tools and shops."""
    world = load_data()["world"]
    pool = [s for s in world["known"] if s["kind"] in fam["kinds"]]
    if pool and syn._chance(rng, 0.5):
        s = syn._pick(rng, pool)
        return _Service(s["name"], s["domain"], s["kind"], True)
    kind = syn._pick(rng, [k for k in fam["kinds"] if k in world["invented"]])
    bank = world["invented"][kind]
    first = syn._pick(rng, bank["first"])
    # An invented name that happens to be a real brand (drop + box) would be a lookalike of it.
    second = syn._pick(rng, [w for w in bank["second"] if w != first and first + w not in _brand_names()])
    return _Service(first.capitalize() + second, f"{first}{second}.{syn._pick(rng, bank['tlds'])}", kind, False)


@lru_cache(maxsize=1)
def _brand_names() -> frozenset[str]:
    """Brand names as one word (features/data/identity/brands.yaml): "dropbox", "signnow"."""
    return frozenset(n.replace(" ", "") for n in load_reference().brands)


def _org(host: str) -> str:
    """Organisational domain of a host generated here (two labels, three for x.co.uk or x.com.br)."""
    parts = host.lower().split(".")
    n = 3 if len(parts) > 2 and parts[-2] in ("co", "com", "net") and len(parts[-1]) == 2 else 2
    return ".".join(parts[-n:])


def _label(domain: str) -> str:
    return domain.split(".")[0].replace("-", "")


def _sub(rng: random.Random, domain: str, prefixes: list) -> str:
    p = syn._pick(rng, prefixes)
    return f"{p}.{domain}" if p else domain


def _auth(rng: random.Random, dmarc_record: bool) -> tuple:
    """Verdicts for a sender that controls its domain: DKIM aligned, SPF now and then softfail or
    neutral (a forwarder, an old record), DMARC pass, or none where the domain has no record."""
    if dmarc_record:
        return syn._weighted(rng, [(_PASS, 93), (("softfail", "pass", "pass"), 4), (("neutral", "pass", "pass"), 3)])
    return syn._weighted(rng, [(_PASS, 88), (("pass", "pass", "none"), 12)])


def _person(rng: random.Random) -> str:
    first, last = syn._name(rng, "en")
    return f"{syn._local(first)}.{syn._local(last)}"


def _sender(rng: random.Random, svc: _Service, fam: dict, trick: str, shape: tuple, ctx: dict) -> tuple:
    """The sending identity: (synthetic._Sender, the domain it speaks for)."""
    world = load_data()["world"]
    platform, client, esp = shape
    display, local = syn._pick(rng, fam["display"]).format(**ctx), syn._pick(rng, fam["locals"])
    own_host = _sub(rng, svc.domain, world["from_subdomains"])
    kw = dict(platform=platform, client=client, esp=esp)
    if trick in ("none", "foreign_link"):
        s = syn._sender(rng, display, f"{local}@{own_host}", "brand", auth=_auth(rng, True), **kw)
        s.dkim_domain = syn._pick(rng, [svc.domain, svc.domain, own_host])      # DKIM aligned with From
        return s, svc.domain
    if trick == "lookalike":
        lk = syn._lookalike(rng, svc.domain)
        s = syn._sender(rng, display, f"{local}@{_sub(rng, lk, world['from_subdomains'])}", "lookalike",
                        auth=_auth(rng, False), **kw)
        s.dkim_domain = _org(lk)
        return s, lk
    if trick == "spoof":
        s = syn._sender(rng, display, f"{local}@{own_host}", "spoof", **kw)
        if platform == "esp":
            bounce, s.dkim_domain = world["delivery"]["esp_own"][esp]
            s.envelope = bounce.format(n=rng.randint(10, 9999999), h=syn._hex(rng, 12))
            s.auth = ("pass", "pass", "fail")
        return s, svc.domain
    if trick == "freemail":
        fm, lab, n = syn._pick(rng, world["free_mail_by_platform"][platform]), _label(svc.domain), rng.randint(1, 99)
        user = syn._pick(rng, [f"{lab}.support{n}", f"{lab}noreply{n}", f"{lab}-accounts", f"team.{lab}{n}",
                               f"{lab}.billing.dept", f"{_person(rng)}{n}"])
        s = syn._sender(rng, display, f"{user}@{fm}", "freemail", auth=_PASS, **kw)
        s.dkim_domain = fm
        return s, fm
    biz = syn._biz_domain(rng, "en")                                     # compromised
    user = syn._pick(rng, world["compromised_locals"] + [_person(rng)])
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
        return (f"https://{syn._hex(rng, 8)}.r.{syn._pick(rng, ['us-east-1', 'us-west-2', 'eu-west-1'])}.awstrack.me/"
                f"L0/{quote(url, safe='')}/1/0100019{syn._hex(rng, 9)}-{syn._uuid(rng)}-000000/{syn._alnum(rng, 27)}=4"
                f"{rng.randint(10, 99)}")
    if esp == "mailgun":
        return f"https://email.mg.{sender_org}/c/{b64}"
    if esp == "sfmc":
        return f"https://click.e.{sender_org}/?qs={syn._hex(rng, 96)}"
    if esp == "mailchimp":
        return f"https://mandrillapp.com/track/click/{syn._digits(rng, 8)}/{url.split('/')[2]}?p={b64}"
    return f"https://go.sparkpostmail.com/f/a/{syn._alnum(rng, 22)}~~/{b64}~/{syn._alnum(rng, 20)}~/"


def _foreign(rng: random.Random, svc: _Service, real: str, how: str) -> str:
    """A URL on a host the service does not own, its path mimicking the real one or a phishing kit's."""
    world = load_data()["world"]
    lab, x = _label(svc.domain), syn._alnum(rng, rng.randint(5, 9), "abcdefghijklmnopqrstuvwxyz0123456789")
    path = "/" + real.split("/", 3)[3] if real.count("/") >= 3 else "/"
    if how == "free":
        return syn._pick(rng, world["free_pages"]).format(x=f"{lab}-{syn._pick(rng, world['scam_words'])}"
                                                            f"{rng.randint(1, 99)}", y=x, token=syn._alnum(rng, 40))
    if how == "lookalike":
        return f"https://{_sub(rng, syn._lookalike(rng, svc.domain), ['', 'www', 'login', 'account', 'app'])}{path}"
    kit = syn._pick(rng, world["kit_paths"]).format(n=f"{rng.randint(1, 12):02d}", x=x)
    if how == "compromised":
        return f"https://{syn._pick(rng, ['', 'www.'])}{syn._biz_domain(rng, 'en')}{kit}"
    word, tld = syn._pick(rng, world["scam_words"]), syn._pick(rng, world["scam_tlds"])
    host = syn._pick(rng, [f"{lab}-{word}.{tld}", f"{word}-{lab}{rng.randint(1, 99)}.{tld}", syn._scam_domain(rng)])
    return f"https://{host}{syn._pick(rng, [path, kit])}"


class _Links:
    """Every URL one message carries: real ones on the service's domain, a twin's on the hosts its
    trick uses, optionally rewritten by the ESP's click tracking."""

    def __init__(self, rng: random.Random, svc: _Service, fam: dict, action: str, trick: str, ids: dict,
                 esp: str, sender_org: str, lookalike: str):
        self.rng, self.trick, self.esp, self.sender_org, self.lookalike = rng, trick, esp, sender_org, lookalike
        self.domain = d = svc.domain
        spec = fam if action == fam["action"] else \
            next(f for f in load_data()["families"].values() if f["action"] == action)
        pick = lambda xs: syn._pick(rng, xs)     # noqa: E731
        self.real = {
            "action": f"https://{_sub(rng, d, spec['hosts'])}{pick(spec['paths']).format(**ids)}",
            "home": f"https://{pick(['www.', ''])}{d}/",
            "help": f"https://{pick(['help', 'support'])}.{d}/{pick(['', 'hc/en-us', 'contact'])}",
            "privacy": f"https://www.{d}/{pick(['privacy', 'legal/privacy', 'privacy-policy'])}",
            "terms": f"https://www.{d}/{pick(['terms', 'legal/terms'])}",
            "prefs": f"https://{pick(['app.', 'www.', ''])}{d}/settings/{pick(['notifications', 'emails'])}",
            "unsub": f"https://{pick(['', 'email.', 'www.'])}{d}/unsubscribe?u={syn._hex(rng, 24)}",
            "view": f"https://{pick(['www.', ''])}{d}/email/{syn._hex(rng, 16)}"}
        self.keep_real = {"lookalike": 0.0, "foreign_link": 1.0}.get(trick, 0.6)
        how = {"none": "", "lookalike": "", "freemail": "free",
               "foreign_link": pick(["lookalike", "lookalike", "compromised", "scam"])}.get(
            trick, pick(["compromised", "scam", "free", "lookalike"]))
        self.bad_action = self.real["action"].replace(d, lookalike, 1) if trick == "lookalike" else \
            _foreign(rng, svc, self.real["action"], how) if how else ""
        self.tracking = bool(esp) and syn._chance(rng, 0.35)
        self.deceive = trick != "none" and syn._chance(rng, 0.12)
        self._cache: dict = {}
        self.used_action = self.need_payload = False

    def shown(self, target: str) -> str:
        """The URL as the text shows it (before click tracking). A twin whose template has no action
        link (a code-only notice) carries its payload in its other links instead."""
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
        """A URL shown as its own anchor text; a deceptive twin shows the real one there."""
        return self.real[target] if self.deceive and target == "action" else self.shown(target)


# ================================================================================ what it says

def _host(url: str) -> str:
    """The host of a URL as a reader sees it (punycode shown in Unicode, as mail clients do)."""
    host = url.split("/")[2]
    try:
        return host.encode("ascii").decode("idna")
    except UnicodeError:
        return host


def _money(cur: str, v: float) -> str:
    return f"{cur}{v:,.2f}"


def _context(rng: random.Random, svc: _Service, when: datetime, rcpt) -> tuple[dict, dict]:
    """Values for every placeholder any template uses (plain strings; links come later), and the
    identifiers URLs are built from."""
    v = load_data()["world"]["values"]
    pick = lambda xs: syn._pick(rng, xs)     # noqa: E731
    mate = f"{syn._pick(rng, syn._NAMES['en'][0])} {syn._pick(rng, syn._NAMES['en'][1])}"
    mate_local = ".".join(syn._local(x) for x in mate.split())
    cur = syn._weighted(rng, [("$", 7), ("€", 2), ("£", 1)])
    items = [(t, var, rng.randint(1, 3), rng.randint(8, 120) + pick([0.0, 0.99, 0.5, 0.95]))
             for t, var in rng.sample(v["products"], rng.randint(1, 4))]
    subtotal = sum(q * u for _, _, q, u in items)
    shipping, tax = pick([0.0, 4.99, 7.95, 12.5]), round(subtotal * pick([0.0, 0.07, 0.0825, 0.2]), 2)
    amount = pick([9, 12, 15, 20, 29, 49, 79, 99, 149, 299, 588, 1188]) + pick([0.0, 0.0, 0.99])
    plan, end = pick(v["plans"]), when + timedelta(days=rng.randint(3, 30))
    title, excerpt = pick(v["posts"])
    code = pick([syn._digits(rng, 6), syn._alnum(rng, 6, "ABCDEFGHJKLMNPQRSTUVWXYZ23456789")])
    order = pick([syn._digits(rng, 6), f"{rng.randint(100, 999)}-{syn._digits(rng, 7)}-{syn._digits(rng, 7)}",
                  "R" + syn._digits(rng, 9)])
    tracking = pick(["1Z" + syn._alnum(rng, 16, "ABCDEFGHJKLMNPRSTVWXY0123456789"), syn._digits(rng, 12),
                     "94" + syn._digits(rng, 20)])
    invoice = pick([f"INV-{when.year}-{syn._digits(rng, 5)}", f"{syn._alnum(rng, 8, 'ABCDEF0123456789')}-"
                                                             f"{syn._digits(rng, 4)}", syn._digits(rng, 7)])
    ctx = dict(
        site=svc.name, domain=f"{pick(['www.', ''])}{svc.domain}", email=rcpt.email, name=rcpt.first,
        first=rcpt.first, last=rcpt.last, full_name=rcpt.name, year=str(when.year), code=code, order=order,
        username=pick([rcpt.email.split("@")[0], syn._local(rcpt.first) + syn._digits(rng, 2), rcpt.email]),
        within=pick(["1 hour", "24 hours", "30 minutes", "3 days", "5 days", "10 minutes"]),
        ip=syn._ip(rng), user_agent=pick(v["user_agents"]), browser=pick(v["browsers"]), os=pick(v["os"]),
        location=pick(v["locations"]), partner=pick(v["partners"]),
        timestamp=when.strftime(pick(["%Y-%m-%d %H:%M:%S UTC", "%B %d, %Y at %I:%M %p UTC", "%a, %d %b %Y %H:%M"])),
        date=when.strftime(pick(["%B %d, %Y", "%b %d, %Y", "%Y-%m-%d"])),
        support_email=f"{pick(['support', 'help', 'security'])}@{svc.domain}",
        support_phone=syn._phone(rng, "en", tollfree=True), company=pick(v["companies"]),
        inviter=mate, sender_name=mate, inviter_email=f"{mate_local}@{syn.ORG}",
        sender_email=f"{mate_local}@{pick([syn.ORG, syn._biz_domain(rng, 'en')])}", team=pick(v["teams"]),
        subtotal=_money(cur, subtotal), shipping=_money(cur, shipping), tax=_money(cur, tax),
        total=_money(cur, subtotal + shipping + tax), shipping_method=pick(v["shipping_methods"]),
        tracking=tracking, carrier=pick(v["carriers"]),
        eta=(when + timedelta(days=rng.randint(2, 6))).strftime("%A, %B %d"), invoice=invoice,
        amount=_money(cur, amount), amount_plain=f"{amount:,.2f}", zero=_money(cur, 0.0),
        currency={"$": "USD", "€": "EUR", "£": "GBP"}[cur], plan=plan, period=pick(v["periods"]),
        period_start=when.strftime("%Y-%m-%d"), period_end=end.strftime("%Y-%m-%d"),
        due=end.strftime("%B %d, %Y"), end_date=end.strftime("%B %d, %Y"), trial_days=str((end - when).days),
        card=pick(v["cards"]).format(d4=syn._digits(rng, 4)), subscription=f"{_label(svc.domain)}-{syn._hex(rng, 8)}",
        document=pick(v["documents"]).format(org=pick(v["companies"]), year=when.year, n=rng.randint(100, 9999),
                                             q=rng.randint(1, 4), first=mate.split()[0], last=mate.split()[1]),
        folder=pick(["Contracts", "Q3 Reports", "Shared Docs", "Board Pack", "Invoices"]),
        size=f"{rng.randint(80, 9800)} KB", note=pick(v["notes"]), post_title=title, post_excerpt=excerpt,
        author=pick(v["authors"]), status=pick(["free", "paid"]), new_messages=str(rng.randint(3, 240)),
        new_channels=str(rng.randint(1, 6)), items=items, cur=cur,
        address=[rcpt.name, f"{rng.randint(12, 9800)} {pick(v['streets'])}", pick(v["towns"])])
    ids = dict(tok=pick([syn._alnum(rng, 32), syn._hex(rng, 40), syn._uuid(rng)]), code=code, order=order,
               uid=syn._alnum(rng, 6, "abcdefghijklmnopqrstuvwxyz0123456789"), tracking=tracking, invoice=invoice,
               plan_slug=plan.lower(), slug="-".join(title.lower().replace("'", "").split())[:48])
    return ctx, ids


def _fill(s: str, ctx: dict, links: _Links) -> str:
    """Placeholders -> values, links -> synthetic._link markers (rendered as <a> or as text + URL)."""
    while "[[" in s:
        a, _, rest = s.partition("[[")
        inner, _, b = rest.partition("]]")
        anchor, _, target = inner.partition("|")
        s = f"{a}{syn._link(links.href(target or 'action'), anchor.format(**ctx))}{b}"
    lazy = {"url": lambda: syn._link(links.href("action"), links.anchor_for_url("action")),
            "home": lambda: syn._link(links.href("home"), _host(links.shown("home"))),
            "prefs_url": lambda: syn._link(links.href("prefs"), links.shown("prefs")),
            "unsub_url": lambda: syn._link(links.href("unsub"), links.shown("unsub"))}
    return s.format(**ctx, **{k: f() for k, f in lazy.items() if "{" + k + "}" in s})


def _blocks(rng: random.Random, tpl: dict, fam: dict, ctx: dict, links: _Links) -> list:
    """The template's body as render-ready blocks, built the same way for a notice and its twin."""
    out: list = []
    for el in tpl["body"]:
        if isinstance(el, str):
            out.append(("p", _fill(el, ctx, links)))
        elif {"h", "small"} & set(el):
            key = "h" if "h" in el else "small"
            out.append((key, _fill(el[key], ctx, links)))
        elif "cta" in el:
            if syn._chance(rng, el.get("optional", 1.0)):
                label = syn._pick(rng, el["cta"] if syn._chance(rng, 0.7) else fam["cta"]).format(**ctx)
                out.append(("cta", links.href("action"), label))
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
        if not anchor or anchor.startswith("http"):      # a URL shown as itself: the text part shows the href
            return url
        return [f"{anchor} <{url}>", f"{anchor} ( {url} )", f"{anchor}: {url}", f"{anchor} [{url}]"][style]
    return syn._LINK_RE.sub(rep, s)


def _item_lines(style: str, items: list, cur: str) -> list[str]:
    rows = []
    for title, variant, qty, unit in items:
        name = f"{title} ({variant})" if variant else title
        rows.append({"oscar": f" * {name} - quantity: {qty} - price: {_money(cur, qty * unit)}",
                     "qty": f"{name} x {qty}",
                     "simple": f"  {title[:3].upper()}-{sum(map(ord, title)) % 1000:03d} {name} ({qty} @ "
                               f"{_money(cur, unit)})"}.get(style, f"{name}  {qty}  {_money(cur, unit)}  "
                                                                   f"{_money(cur, qty * unit)}"))
    return rows


def _wrap(s: str) -> str:
    return "\n".join(x if len(x) < 80 else textwrap.fill(x, 76, break_long_words=False, break_on_hyphens=False)
                     for x in s.split("\n"))


def _render_text(blocks: list, style: int, footer: list[str]) -> str:
    out = []
    for b in blocks:
        t = b[0]
        if t in ("p", "small", "h"):
            out.append(_text_links(b[1], style) if "\u27e6" in b[1] else _wrap(b[1]))
            if t == "h" and style == 1:
                out[-1] += "\n" + "=" * min(60, len(b[1]))
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
    """Escaped text with link markers as <a> (text and URLs escaped once)."""
    tpl, out, pos = load_data()["layouts"]["link"], [], 0
    for m in syn._LINK_RE.finditer(s):
        out.append(_html.escape(s[pos:m.start()], quote=False))
        out.append(tpl.format(url=_html.escape(m.group(1)), color=color,
                              text=_html.escape(m.group(2) or m.group(1), quote=False)))
        pos = m.end()
    return ("".join(out) + _html.escape(s[pos:], quote=False)).replace("\n", "<br>")


def _render_html(blocks: list, skin: str, color: str, title: str, logo: tuple, footer: list[str]) -> str:
    """One of a few common transactional layouts (table card, react-email, MJML output, plain)."""
    lay = load_data()["layouts"]
    css, parts = lay["blocks"], []
    for b in blocks:
        t = b[0]
        if t in ("p", "small", "h"):
            parts.append(css[t].format(text=_html_text(b[1], "#8a8f98" if t == "small" else color)))
        elif t == "cta":
            parts.append(css["cta"].format(color=color, url=_html.escape(b[1]), label=_html.escape(b[2])))
        elif t == "code":
            parts.append(css["code"].format(code=b[1]))
        elif t == "kv":
            parts.append(css["kv"].format(rows="".join(css["kv_row"].format(k=_html.escape(k), v=_html_text(v, color))
                                                       for k, v in b[1])))
        elif t == "items":
            rows = "".join(css["items_row"].format(name=_html.escape(f"{ti} ({va})" if va else ti), qty=q,
                                                   price=_money(b[3], q * u)) for ti, va, q, u in b[2])
            parts.append(css["items"].format(rows=rows))
        elif t == "address":
            parts.append(css["address"].format(text="<br>".join(_html.escape(x) for x in b[1])))
    logo_html = lay["logo"].format(src=_html.escape(logo[0]), alt=_html.escape(logo[1]), width=logo[2])
    return lay["skins"][skin].format(head=lay["head"].format(title=_html.escape(title)), font=lay["font"],
                                     logo=logo_html, inner="\n".join(parts),
                                     foot="<br>".join(_html_text(x, "#8a8f98") for x in footer)) + "\n"


def _footer(rng: random.Random, svc: _Service, links: _Links, when: datetime) -> list[str]:
    """The service's footer: copyright, address and a few links (the layout's, not the template's)."""
    world = load_data()["world"]
    legal = svc.name if svc.known else f"{svc.name} {syn._pick(rng, world['legal_suffix'])}"
    names = {"help": ["Help Center", "Support"], "privacy": ["Privacy Policy", "Privacy"], "terms": ["Terms"],
             "prefs": ["Email preferences", "Notification settings"], "home": [_host(links.shown("home"))]}
    chosen = [k for k in names if syn._chance(rng, 0.55)] or ["help"]
    lines = [f"© {when.year} {legal}" + (f", {syn._pick(rng, world['addresses'])}" if syn._chance(rng, 0.6) else ""),
             " · ".join(syn._link(links.href(k), syn._pick(rng, names[k])) for k in chosen)]
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
    """A send time in 2025-2026, any hour (machines send notices), in UTC or a local zone."""
    t = _START + timedelta(days=rng.randint(0, 720), hours=rng.randint(0, 23), minutes=rng.randint(0, 59),
                           seconds=rng.randint(0, 59))
    return t if syn._chance(rng, 0.6) else t.astimezone(timezone(timedelta(hours=syn._pick(rng, [-8, -5, -4, 1, 2]))))


def _reply_to(rng: random.Random, family: str, twin: bool, trick: str, svc: _Service, s, sender_org: str) -> tuple:
    """(Reply-To or None, bank sentence?): as often in a twin as in the real notice; the twin's
    points wherever its sender wants the replies."""
    fam, free = load_data()["families"][family], load_data()["world"]["free_mail"]
    if not syn._chance(rng, fam["reply_to"]):
        return None, False
    box, bank = syn._pick(rng, ["support", "help", "billing", "customerservice", "reply"]), False
    if not twin:
        addr = f"{box}@{svc.domain}"
    elif family in ("order_receipt", "invoice_or_billing") and syn._chance(rng, 0.6):
        addr, bank = f"{_person(rng)}{rng.randint(1, 99)}@{syn._pick(rng, free)}", True
    elif trick == "lookalike":
        addr = f"{box}@{sender_org}"
    elif trick == "compromised" and syn._chance(rng, 0.5):
        addr = s.addr
    else:
        addr = syn._pick(rng, [f"{box}@{syn._scam_domain(rng)}", f"{_person(rng)}{rng.randint(1, 99)}@"
                                                                 f"{syn._pick(rng, free)}"])
    if syn._chance(rng, 0.4):
        addr = str(Address(display_name=f"{svc.name} {syn._pick(rng, ['Support', 'Team', 'Billing'])}", addr_spec=addr))
    return addr, bank


def _extra_headers(rng: random.Random, family: str, s, links: _Links, platform: str) -> list[tuple[str, str]]:
    """Bulk/auto headers by family and platform, never by class; their values follow the sender."""
    extra = []
    if family == "newsletter" and syn._chance(rng, 0.95) or platform in ("esp", "php") and syn._chance(rng, 0.3):
        mailto = "" if links.trick == "freemail" else f", <mailto:unsubscribe@{s.domain}?subject=unsubscribe>"
        extra.append(("List-Unsubscribe", f"<{links.href('unsub')}>{mailto}"))
        if syn._chance(rng, 0.6):
            extra.append(("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"))
    for name, value, p in [("Precedence", "bulk", 0.3 if family == "newsletter" else 0.0),
                           ("Auto-Submitted", "auto-generated", 0.2),
                           ("X-Auto-Response-Suppress", syn._pick(rng, ["All", "OOF, AutoReply"]), 0.15),
                           ("X-Entity-Ref-ID", syn._uuid(rng), 0.15)]:
        if syn._chance(rng, p):
            extra.append((name, value))
    return extra


def _make(rng: random.Random, family: str, twin: bool) -> SyntheticMessage:
    data = load_data()
    world, fam = data["world"], data["families"][family]
    when, svc = _when(rng), _service(rng, fam)
    tpl = syn._pick(rng, [t for t in data["templates"][family] if svc.kind in t.get("kinds", fam["kinds"])]
                    or data["templates"][family])
    how = world["delivery"]
    platform = syn._weighted(rng, how["platforms"]["known" if svc.known else "invented"])
    client = "none" if svc.known and platform in ("google", "microsoft") else \
        syn._weighted(rng, how["clients"][platform])
    esp = syn._pick(rng, syn._ESPS) if platform == "esp" else ""
    trick = syn._weighted(rng, how["tricks"][platform]) if twin else "none"
    rcpt = syn._staff(rng, "en", syn._pick(rng, ["other", "finance", "assistant", "it"]))
    ctx, ids = _context(rng, svc, when, rcpt)
    s, sender_org = _sender(rng, svc, fam, trick, (platform, client, esp), ctx)
    lookalike = sender_org if trick == "lookalike" else syn._lookalike(rng, svc.domain)
    links = _Links(rng, svc, fam, tpl.get("action", fam["action"]), trick, ids, s.esp if esp else "",
                   sender_org, lookalike)
    blocks = _blocks(rng, tpl, fam, ctx, links)
    links.need_payload = twin and not links.used_action
    reply_to, bank = _reply_to(rng, family, twin, trick, svc, s, sender_org)
    if bank:
        first_p = next((i for i, b in enumerate(blocks) if b[0] == "p"), 0)
        blocks.insert(first_p + 1, ("p", syn._pick(rng, world["values"]["bank_change"])))
    subject = syn._pick(rng, tpl["subject"]).format(**ctx)
    if svc.name not in subject and (syn._chance(rng, 0.2) or trick == "compromised"):
        subject = syn._pick(rng, [f"[{svc.name}] {subject}", f"{svc.name}: {subject}", f"{subject} - {svc.name}"])
    footer = _footer(rng, svc, links, when)
    skin = syn._weighted(rng, [("card", 45), ("react", 20), ("mjml", 20), ("plain", 15)])
    html = _render_html(blocks, skin, syn._pick(rng, world["colors"]), subject, _logo(rng, svc, links), footer)
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
    legs = dict.fromkeys(syn.CONCEPTS, False)
    if twin:
        legs.update(impersonation=True, payload=True, goal=True, trust=bank)
    kind = f"{family}/{'twin' if twin else 'legit'}/{trick}{'+bank' if bank else ''}"
    return SyntheticMessage(bytes(msg), "malicious" if twin else "benign", kind, legs, "en")


# ================================================================================ delivery reports

# Delivery-status notifications (RFC 3464 in an RFC 3462 multipart/report), delay warnings and
# auto-replies, and twins that copy their subjects and wording to carry a "messages on hold /
# release them here" lure. Wording: templates.yaml (family delivery_report); how each mail system
# structures them, why mail bounces and the lure: delivery.yaml. The headers go through the same
# synthetic.py machinery as above, drawn alike for both classes; only identity and the call to
# action differ (and the DSN structure, which most twins lack).

_Dsn = namedtuple("_Dsn", "style spec tpl notice reason own platform")


def _fold_field(line: str, width: int = 78) -> str:
    """A long DSN field or report line wrapped as MTAs do (continuation lines indented)."""
    if len(line) <= width:
        return line
    return textwrap.fill(line, width, subsequent_indent="    ", break_long_words=False, break_on_hyphens=False)


def _partner(rng: random.Random) -> tuple[str, str]:
    """A correspondent organisation: (name, domain)."""
    a, b, tlds = syn._BIZ_WORDS["en"]
    first, second = syn._pick(rng, a), syn._pick(rng, b)
    return f"{first.capitalize()} {second.capitalize()}", f"{first}{second}.{syn._pick(rng, tlds)}"


def _m365_host(rng: random.Random) -> str:
    return (f"{syn._pick(rng, ['PH0PR11', 'BN9PR03', 'DM6PR12', 'AM6PR02', 'DB9PR04', 'SA1PR10', 'CH3PR15'])}MB"
            f"{rng.randint(1000, 9999)}.{syn._pick(rng, ['namprd11', 'namprd03', 'eurprd02', 'eurprd04'])}"
            f".prod.outlook.com")


def _dsn_context(rng: random.Random, d: _Dsn, when: datetime, rcpt) -> dict:
    """Every placeholder of the notice templates, the returned message and the lure."""
    dl = load_data()["delivery"]
    pick = lambda xs: syn._pick(rng, xs)     # noqa: E731
    rdom = rcpt.domain
    partner_org, partner = _partner(rng)
    to_first, to_last = syn._name(rng, "en")
    to_addr = f"{syn._addr_style(rng, to_first, to_last)}@{partner}"
    hosting = (f"{pick(['server', 'host', 'cp', 'box', 'web', 's', 'srv'])}{rng.randint(10, 999)}."
               f"{pick(syn._HOSTING_COS)}")
    own_host = f"{pick(dl['own_hosts'])}.{rdom}"
    if d.style == "gmail":
        host = "googlemail.com"
    elif d.style == "m365":
        host = _m365_host(rng)
    elif d.own:
        host = own_host
    else:
        host = hosting if d.platform == "hosting" else f"{pick(dl['remote_hosts'])}.{partner}"
    if d.own or d.notice == "autoreply":       # the next hop was the correspondent's MX
        eop = partner.replace(".", "-") + ".mail.protection.outlook.com"
        google = pick(["aspmx.l.google.com", "alt1.aspmx.l.google.com", "alt2.aspmx.l.google.com"])
        mx = syn._weighted(rng, [(f"{pick(dl['remote_hosts'])}.{partner}", 50), (eop, 25), (google, 25)])
        mx_ip = syn._ip(rng, ["142.250", "142.251", "172.253", "64.233"] if "google" in mx else
                        ["52.101", "52.102", "40.93"] if "outlook" in mx else None)
    else:                                      # the correspondent's own server bounced after accepting
        mx, mx_ip = f"{pick(dl['store_hosts'])}.{partner}", syn._private_ip(rng)
    reason = d.reason
    delay_h = pick([4, 4, 4, 12, 24]) if d.notice == "delayed" else 0
    sent = when - (timedelta(hours=delay_h, minutes=rng.randint(0, 50)) if delay_h else
                   timedelta(minutes=rng.randint(0, 30), seconds=rng.randint(5, 59)))
    orig_subject, orig_body = pick(dl["returned"])
    mid_host = {"gmail": "mail.gmail.com", "m365": host}.get(d.style, rdom)
    orig_mid = (f"<CA{syn._alnum(rng, 44, syn._ALNUM + '_-')}@mail.gmail.com>" if d.style == "gmail" else
                f"<{syn._hex(rng, 32, True)}@{mid_host}>" if d.style == "m365" else
                pick([f"<{syn._uuid(rng)}@{rdom}>", f"<{sent.strftime('%Y%m%d%H%M%S')}.{syn._hex(rng, 12)}@{rdom}>",
                      f"<{syn._hex(rng, 32)}@{rdom}>"]))
    stage = reason.get("stage", "")
    ctx = dict(
        host=host, own_host=own_host, rdom=rdom, email=rcpt.email, sender=rcpt.email, first=rcpt.first,
        user_name=rcpt.name, user_title=rcpt.title, org=rcpt.company, rcpt=to_addr, rcpt_user=to_addr.split("@")[0],
        rcpt_domain=partner, to_first=to_first, to_name=f"{to_first} {to_last}", partner=partner,
        partner_org=partner_org, mx=mx, mx_ip=mx_ip, client_ip=syn._ip(rng), status=reason["status"],
        title=reason["title"], why=reason["why"].format(rcpt_domain=partner), fix=reason["fix"],
        stage=stage, command=f"RCPT To:<{to_addr}>" if stage == "RCPT TO" else "DATA",
        exim_stage=f"RCPT TO:<{to_addr}>" if stage == "RCPT TO" else "end of data",
        delay_hours=str(delay_h), queue_days=str(pick([5, 5, 3, 4])), retry_hours=str(pick([24, 46, 47, 48])),
        arrival=syn._hdate(sent + timedelta(seconds=rng.randint(0, 3))), orig_date=syn._hdate(sent), sent=sent,
        orig_subject=orig_subject, orig_body=orig_body, orig_mid=orig_mid,
        exim_id=f"1t{syn._alnum(rng, 4)}-{rng.randint(0, 9)}{syn._alnum(rng, 5)}-{syn._alnum(rng, 2)}",
        qid=syn._alnum(rng, 11, "BCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz0123456789") if syn._chance(rng, 0.5)
        else syn._hex(rng, 10, True),
        client=f"{pick(['ws', 'pc', 'laptop'])}-{rng.randint(10, 999)}.corp.{rdom}" if d.own else own_host,
        help_url=(dl["google_help"].format(help=reason["help"]) if d.style == "gmail" and reason.get("help") else
                  dl["microsoft_help"] if d.style == "m365" else ""),
        # auto-replies: the correspondent (or their helpdesk) answers
        away_name=f"{to_first} {to_last}", away_first=to_first, away_local=to_addr.split("@")[0],
        away_title=pick(dl["away_titles"]), colleague=" ".join(syn._name(rng, "en")), phone=syn._phone(rng, "en"),
        back=(when + timedelta(days=rng.randint(2, 16))).strftime(pick(["%A, %d %B", "%B %d", "%d/%m/%Y", "%A %B %d"])),
        ticket=f"{pick(dl['ticket_prefixes'])}{syn._digits(rng, rng.randint(5, 7))}", days=str(pick([1, 2, 3])),
        partner_url=pick([f"https://support.{partner}/requests/{syn._digits(rng, 6)}",
                          f"https://www.{partner}/support/tickets/{syn._digits(rng, 6)}"]),
        # the lure
        n=str(rng.randint(2, 9)), hours=str(pick([24, 48, 72, 12])), lab=_label(rdom),
        deadline=(when + timedelta(days=rng.randint(1, 3))).strftime(pick(["%B %d, %Y", "%d/%m/%Y", "%Y-%m-%d"])))
    ctx["colleague_email"] = f"{'.'.join(syn._local(x) for x in ctx['colleague'].split())}@{partner}"
    ctx["reply"] = (pick(reason["smtp"]) if reason.get("smtp") else reason["local"]).format(**ctx)
    return ctx


def _report(d: _Dsn, ctx: dict) -> str:
    fmt = d.tpl.get("report", {}).get("smtp" if d.reason.get("smtp") else "local", "")
    lines = fmt.format(**ctx).split("\n")
    return "\n".join(_fold_field(x, 79) if d.style == "postfix" else x for x in lines)


def _status_fields(d: _Dsn, ctx: dict, rng: random.Random) -> str:
    """The message/delivery-status part's fields, as each system writes them."""
    act = "failed" if d.notice == "failed" else "delayed"
    remote, st, rc = bool(d.reason.get("smtp")), ctx["status"], ctx["rcpt"]
    retry = syn._hdate(ctx["sent"] + timedelta(days=int(ctx["queue_days"])))
    last = syn._hdate(ctx["sent"] + timedelta(hours=int(ctx["delay_hours"] or 0), seconds=rng.randint(20, 900)))
    x = {"postfix": ([f"Reporting-MTA: dns; {ctx['host']}", f"X-Postfix-Queue-ID: {ctx['qid']}",
                      f"X-Postfix-Sender: rfc822; {ctx['sender']}", f"Arrival-Date: {ctx['arrival']}"],
                     [f"Final-Recipient: rfc822; {rc}"]
                     + ([f"Original-Recipient: rfc822;{rc}"] if syn._chance(rng, 0.5) else [])
                     + [f"Action: {act}", f"Status: {st}"]
                     + ([f"Remote-MTA: dns; {ctx['mx']}", f"Diagnostic-Code: smtp; {ctx['reply']}"] if remote else
                        [f"Diagnostic-Code: X-Postfix; {ctx['reply']}"])
                     + ([f"Will-Retry-Until: {retry}"] if act == "delayed" else [])),
         "sendmail": ([f"Reporting-MTA: dns; {ctx['host']}", f"Received-From-MTA: DNS; {ctx['client']}",
                       f"Arrival-Date: {ctx['arrival']}"],
                      [f"Final-Recipient: RFC822; {rc}", f"Action: {act}", f"Status: {st}"]
                      + ([f"Remote-MTA: DNS; {ctx['mx']}", f"Diagnostic-Code: SMTP; {ctx['reply']}"] if remote else [])
                      + [f"Last-Attempt-Date: {last}"] + ([f"Will-Retry-Until: {retry}"] if act == "delayed" else [])),
         "opensmtpd": ([f"Reporting-MTA: dns; {ctx['host']}"],
                       [f"Final-Recipient: rfc822; {rc}", f"Action: {act}", f"Status: {st}"]),
         "haraka": ([f"Original-Envelope-Id: {ctx['orig_mid']}", f"Reporting-MTA: dns;{ctx['host']}",
                     f"Arrival-Date: {ctx['arrival']}"],
                    [f"Final-Recipient: rfc822;{rc}", f"Action: {act}", f"Status: {st}"]
                    + ([f"Remote-MTA: dns; {ctx['mx']}", f"Diagnostic-Code: smtp;{ctx['reply']}"] if remote else [])),
         "gmail": (["Reporting-MTA: dns; googlemail.com", f"Received-From-MTA: dns; {ctx['sender']}",
                    f"Arrival-Date: {ctx['arrival']}", f"X-Original-Message-ID: {ctx['orig_mid']}"],
                   [f"Final-Recipient: rfc822; {rc}", f"Action: {act}", f"Status: {st}"]
                   + ([f"Remote-MTA: dns; {ctx['mx']}. ({ctx['mx_ip']}, the server for the domain "
                       f"{ctx['rcpt_domain']}.)"] if remote else [])
                   + [f"Diagnostic-Code: smtp; {ctx['reply']}", f"Last-Attempt-Date: {last}"]
                   + ([f"Will-Retry-Until: {retry}"] if act == "delayed" else [])),
         "m365": ([f"Reporting-MTA: dns;{ctx['host']}", f"Received-From-MTA: dns;{_m365_host(rng)}",
                   f"Arrival-Date: {ctx['arrival']}"],
                  [f"Final-Recipient: rfc822;{rc}", f"Action: {act}", f"Status: {st}",
                   f"Diagnostic-Code: smtp;{ctx['reply']}"]
                  + ([f"Remote-MTA: dns;{ctx['mx']}"] if remote else [])
                  + [f"X-Display-Name: {syn._ascii(ctx['to_name'])}"]),
         "exim": ([f"Reporting-MTA: dns; {ctx['host']}"],
                  [f"Action: {act}", f"Final-Recipient: rfc822;{rc}", f"Status: {st}"]
                  + ([f"Remote-MTA: dns; {ctx['mx']}", f"Diagnostic-Code: smtp; {ctx['reply']}"] if remote else []))}
    per_msg, per_rcpt = x.get(d.style, x["postfix"])
    return "\n".join(_fold_field(f) for f in per_msg) + "\n\n" + "\n".join(_fold_field(f) for f in per_rcpt) + "\n"


def _hl(name: str, value: str) -> str:
    """One header line as the generator writes it (non-ASCII values as encoded words)."""
    return syn._POLICY.fold_binary(name, value).decode("ascii")


def _returned(rng: random.Random, d: _Dsn, ctx: dict, headers_only: bool) -> str:
    """The user's message as it comes back: its headers, and its body unless only headers return."""
    sent, rdom = ctx["sent"], ctx["rdom"]
    d8 = syn._hdate(sent)
    if d.style == "gmail":
        recv = [f"by 2002:a05:{syn._hex(rng, 4)}:{syn._hex(rng, 4)}:b0:{syn._hex(rng, 3)}:{syn._hex(rng, 4)}:"
                f"{syn._hex(rng, 4)} with SMTP id {syn._alnum(rng, 12, 'abcdefghijklmnopqrstuvwxyz0123456789')}; {d8}"]
    elif d.style == "m365":
        mbx = _m365_host(rng)
        ll = lambda: ":".join(syn._hex(rng, 4) for _ in range(4))     # noqa: E731
        recv = [f"from {mbx} ([fe80::{ll()}]) by {mbx} ([fe80::{ll()}%{rng.randint(3, 7)}]) with mapi id "
                f"15.20.{rng.randint(7000, 8300)}.{rng.randint(1, 40):03d}; {d8}"]
    else:
        recv = [f"from [{syn._private_ip(rng)}] (unknown [{syn._ip(rng)}]) by {ctx['own_host']} (Postfix) with "
                f"ESMTPSA id {ctx['qid']} for <{ctx['rcpt']}>; {d8}"]
        if not d.own:         # it crossed to the correspondent's server before bouncing
            recv.insert(0, f"from {ctx['own_host']} ({ctx['own_host']} [{ctx['client_ip']}]) by {ctx['host']} with "
                           f"ESMTPS id {syn._alnum(rng, 12)} for <{ctx['rcpt']}>; {d8}")
    h = []
    if d.style not in ("gmail", "m365"):
        h.append(("Return-Path", f"<{ctx['sender']}>"))
    h += [("Received", r) for r in recv]
    if syn._chance(rng, 0.4):
        h.append(("DKIM-Signature", syn._dkim_signature(rng, rdom, sent, "from:to:subject:date:message-id")))
    frm = str(Address(display_name=ctx["user_name"], addr_spec=ctx["sender"])) if syn._chance(rng, 0.85) else \
        ctx["sender"]
    to = str(Address(display_name=ctx["to_name"], addr_spec=ctx["rcpt"])) if syn._chance(rng, 0.5) else ctx["rcpt"]
    h += [("MIME-Version", "1.0"), ("From", frm), ("To", to), ("Subject", ctx["orig_subject"]), ("Date", d8),
          ("Message-ID", ctx["orig_mid"])]
    body = "\n".join(textwrap.fill(x, 72, break_long_words=False, break_on_hyphens=False) if len(x) > 76 else x
                     for x in ctx["orig_body"].format(**ctx).split("\n"))
    if syn._chance(rng, 0.5):
        body += f"\n\n--\n{ctx['user_name']}\n" + (f"{ctx['user_title']}\n" if ctx["user_title"] else "") + ctx["org"]
    ascii_ = body.isascii()
    h += [("Content-Type", syn._pick(rng, ['text/plain; charset="UTF-8"', "text/plain; charset=utf-8; format=flowed"])
           if not ascii_ else syn._pick(rng, ['text/plain; charset="us-ascii"', 'text/plain; charset="UTF-8"'])),
          ("Content-Transfer-Encoding", "quoted-printable" if not ascii_ else "7bit")]
    head = "".join(_hl(k, v) for k, v in h)
    if headers_only:
        return head
    enc = quopri.encodestring(body.encode("utf-8")).decode("ascii") if not ascii_ else body
    return head + "\n" + enc + "\n"


def _leaf(ctype: str, text: str, desc: str = "", charset: str = "us-ascii") -> str:
    """One text part: headers and body, 7bit when it can be, else quoted-printable UTF-8."""
    plain = text.isascii() and max(map(len, text.split("\n"))) < 990
    head = f"Content-Description: {desc}\n" if desc else ""
    head += f"Content-Type: {ctype}; charset={charset if plain else 'utf-8'}\n"
    if not plain:
        head += "Content-Transfer-Encoding: quoted-printable\n"
        text = quopri.encodestring(text.encode("utf-8")).decode("ascii")
    return f"{head}\n{text}"


def _multipart(boundary: str, parts: list[str], preamble: str = "") -> str:
    out = f"{preamble}\n\n" if preamble else ""
    return out + "".join(f"--{boundary}\n{p}{'' if p.endswith(chr(10)) else chr(10)}\n" for p in parts) + \
        f"--{boundary}--\n"


def _dsn_boundary(rng: random.Random, kind: str, ctx: dict, s) -> str:
    unix = int(ctx["sent"].timestamp()) + rng.randint(60, 20000)
    return {"postfix": f"{ctx['qid']}.{unix}/{ctx['host']}",
            "opensmtpd": f"{rng.randint(10 ** 15, 10 ** 16 - 1)}/{ctx['host']}",
            "haraka": f"boundary_{syn._uuid(rng)}",
            "gmail": f"000000000000{syn._hex(rng, 16)}",
            "m365": f"_000_{syn._alnum(rng, 30, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789')}_",
            "exim": f"{unix}-eximdsn-{rng.randint(100000000, 2147483647)}"}.get(kind) or syn._boundary(rng, s.client, s)


def _html_block(kind: str, **kw) -> str:
    b = load_data()["delivery"]["html"]["blocks"]
    if "text" in kw:
        kw["text"] = _html.escape(kw["text"], quote=False).replace("\n", "<br>")
    return b[kind].format(**kw)


def _dsn_html(blocks: list, shell: str) -> str:
    """The HTML alternative: blocks ('h'|'p'|'pre'|'small', text), ('link'|'cta', url, label), ('rows', [(k, v)])."""
    b = load_data()["delivery"]["html"]
    inner = []
    for blk in blocks:
        if blk[0] in ("link", "cta"):
            inner.append(_html_block(blk[0], url=_html.escape(blk[1]), label=_html.escape(blk[2], quote=False)))
        elif blk[0] == "rows":
            rows = "".join(b["blocks"]["row"].format(k=_html.escape(k), v=_html.escape(v)) for k, v in blk[1])
            inner.append(_html_block("rows", rows=rows))
        else:
            inner.append(_html_block(blk[0], text=blk[1]))
    return b["shells"][shell].format(inner="\n".join(inner)) + "\n"


def _legit_html(d: _Dsn, ctx: dict) -> list:
    out = []
    for el in d.tpl.get("html", []):
        (key, val), = el.items()
        if key == "help":
            if ctx["help_url"]:
                out.append(("link", ctx["help_url"], val))
        elif key == "rows":
            out.append(("rows", [(k, v.format(**ctx)) for k, v in val]))
        else:
            out.append((key, val.format(**ctx)))
    return out


def _twin_url(rng: random.Random, trick: str, sender_org: str, ctx: dict) -> str:
    """Where the lure's call to action leads: a lookalike of the user's domain or mail provider, a
    free page host, a compromised site or an attacker's own host."""
    world, lure = load_data()["world"], load_data()["delivery"]["lure"]
    tok = syn._pick(rng, [syn._alnum(rng, 32), syn._hex(rng, 40), syn._uuid(rng)])
    b64 = base64.urlsafe_b64encode(ctx["email"].encode()).decode().rstrip("=")
    path = syn._pick(rng, lure["paths"]).format(tok=tok, b64=b64, email=ctx["email"], n=rng.randint(100, 99999))
    lab, word = ctx["lab"], syn._pick(rng, world["scam_words"])
    if trick == "lookalike" and syn._chance(rng, 0.6):
        return f"https://{_sub(rng, sender_org, lure['mail_subs'])}{path}"
    how = syn._weighted(rng, [("lookalike_org", 30), ("lookalike_provider", 20), ("free", 25), ("compromised", 15),
                              ("scam", 10)])
    if how == "lookalike_org":
        return f"https://{_sub(rng, syn._lookalike(rng, ctx['rdom']), lure['mail_subs'])}{path}"
    if how == "lookalike_provider":
        lk = syn._lookalike(rng, syn._pick(rng, lure["providers"]))
        return f"https://{_sub(rng, lk, ['login', 'mail', 'portal', ''])}{path}"
    if how == "free":
        return syn._pick(rng, world["free_pages"]).format(x=f"{lab}-{word}{rng.randint(1, 99)}", y=syn._alnum(rng, 8),
                                                          token=syn._alnum(rng, 40))
    if how == "compromised":
        kit = syn._pick(rng, world["kit_paths"]).format(n=f"{rng.randint(1, 12):02d}", x=syn._alnum(rng, 7))
        return f"https://{syn._pick(rng, ['', 'www.'])}{syn._biz_domain(rng, 'en')}{kit}"
    tld = syn._pick(rng, world["scam_tlds"])
    host = syn._pick(rng, [f"{lab}-mail{rng.randint(1, 99)}.{tld}", f"mail-{word}.{tld}", syn._scam_domain(rng)])
    return f"https://{host}{path}"


def _twin_notice(rng: random.Random, d: _Dsn, ctx: dict, url: str) -> tuple[str, list]:
    """The twin's text and HTML blocks: the imitated system's own opening paragraphs, then the lure
    (held incoming mail, or the user's message failed and needs a sign-in), the call to action, an
    urgency line and a footer."""
    lure = load_data()["delivery"]["lure"]
    paras = [p for p in d.tpl["body"].rstrip("\n").split("\n\n")]
    intro = paras[:next((i for i, p in enumerate(paras) if "{report}" in p), len(paras))]
    held = syn._chance(rng, 0.6)
    if held:       # the system's greeting (and warning banner); its words about the user's own message do not fit
        intro = intro[:2] if len(intro) > 1 and intro[1].lstrip()[:1] in "#*" else intro[:1]
        intro = [p for p in intro if not any(k in p for k in ("{rcpt}", "{why}", "{orig_subject}", "{help_url}"))]
    else:
        if not syn._chance(rng, 0.5):
            intro = [p for p in intro if "{help_url}" not in p]
        intro = intro[:rng.randint(1, 3)]
    intro = [p.format(**ctx) for p in intro]
    label = syn._pick(rng, lure["cta"])
    deceive = syn._chance(rng, 0.12)
    shown = f"https://mail.{ctx['rdom']}/{syn._pick(rng, ['release', 'quarantine', 'owa'])}" if deceive else url
    text, html = list(intro), [("h", intro[0].strip(" *"))] + [("p", p) for p in intro[1:]] if intro else []
    if held:
        text.append(syn._pick(rng, lure["held"]).format(**ctx))
        rows = []
        for _ in range(int(ctx["n"]) if int(ctx["n"]) <= 5 else rng.randint(3, 5)):
            f, l_ = syn._name(rng, "en")
            subj = syn._pick(rng, lure["held_subjects"]).format(inv=syn._digits(rng, 5),
                                                                doc=syn._pick(rng, lure["held_docs"]))
            when = (ctx["sent"] - timedelta(minutes=rng.randint(30, 2400))).strftime("%d/%m/%Y %H:%M")
            rows.append((f"{f} {l_} <{syn._addr_style(rng, f, l_)}@{syn._biz_domain(rng, 'en')}>", subj, when))
        intro_line = syn._pick(rng, lure["intro_held"])
        text.append(intro_line + "\n" + "\n".join(f"  {w}  {a}  \"{s}\"" for a, s, w in rows))
        html += [("p", text[-2]), ("p", intro_line), ("rows", [(w, f"{a} - {s}") for a, s, w in rows])]
    else:
        text.append(_report(d, ctx) if d.tpl.get("report") else ctx["rcpt"])
        text.append(syn._pick(rng, lure["retry"]).format(**ctx))
        html += [("pre", text[-2]), ("p", text[-1])]
    style = rng.randrange(4)
    text.append([f"{label}: {url}", f"{label}\n{url}", f"{label} <{url}>", f"{label} [ {url} ]"][style])
    html.append(("cta", url, label))
    if deceive:
        html.append(("p", f"Or open {shown} in your browser."))
        html.append(("link", url, shown))
    for key in ("urgency", "footer"):
        line = syn._pick(rng, lure[key]).format(**ctx)
        if line:
            text.append(line)
            html.append(("small" if key == "footer" else "p", line))
    return "\n\n".join(text) + "\n", html


def _dsn_twin_auth(rng: random.Random) -> tuple:
    """A twin's own (lookalike or compromised) domain, authenticated for itself: SPF aligned, DKIM
    often missing (small domains and mail-system senders seldom sign), so DMARC passes through SPF
    or there is no record."""
    return syn._weighted(rng, [(_PASS, 55), (("pass", "none", "pass"), 15), (("pass", "none", "none"), 20),
                               (("pass", "pass", "none"), 10)])


def _reply_client(rng: random.Random, platform: str, tpl: dict) -> str:
    """The client an auto-reply leaves through: the mailbox's server-side responder (a helpdesk's is
    a script)."""
    if tpl.get("sender", {}).get("local") == "support":
        return "none"
    return syn._weighted(rng, {"microsoft": [("outlook", 60), ("owa", 40)], "google": [("gmail", 1)],
                               "postfix": [("none", 60), ("roundcube", 40)],
                               "hosting": [("none", 60), ("roundcube", 40)]}[platform])


def _dsn_sender(rng: random.Random, d: _Dsn, ctx: dict, twin: bool) -> tuple:
    """(synthetic._Sender, trick, the domain it speaks for, null envelope?)"""
    dl, world = load_data()["delivery"], load_data()["world"]
    spec_s = d.tpl["sender"]
    display, local = spec_s["display"].format(**ctx), spec_s["local"].format(**ctx)
    if not twin:
        client = _reply_client(rng, d.platform, d.tpl) if d.notice == "autoreply" else "none"
        if d.style == "gmail":
            s = syn._sender(rng, display, f"{local}@googlemail.com", "brand", auth=_PASS, platform="google",
                            client=client, internal=True)
            s.dkim_domain = "googlemail.com"
            return s, "none", "googlemail.com", True
        if d.style == "m365":
            tenant = f"{ctx['lab']}{syn._pick(rng, ['', '365', 'corp'])}.onmicrosoft.com"
            dom = ctx["rdom"] if syn._chance(rng, 0.7) else tenant
            s = syn._sender(rng, display, f"{local}@{dom}", "brand", auth=("none", "none", "none"),
                            platform="microsoft", client=client, internal=True)
            s.dkim_domain = ""
            return s, "none", dom, True
        if d.notice == "autoreply":
            s = syn._sender(rng, display, f"{local}@{ctx['partner']}", "partner", auth=_auth(rng, True),
                            platform=d.platform, client=client)
            s.dkim_domain = ctx["partner"] if s.auth[1] == "pass" else ""
            return s, "none", ctx["partner"], syn._chance(rng, 0.4)
        host = ctx["host"]
        if d.own:
            s = syn._sender(rng, display, f"{local}@{host}", "brand", auth=("none", "none", "none"),
                            platform=d.platform, client=client, internal=True)
            s.dkim_domain = ctx["rdom"] if syn._chance(rng, 0.25) else ""
            s.helo, s.ip = host, syn._private_ip(rng)
        else:
            auth = syn._weighted(rng, [(("pass", "none", "pass"), 35), (("pass", "none", "none"), 30), (_PASS, 30),
                                       (("neutral", "none", "none"), 5)])
            s = syn._sender(rng, display, f"{local}@{host}", "partner", auth=auth, platform=d.platform, client=client)
            s.dkim_domain = _org(host) if auth[1] == "pass" else ""
            s.helo = host
        return s, "none", _org(host), True
    lure = dl["lure"]
    trick = syn._weighted(rng, dl["tricks"][d.platform])
    client = _reply_client(rng, d.platform, {}) if syn._chance(rng, dl["twin_client"]) else "none"
    if syn._chance(rng, 0.25) or not display:
        display = syn._pick(rng, lure["displays"]).format(**ctx)
    if syn._chance(rng, 0.4):
        local = syn._pick(rng, lure["locals"])
    kw = dict(platform=d.platform, client=client)
    if trick == "lookalike":
        lk = syn._lookalike(rng, ctx["rdom"] if syn._chance(rng, 0.7) else
                            syn._pick(rng, ["googlemail.com", "outlook.com", "microsoft.com", "office365.com"]))
        s = syn._sender(rng, display, f"{local}@{_sub(rng, lk, ['', '', 'mail', 'mx'])}", "lookalike",
                        auth=_dsn_twin_auth(rng), **kw)
        s.dkim_domain, org = _org(lk) if s.auth[1] == "pass" else "", lk
    elif trick == "spoof":
        s = syn._sender(rng, display, f"{local}@{syn._pick(rng, [ctx['rdom'], ctx['own_host']])}", "spoof", **kw)
        org = ctx["rdom"]
    elif trick == "freemail":
        fm = syn._pick(rng, world["free_mail_by_platform"][d.platform])
        user = syn._pick(rng, lure["free_users"]).format(n=rng.randint(1, 99), lab=ctx["lab"])
        s = syn._sender(rng, display, f"{user}@{fm}", "freemail", auth=_PASS, **kw)
        s.dkim_domain, org = fm, fm
    elif trick == "compromised":
        org = syn._biz_domain(rng, "en")
        user = local if syn._chance(rng, 0.4) else syn._pick(rng, world["compromised_locals"] + [_person(rng)])
        s = syn._sender(rng, display, f"{user}@{org}", "compromised", auth=_dsn_twin_auth(rng), **kw)
        s.dkim_domain = org if s.auth[1] == "pass" else ""
    else:                                                  # foreign_link: the organisation's own, authenticated
        s = syn._sender(rng, display, f"{local}@{ctx['rdom']}", "brand", auth=_auth(rng, True), **kw)
        s.dkim_domain, org = ctx["rdom"], ctx["rdom"]
    null = d.platform in ("postfix", "hosting") and syn._chance(rng, dl["twin_null_sender"])
    if null:                                               # MAIL FROM:<>: SPF is checked on the HELO name
        s.auth = (syn._pick(rng, ["pass", "pass", "none"]),) + tuple(s.auth[1:])
    return s, trick, org, null


def _fix_trace(rng: random.Random, msg: EmailMessage, s, envelope: str, null: bool, drop_ar: bool, local_bounce: bool,
               ctx: dict) -> None:
    """Return-Path on top (empty for a null sender, whose SPF the receiver checked on the HELO
    name), no authentication headers where the receiver stamps none, and the Received line an MTA
    writes for a bounce it generated itself (no client submitted it)."""
    helo, out = s.helo, []
    for k, v in msg._headers:
        if k == "Return-Path" or (drop_ar and k in ("Authentication-Results", "ARC-Authentication-Results",
                                                      "Received-SPF")):
            continue
        if null and k in ("Authentication-Results", "ARC-Authentication-Results"):
            v = v.replace(f"smtp.mailfrom=postmaster@{helo}", f"smtp.helo={helo}").replace(
                f"smtp.mailfrom={helo}", f"smtp.helo={helo}")
        elif null and k in ("Received-SPF", "Received"):
            v = v.replace(f"envelope-from=postmaster@{helo};", "envelope-from=<>;").replace(
                f"(envelope-from <postmaster@{helo}>)", "(envelope-from <>)")
        if local_bounce and k == "Received" and f"by {helo} (Postfix) with ESMTPSA" in v:
            v = f"by {helo} (Postfix) id {ctx['qid']}; {v.rsplit('; ', 1)[-1]}"
        elif local_bounce and k == "Received" and f"by {helo} with esmtpsa" in v:
            v = (f"from mailnull by {helo} with local (Exim 4.9{rng.randint(6, 8)}) id {ctx['exim_id']}; "
                 f"{v.rsplit('; ', 1)[-1]}")
        out.append((k, v))
    msg._headers = [("Return-Path", "<>" if null else f"<{envelope}>")] + out


def _gateway_of(msg: EmailMessage) -> str:
    ar = next((v for k, v in msg._headers if k == "Authentication-Results"), "")
    return "google" if ar.startswith("mx.google.com") else "eop" if "compauth=" in ar else "postfix"


def _make_dsn(rng: random.Random, twin: bool) -> SyntheticMessage:
    data = load_data()
    dl = data["delivery"]
    styles = [(k, v["weight"]) for k, v in dl["styles"].items() if not (twin and k == "autoreply")]
    style = syn._weighted(rng, styles)
    spec = dl["styles"][style]
    tpl = syn._pick(rng, [t for t in data["templates"]["delivery_report"] if t["style"] == style])
    notice = tpl["notice"]
    reasons = [r for r in dl["reasons"] if r["kind"] == ("failed" if twin or notice == "autoreply" else notice)]
    own = twin or syn._chance(rng, spec["own"])      # a twin speaks for the user's own mail system
    if not own and notice != "autoreply":        # a remote server that accepted the mail knows its domain
        reasons = [r for r in reasons if r["status"] != "5.4.4"]
    d = _Dsn(style, spec, tpl, notice, syn._pick(rng, reasons), own, syn._weighted(rng, spec["platform"]))
    when = _when(rng)
    rcpt = syn._staff(rng, "en", syn._pick(rng, ["other", "finance", "assistant", "it"]))
    ctx = _dsn_context(rng, d, when, rcpt)
    s, trick, sender_org, null = _dsn_sender(rng, d, ctx, twin)
    envelope = s.envelope
    if null:
        s.envelope = f"postmaster@{s.helo}"
    # ---- body
    kind_tag, has_status = "", False
    if twin:
        url = _twin_url(rng, trick, sender_org, ctx)
        text, blocks = _twin_notice(rng, d, ctx, url)
        shell = {"gmail": "google", "m365": "microsoft"}.get(style, "plain")
        html = _dsn_html(blocks, shell)
        has_status = spec["container"] and syn._chance(rng, dl["twin_dsn"])
        fmt = "report" if has_status else syn._weighted(rng, [("alt", 50), ("html", 35), ("plain", 15)])
    else:
        text = tpl["body"].format(**ctx, report=_report(d, ctx))
        html = _dsn_html(_legit_html(d, ctx), {"gmail": "google", "m365": "microsoft"}.get(style, "plain")) \
            if tpl.get("html") and syn._chance(rng, spec["html"]) else ""
        has_status = notice != "autoreply" and not syn._chance(rng, spec["plain"])
        fmt = "report" if has_status else "plain" if not html else "alt"
        kind_tag = "+autoreply" if notice == "autoreply" else "+dsn" if has_status else "+plain"
        if notice != "autoreply" and not has_status:            # legacy bounce: the message quoted after the notice
            full = notice == "failed"
            what = "the message, including all the headers," if full else "the message's headers"
            text += f"\n------ A copy of {what} follows ------\n\n" + _returned(rng, d, ctx, headers_only=not full)
    charset = "us-ascii" if style in ("postfix", "opensmtpd", "haraka", "sendmail", "exim") else "UTF-8"
    if fmt == "report":
        kind_tag = kind_tag or "+dsn"
        b = _dsn_boundary(rng, spec["boundary"], ctx, s)
        desc = spec["desc"]
        first = _leaf("text/plain", text, desc["notice"], charset)
        if html:
            b2 = _dsn_boundary(rng, spec["boundary"], ctx, s)
            b2 = b2 if b2 != b else b2 + "_alt"
            first = f'Content-Type: multipart/alternative; boundary="{b2}"\n\n' + _multipart(
                b2, [_leaf("text/plain", text, "", charset), _leaf("text/html", html, "", charset)])
        parts = [first, (f"Content-Description: {desc['status']}\n" if desc["status"] else "") +
                 "Content-Type: message/delivery-status\n\n" + _status_fields(d, ctx, rng)]
        if not twin or syn._chance(rng, 0.4):
            full = not twin and syn._chance(rng, spec["returned_full"])
            dsc = desc["full" if full else "headers"]
            parts.append((f"Content-Description: {dsc}\n" if dsc else "") +
                         f"Content-Type: {'message/rfc822' if full else 'text/rfc822-headers'}\n\n" +
                         _returned(rng, d, ctx, headers_only=not full))
        body = _multipart(b, parts, spec["preamble"])
        ctype = f'multipart/{spec["container"]}; ' + \
                ('report-type=delivery-status; ' if spec["container"] == "report" else "") + f'boundary="{b}"'
        content = [("MIME-Version", "1.0"), ("Content-Type", ctype)] + \
            ([("Content-Transfer-Encoding", spec["top_cte"])] if spec["top_cte"] else [])
    elif fmt == "alt":
        b = syn._boundary(rng, s.client, s)
        body = _multipart(b, [_leaf("text/plain", text, "", "UTF-8"), _leaf("text/html", html, "", "UTF-8")])
        content = [("MIME-Version", "1.0"), ("Content-Type", f'multipart/alternative; boundary="{b}"')]
    else:
        leaf = _leaf("text/html" if fmt == "html" else "text/plain", html if fmt == "html" else text, "", charset)
        head, _, body = leaf.partition("\n\n")
        content = [("MIME-Version", "1.0")] + [tuple(x.split(": ", 1)) for x in head.split("\n")]
    # ---- headers: drawn alike for both classes
    subject = syn._pick(rng, tpl["subject"]).format(**ctx)
    if twin and syn._chance(rng, 0.3):
        subject = syn._pick(rng, dl["lure"]["subjects"]).format(**ctx)
    extra = [(name, value.format(**ctx)) for name, value, p in spec["headers"] if syn._chance(rng, p)]
    msg = EmailMessage(policy=syn._POLICY)
    for k, v in content:
        msg._headers.append((k, v))
    to = str(Address(display_name=rcpt.name, addr_spec=rcpt.email)) if syn._chance(rng, 0.25) else rcpt.email
    syn._assemble_headers(rng, msg, s, [to], [], subject, when, "en", None, "", [], extra, has_status)
    del msg["X-Originating-IP"]
    gw = _gateway_of(msg)
    if twin:
        drop_ar = gw != "google" and syn._chance(rng, dl["twin_no_ar"])
    elif style in ("gmail", "m365"):
        drop_ar = not syn._chance(rng, dl["own_provider_ar"][style])
    else:
        drop_ar = own
    if s.client == "none":       # an MTA or a script: no mail client to name (either class)
        del msg["X-Mailer"]
    if style == "gmail" and not twin:
        mid = f"<{syn._hex(rng, 8)}.{syn._hex(rng, 4)}0220.{syn._hex(rng, 5)}.{syn._hex(rng, 4)}.GMR@mx.google.com>"
        msg._headers = [(k, mid if k == "Message-ID" else v) for k, v in msg._headers]
    mta_made = not twin and notice != "autoreply" and style not in ("gmail", "m365")
    _fix_trace(rng, msg, s, envelope, null, drop_ar, mta_made, ctx)
    raw = "".join(_hl(k, v) for k, v in msg._headers) + "\n" + body
    legs = dict.fromkeys(syn.CONCEPTS, False)
    if twin:
        legs.update(impersonation=True, payload=True, goal=True)
    kind = f"delivery_report/{'twin' if twin else 'legit'}/{trick}{kind_tag}"
    return SyntheticMessage(raw.encode("utf-8"), "malicious" if twin else "benign", kind, legs, "en")


# ================================================================================ public API

def generate_family(family: str, n: int, seed: int, twin: bool) -> list[SyntheticMessage]:
    """``n`` legitimate notices (``twin=False``, label benign) or phishing twins (``twin=True``, label
    malicious) of one family, byte-identical for the same (family, n, seed, twin)."""
    if family not in FAMILIES:
        raise ValueError(f"unknown family {family!r}; known: {', '.join(FAMILIES)}")
    rng = random.Random(f"lookalike:{family}:{int(twin)}:{seed}")
    make = _make_dsn if family == "delivery_report" else lambda r, t: _make(r, family, t)
    return [make(random.Random(rng.getrandbits(64)), twin) for _ in range(n)]   # one stream per message


def lookalike_sources(per_family: int, folder: str | Path, seed: int = 0) -> list[LabelledSource]:
    """One benign source (``lookalike.<family>``) and one malicious source (``twin.<family>``) per
    family, written as mbox files into ``folder`` with a CSV manifest (family/class/trick) beside
    each, and reused while the generator versions and parameters are unchanged, so each family can
    be held out like a real source."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for family in FAMILIES:
        for twin in (False, True):
            path = folder / (f"lookalike-v{LOOKALIKE_VERSION}.{syn.GENERATOR_VERSION}-{family}-"
                             f"{'twin' if twin else 'legit'}-{per_family}-{seed}.mbox")
            if not path.is_file():
                msgs = generate_family(family, per_family, seed, twin)
                write_manifest(msgs, str(path.with_suffix(".csv")))
                tmp = path.with_suffix(".tmp")
                write_mbox(msgs, str(tmp))
                tmp.replace(path)
            out.append(LabelledSource(f"{'twin' if twin else 'lookalike'}.{family}", str(path),
                                      "malicious" if twin else "benign"))
    return out
