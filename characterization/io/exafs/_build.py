"""The one builder of EXAFS reader Datasets, shared by the XDI, Athena, column and χ(k) readers.

Readers parse their file into plain arrays and call :func:`build_mu` (μ(E) data) or
:func:`build_chi` (χ(k) data). The builder

* converts the energy axis to eV explicitly (:func:`energy_in_ev`: header units ``keV``, a mono
  angle with a d-spacing, or, with a warning, energies below 100 that can only be keV), records
  the conversion in ``energy.attrs["original_units"]`` and ``attrs["energy_conversion"]``;
* computes μ from the detector channels when the file has no μ column (:func:`mu_from_channels`):
  transmission ``ln(i0/itrans)``, fluorescence ``ifluor/i0``, reference ``ln(itrans/irefer)``,
  the formula and the measurement recorded in ``mu.attrs``; a non-finite μ (a zero or negative
  count) is a ReadError naming the row, never a NaN passed on;
* checks the energies (finite, at least 5 points, increasing: a scan written downwards is
  reversed, a scan out of order is sorted with a warning and ``attrs["energy_order"]``,
  duplicated energies are a ReadError);
* attaches the edge (:func:`edge_coords`): ``edge`` ("Sn K"), ``absorber`` ("Sn") and the tabulated
  ``edge_energy`` (eV, xraydb) from the element and edge the file names, or, when it names none,
  guessed from the steepest rise of μ with a warning that lists the other edges nearby;
* sets units and long names on everything and validates against the conventions.
"""

from __future__ import annotations

import functools
import math
import re
import warnings

import numpy as np
import xarray as xr

from ... import conventions
from ...errors import ConventionError, ReadError
from .._metadata import to_json

#: hc in eV·Å (CODATA 2018), for a monochromator angle -> energy conversion.
HC_EV_ANGSTROM = 12398.419843320026

#: Detector channels a μ(E) Dataset may carry, with their long names.
CHANNELS = {
    "i0": "Incident intensity I0",
    "itrans": "Transmitted intensity It",
    "ifluor": "Fluorescence intensity If",
    "irefer": "Reference-channel intensity Iref",
}

#: Formulas of μ by measurement (recorded in ``mu.attrs["formula"]``).
FORMULAS = {
    "transmission": "ln(i0/itrans)",
    "fluorescence": "ifluor/i0",
    "reference": "ln(itrans/irefer)",
}

_SCALARS = {
    "edge": ("", "Absorption edge"),
    "absorber": ("", "Absorbing element"),
    "edge_energy": ("eV", "Tabulated edge energy (xraydb)"),
    "measurement": ("", "Measurement mode"),
    "stored_e0": ("eV", "E0 stored in the file"),
    "stored_edge_step": ("1", "Edge step stored in the file"),
    "energy_shift": ("eV", "Energy shift applied to the stored energies"),
    "label": ("", "Record label"),
}

_EDGES = ("K", "L1", "L2", "L3", "M1", "M2", "M3", "M4", "M5", "N1", "N2", "N3", "N4", "N5")


# --------------------------------------------------------------------------- numbers in headers
def number(text) -> float | None:
    """A float from header text (decimal point or comma, Fortran ``D`` exponent), else None."""
    if text is None:
        return None
    if isinstance(text, (int, float)):
        return float(text)
    m = re.match(r"\s*([-+]?(?:\d+[.,]?\d*|[.,]\d+)(?:[EeDd][-+]?\d+)?)", str(text))
    if not m:
        return None
    try:
        value = float(m.group(1).replace(",", ".").replace("D", "E").replace("d", "e"))
    except ValueError:
        return None
    return value if math.isfinite(value) else None


# --------------------------------------------------------------------------- energy axis
def energy_in_ev(path, values, units: str | None, *, d_spacing: float | None = None,
                 name: str = "energy"):
    """Energies in eV from a column in ``units``; returns ``(energy, conversion or None)``.

    ``units`` may be ``eV``, ``keV``, an angle unit (``deg``/``degrees``/``mdeg``/``rad``, with
    ``d_spacing`` in Å: E = hc / (2 d sin θ)) or None. Without units, energies whose maximum is
    below 100 can only be keV (no absorption edge used for EXAFS lies below 100 eV): they are
    converted with a warning, never silently.
    """
    x = np.asarray(values, dtype=float)
    u = (units or "").strip().strip("()[]").lower()
    if u in ("ev", "electronvolt", "electronvolts", ""):
        if u == "" and x.size and np.nanmax(np.abs(x)) < 100:
            warnings.warn(f"{path}: energies have no units and are below 100: read as keV and "
                          "converted to eV (pass an eV file or state the units to avoid this)",
                          stacklevel=3)
            return x * 1000.0, "keV (guessed: values below 100) -> eV, x1000"
        return x, None
    if u == "kev":
        return x * 1000.0, "keV -> eV, x1000 (column units)"
    if u in ("deg", "degree", "degrees", "mdeg", "millidegrees", "rad", "radian", "radians"):
        if not d_spacing or d_spacing <= 0:
            raise ReadError(path, f"the {name} column is a monochromator angle ({units}) but the "
                                  "file states no Mono.d_spacing to convert it to energy")
        theta = np.deg2rad(x / 1000.0 if u.startswith("m") else x) if not u.startswith("rad") \
            else x
        return (HC_EV_ANGSTROM / (2.0 * d_spacing * np.sin(theta)),
                f"{units} (mono angle) -> eV, E = hc/(2 d sin θ), d = {d_spacing} Å")
    raise ReadError(path, f"energy column units {units!r} not understood: expected eV, keV or a "
                          "monochromator angle in degrees")


def _order(path, energy, arrays):
    """Energies increasing: reversed if written downwards, sorted (warning) if out of order."""
    note = None
    d = np.diff(energy)
    if np.all(d < 0):
        idx = np.arange(energy.size)[::-1]
        note = "reversed (scan written from high to low energy)"
    elif np.any(d <= 0):
        idx = np.argsort(energy, kind="stable")
        if np.any(np.diff(energy[idx]) == 0):
            i = int(np.flatnonzero(np.diff(energy[idx]) == 0)[0])
            raise ReadError(path, f"energy {energy[idx][i]:g} eV appears twice: repeated points "
                                  "cannot be placed on one energy axis (merge or drop them first)",
                            f"data row {int(idx[i]) + 1}")
        warnings.warn(f"{path}: energies are not in increasing order; sorted", stacklevel=3)
        note = "sorted (energies out of order in the file)"
    else:
        return energy, arrays, None
    return energy[idx], {k: (v[..., idx] if v is not None else None)
                         for k, v in arrays.items()}, note


# --------------------------------------------------------------------------- μ from channels
def mu_from_channels(path, channels: dict, measurement: str | None = None):
    """μ from detector channels; returns ``(mu, measurement, formula)``.

    ``measurement`` None picks transmission when ``i0`` and ``itrans`` exist, else fluorescence
    (``i0``, ``ifluor``), else reference (``itrans``, ``irefer``).
    """
    have = {k for k, v in channels.items() if v is not None}
    need = {"transmission": ("i0", "itrans"), "fluorescence": ("i0", "ifluor"),
            "reference": ("itrans", "irefer")}
    if measurement is None:
        measurement = next((m for m, cols in need.items() if set(cols) <= have), None)
        if measurement is None:
            raise ReadError(path, f"no mu column and no detector channels to compute it from "
                                  f"(found {sorted(have) or 'none'}; need i0+itrans, i0+ifluor "
                                  "or itrans+irefer, or name them with columns=)")
    if measurement not in need:
        raise ReadError(path, f"measurement={measurement!r}: expected one of {sorted(need)}")
    missing = [c for c in need[measurement] if c not in have]
    if missing:
        raise ReadError(path, f"{measurement} μ needs channels {need[measurement]}; missing "
                              f"{missing}")
    c = {k: np.asarray(channels[k], dtype=float) for k in need[measurement]}
    with np.errstate(divide="ignore", invalid="ignore"):
        if measurement == "transmission":
            mu = np.log(c["i0"] / c["itrans"])
        elif measurement == "fluorescence":
            mu = c["ifluor"] / c["i0"]
        else:
            mu = np.log(c["itrans"] / c["irefer"])
    return mu, measurement, FORMULAS[measurement]


# --------------------------------------------------------------------------- edge
def _xraydb():
    try:
        import xraydb
    except ImportError as exc:   # pragma: no cover - xraydb comes with xraylarch
        raise ReadError(None, "the edge tables need the xraydb package (installed with "
                              "xraylarch)") from exc
    return xraydb


@functools.lru_cache(maxsize=256)
def _edges(element: str) -> dict:
    """``{edge: energy}`` of ``element`` (xraydb), or KeyError for an unknown symbol."""
    xdb = _xraydb()
    try:
        xdb.atomic_number(element)
    except Exception:  # noqa: BLE001 - xraydb raises various errors for unknown symbols
        raise KeyError(element) from None
    return {k: float(v.energy) for k, v in xdb.xray_edges(element).items()}


@functools.lru_cache(maxsize=1)
def _all_edges() -> tuple:
    xdb = _xraydb()
    out = []
    for z in range(3, 99):
        sym = xdb.atomic_symbol(z)
        out += [(sym, name, e) for name, e in _edges(sym).items() if name in ("K", "L1", "L2",
                                                                          "L3")]
    return tuple(out)


def estimate_e0(energy, mu) -> float:
    """Energy of the steepest rise of μ (maximum of dμ/dE over a 3-point smoothed μ)."""
    e = np.asarray(energy, dtype=float)
    m = np.asarray(mu, dtype=float)
    if m.ndim > 1:
        m = m.reshape(-1, m.shape[-1])[0]
    if e.size < 5:
        return float(e[np.argmax(np.gradient(m, e))]) if e.size > 1 else float(e[0])
    ms = np.convolve(m, np.ones(3) / 3.0, mode="same")
    d = np.gradient(ms, e)
    d[[0, -1]] = -np.inf
    return float(e[int(np.nanargmax(d))])


def edge_coords(path, *, element: str | None = None, edge: str | None = None,
                energy=None, mu=None, e0: float | None = None) -> dict:
    """Scalar coords ``edge``, ``absorber``, ``edge_energy`` (eV, tabulated by xraydb).

    Element and edge come from the file (or the caller); a missing edge is the tabulated edge of
    the element nearest to ``e0`` (or the steepest rise of μ); a missing element is guessed from
    that energy with :func:`xraydb.guess_edge`, with a warning listing the other edges within
    25 eV, never silently.
    """
    if element is not None:
        element = str(element).strip()
        element = element[:1].upper() + element[1:].lower()
        try:
            _edges(element)
        except KeyError:
            raise ReadError(path, f"element {element!r} is not a chemical symbol") from None
    if edge is not None:
        edge = str(edge).strip().upper()
        edge = {"L-III": "L3", "LIII": "L3", "L-II": "L2", "LII": "L2", "L-I": "L1",
                "LI": "L1"}.get(edge, edge)
        if edge not in _EDGES:
            raise ReadError(path, f"edge {edge!r} is not an absorption edge (K, L1-L3, M1-M5)")
    if element is not None and edge is not None:
        edges = _edges(element)
        if edge not in edges:
            raise ReadError(path, f"{element} has no tabulated {edge} edge")
        return {"edge": f"{element} {edge}", "absorber": element, "edge_energy": edges[edge]}
    where = e0 if e0 is not None else (estimate_e0(energy, mu) if energy is not None else None)
    if where is None:
        raise ReadError(path, "no element/edge in the file and no data to guess them from")
    if element is not None:
        edges = {k: v for k, v in _edges(element).items() if k in _EDGES}
        edge = min(edges, key=lambda k: abs(edges[k] - where))
        return {"edge": f"{element} {edge}", "absorber": element, "edge_energy": edges[edge]}
    element, guess = _xraydb().guess_edge(where)
    if element is None:
        raise ReadError(path, f"no element/edge in the file and no tabulated edge near "
                              f"{where:.1f} eV; pass element= and edge=")
    near = [f"{sym} {name} ({e:g} eV)" for sym, name, e in _all_edges()
            if abs(e - where) <= 25 and (sym, name) != (element, guess)]
    warnings.warn(f"{path}: the file names no absorbing element; guessed {element} {guess} from "
                  f"the edge at {where:.1f} eV" + (f" (other edges within 25 eV: "
                                                  f"{', '.join(near)})" if near else "")
                  + "; pass element= and edge= to state it", stacklevel=3)
    return {"edge": f"{element} {guess}", "absorber": element,
            "edge_energy": _edges(element)[guess], "_guessed": True}


# --------------------------------------------------------------------------- Dataset builders
def _scalar(name, value):
    units, long_name = _SCALARS.get(name, ("", name.replace("_", " ").capitalize()))
    if isinstance(value, tuple):
        value, units, long_name = value
    return xr.DataArray(value, attrs={"units": units, "long_name": long_name})


def _finish(path, ds, scalars, original_metadata, attrs):
    ds = ds.assign_coords({k: _scalar(k, v) for k, v in (scalars or {}).items()
                           if v is not None and not k.startswith("_")})
    if original_metadata is not None:
        ds.attrs["original_metadata"] = to_json(original_metadata)
    ds.attrs.update(attrs or {})
    try:
        conventions.validate(ds)
    except ConventionError as exc:
        raise ReadError(path, f"invalid EXAFS data: {exc}") from exc
    return ds


def build_mu(path, *, energy, mu=None, channels=None, measurement: str | None = None,
             energy_units: str | None = "eV", d_spacing: float | None = None,
             energy_name: str | None = None,
             element: str | None = None, edge: str | None = None, stddev=None,
             variables=None, scalars=None, original_metadata=None, attrs=None,
             mu_attrs=None) -> xr.Dataset:
    """Assemble and validate one μ(E) Dataset (technique ``"exafs"``).

    Parameters
    ----------
    path : path-like
        The file, for messages.
    energy : array_like
        Energies in ``energy_units``.
    mu : array_like, optional
        μ as stored in the file; None computes it from ``channels`` (:func:`mu_from_channels`).
    channels : dict, optional
        ``i0``, ``itrans``, ``ifluor``, ``irefer`` arrays (None entries are ignored); kept as
        variables. With ``itrans`` and ``irefer`` the reference μ ``ln(itrans/irefer)`` is added
        as ``mu_reference``.
    measurement : str, optional
        ``"transmission"``, ``"fluorescence"``, ``"reference"`` or ``"mu"`` (μ stored as such).
    energy_units, d_spacing
        See :func:`energy_in_ev`; a conversion is recorded in ``energy.attrs["original_units"]``
        and described in ``attrs["energy_conversion"]``.
    energy_name : str, optional
        The file's name of the energy column (``energy.attrs["original_name"]``).
    element, edge : str, optional
        From the file header or the caller; see :func:`edge_coords`.
    stddev : array_like, optional
        Uncertainty of μ per point (Athena ``@stddev``).
    variables : dict, optional
        ``name -> (values, units, long_name)`` further variables on ``energy``.
    scalars : dict, optional
        Further scalar coords (``stored_e0`` ...); ``name -> (value, units, long_name)`` for
        names not known here.
    original_metadata : dict, optional
        The file header, stored as JSON.
    attrs, mu_attrs : dict, optional
        Further Dataset attrs / attrs of ``mu`` (``formula``, ``column`` ...).
    """
    energy, conversion = energy_in_ev(path, energy, energy_units, d_spacing=d_spacing)
    channels = {k: np.asarray(v, dtype=float) for k, v in (channels or {}).items()
                if v is not None}
    for name in channels:
        if name not in CHANNELS:
            raise ReadError(path, f"unknown channel {name!r}; channels are {sorted(CHANNELS)}")
    mu_attrs = dict(mu_attrs or {})
    if mu is None:
        mu, measurement, formula = mu_from_channels(path, channels, measurement)
        mu_attrs["formula"] = formula
    else:
        mu = np.asarray(mu, dtype=float)
        measurement = measurement or "mu"
        mu_attrs.setdefault("formula", "as stored in the file")
    extra = {k: np.asarray(v[0], dtype=float) for k, v in (variables or {}).items()}
    arrays = {"mu": mu, "stddev": None if stddev is None else np.asarray(stddev, float),
              **channels, **extra}
    n = energy.size
    for k, v in arrays.items():
        if v is not None and v.shape[-1:] != (n,):
            raise ReadError(path, f"{k} has {v.shape[-1] if v.ndim else 0} points, the energy "
                                  f"axis {n}")
    if n < 2:
        raise ReadError(path, f"only {n} data point(s); a μ(E) spectrum needs at least 2")
    if not np.all(np.isfinite(energy)):
        i = int(np.flatnonzero(~np.isfinite(energy))[0])
        raise ReadError(path, "non-finite energy", f"data row {i + 1}")
    energy, arrays, order = _order(path, energy, arrays)
    bad = ~np.isfinite(arrays["mu"])
    if bad.any():
        i = int(np.flatnonzero(bad.reshape(-1, n).any(axis=0))[0])
        why = (f" ({mu_attrs['formula']} of a zero or negative count?)"
               if measurement in FORMULAS else "")
        raise ReadError(path, f"μ is not finite at {energy[i]:g} eV{why}", f"data row {i + 1}")
    conv = {"original_units": conversion.split()[0]} if conversion else {}
    if energy_name is not None:
        conv["original_name"] = str(energy_name)
    coords = {"energy": ("energy", energy, {"units": "eV", "long_name": "Incident energy",
                                            **conv})}
    ds = xr.Dataset(coords=coords)
    ds["mu"] = ("energy", arrays.pop("mu"), {"units": "1", "long_name": "μ(E)",
                                              "measurement": measurement, **mu_attrs})
    if arrays.get("stddev") is not None:
        ds["stddev"] = ("energy", arrays["stddev"], {"units": "1",
                                                     "long_name": "Uncertainty of μ(E)"})
    arrays.pop("stddev", None)
    for k in CHANNELS:
        if k in arrays:
            ds[k] = ("energy", arrays.pop(k), {"units": "1", "long_name":
                                               CHANNELS[k] + " (detector units)"})
    if "itrans" in ds and "irefer" in ds:
        with np.errstate(divide="ignore", invalid="ignore"):
            ref = np.log(ds["itrans"].values / ds["irefer"].values)
        ds["mu_reference"] = ("energy", ref, {"units": "1", "long_name": "Reference μ(E)",
                                              "formula": FORMULAS["reference"]})
    for k, (_, units, long_name) in (variables or {}).items():
        ds[k] = ("energy", arrays.pop(k), {"units": units, "long_name": long_name})
    edge_info = edge_coords(path, element=element, edge=edge, energy=ds.energy.values,
                            mu=ds.mu.values)
    lo, hi = float(ds.energy[0]), float(ds.energy[-1])
    if not edge_info.get("_guessed") and not lo - 50 <= edge_info["edge_energy"] <= hi + 50:
        warnings.warn(f"{path}: the file names the {edge_info['edge']} edge "
                      f"({edge_info['edge_energy']:g} eV) but its energies run {lo:g}-{hi:g} eV; "
                      "check the element and edge (element=, edge=)", stacklevel=3)
        attrs = {**(attrs or {}), "edge_outside_data": "true"}
    sc = {**edge_info, "measurement": measurement, **(scalars or {})}
    at = {"technique": "exafs", **({"energy_order": order} if order else {}),
          **({"energy_conversion": conversion} if conversion else {}),
          **({"edge_guessed": "true"} if edge_info.get("_guessed") else {}), **(attrs or {})}
    return _finish(path, ds, sc, original_metadata, at)


#: Header names of χ(k) columns -> the k-weight they carry.
CHI_WEIGHTS = {"chi": 0, "chik": 1, "chik1": 1, "chik2": 2, "chik3": 3, "kchi": 1,
               "k1chi": 1, "k2chi": 2, "k3chi": 3}


def chi_weight(name: str) -> int | None:
    """The k-weight a χ column name declares (``chi`` 0, ``chi*k^2`` / ``chik2`` 2 ...), else
    None (not a χ column)."""
    key = re.sub(r"[\s*^()\[\]_.]", "", str(name).lower())
    key = key.replace("chi(k)", "chi")
    if key in CHI_WEIGHTS:
        return CHI_WEIGHTS[key]
    m = re.fullmatch(r"(?:k(\d)?chi|chik(\d)?)(?:k)?", key)
    if m:
        return int(m.group(1) or m.group(2) or 1)
    return None


def build_chi(path, *, k, chi, k_weight: int = 0, element=None, edge=None, scalars=None,
              original_metadata=None, attrs=None, chi_attrs=None) -> xr.Dataset:
    """Assemble one χ(k) Dataset: ``chi`` (1) on ``k`` (1/Å), un-weighted explicitly.

    A column stored as k^w·χ is divided by k^w (``chi.attrs["k_weight_removed"]``); at k = 0
    the weighted value carries no χ and the point is NaN. The technique is ``"spectrum"`` (the
    conventions table has no χ(k)-only technique; the EXAFS analysis reads ``chi`` on ``k`` by
    name).
    """
    k = np.asarray(k, dtype=float)
    chi = np.asarray(chi, dtype=float)
    if k.size < 5 or chi.shape[-1] != k.size:
        raise ReadError(path, f"a χ(k) table needs at least 5 rows of k and χ, found {k.size}")
    if not np.all(np.isfinite(k)) or np.any(k < 0):
        raise ReadError(path, "k must be finite and non-negative")
    k, arrays, order = _order(path, k, {"chi": chi})
    chi = arrays["chi"]
    chi_attrs = dict(chi_attrs or {})
    if k_weight:
        with np.errstate(divide="ignore", invalid="ignore"):
            chi = np.where(k > 0, chi / k ** k_weight, np.nan)
        chi_attrs["k_weight_removed"] = int(k_weight)
    ds = xr.Dataset(coords={"k": ("k", k, {"units": "1/angstrom",
                                           "long_name": "Photoelectron wavenumber k"})})
    ds["chi"] = ("k", chi, {"units": "1", "long_name": "χ(k)", **chi_attrs})
    sc = dict(scalars or {})
    if element is not None or edge is not None:
        if element is not None and edge is not None:
            sc.update(edge_coords(path, element=element, edge=edge))
        else:
            sc["absorber" if element else "edge"] = element or edge
    at = {"technique": "spectrum", "signal": "k", "content": "chi(k)",
          **({"energy_order": order} if order else {}), **(attrs or {})}
    return _finish(path, ds, sc, original_metadata, at)
