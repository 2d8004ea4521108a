"""The synthetic attack / benign look-alike generator: reproducibility, coverage, concept ground truth,
variety, languages, realism of the header mix, the `synth` command and the no-artefact property."""
from __future__ import annotations

import csv
import email
import inspect
import mailbox
import random
import re
import socket
from collections import Counter, defaultdict
from datetime import datetime, timezone
from email.message import EmailMessage
from email.policy import compat32, default

import numpy as np
import pytest

from labeling import synthetic
from labeling.synthetic import (ATTACKS, BENIGN, CONCEPTS, KINDS, SyntheticMessage, generate, generate_kind, run,
                                write_manifest, write_mbox)

ATTACK_KINDS = {"wire_transfer", "gift_cards", "payment_change", "invoice_fraud", "payroll", "tax_data", "credentials",
                "crypto", "advance_fee", "extortion", "malware_exec", "callback", "thread_hijack"}
BENIGN_KINDS = {"benign_invoice", "benign_password_reset", "benign_urgent_internal", "benign_vendor_notice",
                "benign_payroll_notice", "benign_shipping", "benign_newsletter", "benign_thread_reply", "benign_calendar",
                "benign_it_notice"}
REPLY_PREFIX = re.compile(r"^\s*(?:re|fw|fwd|aw|wg|tr|res|enc|antw|doorst)\s*:", re.IGNORECASE)
URL = re.compile(r"https?://", re.IGNORECASE)
HREF = re.compile(r"""href\s*=\s*["']?https?://""", re.IGNORECASE)


def _parse(m: SyntheticMessage) -> EmailMessage:
    return email.message_from_bytes(m.raw, policy=default)


def _body(msg: EmailMessage) -> str:
    part = msg.get_body(("plain", "html"))
    return part.get_content() if part is not None else ""


def _has_link(msg: EmailMessage) -> bool:
    """A clickable link in the body: a URL in a plain-text part or an href in an HTML part."""
    for p in msg.walk():
        if p.get_content_maintype() != "text" or p.is_attachment():
            continue
        if p.get_content_subtype() == "plain" and URL.search(p.get_content()):
            return True
        if p.get_content_subtype() == "html" and HREF.search(p.get_content()):
            return True
    return False


def _real_attachments(msg: EmailMessage) -> list:
    """Attachments other than an inline signature image (image001.png) or a calendar part."""
    out = []
    for p in msg.walk():
        if p.is_multipart() or p.get_content_type() in ("text/plain", "text/html", "text/calendar") and not p.is_attachment():
            continue
        if (p.get_filename() or "").startswith("image001"):
            continue
        out.append(p)
    return out


@pytest.fixture(scope="module")
def mixed() -> list[SyntheticMessage]:
    return list(generate(600, seed=1))


@pytest.fixture(scope="module")
def per_kind() -> dict[str, list[SyntheticMessage]]:
    return {k: generate_kind(k, 30, seed=0) for k in KINDS}


@pytest.fixture(scope="module")
def mixed_parsed(mixed) -> list[EmailMessage]:
    return [_parse(m) for m in mixed]


@pytest.fixture(scope="module")
def per_kind_parsed(per_kind) -> dict[str, list[EmailMessage]]:
    return {k: [_parse(m) for m in msgs] for k, msgs in per_kind.items()}


# ------------------------------------------------------------------------------------ API and reproducibility

def test_registry_and_public_api():
    assert set(KINDS) == ATTACK_KINDS | BENIGN_KINDS
    assert {f.__name__ for f in ATTACKS} == ATTACK_KINDS and {f.__name__ for f in BENIGN} == BENIGN_KINDS
    assert all(KINDS[k] == "malicious" for k in ATTACK_KINDS) and all(KINDS[k] == "benign" for k in BENIGN_KINDS)
    assert list(inspect.signature(generate).parameters)[:3] == ["n", "seed", "attack_share"]
    when = datetime(2026, 3, 2, 10, 0, tzinfo=timezone.utc)
    for f in ATTACKS + BENIGN:                       # f(rng, when) -> (EmailMessage, kind, concepts)
        msg, kind, concepts = f(random.Random(5), when)
        assert isinstance(msg, EmailMessage) and kind == f.__name__ and set(concepts) == set(CONCEPTS)
    legacy = SyntheticMessage(b"From: a@b\n\nx", "", "")          # positional construction still works
    assert legacy.concepts == {} and legacy.lang == "en"


def test_same_seed_same_bytes_different_seed_differs():
    a = list(generate(40, seed=11))
    b = list(generate(40, seed=11))
    c = list(generate(40, seed=12))
    assert [m.raw for m in a] == [m.raw for m in b]
    assert [(m.label, m.kind, m.concepts, m.lang) for m in a] == [(m.label, m.kind, m.concepts, m.lang) for m in b]
    assert not {m.raw for m in a} & {m.raw for m in c}
    assert [m.raw for m in generate(10, seed=11)] == [m.raw for m in a[:10]]      # prefix-stable
    assert [m.raw for m in generate_kind("payroll", 8, seed=3)] == [m.raw for m in generate_kind("payroll", 8, seed=3)]
    assert [m.raw for m in generate_kind("payroll", 8, seed=3)] != [m.raw for m in generate_kind("payroll", 8, seed=4)]


def test_no_global_random_no_hostname(monkeypatch):
    """Boundaries, Message-IDs and everything else come from the seeded generator: the global random module
    and the host name are never consulted (email.utils.make_msgid and unset MIME boundaries would)."""
    expected = [m.raw for m in generate(30, seed=21)]

    def boom(*_a, **_k):
        raise AssertionError("global random state or host name used")
    for name in ("random", "randrange", "randint", "choice", "choices", "getrandbits", "shuffle", "sample"):
        monkeypatch.setattr(random, name, boom)
    monkeypatch.setattr(socket, "gethostname", boom)
    monkeypatch.setattr(socket, "getfqdn", boom)
    assert [m.raw for m in generate(30, seed=21)] == expected


def test_attack_share_and_kind_filter():
    assert {m.label for m in generate(30, seed=2, attack_share=1.0)} == {"malicious"}
    assert {m.label for m in generate(30, seed=2, attack_share=0.0)} == {"benign"}
    picked = {m.kind for m in generate(40, seed=2, kinds=["callback", "benign_shipping"])}
    assert picked == {"callback", "benign_shipping"}
    with pytest.raises(ValueError, match="unknown kind"):
        list(generate(3, kinds=["no_such_kind"]))
    with pytest.raises(ValueError):
        generate_kind("no_such_kind", 2)


# ------------------------------------------------------------------------------------ coverage and parsing

def test_every_kind_appears_and_parses(mixed, mixed_parsed):
    assert {m.kind for m in mixed} == set(KINDS)
    for m, msg in zip(mixed, mixed_parsed):
        for part in msg.walk():
            assert not part.defects, (m.kind, part.defects)
        for h in ("From", "To", "Subject", "Date", "Message-ID", "Authentication-Results", "MIME-Version"):
            assert msg[h], (m.kind, h)
        assert 1 <= len(msg.get_all("Received")) <= 3
        assert msg["Message-ID"].startswith("<") and msg["Message-ID"].endswith(">")
        assert email.utils.parsedate_to_datetime(msg["Date"]).tzinfo is not None
        assert _body(msg).strip(), m.kind
        for att in msg.iter_attachments():
            assert att.get_content() is not None
        assert email.message_from_bytes(m.raw, policy=compat32)["From"]
        assert len(max(m.raw.split(b"\n"), key=len)) <= 998
    assert len({msg["Message-ID"] for msg in mixed_parsed}) == len(mixed)


def test_project_parser_reads_generated_mail(per_kind):
    from features.parsing import parse_message
    for kind, msgs in per_kind.items():
        parsed = [parse_message(m.raw) for m in msgs]
        assert all(p.from_ is not None and p.text.strip() for p in parsed), kind
        if kind in ("thread_hijack", "benign_thread_reply"):
            assert sum(bool(p.quoted_text.strip()) for p in parsed) >= 0.9 * len(parsed), kind
        if kind == "benign_thread_reply":
            assert all(p.in_reply_to and p.references for p in parsed)
        if kind == "callback":
            assert not any(p.links for p in parsed)          # the payload is the phone number


# ------------------------------------------------------------------------------------ concept ground truth

def test_concepts_sane(mixed, per_kind):
    attacks = [m for msgs in per_kind.values() for m in msgs if m.label == "malicious"] + \
              [m for m in mixed if m.label == "malicious"]
    for m in mixed + [m for msgs in per_kind.values() for m in msgs]:
        assert m.label == KINDS[m.kind]
        assert list(m.concepts) == list(CONCEPTS) and all(isinstance(v, bool) for v in m.concepts.values())
        if m.label == "malicious":
            assert sum(m.concepts.values()) >= 2, (m.kind, m.concepts)
        else:
            assert not any(m.concepts.values()), m.kind
    for c in CONCEPTS:       # every leg is sometimes absent from an attack: the legs are learnable separately
        values = Counter(m.concepts[c] for m in attacks)
        assert values[True] and values[False], c
    assert {m.concepts["trust"] for m in per_kind["payroll"]} == {True, False}


def test_legs_agree_with_the_message(per_kind, per_kind_parsed):
    for kind in ATTACK_KINDS:
        for m, msg in zip(per_kind[kind], per_kind_parsed[kind]):
            if not m.concepts["payload"]:
                assert not _has_link(msg), kind
                assert not _real_attachments(msg), kind
                assert msg["Reply-To"] is None, kind
            if not m.concepts["trust"]:
                assert not REPLY_PREFIX.match(msg["Subject"]), (kind, msg["Subject"])
    for kind in ("credentials", "malware_exec", "invoice_fraud"):
        for msg in per_kind_parsed[kind]:
            assert _has_link(msg) or _real_attachments(msg), kind
    for msg in per_kind_parsed["extortion"]:
        assert re.search(r"\b(?:bc1q[0-9a-z]{30,}|[13][1-9A-HJ-NP-Za-km-z]{25,})\b", _body(msg))


# ------------------------------------------------------------------------------------ variety and languages

def test_variety_within_each_kind(per_kind_parsed):
    for kind, parsed in per_kind_parsed.items():
        subjects = {p["Subject"] for p in parsed}
        bodies = {_body(p) for p in parsed}
        assert len(subjects) >= 5, (kind, subjects)
        assert len(bodies) >= 10, kind
        # no fixed signature line: the last non-empty body line varies
        last = Counter(next((ln for ln in reversed(b.splitlines()) if ln.strip()), "") for b in bodies)
        assert last.most_common(1)[0][1] <= 0.6 * len(bodies), (kind, last.most_common(2))
    structures = defaultdict(set)
    for kind, parsed in per_kind_parsed.items():
        for msg in parsed:
            ctype = msg.get_content_type()
            body = msg.get_body(("html", "plain"))
            structures[KINDS[kind]].add("plain" if ctype == "text/plain" else "html" if ctype == "text/html"
                                        else "alternative" if body is not None and msg.get_body(("plain",)) is not None
                                        and msg.get_body(("html",)) is not None else "other")
    for label in ("malicious", "benign"):
        assert {"plain", "html", "alternative"} <= structures[label], label


def test_multilingual_share():
    msgs = list(generate(1000, seed=2))
    share = sum(m.lang != "en" for m in msgs) / len(msgs)
    assert 0.10 <= share <= 0.20, share
    for label in ("malicious", "benign"):
        sub = [m for m in msgs if m.label == label]
        assert 0.08 <= sum(m.lang != "en" for m in sub) / len(sub) <= 0.22, label


STOPWORDS = {"de": {"und", "die", "der", "bitte", "sie", "ich", "ihr", "ihre", "ist", "wir", "den", "für", "mit", "zu", "nicht",
                    "das", "von", "auf", "an", "im", "in", "ein", "eine", "dem", "des", "bei", "um", "du", "dir", "mir", "uns"},
             "fr": {"le", "la", "les", "de", "vous", "votre", "merci", "nous", "est", "pour", "et", "des", "du", "un", "une",
                    "en", "à", "ce", "ci", "sur", "par", "avec", "pas", "je", "tu", "te", "au", "aux", "dans"},
             "pt": {"de", "o", "a", "os", "as", "você", "sua", "seu", "para", "por", "favor", "e", "que", "em", "do", "da",
                    "no", "na", "um", "uma", "com", "não", "se", "ao", "dos", "das"},
             "nl": {"de", "het", "een", "van", "je", "u", "uw", "is", "en", "graag", "voor", "met", "we", "niet", "op",
                    "te", "om", "bij", "als", "dit", "deze", "wordt", "zijn", "ik", "in", "aan", "naar", "dat", "ons"}}


def test_required_kinds_exist_in_every_language(monkeypatch):
    monkeypatch.setattr(synthetic, "FOREIGN_SHARE", 1.0)
    for kind in ("wire_transfer", "credentials", "payment_change", "benign_invoice", "benign_urgent_internal"):
        msgs = generate_kind(kind, 40, seed=5)
        assert {m.lang for m in msgs} == {"de", "fr", "pt", "nl"}, kind
        for m in msgs:
            words = set(re.findall(r"\w+", _body(_parse(m)).lower()))
            assert len(words & STOPWORDS[m.lang]) >= 2, (kind, m.lang)


# ------------------------------------------------------------------------------------ realism and artefacts

def _header_names(m: SyntheticMessage) -> set[str]:
    return {k.lower() for k in email.message_from_bytes(m.raw, policy=compat32).keys()}


def test_header_names_alone_do_not_separate_the_labels(mixed):
    from sklearn.model_selection import cross_val_score
    from sklearn.tree import DecisionTreeClassifier
    sets = [_header_names(m) for m in mixed]
    names = sorted(set().union(*sets))
    X = np.array([[n in s for n in names] for s in sets], dtype=float)
    y = np.array([m.label == "malicious" for m in mixed])
    acc = cross_val_score(DecisionTreeClassifier(max_depth=3, random_state=0), X, y, cv=5).mean()
    assert acc < 0.75, acc
    by_label = {lab: set().union(*(s for s, m in zip(sets, mixed) if m.label == lab)) for lab in ("malicious", "benign")}
    for h in ("reply-to", "in-reply-to", "references", "x-mailer", "user-agent", "dkim-signature", "list-unsubscribe",
              "cc", "return-path", "received-spf", "thread-index", "x-priority", "content-language"):
        assert h in by_label["malicious"] and h in by_label["benign"], h


def test_header_shapes_vary_within_a_kind(per_kind):
    for kind, msgs in per_kind.items():
        shapes = {tuple(k.lower() for k in email.message_from_bytes(m.raw, policy=compat32).keys()) for m in msgs}
        assert len(shapes) >= 10, kind


def test_realistic_sender_and_authentication_mix(mixed, mixed_parsed):
    attacks = [p for m, p in zip(mixed, mixed_parsed) if m.label == "malicious"]
    benign = [p for m, p in zip(mixed, mixed_parsed) if m.label == "benign"]

    def dmarc(msg):
        found = re.search(r"dmarc=(\w+)", msg["Authentication-Results"])
        return found.group(1) if found else None
    att_dmarc = Counter(dmarc(m) for m in attacks)
    assert att_dmarc["pass"] > 0.3 * len(attacks)        # freemail and attacker-owned domains authenticate
    assert att_dmarc["fail"] > 0.03 * len(attacks)       # direct spoofs of the protected domain fail
    assert Counter(dmarc(m) for m in benign)["pass"] > 0.7 * len(benign)
    senders = [m["From"].addresses[0].domain.lower() for m in attacks]
    assert any(d in ("gmail.com", "outlook.com", "yahoo.com", "hotmail.com") for d in senders)
    assert any(d.startswith("xn--") or ".xn--" in d for d in senders)
    assert any(d not in synthetic.ORG_DOMAINS and ("exam" in d or "acme" in d or "globex" in d) for d in senders)
    assert any(d in synthetic.ORG_DOMAINS for d in senders)                         # direct spoofs
    ben_senders = {m["From"].addresses[0].domain.lower() for m in benign}
    assert {"example.com", "acme-supplies.com", "globex.com"} & ben_senders == {"example.com", "acme-supplies.com", "globex.com"}


# ------------------------------------------------------------------------------------ mbox, manifest, CLI

def test_write_mbox_round_trip(tmp_path):
    msgs = list(generate(25, seed=8))
    path = tmp_path / "x.mbox"
    write_mbox(msgs, str(path))
    box = mailbox.mbox(str(path))
    assert len(box) == 25
    assert [m["Message-ID"] for m in box] == [_parse(m)["Message-ID"] for m in msgs]


def _read_manifest(path) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_cli_writes_mbox_and_manifest(tmp_path, capsys):
    out, man = tmp_path / "out" / "synth.mbox", tmp_path / "truth.csv"
    result = run(["-n", "37", "-o", str(out), "--seed", "5", "--manifest", str(man)])
    assert "37 messages" in capsys.readouterr().out
    box = mailbox.mbox(str(out))
    assert len(box) == 37 and result["messages"] == 37
    rows = _read_manifest(man)
    assert list(rows[0]) == ["message_id", "label", "kind", "impersonation", "trust", "payload", "goal", "lang"]
    assert [r["message_id"] for r in rows] == [m["Message-ID"] for m in box]
    for r in rows:
        assert r["label"] == KINDS[r["kind"]]
        assert all(r[c] in ("0", "1") for c in CONCEPTS)
        legs = sum(int(r[c]) for c in CONCEPTS)
        assert legs >= 2 if r["label"] == "malicious" else legs == 0
    assert result["malicious"] == sum(r["label"] == "malicious" for r in rows)
    again = tmp_path / "again.mbox"
    run(["-n", "37", "-o", str(again), "--seed", "5", "--manifest", str(tmp_path / "again.csv")])
    assert again.read_bytes() == out.read_bytes()


def test_cli_kinds_and_default_manifest(tmp_path):
    out = tmp_path / "bec.mbox"
    run(["-n", "12", "-o", str(out), "--kinds", "payroll,benign_calendar"])
    rows = _read_manifest(tmp_path / "bec.csv")
    assert len(rows) == 12 and {r["kind"] for r in rows} <= {"payroll", "benign_calendar"}
    with pytest.raises(ValueError, match="unknown kind"):
        run(["-n", "2", "-o", str(out), "--kinds", "payroll,nonsense"])


def test_write_manifest_matches_messages(tmp_path):
    msgs = generate_kind("thread_hijack", 5, seed=1)
    write_manifest(msgs, str(tmp_path / "m.csv"))
    rows = _read_manifest(tmp_path / "m.csv")
    assert [r["message_id"] for r in rows] == [_parse(m)["Message-ID"] for m in msgs]
    assert all(r["kind"] == "thread_hijack" and r["label"] == "malicious" for r in rows)
