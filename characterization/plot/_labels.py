"""Axis labels from ``long_name`` and ``units`` attrs, typeset for print.

``"1/cm"`` becomes cm⁻¹, ``"deg"`` °, ``"angstrom"`` Å, ``"m^2/g"`` m² g⁻¹, ``"1/angstrom^3"``
Å⁻³, ``"percent"`` on an atomic fraction at.%; in long names ``p/p0`` becomes p/p₀ and single
letter subscripts (``I_D/I_G``, ``W_e``) are set as subscripts. Superscripts and subscripts are
matplotlib mathtext, drawn in the text font under :func:`characterization.plot.style`
(``mathtext.default = "regular"``).
"""

from __future__ import annotations

import re

#: Unit strings typeset as a whole.
_PRETTY = {
    "1": "", "": "", "dimensionless": "",
    "count": "counts", "counts": "counts", "count/s": "counts s$^{-1}$",
    "count*1/cm": "counts cm$^{-1}$",
    "percent": "%", "%": "%",
    "deg": "°", "degree": "°", "degrees": "°",
    "degC": "°C", "celsius": "°C",
    "eV**2": "eV$^2$", "deg^2": "°$^2$", "deg**2": "°$^2$",
}
#: Symbols of unit names (pint spellings -> print).
_SYMBOL = {
    "angstrom": "Å", "Å": "Å", "deg": "°", "degree": "°", "um": "µm", "micrometer": "µm",
    "µm": "µm", "micron": "µm", "nanometer": "nm", "count": "counts", "percent": "%",
    "ohm": "Ω", "degC": "°C", "micrometre": "µm", "mmol": "mmol", "litre": "L", "liter": "L",
}
_TOKEN = re.compile(r"\s*([*/])?\s*([^*/\s^]+)(?:\s*(?:\^|\*\*)\s*\(?(-?\d+(?:\.\d+)?)\)?)?")


def _sup(exponent: str) -> str:
    return f"$^{{{exponent}}}$" if len(exponent) > 1 else f"$^{exponent}$"


def pretty_units(units: str | None) -> str:
    """Units typeset for an axis label.

    ``"1/cm"`` -> ``"cm$^{-1}$"``, ``"m^2/g"`` -> ``"m$^2$ g$^{-1}$"``, ``"deg"`` -> ``"°"``,
    ``"1/angstrom^3"`` -> ``"Å$^{-3}$"``, ``"1"`` -> ``""``; strings that are not a product of
    powers pass through unchanged.

    Examples
    --------
    >>> pretty_units("cm^3/g/nm")
    'cm$^3$ g$^{-1}$ nm$^{-1}$'
    """
    if units is None:
        return ""
    units = str(units).strip()
    if units in _PRETTY:
        return _PRETTY[units]
    parts = []
    pos = 0
    first = True
    while pos < len(units):
        m = _TOKEN.match(units, pos)
        if not m or m.end() == pos or (m[1] is None and not first):
            return units                         # not a simple product: pass through
        op, name, exp = m[1], m[2], m[3]
        if first and op is not None:
            return units
        first = False
        power = float(exp) if exp is not None else 1.0
        if op == "/":
            power = -power
        pos = m.end()
        if name == "1":
            continue
        sym = _SYMBOL.get(name, name)
        if sym == "counts" and power != 1:
            sym = "counts" if power > 0 else "count"
        if power == 1:
            parts.append(sym)
        else:
            p = int(power) if float(power).is_integer() else power
            parts.append(sym + _sup(str(p)))
    return " ".join(parts) if parts else ""


_SUBSCRIPT = re.compile(r"(?<![A-Za-z0-9$\\])([A-Za-z|)])_\{?([A-Za-z0-9]{1,4})\}?(?![A-Za-z0-9_])")
_LONG_NAME_FIXES = (
    (re.compile(r"\bp/p0\b"), "p/p$_0$"),
    (re.compile(r"\bP/P0\b"), "p/p$_0$"),
    (re.compile(r"\|chi\(R\)\|"), "|χ(R)|"),
    (re.compile(r"\bchi\(k\)"), "χ(k)"),
    (re.compile(r"\bchi\(R\)"), "χ(R)"),
    (re.compile(r"\bmu\(E\)"), "μ(E)"),
    (re.compile(r"2[- ]?theta\b", re.I), "2θ"),
)


def pretty_name(name: str) -> str:
    """A long name typeset: ``p/p0`` -> p/p₀, ``I_D/I_G`` -> I$_D$/I$_G$, ``2theta`` -> 2θ."""
    text = str(name)
    if "$" in text:                            # already mathtext: leave alone
        return text
    for pattern, repl in _LONG_NAME_FIXES:
        text = pattern.sub(repl, text)
    return _SUBSCRIPT.sub(lambda m: f"{m[1]}$_{{{m[2]}}}$" if len(m[2]) > 1
                          else f"{m[1]}$_{m[2]}$", text)


def _percent_kind(name: str, var: str) -> str:
    """``at.%`` / ``wt.%`` for atomic / weight fractions in percent, else ``%``."""
    text = f"{name} {var}".lower()
    if "atomic" in text or "at.%" in text:
        return "at.%"
    if "weight" in text or "mass" in text:
        return "wt.%"
    return "%"


def axis_label(da, fallback: str = "") -> str:
    """``"long_name (units)"`` of a DataArray, typeset, e.g. ``"Raman shift (cm$^{-1}$)"``.

    Falls back to the variable name (underscores as spaces) or ``fallback`` when there is no
    ``long_name``; dimensionless quantities (units ``"1"``) get no bracket.

    Examples
    --------
    >>> import xarray as xr
    >>> axis_label(xr.DataArray([1.0], attrs={"long_name": "2θ", "units": "deg"}))
    '2θ (°)'
    """
    var = str(getattr(da, "name", "") or "")
    name = da.attrs.get("long_name") or (var.replace("_", " ") if var else "") or fallback
    name = pretty_name(name) if name else ""
    raw = da.attrs.get("units")
    units = pretty_units(raw)
    if units == "%":
        units = _percent_kind(str(da.attrs.get("long_name") or ""), var)
    if units and name:
        return f"{name} ({units})"
    return str(name or units)
