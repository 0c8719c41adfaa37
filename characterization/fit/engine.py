"""``fit_peaks``: the xarray face of the batched peak-fitting engine."""

from __future__ import annotations

import functools
import json
import math
import re

import numpy as np
import xarray as xr

from .._api import public
from ..conventions import TABLE
from ..errors import AnalysisError
from . import _kernels
from .derived import QUANTITIES
from .model import Model, Peak
from .solver import STATUS, SolverOptions

_METHOD = "batched Levenberg-Marquardt (characterization.fit)"
_QUANTITY_NAMES = {"center": "Peak position (maximum)", "fwhm": "Peak FWHM",
                   "height": "Peak height", "area": "Peak area"}


def _example():
    from ..synthetic.peaks import peak_spectra

    ds = peak_spectra(4, n_points=400, seed=3)
    model = Model([Peak("D4", "lorentzian", center=1200), Peak("D1", "lorentzian", center=1350),
                   Peak("D3", "lorentzian", center=1500), Peak("G", "lorentzian", center=1590)],
                  background="linear")
    ds.attrs.pop("ground_truth")
    return ds, {"model": model}


@public("fit", example=_example)
def fit_peaks(ds: xr.Dataset, model, *, dim: str | None = None, var: str | None = None,
              range: tuple[float, float] | None = None, weights=None, max_nfev: int | None = None,
              xtol: float = 1.5e-8, ftol: float = 1.5e-8, gtol: float = 0.0,
              components: bool = True, block_size: int = 128) -> xr.Dataset:
    r"""Fit a peak model to every spectrum of a Dataset at once (batched Levenberg–Marquardt).

    Minimises, independently for every spectrum ``b``,

    .. math:: \chi^2_b = \sum_i w_{bi}^2\,\bigl(y_{bi} - f(x_i; p_b)\bigr)^2, \qquad
              f = \text{background}(x) + \sum_k \text{peak}_k(x)

    All spectra advance together (vectorised over the batch, analytic Jacobians, per-spectrum
    damping and convergence; see :mod:`characterization.fit.solver`), which is 100x or more
    faster than a loop of ``lmfit`` fits and converges to the same optimum.

    Parameters
    ----------
    ds : xarray.Dataset
        Spectra; any number of batch dims (``sample``, ``y``/``x`` maps, ``sputter_time`` ...).
        Eager or dask-chunked along batch dims (the result is then lazy).
    model : Model, dict or str
        A :class:`~characterization.fit.Model`, its :meth:`~Model.to_dict` form or JSON.
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
    max_nfev : int, optional
        Maximum model evaluations per spectrum (each with its analytic Jacobian); default
        ``100 * (n_free + 1)``. Spectra that reach it fail (NaN, ``success=False``).
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
            ``""``: no single unit applies).
        ``best_fit(..., dim)``, ``components(..., component, dim)``
            Model and its peaks/background on the fitted points.
        ``center, fwhm, height, area (..., peak)`` and ``*_stderr``
            Derived per-peak values with units (area = y units x x units); ``center`` is the
            position of the maximum (differs from the parameter for the BWF).
        ``chisqr``, ``redchi``, ``success``, ``nfev``, ``status``
            Per spectrum; ``status`` > 0 converged (code meanings in its attrs).

    Notes
    -----
    Standard errors: ``sqrt(diag(inv(J^T J) * redchi))`` at the optimum, i.e. lmfit's
    ``scale_covar=True`` (appropriate when the noise level is unknown); derived quantities
    propagate the full covariance. A spectrum that fails (all-NaN, too few points, non-finite
    model, no convergence within ``max_nfev``) gets NaN and ``success=False``; the rest of the
    batch is unaffected. Bounds are enforced by projection (see the solver module).

    Assumptions and limitations: one x grid per call (a shared signal coordinate); starting
    values not given are guessed per spectrum (see :mod:`characterization.fit.guess`), which
    suits well separated or moderately overlapping peaks; strongly overlapping peaks need
    starting centers. Like any local optimiser the result depends on the start.

    References
    ----------
    J. J. Moré, Lecture Notes in Mathematics 630, 105 (1978) (MINPACK LM);
    M. Newville et al., LMFIT, doi:10.5281/zenodo.11813 (the reference implementation).

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
    """
    if not isinstance(ds, xr.Dataset):
        raise AnalysisError(f"fit_peaks needs an xarray.Dataset, got {type(ds).__name__}")
    model = _as_model(model)
    dim, var = _dim_and_var(ds, dim, var)
    da = ds[var]
    x_coord = ds[dim]
    if x_coord.dtype.kind not in "fiu":
        raise AnalysisError(f"coordinate {dim!r} must be numeric, got dtype {x_coord.dtype}")
    y_units, x_units = _units(da, var), _units(x_coord, dim)
    fit_range = None
    if range is not None:
        fit_range = _check_range(range)
        keep = (x_coord >= fit_range[0]) & (x_coord <= fit_range[1])
        if int(keep.sum()) < 2:
            raise AnalysisError(f"range {list(fit_range)} keeps {int(keep.sum())} points of "
                                f"{dim!r} (which spans {float(x_coord.min())}..."
                                f"{float(x_coord.max())})")
        da = da.isel({dim: keep.values})
    x = np.asarray(da[dim].values, dtype=float)
    weights_da, weights_desc = _weights(ds, da, weights, dim)
    batch_dims = [d for d in da.dims if d != dim]
    da = da.transpose(*batch_dims, dim)
    n_free = sum(1 for s in model.slots if s.free)
    if max_nfev is None:
        max_nfev = 100 * (n_free + 1)
    options = SolverOptions(max_nfev=int(max_nfev), xtol=xtol, ftol=ftol, gtol=gtol,
                            block_size=int(block_size))
    domain = (float(np.nanmin(x)), float(np.nanmax(x)))

    names = list(model.parameter_names)
    comp_names = list(model.component_names)
    peak_names = list(model.peak_names)
    out_names = [n for n in _kernels.OUTPUTS if components or n != "components"]
    core = {"value": ["param"], "stderr": ["param"], "covariance": ["cov_i", "cov_j"],
            "best_fit": [dim], "components": ["component", dim]}
    output_core_dims = [core.get(n, [] if n in ("chisqr", "redchi", "success", "nfev", "status")
                                 else ["peak"]) for n in out_names]
    dtypes = {"success": bool, "nfev": np.int64, "status": np.int64}
    inputs = [da] if weights_da is None else [da, weights_da.transpose(*batch_dims, dim)]
    if da.chunks is not None:
        inputs = [a.chunk({dim: -1}) for a in inputs]
    func = functools.partial(_run_kernel, x=x, model=model, options=options, domain=domain,
                             components=components, out_names=tuple(out_names),
                             weighted=weights_da is not None)
    results = xr.apply_ufunc(
        func, *inputs, input_core_dims=[[dim]] * len(inputs), output_core_dims=output_core_dims,
        dask="parallelized", output_dtypes=[dtypes.get(n, float) for n in out_names],
        dask_gufunc_kwargs={"output_sizes": {
            "param": len(names), "cov_i": len(names), "cov_j": len(names),
            "peak": len(peak_names), **({"component": len(comp_names)} if components else {})}},
        keep_attrs=False)
    result = xr.Dataset(dict(zip(out_names, results)))
    result = result.assign_coords(
        param=("param", names), cov_i=("cov_i", names), cov_j=("cov_j", names),
        peak=("peak", peak_names))
    if components:
        result = result.assign_coords(component=("component", comp_names))
    result = result.assign_coords({dim: da[dim]})
    for name in result.coords:                 # apply_ufunc drops coordinate attrs: restore
        if name in da.coords:
            result[name].attrs = dict(da[name].attrs)
    _label(result, model, dim, x_units, y_units, weighted=weights_da is not None)
    result.attrs = _provenance(ds, model, dim, var, fit_range, weights_desc, options, components,
                               domain)
    return result


def _run_kernel(y, w=None, *, x, model, options, domain, components, out_names, weighted):
    out = _kernels.fit_arrays(x, y, model, weights=w if weighted else None, domain=domain,
                              options=options, components=components)
    return tuple(out[n] for n in out_names)


# ---------------------------------------------------------------------- input checking
def _as_model(model) -> Model:
    if isinstance(model, Model):
        return model
    if isinstance(model, dict):
        return Model.from_dict(model)
    if isinstance(model, str):
        try:
            return Model.from_json(model)
        except json.JSONDecodeError as exc:
            raise AnalysisError(f"model string is not valid JSON: {exc}") from None
    raise AnalysisError(f"model must be a characterization.fit.Model, a dict or a JSON string, "
                        f"got {type(model).__name__}")


def _dim_and_var(ds, dim, var):
    technique = ds.attrs.get("technique")
    conv = TABLE.get(technique) if isinstance(technique, str) else None
    if dim is None or var is None:
        if conv is None or technique == "spectrum":
            raise AnalysisError(
                f"cannot infer dim/var: Dataset technique is {technique!r}; pass dim= and var= "
                f"(dims: {list(ds.dims)}, variables: {list(ds.data_vars)})")
        dim = dim or conv.signal.name
        var = var or conv.main.name
    if var not in ds.data_vars:
        raise AnalysisError(f"variable {var!r} not in Dataset (variables: {list(ds.data_vars)})")
    if dim not in ds[var].dims:
        raise AnalysisError(f"variable {var!r} has no dim {dim!r} (dims: {list(ds[var].dims)})")
    if dim not in ds.coords:
        raise AnalysisError(f"dim {dim!r} has no coordinate values to fit against")
    return dim, var


def _units(obj, name) -> str:
    units = obj.attrs.get("units")
    if not isinstance(units, str):
        raise AnalysisError(f"{name!r} has no attrs['units']; set it (e.g. "
                            f"ds[{name!r}].attrs['units'] = 'count') so results get units")
    return units


def _check_range(rng):
    try:
        lo, hi = (float(v) for v in rng)
    except (TypeError, ValueError):
        raise AnalysisError(f"range must be two numbers (lo, hi), got {rng!r}") from None
    if not (math.isfinite(lo) and math.isfinite(hi)) or lo == hi:
        raise AnalysisError(f"range must be two different finite numbers, got {rng!r}")
    return (min(lo, hi), max(lo, hi))


def _weights(ds, da, weights, dim):
    if weights is None:
        return None, "none"
    if isinstance(weights, str) and weights == "poisson":
        return 1.0 / np.sqrt(np.maximum(da, 1.0)), "poisson: 1/sqrt(max(y, 1))"
    if isinstance(weights, str):
        if weights not in ds.data_vars:
            raise AnalysisError(f"weights {weights!r} is neither 'poisson' nor a variable of the "
                                f"Dataset ({list(ds.data_vars)})")
        desc, weights = f"variable {weights!r}", ds[weights]
    elif isinstance(weights, xr.DataArray):
        desc = f"DataArray {weights.name!r}"
    else:
        raise AnalysisError(f"weights must be None, 'poisson', a variable name or a DataArray, "
                            f"got {type(weights).__name__}")
    extra = set(weights.dims) - set(da.dims)
    if extra:
        raise AnalysisError(f"weights have dims {sorted(extra)} that {da.name!r} has not")
    if dim in weights.dims:
        weights = weights.sel({dim: da[dim]})
    return xr.broadcast(weights, da)[0], desc


# ---------------------------------------------------------------------- labelling
def _wrap(u: str) -> str:
    return u if re.fullmatch(r"[A-Za-z_]+", u) else f"({u})"


def units_of(y_units: str, x_units: str, y_power: int, x_power: int) -> str:
    """Pint-parsable units string of ``y**y_power * x**x_power`` (powers 0/1 for y)."""
    if y_power == 0 and x_power == 0:
        return "1"
    if y_power == 0:
        return x_units if x_power == 1 else f"{_wrap(x_units)}**{x_power}"
    if x_power == 0:
        return y_units
    if x_power == 1:
        return f"{y_units} * {_wrap(x_units)}"
    if x_power == -1:
        return f"{_wrap(y_units)} / {_wrap(x_units)}"
    return f"{_wrap(y_units)} / {_wrap(x_units)}**{-x_power}"


def _label(result, model, dim, x_units, y_units, weighted):
    param_units = [units_of(y_units, x_units, s.y_power, s.x_power) for s in model.slots]
    result.coords["param_units"] = ("param", param_units,
                                    {"units": "", "long_name": "Units of each parameter"})
    result.coords["param_long_name"] = ("param", [s.long_name for s in model.slots],
                                        {"units": "", "long_name": "Description of each parameter"})
    label = {"units": "", "long_name": "Label"}
    for name, long_name in (("param", "Parameter"), ("cov_i", "Parameter"), ("cov_j", "Parameter"),
                            ("peak", "Peak"), ("component", "Model component")):
        if name in result.coords:
            result[name].attrs = {**label, "long_name": long_name}
    chi_units = "1" if weighted else f"{_wrap(y_units)}**2"
    per_peak = {"center": x_units, "fwhm": x_units, "height": y_units,
                "area": units_of(y_units, x_units, 1, 1)}
    attrs = {
        "value": ("", "Fitted parameter value (units per parameter: param_units)"),
        "stderr": ("", "Standard error of the parameter (units per parameter: param_units)"),
        "covariance": ("", "Parameter covariance (units: param_units of cov_i x cov_j)"),
        "best_fit": (y_units, "Best-fit model"),
        "components": (y_units, "Model component"),
        "chisqr": (chi_units, "Chi-square"),
        "redchi": (chi_units, "Reduced chi-square"),
        "success": ("1", "Fit converged"),
        "nfev": ("1", "Model evaluations (each with analytic Jacobian)"),
        "status": ("1", "Solver status (>0 converged, <0 failed)"),
    }
    for q in QUANTITIES:
        attrs[q] = (per_peak[q], _QUANTITY_NAMES[q])
        attrs[f"{q}_stderr"] = (per_peak[q], f"Standard error of {_QUANTITY_NAMES[q].lower()}")
    for name, (units, long_name) in attrs.items():
        if name in result:
            result[name].attrs = {"units": units, "long_name": long_name}
    result["status"].attrs["codes"] = json.dumps({str(k): v for k, v in STATUS.items()})


def _provenance(ds, model, dim, var, fit_range, weights_desc, options, components, domain):
    from .. import __version__

    attrs = {"method": _METHOD, "function": "characterization.fit.fit_peaks",
             "model": model.to_json(), "dim": dim, "var": var,
             "range": list(fit_range) if fit_range is not None else "full",
             "weights": weights_desc, "max_nfev": options.max_nfev, "xtol": options.xtol,
             "ftol": options.ftol, "gtol": options.gtol, "block_size": options.block_size,
             "components": int(bool(components)), "bounds": "projection",
             "covariance": "inv(J^T J) * redchi (scale_covar)",
             "chebyshev_domain": list(domain), "characterization_version": __version__,
             "parameters": {"model": model.to_dict(), "weights": weights_desc}}
    for key in ("technique", "conventions"):
        if isinstance(ds.attrs.get(key), str):
            attrs[key] = ds.attrs[key]
    return attrs
