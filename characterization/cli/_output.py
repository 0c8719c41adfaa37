"""Writing outputs: atomic file writes and the flat summary table of results."""

from __future__ import annotations

import contextlib
import csv
import functools
import io
import os
import re
import tempfile
from pathlib import Path

import numpy as np
import xarray as xr

#: Largest number of values per variable and batch element that goes to the summary table.
MAX_SUMMARY_VALUES = 64


#: Name of the temporary file :func:`atomic_write` writes beside ``<name>``: ``.<name>.<8 random
#: characters of mkstemp>.tmp``.
_PARTIAL = re.compile(r"^\.(?P<name>.+)\.[A-Za-z0-9_]{8}\.tmp$")


def atomic_write(path, write) -> Path:
    """Call ``write(tmp_path)`` then rename onto ``path``, so ``path`` is complete or absent.

    The temporary file is hidden (``.<name>.XXXXXXXX.tmp``) beside ``path`` and removed on any
    error; a process killed while writing leaves it behind, and :func:`clean_partial_writes`
    removes it on the next run."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        write(Path(tmp))
        os.chmod(tmp, _file_mode())        # mkstemp makes 0600; outputs get the usual mode
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


@functools.cache
def _file_mode() -> int:
    """0o666 less the process umask: the mode ``open()`` would give a new file."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def clean_partial_writes(folder) -> list[Path]:
    """Remove the temporary files that interrupted :func:`atomic_write` calls left under
    ``folder`` (recursively); returns them. Only hidden files named like those
    (``.<name>.XXXXXXXX.tmp``) are touched. Not safe while another run writes into the same
    folder."""
    folder = Path(folder)
    if not folder.is_dir():
        return []
    removed = []
    for p in folder.rglob(".*.tmp"):
        if p.is_file() and _PARTIAL.match(p.name):
            p.unlink(missing_ok=True)
            removed.append(p)
    return removed


def atomic_write_text(path, text: str) -> Path:
    return atomic_write(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))


def write_netcdf(ds: xr.Dataset, path) -> Path:
    """Write a result Dataset as netCDF (h5netcdf engine) atomically."""
    from ..io.netcdf import to_netcdf_dataset

    ready = to_netcdf_dataset(ds)
    with _local_write_lock():
        return atomic_write(path, lambda tmp: ready.to_netcdf(tmp, engine="h5netcdf"))


@contextlib.contextmanager
def _local_write_lock():
    """xarray guards a netCDF write with a ``distributed.Lock`` whenever a dask client is
    reachable (a ``--workers`` run's in this process, the worker's own in a worker): two
    scheduler round trips per variable, ~50 variables per store, and a write that fails when
    the cluster closes meanwhile. Each store here is one process's own new file: the dask
    scheduler is set to ``"synchronous"`` for the write, so xarray takes its local lock."""
    try:
        import dask
    except ImportError:                   # pragma: no cover - dask comes with xarray's extras
        yield
        return
    with dask.config.set(scheduler="synchronous"):
        yield


def write_csv(rows: list[dict], path, columns: list[str] | None = None) -> Path:
    """Write dict rows as CSV atomically; columns in first-seen order unless given."""
    if columns is None:
        columns = []
        for row in rows:
            columns.extend(k for k in row if k not in columns)
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return atomic_write_text(path, buf.getvalue())


def _label(var: xr.DataArray, name: str, index: dict) -> str:
    units = var.attrs.get("units", "")
    inner = ",".join(str(v) for v in index.values())
    return name + (f"[{inner}]" if inner else "") + (f" ({units})" if units not in ("", None)
                                                      else "")


def _scalar(value):
    value = np.asarray(value).item() if np.ndim(value) == 0 else value
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (float, np.floating)):
        return float(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    return str(value)


def _plain_list(values: np.ndarray) -> list:
    """Values as plain Python bool/int/float (str for anything else), like :func:`_scalar`."""
    if values.dtype.kind in "biuf":
        return values.tolist()
    return [_scalar(v) for v in values.tolist()]


def summary_rows(result: xr.Dataset, batch_dims: list[str], prefix: str) -> list[dict]:
    """Flatten the small variables of ``result`` into one dict per batch element.

    A variable goes to the summary when, besides the batch dims, it has at most
    :data:`MAX_SUMMARY_VALUES` values (per-peak centres, BET area, C ...); spectra-long
    variables (best fits, components) stay in the netCDF only. Column names are
    ``prefix.var[label] (units)``. Vectorised over the batch: one array per variable, not one
    selection per spectrum.
    """
    batch_dims = [d for d in batch_dims if d in result.dims]
    shape = [result.sizes[d] for d in batch_dims]
    n = int(np.prod(shape)) if shape else 1
    rows: list[dict] = [{} for _ in range(n)]
    grid = np.indices(shape).reshape(len(shape), -1) if shape else np.zeros((0, 1), int)
    for k, d in enumerate(batch_dims):
        if d in result.coords:
            values = _plain_list(np.asarray(result[d].values)[grid[k]])
            for row, v in zip(rows, values):
                row[d] = v
    for name, var in result.data_vars.items():
        other = [d for d in var.dims if d not in batch_dims]
        if int(np.prod([var.sizes[d] for d in other])) > MAX_SUMMARY_VALUES:
            continue
        if var.dtype.kind not in "biufUSO":
            continue
        expand = {d: result.sizes[d] for d in batch_dims if d not in var.dims}
        full = var.expand_dims(expand) if expand else var
        arr = np.asarray(full.transpose(*batch_dims, *other).values).reshape(n, -1)
        labels = []
        for opos in np.ndindex(*[var.sizes[d] for d in other]):
            index = {d: (result[d].values[i] if d in result.coords else i)
                     for d, i in zip(other, opos)}
            labels.append(_label(var, f"{prefix}.{name}", index))
        columns = [_plain_list(arr[:, j]) for j in range(arr.shape[1])]
        for idx, row in enumerate(rows):
            for label, col in zip(labels, columns):
                row[label] = col[idx]
    return rows
