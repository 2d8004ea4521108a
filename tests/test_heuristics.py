"""Labelling functions (labeling/heuristics.py): crafted messages that specific LFs label ATTACK,
BENIGN or abstain on; the analysis numbers on hand-made label matrices; the majority-vote label
model; registry sanity; collector artefacts (Date, List-*, X-*, recipients) never change a vote; the
``sedetect heuristics`` CLI on tiny labelled mboxes."""
from __future__ import annotations

import json
import re
from email.message import EmailMessage
from pathlib import Path

import numpy as np
import pytest

from features import catalogue as sigreg
from features.context import Context, load_org
from features.parsing import parse_message
from features.profile import CommunicationProfile
from labeling import heuristics as H
from pipelines import heuristics_job
from labeling.heuristics import ABSTAIN, ATTACK, BENIGN, LF
from tests.builders import empty_msg

CTX = Context(load_org())
LFS = H.labeling_functions()
NAMES = [lf.name for lf in LFS]


# ------------------------------------------------------------------------------------------
# crafted raw messages
def raw_message(from_: str, subject: str, body: str, *, html: str | None = None,
                to: str = "Bob Builder <bob@example.com>", date: str = "Mon, 03 Jun 2024 10:00:00 +0000",
                headers: dict | None = None, attachments: list[tuple[str, str, bytes]] = ()) -> bytes:
    m = EmailMessage()
    m["From"] = from_
    m["To"] = to
    m["Subject"] = subject
    m["Date"] = date
    m["Message-ID"] = "<crafted-1@mail.test>"
    for k, v in (headers or {}).items():
        m[k] = v
    m.set_content(body)
    if html is not None:
        m.add_alternative(html, subtype="html")
    for filename, ctype, payload in attachments:
        maintype, subtype = ctype.split("/")
        m.add_attachment(payload, maintype=maintype, subtype=subtype, filename=filename)
    return bytes(m)


def votes(raw_or_msg, ctx: Context = CTX) -> dict[str, int]:
    msg = parse_message(raw_or_msg) if isinstance(raw_or_msg, bytes) else raw_or_msg
    row = H.apply([(msg, sigreg.evaluate(msg, ctx))], ctx)[0]
    return dict(zip(NAMES, (int(v) for v in row)))


AUTH_FAIL = {"Authentication-Results": "mx.example.com; spf=fail smtp.mailfrom=paypa1-secure.com; "
                                       "dkim=none; dmarc=fail header.from=paypa1-secure.com"}
AUTH_PASS = {"Authentication-Results": "mx.example.com; spf=pass smtp.mailfrom=example.com; "
                                       "dkim=pass header.d=example.com; dmarc=pass header.from=example.com"}

BEC_GIFT = raw_message(
    "Jane Doe <jane.doe.ceo@gmail.com>", "Quick favor",
    "Are you available? I need you to buy gift cards for a client today. Keep this confidential "
    "and send me the codes.\n\nJane")

PHISH = raw_message(
    "PayPal Service <service@paypa1-secure.com>", "Your account has been suspended",
    "Dear customer,\n\nYour account has been suspended. Log in to verify your account "
    "immediately: https://www.paypal.com/signin\n\nPayPal",
    html='<p>Dear customer,</p><p>Your account has been suspended. Click here to verify your '
         'account immediately:</p><p><a href="http://198.51.100.7/paypal/login.php">'
         'https://www.paypal.com/signin</a></p>',
    headers=AUTH_FAIL)

VENDOR_CHANGE = raw_message(
    "Acme Supplies Billing <billing@acme-suppl1es.com>", "Updated remittance details",
    "Hello,\n\nPlease note that we have changed our bank account. Kindly update our bank details "
    "for all future payments and send the outstanding invoice payment to the new account, "
    "IBAN GB82WEST12345698765432, as a matter of urgency.\n\nRegards,\nAcme Supplies")

MALWARE = raw_message(
    "Globex <billing@globex-payments.com>", "Invoice 4471 overdue",
    "Hello,\n\nPlease open the attached invoice and enable content to view it.\n\nGlobex",
    attachments=[("Invoice_4471.docm", "application/vnd.ms-word.document.macroEnabled.12", b"PK\x03\x04")])

EXE = raw_message("Courier <track@parcel-notify.biz>", "Your parcel", "See the attached label.",
                  attachments=[("label.pdf.exe", "application/octet-stream", b"MZ\x90\x00")])

ZIP_PW = raw_message(
    "Accounts <accounts@finance-docs.net>", "Documents",
    "The documents are in the attached archive. The password is 4471.\n",
    attachments=[("docs.zip", "application/zip", b"PK\x03\x04 zip")])

CALLBACK = raw_message(
    "Norton Billing <norton.billing77@gmail.com>", "Your Norton subscription has been renewed",
    "Dear Customer,\n\nYour annual Norton subscription has been renewed and you have been charged "
    "$399.99. If you did not authorize this renewal, call our support team at +1 (808) 555-0199 "
    "within 24 hours to cancel and get a refund.\n\nInvoice #448120")

EXTORTION = raw_message(
    "Anonymous <x83k@securemailbox.io>", "Your device was hacked",
    "I have recorded you through your webcam while you visited adult sites. Your device has been "
    "hacked. Pay me in bitcoin: 1000 USD to my wallet within 48 hours or I will send the video "
    "to all your contacts.")

ADVANCE_FEE = raw_message(
    "Barrister James Okafor <james.okafor.chambers@yahoo.com>", "Inheritance of your late relative",
    "I am a barrister and my late client left an unclaimed inheritance of $4.5 million with no next "
    "of kin. You have been chosen as the beneficiary. Reply with your details so the funds can be "
    "released to you.")

LONG_BENIGN_TEXT = (
    "Hi Bob,\n\nThe planning review moved to the small room on the second floor. I put the notes from "
    "last week on the team drive, including the revised agenda and the list of open items we did "
    "not get to. Carla will walk through the capacity numbers first, then we go over the hiring "
    "plan for the autumn and the budget for the new test lab. If you have comments on the draft "
    "timeline, bring them along; we can fold them into the version that goes to the steering group "
    "at the end of the month. The projector in that room is a bit dim, so I will also print a few "
    "copies of the slides for anyone who prefers paper.\n\nSee you there,\nAlice")

INTERNAL = raw_message("Alice Martin <alice.martin@example.com>", "Planning review moved",
                       LONG_BENIGN_TEXT, headers=AUTH_PASS)

REPLY = raw_message(
    "Carla Diaz <carla.diaz@partnerco.com>", "Re: lunch on thursday",
    "Thursday works for me, the usual place at noon is fine. I will bring the printouts of the "
    "floor plan so we can look at them together.\n\nCarla\n\n"
    "On Mon, 3 Jun 2024 at 10:00, Bob Builder <bob@example.com> wrote:\n"
    "> Are we still on for lunch on Thursday?\n> I can do noon or one.\n",
    headers={"In-Reply-To": "<orig-77@example.com>", "References": "<orig-77@example.com>"})

PATCH = raw_message(
    "Xin Long <lucien.xin@gmail.com>", "Re: [PATCH net] sctp: fix a refcount leak in sctp_assoc",
    "On Tue, 4 Jun 2024 at 09:12, Dev Person <dev@kernel.example.org> wrote:\n"
    "> Fix the leak by dropping the reference on the error path.\n"
    ">\n"
    "> diff --git a/net/sctp/associola.c b/net/sctp/associola.c\n"
    "> --- a/net/sctp/associola.c\n"
    "> +++ b/net/sctp/associola.c\n"
    "> @@ -120,6 +120,7 @@ static int sctp_assoc_init(struct sctp_association *asoc)\n"
    ">  \tif (err)\n"
    "> +\t\tsctp_assoc_put(asoc);\n\n"
    "Acked-by: Xin Long <lucien.xin@gmail.com>\n",
    headers={"In-Reply-To": "<patch-1@kernel.example.org>"})

TINY = raw_message("bob@example.com", "hi", "ok")


def test_bec_gift_card_request_gets_attack_votes():
    v = votes(BEC_GIFT)
    for name in ("impersonation.vip_name_outside_org", "impersonation.org_name_on_freemail",
                 "impersonation.freemail_money_request", "trust.availability_short_request",
                 "trust.secrecy_payment", "goal.gift_cards"):
        assert v[name] == ATTACK, name
    assert BENIGN not in v.values()


def test_credential_phish_gets_attack_votes():
    v = votes(PHISH)
    for name in ("impersonation.brand_name_foreign_domain", "impersonation.brand_domain_lookalike",
                 "impersonation.dmarc_fail", "trust.generic_greeting_urgency",
                 "payload.deceptive_anchor", "payload.raw_host_link", "goal.credentials_link",
                 "message.three_concepts"):
        assert v[name] == ATTACK, name
    assert v["payload.text_only"] == ABSTAIN and v["impersonation.person_matches_address"] == ABSTAIN
    assert H.weak_labels(np.array([list(v.values())]))[0] == ATTACK


def test_vendor_bank_change_gets_attack_votes():
    v = votes(VENDOR_CHANGE)
    assert v["impersonation.org_or_vendor_lookalike"] == ATTACK
    assert v["goal.bank_detail_change"] == ATTACK
    assert v["trust.urgency_payment"] == ATTACK


@pytest.mark.parametrize("raw, lf_name", [
    (MALWARE, "payload.dangerous_attachment"),
    (MALWARE, "goal.open_attachment"),
    (MALWARE, "impersonation.org_or_vendor_lookalike"),
    (EXE, "payload.dangerous_attachment"),
    (ZIP_PW, "payload.document_lure"),
    (ZIP_PW, "payload.password_archive"),
    (CALLBACK, "payload.callback_renewal"),
    (CALLBACK, "impersonation.org_name_on_freemail"),
    (EXTORTION, "goal.extortion"),
    (EXTORTION, "goal.crypto_money"),
    (ADVANCE_FEE, "goal.advance_fee"),
])
def test_attack_lfs_fire(raw, lf_name):
    assert votes(raw)[lf_name] == ATTACK


def test_internal_authenticated_mail_gets_benign_votes():
    v = votes(INTERNAL)
    for name in ("impersonation.org_domain_authenticated", "impersonation.person_matches_address",
                 "trust.no_pressure", "payload.text_only", "goal.no_goal", "goal.routine_work"):
        assert v[name] == BENIGN, name
    assert ATTACK not in v.values()
    # the same mail without authentication results: that LF abstains, the others still vote
    v2 = votes(raw_message("Alice Martin <alice.martin@example.com>", "Planning review moved",
                           LONG_BENIGN_TEXT))
    assert v2["impersonation.org_domain_authenticated"] == ABSTAIN
    assert v2["payload.text_only"] == BENIGN


def test_genuine_reply_gets_benign_votes():
    v = votes(REPLY)
    for name in ("trust.genuine_reply", "trust.quoted_discussion", "message.personal_thread",
                 "impersonation.person_matches_address"):
        assert v[name] == BENIGN, name
    assert v["trust.fake_reply"] == ABSTAIN
    assert ATTACK not in v.values()


def test_reply_prefix_without_thread_is_a_fake_reply():
    v = votes(raw_message("Jane Doe <jane.doe.ceo@gmail.com>", "RE: payment",
                          "Please process the wire transfer today, it is urgent."))
    assert v["trust.fake_reply"] == ATTACK
    assert v["trust.genuine_reply"] == ABSTAIN
    assert v["goal.urgent_transfer"] == ATTACK


def test_patch_discussion_is_benign():
    v = votes(PATCH)
    assert v["goal.patch_discussion"] == BENIGN
    assert v["trust.genuine_reply"] == BENIGN
    assert ATTACK not in v.values()
    # diff-like text alone (one marker) is not enough
    one = raw_message("a@b.example.org", "numbers", "Totals: --- a/b see @@ here\n+++ nothing")
    assert votes(one)["goal.patch_discussion"] == ABSTAIN


def test_benign_lfs_abstain_on_attacks_and_attack_lfs_on_benign_mail():
    attack_lfs = [lf.name for lf in LFS if lf.description.startswith("ATTACK")]
    benign_lfs = [lf.name for lf in LFS if lf.description.startswith("BENIGN")]
    for raw in (INTERNAL, REPLY, PATCH):
        v = votes(raw)
        assert all(v[n] == ABSTAIN for n in attack_lfs), [n for n in attack_lfs if v[n] != ABSTAIN]
    for raw in (BEC_GIFT, PHISH, MALWARE, CALLBACK):
        v = votes(raw)
        assert all(v[n] == ABSTAIN for n in benign_lfs), [n for n in benign_lfs if v[n] != ABSTAIN]


def test_tiny_and_empty_messages_abstain_everywhere():
    assert set(votes(TINY).values()) == {ABSTAIN}
    assert set(votes(empty_msg()).values()) == {ABSTAIN}


def test_profile_lfs_vote_only_with_a_profile():
    known = parse_message(INTERNAL)
    profile = CommunicationProfile.build([known])
    pctx = Context(CTX.org, profile)
    assert votes(known)["impersonation.known_sender"] == ABSTAIN
    assert votes(known, pctx)["impersonation.known_sender"] == BENIGN
    imposter = parse_message(raw_message("Alice Martin <alice.martin.work@consultant.example.net>",
                                         "hello", "Can you call me back?"))
    assert votes(imposter)["impersonation.familiar_name_new_address"] == ABSTAIN
    assert votes(imposter, pctx)["impersonation.familiar_name_new_address"] == ATTACK
    assert votes(imposter, pctx)["impersonation.known_sender"] == ABSTAIN


# ------------------------------------------------------------------------------------------
# collector artefacts never change a vote
ALL_CRAFTED = [BEC_GIFT, PHISH, VENDOR_CHANGE, MALWARE, EXE, ZIP_PW, CALLBACK, EXTORTION, ADVANCE_FEE,
               INTERNAL, REPLY, PATCH, TINY]


def _with_artefacts(raw: bytes, variant: int) -> bytes:
    head, sep, body = raw.partition(b"\n\n")
    lines = [ln for ln in head.split(b"\n") if not ln.lower().startswith((b"to:", b"date:"))]
    extra = [
        [b"To: Someone Else <phishing@pot>", b"Date: Tue, 1 May 2001 08:00:00 -0700",
         b"List-Id: <linux-sctp.vger.kernel.org>", b"List-Unsubscribe: <mailto:x@lists.example.org>",
         b"X-Mailer: Microsoft Outlook 16.0", b"X-Spam-Status: No, score=-2.0"],
        [b"To: undisclosed-recipients:;", b"Cc: a@corp.example.com, b@corp.example.com",
         b"Date: Sat, 30 Dec 2023 23:59:59 +0100", b"X-Mailing-List: linux-sctp@vger.kernel.org",
         b"X-Original-To: phishing@pot", b"List-Archive: <https://lore.example.org/>"],
        [b"Date: garbage"],
    ][variant]
    return b"\n".join(lines + extra) + sep + body


@pytest.mark.parametrize("raw", ALL_CRAFTED)
def test_dates_list_x_headers_and_recipients_do_not_change_votes(raw):
    base = votes(raw)
    for variant in range(3):
        varied = _with_artefacts(raw, variant)
        parsed = parse_message(varied)
        assert parsed.date != parse_message(raw).date
        if variant < 2:
            assert parsed.to != parse_message(raw).to
            assert any(k.lower().startswith(("list-", "x-")) for k, _ in parsed.headers)
        assert votes(varied) == base


class _Guarded:
    """A ParsedMessage whose collector-artefact fields raise when read."""
    FORBIDDEN = {"to", "cc", "date", "headers", "header", "received", "return_path"}

    def __init__(self, msg):
        self._msg = msg

    def __getattr__(self, name):
        if name in self.FORBIDDEN:
            raise AssertionError(f"labelling function read msg.{name}")
        return getattr(self._msg, name)


@pytest.mark.parametrize("raw", ALL_CRAFTED)
def test_no_lf_reads_collector_fields(raw):
    msg = parse_message(raw)
    evidence = sigreg.evaluate(msg, CTX)
    for lf in LFS:
        assert lf.fn(_Guarded(msg), evidence, CTX) == lf.fn(msg, evidence, CTX)


# ------------------------------------------------------------------------------------------
# registry
def test_registry_sanity():
    assert len(LFS) >= 30
    assert len(set(NAMES)) == len(NAMES)
    for lf in LFS:
        assert lf.concept in H.LF_CONCEPTS
        assert lf.name.startswith(lf.concept + ".") and re.fullmatch(r"[a-z]+\.[a-z0-9_]+", lf.name)
        assert lf.description.startswith(("ATTACK: ", "BENIGN: ")) and len(lf.description) > 20
        assert callable(lf.fn)
    # every concept has LFs of both polarities
    for concept in sigreg.CONCEPTS:
        kinds = {lf.description.split(":")[0] for lf in LFS if lf.concept == concept}
        assert kinds == {"ATTACK", "BENIGN"}, concept
    # stable order: grouped by concept in LF_CONCEPTS order, identical between calls
    assert [lf.name for lf in H.labeling_functions()] == NAMES
    order = [H.LF_CONCEPTS.index(lf.concept) for lf in LFS]
    assert order == sorted(order)
    assert [lf.name for lf in H.labeling_functions("goal")] == [n for n in NAMES if n.startswith("goal.")]


def test_lfs_only_name_registered_signals():
    known = {s.name for s in sigreg.signals()}
    source = Path(H.__file__).read_text(encoding="utf-8")
    named = set(re.findall(r'"((?:impersonation|trust|payload|goal)\.[a-z_]+)"', source))
    lf_names = set(NAMES)
    missing = {n for n in named - lf_names if n not in known}
    assert not missing, missing
    assert named & known


def test_decorator_validates_and_registers(monkeypatch):
    monkeypatch.setattr(H, "_REGISTRY", dict(H._REGISTRY))
    with pytest.raises(ValueError):
        H.labeling_function("weather", "x", "ATTACK: rain")
    with pytest.raises(ValueError):
        H.labeling_function("goal", "x", "")

    @H.labeling_function("goal", "test_only_lf", "ATTACK: always")
    def always(msg, evidence, ctx):
        return ATTACK

    assert always(None, {}, CTX) == ATTACK        # the function is returned unchanged
    assert "goal.test_only_lf" in [lf.name for lf in H.labeling_functions()]
    with pytest.raises(ValueError):
        @H.labeling_function("goal", "test_only_lf", "ATTACK: another")
        def other(msg, evidence, ctx):
            return ATTACK


# ------------------------------------------------------------------------------------------
# apply
def _lf(name, fn, concept="goal"):
    return LF(name, concept, "ATTACK: test", fn)


def test_apply_shapes_and_evidence_computed_when_missing():
    msg = parse_message(PHISH)
    L1 = H.apply([(msg, None)], CTX)
    L2 = H.apply([(msg, sigreg.evaluate(msg, CTX))], CTX)
    assert L1.shape == (1, len(LFS)) and L1.dtype == np.int8
    assert (L1 == L2).all()
    assert H.apply([], CTX).shape == (0, len(LFS))
    assert set(np.unique(H.apply([(parse_message(r), None) for r in ALL_CRAFTED], CTX))) <= {-1, 0, 1}


def test_apply_isolates_a_raising_lf_and_rejects_bad_values():
    def boom(msg, evidence, ctx):
        raise RuntimeError("bug")
    lfs = [_lf("goal.boom", boom), _lf("goal.yes", lambda m, e, c: ATTACK)]
    L = H.apply([(empty_msg(), {})], CTX, lfs)
    assert L.tolist() == [[ABSTAIN, ATTACK]]
    with pytest.raises(ValueError):
        H.apply([(empty_msg(), {})], CTX, [_lf("goal.bad", lambda m, e, c: 2)])
    with pytest.raises(ValueError):
        H.apply([(empty_msg(), {})], CTX, [_lf("goal.bool", lambda m, e, c: True)])


# ------------------------------------------------------------------------------------------
# analysis on hand-made matrices
HAND_L = np.array([
    [1, 1, -1, -1],
    [1, 0, -1, -1],
    [-1, 0, 0, -1],
    [-1, -1, -1, -1],
    [1, -1, -1, -1],
])
HAND_GOLD = np.array([1, 0, 0, -1, -1])
HAND_LFS = [_lf("impersonation.a", None, "impersonation"), _lf("goal.b", None, "goal"),
            _lf("goal.c", None, "goal"), _lf("trust.d", None, "trust")]


def test_analyze_exact_numbers():
    recs = H.analyze(HAND_L, HAND_GOLD, HAND_LFS)
    a, b, c, d = recs
    assert [r["name"] for r in recs] == ["impersonation.a", "goal.b", "goal.c", "trust.d"]
    assert a["concept"] == "impersonation"
    assert a["polarity"] == [1] and b["polarity"] == [0, 1] and c["polarity"] == [0] and d["polarity"] == []
    assert a["coverage"] == pytest.approx(0.6)
    assert a["overlaps"] == pytest.approx(0.4)
    assert a["conflicts"] == pytest.approx(0.2)
    assert a["votes"] == 2 and a["accuracy"] == pytest.approx(0.5)
    assert b["coverage"] == pytest.approx(0.6)
    assert b["overlaps"] == pytest.approx(0.6)
    assert b["conflicts"] == pytest.approx(0.2)
    assert b["votes"] == 3 and b["accuracy"] == pytest.approx(1.0)
    assert c["coverage"] == pytest.approx(0.2) and c["overlaps"] == pytest.approx(0.2)
    assert c["conflicts"] == 0.0 and c["votes"] == 1 and c["accuracy"] == pytest.approx(1.0)
    assert d["coverage"] == 0.0 and d["overlaps"] == 0.0 and d["conflicts"] == 0.0
    assert d["votes"] == 0 and d["accuracy"] is None
    # without gold: no accuracy fields
    assert "accuracy" not in H.analyze(HAND_L, None, HAND_LFS)[0]
    json.dumps(recs)   # serialisable as is


def test_analyze_and_summary_validate_shapes():
    with pytest.raises(ValueError):
        H.analyze(HAND_L, HAND_GOLD, HAND_LFS[:3])
    with pytest.raises(ValueError):
        H.analyze(HAND_L, HAND_GOLD[:3], HAND_LFS)
    with pytest.raises(ValueError):
        H.analyze(np.array([1, 0]), None, HAND_LFS[:2])
    # without lfs: placeholder names when the width is not the registry's
    assert [r["name"] for r in H.analyze(HAND_L)] == ["lf0", "lf1", "lf2", "lf3"]
    empty = H.analyze(np.zeros((0, 4), np.int8), np.zeros(0), HAND_LFS)
    assert empty[0]["coverage"] == 0.0 and empty[0]["accuracy"] is None


def test_summary_exact_numbers():
    s = H.summary(HAND_L, HAND_LFS, HAND_GOLD)
    assert s["messages"] == 5 and s["lfs"] == 4
    assert s["coverage"] == pytest.approx(0.8)
    assert s["concept_coverage"] == pytest.approx(
        {"impersonation": 0.6, "trust": 0.0, "payload": 0.0, "goal": 0.6, "message": 0.0})
    assert s["attack_vote"] == pytest.approx(0.6)
    assert s["benign_vote"] == pytest.approx(0.4)
    assert s["conflicting"] == pytest.approx(0.2)
    assert s["gold_messages"] == 3
    assert s["weak_label_coverage"] == pytest.approx(2 / 3)
    assert s["weak_label_accuracy"] == pytest.approx(1.0)
    assert s["weak_label_recall_attack"] == pytest.approx(1.0)
    assert s["weak_label_recall_benign"] == pytest.approx(0.5)
    assert "weak_label_accuracy" not in H.summary(HAND_L, HAND_LFS)


def test_weak_labels_majority_vote():
    assert H.weak_labels(HAND_L, HAND_LFS).tolist() == [1, -1, 0, -1, 1]
    assert H.weak_labels(HAND_L, HAND_LFS, min_votes=2).tolist() == [1, -1, 0, -1, -1]
    assert H.weak_labels(HAND_L, HAND_LFS, concept="goal").tolist() == [1, 0, 0, -1, -1]
    assert H.weak_labels(HAND_L, HAND_LFS, concept="trust").tolist() == [-1] * 5
    L = np.array([[1, 1, 0], [0, 0, 1], [1, 0, -1], [-1, -1, -1], [0, -1, -1]])
    assert H.weak_labels(L, HAND_LFS[:3]).tolist() == [1, 0, -1, -1, 0]
    assert H.weak_labels(L, HAND_LFS[:3], min_votes=3).tolist() == [1, 0, -1, -1, -1]
    assert H.weak_labels(np.zeros((0, 3), np.int8), HAND_LFS[:3]).shape == (0,)
    with pytest.raises(ValueError):
        H.weak_labels(L, HAND_LFS[:3], concept="weather")


def test_weak_labels_on_crafted_mail():
    attacks = [BEC_GIFT, PHISH, VENDOR_CHANGE, MALWARE, EXE, ZIP_PW, CALLBACK, EXTORTION, ADVANCE_FEE]
    benign = [INTERNAL, REPLY, PATCH]
    L = H.apply([(parse_message(r), None) for r in attacks + benign], CTX)
    wl = H.weak_labels(L)
    assert wl.tolist() == [ATTACK] * len(attacks) + [BENIGN] * len(benign)


# ------------------------------------------------------------------------------------------
# CLI
def _mbox(path: Path, raws: list[bytes]) -> Path:
    with open(path, "wb") as fh:
        for raw in raws:
            fh.write(b"From MAILER-DAEMON Thu Jan  1 00:00:00 1970\n")
            body = raw.replace(b"\r\n", b"\n")
            fh.write(re.sub(rb"(?m)^From ", b">From ", body).rstrip(b"\n") + b"\n\n")
    return path


@pytest.fixture
def tiny_mboxes(tmp_path):
    mal = _mbox(tmp_path / "attacks.mbox", [BEC_GIFT, PHISH, CALLBACK])
    ben = _mbox(tmp_path / "ham.mbox", [INTERNAL, REPLY])
    spam = _mbox(tmp_path / "spam.mbox", [ADVANCE_FEE])
    return mal, ben, spam


def test_cli_prints_the_analysis_table(tiny_mboxes, capsys):
    mal, ben, spam = tiny_mboxes
    out = heuristics_job.run([f"malicious:{mal}", f"benign:{ben}", f"spam:{spam}", "--workers", "1"])
    text = capsys.readouterr().out
    for name in NAMES:
        assert name in text
    assert "cover%" in text and "conflict%" in text and "acc%" in text
    assert "messages 6" in text and "concept coverage" in text and "majority vote on 5 gold" in text
    recs = {r["name"]: r for r in out["labeling_functions"]}
    assert recs["goal.gift_cards"]["coverage"] == pytest.approx(1 / 6)
    assert recs["goal.gift_cards"]["accuracy"] == 1.0 and recs["goal.gift_cards"]["votes"] == 1
    assert recs["goal.advance_fee"]["coverage"] == pytest.approx(1 / 6)
    assert recs["goal.advance_fee"]["votes"] == 0          # spam has no gold label
    assert out["summary"]["weak_label_accuracy"] == 1.0
    assert out["sources"]["attacks"] == {"messages": 3, "gold": 1, "attack": 1.0, "benign": 0.0,
                                         "unlabelled": 0.0}
    assert out["sources"]["ham"]["benign"] == 1.0 and out["sources"]["spam"]["gold"] == -1
    assert "majority vote per source" in text


def test_cli_json_and_limit(tiny_mboxes, capsys):
    mal, ben, _ = tiny_mboxes
    heuristics_job.run([f"malicious:{mal}", f"benign:{ben}", "--limit", "1", "--json", "--workers", "2"])
    data = json.loads(capsys.readouterr().out)
    assert data["summary"]["messages"] == 2
    assert [r["name"] for r in data["labeling_functions"]] == NAMES
    assert {"name", "concept", "polarity", "coverage", "overlaps", "conflicts", "accuracy",
            "votes"} <= set(data["labeling_functions"][0])


def test_cli_counts_exact_duplicates_once(tmp_path, capsys):
    mal = _mbox(tmp_path / "a.mbox", [PHISH, PHISH, BEC_GIFT])
    ben = _mbox(tmp_path / "b.mbox", [INTERNAL, PHISH])     # the same bytes again in another source
    out = heuristics_job.run([f"malicious:{mal}", f"benign:{ben}", "--workers", "1", "--json"])
    capsys.readouterr()
    assert out["summary"]["messages"] == 3 and out["summary"]["duplicates"] == 2
    assert out["sources"]["a"]["messages"] == 2 and out["sources"]["b"]["messages"] == 1


def test_cli_errors(tmp_path):
    with pytest.raises(ValueError):
        heuristics_job.run([])
    with pytest.raises(FileNotFoundError):
        heuristics_job.run([f"malicious:{tmp_path / 'missing.mbox'}"])
    with pytest.raises(ValueError):
        heuristics_job.run([f"weird:{tmp_path}"])
    box = _mbox(tmp_path / "x.mbox", [TINY])
    with pytest.raises(ValueError):
        heuristics_job.run([f"malicious:{box}", f"benign:{box}"])
