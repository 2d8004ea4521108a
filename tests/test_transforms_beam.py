"""The composite transforms of pipelines/transforms.py run the Beam way: each inside a
TestPipeline on the DirectRunner, its output checked with ``assert_that`` against what the plain
functions they wire (detectors/scoring.py) give for the same messages, outside Beam.

    ParseMessages, ExtractConcepts (with and without the profile side input), ScoreMessages,
    ScoreArchive (the three chained, with its counters)

Inputs are real raw messages: a few written here with the stdlib ``email`` package, a few of the
synthetic corpus, and bad input (a read error, a text file, a message with no header block).
pipelines/batch.py and pipelines/stream.py define no composite transform of their own: they run
ScoreArchive (tests/test_batch.py, tests/test_stream.py run those jobs end to end)."""
from __future__ import annotations

from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from datetime import datetime, timezone

import apache_beam as beam
import pytest
from apache_beam.metrics.metric import MetricsFilter
from apache_beam.testing.test_pipeline import TestPipeline as BeamTestPipeline
from apache_beam.testing.util import BeamAssertException, assert_that, equal_to

from features.context import Context, load_org
from features.limits import Limits
from features.parsing import parse_message
from features.profile import CommunicationProfile
from features.signals import CONCEPTS
from pipelines.readers import RawMessage
from detectors.verdicts import COLUMNS, VERDICTS, message_key
from detectors.scoring import NOT_AN_EMAIL, Item, Scorer, ScoringOptions, extract_item, parse_item
from pipelines.transforms import (NAMESPACE, ExtractConcepts, ParseMessages, ScoreArchive,
                                  ScoreMessages, is_error_row)

VERSION = "beam-test-v1"
# MiniLM only where the text can change a verdict; no static first stage (its derived table is
# built per test session and takes longer than the rest of this module).
OPTIONS = ScoringOptions(first_stage=False)


def _email(sender: str, to: str, subject: str, body: str, html: str | None = None) -> bytes:
    m = EmailMessage()
    m["From"], m["To"], m["Subject"] = sender, to, subject
    m["Date"] = format_datetime(datetime(2026, 3, 2, 9, 30, tzinfo=timezone.utc))
    m["Message-ID"] = make_msgid(domain="mail.test")
    m.set_content(body)
    if html:
        m.add_alternative(html, subtype="html")
    return bytes(m)


LUNCH = _email('"Dana Whitfield" <dana@acme-corp.test>', "team@acme-corp.test",
               "Lunch on Friday",
               "Hi all,\n\nShall we try the new place on Friday at 12:30?\n\nDana\n")
PHISH = _email('"PayPal Service" <service@paypa1-secure-login.com>', "victim@example.org",
               "Your account has been limited",
               "Dear customer,\n\nWe noticed unusual activity. Verify your password within 24 "
               "hours or your account will be suspended:\nhttp://paypa1-secure-login.com/verify\n",
               html='<p>Dear customer, <a href="http://paypa1-secure-login.com/verify">'
                    "verify your account now</a> or it will be suspended.</p>")
INVOICE = _email('"Accounts" <billing@vendor-invoices.test>', "ap@acme-corp.test",
                 "Invoice 4471 overdue - wire transfer today",
                 "Hello,\n\nInvoice 4471 is overdue. Please wire the payment to our new bank "
                 "account today; reply with the confirmation.\n\nRegards\n")
README = b"This is a README, not a message.\nIt has no header block at all.\n"
GARBAGE = b"\x00\x01\x02\xff\xfe" * 40


@pytest.fixture(scope="module")
def org():
    return load_org()


@pytest.fixture(scope="module")
def raws(synthetic_messages) -> list[RawMessage]:
    good = [("lunch.eml", LUNCH), ("phish.eml", PHISH), ("invoice.eml", INVOICE)] + \
        [(f"synthetic.mbox#{i}", m.raw) for i, m in enumerate(synthetic_messages[:5])]
    return [RawMessage(src, raw) for src, raw in good] + [
        RawMessage("cut.mbox.gz#0", PHISH[:120], error="truncated gzip stream"),
        RawMessage("README", README),
        RawMessage("garbage.eml", GARBAGE),
    ]


@pytest.fixture(scope="module")
def bundle_bytes(default_bundle) -> bytes:
    return default_bundle.to_bytes()


def _parsed(raws, org) -> list:
    """What ParseMessages must give: the plain function, message by message."""
    return [parse_item(r.source, r.raw, r.error, org.limits) for r in raws]


def _parse_view(x) -> tuple:
    """An Item or error row, as plain values a matcher can compare."""
    if is_error_row(x):
        return ("error", x["source"], x["message_key"], x["verdict"], x["error"])
    return ("item", x.source, x.key, x.msg.subject, x.msg.from_.address if x.msg.from_ else "",
            x.limits)


def _evidence_view(x) -> tuple:
    """An extracted Item as (source, every signal's value or None); error rows as they are."""
    if is_error_row(x):
        return ("error", x["source"], x["error"])
    return ("item", x.source, tuple(sorted(
        (name, None if ev is None else round(ev.value, 6), None if ev is None else ev.detail)
        for concept, cev in x.evidence.items() for name, ev in cev.items())))


def test_parse_messages_one_output_per_message_and_errors_with_reasons(raws, org):
    expected = [_parse_view(x) for x in _parsed(raws, org)]
    # the expectation itself: good messages are Items keyed by their bytes, bad ones error rows
    kinds = {v[1]: v for v in expected}
    assert [v[0] for v in expected].count("item") == 8
    assert kinds["lunch.eml"][2] == message_key(LUNCH)
    assert kinds["lunch.eml"][3] == "Lunch on Friday"
    assert kinds["phish.eml"][4] == "service@paypa1-secure-login.com"
    assert kinds["cut.mbox.gz#0"][0] == "error"
    assert kinds["cut.mbox.gz#0"][4] == "read error: truncated gzip stream"
    assert kinds["README"][0] == "error" and kinds["README"][4] == NOT_AN_EMAIL
    assert kinds["garbage.eml"][0] == "error" and kinds["garbage.eml"][4]
    with BeamTestPipeline() as p:
        out = (p | beam.Create(raws) | ParseMessages(org.limits) | beam.Map(_parse_view))
        assert_that(out, equal_to(expected))


def test_parse_messages_within_the_organisations_limits(raws, org):
    """The transform reads each message within the limits it is given: a hit names its reason."""
    limits = Limits(urls=1, text_chars=1000)
    expected = [_parse_view(parse_item(r.source, r.raw, r.error, limits)) for r in raws]
    assert any(v[0] == "item" and v[5] for v in expected)      # some message hit a limit
    with BeamTestPipeline() as p:
        out = p | beam.Create(raws) | ParseMessages(limits) | beam.Map(_parse_view)
        assert_that(out, equal_to(expected))


def test_extract_concepts_adds_every_concepts_signals_and_passes_errors_through(raws, org):
    ctx = Context(org)
    expected = [_evidence_view(x if is_error_row(x) else extract_item(x, ctx))
                for x in _parsed(raws, org)]

    def check_items(items):
        items = list(items)
        if len(items) != len(raws):
            raise BeamAssertException(f"{len(items)} outputs for {len(raws)} messages")
        for x in items:
            if is_error_row(x):
                continue
            if not isinstance(x, Item) or set(x.evidence) != set(CONCEPTS):
                raise BeamAssertException(f"{x.source}: evidence for {sorted(x.evidence)}")
            if not any(ev is not None for cev in x.evidence.values() for ev in cev.values()):
                raise BeamAssertException(f"{x.source}: no signal read the message")

    with BeamTestPipeline() as p:
        extracted = p | beam.Create(raws) | ParseMessages(org.limits) | ExtractConcepts(org)
        assert_that(extracted, check_items, label="ItemsCarryEvidence")
        assert_that(extracted | beam.Map(_evidence_view), equal_to(expected), label="AsPlain")


def test_extract_concepts_reads_the_profile_side_input(raws, org):
    """With a CommunicationProfile (one element of a PCollection, a side input) the behavioural
    signals read it: the output is the plain function's with the same profile."""
    prof = CommunicationProfile()
    for raw in (LUNCH, INVOICE):
        prof.add(parse_message(raw))
    ctx = Context(org, prof)
    expected = [_evidence_view(x if is_error_row(x) else extract_item(x, ctx))
                for x in _parsed(raws, org)]
    without = [_evidence_view(x if is_error_row(x) else extract_item(x, Context(org)))
               for x in _parsed(raws, org)]
    assert expected != without                  # the profile changes some signal
    with BeamTestPipeline() as p:
        profile = p | "Profile" >> beam.Create([prof])
        out = (p | "Messages" >> beam.Create(raws) | ParseMessages(org.limits)
               | ExtractConcepts(org, profile) | beam.Map(_evidence_view))
        assert_that(out, equal_to(expected))


def _row_view(row: dict) -> tuple:
    return (row["source"], row["verdict"], None if row["score"] is None else round(row["score"], 4),
            row["error"], tuple(row["reasons"]))


def _check_rows(n: int, expected: list[tuple]):
    """A matcher for verdict rows: one per message, every column, the model version stamped,
    verdicts and scores in range, and the rows the plain Scorer gives outside Beam."""
    def check(rows):
        rows = list(rows)
        if len(rows) != n:
            raise BeamAssertException(f"{len(rows)} rows for {n} messages")
        for row in rows:
            if tuple(row) != COLUMNS and set(row) != set(COLUMNS):
                raise BeamAssertException(f"columns {sorted(row)}")
            if row["model_version"] != VERSION or row["verdict"] not in VERDICTS:
                raise BeamAssertException(
                    f"{row['source']}: {row['verdict']} {row['model_version']}")
            if row["verdict"] == "error":
                if not row["error"] or row["score"] is not None:
                    raise BeamAssertException(f"{row['source']}: error row without a reason")
            elif not (0.0 <= row["score"] <= 1.0 and row["error"] is None
                      and all(0.0 <= row[c] <= 1.0 for c in CONCEPTS)):
                raise BeamAssertException(f"{row['source']}: score {row['score']}")
        got = sorted(_row_view(r) for r in rows)
        if got != sorted(expected):
            raise BeamAssertException(
                f"rows differ from the plain scorer:\n{got}\n{sorted(expected)}")
    return check


@pytest.fixture(scope="module")
def expected_rows(module_home, raws, org, default_bundle) -> list[tuple]:
    """The verdict rows outside Beam: parse_item, extract_item and Scorer.rows."""
    ctx = Context(org)
    parsed = _parsed(raws, org)
    items = [extract_item(x, ctx) for x in parsed if not is_error_row(x)]
    rows = Scorer(default_bundle, options=OPTIONS).rows(items, VERSION)
    errors = [x | {"model_version": VERSION} for x in parsed if is_error_row(x)]
    views = {v[0]: v for v in (_row_view(r) for r in rows + errors)}
    assert views["phish.eml"][1] != "benign" and views["lunch.eml"][1] != "malicious"
    assert [source for source, verdict, *_ in views.values() if verdict == "error"] == \
        ["cut.mbox.gz#0", "README", "garbage.eml"]
    return list(views.values())


def test_score_messages_gives_verdict_rows_and_stamps_error_rows(module_home, raws, org,
                                                                 bundle_bytes, expected_rows):
    with BeamTestPipeline() as p:
        rows = (p | beam.Create(raws) | ParseMessages(org.limits) | ExtractConcepts(org)
                | ScoreMessages(bundle_bytes, VERSION, options=OPTIONS))
        assert_that(rows, _check_rows(len(raws), expected_rows))


def test_score_archive_end_to_end_with_its_counters(module_home, raws, org, bundle_bytes,
                                                    expected_rows):
    p = BeamTestPipeline()
    rows = p | beam.Create(raws) | ScoreArchive(org, bundle_bytes, VERSION, options=OPTIONS)
    assert_that(rows, _check_rows(len(raws), expected_rows))
    result = p.run()
    result.wait_until_finish()

    def counter(name: str) -> int:
        found = result.metrics().query(MetricsFilter().with_namespace(NAMESPACE)
                                       .with_name(name))["counters"]
        return sum(c.committed for c in found)

    verdicts = {v: counter(f"verdict_{v}") for v in VERDICTS}
    assert sum(verdicts.values()) == len(raws)
    assert verdicts["error"] == 3 == counter("read_errors") + counter("parse_errors")
    assert counter("read_errors") == 1 and counter("parsed") == len(raws) - 3
    by_verdict: dict[str, int] = {}
    for source, verdict, *_ in expected_rows:
        by_verdict[verdict] = by_verdict.get(verdict, 0) + 1
    assert verdicts == {v: by_verdict.get(v, 0) for v in VERDICTS}


def test_loading_again_collects_what_the_last_load_froze():
    """load_model takes what is alive out of the collector's full collections (gc.freeze); a
    second load in the same process (the stream's --in-process runs) must still collect the
    cyclic garbage the first run left, or every run would leak it."""
    import gc
    import weakref
    from detectors.bundle import DEFAULT_BUNDLE_DIR, ModelBundle
    from pipelines.transforms import BundleModelHandler

    class Node:
        pass

    handler = BundleModelHandler(ModelBundle.load(DEFAULT_BUNDLE_DIR).to_bytes(), "v")
    try:
        a, b = Node(), Node()
        a.other, b.other = b, a                      # a cycle: only the collector frees it
        gone = weakref.ref(a)
        handler.load_model()                         # freezes the cycle with everything else
        del a, b
        gc.collect()
        assert gone() is not None                    # frozen: a full collection skips it
        handler.load_model()
        assert gone() is None
    finally:
        gc.unfreeze()
