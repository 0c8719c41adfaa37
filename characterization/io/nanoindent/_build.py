"""Shared builder of nanoindentation Datasets, used by every nanoindentation reader.

A reader parses one *test* (indent) into plain arrays and hands them to :func:`test_dataset`;
a file of several tests hands the list to :func:`stack`. The result follows
:mod:`characterization.conventions` (technique ``"nanoindent"``):

* dim ``point``; coordinates ``time`` (s) and ``segment`` (str per point: ``"approach"``,
  ``"loading"``, ``"hold"``, ``"unloading"``, ``"drift_hold"``, ``""`` when the file does not
  say) and, for multi-cycle tests with cycle markers, ``cycle`` (int, 1-based; 0 before the
  first marker);
* variables ``load`` (**mN**) and ``displacement`` (**nm**), optional CSM channels
  (``stiffness`` N/m, ``hardness`` GPa, ``modulus`` GPa) and raw channels under snake-case names
  with their units;
* scalar coordinates ``tip``, ``sample_poisson_ratio``, ``x``/``y`` (µm) ... when the file
  records them; ``area_coefficients`` (attrs, vendor convention, see the reader);
* a file of several tests: batch dim ``indent`` (0-based position), NaN-padded along ``point``
  (``segment`` padded with ``""``), ``n_points`` (points of each test), ``test_name`` (str on
  ``indent``) and the vendor's per-test results as ``vendor_*`` variables on ``indent``.

Unit conversions are explicit (µN -> mN ÷1000, µm -> nm ×1000); the NanoSuite "no value"
sentinel 1.797e308 (DBL_MAX) becomes NaN.
"""

from __future__ import annotations

import re
from typing import Any, Sequence

import numpy as np
import xarray as xr

from ...errors import ReadError
from .._metadata import to_json  # noqa: F401  (re-exported to the readers)

#: NanoSuite / MTS write DBL_MAX where a channel has no value.
SENTINEL = 1e300

_FACTORS = {  # to the convention units
    "load": {"mn": 1.0, "un": 1e-3, "µn": 1e-3, "μn": 1e-3, "n": 1e3, "mn ": 1.0},
    "displacement": {"nm": 1.0, "um": 1e3, "µm": 1e3, "μm": 1e3, "mm": 1e6, "m": 1e9},
    "time": {"s": 1.0, "ms": 1e-3, "min": 60.0},
}


def factor(quantity: str, unit: str, path=None) -> float:
    """The factor taking ``unit`` to the convention unit of ``quantity`` (mN, nm, s)."""
    key = (unit or "").strip().lower().replace("\u00b5", "µ").replace("Âµ".lower(), "µ")
    key = key.replace("m-5", "µ")  # a µ read through the wrong code page
    try:
        return _FACTORS[quantity][key]
    except KeyError:
        raise ReadError(path, f"unknown {quantity} unit {unit!r}; expected one of "
                              f"{sorted(_FACTORS[quantity])}") from None


def _number(v) -> float:
    """A cell as float: numbers, numeric text (decimal comma too), else NaN."""
    try:
        return float(v)
    except (TypeError, ValueError):
        pass
    if isinstance(v, str) and v.count(",") == 1 and "." not in v:
        try:
            return float(v.replace(",", "."))
        except ValueError:
            pass
    return np.nan


def clean(values) -> np.ndarray:
    """Float array with the vendor "no value" sentinel (|x| > 1e300) and non-numbers as NaN."""
    out = np.array([v if v.__class__ is float else _number(v) for v in values], dtype=float)
    out[np.abs(out) > SENTINEL] = np.nan
    return out


def snake(label: str) -> str:
    """A variable name from a column label: ``"Harmonic Contact Stiffness"`` ->
    ``"harmonic_contact_stiffness"``."""
    s = re.sub(r"[^0-9a-zA-Z]+", "_", str(label)).strip("_").lower()
    return ("c_" + s) if s[:1].isdigit() else (s or "column")


def test_dataset(load, displacement, time, *, segment=None, cycle=None,
                 extra: dict[str, tuple[np.ndarray, str]] | None = None,
                 scalars: dict[str, Any] | None = None, attrs: dict | None = None,
                 original_units: dict[str, str] | None = None, path=None) -> xr.Dataset:
    """One test as a conventions-valid Dataset along ``point``.

    ``load`` in mN, ``displacement`` in nm, ``time`` in s (already converted); ``segment``
    a sequence of labels (default all ``""``); ``cycle`` ints or None; ``extra`` maps variable
    names to ``(values, units)``; ``scalars`` become scalar coordinates (numbers need a unit:
    pass ``(value, units)``); ``original_units`` maps ``load``/``displacement``/``time`` to
    the unit the file used, stored as ``attrs["original_units"]``.
    """
    load = np.asarray(load, dtype=float)
    n = load.size
    if n == 0:
        raise ReadError(path, "the test holds no data points")
    for name, arr in (("displacement", displacement), ("time", time)):
        if np.asarray(arr).size != n:
            raise ReadError(path, f"{name} has {np.asarray(arr).size} values, load has {n}")
    seg = np.array([""] * n if segment is None else [str(s) for s in segment], dtype=object)
    coords: dict[str, Any] = {
        "time": ("point", np.asarray(time, dtype=float), {"units": "s"}),
        "segment": ("point", seg.astype(str)),
    }
    if cycle is not None:
        coords["cycle"] = ("point", np.asarray(cycle, dtype=int), {"units": "1"})
    data = {"load": ("point", load, {"units": "mN", "long_name": "Load on sample"}),
            "displacement": ("point", np.asarray(displacement, dtype=float),
                             {"units": "nm", "long_name": "Displacement into surface"})}
    for name, (values, units) in (extra or {}).items():
        if name in data or name in coords:
            continue
        data[name] = ("point", np.asarray(values, dtype=float), {"units": units or "1"})
    ds = xr.Dataset(data, coords=coords)
    for name, unit in (original_units or {}).items():
        if unit:
            ds[name].attrs["original_units"] = unit
    for name, value in (scalars or {}).items():
        if isinstance(value, tuple):
            ds = ds.assign_coords({name: ((), float(value[0]), {"units": value[1]})})
        elif value is not None:
            ds = ds.assign_coords({name: str(value)})
    ds.attrs.update({"technique": "nanoindent", **(attrs or {})})
    return ds


def _pad(values: np.ndarray, n: int, fill):
    out = np.full(n, fill, dtype=values.dtype if fill == "" else float)
    if fill == "":
        out = np.array([""] * n, dtype=object)
    out[:values.size] = values
    return out


def stack(tests: Sequence[xr.Dataset], names: Sequence[str], *, vendor=None,
          per_indent=None, attrs: dict | None = None, path=None) -> xr.Dataset:
    """Stack single-test Datasets along ``indent``, NaN-padded along ``point``.

    ``vendor`` maps ``vendor_*`` names to ``(values per test, units)`` (or
    ``(array (indent, k), units, extra_dim)``); ``per_indent`` likewise for other per-test
    quantities (``x``, ``y``, ``sample_poisson_ratio``...). Scalar coordinates that differ
    between tests become coordinates on ``indent``.
    """
    if not tests:
        raise ReadError(path, "the file holds no test")
    n = max(t.sizes["point"] for t in tests)
    variables = []
    for t in tests:
        for v in t.data_vars:
            if v not in variables:
                variables.append(v)
    data, coords = {}, {}
    for v in variables:
        rows = [(_pad(t[v].values, n, np.nan) if v in t else np.full(n, np.nan)) for t in tests]
        units = next(t[v].attrs for t in tests if v in t)
        data[v] = (("indent", "point"), np.vstack(rows), dict(units))
    coords["time"] = (("indent", "point"),
                      np.vstack([_pad(t["time"].values, n, np.nan) for t in tests]),
                      {"units": "s"})
    labels = [c for c in tests[0].coords if c != "time" and tests[0][c].dims == ("point",)
              and tests[0][c].dtype.kind in "UO"]
    for c in labels:
        coords[c] = (("indent", "point"),
                     np.vstack([_pad(t[c].values.astype(object), n, "") if c in t.coords
                                else np.array([""] * n, dtype=object) for t in tests]
                               ).astype(str))
    if any("cycle" in t.coords for t in tests):
        cyc = np.zeros((len(tests), n), dtype=int)
        for i, t in enumerate(tests):
            if "cycle" in t.coords:
                cyc[i, :t.sizes["point"]] = t["cycle"].values
        coords["cycle"] = (("indent", "point"), cyc, {"units": "1"})
    coords["indent"] = ("indent", np.arange(len(tests)), {"units": "1"})
    coords["test_name"] = ("indent", np.array([str(s) for s in names]).astype(str))
    data["n_points"] = ("indent", np.array([t.sizes["point"] for t in tests]),
                        {"units": "1", "long_name": "Points of each test"})
    scalar_names = []
    for t in tests:
        for c in t.coords:
            if t[c].ndim == 0 and c not in scalar_names:
                scalar_names.append(c)
    for c in scalar_names:
        vals = [t[c].values.item() if c in t.coords else None for t in tests]
        first = next(t[c] for t in tests if c in t.coords)
        if all(v == vals[0] for v in vals):
            coords[c] = ((), vals[0], dict(first.attrs))
        elif first.dtype.kind in "fiu":
            coords[c] = ("indent", np.array([np.nan if v is None else v for v in vals], float),
                         dict(first.attrs))
        else:
            coords[c] = ("indent", np.array(["" if v is None else str(v) for v in vals]))
    for table, target in ((vendor, data), (per_indent, coords)):
        for name, spec in (table or {}).items():
            values, units = spec[0], spec[1]
            arr = np.asarray(values, dtype=float)
            dims = ("indent",) if arr.ndim == 1 else ("indent", spec[2])
            if arr.shape[0] != len(tests):
                raise ReadError(path, f"{name}: {arr.shape[0]} values for {len(tests)} tests")
            target[name] = (dims, arr, {"units": units or "1"})
    ds = xr.Dataset(data, coords=coords)
    ds.attrs.update({"technique": "nanoindent", **(attrs or {})})
    ds.attrs.update({k: v for k, v in tests[0].attrs.items() if k not in ds.attrs})
    return ds


def select(ds: xr.Dataset, indent, path=None) -> xr.Dataset:
    """One test of a stacked Dataset: ``indent`` is the 0-based position or a test name
    (``"Test 003"``); the padding is removed."""
    if indent is None:
        return ds
    names = [str(s) for s in ds["test_name"].values]
    if isinstance(indent, str):
        if indent not in names:
            raise ReadError(path, f"indent {indent!r} not in file; tests: {', '.join(names)}")
        k = names.index(indent)
    elif isinstance(indent, (int, np.integer)) and not isinstance(indent, bool):
        k = int(indent)
        if not 0 <= k < len(names):
            raise ReadError(path, f"indent={k} out of range: the file holds {len(names)} tests "
                                  f"(0..{len(names) - 1})")
    else:
        raise ReadError(path, f"indent must be an int position or a test name, got "
                              f"{type(indent).__name__}")
    one = ds.isel(indent=k)
    n = int(one["n_points"])
    one = one.isel(point=slice(0, n)).drop_vars("n_points")
    return one
