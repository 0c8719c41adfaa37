"""Shared builder of gas-sorption isotherm Datasets, used by every sorption reader.

Every sorption reader parses its file into plain arrays and hands them to :func:`build_isotherm`,
which converts units explicitly, assigns branches, validates, and returns the Dataset described
in :mod:`characterization.conventions` (technique ``"sorption"``):

* dim ``point``; coordinates ``relative_pressure`` (p/p0, units ``"1"``), ``branch``
  (``"adsorption"`` / ``"desorption"``), ``pressure`` (absolute, **kPa**) and
  ``saturation_pressure`` (p0 per point, **kPa**) when the file has them;
* data variable ``amount`` in **mmol/g**, ``attrs["original_units"]`` recording what the file said
  and ``attrs["conversion"]`` the factor applied;
* scalar coordinates ``temperature`` (K), ``adsorbate`` (normalised: ``"N2"``, ``"Ar"``,
  ``"CO2"``, ``"Kr"`` ...), ``sample`` and ``sample_mass`` (g) when known;
* attrs ``technique="sorption"``, ``reader`` and ``original_metadata`` (JSON of the file's header
  and, for instrument reports, its analysis results under ``"report"``).

Unit conversions (all explicit, no silent scaling):

* amount: cm³(STP) -> mmol by ÷ 22.414 (molar volume of an ideal gas at 0 °C, 1 atm, in
  cm³/mmol, the STP the instruments use); mol -> mmol ×1000; per kg -> per g ÷1000; mass-based
  loadings (mg/g, g/g, wt%) via the adsorbate's molar mass; amounts *per sample* (no mass in the
  unit) are divided by the sample mass, and a missing mass raises ReadError;
* pressure: Pa, kPa, MPa, hPa, mbar, bar, torr (101325/760 Pa), mmHg (133.322387415 Pa), atm,
  psi -> kPa;
* temperature: °C -> K by + 273.15.

Branches: readers give them when the file does; otherwise a single list whose relative pressure
rises and then falls is split at its (first) maximum: that point and those before it are
adsorption, the rest desorption. Points are never dropped; non-physical values (negative
pressure, p/p0 > 1) are kept with a warning.

When a file gives only absolute pressure and no p0, the relative pressure needs p0: the caller
may pass it; otherwise :func:`saturation_pressure` computes it from a published vapour-pressure
equation (N2, Ar, CO2 only) at the file's temperature, with a warning saying so.
"""

from __future__ import annotations

import math
import re
import warnings
from typing import Any

import numpy as np
import xarray as xr

from ...errors import ReadError
from .._units import STP_MOLAR_VOLUME  # 22.414 cm³/mmol, ideal gas at 0 °C, 1 atm
from .._metadata import to_json  # noqa: F401  (re-exported to the readers)


#: Molar masses (g/mol) of common adsorptives, for mass-based loadings.
MOLAR_MASS = {"N2": 28.0134, "Ar": 39.948, "CO2": 44.0095, "Kr": 83.798, "O2": 31.9988,
              "CH4": 16.0425, "H2": 2.01588, "Xe": 131.293, "H2O": 18.01528, "CO": 28.0101}

_ADSORBATE_ALIASES = {
    "n2": "N2", "nitrogen": "N2", "dinitrogen": "N2",
    "ar": "Ar", "argon": "Ar",
    "co2": "CO2", "carbondioxide": "CO2", "carbon dioxide": "CO2",
    "kr": "Kr", "krypton": "Kr",
    "o2": "O2", "oxygen": "O2",
    "ch4": "CH4", "methane": "CH4",
    "h2": "H2", "hydrogen": "H2",
    "xe": "Xe", "xenon": "Xe",
    "h2o": "H2O", "water": "H2O",
    "co": "CO", "carbonmonoxide": "CO", "carbon monoxide": "CO",
}

#: Pressure units -> factor to kPa.
_PRESSURE_TO_KPA = {
    "pa": 1e-3, "kpa": 1.0, "mpa": 1e3, "hpa": 0.1, "mbar": 0.1, "bar": 100.0,
    "torr": 101.325 / 760.0, "mmhg": 0.133322387415, "atm": 101.325, "psi": 6.894757293168,
}
#: Canonical spelling of each pressure unit (pint-parsable), for original_units attrs.
_PRESSURE_NAMES = {"pa": "Pa", "kpa": "kPa", "mpa": "MPa", "hpa": "hPa", "mbar": "mbar",
                   "bar": "bar", "torr": "torr", "mmhg": "mmHg", "atm": "atm", "psi": "psi"}

_MASS_TO_G = {"g": 1.0, "mg": 1e-3, "kg": 1e3, "ug": 1e-6, "µg": 1e-6}

# Vapour-pressure equations ln(p/pc) = (Tc/T) * sum(n_i * (1 - T/Tc)**e_i):
# N2: Span, Lemmon, Jacobsen, Wagner, Yokozeki, J. Phys. Chem. Ref. Data 29 (2000) 1361.
# Ar: Tegeler, Span, Wagner, J. Phys. Chem. Ref. Data 28 (1999) 779.
# CO2: Span, Wagner, J. Phys. Chem. Ref. Data 25 (1996) 1509.
_VAPOUR_PRESSURE = {
    "N2": dict(tc=126.192, pc=3395.8, t_triple=63.151,
               n=(-6.12445284, 1.26327220, -0.765910082, -1.77570564), e=(1.0, 1.5, 2.5, 5.0),
               ref="Span et al., J. Phys. Chem. Ref. Data 29 (2000) 1361"),
    "Ar": dict(tc=150.687, pc=4863.0, t_triple=83.8058,
               n=(-5.9409785, 1.3553888, -0.46497607, -1.5399043), e=(1.0, 1.5, 2.0, 4.5),
               ref="Tegeler et al., J. Phys. Chem. Ref. Data 28 (1999) 779"),
    "CO2": dict(tc=304.1282, pc=7377.3, t_triple=216.592,
                n=(-7.0602087, 1.9391218, -1.6463597, -3.2995634), e=(1.0, 1.5, 2.0, 4.0),
                ref="Span & Wagner, J. Phys. Chem. Ref. Data 25 (1996) 1509"),
}

_NUMBER = r"[-+]?(?:\d[\d,]*\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"
_NUMBER_COMMA = r"[-+]?(?:\d[\d.]*,?\d*|,\d+)(?:[eE][-+]?\d+)?"


# ------------------------------------------------------------------------------------------------
# small parsers shared by the readers
# ------------------------------------------------------------------------------------------------

def to_float(text, *, decimal_comma: bool = False) -> float:
    """Parse a number written by instrument software.

    Thousands separators (``"1,596.4627"``) are removed; with ``decimal_comma`` a comma is the
    decimal mark (``"0,0123"``). Raises ValueError when ``text`` is not a number.
    """
    if isinstance(text, (int, float, np.integer, np.floating)) and not isinstance(text, bool):
        return float(text)
    s = str(text).strip().replace("\u2212", "-")
    if decimal_comma:
        if re.fullmatch(r"[-+]?[1-9]\d{0,2}(\.\d{3})+,\d*", s):      # "1.234,5"
            s = s.replace(".", "")
        s = s.replace(",", ".")
    elif re.fullmatch(r"[-+]?[1-9]\d{0,2}(,\d{3})+(\.\d*([eE][-+]?\d+)?)?", s):  # "1,596.46"
        s = s.replace(",", "")
    return float(s)


def parse_quantity(text, *, decimal_comma: bool = False) -> dict:
    """Split a report value such as ``"194.7493 ± 0.5313 m²/g"`` into its parts.

    Parameters
    ----------
    text : str or float
        The cell.
    decimal_comma : bool
        The file writes ``"194,7493 ± 0,5313 m²/g"`` (thousands separator ``.``); decide it
        for the whole file with :func:`._decimal.decimal_comma`.

    Returns
    -------
    dict
        ``{"value": float or None, "units": str or None, "text": original}`` plus ``"stderr"``
        when a ``±`` error is given. Thousands separators are removed. A value that is not a
        number (``"*"``, ``"Not computed"``) gives ``value=None`` and keeps the text.
    """
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        return {"value": float(text), "units": None, "text": str(text)}
    raw = str(text)
    s = raw.strip()
    out: dict[str, Any] = {"value": None, "units": None, "text": raw}
    number = _NUMBER_COMMA if decimal_comma else _NUMBER
    m = re.match(rf"^({number})(?:\s*±\s*({number}))?(?:\s+(.*))?$", s)
    if not m:
        return out
    try:
        out["value"] = to_float(m.group(1), decimal_comma=decimal_comma)
        if m.group(2):
            out["stderr"] = to_float(m.group(2), decimal_comma=decimal_comma)
    except ValueError:
        return {"value": None, "units": None, "text": raw}
    units = (m.group(3) or "").strip()
    out["units"] = units or None
    return out


def units_in_brackets(label: str) -> str | None:
    """The text inside the last ``(...)`` or ``[...]`` of a column label, or None."""
    m = re.search(r"[(\[]([^()\[\]]*)[)\]]\s*$", label.strip())
    return m.group(1).strip() if m else None


def normalise_adsorbate(name) -> str | None:
    """``"Nitrogen"``, ``"n2"``, ``"N₂"`` -> ``"N2"``; unknown names are returned stripped."""
    if name is None:
        return None
    s = str(name).strip().strip('"\'')
    if not s:
        return None
    key = s.translate(str.maketrans("₀₁₂₃₄₅₆₇₈₉", "0123456789")).lower()
    key = re.sub(r"\s+", " ", key)
    if key in _ADSORBATE_ALIASES:
        return _ADSORBATE_ALIASES[key]
    if key.replace(" ", "") in _ADSORBATE_ALIASES:
        return _ADSORBATE_ALIASES[key.replace(" ", "")]
    return s


def _unit_key(units: str) -> str:
    s = str(units).strip().strip("[]()").strip()
    s = s.replace("³", "3").replace("²", "2").replace("µ", "u").replace("μ", "u")
    return re.sub(r"\s+", "", s).lower()


def pressure_factor(units: str) -> tuple[float, str]:
    """Factor converting ``units`` to kPa and the canonical unit name; ValueError if unknown."""
    key = _unit_key(units)
    if key not in _PRESSURE_TO_KPA:
        raise ValueError(f"unknown pressure unit {units!r}; known: "
                         f"{', '.join(_PRESSURE_NAMES.values())}")
    return _PRESSURE_TO_KPA[key], _PRESSURE_NAMES[key]


def mass_factor(units: str) -> float:
    """Factor converting a mass in ``units`` to g; ValueError if unknown."""
    key = _unit_key(units)
    if key not in _MASS_TO_G:
        raise ValueError(f"unknown mass unit {units!r}; known: g, mg, kg")
    return _MASS_TO_G[key]


def temperature_to_kelvin(value: float, units: str | None) -> float:
    """Convert a temperature to K (``K`` unchanged, ``°C``/``C``/``degC`` + 273.15)."""
    key = _unit_key(units or "K").replace("°", "").replace("deg", "")
    if key in ("k", "kelvin"):
        return float(value)
    if key in ("c", "celsius"):
        return round(float(value) + 273.15, 10)
    raise ValueError(f"unknown temperature unit {units!r}; expected K or °C")


def amount_conversion(units: str, adsorbate: str | None = None) -> tuple[float, bool, str]:
    """How to turn an amount in ``units`` into mmol/g.

    Parameters
    ----------
    units : str
        As written in the file: ``"cm³/g STP"``, ``"cm^3(STP) g^-1"``, ``"ml(STP) g-1"``,
        ``"mmol/g"``, ``"mol/kg"``, ``"cc"`` (per sample), ``"mg/g"``, ``"wt%"`` ...
    adsorbate : str, optional
        Normalised adsorbate, needed for mass-based loadings.

    Returns
    -------
    factor : float
        Multiply the file's numbers by this ...
    per_sample : bool
        ... and, when True, also divide by the sample mass in g.
    description : str
        Human-readable statement of the conversion, stored in ``attrs["conversion"]``.

    Raises
    ------
    ValueError
        Unit not recognised, or a mass-based loading of an adsorbate of unknown molar mass.
    """
    s = _unit_key(units).replace("^", "").replace("·", "").replace("*", "")
    s = s.replace("(stp)", "").replace("stp", "")
    s = s.replace("cc", "cm3").replace("ml", "cm3")
    gas_volume = {"cm3": 1.0 / STP_MOLAR_VOLUME, "l": 1000.0 / STP_MOLAR_VOLUME}
    molar = {"mmol": 1.0, "mol": 1000.0, "umol": 1e-3}
    massive = {"mg": 1e-3, "g": 1.0, "kg": 1e3, "g%": 0.01}
    if s in ("wt%", "%", "wt.%", "mass%", "g%"):
        num, den = "g%", "g"
    elif "/" in s:
        num, den = s.split("/", 1)
    elif s.endswith("-1"):
        base = s[:-2]
        den = next((d for d in ("kg", "mg", "ug", "g") if base.endswith(d)), "")
        num = base[:-len(den)] if den else base
    else:
        num, den = s, ""
    if not den:
        per_sample, den_factor = True, 1.0
    elif den in _MASS_TO_G:
        per_sample, den_factor = False, 1.0 / _MASS_TO_G[den]
    else:
        raise ValueError(f"unknown amount unit {units!r} (basis {den!r} is not a mass)")
    if num in gas_volume:
        f = gas_volume[num]
        what = (f"gas volume at STP ÷ {STP_MOLAR_VOLUME} cm³/mmol" if num == "cm3" else
                f"gas volume at STP in L × 1000 ÷ {STP_MOLAR_VOLUME} cm³/mmol")
    elif num in molar:
        f = molar[num]
        what = f"{num} -> mmol (× {f:g})"
    elif num in massive:
        if adsorbate not in MOLAR_MASS:
            raise ValueError(f"amount unit {units!r} is a mass of adsorbate; its molar mass is "
                             f"not known for adsorbate {adsorbate!r}")
        f = massive[num] * 1000.0 / MOLAR_MASS[adsorbate]
        what = f"mass of {adsorbate} ÷ {MOLAR_MASS[adsorbate]} g/mol"
    else:
        raise ValueError(f"unknown amount unit {units!r}")
    factor = f * den_factor
    if per_sample:
        desc = f"{what}; per sample ÷ sample mass (g)"
    elif den_factor != 1.0:
        desc = f"{what}; per {den} -> per g (× {den_factor:g})"
    else:
        desc = what
    return factor, per_sample, desc


def saturation_pressure(adsorbate: str, temperature: float) -> tuple[float, str]:
    """Saturation (vapour) pressure in kPa of ``adsorbate`` at ``temperature`` (K).

    Uses the ancillary vapour-pressure equations of the reference equations of state
    (N2: Span et al. 2000; Ar: Tegeler et al. 1999; CO2: Span & Wagner 1996), accurate to
    better than 0.05 % between the triple and the critical point. N2 at 77.355 K gives
    101.32 kPa.

    Returns
    -------
    (float, str)
        p0 in kPa and the reference used.

    Raises
    ------
    ValueError
        Adsorbate without an equation here (e.g. Kr at 77 K, which is below its triple point),
        or temperature outside triple–critical range.
    """
    if adsorbate not in _VAPOUR_PRESSURE:
        raise ValueError(f"no vapour-pressure equation for adsorbate {adsorbate!r} "
                         f"(available: {', '.join(_VAPOUR_PRESSURE)})")
    c = _VAPOUR_PRESSURE[adsorbate]
    if not c["t_triple"] <= temperature < c["tc"]:
        raise ValueError(f"temperature {temperature} K is outside the liquid range of "
                         f"{adsorbate} ({c['t_triple']}–{c['tc']} K)")
    theta = 1.0 - temperature / c["tc"]
    s = sum(n * theta ** e for n, e in zip(c["n"], c["e"]))
    return c["pc"] * math.exp(c["tc"] / temperature * s), c["ref"]


def split_branches(relative_pressure) -> np.ndarray:
    """Branch labels for one list rising then falling: split after the first maximum."""
    x = np.asarray(relative_pressure, dtype=float)
    branch = np.full(x.shape, "adsorption", dtype="U10")
    if x.size and np.isfinite(x).any():
        branch[int(np.nanargmax(x)) + 1:] = "desorption"
    return branch


def find_point_index(relative_pressure, branch, values, which="adsorption",
                     rtol: float = 0.0, atol: float = 0.0) -> list[int | None]:
    """Indices along ``point`` of the points of branch ``which`` whose p/p0 equals ``values``.

    Used to link instrument report tables (BET points, t-plot fitted points) to the isotherm.
    ``None`` where no point matches (within ``rtol``/``atol``).
    """
    x = np.asarray(relative_pressure, dtype=float)
    idx = np.flatnonzero(np.asarray(branch) == which)
    out: list[int | None] = []
    for v in values:
        hit = idx[np.isclose(x[idx], float(v), rtol=rtol, atol=atol)] if atol or rtol else \
            idx[x[idx] == float(v)]
        out.append(int(hit[0]) if hit.size else None)
    return out


# ------------------------------------------------------------------------------------------------
# the builder
# ------------------------------------------------------------------------------------------------

def _warn(path, message: str) -> None:
    warnings.warn(f"{path}: {message}", UserWarning, stacklevel=3)


def _array(path, name, values, n=None) -> np.ndarray | None:
    if values is None:
        return None
    try:
        arr = np.asarray(values, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ReadError(path, f"{name}: expected numbers ({exc})") from None
    if arr.ndim == 0 and n is not None:
        arr = np.full(n, float(arr))
    if arr.ndim != 1:
        raise ReadError(path, f"{name}: expected a 1-D list of values, got shape {arr.shape}")
    if n is not None and arr.size != n:
        raise ReadError(path, f"{name} has {arr.size} values, the amounts {n}")
    return arr


def build_isotherm(path, *, reader: str, amount, amount_units: str,
                   relative_pressure=None, pressure=None, pressure_units: str | None = None,
                   saturation_pressure_values=None, branch=None,
                   sample_mass: float | None = None, sample_mass_units: str = "g",
                   temperature: float | None = None, temperature_units: str | None = "K",
                   adsorbate: str | None = None, sample: str | None = None,
                   metadata: dict | None = None, relative_pressure_note: str | None = None,
                   p0_option: float | None = None) -> xr.Dataset:
    """Build a validated isotherm Dataset from arrays (see the module docstring).

    Parameters
    ----------
    path : path-like
        The file read, for error messages.
    reader : str
        Format name (``attrs["reader"]``).
    amount : array-like
        Amount adsorbed as in the file.
    amount_units : str
        Units as written in the file (see :func:`amount_conversion`).
    relative_pressure : array-like, optional
        p/p0 as given by the file. If None it is computed as pressure / p0.
    pressure : array-like, optional
        Absolute pressure, in ``pressure_units``.
    saturation_pressure_values : array-like or float, optional
        p0 per point (or one value), in ``pressure_units``.
    branch : array-like of str, optional
        ``"adsorption"``/``"desorption"`` per point; default: split at the maximum p/p0.
    sample_mass : float, optional
        Sample mass in ``sample_mass_units``; required when amounts are per sample.
    temperature : float, optional
        In ``temperature_units`` (``"K"`` or ``"°C"``).
    adsorbate, sample : str, optional
        Adsorbate (normalised here) and sample name.
    metadata : dict, optional
        Header / report of the file, stored as JSON in ``attrs["original_metadata"]``.
    relative_pressure_note : str, optional
        How the file's relative pressure was obtained, kept in the coordinate's attrs.
    p0_option : float, optional
        p0 in kPa given by the user, used when the file has absolute pressure and no p0.

    Returns
    -------
    xarray.Dataset

    Raises
    ------
    ReadError
        No points, inconsistent lengths, missing mass for per-sample amounts, unknown units,
        no way to get p/p0.
    """
    metadata = dict(metadata or {})
    amount_raw = _array(path, "amount", amount)
    n = amount_raw.size
    if n == 0:
        raise ReadError(path, "no isotherm points found")
    adsorbate = normalise_adsorbate(adsorbate)

    # --- amount -> mmol/g
    try:
        factor, per_sample, desc = amount_conversion(amount_units, adsorbate)
    except ValueError as exc:
        raise ReadError(path, str(exc)) from None
    mass_g = None
    if sample_mass is not None:
        try:
            mass_g = float(sample_mass) * mass_factor(sample_mass_units)
        except ValueError as exc:
            raise ReadError(path, f"sample mass: {exc}") from None
        if not (math.isfinite(mass_g) and mass_g > 0):
            raise ReadError(path, f"sample mass must be a positive number, got {sample_mass!r}")
    if per_sample:
        if mass_g is None:
            raise ReadError(path, f"amounts are per sample ({amount_units!r}) but the file gives "
                                  "no sample mass; pass sample_mass= (g)")
        amount_mmol_g = amount_raw * factor / mass_g
        desc = f"{desc} = {mass_g:g} g"
    else:
        amount_mmol_g = amount_raw * factor
    if not np.isfinite(amount_mmol_g).all():
        bad = int(np.flatnonzero(~np.isfinite(amount_mmol_g))[0])
        raise ReadError(path, f"amount of point {bad} is not a finite number")

    # --- pressures
    p_kpa = p0_kpa = None
    p_name = None
    if pressure is not None or saturation_pressure_values is not None:
        if pressure_units is None:
            raise ReadError(path, "pressure units are not stated in the file")
        try:
            pf, p_name = pressure_factor(pressure_units)
        except ValueError as exc:
            raise ReadError(path, str(exc)) from None
        if pressure is not None:
            p_kpa = _array(path, "pressure", pressure, n) * pf
        if saturation_pressure_values is not None:
            p0_kpa = _array(path, "saturation pressure", saturation_pressure_values, n) * pf

    t_kelvin = None
    if temperature is not None:
        try:
            t_kelvin = temperature_to_kelvin(temperature, temperature_units)
        except ValueError as exc:
            raise ReadError(path, str(exc)) from None

    rp_attrs = {"units": "1", "long_name": "Relative pressure p/p0"}
    if relative_pressure is not None:
        rp = _array(path, "relative pressure", relative_pressure, n)
        rp_attrs["source"] = relative_pressure_note or "as given in the file"
    elif p_kpa is not None and p0_kpa is not None:
        rp = p_kpa / p0_kpa
        rp_attrs["source"] = relative_pressure_note or "pressure / saturation_pressure (per point)"
    elif p_kpa is not None:
        if p0_option is not None:
            p0 = float(p0_option)
            rp_attrs["source"] = f"pressure / p0 with p0 = {p0:g} kPa given by the user"
        else:
            if t_kelvin is None or adsorbate is None:
                raise ReadError(path, "the file gives absolute pressure only (no p0) and no "
                                      "temperature/adsorbate to compute p0; pass "
                                      "saturation_pressure= (kPa)")
            try:
                p0, ref = saturation_pressure(adsorbate, t_kelvin)
            except ValueError as exc:
                raise ReadError(path, f"the file gives absolute pressure only (no p0) and p0 "
                                      f"cannot be computed: {exc}; pass saturation_pressure= "
                                      "(kPa)") from None
            rp_attrs["source"] = (f"pressure / p0 with p0 = {p0:.6g} kPa computed for "
                                  f"{adsorbate} at {t_kelvin:g} K ({ref})")
            _warn(path, f"no saturation pressure in the file: assuming p0 = {p0:.5g} kPa, the "
                        f"vapour pressure of {adsorbate} at {t_kelvin:g} K ({ref}); pass "
                        "saturation_pressure= (kPa) to override")
        rp_attrs["p0"] = p0
        rp_attrs["p0_units"] = "kPa"
        rp = p_kpa / p0
    else:
        raise ReadError(path, "the file gives neither relative pressure nor absolute pressure")
    if not np.isfinite(rp).all():
        bad = int(np.flatnonzero(~np.isfinite(rp))[0])
        raise ReadError(path, f"relative pressure of point {bad} is not a finite number")

    # --- branches
    if branch is None:
        br = split_branches(rp)
        branch_note = "split after the first maximum of relative pressure"
    else:
        br = np.asarray(branch, dtype="U10")
        if br.shape != (n,):
            raise ReadError(path, f"branch has {br.size} labels for {n} points")
        unknown = sorted(set(br.tolist()) - {"adsorption", "desorption"})
        if unknown:
            raise ReadError(path, f"unknown branch labels {unknown}")
        branch_note = "as marked in the file"

    # --- data-quality warnings (points are kept)
    neg = int(np.count_nonzero(rp < 0))
    if neg:
        _warn(path, f"{neg} point(s) have negative pressure (non-physical); kept as in the file")
    above = int(np.count_nonzero(rp > 1))
    if above:
        _warn(path, f"{above} point(s) have p/p0 > 1; kept as in the file")

    coords: dict[str, Any] = {
        "relative_pressure": ("point", rp, rp_attrs),
        "branch": ("point", br, {"long_name": "Branch", "description": branch_note}),
    }
    if p_kpa is not None:
        coords["pressure"] = ("point", p_kpa, {"units": "kPa", "long_name": "Absolute pressure",
                                               "original_units": p_name})
    if p0_kpa is not None:
        coords["saturation_pressure"] = ("point", p0_kpa, {
            "units": "kPa", "long_name": "Saturation pressure p0", "original_units": p_name})
    if t_kelvin is not None:
        coords["temperature"] = ((), t_kelvin, {"units": "K", "long_name": "Temperature",
                                                "original_units": temperature_units or "K"})
    if adsorbate is not None:
        coords["adsorbate"] = ((), adsorbate, {"long_name": "Adsorbate"})
    if sample is not None and str(sample).strip():
        coords["sample"] = ((), str(sample).strip(), {"long_name": "Sample"})
    if mass_g is not None:
        coords["sample_mass"] = ((), mass_g, {"units": "g", "long_name": "Sample mass",
                                              "original_units": sample_mass_units})
    amount_attrs = {"units": "mmol/g", "long_name": "Amount adsorbed",
                    "original_units": str(amount_units), "conversion": desc}
    ds = xr.Dataset({"amount": ("point", amount_mmol_g, amount_attrs)}, coords=coords)
    ds.attrs = {"technique": "sorption", "reader": reader,
                "original_metadata": to_json(metadata)}
    return ds
