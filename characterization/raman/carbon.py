r"""Carbon D/G band analysis: batched band fitting, I_D/I_G and the in-plane crystallite size.

:func:`fit_carbon` fits a band model (presets in :mod:`.carbon_models`) to every spectrum of
a Dataset in one batched call of the fit engine, optionally compares several models and keeps
the one with the lowest BIC per spectrum, and returns per-band values and the D/G intensity
ratios with their standard errors. :func:`crystallite_size` turns the ratio into La with the
Cançado or the Tuinstra–Koenig relation.

A D/G ratio is only meaningful together with the band model, the ratio kind (height or area)
and the baseline: on one disordered-carbon spectrum the height ratio can range from about 1
to 2 and the area ratio from about 2 to 6 across common models. Every result records all
three in its attrs.
"""

from __future__ import annotations

import json
import warnings

import numpy as np
import xarray as xr

from .._api import public
from .._apply import apply_kernel
from ..errors import AnalysisError
from . import _carbon_inputs as I
from . import _carbon_kernel as K
from .carbon_models import optional_bands

_PEAK_ORDER = ("D4", "D1", "D3", "G", "D2", "2D")


@public("raman")
def fit_carbon(ds: xr.Dataset, *, model="4band", range=None, background="linear", include=(),
               laser_wavelength: float | None = None, weights=None, best_fit: bool = True,
               fit_kwargs: dict | None = None, dim: str | None = None,
               var: str | None = None) -> xr.Dataset:
    r"""Fit D/G band models to every carbon Raman spectrum at once; I_D/I_G with errors.

    Every spectrum is fitted, in one batched Levenberg–Marquardt call per candidate model
    (:mod:`characterization.fit`), with

    .. math:: y(\omega) = b(\omega) + \sum_k H_k\,p_k(\omega;\ \omega_k, \Gamma_k, \ldots)

    (``p_k`` unit-height line shapes, ``b`` the baseline). The D/G ratios are, with D the D1
    band,

    .. math:: \frac{I_D}{I_G}\Big|_\mathrm{height} = \frac{H_{D1}}{H_G}, \qquad
              \frac{I_D}{I_G}\Big|_\mathrm{area} = \frac{A_{D1}}{A_G}

    and their standard errors propagate the fit covariance (including the D–G correlation)
    to first order. With several candidate models each is fitted to the whole batch and, per
    spectrum, the one with the lowest Bayesian information criterion

    .. math:: \mathrm{BIC} = N \ln(\chi^2/N) + k \ln N

    (N fitted points, k free parameters including the baseline) is kept.

    Parameters
    ----------
    ds : xarray.Dataset
        Raman spectra ``intensity(..., raman_shift)``, shift in 1/cm, any batch dims
        (``sample``, maps ``y``/``x``); eager or dask-chunked along the batch dims.
    model : str, Model or list
        "4band" (default), "5band", "2band", "bwf" (see :mod:`.carbon_models`), "auto" (all
        four, BIC choice per spectrum), a list of preset names and/or
        :class:`~characterization.fit.Model` s (a Model needs peaks named "G" and "D1" or
        "D" for the ratios; otherwise they are NaN), or one Model.
    range : (float, float), optional
        Fitted shift range; default 800–2000 1/cm (800–3000 when the 2D band is included).
    background : None, str, dict or Background
        Background (baseline) fitted together with the bands: None/"none" (spectra already
        background-corrected, e.g. with :func:`subtract_background`), "constant",
        "linear" (default), "polynomial(n)", "chebyshev(n)". Applies to the presets; a
        :class:`~characterization.fit.Model` carries its own background.
    include : sequence of {"D'", "2D"}
        Optional bands added to every preset (D′ ≈ 1620 is the D2 band, already in "5band";
        2D ≈ 2700 at 514 nm). Default none.
    laser_wavelength : float, optional
        Excitation in nm; default the ``laser_wavelength`` coordinate. Sets the expected
        positions of the dispersive bands (D1, D2, 2D); if unknown their windows cover
        488–785 nm excitation.
    weights : None or "poisson"
        Residual weights: None (unweighted) or ``1/sqrt(max(y, 1))``. Use "poisson" for raw
        counts: unweighted fits of shot-noise data understate the standard errors (by a
        factor ~1.5 on synthetic 4-band spectra).
    best_fit : bool
        Return the chosen model's curve on the fitted points (B x N floats; False for large
        maps when it is not needed).
    fit_kwargs : dict, optional
        Options of the fit engine (:func:`characterization.fit.fit_peaks`): ``max_nfev``
        (model evaluations per spectrum and model, default 100 x (free parameters + 1)),
        ``xtol``, ``ftol``, ``gtol``.
    dim, var : str, optional
        Signal dim and variable (default ``raman_shift`` and ``intensity``).

    Returns
    -------
    xarray.Dataset
        Batch dims of the input plus

        ``center, fwhm, height, area (..., peak)`` and ``*_stderr``
            Per band (labels D4, D1, D3, G, D2, 2D that occur in any candidate; NaN where the
            chosen model lacks the band). ``center`` is the position of the maximum (for the
            BWF not its ω0 parameter).
        ``id_ig_height``, ``id_ig_area`` and ``*_stderr``
            I_D/I_G (D1/G) by height and by area, units "1"; NaN where the G band is not
            detected (``g_detected``: G height above 3 standard errors).
        ``model`` (str), ``bic (..., candidate)``
            Chosen model per spectrum ("none" if every candidate failed) and every
            candidate's BIC (NaN where its fit failed).
        ``success``, ``chisqr``, ``redchi``, ``n_points``
            Of the chosen model.
        ``value, stderr (..., param)``
            All fitted parameters (union over candidates, "2D.center", "G.q",
            "background.c0" ...; units per parameter in the coordinate ``param_units``).
        ``best_fit (..., raman_shift)``
            Chosen model on the fitted points (with ``best_fit=True``).

        Attrs (JSON strings): ``models`` (every candidate as a Model dict: shapes, starting
        values, bounds), ``line_shapes``, ``background``, ``range``, ``laser_wavelength``,
        ``selection``, ``ratio_definition``; plus provenance.

    Notes
    -----
    Assumptions: one shift grid for the whole batch; Raman shift in 1/cm (no conversion);
    the baseline is the chosen polynomial over the fit range (a strongly curved
    fluorescence background needs "chebyshev(3)" or prior subtraction). Bands start from the
    preset positions and widths (not guessed), heights from a linear least-squares guess.

    Limitations: I_D/I_G depends on the model, the ratio kind and the baseline (state all
    three when you report it); D1 and G of strongly disordered carbon overlap with D3/D4/D2
    and their separation is model-dependent, not unique. A parameter that runs onto a bound
    (e.g. a vanishing D3 in well-ordered graphite with "4band") can leave the covariance
    singular: the values are then valid but the standard errors NaN — prefer
    ``model="auto"`` for such data. A failed fit gives NaN, ``success=False`` and
    ``model="none"`` for that spectrum only; it never raises.

    References
    ----------
    A. Sadezky et al., Carbon 43 (2005) 1731 (four/five-band models);
    A. C. Ferrari, J. Robertson, Phys. Rev. B 61 (2000) 14095 (BWF G band, amorphization
    stages); G. Schwarz, Ann. Stat. 6 (1978) 461 (BIC).

    Examples
    --------
    >>> from characterization.synthetic.raman_carbon import carbon_spectra
    >>> ds = carbon_spectra(6, model="2band", id_ig=0.5, seed=0)
    >>> res = fit_carbon(ds, model="2band")
    >>> bool(res.success.all()), res.id_ig_height.attrs["units"]
    (True, '1')
    >>> bool(abs(res.id_ig_height - 0.5).max() < 0.05)
    True
    """
    I.check_units(ds, dim, var)
    laser = I.resolve_laser(ds, laser_wavelength)
    extra = optional_bands(include)
    candidates = I.build_candidates(model, laser, extra, background)
    fit_range = I.fit_range(range, extra, laser)
    da = ds[var]
    y_units, x_units = da.attrs["units"], ds[dim].attrs["units"]
    keep = (ds[dim] >= fit_range[0]) & (ds[dim] <= fit_range[1])
    n_keep = int(keep.sum())
    if n_keep < 20:
        raise AnalysisError(f"range {list(fit_range)} keeps {n_keep} points of {dim!r} (spans "
                            f"{float(ds[dim].min()):g}...{float(ds[dim].max()):g}); need >= 20")
    da = da.isel({dim: keep.values})
    batch = [d for d in da.dims if d != dim]
    da = da.transpose(*batch, dim)
    x = np.asarray(da[dim].values, dtype=float)
    inputs = [da]
    if weights is not None:
        if weights != "poisson":
            raise AnalysisError(f"weights must be None or 'poisson', got {weights!r}")
        inputs.append(1.0 / np.sqrt(np.maximum(da, 1.0)))
    if da.chunks is not None:
        inputs = [a.chunk({dim: -1}) for a in inputs]

    found = list(dict.fromkeys(lab for c in candidates for lab in c.labels.values()))
    peak_labels = sorted(found, key=lambda lab: (_PEAK_ORDER + tuple(found)).index(lab))
    param_labels = list(dict.fromkeys(lab for c in candidates for lab in c.param_labels))
    n_free = max(c.n_free for c in candidates)
    options = I.solver_options(fit_kwargs, n_free)
    spec = K.outputs(len(peak_labels), len(candidates), len(param_labels), x.size, best_fit)
    out_core = [[] if not core else ["candidate"] if name == "bic" else ["param"]
                if name in ("value", "stderr") else [dim] if name == "best_fit" else ["peak"]
                for name, core, _ in spec]
    results = apply_kernel(
        _run, *inputs, input_core_dims=[[dim]] * len(inputs), output_core_dims=out_core,
        output_dtypes=[dt for _, _, dt in spec],
        output_sizes={"peak": len(peak_labels), "candidate": len(candidates),
                      "param": len(param_labels)},
        kwargs=dict(x=x, candidates=tuple(candidates), peak_labels=tuple(peak_labels),
                    param_labels=tuple(param_labels), options=options,
                    domain=(float(x.min()), float(x.max())), best_fit=best_fit))
    result = xr.Dataset(dict(zip([name for name, _, _ in spec], results)))
    result = result.assign_coords(peak=("peak", peak_labels),
                                  candidate=("candidate", [c.name for c in candidates]),
                                  param=("param", param_labels))
    if best_fit:
        result = result.assign_coords({dim: da[dim]})
    for name in result.coords:
        if name in da.coords:
            result[name].attrs = dict(da[name].attrs)
    I.label_result(result, candidates, param_labels, y_units, x_units)
    result = _undefined_ratios(result)
    result.attrs = I.result_attrs(candidates, fit_range, laser, extra, options)
    return result


def _undefined_ratios(result: xr.Dataset) -> xr.Dataset:
    """NaN ratios where the G band is not detected (height below 3 standard errors).

    A vanishing G band (an empty map pixel) otherwise gives a ratio of 10^30 with a converged
    fit; ``g_detected`` records where the ratio is defined.
    """
    if "G" not in result["peak"].values:
        return result
    h = result["height"].sel(peak="G", drop=True)
    s = result["height_stderr"].sel(peak="G", drop=True)
    detected = (h > 0) & (h > 3 * s.fillna(0))
    out = result.assign(g_detected=detected.assign_attrs(
        units="1", long_name="G band detected (height > 3 standard errors)"))
    for name in ("id_ig_height", "id_ig_height_stderr", "id_ig_area", "id_ig_area_stderr"):
        if name in out:
            out[name] = out[name].where(detected).assign_attrs(out[name].attrs)
    return out


def _run(y, w=None, **kwargs):
    return K.fit_candidates(y, w, **kwargs)


# ---------------------------------------------------------------------- crystallite size
FORMULAS = ("cancado", "tuinstra_koenig")
#: Ferrari-Robertson stage 1/2 boundary: below ~2 nm I_D/I_G grows as La^2 instead.
LA_MIN_NM = 2.0
_TK_SLOPE = 0.033        # nm per nm of excitation wavelength (Matthews et al. 1999)
_TK_C514 = 4.4           # nm at 514 nm (Knight & White 1989)


@public("raman")
def crystallite_size(ds: xr.Dataset, *, formula: str = "cancado",
                     laser_wavelength: float | None = None, ratio: str | None = None,
                     fit: dict | None = None) -> xr.Dataset:
    r"""In-plane crystallite size La from I_D/I_G (Cançado or Tuinstra–Koenig).

    Cançado et al. (2006), with λ the excitation wavelength in nm and the **integrated**
    intensities (areas) of D and G:

    .. math:: L_a\,[\mathrm{nm}] = 2.4\times10^{-10}\,\lambda^4\,(I_D/I_G)^{-1}

    Tuinstra–Koenig (1970):

    .. math:: L_a = C(\lambda)\,(I_D/I_G)^{-1}, \qquad
              C(\lambda) = 4.4\ \mathrm{nm} + 0.033\,(\lambda - 514\ \mathrm{nm})

    (C(514 nm) = 4.4 nm after Knight & White; the linear λ-dependence is that of Matthews
    et al., PRB 59 (1999) R6585, established for 400–700 nm), with the **height** ratio by
    default.

    Parameters
    ----------
    ds : xarray.Dataset
        A :func:`fit_carbon` result (``id_ig_height``/``id_ig_area``), or Raman spectra, which
        are then fitted with ``fit_carbon(ds, **fit)``.
    formula : {"cancado", "tuinstra_koenig"}
    laser_wavelength : float, optional
        Excitation in nm; default the ``laser_wavelength`` coordinate (or the wavelength the
        fit recorded). Required: there is no default wavelength.
    ratio : {"area", "height"}, optional
        Which I_D/I_G to use; default "area" for Cançado (as calibrated), "height" for
        Tuinstra–Koenig.
    fit : dict, optional
        Keyword arguments of :func:`fit_carbon` when ``ds`` holds spectra (default model
        "4band").

    Returns
    -------
    xarray.Dataset
        ``crystallite_size`` (nm) and ``crystallite_size_stderr`` (nm, from the ratio's
        standard error: σ_La = La σ_R / R), ``id_ig`` (the ratio used), ``in_regime`` (La ≥
        2 nm) and, from a fit, ``model``. Attrs name the formula, ratio kind, wavelength and
        constant.

    Warns
    -----
    UserWarning
        When some La are below ~2 nm: there (Ferrari–Robertson stage 2, amorphous carbon)
        I_D/I_G ∝ La² and neither relation holds; when Tuinstra–Koenig is used outside
        400–700 nm.

    Notes
    -----
    Assumptions: La from the D1/G ratio of a model fit (see :func:`fit_carbon`, whose model,
    range and baseline are carried into the attrs); both relations hold for nanocrystalline
    graphite (stage 1, La ≳ 2 nm; Cançado calibrated 20–500 nm at 488–647 nm). Limitations:
    the ratio, hence La, depends on the band model and baseline; the Cançado constant was
    calibrated with areas, Tuinstra–Koenig's with peak intensities.

    References
    ----------
    L. G. Cançado et al., Appl. Phys. Lett. 88 (2006) 163106;
    F. Tuinstra, J. L. Koenig, J. Chem. Phys. 53 (1970) 1126;
    D. S. Knight, W. B. White, J. Mater. Res. 4 (1989) 385;
    A. C. Ferrari, J. Robertson, Phys. Rev. B 61 (2000) 14095.

    Examples
    --------
    >>> import xarray as xr
    >>> res = xr.Dataset({"id_ig_area": ("sample", [1.0, 0.5])},
    ...                  coords={"laser_wavelength": 532.0})
    >>> crystallite_size(res).crystallite_size.round(2).values.tolist()
    [19.22, 38.45]
    """
    if formula not in FORMULAS:
        raise AnalysisError(f"formula must be one of {FORMULAS}, got {formula!r}")
    ratio = ratio or ("area" if formula == "cancado" else "height")
    if ratio not in ("area", "height"):
        raise AnalysisError(f"ratio must be 'area' or 'height', got {ratio!r}")
    if "id_ig_height" in ds or "id_ig_area" in ds:
        if fit:
            raise AnalysisError("fit= applies to spectra; this Dataset is already a fit result")
        res = ds
    else:
        res = fit_carbon(ds, **(fit or {}))
    name = f"id_ig_{ratio}"
    if name not in res:
        raise AnalysisError(f"{name!r} not in the Dataset; variables: {list(res.data_vars)}")
    lam = I.size_laser(res, laser_wavelength)
    if formula == "cancado":
        constant = 2.4e-10 * lam ** 4
        text = "Cancado 2006: La = 2.4e-10 lambda^4 / (I_D/I_G) nm"
    else:
        constant = _TK_C514 + _TK_SLOPE * (lam - 514.0)
        text = "Tuinstra-Koenig: La = C(lambda) / (I_D/I_G), C = 4.4 nm + 0.033 (lambda - 514 nm)"
        if np.any((np.asarray(lam) < 400) | (np.asarray(lam) > 700)):
            warnings.warn("Tuinstra-Koenig C(lambda) is extrapolated outside 400-700 nm "
                          f"(lambda = {np.unique(lam).tolist()} nm)", stacklevel=3)
    r = res[name]
    size = (constant / r).rename("crystallite_size")
    out = xr.Dataset({"crystallite_size": size})
    if f"{name}_stderr" in res:
        out["crystallite_size_stderr"] = size * res[f"{name}_stderr"] / r
    else:
        out["crystallite_size_stderr"] = size * np.nan
    out["id_ig"] = r
    out["in_regime"] = size >= LA_MIN_NM
    if "model" in res:
        out["model"] = res["model"]
    meta = {"crystallite_size": ("nm", f"In-plane crystallite size La ({formula})"),
            "crystallite_size_stderr": ("nm", "Standard error of La (from I_D/I_G)"),
            "id_ig": ("1", f"I_D/I_G by {ratio} used"),
            "in_regime": ("1", f"La >= {LA_MIN_NM} nm (relation applicable)"),
            "model": ("", "Band model of the fit")}
    for key, (units, long_name) in meta.items():
        if key in out:
            out[key].attrs = {"units": units, "long_name": long_name}
    for key in out.coords:
        if key in res.coords:
            out[key].attrs = dict(res[key].attrs)
    n_low = int((size < LA_MIN_NM).sum())
    if n_low:
        warnings.warn(f"{n_low} of {size.size} La values are below {LA_MIN_NM} nm: amorphous "
                      "regime (Ferrari-Robertson stage 2), where I_D/I_G grows as La^2 and "
                      f"the {formula} relation does not hold; see in_regime", stacklevel=3)
    out.attrs = {"method": "La from I_D/I_G",
                 "parameters": {"ratio": ratio, "laser_wavelength": np.unique(lam).tolist()},
                 "formula": text, "ratio": ratio,
                      "laser_wavelength": json.dumps(np.unique(lam).tolist()),
                 "constant_nm": json.dumps(np.unique(np.asarray(constant)).tolist())}
    for key in ("models", "range", "background", "line_shapes", "technique"):
        if key in res.attrs:
            out.attrs[key] = res.attrs[key]
    return out
