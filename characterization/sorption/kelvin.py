"""The Kelvin equation and the pore width at which a pore fills or empties.

Capillary condensation (adsorption) and evaporation (desorption) in a mesopore happen at the
relative pressure x = p/p0 given by the Kelvin equation for the curved liquid–vapour meniscus
of the pore *core* (the pore minus the adsorbed film of statistical thickness t):

.. math::

    \\ln x = -\\frac{f\\,\\gamma\\,V_m\\cos\\theta}{R\\,T\\,r_K}
    \\quad\\Longleftrightarrow\\quad r_K = \\frac{f\\,k}{-\\ln x},
    \\qquad k = \\frac{\\gamma V_m \\cos\\theta}{R T}

with γ the liquid surface tension, V_m its molar volume, θ the contact angle (0 for a wetting
film), and f the meniscus factor: f = 1 for a cylindrical (sleeve) meniscus — condensation in
an open cylinder on the adsorption branch (Cohan 1938), and the hemicylindrical meniscus of a
slit on both branches — and f = 2 for a hemispherical meniscus — evaporation from a cylinder on
the desorption branch. k is ≈ 0.479 nm for N2 at 77.35 K (Micromeritics' "adsorbate property
factor" is 2k ≈ 9.53 Å).

Pore width from the Kelvin radius (``geometry``):

* cylinder: D = 2 (r_K + t) ; with the KJS correction [3]_ D = 2 (r_K + t + 0.3 nm).
* slit: w = 2 r_K + 2 t (r_K is the half-width of the core, f = 1).

Assumptions and limits: a rigid pore, a bulk-liquid surface tension and density in the core,
a film equal to that on a flat surface; the Kelvin equation underestimates widths below ≈ 10 nm
(by ≈ 1 nm in the 2–6 nm range for N2; the KJS correction was calibrated on MCM-41 to repair
this for the adsorption branch of cylindrical silica pores) and is meaningless below ≈ 2 nm.
On the desorption branch, evaporation below p/p0 ≈ 0.42 (N2, 77 K) or ≈ 0.38 (Ar, 87 K) is
limited by cavitation (tensile-strength effect), not by the Kelvin equation [4]_.

References
----------
.. [1] W. Thomson (Lord Kelvin), Phil. Mag. 42 (1871) 448.
.. [2] L.H. Cohan, J. Am. Chem. Soc. 60 (1938) 433 (meniscus shape per branch).
.. [3] M. Kruk, M. Jaroniec, A. Sayari, Langmuir 13 (1997) 6267.
.. [4] M. Thommes et al., Pure Appl. Chem. 87 (2015) 1051 (IUPAC technical report).
"""

from __future__ import annotations

import dataclasses

import numpy as np

from ..errors import AnalysisError
from .adsorbates import GAS_CONSTANT, Adsorptive, adsorptive as _lookup
from .thickness import ThicknessCurve, thickness_function

__all__ = ["MENISCUS_FACTORS", "GEOMETRIES", "KJS_SHIFT_NM", "default_meniscus",
           "kelvin_constant", "kelvin_radius", "kelvin_pressure", "KelvinModel", "kelvin_model"]

#: Meniscus factor f of the Kelvin equation ln x = −f k / r_K.
MENISCUS_FACTORS = {"cylindrical": 1.0, "hemicylindrical": 1.0, "hemispherical": 2.0}
#: Pore geometries of the Kelvin-equation methods.
GEOMETRIES = ("cylinder", "slit")
#: Empirical radius correction of Kruk, Jaroniec & Sayari (1997), nm.
KJS_SHIFT_NM = 0.3


def default_meniscus(branch: str, geometry: str = "cylinder") -> str:
    """The meniscus of the classical model for a branch and pore geometry.

    cylinder: ``"cylindrical"`` on adsorption (condensation on a sleeve-shaped film),
    ``"hemispherical"`` on desorption (evaporation from a filled, capped pore); slit:
    ``"hemicylindrical"`` on both branches.
    """
    _check_geometry(geometry)
    if branch not in ("adsorption", "desorption"):
        raise AnalysisError(f"branch must be 'adsorption' or 'desorption', not {branch!r}")
    if geometry == "slit":
        return "hemicylindrical"
    return "cylindrical" if branch == "adsorption" else "hemispherical"


def _check_geometry(geometry):
    if geometry not in GEOMETRIES:
        raise AnalysisError(f"geometry must be one of {GEOMETRIES}, not {geometry!r}")


def _factor(meniscus):
    try:
        return MENISCUS_FACTORS[meniscus]
    except KeyError:
        raise AnalysisError(f"meniscus must be one of {sorted(MENISCUS_FACTORS)}, "
                            f"not {meniscus!r}") from None


def kelvin_constant(adsorptive="N2", *, temperature=None, surface_tension=None,
                    liquid_molar_volume=None, contact_angle=0.0):
    """k = γ V_m cos θ / (R T) in nm (array if ``temperature`` is an array).

    Parameters
    ----------
    adsorptive : str or Adsorptive
        Supplies γ (mN/m), V_m (cm³/mol) and the default temperature (K).
    temperature, surface_tension, liquid_molar_volume : float or array, optional
        Overrides (K, mN/m, cm³/mol).
    contact_angle : float
        θ in degrees (0 for a wetting film).
    """
    gas = adsorptive if isinstance(adsorptive, Adsorptive) else _lookup(adsorptive)
    temp = np.asarray(gas.temperature if temperature is None else temperature, dtype=float)
    gamma = gas.surface_tension if surface_tension is None else float(surface_tension)
    vm = gas.liquid_molar_volume if liquid_molar_volume is None else float(liquid_molar_volume)
    if np.any(temp <= 0) or gamma <= 0 or vm <= 0:
        raise AnalysisError("temperature, surface tension and molar volume must be positive")
    # (N/m)·(m³/mol) / (J/mol) = m; ×1e9 → nm
    k = gamma * 1e-3 * vm * 1e-6 * np.cos(np.deg2rad(contact_angle)) / (GAS_CONSTANT * temp)
    return k * 1e9


def kelvin_radius(x, *, meniscus="hemispherical", constant=None, **properties):
    """Kelvin (core) radius r_K = f k / (−ln x) in nm; NaN outside 0 < x < 1.

    ``constant`` is k in nm; otherwise it is computed by :func:`kelvin_constant` from
    ``properties`` (adsorptive, temperature, surface_tension, liquid_molar_volume,
    contact_angle).
    """
    k = kelvin_constant(**properties) if constant is None else constant
    x = np.asarray(x, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        u = np.where((x > 0) & (x < 1), -np.log(x), np.nan)
        return _factor(meniscus) * k / u


def kelvin_pressure(radius, *, meniscus="hemispherical", constant=None, **properties):
    """Inverse of :func:`kelvin_radius`: x = exp(−f k / r_K) for a core radius in nm."""
    k = kelvin_constant(**properties) if constant is None else constant
    r = np.asarray(radius, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(r > 0, np.exp(-_factor(meniscus) * k / r), np.nan)


@dataclasses.dataclass(frozen=True, eq=False)
class KelvinModel:
    """Pore width ↔ relative pressure for one branch, geometry, meniscus and thickness curve.

    Attributes
    ----------
    geometry : {"cylinder", "slit"}
    meniscus : {"cylindrical", "hemicylindrical", "hemispherical"}
    constant : float
        k = γ V_m cos θ/(R T) in nm.
    thickness : ThicknessCurve
    kjs_correction : bool
        Add 2 × 0.3 nm to cylinder diameters (Kruk–Jaroniec–Sayari).
    """

    geometry: str
    meniscus: str
    constant: float
    thickness: ThicknessCurve
    kjs_correction: bool = False

    @property
    def factor(self) -> float:
        return _factor(self.meniscus)

    def kelvin_radius(self, x):
        """Core radius r_K (nm) at p/p0 ``x``."""
        return kelvin_radius(x, meniscus=self.meniscus, constant=self.constant)

    def shift(self) -> float:
        """Constant added to the width (nm): 0.6 with the KJS correction, else 0."""
        return 2 * KJS_SHIFT_NM if self.kjs_correction else 0.0

    def width(self, x):
        """Pore width (nm) that fills/empties at p/p0 ``x``: 2 (r_K + t) [+ 0.6 nm KJS]."""
        return 2.0 * (self.kelvin_radius(x) + self.thickness(x)) + self.shift()

    def pressure(self, width, *, tol: float = 1e-12):
        """Inverse of :meth:`width`: p/p0 at which a pore of ``width`` nm fills/empties.

        Solved by bisection on u = −ln x (the width decreases monotonically with u for any
        thickness curve increasing with x). Widths too small to have a Kelvin pressure give NaN.
        """
        w = np.asarray(width, dtype=float)
        lo = np.full(w.shape, 1e-9)   # u small: x → 1, huge width
        hi = np.full(w.shape, 60.0)   # u large: x → 0, width → 2 t(0) + shift
        f_hi = self.width(np.exp(-hi))
        bad = ~(w > np.nan_to_num(f_hi, nan=0.0))
        for _ in range(200):
            mid = 0.5 * (lo + hi)
            above = self.width(np.exp(-mid)) > w
            lo = np.where(above, mid, lo)
            hi = np.where(above, hi, mid)
            if np.all(hi - lo < tol):
                break
        out = np.exp(-0.5 * (lo + hi))
        return np.where(bad | ~np.isfinite(w), np.nan, out)

    def describe(self) -> dict:
        """JSON-able description for provenance."""
        return {"geometry": self.geometry, "meniscus": self.meniscus,
                "meniscus_factor": self.factor, "kelvin_constant_nm": self.constant,
                "thickness": self.thickness.describe(), "kjs_correction": self.kjs_correction}


def kelvin_model(*, branch="desorption", geometry="cylinder", meniscus=None,
                 thickness="harkins_jura", kjs_correction=False, adsorptive="N2",
                 temperature=None, surface_tension=None, liquid_molar_volume=None,
                 contact_angle=0.0) -> KelvinModel:
    """Build a :class:`KelvinModel` with the classical meniscus of ``branch`` and ``geometry``.

    Parameters
    ----------
    branch : {"adsorption", "desorption"}
        Selects the default meniscus (:func:`default_meniscus`).
    geometry : {"cylinder", "slit"}
    meniscus : str, optional
        Override of the meniscus, e.g. ``"hemispherical"`` on the adsorption branch to mimic
        software that applies the desorption form to both branches (Micromeritics BJH) or for
        the KJS method, which was calibrated with the hemispherical form on adsorption data.
    thickness : str, callable or table
        See :func:`~characterization.sorption.thickness.thickness_function`.
    kjs_correction : bool
        r_p = r_K + t + 0.3 nm (cylinders only). Kruk, Jaroniec & Sayari calibrated it on
        MCM-41 *adsorption* data with r_K from the hemispherical Kelvin equation and their own
        thickness curve; with ``meniscus=None`` the hemispherical meniscus is therefore used on
        both branches when the correction is on.
    adsorptive, temperature, surface_tension, liquid_molar_volume, contact_angle
        See :func:`kelvin_constant`; ``temperature`` must be a scalar here.
    """
    _check_geometry(geometry)
    if kjs_correction and geometry != "cylinder":
        raise AnalysisError("the KJS correction was derived for cylindrical pores; use "
                            "geometry='cylinder' or kjs_correction=False")
    if meniscus is None:
        meniscus = "hemispherical" if kjs_correction else default_meniscus(branch, geometry)
    _factor(meniscus)
    k = float(kelvin_constant(adsorptive, temperature=temperature,
                              surface_tension=surface_tension,
                              liquid_molar_volume=liquid_molar_volume,
                              contact_angle=contact_angle))
    return KelvinModel(geometry, meniscus, k, thickness_function(thickness), bool(kjs_correction))
