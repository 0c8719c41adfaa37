"""Langmuir and Dubinin–Radushkevich analyses (linearised forms on a chosen range)."""

from __future__ import annotations

import functools

import numpy as np
import xarray as xr

from .._api import public
from ._apply import apply_isotherm_kernel
from ._linear import fit_lines, line_outputs
from .adsorbates import AVOGADRO, GAS_CONSTANT, ds_adsorptive
from .tplot import resolve_liquid_molar_volume as _vm_liq


def _langmuir_axes(x, n):
    """Langmuir plot: x/n against x."""
    return x, x / n


def _dr_axes(x, n, *, rt):
    """DR plot: ln n against A² = (RT ln(1/x))²."""
    return (rt * np.log(1.0 / x)) ** 2, np.log(n)


def _line_kernel(x, n, mask, *, transform, x_range):
    ok = mask & (x > 0) & (x < 1) & (n > 0)
    u, v = transform(np.where(ok, x, np.nan), np.where(ok, n, np.nan))
    select = ok & (x >= x_range[0]) & (x <= x_range[1]) & np.isfinite(u) & np.isfinite(v)
    res = fit_lines(u, v, select)
    return tuple(res[k] for k in ("slope", "intercept", "slope_stderr", "intercept_stderr",
                                  "r_squared", "n_points", "used"))


@public("sorption", headline=("langmuir_area", "langmuir_constant", "r_squared"))
def langmuir(ds: xr.Dataset, *, range=(0.05, 0.3), branch: str = "adsorption",
             cross_section: float | None = None) -> xr.Dataset:
    r"""Langmuir monolayer capacity and area from the linear form on ``range``.

    .. math:: \frac{x}{n} = \frac{1}{K n_m} + \frac{x}{n_m}, \qquad A = n_m N_A \sigma

    with x = p/p0, so K is per unit relative pressure (divide by p0 for 1/pressure). The
    points of ``branch`` with p/p0 inside ``range`` are fitted by least squares.

    Parameters
    ----------
    ds : xarray.Dataset
        Isotherm(s) following the sorption conventions (``amount`` mmol/g), any batch dims.
    range : (float, float)
        p/p0 window of the linear fit (default 0.05–0.3; use the micropore-filling range,
        e.g. 0.001–0.05, for Type I isotherms).
    branch : {"adsorption", "desorption"}
        Branch fitted.
    cross_section : float, optional
        σ in nm² (default: the adsorptive's).

    Returns
    -------
    xarray.Dataset
        ``langmuir_area`` (m²/g), ``monolayer_amount`` (mmol/g), ``langmuir_constant`` (1),
        their standard errors, and the line (``slope``, ``intercept``, ``r_squared``,
        ``n_points``, ``used``).

    Limitations
    -----------
    The Langmuir "area" of a microporous solid is a capacity in disguise (IUPAC 2015); the
    range changes it strongly (compare range (0.05, 0.3) with a micropore-filling range).

    References
    ----------
    .. [1] I. Langmuir, J. Am. Chem. Soc. 40 (1918) 1361.
    """
    gas = ds_adsorptive(ds)
    sigma = float(cross_section) if cross_section is not None else gas.cross_section
    outs = line_outputs("g/mmol", "g/mmol", "Langmuir plot x/n vs x")
    res = apply_isotherm_kernel(ds, _line_kernel, outs, branch=branch,
                                transform=_langmuir_axes, x_range=tuple(range))
    nm = 1.0 / res["slope"]
    s_nm = res["slope_stderr"] / res["slope"] ** 2
    res["monolayer_amount"] = nm.assign_attrs(units="mmol/g", long_name="Langmuir capacity n_m")
    res["monolayer_amount_stderr"] = s_nm.assign_attrs(units="mmol/g",
                                                       long_name="Standard error of n_m")
    per_mmol = 1e-3 * AVOGADRO * sigma * 1e-18          # m² per mmol of monolayer
    res["langmuir_area"] = (nm * per_mmol).assign_attrs(units="m^2/g",
                                                        long_name="Langmuir surface area")
    res["langmuir_area_stderr"] = (s_nm * per_mmol).assign_attrs(
        units="m^2/g", long_name="Standard error of the Langmuir area")
    res["langmuir_constant"] = (res["slope"] / res["intercept"]).assign_attrs(
        units="1", long_name="Langmuir constant K (per unit p/p0)")
    res["success"] = ((res["n_points"] >= 2) & (res["slope"] > 0) &
                      (res["intercept"] > 0)).assign_attrs(units="1",
                                                           long_name="Physical Langmuir fit")
    res.attrs["method"] = "Langmuir (linear form x/n vs x)"
    res.attrs["parameters"] = {"cross_section": sigma, "adsorptive": gas.name}
    return res


@public("sorption", headline=("micropore_volume", "characteristic_energy", "r_squared"))
def dubinin_radushkevich(ds: xr.Dataset, *, range=(1e-5, 0.1), branch: str = "adsorption",
                         liquid_molar_volume=None, density_conversion_factor=None,
                         temperature: float | None = None) -> xr.Dataset:
    r"""Dubinin–Radushkevich micropore volume and characteristic energy.

    .. math:: \ln n = \ln n_0 - \left(\frac{A}{E}\right)^2, \qquad A = R T \ln(p_0/p)

    fitted as ln n against A² (kJ²/mol²) on ``range``; n_0 is the micropore capacity,
    V_micro = n_0 V_m,liq and E = (−1/slope)^½ the characteristic energy (kJ/mol).

    Parameters
    ----------
    ds : xarray.Dataset
        Isotherm(s) following the sorption conventions (``amount`` mmol/g), any batch dims.
    range : (float, float)
        p/p0 window of the linear fit (default 1e-5–0.1, micropore filling).
    branch : {"adsorption", "desorption"}
        Branch fitted.
    liquid_molar_volume : float, optional
        V_m,liq of the adsorbed phase (cm³/mol); default the adsorptive's bulk liquid.
    density_conversion_factor : float, optional
        Micromeritics' DCF (cm³ liquid per cm³ STP), an alternative to
        ``liquid_molar_volume`` (V_m,liq = DCF × 22 414 cm³/mol); not both.
    temperature : float, optional
        K; default the isotherm's ``temperature`` coordinate, else the adsorptive's.

    Returns
    -------
    xarray.Dataset
        ``micropore_capacity`` (mmol/g), ``micropore_volume`` (cm³/g),
        ``characteristic_energy`` (kJ/mol) and the line.

    References
    ----------
    .. [1] M.M. Dubinin, L.V. Radushkevich, Proc. Acad. Sci. USSR 55 (1947) 331.
    """
    gas = ds_adsorptive(ds)
    if temperature is None:
        temperature = (float(ds["temperature"].mean()) if "temperature" in ds.coords
                       else gas.temperature)
    rt = GAS_CONSTANT * float(temperature) * 1e-3  # kJ/mol
    vm = _vm_liq(ds, liquid_molar_volume, density_conversion_factor)
    outs = line_outputs("mol^2/kJ^2", "1", "DR plot ln n vs A²")
    res = apply_isotherm_kernel(
        ds, _line_kernel, outs, branch=branch, x_range=tuple(range),
        transform=functools.partial(_dr_axes, rt=rt))
    n0 = np.exp(res["intercept"])
    res["micropore_capacity"] = n0.assign_attrs(units="mmol/g", long_name="Micropore capacity n_0")
    res["micropore_volume"] = (n0 * 1e-3 * vm).assign_attrs(
        units="cm^3/g", long_name="DR micropore volume (liquid)")
    res["characteristic_energy"] = np.sqrt(-1.0 / res["slope"].where(res["slope"] < 0))\
        .assign_attrs(units="kJ/mol", long_name="Characteristic energy E")
    res["success"] = ((res["n_points"] >= 2) & (res["slope"] < 0)).assign_attrs(
        units="1", long_name="Physical DR fit")
    res.attrs["method"] = "Dubinin-Radushkevich"
    res.attrs["parameters"] = {"temperature": float(temperature), "liquid_molar_volume": vm,
                               "adsorptive": gas.name}
    return res
