"""The identity reference data: it loads, known facts hold, the lists do not contradict each other,
every file carries its licence, and build.py reproduces the committed files byte for byte."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from features.domains import registrable_domain
from features.reference import DATA_DIR, Reference, host_in, load_reference

BUILT = ["trusted_senders.txt", "neutral_link_hosts.txt", "freemail.txt", "disposable.txt",
         "free_page_hosts.txt", "url_shorteners.txt", "replyto_services.txt",
         "popular_domains.txt", "brands.yaml"]
SHARED = DATA_DIR.parents[2].parent / "shared" / "data"


@pytest.fixture(scope="module")
def ref() -> Reference:
    return load_reference()


def test_loads_once(ref: Reference) -> None:
    assert load_reference() is ref
    assert len(ref.trusted_senders) > 1000
    assert len(ref.freemail) > 10_000 and len(ref.disposable) > 5_000
    assert len(ref.brands) > 500 and ref.body_brands <= set(ref.brands)
    assert ref.popular_rank["google.com"] == 1


def test_known_facts(ref: Reference) -> None:
    assert "paypal.com" in ref.trusted_senders
    assert host_in("sendgrid.net", ref.neutral_link_hosts)
    assert host_in("u123.ct.sendgrid.net", ref.neutral_link_hosts)
    assert "gmail.com" in ref.freemail
    assert host_in("evil.blogspot.com", ref.free_page_hosts)
    assert host_in("site.weebly.com", ref.free_page_hosts)
    assert "bit.ly" in ref.url_shorteners
    assert "paypal.com" in ref.brands["paypal"]
    assert {"bankofamerica.com", "bofa.com"} <= ref.brands["bank of america"]
    assert {"docusign.com", "docusign.net"} <= ref.brands["docusign"]
    assert "microsoft.com" in ref.brands["office 365"]
    assert "hmrc.gov.uk" in ref.brands["hmrc"]


def test_common_word_brands_stay_out_of_body_text(ref: Reference) -> None:
    for name in ("apple", "chase", "target", "square", "box", "visa", "outlook"):
        assert name in ref.brands and name not in ref.body_brands, name
    for name in ("paypal", "docusign", "netflix", "bank of america"):
        assert name in ref.body_brands, name


def test_brand_domains_are_no_mailbox_or_foreign_page_host(ref: Reference) -> None:
    """Anyone can get a free mailbox or publish a page: such a domain proves no brand. The one
    exception is a page platform's own brand (dropbox -> dropbox.com, box -> box.com)."""
    for name, domains in ref.brands.items():
        for d in domains:
            assert not host_in(d, ref.freemail), (name, d)
            assert not host_in(d, ref.disposable), (name, d)
            assert not host_in(d, ref.neutral_link_hosts), (name, d)
            if host_in(d, ref.free_page_hosts):
                assert d.partition(".")[0] == "".join(c for c in name if c.isalnum()), (name, d)
            assert d == registrable_domain(d), (name, d)
    assert "gmail.com" not in ref.brands["gmail"]
    assert not ref.brands["google"] & {"blogspot.com", "googleusercontent.com", "appspot.com"}


def test_neutral_hosts_are_not_publishable(ref: Reference) -> None:
    for h in ref.neutral_link_hosts:
        assert not host_in(h, ref.free_page_hosts), h
        assert not any(host_in(p, frozenset({h})) for p in ref.free_page_hosts), h
        assert h not in ref.freemail, h
    assert host_in("link.mail.beehiiv.com", ref.neutral_link_hosts)
    for h in ("googleusercontent.com", "mcusercontent.com", "cloudfront.net", "amazonaws.com",
              "anyone.beehiiv.com"):
        assert not host_in(h, ref.neutral_link_hosts), h


def test_trusted_senders_are_organisations(ref: Reference) -> None:
    for d in ref.trusted_senders:
        assert d not in ref.freemail and d not in ref.disposable, d
        assert not host_in(d, ref.neutral_link_hosts), d
    for d in ("zendesk.com", "gmail.com", "list-manage.com", "googleusercontent.com"):
        assert d not in ref.trusted_senders, d


def test_host_in() -> None:
    small = frozenset({"paypal.com", "blob.core.windows.net"})
    for host in ("paypal.com", "www.paypal.com", "PayPal.COM.", "paypal.com:443",
                 "x.blob.core.windows.net"):
        assert host_in(host, small), host
    for host in ("notpaypal.com", "paypal.com.evil.net", "core.windows.net", "", "[::1]"):
        assert not host_in(host, small), host


def test_every_file_has_source_and_licence_header() -> None:
    for name in BUILT:
        head = [line for line in (DATA_DIR / name).read_text(encoding="utf-8").splitlines()[:40]
                if line.startswith("#")]
        text = "\n".join(head)
        assert "# Licence: " in text and "Sources:" in text, name
        assert "MIT" in text, name
    for name in ("trusted_senders.txt", "brands.yaml"):
        text = (DATA_DIR / name).read_text(encoding="utf-8")
        assert "Apache-2.0" in text and "Debian package spamassassin" in text, name
    assert "Sublime Security" in (DATA_DIR / "LICENSE.sublime").read_text(encoding="utf-8")
    readme = (DATA_DIR / "README.md").read_text(encoding="utf-8")
    assert "NOTICE" in readme and "Apache-2.0" in readme


def test_brands_yaml_shape() -> None:
    raw = yaml.safe_load((DATA_DIR / "brands.yaml").read_text(encoding="utf-8"))
    for name, spec in raw.items():
        assert name == name.lower().strip() and set(spec) == {"domains", "body"}, name
        assert spec["domains"] == sorted(set(spec["domains"])) and isinstance(spec["body"], bool)


def test_build_reproduces_committed_files(tmp_path: Path) -> None:
    if not (SHARED / "sublime-security-static-files").is_dir():
        pytest.skip(f"Sublime's static files are not at {SHARED} (the shared data folder beside "
                    "the repository); the Debian inputs are vendored in sources/")
    proc = subprocess.run([sys.executable, str(DATA_DIR / "build.py"), "--shared", str(SHARED),
                           "--out", str(tmp_path)], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    for name in BUILT:
        assert (tmp_path / name).read_bytes() == (DATA_DIR / name).read_bytes(), name
