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
    assert len(FAMILIES) == 10 and len(set(FAMILIES)) == 10
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
            assert p.from_ is not None and p.from_.valid and p.from_.display_name
            assert p.subject and p.message_id and p.date and p.received
            assert len(p.text) > 40 and p.links, (family, twin, p.subject)
            assert p.header("Authentication-Results")


def test_legit_is_authenticated_for_its_own_domain_and_links_stay_there(parsed, msgs):
    neutral = _neutral_hosts()
    for family in FAMILIES:
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
            if trick == "spoof":
                assert p.auth.dmarc == "fail"
            else:
                assert p.auth.dkim == "pass" and p.auth.dmarc in ("pass", "none"), (trick, p.auth)
            if trick == "freemail":
                assert p.from_.domain in free
            if trick in ("lookalike",):
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


def test_templates_carry_provenance():
    data = load_data()
    families = Counter()
    for family, templates in data["templates"].items():
        for t in templates:
            prov = t["provenance"]
            assert prov.get("licence") and prov.get("source") in ("pypi", "npm", "github", "written"), t["id"]
            if t["origin"] == "real":
                assert prov["source"] != "written" and prov["files"], t["id"]
                if prov["source"] == "github":
                    assert prov["repo"] and all(len(f["commit"]) == 40 for f in prov["files"]), t["id"]
                else:
                    assert prov["package"] and prov["version"], t["id"]
                assert any(x in prov["licence"] for x in ("MIT", "BSD", "Apache")), t["id"]
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
