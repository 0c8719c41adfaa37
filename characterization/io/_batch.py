"""Batch reading: ``read_many(paths)`` reads several files into one Dataset along a batch dim.

The files are read with :func:`~._registry.read`; their signal axes are compared and, on
request, aligned (``join``); per-file metadata become coordinates along the batch dim, which
gets the files' stems as its coordinate (unless the files carry one of that name, such as a
``sample`` scalar coordinate of their own).
"""

from __future__ import annotations

import json
import os
import warnings
from pathlib import Path

import numpy as np
import xarray as xr

from .. import conventions
from ..errors import ReadError
from . import _source
from ._registry import read


def expand_paths(paths) -> list[Path]:
    """The files named by ``paths``, in the order :func:`read_many` reads them.

    Parameters
    ----------
    paths : str, os.PathLike, or a sequence of them
        Each item is a file, a folder (its files, not recursively, sorted by name; hidden files
        starting with ``.`` are left out) or a glob pattern (``"data/*.xrdml"``; matches sorted
        by name).

    Returns
    -------
    list of pathlib.Path
        Files and patterns are not checked for existence here: :func:`read` reports a missing
        file as a ReadError naming it.
    """
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    out: list[Path] = []
    for item in paths:
        p = Path(os.fspath(item))
        if p.is_dir():
            out.extend(sorted(q for q in p.iterdir()
                              if q.is_file() and not q.name.startswith(".")))
        elif any(ch in str(item) for ch in "*?["):
            out.extend(sorted(Path().glob(str(item))) if not p.is_absolute()
                       else sorted(Path(p.anchor).glob(str(p.relative_to(p.anchor)))))
        else:
            out.append(p)
    return out


def _signal_dim(ds: xr.Dataset) -> str | None:
    tech = ds.attrs.get("technique")
    if tech in conventions.TABLE and tech != "spectrum":
        return conventions.TABLE[tech].signal.name
    return ds.attrs.get("signal_dim")


def _pad_to(ds: xr.Dataset, dim: str, size: int) -> xr.Dataset:
    n = ds.sizes[dim]
    if n == size:
        return ds
    out = ds.pad({dim: (0, size - n)})
    for name, var in ds.variables.items():  # keep str coords str: pad with "" not NaN
        if dim in var.dims and var.dtype.kind in "US":
            padded = var.pad({dim: (0, size - n)}, constant_values="")
            out = (out.assign_coords({name: padded}) if name in ds.coords
                   else out.assign({name: padded}))
    return out


def _stem(path: Path) -> str:
    p = path.with_suffix("") if _source.compression_suffix(path) else path
    return p.stem if p.suffix else p.name


def file_labels(files) -> list[str]:
    """Labels of ``files`` for a batch coordinate: their stems (``LaB6_01`` for
    ``data/LaB6_01.xrdml.gz``); where stems repeat, the path below the files' common folder
    without the extension (``run1/a``, ``run2/a``), and ``#k`` appended if that still repeats
    (the same file given twice)."""
    files = [Path(os.fspath(f)) for f in files]
    labels = [_stem(f) for f in files]
    if len(set(labels)) < len(labels):
        try:
            root = Path(os.path.commonpath([str(f.parent) for f in files]))
            labels = [(f.parent.relative_to(root) / _stem(f)).as_posix() for f in files]
        except ValueError:                       # different drives: keep the full paths
            labels = [(f.parent / _stem(f)).as_posix() for f in files]
    seen: dict[str, int] = {}
    out = []
    for label in labels:
        seen[label] = seen.get(label, 0) + 1
        out.append(label if seen[label] == 1 else f"{label}#{seen[label]}")
    return out


def read_many(paths, dim: str = "sample", *, format: str | None = None,
              technique: str | None = None, join: str = "exact", on_error: str = "raise",
              **options) -> xr.Dataset:
    """Read several files and concatenate them along a new batch dim.

    Parameters
    ----------
    paths : path, glob, folder, or sequence of them
        Folders are expanded to the files they contain (not recursively), sorted by name.
    dim : str
        Name of the new batch dim (``"sample"``, ``"spot"``, ``"sputter_time"`` ...).
    join : {"exact", "outer", "interp"}
        What to do when the files' signal axes differ. ``"exact"`` raises a clear error;
        ``"outer"`` NaN-pads (union of coordinate values, or padding at the end for
        point-indexed data such as isotherms); ``"interp"`` interpolates every file linearly onto
        the first file's axis (values outside its range become NaN).
    on_error : {"raise", "skip"}
        ``"skip"`` leaves out files that fail to read, warns, and lists them (file and message)
        in ``attrs["skipped_files"]`` as a JSON string, so a batch never dies on one bad file.

    Returns
    -------
    xarray.Dataset
        Per-file metadata (``source_file``, ``wavelength``, ``sample`` ...) are coordinates
        along ``dim``. ``dim`` itself has the files' stems as its coordinate (see
        :func:`file_labels`), so ``ds.sel(sample="LaB6_01")`` picks a file, unless the files
        carry a scalar coordinate of that name (their own ``sample`` name), which is kept.

    Raises
    ------
    ReadError
        No file found, a file that cannot be read (``on_error="raise"``), files of different
        techniques, or (``join="exact"``) signal axes that differ: the message names the first
        file that differs from the first one and how (number of points, or the first differing
        value and its index).
    """
    if on_error not in ("raise", "skip"):
        raise ValueError("on_error must be 'raise' or 'skip'")
    if join not in ("exact", "outer", "interp"):
        raise ValueError("join must be 'exact', 'outer' or 'interp'")
    files = expand_paths(paths)
    if not files:
        raise ReadError(None, f"no files found in {paths!r}")
    datasets, read_files, skipped = [], [], []
    for f in files:
        try:
            datasets.append(read(f, format=format, technique=technique, **options))
            read_files.append(f)
        except ReadError as exc:
            if on_error == "raise":
                raise
            skipped.append({"file": str(f), "message": str(exc)})
            warnings.warn(f"skipped {exc}", stacklevel=2)
    if not datasets:
        raise ReadError(files[0], f"none of the {len(files)} files could be read: "
                                  + "; ".join(s["message"] for s in skipped))
    techniques = {d.attrs.get("technique") for d in datasets}
    if len(techniques) > 1:
        raise ReadError(None, f"files hold different techniques {sorted(map(str, techniques))}; "
                              "read them separately")
    sig = _signal_dim(datasets[0])
    if sig is not None and len(datasets) > 1:
        datasets = _harmonise_axes(datasets, sig, join)
    # Attrs that differ per file (original_metadata) are kept per sample as a coordinate.
    per_file = {}
    for key in ("original_metadata",):
        values = [d.attrs.get(key, "") for d in datasets]
        if len(set(values)) > 1:
            per_file[key] = values
            datasets = [d.assign_attrs({key: None}) for d in datasets]
            for d in datasets:
                d.attrs.pop(key, None)
    try:
        out = xr.concat(datasets, dim=dim, coords="different", compat="equals",
                        combine_attrs="drop_conflicts",
                        join="outer" if join != "exact" else "exact")
    except (ValueError, TypeError, KeyError) as exc:   # xarray's MergeError is a ValueError
        raise ReadError(None, f"the {len(datasets)} files cannot be stacked along {dim!r}: "
                              f"{type(exc).__name__}: {exc}") from exc
    for key, values in per_file.items():
        out = out.assign_coords({key: (dim, np.array(values, dtype=object).astype(str))})
    if dim not in out.coords:
        out = out.assign_coords({dim: (dim, file_labels(read_files),
                                       {"long_name": "File (stem)"})})
    if skipped:
        out.attrs["skipped_files"] = json.dumps(skipped)
    return out


def _harmonise_axes(datasets, sig, join):
    ref = datasets[0]
    has_index = sig in ref.indexes
    same = all(d.sizes.get(sig) == ref.sizes.get(sig) and
               (not has_index or np.array_equal(d[sig].values, ref[sig].values))
               for d in datasets[1:])
    if same:
        return datasets
    if join == "exact":
        why = _axis_difference(datasets, sig)
        raise ReadError(None, f"files have different {sig!r} axes: {why}; pass join='outer' (NaN-padded) or join='interp' (onto the "
                              "first file's axis)")
    if not has_index:  # point-indexed data: pad at the end
        size = max(d.sizes[sig] for d in datasets)
        return [_pad_to(d, sig, size) for d in datasets]
    if join == "interp":
        try:
            return [d if d is ref else d.interp({sig: ref[sig].values}) for d in datasets]
        except (ValueError, TypeError, KeyError) as exc:
            raise ReadError(None, f"cannot interpolate the files onto the first one's {sig!r} "
                                  f"axis: {type(exc).__name__}: {exc}") from exc
    return datasets  # outer: xr.concat(join="outer") NaN-pads on the union of coordinates


def _axis_difference(datasets, sig) -> str:
    """What differs between the first file's signal axis and the first file that differs."""
    def name(d):
        src = d.coords.get("source_file")
        return Path(str(src.values)).name if src is not None and src.ndim == 0 else "?"

    ref = datasets[0]
    n0 = ref.sizes.get(sig)
    for d in datasets[1:]:
        n = d.sizes.get(sig)
        if n != n0:
            lengths = sorted({e.sizes.get(sig) for e in datasets})
            return (f"lengths differ: {name(ref)} has {n0} points, {name(d)} has {n} "
                    f"(lengths in the batch: {lengths})")
        if sig in ref.indexes:
            a, b = ref[sig].values, d[sig].values
            diff = np.flatnonzero(~((a == b) | (np.isnan(a) & np.isnan(b)))
                                  if a.dtype.kind == "f" and b.dtype.kind == "f" else a != b)
            if diff.size:
                i = int(diff[0])
                units = ref[sig].attrs.get("units", "")
                return (f"same length {n0} but values differ: {name(ref)} has {a[i].item()!r} "
                        f"and {name(d)} has {b[i].item()!r} {units} at index {i} (first of "
                        f"{diff.size} "
                        "differing values)")
    return "they differ"
