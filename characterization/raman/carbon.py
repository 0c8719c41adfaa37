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
from .carbon_models import optional_bands

_PEAK_ORDER = ("Si960", "tPA1", "D4", "D1", "D5", "tPA2", "D3", "G", "D2", "2D", "D+D'")
#: ``model`` of a spectrum where every candidate failed.
NO_MODEL = "none"
_MODEL_LEN = 32


@public("raman",
        headline=("id_ig_height", "id_ig_area", "center[G]", "fwhm[G]", "center[D1]",
                  "fwhm[D1]", "model", "redchi"))
def fit_carbon(ds: xr.Dataset, *, model="4band", range=None, background="linear", include=(),
               laser_wavelength: float | None = None, weights=None, best_fit: bool = True,
               min_snr: float | None = None, fit_kwargs: dict | None = None,
               dim: str | None = None, var: str | None = None) -> xr.Dataset:
    r"""Fit D/G band models to every carbon Raman spectrum at once; I_D/I_G with errors.

    Every spectrum is fitted, in one batched Levenberg–Marquardt call per candidate model
    (:mod:`characterization.fit`), with

    .. math:: y(\omega) = b(\omega) + \sum_k H_k\,p_k(\omega;\ \omega_k, \Gamma_k, \ldots)

    (``p_k`` unit-height line shapes, ``b`` the baseline). The D/G ratios are, with D the D1
    band,

    .. math:: \frac{I_D}{I_G}\Big|_\mathrm{height} = \frac{H_{D1}}{H_G}, \qquad
              \frac{I_D}{I_G}\Big|_\mathrm{area} = \frac{A_{D1}}{A_G}

    and their standard errors propagate the fit covariance (including the D–G correlation)
    to first order (:func:`characterization.fit.propagate`); I_2D/I_G and I_D′/I_G (D2/G) the
    same way when those bands are fitted. With several candidate models each is fitted to the
    whole batch (:func:`characterization.fit.fit_peaks` with ``select="bic"``) and, per
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
        Fitted shift range; default 800–2000 1/cm (800–3000 with the 2D band, 800–3100 with
        D+D′). Every band of every candidate must start inside it (AnalysisError otherwise:
        a band outside would be pinned at a bound).
    background : None, str, dict or Background
        Background (baseline) fitted together with the bands: None/"none" (spectra already
        background-corrected, e.g. with :func:`subtract_background`), "constant",
        "linear" (default), "polynomial(n)", "chebyshev(n)". Applies to the presets; a
        :class:`~characterization.fit.Model` carries its own background.
    include : str or sequence of str
        Optional bands added to every preset, with fixed labels: "D'" (≈ 1620, the D2 band,
        already in "5band"), "2D" (≈ 2700 at 514 nm), "D+D'" (≈ 2940), "tPA" (tPA1 ≈ 1140 and
        tPA2 ≈ 1480, trans-polyacetylene), "D5" (≈ 1450), "Si960" (Si substrate, ≈ 960); see
        :mod:`.carbon_models`. Default none.
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
    min_snr : float, optional
        Quality mask for maps: ratios are NaN (reason given) where the G height is below
        ``min_snr`` times the noise of the residual (``snr``). Default: no such limit (the
        detection test below still applies).
    fit_kwargs : dict, optional
        Options of the fit engine (:func:`characterization.fit.fit_peaks`): ``max_nfev``
        (model evaluations per spectrum and model, default 100 x (free parameters + 1)),
        ``xtol``, ``ftol``, ``gtol``, ``detection_sigma`` (default 3), ``block_size``.
    dim, var : str, optional
        Signal dim and variable (default ``raman_shift`` and ``intensity``).

    Returns
    -------
    xarray.Dataset
        Batch dims of the input plus

        ``center, fwhm, height, area (..., peak)`` and ``*_stderr``, ``detected (..., peak)``
            Per band (labels Si960, tPA1, D4, D1, D5, tPA2, D3, G, D2, 2D, D+D′ that occur in
            any candidate, in that order; NaN where the chosen model lacks the band, where it
            is not detected or where its centre or width sits at a bound). ``center`` is the
            position of the maximum (for the BWF not its ω0 parameter).
        ``id_ig_height``, ``id_ig_area`` and ``*_stderr``
            I_D/I_G (D1/G) by height and by area, units "1". Defined only where the fit
            converged, G and D1 are detected (the engine's test: height significant against
            its effective standard error, corrected for correlated noise and the
            look-elsewhere effect; an undefined standard error is not detected) and neither
            sits at a bound,
            and ``snr >= min_snr``; NaN elsewhere, with ``reason``.
        ``i2d_ig_*``, ``id2_ig_*``
            I_2D/I_G and I_D′/I_G (D2/G), with errors, when those bands are fitted.
        ``g_detected``, ``snr``, ``quality``, ``reason`` (str)
            G detected; G height / noise; ratio defined (the per-pixel mask of a map); why
            not ("" where it is).
        ``model`` (str), ``bic (..., candidate)``
            Chosen model per spectrum ("none" if every candidate failed) and every
            candidate's BIC (NaN where its fit failed).
        ``success``, ``status``, ``chisqr``, ``redchi``, ``noise``, ``n_points``,
        ``at_bound (..., param)``
            Of the chosen model (``status``: the engine's code, meanings in its attrs).
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
    and their separation is model-dependent, not unique. A band that runs onto a bound (e.g.
    a vanishing D3 in well-ordered graphite with "4band", or D1 absorbing a broad amorphous
    hump at its 400 1/cm FWHM limit) is flagged in ``at_bound`` and its values are NaN;
    if it is D1 or G the ratios are NaN with that reason — prefer ``model="auto"`` or a
    model that describes the data. A D1 band below the detection limit gives NaN (reason
    "D1 not detected"), not 0. A failed fit gives NaN, ``success=False`` and
    ``model="none"`` for that spectrum only; it never raises. Parallelism: chunk the batch
    dims with dask (the result is lazy).

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
    from ..fit import fit_peaks, propagate

    I.check_units(ds, dim, var)
    if weights not in (None, "poisson"):
        raise AnalysisError(f"fit_carbon: weights must be None or 'poisson', got {weights!r}")
    laser = I.resolve_laser(ds, laser_wavelength)
    try:
        extra = optional_bands(include)
    except ValueError as exc:
        raise AnalysisError(f"fit_carbon: {exc}") from None
    candidates = I.build_candidates(model, laser, extra, background)
    fit_range = I.fit_range(range, extra, laser, candidates)
    x = ds[dim]
    inside = (x >= fit_range[0]) & (x <= fit_range[1])
    n_keep = int(inside.sum())
    if n_keep < 20:
        raise AnalysisError(f"fit_carbon: range {list(fit_range)} keeps {n_keep} points of "
                            f"{dim!r} (spans {float(x.min()):g}...{float(x.max()):g}); need >= 20")
    options = I.engine_options(fit_kwargs)
    fit = fit_peaks(ds, {c.name: c.model for c in candidates}, dim=dim, var=var,
                    range=fit_range, weights=weights, select="bic", components=False,
                    **options)
    prefix = {}
    for c in candidates:
        prefix.update(c.labels)
    peaks = [str(p) for p in fit["peak"].values]
    ratios = _ratios(fit, candidates, peaks, propagate)
    result = _assemble(fit, ds[var].where(inside), dim, prefix, candidates, best_fit)
    result = result.merge(ratios)
    result = _defined_ratios(result, fit, candidates, peaks, min_snr)
    I.label_result(result, ds[dim].attrs["units"], ds[var].attrs["units"])
    max_nfev = options.get("max_nfev") or json.loads(fit.attrs["parameters"]).get("max_nfev")
    result.attrs = I.carbon_attrs(candidates, fit_range, laser, extra, max_nfev)
    return result


def _ratios(fit, candidates, peaks, propagate):
    """Band ratios to G by height and area with first-order errors (:func:`fit.propagate`,
    full covariance, so the D-G correlation of overlapping bands is included)."""
    d_names = {c.d_peak for c in candidates if c.d_peak}
    numerators = {"id_ig": "D1" if "D1" in peaks else (d_names.pop() if d_names else None),
                  "i2d_ig": "X2D", "id2_ig": "D2"}
    out = xr.Dataset()
    if "G" not in peaks:
        return out
    for key, band in numerators.items():
        if band not in peaks:
            continue
        for q in ("height", "area"):
            r = propagate(fit, np.divide, params=[f"{band}.{q}", f"G.{q}"], units="1",
                          name=f"{key}_{q}")
            out[f"{key}_{q}"] = r[f"{key}_{q}"]
            out[f"{key}_{q}_stderr"] = r[f"{key}_{q}_stderr"]
    return out


def _assemble(fit, data, dim, prefix, candidates, best_fit):
    """The fit_carbon result from the engine's: bands in a fixed order under their labels."""
    keep = ["center", "fwhm", "height", "area", "center_stderr", "fwhm_stderr", "height_stderr",
            "area_stderr", "detected", "value", "stderr", "at_bound", "chisqr", "redchi",
            "noise", "success", "status", "bic"] + (["best_fit"] if best_fit else [])
    out = fit[keep]
    peaks = [str(p) for p in fit["peak"].values]
    labels = [prefix.get(p, p) for p in peaks]
    order = sorted(range(len(peaks)),
                   key=lambda k: ((_PEAK_ORDER + tuple(labels)).index(labels[k]), k))
    out = out.isel(peak=order).assign_coords(peak=("peak", [labels[k] for k in order]))
    out = out.assign_coords(param=("param", [I.param_label(str(p), prefix)
                                            for p in fit["param"].values]))
    chosen = fit["selected_model"]
    out["model"] = xr.where(chosen == "", NO_MODEL, chosen).astype(f"<U{_MODEL_LEN}")
    out["n_points"] = np.isfinite(data).sum(dim).astype(np.int64)
    out = out.assign_coords(n_params=("candidate", [c.n_free for c in candidates],
                                      {"units": "1", "long_name": "Free parameters of the model"}))
    return out


def _status_text(status, *, codes):
    """``"fit failed: <meaning of the engine's status code>"`` per spectrum."""
    status = np.asarray(status)
    out = np.full(status.shape, "fit failed", dtype="<U80")
    for code, text in codes.items():
        out[status == int(code)] = f"fit failed: {text}"[:80]
    return out


def _defined_ratios(result, fit, candidates, peaks, min_snr):
    """Ratios only where the data support them: G detected (an undefined standard error is
    not detected), the other band detected, the fit converged, and, with ``min_snr``, a G
    band at least that many noise levels high; ``reason`` says why not, ``quality`` where."""
    codes = json.loads(fit["status"].attrs["codes"])
    if "G" not in peaks:
        reason = xr.full_like(fit["success"], "no G band in the model", dtype="<U80")
        return result.assign(reason=reason)
    g_ok = fit["detected"].sel(peak="G", drop=True) & fit["success"]
    result["g_detected"] = g_ok
    status = fit["status"]
    failed = apply_kernel(_status_text, status, input_core_dims=[[]], output_dtypes=["<U80"],
                          kwargs={"codes": codes})
    d_name = "D1" if "D1" in peaks else next((c.d_peak for c in candidates if c.d_peak), None)
    d_ok = (fit["detected"].sel(peak=d_name, drop=True) if d_name in peaks
            else xr.zeros_like(g_ok))
    pinned = xr.full_like(fit["success"], "", dtype="<U80")
    for band in (d_name, "G"):          # the engine NaNs a band whose parameter is at a bound
        for p in reversed([str(q) for q in fit["param"].values
                           if d_name and str(q).startswith(f"{band}.")]):
            pinned = xr.where(fit["at_bound"].sel(param=p, drop=True),
                              f"{p} at a bound (model does not describe the band)", pinned)
    snr = fit["height"].sel(peak="G", drop=True) / fit["noise"]
    result["snr"] = snr
    low = xr.zeros_like(g_ok) if min_snr is None else ~(snr >= float(min_snr))
    reason = xr.where(~fit["success"], failed,
                      xr.where(~g_ok, "G not detected (height not significant: engine's "
                                      "detection test)",
                               xr.where(~d_ok, "D1 not detected",
                                        xr.where(low, f"G signal-to-noise below min_snr="
                                                      f"{min_snr}", pinned))))
    result["reason"] = reason.astype("<U80")
    keep = g_ok & ~low
    for name in list(result.data_vars):
        if name.startswith(("id_ig_", "i2d_ig_", "id2_ig_")):
            result[name] = result[name].where(keep).assign_attrs(result[name].attrs)
    result["quality"] = np.isfinite(result["id_ig_height"]) if "id_ig_height" in result \
        else keep
    return result


# ---------------------------------------------------------------------- crystallite size
FORMULAS = ("cancado", "tuinstra_koenig")
#: Ferrari-Robertson stage 1/2 boundary: below ~2 nm I_D/I_G grows as La^2 instead.
LA_MIN_NM = 2.0
_TK_SLOPE = 0.033        # nm per nm of excitation wavelength (Matthews et al. 1999)
_TK_C514 = 4.4           # nm at 514 nm (Knight & White 1989)


@public("raman", headline=("crystallite_size", "id_ig", "in_regime"))
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
        Which relation gives La (equations above).
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
