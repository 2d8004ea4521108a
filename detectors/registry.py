"""MLflow glue: where state lives, logging and registering bundles, loading them by alias.

All state lives under one folder, ``SEDETECT_HOME`` (default ``~/.local/share/sedetect``): the MLflow
SQLite database and artifacts, a cache of downloaded bundles, the communication profile and, later,
the miss queue. A fresh folder bootstraps itself: the first ``resolve_bundle`` registers the default
bundle that ships in the package and makes it the ``champion``.
"""
from __future__ import annotations

import os
import shutil
import sqlite3
import tempfile
import time
import warnings
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Optional

from detectors.bundle import DEFAULT_BUNDLE_DIR, ModelBundle
from detectors.home import sedetect_home

MODEL_NAME = "sedetect"
CHAMPION = "champion"
EXPERIMENT = "sedetect"
PIP_REQUIREMENTS = ["sedetect", "xgboost-cpu", "scikit-learn", "numpy"]


def _offline_env() -> None:
    # No telemetry, no hub: nothing leaves the machine at run time.
    os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
    os.environ.setdefault("DO_NOT_TRACK", "1")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR", "false")


def tracking_uri(home: Optional[Path] = None) -> str:
    return f"sqlite:///{(home or sedetect_home()) / 'mlflow.db'}"


def configure_mlflow(home: Optional[Path] = None):
    """Point MLflow at the SQLite store under SEDETECT_HOME; return the mlflow module."""
    _offline_env()
    import logging

    import mlflow
    logging.getLogger("mlflow").setLevel(logging.ERROR)
    logging.getLogger("alembic").setLevel(logging.WARNING)
    home = home or sedetect_home()
    mlflow.set_tracking_uri(tracking_uri(home))
    mlflow.set_registry_uri(tracking_uri(home))
    if mlflow.get_experiment_by_name(EXPERIMENT) is None:
        mlflow.create_experiment(EXPERIMENT, artifact_location=(home / "mlartifacts").as_uri())
    mlflow.set_experiment(EXPERIMENT)
    return mlflow


def _pyfunc_class():
    import mlflow.pyfunc
    import pandas as pd

    class SedetectBundle(mlflow.pyfunc.PythonModel):
        """pyfunc face of a bundle: ``predict`` takes a DataFrame with a ``raw`` column of message
        bytes and returns the verdict rows, so ``mlflow models`` tooling can serve it too."""

        def load_context(self, context):
            self.bundle = ModelBundle.load(context.artifacts["bundle"])

        def predict(self, context, model_input, params=None):
            from detectors.scoring import score_raw_messages
            rows = score_raw_messages(list(model_input["raw"]), self.bundle)
            return pd.DataFrame(rows)

        # The input's type, as an object (this module's annotations are strings): MLflow then
        # knows it cannot infer a schema from it and does not warn, at every first run, that
        # the method has no type hints.
        predict.__annotations__ = {"model_input": pd.DataFrame}

    return SedetectBundle


def log_bundle(bundle: ModelBundle, metrics: dict[str, float] | None = None,
               params: dict | None = None, artifacts: dict[str, Path] | None = None,
               promote: bool = True, run_name: str = "train") -> str:
    """Log a bundle in a new MLflow run, register it under MODEL_NAME, optionally make it champion.

    Returns the registered version (as a string); the bundle's meta carries it from then on."""
    mlflow = configure_mlflow()
    from mlflow import MlflowClient
    with mlflow.start_run(run_name=run_name) as run, tempfile.TemporaryDirectory() as tmp:
        if params:
            mlflow.log_params({k: str(v)[:500] for k, v in params.items()})
        if metrics:
            mlflow.log_metrics({k: float(v) for k, v in metrics.items() if v == v})
        for name, path in (artifacts or {}).items():
            if Path(path).is_dir():
                mlflow.log_artifacts(str(path), artifact_path=name)
            else:
                mlflow.log_artifact(str(path), artifact_path=name)
        folder = bundle.save(Path(tmp) / "bundle")
        with warnings.catch_warnings(), _registry_quiet():
            # The pyfunc wrapper is a class of this package, not user input; signature hints
            # do not apply to raw-message input.
            warnings.simplefilter("ignore")
            info = mlflow.pyfunc.log_model(
                name="model", python_model=_pyfunc_class()(), artifacts={"bundle": str(folder)},
                pip_requirements=PIP_REQUIREMENTS, registered_model_name=MODEL_NAME)
        version = str(info.registered_model_version)
        MlflowClient().set_model_version_tag(MODEL_NAME, version, "run_id", run.info.run_id)
    if promote:
        promote_version(version)
    return version


@contextmanager
def _registry_quiet():
    """MLflow prints "Successfully registered model ..." and "Created version ..." on stderr
    itself, not through a logger (its own imports switch its quiet mode back on); the callers
    report the version in their own words. What it printed is shown after all when logging fails."""
    import contextlib
    import io
    import sys
    held = io.StringIO()
    try:
        with contextlib.redirect_stderr(held):
            yield
    except BaseException:
        sys.stderr.write(held.getvalue())
        raise


def promote_version(version: str) -> None:
    """Make ``version`` the champion, and record when (MLflow keeps no alias history)."""
    configure_mlflow()
    from mlflow import MlflowClient
    client = MlflowClient()
    client.set_registered_model_alias(MODEL_NAME, CHAMPION, version)
    client.set_model_version_tag(MODEL_NAME, version, "promoted_at",
                                 time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()))


def model_history() -> list[dict]:
    """Every registered version, newest first: run name, creation and promotion times, the
    held-out metrics logged with it, and whether it is the champion."""
    configure_mlflow()
    from mlflow import MlflowClient
    client = MlflowClient()
    champion = champion_version()
    out = []
    for mv in client.search_model_versions(f"name='{MODEL_NAME}'"):
        run = client.get_run(mv.run_id) if mv.run_id else None
        out.append({
            "version": str(mv.version), "champion": str(mv.version) == champion,
            "created": time.strftime("%Y-%m-%d %H:%M", time.gmtime(mv.creation_timestamp / 1000)),
            "promoted_at": (mv.tags or {}).get("promoted_at"),
            "run_name": run.info.run_name if run else "", "run_id": mv.run_id,
            "metrics": dict(run.data.metrics) if run else {},
        })
    return sorted(out, key=lambda r: -int(r["version"]))


def report_images(version: str, dest: Path) -> list[Path]:
    """The PNG plots of the held-out report logged with ``version`` (downloaded once)."""
    configure_mlflow()
    from mlflow import MlflowClient
    client = MlflowClient()
    mv = client.get_model_version(MODEL_NAME, version)
    folder = dest / f"v{version}"
    if not folder.is_dir():
        try:
            local = client.download_artifacts(mv.run_id, "heldout_report", str(dest / "tmp"))
        except Exception:  # noqa: BLE001 - a version without a report (the packaged default)
            folder.mkdir(parents=True, exist_ok=True)
            return []
        shutil.move(local, folder)
    return sorted(folder.glob("*.png"))


def champion_version() -> Optional[str]:
    return alias_version(CHAMPION)


def alias_version(alias: str) -> Optional[str]:
    configure_mlflow()
    from mlflow import MlflowClient
    from mlflow.exceptions import MlflowException
    try:
        return str(MlflowClient().get_model_version_by_alias(MODEL_NAME, alias).version)
    except MlflowException:
        return None


# The held-out report of the training run that produced the packaged bundle (plots, metrics).
DEFAULT_REPORT_DIR = Path(__file__).resolve().parent / "default_report"
# The packaged bundles, by the alias each is registered under when first needed. (A second,
# ``fast``, with the static text encoder was measured and removed: README, Speed.)
PACKAGED = {CHAMPION: (DEFAULT_BUNDLE_DIR, DEFAULT_REPORT_DIR)}


def bootstrap(alias: str = CHAMPION) -> str:
    """Register the packaged bundle of ``alias`` under it when the registry has none."""
    version = alias_version(alias)
    if version is None:
        folder, report = PACKAGED[alias]
        bundle = ModelBundle.load(folder)
        version = log_bundle(bundle, params={"origin": f"packaged bundle {folder.name}"},
                             metrics=bundle.meta.get("metrics"), run_name=f"bootstrap-{alias}",
                             artifacts={"heldout_report": report} if report else None,
                             promote=alias == CHAMPION)
        if alias != CHAMPION:
            from mlflow import MlflowClient
            MlflowClient().set_registered_model_alias(MODEL_NAME, alias, version)
    return version


def resolve_bundle(model_uri: Optional[str] = None) -> tuple[ModelBundle, str]:
    """Load the bundle a user asked for: a local bundle folder, any ``models:/`` URI, or (default)
    ``models:/sedetect@champion``. Returns the bundle and the model version it reports."""
    if model_uri and Path(model_uri).is_dir():
        bundle = ModelBundle.load(model_uri)
        return bundle, bundle.meta.get("version") or f"file:{Path(model_uri).resolve()}"
    if not model_uri:
        model_uri = f"models:/{MODEL_NAME}@{CHAMPION}"
    name, _, alias = model_uri.removeprefix("models:/").partition("@")
    if model_uri.startswith("models:/") and name == MODEL_NAME and alias:
        version = _alias_version_from_store(alias)
        if version is not None and (_bundle_cache(version) / "bundle.json").is_file():
            return _load_cached(version)
    mlflow = configure_mlflow()
    for alias in PACKAGED:
        if model_uri == f"models:/{MODEL_NAME}@{alias}":
            bootstrap(alias)
    version = _version_of(model_uri)
    cache = _bundle_cache(version)
    if not (cache / "bundle.json").is_file():
        tmp = Path(tempfile.mkdtemp(dir=sedetect_home()))
        local = Path(mlflow.artifacts.download_artifacts(artifact_uri=model_uri, dst_path=str(tmp)))
        found = next(local.rglob("bundle.json"), None)
        if found is None:
            raise ValueError(f"{model_uri} holds no sedetect bundle")
        cache.parent.mkdir(parents=True, exist_ok=True)
        shutil.rmtree(cache, ignore_errors=True)
        shutil.copytree(found.parent, cache)
        shutil.rmtree(tmp, ignore_errors=True)
    return _load_cached(version)


def _bundle_cache(version: str) -> Path:
    """Where a registered version's bundle is kept once downloaded from the artifact store."""
    return sedetect_home() / "models" / f"{MODEL_NAME}-v{version}" / "bundle"


def _load_cached(version: str) -> tuple[ModelBundle, str]:
    bundle = ModelBundle.load(_bundle_cache(version))
    bundle.meta["version"] = f"{MODEL_NAME}/{version}"
    return bundle, bundle.meta["version"]


def _alias_version_from_store(alias: str) -> Optional[str]:
    """The version ``alias`` points at, read straight from the registry's SQLite file, read-only.
    A scoring job whose bundle is already in the local cache then starts without importing MLflow
    and opening its store (about 1.5 s of a 5 s start-up here). None whenever the file, the table
    or the alias is missing: the caller then asks MLflow, which also registers the packaged bundle
    in a fresh home and gives the errors users should see. (tests/test_registry.py checks that
    this agrees with MLflow's own answer as aliases move.)"""
    db = sedetect_home() / "mlflow.db"
    if not db.is_file():
        return None
    try:
        with closing(sqlite3.connect(f"{db.as_uri()}?mode=ro", uri=True)) as con:
            row = con.execute("SELECT version FROM registered_model_aliases "
                              "WHERE name = ? AND alias = ?", (MODEL_NAME, alias)).fetchone()
    except sqlite3.Error:
        return None
    return str(row[0]) if row else None


def _version_of(model_uri: str) -> str:
    from mlflow import MlflowClient
    if not model_uri.startswith("models:/"):
        raise ValueError(f"unsupported model URI {model_uri!r}: use models:/NAME@ALIAS, "
                         "models:/NAME/VERSION or a bundle folder")
    name, _, ref = model_uri[len("models:/"):].partition("@")
    client = MlflowClient()
    if ref:
        return str(client.get_model_version_by_alias(name, ref).version)
    name, _, ver = model_uri[len("models:/"):].partition("/")
    if not ver.isdigit():
        raise ValueError(f"unsupported model URI {model_uri!r}")
    client.get_model_version(name, ver)  # raises a clear MLflow error when missing
    return ver
