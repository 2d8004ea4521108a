"""Beam's Dask runner, made correct for this job: ``--runner pipelines.dask_runner.DaskRunner``.

Beam 2.77's own DaskRunner (``--runner DaskRunner``, refused by the job: pipelines/batch.py)
loses rows. Its ParDo (``apache_beam/runners/dask/transform_evaluator.py``,
``apply_dofn_to_bundle``) collects a DoFn's outputs before ``finish_bundle`` runs, so what a DoFn
emits there is dropped: RunInference's last batch (BatchElements flushes in finish_bundle) and the
file sinks' write results (so the sink finalises nothing but an empty shard). It also sets a DoFn
up and tears it down for every partition (the model loaded per partition), hands a DoFn its side
inputs as the ``AsSideInput`` objects instead of their values, and embeds each side input's whole
Dask bag in every task that reads it, where iterating it recomputes everything upstream (the
sink's finalisation would score the archive again).

This runner subclasses Beam's, keeps its overrides (Create, GroupByKey, Flatten, Reshuffle) and
its Create / GroupByKey / Flatten translations, and translates the rest itself:

- ParDo: one Dask partition is one bundle; ``start_bundle``, every element, ``finish_bundle``,
  and only then the outputs are collected (fresh receivers per partition). The DoFn comes from a
  per-process pool keyed by the job and the DoFn's pickled bytes: each worker process unpickles
  and sets up a DoFn once (RunInference loads the model once per process, as on Beam's other
  runners) and reuses it for every later partition; a thread takes an instance out of the pool
  for the bundle, so two threads never share one. At the end of the job every worker tears its
  pooled DoFns down and drops them (``Client.run``).
- Side inputs: each is gathered once, as one Dask task every reading partition depends on, and
  passed to the DoFn as its values (global windows).
- Metrics: each bundle runs inside a Beam MetricsContainer; its updates travel beside the
  bundle's outputs and are summed into the result's ``metrics()`` (committed = attempted: Dask
  keeps the result of one successful attempt per task).
- Create: without ``--dask_npartitions`` / ``--dask_partition_size``, one partition per element
  (up to 1024): the job's Create holds its read tasks (mbox chunks, files), so each read task is
  one bundle and the workers share them out.
- Anything else it does not know (a windowing other than global, a ParDo with tagged outputs, a
  leaf transform it has no translation for) is refused when the job is built, rather than run
  wrong.

Where it runs: ``--dask_client_address HOST:8786`` (Beam's DaskOptions) submits to a running
dask.distributed scheduler, whose workers need sedetect installed. Without an address the runner
starts a LocalCluster on loopback of ``--dask_workers`` processes (default: this machine's cores),
one thread each, with its scratch space in a temporary folder, and closes it (and removes that
folder) when the job ends.
"""
from __future__ import annotations

import atexit
import dataclasses
import hashlib
import os
import shutil
import tempfile
import threading
import uuid
from typing import Any, Optional

from apache_beam import DoFn
from apache_beam import pvalue
from apache_beam.internal import pickler
from apache_beam.metrics.execution import MetricsContainer
from apache_beam.options.pipeline_options import PipelineOptions
from apache_beam.pipeline import AppliedPTransform, PipelineVisitor
from apache_beam.runners.common import (DoFnContext, DoFnInvoker, DoFnSignature, Receiver,
                                        _OutputHandler)
from apache_beam.runners.dask import dask_runner as beam_dask
from apache_beam.runners.dask import overrides as beam_overrides
from apache_beam.runners.dask import transform_evaluator as beam_ops
from apache_beam.runners.direct.direct_metrics import DirectMetrics
from apache_beam.runners.runner import PipelineResult, PipelineState
from apache_beam.runners.worker import statesampler
from apache_beam.transforms import core
from apache_beam.transforms.sideinputs import SideInputMap
from apache_beam.transforms.window import GlobalWindow, GlobalWindows
from apache_beam.utils.counters import CounterFactory
from apache_beam.utils.windowed_value import WindowedValue

RUNNER = "pipelines.dask_runner.DaskRunner"
MAX_CREATE_PARTITIONS = 1024


class SedetectDaskOptions(PipelineOptions):
    """The local cluster this runner starts when no scheduler is named."""

    @classmethod
    def _add_argparse_args(cls, parser) -> None:
        parser.add_argument("--dask_workers", type=int, default=None,
                            help="worker processes of the LocalCluster the runner starts when "
                                 "no --dask_client_address/--dask_scheduler_file is given "
                                 "(default: this machine's cores)")


def local_workers(options: PipelineOptions) -> Optional[int]:
    """How many worker processes the runner starts on this machine, or None when the job goes to
    a scheduler named in the options (its machines are not ours to count)."""
    dask_opts = options.view_as(beam_dask.DaskOptions)
    if dask_opts.address or dask_opts.scheduler_file:
        return None
    return max(1, options.view_as(SedetectDaskOptions).dask_workers or os.cpu_count() or 1)


# ---------------------------------------------------------------------------------------------
# the worker side: a per-process pool of set-up DoFns, and one bundle per partition
# ---------------------------------------------------------------------------------------------

_POOL: dict[str, list[tuple[DoFn, tuple, dict]]] = {}
_POOL_LOCK = threading.Lock()


def _take_dofn(key: str, blob: bytes) -> tuple[DoFn, tuple, dict]:
    """A set-up instance of the DoFn (with its extra arguments) from this process's pool, or a
    new one unpickled from ``blob`` and set up (once per process and concurrent thread)."""
    with _POOL_LOCK:
        idle = _POOL.get(key)
        if idle:
            return idle.pop()
    fn, args, kwargs = pickler.loads(blob)
    fn.setup()
    return fn, args, kwargs


def _give_back(key: str, entry: tuple[DoFn, tuple, dict]) -> None:
    with _POOL_LOCK:
        _POOL.setdefault(key, []).append(entry)


def _teardown(entry) -> None:
    try:
        entry[0].teardown()
    except Exception:  # noqa: BLE001 - teardown is best effort, as on Beam's runners
        pass


def drop_job(job_id: str) -> int:
    """Tear down and forget this process's pooled DoFns of one job (run on every worker at the
    end of the job); returns how many there were."""
    with _POOL_LOCK:
        keys = [k for k in _POOL if k.startswith(job_id + ":")]
        entries = [e for k in keys for e in _POOL.pop(k)]
    for entry in entries:
        _teardown(entry)
    return len(entries)


@atexit.register
def _drop_all() -> None:
    with _POOL_LOCK:
        entries = [e for idle in _POOL.values() for e in idle]
        _POOL.clear()
    for entry in entries:
        _teardown(entry)


@dataclasses.dataclass
class _Receiver(Receiver):
    """Collects the main output's values; a tagged output is an error (refused at build time)."""
    values: list

    def receive(self, windowed_value: WindowedValue) -> None:
        self.values.append(windowed_value.value)


class _Receivers(dict):
    def __init__(self):
        super().__init__()
        self.values: list = []

    def __missing__(self, tag):
        raise ValueError(f"the DoFn emitted to the tagged output {tag!r}, which this runner "
                         "does not support")


def _global(value) -> WindowedValue:
    return WindowedValue(value, 0, (GlobalWindow(),))


@dataclasses.dataclass(frozen=True)
class _ParDoSpec:
    key: str                  # job id + hash of blob: the pool's key
    blob: bytes               # pickler.dumps((dofn, args, kwargs)), args with placeholders
    label: str
    side_views: tuple         # (view class, view options) per side input


def _run_bundle(items, spec: _ParDoSpec, side_values: Optional[list]) -> list:
    """One partition as one bundle: start_bundle, process each element, finish_bundle, and only
    then the outputs. Returns ``[(outputs, metric updates)]``."""
    entry = _take_dofn(spec.key, spec.blob)
    fn, args, kwargs = entry
    receivers = _Receivers()
    main = _Receiver(receivers.values)
    handler = _OutputHandler(window_fn=GlobalWindows(), main_receivers=main,
                             tagged_receivers=receivers, per_element_output_counter=None,
                             output_batch_converter=None, process_yields_batches=False,
                             process_batch_yields_elements=False)
    side_inputs = [SideInputMap(view, options, [_global(v) for v in values])
                   for (view, options), values in zip(spec.side_views, side_values or [])]
    container = MetricsContainer(spec.label)
    sampler = statesampler.StateSampler("", CounterFactory())
    previous = statesampler.get_current_tracker()
    statesampler.set_current_tracker(sampler)
    try:
        with sampler.scoped_state(spec.label, "process", metrics_container=container):
            invoker = DoFnInvoker.create_invoker(
                DoFnSignature(fn), handler, context=DoFnContext(spec.label, state=None),
                side_inputs=side_inputs, input_args=list(args), input_kwargs=dict(kwargs),
                user_state_context=None, bundle_finalizer_param=DoFn.BundleFinalizerParam())
            invoker.invoke_start_bundle()
            for item in items:
                invoker.invoke_process(_global(item))
            invoker.invoke_finish_bundle()
    except BaseException:
        _teardown(entry)              # a failed DoFn is not reused
        raise
    finally:
        statesampler.set_current_tracker(previous)
    _give_back(spec.key, entry)
    return [(receivers.values, container.get_cumulative())]


def _outputs(partition: list) -> list:
    return partition[0][0]


def _metrics(partition: list) -> list:
    return [partition[0][1]]


def _concat(parts: list) -> list:
    return [v for part in parts for v in part]


# ---------------------------------------------------------------------------------------------
# the submitting side: the translation and the result
# ---------------------------------------------------------------------------------------------

# Leaf transforms that are the identity on a global-window, bounded job.
_IDENTITY = (beam_overrides._Reshuffle, beam_overrides._GroupAlsoByWindow, core.WindowInto)


class _Translator(PipelineVisitor):
    """Beam transforms -> Dask bags (see the module's docstring)."""

    def __init__(self, job_id: str, bag_kwargs: dict):
        self.job_id = job_id
        self.bag_kwargs = bag_kwargs
        self.bags: dict[AppliedPTransform, Any] = {}
        self.consumed: set[AppliedPTransform] = set()
        self.metric_bags: list = []

    def leaves(self) -> list:
        return [bag for node, bag in self.bags.items()
                if node not in self.consumed and bag is not None]

    def _input(self, value):
        if isinstance(value, pvalue.PBegin):
            return None
        self.consumed.add(value.producer)
        return self.bags[value.producer]

    def visit_transform(self, node: AppliedPTransform) -> None:
        transform = node.transform
        cls = type(transform)
        inputs = [self._input(v) for v in node.inputs]
        for pcoll in node.inputs:
            windowing = getattr(pcoll, "windowing", None)
            if windowing is not None and not isinstance(windowing.windowfn, GlobalWindows):
                raise NotImplementedError(f"{node.full_label}: {RUNNER} runs global windows "
                                          "only (a bounded batch job)")
        if cls is beam_overrides._Create:
            bag = self._create(transform.values)
        elif cls is core.ParDo:
            bag = self._par_do(node, inputs[0])
        elif cls is beam_overrides._GroupByKeyOnly:
            bag = beam_ops.GroupByKey(node).apply(inputs[0])
        elif cls is beam_overrides._Flatten:
            bag = beam_ops.Flatten(node).apply([b for b in inputs if b is not None])
        elif cls in _IDENTITY or issubclass(cls, core.WindowInto):
            bag = inputs[0]
        else:
            raise NotImplementedError(f"{node.full_label}: {RUNNER} has no translation for "
                                      f"{cls.__module__}.{cls.__qualname__}")
        self.bags[node] = bag

    def _create(self, values):
        import dask.bag as db
        values = list(values)
        kwargs = dict(self.bag_kwargs)
        if not kwargs:
            kwargs["npartitions"] = max(1, min(len(values), MAX_CREATE_PARTITIONS))
        return db.from_sequence(values, **kwargs)

    def _par_do(self, node: AppliedPTransform, bag):
        import dask
        transform = node.transform
        if len(node.outputs) > 1:
            raise NotImplementedError(f"{node.full_label}: {RUNNER} does not run a ParDo with "
                                      "tagged outputs")
        blob = pickler.dumps((transform.fn, tuple(transform.args), dict(transform.kwargs)))
        key = f"{self.job_id}:{hashlib.sha256(blob).hexdigest()}"
        side_views, side_bags = [], []
        for si in node.side_inputs:
            self.consumed.add(si.pvalue.producer)
            side_views.append((type(si), si._view_options()))
            side_bags.append(self.bags[si.pvalue.producer])
        side_values = None
        if side_bags:
            side_values = dask.delayed(list)(
                [dask.delayed(_concat)(b.to_delayed(optimize_graph=False)) for b in side_bags])
        spec = _ParDoSpec(key, blob, node.full_label, tuple(side_views))
        raw = bag.map_partitions(_run_bundle, spec, side_values)
        self.metric_bags.append(raw.map_partitions(_metrics))
        return raw.map_partitions(_outputs)


class DaskRunnerResult(PipelineResult):
    """The job's futures; ``wait_until_finish`` gathers the metrics and closes what the runner
    opened (the client, and the LocalCluster and its scratch folder when it started one)."""

    def __init__(self, client, futures: list, metric_futures: list, job_id: str,
                 cluster=None, scratch: Optional[str] = None):
        super().__init__(PipelineState.RUNNING)
        self.client = client
        self.futures = futures
        self.metric_futures = metric_futures
        self.job_id = job_id
        self.cluster = cluster
        self.scratch = scratch
        self._metrics = DirectMetrics()

    def wait_until_finish(self, duration=None) -> str:
        if self._state != PipelineState.RUNNING:
            return self._state
        import dask.distributed as ddist
        try:
            timeout = duration / 1000 if duration is not None else None
            # as_completed with results: a worker's exception is raised here; the leaves'
            # values (the sink's file names) are not kept
            for _ in ddist.as_completed(self.futures, timeout=timeout, with_results=True):
                pass
            for updates_list in self.client.gather(self.metric_futures):
                for updates in updates_list:
                    self._metrics.commit_physical(None, updates)
                    self._metrics.commit_logical(None, updates)
            self._state = PipelineState.DONE
        except BaseException:
            self._state = PipelineState.FAILED
            raise
        finally:
            self._close()
        return self._state

    def _close(self) -> None:
        try:
            self.client.run(drop_job, self.job_id)
        except Exception:  # noqa: BLE001 - the workers may be gone already
            pass
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()
            self.cluster = None
        if self.scratch:
            shutil.rmtree(self.scratch, ignore_errors=True)
            self.scratch = None

    def cancel(self) -> str:
        self.client.cancel(self.futures + self.metric_futures)
        self._state = PipelineState.CANCELLED
        self._close()
        return self._state

    def metrics(self):
        return self._metrics


class DaskRunner(beam_dask.DaskRunner):
    """Beam's DaskRunner with a ParDo that keeps what a DoFn emits in finish_bundle, DoFns set up
    once per worker process, side inputs computed once, and Beam Metrics (module docstring)."""

    def run_pipeline(self, pipeline, options):
        import dask.distributed as ddist

        dask_options = options.view_as(beam_dask.DaskOptions).get_all_options(
            drop_default=True, current_only=True)
        bag_kwargs = beam_dask.DaskOptions._extract_bag_kwargs(dask_options)
        workers = local_workers(options)
        cluster = scratch = client = None
        try:
            if workers is not None:
                scratch = tempfile.mkdtemp(prefix="sedetect-dask-")
                cluster = ddist.LocalCluster(
                    n_workers=workers, threads_per_worker=1, processes=True, host="127.0.0.1",
                    dashboard_address=None, local_directory=scratch,
                    # no dashboard; its HTTP routes on a free loopback port
                    scheduler_kwargs={"dashboard_address": "127.0.0.1:0"})
                dask_options["address"] = cluster
            client = ddist.Client(**dask_options)
            pipeline.replace_all(beam_overrides.dask_overrides())
            job_id = uuid.uuid4().hex
            translator = _Translator(job_id, bag_kwargs)
            pipeline.visit(translator)
            leaves = translator.leaves()
            # one computation: the metric bags share their tasks with the leaves' graph
            every = list(client.compute([*leaves, *translator.metric_bags]))
            futures, metric_futures = every[:len(leaves)], every[len(leaves):]
        except BaseException:
            if client is not None:
                client.close()
            if cluster is not None:
                cluster.close()
            if scratch:
                shutil.rmtree(scratch, ignore_errors=True)
            raise
        return DaskRunnerResult(client, list(futures), list(metric_futures), job_id, cluster,
                                scratch)
