"""Unit spellings found in instrument exports and the explicit conversions between them.

Shared by the text readers so that each does not rewrite its own table:

* :func:`canonical_unit` maps a unit as written in a header (``"cm^-1"``, ``"[keV]"``,
  ``"µN"``, ``"cm3/g STP"``, ``"cps"`` ...) to one pint-parsable spelling (``"1/cm"``,
  ``"keV"``, ``"uN"``, ``"cm3(STP)/g"``, ``"count/s"``), or None when it is not in
  :data:`ALIASES`.
* :func:`conversion_factor` and :func:`convert` convert between two units by an explicit factor
  from :data:`FACTORS` (keV -> eV, µN -> mN, µm -> nm, rad -> deg, cm3(STP)/g -> mmol/g by
  /22.414, % -> 1, ...) and raise :class:`UnitError` for an unknown unit or a pair without a
  factor. There is no general dimensional analysis: a conversion is either listed or refused,
  so nothing is converted silently (DESIGN.md §3).

Readers turn :class:`UnitError` into a :class:`characterization.ReadError` naming the file and
the column.
"""

from __future__ import annotations

import numpy as np

#: Molar volume of an ideal gas at STP (0 °C, 1 atm), cm³/mmol: cm3(STP)/g -> mmol/g.
STP_MOLAR_VOLUME = 22.414

#: Canonical (pint-parsable) unit -> the spellings that mean it, lower case, after the
#: normalisation of :func:`canonical_unit` (no spaces, dots, ``^`` or superscripts; µ -> u).
ALIASES: dict[str, tuple[str, ...]] = {
    "deg": ("deg", "degree", "degrees", "°", "º", "°2θ", "°2th", "°2theta", "deg2θ", "2θ°"),
    "rad": ("rad", "radian", "radians"),
    "1/cm": ("cm-1", "1/cm", "/cm", "rel1/cm", "relcm-1", "wavenumbers", "cm-1rel"),
    "1/nm": ("nm-1", "1/nm"), "1/angstrom": ("å-1", "a-1", "1/å", "1/a", "1/angstrom"),
    "nm": ("nm",), "um": ("um", "micron", "microns"), "mm": ("mm",), "m": ("m",),
    "angstrom": ("å", "angstrom", "angstroms", "ang"),
    "eV": ("ev",), "keV": ("kev",), "meV": ("mev",),
    "count": ("counts", "count", "cts", "ct", "cnt", "cnts"),
    "count/s": ("cps", "counts/s", "count/s", "c/s", "cts/s", "counts/sec", "cnt/s",
                "countspersecond", "counts/second"),
    "a.u.": ("au", "arbunits", "arbunit", "arbu", "arb", "arbitraryunits", "arbitrary", "rel"),
    "mN": ("mn",), "uN": ("un",), "N": ("n",),
    "s": ("s", "sec", "second", "seconds"), "ms": ("ms",), "min": ("min", "minutes"),
    "h": ("h", "hr", "hours"),
    "mmol/g": ("mmol/g", "mol/kg", "mmolg-1"), "mol/g": ("mol/g",), "umol/g": ("umol/g",),
    "cm3(STP)/g": ("cm3/g", "cm3/gstp", "cm3(stp)/g", "cm3stp/g", "cc/g", "cc/gstp",
                   "cc(stp)/g", "ml/g", "ml/gstp", "ml(stp)/g", "cm3/g(stp)", "cm3g-1",
                   "cm3(stp)g-1", "cm3/g,stp", "ccstp/g"),
    "mg/g": ("mg/g",),
    "1": ("p/p0", "p/po", "p/p°", "p/ps", "1", "-", "dimensionless"), "percent": ("%",),
    "K": ("k",), "degC": ("°c", "degc"),
    "Pa": ("pa",), "kPa": ("kpa",), "mbar": ("mbar",), "bar": ("bar",), "torr": ("torr",),
    "mmHg": ("mmhg",), "V": ("v",), "mV": ("mv",), "GPa": ("gpa",), "MPa": ("mpa",),
    "nm**2": ("nm2",), "N/m": ("n/m",),
}
_INDEX = {alias: canon for canon, aliases in ALIASES.items() for alias in aliases}

#: ``(from, to)`` canonical units -> factor multiplying values in ``from`` to give ``to``.
FACTORS: dict[tuple[str, str], float] = {
    ("rad", "deg"): 180.0 / np.pi, ("keV", "eV"): 1e3, ("meV", "eV"): 1e-3,
    ("uN", "mN"): 1e-3, ("N", "mN"): 1e3, ("um", "nm"): 1e3, ("mm", "nm"): 1e6,
    ("m", "nm"): 1e9, ("angstrom", "nm"): 0.1, ("ms", "s"): 1e-3, ("min", "s"): 60.0,
    ("h", "s"): 3600.0, ("mol/g", "mmol/g"): 1e3, ("umol/g", "mmol/g"): 1e-3,
    ("cm3(STP)/g", "mmol/g"): 1 / STP_MOLAR_VOLUME, ("percent", "1"): 1e-2,
}

#: Intensity units that cannot be converted into each other without a dwell time.
INTENSITY_UNITS = ("count", "count/s")

_NORMALISE = (("μ", "u"), ("µ", "u"), ("⁻¹", "-1"), ("⁻", "-"), ("¹", "1"), ("²", "2"),
              ("³", "3"), ("^", ""), (" ", ""), (".", ""), ("·", ""), ("**", ""))


class UnitError(ValueError):
    """A unit is unknown, or there is no explicit factor converting it to the unit asked for."""


def canonical_unit(text: str | None) -> str | None:
    """Pint-parsable spelling of a unit as written in a file.

    Parameters
    ----------
    text : str or None
        The unit, with or without surrounding brackets (``"(cm^-1)"``, ``"[µN]"``, ``"cps"``).

    Returns
    -------
    str or None
        A key of :data:`ALIASES` (``"1/cm"``, ``"uN"``, ``"count/s"``), or None when ``text``
        is None or not a known spelling.

    Examples
    --------
    >>> canonical_unit("cm^-1"), canonical_unit("[µN]"), canonical_unit("furlong")
    ('1/cm', 'uN', None)
    """
    if text is None:
        return None
    s = text.strip().strip("()[] ").lower()
    for old, new in _NORMALISE:
        s = s.replace(old, new)
    return _INDEX.get(s)


def conversion_factor(from_unit: str, to_unit: str) -> float:
    """Factor multiplying values in ``from_unit`` to express them in ``to_unit``.

    Parameters
    ----------
    from_unit, to_unit : str
        Units in any spelling :func:`canonical_unit` knows.

    Returns
    -------
    float
        1.0 when both name the same unit, else the factor from :data:`FACTORS`.

    Raises
    ------
    UnitError
        Either unit is unknown, or the pair has no explicit factor.

    Examples
    --------
    >>> conversion_factor("keV", "eV")
    1000.0
    """
    src, dst = canonical_unit(from_unit), canonical_unit(to_unit)
    for unit, canon in ((from_unit, src), (to_unit, dst)):
        if canon is None:
            raise UnitError(f"unknown unit {unit!r}")
    if src == dst:
        return 1.0
    try:
        return FACTORS[src, dst]
    except KeyError:
        raise UnitError(f"unit {from_unit!r} cannot be converted to {to_unit!r}") from None


def convert(values, from_unit: str, to_unit: str):
    """Express ``values`` given in ``from_unit`` in ``to_unit``.

    Parameters
    ----------
    values : array_like
        Numbers (numpy array, scalar or anything that multiplies by a float).
    from_unit, to_unit : str
        Units in any spelling :func:`canonical_unit` knows.

    Returns
    -------
    values : array_like
        The converted values (``values`` itself when the units are the same).
    original_units : str or None
        ``from_unit`` as given when a conversion was made, for ``attrs["original_units"]``;
        None when the units were the same.

    Raises
    ------
    UnitError
        As :func:`conversion_factor`: an unknown unit, or no factor for the pair.

    Examples
    --------
    >>> convert(np.array([1.0, 2.0]), "µN", "mN")
    (array([0.001, 0.002]), 'µN')
    >>> convert(np.array([1.0]), "cps", "count/s")
    (array([1.]), None)
    """
    factor = conversion_factor(from_unit, to_unit)
    if canonical_unit(from_unit) == canonical_unit(to_unit):
        return values, None
    return values * factor, from_unit
