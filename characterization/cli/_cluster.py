"""Running the batches of ``characterize run`` on a ``dask.distributed`` cluster.

* ``--workers N`` (N >= 2) starts a :class:`distributed.LocalCluster` of N worker *processes*
  (one thread each: the fits are numpy/scipy work that holds the GIL in places) on the
  loopback address, without a dashboard, and closes it at the end of the run.
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

import os
from pathlib import Path

def _package_root() -> str:
    import characterization

    return str(Path(characterization.__file__).resolve().parent.parent)


def client_for(workers: int | None, scheduler: str | None):
    """(client, cluster or None): a client of the cluster the run uses."""
    from distributed import Client, LocalCluster

    if scheduler is not None:
        return Client(scheduler, timeout="30s"), None
    root = _package_root()
    path = os.environ.get("PYTHONPATH", "")
    env = {"PYTHONPATH": root + (os.pathsep + path if path else "")}
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
