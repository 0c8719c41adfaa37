"""Statistical thickness curves t(p/p0): the multilayer film on a non-porous reference surface.

A thickness curve gives the mean thickness t (nm) of the adsorbed film at relative pressure
x = p/p0 on a flat, non-porous surface of similar chemistry. It is used by the t-plot (external
area, micropore volume) and by the Kelvin-equation pore-size methods (BJH, Dollimore–Heal,
:func:`~characterization.sorption.kernel_psd.kelvin_kernel`), where the film lines the pore
walls before and after capillary condensation.

Built-in curves (all return nm; x outside (0, 1) gives NaN):

=======================  ==========================================================  =======
name                     equation                                                    ref.
=======================  ==========================================================  =======
``"harkins_jura"``       t = 0.1·[13.99 / (0.034 − log10 x)]^½                       [1]_
``"halsey"``             t = 0.354·[−5 / ln x]^⅓                                      [2]_
``"kruk_jaroniec_sayari"`` t = 0.1·[60.65 / (0.03071 − log10 x)]^0.3968                [3]_
=======================  ==========================================================  =======

Harkins–Jura (also called the de Boer equation in this form) suits oxides (silica, alumina) for
0.1 < x < 0.8; Halsey is a Frenkel–Halsey–Hill form for 1/3 < x < 0.9 on oxides; the
Kruk–Jaroniec–Sayari (KJS) curve was fitted to a macroporous reference silica up to x ≈ 0.9 and
is the one to use with the KJS-corrected Kelvin equation. None of them describes carbons well:
supply a measured reference table (:func:`thickness_table`) for other surfaces.

:func:`thickness_function` resolves what users pass as ``thickness=`` anywhere in the sorption
subpackage: a name, a callable ``t(x) -> nm``, a 2-column (p/p0, t in nm) table or a
:class:`ThicknessCurve`.

References
----------
.. [1] W.D. Harkins, G. Jura, J. Am. Chem. Soc. 66 (1944) 1366; J.H. de Boer et al.,
   J. Colloid Interface Sci. 21 (1966) 405.
.. [2] G. Halsey, J. Chem. Phys. 16 (1948) 931.
.. [3] M. Kruk, M. Jaroniec, A. Sayari, Langmuir 13 (1997) 6267.
.. [4] H. Akima, J. ACM 17 (1970) 589 (the interpolation used for tables, as in Micromeritics
   software).
"""

from __future__ import annotations

import dataclasses
from typing import Callable

import numpy as np

from ..errors import AnalysisError

__all__ = ["ThicknessCurve", "harkins_jura", "halsey", "kruk_jaroniec_sayari",
           "thickness_table", "thickness_function", "THICKNESS_CURVES"]


def _domain(x):
    x = np.asarray(x, dtype=float)
    with np.errstate(invalid="ignore"):
        return np.where((x > 0) & (x < 1), x, np.nan)


def harkins_jura(x):
    """Harkins–Jura thickness t = 0.1·[13.99 / (0.034 − log10 x)]^½ nm (NaN outside 0 < x < 1)."""
    x = _domain(x)
    with np.errstate(invalid="ignore", divide="ignore"):
        return 0.1 * np.sqrt(13.99 / (0.034 - np.log10(x)))


def halsey(x):
    """Halsey thickness t = 0.354·[−5 / ln x]^⅓ nm (NaN outside 0 < x < 1)."""
    x = _domain(x)
    with np.errstate(invalid="ignore", divide="ignore"):
        return 0.354 * np.cbrt(-5.0 / np.log(x))


def kruk_jaroniec_sayari(x):
    """KJS thickness t = 0.1·[60.65 / (0.03071 − log10 x)]^0.3968 nm (NaN outside 0 < x < 1)."""
    x = _domain(x)
    with np.errstate(invalid="ignore", divide="ignore"):
        return 0.1 * (60.65 / (0.03071 - np.log10(x))) ** 0.3968


@dataclasses.dataclass(frozen=True, eq=False)
class ThicknessCurve:
    """A statistical thickness curve: call it with p/p0 to get t in nm.

    Attributes
    ----------
    name : str
        ``"harkins_jura"``, ``"halsey"``, ``"kruk_jaroniec_sayari"``, ``"table"`` or the name of
        a user callable.
    function : callable
        ``function(x) -> t`` (nm), vectorised over numpy arrays, NaN where undefined.
    description : str
        Equation or origin, for provenance.
    table : tuple of two tuples, optional
        ``(p/p0 values, t values in nm)`` for tabulated curves.
    """

    name: str
    function: Callable
    description: str = ""
    table: tuple | None = None

    @property
    def __name__(self) -> str:  # lets provenance code use getattr(curve, "__name__")
        return self.name

    def __call__(self, x):
        return np.asarray(self.function(np.asarray(x, dtype=float)), dtype=float)

    def describe(self) -> dict:
        """A JSON-able description for result provenance."""
        out = {"name": self.name, "description": self.description, "units": "nm"}
        if self.table is not None:
            out["table"] = [list(self.table[0]), list(self.table[1])]
        return out


THICKNESS_CURVES = {
    "harkins_jura": ThicknessCurve(
        "harkins_jura", harkins_jura, "t = 0.1·[13.99/(0.034 − log10 x)]^0.5 nm"),
    "halsey": ThicknessCurve("halsey", halsey, "t = 0.354·[−5/ln x]^(1/3) nm"),
    "kruk_jaroniec_sayari": ThicknessCurve(
        "kruk_jaroniec_sayari", kruk_jaroniec_sayari,
        "t = 0.1·[60.65/(0.03071 − log10 x)]^0.3968 nm"),
}

_ALIASES = {"hj": "harkins_jura", "harkins-jura": "harkins_jura", "harkins jura": "harkins_jura",
            "de_boer": "harkins_jura", "kjs": "kruk_jaroniec_sayari",
            "kruk-jaroniec-sayari": "kruk_jaroniec_sayari", "halsey": "halsey"}

_LENGTH_FACTORS = {"nm": 1.0, "nanometer": 1.0, "angstrom": 0.1, "Å": 0.1, "A": 0.1,
                   "Angstrom": 0.1, "pm": 1e-3}


def thickness_table(relative_pressure, thickness, *, units: str = "nm",
                    interpolation: str = "akima", extrapolate: str = "linear",
                    name: str = "table") -> ThicknessCurve:
    """A thickness curve interpolated from a measured (p/p0, t) table.

    Parameters
    ----------
    relative_pressure, thickness : array_like
        The table, at least 3 rows (any order; duplicate p/p0 values are an error).
    units : {"nm", "angstrom"}
        Units of ``thickness`` (converted explicitly to nm; Micromeritics .THK files are in Å).
    interpolation : {"akima", "linear", "pchip"}
        Akima's piecewise cubic [4]_ (default; reproduces the statistical thickness printed in
        Micromeritics reports for its user-defined thickness curves to 1e-4 Å), linear in
        p/p0, or shape-preserving PCHIP.
    extrapolate : {"linear", "nan"}
        Outside the table: continue the first/last segment linearly (default, so that BJH can
        start at p/p0 > the last tabulated point), or NaN.
    name : str
        Label recorded in the provenance.

    Returns
    -------
    ThicknessCurve
    """
    x = np.asarray(relative_pressure, dtype=float).ravel()
    t = np.asarray(thickness, dtype=float).ravel()
    if x.size != t.size or x.size < 3:
        raise AnalysisError("a thickness table needs ≥ 3 rows of (p/p0, t) of equal length, "
                            f"got {x.size} and {t.size}")
    if not (np.all(np.isfinite(x)) and np.all(np.isfinite(t))):
        raise AnalysisError("a thickness table must not contain NaN or inf")
    if np.any(x <= 0) or np.any(x >= 1.5):
        raise AnalysisError("thickness table: p/p0 must lie in (0, 1]; is the first column "
                            "the relative pressure?")
    if units not in _LENGTH_FACTORS:
        raise AnalysisError(f"thickness table units must be one of {sorted(_LENGTH_FACTORS)}, "
                            f"not {units!r}")
    order = np.argsort(x)
    x, t = x[order], t[order] * _LENGTH_FACTORS[units]
    if np.any(np.diff(x) <= 0):
        raise AnalysisError("thickness table has duplicate p/p0 values")
    if interpolation not in ("akima", "linear", "pchip"):
        raise AnalysisError("interpolation must be 'akima', 'linear' or 'pchip'")
    if extrapolate not in ("linear", "nan"):
        raise AnalysisError("extrapolate must be 'linear' or 'nan'")
    if interpolation == "akima":
        from scipy.interpolate import Akima1DInterpolator
        inner = Akima1DInterpolator(x, t)
    elif interpolation == "pchip":
        from scipy.interpolate import PchipInterpolator
        inner = PchipInterpolator(x, t)
    else:
        def inner(q):
            return np.interp(q, x, t)
    lo_slope = (t[1] - t[0]) / (x[1] - x[0])
    hi_slope = (t[-1] - t[-2]) / (x[-1] - x[-2])

    def curve(q):
        q = _domain(q)
        out = np.full(q.shape, np.nan)
        ok = np.isfinite(q)
        inside = ok & (q >= x[0]) & (q <= x[-1])
        out[inside] = inner(q[inside])
        if extrapolate == "linear":
            below, above = ok & (q < x[0]), ok & (q > x[-1])
            out[below] = t[0] + lo_slope * (q[below] - x[0])
            out[above] = t[-1] + hi_slope * (q[above] - x[-1])
        return out

    desc = (f"table of {x.size} points, p/p0 {x[0]:.4g}–{x[-1]:.4g}, {interpolation} "
            f"interpolation, {extrapolate} extrapolation")
    return ThicknessCurve(name, curve, desc, (tuple(x.tolist()), tuple(t.tolist())))


def thickness_function(spec="harkins_jura") -> ThicknessCurve:
    """Resolve a thickness specification into a :class:`ThicknessCurve`.

    Parameters
    ----------
    spec : str, callable, ThicknessCurve, array_like or xarray.DataArray
        * a name: ``"harkins_jura"`` (alias ``"hj"``), ``"halsey"``,
          ``"kruk_jaroniec_sayari"`` (alias ``"kjs"``);
        * a callable ``t(x)`` returning nm for an array of p/p0;
        * a table: an (N, 2) array-like of (p/p0, t in nm) rows — a (2, N) array of
          (p/p0 row, t row) is also accepted — interpolated with :func:`thickness_table`;
        * an xarray DataArray of t on a ``relative_pressure`` dim whose ``units`` attr is a
          length (nm or angstrom).

    Returns
    -------
    ThicknessCurve
        Callable ``curve(x) -> t`` in nm.

    Raises
    ------
    AnalysisError
        Unknown name or malformed table.

    Examples
    --------
    >>> from characterization.sorption.thickness import thickness_function
    >>> round(float(thickness_function("harkins_jura")(0.5)), 4)
    0.6462
    >>> curve = thickness_function([[0.1, 0.48], [0.5, 0.79], [0.9, 1.36]])
    >>> round(float(curve(0.5)), 2)
    0.79
    """
    if isinstance(spec, ThicknessCurve):
        return spec
    if isinstance(spec, str):
        key = _ALIASES.get(spec.strip().lower(), spec.strip().lower())
        if key not in THICKNESS_CURVES:
            raise AnalysisError(f"unknown thickness curve {spec!r}; known: "
                                f"{', '.join(THICKNESS_CURVES)} (or pass a callable or a "
                                "(p/p0, t) table)")
        return THICKNESS_CURVES[key]
    if hasattr(spec, "dims") and hasattr(spec, "coords"):  # xarray.DataArray
        if "relative_pressure" not in spec.coords or spec.ndim != 1:
            raise AnalysisError("a thickness DataArray must be 1-D with a 'relative_pressure' "
                                "coordinate")
        units = spec.attrs.get("units")
        if units is None:
            raise AnalysisError("a thickness DataArray needs attrs['units'] (nm or angstrom)")
        return thickness_table(spec["relative_pressure"].values, spec.values, units=units,
                               name=str(spec.name or "table"))
    if callable(spec):
        name = getattr(spec, "__name__", type(spec).__name__)
        return ThicknessCurve(str(name), spec, "user callable, t in nm")
    try:
        arr = np.asarray(spec, dtype=float)
    except (TypeError, ValueError):
        raise AnalysisError(f"cannot interpret {type(spec).__name__} as a thickness curve; "
                            "pass a name, a callable or a (p/p0, t) table") from None
    if arr.ndim == 2 and arr.shape[1] == 2:
        return thickness_table(arr[:, 0], arr[:, 1])
    if arr.ndim == 2 and arr.shape[0] == 2:
        return thickness_table(arr[0], arr[1])
    raise AnalysisError(f"a thickness table must have 2 columns (p/p0, t nm), got shape "
                        f"{arr.shape}")
