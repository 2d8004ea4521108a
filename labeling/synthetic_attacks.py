"""The attack kinds of the synthetic generator (label malicious): BEC (wire transfer, gift cards, payment
change, thread hijack, payroll, tax data), credential phishing, crypto, advance fee, extortion, malware
delivery, callback scams and invoice fraud.

Each ``kind(rng, when) -> (EmailMessage, kind, concepts)`` records which concept legs the message really
uses. Wording is in labeling/data/synthetic/kinds/<kind>.yaml.
"""
from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Optional

from labeling.synthetic_data import load
from labeling.synthetic_mime import (_B, _C, _finish, _fmt_to, _h, _inert, _link, _office, _OFFICE_TYPES, _pdf, _png,
                                     _quote, _quote_style, _sig_lines, _zip)
from labeling.synthetic_parties import (_bad_url, _brand_domain, _BRAND_TEXT, _BRANDS, _divert, _fake_anchor,
                                        _LANG_BRANDS, _person_local, _RIGHTS, _vendor, _vendor_contact,
                                        _vendor_impostor, _vip_impostor)
from labeling.synthetic_transport import _freemail_sender, _sender
from labeling.synthetic_values import (_addr_style, _alnum, _bank_details, _biz_domain, _btc, _chance, _CITIES, _cutoff,
                                       _day, _digits, _hex, _invoice_no, _local, _lookalike, _money, _MONTHS, _name,
                                       _NAMES, _PAYEES, _Person, _phone, _pick, _po_no, _PROJECTS, _role_box,
                                       _scam_domain, _staff, _vip, _weighted, ORG, ORG_NAMES, SHORTENERS)

_BRAND_DATA, _ORGS = load("brands"), load("organisations")


# ================================================================================ attacks: BEC family

def _attack_typos(b: _B, p: float = 0.25) -> None:
    if _chance(b.rng, p):
        b.typo_n = b.rng.randint(1, 3)


def _pressure_headers(b: _B, p: float = 0.15) -> None:
    if _chance(b.rng, p):
        b.extra.append(("X-Priority", _pick(b.rng, ["1", "1 (Highest)", "2 (High)"])))
        if _chance(b.rng, 0.6):
            b.extra.append(("Importance", _pick(b.rng, ["high", "High"])))


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


_GIFT_BRANDS: dict[str, list[str]] = _BRAND_DATA["gift_cards"]      # lang -> gift-card brands


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

_DOCS: list[str] = _ORGS["document_names"]        # shared-document lure names ({q}, {n}, {year}, {company})


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


_CALLBACK: list[tuple[str, str]] = _BRAND_DATA["callback_products"]     # (brand, product)


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
