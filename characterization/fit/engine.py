"""``fit_peaks``: the xarray face of the batched peak-fitting engine."""

from __future__ import annotations

import json

import numpy as np
import xarray as xr

from .._api import public
from .._apply import apply_kernel
from ..errors import AnalysisError
from . import _kernels, _select
from ._inputs import as_model, as_models, check_range, units, weights_of
from ._labels import label, units_of
from .solver import SolverOptions

__all__ = ["fit_peaks", "units_of"]

_METHOD = "batched Levenberg-Marquardt (characterization.fit)"
_SCALAR = ("chisqr", "redchi", "noise", "success", "nfev", "status", "selected_model")
_DTYPES = {"success": bool, "at_bound": bool, "detected": bool, "nfev": np.int64,
           "status": np.int64}


@public("fit", headline=("center", "height", "fwhm", "area", "redchi"))
def fit_peaks(ds: xr.Dataset, model, *, dim: str | None = None, var: str | None = None,
              range: tuple[float, float] | None = None, weights=None, select: str = "bic",
              detection_sigma: float = _kernels.DETECTION_SIGMA, max_nfev: int | None = None,
              xtol: float = 1.5e-8, ftol: float = 1.5e-8, gtol: float = 0.0,
              components: bool = True, block_size: int = 128) -> xr.Dataset:
    r"""Fit a peak model (or the best of several) to every spectrum of a Dataset at once.

    Minimises, independently for every spectrum ``b``,

    .. math:: \chi^2_b = \sum_i w_{bi}^2\,\bigl(y_{bi} - f(x_i; p_b)\bigr)^2, \qquad
              f = \text{background}(x) + \sum_k \text{peak}_k(x)

    All spectra advance together (vectorised over the batch, analytic Jacobians, per-spectrum
    damping and convergence; see :mod:`characterization.fit.solver`), which is 100x or more
    faster than a loop of ``lmfit`` fits and converges to the same optimum.

    With several candidate models, each is fitted to every spectrum and, per spectrum, the one
    with the lowest information criterion is kept (``select``):

    .. math:: \mathrm{BIC} = n \ln(\chi^2/n) + k \ln n, \qquad \mathrm{AIC} = n\ln(\chi^2/n) + 2k

    (``n`` fitted points, ``k`` free parameters; a failed candidate is never chosen).

    Every converged fit is then checked (see :mod:`characterization.fit._quality`): a peak is
    *detected* when

    .. math:: |h| > \sqrt{z^2 + 2\ln T}\,\sqrt{\kappa}\,\sigma_h

    (``z`` = ``detection_sigma``; ``T`` = center interval / FWHM, the look-elsewhere trials
    factor; ``κ`` >= 1 corrects the standard error for noise correlated between neighbouring
    points, estimated robustly from the residual; a NaN standard error means not detected); a
    free parameter within a small tolerance of a bound is flagged in ``at_bound``.

    Parameters
    ----------
    ds : xarray.Dataset
        Spectra; any number of batch dims (``sample``, ``y``/``x`` maps, ``sputter_time`` ...).
        Eager or dask-chunked along batch dims (the result is then lazy).
    model : Model, dict, str, list or mapping
        A :class:`~characterization.fit.Model`, its :meth:`~Model.to_dict` form or JSON; or
        several candidates: a list (named ``"model0"``, ``"model1"`` ...) or a mapping
        ``{name: model}``. Candidates may share peak and parameter names (a peak ``"G"`` in
        two candidates is one entry of the ``peak`` dim).
    dim : str, optional
        Signal dim; default from the technique's convention (``raman_shift``, ``two_theta``,
        ``binding_energy`` ...).
    var : str, optional
        Variable to fit; default the technique's main variable (``intensity``).
    range : (float, float), optional
        Fit only ``min(range) <= x <= max(range)`` (works for descending axes too).
    weights : None, "poisson", str or DataArray
        Residual weights ``1/sigma``: None (unweighted), ``"poisson"`` (``1/sqrt(max(y, 1))``
        for counts), the name of a variable of ``ds`` or a DataArray broadcastable to ``var``.
        Points with weight 0 or NaN, and NaN data points, are left out.
    select : {"bic", "aic"}
        Criterion choosing among several candidate models (ignored for a single model).
    detection_sigma : float
        Threshold ``z`` of the detection test (default 3), in effective standard errors for a
        peak whose center cannot wander (more for a free center, see above).
    max_nfev : int, optional
        Maximum model evaluations per spectrum and candidate (each with its analytic Jacobian);
        default ``100 * (n_free + 1)``. Spectra that reach it fail (NaN, ``success=False``).
    xtol, ftol, gtol : float
        MINPACK-style convergence tolerances (defaults as lmfit's ``leastsq``).
    components : bool
        Also return each component curve (``components``; B x C x N floats, can be large).
    block_size : int
        Spectra solved together in one vectorised step (memory ~ block_size x P x N x 8 bytes;
        128 keeps the Jacobian in cache). Does not change the results.

    Returns
    -------
    xarray.Dataset
        Batch dims of the input plus:

        ``value(..., param)``, ``stderr(..., param)``, ``covariance(..., cov_i, cov_j)``
            All parameters (``"D1.center"``, ``"background.c0"`` ...); fixed parameters have
            stderr 0, tied ones their propagated error. The units differ along ``param`` and
            are given by the coordinate ``param_units`` (the variables' own ``units`` attr is
            ``""``: no single unit applies). ``value`` keeps the raw numbers of peaks that are
            not detected or at a bound (for plots), flagged by ``detected`` and ``at_bound``.
        ``at_bound(..., param)``
            True where a free parameter sits at (within ``1e-6`` relative of) a bound.
        ``best_fit(..., dim)``, ``components(..., component, dim)``
            Model and its peaks/background on the fitted points.
        ``center, fwhm, height, area (..., peak)`` and ``*_stderr``
            Derived per-peak values with units (area = y units x x units); ``center`` is the
            position of the maximum (differs from the parameter for the BWF). NaN for a peak
            that is not detected or whose amplitude, center or width is at a bound.
        ``detected(..., peak)``
            The detection test above.
        ``chisqr``, ``redchi``, ``noise``, ``success``, ``nfev``, ``status``
            Per spectrum; ``status`` > 0 converged (6: a parameter at a bound, 7: a peak not
            detected), < 0 failed (-5 degenerate data, -6 no peak detected); meanings in
            ``status.attrs["codes"]``. ``success`` is ``status > 0``.
        With several candidates also ``bic(..., candidate)`` (or ``aic``) and
        ``selected_model(...)``: the chosen candidate's name (``""`` where all failed); the
        ``param``, ``peak`` and ``component`` dims are the union of the candidates' names,
        NaN (``False`` for flags) where the chosen model lacks one; ``nfev`` is the sum over
        the candidates.

    Notes
    -----
    Standard errors: ``sqrt(diag(inv(J^T J) * redchi))`` at the optimum, i.e. lmfit's
    ``scale_covar=True`` (appropriate when the noise level is unknown); derived quantities
    propagate the full covariance (for functions of several parameters or peaks use
    :func:`characterization.fit.propagate`). A spectrum that fails (all-NaN, too few points,
    all points equal, non-finite model, no convergence within ``max_nfev``, no peak detected)
    gets NaN and ``success=False``; the rest of the batch is unaffected. Bounds are enforced by
    projection (see the solver module).

    Parallelism: the package has one mechanism, dask. Chunk the batch dims (``ds.chunk(sample=
    256)``); the result is lazy, and ``.compute()`` fits the chunks in parallel on the active
    dask scheduler (threads by default: the heavy numpy work releases the GIL; processes or a
    ``dask.distributed`` cluster with no code change). Results do not depend on the chunking.

    Assumptions and limitations: one x grid per call (a shared signal coordinate); starting
    values not given are guessed per spectrum (see :mod:`characterization.fit.guess`), which
    suits well separated or moderately overlapping peaks; strongly overlapping peaks need
    starting centers. Like any local optimiser the result depends on the start. BIC/AIC assume
    independent Gaussian noise of one level; correlated noise favours the larger model.

    References
    ----------
    J. J. Moré, Lecture Notes in Mathematics 630, 105 (1978) (MINPACK LM);
    M. Newville et al., LMFIT, doi:10.5281/zenodo.11813 (the reference implementation);
    G. Schwarz, Ann. Stat. 6, 461 (1978) (BIC); H. Akaike, IEEE Trans. Autom. Control 19, 716
    (1974) (AIC).

    Examples
    --------
    >>> import characterization as ch
    >>> from characterization.fit import Model, Peak, fit_peaks
    >>> ds = ch.synthetic.peak_spectra(8, seed=0)
    >>> model = Model([Peak("D4", "lorentzian", center=1200), Peak("D1", "lorentzian", center=1350),
    ...                Peak("D3", "lorentzian", center=1500), Peak("G", "lorentzian", center=1590)],
    ...               background="linear")
    >>> res = fit_peaks(ds, model)
    >>> bool(res.success.all()), res.area.dims, res.area.attrs["units"]
    (True, ('sample', 'peak'), 'count * (1/cm)')
    >>> two = Model([Peak("D1", "lorentzian", center=1350), Peak("G", "lorentzian", center=1590)],
    ...             background="linear")
    >>> best = fit_peaks(ds, {"2band": two, "4band": model})
    >>> best.bic.dims, str(best.selected_model.dtype)[:2]
    (('sample', 'candidate'), '<U')
    """
    candidates = as_models(model)
    names, models = candidates if candidates else (None, (as_model(model),))
    if select not in _select.CRITERIA:
        raise AnalysisError(f"select must be one of {_select.CRITERIA}, got {select!r}")
    if not (np.isfinite(detection_sigma) and detection_sigma > 0):
        raise AnalysisError(f"detection_sigma must be a positive number, got {detection_sigma!r}")
    da = ds[var]
    x_coord = ds[dim]
    y_units, x_units = units(da, var), units(x_coord, dim)
    fit_range = None
    if range is not None:
        fit_range = check_range(range)
        keep = (x_coord >= fit_range[0]) & (x_coord <= fit_range[1])
        if int(keep.sum()) < 2:
            raise AnalysisError(f"range {list(fit_range)} keeps {int(keep.sum())} points of "
                                f"{dim!r} (which spans {float(x_coord.min())}..."
                                f"{float(x_coord.max())})")
        da = da.isel({dim: keep.values})
    x = np.asarray(da[dim].values, dtype=float)
    weights_da, weights_desc = weights_of(ds, da, weights, dim)
    n_free = max(sum(1 for s in m.slots if s.free) for m in models)
    if max_nfev is None:
        max_nfev = 100 * (n_free + 1)
    options = SolverOptions(max_nfev=int(max_nfev), xtol=xtol, ftol=ftol, gtol=gtol,
                            block_size=int(block_size))
    domain = (float(np.nanmin(x)), float(np.nanmax(x)))

    union = _select.Union(models)
    multi = names is not None
    out_names = [n for n in _kernels.OUTPUTS if components or n != "components"]
    if multi:
        out_names += ["score", "selected_model"]
    core = {"value": ["param"], "stderr": ["param"], "at_bound": ["param"],
            "covariance": ["cov_i", "cov_j"], "best_fit": [dim], "components": ["component", dim],
            "score": ["candidate"]}
    output_core_dims = [core.get(n, [] if n in _SCALAR else ["peak"]) for n in out_names]
    dtypes = dict(_DTYPES)
    if multi:
        dtypes["selected_model"] = f"<U{max(1, max(len(n) for n in names))}"
    sizes = {"param": len(union.params), "cov_i": len(union.params),
             "cov_j": len(union.params), "peak": len(union.peaks)}
    if components:
        sizes["component"] = len(union.components)
    if multi:
        sizes["candidate"] = len(names)
    inputs = [da] if weights_da is None else [da, weights_da]
    results = apply_kernel(
        _run, *inputs, input_core_dims=[[dim]] * len(inputs), output_core_dims=output_core_dims,
        output_dtypes=[dtypes.get(n, float) for n in out_names], output_sizes=sizes,
        kwargs=dict(x=x, models=models, names=names, options=options, domain=domain,
                    components=components, out_names=tuple(out_names), criterion=select,
                    sigma=float(detection_sigma)))
    rename = {"score": select}
    result = xr.Dataset({rename.get(n, n): r for n, r in zip(out_names, results)})
    result = result.assign_coords(
        param=("param", list(union.params)), cov_i=("cov_i", list(union.params)),
        cov_j=("cov_j", list(union.params)), peak=("peak", list(union.peaks)))
    if components:
        result = result.assign_coords(component=("component", list(union.components)))
    if multi:
        result = result.assign_coords(candidate=("candidate", list(names)))
    result = result.assign_coords({dim: da[dim]})
    for name in result.coords:                 # the kernel output has no coordinate attrs
        if name in da.coords:
            result[name].attrs = dict(da[name].attrs)
    slots = {}
    for m in models:
        for s in m.slots:
            slots.setdefault(s.name, s)
    label(result, [slots[n] for n in union.params], x_units, y_units,
          weighted=weights_da is not None, criterion=select if multi else None)
    result.attrs = _attrs(models, names, dim, var, fit_range, weights_desc, options, domain,
                          select if multi else None)
    return result


def _run(y, w=None, *, x, models, names, options, domain, components, out_names, criterion,
         sigma):
    if names is None:
        out = _kernels.fit_arrays(x, y, models[0], weights=w, domain=domain, options=options,
                                  components=components, detection_sigma=sigma)
    else:
        out = _select.fit_candidates(x, y, models, weights=w, domain=domain, options=options,
                                     components=components, criterion=criterion,
                                     detection_sigma=sigma)
        labels = np.array([*names, ""])            # index -1 (none selected) -> ""
        out["selected_model"] = labels[out.pop("selected")]
    return tuple(out[n] for n in out_names)


def _attrs(models, names, dim, var, fit_range, weights_desc, options, domain, criterion):
    """Result attrs besides the decorator's provenance: the model(s) as JSON (plots rebuild
    components from it), the signal dim/variable, and the resolved options."""
    if names is None:
        model_json = models[0].to_json()
    else:
        model_json = json.dumps({n: m.to_dict() for n, m in zip(names, models)})
    parameters = {"model": json.loads(model_json),
                  "range": list(fit_range) if fit_range is not None else "full",
                  "weights": weights_desc, "max_nfev": options.max_nfev,
                  "bounds": "projection", "covariance": "inv(J^T J) * redchi (scale_covar)",
                  "chebyshev_domain": list(domain),
                  "detection": "|h| > sqrt(z**2 + 2 ln T) sqrt(kappa) stderr(h)"}
    if criterion:
        parameters["select"] = f"{criterion}: n ln(chisqr/n) + penalty, lowest per spectrum"
    return {"method": _METHOD, "model": model_json, "dim": dim, "var": var,
            "parameters": parameters}
