"""The miss flywheel: the durable queue, intake and unwrapping, signatures that catch
near-duplicates at once, dissection, and the `sedetect miss` command line."""
import json
import os
import signal
import subprocess
import sys
import threading
import time
from email.message import EmailMessage
from email.utils import make_msgid

import numpy as np
import pytest

from labeling.intake import unwrap
from labeling.misses import accept, load_signatures
from labeling.queue import MissQueue, QueueError
from features.parsing import parse_message

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

LURE = ("Hello {name},\n\nYour mailbox storage is almost full and incoming messages are on hold. "
        "To keep receiving mail, confirm your account within 24 hours using the secure portal "
        "below, otherwise your account will be suspended permanently.\n\n"
        "https://{host}/owa/verify?user={user}\n\nIT Helpdesk\nMailbox Administration Team\n")


def lure(name="Alex", user="alex", host="mail-quota-check.top", to="alex@example.com",
         subject="Action required: mailbox quota exceeded", sender="helpdesk@quota-alerts.top"):
    m = EmailMessage()
    m["From"] = f"IT Helpdesk <{sender}>"
    m["To"] = to
    m["Subject"] = subject
    m["Message-ID"] = make_msgid(domain="quota-alerts.top")
    m["Date"] = "Tue, 03 Nov 2026 09:14:00 +0000"
    m.set_content(LURE.format(name=name, user=user, host=host))
    return m.as_bytes()


def invoice(n=1):
    m = EmailMessage()
    m["From"] = "Accounts <billing@globex.com>"
    m["To"] = "ap@example.com"
    m["Subject"] = f"Invoice INV-{4400 + n} for October"
    m["Message-ID"] = make_msgid(domain="globex.com")
    m.set_content(f"Hi team,\n\nPlease find attached invoice INV-{4400 + n} for the October "
                  "deliveries, payable within 30 days as usual. Let me know if anything is off.\n\n"
                  "Thanks,\nMaria\nGlobex Accounts Receivable\n")
    m.add_attachment(b"%PDF-1.4 invoice " + str(n).encode(), maintype="application",
                     subtype="pdf", filename=f"INV-{4400 + n}.pdf")
    return m.as_bytes()


@pytest.fixture
def queue(tmp_path):
    q = MissQueue(tmp_path / "misses.db")
    yield q
    q.close()


# -- the queue ------------------------------------------------------------------------------------

def test_submission_lifecycle_and_audit_trail(queue):
    raw = lure()
    s = queue.submit(raw, "malicious", "ana", "credential_phish", ["payload"], "got through")
    assert (s.state, s.label, s.concepts, s.duplicate_of) == ("submitted", "malicious",
                                                             ["payload"], None)
    assert queue.raw(s.id) == raw
    s = queue.decide(s.id, "accepted", "lead", "confirmed phish")
    assert (s.state, s.decided_by, s.decision_note) == ("accepted", "lead", "confirmed phish")
    with pytest.raises(QueueError):
        queue.decide(s.id, "rejected", "lead")          # accepted cannot become rejected
    s = queue.decide(s.id, "incorporated", "sedetect", model_version="sedetect/2")
    assert (s.state, s.model_version) == ("incorporated", "sedetect/2")
    assert [e["event"] for e in queue.events(s.id)] == ["submitted", "accepted", "incorporated"]
    with pytest.raises(QueueError):
        queue.submit(b"", "malicious", "ana")
    with pytest.raises(QueueError):
        queue.submit(lure(), "phish", "ana")
    with pytest.raises(QueueError):
        queue.get(999)


def test_duplicates_are_linked_not_merged(queue):
    raw = lure()
    first = queue.submit(raw, "malicious", "ana")
    again = queue.submit(raw, "malicious", "bo")                        # byte-identical
    # The same message as another mailbox stored it: a relay's Received header, CRLF line ends.
    reforwarded = b"Received: from relay.example.net by mx.example.com\r\n" + \
        raw.replace(b"\n", b"\r\n")
    third = queue.submit(reforwarded, "malicious", "carl", channel="abuse-mailbox")
    other = queue.submit(lure(name="Dana", user="dana"), "malicious", "ana")
    assert again.duplicate_of == first.id and third.duplicate_of == first.id
    assert other.duplicate_of is None
    assert queue.get(first.id).duplicates == [again.id, third.id]
    assert queue.count() == 4


def test_concurrent_submitters_all_land_once(tmp_path):
    path = tmp_path / "misses.db"
    MissQueue(path).close()
    ids: list[int] = []
    errors: list[BaseException] = []

    def analyst(k):
        q = MissQueue(path)
        try:
            for i in range(50):
                ids.append(q.submit(lure(name=f"A{k}", user=f"u{k}-{i}"), "malicious",
                                    f"analyst{k}").id)
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            q.close()
    threads = [threading.Thread(target=analyst, args=(k,)) for k in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    q = MissQueue(path)
    assert len(ids) == len(set(ids)) == 1000 == q.count()
    keys = [s.message_key for s in q.list(limit=2000)]
    assert len(set(keys)) == 1000                                  # none stored twice
    assert {s.submitter for s in q.list(limit=2000)} == {f"analyst{k}" for k in range(20)}


def test_kill_9_during_submissions_loses_nothing_returned(tmp_path):
    path = tmp_path / "misses.db"
    script = (
        "import sys; sys.path.insert(0, %r)\n"
        "from labeling.queue import MissQueue\n"
        "q = MissQueue(%r)\n"
        "i = 0\n"
        "while True:\n"
        "    raw = b'From: a@b.example\\r\\nSubject: m%%d\\r\\n\\r\\nbody %%d\\r\\n' %% (i, i)\n"
        "    s = q.submit(raw, 'malicious', 'writer')\n"
        "    print(s.id, s.message_key, flush=True)\n"
        "    i += 1\n") % (REPO, str(path))
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True,
                            cwd=REPO)
    acknowledged = []
    for line in proc.stdout:
        acknowledged.append(line.split())
        if len(acknowledged) >= 40:
            break
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    q = MissQueue(path)
    assert q.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    for sid, key in acknowledged:
        assert q.get(int(sid)).message_key == key
    assert q.count() >= len(acknowledged)


# -- intake ---------------------------------------------------------------------------------------

def forward_as_attachment(raw: bytes, reporter: str) -> bytes:
    outer = EmailMessage()
    outer["From"] = f"User <{reporter}>"
    outer["To"] = "abuse@example.com"
    outer["Subject"] = "FW: suspicious"
    outer.set_content("This looks like phishing, please check.")
    from email import message_from_bytes, policy
    outer.add_attachment(message_from_bytes(raw, policy=policy.default))
    return outer.as_bytes()


def test_forwarded_as_attachment_recovers_the_original():
    raw = lure()
    report = unwrap(forward_as_attachment(raw, "Carl@Example.com"))
    assert report.reporter == "carl@example.com" and report.how == "attached original"
    a, b = parse_message(raw), parse_message(report.raw)
    assert (b.from_.address, b.subject, b.message_id, b.date) == \
           (a.from_.address, a.subject, a.message_id, a.date)
    assert b.text.strip() == a.text.strip()
    assert [l.host for l in b.links] == ["mail-quota-check.top"]


@pytest.mark.parametrize("marker,from_line,date_label", [
    ("---------- Forwarded message ---------", "From: IT Helpdesk <helpdesk@quota-alerts.top>",
     "Date"),
    ("-----Original Message-----", "From: IT Helpdesk [mailto:helpdesk@quota-alerts.top]",
     "Sent"),
    ("Begin forwarded message:", "From: \"IT Helpdesk\" <helpdesk@quota-alerts.top>", "Date"),
    ("---------- Weitergeleitete Nachricht ----------",
     "Von: IT Helpdesk <helpdesk@quota-alerts.top>", "Datum"),
])
def test_inline_forward_recovers_headers_and_body(marker, from_line, date_label):
    # Outlook writes the date in words; it is kept as written when it is not RFC 5322.
    date = "Tuesday, November 3, 2026 9:14 AM" if date_label == "Sent" else "Tue, 3 Nov 2026 09:14"
    body = LURE.format(name="Alex", user="alex", host="mail-quota-check.top")
    outer = EmailMessage()
    outer["From"] = "Dana <dana@example.com>"
    outer["To"] = "abuse@example.com"
    outer["Subject"] = "Fwd: Action required: mailbox quota exceeded"
    outer.set_content(f"Got this today, looks fake.\n\n{marker}\n{from_line}\n"
                      f"{date_label}: {date}\n"
                      "Subject: Action required: mailbox quota exceeded\n"
                      "To: alex@example.com\n\n" + body)
    report = unwrap(outer.as_bytes())
    assert report.how == "inline forward" and report.reporter == "dana@example.com"
    msg = parse_message(report.raw)
    assert msg.from_.address == "helpdesk@quota-alerts.top"
    assert msg.subject == "Action required: mailbox quota exceeded"
    assert msg.date.startswith("Tue, 03 Nov 2026 09:14") or msg.date == date
    assert [a.address for a in msg.to] == ["alex@example.com"]
    assert "confirm your account within 24 hours" in msg.text
    assert "looks fake" not in msg.text
    assert [l.host for l in msg.links] == ["mail-quota-check.top"]


def test_a_report_that_is_not_a_forward_is_kept():
    raw = lure()
    report = unwrap(raw)
    assert report.raw == raw and report.how.startswith("not a forward")


# -- signatures -----------------------------------------------------------------------------------

@pytest.fixture
def encoder():
    from features.text import TextEncoder
    return TextEncoder()


def _score(raws, bundle, signatures):
    from detectors.scoring import score_raw_messages
    return score_raw_messages(raws, bundle, signatures=signatures, model_version="test")


def test_block_signature_catches_near_duplicates_at_once(queue, default_bundle, encoder):
    variants = [lure(name=n, user=u, to=f"{u}@example.com") for n, u in
                (("Sam", "sam"), ("Priya", "priya"), ("Jo", "jo"))]
    reworded = lure(name="Kim", user="kim", subject="Mailbox quota exceeded - action needed")
    benign = [invoice(1), invoice(2)]
    before = _score(variants + [reworded] + benign, default_bundle, None)
    assert all(r["signature_id"] is None for r in before)

    s = queue.submit(lure(), "malicious", "ana", "credential_phish")
    s = accept(queue, s.id, "lead", encoder=encoder)
    assert s.state == "accepted" and s.signature["id"] == f"sig-{s.id}"
    index = load_signatures(queue)
    after = _score(variants + [reworded] + benign, default_bundle, index)
    for row in after[:4]:
        assert row["verdict"] == "malicious" and row["signature_id"] == f"sig-{s.id}"
        assert row["signature_match"] >= 0.8
        assert row["reasons"][0].startswith(f"signature: near-duplicate of reported miss #{s.id}")
    for b, a in zip(before[4:], after[4:]):
        assert a["signature_id"] is None and a["verdict"] == b["verdict"]


def test_allow_signature_clears_a_reported_false_positive(queue, default_bundle, encoder):
    s = queue.submit(invoice(1), "benign", "ana", note="our supplier, not fraud")
    accept(queue, s.id, "lead", encoder=encoder)
    row, = _score([invoice(7)], default_bundle, load_signatures(queue))
    assert row["verdict"] == "benign" and row["signature_id"] == f"sig-{s.id}"
    assert "reported false positive" in row["reasons"][0]


def test_signatures_roundtrip_and_shared_attachment(queue, encoder):
    from detectors.signatures import SignatureIndex, indicators_of
    s = queue.submit(invoice(3), "malicious", "ana")
    accept(queue, s.id, "lead", encoder=encoder)
    index = SignatureIndex.from_bytes(load_signatures(queue).to_bytes())
    # Different text, same attachment bytes: a shared payload is a match on its own.
    m = EmailMessage()
    m["From"] = "x@y.example"
    m["Subject"] = "hello"
    m.set_content("Totally different words about a picnic on Saturday afternoon.")
    m.add_attachment(b"%PDF-1.4 invoice 3", maintype="application", subtype="pdf",
                     filename="other-name.pdf")
    msg = parse_message(m.as_bytes())
    from features.text import embedding_text
    match, = index.match(encoder.encode([embedding_text(msg)]), [indicators_of(msg)])
    assert match is not None and match.signature_id == f"sig-{s.id}"
    assert any(x.startswith("attachment") for x in match.shared)


def test_batch_job_uses_signatures_and_counts_matches(tmp_path, home, encoder):
    from pipelines.batch import score
    q = MissQueue(home / "misses.db")
    s = q.submit(lure(), "malicious", "ana")
    accept(q, s.id, "lead", encoder=encoder)
    archive = tmp_path / "mail"
    archive.mkdir()
    for i, raw in enumerate([lure(name="Sam", user="sam"), lure(name="Jo", user="jo"), invoice()]):
        (archive / f"{i}.eml").write_bytes(raw)
    out = tmp_path / "v.jsonl"
    summary = score([str(archive)], str(out), quiet=True, no_profile=True)
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert sum(r["signature_id"] == f"sig-{s.id}" for r in rows) == 2
    assert summary["signature_matches"] == {f"sig-{s.id}": 2}
    assert q.get(s.id).signature["matches"] == 2
    out2 = tmp_path / "v2.jsonl"
    score([str(archive)], str(out2), quiet=True, no_profile=True, no_signatures=True)
    assert all(json.loads(x)["signature_id"] is None for x in out2.read_text().splitlines())


# -- dissection and the command line --------------------------------------------------------------

def test_dissection_names_legs_signals_and_candidates(default_bundle):
    from labeling.dissect import dissect, render
    raw = lure(sender="it-support@examp1e.com", host="examp1e-login.com")
    d = dissect(raw, bundle=default_bundle, version="test")
    assert [leg["concept"] for leg in d["legs"]] == ["impersonation", "trust", "payload", "goal"]
    for leg in d["legs"]:
        names = {f["signal"] for f in leg["fired"]} | {s["signal"] for s in leg["silent"]}
        assert names and all(n.startswith(leg["concept"] + ".") for n in names)
    fired = {f["signal"] for leg in d["legs"] for f in leg["fired"]}
    assert "impersonation.protected_domain_lookalike" in fired or \
        any("examp1e.com looks like example.com" in x for x in d["candidates"]["lookalike_domains"])
    assert "examp1e-login.com" in d["candidates"]["link_domains"]
    assert d["thresholds"]["malicious"] > d["thresholds"]["suspicious"]
    text = render(d)
    assert "impersonation" in text and "candidate features" in text


def test_cli_submit_accept_list_show_json(tmp_path, home):
    eml = tmp_path / "miss.eml"
    eml.write_bytes(lure())
    env = os.environ | {"SEDETECT_HOME": str(home)}
    cli = [sys.executable, "-m", "pipelines.cli", "miss"]

    def run(*args):
        out = subprocess.run(cli + list(args), env=env, capture_output=True, text=True, cwd=REPO)
        assert out.returncode == 0, out.stderr
        return [json.loads(line) for line in out.stdout.splitlines()]
    rec, = run("submit", str(eml), "--label", "malicious", "--type", "credential_phish",
               "--concepts", "payload,goal", "--note", "CEO got it", "--json", "--as", "ana")
    assert rec["state"] == "submitted" and rec["concepts"] == ["payload", "goal"]
    rec, = run("accept", str(rec["id"]), "--json", "--as", "lead")
    assert rec["state"] == "accepted" and rec["signature"]["kind"] == "block"
    listed = run("list", "--state", "accepted", "--json")
    assert [r["id"] for r in listed] == [rec["id"]]
    shown, = run("show", str(rec["id"]), "--json")
    assert shown["dissection"]["signature"]["id"] == rec["signature"]["id"]
    assert [e["event"] for e in shown["events"]] == ["submitted", "accepted", "signature"]
    bad = subprocess.run(cli + ["reject", str(rec["id"])], env=env, capture_output=True,
                         text=True, cwd=REPO)
    assert bad.returncode == 1 and "cannot become rejected" in bad.stderr


# -- incorporate: retrain with the misses, gated, then marked with the model version --------------

def test_misses_caught_gate_names_what_the_model_still_misses(default_bundle):
    from pipelines.miss_job import misses_caught_gate
    from labeling.queue import Submission
    subs = [Submission(1, "k", "c", "malicious", None, [], "", "ana", None, "cli", 0.0,
                       "accepted", None),
            Submission(2, "k", "c", "benign", None, [], "", "ana", None, "cli", 0.0,
                       "accepted", None)]
    # An attack labelled benign and an invoice labelled malicious: both contradict the model.
    failures = misses_caught_gate(subs, [invoice(1), lure()])(default_bundle)
    assert [f.split()[1] for f in failures] == ["#1", "#2"]


def test_incorporate_retrains_registers_and_marks(tmp_path, home, encoder):
    from detectors.registry import bootstrap, champion_version
    from features.context import load_org
    from pipelines.miss_job import incorporate
    from labeling.sources import LabelledSource
    from labeling.synthetic import generate_kind, write_mbox
    bootstrap()
    sources = []
    for kind in ("credentials", "gift_cards", "benign_invoice", "benign_password_reset"):
        path = tmp_path / f"{kind}.mbox"
        msgs = generate_kind(kind, 40, seed=1)
        write_mbox(msgs, str(path))
        sources.append(LabelledSource(kind, str(path), msgs[0].label))
    q = MissQueue(home / "misses.db")
    miss = accept(q, q.submit(lure(), "malicious", "ana").id, "lead", encoder=encoder)
    ignored = q.submit(lure(user="zed"), "malicious", "ana")           # never accepted
    result = incorporate(q, sources, load_org(), "lead", workers=1, embed=False,
                         force_promote=True)
    assert result["promoted"] and result["submissions"] == [miss.id]
    version = f"sedetect/{result['version']}"
    assert champion_version() == result["version"]
    assert "analyst_malicious" in result["heldout"]
    done = q.get(miss.id)
    assert (done.state, done.model_version) == ("incorporated", version)
    assert q.get(ignored.id).state == "submitted"


def test_rescore_since_a_date_lists_what_is_now_flagged(tmp_path, home, encoder, capsys):
    from pipelines.rescore import run as rescore
    q = MissQueue(home / "misses.db")
    accept(q, q.submit(lure(), "malicious", "ana").id, "lead", encoder=encoder)
    archive = tmp_path / "past"
    archive.mkdir()
    old = lure(name="Old", user="old").replace(b"Tue, 03 Nov 2026", b"Mon, 02 Mar 2026")
    (archive / "old.eml").write_bytes(old)
    (archive / "new.eml").write_bytes(lure(name="New", user="new"))
    (archive / "invoice.eml").write_bytes(invoice(5))
    out = tmp_path / "rescored.jsonl"
    summary = rescore([str(archive), "-o", str(out), "--since", "2026-10-01", "--no-profile"])
    rows = [json.loads(x) for x in out.read_text().splitlines()]
    assert sorted(os.path.basename(r["source"]) for r in rows) == ["invoice.eml", "new.eml"]
    assert [os.path.basename(r["source"]) for r in summary["flagged"]][0] == "new.eml"
    assert "signature: near-duplicate of reported miss" in capsys.readouterr().out
def test_empty_index_matches_nothing():
    import numpy as np
    from detectors.signatures import SignatureIndex
    index = SignatureIndex.from_rows([])
    assert len(index) == 0 and index.match(np.zeros((2, 384), dtype=np.float32), [{}, {}]) == [None, None]


def test_cli_abuse_mailbox_unwraps_each_report(tmp_path, home):
    import mailbox
    box = mailbox.mbox(str(tmp_path / "abuse.mbox"))
    box.add(forward_as_attachment(lure(user="x1"), "carl@example.com"))
    box.add(forward_as_attachment(lure(user="x2"), "dana@example.com"))
    box.close()
    out = subprocess.run([sys.executable, "-m", "pipelines.cli", "miss", "submit",
                          "--abuse-mailbox", str(tmp_path / "abuse.mbox"), "--json"],
                         env=os.environ | {"SEDETECT_HOME": str(home)}, capture_output=True,
                         text=True, cwd=REPO)
    assert out.returncode == 0, out.stderr
    recs = [json.loads(line) for line in out.stdout.splitlines()]
    assert [(r["channel"], r["reporter"], r["state"]) for r in recs] == [
        ("abuse-mailbox", "carl@example.com", "submitted"),
        ("abuse-mailbox", "dana@example.com", "submitted")]
    q = MissQueue(home / "misses.db")
    assert parse_message(q.raw(recs[0]["id"])).from_.address == "helpdesk@quota-alerts.top"


def test_allow_signature_that_clears_attacks_is_flagged_for_review(queue):
    """An allow signature clearing messages the model called malicious is counted per signature
    and flagged in the review list (the console's Signatures page reads it)."""
    s = queue.submit(invoice(3), "benign", "ana")
    queue.decide(s.id, "accepted", "lead")
    sig = queue.add_signature(s.id, "allow", np.zeros(384, dtype=np.float32).tobytes(), {})
    from labeling.misses import record_matches
    record_matches({sig: 5}, queue, overrides={sig: 2})
    review = {r["id"]: r for r in queue.signature_review()}
    r = review[sig]
    assert (r["kind"], r["matches"], r["overrides"], r["flagged"], r["accepted_by"]) == \
        ("allow", 5, 2, True, "lead")
    assert 0 <= r["age_days"] < 1
