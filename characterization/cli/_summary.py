"""The run's tables: a compact headline summary and the full results in long (tidy) form.

``summary.csv`` has one row per spectrum and, per step, only the numbers a scientist reports
(BET area, C, range; I_D/I_G with its error, La, band positions; size per line), each with its
``_stderr`` when the result has one and the step's ``success``; column names are
``<step>.<variable>[<label>] (<units>)``. Which variables are the headline of a step is
declared once, with the function (``@public(..., headline=(...))``, stored on
:class:`characterization._api.PublicFunction`); a step that declares none reports its
per-spectrum scalar variables (at most :data:`FALLBACK_MAX`).

``tables/<step>.csv`` holds every small variable of every result (at most
:data:`characterization.cli._output.MAX_SUMMARY_VALUES` values per spectrum), one value per
row: ``file, sample, variable, index, value, units``, where ``index`` names the labelled
position (``peak=G``) or is empty for a scalar.
"""

from __future__ import annotations

import csv
import io
import os

import numpy as np
import pandas as pd
import xarray as xr

from .. import _api
from . import _output

#: Largest number of variables a step without a headline declaration puts in the summary.
FALLBACK_MAX = 8


def _split(name: str) -> tuple[str, str | None]:
    """``"center[G]"`` -> ``("center", "G")``; ``"bet_area"`` -> ``("bet_area", None)``."""
    if name.endswith("]") and "[" in name:
        base, label = name[:-1].split("[", 1)
        return base, label
    return name, None


def _select(result: xr.Dataset, name: str, batch_dims: list[str]):
    """The variable ``name`` of ``result``, or for ``"var[label]"`` its element at coordinate
    value ``label`` of its one non-batch dim; None when absent."""
    base, label = _split(name)
    if base not in result.data_vars:
        return None
    var = result[base]
    if label is None:
        return var
    other = [d for d in var.dims if d not in batch_dims]
    if len(other) != 1 or other[0] not in result.coords:
        return None
    values = [str(v) for v in result[other[0]].values]
    if label not in values:
        return None
    return var.isel({other[0]: values.index(label)}, drop=True)


def headline(qualname: str, result: xr.Dataset, batch_dims: list[str]) -> list[str]:
    """The variables of ``result`` that go to the summary for step ``qualname``, in order:
    each declared variable, then its ``_stderr``; ``success`` last. A declared
    ``"var[label]"`` (``"center[G]"``) is one element along the variable's label dim."""
    declared = _api.get(qualname).headline
    if declared is None:
        declared = [n for n, v in result.data_vars.items()
                    if not n.endswith("_stderr") and n != "success"
                    and set(v.dims) <= set(batch_dims) and v.dtype.kind in "biufUS"]
        declared = declared[:FALLBACK_MAX]
    names = []
    for name in declared:
        if _select(result, name, batch_dims) is not None:
            names.append(name)
            base, label = _split(name)
            err = f"{base}_stderr" + (f"[{label}]" if label is not None else "")
            if _select(result, err, batch_dims) is not None:
                names.append(err)
    if "success" in result.data_vars and declared != ():
        names.append("success")
    return names


def headline_rows(qualname: str, result: xr.Dataset, batch_dims: list[str],
                  prefix: str) -> list[dict]:
    """One dict per batch element with the step's headline columns."""
    names = headline(qualname, result, batch_dims)
    picked = xr.Dataset({n: _select(result, n, batch_dims) for n in names},
                        coords={d: result[d] for d in batch_dims if d in result.coords})
    return _output.summary_rows(picked, batch_dims, prefix)


def _text(values) -> np.ndarray:
    """Object array of the ``str`` of each value (any numpy string dtype, numbers)."""
    return np.array([str(v) for v in np.asarray(values).reshape(-1)], dtype=object)


LONG_COLUMNS = ["file", "sample", "variable", "index", "value", "units"]


def long_table(result: xr.Dataset, batch_dims: list[str], files: dict[str, str]) -> pd.DataFrame:
    """Every small variable of ``result`` in long form (see the module docstring).

    ``files`` maps a ``sample`` label to its input file; ``batch_dims`` other than ``sample``
    (a multi-spectrum file) are folded into ``index``."""
    frames = [pd.DataFrame(part) for part in _long_parts(result, batch_dims, files)]
    if not frames:
        return pd.DataFrame(columns=LONG_COLUMNS)
    return pd.concat(frames, ignore_index=True)


def _long_parts(result: xr.Dataset, batch_dims: list[str], files: dict[str, str]) -> list[dict]:
    """The columns of :func:`long_table`, one dict per variable."""
    frames = []
    sample_text = sample_files = None
    dims = [d for d in batch_dims if d in result.dims]
    for name, var in result.data_vars.items():
        if var.dtype.kind not in "biufUSO":
            continue
        other = [d for d in var.dims if d not in dims]
        if int(np.prod([var.sizes[d] for d in other])) > _output.MAX_SUMMARY_VALUES:
            continue
        full = var.transpose(*[d for d in dims if d in var.dims], *other)
        keep = [d for d in dims if d in var.dims]
        index_dims = [d for d in keep if d != "sample"] + other
        arr = np.asarray(full.values)
        flat = arr.reshape(-1) if arr.ndim else arr.reshape(1)
        grids = np.meshgrid(*[np.arange(var.sizes[d]) for d in keep + other], indexing="ij")
        pos = [g.reshape(-1) for g in grids] if grids else []
        # text of each label / coordinate made once and gathered (not once per row)
        if "sample" in keep:
            if sample_text is None:
                sample_text = _text(result["sample"].values)
                sample_files = np.array([files.get(lab, "") for lab in sample_text],
                                        dtype=object)
            labels = sample_text[pos[keep.index("sample")]]
            file_col = sample_files[pos[keep.index("sample")]]
        else:
            labels = np.full(flat.size, next(iter(files)), dtype=object)
            file_col = [files.get(lab, "") for lab in labels]
        index = np.full(flat.size, "", dtype=object)
        for d in index_dims:
            k = (keep + other).index(d)
            coord = (_text(result[d].values) if d in result.coords
                     else _text(np.arange(var.sizes[d])))
            part = np.array([f"{d}={c}" for c in coord], dtype=object)[pos[k]]
            index = np.where(index == "", part, index + "," + part)
        frames.append({
            "file": file_col, "sample": labels,
            "variable": name, "index": index,
            "value": _text(flat) if flat.dtype.kind not in "biuf" else flat,
            "units": str(var.attrs.get("units", ""))})
    return frames


def write_long_table(result: xr.Dataset, batch_dims: list[str], files: dict[str, str],
                     path) -> None:
    """Write :func:`long_table` as CSV to ``path``: the bytes of
    ``long_table(...).to_csv(path, index=False, na_rep="nan")``, ~10x faster.

    The text is made per variable: labels, files and units quoted once (csv's minimal quoting),
    floats as numpy's ``astype(str)`` (what pandas writes for a float column). The ``value``
    column's dtype is the one pandas gives the concatenated parts (float64 with int64 or bool:
    float64; with text: object, each value's ``str``, a float's ``repr``). Parts of any
    other dtype (float32, unsigned...) are written by pandas itself."""
    parts = _long_parts(result, batch_dims, files)
    lines = _long_csv_lines(parts)
    if lines is None:
        table = (pd.concat([pd.DataFrame(p) for p in parts], ignore_index=True) if parts
                 else pd.DataFrame(columns=LONG_COLUMNS))
        table.to_csv(path, index=False, na_rep="nan")
        return
    eol = os.linesep
    with open(path, "w", encoding="utf-8", newline="") as fh:
        fh.write(",".join(LONG_COLUMNS) + eol)
        if lines:
            fh.write(eol.join(lines))
            fh.write(eol)


_FAST_DTYPES = {np.dtype("float64"), np.dtype("int64"), np.dtype(bool), np.dtype(object)}


def _long_csv_lines(parts: list[dict]) -> list[str] | None:
    """The data lines of :func:`write_long_table`, None for a value dtype mix left to pandas."""
    samples = [np.asarray(p["value"])[:1] for p in parts]
    if not all(v.dtype in _FAST_DTYPES for v in samples):
        return None
    # the column's dtype by pandas' own rules (float64 and bool give float64, text object)
    common = (pd.concat([pd.DataFrame({"value": v}) for v in samples], ignore_index=True)
              ["value"].dtype
              if parts else np.dtype("float64"))
    column = {np.dtype("float64"): "float", np.dtype("int64"): "int", np.dtype(bool): "int",
              np.dtype(object): "object"}.get(common)
    if column is None:
        return None
    quoted: dict[str, str] = {}
    eol = os.linesep

    def q(text: str) -> str:
        got = quoted.get(text)
        if got is None:
            buf = io.StringIO()
            csv.writer(buf, lineterminator=eol).writerow([text, ""])
            got = quoted[text] = buf.getvalue()[:-len(eol) - 1]
        return got

    lines: list[str] = []
    for p in parts:
        values = np.asarray(p["value"])
        if column == "float":
            text = values.astype(np.float64).astype(str).tolist()
        elif column == "int":
            text = values.astype(str).tolist()
        else:
            text = [q(v) if isinstance(v, str) else (repr(v) if isinstance(v, float) else
                                                     str(v))
                    for v in values.astype(object).tolist()]
        middle = "," + q(str(p["variable"])) + ","
        tail = "," + q(str(p["units"]))
        lines.extend([f"{q(f)},{q(s)}{middle}{q(i)},{v}{tail}" for f, s, i, v in
                      zip(p["file"], p["sample"], p["index"], text)])
    return lines
