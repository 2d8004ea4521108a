"""Input limits (features/limits.py): each limit is hit through parse_message and the message is
still read; the four hostile messages of the issue (a zip bomb, a 50 MB message, 10,000 parts,
1,000 levels of nesting) finish within a bound with a reason naming the limit; the limits are
configurable in configs/."""
from __future__ import annotations

import base64
import hashlib
import io
import struct
import time
import zipfile
from dataclasses import fields

import pytest
import yaml

from features import catalogue as sigreg
from features.archives import is_zip, list_zip
from features.context import DEFAULT_CONFIG, Context, OrgConfig, load_org
from features.limits import Limits, limit_reason
from features.parsing import parse_message
from detectors.scoring import extract_item, parse_item, score_raw_messages

BOUND = 30.0           # seconds any one hostile message may take, generously (2 shared cores)
MiB = 1 << 20

HEAD = (b"From: Accounts <billing@invoices-portal.example>\nTo: bob@example.com\n"
        b"Subject: Overdue invoice - pay today\nMessage-ID: <limits@invoices-portal.example>\n"
        b"MIME-Version: 1.0\n")
BODY = (b"Content-Type: text/plain\n\nYour invoice is overdue. Open the attached archive and pay "
        b"today at https://invoices-portal.example/pay or your account will be suspended.\n")


def multipart(*parts: bytes, boundary: bytes = b"BOUND") -> bytes:
    """A message whose body is a multipart/mixed of ``parts`` (each headers + body)."""
    out = [HEAD, b"Content-Type: multipart/mixed; boundary=%s\n\n" % boundary]
    for part in parts:
        out += [b"--", boundary, b"\n", part]
    out += [b"--", boundary, b"--\n"]
    return b"".join(out)


def attachment(name: str, data: bytes, ctype: str = "application/zip") -> bytes:
    return (b"Content-Type: %s; name=%s\nContent-Transfer-Encoding: base64\n"
            b"Content-Disposition: attachment; filename=%s\n\n" % (ctype.encode(), name.encode(),
                                                                   name.encode())
            + base64.encodebytes(data))


def zip_of(*entries: tuple[str, object]) -> bytes:
    """A zip of (name, bytes) entries; bytes may be a callable writing into the member."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries:
            if callable(data):
                with zf.open(name, "w") as f:
                    data(f)
            else:
                zf.writestr(name, data)
    return buf.getvalue()


def patch_directory(data: bytes, name: str, *, size: int | None = None,
                    flags: int | None = None) -> bytes:
    """``data`` with one central directory entry lying about its size or flags."""
    out = bytearray(data)
    at = out.find(b"PK\x01\x02")
    while at >= 0:
        name_len = struct.unpack_from("<H", out, at + 28)[0]
        if out[at + 46:at + 46 + name_len] == name.encode():
            if size is not None:
                struct.pack_into("<L", out, at + 24, size)
            if flags is not None:
                struct.pack_into("<H", out, at + 8, flags)
        at = out.find(b"PK\x01\x02", at + 1)
    return bytes(out)


def deep_multipart(depth: int, leaf: bytes = b"Content-Type: text/plain\n\nverify your password\n",
                   closed: bool = True) -> bytes:
    """``depth`` multipart containers nested in each other around ``leaf``."""
    out = [HEAD]
    for i in range(depth):
        out.append(b'Content-Type: multipart/mixed; boundary="b%d"\n\n--b%d\n' % (i, i))
    out.append(leaf)
    if closed:
        out += [b"\n--b%d--\n" % i for i in reversed(range(depth))]
    return b"".join(out)


# --------------------------------------------------------------------------------------------
# the four messages of the done criterion

def zip_bomb() -> bytes:
    """A 42.zip-style bomb: zips nested five deep with an executable two levels down, and a
    member named payload.zip that inflates to 256 MiB of zeros while declaring 10 bytes."""
    def zeros(f) -> None:
        chunk = bytes(MiB)
        for _ in range(256):
            f.write(chunk)
    d = zip_of(("e.zip", zip_of(("deepest.txt", b"x"))))
    b = zip_of(("setup.exe", b"MZ" + bytes(100)), ("c.zip", zip_of(("d.zip", d))))
    outer = zip_of(("readme.txt", b"see inside"), ("a.zip", zip_of(("b.zip", b))),
                   ("payload.zip", zeros))
    outer = patch_directory(outer, "payload.zip", size=10)
    return multipart(BODY, attachment("invoice.zip", outer))


def fifty_mb() -> bytes:
    """A 50 MB message: a short text part and a 50 MB base64 attachment."""
    head = multipart(BODY, b"")[:-len(b"--BOUND--\n")]
    att = (b"Content-Type: application/octet-stream; name=scan.bin\n"
           b"Content-Transfer-Encoding: base64\n"
           b"Content-Disposition: attachment; filename=scan.bin\n\n")
    line = base64.b64encode(bytes(range(256)) * 3)[:76] + b"\n"
    n = (50_000_000 - len(head) - len(att) - 20) // len(line)
    return head + att + line * n + b"\n--BOUND--\n"


def ten_thousand_parts() -> bytes:
    return multipart(BODY, *[b"Content-Type: application/pdf; name=p%d.pdf\n\nJVBERi0xLjQK\n" % i
                             for i in range(10_000)])


def thousand_levels() -> bytes:
    return deep_multipart(1000)


@pytest.fixture(scope="module")
def hostile() -> dict[str, bytes]:
    return {"zip bomb": zip_bomb(), "50 MB message": fifty_mb(),
            "10,000 parts": ten_thousand_parts(), "1,000 levels": thousand_levels()}


def timed_parse(raw: bytes, limits: Limits = Limits()):
    t = time.perf_counter()
    msg = parse_message(raw, limits=limits)
    elapsed = time.perf_counter() - t
    assert elapsed < BOUND
    return msg


def test_zip_bomb_stops_at_the_budget(hostile):
    msg = timed_parse(hostile["zip bomb"])
    assert {"limit:decompressed_bytes", "limit:archive_depth"} <= set(msg.defects)
    (att,) = msg.attachments
    paths = [m.path for m in att.members]
    assert paths[:2] == ["readme.txt", "a.zip"]
    assert "a.zip/b.zip/setup.exe" in paths                 # found two zips down
    assert "a.zip/b.zip/c.zip/d.zip" in paths               # listed, never opened
    assert not any(p.startswith("a.zip/b.zip/c.zip/d.zip/") for p in paths)
    assert "payload.zip" in paths
    assert "Your invoice is overdue" in msg.text            # the rest of the message is read


def test_fifty_mb_message_is_read_from_its_start(hostile):
    msg = timed_parse(hostile["50 MB message"])
    assert "limit:message_bytes" in msg.defects
    assert "Your invoice is overdue" in msg.text
    (att,) = msg.attachments
    assert 15 * MiB < att.size < 25 * MiB


def test_ten_thousand_parts(hostile):
    msg = timed_parse(hostile["10,000 parts"])
    assert "limit:mime_parts" in msg.defects
    assert len(msg.attachments) == Limits().mime_parts - 2   # the root and the text part
    assert "Your invoice is overdue" in msg.text


def test_thousand_levels_of_nesting(hostile):
    msg = timed_parse(hostile["1,000 levels"])
    assert "limit:mime_depth" in msg.defects
    assert "verify your password" in msg.text               # read as text, not taken apart


def test_hostile_messages_are_scored_with_a_reason(hostile, default_bundle):
    ordinary = multipart(BODY)
    raws = [*hostile.values(), ordinary]
    rows = score_raw_messages(raws, default_bundle)
    expect = {"zip bomb": ["decompressed_bytes", "archive_depth"],
              "50 MB message": ["message_bytes"], "10,000 parts": ["mime_parts"],
              "1,000 levels": ["mime_depth"]}
    for name, row in zip(hostile, rows):
        assert row["verdict"] in ("malicious", "suspicious", "benign"), (name, row["error"])
        limit_reasons = [r for r in row["reasons"] if r.startswith("limit: ")]
        assert sorted(r.split()[1] for r in limit_reasons) == sorted(expect[name]), row["reasons"]
        n = len(row["reasons"]) - len(limit_reasons)
        assert n <= 5 and row["reasons"][n:] == limit_reasons   # after the model's, never cut
    assert rows[1]["reasons"][-1] == ("limit: message_bytes — only the first 25 MiB of a "
                                      "47.7 MiB message were read")
    assert rows[0]["verdict"] != "benign"                   # an executable inside the archive
    assert not [r for r in rows[-1]["reasons"] if r.startswith("limit:")]


# --------------------------------------------------------------------------------------------
# one test per limit

def test_message_bytes():
    raw = HEAD + b"\n" + b"word " * 2000
    msg = parse_message(raw, limits=Limits(message_bytes=len(HEAD) + 1001))
    assert "limit:message_bytes" in msg.defects
    assert msg.text.strip() == ("word " * 200).strip()


def test_headers_per_block_but_key_fields_kept():
    part = (b"".join(b"X-P%d: v\n" % i for i in range(30))
            + b"Content-Type: application/pdf; name=a.pdf\n\nJVBERi0xLjQK\n")
    raw = b"".join(b"X-H%d: v\n" % i for i in range(30)) + multipart(part)
    msg = parse_message(raw, limits=Limits(headers=10))
    assert "limit:headers" in msg.defects
    assert [k for k, _ in msg.headers] == [f"X-H{i}" for i in range(10)] + [
        "From", "To", "Subject", "Message-ID", "MIME-Version", "Content-Type"]
    assert msg.from_.address == "billing@invoices-portal.example"
    assert [a.filename for a in msg.attachments] == ["a.pdf"]   # the part's Content-Type kept


def test_header_bytes():
    raw = HEAD.replace(b"Subject: ", b"Subject: " + b"=?utf-8?q?A?= " * 10_000) + b"\nhello\n"
    msg = parse_message(raw, limits=Limits(header_bytes=1024))
    assert "limit:header_bytes" in msg.defects
    assert 0 < len(msg.subject) <= 1024


def test_mime_depth_reads_deeper_parts_as_text_and_keeps_the_rest():
    deep = deep_multipart(8, b"Content-Type: text/html\n\n<p>verify your password</p>\n")
    sibling = b"Content-Type: text/plain\n\nwire the payment today\n"
    raw = multipart(deep[len(HEAD):], sibling, boundary=b"OUTER")
    msg = parse_message(raw, limits=Limits(mime_depth=4))
    assert "limit:mime_depth" in msg.defects
    assert "verify your password" in msg.text and "wire the payment today" in msg.text
    assert parse_message(raw, limits=Limits(mime_depth=10)).defects == ()


@pytest.mark.parametrize("closed", [True, False])
def test_nesting_past_the_stdlib_recursion_limit(closed):
    msg = timed_parse(deep_multipart(3000, closed=closed))
    assert "limit:mime_depth" in msg.defects and "verify your password" in msg.text


def test_nested_forwards_are_containers_too():
    raw = b"From: inner@evil.example\nSubject: core\n\nverify your account\n"
    for i in range(2000):
        raw = b"From: fwd%d@example.com\nSubject: Fwd\nContent-Type: message/rfc822\n\n" % i + raw
    msg = timed_parse(raw)
    assert "limit:mime_depth" in msg.defects
    assert msg.attachments[0].nested is not None


def test_mime_parts():
    raw = multipart(*[b"Content-Type: text/plain\n\npart %d\n" % i for i in range(50)])
    msg = parse_message(raw, limits=Limits(mime_parts=10))
    assert "limit:mime_parts" in msg.defects
    assert msg.text.count("part ") == 9


def test_attachment_bytes():
    data = bytes(range(256)) * 400
    msg = parse_message(multipart(BODY, attachment("scan.bin", data, "application/octet-stream")),
                        limits=Limits(attachment_bytes=1000))
    assert "limit:attachment_bytes" in msg.defects
    (att,) = msg.attachments
    assert att.sha256 == hashlib.sha256(data[:1000]).hexdigest()
    assert abs(att.size - len(data)) < 0.05 * len(data)          # estimated from the encoding


def test_archive_members():
    data = zip_of(*[(f"f{i}.txt", b"x") for i in range(50)])
    msg = parse_message(multipart(BODY, attachment("files.zip", data)),
                        limits=Limits(archive_members=10))
    assert "limit:archive_members" in msg.defects
    assert [m.path for m in msg.attachments[0].members] == [f"f{i}.txt" for i in range(10)]


def test_archive_depth():
    data = zip_of(("a.zip", zip_of(("b.zip", zip_of(("run.js", b"x"))))))
    raw = multipart(BODY, attachment("x.zip", data))
    shallow = parse_message(raw, limits=Limits(archive_depth=1))
    assert "limit:archive_depth" in shallow.defects
    assert [m.path for m in shallow.attachments[0].members] == ["a.zip", "a.zip/b.zip"]
    deep = parse_message(raw, limits=Limits(archive_depth=2))
    assert [m.path for m in deep.attachments[0].members][-1] == "a.zip/b.zip/run.js"
    assert not [d for d in deep.defects if d.startswith("limit:")]


def test_decompressed_bytes_counts_what_inflates_not_what_is_declared():
    data = zip_of(("x.zip", bytes(100_000)))
    limits = Limits(decompressed_bytes=10_000)
    honest = list_zip(data, limits, limits.decompressed_bytes)
    assert honest.limits == ("decompressed_bytes",) and honest.inflated == 0   # never started
    lying = list_zip(patch_directory(data, "x.zip", size=5), limits, limits.decompressed_bytes)
    assert lying.limits == ("decompressed_bytes",) and 10_000 < lying.inflated <= 10_000 + MiB
    fwd = (HEAD + b"Content-Type: message/rfc822\n\n"
           + multipart(BODY, attachment("y.zip", patch_directory(data, "x.zip", size=5))))
    assert "limit:decompressed_bytes" in parse_message(fwd, limits=limits).defects  # from a forward


def test_archives_are_found_by_content_and_encrypted_members_not_opened():
    inner = zip_of(("invoice.pdf.exe", b"MZ"))
    data = b"MZ self-extractor stub" + zip_of(("a.zip", inner), ("b.zip", inner))
    assert is_zip(data) and not is_zip(b"%PDF-1.4 not a zip")
    listing = list_zip(patch_directory(data, "b.zip", flags=0x1), Limits(), MiB)
    assert [(m.path, m.encrypted) for m in listing.members] == [
        ("a.zip", False), ("a.zip/invoice.pdf.exe", False), ("b.zip", True)]
    msg = parse_message(multipart(BODY, attachment("scan.pdf", data, "application/pdf")))
    assert sigreg.get("payload.archive_hides_executable").fn(msg, Context(load_org())).value == 1.0


def test_zip64_directory_is_read():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:          # more than 65,535 entries: a zip64 directory
        for i in range(66_000):
            zf.writestr(zipfile.ZipInfo(f"{i}.txt"), b"")
    listing = list_zip(buf.getvalue(), Limits(), 0)
    assert listing.limits == ("archive_members",)
    assert [m.path for m in listing.members[:2]] == ["0.txt", "1.txt"]


def test_urls():
    raw = HEAD + b"\n" + b"".join(b"https://h%d.example/\n" % i for i in range(50))
    msg = parse_message(raw, limits=Limits(urls=5))
    assert "limit:urls" in msg.defects
    assert [lk.host for lk in msg.links] == [f"h{i}.example" for i in range(5)]


def test_text_chars():
    msg = parse_message(HEAD + b"\n" + b"a" * 5000, limits=Limits(text_chars=100))
    assert "limit:text_chars" in msg.defects
    assert msg.text == "a" * 100


def test_seconds_in_parsing_and_in_signals():
    raw = multipart(BODY)
    msg = parse_message(raw, limits=Limits(seconds=1e-9))
    assert "limit:seconds" in msg.defects                 # what was read, not an exception
    item = parse_item("#0", raw)
    assert item.limits == ()
    out = extract_item(item, Context(OrgConfig(limits=Limits(seconds=1e-9))))
    assert out.limits == (limit_reason("seconds", Limits(seconds=1e-9)),)
    assert all(e is None for cev in out.evidence.values() for k, e in cev.items()
               if k != sigreg.OUT_OF_TIME)
    assert extract_item(item, Context(load_org())).limits == ()


def test_ordinary_mail_hits_no_limit():
    raw = multipart(BODY, attachment("report.zip", zip_of(("report.pdf", b"%PDF"))))
    item = parse_item("#0", raw)
    assert not [d for d in item.msg.defects if d.startswith("limit:")] and item.limits == ()
    assert [m.path for m in item.msg.attachments[0].members] == ["report.pdf"]


# --------------------------------------------------------------------------------------------
# configuration

def test_default_config_documents_every_limit():
    text = DEFAULT_CONFIG.read_text(encoding="utf-8")
    section = text.split("\nlimits:\n", 1)[1]
    for f in fields(Limits):
        line = next(x for x in section.splitlines() if x.strip().startswith(f.name + ":"))
        assert "#" in line, f"limits.{f.name} has no comment"
    assert load_org().limits == Limits()


def test_config_changes_limits(tmp_path):
    path = tmp_path / "org.yaml"
    path.write_text(yaml.safe_dump({"limits": {"urls": 7, "seconds": 2.5, "mime_depth": 20}}))
    limits = load_org(path).limits
    assert (limits.urls, limits.seconds, limits.mime_depth) == (7, 2.5, 20)
    assert limits.message_bytes == Limits().message_bytes


@pytest.mark.parametrize("section,message", [
    ({"urlz": 7}, "unknown limit(s) urlz"),
    ({"urls": -1}, "limits.urls must be a positive integer"),
    ({"urls": True}, "limits.urls must be a positive integer"),
    ({"mime_depth": 1000}, "limits.mime_depth must be at most 200"),
    ([1, 2], "limits must be a mapping"),
])
def test_bad_limits_are_clear_errors(tmp_path, section, message):
    path = tmp_path / "org.yaml"
    path.write_text(yaml.safe_dump({"limits": section}))
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load_org(path)
