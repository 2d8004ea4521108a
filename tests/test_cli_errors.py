"""Errors a person can act on (issue 18): what a new user gets wrong ends with one line on stderr
that says what is wrong and what to do, no traceback, a non-zero exit, and nothing lost (the job
refuses before it starts). Input that is not an email is no mistake of the command: it becomes an
error row, and the real messages beside it are scored in the same run.

The first run and the streaming job run as real processes (a fresh SEDETECT_HOME, its own signal
handlers); the refusals call the CLI's ``main`` in this process, which is the same code path
without paying for a Python start each."""
import json
import logging
import os
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

from pipelines import cli
from pipelines.quiet_child import OWN_PACKAGES

REPO = Path(__file__).resolve().parent.parent
MODEL_URIS = "use models:/sedetect@champion, models:/sedetect/VERSION"
MARKDOWN = (b"# Quarterly notes\n\nThis is *Markdown*, not an email: no header block at all.\n\n"
            b"- first point\n- second point: with a colon\n")
MESSAGES = [
    b"From: Alice Martin <alice@example.com>\nTo: bob@example.org\nSubject: Lunch on Friday\n"
    b"Date: Mon, 2 Dec 2024 10:00:00 +0000\nMessage-ID: <a1@example.com>\n\n"
    b"Are we still on for lunch on Friday? The usual place at noon.\n",
    b"From: IT Support <helpdesk@quota-alerts.top>\nTo: bob@example.org\n"
    b"Subject: Your mailbox is full\nDate: Mon, 2 Dec 2024 11:00:00 +0000\n"
    b"Message-ID: <b2@quota-alerts.top>\n\n"
    b"Your mailbox is over quota. Verify your password within 24 hours at "
    b"http://quota-alerts.top/login or your account will be closed.\n",
]


def run_process(*args, home: Path, timeout: float = 300) -> subprocess.CompletedProcess:
    """`sedetect ARGS...` in a process of its own, as a user runs it."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONWARNINGS"}
    env["SEDETECT_HOME"] = str(home)
    return subprocess.run([sys.executable, "-m", "pipelines.cli", *map(str, args)], cwd=REPO,
                          env=env, capture_output=True, text=True, timeout=timeout)


@pytest.fixture
def sedetect(home, capsys):
    """`sedetect ARGS...` through the CLI's main in this process: (exit code, stdout, stderr).
    What the CLI sets up for a terminal (quiet libraries) is put back afterwards."""
    root = logging.getLogger()
    saved = (warnings.showwarning, root.level, list(root.handlers),
             {n: logging.getLogger(n).level for n in OWN_PACKAGES}, dict(os.environ))

    def call(*args):
        rc = cli.main([str(a) for a in args])
        out = capsys.readouterr()
        return rc, out.out, out.err

    yield call
    warnings.showwarning, level, handlers, levels, env = saved
    os.environ.clear()
    os.environ.update(env)
    root.setLevel(level)
    root.handlers[:] = handlers
    for name, lvl in levels.items():
        logging.getLogger(name).setLevel(lvl)


def one_line(stderr: str) -> str:
    lines = stderr.splitlines()
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr
    return lines[0]


# -- 1 and 7: a Markdown file among real mail, on a first run -------------------------------------
@pytest.fixture(scope="module")
def first_run(tmp_path_factory):
    """`sedetect score README.md mail/ -o out.jsonl` in a fresh SEDETECT_HOME: the first run,
    which registers the packaged model in MLflow."""
    root = tmp_path_factory.mktemp("first-run")
    readme = root / "README.md"
    readme.write_bytes(MARKDOWN)
    mail = root / "mail"
    mail.mkdir()
    for i, raw in enumerate(MESSAGES):
        (mail / f"m{i}.eml").write_bytes(raw)
    out = root / "out.jsonl"
    proc = run_process("score", readme, mail, "-o", out,
                       home=root / "home")
    rows = ([json.loads(x) for x in out.read_text().splitlines()] if out.is_file() else [])
    return proc, rows, readme


def test_markdown_file_is_an_error_row_beside_real_verdicts(first_run):
    proc, rows, readme = first_run
    assert proc.returncode == 3, proc.stderr                 # done, but an input was not mail
    line = one_line(proc.stderr)
    assert "1 of 3 messages could not be scored" in line and "not an email" in line
    assert "check the inputs" in line
    assert len(rows) == 3                                    # one row per message in
    by_source = {r["source"]: r for r in rows}
    error = by_source.pop(str(readme))
    assert error["verdict"] == "error" and error["score"] is None
    assert "not an email" in error["error"] and "header" in error["error"]
    assert len(by_source) == 2
    for row in by_source.values():
        assert row["verdict"] in ("malicious", "suspicious", "benign") and row["error"] is None
        assert 0 <= row["score"] <= 1 and row["model_version"] == "sedetect/1"


def test_first_run_prints_no_library_chatter(first_run):
    """MLflow's registration notices and type-hint warning, Beam's GCP notices: none of them.
    The only line on stderr is ours (the error row above)."""
    proc, _, _ = first_run
    assert proc.stderr.startswith("sedetect score: ")
    for noise in ("Successfully registered", "Created version", "UserWarning", "apitools",
                  "WARNING", "INFO"):
        assert noise not in proc.stderr
    assert "sedetect score: 3 messages" in proc.stdout          # the summary is still shown


def test_multi_process_workers_print_no_library_chatter(first_run, tmp_path):
    """Beam's worker processes (--direct_running_mode multi_processing) import Beam themselves:
    neither its GCP notice nor the harness's start-up and shut-down lines reach the terminal."""
    _, _, readme = first_run
    mail, out = readme.parent / "mail", tmp_path / "out.jsonl"
    proc = run_process("score", mail, "-o", out,
                       "--direct_running_mode", "multi_processing", "--direct_num_workers", "2",
                       home=readme.parent / "home")
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    assert len(out.read_text().splitlines()) == len(MESSAGES)
    assert "PYTHONPATH" not in os.environ or "worker_site" not in os.environ["PYTHONPATH"]


def test_processes_started_under_quiet_workers_show_errors_and_ours_only():
    """What a spawned pool worker or Beam worker prints when it imports Beam and logs: without
    quiet_workers the GCP notice; with it, only our own warning and a library's error."""
    from pipelines.quiet_child import quiet_workers
    code = ("import logging, apache_beam; logging.getLogger('apache_beam.x').warning('theirs'); "
            "logging.getLogger('pipelines.x').warning('ours'); "
            "logging.getLogger('apache_beam.y').error('their error')")

    def child() -> str:              # sedetect importable, as when installed
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [env.get("PYTHONPATH"), str(REPO)]))
        return subprocess.run([sys.executable, "-c", code], cwd="/", env=env,
                              capture_output=True, text=True, timeout=120).stderr

    assert "apitools" in child()                       # the noise this is about
    with quiet_workers():
        err = child()
    assert "apitools" not in err and "theirs" not in err
    assert "WARNING pipelines.x: ours" in err and "ERROR apache_beam.y: their error" in err


def test_parse_item_turns_headerless_text_into_an_error_row():
    from detectors.scoring import NOT_AN_EMAIL, Item, parse_item
    row = parse_item("notes.md", MARKDOWN)
    assert isinstance(row, dict) and row["verdict"] == "error" and row["error"] == NOT_AN_EMAIL
    assert isinstance(parse_item("m.eml", MESSAGES[0]), Item)
    # an mbox "From " line in front of the headers is still an email
    assert isinstance(parse_item("m.eml", b"From alice@example.com Mon Dec  2 10:00:00 2024\n"
                                 + MESSAGES[0]), Item)


# -- 2: an empty folder ---------------------------------------------------------------------------
def test_empty_folder_is_refused(sedetect, tmp_path):
    empty = tmp_path / "inbox"
    (empty / "sub").mkdir(parents=True)
    (empty / "notes.txt").write_text("no mail here")
    out = tmp_path / "v.parquet"
    rc, _, err = sedetect("score", empty, "-o", out)
    assert rc == 2
    line = one_line(err)
    assert line.startswith("sedetect score: error: no messages found under ")
    assert str(empty) in line and "*.eml" in line
    assert not out.exists()


def test_empty_mbox_file_is_still_an_empty_job(tmp_path):
    """An empty mbox is no mistake (a day without mail): planned as no reads, not refused."""
    from pipelines.readers import ReadArchives
    (tmp_path / "empty.mbox").write_bytes(b"")
    (tmp_path / "folder").mkdir()
    reader = ReadArchives([str(tmp_path / "empty.mbox"), str(tmp_path / "folder")])
    assert reader.tasks == [] and reader.empty == [str(tmp_path / "folder")]


# -- 3: -o naming a folder ------------------------------------------------------------------------
def test_output_folder_is_refused_before_the_job(sedetect, tmp_path):
    eml = tmp_path / "m.eml"
    eml.write_bytes(MESSAGES[0])
    folder = tmp_path / "results"
    folder.mkdir()
    rc, _, err = sedetect("score", eml, "-o", folder)
    assert rc == 2
    line = one_line(err)
    assert line.startswith(f"sedetect score: error: -o {folder} is a folder")
    assert "verdicts.parquet" in line
    assert list(folder.iterdir()) == []                    # no shards, no output
    assert {p.name for p in tmp_path.iterdir()} - {"home"} == {"m.eml", "results"}


def test_output_that_is_an_input_is_refused(sedetect, tmp_path):
    mbox = tmp_path / "mail.mbox"
    mbox.write_bytes(b"From a@example.com Mon Dec  2 10:00:00 2024\n" + MESSAGES[0])
    before = mbox.read_bytes()
    rc, _, err = sedetect("score", mbox, "-o", mbox)
    assert rc == 2 and "is also an input" in one_line(err)
    assert mbox.read_bytes() == before


# -- 4: a wrong --model-uri -----------------------------------------------------------------------
@pytest.mark.parametrize("uri,words", [
    ("models:/nope@champion", "Registered Model with name=nope not found"),
    ("models:/sedetect/99", "not found"),
    ("{tmp}/no-such-bundle", "no such folder"),
    ("{tmp}", "holds no bundle.json"),
    ("sedetect@champion", "no such folder"),
])
def test_wrong_model_uri_is_one_line(sedetect, tmp_path, uri, words):
    eml = tmp_path / "m.eml"
    eml.write_bytes(MESSAGES[0])
    uri = uri.format(tmp=tmp_path)
    out = tmp_path / "v.parquet"
    rc, _, err = sedetect("score", eml, "-o", out, "--model-uri", uri)
    assert rc == 2
    line = one_line(err)
    assert line.startswith(f"sedetect score: error: --model-uri {uri}: ")
    assert words in line and MODEL_URIS in line
    assert not out.exists()


# -- 5: Redis not there ---------------------------------------------------------------------------
def test_unreachable_redis_is_one_line(tmp_path):
    from pipelines.local_redis import free_port
    url = f"redis://127.0.0.1:{free_port()}/0"            # nothing listens there
    proc = run_process("stream", "--redis", url, "--in", "mail:in", "--out", "mail:verdicts",
                       home=tmp_path / "home", timeout=120)
    assert proc.returncode == 2
    line = one_line(proc.stderr)
    assert line.startswith(f"sedetect stream: error: cannot reach Redis at {url}")
    assert "Connection refused" in line and "--redis" in line


def test_redis_url_without_scheme_is_a_user_error():
    from pipelines.errors import UserError
    from pipelines.redis_io import check_reachable
    with pytest.raises(UserError, match="give redis://HOST:PORT/DB"):
        check_reachable("localhost:6379")


# -- 6: evaluate on the synthetic generator's own manifest ----------------------------------------
def test_evaluate_on_synth_manifest_says_what_a_manifest_is(sedetect, tmp_path):
    mbox = tmp_path / "synth" / "s.mbox"
    rc, _, err = sedetect("synth", "-n", 4, "--seed", 1, "-o", mbox)
    assert rc == 0, err
    manifest = mbox.with_suffix(".csv")
    assert manifest.is_file()
    report = tmp_path / "report"
    rc, _, err = sedetect("evaluate", manifest, "-o", report)
    assert rc == 2
    line = one_line(err)
    assert line.startswith(f"sedetect evaluate: error: {manifest} is not a manifest")
    assert "path,label[,source]" in line and "sedetect synth" in line
    assert "malicious:attacks.mbox benign:benign.mbox" in line
    assert not report.exists()


def test_manifest_of_labelled_archives_still_reads(tmp_path):
    from labeling.sources import parse_spec
    (tmp_path / "a.mbox").write_bytes(b"")
    manifest = tmp_path / "m.csv"
    manifest.write_text("path,label,source\na.mbox,malicious,attacks\n")
    (src,) = parse_spec(str(manifest))
    assert (src.name, src.label, src.path) == ("attacks", "malicious", str(tmp_path / "a.mbox"))


# -- the handler itself ---------------------------------------------------------------------------
def test_unexpected_exceptions_keep_their_traceback(sedetect, monkeypatch):
    """Only our own UserError (and the long-standing one-line ValueError and FileNotFoundError)
    become one line; anything else is a bug and must show where it happened."""
    import types
    boom = types.ModuleType("sedetect_test_boom")

    def run(argv):
        raise RuntimeError("a bug")
    boom.run = run
    monkeypatch.setitem(sys.modules, "sedetect_test_boom", boom)
    monkeypatch.setitem(cli.COMMANDS, "boom", ("sedetect_test_boom", "test"))
    with pytest.raises(RuntimeError, match="a bug"):
        sedetect("boom")
