"""Identity evidence (features/identity.py) and how the verdict uses it (detectors/bundle.py):
who the sender provably is, whether its brand and links agree, and that wording alone cannot
convict a proven, coherent, known sender while a concrete malicious act still can."""
from __future__ import annotations

import numpy as np
import pytest

from features.context import Context, load_org
from features.identity import identity_of, policy, wording_only
from features.parsing import parse_message
from features.catalogue import evaluate, identity_signals

ORG = load_org()
CTX = Context(ORG)

GMAIL_AR = ("mx.google.com;\n       dkim=pass header.i=@{d} header.s=s1 header.b=abc;\n"
            "       spf=pass (google.com: domain of bounce@mail.{d} designates 1.2.3.4 as permitted"
            " sender) smtp.mailfrom=bounce@mail.{d};\n       dmarc=pass (p=REJECT sp=REJECT "
            "dis=NONE) header.from={d}")


def _mail(from_: str, subject: str, html: str, ar: str | None = None,
          extra: str = "") -> bytes:
    head = f"Authentication-Results: {ar}\n" if ar else ""
    return (f"{head}{extra}From: {from_}\nTo: alex@example.com\nSubject: {subject}\n"
            "Date: Tue, 03 Nov 2026 10:00:00 +0000\nMessage-ID: <1@x>\nMIME-Version: 1.0\n"
            "Content-Type: text/html; charset=utf-8\n\n" + html).encode()


def _ident(raw: bytes):
    return identity_of(parse_message(raw), CTX)


def _fired(raw: bytes) -> set[str]:
    ev = evaluate(parse_message(raw), CTX)
    return {n for cev in ev.values() for n, e in cev.items() if e is not None and e.value > 0}


PAYPAL_RESET = ('<p>Hello Alex,</p><p>We received a request to reset your PayPal password. '
                'If this was you, act now:</p><p><a href="https://{host}/reset?t=9f8e">Reset '
                'password</a></p><p><a href="https://{host}/help">Help Center</a></p>')


def test_proven_coherent_known_sender():
    raw = _mail('"PayPal" <service@paypal.com>', "Reset your PayPal password",
                PAYPAL_RESET.format(host="www.paypal.com"), GMAIL_AR.format(d="paypal.com"))
    ident = _ident(raw)
    assert ident.proven_org == "paypal.com"
    assert ident.coherent and ident.established
    assert "paypal" in ident.claimed and not ident.unbacked
    assert "every link on paypal.com" in ident.describe()
    fired = _fired(raw)
    assert {"impersonation.identity_proven", "impersonation.identity_coherent",
            "impersonation.identity_established"} <= fired
    assert wording_only(fired)


def test_lookalike_with_its_own_dmarc_pass_is_a_mismatch():
    # DMARC passes for the attacker's own domain: proven, but not as PayPal.
    raw = _mail('"PayPal" <service@paypa1-secure.com>', "Reset your PayPal password",
                PAYPAL_RESET.format(host="www.paypa1-secure.com"),
                GMAIL_AR.format(d="paypa1-secure.com"))
    ident = _ident(raw)
    assert ident.proven_org == "paypa1-secure.com"
    assert ident.unbacked == ("paypal",)
    assert not ident.coherent
    fired = _fired(raw)
    assert "impersonation.brand_claim_unbacked" in fired
    assert "impersonation.identity_coherent" not in fired
    assert not wording_only(fired)


def test_login_link_on_a_free_page_host_is_a_foreign_action():
    raw = _mail('"PayPal" <service@paypal.com>', "Reset your PayPal password",
                PAYPAL_RESET.format(host="paypal-help.weebly.com"), GMAIL_AR.format(d="paypal.com"))
    ident = _ident(raw)
    assert ident.proven_org == "paypal.com"
    assert ident.foreign_actions and "weebly.com" in ident.foreign_actions[0]
    assert not ident.coherent
    fired = _fired(raw)
    assert "payload.foreign_action_link" in fired
    assert not wording_only(fired)


def test_free_mail_sender_claiming_a_brand():
    raw = _mail('"PayPal Support" <paypal.support.team@gmail.com>', "Reset your PayPal password",
                PAYPAL_RESET.format(host="www.paypal.com"), GMAIL_AR.format(d="gmail.com"))
    ident = _ident(raw)
    assert ident.proven_org == "gmail.com"
    assert "paypal" in ident.unbacked
    ev = evaluate(parse_message(raw), CTX)["impersonation"]["impersonation.brand_claim_unbacked"]
    assert ev.value == 1.0 and "free-mail" in ev.detail


def test_spoofed_brand_failing_dmarc_is_not_proven():
    ar = ("mx.google.com; dkim=none; spf=fail smtp.mailfrom=evil.example; "
          "dmarc=fail (p=REJECT) header.from=paypal.com")
    raw = _mail('"PayPal" <service@paypal.com>', "Reset your PayPal password",
                PAYPAL_RESET.format(host="www.paypal.com"), ar)
    ident = _ident(raw)
    assert ident.authenticated and not ident.proven_org
    fired = _fired(raw)
    assert not fired & {"impersonation.identity_proven", "impersonation.identity_coherent"}


def test_forged_results_below_the_receivers_header_do_not_count():
    forged = ("Authentication-Results: evil.example; dkim=pass header.d=paypal.com; "
              "spf=pass smtp.mailfrom=paypal.com; dmarc=pass header.from=paypal.com\n")
    real = "mx.google.com; dkim=none; spf=softfail smtp.mailfrom=evil.example; dmarc=fail " \
           "header.from=paypal.com"
    raw = _mail('"PayPal" <service@paypal.com>', "Reset your PayPal password",
                PAYPAL_RESET.format(host="www.paypal.com"), real, extra=forged)
    assert not _ident(raw).proven_org


def test_no_authentication_results_means_no_identity_evidence_either_way():
    raw = _mail('"PayPal" <service@paypal.com>', "Reset your PayPal password",
                PAYPAL_RESET.format(host="www.paypal.com"))
    ev = evaluate(parse_message(raw), CTX)["impersonation"]
    assert ev["impersonation.identity_proven"] is None
    assert ev["impersonation.identity_coherent"] is None


def test_esp_tracking_links_are_neutral_not_foreign():
    html = ('<p>Your order has shipped.</p><a href="https://u123.ct.sendgrid.net/ls/click?upn=x">'
            'Track your package</a> <a href="https://www.brightcart.shop/orders/1">Order</a>')
    raw = _mail('"BrightCart" <orders@brightcart.shop>', "Your order has shipped", html,
                GMAIL_AR.format(d="brightcart.shop"))
    ident = _ident(raw)
    assert ident.coherent and ident.neutral_links == 1 and not ident.foreign_links
    assert not ident.established      # unknown small shop: coherent, not on any list


def test_trusted_authserv_ids_from_config(tmp_path):
    cfg = tmp_path / "org.yaml"
    cfg.write_text("identity:\n  trusted_authserv_ids: [mx.corp.example]\n")
    ctx = Context(load_org(cfg))
    mine = ("mx.corp.example; dkim=pass header.d=paypal.com; spf=pass smtp.mailfrom=paypal.com; "
            "dmarc=pass header.from=paypal.com")
    theirs = "Authentication-Results: mx.google.com; dmarc=fail header.from=paypal.com\n"
    # the receiver's own header is below a foreign one written on top: the trusted one counts
    raw = _mail('"PayPal" <service@paypal.com>', "Reset your PayPal password",
                PAYPAL_RESET.format(host="www.paypal.com"), ar=None,
                extra=theirs + f"Authentication-Results: {mine}\n")
    assert identity_of(parse_message(raw), ctx).proven_org == "paypal.com"
    assert not identity_of(parse_message(raw), CTX).proven_org     # default: topmost only


def test_identity_signals_all_have_a_direction_and_sentence():
    sigs = identity_signals()
    assert {s.name for s in sigs} >= {"impersonation.identity_proven",
                                      "impersonation.identity_coherent",
                                      "impersonation.identity_established",
                                      "impersonation.brand_claim_unbacked",
                                      "payload.foreign_action_link"}
    for s in sigs:
        assert s.direction in (-1, 1) and s.sentence and not s.learned


def test_monotone_combiner_respects_directions():
    from detectors.combiner import IdentityCombiner
    rng = np.random.default_rng(0)
    n = 3000
    S = rng.uniform(0.01, 0.99, size=(n, 4))
    I = (rng.random((n, 2)) < 0.3).astype(float)
    # a deliberately adversarial label: identity column 0 correlates with attacks in this data
    y = ((S.mean(axis=1) + 0.3 * I[:, 0] - 0.3 * I[:, 1] + rng.normal(0, 0.1, n)) > 0.55)
    c = IdentityCombiner(["a.down", "b.up"], [-1, 1], n_estimators=80).fit(S, y, I)
    base = np.column_stack([np.zeros(n), np.zeros(n)])
    p0 = c.predict_proba(S, base)[:, 1]
    p_down = c.predict_proba(S, base + [1, 0])[:, 1]
    p_up = c.predict_proba(S, base + [0, 1])[:, 1]
    assert (p_down <= p0 + 1e-9).all()      # constrained: cannot learn "coherent = attack"
    assert (p_up >= p0 - 1e-9).all()
    S_hi = np.clip(S + 0.1, 0, 0.99)
    assert (c.predict_proba(S_hi, base)[:, 1] >= p0 - 1e-9).all()
    again = type(c).from_dict(c.to_dict())
    assert np.allclose(again.predict_proba(S, I)[:, 1], c.predict_proba(S, I)[:, 1])


# -- forged authentication results on real phishing ----------------------------------------------
FORGED = (b"Authentication-Results: mx.forged.example; dkim=pass header.d={d}; "
          b"spf=pass smtp.mailfrom=bounce@{d}; dmarc=pass header.from={d}\r\n")


def _forge_below_receiver(raw: bytes, from_domain: str) -> bytes:
    """The message with a forged all-pass result for its From domain inserted right under the
    receiver's own (topmost) Authentication-Results header, where a sender can write it."""
    head, sep, body = raw.partition(b"\n\n")
    lines = head.split(b"\n")
    at = next(i for i, ln in enumerate(lines) if ln.lower().startswith(b"authentication-results:"))
    end = at + 1
    while end < len(lines) and lines[end][:1] in (b" ", b"\t"):
        end += 1
    forged = FORGED.replace(b"{d}", from_domain.encode("utf-8", "replace") or b"x.example")
    return b"\n".join(lines[:end] + [forged.rstrip(b"\r\n")] + lines[end:]) + sep + body


def _phishing_with_auth(n: int) -> list[bytes]:
    from tests.conftest import CORPORA
    path = CORPORA / "phishing_pot_2022_2024.mbox.gz"
    if path.is_file():
        from pipelines.readers import plan_inputs, read_task
        out = []
        for task in plan_inputs([str(path)], 16 << 20):
            for rm in read_task(task):
                if rm.raw and b"\nauthentication-results:" in rm.raw.lower().partition(b"\n\n")[0]:
                    out.append(rm.raw)
                if len(out) >= n:
                    return out
        return out
    # No corpora beside this clone: the generator's phishing twins carry a receiver's header too.
    from labeling.lookalikes import FAMILIES, generate_family
    per = 2 * max(1, n // len(FAMILIES) + 1)
    raws = [m.raw if hasattr(m, "raw") else m for f in FAMILIES
            for m in generate_family(f, per, seed=7, twin=True)]
    return [r for r in raws
            if b"\nauthentication-results:" in b"\n" + r.lower().partition(b"\n\n")[0]][:n]


def test_forged_pass_below_the_receivers_header_changes_no_verdict(default_bundle):
    from detectors.scoring import Item, Scorer, extract_item, message_key
    raws = _phishing_with_auth(200)
    assert len(raws) == 200
    forged = []
    for raw in raws:
        msg = parse_message(raw)
        dom = msg.from_.domain if msg.from_ is not None and msg.from_.domain else "x.example"
        forged.append(_forge_below_receiver(raw, dom))
        assert parse_message(forged[-1]).auth == msg.auth       # the parser ignores it
    scorer = Scorer(default_bundle)

    def rows(batch):
        items = [extract_item(Item(message_key(r), f"m{i}", parse_message(r)), CTX)
                 for i, r in enumerate(batch)]
        return scorer.rows(items, "test")
    before, after = rows(raws), rows(forged)
    assert [r["verdict"] for r in before] == [r["verdict"] for r in after]
    assert np.allclose([r["score"] for r in before], [r["score"] for r in after])


def test_the_receivers_dmarc_fail_overrides_an_aligned_spf_pass():
    # Microsoft 365: SPF passed for an aligned mail-from, yet its DMARC and composite verdicts
    # failed the From domain: the receiver's verdict wins, the sender is not proven.
    ar = ("spf=pass (sender IP is 1.2.3.4) smtp.mailfrom=news.example-shop.com; dkim=none "
          "(message not signed) header.d=none;dmarc=fail action=none "
          "header.from=example-shop.com;compauth=fail reason=001")
    raw = _mail('"Shop" <news@example-shop.com>', "Sale", "<p>Hi</p>", ar)
    assert not _ident(raw).proven_org


def test_a_brand_is_backed_by_its_own_free_mail_domain():
    raw = _mail('"Yahoo" <no-reply@yahoo.com>', "Your Yahoo account",
                PAYPAL_RESET.replace("PayPal", "Yahoo").format(host="login.yahoo.com"),
                GMAIL_AR.format(d="yahoo.com"))
    assert "yahoo" in _ident(raw).claimed and not _ident(raw).unbacked


def test_a_display_name_naming_someone_else_breaks_coherence():
    """Authenticated on its own throwaway domain, every link on it, but presenting itself under a
    name that has nothing to do with the address: not coherent, so wording can convict it."""
    html = '<p>Claim your bonus now.</p><p><a href="https://www.iptesetxkeys.com/c">Play</a></p>'
    raw = _mail('"Casino Promotions Hub" <mery.miloni@iptesetxkeys.com>', "400% bonus", html,
                GMAIL_AR.format(d="iptesetxkeys.com"))
    ident = _ident(raw)
    assert ident.proves_organisation and not ident.name_matches and not ident.coherent
    own = _mail('"Iptesetxkeys Casino" <news@iptesetxkeys.com>', "400% bonus", html,
                GMAIL_AR.format(d="iptesetxkeys.com"))
    assert _ident(own).coherent


@pytest.mark.parametrize("display,address", [
    ("Cato Today", "newsletters@cato.org"), ("The LinkedIn Team", "hello@notifications.linkedin.com"),
    ("Philip Reynolds", "phil@redbrick.dcu.ie"), ("Representative Andy Kim", "nj03ak.outreach@mail.house.gov"),
    ("Mail Delivery System", "mailer-daemon@mx.example.net"), ("Acme Wiki", "no-reply@acmewiki.org"),
])
def test_names_that_fit_their_address(display, address):
    from features.identity import name_matches_address
    assert name_matches_address(display, address)


def test_a_topic_mention_does_not_lift_the_cap_but_a_concrete_ask_does():
    """A campaign's own authenticated mail that mentions winners and wages stays capped; the same
    sender asking for gift-card codes does not."""
    mention = ('<p>Congratulations to this week\'s contest winner! We will fight for a higher '
               'minimum wage.</p><p><a href="https://www.berniesanders.com/donate">Donate</a></p>')
    ask = ('<p>Please buy five Google Play gift cards for me and send me the codes today.</p>'
           '<p><a href="https://www.berniesanders.com/donate">Donate</a></p>')
    ar = GMAIL_AR.format(d="berniesanders.com")
    assert wording_only(_fired(_mail('"Bernie Sanders" <info@berniesanders.com>', "My question", mention, ar)))
    fired = _fired(_mail('"Bernie Sanders" <info@berniesanders.com>', "My question", ask, ar))
    assert "goal.concrete_ask" in fired and not wording_only(fired)


# ------------------------------------------------------------------ services no brand list knows
INKLY_AR = GMAIL_AR.format(d="{d}")


@pytest.mark.parametrize("display, host, imitated", [
    ("Clouddrive Billing", "email.cloucldrive.app", "clouddrive (its display name)"),
    ("Summitledger", "summitledgre.co", "summitledger (its display name)"),
    ("Ledgerbooks Billing", "email.l\u0435dgerbooks.com", "ledgerbooks (its display name)"),
    ("Inkly", "notifications.inkly.co-secure.com", "inkly.co"),
    # the service's own name in front of a newer suffix: reads as orbitworks.cloud
    ("Kevin Garcia (via Orbitworks)", "mail.orbitworks.cloud-verify.com", "orbitworks.cloud"),
    ("Briskhq Weekly", "notifications.briskhq.cloud-billing.com", "briskhq.cloud"),
])
def test_a_domain_one_typo_from_its_own_display_name_imitates_it(display, host, imitated):
    from features.identity import imitated_name
    assert imitated_name(display, host) == imitated


@pytest.mark.parametrize("display, host", [
    ("Inkly", "inkly.co"), ("Bernie Sanders", "berniesanders.com"), ("Yang2020", "yang2020.com"),
    ("Chris Kloiber", "ckloiber.com"), ("Harlan Feinstein", "feinsteins.net"),
    ("Joe Biden HQ", "joebiden.com"), ("R Street Events", "rstreet.org"),
    ("Jeff Dasovich", "enron.com"),
    # a suffix-like first label is only a disguise when it shows the display name's own word
    ("Shop Apotheke", "news.shop-apotheke.com"), ("Cloud Verify Status", "mail.status.cloud-verify.com"),
])
def test_names_that_are_their_domain_or_an_affix_of_it_imitate_nothing(display, host):
    from features.identity import imitated_name
    assert imitated_name(display, host) == ""


def test_a_lookalike_of_a_small_service_is_caught_by_its_own_name():
    d = "cloucldrive.app"
    raw = _mail(f'"Clouddrive Billing" <receipts@email.{d}>', "Your recent payment",
                f'<p>Thanks for your payment.</p><p><a href="https://app.{d}/billing">View receipt'
                '</a></p>', INKLY_AR.replace("{d}", d))
    ident = _ident(raw)
    assert ident.proven_org == d and ident.imitates and not ident.coherent
    assert "impersonation.brand_claim_unbacked" in _fired(raw)


def test_free_mail_sender_presenting_the_service_it_links_to():
    raw = _mail('"The Fablehome Team" <fablehome.support59@outlook.com>', "Welcome - Fablehome",
                '<p>Activate your account:</p><p><a href="https://fablehome-auth.pages.dev/">'
                'Activate your account</a></p><p><a href="https://www.fablehome.co/privacy">'
                'Privacy Policy</a></p>', GMAIL_AR.format(d="outlook.com"))
    ident = _ident(raw)
    assert "fablehome.co" in ident.unbacked
    fired = _fired(raw)
    assert {"impersonation.brand_claim_unbacked", "payload.foreign_action_link"} <= fired


def test_the_same_service_sending_for_itself_is_coherent():
    raw = _mail('"The Fablehome Team" <hello@fablehome.co>', "Welcome - Fablehome",
                '<p><a href="https://app.fablehome.co/activate">Activate your account</a></p>'
                '<p><a href="https://www.fablehome.co/privacy">Privacy Policy</a></p>',
                GMAIL_AR.format(d="fablehome.co"))
    ident = _ident(raw)
    assert ident.coherent and not ident.unbacked


def test_a_bare_address_is_an_action_by_the_words_around_it():
    raw = _mail('"Trello" <noreply@email.trello.com>', "Password reset instructions",
                '<p>Use this link: <a href="https://trello-login.info/cgi-bin/4935/">'
                'https://trello-login.info/cgi-bin/4935/</a> to reset your password.</p>',
                GMAIL_AR.format(d="trello.com"))
    ident = _ident(raw)
    assert ident.foreign_actions and "trello-login.info" in ident.foreign_actions[0]
    assert "payload.foreign_action_link" in _fired(raw)


def test_click_tracking_that_encodes_the_destination_is_followed():
    import base64
    dest = base64.urlsafe_b64encode(b"https://app.imkly.co/password/reset/Av9").decode().rstrip("=")
    raw = _mail('"Inkly" <account@info.inkly.co>', "Password reset",
                f'<p><a href="https://email.mg.inkly.co/c/{dest}">Reset password</a></p>',
                GMAIL_AR.format(d="inkly.co"))
    ident = _ident(raw)
    assert ident.foreign_actions and "imkly.co" in ident.foreign_actions[0]
    assert not ident.coherent


def test_nothing_vouching_for_the_sender_is_evidence_but_an_esp_pass_is_not():
    body = PAYPAL_RESET.format(host="stripe-billing.example.net")
    forged = _mail('"Signalnotes" <accounts@info.signalnotes.com>', "Your recent invoice", body,
                   "mx.example.com; dmarc=fail (p=none dis=none) header.from=info.signalnotes.com;"
                   " spf=softfail smtp.mailfrom=x@mx.info.signalnotes.com; dkim=fail header.d=info."
                   "signalnotes.com")
    assert "impersonation.sender_unvouched" in _fired(forged)
    bulk = _mail('"Team" <info@campaign.example.org>', "Join us", "<p>Hello</p>",
                 "mx.google.com; dkim=pass header.i=@amazonses.com; spf=pass "
                 "smtp.mailfrom=x@amazonses.com; dmarc=fail (p=NONE) header.from=campaign.example.org")
    assert "impersonation.sender_unvouched" not in _fired(bulk)


@pytest.mark.parametrize("host, org, imitates", [
    ("app.nofion.so", "notion.so", True), ("docsend.com-mail.net", "docsend.com", True),
    ("maplehome-login.com", "maplehome.co", True),
    ("www.nerc.com", "nerc.net", False), ("www.enrononline.com", "enron.com", False),
    ("www.e-rewards.com", "erewards.com", False), ("support.notion.so", "notion.so", False),
    # combosquats: the sender's name as a hyphenated word beside a help/account word or a counter
    ("support-github16.support", "github.com", True), ("billing-stripe83.xyz", "stripe.com", True),
    ("clearledger-help.com", "clearledger.co", True), ("acmepayro11.com", "acmepayroll.com", True),
    # sister sites keep other words
    ("www.perl-foundation.org", "perl.org", False), ("debian-administration.org", "debian.org", False),
])
def test_link_hosts_that_imitate_the_sender(host, org, imitates):
    from features.identity import imitates_sender
    assert imitates_sender(host, org) is imitates


def test_a_claimed_brand_hyphenated_with_a_kit_counter_is_a_lookalike():
    from features.domains import lookalike_of
    assert lookalike_of("support-github16.support", frozenset({"github.com"})) == "github.com"
    assert lookalike_of("billing-netflix3.top", frozenset({"netflix.com"})) == "netflix.com"
    assert lookalike_of("github.com", frozenset({"github.com"})) is None


@pytest.mark.parametrize("url, target_host", [
    # Amazon SES: the destination percent-encoded in a path segment
    ("https://cdd16dfa.r.us-west-2.awstrack.me/L0/https:%2F%2Fdocs-webex1.site%2Fjoin%3Fid%3D7/1/"
     "0100019a0ad1489f-4ea2a58b-000000/AbCdEf=412", "docs-webex1.site"),
    ("https://cdd16dfa.r.us-west-2.awstrack.me/L0/https%3A%2F%2Faccounts.github.com%2Freset/1/x",
     "accounts.github.com"),
    # base64 whose last quantum is partial (https://expensify.com/)
    ("https://go.sparkpostmail.com/f/a/F1MBOSBdeGBloIAPri7iEd~~/aHR0cHM6Ly9leHBlbnNpZnkuY29tLw~/x~/",
     "expensify.com"),
    # base64 with the tracker's signature glued on
    ("https://u4633.ct.sendgrid.net/ls/click?upn=u001.aHR0cHM6Ly9leHBlbnNpZnkuY29tL3Bhc3N3b3JkL3Jl"
     "c2V0L2YwYTJmN2ZkYWY3YzdjNDZlY2NlMGU5ZDViMzZiYzI5ZGMzOWFhOWMMtsJoGRIFLT4", "expensify.com"),
])
def test_click_trackers_are_judged_by_their_destination(url, target_host):
    from features.message import Link
    from features.payload import link_hosts
    host = url.split("/")[2]
    hosts = [h for h, _ in link_hosts(Link(url, host, host, "", True))]
    assert target_host in hosts


def test_a_link_to_a_lookalike_of_the_proven_sender_is_evidence():
    raw = _mail('"Notion" <hello@info.notion.so>', "Bob has invited you to join Data",
                '<p><a href="https://app.nofion.so/accept-invite?t=0e">Accept invitation</a></p>'
                '<p><a href="https://www.notion.so/privacy">Privacy Policy</a></p>',
                GMAIL_AR.format(d="notion.so"))
    ident = _ident(raw)
    assert ident.lookalike_links == ("app.nofion.so",) and not ident.coherent
    assert {"payload.lookalike_link", "payload.foreign_action_link"} <= _fired(raw)


def test_a_proven_file_host_linking_to_itself_is_not_a_foreign_action():
    # box.com is on the free file-host list; Box's own authenticated mail to box.com is neither
    # risky nor foreign. (It is not coherent either: anyone can share through Box, so a pass there
    # proves a platform, not an organisation.)
    raw = _mail('"Box" <share@mail.box.com>', "Olivia shared a file with you",
                '<p><a href="https://sign.box.com/s/1caf10a8">Open file</a></p>',
                GMAIL_AR.format(d="box.com"))
    ident = _ident(raw)
    assert ident.own_links == 1 and not ident.risky_links and not ident.foreign_actions
    assert "payload.foreign_action_link" not in _fired(raw)


def test_a_carrier_named_by_a_shop_presenting_itself_is_a_mention_not_a_claim():
    body = ('<p>Your order has shipped.</p><p><a href="https://www.walmart.com/track/1Z99">'
            'Track your package with USPS</a></p>')
    shop = _mail('"Walmart" <orders@walmart.com>', "Your USPS tracking number", body,
                 GMAIL_AR.format(d="walmart.com"))
    assert not _ident(shop).unbacked
    # The same words from a sender that does not present itself as its own organisation claim USPS.
    stranger = _mail('"Delivery Notice" <notice@parcel-update.example.net>', "Your USPS tracking number",
                     body.replace("www.walmart.com", "parcel-update.example.net"),
                     GMAIL_AR.format(d="parcel-update.example.net"))
    assert "usps" in _ident(stranger).unbacked


def test_the_mail_systems_name_on_a_real_delivery_report_is_not_a_claim():
    raw = (b"From: Microsoft Outlook <postmaster@example-corp.com>\nTo: a@example-corp.com\n"
           b"Subject: Undeliverable: Lunch\nMIME-Version: 1.0\n"
           b'Content-Type: multipart/report; report-type=delivery-status; boundary="b"\n\n'
           b"--b\nContent-Type: text/plain\n\nDelivery has failed to these recipients.\n"
           b"--b\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example-corp.com\n"
           b"\nFinal-Recipient: rfc822; bob@example.org\nAction: failed\nStatus: 5.1.1\n--b--\n")
    assert not _ident(raw).unbacked
    # Without the report, "Microsoft Outlook" from another organisation is a claim.
    plain = _mail('"Microsoft Outlook" <postmaster@example-corp.com>', "Undeliverable: Lunch",
                  "<p>Delivery has failed.</p>")
    assert "microsoft" in _ident(plain).unbacked


def test_a_bare_address_whose_path_is_a_sign_in_page_is_an_action():
    raw = ('From: IT Helpdesk <helpdesk@quota-alerts.top>\nTo: alex@example.com\nSubject: Quota\n'
           'Content-Type: text/plain\n\nYour mailbox is almost full. Confirm your account within 24 '
           'hours using the secure portal below, otherwise your account will be suspended for good '
           'and every message waiting for you will be deleted from the server.\n\n'
           'https://mail-quota-check.top/owa/verify?user=alex\n\nIT Helpdesk\n').encode()
    ident = _ident(raw)
    assert ident.foreign_actions and "mail-quota-check.top" in ident.foreign_actions[0]


def test_free_mail_newsletter_naming_the_service_it_links_to_claims_it():
    body = ('<p>This month at Clearinvoice: new reports.</p>'
            '<p><a href="https://clearinvoice-billing78.r2.dev/5n53pw.html">Read the full post</a></p>'
            '<p><a href="https://app.clearinvoice.com/settings/notifications">Email preferences</a></p>')
    raw = _mail('"Clearinvoice Weekly" <clearinvoice.billing.dept@outlook.com>',
                "This month at Clearinvoice", body, GMAIL_AR.format(d="outlook.com"))
    assert "clearinvoice.com" in _ident(raw).unbacked
    # A person writing from free mail and linking to a site named after them claims nothing, and
    # neither does Outlook's own mail linking to microsoft.com (the brand list's to judge).
    person = _mail('"John Smith" <jsmith1987@gmail.com>', "Photos",
                   '<p>See <a href="https://www.johnsmith.net/photos">the album</a></p>',
                   GMAIL_AR.format(d="gmail.com"))
    assert not _ident(person).unbacked
    outlook = _mail('"Microsoft Outlook" <postmaster@outlook.com>', "Undeliverable",
                    '<p><a href="https://go.microsoft.com/fwlink/?LinkId=1">More help</a></p>',
                    GMAIL_AR.format(d="outlook.com"))
    assert not _ident(outlook).unbacked


def test_a_logo_alt_text_is_a_brand_claim_when_the_message_asks_to_act():
    body = ('<p><img src="https://cdn.example.net/l.png" alt="PayPal"></p><p>Your account is on '
            'hold.</p><p><a href="https://secure-check.example.net/login">Sign in</a></p>')
    raw = _mail('"Account Services" <notice@secure-check.example.net>', "Account on hold", body,
                GMAIL_AR.format(d="secure-check.example.net"))
    assert "paypal" in _ident(raw).unbacked
    # The same logo in a message that asks nothing claims nothing.
    quiet = _mail('"Account Services" <notice@secure-check.example.net>', "Our partners",
                  '<p><img src="https://cdn.example.net/l.png" alt="PayPal"></p><p>We accept it.</p>',
                  GMAIL_AR.format(d="secure-check.example.net"))
    assert not _ident(quiet).unbacked


def test_proven_forgeries_convict_whatever_the_wording(default_bundle):
    """identity_policy.yaml's convicting rules: a DMARC fail under the domain owner's reject
    policy, an authenticated lookalike of the brand, and a brand claimed by another authenticated
    organisation that sends the reader to sign in on an unrelated host, score at least the
    malicious threshold, the rule first among the reasons. The same reset from the brand itself
    is not touched."""
    from detectors.scoring import Item, Scorer, extract_item, message_key
    forged_ar = ("mx.google.com;\n       dkim=fail header.i=@paypal.com;\n       spf=fail "
                 "smtp.mailfrom=bounce@mailer.example;\n       dmarc=fail (p=REJECT sp=REJECT "
                 "dis=NONE) header.from=paypal.com")
    forged = _mail('"PayPal" <service@paypal.com>', "Lunch", "<p>Lunch on Friday?</p>", forged_ar)
    lookalike = _mail('"PayPal" <service@paypa1-secure.com>', "Reset your PayPal password",
                      PAYPAL_RESET.format(host="www.paypa1-secure.com"),
                      GMAIL_AR.format(d="paypa1-secure.com"))
    other_org = _mail('"PayPal" <service@secure-notices.net>', "Reset your PayPal password",
                      PAYPAL_RESET.format(host="account-review-center.net"),
                      GMAIL_AR.format(d="secure-notices.net"))
    own = _mail('"PayPal" <service@paypal.com>', "Reset your PayPal password",
                PAYPAL_RESET.format(host="www.paypal.com"), GMAIL_AR.format(d="paypal.com"))
    assert "impersonation.dmarc_enforced_fail" in _fired(forged)
    assert {"impersonation.sender_imitates", "impersonation.identity_proven"} <= _fired(lookalike)
    assert {"impersonation.brand_claim_unbacked", "impersonation.identity_proven",
            "payload.foreign_action_link"} <= _fired(other_org)
    assert "impersonation.sender_imitates" not in _fired(other_org) | _fired(own)
    items = [extract_item(Item(message_key(r), f"m{i}", parse_message(r)), CTX)
             for i, r in enumerate([forged, lookalike, other_org, own])]
    rows = Scorer(default_bundle).rows(items, "test")
    t = default_bundle.thresholds["malicious"]
    for row, rule in zip(rows[:3], ("dmarc_reject_failed", "authenticated_lookalike",
                                    "brand_of_another_organisation")):
        assert row["score"] >= t and row["verdict"] == "malicious"
        assert row["reasons"][0].endswith(f"({rule})")
    assert rows[3]["verdict"] == "benign" and "convict" not in " ".join(rows[3]["reasons"])
    # The rules read the signals that fired: all of a rule's, not some of them.
    from features.identity import convicting_rule
    other = {"impersonation.brand_claim_unbacked", "impersonation.identity_proven",
             "payload.foreign_action_link"}
    assert convicting_rule(other) == 2
    assert convicting_rule(other - {"payload.foreign_action_link"}) == -1
    assert convicting_rule({"impersonation.sender_imitates"}) == -1
    assert default_bundle.floor(np.array([0.1, 0.1]), np.array([2, -1])).tolist() == [t, 0.1]


def test_a_proven_sender_presenting_another_service_is_convicted():
    """"Ledgerbooks" from an unrelated authenticated organisation, linking to ledgerbooks.com:
    the account of one organisation sending as another's service (service_sent_by_another).
    Not when the names say one owner (Facebook's facebookmail.com), the service sends for
    itself, or a platform that names itself sends for its customer ("Globex via Stripe")."""
    from features.identity import convicting_rule
    body = ('<p>This month at Ledgerbooks: five habits of calm finance teams.</p>'
            '<p><a href="https://www.ledgerbooks.com/blog/five-habits">Read the issue</a></p>')
    other = _mail('"Ledgerbooks" <info@ironbridgebuilders.biz>', "This month at Ledgerbooks",
                  body, GMAIL_AR.format(d="ironbridgebuilders.biz"))
    assert _ident(other).presents_as == "ledgerbooks.com"
    fired = _fired(other)
    assert "impersonation.presents_other_service" in fired
    assert policy().convicting[convicting_rule(fired)].name == "service_sent_by_another"
    own = _mail('"Ledgerbooks" <news@ledgerbooks.com>', "This month at Ledgerbooks", body,
                GMAIL_AR.format(d="ledgerbooks.com"))
    facebook = _mail('"Facebook" <notification@facebookmail.com>', "New login",
                     '<p><a href="https://www.facebook.com/settings">Open Facebook</a></p>',
                     GMAIL_AR.format(d="facebookmail.com"))
    via = _mail('"Globex via Stripe" <invoice+statements@stripe.com>', "Your Globex invoice",
                '<p><a href="https://www.globex.com/billing">Globex billing</a></p>',
                GMAIL_AR.format(d="stripe.com"))
    for raw in (own, facebook, via):
        assert not _ident(raw).presents_as
        assert convicting_rule(_fired(raw)) == -1


def test_a_proven_sender_linking_to_a_lookalike_of_itself_is_convicted():
    from features.identity import convicting_rule
    raw = _mail('"Acme Payroll" <billing@acmepayroll.com>', "Your invoice",
                '<p>Your invoice is ready.</p><p><a href="https://acmepayro11.com/invoice/77">'
                'View invoice</a></p>', GMAIL_AR.format(d="acmepayroll.com"))
    fired = _fired(raw)
    assert {"payload.lookalike_link", "impersonation.identity_proven"} <= fired
    assert policy().convicting[convicting_rule(fired)].name in ("link_to_lookalike",
                                                                "brand_of_another_organisation")
