"""The four concept extractors: every signal fires on a crafted attack and stays quiet (or abstains)
on its benign look-alike; helpers (domains, lexicon) behave; the registry is complete."""
from __future__ import annotations

import time
from dataclasses import replace

import pytest

from features import catalogue as sigreg
from features.context import Context, OrgConfig, load_org
from features.domains import (edit_distance, is_ip_host, is_punycode, lookalike_of,
                              registrable_domain, skeleton)
from features.lexicon import THEMES, count_terms
from features.message import ArchiveMember, AuthResults
from features.profile import CommunicationProfile
from tests.builders import addr, attachment, empty_msg, link, make_msg

ORG = load_org()
CTX = Context(ORG)
PROFILE = CommunicationProfile.build(
    [make_msg(sender="Carol Finance <carol@partnerco.com>") for _ in range(3)]
    + [make_msg(sender="Alice Example <alice@example.com>")]
)
PCTX = Context(ORG, PROFILE)
ABSTAIN, ZERO = "abstain", "zero"


def ev(name: str, msg, ctx=CTX):
    return sigreg.get(name).fn(msg, ctx)


def html_link(url: str, anchor: str):
    return link(url, anchor=anchor, in_html=True)


# ------------------------------------------------------------------------------------------
# Firing cases: (signal, message, context). Every registered signal needs at least one.
FIRES = [
    # impersonation
    ("impersonation.vip_display_name", make_msg(sender="Jane Doe <jane.doe.ceo@gmail.com>"), CTX),
    ("impersonation.vip_display_name", make_msg(sender='"Doe, Jane (CEO)" <jd@exec-mail.net>'), CTX),
    ("impersonation.vip_display_name", make_msg(sender="J\u0430ne Doe <jd@exec-mail.net>"), CTX),
    ("impersonation.protected_domain_lookalike", make_msg(sender="Alice <alice@examp1e.com>"), CTX),
    ("impersonation.protected_domain_lookalike", make_msg(sender="Alice <alice@exarnple.com>"), CTX),
    ("impersonation.protected_domain_lookalike", make_msg(sender="IT <it@example-helpdesk.com>"), CTX),
    ("impersonation.protected_domain_lookalike", make_msg(sender="Acme <ar@acme-suppl1es.com>"), CTX),
    ("impersonation.vendor_lookalike", make_msg(sender="Acme AR <ar@acme-suppl1es.com>"), CTX),
    ("impersonation.vendor_lookalike", make_msg(sender="Acme AR <ar@acme-supplies.co>"), CTX),
    ("impersonation.vendor_lookalike", make_msg(sender="Globex <billing@globex-payments.com>"), CTX),
    ("impersonation.brand_in_display_name", make_msg(sender="PayPal Service <service@secure-mail.ru>"), CTX),
    ("impersonation.brand_in_display_name", make_msg(sender="\u0420\u0430yPal <info@notices.top>"), CTX),
    ("impersonation.brand_in_display_name", make_msg(sender="Support <docusign.notify@mailer.biz>"), CTX),
    ("impersonation.brand_domain_lookalike", make_msg(sender="PayPal <service@paypa1.com>"), CTX),
    ("impersonation.brand_domain_lookalike", make_msg(sender="PayPal <service@xn--pypal-4ve.com>"), CTX),
    ("impersonation.brand_domain_lookalike", make_msg(sender="PayPal <service@p\u0430ypal.com>"), CTX),
    ("impersonation.brand_domain_lookalike", make_msg(sender="PayPal <service@paypal-security.com>"), CTX),
    ("impersonation.brand_domain_lookalike", make_msg(sender="WF <alerts@wells-fargo-alerts.com>"), CTX),
    ("impersonation.freemail_with_org_name", make_msg(sender="Jane Doe <jane.doe.office@gmail.com>"), CTX),
    ("impersonation.freemail_with_org_name", make_msg(sender="Microsoft Support <ms.help@gmail.com>"), CTX),
    ("impersonation.freemail_with_org_name", make_msg(sender="Acme Billing <acme.ar@yahoo.com>"), CTX),
    ("impersonation.display_name_has_address",
     make_msg(sender='"jane.doe@example.com" <jd@evil-domain.com>'), CTX),
    ("impersonation.reply_to_mismatch", make_msg(reply_to="Alice <alice@evil-domain.com>"), CTX),
    ("impersonation.reply_to_freemail", make_msg(reply_to="Alice <alice.example@gmail.com>"), CTX),
    ("impersonation.return_path_mismatch", make_msg(return_path="bounce@bulk-sender.net"), CTX),
    ("impersonation.spf_fail", make_msg(auth=AuthResults(spf="softfail")), CTX),
    ("impersonation.dkim_fail", make_msg(auth=AuthResults(dkim="permerror")), CTX),
    ("impersonation.dmarc_fail", make_msg(auth=AuthResults(dmarc="fail")), CTX),
    ("impersonation.homoglyph_display_name", make_msg(sender="J\u0430ne Doe <jd@x.com>"), CTX),
    ("impersonation.homoglyph_display_name", make_msg(sender="Pay\u200bPal <x@x.com>"), CTX),
    ("impersonation.homoglyph_display_name", make_msg(sender="\u0420\u0430\u0443\u0420\u0430l Support <x@x.com>"), CTX),
    ("impersonation.punycode_sender_domain", make_msg(sender="PayPal <service@xn--pypal-4ve.com>"), CTX),
    ("impersonation.punycode_sender_domain", make_msg(sender="PayPal <service@p\u0430ypal.com>"), CTX),
    ("impersonation.first_contact", make_msg(sender="Stranger <someone@newco.com>"), PCTX),
    ("impersonation.familiar_name_new_address", make_msg(sender="Carol Finance <carol.fin@gmail.com>"), PCTX),
    ("impersonation.familiar_domain_lookalike", make_msg(sender="Carol <carol@partnerc0.com>"), PCTX),
    ("impersonation.familiar_domain_lookalike", make_msg(sender="Carol <carol@partner-co.com>"), PCTX),
    # trust
    ("trust.urgency", make_msg(subject="URGENT", body="Please process this immediately, today."), CTX),
    ("trust.urgency", make_msg(subject="Dringend", body="Bitte sofort erledigen, die Frist läuft ab."), CTX),
    ("trust.urgency", make_msg(subject="Urgente", body="Responda imediatamente, é o último aviso."), CTX),
    ("trust.authority", make_msg(body="This is the CEO. I need you to handle this for me."), CTX),
    ("trust.secrecy", make_msg(body="Keep this between us, it is strictly confidential."), CTX),
    ("trust.secrecy", make_msg(body="Das ist streng vertraulich, bitte diskret behandeln."), CTX),
    ("trust.flattery", make_msg(body="Congratulations! You have been selected as a valued customer."), CTX),
    ("trust.availability_opener", make_msg(subject="Quick question", body="Are you available?"), CTX),
    ("trust.availability_opener", make_msg(body="Hallo, bist du verfügbar? Ich brauche kurz Hilfe."), CTX),
    ("trust.availability_opener", make_msg(body="Olá, você está disponível agora?"), CTX),
    ("trust.prior_relationship", make_msg(body="As discussed on the phone, following up on the contract."), CTX),
    ("trust.prior_relationship", make_msg(body="Wie besprochen sende ich Ihnen die Unterlagen."), CTX),
    ("trust.out_of_office", make_msg(body="I'm in a meeting and can't talk, just reply by email."), CTX),
    ("trust.out_of_office", make_msg(body="Estou em reunião, não posso falar agora."), CTX),
    ("trust.fake_thread", make_msg(subject="RE: outstanding invoice"), CTX),
    ("trust.fake_thread", make_msg(subject="AW: Rechnung"), CTX),
    ("trust.reply_prefix_no_quote", make_msg(subject="Fwd: payment details", in_reply_to="<a@b>"), CTX),
    ("trust.short_request", make_msg(body="Can you handle a payment for me today?"), CTX),
    ("trust.short_request", make_msg(body="Kindly send the file."), CTX),
    ("trust.exclamations", make_msg(subject="Act now!!!", body="Last chance!"), CTX),
    ("trust.all_caps_subject", make_msg(subject="URGENT ACCOUNT NOTICE"), CTX),
    ("trust.generic_greeting", make_msg(body="Dear Customer,\nYour account needs attention."), CTX),
    ("trust.generic_greeting", make_msg(body="Prezado cliente,\nSua conta precisa de atenção."), CTX),
    ("trust.generic_greeting", make_msg(body="Sehr geehrter Kunde,\nIhr Konto ist gesperrt."), CTX),
    # payload
    ("payload.link_count", make_msg(link_urls=["https://docs.example.com/a", "https://docs.example.com/b"]), CTX),
    ("payload.distinct_link_hosts", make_msg(link_urls=["https://a.example.com/", "https://b.example.org/"]), CTX),
    ("payload.anchor_host_mismatch",
     make_msg(links=(html_link("http://login-check.ru/paypal", "www.paypal.com"),)), CTX),
    ("payload.anchor_host_mismatch",
     make_msg(links=(html_link("https://evil.example.net/x", "https://secure.bankofamerica.com/login"),)), CTX),
    ("payload.ip_host_link", make_msg(link_urls=["http://192.168.10.5/login.php"]), CTX),
    ("payload.ip_host_link", make_msg(link_urls=["http://[2001:db8::1]/x"]), CTX),
    ("payload.punycode_link", make_msg(link_urls=["http://xn--pypal-4ve.com/signin"]), CTX),
    ("payload.shortener_link", make_msg(link_urls=["https://bit.ly/3abcDEF"]), CTX),
    ("payload.free_hosting_link", make_msg(link_urls=["https://secure-login.000webhostapp.com/"]), CTX),
    ("payload.free_hosting_link", make_msg(link_urls=["https://sites.google.com/view/verify"]), CTX),
    ("payload.credential_words_near_link",
     make_msg(body="Click here to verify your account and confirm your password.",
              link_urls=["https://account-check.example.net/"]), CTX),
    ("payload.redirect_params",
     make_msg(link_urls=["https://t.example.com/click?url=https%3A%2F%2Fevil.ru%2Flogin&id=5"]), CTX),
    ("payload.redirect_params", make_msg(link_urls=["https://www.google.com/url?q=https://evil.ru/x"]), CTX),
    ("payload.hidden_text", make_msg(html="<p>Verify your account</p><div style='display:none'>"
                                          "lunch notes team drive</div>"), CTX),
    ("payload.hidden_text", make_msg(html="<div style='display:none'>" + "padding words " * 30
                                      + "</div><p>Verify your account now</p>"), CTX),
    ("payload.hidden_text", make_msg(html="<p>Pay now</p><span style='color:#fff'>white filler</span>"), CTX),
    ("payload.html_attachment", make_msg(attachments=(attachment("Remittance.htm", "text/html"),)), CTX),
    ("payload.html_attachment", make_msg(attachments=(attachment("fax.svg", "image/svg+xml"),)), CTX),
    ("payload.macro_document", make_msg(attachments=(attachment("Invoice_0423.docm"),)), CTX),
    ("payload.macro_document",
     make_msg(attachments=(attachment("budget.xls", "application/vnd.ms-excel"),)), CTX),
    ("payload.archive_attachment", make_msg(attachments=(attachment("documents.zip", "application/zip"),)), CTX),
    ("payload.archive_attachment", make_msg(attachments=(attachment("scan.iso"),)), CTX),
    ("payload.executable_attachment", make_msg(attachments=(attachment("setup.exe"),)), CTX),
    ("payload.executable_attachment", make_msg(attachments=(attachment("invoice.js"),)), CTX),
    ("payload.archive_hides_executable", make_msg(attachments=(replace(
        attachment("invoice.zip", "application/zip"),
        members=(ArchiveMember("scans/", 0, False), ArchiveMember("scans/inner.zip/invoice.pdf.js", 9_000, False))),)), CTX),
    ("payload.double_extension", make_msg(attachments=(attachment("invoice.pdf.exe"),)), CTX),
    ("payload.double_extension", make_msg(attachments=(attachment("Payment.PDF  .html"),)), CTX),
    ("payload.password_protected_archive",
     make_msg(body="Documents attached. The password is 4521.",
              attachments=(attachment("docs.zip", "application/zip"),)), CTX),
    ("payload.password_protected_archive",
     make_msg(body="Anbei die Rechnung. Passwort: Rechnung2024",
              attachments=(attachment("Rechnung.7z"),)), CTX),
    ("payload.password_protected_archive",
     make_msg(body="Segue o arquivo. A senha é 8812.", attachments=(attachment("boleto.rar"),)), CTX),
    ("payload.image_only_body",
     make_msg(body="See attached.", attachments=(attachment("offer.png", "image/png", inline=True),)), CTX),
    ("payload.qr_code_hint",
     make_msg(body="Scan the QR code below to re-activate multi-factor authentication on your account.",
              attachments=(attachment("code.png", "image/png", inline=True),)), CTX),
    ("payload.reply_only", make_msg(subject="Request", body="Are you available? I need a quick favor."), CTX),
    ("payload.callback_number",
     make_msg(body="Your subscription was renewed and you were charged $399.99. To cancel, "
                   "call our support team at +1 (808) 555-0199."), CTX),
    ("payload.callback_number",
     make_msg(body="Ihr Abonnement wurde verlängert. Rufen Sie uns an: +49 30 1234 5678."), CTX),
    # goal
    ("goal.credentials", make_msg(body="Verify your account and confirm your password."), CTX),
    ("goal.credentials", make_msg(body="Bitte Konto bestätigen und das Passwort erneut eingeben."), CTX),
    ("goal.credentials", make_msg(body="Confirme sua identidade e atualize sua senha."), CTX),
    ("goal.payment_change", make_msg(body="We have new bank details. Please update our banking information."), CTX),
    ("goal.invoice", make_msg(body="The attached invoice is overdue."), CTX),
    ("goal.invoice", make_msg(body="Siehe Anhang.", attachments=(attachment("Rechnung_2024.pdf"),)), CTX),
    ("goal.wire_transfer", make_msg(body="Please process a wire transfer of the funds today."), CTX),
    ("goal.gift_cards", make_msg(body="Buy five Google Play gift cards, scratch the back and send me the codes."), CTX),
    ("goal.payroll", make_msg(body="I need to update my direct deposit before the next payroll."), CTX),
    ("goal.tax_data", make_msg(body="Send me the W-2 forms of all employees for the tax year."), CTX),
    ("goal.crypto", make_msg(body="Send 0.5 bitcoin to my wallet address."), CTX),
    ("goal.advance_fee",
     make_msg(body="As next of kin you are the beneficiary of an inheritance of 5 million dollars."), CTX),
    ("goal.extortion",
     make_msg(body="I recorded you through your webcam. Your device was hacked. Pay in bitcoin."), CTX),
    ("goal.malware_exec", make_msg(body="Enable content to view the protected document."), CTX),
    ("goal.money_amount", make_msg(body="Please pay $45,000.00 today, or €1.200,50, or R$ 300."), CTX),
    ("goal.bank_details", make_msg(body="IBAN: DE89 3704 0044 0532 0130 00 please use it from now on"), CTX),
    ("goal.bank_details", make_msg(body="Our routing number and account number are below."), CTX),
]

# Quiet cases: (signal, message, context, ABSTAIN or ZERO).
QUIET = [
    # impersonation
    ("impersonation.vip_display_name", make_msg(sender="Jane Doe <jane@example.com>"), CTX, ZERO),
    ("impersonation.vip_display_name", make_msg(sender="Jane Doe <jane@mail.example.com>"), CTX, ZERO),
    ("impersonation.vip_display_name", make_msg(sender="Jane Smith <js@other.com>"), CTX, ZERO),
    ("impersonation.vip_display_name", make_msg(from_=None), CTX, ABSTAIN),
    ("impersonation.protected_domain_lookalike", make_msg(), CTX, ZERO),
    ("impersonation.protected_domain_lookalike", make_msg(sender="A <a@example.org>"), CTX, ZERO),
    ("impersonation.protected_domain_lookalike", make_msg(sender="A <a@mail.example.com>"), CTX, ZERO),
    ("impersonation.protected_domain_lookalike", make_msg(sender="A <a@contoso.com>"), CTX, ZERO),
    ("impersonation.protected_domain_lookalike", make_msg(from_=None), CTX, ABSTAIN),
    ("impersonation.vendor_lookalike", make_msg(sender="Acme <ar@acme-supplies.com>"), CTX, ZERO),
    ("impersonation.vendor_lookalike", make_msg(sender="Alice <alice@examp1e.com>"), CTX, ZERO),
    ("impersonation.brand_in_display_name", make_msg(sender="PayPal <service@paypal.com>"), CTX, ZERO),
    ("impersonation.brand_in_display_name", make_msg(sender="PayPal <service@mail.paypal.co.uk>"), CTX, ZERO),
    ("impersonation.brand_in_display_name",
     make_msg(sender="Microsoft Outlook <no-reply@microsoft.com>"), CTX, ZERO),
    ("impersonation.brand_in_display_name", make_msg(sender="Purchase Team <po@shop.com>"), CTX, ZERO),
    ("impersonation.brand_in_display_name", make_msg(from_=None), CTX, ABSTAIN),
    ("impersonation.brand_domain_lookalike", make_msg(sender="PayPal <service@paypal.com>"), CTX, ZERO),
    ("impersonation.brand_domain_lookalike", make_msg(sender="PayPal <service@mail.paypal.de>"), CTX, ZERO),
    ("impersonation.brand_domain_lookalike", make_msg(), CTX, ZERO),
    ("impersonation.brand_domain_lookalike", make_msg(sender="Groups <g@googlegroups.com>"), CTX, ZERO),
    ("impersonation.brand_domain_lookalike", make_msg(sender="Ann <ann@mail.com>"), CTX, ZERO),   # webmail
    ("impersonation.brand_domain_lookalike", make_msg(sender="Bradesco <x@bradesco>"), CTX, ZERO),
    ("impersonation.freemail_with_org_name", make_msg(sender="Google Team <team@gmail.com>"), CTX, ZERO),
    ("impersonation.freemail_with_org_name", make_msg(sender="Bob Smith <bob.smith@gmail.com>"), CTX, ZERO),
    ("impersonation.freemail_with_org_name", make_msg(sender="Jane Doe <jane@example.com>"), CTX, ZERO),
    ("impersonation.display_name_has_address",
     make_msg(sender='"alice@example.com" <alice@example.com>'), CTX, ZERO),
    ("impersonation.display_name_has_address", make_msg(), CTX, ZERO),
    ("impersonation.reply_to_mismatch", make_msg(), CTX, ABSTAIN),
    ("impersonation.reply_to_mismatch", make_msg(reply_to="Alice <alice@lists.example.com>"), CTX, ZERO),
    ("impersonation.reply_to_freemail", make_msg(), CTX, ABSTAIN),
    ("impersonation.reply_to_freemail",
     make_msg(sender="Bob <bob@gmail.com>", reply_to="Bob <bob@yahoo.com>"), CTX, ZERO),
    ("impersonation.return_path_mismatch", make_msg(), CTX, ABSTAIN),
    ("impersonation.return_path_mismatch", make_msg(return_path="alice@bounces.example.com"), CTX, ZERO),
    ("impersonation.spf_fail", make_msg(), CTX, ABSTAIN),
    ("impersonation.spf_fail", make_msg(auth=AuthResults(spf="pass")), CTX, ZERO),
    ("impersonation.dkim_fail", make_msg(auth=AuthResults(dkim="pass")), CTX, ZERO),
    ("impersonation.dkim_fail", make_msg(), CTX, ABSTAIN),
    ("impersonation.dmarc_fail", make_msg(auth=AuthResults(dmarc="pass")), CTX, ZERO),
    ("impersonation.dmarc_fail", make_msg(auth=AuthResults(spf="fail")), CTX, ABSTAIN),
    ("impersonation.homoglyph_display_name", make_msg(sender="José Müller <jm@x.de>"), CTX, ZERO),
    ("impersonation.homoglyph_display_name",
     make_msg(sender="\u0418\u0432\u0430\u043d \u041f\u0435\u0442\u0440\u043e\u0432 <ip@x.ru>"), CTX, ZERO),
    ("impersonation.punycode_sender_domain", make_msg(), CTX, ZERO),
    ("impersonation.punycode_sender_domain", make_msg(from_=None), CTX, ABSTAIN),
    ("impersonation.first_contact", make_msg(sender="Stranger <someone@newco.com>"), CTX, ABSTAIN),
    ("impersonation.first_contact", make_msg(sender="Carol Finance <carol@partnerco.com>"), PCTX, ZERO),
    ("impersonation.familiar_name_new_address",
     make_msg(sender="Carol Finance <carol.fin@gmail.com>"), CTX, ABSTAIN),
    ("impersonation.familiar_name_new_address",
     make_msg(sender="Carol Finance <carol@partnerco.com>"), PCTX, ZERO),
    ("impersonation.familiar_name_new_address", make_msg(sender="Dave <dave@newco.com>"), PCTX, ZERO),
    ("impersonation.familiar_domain_lookalike", make_msg(sender="Carol <carol@partnerc0.com>"), CTX, ABSTAIN),
    ("impersonation.familiar_domain_lookalike", make_msg(sender="Carol <carol@partnerco.com>"), PCTX, ZERO),
    ("impersonation.familiar_domain_lookalike", make_msg(sender="X <x@unrelated.org>"), PCTX, ZERO),
    # trust
    ("trust.urgency", make_msg(), CTX, ZERO),
    ("trust.urgency", make_msg(quoted_text="URGENT!!! respond immediately"), CTX, ZERO),
    ("trust.authority", make_msg(), CTX, ZERO),
    ("trust.secrecy", make_msg(), CTX, ZERO),
    ("trust.flattery", make_msg(), CTX, ZERO),
    ("trust.availability_opener", make_msg(), CTX, ZERO),
    ("trust.prior_relationship", make_msg(), CTX, ZERO),
    ("trust.out_of_office", make_msg(), CTX, ZERO),
    ("trust.fake_thread", make_msg(subject="RE: lunch", in_reply_to="<abc@example.com>"), CTX, ZERO),
    ("trust.fake_thread", make_msg(subject="Re: lunch", references=("<abc@example.com>",)), CTX, ZERO),
    ("trust.fake_thread", make_msg(subject="Reminder: lunch"), CTX, ZERO),
    ("trust.reply_prefix_no_quote", make_msg(subject="RE: lunch", quoted_text="> earlier mail"), CTX, ZERO),
    ("trust.reply_prefix_no_quote", make_msg(), CTX, ZERO),
    ("trust.short_request", make_msg(), CTX, ZERO),
    ("trust.short_request", make_msg(body="Can you help? " + "word " * 80), CTX, ZERO),
    ("trust.exclamations", make_msg(), CTX, ZERO),
    ("trust.all_caps_subject", make_msg(), CTX, ZERO),
    ("trust.all_caps_subject", make_msg(subject="FYI OK"), CTX, ZERO),
    ("trust.all_caps_subject", make_msg(subject="Your Account Has Been Updated"), CTX, ZERO),
    ("trust.generic_greeting", make_msg(), CTX, ZERO),
    # payload
    ("payload.link_count", make_msg(), CTX, ZERO),
    ("payload.distinct_link_hosts", make_msg(), CTX, ZERO),
    ("payload.anchor_host_mismatch",
     make_msg(links=(html_link("https://www.paypal.com/signin", "https://www.paypal.com/signin"),)), CTX, ZERO),
    ("payload.anchor_host_mismatch", make_msg(links=(html_link("https://evil.ru/x", "Click here"),)), CTX, ZERO),
    ("payload.anchor_host_mismatch", make_msg(links=(html_link("https://files.example.com/1", "invoice.pdf"),)),
     CTX, ZERO),
    ("payload.anchor_host_mismatch",
     make_msg(links=(html_link("https://mail.example.com/", "support@paypal.com"),)), CTX, ZERO),
    ("payload.ip_host_link", make_msg(link_urls=["https://www.example.com/"]), CTX, ZERO),
    ("payload.punycode_link", make_msg(link_urls=["https://www.example.com/"]), CTX, ZERO),
    ("payload.shortener_link", make_msg(link_urls=["https://www.example.com/"]), CTX, ZERO),
    ("payload.free_hosting_link", make_msg(link_urls=["https://www.google.com/search?q=x"]), CTX, ZERO),
    ("payload.credential_words_near_link",
     make_msg(body="Verify your account and confirm your password."), CTX, ZERO),
    ("payload.credential_words_near_link", make_msg(link_urls=["https://www.example.com/"]), CTX, ZERO),
    ("payload.redirect_params", make_msg(link_urls=["https://example.com/page?id=5&lang=en"]), CTX, ZERO),
    ("payload.html_attachment", make_msg(attachments=(attachment("report.pdf", "application/pdf"),)), CTX, ZERO),
    ("payload.macro_document", make_msg(attachments=(attachment("report.docx"),)), CTX, ZERO),
    ("payload.archive_attachment", make_msg(attachments=(attachment("photo.jpg", "image/jpeg"),)), CTX, ZERO),
    ("payload.executable_attachment", make_msg(attachments=(attachment("notes.txt", "text/plain"),)), CTX, ZERO),
    ("payload.archive_hides_executable", make_msg(attachments=(replace(
        attachment("photos.zip", "application/zip"),
        members=(ArchiveMember("holiday/beach.jpg", 90_000, False), ArchiveMember("notes.exe.txt", 10, False))),)), CTX, ZERO),
    ("payload.double_extension", make_msg(attachments=(attachment("my.report.v2.pdf"),)), CTX, ZERO),
    ("payload.double_extension", make_msg(attachments=(attachment("backup.tar.gz"),)), CTX, ZERO),
    ("payload.password_protected_archive",
     make_msg(body="Archive attached.", attachments=(attachment("docs.zip"),)), CTX, ZERO),
    ("payload.password_protected_archive", make_msg(body="The password is 4521."), CTX, ZERO),
    ("payload.password_protected_archive",
     make_msg(body="The password for the file is protected.", attachments=(attachment("docs.zip"),)), CTX, ZERO),
    ("payload.image_only_body", make_msg(attachments=(attachment("chart.png", "image/png"),)), CTX, ZERO),
    ("payload.hidden_text", make_msg(html="<p>Quarterly notes</p><p style='color:#333'>on the drive</p>"),
     CTX, ZERO),
    ("payload.hidden_text", make_msg(), CTX, ZERO),
    # A preheader (a short hidden preview line before any visible text) is not hidden from the
    # reader: mail clients show it beside the subject.
    ("payload.hidden_text", make_msg(html="<div style='display:none;max-height:0'>Your receipt from "
                                          "Acme - thanks for your order</div><p>Hello Alex</p>"), CTX, ZERO),
    ("payload.image_only_body", make_msg(body="See attached."), CTX, ZERO),
    ("payload.qr_code_hint", make_msg(attachments=(attachment("chart.png", "image/png"),)), CTX, ZERO),
    ("payload.qr_code_hint", make_msg(body="Scan the QR code to pay."), CTX, ZERO),
    ("payload.reply_only",
     make_msg(body="Are you available? I need a quick favor.", link_urls=["https://x.example.com/"]), CTX, ZERO),
    ("payload.reply_only", make_msg(), CTX, ZERO),
    ("payload.callback_number", make_msg(body="Call us to cancel your subscription."), CTX, ZERO),
    ("payload.callback_number", make_msg(body="My number is +1 (808) 555-0199, see you Monday."), CTX, ZERO),
    ("payload.callback_number",
     make_msg(body="Your renewal was charged on 2024-01-15 10:30 at server 192.168.100.200."), CTX, ZERO),
    # goal
    *[(f"goal.{t}", make_msg(), CTX, ZERO) for t in (
        "credentials", "payment_change", "invoice", "wire_transfer", "gift_cards", "payroll", "tax_data",
        "crypto", "advance_fee", "extortion", "malware_exec", "money_amount", "bank_details")],
    ("goal.credentials", make_msg(quoted_text="> please verify your password"), CTX, ZERO),
    ("goal.money_amount", make_msg(body="Meeting at 10 on floor 2, room 3104."), CTX, ZERO),
    ("goal.bank_details", make_msg(body="Ticket AB12 CDEF GHIJ KLMN OP is closed."), CTX, ZERO),
    ("goal.bank_details", make_msg(body="Ref DE89 3704 0044 0532 0130 01 (bad checksum)"), CTX, ZERO),
]


# Identity evidence (features/identity.py; scoping cases in tests/test_identity.py).
def _raw_msg(from_: str, host: str, ar: str | None):
    from features.parsing import parse_message
    head = f"Authentication-Results: {ar}\n" if ar else ""
    return parse_message((
        f"{head}From: {from_}\nTo: a@example.com\nSubject: Reset your PayPal password\n"
        "Content-Type: text/html\n\n<p>Reset your password now:</p>"
        f'<a href="https://{host}/reset">Reset password</a>').encode())


def _ar(d: str, dmarc: str = "pass") -> str:
    return (f"mx.google.com; dkim=pass header.i=@{d}; spf=pass smtp.mailfrom=b@{d}; "
            f"dmarc={dmarc} header.from={d}")


_PAYPAL = _raw_msg("PayPal <service@paypal.com>", "www.paypal.com", _ar("paypal.com"))
_LOOKALIKE = _raw_msg("PayPal <service@paypa1-secure.com>", "www.paypa1-secure.com",
                      _ar("paypa1-secure.com"))
_FOREIGN = _raw_msg("PayPal <service@paypal.com>", "pp-help.weebly.com", _ar("paypal.com"))
_SPOOF = _raw_msg("PayPal <service@paypal.com>", "www.paypal.com", "mx.google.com; "
                  "dkim=none; spf=fail smtp.mailfrom=x@evil.example; dmarc=fail header.from=paypal.com")
_NO_AR = _raw_msg("Alice <alice@example.com>", "intranet.example.com", None)
_DSN = __import__("features.parsing", fromlist=["parse_message"]).parse_message(
    b"From: Mail Delivery System <MAILER-DAEMON@mx.example.net>\nTo: a@example.com\n"
    b"Subject: Undelivered Mail Returned to Sender\nMIME-Version: 1.0\n"
    b'Content-Type: multipart/report; report-type=delivery-status; boundary="b"\n\n'
    b"--b\nContent-Type: text/plain\n\nI'm sorry to have to inform you that your message could "
    b"not be delivered.\n--b\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; "
    b"mx.example.net\n\nFinal-Recipient: rfc822; bob@example.org\nAction: failed\n"
    b"Status: 5.1.1\n--b--\n")
FIRES += [
    ("payload.delivery_report", _DSN, CTX),
    ("impersonation.identity_proven", _PAYPAL, CTX),
    ("impersonation.identity_coherent", _PAYPAL, CTX),
    ("impersonation.identity_established", _PAYPAL, CTX),
    ("impersonation.brand_claim_unbacked", _LOOKALIKE, CTX),
    ("payload.foreign_action_link", _FOREIGN, CTX),
]
QUIET += [
    ("payload.delivery_report", _PAYPAL, CTX, ZERO),
    ("impersonation.identity_proven", _NO_AR, CTX, ABSTAIN),
    ("impersonation.identity_proven", _SPOOF, CTX, ZERO),
    ("impersonation.identity_coherent", _LOOKALIKE, CTX, ZERO),
    ("impersonation.identity_established", _LOOKALIKE, CTX, ZERO),
    ("impersonation.brand_claim_unbacked", _PAYPAL, CTX, ZERO),
    ("payload.foreign_action_link", _PAYPAL, CTX, ZERO),
]


# goal.concrete_ask fires on an ask for one specific act, never on the topic alone: the identity
# cap (features/identity.py) lets it convict a proven, coherent sender.
FIRES += [
    ("goal.concrete_ask", make_msg(body="Buy five Google Play gift cards for me and send me the codes."), CTX),
    ("goal.concrete_ask", make_msg(body="Our bank details have changed, please use the new account."), CTX),
    ("goal.concrete_ask", make_msg(body="Send 0.5 bitcoin to my wallet address below."), CTX),
    ("goal.concrete_ask", make_msg(body="Please process a wire transfer today."), CTX),
    ("goal.concrete_ask", make_msg(body="Send me the W-2 forms of all employees."), CTX),
    ("goal.concrete_ask", make_msg(body="Enable content to view the protected document."), CTX),
]
QUIET += [
    ("goal.concrete_ask", make_msg(body="Buy gift cards for the holidays, now 20% off."), CTX, ZERO),
    ("goal.concrete_ask", make_msg(body="Congratulations to this week's contest winner!"), CTX, ZERO),
    ("goal.concrete_ask", make_msg(body="We will protect Social Security and raise the minimum wage."), CTX, ZERO),
    ("goal.concrete_ask", make_msg(body="Bitcoin is up 12% this week."), CTX, ZERO),
    ("goal.concrete_ask", make_msg(body="Your account number ending in 1234 was charged."), CTX, ZERO),
]


# dmarc_enforced_fail: the receiver's DMARC fail under a policy the domain's owner enforces.
_AR = dict(source="authentication-results", dmarc_from="paypal.com")
FIRES += [
    ("impersonation.dmarc_enforced_fail",
     make_msg(auth=AuthResults(dmarc="fail", dmarc_policy="reject", **_AR)), CTX),
    ("impersonation.dmarc_enforced_fail",
     make_msg(auth=AuthResults(dmarc="fail", dmarc_policy="quarantine", **_AR)), CTX),
]
QUIET += [
    ("impersonation.dmarc_enforced_fail",
     make_msg(auth=AuthResults(dmarc="fail", dmarc_policy="none", **_AR)), CTX, ZERO),
    ("impersonation.dmarc_enforced_fail",
     make_msg(auth=AuthResults(dmarc="fail", dmarc_policy="", **_AR)), CTX, ZERO),
    ("impersonation.dmarc_enforced_fail",
     make_msg(auth=AuthResults(dmarc="pass", dmarc_policy="reject", **_AR)), CTX, ZERO),
    ("impersonation.dmarc_enforced_fail", make_msg(auth=AuthResults()), CTX, ABSTAIN),
]


# lookalike_link: a link host imitating the sender itself; sender_unvouched: DMARC fail with no
# SPF or DKIM pass for anyone.
_IMITATED = _raw_msg("Notion <hello@info.notion.so>", "app.nofion.so", _ar("notion.so"))
FIRES += [
    ("payload.lookalike_link", _IMITATED, CTX),
    ("impersonation.sender_unvouched", _SPOOF, CTX),
]
QUIET += [
    ("payload.lookalike_link", _PAYPAL, CTX, ZERO),
    ("payload.lookalike_link", _FOREIGN, CTX, ZERO),
    ("impersonation.sender_unvouched", _PAYPAL, CTX, ZERO),
    ("impersonation.sender_unvouched",
     make_msg(auth=AuthResults(dmarc="fail", spf="pass", **_AR)), CTX, ZERO),
    ("impersonation.sender_unvouched", _NO_AR, CTX, ABSTAIN),
]


# Evidence for the convicting policy only (weight 0): a sender whose own proven domain imitates
# another, and a proven sender presenting another organisation's service that it links to.
_OTHER_SERVICE = _raw_msg("Ledgerbooks <info@ironbridgebuilders.biz>", "www.ledgerbooks.com",
                          _ar("ironbridgebuilders.biz"))
FIRES += [
    ("impersonation.sender_imitates", _LOOKALIKE, CTX),
    ("impersonation.presents_other_service", _OTHER_SERVICE, CTX),
]
QUIET += [
    ("impersonation.sender_imitates", _PAYPAL, CTX, ZERO),
    ("impersonation.presents_other_service", _PAYPAL, CTX, ZERO),
    ("impersonation.presents_other_service", _SPOOF, CTX, ABSTAIN),
]


@pytest.mark.parametrize("name,msg,ctx", FIRES, ids=[c[0] for c in FIRES])
def test_signal_fires(name, msg, ctx):
    out = ev(name, msg, ctx)
    assert out is not None and out.value > 0, f"{name} did not fire: {out}"
    text = sigreg.get(name).explain(out)
    assert "{detail}" not in text and text.startswith(sigreg.get(name).concept + ": ")


@pytest.mark.parametrize("name,msg,ctx,expect", QUIET, ids=[f"{c[0]}-{c[3]}" for c in QUIET])
def test_signal_quiet(name, msg, ctx, expect):
    out = ev(name, msg, ctx)
    if expect == ABSTAIN:
        assert out is None, f"{name} should abstain, got {out}"
    else:
        assert out is not None and out.value == 0.0, f"{name} should not fire, got {out}"


# ------------------------------------------------------------------------------------------
# registry
POLICY_EVIDENCE = {"impersonation.sender_imitates", "impersonation.presents_other_service"}


def test_registry_complete_and_exercised():
    registry = sigreg.signals()
    assert registry
    fired: set[str] = set()
    for _, msg, ctx in FIRES:
        for concept, evs in sigreg.evaluate(msg, ctx).items():
            assert not [k for k in evs if k.endswith("!error")], evs
            fired.update(k for k, e in evs.items() if e is not None and e.value > 0)
    for s in registry:
        assert s.sentence.strip(), s.name
        assert s.concept in sigreg.CONCEPTS and s.name.startswith(s.concept + "."), s.name
        if s.direction or s.learned:    # the combiner or the concept model weighs it
            assert s.weight == 0.0, s.name
        elif s.name in POLICY_EVIDENCE:  # read by identity_policy.yaml's convicting rules only
            assert s.weight == 0.0, s.name
        else:                           # rule-only: its fixed logit
            assert 0.0 < s.weight <= 1.5, s.name
    from features.identity import policy
    assert POLICY_EVIDENCE <= {n for r in policy().convicting for n in r.all}
    missing = {s.name for s in registry if not s.model_filled} - fired
    assert not missing, f"signals never fired by a test: {sorted(missing)}"
    assert {c[0] for c in QUIET} >= {s.name for s in registry if not s.model_filled}, \
        "every signal needs a quiet case"
    for s in registry:
        if s.model_filled:   # filled in by the bundle's text model; alone they abstain
            assert s.fn(empty_msg(), CTX) is None


def test_collector_dependent_signals_are_not_learned():
    not_learned = {s.name for s in sigreg.signals() if not s.learned}
    assert {"impersonation.return_path_mismatch", "impersonation.spf_fail", "impersonation.dkim_fail",
            "impersonation.dmarc_fail", "impersonation.first_contact",
            "impersonation.familiar_name_new_address", "impersonation.familiar_domain_lookalike",
            "trust.fake_thread"} <= not_learned
    assert "impersonation.reply_to_mismatch" not in not_learned


def test_empty_message_has_no_errors():
    for ctx in (CTX, PCTX, Context(OrgConfig())):
        out = sigreg.evaluate(empty_msg(), ctx)
        assert set(out) == set(sigreg.CONCEPTS)
        for evs in out.values():
            assert not [k for k in evs if k.endswith("!error")], evs


def test_benign_default_message_is_quiet():
    out = sigreg.evaluate(make_msg(), CTX)
    fired = {k: e for evs in out.values() for k, e in evs.items() if e is not None and e.value > 0}
    assert not fired, fired


def test_signals_ignore_date_list_and_x_headers():
    base = make_msg()
    noisy = replace(base, date="Thu, 1 Jan 1970 00:00:00 +0000",
                    headers=base.headers + (("List-Id", "<x.lists.example.com>"), ("X-Mailer", "PayPal"),
                                            ("X-Spam-Flag", "YES")),
                    to=(addr("phishing@pot"),))
    assert sigreg.evaluate(base, CTX) == sigreg.evaluate(noisy, CTX)


# ------------------------------------------------------------------------------------------
# helpers
@pytest.mark.parametrize("host,reg", [
    ("a.b.example.com", "example.com"), ("example.com", "example.com"), ("www.bbc.co.uk", "bbc.co.uk"),
    ("mail.itau.com.br", "itau.com.br"), ("x.y.abc.com.au", "abc.com.au"), ("WWW.Example.COM.", "example.com"),
    ("shop.example.co.jp:8080", "example.co.jp"), ("10.0.0.1", "10.0.0.1"), ("localhost", "localhost"),
    ("www.hmrc.gov.uk", "hmrc.gov.uk"), ("", ""),
])
def test_registrable_domain(host, reg):
    assert registrable_domain(host) == reg


def test_skeleton_and_edit_distance():
    assert skeleton("p\u0430yp\u0430l") == skeleton("PAYPAL") == skeleton("paypa1") == "paypal"
    assert skeleton("rnicrosoft") == "microsoft"
    assert skeleton("vvellsfargo") == "wellsfargo"
    assert skeleton("g\u043e\u043egle") == "google"
    assert skeleton("ехаmрlе") == "example"
    assert edit_distance("paypal", "paypal") == 0
    assert edit_distance("paypal", "papyal") == 1          # transposition
    assert edit_distance("paypal", "paypall") == 1
    assert edit_distance("kitten", "sitting") == 3
    assert edit_distance("kitten", "sitting", max_dist=1) == 2   # early cut-off: "more than 1"
    assert edit_distance("", "abc") == 3


@pytest.mark.parametrize("domain,expected", [
    ("paypa1.com", "paypal.com"), ("xn--pypal-4ve.com", "paypal.com"), ("p\u0430ypal.com", "paypal.com"),
    ("paypal-secure-login.com", "paypal.com"), ("secure-paypal.com", "paypal.com"),
    ("paypalsecure.com", "paypal.com"), ("paypal.com.verify-user.net", "paypal.com"),
    ("paypol.com", "paypal.com"), ("paypal.net", "paypal.com"), ("rnicrosoft.com", "microsoft.com"),
    ("microsofft.com", "microsoft.com"),
    ("paypal.com", None), ("www.paypal.com", None), ("evil.paypal.com", None), ("example.com", None),
    ("amazonaws.com", None), ("googlegroups.com", None), ("", None), ("192.168.1.1", None),
])
def test_lookalike_of(domain, expected):
    assert lookalike_of(domain, ["paypal.com", "microsoft.com", "amazon.com", "google.com"]) == expected


def test_lookalike_never_flags_a_listed_domain():
    cands = ["example.com", "example.org"]
    assert lookalike_of("example.org", cands) is None
    assert lookalike_of("sub.example.org", cands) is None
    assert lookalike_of("exannple.net", cands) == "example.com"


def test_two_documentation_placeholders_are_not_lookalikes():
    """Corpora anonymise addresses to example.*; the default config protects example.com."""
    cands = ["example.com", "example.org"]
    assert lookalike_of("example.net", cands) is None
    assert lookalike_of("neko.example.co.jp", cands) is None
    assert lookalike_of("examp1e.com", cands) == "example.com"
    assert lookalike_of("example-secure.com", cands) == "example.com"
    assert lookalike_of("paypal.net", ["paypal.com"]) == "paypal.com"


def test_ip_and_punycode_hosts():
    assert is_ip_host("192.168.0.1") and is_ip_host("[::1]") and is_ip_host("0x7f.0.0.1")
    assert is_ip_host("3232235777") and not is_ip_host("example.com") and not is_ip_host("")
    assert not is_ip_host("12")
    assert is_punycode("xn--pypal-4ve.com") and is_punycode("www.xn--80ak6aa92e.com")
    assert is_punycode("p\u0430ypal.com") and not is_punycode("paypal.com")


def test_lexicon_themes_and_normalisation():
    assert set(THEMES) >= {"urgency", "authority", "secrecy", "flattery", "availability_opener",
                           "prior_relationship", "out_of_office", "credentials", "payment_change",
                           "invoice", "wire_transfer", "gift_cards", "payroll", "tax_data", "crypto",
                           "advance_fee", "extortion", "malware_exec", "callback",
                           "credential_form_near_link"}
    assert count_terms("URGENT: reply immediately", "urgency") == 2
    assert count_terms("ur\u200bgent", "urgency") == 1                 # zero-width obfuscation
    assert count_terms("pass\u00adword", "credentials") == 1            # soft hyphen
    assert count_terms("Bist du verfügbar?", "availability_opener") == 1
    assert count_terms("Bist du verfugbar?", "availability_opener") == 1
    assert count_terms("Você está disponível?", "availability_opener") == 1
    assert count_terms("Konto bestätigen", "credentials") == 1
    assert count_terms("Digite sua senha", "credentials") == 1
    assert count_terms("Voer uw wachtwoord in", "credentials") == 1
    assert count_terms("Saisissez votre mot de passe", "credentials") == 1
    assert count_terms("Ingrese su contraseña", "credentials") == 1
    assert count_terms("Bitte die Rechnung, la facture, a fatura, de factuur", "invoice") == 4
    assert count_terms("as per our conversation", "prior_relationship") == 1
    assert count_terms("I\u2019m in a meeting", "out_of_office") == 1
    assert count_terms("surgently", "urgency") == 0                     # word boundaries
    assert count_terms("", "urgency") == 0


def test_profile_signals_abstain_without_profile():
    msg = make_msg(sender="Carol Finance <carol.fin@gmail.com>")
    out = sigreg.evaluate(msg, CTX, concepts=("impersonation",))["impersonation"]
    for name in ("impersonation.first_contact", "impersonation.familiar_name_new_address",
                 "impersonation.familiar_domain_lookalike"):
        assert out[name] is None


def test_real_paypal_mail_is_quiet():
    msg = make_msg(sender="PayPal <service@paypal.com>", subject="Your receipt from Example Shop",
                   reply_to="PayPal <no-reply@paypal.com>", return_path="bounce@e.paypal.com",
                   auth=AuthResults(spf="pass", dkim="pass", dmarc="pass"),
                   links=(html_link("https://www.paypal.com/myaccount/transactions", "www.paypal.com"),),
                   body="Hello Bob Builder, you sent a payment to Example Shop. View the details in your account.")
    imp = sigreg.evaluate(msg, CTX, concepts=("impersonation",))["impersonation"]
    fired = {k: e for k, e in imp.items() if e is not None and e.value > 0}
    assert not fired, fired
    assert ev("payload.anchor_host_mismatch", msg).value == 0.0


def test_hostile_sizes_are_bounded_and_error_free():
    huge = ("urgent password $1,000 " + "-" * 50 + " 1 2 3 4 5 6 7 8 9 aaaa.bbbb.cccc " + "x" * 200) * 400
    msg = make_msg(
        sender=addr("x" * 5000 + "@" + "y" * 5000 + " <a@evil.com>"),
        subject="RE: " + "!" * 5000, body=huge,
        links=tuple(link(f"http://h{i}.example.net/?url=http://x{i}.ru&next=//y") for i in range(5000))
        + (html_link("http://evil.ru/", "a." * 5000 + "com"),),
        attachments=tuple(attachment(f"f{i}.pdf.exe") for i in range(2000)),
        html="<img src=x>" * 1000)
    start = time.perf_counter()
    out = sigreg.evaluate(msg, PCTX)
    assert time.perf_counter() - start < 2.0
    for evs in out.values():
        assert not [k for k in evs if k.endswith("!error")], evs
    assert out["payload"]["payload.link_count"].value == 50.0       # capped
    assert out["payload"]["payload.double_extension"].value == 10.0


def test_custom_org_config():
    org = OrgConfig(protected_domains=frozenset({"contoso.com"}), vip_names=("Maria Silva",),
                    known_vendors=frozenset({"fabrikam.com"}), freemail_domains=frozenset({"gmail.com"}))
    ctx = Context(org)
    assert ev("impersonation.vip_display_name", make_msg(sender="Maria Silva <ms@gmail.com>"), ctx).value == 1.0
    assert ev("impersonation.vip_display_name", make_msg(sender="Maria Silva <ms@contoso.com>"), ctx).value == 0.0
    assert ev("impersonation.vendor_lookalike", make_msg(sender="AR <ar@fabrikann.com>"), ctx).value == 1.0
    assert ev("impersonation.brand_in_display_name", make_msg(sender="PayPal <x@evil.com>"), ctx).value == 0.0


def test_evaluate_is_fast():
    msgs = [c[1] for c in FIRES] * 5
    start = time.perf_counter()
    for m in msgs:
        sigreg.evaluate(m, PCTX)
    per_msg = (time.perf_counter() - start) / len(msgs)
    assert per_msg < 0.02, f"{per_msg * 1000:.1f} ms per message"



def test_links_quoted_in_a_reply_are_the_quoted_writers():
    """A developer answering a bot's report quotes its free-host and shortener links; they are not
    what the reply delivers. A link the replier adds, or a quote in a message that is no reply,
    still counts."""
    quoted = "> Report: https://syzkaller.appspot.com/bug?id=1\n> See https://goo.gl/tpsmEJ\n"
    reply = dict(in_reply_to="<bot@example.com>", current_text="Fixed by the patch below.\n",
                 quoted_text=quoted, text="Fixed by the patch below.\n" + quoted,
                 link_urls=["https://syzkaller.appspot.com/bug?id=1", "https://goo.gl/tpsmEJ"])
    msg = make_msg(**reply)
    for name in ("payload.free_hosting_link", "payload.shortener_link", "payload.link_count"):
        assert ev(name, msg).value == 0.0, name
    added = make_msg(**dict(reply, current_text="Log in at https://secure.000webhostapp.com/\n",
                            link_urls=["https://secure.000webhostapp.com/",
                                       "https://goo.gl/tpsmEJ"]))
    assert ev("payload.free_hosting_link", added).value == 1.0
    assert ev("payload.link_count", added).value == 1.0
    no_reply = make_msg(**dict(reply, in_reply_to=""))       # a fake thread: quotes are its own
    assert ev("payload.free_hosting_link", no_reply).value == 1.0


def test_palochka_reads_as_l():
    """Cyrillic palochka is drawn as a bare stroke: deӏl.com is dell.com's lookalike."""
    assert skeleton("de\u04cfl.com") == skeleton("dell.com") == "dell.com"
    assert skeleton("paypa\u04cf.com") == "paypal.com"
    assert lookalike_of("de\u04cfl.com", ["dell.com"]) == "dell.com"



def test_only_rule_signals_declare_a_weight():
    from features.signals import signal
    with pytest.raises(ValueError, match="only rule-only signals"):
        signal("payload", "x_weighted_learned", "x", weight=1.0)
    with pytest.raises(ValueError, match="needs a weight"):
        signal("payload", "x_rule_without_weight", "x", learned=False)
