"""MLflow glue on a real SQLite tracking store and registry."""
import pytest

from detectors import registry
from detectors.bundle import DEFAULT_BUNDLE_DIR, ModelBundle


def test_fresh_home_bootstraps_champion(home):
    assert registry.champion_version() is None
    bundle, version = registry.resolve_bundle()
    assert version == "sedetect/1"
    assert (home / "mlflow.db").is_file()
    assert registry.champion_version() == "1"
    # a second resolve uses the cache and registers nothing new
    _, again = registry.resolve_bundle()
    assert again == "sedetect/1"


def test_only_the_champion_is_packaged(home):
    """One default model: the packaged static-encoder model (``models:/sedetect@fast``) was
    measured against it and removed (README, Speed); its alias no longer resolves."""
    assert set(registry.PACKAGED) == {registry.CHAMPION}
    registry.resolve_bundle()
    with pytest.raises(Exception, match="fast"):
        registry.resolve_bundle("models:/sedetect@fast")


def test_promotion_moves_the_alias(home):
    registry.bootstrap()
    bundle = ModelBundle.load(DEFAULT_BUNDLE_DIR)
    v2 = registry.log_bundle(bundle, promote=False, run_name="test")
    assert registry.champion_version() == "1"
    _, by_number = registry.resolve_bundle(f"models:/sedetect/{v2}")
    assert by_number == f"sedetect/{v2}"
    registry.promote_version(v2)
    assert registry.resolve_bundle()[1] == f"sedetect/{v2}"


def test_cached_champion_resolves_without_mlflow_and_follows_the_alias(home):
    """The start-up fast path reads the alias from the SQLite file: it agrees with MLflow before
    and after a promotion, and a fresh process that resolves the cached champion imports no
    MLflow."""
    import subprocess
    import sys

    from tests.conftest import REPO
    registry.resolve_bundle()
    assert registry._alias_version_from_store(registry.CHAMPION) == registry.champion_version()
    v2 = registry.log_bundle(ModelBundle.load(DEFAULT_BUNDLE_DIR), promote=False, run_name="t")
    registry.resolve_bundle(f"models:/sedetect/{v2}")          # downloads it into the cache
    registry.promote_version(v2)
    assert registry._alias_version_from_store(registry.CHAMPION) == registry.champion_version() \
        == v2
    code = ("import sys; from detectors.registry import resolve_bundle; "
            "print(resolve_bundle()[1], 'mlflow' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True,
                         check=True)
    assert out.stdout.split() == [f"sedetect/{v2}", "False"]
    assert registry._alias_version_from_store("no-such-alias") is None


def test_bad_model_uri_is_a_clear_error(home):
    registry.bootstrap()
    with pytest.raises(ValueError):
        registry.resolve_bundle("s3://somewhere/model")


def test_train_job_registers_a_champion(home, tmp_path):
    """`sedetect train` on labelled synthetic sources: held-out evaluation, MLflow run, alias."""
    from labeling.synthetic import generate, write_mbox
    from pipelines import train
    msgs = list(generate(240, seed=11))
    paths = []
    for i, label in enumerate(["malicious", "benign"] * 2):
        part = [m for m in msgs if m.label == label][i // 2::2]
        p = tmp_path / f"{label}{i}.mbox"
        write_mbox(part, str(p))
        paths.append(f"{label}:{p}")
    result = train.run(paths + ["--workers", "1"])
    assert registry.champion_version() == result["version"]
    assert set(result["heldout"]) == {"malicious0", "benign1", "malicious2", "benign3"}
    import mlflow
    runs = mlflow.search_runs(experiment_names=["sedetect"])
    assert "metrics.heldout.worst_detection_rate" in runs.columns
    assert "metrics.heldout_pooled.roc_auc" in runs.columns
    run_id = runs.sort_values("start_time").iloc[-1]["run_id"]
    names = {a.path for a in mlflow.MlflowClient().list_artifacts(run_id, "heldout_report")}
    assert {"heldout_report/index.html", "heldout_report/roc.png",
            "heldout_report/metrics.json"} <= names
    assert result["promoted"] and not result["gate_failures"]
