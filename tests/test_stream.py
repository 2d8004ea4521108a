"""The streaming job against a real redis-server: every entry gets exactly one verdict, entries
left pending by a crashed consumer are re-delivered, poison entries do not block the stream,
SIGTERM stops cleanly, and a Redis restart under the consumer loses nothing."""
import json
import os
import signal
import subprocess
import sys
import threading
import time

import pytest

from pipelines.redis_io import STOP, StreamSpec, connect, ensure_group
from detectors.verdicts import COLUMNS, message_key
from pipelines.stream import group_info, stream
from pipelines.stream_send import send
from pipelines.readers import RawMessage

IN, OUT, GROUP = "mail:in", "mail:verdicts", "sedetect"


@pytest.fixture
def client(redis_server):
    c = connect(redis_server.url)
    yield c
    c.close()


@pytest.fixture
def bundle_dir():
    from detectors.bundle import DEFAULT_BUNDLE_DIR
    return str(DEFAULT_BUNDLE_DIR)


def _send(client, raws):
    return send(client, IN, [RawMessage(f"#{i}", r) for i, r in enumerate(raws)])


def _entry_ids(client):
    return [e[0].decode() for e in client.xrange(IN)]


def _verdicts(client):
    return [json.loads(f[b"verdict"]) for _, f in client.xrange(OUT)]


def _spec(url, **kw):
    return StreamSpec(url=url, stream=IN, group=GROUP, **({"consumer": "c1"} | kw))


def test_every_entry_gets_one_verdict(redis_server, client, synthetic_messages, bundle_dir):
    raws = [m.raw for m in synthetic_messages[:30]]
    _send(client, raws + [b"\x00\xff not a message"])
    client.xadd(IN, {"body": "an entry without the raw field"})
    runs = stream(_spec(redis_server.url, drain=True), OUT, model_uri=bundle_dir, readers=2,
                  no_profile=True, log_every=0)
    assert len(runs) == 1
    rows = _verdicts(client)
    assert sorted(r["source"] for r in rows) == sorted(_entry_ids(client))   # one each, by id
    assert all(set(r) == set(COLUMNS) for r in rows)
    by_source = {r["source"]: r for r in rows}
    ids = _entry_ids(client)
    assert [by_source[i]["message_key"] for i in ids[:30]] == [message_key(r) for r in raws]
    assert all(by_source[i]["verdict"] != "error" for i in ids[:30])
    assert by_source[ids[31]]["verdict"] == "error" and "raw" in by_source[ids[31]]["error"]
    assert group_info(client, IN, GROUP)["pending"] == 0


def test_pending_entries_of_crashed_consumers_are_redelivered(redis_server, client,
                                                              synthetic_messages, bundle_dir):
    _send(client, [m.raw for m in synthetic_messages[:12]])
    ensure_group(client, IN, GROUP)
    # Two consumers read entries and die before acknowledging: "c1" (this process' own name,
    # re-read at start) and "dead" (claimed once idle longer than claim_idle_ms).
    client.xreadgroup(GROUP, "c1", {IN: ">"}, count=3)
    client.xreadgroup(GROUP, "dead", {IN: ">"}, count=4)
    assert group_info(client, IN, GROUP)["pending"] == 7
    time.sleep(0.2)
    stream(_spec(redis_server.url, drain=True, claim_idle_ms=100), OUT, model_uri=bundle_dir,
           no_profile=True, log_every=0)
    rows = _verdicts(client)
    assert sorted(r["source"] for r in rows) == sorted(_entry_ids(client))
    assert group_info(client, IN, GROUP)["pending"] == 0


def test_poison_entry_becomes_an_error_row(redis_server, client, synthetic_messages, bundle_dir):
    _send(client, [m.raw for m in synthetic_messages[:3]])
    ensure_group(client, IN, GROUP)
    (eid, _), = client.xreadgroup(GROUP, "dead", {IN: ">"}, count=1)[0][1]
    # As if five workers had died on it: the sixth delivery gives up on scoring it.
    client.xclaim(IN, GROUP, "dead", 0, [eid], retrycount=5)
    time.sleep(0.2)
    stream(_spec(redis_server.url, drain=True, claim_idle_ms=100, max_deliveries=5), OUT,
           model_uri=bundle_dir, no_profile=True, log_every=0)
    rows = {r["source"]: r for r in _verdicts(client)}
    assert len(rows) == 3
    assert rows[eid.decode()]["verdict"] == "error"
    assert "poison" in rows[eid.decode()]["error"]
    assert sum(r["verdict"] != "error" for r in rows.values()) == 2
    assert group_info(client, IN, GROUP)["pending"] == 0


def test_redis_restart_under_the_consumer(redis_server, client, synthetic_messages, bundle_dir):
    raws = [m.raw for m in synthetic_messages[:20]]
    spec = _spec(redis_server.url, block_ms=200)
    job = threading.Thread(target=stream, args=(spec, OUT), daemon=True,
                           kwargs=dict(model_uri=bundle_dir, no_profile=True, log_every=0))
    job.start()
    try:
        _send(client, raws[:10])
        _wait_for(lambda: client.xlen(OUT) >= 10, 120)
        redis_server.restart(down_s=1.0)
        _send(client, raws[10:])          # the client reconnects (retry with backoff)
        _wait_for(lambda: client.xlen(OUT) >= 20, 120)
    finally:
        STOP.set()
        job.join(60)
    assert not job.is_alive()
    keys = {r["message_key"] for r in _verdicts(client)}
    assert keys == {message_key(r) for r in raws}
    assert group_info(client, IN, GROUP)["pending"] == 0


def test_cli_stream_send_and_sigterm(redis_server, client, synthetic_mbox, tmp_path, home):
    env = os.environ | {"SEDETECT_HOME": str(home)}
    cli = [sys.executable, "-m", "pipelines.cli"]
    sent = subprocess.run(cli + ["stream-send", "--redis", redis_server.url, "--in", IN,
                                 str(synthetic_mbox)],
                          env=env, capture_output=True, text=True, check=True)
    n = json.loads(sent.stdout)["sent"]
    assert n == 120
    proc = subprocess.Popen(cli + ["stream", "--redis", redis_server.url, "--in", IN, "--out", OUT,
                                   "--log-every", "1", "--block-ms", "200"],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        _wait_for(lambda: client.xlen(OUT) >= n, 240)
    finally:
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    assert "finishing the bundle in flight" in err and "msgs/s scored" in err
    rows = _verdicts(client)
    assert len(rows) == n and len({r["message_key"] for r in rows}) == n
    assert {r["model_version"] for r in rows} == {"sedetect/1"}   # the champion, via MLflow
    assert group_info(client, IN, GROUP)["pending"] == 0


def test_each_run_loads_the_current_champion(redis_server, client, synthetic_messages, home):
    from detectors.bundle import DEFAULT_BUNDLE_DIR, ModelBundle
    from detectors.registry import bootstrap, log_bundle
    bootstrap()
    _send(client, [synthetic_messages[0].raw])
    spec = _spec(redis_server.url, drain=True)
    stream(spec, OUT, no_profile=True, log_every=0)
    new_version = log_bundle(ModelBundle.load(DEFAULT_BUNDLE_DIR), run_name="retrained")
    _send(client, [synthetic_messages[1].raw])
    stream(spec, OUT, no_profile=True, log_every=0)
    assert [r["model_version"] for r in _verdicts(client)] == ["sedetect/1", f"sedetect/{new_version}"]


def _wait_for(condition, timeout):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.2)


def test_trim_heap_is_rate_limited():
    from pipelines import memory
    memory._LAST[0] = 0.0
    assert memory.trim_heap(min_interval_s=60) is True      # glibc here: it trims
    assert memory.trim_heap(min_interval_s=60) is False     # not again within the minute
