"""Running the batches of ``characterize run`` on a ``dask.distributed`` cluster.

* ``--workers N`` (N >= 2) runs N processes: this one and a :class:`distributed.LocalCluster`
  of N - 1 worker *processes* (one thread each: the fits are numpy/scipy work that holds the
  GIL in places) on the loopback address, without a dashboard, closed at the end of the run
  (:func:`run_local`). The cluster starts in a background thread while this process already
  works from the front of the queue of inputs; the workers take from its back as soon as they
  are up, so the seconds a cluster needs to start (and each worker to import the package) are
  not lost. Chunks are sized by guided self-scheduling (:class:`GuidedQueue`): full
  ``batch_size`` chunks while much is left, smaller ones towards the end, so the processes
  finish together instead of one waiting up to a whole chunk for the other.
* ``--scheduler ADDRESS`` (``tcp://host:port``) connects to an existing scheduler and sends
  the same tasks; the run is unchanged. The workers must see the input files and the output
  folder at the same paths as the client (a shared file system), and import the same
  ``characterization`` version.

One task per chunk of consecutive inputs (:func:`.run.process_chunk`, the serial run's unit too;
``--scheduler`` sends the serial run's ``batch_size`` chunks, so both form the same batches;
a local run's batches differ only in size, and a spectrum's results do not depend on the batch
it is in): the worker reads the chunk, groups it by
signal axis, runs the recipe once per group and commits the batch folders itself, so nothing
but small markers travels back and the client's memory stays flat.
"""

from __future__ import annotations

import math
import os
import threading
from pathlib import Path

#: Smallest chunk :class:`GuidedQueue` hands out (unless fewer inputs are left). Each batch has
#: a fixed cost beside its per-file work (two netCDF stores of ~50 variables, the table
#: fragments, the marker: ~0.25 s for the 4band Raman recipe against ~2 ms per file), so a
#: 128-file batch costs ~4 ms per file against ~1.9 for 1024; 256 files (~2.7 ms per file,
#: ~0.7 s) keep that overhead small while the imbalance left at the end stays below a second.
MIN_CHUNK = 256


class GuidedQueue:
    """The todo items of a local multi-process run, taken in chunks of consecutive items by
    guided self-scheduling: this process takes from the front (:meth:`popleft`), the workers
    from the back (:meth:`pop`; a chunk keeps the items' order), each
    ``min(batch_size, max(min_chunk, ceil(remaining / (2 * n_processes))))`` items (or what is
    left; from the back, in the full-size phase, the remainder of the serial run's grid).
    Thread-safe."""

    def __init__(self, items, batch_size: int, n_processes: int, min_chunk: int | None = None):
        self._items = list(items)
        self._lo, self._hi = 0, len(self._items)
        self._batch = max(int(batch_size), 1)
        self._n = max(int(n_processes), 1)
        self._min = MIN_CHUNK if min_chunk is None else max(int(min_chunk), 1)
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return self._hi - self._lo

    def _size(self) -> int:
        left = self._hi - self._lo
        k = min(self._batch, max(self._min, math.ceil(left / (2 * self._n))))
        return min(k, left)

    def popleft(self) -> list | None:
        """The next chunk from the front, None when empty."""
        with self._lock:
            k = self._size()
            if not k:
                return None
            self._lo += k
            return self._items[self._lo - k:self._lo]

    def pop(self) -> list | None:
        """The next chunk from the back (in the items' order), None when empty. While chunks
        are full ``batch_size`` ones, the back one is the serial run's last chunk of what is
        left (the remainder first), so a run with chunks never smaller than ``batch_size``
        forms the serial run's batches."""
        with self._lock:
            k = self._size()
            if not k:
                return None
            if k == self._batch:
                k = (self._hi - self._lo - 1) % self._batch + 1
            self._hi -= k
            return self._items[self._hi:self._hi + k]

    def clear(self) -> None:
        with self._lock:
            self._lo = self._hi


def _package_root() -> str:
    import characterization

    return str(Path(characterization.__file__).resolve().parent.parent)


def client_for(workers: int | None, scheduler: str | None):
    """(client, cluster or None): a client of the cluster the run uses."""
    from distributed import Client, LocalCluster

    if scheduler is not None:
        return Client(scheduler, timeout="30s", set_as_default=False), None
    import dask

    root = _package_root()
    path = os.environ.get("PYTHONPATH", "")
    env = {"PYTHONPATH": root + (os.pathsep + path if path else "")}
    # dask starts its workers with MALLOC_TRIM_THRESHOLD_=65536 (to hand freed memory back to
    # the OS). Setting it switches off glibc's dynamic mmap threshold, so every (batch x
    # channels) temporary of the spike and fit kernels becomes a fresh mmap, page-faulted and
    # zeroed: a 1024-file chunk took 3.5 s in a worker against 2.3 s in this process. The
    # runs' memory is bounded by the batch size, so the workers keep glibc's default.
    # The scheduler and the nannies of a LocalCluster run in this process, beside its own
    # chunks: their periodic work (the event-loop tick every 20 ms, the nannies' memory
    # monitor every 100 ms, the system monitor, the workers' statistical profiler every
    # 10 ms, all for the dashboard, which is off) is slowed down or switched off.
    quiet = {"distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None,
             "distributed.admin.tick.interval": "1s",
             "distributed.worker.memory.monitor-interval": "1s",
             "distributed.admin.system-monitor.interval": "5s",
             "distributed.worker.profile.enabled": False}
    with dask.config.set(quiet):
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                               host="127.0.0.1", dashboard_address=None, env=env)
    # not the process's default client: the run's own calls name it, and the dask
    # configuration of this process is left alone (see _output._local_write_lock)
    return Client(cluster, set_as_default=False), cluster


def run_batches(chunks, process_chunk, recipe, out, client,
                bar) -> tuple[list[dict], list[dict]]:
    """One task per chunk of inputs (``process_chunk(chunk, recipe, out)``, i.e.
    :func:`.run.process_chunk`, passed in so this module does not import the runner) on ``client``;
    returns the markers of the committed batches and error rows for the files of chunks whose
    task failed as a whole (a worker lost, a full disk): those are not committed, so the next
    run redoes them."""
    from distributed import as_completed

    markers, errors = [], []
    jobs = {client.submit(process_chunk, chunk, recipe, str(out), pure=False): chunk
            for chunk in chunks}
    for fut in as_completed(list(jobs), loop=client.loop):
        chunk = jobs[fut]
        try:
            markers.extend(fut.result())
        except Exception as exc:  # noqa: BLE001 - one lost chunk never ends the run
            errors.extend({"file": it["file"], "stage": "batch",
                           "message": f"batch task failed: {type(exc).__name__}: {exc}"}
                          for it in chunk)
        bar.update(len(chunk))
    return markers, errors


def run_local(items, process_chunk, recipe, out, workers: int, bar,
              batch_size: int) -> tuple[list[dict], list[dict]]:
    """``workers`` processes on the todo ``items``: this process plus a local cluster of
    ``workers - 1`` started meanwhile, sharing a :class:`GuidedQueue` (see the module
    docstring). Returns the markers and the error rows of chunks whose task failed as a whole,
    like :func:`run_batches`."""
    queue = GuidedQueue(items, batch_size, workers)
    markers: list[dict] = []
    errors: list[dict] = []
    lock = threading.Lock()
    cluster_error: list[BaseException] = []

    def remote():
        try:
            client, cluster = client_for(workers - 1, None)
        except Exception as exc:  # noqa: BLE001 - no cluster: this process does everything
            cluster_error.append(exc)
            return
        try:
            _drain(queue, process_chunk, recipe, out, client, workers - 1, bar, markers,
                   errors, lock)
        finally:
            client.close()
            cluster.close()

    thread = threading.Thread(target=remote, name="characterize-cluster", daemon=True)
    thread.start()
    try:
        while (chunk := queue.popleft()) is not None:
            done = process_chunk(chunk, recipe, out)
            with lock:
                markers.extend(done)
                bar.update(len(chunk))
    except BaseException:
        queue.clear()              # interrupted: the workers finish what they hold, no more
        raise
    finally:
        thread.join()
    if cluster_error:
        import warnings

        warnings.warn(f"the local cluster did not start ({cluster_error[0]}); the run used "
                      "this process only", stacklevel=2)
    return markers, errors


def _drain(queue, process_chunk, recipe, out, client, n_workers, bar, markers, errors, lock):
    """Keep each worker busy with one chunk taken from the back of ``queue`` (a
    :class:`GuidedQueue`) until it is empty; chunks this process took meanwhile are not
    sent."""
    from distributed import as_completed

    take = queue.pop

    jobs, pending = {}, as_completed(loop=client.loop)
    for _ in range(n_workers):
        chunk = take()
        if chunk is None:
            break
        fut = client.submit(process_chunk, chunk, recipe, str(out), pure=False)
        jobs[fut] = chunk
        pending.add(fut)
    for fut in pending:
        chunk = jobs.pop(fut)
        try:
            done = fut.result()
        except Exception as exc:  # noqa: BLE001 - one lost chunk never ends the run
            done = []
            with lock:
                errors.extend({"file": it["file"], "stage": "batch",
                               "message": f"batch task failed: {type(exc).__name__}: {exc}"}
                              for it in chunk)
        with lock:
            markers.extend(done)
            bar.update(len(chunk))
        nxt = take()
        if nxt is not None:
            new = client.submit(process_chunk, nxt, recipe, str(out), pure=False)
            jobs[new] = nxt
            pending.add(new)
