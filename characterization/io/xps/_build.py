"""Shared builder of XPS Datasets and DataTrees, used by every XPS reader.

Readers parse their file into plain arrays and hand each region to :func:`build_region`, which
checks shapes, converts the energy axis, attaches units and long names and returns a Dataset
following :mod:`characterization.conventions` (technique ``"xps"``):

* signal dim ``binding_energy`` (eV) in the order the file stores it (nothing is sorted or
  resampled). A kinetic-energy abscissa is converted as CasaXPS does, **BE = hν − KE** with the
  excitation energy hν of the file and no work-function term, rounded to 1e-9 eV (so that
  1486.61 − 736.61 is 750, not 749.9999999999999); the kinetic energy is kept as a non-dim
  coordinate ``kinetic_energy`` on ``binding_energy``. A kinetic-energy axis without an
  excitation energy is a ReadError, never a guess;
* data variable ``intensity`` (count/s). When the file stores counts and states the dwell time
  per point (and the number of scans), the raw ``counts`` (count) are kept too and
  ``intensity = counts / (dwell_time · scans)``, so Poisson weights stay exact. Further
  per-point variables (``transmission``, fit components, background, envelope) are kept as
  variables with their own units;
* scalar coordinates ``excitation_energy`` (eV), ``region`` (str), ``dwell_time`` (s),
  ``scans`` (1), ``pass_energy`` (eV) where known, plus anything else that differs per file;
* batch dims first, from the conventions table (``sputter_time`` for depth profiles,
  ``emission_angle`` for angle series);
* attrs ``technique``, ``transmission_corrected`` (when the format says) and
  ``original_metadata`` (vendor header as JSON).

:func:`to_tree` turns a list of region Datasets into an ``xarray.DataTree`` with one node per
region, node names sanitised and made unique (``"Si 2p"`` -> ``"Si_2p"``, a second ``"C 1s"``
-> ``"C_1s_2"``).
"""

from __future__ import annotations

import math
import re
from typing import Any

import numpy as np

from ... import conventions
from ...errors import ConventionError, ReadError
from .._metadata import to_json  # noqa: F401  (re-exported to the readers)

#: Batch dims an XPS Dataset may have (from the conventions table).
BATCH_DIMS = conventions.get("xps").batch_dims

#: Plausible excitation energies (eV): from He I UPS lamps to hard X-ray sources.
EXCITATION_RANGE_EV = (5.0, 20000.0)

_SCALARS = {
    # name: (units, long name)
    "excitation_energy": ("eV", "Excitation energy"),
    "region": ("", "Region"),
    "dwell_time": ("s", "Dwell time per point"),
    "scans": ("1", "Number of scans"),
    "pass_energy": ("eV", "Analyser pass energy"),
    "sample": ("", "Sample"),
    "source": ("", "X-ray source"),
    "analyser_mode": ("", "Analyser mode"),
    "acquisition_time": (None, "Acquisition start"),
    "work_function": ("eV", "Analyser work function"),
    "emission_angle": ("deg", "Emission angle"),
    "acquisition_time_total": ("s", "Acquisition time"),
}


def plausible_excitation(value) -> float | None:
    """``value`` as a float when it is a plausible photon energy in eV, else None."""
    try:
        v = float(value)
    except (TypeError, ValueError):
        return None
    return v if EXCITATION_RANGE_EV[0] <= v <= EXCITATION_RANGE_EV[1] else None


def node_name(label: str) -> str:
    """A DataTree node name for a region label: letters, digits and ``_`` only."""
    name = re.sub(r"[^0-9A-Za-z_]+", "_", str(label).strip()).strip("_")
    return name or "region"


def build_region(path, *, intensity, energy, energy_kind: str = "binding",
                 excitation_energy: float | None = None, region: str = "",
                 counts=None, batch_dims=(), coords=None, variables=None,
                 intensity_units: str = "count/s", scalars=None, original_metadata=None,
                 attrs=None):
    """Assemble and validate one XPS region.

    Parameters
    ----------
    path : path-like
        The file, for error messages.
    intensity : array_like or None
        Shape ``batch + (n,)``, in ``intensity_units``. None when ``counts`` are given: then
        ``intensity = counts / (dwell_time * scans)`` (both from ``scalars``).
    energy : array_like
        ``n`` energies in eV, binding or kinetic (``energy_kind``).
    energy_kind : {"binding", "kinetic"}
        What ``energy`` is. Kinetic energies become ``binding_energy = hν − KE`` (CasaXPS
        convention, no work-function term) and are kept as coordinate ``kinetic_energy``.
    excitation_energy : float, optional
        hν in eV; required for a kinetic axis.
    region : str
        Region label (``"Si 2p"``, ``"survey"``), stored as scalar coordinate ``region``.
    counts : array_like, optional
        Raw counts per point (same shape as ``intensity``), kept as variable ``counts``.
    batch_dims : sequence of str
        Names of the leading dims, each one of :data:`BATCH_DIMS`.
    coords : dict, optional
        ``name -> (dims, values, units, long_name)`` further coordinates.
    variables : dict, optional
        ``name -> (values, units, long_name)`` further variables of the same shape as the
        intensity (transmission, fit components, background, envelope).
    intensity_units : str
        ``"count/s"`` (default) or ``"count"`` for files that state no dwell time.
    scalars : dict, optional
        ``name -> value`` scalar coordinates (known names get units, see ``_SCALARS``);
        ``name -> (value, units, long_name)`` for others; None values are left out.
    original_metadata : dict, optional
        Vendor header, stored as JSON in ``attrs["original_metadata"]``.
    attrs : dict, optional
        Further Dataset attrs (``transmission_corrected`` ...).

    Returns
    -------
    xarray.Dataset
        Validated against the ``"xps"`` conventions.

    Raises
    ------
    ReadError
        No points, mismatched shapes, non-finite energies, a kinetic axis without excitation
        energy, counts without dwell time, an unknown batch dim.
    """
    import xarray as xr

    batch_dims = tuple(batch_dims)
    scalars = dict(scalars or {})
    x = np.asarray(energy, dtype=np.float64)
    if x.ndim != 1 or x.size == 0:
        raise ReadError(path, f"region {region!r}: no energy points (axis shape {x.shape})")
    if not np.isfinite(x).all():
        bad = int(np.flatnonzero(~np.isfinite(x))[0])
        raise ReadError(path, f"region {region!r}: energy axis has a non-finite value at "
                              f"point {bad}")
    unknown = [d for d in batch_dims if d not in BATCH_DIMS]
    if unknown:
        raise ReadError(path, f"batch dims {unknown} are not physical batch dims {BATCH_DIMS}")
    hv = plausible_excitation(excitation_energy) if excitation_energy is not None else None
    if excitation_energy is not None and hv is None:
        raise ReadError(path, f"region {region!r}: excitation energy {excitation_energy!r} eV "
                              f"is not a photon energy in {EXCITATION_RANGE_EV} eV")
    coord_vars: dict[str, Any] = {}
    if energy_kind == "kinetic":
        if hv is None:
            raise ReadError(path, f"region {region!r}: the energy axis is kinetic and the file "
                                  "records no excitation energy, so binding energies cannot "
                                  "be computed (BE = hν − KE)")
        be = np.round(hv - x, 9)          # 1e-9 eV: drop float noise (1486.61 - 736.61)
        battrs = {"units": "eV", "long_name": "Binding energy",
                  "conversion": "binding_energy = excitation_energy - kinetic_energy "
                                "(CasaXPS convention, no work-function term)"}
        coord_vars["kinetic_energy"] = (("binding_energy",), x,
                                        {"units": "eV", "long_name": "Kinetic energy"})
    elif energy_kind == "binding":
        be = x
        battrs = {"units": "eV", "long_name": "Binding energy"}
        if hv is not None:
            coord_vars["kinetic_energy"] = (("binding_energy",), np.round(hv - x, 9),
                                            {"units": "eV", "long_name": "Kinetic energy"})
    else:
        raise ValueError(f"energy_kind must be 'binding' or 'kinetic', not {energy_kind!r}")
    coord_vars["binding_energy"] = (("binding_energy",), be, battrs)
    dims = batch_dims + ("binding_energy",)
    want = None

    def check(name, values):
        nonlocal want
        arr = np.asarray(values) if not hasattr(values, "shape") else values
        shape = tuple(arr.shape)
        if len(shape) != len(dims) or shape[-1] != x.size:
            raise ReadError(path, f"region {region!r}: {name} has shape {shape}; expected "
                                  f"{len(batch_dims)} batch dim(s) {batch_dims} and {x.size} "
                                  "energy points")
        if want is not None and shape != want:
            raise ReadError(path, f"region {region!r}: {name} has shape {shape}, not {want}")
        want = shape
        return arr

    data_vars: dict[str, Any] = {}
    if counts is not None:
        counts = check("counts", counts).astype(np.float64)
        dwell = scalars.get("dwell_time")
        scans = scalars.get("scans") or 1
        if intensity is None:
            if dwell is None or not dwell > 0:
                raise ReadError(path, f"region {region!r}: counts without a positive dwell "
                                      "time cannot be expressed as count/s")
            intensity = counts / (float(dwell) * float(scans))
        data_vars["counts"] = (dims, counts, {"units": "count", "long_name": "Counts"})
    if intensity is None:
        raise ReadError(path, f"region {region!r}: no intensity")
    intensity = check("intensity", intensity)
    data_vars = {"intensity": (dims, np.asarray(intensity, dtype=np.float64),
                               {"units": intensity_units, "long_name": "Intensity"}),
                 **data_vars}
    for name, (values, units, long_name) in (variables or {}).items():
        data_vars[name] = (dims, np.asarray(check(name, values), dtype=np.float64),
                           {"units": units, "long_name": long_name})
    for name, (cdims, values, units, long_name) in (coords or {}).items():
        a = {"long_name": long_name}
        if units is not None:
            a["units"] = units
        coord_vars[name] = (tuple(cdims), values, a)
    scalars["region"] = str(region)
    if hv is not None:
        scalars["excitation_energy"] = hv
    for name, value in scalars.items():
        if isinstance(value, tuple):
            value, units, long_name = value
        else:
            units, long_name = _SCALARS.get(name, ("", name.replace("_", " ").capitalize()))
        if value is None or (isinstance(value, float) and not math.isfinite(value)):
            continue
        a = {"long_name": long_name}
        if isinstance(value, str):
            a["units"] = ""
        elif units is not None and not isinstance(value, np.datetime64):
            a["units"] = units
        coord_vars[name] = ((), value, a)
    ds = xr.Dataset(data_vars, coords=coord_vars)
    ds.attrs["technique"] = "xps"
    ds.attrs.update(attrs or {})
    if original_metadata is not None:
        ds.attrs["original_metadata"] = to_json(original_metadata)
    try:
        conventions.validate(ds, "xps")
    except ConventionError as exc:  # a reader bug, reported against the file
        raise ReadError(path, f"invalid XPS Dataset: {exc}") from exc
    return ds


def to_tree(path, regions, attrs=None, labels=None):
    """One Dataset per region as an ``xarray.DataTree`` (node names unique and sanitised).

    Node names come from ``labels`` (one per region) or each Dataset's ``region`` coordinate.
    A single region is still returned as a tree of one node, so the type of a reader's result
    does not depend on the file's content; ``read(path, region=...)`` gives a Dataset.
    """
    import xarray as xr

    if not regions:
        raise ReadError(path, "no spectral regions found")
    nodes: dict[str, Any] = {}
    for k, ds in enumerate(regions):
        label = labels[k] if labels is not None else (
            ds.coords["region"].item() if "region" in ds.coords else "region")
        base = node_name(label)
        name, k = base, 2
        while name in nodes:
            name, k = f"{base}_{k}", k + 1
        nodes[name] = ds
    tree = xr.DataTree.from_dict(nodes)
    tree.attrs.update({"technique": "xps", **(attrs or {})})
    return tree


def integer_counts(rate, time):
    """``rate × time`` rounded, when it is integer-valued (raw pulse counts); else None.

    Vendor CPS columns are counts divided by the acquisition time per point; when the product
    is within printing precision of integers (1e-3 relative, 5e-3 absolute) those integers
    are the counts and Poisson weights are exact. Processed data (transmission-corrected,
    averaged, dead-time-corrected) fail the check and get no ``counts``.
    """
    if time is None or not isinstance(time, (int, float)) or not time > 0:
        return None
    raw = np.asarray(rate, dtype=np.float64) * float(time)
    if not np.isfinite(raw).all():
        return None
    dev = np.abs(raw - np.round(raw))
    if np.all(dev <= 1e-3 * np.maximum(1.0, np.abs(raw)) + 5e-3):
        return np.round(raw)
    return None
