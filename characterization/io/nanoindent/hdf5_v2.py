"""The micromechanics HDF5 "version 2.0" layout (FischerScope and Micromaterials conversions).

Written by the converters of the micromechanics project (``hap2hdf.py``,
``Micromaterials2hdf.py``), not by an instrument::

    /                 attrs version="2.0", original_file_name, uri ...
    /instrument       attrs: test settings (max_load, number_test ...)
    /test_<k>/data    datasets displacement, force, time [, indices]; attrs unit per dataset
                      (e.g. "um", "mN", "s"), drift_rate_nm_s ...
    /post_test_analysis/<tool>  attrs config (JSON)

One indent per ``test_<k>`` group, ordered by k. Units come from each dataset's ``unit``
attribute and are converted explicitly (µm -> nm ×1000). The Micromaterials conversion writes no
``unit`` attributes: its values are then read as nm, mN and s (the instrument attributes are
named ``maximum_depth_nm``, ``maximum_load_mN``), recorded in ``attrs["units_assumed"]``.
"""

from __future__ import annotations

import re

import numpy as np

from ...errors import ReadError
from .._registry import register_reader
from . import _build

_HDF5 = b"\x89HDF\r\n\x1a\n"
_DEFAULT = {"displacement": "nm", "force": "mN", "time": "s"}


def _plain(value):
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    return value


def _sniff(head, path):
    if not head.startswith(_HDF5):
        return False
    try:
        import h5py
        with h5py.File(path, "r") as h:
            return (str(_plain(h.attrs.get("version", ""))).startswith("2")
                    and any(re.fullmatch(r"test_\d+", k) for k in h.keys()))
    except Exception:  # noqa: BLE001 - a sniff never raises
        return False


@register_reader("micromechanics_hdf5", extensions=(".hdf5", ".h5"), sniff=_sniff,
                 technique="nanoindent",
                 description="micromechanics HDF5 v2 layout (FischerScope/Micromaterials)")
def read_hdf5_v2(path, indent=None):
    """Read a micromechanics HDF5 "version 2.0" nanoindentation file.

    Parameters
    ----------
    path : str or os.PathLike
        The ``.hdf5`` file (layout in the module docstring).
    indent : int or str, optional
        One test, by 0-based position (tests ordered by their number) or group name
        (``"test_3"``). Default all, stacked along ``indent``.

    Returns
    -------
    xarray.Dataset
        Technique ``"nanoindent"``: ``load`` (mN, from ``force``), ``displacement`` (nm),
        ``time`` (s), ``segment`` all ``""``; ``y``/``z`` stage coordinates (µm) on ``indent``
        when the groups carry ``y_coordinate_um``/``z_coordinate_um``, ``vendor_drift_rate``
        (nm/s) from ``drift_rate_nm_s``; root, instrument and post-test attributes in
        ``original_metadata``.

    Raises
    ------
    ReadError
        No ``test_<k>`` group, a group missing ``force``/``displacement``/``time``, datasets of
        different lengths, an unknown unit.

    Notes
    -----
    Time values below 1e-200 s (uninitialised memory in the FischerScope conversion, e.g.
    7e-264 at the first point) are kept as they are: they are numerically zero.
    """
    import h5py
    tests, names, per, meta, assumed = [], [], {}, {}, set()
    with h5py.File(path, "r") as h:
        meta["root"] = {k: _plain(v) for k, v in h.attrs.items()}
        if "instrument" in h:
            meta["instrument"] = {k: _plain(v) for k, v in h["instrument"].attrs.items()}
        if "post_test_analysis" in h:
            meta["post_test_analysis"] = {
                k: {a: _plain(b) for a, b in g.attrs.items()}
                for k, g in h["post_test_analysis"].items()}
        keys = sorted((k for k in h.keys() if re.fullmatch(r"test_\d+", k)),
                      key=lambda k: int(k.split("_")[1]))
        if not keys:
            raise ReadError(path, "no test_<k> group: not a micromechanics HDF5 v2 file")
        for k in keys:
            g = h[k]
            d = g.get("data")
            if d is None or not all(n in d for n in ("force", "displacement", "time")):
                raise ReadError(path, f"{k}/data lacks force, displacement or time")
            arrays, found_units = {}, {}
            for n in ("force", "displacement", "time"):
                unit = _plain(d[n].attrs.get("unit", ""))
                found_units[{"force": "load"}.get(n, n)] = unit
                if not unit:
                    unit = _DEFAULT[n]
                    assumed.add(f"{n}: {unit}")
                q = {"force": "load"}.get(n, n)
                arrays[n] = np.asarray(d[n][()], dtype=float) * _build.factor(q, unit, path)
            tests.append(_build.test_dataset(arrays["force"], arrays["displacement"],
                                             arrays["time"], path=path,
                                             original_units=found_units))
            names.append(k)
            for attr, (name, units) in {"y_coordinate_um": ("y", "µm"),
                                        "z_coordinate_um": ("z", "µm")}.items():
                per.setdefault(name, ([], units))[0].append(float(g.attrs.get(attr, np.nan)))
            per.setdefault("vendor_drift_rate", ([], "nm/s"))[0].append(
                float(d.attrs.get("drift_rate_nm_s", np.nan)))
    vendor = {"vendor_drift_rate": per.pop("vendor_drift_rate")}
    vendor = {k: v for k, v in vendor.items() if not np.isnan(v[0]).all()}
    per = {k: v for k, v in per.items() if not np.isnan(v[0]).all()}
    attrs = {"original_metadata": _build.to_json(meta)}
    if assumed:
        attrs["units_assumed"] = ("no unit attribute in the file; read as "
                                  + ", ".join(sorted(assumed)))
    ds = _build.stack(tests, names, vendor=vendor, per_indent=per, attrs=attrs, path=path)
    return _build.select(ds, indent, path)
