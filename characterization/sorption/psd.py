"""Mesopore size distributions by the Kelvin-equation methods: BJH and Dollimore–Heal.

Both methods walk down one branch of the isotherm from high to low p/p0. In each interval
(x_{i-1} → x_i) the liquid volume given up, ΔV = Δn·V_m, is the sum of (a) the cores of the
pores whose Kelvin width lies between the widths of the two pressures and (b) the thinning, by
Δt = t(x_{i-1}) − t(x_i), of the film left in the pores emptied earlier. With h the pore radius
(cylinder) or half-width (slit), r_K the Kelvin radius (:mod:`.kelvin`), t the film thickness
(:mod:`.thickness`), A_j the wall area of earlier groups (cylinder A = 2V/h, slit A = V/h):

.. math::

    V_{p,i} = R_i\\,\\bigl(\\Delta V_i - \\Delta t_i\\,\\textstyle\\sum_{j<i} c_j A_j\\bigr),
    \\qquad c_j = 1 - \\bar t_i/\\bar h_j\\ \\text{(cylinder)},\\ 1\\ \\text{(slit)}

* **BJH** (Barrett, Joyner, Halenda 1951 [1]_, in the form of Micromeritics' software):
  mean Kelvin radius r̄_K = r₁r₂(r₁+r₂)/(r₁²+r₂²) of the interval ends, t̄ = t at the pressure
  of r̄_K, h̄ = r̄_K + t̄, R = (h̄/r̄_K)² (cylinder) or h̄/r̄_K (slit).
* **Dollimore–Heal** (1964 [2]_): arithmetic means r̄_K, t̄, h̄ = r̄_K + t̄ and
  R = [h̄/(r̄_K + Δt)]² (cylinder) or h̄/(r̄_K + Δt) (slit); the film term Δt ΣA − 2π t̄ Δt ΣL
  is the c_j form above.

Both reproduce the interval tables of a Micromeritics TriStar II report (Sample_A,
user-defined thickness curve, "Standard" correction) to < 0.1 % per interval where the
thickness curve is inside its table. With the KJS correction [3]_, r_K is replaced by
r_K + 0.3 nm (cylinders).

Output is put on a common, log-spaced ``pore_width`` grid (the interval volume spread uniformly
in width between the interval's end widths), so batches are rectangular and dask works.
Negative increments (film correction larger than the volume desorbed — typically a thickness
curve that does not fit the sample, or points below the hysteresis closure) are counted and
reported (``negative_increments``, ``negative_volume``) and kept, zeroed or end the analysis
(``negative="keep" | "zero" | "stop"``, the last as in Micromeritics' BJH).

Desorption branch and cavitation: when the desorption branch of N2 at 77 K closes steeply at
p/p0 ≈ 0.42–0.48 (Ar at 87 K: ≈ 0.34–0.42) the evaporation is controlled by cavitation in
ink-bottle pores (tensile-strength effect), and BJH/DH turn it into a spurious narrow peak at
≈ 3.4–4 nm [4]_. This is detected, reported (``cavitation_suspected``) and warned about
(:class:`CavitationWarning`); use the adsorption branch (or NLDFT) for such samples.

References
----------
.. [1] E.P. Barrett, L.G. Joyner, P.P. Halenda, J. Am. Chem. Soc. 73 (1951) 373.
.. [2] D. Dollimore, G.R. Heal, J. Appl. Chem. 14 (1964) 109.
.. [3] M. Kruk, M. Jaroniec, A. Sayari, Langmuir 13 (1997) 6267.
.. [4] M. Thommes et al., Pure Appl. Chem. 87 (2015) 1051 (IUPAC technical report).
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from .._api import public
from ..errors import AnalysisError
from ._apply import Output, apply_isotherm_kernel
from ._cavitation import (CavitationWarning, cavitation_kernel, cavitation_window,
                          warn_cavitation)
from ._psd_kernels import (DEFAULT_PORE_WIDTHS, _classical_kernel, _edges, _peak,
                           pore_width_grid)
from ._report import report_bjh_options
from .adsorbates import STP_MOLAR_VOLUME, Adsorptive, adsorptive as _lookup, ds_adsorptive
from .kelvin import kelvin_constant, kelvin_model

__all__ = ["bjh", "dollimore_heal", "CavitationWarning", "DEFAULT_PORE_WIDTHS",
           "pore_width_grid", "cavitation_window"]

# --------------------------------------------------------------------------------------------
# xarray wrappers
# --------------------------------------------------------------------------------------------

def _temperature(ds, gas, temperature):
    """Per-sample temperature (K) as a DataArray over batch dims, and its source label."""
    if temperature is not None:
        return xr.DataArray(float(temperature)), "given"
    if "temperature" in ds.coords:
        temp = ds["temperature"]
        units = temp.attrs.get("units", "K")
        if units not in ("K", "kelvin"):
            raise AnalysisError(f"temperature coordinate is in {units!r}; expected K")
        if "point" in temp.dims:
            raise AnalysisError("temperature must be per sample, not per point")
        return temp.reset_coords(drop=True).astype(float).compute(), "from data"  # tiny
    return xr.DataArray(gas.temperature), f"{gas.name} default"


def _pore_outputs(grid, cylinder):
    pw = xr.DataArray(grid, dims="pore_width", attrs={"units": "nm", "long_name": "Pore width"})
    g, c = (len(grid),), {"pore_width": pw}
    shape = "4V/A" if cylinder else "2V/A"
    return [
        Output("dv_dd", "cm^3/g/nm", "dV/dD pore volume", ("pore_width",), g, float, c),
        Output("dv_dlogd", "cm^3/g", "dV/dlog10(D) pore volume", ("pore_width",), g, float, c),
        Output("da_dlogd", "m^2/g", "dA/dlog10(D) pore area", ("pore_width",), g, float, c),
        Output("cumulative_volume", "cm^3/g", "Cumulative pore volume (pores narrower than D)",
               ("pore_width",), g, float, c),
        Output("cumulative_area", "m^2/g", "Cumulative pore area (pores narrower than D)",
               ("pore_width",), g, float, c),
        Output("total_volume", "cm^3/g", "Pore volume within width_range"),
        Output("total_area", "m^2/g", "Pore area within width_range"),
        Output("peak_width", "nm", "Width at the maximum of dV/dD"),
        Output("average_width", "nm", f"Average pore width ({shape}) within width_range"),
        Output("negative_increments", "1", "Number of negative volume increments", dtype=int),
        Output("negative_volume", "cm^3/g", "Sum of the negative volume increments"),
        Output("n_intervals", "1", "Number of pressure intervals used", dtype=int),
        Output("increment_width", "nm", "Mean pore width of the interval ending at this point",
               ("point",), (None,)),
        Output("increment_volume", "cm^3/g", "Pore volume of the interval ending at this point",
               ("point",), (None,)),
        Output("increment_area", "m^2/g", "Pore area of the interval ending at this point",
               ("point",), (None,)),
    ]


def _options(ds, branch, geometry, thickness, meniscus, kjs_correction, faas_correction,
             adsorbate_property_factor, density_conversion_factor, open_fraction,
             liquid_molar_volume):
    """Resolve the Micromeritics-style options (values or "report") into plain values."""
    wanted = [v for v in (thickness, adsorbate_property_factor, density_conversion_factor,
                          open_fraction) if isinstance(v, str) and v == "report"]
    rep = report_bjh_options(ds, branch) if wanted else {}

    def take(value, key, what):
        if isinstance(value, str) and value == "report":
            if key not in rep:
                raise AnalysisError(f"the report's BJH {branch} page states no {what}")
            return rep[key]
        return value

    thickness = take(thickness, "thickness", "thickness curve")
    apf = take(adsorbate_property_factor, "adsorbate_property_factor",
               "adsorbate property factor")
    dcf = take(density_conversion_factor, "density_conversion_factor",
               "density conversion factor")
    phi = take(open_fraction, "open_fraction", "fraction of pores open at both ends")
    if dcf is not None and liquid_molar_volume is not None:
        raise AnalysisError("give liquid_molar_volume or density_conversion_factor, not both")
    if not (isinstance(faas_correction, (bool, np.bool_)) or (
            isinstance(faas_correction, str) and faas_correction == "micromeritics")):
        raise AnalysisError("faas_correction must be True, False or 'micromeritics', not "
                            f"{faas_correction!r}")
    if faas_correction and (kjs_correction or geometry != "cylinder"):
        raise AnalysisError("the Faas correction is a cylindrical-pore BJH option and excludes "
                            "the KJS correction")
    if apf is not None and not float(apf) > 0:
        raise AnalysisError(f"adsorbate_property_factor must be positive (nm), not {apf}")
    factor = None
    if phi is not None:
        phi = float(phi)
        if not 0.0 <= phi <= 1.0:
            raise AnalysisError(f"open_fraction must lie in [0, 1], not {phi}")
        if meniscus is not None or geometry != "cylinder":
            raise AnalysisError("open_fraction sets the meniscus of cylinders; do not also "
                                "give meniscus= (or use geometry='cylinder')")
        factor = 2.0 - phi if branch == "adsorption" else 2.0
    return thickness, (None if apf is None else float(apf)), (
        None if dcf is None else float(dcf)), phi, factor


def _classical(ds, method, *, branch, geometry, thickness, kjs_correction, pore_widths,
               meniscus, width_range, negative, range, adsorptive, temperature,
               surface_tension, liquid_molar_volume, contact_angle, faas_correction=False,
               adsorbate_property_factor=None, density_conversion_factor=None,
               open_fraction=None):
    if negative not in ("keep", "zero", "stop"):
        raise AnalysisError("negative must be 'keep', 'zero' or 'stop'")
    thickness, apf, dcf, phi, factor = _options(
        ds, branch, geometry, thickness, meniscus, kjs_correction, faas_correction,
        adsorbate_property_factor, density_conversion_factor, open_fraction,
        liquid_molar_volume)
    gas = ds_adsorptive(ds) if adsorptive is None else (
        adsorptive if isinstance(adsorptive, Adsorptive) else _lookup(adsorptive))
    temp, temp_source = _temperature(ds, gas, temperature)
    model = kelvin_model(branch=branch, geometry=geometry, meniscus=meniscus,
                         thickness=thickness, kjs_correction=kjs_correction, adsorptive=gas,
                         temperature=float(np.mean(temp.values)),
                         surface_tension=surface_tension,
                         liquid_molar_volume=liquid_molar_volume, contact_angle=contact_angle)
    if apf is not None:          # APF = 2γV_m cosθ/RT, Micromeritics' hemispherical 2k
        kconst = xr.full_like(temp, 0.5 * apf, dtype=float)
    else:
        kconst = temp.copy(data=kelvin_constant(gas, temperature=temp.values,
                                                surface_tension=surface_tension,
                                                liquid_molar_volume=liquid_molar_volume,
                                                contact_angle=contact_angle))
    if dcf is not None:
        vm = dcf * STP_MOLAR_VOLUME
    else:
        vm = gas.liquid_molar_volume if liquid_molar_volume is None else float(
            liquid_molar_volume)
    factor = model.factor if factor is None else factor
    if faas_correction:
        method = "faas"
    grid = pore_width_grid(pore_widths)
    wr = (float(width_range[0]), float(width_range[1]))
    pr = None if range is None else (float(range[0]), float(range[1]))
    cylinder = geometry == "cylinder"
    res = apply_isotherm_kernel(
        ds, _classical_kernel, _pore_outputs(grid, cylinder), branch=branch,
        per_sample={"kconst": kconst}, method=method, cylinder=cylinder, factor=factor,
        thickness=model.thickness, shift=model.shift(), vm=vm, grid=grid, width_range=wr,
        negative=negative, pressure_range=pr,
        keep_end_film=not (faas_correction == "micromeritics" and branch == "adsorption"))
    window = cavitation_window(gas, float(np.mean(temp.values)))
    lazy = ds["amount"].chunks is not None
    cav = apply_isotherm_kernel(
        ds, cavitation_kernel,
        [Output("cavitation_suspected", "1",
                "Hysteresis loop closes steeply in the cavitation range", dtype=bool),
         Output("loop_closure", "1", "p/p0 where the hysteresis loop closes (NaN: no loop)")],
        branch="desorption", window=window, warn=lazy and branch == "desorption")
    res["cavitation_suspected"] = cav["cavitation_suspected"]
    res["loop_closure"] = cav["loop_closure"]
    if not lazy and branch == "desorption" and bool(cav["cavitation_suspected"].any()):
        flagged = cav["cavitation_suspected"]
        names = [str(v) for v in flagged["sample"].values[flagged.values]] if (
            flagged.dims == ("sample",) and "sample" in flagged.coords) else None
        warn_cavitation(f"samples {names}" if names else
                        f"{int(flagged.sum())} isotherm(s)", window, stacklevel=3)
    point_coords = {c: ds[c] for c in ("relative_pressure", "branch") if c in ds.coords}
    res = res.assign_coords(point_coords)
    res.attrs["method"] = {"bjh": "BJH (Barrett-Joyner-Halenda)", "faas": "BJH with the Faas "
                           "correction", "dh": "Dollimore-Heal"}[method]
    res.attrs["parameters"] = dict(
        kelvin=model.describe(), kelvin_constant_nm=kconst.values, temperature=temp.values,
        temperature_source=temp_source, adsorptive=gas.name,
        surface_tension=gas.surface_tension if surface_tension is None else surface_tension,
        liquid_molar_volume=vm, width_range=wr, range=pr, meniscus_factor=factor,
        adsorbate_property_factor=apf, density_conversion_factor=dcf, open_fraction=phi,
        faas_correction=(faas_correction if isinstance(faas_correction, str)
                         else bool(faas_correction)),
        pore_widths={"min": grid[0], "max": grid[-1], "n": grid.size},
        cavitation_window=window, adsorptive_source=gas.source,
        averaging={"bjh": "weighted Kelvin radius r1 r2 (r1+r2)/(r1²+r2²), t at its pressure",
                   "faas": "weighted Kelvin radius, cores widened by the film thinning (Faas)",
                   "dh": "arithmetic means, core r_K + Δt"}[method])
    return res





@public("sorption", headline=("total_volume", "total_area", "peak_width", "average_width"))
def bjh(ds: xr.Dataset, *, branch: str = "desorption", geometry: str = "cylinder",
        thickness="harkins_jura", kjs_correction: bool = False,
        faas_correction: bool | str = False,
        pore_widths=None, meniscus: str | None = None, width_range=(1.7, 300.0),
        negative: str = "keep", range=None, adsorptive=None, temperature=None,
        surface_tension=None, liquid_molar_volume=None, contact_angle: float = 0.0,
        adsorbate_property_factor=None, density_conversion_factor=None,
        open_fraction=None) -> xr.Dataset:
    """Barrett–Joyner–Halenda (BJH) pore-size distribution.

    .. math::

        V_{p,i} = \\Bigl(\\frac{\\bar h_i}{\\bar r_{K,i}}\\Bigr)^2
        \\Bigl(\\Delta V_i - \\Delta t_i \\sum_{j<i} \\bigl(1 - \\bar t_i/\\bar h_j\\bigr) A_j
        \\Bigr), \\quad A_j = 2V_{p,j}/\\bar h_j

    (cylinders; slits: ratio h̄/r̄_K, film term Δt ΣA_j, A_j = V_{p,j}/h̄_j), with
    r̄_K = r₁r₂(r₁+r₂)/(r₁²+r₂²) of the Kelvin radii at the interval ends, t̄ = t(p/p0 of r̄_K)
    and h̄ = r̄_K + t̄ — the averaging of Micromeritics' software, which this reproduces
    interval by interval. The Kelvin radius uses the meniscus of the branch (see
    :mod:`characterization.sorption.kelvin`).

    With ``faas_correction=True`` the walk is the Faas variant of Micromeritics' software
    (:mod:`characterization.sorption._faas`): emptied cores widen as their film thins, the
    film volume is an exact annulus, and intervals where only walls desorb re-estimate the
    thinning instead of producing negative volumes (``negative`` does not apply). Each pore
    group is reported at its core radius at the end of the walk plus the film still left at
    the lowest pressure (the radius of the pore); ``faas_correction="micromeritics"`` drops
    that end film on the adsorption branch, as the vendor's adsorption tables do (validated
    row by row on a 3Flex report; biased low on exact model isotherms, see ``_faas``).

    Parameters
    ----------
    ds : xarray.Dataset
        Isotherm(s) following the sorption conventions (``amount`` in mmol/g), any batch dims.
    branch : {"desorption", "adsorption"}
        Branch analysed. The desorption branch is the classical choice for H1 loops; for H2
        loops (ink bottles, cavitation) use the adsorption branch.
    geometry : {"cylinder", "slit"}
        Pore model: cylinders of diameter D, or slits of width w.
    thickness : str, callable or table
        Film thickness curve, see :func:`characterization.sorption.thickness.thickness_function`
        (``"harkins_jura"``, ``"halsey"``, ``"kruk_jaroniec_sayari"``, a callable in nm, or a
        (p/p0, t nm) table, e.g. an instrument's reference curve); ``"report"``: the curve the
        report's BJH page names (its user-defined table or equation).
    kjs_correction : bool
        Kruk–Jaroniec–Sayari: r_p = r_K + t + 0.3 nm, with the hemispherical Kelvin equation on
        both branches unless ``meniscus`` is given (calibrated on MCM-41 adsorption data with
        the KJS thickness curve). Cylinders only.
    faas_correction : bool or "micromeritics"
        Faas-corrected BJH (cylinders, either branch; not with ``kjs_correction``), the
        "Faas Correction" printed on Micromeritics reports. ``True`` reproduces the vendor's
        desorption tables and recovers model distributions on both branches;
        ``"micromeritics"`` also reproduces the vendor's adsorption tables, which leave out
        the film remaining at the lowest pressure (pore widths and volumes biased low by
        about 2·t(p/p0 min); identical to ``True`` on desorption).
    pore_widths : array_like, optional
        Output grid (nm), strictly increasing; default 200 log-spaced widths 1–300 nm.
    meniscus : {"cylindrical", "hemispherical", "hemicylindrical"}, optional
        Override of the meniscus (default: cylindrical on adsorption, hemispherical on
        desorption for cylinders; hemicylindrical for slits). Micromeritics applies the
        hemispherical form to both branches: pass ``meniscus="hemispherical"`` to compare.
    width_range : (float, float)
        Widths (nm) over which the totals and the peak are taken; an interval counts when its
        mean width lies inside (as in vendor reports). Default 1.7–300 nm.
    negative : {"keep", "zero", "stop"}
        Negative increments are always counted; they are kept in the distribution (default),
        set to zero, or end the analysis at the first one (Micromeritics' BJH behaviour).
    range : (float, float), optional
        Restrict the points used to this p/p0 range. The desorption branch starts at the
        highest adsorption point when that lies above every desorption point (the turning
        point of the loop, as instrument software does).
    adsorptive : str or Adsorptive, optional
        Default: from ``ds.adsorbate`` (N2 when absent).
    temperature : float, optional
        K; default the per-sample ``temperature`` coordinate, else the adsorptive's.
    surface_tension, liquid_molar_volume : float, optional
        mN/m and cm³/mol overrides (the latter also converts amounts to liquid volume:
        V = n·V_m).
    contact_angle : float
        Degrees (0: wetting film).
    adsorbate_property_factor : float or "report", optional
        Micromeritics' adsorbate property factor 2γV_m cosθ/RT in nm (the report prints it in
        Å: 9.53 Å = 0.953 nm); sets the Kelvin constant k = APF/2 directly instead of
        γ, V_m, θ and T. ``"report"``: the value of the report's BJH page for ``branch``.
    density_conversion_factor : float or "report", optional
        Micromeritics' DCF (cm³ liquid per cm³ STP): amounts convert to liquid volume with
        V_m = DCF × 22 414 cm³/mol (the Kelvin constant is unchanged); not together with
        ``liquid_molar_volume``. ``"report"``: the report's value.
    open_fraction : float or "report", optional
        Fraction φ of cylindrical pores open at both ends (Micromeritics' option). Open pores
        fill through a cylindrical meniscus (f = 1), pores closed at one end through a
        hemispherical one (f = 2); on the adsorption branch the Kelvin radius uses the
        mean factor f = 2 − φ, on desorption f = 2 (every pore empties through a
        hemispherical meniscus). The mean factor is an approximation of a two-population
        walk; φ = 0 reproduces Micromeritics' default. Not together with ``meniscus``.

    Returns
    -------
    xarray.Dataset
        On the ``pore_width`` dim (nm): ``dv_dd`` (cm³/g/nm), ``dv_dlogd`` (cm³/g),
        ``da_dlogd`` (m²/g), ``cumulative_volume`` and ``cumulative_area`` (pores narrower than
        the width). Per isotherm: ``total_volume``, ``total_area``, ``average_width``
        (4V/A cylinders, 2V/A slits), ``peak_width`` (maximum of dV/dD in ``width_range``,
        parabolic refinement in ln D), ``negative_increments``, ``negative_volume``,
        ``n_intervals``, ``cavitation_suspected``. On the ``point`` dim, the interval table:
        ``increment_width``, ``increment_volume``, ``increment_area`` at the lower-pressure
        end of each interval. Provenance attrs record every option and property used.

    Warns
    -----
    CavitationWarning
        Desorption branch analysed and the hysteresis loop closes by a steep step near
        the cavitation range of the adsorptive (N2 at 77 K: p/p0 0.40–0.48; see ``loop_closure``).

    Notes
    -----
    Assumptions: rigid, non-intersecting pores of one geometry, open at both ends, filling and
    emptying independently (no pore blocking), a film equal to the flat-surface thickness
    curve, and the Kelvin equation with bulk-liquid γ and V_m. Limitations: widths < ≈ 2 nm are
    meaningless and the Kelvin equation underestimates widths below ≈ 10 nm (use the KJS
    correction or NLDFT for ordered silicas); networks and ink bottles make the desorption
    branch report neck sizes or cavitation (IUPAC 2015 [4]_).

    References
    ----------
    .. [1] E.P. Barrett, L.G. Joyner, P.P. Halenda, J. Am. Chem. Soc. 73 (1951) 373.
    .. [3] M. Kruk, M. Jaroniec, A. Sayari, Langmuir 13 (1997) 6267.
    .. [4] M. Thommes et al., Pure Appl. Chem. 87 (2015) 1051.

    Examples
    --------
    >>> from characterization.synthetic.isotherms import isotherms
    >>> from characterization.sorption.psd import bjh
    >>> ds = isotherms(kind="IV", mesopore_width=8.0, variation=0, noise=0)
    >>> res = bjh(ds, branch="desorption")
    >>> 7.0 < float(res.peak_width[0]) < 9.0
    True
    """
    return _classical(ds, "bjh", branch=branch, geometry=geometry, thickness=thickness,
                      kjs_correction=kjs_correction, pore_widths=pore_widths,
                      meniscus=meniscus, width_range=width_range, negative=negative,
                      range=range, adsorptive=adsorptive,
                      temperature=temperature, surface_tension=surface_tension,
                      liquid_molar_volume=liquid_molar_volume, contact_angle=contact_angle,
                      faas_correction=faas_correction,
                      adsorbate_property_factor=adsorbate_property_factor,
                      density_conversion_factor=density_conversion_factor,
                      open_fraction=open_fraction)


@public("sorption", headline=("total_volume", "total_area", "peak_width", "average_width"))
def dollimore_heal(ds: xr.Dataset, *, branch: str = "desorption", geometry: str = "cylinder",
                   thickness="harkins_jura", kjs_correction: bool = False, pore_widths=None,
                   meniscus: str | None = None, width_range=(1.7, 300.0),
                   negative: str = "keep", range=None, adsorptive=None,
                   temperature=None, surface_tension=None, liquid_molar_volume=None,
                   contact_angle: float = 0.0, adsorbate_property_factor=None,
                   density_conversion_factor=None, open_fraction=None) -> xr.Dataset:
    """Dollimore–Heal (DH) pore-size distribution.

    .. math::

        V_{p,i} = \\Bigl(\\frac{\\bar h_i}{\\bar r_{K,i} + \\Delta t_i}\\Bigr)^2
        \\Bigl(\\Delta V_i - \\Delta t_i \\sum_{j<i} A_j
        + 2\\pi\\,\\bar t_i\\,\\Delta t_i \\sum_{j<i} L_j\\Bigr),
        \\quad L_j = A_j/(2\\pi \\bar h_j)

    (cylinders; slits: ratio h̄/(r̄_K + Δt), no curvature term), with arithmetic means of the
    Kelvin radii, thicknesses and pore radii at the interval ends. The core emptied in the
    interval is taken at the end-of-step radius r̄_K + Δt. The Kelvin radius uses the
    meniscus of the branch (see :mod:`characterization.sorption.kelvin`).
    Parameters
    ----------
    ds : xarray.Dataset
        Isotherm(s) following the sorption conventions (``amount`` in mmol/g), any batch dims.
    branch : {"desorption", "adsorption"}
        Branch analysed. The desorption branch is the classical choice for H1 loops; for H2
        loops (ink bottles, cavitation) use the adsorption branch.
    geometry : {"cylinder", "slit"}
        Pore model: cylinders of diameter D, or slits of width w.
    thickness : str, callable or table
        Film thickness curve, see :func:`characterization.sorption.thickness.thickness_function`
        (``"harkins_jura"``, ``"halsey"``, ``"kruk_jaroniec_sayari"``, a callable in nm, or a
        (p/p0, t nm) table, e.g. an instrument's reference curve); ``"report"``: the curve the
        report's BJH page names (its user-defined table or equation).
    kjs_correction : bool
        Kruk–Jaroniec–Sayari: r_p = r_K + t + 0.3 nm, with the hemispherical Kelvin equation on
        both branches unless ``meniscus`` is given (calibrated on MCM-41 adsorption data with
        the KJS thickness curve). Cylinders only.
    pore_widths : array_like, optional
        Output grid (nm), strictly increasing; default 200 log-spaced widths 1–300 nm.
    meniscus : {"cylindrical", "hemispherical", "hemicylindrical"}, optional
        Override of the meniscus (default: cylindrical on adsorption, hemispherical on
        desorption for cylinders; hemicylindrical for slits). Micromeritics applies the
        hemispherical form to both branches: pass ``meniscus="hemispherical"`` to compare.
    width_range : (float, float)
        Widths (nm) over which the totals and the peak are taken; an interval counts when its
        mean width lies inside (as in vendor reports). Default 1.7–300 nm.
    negative : {"keep", "zero", "stop"}
        Negative increments are always counted; they are kept in the distribution (default),
        set to zero, or end the analysis at the first one (Micromeritics' BJH behaviour).
    range : (float, float), optional
        Restrict the points used to this p/p0 range. The desorption branch starts at the
        highest adsorption point when that lies above every desorption point (the turning
        point of the loop, as instrument software does).
    adsorptive : str or Adsorptive, optional
        Default: from ``ds.adsorbate`` (N2 when absent).
    temperature : float, optional
        K; default the per-sample ``temperature`` coordinate, else the adsorptive's.
    surface_tension, liquid_molar_volume : float, optional
        mN/m and cm³/mol overrides (the latter also converts amounts to liquid volume:
        V = n·V_m).
    contact_angle : float
        Degrees (0: wetting film).
    adsorbate_property_factor : float or "report", optional
        Micromeritics' adsorbate property factor 2γV_m cosθ/RT in nm (the report prints it in
        Å: 9.53 Å = 0.953 nm); sets the Kelvin constant k = APF/2 directly instead of
        γ, V_m, θ and T. ``"report"``: the value of the report's BJH page for ``branch``.
    density_conversion_factor : float or "report", optional
        Micromeritics' DCF (cm³ liquid per cm³ STP): amounts convert to liquid volume with
        V_m = DCF × 22 414 cm³/mol (the Kelvin constant is unchanged); not together with
        ``liquid_molar_volume``. ``"report"``: the report's value.
    open_fraction : float or "report", optional
        Fraction φ of cylindrical pores open at both ends (Micromeritics' option). Open pores
        fill through a cylindrical meniscus (f = 1), pores closed at one end through a
        hemispherical one (f = 2); on the adsorption branch the Kelvin radius uses the
        mean factor f = 2 − φ, on desorption f = 2 (every pore empties through a
        hemispherical meniscus). The mean factor is an approximation of a two-population
        walk; φ = 0 reproduces Micromeritics' default. Not together with ``meniscus``.

    Returns
    -------
    xarray.Dataset
        On the ``pore_width`` dim (nm): ``dv_dd`` (cm³/g/nm), ``dv_dlogd`` (cm³/g),
        ``da_dlogd`` (m²/g), ``cumulative_volume`` and ``cumulative_area`` (pores narrower than
        the width). Per isotherm: ``total_volume``, ``total_area``, ``average_width``
        (4V/A cylinders, 2V/A slits), ``peak_width`` (maximum of dV/dD in ``width_range``,
        parabolic refinement in ln D), ``negative_increments``, ``negative_volume``,
        ``n_intervals``, ``cavitation_suspected``. On the ``point`` dim, the interval table:
        ``increment_width``, ``increment_volume``, ``increment_area`` at the lower-pressure
        end of each interval. Provenance attrs record every option and property used.

    Warns
    -----
    CavitationWarning
        Desorption branch analysed and the hysteresis loop closes by a steep step near
        the cavitation range of the adsorptive (N2 at 77 K: p/p0 0.40–0.48; see ``loop_closure``).

    Notes
    -----
    Assumptions: rigid, non-intersecting pores of one geometry, open at both ends, filling and
    emptying independently (no pore blocking), a film equal to the flat-surface thickness
    curve, and the Kelvin equation with bulk-liquid γ and V_m. Limitations: widths < ≈ 2 nm are
    meaningless and the Kelvin equation underestimates widths below ≈ 10 nm (use the KJS
    correction or NLDFT for ordered silicas); networks and ink bottles make the desorption
    branch report neck sizes or cavitation (IUPAC 2015 [4]_).

    References
    ----------
    .. [2] D. Dollimore, G.R. Heal, J. Appl. Chem. 14 (1964) 109.
    .. [3] M. Kruk, M. Jaroniec, A. Sayari, Langmuir 13 (1997) 6267.
    .. [4] M. Thommes et al., Pure Appl. Chem. 87 (2015) 1051.

    Examples
    --------
    >>> from characterization.synthetic.isotherms import isotherms
    >>> from characterization.sorption.psd import dollimore_heal
    >>> ds = isotherms(kind="IV", mesopore_width=8.0, variation=0, noise=0)
    >>> res = dollimore_heal(ds, branch="desorption")
    >>> 7.0 < float(res.peak_width[0]) < 9.0
    True
    """
    return _classical(ds, "dh", branch=branch, geometry=geometry, thickness=thickness,
                      kjs_correction=kjs_correction, pore_widths=pore_widths,
                      meniscus=meniscus, width_range=width_range, negative=negative,
                      range=range, adsorptive=adsorptive,
                      temperature=temperature, surface_tension=surface_tension,
                      liquid_molar_volume=liquid_molar_volume, contact_angle=contact_angle,
                      adsorbate_property_factor=adsorbate_property_factor,
                      density_conversion_factor=density_conversion_factor,
                      open_fraction=open_fraction)

