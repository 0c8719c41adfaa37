"""The cross-technique table: headline numbers per material (and state), with errors, units,
method and settings.

Two shapes of one content:

* :func:`long_table` — tidy, one row per (sample, state, quantity, label): ``value``,
  ``stderr``, ``units``, ``n`` (finite values pooled) and ``n_total``, ``flag``, ``method``,
  ``settings``, ``files`` and the ``warnings`` the step gave. This is what
  :func:`characterization.report.report` returns.
* :func:`wide_table` — one row per sample (× state), one column per quantity
  ``name[label] (units)`` and its ``name_stderr[label] (units)``: the table of a paper.

Pooling: a quantity measured once (one file, one spectrum) keeps its own standard error from
the fit. Several values of one sample and state (spots, indents, files) are pooled as the mean
of the finite values with the standard error of the mean s/√n; ``n`` and ``n_total`` say how
many were finite. No finite value gives NaN, never a number from the others.
"""

from __future__ import annotations

import json
import re

import numpy as np

from .recipes import QUANTITIES

LONG_COLUMNS = ["sample", "state", "group", "technique", "quantity", "label", "long_name",
                "value", "stderr", "units", "n", "n_total", "flag", "method", "settings",
                "files", "warnings"]


def _codes(text: str) -> dict[int, str]:
    """``"0: ok; 1: lower bound: ...; 2: ..."`` -> {0: "ok", 1: "lower bound: ...", ...}."""
    return {int(m[1]): m[2].strip() for m in re.finditer(r"(\d+): (.*?)(?=; \d+: |$)",
                                                         str(text))}


def _label_dims(da) -> list[str]:
    """Dims of ``da`` whose coordinate holds names (``peak``, ``component``): one column each
    label. Every other dim is a batch dim whose values are pooled."""
    return [d for d in da.dims if d in da.coords and da[d].dtype.kind in "USO"]


def _pieces(run, q):
    """(label, values, stderrs, statuses, codes, units) of quantity ``q`` in one file."""
    result = run.results.get(q.step)
    if result is None or q.var not in result.data_vars:
        return []
    da = result[q.var]
    err = result.get(f"{q.var}_stderr")
    status = result.get(q.status) if q.status else None
    codes = _codes(status.attrs.get("codes", "")) if status is not None else {}
    units = str(da.attrs.get("units", ""))
    if q.ratio is not None:
        if q.ratio not in result.data_vars:
            return []
        other = result[q.ratio]
        da = da / other
        units = ("1" if other.attrs.get("units") == units
                 else f"({units})/({other.attrs.get('units', '')})")
        err = None

    def flat(x, sel, fill):
        if x is None:
            return None
        x = x.isel({k: v for k, v in sel.items() if k in x.dims})
        return np.asarray(x.values, fill.dtype if hasattr(fill, "dtype") else float).reshape(-1)

    labels = _label_dims(da)
    selections = ([("", {})] if not labels else
                  [(str(name), {labels[0]: k}) for k, name in enumerate(da[labels[0]].values)])
    out = []
    for label, sel in selections:
        v = np.asarray(da.isel(sel).values, float).reshape(-1)
        e = flat(err, sel, v)
        st = flat(status, sel, np.zeros(1, np.int64))
        out.append((label, v, np.full(v.size, np.nan) if e is None or e.size != v.size else e,
                    np.zeros(v.size, np.int64) if st is None or st.size != v.size
                    else st.astype(np.int64), codes, units))
    return out


def _settings(run, step: str) -> str:
    args = run.args.get(step, {})
    return "; ".join(f"{k}={json.dumps(v, default=str)}" for k, v in args.items())


def _method(run, step: str) -> str:
    result = run.results[step]
    func = result.attrs.get("function") or step
    method = result.attrs.get("method")
    return f"{func} ({method})" if method and method not in str(func) else str(func)


def long_table(runs):
    """Tidy table of every headline quantity of the file runs (see the module docstring).

    Parameters
    ----------
    runs : list of characterization.report.run.FileRun
        From :func:`characterization.report.run.run_sheet`.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`LONG_COLUMNS`, rows in sheet order.
    """
    import pandas as pd

    pooled: dict[tuple, dict] = {}
    for run in runs:
        for q in QUANTITIES.get(run.key, ()):
            for label, v, e, st, codes, units in _pieces(run, q):
                key = (run.row.sample, run.row.state, q.name, label)
                entry = pooled.setdefault(key, {
                    "sample": run.row.sample, "state": run.row.state, "group": run.row.group,
                    "technique": run.key, "quantity": q.name, "label": label,
                    "long_name": q.long_name, "units": units, "values": [], "errors": [],
                    "status": [], "codes": {},
                    "method": _method(run, q.step), "settings": _settings(run, q.step),
                    "files": [], "warnings": []})
                entry["values"].extend(v.tolist())
                entry["errors"].extend(e.tolist())
                entry["status"].extend(st.tolist())
                entry["codes"].update(codes)
                if run.file.name not in entry["files"]:
                    entry["files"].append(run.file.name)
                w = run.step_warnings.get(q.step, "")
                if w and w not in entry["warnings"]:
                    entry["warnings"].append(w)
    rows = []
    for entry in pooled.values():
        v = np.asarray(entry.pop("values"), float)
        e = np.asarray(entry.pop("errors"), float)
        st = np.asarray(entry.pop("status"), np.int64)
        codes = entry.pop("codes")
        finite = np.isfinite(v)
        ok = finite & (st == 0)
        n = int(ok.sum())
        flags = [f"{int((st == c).sum())} of {v.size}: {codes.get(int(c), f'status {c}')}"
                 for c in np.unique(st[st != 0])]
        entry["flag"] = "; ".join(flags)
        if n == 0 and (finite & (st != 0)).any() and np.unique(st[finite]).size == 1:
            value, stderr = float(np.min(v[finite])), np.nan     # e.g. a lower bound
        elif n == 0:
            value, stderr = np.nan, np.nan
        elif n == 1:
            value, stderr = float(v[ok][0]), float(e[ok][0])
        else:
            value = float(v[ok].mean())
            stderr = float(v[ok].std(ddof=1) / np.sqrt(n))
            entry["method"] += f"; mean of {n} values ± standard error of the mean"
        entry["files"] = "; ".join(entry["files"])
        entry["warnings"] = "; ".join(entry["warnings"])
        rows.append({**entry, "value": value, "stderr": stderr, "n": n, "n_total": int(v.size)})
    return pd.DataFrame(rows, columns=LONG_COLUMNS)


def column_name(quantity: str, label: str, units: str, *, stderr: bool = False) -> str:
    """``crystallite_size[Si 111] (nm)``, or ``crystallite_size_stderr[Si 111] (nm)``."""
    name = quantity + ("_stderr" if stderr else "") + (f"[{label}]" if label else "")
    return f"{name} ({units})" if units and units != "1" else name


def wide_table(long):
    """One row per sample (× state), a value and a stderr column per quantity and label.

    Parameters
    ----------
    long : pandas.DataFrame
        From :func:`long_table`.

    Returns
    -------
    pandas.DataFrame
        Columns ``sample``, ``state``, then ``name[label] (units)`` and
        ``name_stderr[label] (units)`` pairs in the order the quantities first appear, and
        ``name_flag[label]`` (the reason) where a value is flagged.
    """
    import pandas as pd

    rows: dict[tuple, dict] = {}
    columns: list[str] = ["sample", "state"]
    for r in long.itertuples(index=False):
        row = rows.setdefault((r.sample, r.state), {"sample": r.sample, "state": r.state})
        col = column_name(r.quantity, r.label, r.units)
        err = column_name(r.quantity, r.label, r.units, stderr=True)
        for c in (col, err):
            if c not in columns:
                columns.append(c)
        row[col], row[err] = r.value, r.stderr
        if r.flag:                                   # a lower bound, a value out of range
            flag = column_name(r.quantity + "_flag", r.label, "")
            if flag not in columns:
                columns.append(flag)
            row[flag] = r.flag
    return pd.DataFrame(list(rows.values()), columns=columns)
