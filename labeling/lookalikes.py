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

Header shapes (sending platform, client, receiver, Received chain, Reply-To, List-Unsubscribe ...)
are drawn from one distribution for both classes, through labeling/synthetic.py's machinery, so
header presence never tells the classes apart. Ground truth stays outside the message, as in
synthetic.py: ``SyntheticMessage.kind`` is ``<family>/<legit|twin>/<trick>`` and
``lookalike_sources`` writes it to a CSV manifest beside each mbox.
"""
from __future__ import annotations

import base64
import html as _html
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

from labeling import synthetic as syn
from labeling.sources import LabelledSource
from labeling.synthetic import SyntheticMessage, write_manifest, write_mbox

LOOKALIKE_VERSION = 2      # bump when the output for a given seed changes (cached sources key on it)
FAMILIES: tuple[str, ...] = ("password_reset", "email_confirmation", "login_code_or_signin_alert", "invitation",
                             "order_receipt", "shipping_notice", "invoice_or_billing", "trial_or_subscription",
                             "esignature_or_document_share", "newsletter")
TRICKS: tuple[str, ...] = ("lookalike", "spoof", "freemail", "compromised", "foreign_link")
DATA_DIR = Path(__file__).parent / "data" / "lookalikes"
_START = datetime(2025, 1, 6, 8, 0, tzinfo=timezone.utc)
_PASS = ("pass", "pass", "pass")


@lru_cache(maxsize=1)
def load_data() -> dict:
    """templates.yaml, services.yaml and layouts.yaml, read once and checked (every template has a
    family, subject, body and provenance block)."""
    tpl, world, layouts = (yaml.safe_load((DATA_DIR / f"{n}.yaml").read_text(encoding="utf-8"))
                           for n in ("templates", "services", "layouts"))
    if tuple(tpl["families"]) != FAMILIES:
        raise ValueError("templates.yaml families differ from lookalikes.FAMILIES")
    by_family: dict[str, list[dict]] = {f: [] for f in FAMILIES}
    for t in tpl["templates"]:
        if t.get("family") not in by_family or not all(t.get(k) for k in ("provenance", "subject", "body")):
            raise ValueError(f"template {t.get('id')!r}: family, provenance, subject and body are required")
        by_family[t["family"]].append(t)
    return {"families": tpl["families"], "templates": by_family, "world": world, "layouts": layouts}


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
    second = syn._pick(rng, [w for w in bank["second"] if w != first])
    return _Service(first.capitalize() + second, f"{first}{second}.{syn._pick(rng, bank['tlds'])}", kind, False)


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


# ================================================================================ public API

def generate_family(family: str, n: int, seed: int, twin: bool) -> list[SyntheticMessage]:
    """``n`` legitimate notices (``twin=False``, label benign) or phishing twins (``twin=True``, label
    malicious) of one family, byte-identical for the same (family, n, seed, twin)."""
    if family not in FAMILIES:
        raise ValueError(f"unknown family {family!r}; known: {', '.join(FAMILIES)}")
    rng = random.Random(f"lookalike:{family}:{int(twin)}:{seed}")
    return [_make(random.Random(rng.getrandbits(64)), family, twin) for _ in range(n)]   # one stream per message


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
