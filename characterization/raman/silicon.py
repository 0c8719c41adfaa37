r"""First-order Raman line of silicon: position, width, asymmetry, a-Si band, crystalline fraction.

:func:`fit_silicon` fits, for every spectrum of a batch or map at once, the zone-centre optical
phonon of crystalline Si (≈ 520.7 cm⁻¹) and, when present, the broad transverse-optical band of
amorphous Si near 480 cm⁻¹, on a linear background, with the batched engine
:func:`characterization.fit.fit_peaks`; model choice for the amorphous band by BIC per
spectrum.
"""

from __future__ import annotations

import json

import numpy as np
import xarray as xr

from .._api import public
from .._apply import apply_kernel
from ..errors import AnalysisError

C_SI, A_SI = "c_Si", "a_Si"
SPLIT_SHAPES = ("split_lorentzian", "split_pseudo_voigt")
#: Default σ = Σ_c/Σ_a, ratio of the integrated Raman cross-sections of c-Si and a-Si.
CROSS_SECTION_RATIO = 0.88
#: Bounds of the a-Si band centre and FWHM (1/cm).
BAND_CENTER, BAND_FWHM = (455.0, 505.0), (35.0, 130.0)
#: Starting centres of the a-Si band (1/cm) when ``amorphous_center`` is not given.
BAND_STARTS = (465.0, 480.0, 495.0)
#: ``center_method="apex"``: polynomial degree, window level (fraction of the fitted height) and
#: minimum number of points of the local fit to the top of the crystalline line.
APEX_DEGREE, APEX_LEVEL, APEX_MIN_POINTS = 4, 0.7, 9


def _models(shape, range_, amorphous_center, amorphous_fwhm, background):
    """(crystalline-only model, model with the a-Si band)."""
    from ..fit import Model, Param, Peak
    from ..fit import get_lineshape

    lo, hi = range_
    ls = get_lineshape(shape)
    center = Param(None, min=max(lo, 490.0), max=min(hi, 540.0))
    widths = {p.name: Param(None, max=(80.0 if p.name == "fwhm_left" else 60.0))
              for p in ls.shape_params if p.kind == "width"}
    crystal = Peak(C_SI, ls.name, center=center, **widths)
    band = Peak(A_SI, "gaussian", center=Param(amorphous_center, min=BAND_CENTER[0],
                                               max=BAND_CENTER[1]),
                fwhm=Param(amorphous_fwhm, min=BAND_FWHM[0], max=BAND_FWHM[1]))
    return Model([crystal], background=background), Model([band, crystal], background=background)


@public("raman",
        headline=("center", "fwhm", "peak_shift", "crystalline_fraction", "amorphous_included",
                  "redchi"))
def fit_silicon(ds: xr.Dataset, *, range: tuple[float, float] = (440.0, 560.0),
                shape: str = "voigt", amorphous: str | bool = "auto",
                reference: float | xr.DataArray = 520.7,
                cross_section_ratio: float = CROSS_SECTION_RATIO,
                amorphous_center: float | None = None, amorphous_fwhm: float = 70.0,
                background: str = "linear", dim: str | None = None, var: str | None = None,
                center_method: str = "fit", weights=None, fit_kwargs: dict | None = None,
                components: bool = True) -> xr.Dataset:
    r"""Fit the first-order Si phonon (and an a-Si band) of every spectrum; shift and X_c.

    Model, per spectrum, on ``range``:

    .. math:: y(\omega) = b_0 + b_1\omega + I_c\,p(\omega; \omega_c, \Gamma\ldots)
              + [\text{a-Si}]\;I_a\,g(\omega; \omega_a, F_a)

    with :math:`p` the crystalline line of ``shape`` (unit area), :math:`g` a unit-area
    Gaussian (a-Si TO band, centre 455–505, FWHM 35–130 cm⁻¹, started at
    ``amorphous_center``/``amorphous_fwhm``). Derived:

    * ``center`` :math:`\omega` = maximum of the fitted crystalline line (1/cm);
    * ``peak_shift`` :math:`\Delta\omega = \omega - \omega_\mathrm{ref}` (``reference``, taken as
      exact: ``peak_shift_stderr`` = ``center_stderr``);
    * ``asymmetry`` = :math:`\Gamma_\mathrm{low}/\Gamma_\mathrm{high}`, the ratio of the half
      widths at half maximum on the low- and high-wavenumber sides, i.e.
      ``fwhm_left / fwhm_right`` of a split shape (> 1: tail towards low wavenumber, as phonon
      confinement gives). Symmetric shapes cannot measure it: NaN;
    * crystalline fraction :math:`X_c = I_c / (I_c + \sigma I_a)` with integrated areas
      :math:`I_c, I_a` and :math:`\sigma = \Sigma_c/\Sigma_a` the ratio of the integrated
      Raman cross-sections of c-Si and a-Si (``cross_section_ratio``, default 0.88 after
      Smit et al. 2003; 0.8–1 are also in use, and Bustarret et al. 1988 give a
      size-dependent :math:`\sigma(L) = 0.1 + \exp(-L/25\,\mathrm{nm})`). 1 when no band is
      fitted; its stderr propagates the areas' covariance.

    Amorphous band: the crystalline-only model is always fitted (it is the fallback); the
    model with the band is started at three centres across the band's window (465, 480 and
    495 cm⁻¹, unless ``amorphous_center`` is given) and, per spectrum, the start reaching the
    lowest chi-square is kept, so the band is found where the residual of the crystalline
    line has it, spectrum by spectrum (a batch gives the same numbers as a loop of single
    spectra, eager or dask). ``False`` never fits the band; ``True`` fits it and keeps it where the data support it; ``"auto"``
    keeps it where they do **and** it lowers :math:`\mathrm{BIC} = n\ln(\chi^2/n) + k\ln n`
    (``n`` points in range, ``k`` free parameters: 3 more with the band). The data support
    the band when its fit converged, the band and the crystalline line pass the engine's
    detection test (height significant against its effective standard error; see
    :func:`characterization.fit.fit_peaks`) and no band parameter
    sits at its bound (centre 455–505, FWHM 35–130 cm⁻¹, area >= 0). Elsewhere the
    crystalline-only fit is returned and ``amorphous_reason`` says why (with ``True`` too: a
    band forced on a clean crystalline line made the fit fail or wander, e.g. NaN on a
    wafer spectrum). The conditions matter on real spectra of high signal-to-noise ratio,
    where any misfit of the crystalline line shape lowers the BIC when a broad band absorbs
    it. Recorded per spectrum (``amorphous_included``, ``amorphous_reason``,
    ``bic_crystalline``, ``bic_amorphous``, ``status``).

    Parameters
    ----------
    ds : xarray.Dataset
        Raman spectra (``intensity`` on ``raman_shift`` in 1/cm), any batch dims (``sample``,
        map ``y``/``x``), eager or dask-chunked.
    range : (float, float)
        Fitted window (1/cm). Keep 440–560: lower starts at the 2TA/TO(X) region, higher
        holds nothing of Si but background.
    shape : str
        Crystalline line: ``"voigt"`` (default; Lorentzian phonon x Gaussian instrument),
        ``"lorentzian"``, ``"pseudo_voigt"``, ``"gaussian"``, ``"split_lorentzian"``,
        ``"split_pseudo_voigt"`` (asymmetric, for confined/nano Si) or any other single-peak
        shape of :mod:`characterization.fit.lineshapes`.
    amorphous : {"auto", True, False}
        Whether to fit the a-Si band (see above).
    reference : float or DataArray
        Bulk Si position (1/cm), per spectrum if a DataArray. 520.7 is the strain-free
        room-temperature value; measure a wafer on the same instrument instead when the
        calibration is not better than ~0.5 cm⁻¹.
    cross_section_ratio : float
        :math:`\sigma` of :math:`X_c` (above).
    amorphous_center : float, optional
        Starting centre of the a-Si band (1/cm); default: three starts (above).
    amorphous_fwhm : float
        Starting FWHM of the a-Si band (1/cm).
    background : str
        ``"linear"`` (default), ``"constant"``, ``"none"`` or any background of
        :func:`~characterization.fit.fit_peaks`.
    dim, var : str, optional
        Signal dim and variable (default from the Raman convention).
    weights : None, "poisson", str or DataArray
        Residual weights, passed to :func:`~characterization.fit.fit_peaks` (None:
        unweighted; "poisson" for raw counts).
    fit_kwargs : dict, optional
        Engine options passed to :func:`~characterization.fit.fit_peaks` (``max_nfev``,
        ``xtol``, ``ftol``, ``gtol``).
    center_method : {"fit", "apex"}
        What ``center`` (and ``peak_shift``) is: ``"fit"``, the maximum of the fitted
        crystalline line (best for symmetric lines: uses every point); ``"apex"``, the
        maximum of a quartic fitted by least squares to the top of the measured line
        (background and a-Si band subtracted; window where the fitted line is >= 70 % of
        its height, >= 9 points), independent of the line shape. Use ``"apex"`` for the
        asymmetric lines of nano-Si before :func:`confinement_size`: no analytic shape puts
        its maximum where the phonon-confinement line has it (a split pseudo-Voigt places it
        up to 3 cm⁻¹ too high for 3 nm crystals, symmetric shapes up to 5 cm⁻¹ too low), and
        both Zi's relation and the PCM table are for the line maximum.
    components : bool
        Return the component curves (``components``) on the fitted points.

    Returns
    -------
    xarray.Dataset
        Batch dims of the input with ``center``, ``fwhm``, ``asymmetry``, ``height``,
        ``crystalline_area``, ``peak_shift`` (each with ``*_stderr``), ``amorphous_included``,
        ``amorphous_center``, ``amorphous_fwhm``, ``amorphous_area`` (NaN/0 without the band),
        ``crystalline_fraction`` (+ stderr), ``bic_crystalline``, ``bic_amorphous``,
        ``redchi``, ``success`` (``bic_crystalline`` with ``amorphous=True`` only where the
        band was not significant), ``status`` (the engine's status code of the model kept; codes
        in its attrs), ``amorphous_reason``; ``best_fit(..., raman_shift)`` and, with ``components``,
        ``components(..., component, raman_shift)`` (a-Si component zero when not
        included); coordinate ``reference``. A spectrum whose fit fails has NaN values and
        ``success=False``.

    Notes
    -----
    Widths: no approximate width split is used. The Voigt's Gaussian and Lorentzian FWHM are
    both free parameters (``value.sel(param="c_Si.fwhm_g")``, ``"c_Si.fwhm_l"``) and ``fwhm``
    is the exact total FWHM found numerically from them (neither the Thompson–Cox–Hastings
    nor the Olivero–Longbothum formula); a pseudo-Voigt shares one FWHM between its parts.

    Assumptions: one crystalline Si line and at most one amorphous band in the window (a
    separate grain-boundary/"intermediate" band near 500–510 cm⁻¹ is not modelled: with
    ``"auto"`` it is absorbed by the a-Si band or widens the crystalline line). The long
    low-wavenumber tail of strongly confined lines (D ≲ 3 nm) can be taken for an a-Si band
    (2 of 5 model spectra of 3 nm crystals with a split pseudo-Voigt, none at ≥ 4 nm): decide
    ``amorphous`` from other evidence there. No analytic shape puts its maximum where an
    asymmetric (confined) line has it: use ``center_method="apex"`` for nano-Si. Positions are as
    good as the wavenumber calibration; laser heating red-shifts and broadens the line as
    confinement does.

    References
    ----------
    H. Richter, Z. P. Wang, L. Ley, Solid State Commun. 39, 625 (1981);
    E. Bustarret, M. A. Hachicha, M. Brunel, Appl. Phys. Lett. 52, 1675 (1988);
    C. Smit et al., J. Appl. Phys. 94, 3582 (2003).

    Examples
    --------
    >>> from characterization.synthetic.raman_silicon import silicon_spectra
    >>> ds = silicon_spectra(3, position=519.5, fwhm=4.0, seed=0)
    >>> res = fit_silicon(ds)
    >>> res.center.round(1).values.tolist(), bool(res.amorphous_included.any())
    ([519.5, 519.5, 519.5], False)
    """
    if center_method not in ("fit", "apex"):
        raise AnalysisError(f"fit_silicon: center_method must be 'fit' or 'apex', "
                            f"got {center_method!r}")
    if amorphous not in ("auto", True, False):
        raise AnalysisError(f"amorphous must be 'auto', True or False, got {amorphous!r}")
    if not (np.isfinite(cross_section_ratio) and cross_section_ratio > 0):
        raise AnalysisError(f"cross_section_ratio must be positive, got {cross_section_ratio}")
    from ..fit import fit_peaks

    lo, hi = sorted(float(v) for v in range)
    kw = {"dim": dim, "var": var, "range": (lo, hi), "weights": weights,
          **_engine_options(fit_kwargs), "components": components or center_method == "apex"}
    model_c, _ = _models(shape, (lo, hi), BAND_STARTS[1], amorphous_fwhm, background)
    x = ds[dim]
    in_range = (x >= lo) & (x <= hi)
    n = np.isfinite(ds[var].where(in_range)).sum(dim).astype(float)
    fits = {"c": fit_peaks(ds, model_c, **kw)}
    starts = BAND_STARTS if amorphous_center is None else (float(amorphous_center),)
    models_a = {f"a_Si_start_{c:g}": _models(shape, (lo, hi), c, amorphous_fwhm, background)[1]
                for c in starts}
    model_a = next(iter(models_a.values()))
    if amorphous in ("auto", True):
        # several starts of the band across its window: per spectrum the best converged one
        # is kept (the engine's choice among candidates; all have the same parameters)
        fits["a"] = fit_peaks(ds, models_a if len(models_a) > 1 else model_a, **kw)
    n_free = {"c": sum(s.free for s in model_c.slots), "a": sum(s.free for s in model_a.slots)}
    bic = {k: _bic(r, n, n_free[k]) for k, r in fits.items()}
    if amorphous is False:
        use_a = xr.zeros_like(fits["c"].success)
        why = xr.full_like(fits["c"].success, "", dtype="<U100")
    else:
        band_ok, why = _band_significant(fits["a"])
        if amorphous == "auto":
            better = ~fits["c"].success | (bic["a"] < bic["c"])
            use_a = band_ok & better
            why = xr.where(band_ok & ~better,
                           "a-Si band not significant: the BIC is lower without it", why)
        else:
            use_a = band_ok
        why = xr.where(use_a, "", why)
    out = _assemble(fits, use_a, reference, cross_section_ratio, shape, kw["components"])
    out["amorphous_reason"] = why.astype("<U100").assign_attrs(
        units="", long_name="Why the a-Si band is not in the model ('' where it is, or where "
                            "amorphous=False)")
    out["status"] = _pick(fits, use_a, lambda r, _: r.status).assign_attrs(
        fits["c"].status.attrs)
    if center_method == "apex":
        _apex(out, ds[var].sel({dim: out[dim]}), dim, reference)
    if not components and "components" in out:
        out = out.drop_vars(["components", "component"])
    # amorphous=True: the crystalline-only fit is a fallback, not a candidate; its BIC is
    # reported only where it is used
    out["bic_crystalline"] = bic["c"] if amorphous is not True else bic["c"].where(~use_a)
    out["bic_amorphous"] = bic.get("a", xr.full_like(out["redchi"], np.nan))
    for name, which in (("bic_crystalline", "crystalline line only"),
                        ("bic_amorphous", "crystalline line + a-Si band")):
        out[name].attrs = {"units": "1", "long_name": f"BIC, {which}"}
    out = out.assign_coords(reference=xr.DataArray(reference).astype(float).assign_attrs(
        units="1/cm", long_name="Reference (bulk) Si position"))
    out.attrs = {"method": "Si first-order Raman line fit (batched LM) with optional a-Si band, "
                           "BIC selection",
                 "parameters": {
                     "range": [lo, hi], "shape": model_c.peaks[0].shape,
                     "reference": reference if np.isscalar(reference)
                     else "per-spectrum DataArray",
                     "apex": f"quartic least squares on the crystalline line >= {APEX_LEVEL} "
                             "of its height",
                     "model_crystalline": model_c.to_json(),
                     "model_amorphous": model_a.to_json(),
                     "amorphous_center_starts": list(starts),
                     "bic": "n ln(chisqr/n) + k ln n",
                     "asymmetry": "fwhm_left/fwhm_right of a split shape"}}
    return out


_FIT_KWARGS = ("max_nfev", "xtol", "ftol", "gtol", "block_size")


def _engine_options(fit_kwargs):
    """``fit_kwargs`` checked against the engine options fit_silicon passes on."""
    given = dict(fit_kwargs or {})
    unknown = sorted(set(given) - set(_FIT_KWARGS))
    if unknown:
        raise AnalysisError(f"fit_silicon: unknown fit_kwargs {unknown}; known: {_FIT_KWARGS}")
    return given


def _band_significant(result):
    """Where the a-Si band is supported by the data: the fit converged, the band and the
    crystalline line are detected (the engine's detection test) and no band parameter sits
    at a bound; plus the reason where it is not."""
    codes = json.loads(result["status"].attrs["codes"])
    detected = result["detected"].sel(peak=A_SI, drop=True)
    pinned = xr.full_like(result["success"], "", dtype="<U100")
    for p in reversed([str(q) for q in result["param"].values if str(q).startswith(f"{A_SI}.")]):
        pinned = xr.where(result["at_bound"].sel(param=p, drop=True),
                          f"a-Si band not significant: {p} at a bound", pinned)
    failed = apply_kernel(_status_text, result["status"], input_core_dims=[[]],
                          output_dtypes=["<U100"], kwargs={"codes": codes})
    why = xr.where(~result["success"], failed,
                   xr.where(~detected, "a-Si band not significant (height within its "
                                       "detection limit)", pinned))
    ok = result["success"] & detected & (pinned == "") & \
        result["detected"].sel(peak=C_SI, drop=True)
    return ok, why


def _status_text(status, *, codes):
    status = np.asarray(status)
    out = np.full(status.shape, "a-Si band not significant: its fit failed", dtype="<U100")
    for code, text in codes.items():
        out[status == int(code)] = f"a-Si band not significant: its fit failed ({text})"[:100]
    return out


def _bic(result, n, k):
    chisqr = np.maximum(result.chisqr, 1e-300)
    n = n.where(n > 0)
    return xr.where(result.success, n * np.log(chisqr / n) + k * np.log(n),
                    np.nan)


def _pick(fits, use_a, get):
    if "a" not in fits:
        return get(fits["c"], False)
    if "c" not in fits:
        return get(fits["a"], True)
    return xr.where(use_a, get(fits["a"], True), get(fits["c"], False))


def _assemble(fits, use_a, reference, sigma, shape, components):
    ref = next(iter(fits.values()))
    y_units = ref["best_fit"].attrs["units"]
    x_units = ref["center"].attrs["units"]
    area_units = ref["area"].attrs["units"]
    out = xr.Dataset()

    def crystal(q):
        return lambda r, _: r[q].sel(peak=C_SI, drop=True)

    for name, q in (("center", "center"), ("fwhm", "fwhm"), ("height", "height"),
                    ("crystalline_area", "area")):
        out[name] = _pick(fits, use_a, crystal(q))
        out[f"{name}_stderr"] = _pick(fits, use_a, crystal(f"{q}_stderr"))
    success = _pick(fits, use_a, lambda r, _: r.success)
    out["peak_shift"] = out["center"] - reference
    out["peak_shift_stderr"] = out["center_stderr"].copy()
    asym, asym_err = _asymmetry(fits, use_a, shape)
    out["asymmetry"], out["asymmetry_stderr"] = asym, asym_err

    def band(q, missing):
        return lambda r, has: (r[q].sel(peak=A_SI, drop=True) if has
                               else xr.full_like(r["redchi"], missing))

    out["amorphous_included"] = use_a & success
    out["amorphous_center"] = _pick(fits, use_a, band("center", np.nan))
    out["amorphous_fwhm"] = _pick(fits, use_a, band("fwhm", np.nan))
    out["amorphous_area"] = _pick(fits, use_a, band("area", 0.0))
    out["amorphous_area_stderr"] = _pick(fits, use_a, band("area_stderr", 0.0))
    out["amorphous_area"] = out["amorphous_area"].where(success)
    out["amorphous_area_stderr"] = out["amorphous_area_stderr"].where(success)
    xc, xc_err = _crystalline_fraction(fits, use_a, sigma, out)
    out["crystalline_fraction"], out["crystalline_fraction_stderr"] = xc, xc_err
    out["redchi"] = _pick(fits, use_a, lambda r, _: r.redchi)
    out["success"] = success
    out["best_fit"] = _pick(fits, use_a, lambda r, _: r.best_fit)
    if components:
        comp = ["c_Si", "a_Si", "background"] if "background" in ref.component.values \
            else ["c_Si", "a_Si"]

        def curves(r, has):
            c = r.components.reindex(component=comp, fill_value=0.0)
            return c.where(r.success)
        out["components"] = _pick(fits, use_a, curves)
        out["component"].attrs = {"units": "", "long_name": "Model component"}
    labels = {
        "center": (x_units, "Si optical phonon position (line maximum)"),
        "fwhm": (x_units, "FWHM of the crystalline Si line"),
        "height": (y_units, "Height of the crystalline Si line"),
        "crystalline_area": (area_units, "Integrated area I_c of the crystalline Si line"),
        "peak_shift": (x_units, "Shift from the bulk Si position, ω - ω_ref"),
        "asymmetry": ("1", "Asymmetry Γ_low/Γ_high (half widths, split shapes)"),
        "amorphous_included": ("1", "a-Si band included in the model"),
        "amorphous_center": (x_units, "a-Si TO band centre"),
        "amorphous_fwhm": (x_units, "a-Si TO band FWHM"),
        "amorphous_area": (area_units, "Integrated area I_a of the a-Si band"),
        "crystalline_fraction": ("1", "Crystalline fraction I_c/(I_c + σ I_a)"),
        "redchi": (ref["redchi"].attrs["units"], "Reduced chi-square"),
        "success": ("1", "Fit converged"),
        "best_fit": (y_units, "Best-fit model"),
        "components": (y_units, "Model component"),
    }
    for name in list(out.data_vars):
        base = name[:-len("_stderr")] if name.endswith("_stderr") else name
        units, long_name = labels[base]
        if name != base:
            long_name = f"Standard error: {long_name[0].lower()}{long_name[1:]}"
        out[name].attrs = {"units": units, "long_name": long_name}
    out[ref["best_fit"].dims[-1]].attrs = dict(ref[ref["best_fit"].dims[-1]].attrs)
    return out


def _param(r, name):
    return r.value.sel(param=name, drop=True)


def _cov(r, a, b):
    return r.covariance.sel(cov_i=a, cov_j=b, drop=True)


def _asymmetry(fits, use_a, shape):
    from ..fit import get_lineshape

    if get_lineshape(shape).name not in SPLIT_SHAPES:
        nan = xr.full_like(next(iter(fits.values())).redchi, np.nan)
        return nan, nan.copy()
    left, right = f"{C_SI}.fwhm_left", f"{C_SI}.fwhm_right"

    def ratio(r, _):
        return _param(r, left) / _param(r, right)

    def error(r, _):
        fl, fr = _param(r, left), _param(r, right)
        rel = (_cov(r, left, left) / fl ** 2 + _cov(r, right, right) / fr ** 2
               - 2 * _cov(r, left, right) / (fl * fr))
        return np.abs(fl / fr) * np.sqrt(rel.where(rel >= 0))
    return _pick(fits, use_a, ratio), _pick(fits, use_a, error)


def _crystalline_fraction(fits, use_a, sigma, out):
    """X_c = I_c/(I_c + σ I_a) and its stderr from the covariance of the two area amplitudes."""
    ic, ia = out["crystalline_area"], out["amorphous_area"]
    total = ic + sigma * ia
    xc = ic / total

    def error(r, has):
        if not has:
            return xr.zeros_like(r.redchi).where(r.success)
        c, a = f"{C_SI}.amplitude", f"{A_SI}.amplitude"
        ic_, ia_ = _param(r, c), _param(r, a)
        s = ic_ + sigma * ia_
        var = (sigma / s ** 2) ** 2 * (ia_ ** 2 * _cov(r, c, c) + ic_ ** 2 * _cov(r, a, a)
                                       - 2 * ia_ * ic_ * _cov(r, c, a))
        return np.sqrt(var.where(var >= 0))
    return xc, _pick(fits, use_a, error)


# ---------------------------------------------------------------------- apex (line maximum)
def _apex(out, data, dim, reference):
    """Replace ``center`` (and the shift) by the apex of a local polynomial (in place)."""
    crystal = out["components"].sel(component=C_SI, drop=True)
    others = out["best_fit"] - crystal
    x = out[dim].values
    if data.chunks is not None:
        data = data.chunk({dim: -1})
    pos, err = apply_kernel(_apex_kernel, data - others, crystal,
                            input_core_dims=[[dim], [dim]], output_core_dims=[[], []],
                            kwargs={"x": x})
    ok = np.isfinite(pos)
    new = {"center": pos.where(out["success"]), "center_stderr": err.where(out["success"])}
    new["peak_shift"] = new["center"] - reference
    new["peak_shift_stderr"] = new["center_stderr"].copy()
    new["success"] = out["success"] & ok
    for name, value in new.items():
        attrs = dict(out[name].attrs)
        if name == "center":
            attrs["long_name"] = "Si optical phonon position (apex of the measured line)"
        out[name] = value.assign_attrs(attrs)


def _apex_kernel(signal, crystal, *, x):
    r"""Maximum of a quartic fitted (least squares) to the top of each spectrum's Si line.

    Window: the contiguous points around the maximum of the fitted crystalline component
    where it is >= ``APEX_LEVEL`` of its height (widened to ``APEX_MIN_POINTS``). The apex
    :math:`t^*` solves :math:`p'(t) = 0`; its error is :math:`g^T C g` with
    :math:`g_j = -\partial_{p_j} p'(t^*) / p''(t^*)`, :math:`C = s^2 (X^T X)^{-1}`.
    Returns NaN where the window is too short or the maximum lies on its edge.
    """
    lead = signal.shape[:-1]
    sig = signal.reshape(-1, x.size)
    cry = crystal.reshape(-1, x.size)
    n_b = sig.shape[0]
    pos, err = np.full(n_b, np.nan), np.full(n_b, np.nan)
    deg = APEX_DEGREE
    for b in range(n_b):
        c, y = cry[b], sig[b]
        if not (np.isfinite(c).all() and np.isfinite(y).any()):
            continue
        k = int(np.argmax(c))
        top = c >= APEX_LEVEL * c[k]
        lo, hi = k, k
        while lo > 0 and top[lo - 1]:
            lo -= 1
        while hi < x.size - 1 and top[hi + 1]:
            hi += 1
        while hi - lo + 1 < APEX_MIN_POINTS and (lo > 0 or hi < x.size - 1):
            lo, hi = max(lo - 1, 0), min(hi + 1, x.size - 1)
        sel = slice(lo, hi + 1)
        xs, ys = x[sel], y[sel]
        keep = np.isfinite(ys)
        if keep.sum() < deg + 3:
            continue
        x0, scale = x[k], max(abs(xs[-1] - x[k]), abs(xs[0] - x[k]), 1e-12)
        t = (xs[keep] - x0) / scale
        design = np.vander(t, deg + 1, increasing=True)
        coef, *_ = np.linalg.lstsq(design, ys[keep], rcond=None)
        grid = np.linspace(t.min(), t.max(), 2001)
        values = np.vander(grid, deg + 1, increasing=True) @ coef
        i = int(np.argmax(values))
        if i == 0 or i == grid.size - 1:
            continue
        d1 = np.polynomial.polynomial.polyder(coef)
        d2 = np.polynomial.polynomial.polyder(d1)
        ts = grid[i]
        for _ in range(5):                      # Newton polish of p'(t) = 0
            ts -= np.polynomial.polynomial.polyval(ts, d1) / np.polynomial.polynomial.polyval(
                ts, d2)
        curvature = np.polynomial.polynomial.polyval(ts, d2)
        if not (t.min() < ts < t.max() and curvature < 0):
            continue
        resid = ys[keep] - design @ coef
        dof = keep.sum() - (deg + 1)
        cov = (resid @ resid / dof) * np.linalg.pinv(design.T @ design)
        g = -np.array([j * ts ** (j - 1) if j else 0.0 for j in range(deg + 1)]) / curvature
        pos[b] = x0 + ts * scale
        err[b] = scale * np.sqrt(max(g @ cov @ g, 0.0))
    return pos.reshape(lead), err.reshape(lead)
