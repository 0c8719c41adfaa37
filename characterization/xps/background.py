r"""Inelastic backgrounds of XPS regions: linear, Shirley, Tougaard (:func:`subtract_background`).

The numpy kernels live in :mod:`._background_kernels`; this module crops the region, applies
them over every spectrum of the batch (lazily on dask-chunked input) and records what was done.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from .._api import public
from .._apply import apply_kernel
from ..errors import AnalysisError
from ._background_kernels import (CROSS_SECTIONS, linear_kernel, shirley_kernel,
                                  tougaard_kernel)

BACKGROUNDS = ("linear", "shirley", "tougaard")


def crop_region(ds: xr.Dataset, dim: str, range, function: str) -> xr.Dataset:
    """``ds`` restricted to ``lo <= dim <= hi`` (either axis order); checks the window."""
    if range is None:
        return ds
    try:
        lo, hi = sorted(float(v) for v in range)
    except (TypeError, ValueError):
        raise AnalysisError(f"{function}: range must be a (lo, hi) pair of energies in eV, "
                            f"got {range!r}") from None
    x = ds[dim].values
    keep = (x >= lo) & (x <= hi)
    if keep.sum() < 3:
        raise AnalysisError(f"{function}: range=({lo}, {hi}) eV keeps {int(keep.sum())} points "
                            f"of {dim} (data span {np.nanmin(x):.6g}..{np.nanmax(x):.6g} eV); "
                            "at least 3 are needed")
    return ds.isel({dim: np.flatnonzero(keep)})


def losses_at_high(dim: str, ds: xr.Dataset) -> bool:
    """True when the inelastic tail lies at high values of ``dim`` (binding energy)."""
    if dim == "kinetic_energy" or ds[dim].attrs.get("long_name", "").lower().startswith("kinetic"):
        return False
    return True


def background_of(y: xr.DataArray, x: np.ndarray, dim: str, *, background: str, n_average: int,
                  losses_at_high_x: bool, max_iter: int = 100, tol: float = 1e-6,
                  cross_section: str = "U2", b=None, c=None, d=None) -> dict:
    """Background of every spectrum of ``y`` (DataArray along ``dim``) and per-spectrum extras.

    Returns a dict of DataArrays: ``background`` and, per method, ``background_iterations`` and
    ``background_converged`` (Shirley) or ``tougaard_b`` (Tougaard).
    """
    common = {"x": x, "n_average": n_average, "losses_at_high_x": losses_at_high_x}
    core = [[dim]]
    if background == "linear":
        bg = apply_kernel(linear_kernel, y, input_core_dims=core, output_core_dims=([dim],),
                          kwargs=common)
        return {"background": bg}
    if background == "shirley":
        bg, n_iter, ok = apply_kernel(
            shirley_kernel, y, input_core_dims=core, output_core_dims=([dim], [], []),
            output_dtypes=(float, np.int64, bool),
            kwargs={**common, "max_iter": max_iter, "tol": tol})
        return {"background": bg, "background_iterations": n_iter, "background_converged": ok}
    bg, bb = apply_kernel(
        tougaard_kernel, y, input_core_dims=core, output_core_dims=([dim], []),
        kwargs={**common, "cross_section": cross_section, "b": b, "c": c, "d": d})
    return {"background": bg, "tougaard_b": bb}


def check_background_options(background, n_average, cross_section, function):
    """Validate the shared options; returns the canonical (background, cross_section)."""
    name = str(background).strip().lower()
    if name not in BACKGROUNDS:
        raise AnalysisError(f"{function}: unknown background {background!r}; known: "
                            f"{', '.join(BACKGROUNDS)}")
    cs = str(cross_section).strip().upper().replace(" ", "")
    if cs not in CROSS_SECTIONS:
        raise AnalysisError(f"{function}: unknown Tougaard cross_section {cross_section!r}; "
                            f"known: {', '.join(CROSS_SECTIONS)}")
    if not isinstance(n_average, (int, np.integer)) or n_average < 1:
        raise AnalysisError(f"{function}: n_average must be a positive integer (points averaged "
                            f"at each end), got {n_average!r}")
    return name, cs


@public("xps", transform=True, headline=("background_converged",))
def subtract_background(ds: xr.Dataset, *, background: str = "shirley",
                        range: tuple[float, float] | None = None, n_average: int = 5,
                        max_iter: int = 100, tol: float = 1e-6, cross_section: str = "U2",
                        tougaard_b: float | None = None, tougaard_c: float | None = None,
                        tougaard_d: float | None = None, dim: str | None = None,
                        var: str | None = None) -> xr.Dataset:
    r"""Crop an XPS region and subtract its inelastic background (linear, Shirley, Tougaard).

    Parameters
    ----------
    ds : xarray.Dataset
        XPS spectra ``intensity(..., binding_energy)`` (counts/s), any batch dims, eager or
        dask-chunked along the batch dims. The energy axis may be ascending or descending.
    background : {"shirley", "linear", "tougaard"}
        The background (Notes).
    range : (float, float), optional
        Region on the energy axis, eV (either order); the data are cropped to it and the
        background end points are its first and last points. Default: the whole axis.
    n_average : int
        Points averaged at each end of the region to give the end intensities (CasaXPS "average
        width"); a few points make the background robust against the noise of single points.
    max_iter, tol : int, float
        Shirley iteration limit, and its convergence criterion: the largest change of the
        background in one iteration, relative to the step between the end intensities.
    cross_section : {"U2", "U3"}
        Tougaard universal cross section: ``"U2"`` :math:`K(T) = BT/(C + T^2)^2` (metals and
        oxides; C = 1643 eV²) or ``"U3"``
        :math:`K(T) = BT/((C - T^2)^2 + DT^2)` (polymers; C = 551 eV², D = 436 eV²).
    tougaard_b, tougaard_c, tougaard_d : float, optional
        B (eV²), C (eV²), D (eV²) of the cross section. ``tougaard_c``/``tougaard_d`` default to
        the cross section's values. ``tougaard_b=None`` (default) sets B per spectrum so that
        the background meets the loss end of the region (CasaXPS practice); give 2866 for the
        unscaled U2 universal cross section. The B used is returned as ``tougaard_b``.
    dim, var : str, optional
        Energy dim and intensity variable (default from the XPS convention:
        ``binding_energy``, ``intensity``). A ``kinetic_energy`` axis is handled with the loss
        side at low energies.

    Returns
    -------
    xarray.Dataset
        ``ds`` cropped to ``range``, with ``var`` replaced by the background-subtracted intensity
        (same units) and a new variable ``background`` (same dims and units). Raw ``counts``
        are kept as they are: they are the counts the subtracted intensity's Poisson variance
        comes from. Shirley adds ``background_iterations`` and ``background_converged`` per
        spectrum; Tougaard adds ``tougaard_b`` (eV²). The step is appended to
        ``attrs["preprocessing"]``.

    Notes
    -----
    Energies in loss order: :math:`E_0` the no-loss end of the region (low binding energy),
    :math:`E_1` the loss end; :math:`I_0`, :math:`I_1` the mean intensities over ``n_average``
    points at each end.

    **Linear**: the straight line through :math:`I_0` and :math:`I_1`, each placed at the mean
    energy of the points averaged (so linear data are reproduced exactly).

    **Shirley** (Shirley 1972; iterated as Proctor & Sherwood 1982): the background at
    :math:`E` is proportional to the peak area on the no-loss side of :math:`E`,

    .. math:: B_{k+1}(E) = I_0 + (I_1 - I_0)
              \frac{\int_{E_0}^{E} [y - B_k]\,dE'}{\int_{E_0}^{E_1} [y - B_k]\,dE'},
              \qquad B_0 = I_0,

    iterated until the largest change is below ``tol``·:math:`|I_1 - I_0|` (typically 5–10
    iterations). Integrals are trapezoids on the measured grid (non-uniform grids allowed).
    The area fraction is clipped to [0, 1], so noise cannot push the background outside the
    two end intensities. A spectrum without net area above the background (total integral
    :math:`\le 0`), with NaN, or not converged in ``max_iter`` gets a NaN background and
    ``background_converged=False`` (never a plausible-looking wrong curve).

    **Tougaard** (Tougaard 1989; CasaXPS convention with the end offset):

    .. math:: B(E) = I_0 + B\int_0^{E - E_0} K(T)\,[y(E - T) - I_0]\,dT

    with the universal cross section :math:`K(T) = T / ((C - C'T^2)^2 + DT^2)`, :math:`C' = -1,
    D = 0` for U2 and :math:`C' = 1` for U3. When B is not given (U3's default) it is set per
    spectrum so that the background averaged over the last ``n_average`` points equals
    :math:`I_1`; a spectrum for which that B would be :math:`\le 0` gets NaN. The integral only
    covers the region: intensity lost by electrons from peaks outside the region is missing,
    which is why regions should extend ~30–50 eV on the loss side for Tougaard.

    Assumptions and limitations: a homogeneous sample (Tougaard), one background per region,
    the intensity in counts/s proportional to the electron flux (transmission-corrected or not,
    the background is computed on what is given). The Tougaard integral is an n×n matrix
    product (memory grows as n²; a 3500-point survey needs ~100 MB).

    References
    ----------
    D. A. Shirley, Phys. Rev. B 5 (1972) 4709. A. Proctor, P. M. A. Sherwood, Anal. Chem. 54
    (1982) 13. S. Tougaard, Surf. Interface Anal. 11 (1988) 453; Solid State Commun. 61 (1987)
    547; Surf. Interface Anal. 25 (1997) 137 (U3). N. Fairley, CasaXPS manual, "Backgrounds".

    Examples
    --------
    >>> import characterization as ch
    >>> ds = ch.synthetic.xps.si2p_spectra(2, seed=0)
    >>> out = ch.xps.subtract_background(ds, background="shirley", range=(96, 108))
    >>> bool(out.background_converged.all())
    True
    """
    fname = "xps.subtract_background"
    name, cs = check_background_options(background, n_average, cross_section, fname)
    region = crop_region(ds, dim, range, fname)
    if region[dim].size < 2 * n_average + 1:
        raise AnalysisError(f"{fname}: the region has {region[dim].size} points; n_average="
                            f"{n_average} needs at least {2 * n_average + 1}")
    y = region[var]
    if y.chunks is not None:
        y = y.chunk({dim: -1})
    x = region[dim].values.astype(float)
    b = tougaard_b
    parts = background_of(y, x, dim, background=name, n_average=n_average,
                          losses_at_high_x=losses_at_high(dim, region), max_iter=max_iter,
                          tol=tol, cross_section=cs, b=b, c=tougaard_c, d=tougaard_d)
    units = y.attrs.get("units", "count/s")
    out = region.copy()
    bg = parts.pop("background").transpose(*y.dims)
    out[var] = (y - bg).assign_attrs(y.attrs)
    out["background"] = bg.assign_attrs(units=units, long_name=f"{name.capitalize()} background")
    if "background_iterations" in parts:
        out["background_iterations"] = parts["background_iterations"].assign_attrs(
            units="1", long_name="Shirley iterations")
        out["background_converged"] = parts["background_converged"].assign_attrs(
            units="1", long_name="Shirley background converged")
    if "tougaard_b" in parts:
        out["tougaard_b"] = parts["tougaard_b"].assign_attrs(
            units="eV**2", long_name="Tougaard B")
    out.attrs["method"] = name
    lo_hi = (float(x.min()), float(x.max()))
    recorded = {"range_used": list(lo_hi), "cross_section": cs}
    if name == "tougaard":
        cdef = CROSS_SECTIONS[cs]
        recorded.update(tougaard_c=cdef["C"] if tougaard_c is None else tougaard_c,
                        tougaard_d=cdef["D"] if tougaard_d is None else tougaard_d,
                        tougaard_b=b if b is not None else "matched to the loss end")
    out.attrs["parameters"] = recorded
    return out
