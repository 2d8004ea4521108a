"""The benign look-alikes of the synthetic generator (label benign, no concept legs): invoices, password
resets, urgent internal mail, vendor notices, payroll notices, shipping, newsletters, thread replies,
calendar invitations and IT notices, each as hard to tell from the attacks as real mail is.

Wording is in labeling/data/synthetic/kinds/<kind>.yaml.
"""
from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone
from email.headerregistry import Address
from typing import Optional

from features.signals import CONCEPTS
from labeling.synthetic_data import load
from labeling.synthetic_mime import (_B, _C, _finish, _fmt_to, _KV_LABELS, _link, _office, _OFFICE_TYPES, _pdf, _quote,
                                     _quote_style, _sig_lines, _T)
from labeling.synthetic_parties import _b64_email, _person_local, _RIGHTS, _Vendor, _vendor, _vendor_contact
from labeling.synthetic_transport import _ESPS, _message_id, _Sender, _sender
from labeling.synthetic_values import (_addr_style, _alnum, _chance, _CITIES, _cutoff, _day, _DAYS, _digits, _hex,
                                       _invoice_no, _local, _money, _MONTHS, _name, _Person, _phone, _pick, _po_no,
                                       _PROJECTS, _role_box, _staff, _STAFF_TITLES, _uuid, _vip, _weighted,
                                       FREEMAIL, ORG, ORG_NAMES, VENDORS)

_BRAND_DATA, _ORGS = load("brands"), load("organisations")


# ================================================================================ benign look-alikes

_NO_LEGS = dict.fromkeys(CONCEPTS, False)
_CLIENTS = [_Vendor(*v) for v in _ORGS["clients"]]


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


_SAAS: list[tuple[str, str, str]] = _BRAND_DATA["saas_billing"]          # (name, sender, billing URL)


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


_RESETS: list[tuple[str, str, str]] = _BRAND_DATA["password_resets"]    # (name, sender, reset URL)


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


_INTERNAL_PATHS: dict[str, list[str]] = _ORGS["internal_paths"]


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


_CARRIERS: list[tuple[str, str, str, str]] = _BRAND_DATA["carriers"]    # (name, sender, URL, brand)


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


_NEWS_SENDERS: list[tuple[str, str]] = _BRAND_DATA["newsletters"]   # (name, domain)


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
