"""Batched recipes: group inputs whose signal axes agree, stack them, run each step once.

A recipe step is a public function whose contract is "a batch equals the loop of singles"
(``tests/test_contract.py`` checks it for every function), so stacking files along a ``sample``
dim and calling the step once gives the per-file results at the batched engine's speed. What
this module adds is the bookkeeping that keeps a batch from failing as a whole:

* files are grouped by a *signature* (technique, dims and sizes, variable names, dtype, and the
  exact values of the signal axis): only files with identical axes are stacked;
* a step that raises on a batch is re-run file by file on that batch, so the exception is
  recorded for the file(s) that caused it and the others keep their batched-equivalent result;
* a spectrum whose result says ``success = False`` is recorded in the errors table (with the
  result's ``message`` when there is one), its NaN values stay in the stores.
"""

from __future__ import annotations

import hashlib
import traceback
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from .. import _api, conventions

#: Name of the batch dim the run stacks files along; its coordinate holds the file keys.
DIM = "sample"


def signal_dim(ds: xr.Dataset) -> str | None:
    """The signal dim of a Dataset read from a file (technique convention, else attrs)."""
    tech = ds.attrs.get("technique")
    if tech in conventions.TABLE and tech != "spectrum":
        return conventions.TABLE[tech].signal.name
    return ds.attrs.get("signal_dim")


def signature(ds: xr.Dataset, *, resample: bool = False) -> str | None:
    """A digest that is equal for two files exactly when they can be stacked along ``sample``.

    It covers the technique, every dim and its size, the data variables with their dims and
    dtypes, the names of the coordinates, and the exact values of the signal dim's index (the
    Raman shifts, the 2θ grid). With ``resample`` the signal index's length and values are left
    out (files are interpolated onto one axis, :func:`resample_onto_first`). Returns None for
    data that already have a ``sample`` dim (multi-spectrum files are a batch of their own).
    """
    if DIM in ds.dims:
        return None
    h = hashlib.sha256()
    sig = signal_dim(ds)
    indexed = sig is not None and sig in ds.indexes
    sizes = {k: v for k, v in ds.sizes.items() if not (resample and indexed and k == sig)}
    parts = [str(ds.attrs.get("technique")), str(sig), repr(sorted(sizes.items())),
             repr(sorted((k, v.dims, str(v.dtype)) for k, v in ds.data_vars.items())),
             repr(sorted((k, v.dims) for k, v in ds.coords.items()))]
    h.update("|".join(parts).encode())
    if indexed and not resample:
        values = np.ascontiguousarray(ds[sig].values)
        h.update(str(values.dtype).encode())
        h.update(values.tobytes())
    return h.hexdigest()[:24]


def resample_onto_first(datasets: list[xr.Dataset], labels: list[str]):
    """Interpolate (linearly) every Dataset whose signal axis differs from the first one's onto
    that axis; values outside a file's own range become NaN. Returns the Datasets, a note per
    resampled label, and ``{label: message}`` for files that cannot be interpolated (an axis
    that is not monotonic, a non-numeric variable)."""
    sig = signal_dim(datasets[0])
    if sig is None or sig not in datasets[0].indexes:
        return datasets, {}, {}
    ref = datasets[0][sig]
    out, notes, failed = [], {}, {}
    for d, lab in zip(datasets, labels):
        if d is datasets[0] or (d.sizes[sig] == ref.size
                                and np.array_equal(d[sig].values, ref.values)):
            out.append(d)
            continue
        try:
            new = d.interp({sig: ref.values})
            new[sig].attrs = dict(d[sig].attrs)
        except Exception as exc:  # noqa: BLE001 - recorded for that file
            failed[lab] = f"cannot resample onto {labels[0]}'s {sig} axis: {_message(exc)}"
            out.append(None)
            continue
        out.append(new)
        notes[lab] = (f"resampled (linear) onto the {sig} axis of {labels[0]} "
                      f"({ref.size} points, {float(ref.min()):.6g}..{float(ref.max()):.6g})")
    return out, notes, failed


def stack(datasets: list[xr.Dataset], labels: list[str]) -> xr.Dataset:
    """Stack single-measurement Datasets along :data:`DIM` with ``labels`` as its coordinate.

    Scalar coordinates that differ per file (``source_file``, ``laser_wavelength`` ...) become
    coordinates along the batch dim; attrs that differ (the vendor header
    ``original_metadata``) are kept per file as a coordinate, like
    :func:`characterization.read_many` does.
    """
    per_file = {}
    values = [d.attrs.get("original_metadata", "") for d in datasets]
    if len(set(values)) > 1:
        per_file["original_metadata"] = values
        datasets = [d.copy(deep=False) for d in datasets]
        for d in datasets:
            d.attrs.pop("original_metadata", None)
    index = pd.Index(labels, name=DIM)
    out = xr.concat(datasets, dim=index, coords="different", compat="equals",
                    combine_attrs="drop_conflicts", join="exact")
    for key, vals in per_file.items():
        out = out.assign_coords({key: (DIM, np.array(vals, dtype=object).astype(str))})
    out[DIM].attrs.update({"long_name": "File (stem)"})
    return out


def stack_rows(template, rows: list[dict], labels: list[str], files: list[str]) -> xr.Dataset:
    """What :func:`stack` gives for the Datasets ``template.dataset(row, file)`` (files read
    through one :class:`characterization.io.delimited.SharedHeader`), built directly from the
    parsed columns: one array per variable instead of a Dataset per file and a concat.

    Follows :func:`xarray.concat` (``data_vars="all"``, ``coords="different"``): every data
    variable gains the batch dim first; a coordinate does only where its values differ between
    the files (``source_file``, a column-copy coordinate)."""
    ds0 = template.dataset0
    n = len(rows)
    index = pd.Index(labels, name=DIM)
    stacked = {name: np.stack([r[name] for r in rows]) for name in template.columns}
    data_vars = {}
    for name, var in ds0.data_vars.items():
        if name in stacked:
            data = stacked[name]
        else:
            data = np.broadcast_to(var.values, (n, *var.shape)).copy()
        data_vars[name] = xr.Variable((DIM, *var.dims), data, var.attrs)
    coords = {}
    for name, var in ds0.coords.items():
        if name == "source_file":
            values = [str(Path(f)) for f in files]
            if len(set(values)) > 1:
                var = xr.Variable((DIM,), np.array(values), var.attrs)
        elif name in stacked and not (stacked[name] == stacked[name][:1]).all():
            var = xr.Variable((DIM, *var.dims), stacked[name], var.attrs)
        coords[name] = var
    coords[DIM] = index
    out = xr.Dataset(data_vars, coords, attrs=dict(ds0.attrs))
    out[DIM].attrs.update({"long_name": "File (stem)"})
    return out


def _message(exc: BaseException) -> str:
    tb = traceback.extract_tb(exc.__traceback__)
    where = f" ({Path(tb[-1].filename).name}:{tb[-1].lineno})" if tb else ""
    return f"{type(exc).__name__}: {exc}{where}"


def _call(func, data, args):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = func(data, **args)
    return result, sorted({str(w.message) for w in caught})


def _concat_results(parts: list[xr.Dataset]) -> xr.Dataset:
    if len(parts) == 1:
        return parts[0]
    return xr.concat(parts, dim=DIM, data_vars="minimal", coords="minimal", compat="override",
                     combine_attrs="override")


def _failed_samples(result: xr.Dataset) -> dict[str, str]:
    """Labels of the spectra whose result has ``success`` False, with a reason."""
    if "success" not in result.data_vars or DIM not in result["success"].dims:
        return {}
    ok = result["success"]
    other = [d for d in ok.dims if d != DIM]
    if other:
        ok = ok.all(other)
    ok = np.asarray(ok.values, dtype=bool)
    labels = [str(v) for v in result[DIM].values]
    out = {}
    msg = next((result[n] for n in ("message", "reason") if n in result.data_vars
                and result[n].dims == (DIM,)), None)
    for i in np.flatnonzero(~ok):
        reason = "success = False"
        if msg is not None:
            text = str(msg.values[i])
            if text:
                reason += f": {text}"
        out[labels[i]] = reason
    return out


def run_steps(batch: xr.Dataset, recipe) -> tuple[dict, list[dict], dict]:
    """Run every step of ``recipe`` once on the stacked ``batch``.

    Returns
    -------
    results : dict
        Step label -> batched result (only the files for which the step did not raise).
    errors : list of dict
        ``{"sample": label, "stage": qualname, "message": ...}`` per failing file and step;
        ``"flagged": True`` marks a spectrum the step ran on but reported ``success = False``
        (its NaN results are kept; the file is not re-run on resume, the failure is the
        analysis' answer) as opposed to a step that raised.
    step_warnings : dict
        Step label -> {sample label: "warning; warning"} for the warnings a step emitted.
    """
    results: dict[str, xr.Dataset] = {}
    errors: list[dict] = []
    step_warnings: dict[str, dict] = {}
    all_labels = [str(v) for v in batch[DIM].values]
    for step in recipe.steps:
        func = _api.get(step.qualname).func
        if step.input is None:
            source = batch
        else:
            source = results.get(step.input)
            done = set() if source is None else {str(v) for v in source[DIM].values}
            for lab in all_labels:
                if lab not in done:
                    errors.append({"sample": lab, "stage": step.qualname,
                                   "message": f"skipped: its input step {step.input!r} failed"})
            if source is None:
                continue
        labels = [str(v) for v in source[DIM].values]
        result = None
        try:
            result, caught = _call(func, source, step.args)
            if DIM not in result.dims or [str(v) for v in result[DIM].values] != labels:
                raise ValueError(f"{step.qualname} did not keep the {DIM!r} dim")
            if caught:
                step_warnings[step.label] = {lab: "; ".join(caught) for lab in labels}
        except Exception:  # noqa: BLE001 - isolate the failing file(s): re-run one by one
            result, parts, warned = None, [], {}
            for i, lab in enumerate(labels):
                try:
                    part, caught = _call(func, source.isel({DIM: [i]}), step.args)
                    if DIM not in part.dims:
                        part = part.expand_dims({DIM: [lab]})
                    parts.append(part)
                    if caught:
                        warned[lab] = "; ".join(caught)
                except Exception as exc:  # noqa: BLE001 - recorded per file
                    errors.append({"sample": lab, "stage": step.qualname,
                                   "message": _message(exc)})
            if warned:
                step_warnings[step.label] = warned
            if parts:
                result = _concat_results(parts)
        if result is None:
            continue
        results[step.label] = result
        warned = step_warnings.get(step.label, {})
        for lab, reason in _failed_samples(result).items():
            if ":" not in reason and warned.get(lab):
                reason += f": {warned[lab]}"
            errors.append({"sample": lab, "stage": step.qualname, "message": reason,
                           "flagged": True})
    return results, errors, step_warnings


def run_single(ds: xr.Dataset, recipe) -> tuple[dict, list[dict], dict]:
    """The steps of ``recipe`` on one file that cannot be stacked (it has its own batch dims):
    same bookkeeping as :func:`run_steps`, errors carry ``sample = None`` (the whole file)."""
    results: dict[str, xr.Dataset] = {}
    errors: list[dict] = []
    step_warnings: dict[str, dict] = {}
    for step in recipe.steps:
        func = _api.get(step.qualname).func
        if step.input is not None and step.input not in results:
            errors.append({"sample": None, "stage": step.qualname,
                           "message": f"skipped: its input step {step.input!r} failed"})
            continue
        try:
            result, caught = _call(func, ds if step.input is None else results[step.input],
                                   step.args)
        except Exception as exc:  # noqa: BLE001
            errors.append({"sample": None, "stage": step.qualname, "message": _message(exc)})
            continue
        results[step.label] = result
        if caught:
            step_warnings[step.label] = {None: "; ".join(caught)}
    return results, errors, step_warnings
