"""Running the batches of ``characterize run`` on a ``dask.distributed`` cluster.

* ``--workers N`` (N >= 2) starts a :class:`distributed.LocalCluster` of N worker *processes*
  (one thread each: the fits are numpy/scipy work that holds the GIL in places) on the
  loopback address, without a dashboard, and closes it at the end of the run.
* ``--scheduler ADDRESS`` (``tcp://host:port``) connects to an existing scheduler and sends
  the same tasks; the run is unchanged. The workers must see the input files and the output
  folder at the same paths as the client (a shared file system), and import the same
  ``characterization`` version.

Two rounds of tasks: first every worker reads a chunk of files and returns each file's
signature (:func:`._batching.signature`), then the client groups the files into batches and
submits one task per batch (:func:`.run.process_batch`), which re-reads its files, runs the
recipe, and commits the batch folder itself, so nothing but small markers travels back.
Reading twice costs about 2 ms per text file and keeps the client's memory flat.
"""

from __future__ import annotations

import os
from pathlib import Path

#: Files per signature task of the first round.
SIGNATURE_CHUNK = 128


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


def signatures(paths: list[str], read_options: dict, resample: bool = False) -> list[str | None]:
    """Task of the first round: the signature of each file (None: unreadable or a batch of
    its own)."""
    from . import _batching
    from .run import _read

    out = []
    for p in paths:
        ds, _, _ = _read(Path(p), read_options)
        out.append(None if ds is None else _batching.signature(ds, resample=resample))
    return out


def run_batches(todo: list[dict], recipe, out, batch_size: int, client,
                bar) -> tuple[list[dict], list[dict]]:
    """Both rounds on ``client``; returns the markers of the committed batches and error rows
    for the files of batches whose task failed as a whole (a worker lost, a full disk): those
    are not committed, so the next run redoes them."""
    from distributed import as_completed

    from . import _batching
    from .run import process_batch

    chunks = [todo[k:k + SIGNATURE_CHUNK] for k in range(0, len(todo), SIGNATURE_CHUNK)]
    futures = [client.submit(signatures, [it["file"] for it in chunk], recipe.read_options, recipe.resample,
                             pure=False) for chunk in chunks]
    sigs: list[str | None] = []
    for fut in futures:
        sigs.extend(fut.result())
    batches = _batching.plan(list(enumerate(sigs)), batch_size)
    markers, errors = [], []
    jobs = {client.submit(process_batch, [todo[i] for i in b], recipe, str(out),
                          pure=False): b for b in batches}
    for fut in as_completed(list(jobs)):
        members = jobs[fut]
        try:
            markers.append(fut.result())
        except Exception as exc:  # noqa: BLE001 - one lost batch never ends the run
            errors.extend({"file": todo[i]["file"], "stage": "batch",
                           "message": f"batch task failed: {type(exc).__name__}: {exc}"}
                          for i in members)
        bar.update(len(members))
    return markers, errors
