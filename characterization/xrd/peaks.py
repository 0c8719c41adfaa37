r"""Peak fitting of XRD patterns with Kα1/Kα2 doublets, giving a line-broadening peak table.

:func:`fit_pattern` fits one Kα1/Kα2 doublet (:class:`~characterization.fit.lineshapes.
_doublet.KAlphaPseudoVoigt`) per reflection with the batched engine
:func:`characterization.fit.fit_peaks`; the Kα2 line sits at

.. math:: 2\theta_2 = 2\arcsin\!\left(\frac{\lambda_2}{\lambda_1}\sin\theta_1\right)

with the same FWHM and shape and ``alpha2_ratio`` times the Kα1 area (both ratios fixed from
the pattern's ``wavelength``, ``wavelength_alpha2``, ``alpha2_ratio`` coords). Reported
positions, widths, heights and areas are those of the Kα1 component, which is what Scherrer
and Williamson–Hall analyses need (no separate Kα2 stripping, e.g. Rachinger 1948, is needed).
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from .._api import public
from ..errors import AnalysisError

__all__ = ["fit_pattern"]

_SHAPES = {"pseudo_voigt": "kalpha_pseudo_voigt"}


def _scalar_coord(ds, name):
    if name not in ds.coords or ds[name].ndim != 0:
        return None
    value = float(ds[name])
    return value if np.isfinite(value) else None


def _example_pattern(n_sample=3, seed=0, centers=(28.44, 47.30, 56.12), fwhm=(0.12, 0.14, 0.16),
                     area=(40.0, 25.0, 15.0), eta=0.5, background=20.0, noise=True):
    """Synthetic Cu Kα1/Kα2 pattern (sample, two_theta) with Poisson noise."""
    from ..fit import get_lineshape
    from ..io._xrd import CU_KALPHA1, CU_KALPHA2, CU_RATIO

    rng = np.random.default_rng(seed)
    x = np.round(np.arange(25.0, 60.0, 0.01), 6)
    shape = get_lineshape("kalpha_pseudo_voigt")
    k = CU_KALPHA2 / CU_KALPHA1
    y = np.full((n_sample, x.size), float(background))
    for c, f, a in zip(centers, fwhm, area):
        scale = 1.0 + 0.05 * np.arange(n_sample)[:, None]
        theta = [np.full((n_sample, 1), f) * scale, np.full((n_sample, 1), eta),
                 np.full((n_sample, 1), k), np.full((n_sample, 1), CU_RATIO)]
        y += shape.evaluate(x, np.full((n_sample, 1), a * 100.0), np.full((n_sample, 1), c), theta)
    if noise:
        y = rng.poisson(y).astype(float)
    ds = xr.Dataset(
        {"intensity": (("sample", "two_theta"), y, {"units": "count", "long_name": "Intensity"})},
        coords={"sample": [f"s{i}" for i in range(n_sample)],
                "two_theta": ("two_theta", x, {"units": "deg", "long_name": "2θ"}),
                "wavelength": ((), CU_KALPHA1, {"units": "angstrom", "long_name": "Wavelength Kα1"}),
                "wavelength_alpha2": ((), CU_KALPHA2, {"units": "angstrom",
                                                       "long_name": "Wavelength Kα2"}),
                "alpha2_ratio": ((), CU_RATIO, {"units": "1",
                                                "long_name": "Kα2/Kα1 intensity ratio"})},
        attrs={"technique": "xrd"})
    return ds


def _example():
    return _example_pattern(), {"peaks": [28.44, 47.30, 56.12]}


@public("xrd", example=_example)
def fit_pattern(ds: xr.Dataset, *, peaks, shape: str = "pseudo_voigt", kalpha2: bool = True,
                background="chebyshev(3)", window=None, fwhm=None, eta: float = 0.5,
                max_shift: float | None = None, weights="poisson", names=None,
                **fit_kwargs) -> xr.Dataset:
    r"""Fit Kα1/Kα2 pseudo-Voigt doublets to XRD patterns and return a peak table.

    Every pattern (any batch dims) is fitted at once by :func:`characterization.fit.fit_peaks`
    with the model

    .. math:: y(2\theta) = b(2\theta) + \sum_j A_j\,\bigl[p(2\theta - 2\theta_{1j}) +
              R\,p(2\theta - 2\theta_{2j})\bigr], \quad
              2\theta_{2j} = 2\arcsin\bigl(\tfrac{\lambda_2}{\lambda_1}\sin\theta_{1j}\bigr)

    ``p`` a unit-area pseudo-Voigt of FWHM ``F_j`` and Lorentzian fraction ``eta_j``, ``R``
    the Kα2/Kα1 intensity ratio and ``b`` the background, over the range
    ``[min(peaks) - window, max(peaks) + window]``.

    Parameters
    ----------
    ds : xarray.Dataset
        XRD patterns: dim ``two_theta`` (deg), variable ``intensity``, scalar coords
        ``wavelength`` (Kα1, Å) and, for the doublet, ``wavelength_alpha2`` (Å) and
        ``alpha2_ratio`` (as made by the readers of :mod:`characterization.io`).
    peaks : sequence of float
        Approximate Kα1 positions 2θ (deg), one per reflection (starting values).
    shape : {"pseudo_voigt"}
        Profile of each line.
    kalpha2 : bool
        Fit Kα1/Kα2 doublets (default). Without Kα2 information in ``ds`` or with False,
        single pseudo-Voigts are fitted.
    background : str
        Background model (see :class:`characterization.fit.Background`).
    window : float, optional
        Margin (deg) around the outermost peaks; default ``max(1.0, 10 * fwhm)``.
    fwhm : float, optional
        Starting FWHM (deg); default guessed from the data.
    eta : float
        Starting Lorentzian fraction.
    max_shift : float, optional
        If given, each Kα1 position is bounded to ``peaks[j] ± max_shift`` (deg).
    weights : None or "poisson"
        Residual weights passed to ``fit_peaks`` (default counting statistics).
    names : sequence of str, optional
        Labels of the peaks (e.g. ``["111", "220"]``); default ``p0, p1, ...``.
    **fit_kwargs
        Passed to :func:`characterization.fit.fit_peaks` (``max_nfev``, ``components`` ...).

    Returns
    -------
    xarray.Dataset
        The ``fit_peaks`` result (``value``, ``stderr``, ``best_fit`` ...) plus a peak table
        on the ``peak`` dim: ``center``, ``fwhm`` (deg, Kα1), ``eta``, ``height``, ``area``
        (Kα1 only; the doublet's total area is ``area * (1 + alpha2_ratio)``) with
        ``*_stderr``, and the ``wavelength`` coord, so that
        :func:`characterization.xrd.scherrer` and :func:`~characterization.xrd.williamson_hall`
        accept it directly.

    References
    ----------
    G. Hölzer et al., Phys. Rev. A 56, 4554 (1997) (Cu Kα lines); P. Thompson, D. E. Cox,
    J. B. Hastings, J. Appl. Cryst. 20, 79 (1987) (pseudo-Voigt); W. A. Rachinger,
    J. Sci. Instrum. 25, 254 (1948).

    Examples
    --------
    >>> from characterization import xrd
    >>> from characterization.xrd.peaks import _example_pattern
    >>> res = xrd.fit_pattern(_example_pattern(), peaks=[28.44, 47.30, 56.12])
    >>> xrd.scherrer(res).crystallite_size.dims
    ('sample', 'peak')
    """
    from ..fit import Model, Param, Peak, fit_peaks
    from ..fit.lineshapes import canonical_name

    if not isinstance(ds, xr.Dataset):
        raise AnalysisError(f"fit_pattern needs an xarray.Dataset, got {type(ds).__name__}")
    positions = np.atleast_1d(np.asarray(peaks, dtype=float))
    if positions.ndim != 1 or positions.size == 0 or not np.all(np.isfinite(positions)):
        raise AnalysisError(f"peaks must be a non-empty sequence of finite 2θ, got {peaks!r}")
    if "two_theta" in ds.coords:
        tt = np.asarray(ds["two_theta"].values, dtype=float)
        lo, hi = float(np.nanmin(tt)), float(np.nanmax(tt))
        outside = positions[(positions < lo) | (positions > hi)]
        if outside.size:
            raise AnalysisError(f"peaks {outside.tolist()} lie outside the measured 2θ range "
                                f"{lo:.4g}–{hi:.4g}°")
    key = canonical_name(shape)
    if key not in _SHAPES:
        raise AnalysisError(f"shape must be one of {sorted(_SHAPES)}, got {shape!r}")
    if "wavelength" not in ds.variables:
        raise AnalysisError("fit_pattern needs a 'wavelength' coord (Kα1, Å)")
    lam1 = _scalar_coord(ds, "wavelength")
    lam2 = _scalar_coord(ds, "wavelength_alpha2")
    ratio = _scalar_coord(ds, "alpha2_ratio")
    doublet = bool(kalpha2) and lam1 is not None and lam2 is not None and ratio is not None
    labels = [f"p{j}" for j in range(positions.size)] if names is None else list(names)
    if len(labels) != positions.size:
        raise AnalysisError("names must have one label per peak")
    peak_list = []
    for j, pos in enumerate(positions):
        params = {"eta": Param(eta, min=0.0, max=1.0)}
        if fwhm is not None:
            params["fwhm"] = Param(float(fwhm), min=0.0)
        center = pos if max_shift is None else Param(pos, min=pos - max_shift,
                                                     max=pos + max_shift)
        if doublet:
            params["wavelength_ratio"] = Param(lam2 / lam1, vary=False)
            params["alpha2_ratio"] = Param(ratio, vary=False)
        peak_list.append(Peak(f"p{j}", _SHAPES[key] if doublet else key, center=center,
                              **params))
    model = Model(peak_list, background=background)
    if window is None:
        window = max(1.0, 10.0 * float(fwhm)) if fwhm is not None else 1.0
    lo, hi = positions.min() - float(window), positions.max() + float(window)
    res = fit_peaks(ds, model, dim="two_theta", var="intensity", range=(lo, hi),
                    weights=weights, **fit_kwargs)
    names_eta = [f"p{j}.eta" for j in range(positions.size)]
    eta_v = res["value"].sel(param=names_eta).rename(param="peak")
    eta_s = res["stderr"].sel(param=names_eta).rename(param="peak")
    eta_v = eta_v.drop_vars([c for c in eta_v.coords if "param" in c or c == "peak"],
                            errors="ignore").assign_coords(peak=res["peak"].values)
    eta_s = eta_s.drop_vars([c for c in eta_s.coords if "param" in c or c == "peak"],
                            errors="ignore").assign_coords(peak=res["peak"].values)
    res = res.assign(eta=eta_v.assign_attrs(units="1", long_name="Lorentzian fraction"),
                     eta_stderr=eta_s.assign_attrs(units="1",
                                                   long_name="standard error of eta"))
    res = res.assign_coords(peak=labels)
    for name in ("wavelength", "wavelength_alpha2", "alpha2_ratio"):
        if name in ds.coords and name not in res.coords:
            res = res.assign_coords({name: ds[name]})
    res.attrs["kalpha2"] = int(doublet)
    return res
