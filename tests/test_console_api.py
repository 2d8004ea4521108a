"""The miss API served by a real `sedetect console` process, over real HTTP."""
import json
import urllib.error
import urllib.request
import uuid

import pytest

from tests.conftest import ANA, LEAD
from tests.test_misses import lure


def call(base, method, path, token=None, body=None, headers=None):
    req = urllib.request.Request(base + path, data=body, method=method, headers=headers or {})
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(req, timeout=120) as resp:
            return resp.status, json.loads(resp.read() or b"null")
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read() or b"null")


def test_every_api_call_needs_a_token(console):
    for method, path in (("GET", "/api/misses"), ("GET", "/api/misses/1"),
                         ("POST", "/api/misses"), ("POST", "/api/misses/1/accept"),
                         ("POST", "/api/misses/1/reject"), ("GET", "/api/misses/1/dissection")):
        assert call(console, method, path, body=b"x" if method == "POST" else None)[0] == 401
        assert call(console, method, path, token="not-a-token-at-all-xxxx",
                    body=b"x" if method == "POST" else None)[0] == 401


def test_submit_accept_and_read_back(console):
    status, rec = call(console, "POST", "/api/misses?label=malicious&attack_type=credential_phish"
                       "&concepts=payload,goal&note=exec%20got%20it&submitter=lead",
                       ANA, lure(), {"Content-Type": "message/rfc822"})
    assert status == 201
    assert (rec["state"], rec["submitter"], rec["channel"]) == ("submitted", "ana", "api")
    assert rec["concepts"] == ["payload", "goal"]          # submitter comes from the token only
    status, got = call(console, "GET", f"/api/misses/{rec['id']}", LEAD)
    assert status == 200 and got["id"] == rec["id"] and got["events"][0]["actor"] == "ana"
    status, acc = call(console, "POST", f"/api/misses/{rec['id']}/accept?note=confirmed", LEAD)
    assert status == 200 and acc["state"] == "accepted" and acc["decided_by"] == "lead"
    assert acc["signature"]["kind"] == "block"
    status, err = call(console, "POST", f"/api/misses/{rec['id']}/reject", ANA)
    assert status == 409 and "cannot become rejected" in err["detail"]
    status, d = call(console, "GET", f"/api/misses/{rec['id']}/dissection", ANA)
    assert status == 200 and [leg["concept"] for leg in d["legs"]][0] == "impersonation"
    assert d["signature"]["id"] == acc["signature"]["id"]
    status, listed = call(console, "GET", "/api/misses?state=accepted", ANA)
    assert rec["id"] in [r["id"] for r in listed]


def test_multipart_upload_and_limits(console):
    boundary = uuid.uuid4().hex
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"label\"\r\n\r\nbenign\r\n"
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"m.eml\"\r\n"
            f"Content-Type: message/rfc822\r\n\r\n").encode() + lure(user="mp") + \
        f"\r\n--{boundary}--\r\n".encode()
    status, rec = call(console, "POST", "/api/misses", ANA, body,
                       {"Content-Type": f"multipart/form-data; boundary={boundary}"})
    assert status == 201 and rec["label"] == "benign"
    assert call(console, "POST", "/api/misses", ANA, b"x" * (2 << 20))[0] == 413
    assert call(console, "POST", "/api/misses", ANA, b"   ")[0] == 422
    assert call(console, "GET", "/api/misses/99999", ANA)[0] == 404


def test_only_a_lead_accepts_a_false_alarm_report(console):
    """An allow signature clears a sender's mail at once: an analyst's token cannot make one."""
    status, rec = call(console, "POST", "/api/misses?label=benign&note=vendor%20receipt", ANA,
                       lure(user="fa"), {"Content-Type": "message/rfc822"})
    assert status == 201
    status, err = call(console, "POST", f"/api/misses/{rec['id']}/accept", ANA)
    assert status == 403 and "only a lead" in err["detail"]
    status, got = call(console, "GET", f"/api/misses/{rec['id']}", ANA)
    assert got["state"] == "submitted" and got.get("signature") is None
    status, acc = call(console, "POST", f"/api/misses/{rec['id']}/accept", LEAD)
    assert status == 200 and acc["signature"]["kind"] == "allow"


def test_token_file_roles(tmp_path):
    from labeling.console import load_roles, load_tokens
    f = tmp_path / "tokens"
    f.write_text(f"ana:{ANA}\nlead:{LEAD}:lead\n")
    assert load_tokens(str(f)) == {ANA: "ana", LEAD: "lead"}
    assert load_roles(str(f)) == {"ana": "analyst", "lead": "lead"}
    f.write_text(f"boss:{LEAD}:admin\n")
    with pytest.raises(ValueError, match="role must be one of analyst, lead"):
        load_roles(str(f))


def test_signatures_page_lists_hits_age_and_who(console):
    status, rec = call(console, "POST", "/api/misses?label=malicious", ANA, lure(user="sp"),
                       {"Content-Type": "message/rfc822"})
    status, acc = call(console, "POST", f"/api/misses/{rec['id']}/accept", LEAD)
    req = urllib.request.Request(console + "/signatures", headers={"Authorization": f"Bearer {ANA}"})
    with urllib.request.urlopen(req, timeout=60) as resp:
        page = resp.read().decode()
    assert acc["signature"]["id"] in page and "lead" in page and f"#{rec['id']}" in page
