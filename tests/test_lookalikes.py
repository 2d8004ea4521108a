"""Legitimate notification families and their phishing twins (labeling/lookalikes.py): reproducible,
parseable, legitimate mail authenticated and linked on its own domain, every twin trick present, and
header names distributed alike in both classes so that only identity separates them."""
from __future__ import annotations

import csv
from collections import Counter
from email.parser import BytesHeaderParser

import pytest

from features.domains import registrable_domain, to_unicode
from features.parsing import parse_message
from labeling.lookalikes import (FAMILIES, LOOKALIKE_VERSION, TRICKS, generate_family, load_data,
                                 lookalike_sources)
from labeling.synthetic import SyntheticMessage

N = 14
HARMLESS_DEFECTS: set[str] = set()      # the generator writes clean MIME: no defect is expected at all
DSN = "delivery_report"                 # bounces and auto-replies: mail systems, not services, send them


@pytest.fixture(scope="module")
def msgs() -> dict[tuple[str, bool], list[SyntheticMessage]]:
    return {(f, twin): generate_family(f, N, seed=5, twin=twin) for f in FAMILIES for twin in (False, True)}


@pytest.fixture(scope="module")
def parsed(msgs):
    return {k: [parse_message(m.raw) for m in v] for k, v in msgs.items()}


def _neutral_hosts() -> tuple[str, ...]:
    world = load_data()["world"]
    return tuple(world["esp_link_hosts"]) + tuple(world["cdn_hosts"])


def _on(host: str, suffixes: tuple[str, ...]) -> bool:
    return any(host == s or host.endswith("." + s) for s in suffixes)


def test_families_and_api():
    assert len(FAMILIES) == 11 and len(set(FAMILIES)) == 11 and DSN in FAMILIES
    assert set(TRICKS) == {"lookalike", "spoof", "freemail", "compromised", "foreign_link"}
    assert isinstance(LOOKALIKE_VERSION, int)
    with pytest.raises(ValueError, match="unknown family"):
        generate_family("no_such_family", 1, 0, False)


def test_every_family_generates_n_per_class_deterministically(msgs):
    for (family, twin), ms in msgs.items():
        assert len(ms) == N
        assert all(m.label == ("malicious" if twin else "benign") for m in ms)
        assert all(m.kind.startswith(f"{family}/{'twin' if twin else 'legit'}/") for m in ms)
        assert len({m.raw for m in ms}) == N
    for family in FAMILIES[:3]:
        for twin in (False, True):
            again = generate_family(family, 4, seed=5, twin=twin)
            assert [m.raw for m in again] == [m.raw for m in msgs[(family, twin)][:4]]
            assert [m.raw for m in generate_family(family, 4, seed=6, twin=twin)] != [m.raw for m in again]


def test_every_message_parses_with_from_subject_text_and_links(parsed):
    for (family, twin), ps in parsed.items():
        for p in ps:
            assert set(p.defects) <= HARMLESS_DEFECTS, (family, twin, p.defects)
            assert p.from_ is not None and p.from_.valid
            assert p.subject and p.message_id and p.date and p.received
            assert len(p.text) > 40, (family, twin, p.subject)
            if family != DSN or twin:          # a twin always carries its call to action
                assert p.links, (family, twin, p.subject)
            if family != DSN:                  # a bounce made by the user's own server crossed no gateway
                assert p.from_.display_name and p.header("Authentication-Results")
        if family == DSN:                      # ... but most delivery reports were stamped by the receiver
            assert sum(bool(p.header("Authentication-Results")) for p in ps) >= len(ps) / 2, (family, twin)


def test_legit_is_authenticated_for_its_own_domain_and_links_stay_there(parsed, msgs):
    neutral = _neutral_hosts()
    for family in FAMILIES:
        if family == DSN:                      # test_delivery_reports_* below
            continue
        for m, p in zip(msgs[(family, False)], parsed[(family, False)]):
            org = registrable_domain(p.from_.domain)
            assert (p.auth.spf, p.auth.dkim, p.auth.dmarc)[1:] == ("pass", "pass"), (family, p.auth)
            assert org in {registrable_domain(to_unicode(d)) for d in p.auth.dkim_domains}, (family, p.auth)
            assert registrable_domain(p.auth.dmarc_from) == org
            for link in p.links:
                assert registrable_domain(link.host) == org or _on(link.host, neutral), (family, org, link.url)
            assert m.concepts and not any(m.concepts.values())


def test_every_twin_trick_occurs_and_breaks_identity_as_it_says(msgs, parsed):
    neutral = _neutral_hosts()
    free = set(load_data()["world"]["free_mail"])
    seen: Counter = Counter()
    for family in FAMILIES:
        tricks_here = set()
        for m, p in zip(msgs[(family, True)], parsed[(family, True)]):
            trick = m.kind.split("/")[2].split("+")[0]
            seen[trick] += 1
            tricks_here.add(trick)
            org = registrable_domain(p.from_.domain)
            tracked = any(_on(lk.host, neutral) or lk.host.startswith(("email.mg.", "click.e.")) for lk in p.links)
            hosts = {registrable_domain(link.host) for link in p.links}
            assert m.concepts["impersonation"] and m.concepts["payload"]
            if family == DSN and not p.header("Authentication-Results"):     # arrived where none is stamped
                continue
            if trick == "spoof":
                assert p.auth.dmarc == "fail"
            else:            # authenticated for its own domain (a delivery-report twin often by SPF alone)
                assert p.auth.dkim == "pass" or family == DSN and p.auth.spf == "pass", (trick, p.auth)
                assert p.auth.dmarc in ("pass", "none"), (trick, p.auth)
            if trick == "freemail":
                assert p.from_.domain in free
            if trick in ("lookalike",) and p.auth.dkim == "pass":
                assert org in {registrable_domain(to_unicode(d)) for d in p.auth.dkim_domains}
            if trick in ("spoof", "freemail", "compromised", "foreign_link") and not tracked:   # tracking hides it
                assert hosts - {org}, (trick, p.from_.address, [lk.url for lk in p.links])
        assert len(tricks_here) >= 3, (family, tricks_here)
    assert set(seen) == set(TRICKS), seen
    assert seen["foreign_link"] < sum(seen.values()) / 4          # the "link on a foreign host" case stays a minority


def test_header_names_are_distributed_alike_in_both_classes(msgs):
    freq = {}
    for twin in (False, True):
        c: Counter = Counter()
        total = 0
        for family in FAMILIES:
            for m in msgs[(family, twin)]:
                c.update({k.lower() for k in BytesHeaderParser().parsebytes(m.raw).keys()})
                total += 1
        freq[twin] = {k: v / total for k, v in c.items()}
    names = set(freq[False]) | set(freq[True])
    for name in names:
        a, b = freq[False].get(name, 0.0), freq[True].get(name, 0.0)
        assert abs(a - b) <= 0.15, (name, a, b)
        if max(a, b) >= 0.02:
            assert min(a, b) > 0, (name, a, b)
    assert "x-sedetect-family" not in names             # ground truth stays outside the message
    dsn = {}
    for twin in (False, True):                          # delivery reports differ from the rest: alike on their own too
        ms = generate_family(DSN, 150, seed=3, twin=twin)
        c = Counter(k.lower() for m in ms for k in set(BytesHeaderParser().parsebytes(m.raw).keys()))
        dsn[twin] = {k: v / len(ms) for k, v in c.items()}
    for name in set(dsn[False]) | set(dsn[True]):
        assert abs(dsn[False].get(name, 0.0) - dsn[True].get(name, 0.0)) <= 0.2, name


def test_delivery_reports_legit_are_real_dsns_from_mail_systems():
    """Legitimate delivery reports: RFC 3464 reports (a message/delivery-status part, the user's
    message returned, a null Return-Path, From a mail system), legacy plain bounces and RFC 3834
    auto-replies; authenticated for their own domain where the receiver stamped a verdict, linking
    only there or to the provider's help pages."""
    help_hosts = tuple(load_data()["delivery"]["help_hosts"])
    ms = generate_family(DSN, 60, seed=11, twin=False)
    tags = Counter(m.kind.rsplit("+", 1)[1] for m in ms)
    assert set(tags) == {"dsn", "plain", "autoreply"} and tags["dsn"] >= 0.6 * len(ms), tags
    for m in ms:
        p = parse_message(m.raw)
        tag = m.kind.rsplit("+", 1)[1]
        assert m.label == "benign" and not any(m.concepts.values())
        assert set(p.defects) <= HARMLESS_DEFECTS, (m.kind, p.defects)
        org = registrable_domain(p.from_.domain)
        if tag == "dsn":
            types = [a.content_type for a in p.attachments]
            assert "message/delivery-status" in types, types
            assert {"message/rfc822", "text/rfc822-headers"} & set(types), types
            assert p.header("Content-Type").startswith(("multipart/report", "multipart/mixed"))
            assert p.header("Return-Path") == "<>" and p.return_path == ""
            nested = [a.nested for a in p.attachments if a.nested is not None]
            assert all(n.from_.domain == p.to[0].domain for n in nested)     # the user's own message came back
        if tag in ("dsn", "plain"):
            assert p.from_.address.split("@")[0].lower() in ("mailer-daemon", "postmaster"), p.from_.address
        else:
            assert p.header("Auto-Submitted") or p.subject.startswith(("Automatic reply", "Auto:", "Out of"))
        if p.header("Authentication-Results"):
            assert p.auth.dmarc in ("pass", "none") and p.auth.spf in ("pass", "none", "neutral"), p.auth
            if p.auth.dkim == "pass":
                assert org in {registrable_domain(to_unicode(d)) for d in p.auth.dkim_domains}, p.auth
        for link in p.links:
            assert registrable_domain(link.host) in (org,) + help_hosts, (m.kind, link.url)


def test_delivery_report_twins_mostly_lack_the_dsn_structure():
    """Twins copy subjects and wording; a minority also copy the message/delivery-status part."""
    ms = generate_family(DSN, 120, seed=11, twin=True)
    with_dsn = 0
    for m in ms:
        p = parse_message(m.raw)
        has = any(a.content_type == "message/delivery-status" for a in p.attachments)
        assert has == m.kind.endswith("+dsn")
        with_dsn += has
        assert p.links and m.concepts["payload"]
    assert 0.1 <= with_dsn / len(ms) <= 0.32, with_dsn


def test_templates_carry_provenance():
    data = load_data()
    families = Counter()
    for family, templates in data["templates"].items():
        for t in templates:
            prov = t["provenance"]
            assert prov.get("licence") and prov.get("source") in ("pypi", "npm", "github", "debian", "written"), t["id"]
            if t["origin"] == "real":
                assert prov["source"] != "written" and prov["files"], t["id"]
                if prov["source"] == "github":
                    assert prov["repo"] and all(len(f["commit"]) == 40 for f in prov["files"]), t["id"]
                else:
                    assert prov["package"] and prov["version"], t["id"]
                assert any(x in prov["licence"] for x in ("MIT", "BSD", "Apache", "ISC", "EPL-2.0")), t["id"]
                families[family] += 1
            else:
                assert t["origin"] == "written"
    assert all(families[f] >= 2 for f in FAMILIES), families         # at least two real applications each
    for family, templates in data["templates"].items():               # every template can be drawn
        kinds = set(data["families"][family]["kinds"])
        assert all(kinds & set(t.get("kinds", kinds)) for t in templates), family


def test_lookalike_sources_writes_and_reuses_mboxes(tmp_path):
    sources = lookalike_sources(2, tmp_path, seed=1)
    assert len(sources) == 2 * len(FAMILIES)
    by_name = {s.name: s for s in sources}
    for family in FAMILIES:
        assert by_name[f"lookalike.{family}"].label == "benign"
        assert by_name[f"twin.{family}"].label == "malicious"
    first = sources[0]
    stamp = (tmp_path / first.path).stat().st_mtime_ns
    with open(first.path.replace(".mbox", ".csv"), newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 2 and all(r["kind"].split("/")[0] in FAMILIES for r in rows)
    again = lookalike_sources(2, tmp_path, seed=1)
    assert [s.path for s in again] == [s.path for s in sources]
    assert (tmp_path / first.path).stat().st_mtime_ns == stamp
