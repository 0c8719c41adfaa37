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

import warnings

import numpy as np
import xarray as xr

from .._api import public
from ..errors import AnalysisError
from ._apply import Output, apply_isotherm_kernel
from .adsorbates import Adsorptive, adsorptive as _lookup, ds_adsorptive
from .kelvin import kelvin_constant, kelvin_model

__all__ = ["bjh", "dollimore_heal", "CavitationWarning", "DEFAULT_PORE_WIDTHS",
           "pore_width_grid", "cavitation_window"]

#: Default output grid: 200 log-spaced widths from 1 to 300 nm.
DEFAULT_PORE_WIDTHS = np.geomspace(1.0, 300.0, 200)


class CavitationWarning(UserWarning):
    """The desorption branch closes where cavitation, not pore emptying, controls it."""


def pore_width_grid(pore_widths=None) -> np.ndarray:
    """The validated output grid (nm): ``pore_widths`` or :data:`DEFAULT_PORE_WIDTHS`."""
    if pore_widths is None:
        return DEFAULT_PORE_WIDTHS.copy()
    w = np.asarray(pore_widths, dtype=float).ravel()
    if w.size < 3 or not np.all(np.isfinite(w)) or np.any(w <= 0) or np.any(np.diff(w) <= 0):
        raise AnalysisError("pore_widths must be ≥ 3 positive, strictly increasing widths (nm)")
    return w


def _edges(w):
    """Bin edges around the grid points: geometric midpoints, outer edges mirrored."""
    inner = np.sqrt(w[1:] * w[:-1])
    return np.concatenate([[w[0] ** 2 / inner[0]], inner, [w[-1] ** 2 / inner[-1]]])


def cavitation_window(gas: Adsorptive, temperature: float):
    """p/p0 window of the cavitation-controlled desorption closure, or None if not tabulated.

    N2 at 70–80 K: (0.40, 0.48); Ar at 84–90 K: (0.34, 0.42) (Thommes et al. 2015 [4]_).
    """
    if gas.name == "N2" and 70.0 <= temperature <= 80.0:
        return (0.40, 0.48)
    if gas.name == "Ar" and 84.0 <= temperature <= 90.0:
        return (0.34, 0.42)
    return None


# --------------------------------------------------------------------------------------------
# numpy kernels
# --------------------------------------------------------------------------------------------

def _sorted_branch(x, n, mask, pressure_range):
    """Branch points of each row sorted by decreasing p/p0, duplicates dropped, left-packed.

    The desorption mask already holds the turning point of the loop (see
    :func:`characterization.sorption._apply.isotherm_arrays`).
    """
    good = np.isfinite(x) & np.isfinite(n) & (x > 0) & (x < 1)
    if pressure_range is not None:
        good &= (x >= pressure_range[0]) & (x <= pressure_range[1])
    sel = mask & good
    idx = np.argsort(np.where(sel, -x, np.inf), axis=1, kind="stable")
    xs, ok = np.take_along_axis(x, idx, 1), np.take_along_axis(sel, idx, 1)
    dup = np.zeros_like(ok)
    dup[:, 1:] = ok[:, 1:] & ok[:, :-1] & (xs[:, 1:] >= xs[:, :-1])
    ok &= ~dup
    repack = np.argsort(np.where(ok, np.arange(x.shape[1]), x.shape[1] + 1), axis=1,
                        kind="stable")
    idx = np.take_along_axis(idx, repack, 1)
    ok = np.take_along_axis(ok, repack, 1)
    return (np.take_along_axis(x, idx, 1), np.take_along_axis(n, idx, 1), ok, idx)


def _peak(grid, y):
    """Width of the maximum of y(grid) per row: plateau centre or 3-point parabola in ln w."""
    u = np.log(grid)
    out = np.full(y.shape[0], np.nan)
    for b in range(y.shape[0]):
        yb = np.where(np.isfinite(y[b]), y[b], -np.inf)
        k = int(np.argmax(yb))
        ymax = yb[k]
        if not np.isfinite(ymax) or ymax <= 0:
            continue
        flat = yb >= ymax * (1 - 1e-9)
        a = k
        while a > 0 and flat[a - 1]:
            a -= 1
        z = k
        while z < len(yb) - 1 and flat[z + 1]:
            z += 1
        if z > a or k == 0 or k == len(yb) - 1 or not np.isfinite(yb[k - 1] + yb[k + 1]):
            out[b] = np.exp(0.5 * (u[a] + u[z]))
            continue
        u0, u1, u2 = u[k - 1], u[k], u[k + 1]
        y0, y1, y2 = yb[k - 1], yb[k], yb[k + 1]
        num = (u1 - u0) ** 2 * (y1 - y2) - (u1 - u2) ** 2 * (y1 - y0)
        den = (u1 - u0) * (y1 - y2) - (u1 - u2) * (y1 - y0)
        out[b] = np.exp(u1 - 0.5 * num / den) if den != 0 else grid[k]
    return out


def _classical_kernel(x, n, mask, kconst, *, method, cylinder, factor, thickness, shift, vm,
                      grid, width_range, negative, pressure_range):
    B, P = x.shape
    X, N, ok, idx = _sorted_branch(x, n, mask, pressure_range)
    k = kconst[:, None]
    with np.errstate(divide="ignore", invalid="ignore"):
        rk = np.where(ok, factor * k / -np.log(np.where(ok, X, 0.5)), np.nan)
        t = np.where(ok, thickness(np.where(ok, X, np.nan)), np.nan)
    half = 0.5 * shift
    h = rk + t + half                          # pore radius / half-width at each point
    M = max(int(ok.sum(axis=1).max(initial=0)) - 1, 0)
    vol, area = np.zeros((B, max(M, 1))), np.zeros((B, max(M, 1)))
    lo, hi = np.full((B, max(M, 1)), np.nan), np.full((B, max(M, 1)), np.nan)
    hbar_all = np.full((B, max(M, 1)), np.nan)
    used_all = np.zeros((B, max(M, 1)), bool)
    s_area, s_area_h = np.zeros(B), np.zeros(B)
    n_neg, v_neg = np.zeros(B, int), np.zeros(B)
    active = np.ones(B, bool)
    inc_w, inc_v, inc_a = (np.full((B, P), np.nan) for _ in range(3))
    rows = np.arange(B)
    for i in range(M):
        r1, r2, t1, t2 = rk[:, i], rk[:, i + 1], t[:, i], t[:, i + 1]
        dv = (N[:, i] - N[:, i + 1]) * vm * 1e-3           # cm³(liquid)/g
        dt = t1 - t2
        with np.errstate(divide="ignore", invalid="ignore"):
            if method == "bjh":
                rkb = r1 * r2 * (r1 + r2) / (r1 ** 2 + r2 ** 2)
                tb = thickness(np.exp(-factor * kconst / rkb))
                core = rkb + half
                hb = core + tb
            else:
                rkb, tb = 0.5 * (r1 + r2), 0.5 * (t1 + t2)
                hb = 0.5 * (h[:, i] + h[:, i + 1])
                core = rkb + half + dt
            ratio = (hb / core) ** 2 if cylinder else hb / core
            film = dt * (s_area - tb * s_area_h if cylinder else s_area) * 1e-3
            v = ratio * (dv - film)
        valid = ok[:, i] & ok[:, i + 1] & np.isfinite(v) & (hb > 0) & active
        neg = valid & (v < -1e-9)                           # below any measurable volume
        n_neg += neg
        v_neg += np.where(neg, v, 0.0)
        if negative == "zero":
            v = np.where(neg, 0.0, v)
        elif negative == "stop":
            active &= ~neg
            valid &= ~neg
        v = np.where(valid, v, 0.0)
        with np.errstate(divide="ignore", invalid="ignore"):
            a = np.where(valid, (2e3 if cylinder else 1e3) * v / hb, 0.0)   # m²/g
            s_area += a
            s_area_h += np.where(valid, a / hb, 0.0)
        vol[:, i], area[:, i], used_all[:, i] = v, a, valid
        lo[:, i], hi[:, i], hbar_all[:, i] = 2 * h[:, i + 1], 2 * h[:, i], hb
        j = idx[:, i + 1]
        inc_w[rows[valid], j[valid]] = 2 * hb[valid]
        inc_v[rows[valid], j[valid]] = v[valid]
        inc_a[rows[valid], j[valid]] = a[valid]

    # regrid: volume and area spread uniformly in width over each interval
    edges = _edges(grid)

    def cumulative(q, w):
        width = hi - lo
        with np.errstate(divide="ignore", invalid="ignore"):
            frac = np.where(width[..., None] > 0,
                            np.clip((w - lo[..., None]) / width[..., None], 0.0, 1.0),
                            (w >= lo[..., None]).astype(float))
        frac = np.where(used_all[..., None], frac, 0.0)
        return np.einsum("bi,biw->bw", q, np.nan_to_num(frac))

    cv_e, ca_e = cumulative(vol, edges), cumulative(area, edges)
    dv_dd = np.diff(cv_e, axis=1) / np.diff(edges)
    dlog = np.diff(np.log10(edges))
    dv_dlogd, da_dlogd = np.diff(cv_e, axis=1) / dlog, np.diff(ca_e, axis=1) / dlog
    cum_v, cum_a = cumulative(vol, grid), cumulative(area, grid)
    dbar = 2 * hbar_all
    inr = used_all & (dbar >= width_range[0]) & (dbar <= width_range[1])
    tot_v, tot_a = np.where(inr, vol, 0).sum(1), np.where(inr, area, 0).sum(1)
    with np.errstate(divide="ignore", invalid="ignore"):
        mean_w = np.where(tot_a > 0, (4e3 if cylinder else 2e3) * tot_v / tot_a, np.nan)
    in_grid = (grid >= width_range[0]) & (grid <= width_range[1])
    peak = _peak(grid[in_grid], dv_dd[:, in_grid]) if in_grid.sum() >= 1 else np.full(B, np.nan)
    has = used_all.any(axis=1)
    for arr in (dv_dd, dv_dlogd, da_dlogd, cum_v, cum_a):
        arr[~has] = np.nan
    tot_v, tot_a = np.where(has, tot_v, np.nan), np.where(has, tot_a, np.nan)
    return (dv_dd, dv_dlogd, da_dlogd, cum_v, cum_a, tot_v, tot_a, peak, mean_w,
            n_neg, v_neg, used_all.sum(axis=1), inc_w, inc_v, inc_a)


def _cavitation_kernel(x, n, mask, *, window, warn):
    """Flag a steep desorption closure inside ``window`` with an open loop just above it."""
    flag = np.zeros(x.shape[0], bool)
    if window is None:
        return (flag,)
    lo, hi = window
    for b in range(x.shape[0]):
        good = np.isfinite(x[b]) & np.isfinite(n[b]) & (x[b] > 0) & (x[b] < 1)
        d, a = good & mask[b], good & ~mask[b]
        if d.sum() < 4:
            continue
        od = np.argsort(x[b][d])
        xd, nd = x[b][d][od], n[b][d][od]
        if xd[0] > lo or xd[-1] < hi + 0.05:
            continue
        top = min(hi + 0.15, xd[-1])
        n_lo, n_hi, n_top = np.interp([lo, hi, top], xd, nd)
        drop = n_hi - n_lo
        slope_in = drop / (hi - lo)
        slope_above = max((n_top - n_hi) / (top - hi), 0.0)
        steep = drop > 0.05 * abs(n_hi) and slope_in > 3.0 * slope_above
        closing = True
        if a.sum() >= 4:
            oa = np.argsort(x[b][a])
            xa, na = x[b][a][oa], n[b][a][oa]
            if xa[0] <= lo and xa[-1] >= hi:
                g_lo, g_hi = np.array([n_lo, n_hi]) - np.interp([lo, hi], xa, na)
                closing = g_hi >= 0.3 * drop and g_lo <= 0.5 * g_hi
        flag[b] = steep and closing
    if warn and flag.any():   # lazy (dask) inputs: warn when the chunk is computed
        _warn_cavitation(f"{int(flag.sum())} isotherm(s)", window, stacklevel=2)
    return (flag,)


def _warn_cavitation(which, window, stacklevel):
    warnings.warn(
        f"desorption branch of {which} closes steeply at p/p0 {window[0]:.2f}–{window[1]:.2f}: "
        "evaporation there is controlled by cavitation (tensile-strength effect), so the "
        "desorption PSD peak near 3.4–4 nm is an artefact; use branch='adsorption' "
        "(result variable cavitation_suspected)", CavitationWarning, stacklevel=stacklevel + 1)


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


def _classical(ds, method, *, branch, geometry, thickness, kjs_correction, pore_widths,
               meniscus, width_range, negative, range, adsorptive, temperature,
               surface_tension, liquid_molar_volume, contact_angle):
    if negative not in ("keep", "zero", "stop"):
        raise AnalysisError("negative must be 'keep', 'zero' or 'stop'")
    gas = ds_adsorptive(ds) if adsorptive is None else (
        adsorptive if isinstance(adsorptive, Adsorptive) else _lookup(adsorptive))
    temp, temp_source = _temperature(ds, gas, temperature)
    model = kelvin_model(branch=branch, geometry=geometry, meniscus=meniscus,
                         thickness=thickness, kjs_correction=kjs_correction, adsorptive=gas,
                         temperature=float(np.mean(temp.values)),
                         surface_tension=surface_tension,
                         liquid_molar_volume=liquid_molar_volume, contact_angle=contact_angle)
    kconst = temp.copy(data=kelvin_constant(gas, temperature=temp.values,
                                            surface_tension=surface_tension,
                                            liquid_molar_volume=liquid_molar_volume,
                                            contact_angle=contact_angle))
    vm = gas.liquid_molar_volume if liquid_molar_volume is None else float(liquid_molar_volume)
    grid = pore_width_grid(pore_widths)
    wr = (float(width_range[0]), float(width_range[1]))
    pr = None if range is None else (float(range[0]), float(range[1]))
    cylinder = geometry == "cylinder"
    res = apply_isotherm_kernel(
        ds, _classical_kernel, _pore_outputs(grid, cylinder), branch=branch,
        per_sample={"kconst": kconst}, method=method, cylinder=cylinder, factor=model.factor,
        thickness=model.thickness, shift=model.shift(), vm=vm, grid=grid, width_range=wr,
        negative=negative, pressure_range=pr)
    window = cavitation_window(gas, float(np.mean(temp.values)))
    lazy = ds["amount"].chunks is not None
    cav = apply_isotherm_kernel(
        ds, _cavitation_kernel,
        [Output("cavitation_suspected", "1",
                "Desorption closes steeply in the cavitation window", dtype=bool)],
        branch="desorption", window=window, warn=lazy and branch == "desorption")
    res["cavitation_suspected"] = cav["cavitation_suspected"]
    if not lazy and branch == "desorption" and bool(cav["cavitation_suspected"].any()):
        flagged = cav["cavitation_suspected"]
        names = [str(v) for v in flagged["sample"].values[flagged.values]] if (
            flagged.dims == ("sample",) and "sample" in flagged.coords) else None
        _warn_cavitation(f"samples {names}" if names else
                         f"{int(flagged.sum())} isotherm(s)", window, stacklevel=3)
    point_coords = {c: ds[c] for c in ("relative_pressure", "branch") if c in ds.coords}
    res = res.assign_coords(point_coords)
    res.attrs["method"] = {"bjh": "BJH (Barrett-Joyner-Halenda)",
                           "dh": "Dollimore-Heal"}[method]
    res.attrs["parameters"] = dict(
        kelvin=model.describe(), kelvin_constant_nm=kconst.values, temperature=temp.values,
        temperature_source=temp_source, adsorptive=gas.name,
        surface_tension=gas.surface_tension if surface_tension is None else surface_tension,
        liquid_molar_volume=vm, width_range=wr, range=pr,
        pore_widths={"min": grid[0], "max": grid[-1], "n": grid.size},
        cavitation_window=window, adsorptive_source=gas.source,
        averaging=("weighted Kelvin radius r1 r2 (r1+r2)/(r1²+r2²), t at its pressure"
                   if method == "bjh" else "arithmetic means, core r_K + Δt"))
    return res


_DOC_PARAMS = """
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
        (p/p0, t nm) table, e.g. an instrument's reference curve).
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
        Desorption branch analysed and a steep closure in the cavitation window found.

    Notes
    -----
    Assumptions: rigid, non-intersecting pores of one geometry, open at both ends, filling and
    emptying independently (no pore blocking), a film equal to the flat-surface thickness
    curve, and the Kelvin equation with bulk-liquid γ and V_m. Limitations: widths < ≈ 2 nm are
    meaningless and the Kelvin equation underestimates widths below ≈ 10 nm (use the KJS
    correction or NLDFT for ordered silicas); networks and ink bottles make the desorption
    branch report neck sizes or cavitation (IUPAC 2015 [4]_).
"""


@public("sorption")
def bjh(ds: xr.Dataset, *, branch: str = "desorption", geometry: str = "cylinder",
        thickness="harkins_jura", kjs_correction: bool = False, pore_widths=None,
        meniscus: str | None = None, width_range=(1.7, 300.0), negative: str = "keep",
        range=None, adsorptive=None, temperature=None, surface_tension=None,
        liquid_molar_volume=None, contact_angle: float = 0.0) -> xr.Dataset:
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
    {parameters}
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
                      liquid_molar_volume=liquid_molar_volume, contact_angle=contact_angle)


@public("sorption")
def dollimore_heal(ds: xr.Dataset, *, branch: str = "desorption", geometry: str = "cylinder",
                   thickness="harkins_jura", kjs_correction: bool = False, pore_widths=None,
                   meniscus: str | None = None, width_range=(1.7, 300.0),
                   negative: str = "keep", range=None, adsorptive=None,
                   temperature=None, surface_tension=None, liquid_molar_volume=None,
                   contact_angle: float = 0.0) -> xr.Dataset:
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
    {parameters}
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
                      liquid_molar_volume=liquid_molar_volume, contact_angle=contact_angle)


_PARAMS = _DOC_PARAMS.strip("\n").lstrip() + "\n"
bjh.__doc__ = bjh.__doc__.replace("{parameters}", _PARAMS)
dollimore_heal.__doc__ = dollimore_heal.__doc__.replace("{parameters}", _PARAMS)
