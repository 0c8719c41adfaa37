"""Background (fluorescence baseline) subtraction through pybaselines.

:func:`subtract_background` runs any 1-D algorithm of pybaselines (Erb, 2022–) by name on every
spectrum of a batch. One :class:`pybaselines.Baseline` object is made per call for the shared
x grid and reused for every spectrum (its x validation, sorting and cached matrices are then
paid once); pybaselines 1.2 has no batch API for independent 1-D spectra, so the spectra are
looped over in numpy and, for dask-chunked data, chunk by chunk in parallel. The machinery
(:mod:`characterization._baseline_core`) is shared with
:func:`characterization.xrd.subtract_background`.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from .._api import public
from .._baseline_core import available_methods  # noqa: F401  (public helper, re-exported)
from .._baseline_core import check_method, pybaselines_baseline
from .._steps import signal_last, units_of


@public("raman", transform=True, headline=())
def subtract_background(ds: xr.Dataset, *, method: str = "arpls", dim: str | None = None,
                      var: str | None = None, **options) -> xr.Dataset:
    r"""Estimate and subtract the background (baseline) of every spectrum with pybaselines.

    Parameters
    ----------
    ds : xarray.Dataset
        Raman spectra ``intensity(..., raman_shift)``, any batch dims, eager or dask-chunked
        along batch dims (the signal dim is put in one chunk).
    method : str
        Name of a :class:`pybaselines.Baseline` method: Whittaker smoothers ``"asls"``,
        ``"iasls"``, ``"airpls"``, ``"arpls"``, ``"drpls"``, ``"iarpls"``, ``"aspls"``,
        ``"psalsa"``, ``"derpsalsa"``; polynomial ``"poly"``, ``"modpoly"``, ``"imodpoly"``,
        ``"penalized_poly"``, ``"quant_reg"``, ``"goldindec"``; spline ``"mixture_model"``,
        ``"irsqr"``, ``"pspline_arpls"`` ...; morphological ``"mor"``, ``"imor"``,
        ``"rolling_ball"`` ...; smoothing ``"snip"``, ``"noise_median"`` ...; classification
        ``"dietrich"``, ``"fastchrom"`` ...; ``"beads"``. See :func:`available_methods`.
    dim, var : str, optional
        Signal dim and variable; default ``raman_shift`` and ``intensity``.
    **options
        Keyword arguments of that method, passed unchanged (e.g. ``lam=1e5`` for arpls,
        ``poly_order=3`` for imodpoly, ``max_half_window=40`` for snip). Recorded in the
        provenance.

    Returns
    -------
    xarray.Dataset
        ``ds`` with ``var`` replaced by the background-corrected intensity (same units) and a
        new variable ``background`` (same dims and units). Provenance (method, every option,
        pybaselines version) in attrs; the step is appended to ``attrs["preprocessing"]``.

    Notes
    -----
    arPLS (Baek et al. 2015), the default, minimises for each spectrum

    .. math:: \sum_i w_i (y_i - z_i)^2 + \lambda \sum_i (\Delta^2 z_i)^2

    and re-weights iteratively with a logistic function of the residuals ``d = y - z``,
    ``w_i = 1 / (1 + exp(2 (d_i - (2σ⁻ - μ⁻)) / σ⁻))`` with ``μ⁻``, ``σ⁻`` the mean and
    standard deviation of the negative residuals, so points well above the baseline (bands)
    get weights near 0 and noise around it weights near 1. ``lam`` sets the
    stiffness: it scales roughly with the fourth power of the number of points per feature,
    so a value tuned for one grid (e.g. 1e5 for ~1000 points at 1 cm-1) must be raised for
    finer grids. The x values (``raman_shift``) are passed to pybaselines, which sorts them,
    so descending axes work and polynomial methods use the physical axis.

    One ``pybaselines.Baseline(x)`` is constructed per call and reused for every spectrum.
    With dask, each chunk works on its own copy of that object (pybaselines objects cache
    per-call state and are not safe to share between threads).

    Limitations: every spectrum of the call shares one x grid; a spectrum containing NaN gets
    a NaN baseline and NaN corrected intensity (pybaselines needs finite data); the loop over
    spectra runs in Python (about 1 ms per 1000-point spectrum for arpls), parallel over dask
    chunks. The choice of algorithm and ``lam``/order is the main source of systematic error
    in band areas: record it (done here) and keep it fixed across a study.

    References
    ----------
    S.-J. Baek, A. Park, Y.-J. Ahn, J. Choo, "Baseline correction using asymmetrically
    reweighted penalized least squares smoothing", Analyst 140, 250–257 (2015),
    doi:10.1039/C4AN01061B.
    D. Erb, pybaselines: a Python library of algorithms for the baseline correction of
    experimental data, doi:10.5281/zenodo.5608581, https://pybaselines.readthedocs.io.

    Examples
    --------
    >>> import characterization as ch
    >>> ds = ch.synthetic.peak_spectra(2, seed=0)
    >>> out = ch.raman.subtract_background(ds, method="arpls", lam=1e5)
    >>> sorted(out.data_vars), out.background.attrs["units"]
    (['background', 'intensity'], 'count')
    """
    import pybaselines

    name = check_method(method, "subtract_background")
    da = ds[var]
    y_units = units_of(da, var, "subtract_background")
    src = signal_last(da, dim)
    base = pybaselines_baseline(src, ds[dim].values, dim, name, options, "subtract_background")
    base = base.transpose(*da.dims)
    out = ds.copy(deep=False)
    corrected = (src.transpose(*da.dims) - base).variable
    out[var] = corrected
    out[var].attrs = {**da.attrs, "units": y_units}
    out["background"] = base.variable
    out["background"].attrs = {"units": y_units, "long_name": f"Background ({name})"}
    out.attrs = {"method": name,
                 "parameters": {"options": dict(options),
                                "library": f"pybaselines {pybaselines.__version__}"}}
    return out
