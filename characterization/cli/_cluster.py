"""Running the batches of ``characterize run`` on a ``dask.distributed`` cluster.

* ``--workers N`` (N >= 2) runs N processes: this one and a :class:`distributed.LocalCluster`
  of N - 1 worker *processes* (one thread each: the fits are numpy/scipy work that holds the
  GIL in places) on the loopback address, without a dashboard, closed at the end of the run
  (:func:`run_local`). The cluster starts in a background thread while this process already
  works through the chunks from the front of the queue; the workers take chunks from its back
  as soon as they are up, so the seconds a cluster needs to start (and each worker to import
  the package) are not lost.
* ``--scheduler ADDRESS`` (``tcp://host:port``) connects to an existing scheduler and sends
  the same tasks; the run is unchanged. The workers must see the input files and the output
  folder at the same paths as the client (a shared file system), and import the same
  ``characterization`` version.

One task per chunk of ``batch_size`` consecutive inputs (:func:`.run.process_chunk`, the
serial run's unit too, so both form the same batches): the worker reads the chunk, groups it by
signal axis, runs the recipe once per group and commits the batch folders itself, so nothing
but small markers travels back and the client's memory stays flat.
"""

from __future__ import annotations

import collections
import os
import threading
from pathlib import Path

def _package_root() -> str:
    import characterization

    return str(Path(characterization.__file__).resolve().parent.parent)


def client_for(workers: int | None, scheduler: str | None):
    """(client, cluster or None): a client of the cluster the run uses."""
    from distributed import Client, LocalCluster

    if scheduler is not None:
        return Client(scheduler, timeout="30s"), None
    import dask

    root = _package_root()
    path = os.environ.get("PYTHONPATH", "")
    env = {"PYTHONPATH": root + (os.pathsep + path if path else "")}
    # dask starts its workers with MALLOC_TRIM_THRESHOLD_=65536 (to hand freed memory back to
    # the OS). Setting it switches off glibc's dynamic mmap threshold, so every (batch x
    # channels) temporary of the spike and fit kernels becomes a fresh mmap, page-faulted and
    # zeroed: a 1024-file chunk took 3.5 s in a worker against 2.3 s in this process. The
    # runs' memory is bounded by the batch size, so the workers keep glibc's default.
    with dask.config.set({"distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None}):
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                               host="127.0.0.1", dashboard_address=None, env=env)
    return Client(cluster), cluster


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
    for fut in as_completed(list(jobs)):
        chunk = jobs[fut]
        try:
            markers.extend(fut.result())
        except Exception as exc:  # noqa: BLE001 - one lost chunk never ends the run
            errors.extend({"file": it["file"], "stage": "batch",
                           "message": f"batch task failed: {type(exc).__name__}: {exc}"}
                          for it in chunk)
        bar.update(len(chunk))
    return markers, errors


def run_local(chunks, process_chunk, recipe, out, workers: int,
              bar) -> tuple[list[dict], list[dict]]:
    """``workers`` processes on ``chunks``: this process plus a local cluster of
    ``workers - 1`` started meanwhile (see the module docstring). Returns the markers and the
    error rows of chunks whose task failed as a whole, like :func:`run_batches`."""
    queue = collections.deque(chunks)
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
        while True:
            try:
                chunk = queue.popleft()
            except IndexError:
                break
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
    """Keep each worker busy with one chunk taken from the back of ``queue`` until it is
    empty; chunks this process took meanwhile are not sent."""
    from distributed import as_completed

    def take():
        try:
            return queue.pop()
        except IndexError:
            return None

    jobs, pending = {}, as_completed()
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
