"""Authentication-Results parsing and its trust policy (features/authentication.py).

The header values marked "real" are copied verbatim (as parsed: unfolded) from the public corpora
in /work/shared/corpora: phishing_pot_2022_2024 (Microsoft 365, Proton) and political_bulk_2019
(Gmail).
"""
from __future__ import annotations

import time

import pytest

from features.authentication import (aligned, alignment_detail, authenticated_domain,
                                     parse_authentication)
from features.message import AuthResults
from features.parsing import parse_message

AR = "Authentication-Results"
ARC = "ARC-Authentication-Results"
RSPF = "Received-SPF"
RCVD = "Received"

FORGED = ("evil.example; dkim=pass header.d=paypal.com; spf=pass smtp.mailfrom=paypal.com; "
          "dmarc=pass header.from=paypal.com")

# ---- real: Microsoft 365 (phishing_pot), the receiving tenant's headers from the top down ----
M365_AR = ("spf=pass (sender IP is 52.100.173.223) smtp.mailfrom=escuelagricol1.at9adawli.pro; "
           "dkim=pass (signature was verified) header.d=escuelagricolacl.onmicrosoft.com;"
           "dmarc=bestguesspass action=none header.from=escuelagricol1.at9adawli.pro;"
           "compauth=pass reason=109")
M365_HEADERS = [
    (RCVD, "from PH8P223MB0574.NAMP223.PROD.OUTLOOK.COM (::1) by LV3P223MB0968.NAMP223.PROD."
           "OUTLOOK.COM with HTTPS; Tue, 10 Sep 2024 10:18:07 +0000"),
    (ARC, "i=2; mx.microsoft.com 1; spf=pass (sender ip is 52.100.173.223) "
          "smtp.rcpttodomain=hotmail.com smtp.mailfrom=escuelagricol1.at9adawli.pro; "
          "dmarc=bestguesspass action=none header.from=escuelagricol1.at9adawli.pro; dkim=pass "
          "(signature was verified) header.d=escuelagricolacl.onmicrosoft.com; arc=pass (0 oda=1 "
          "ltdi=1 spf=[1,1,smtp.mailfrom=escuelagricol1.at9adawli.pro] "
          "dkim=[1,1,header.d=escuelagricol1.at9adawli.pro] "
          "dmarc=[1,1,header.from=escuelagricol1.at9adawli.pro])"),
    (RCVD, "from MWH0EPF000971E3.namprd02.prod.outlook.com (2603:10b6:a03:167:cafe::ee) by "
           "BY5PR17CA0068.outlook.office365.com (2603:10b6:a03:167::45) with Microsoft SMTP Server "
           "via Frontend Transport; Tue, 10 Sep 2024 10:18:04 +0000"),
    (AR, M365_AR),
    (RSPF, "Pass (protection.outlook.com: domain of escuelagricol1.at9adawli.pro designates "
           "52.100.173.223 as permitted sender) receiver=protection.outlook.com; "
           "client-ip=52.100.173.223; helo=NAM11-CO1-obe.outbound.protection.outlook.com; pr=C"),
    (RCVD, "from NAM11-CO1-obe.outbound.protection.outlook.com (52.100.173.223) by "
           "MWH0EPF000971E3.mail.protection.outlook.com (10.167.243.70) with Microsoft SMTP Server "
           "via Frontend Transport; Tue, 10 Sep 2024 10:18:03 +0000"),
    (ARC, "i=1; mx.microsoft.com 1; spf=pass smtp.mailfrom=escuelagricol1.at9adawli.pro; "
          "dmarc=pass action=none header.from=escuelagricol1.at9adawli.pro; dkim=pass "
          "header.d=escuelagricol1.at9adawli.pro; arc=none"),
    ("From", "Comfy Memory Foam Seat Cushion <evvy_lagadu_26788@escuelagricol1.at9adawli.pro >"),
]
M365_EXPECTED = AuthResults(
    spf="pass", dkim="pass", dmarc="bestguesspass", dmarc_policy="none",
    spf_domain="escuelagricol1.at9adawli.pro",
    dkim_domains=("escuelagricolacl.onmicrosoft.com",),
    dmarc_from="escuelagricol1.at9adawli.pro", compauth="pass", authserv_id="",
    source="authentication-results")
# real (phishing_pot): a failing signature, no SPF record, compauth=pass all the same
M365_FAIL_AR = ("spf=none (sender IP is 52.100.175.210) smtp.mailfrom=iesfranch.9amla.shop; "
                "dkim=fail (no key for signature) header.d=iesfranchyrocaes.onmicrosoft.com;"
                "dmarc=none action=none header.from=iesfranch.9amla.shop;compauth=pass reason=130")
# real (phishing_pot): trailing ";", "dkim=none (message not signed) header.d=none"
M365_NONE_AR = ("dkim=none (message not signed) header.d=none;dmarc=none action=none "
                "header.from=vmware.com;")

# ---- real: Gmail (political_bulk_2019) ----
GMAIL_AR = ("mx.google.com; dkim=pass header.i=@elizabethwarren.com header.s=elizabethwarrenkey "
            "header.b=WyutuLdc; spf=pass (google.com: domain of egrerwykb1vdalibugdrwqumaqaevlm6a1n"
            "rdergxamecw4nsaervrdbvvtea1uiafxwvvlwdf9mwl0opwyhuffv@bounce.bluestatedigital.com "
            "designates 63.251.142.16 as permitted sender) smtp.mailfrom=EgRERwYKb1VdAlIBUgdRWQUM"
            "AQAEVlM6A1NRDERGXAMECw4NSAERVRdBVVteA1UIAFxwVVlWDF9MWl0OPwYHUFFV@bounce.bluestatedigit"
            "al.com; dmarc=pass (p=REJECT sp=REJECT dis=NONE) header.from=elizabethwarren.com")
GMAIL_HEADERS = [
    (RCVD, "by 2002:ac0:f3d0:0:0:0:0:0 with SMTP id q16csp3301020imp; Mon, 28 Oct 2019 07:10:16 "
           "-0700 (PDT)"),
    (ARC, "i=1; " + GMAIL_AR),
    (RCVD, "from mta-dock-front-118.bluestatedigital.com (mta-dock-front-118.bluestatedigital.com. "
           "[63.251.142.16]) by mx.google.com with ESMTPS id "
           "s32si9053351qtd.158.2019.10.28.07.10.16 for <ajcorrigan88+ewarrenoffice@gmail.com>; "
           "Mon, 28 Oct 2019 07:10:16 -0700 (PDT)"),
    (RSPF, "pass (google.com: domain of egrerwykb1vdalibugdrwqumaqaevlm6a1nrdergxamecw4nsaervrdbvvt"
           "ea1uiafxwvvlwdf9mwl0opwyhuffv@bounce.bluestatedigital.com designates 63.251.142.16 as "
           "permitted sender) client-ip=63.251.142.16;"),
    (AR, GMAIL_AR),
    (RCVD, "from bounce.bluestatedigital.com (unknown [10.0.200.16]) by mta-dock-front-118."
           "bluestatedigital.com (Postfix) with ESMTP id 471xRZ5cpwzMl7V; Mon, 28 Oct 2019 "
           "14:09:30 +0000 (UTC)"),
    ("From", "Elizabeth Warren <info@elizabethwarren.com>"),
]
GMAIL_EXPECTED = AuthResults(
    spf="pass", dkim="pass", dmarc="pass", dmarc_policy="reject",
    spf_domain="bounce.bluestatedigital.com",
    dkim_domains=("elizabethwarren.com",), dmarc_from="elizabethwarren.com",
    authserv_id="mx.google.com", source="authentication-results")

# ---- real: Proton's Postfix, one header per milter, all with the same authserv-id ----
PROTON_HEADERS = [
    (AR, "mailin046.protonmail.ch; dkim=pass (Good 2048 bit rsa-sha256 signature) "
         "header.d=insideapple.apple.com header.a=rsa-sha256"),
    (AR, "mailin046.protonmail.ch; dmarc=pass (p=reject dis=none) "
         "header.from=insideapple.apple.com"),
    (AR, "mailin046.protonmail.ch; spf=pass smtp.mailfrom=insideapple.apple.com"),
    (AR, "mailin046.protonmail.ch; arc=none smtp.remote-ip=17.179.250.75"),
    (AR, "mailin046.protonmail.ch; dkim=pass (2048-bit key) header.d=insideapple.apple.com "
         "header.i=@insideapple.apple.com header.b=\"ZDQO4yQ3\""),
    (RCVD, "from rn2-msbadger04102.apple.com (rn2-msbadger04102.apple.com [17.179.250.75]) by "
           "mailin046.protonmail.ch (Postfix) with ESMTPS"),
    ("From", "Apple Pay <applepay@insideapple.apple.com>"),
]

# ---- generic Postfix + OpenDKIM + OpenDMARC + policyd-spf (one AR header per milter) ----
POSTFIX_HEADERS = [
    (RCVD, "from mail.example.com (mail.example.com [192.0.2.1]) by mail.example.org (Postfix) "
           "with ESMTPS id 4AbCdE; Mon, 1 Jan 2024 10:00:00 +0000"),
    (AR, "mail.example.org; dmarc=pass (p=reject dis=none) header.from=example.com"),
    ("DKIM-Filter", "OpenDKIM Filter v2.11.0 mail.example.org 4AbCdE"),
    (AR, "mail.example.org;\n\tdkim=pass (2048-bit key; unprotected) header.d=example.com "
         "header.i=@example.com header.b=abc"),
    (AR, "mail.example.org; spf=pass smtp.mailfrom=example.com"),
    (RCVD, "from [10.0.0.5] by mail.example.com; Mon, 1 Jan 2024 09:59:59 +0000"),
    ("From", "Alice <alice@example.com>"),
]
POSTFIX_MERGED = AuthResults(
    spf="pass", dkim="pass", dmarc="pass", dmarc_policy="reject", spf_domain="example.com",
    dkim_domains=("example.com",), dmarc_from="example.com", authserv_id="mail.example.org",
    source="authentication-results")


def _triple(a: AuthResults) -> tuple:
    return a.spf, a.dkim, a.dmarc


# --------------------------------------------------------------------------------------------
# real shapes


def test_microsoft_365_topmost_by_default():
    auth = parse_authentication(M365_HEADERS)
    assert auth == M365_EXPECTED


def test_microsoft_365_trusted_as_none():
    # Microsoft writes no authserv-id: "none" in the configuration stands for it
    assert parse_authentication(M365_HEADERS, ["none"]) == M365_EXPECTED
    assert parse_authentication(M365_HEADERS, frozenset({"NONE"})) == M365_EXPECTED


def test_microsoft_365_bestguesspass_and_compauth_prove_only_through_alignment():
    auth = parse_authentication(M365_HEADERS)
    from_dom = "escuelagricol1.at9adawli.pro"
    # d= is the sender's onmicrosoft.com tenant (not aligned); SPF's mail-from is aligned
    assert authenticated_domain(auth, from_dom) == "at9adawli.pro"
    assert alignment_detail(auth, from_dom) == (
        "DKIM pass for d=escuelagricolacl.onmicrosoft.com (not aligned), SPF-aligned, "
        "DMARC best-guess pass (no DMARC policy published), compauth=pass")
    no_spf = AuthResults(dkim="pass", dkim_domains=("escuelagricolacl.onmicrosoft.com",),
                         dmarc="bestguesspass", dmarc_from=from_dom, compauth="pass")
    assert authenticated_domain(no_spf, from_dom) == ""


def test_microsoft_365_failing_signature():
    auth = parse_authentication([(AR, M365_FAIL_AR)])
    assert auth == AuthResults(spf="none", dkim="fail", dmarc="none", dmarc_policy="none",
                               spf_domain="iesfranch.9amla.shop", dkim_domains=(),
                               dmarc_from="iesfranch.9amla.shop", compauth="pass",
                               source="authentication-results")
    assert authenticated_domain(auth, "iesfranch.9amla.shop") == ""


def test_microsoft_365_unsigned_with_trailing_semicolon():
    auth = parse_authentication([(AR, M365_NONE_AR)])
    assert auth == AuthResults(dkim="none", dmarc="none", dmarc_from="vmware.com",
                               dmarc_policy="none", source="authentication-results")


def test_microsoft_365_received_spf_fills_missing_spf():
    auth = parse_authentication([(AR, M365_NONE_AR), (RSPF, "Fail (protection.outlook.com: "
                                 "domain of x.example does not designate 192.0.2.9 as permitted "
                                 "sender) receiver=protection.outlook.com; client-ip=192.0.2.9;")])
    assert _triple(auth) == ("fail", "none", "none")
    assert auth.source == "authentication-results"


def test_gmail():
    assert parse_authentication(GMAIL_HEADERS) == GMAIL_EXPECTED
    assert parse_authentication(GMAIL_HEADERS, {"mx.google.com"}) == GMAIL_EXPECTED
    assert authenticated_domain(GMAIL_EXPECTED, "elizabethwarren.com") == "elizabethwarren.com"
    assert alignment_detail(GMAIL_EXPECTED, "elizabethwarren.com") == (
        "DKIM-aligned (d=elizabethwarren.com), SPF pass for bounce.bluestatedigital.com "
        "(not aligned), DMARC pass")


def test_generic_postfix_default_mode_counts_only_the_topmost_header():
    auth = parse_authentication(POSTFIX_HEADERS)
    assert auth == AuthResults(dmarc="pass", dmarc_from="example.com", dmarc_policy="reject",
                               authserv_id="mail.example.org", source="authentication-results")


def test_generic_postfix_trusted_id_merges_the_milters_headers():
    auth = parse_authentication(POSTFIX_HEADERS, ["mail.example.org"])
    assert auth == POSTFIX_MERGED
    assert alignment_detail(auth, "example.com") == \
        "DKIM-aligned (d=example.com), SPF-aligned, DMARC pass"


def test_proton_per_milter_headers():
    assert parse_authentication(PROTON_HEADERS) == AuthResults(
        dkim="pass", dkim_domains=("insideapple.apple.com",),
        authserv_id="mailin046.protonmail.ch", source="authentication-results")
    merged = parse_authentication(PROTON_HEADERS, ["mailin046.protonmail.ch"])
    assert merged == AuthResults(
        spf="pass", dkim="pass", dmarc="pass", dmarc_policy="reject",
        spf_domain="insideapple.apple.com",
        dkim_domains=("insideapple.apple.com",), dmarc_from="insideapple.apple.com",
        authserv_id="mailin046.protonmail.ch", source="authentication-results")
    assert authenticated_domain(merged, "insideapple.apple.com") == "apple.com"


def test_arc_from_a_trusted_forwarder_when_the_top_ar_is_untrusted():
    headers = [
        (AR, "lists.example.net; spf=fail smtp.mailfrom=list-bounces@lists.example.net; "
             "dkim=fail header.d=paypal.com; dmarc=fail header.from=paypal.com"),
        (ARC, "i=2; lists.example.net; spf=fail smtp.mailfrom=lists.example.net; dkim=fail "
              "header.d=paypal.com"),
        (RCVD, "from mail-sor-f41.google.com by lists.example.net"),
        (ARC, "i=1; " + GMAIL_AR),
        (RCVD, "from mta-dock-front-118.bluestatedigital.com by mx.google.com"),
    ]
    # default: the topmost header counts, ARC is ignored
    assert _triple(parse_authentication(headers)) == ("fail", "fail", "fail")
    # trusted Gmail: no AR header of its own, so its ARC seal (the highest trusted instance) counts
    auth = parse_authentication(headers, ["mx.google.com"])
    assert auth == AuthResults(
        spf="pass", dkim="pass", dmarc="pass", dmarc_policy="reject",
        spf_domain="bounce.bluestatedigital.com",
        dkim_domains=("elizabethwarren.com",), dmarc_from="elizabethwarren.com",
        authserv_id="mx.google.com", source="arc-authentication-results")
    # an id that wrote nothing here: nothing counts
    assert parse_authentication(headers, ["mx.example.org"]) == AuthResults()


def test_arc_highest_trusted_instance_wins():
    auth = parse_authentication(M365_HEADERS[:3], ["mx.microsoft.com"])   # AR left out
    assert auth.source == "arc-authentication-results"
    assert auth.dmarc == "bestguesspass"                  # i=2, not i=1's dmarc=pass
    assert auth.dkim_domains == ("escuelagricolacl.onmicrosoft.com",)
    # with the receiver's AR present, a trusted AR beats any ARC seal
    assert parse_authentication(M365_HEADERS, ["mx.microsoft.com", "none"]) == M365_EXPECTED


# --------------------------------------------------------------------------------------------
# forged headers


def test_forged_header_below_the_receivers_changes_nothing_by_default():
    for real, expected in ((M365_HEADERS, M365_EXPECTED), (GMAIL_HEADERS, GMAIL_EXPECTED)):
        idx = max(i for i, (n, _) in enumerate(real) if n == AR)
        for at in (idx + 1, len(real)):
            forged = list(real)
            forged.insert(at, (AR, FORGED))
            assert parse_authentication(forged) == expected


def test_forged_header_alone_counts_by_default_but_proves_only_its_claims():
    # with no receiver header, the topmost is all there is: this is why trusted ids exist
    auth = parse_authentication([(AR, FORGED)])
    assert auth.authserv_id == "evil.example"
    assert parse_authentication([(AR, FORGED)], ["mx.google.com"]) == AuthResults()


def test_forged_header_with_a_trusted_id_below_the_trusted_one_changes_nothing():
    forged = FORGED.replace("evil.example", "mail.example.org")
    for at in (5, 6):                        # below the sender's Received; or at the very bottom
        headers = list(POSTFIX_HEADERS)
        headers.insert(at, (AR, forged))
        assert parse_authentication(headers, ["mail.example.org"]) == POSTFIX_MERGED
    # directly below the receiver's header (no Received in between): the receiver's own results
    # for a method are never overridden by a later header of the same id
    real = ("mail.example.org; spf=fail smtp.mailfrom=paypal-alerts.example; dkim=none; "
            "dmarc=fail header.from=paypal.com")
    auth = parse_authentication([(AR, real), (AR, forged)], ["mail.example.org"])
    assert _triple(auth) == ("fail", "none", "fail")
    assert auth.dkim_domains == ()
    assert authenticated_domain(auth, "paypal.com") == ""


def test_untrusted_id_on_top_is_skipped_when_ids_are_configured():
    headers = [(AR, FORGED)] + GMAIL_HEADERS
    assert parse_authentication(headers, ["mx.google.com"]) == GMAIL_EXPECTED
    assert parse_authentication(headers).authserv_id == "evil.example"
    # Microsoft's id-less header is not trusted unless "none" is configured
    assert parse_authentication(M365_HEADERS, ["mx.google.com"]) == AuthResults(
        spf="pass", source="received-spf")


# --------------------------------------------------------------------------------------------
# results and fallbacks


@pytest.mark.parametrize("value,expected", [
    ("mx.example.org; spf=hardfail smtp.mailfrom=a.example", ("fail", None, None)),
    ("mx.example.org; SPF=PermError; DMARC=TempError; DKIM=Policy", ("permerror", "policy",
                                                                   "temperror")),
    ("mx.example.org; dkim=fail header.d=a.example; dkim=pass header.d=b.example; "
     "dkim=neutral header.d=c.example", (None, "pass", None)),
    ("mx.example.org; dkim=temperror header.d=a.example; dkim=fail header.d=b.example",
     (None, "temperror", None)),
    ("mx.example.org; spf=softfail smtp.helo=mta.a.example", ("softfail", None, None)),
    ("mx.example.org; none", (None, None, None)),
    ("mx.example.org 1; arc=pass (i=1 spf=fail dkim=fail); dkim-atps=neutral; spf=pass",
     ("pass", None, None)),
])
def test_result_words(value, expected):
    assert _triple(parse_authentication([(AR, value)])) == expected


def test_domains_of_passing_signatures_only():
    auth = parse_authentication([(AR, "mx.example.org; dkim=fail header.d=A.example; "
                                      "dkim=pass header.i=@Mail.B.example; dkim=pass "
                                      "header.d=c.example header.i=x@c.example; "
                                      "spf=softfail smtp.helo=mta.a.example; "
                                      "dmarc=pass header.from=<news@B.example>")])
    assert auth.dkim_domains == ("mail.b.example", "c.example")
    assert auth.spf_domain == "mta.a.example"
    assert auth.dmarc_from == "b.example"


def test_received_spf_fallback_when_no_ar_header():
    auth = parse_authentication([(RSPF, "Pass (mx.example.org: domain of a@b.example designates "
                                        "192.0.2.1 as permitted sender) client-ip=192.0.2.1; "
                                        "envelope-from=<a@B.example>; helo=mta.b.example;")])
    assert auth == AuthResults(spf="pass", spf_domain="b.example", source="received-spf")
    auth = parse_authentication([(RSPF, "SoftFail identity=helo; helo=mta.c.example; "
                                        "client-ip=192.0.2.1")])
    assert auth == AuthResults(spf="softfail", spf_domain="mta.c.example", source="received-spf")
    assert parse_authentication([]) == AuthResults()


def test_folded_values_and_header_name_case():
    auth = parse_authentication([("AUTHENTICATION-RESULTS", "mx.example.org;\r\n  spf=pass\n\t"
                                  "smtp.mailfrom=a.example;\n dkim=pass (good\n signature)"
                                  " header.d=a.example")])
    assert auth.authserv_id == "mx.example.org"
    assert _triple(auth) == ("pass", "pass", None)


def test_not_strictly_rfc_shapes():
    # real (Proton): "arc.chain=:x" cannot be parsed: only that clause is lost
    auth = parse_authentication([(AR, "mailin033.protonmail.ch; arc=pass "
                                      "smtp.remote-ip=51.77.22.156 arc.chain=:improvmx-mails.com; "
                                      "dkim=pass header.d=a.example")])
    assert auth.dkim_domains == ("a.example",)
    # real (Microsoft): non-ASCII header.from, stray "outlook.com;" pieces, empty mail-from
    auth = parse_authentication([(AR, "spf=temperror (sender IP is 194.110.172.191) "
                                      "smtp.helo=Lunar.shift.md; dkim=none (message not signed) "
                                      "header.d=none;dmarc=none action=none "
                                      "header.from=𝗲𝗯𝗮𝘆.𝗱e;")])
    assert auth == AuthResults(spf="temperror", dkim="none", dmarc="none", dmarc_policy="none",
                               spf_domain="lunar.shift.md", dmarc_from="𝗲𝗯𝗮𝘆.𝗱e",
                               source="authentication-results")
    auth = parse_authentication([(AR, "spf=pass (sender IP is 104.47.124.246) smtp.helo=APC01-HK2-"
                                      "obe.outbound.protection.outlook.com; outlook.com; dkim=none "
                                      "(message not signed) header.d=none;outlook.com; dmarc=pass "
                                      "action=none header.from=outlook.com;")])
    assert _triple(auth) == ("pass", "none", "pass")
    assert auth.dmarc_from == "outlook.com"
    auth = parse_authentication([(AR, "spf=none (sender IP is ) smtp.mailfrom=<>;")])
    assert auth.spf == "none" and auth.spf_domain == ""
    # a comment left open ends at the next ";" rather than swallowing the header
    auth = parse_authentication([(AR, "mx.example.org; dkim=pass (good header.d=a.example; "
                                      "spf=pass smtp.mailfrom=a.example")])
    assert _triple(auth) == ("pass", "pass", None)
    # old Yahoo: "from=" after the id
    auth = parse_authentication([(AR, "mta4007.mail.ne1.yahoo.com from=yahoo.com; "
                                      "domainkeys=neutral (no sig); from=yahoo.com; "
                                      "dkim=pass (ok)")])
    assert auth.authserv_id == "mta4007.mail.ne1.yahoo.com" and auth.dkim == "pass"


# --------------------------------------------------------------------------------------------
# hostile input


JUNK = [
    "x" * 65536,
    "(" * 65536,
    ")" * 65536,
    ";" * 65536,
    '"' * 65536,
    "\\" * 65536,
    "=" * 65536,
    "a=b " * 16384,
    "mx.example.org; " + "dkim=pass header.d=" + "a." * 32000,
    "mx.example.org; spf=pass " + "smtp.mailfrom=a " * 4000,
    "mx.example.org; " + "dkim=pass; " * 6000,
    "mx.example.org; dkim=pass (" + "(a)" * 20000,
    "mx.example.org; dkim=pass header.b=\"" + "\\\"" * 30000,
    "i=1; " + "\x00\udcff\u202e" * 20000,
    "spf=pass " + "%" * 60000,
    "",
    " ",
]


@pytest.mark.parametrize("value", JUNK, ids=range(len(JUNK)))
def test_junk_never_raises_and_stays_fast(value):
    headers = [(AR, value), (ARC, value), (RSPF, value)]
    start = time.perf_counter()
    for trusted in ((), ("mx.example.org", "none", "x")):
        auth = parse_authentication(headers, trusted)
        assert isinstance(auth, AuthResults)
    assert time.perf_counter() - start < 2.0


@pytest.mark.parametrize("value", ["mx.example.org; " + "(a;b) c=d; " * 5000, "(" * 65536,
                                   '"' * 65536])
def test_many_junk_headers_are_bounded(value):
    # only the first few dozen (ARC-)Authentication-Results, and 8 KiB of each, are ever read
    headers = [(AR, value + str(i)) for i in range(1000)] + [(ARC, f"i={i}; " + value)
                                                             for i in range(1000)]
    start = time.perf_counter()
    auth = parse_authentication(headers, ["mx.example.org"])
    assert time.perf_counter() - start < 5.0
    assert auth.source in ("", "authentication-results")


def test_odd_inputs_never_raise():
    assert parse_authentication([(AR, None)]) == AuthResults()        # type: ignore[list-item]
    assert parse_authentication([(None, None)]) == AuthResults()      # type: ignore[list-item]
    assert parse_authentication(None) == AuthResults()                # type: ignore[arg-type]
    assert parse_authentication([(AR, "mx.example.org; spf=pass")], "mx.example.org").spf == "pass"


# --------------------------------------------------------------------------------------------
# alignment


@pytest.mark.parametrize("a,b,expected", [
    ("mail.paypal.com", "paypal.com", True),
    ("paypal.com", "em.mail.PAYPAL.com.", True),
    ("paypal.co.uk", "mail.paypal.co.uk", True),
    ("paypal.co.uk", "other.co.uk", False),
    ("shop.com", "sendgrid.net", False),
    ("paypal.com", "paypa1-secure.com", False),
    ("paypal.com", "bounce@mail.paypal.com", True),
    ("", "", False),
    ("192.0.2.1", "192.0.2.1", False),
    ("paypal.com", "none", False),
])
def test_aligned(a, b, expected):
    assert aligned(a, b) is expected


def test_authenticated_domain():
    sendgrid = AuthResults(spf="pass", spf_domain="sendgrid.net", dkim="pass",
                           dkim_domains=("sendgrid.net",), dmarc="fail", dmarc_from="shop.com")
    assert authenticated_domain(sendgrid, "shop.com") == ""
    assert alignment_detail(sendgrid, "shop.com") == (
        "DKIM pass for d=sendgrid.net (not aligned), SPF pass for sendgrid.net (not aligned), "
        "DMARC fail")
    sub = AuthResults(dkim="pass", dkim_domains=("mail.paypal.com",))
    assert authenticated_domain(sub, "paypal.com") == "paypal.com"
    assert authenticated_domain(sub, "service.paypal.com") == "paypal.com"
    uk = AuthResults(spf="pass", spf_domain="bounce.shop.co.uk")
    assert authenticated_domain(uk, "shop.co.uk") == "shop.co.uk"
    assert authenticated_domain(uk, "other.co.uk") == ""
    spf_fail = AuthResults(spf="softfail", spf_domain="shop.co.uk")
    assert authenticated_domain(spf_fail, "shop.co.uk") == ""
    # an attacker's own lookalike domain passes DMARC: it is proven to be THAT domain only
    look = AuthResults(spf="pass", spf_domain="paypa1-secure.com", dkim="pass",
                       dkim_domains=("paypa1-secure.com",), dmarc="pass",
                       dmarc_from="paypa1-secure.com")
    assert authenticated_domain(look, "paypa1-secure.com") == "paypa1-secure.com"
    assert authenticated_domain(look, "paypal.com") == ""
    assert alignment_detail(look, "paypal.com") == (
        "DKIM pass for d=paypa1-secure.com (not aligned), SPF pass for paypa1-secure.com "
        "(not aligned), DMARC pass for paypa1-secure.com (not the From domain)")
    # DMARC pass alone needs its header.from to be the From domain's organisation
    assert authenticated_domain(AuthResults(dmarc="pass", dmarc_from="news.shop.com"),
                                "shop.com") == "shop.com"
    assert authenticated_domain(AuthResults(dmarc="pass"), "shop.com") == ""
    assert authenticated_domain(AuthResults(), "shop.com") == ""
    assert authenticated_domain(look, "") == ""
    assert alignment_detail(AuthResults(), "shop.com") == "no authentication results"


# --------------------------------------------------------------------------------------------
# parse_message


def _raw(headers: list[tuple[str, str]]) -> bytes:
    lines = [f"{n}: {v}" for n, v in headers]
    return ("\r\n".join(lines) + "\r\nTo: someone@hotmail.com\r\nSubject: hi\r\n\r\nbody\r\n"
            ).encode("utf-8")


def test_parse_message_carries_the_new_fields():
    assert parse_message(_raw(M365_HEADERS)).auth == M365_EXPECTED
    assert parse_message(_raw(GMAIL_HEADERS)).auth == GMAIL_EXPECTED
    folded = ("Authentication-Results: mail.example.org;\r\n\tdkim=pass (2048-bit key;\r\n"
              "\tunprotected) header.d=Example.com header.i=@example.com header.b=abc;\r\n"
              "\tspf=pass smtp.mailfrom=bounce@example.com\r\n"
              "Authentication-Results: evil.example; dmarc=pass header.from=example.com\r\n"
              "From: alice@example.com\r\n\r\nbody\r\n").encode()
    auth = parse_message(folded).auth
    assert auth == AuthResults(spf="pass", dkim="pass", spf_domain="example.com",
                               dkim_domains=("example.com",), authserv_id="mail.example.org",
                               source="authentication-results")


def test_parse_message_keeps_auth_headers_beyond_the_header_limit():
    junk = "".join(f"X-Junk-{i}: {i}\r\n" for i in range(1500))
    raw = (junk + f"ARC-Authentication-Results: i=1; {GMAIL_AR}\r\n"
           f"Authentication-Results: {GMAIL_AR}\r\nFrom: info@elizabethwarren.com\r\n\r\nbody\r\n")
    p = parse_message(raw.encode())
    assert p.auth == GMAIL_EXPECTED
    assert any(n.lower() == "arc-authentication-results" for n, _ in p.headers)


@pytest.mark.parametrize("header,policy", [
    ("mx.google.com; dkim=pass header.i=@x.com; spf=pass smtp.mailfrom=x.com; "
     "dmarc=fail (p=REJECT sp=REJECT dis=NONE) header.from=paypal.com", "reject"),
    ("spf=fail (sender IP is 1.2.3.4) smtp.mailfrom=x.com; dkim=none (message not signed) "
     "header.d=none;dmarc=fail action=oreject header.from=paypal.com;compauth=fail reason=000",
     "reject"),
    ("spf=pass smtp.mailfrom=x.com; dkim=none; dmarc=fail action=quarantine header.from=a.com",
     "quarantine"),
    ("mx.google.com; dmarc=fail (p=NONE sp=NONE dis=NONE) header.from=campaign.com", "none"),
    ("mx.example.net; dmarc=fail (p=none dis=quarantine) header.from=a.com", "none"),
    ("mx.example.net; dmarc=fail header.from=a.com", ""),
    ("mx.example.net; spf=pass smtp.mailfrom=a.com", ""),
])
def test_dmarc_policy_the_receiver_reported(header, policy):
    """Gmail and OpenDMARC write the owner's policy in a comment, Microsoft 365 as an action."""
    raw = (f"Authentication-Results: {header}\nFrom: a@paypal.com\nSubject: s\n\nbody\n").encode()
    assert parse_message(raw).auth.dmarc_policy == policy
