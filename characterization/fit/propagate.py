r"""First-order (delta-method) error propagation of quantities derived from a fit result."""

from __future__ import annotations

import json

import numpy as np
import xarray as xr

from .._api import public
from .._apply import apply_kernel
from ..errors import AnalysisError
from .derived import QUANTITIES, _steps
from .model import Model

_REL_STEP = 1.0e-6
_METHOD = "first-order (delta-method) propagation of the fit covariance"


@public("fit")
def propagate(result: xr.Dataset, function, *, params, units: str, name: str = "quantity",
              long_name: str | None = None) -> xr.Dataset:
    r"""A quantity computed from fitted parameters, with its first-order standard error.

    For ``q = g(a, b, ...)`` of fitted quantities ``a, b, ...`` (parameters or derived peak
    quantities, all functions of the parameter vector ``p`` of one spectrum),

    .. math:: \sigma_q^2 = \nabla_p q^{\mathsf T}\, C\, \nabla_p q

    with ``C`` the parameter covariance the engine returns (``covariance``) and the gradient
    taken by central differences (relative step ``1e-6``; width-scaled for centers). The full
    covariance enters, so correlations between overlapping peaks (the D and G bands of carbon,
    a doublet's components, a height and its width) are accounted for. Vectorised over the
    batch; a chunked result gives a lazy output.

    Parameters
    ----------
    result : xarray.Dataset
        Output of :func:`characterization.fit.fit_peaks` (single model or several candidates;
        with candidates each spectrum uses the model it selected).
    function : callable
        ``function(*arrays) -> array``: numpy, element-wise over the batch, one array per name
        in ``params`` in that order (e.g. ``lambda d, g: d / g``).
    params : sequence of str
        What ``function`` takes: a parameter of the ``param`` coordinate (``"D1.amplitude"``,
        ``"G.fwhm"``, ``"background.c0"``), or a derived peak quantity ``"<peak>.<q>"`` with
        ``q`` in ``center``, ``fwhm``, ``height``, ``area`` (a parameter name wins when it is
        both: for a BWF ``"G.center"`` is the parameter, not the position of the maximum).
    units : str
        Units of the quantity (pint-parsable, e.g. ``"1"`` for a ratio).
    name : str
        Name of the result variable (default ``"quantity"``); its error is ``<name>_stderr``.
    long_name : str, optional
        Description (default: the expression of ``function``'s name and ``params``).

    Returns
    -------
    xarray.Dataset
        ``<name>`` and ``<name>_stderr`` over the batch dims of ``result``. NaN where the fit
        failed, where a derived input is NaN in ``result`` (a peak not detected, or whose
        amplitude, center or width sits at a bound) or where a parameter input is at a bound:
        a first-order error is meaningless there.

    Notes
    -----
    Assumptions and limitations: first order, i.e. ``g`` is close to linear over the error
    ellipsoid (relative errors of a few percent); for a ratio whose denominator is not well
    above its error the distribution is skewed and the standard error understates the spread.
    Parameter errors are those of the fit (``scale_covar``, see :func:`fit_peaks`).

    References
    ----------
    JCGM 100:2008 (GUM), §5.1.2 (law of propagation of uncertainty); P. R. Bevington,
    D. K. Robinson, *Data Reduction and Error Analysis*, 3rd ed. (2003), ch. 3.

    Examples
    --------
    >>> import characterization as ch
    >>> from characterization.fit import Model, Peak, fit_peaks, propagate
    >>> ds = ch.synthetic.peak_spectra(4, seed=0)
    >>> model = Model([Peak("D1", "lorentzian", center=1350), Peak("G", "lorentzian", center=1590)],
    ...               background="linear")
    >>> fit = fit_peaks(ds, model, range=(1250, 1700))
    >>> ratio = propagate(fit, lambda d, g: d / g, params=["D1.height", "G.height"], units="1",
    ...                   name="id_ig")
    >>> ratio.id_ig.dims, ratio.id_ig_stderr.attrs["units"]
    (('sample',), '1')
    """
    if not callable(function):
        raise AnalysisError(f"function must be callable, got {type(function).__name__}")
    if isinstance(params, str) or not params:
        raise AnalysisError(f"params must be a non-empty list of names, got {params!r}")
    for needed in ("value", "covariance", "param", "success"):
        if needed not in result.variables:
            raise AnalysisError(f"propagate needs a fit_peaks result; {needed!r} is missing")
    if not isinstance(name, str) or not name:
        raise AnalysisError(f"name must be a non-empty string, got {name!r}")
    models = _models(result)
    names = [str(p) for p in result["param"].values]
    specs, mask = [], result["success"].astype(bool)
    for item in params:
        item = str(item)
        if item in names:
            specs.append(("param", item))
            if "at_bound" in result:
                mask = mask & ~result["at_bound"].sel(param=item, drop=True)
            continue
        peak, _, quantity = item.rpartition(".")
        if quantity not in QUANTITIES or "peak" not in result.coords or \
                peak not in result["peak"].values:
            raise AnalysisError(f"{item!r} is neither a parameter ({names}) nor "
                                f"'<peak>.<{'|'.join(QUANTITIES)}>' of a fitted peak")
        specs.append(("derived", peak, quantity))
        if quantity in result:
            mask = mask & np.isfinite(result[quantity].sel(peak=peak, drop=True))
    inputs = [result["value"], result["covariance"]]
    core = [["param"], ["cov_i", "cov_j"]]
    if "selected_model" in result:
        inputs.append(result["selected_model"])
        core.append([])
    value, error = apply_kernel(
        _kernel, *inputs, input_core_dims=core, output_core_dims=((), ()),
        kwargs=dict(function=function, specs=tuple(specs), models=models, names=tuple(names)))
    long_name = long_name or f"{getattr(function, '__name__', 'function')}({', '.join(params)})"
    out = xr.Dataset({
        name: value.where(mask).assign_attrs(units=units, long_name=long_name),
        f"{name}_stderr": error.where(mask).assign_attrs(
            units=units, long_name=f"Standard error of {long_name} (first order)")})
    out.attrs = {"method": _METHOD, "parameters": {"params": list(params)}}
    return out


def _models(result) -> dict:
    """``{candidate name: Model}`` from the result's ``model`` attr (single: key None)."""
    text = result.attrs.get("model")
    if not isinstance(text, str):
        raise AnalysisError("propagate needs the fit's model: result.attrs['model'] is missing "
                            "(pass the Dataset fit_peaks returned)")
    plain = json.loads(text)
    if "selected_model" in result:
        return {str(k): Model.from_dict(v) for k, v in plain.items()}
    return {None: Model.from_dict(plain)}


def _kernel(value, cov, selected=None, *, function, specs, models, names):
    value = np.asarray(value, dtype=float)
    lead, n_par = value.shape[:-1], value.shape[-1]
    p = value.reshape(-1, n_par)
    c = np.asarray(cov, dtype=float).reshape(-1, n_par, n_par)
    out_v = np.full(p.shape[0], np.nan)
    out_e = np.full(p.shape[0], np.nan)
    sel = None if selected is None else np.asarray(selected).reshape(-1)
    for key, model in models.items():
        rows = np.arange(p.shape[0]) if sel is None else np.flatnonzero(sel == key)
        if rows.size:
            out_v[rows], out_e[rows] = _propagate(p[rows], c[rows], function, specs, model, names)
    return out_v.reshape(lead), out_e.reshape(lead)


def _propagate(p, cov, function, specs, model, names):
    """Value and first-order error (b,) for one model's spectra."""
    index = {n: i for i, n in enumerate(names)}
    peaks = {pk.name: pk for pk in model.peaks}
    getters, columns, steps = [], [], {}
    for spec in specs:
        if spec[0] == "param":
            col = index[spec[1]]
            getters.append(lambda q, col=col: q[:, col])
            columns.append(col)
            continue
        _, peak_name, quantity = spec
        if peak_name not in peaks:        # the selected model lacks this peak
            getters.append(lambda q: np.full(q.shape[0], np.nan))
            continue
        peak = peaks[peak_name]
        cols = np.array([index[f"{peak_name}.{role}"] for role in peak.lineshape.param_names])
        getters.append(lambda q, peak=peak, cols=cols, quantity=quantity:
                       _derived(peak, q[:, cols], quantity))
        columns.extend(cols.tolist())
        for j, s in zip(cols, _steps(peak.lineshape, p[:, cols]).T):
            steps[int(j)] = s

    def evaluate(q):
        with np.errstate(all="ignore"):
            return np.asarray(function(*(g(q) for g in getters)), dtype=float) * np.ones(len(q))

    base = evaluate(p)
    columns = sorted(set(columns))
    grad = np.zeros((p.shape[0], len(columns)))
    with np.errstate(all="ignore"):
        for k, j in enumerate(columns):
            h = steps.get(j)
            if h is None:
                h = _REL_STEP * np.abs(p[:, j])
                h = np.where(h > 0, h, _REL_STEP)
            hi, lo = p.copy(), p.copy()
            hi[:, j] += h
            lo[:, j] -= h
            grad[:, k] = (evaluate(hi) - evaluate(lo)) / (2.0 * h)
        sub = cov[:, columns][:, :, columns]
        var = np.einsum("bi,bij,bj->b", grad, sub, grad)
        err = np.sqrt(np.where(var >= 0, var, np.nan))
    return base, err


def _derived(peak, v, quantity):
    theta = [v[:, j:j + 1] for j in range(2, v.shape[1])]
    out = peak.lineshape.derived(v[:, 0:1], v[:, 1:2], theta, peak.amplitude_type)
    return np.broadcast_to(out[quantity], (v.shape[0], 1))[:, 0]
