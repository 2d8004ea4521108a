"""The communication profile: built on Beam from past mail, used by `score` as a side input."""
from email.message import EmailMessage

import pyarrow.parquet as pq

from features.profile import CommunicationProfile, normalize_name
from labeling.synthetic import SyntheticMessage, write_mbox
from pipelines.batch import score
from pipelines.profile_job import build_profile


def _mail(from_, to, subject, body="Hi,\n\nSee you at the meeting.\n"):
    m = EmailMessage()
    m["From"], m["To"], m["Subject"] = from_, to, subject
    m["Message-ID"] = f"<{abs(hash((from_, subject)))}@test>"
    m.set_content(body)
    return bytes(m)


def test_normalize_name_handles_last_first():
    assert normalize_name('"Doe, Jane"') == normalize_name("Jane  DOE") == "jane doe"


def test_profile_round_trip():
    prof = CommunicationProfile()
    prof.senders["a@x.com"] = 3
    prof.name_addresses["jane doe"]["a@x.com"] = 3
    again = CommunicationProfile.from_json(prof.to_json())
    assert again.addresses_for_name("Jane Doe") == {"a@x.com"}
    assert again.is_known_sender("A@x.com")


def test_profile_side_input_fires_behavioural_signals(home, tmp_path):
    past = [_mail("Pat Lee <pat.lee@partnerco.com>", "alice.martin@example.com", f"Project {i}")
            for i in range(5)]
    archive = tmp_path / "past.mbox"
    write_mbox([SyntheticMessage(r, "benign", "x") for r in past], str(archive))
    stats = build_profile([str(archive)], str(home / "profile.json"))
    assert stats["messages"] == 5 and stats["senders"] == 1

    suspect = tmp_path / "new"
    suspect.mkdir()
    (suspect / "a.eml").write_bytes(_mail("Pat Lee <pat.lee.partnerco@gmail.com>",
                                          "alice.martin@example.com", "Quick question"))
    (suspect / "b.eml").write_bytes(_mail("Pat Lee <pat.lee@partnercq.com>",
                                          "alice.martin@example.com", "Invoice"))
    (suspect / "c.eml").write_bytes(_mail("Pat Lee <pat.lee@partnerco.com>",
                                          "alice.martin@example.com", "Project 6"))

    with_profile = tmp_path / "with.parquet"
    score([str(suspect)], str(with_profile), quiet=True)        # picks up $SEDETECT_HOME/profile.json
    rows = {r["source"].rsplit("/", 1)[-1]: r for r in pq.read_table(with_profile).to_pylist()}
    assert any("Pat Lee is known" in x for x in rows["a.eml"]["reasons"]), rows["a.eml"]
    assert any("partnerco.com" in x for x in rows["b.eml"]["reasons"]), rows["b.eml"]
    assert not any("Pat Lee" in x or "First message" in x for x in rows["c.eml"]["reasons"])
    assert rows["a.eml"]["impersonation"] > rows["c.eml"]["impersonation"]

    without = tmp_path / "without.parquet"
    score([str(suspect)], str(without), no_profile=True, quiet=True)
    rows_np = {r["source"].rsplit("/", 1)[-1]: r for r in pq.read_table(without).to_pylist()}
    assert not any("Pat Lee is known" in x or "partnercq" in x
                   for r in rows_np.values() for x in r["reasons"])
