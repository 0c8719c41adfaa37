"""Shell fits of χ(k) with FEFF paths: :func:`fit_shells` (larch's feffit or the batched engine)."""

from __future__ import annotations

import re

import numpy as np
import xarray as xr

from .._api import public
from .._apply import apply_kernel
from ..errors import AnalysisError
from ..fit.solver import STATUS
from . import _spec
from ._xft import Transform
from .path_sum import PathTable

#: batch dims a series is co-refined along (first present wins) when ``shared`` is given
SERIES_DIMS = ("temperature", "state", "time", "scan", "sample")
_UNITS = {"s02": "1", "n": "1", "de0": "eV", "delr": "angstrom", "sigma2": "angstrom**2",
          "c3": "angstrom**3", "alpha": "1", "theta": "K"}
_PER_SPECTRUM = ("r_factor", "n_idp", "redchi", "chi_square", "n_varys", "r_factor_joint",
                 "n_idp_joint", "nfev", "status", "success", "reason", "epsilon_k")
R_MAX_OUT = 10.0


def _kernel(chi, *extra_values, k, table, spec, trans, shared, series, engine, extra_names,
            fit_kwargs, n_r):
    from . import _batched, _larch_fit

    lead = chi.shape[:-2] if series else chi.shape[:-1]
    S = chi.shape[-2] if series else 1
    nk = chi.shape[-1]
    G = int(np.prod(lead)) if lead else 1
    data = chi.reshape(G, S, nk)
    extras = {name: np.broadcast_to(v, lead + ((S,) if series else ())).reshape(G, S)
              for name, v in zip(extra_names, extra_values)}
    fitter = _batched.fit if engine == "batched" else _larch_fit.fit
    if G == 0:
        out = None
    else:
        out = fitter(data, k, table, spec, trans, shared=shared, extras=extras,
                     fit_kwargs=fit_kwargs)
    shape = lead + ((S,) if series else ())
    npar = len(spec.params)
    nkf = int(1.01 + np.nanmax(k) / trans.kstep)

    def get(name, tail=(), dtype=float, fill=np.nan):
        if out is None:
            return np.full(shape + tail, fill, dtype=dtype)
        return np.asarray(out[name]).astype(dtype).reshape(shape + tail)

    results = [get("value", (npar,)), get("stderr", (npar,)),
               get("correlation", (npar, npar)), get("at_bound", (npar,), bool, False)]
    for name in _PER_SPECTRUM:
        if name == "status":
            results.append(get(name, (), np.int64, -4))
        elif name == "success":
            results.append(get(name, (), bool, False))
        elif name == "reason":
            results.append(get(name, (), "U200", ""))
        else:
            results.append(get(name))
    results.append(get("chi", (nkf,)))
    results.append(get("chi_fit", (nkf,)))
    cd = get("chir_data", (trans.nfft // 2,), complex)[..., :n_r]
    cf = get("chir_fit", (trans.nfft // 2,), complex)[..., :n_r]
    results += [cd.real.copy(), cd.imag.copy(), np.abs(cd), cf.real.copy(), cf.imag.copy(),
                np.abs(cf)]
    return tuple(results)


@public("exafs", headline=("r_factor", "redchi", "n_idp"))
def fit_shells(ds: xr.Dataset, *, paths: xr.Dataset, model: dict | None = None,
               k_range: tuple[float, float] = (3.0, 17.0),
               r_range: tuple[float, float] = (1.4, 3.0), k_weight=2, dk: float = 4.0,
               taper: str = "kaiser", fit_space: str = "r", engine: str = "larch",
               shared: tuple = (), var: str = "chi", fit_kwargs: dict | None = None,
               errors: str = "nan") -> xr.Dataset:
    r"""Fit χ(k) with a sum of FEFF scattering paths (EXAFS shell fit, feffit style).

    The model is the EXAFS equation of :mod:`characterization.exafs.path_sum` summed over
    ``paths``; the path parameters (S0², N, ΔE0, ΔR, σ², C3) are given by the parameter
    specification ``model`` (see :mod:`characterization.exafs._spec`). Data and model are
    k-weighted, multiplied by the ``taper`` window over ``k_range`` and Fourier transformed; the
    fit minimises

    .. math:: \chi^2 = \sum_{w}\sum_{R_i\in r\_range}
              \frac{|\tilde\chi_\mathrm{data}(R_i) - \tilde\chi_\mathrm{model}(R_i)|^2}
                   {\varepsilon_R^2}

    (real and imaginary parts; ``fit_space="k"`` or ``"q"`` compares k-weighted χ(k) or the
    back-transform instead). As feffit: ε from the 15–30 Å part of χ(R) of the data,
    :math:`N_\mathrm{idp} = 1 + 2\,\Delta k\,\Delta R/\pi`, reduced χ² rescaled to
    :math:`N_\mathrm{idp}`, standard errors
    :math:`\sqrt{\mathrm{diag}(J^TJ)^{-1}\,\chi^2_\mathrm{raw}/(N_\mathrm{idp}-N_\mathrm{var})}`,
    R-factor :math:`\sum|\mathrm{res}|^2/\sum|\mathrm{data}|^2`.

    Parameters
    ----------
    ds : xarray.Dataset
        ``chi(..., k)`` on a uniform ``k`` grid (1/Å), e.g. from ``exafs.subtract_background``.
    paths : xarray.Dataset
        A ``feff_paths`` Dataset (``ch.read_many(files, dim="path")`` or
        ``exafs.feff_paths``).
    model : dict, optional
        Parameter spec ``{"params": {...}, "paths": {...}}``; None: shared ``s02``, ``de0``
        and per-path ``delr``, ``sigma2`` (one path: plain ``delr``, ``sigma2``).
    k_range, r_range : (float, float)
        FT window in k (1/Å) and fitted R range (Å).
    k_weight : int or tuple of int
        k-weight(s); several are fitted simultaneously.
    dk : float
        Window taper width (1/Å).
    taper : str
        Window shape (larch names: ``"kaiser"``, ``"hanning"``, ``"parzen"``, ``"welch"``,
        ``"sine"``, ``"gaussian"``).
    fit_space : {"r", "k", "q"}
    engine : {"larch", "batched"}
        ``"larch"``: one ``feffit`` per spectrum or series (the reference). ``"batched"``: our
        path sum and the package's vectorised Levenberg–Marquardt on the whole batch at once
        (same residual, N_idp and ε rules; same answers within the standard errors, much
        faster on many spectra).
    shared : tuple of str
        Parameters shared by a series: the spectra along the first of ``temperature``,
        ``state``, ``time``, ``scan``, ``sample`` present are co-refined in one fit (several
        feffit datasets); the others are fitted per spectrum. ``()``: independent fits.
    var : str
        The χ(k) variable.
    fit_kwargs : dict, optional
        Options for the engine (batched: ``max_nfev``, ``xtol``, ``ftol``, and
        ``jacobian="numeric"`` for forward differences instead of the analytic path
        derivatives; larch: passed to ``feffit``).
    errors : {"nan", "raise"}
        A failed fit gives NaN values and ``success=False`` (default) or raises.

    Returns
    -------
    xarray.Dataset
        ``value``, ``stderr`` (fixed parameters 0), ``at_bound`` on ``(..., param)``
        (units per parameter in the coord ``param_units``), ``correlation(..., param,
        param_other)``; per spectrum ``r_factor``, ``n_idp``, ``epsilon_k``; per fit problem
        (equal along a co-refined series) ``redchi``, ``chi_square``, ``n_varys``,
        ``r_factor_joint``, ``n_idp_joint``, ``nfev``, ``status``, ``success``, ``reason``;
        ``chi`` and ``chi_fit`` on the fit grid ``k``; data and model ``chir_re``, ``chir_im``,
        ``chir_mag`` and ``chir_*_fit`` on ``r`` (first k-weight). A free parameter at a
        bound gives ``success=False`` with the parameter named in ``reason`` (values kept).

    Assumptions
    -----------
    χ(k) is on a uniform grid starting at 0; the paths' k tables cover the fitted k range.

    Limitations
    -----------
    No background refinement (larch's ``refine_bkg``), no σ² from the correlated Debye model
    (the Einstein model is available as ``sigma2_eins(t, theta)`` in path expressions).

    References
    ----------
    M. Newville, J. Synchrotron Rad. 8, 322 (2001); xraylarch ``feffit`` documentation.

    Examples
    --------
    >>> import characterization as ch
    >>> from characterization.synthetic import exafs_chi, feff_path_example
    >>> paths = feff_path_example()
    >>> data = exafs_chi(paths, sigma2=[[0.006], [0.009]], s02=0.9, noise=0.001, seed=0)
    >>> fit = ch.exafs.fit_shells(data, paths=paths, engine="batched", k_range=(3, 14),
    ...                           model={"params": {"s02": {"value": 1, "min": 0}, "de0": 0,
    ...                                             "delr": 0, "sigma2": 0.005}})
    >>> bool(fit.success.all())
    True
    >>> fit.value.sel(param="sigma2").round(3).values.tolist()
    [0.006, 0.009]
    """
    if var not in ds:
        raise AnalysisError(f"fit_shells: no variable {var!r} (χ(k)); run "
                            "exafs.subtract_background first")
    chi = ds[var]
    if "k" not in chi.dims:
        raise AnalysisError(f"fit_shells: {var!r} has no k dim")
    if engine not in ("larch", "batched"):
        raise AnalysisError(f"fit_shells: engine must be 'larch' or 'batched', got {engine!r}")
    if fit_space not in ("r", "k", "q"):
        raise AnalysisError(f"fit_shells: fit_space must be 'r', 'k' or 'q', got {fit_space!r}")
    if errors not in ("nan", "raise"):
        raise AnalysisError(f"fit_shells: errors must be 'nan' or 'raise', got {errors!r}")
    kws = (int(k_weight),) if np.ndim(k_weight) == 0 else tuple(int(w) for w in k_weight)
    table = PathTable(paths)
    spec = _spec.build_spec(model, table.labels)
    if not spec.free:
        raise AnalysisError("fit_shells: the model has no free parameter")
    shared = tuple(shared or ())
    unknown = [n for n in shared if n not in spec.names()]
    if unknown:
        raise AnalysisError(f"fit_shells: shared parameters {unknown} are not in the model "
                            f"({spec.names()})")
    batch = [d for d in chi.dims if d != "k"]
    series = None
    if shared:
        series = next((d for d in SERIES_DIMS if d in batch), batch[0] if batch else None)
        if series is None:
            raise AnalysisError("fit_shells: shared= needs a batch dim to co-refine along")
    kmax_data = float(np.nanmax(ds["k"].values))
    if k_range[1] > min(kmax_data, table.kmax()) + 1e-9 or k_range[0] >= k_range[1]:
        raise AnalysisError(f"fit_shells: k_range {k_range} is not inside the data (k ≤ "
                            f"{kmax_data:.2f}) and the paths (k ≤ {table.kmax():.2f})")
    trans = Transform(tuple(map(float, k_range)), kws, float(dk), taper,
                      tuple(map(float, r_range)), fit_space)
    n_r = int(1.01 + R_MAX_OUT / trans.rstep)
    # per-spectrum scalar coords used in expressions
    used = set()
    for entry in spec.paths:
        for expr in entry.values():
            used.update(re.findall(r"[A-Za-z_]\w*", expr))
    for p in spec.derived:
        used.update(re.findall(r"[A-Za-z_]\w*", p.expr))
    extra_names = sorted(n for n in used if n in ds.coords and n not in ("k",)
                         and set(ds[n].dims) <= set(batch))
    template = chi.isel(k=0, drop=True)
    extras = [xr.broadcast(ds[n].astype(float).reset_coords(drop=True), template)[0]
              for n in extra_names]
    core_in = [series] if series else []
    nkf = int(1.01 + kmax_data / trans.kstep)
    npar = len(spec.params)
    outs = apply_kernel(
        _kernel, chi, *extras,
        input_core_dims=[core_in + ["k"]] + [core_in] * len(extras),
        output_core_dims=([core_in + ["param"]] * 2 + [core_in + ["param", "param_other"]]
                          + [core_in + ["param"]] + [core_in] * len(_PER_SPECTRUM)
                          + [core_in + ["k"]] * 2 + [core_in + ["r"]] * 6),
        output_dtypes=([float] * 3 + [bool] + [np.dtype("U200") if n == "reason" else
                                               bool if n == "success" else
                                               np.int64 if n == "status" else float
                                               for n in _PER_SPECTRUM] + [float] * 8),
        output_sizes={"param": npar, "param_other": npar, "k": nkf, "r": n_r},
        exclude_dims=frozenset({"k"}),
        kwargs=dict(k=np.asarray(ds["k"].values, dtype=float), table=table, spec=spec,
                    trans=trans, shared=shared, series=series, engine=engine,
                    extra_names=extra_names, fit_kwargs=fit_kwargs, n_r=n_r))
    names = spec.names()
    units = [_UNITS.get(n.split("_")[0], "") for n in names]
    out = xr.Dataset()
    labels = ["value", "stderr", "correlation", "at_bound", *_PER_SPECTRUM, "chi", "chi_fit",
              "chir_re", "chir_im", "chir_mag", "chir_re_fit", "chir_im_fit", "chir_mag_fit"]
    meta = {
        "value": ("", "Best-fit value"), "stderr": ("", "Standard error"),
        "correlation": ("1", "Correlation coefficient"), "at_bound": ("1", "At a bound"),
        "r_factor": ("1", "R-factor"), "n_idp": ("1", "Independent points"),
        "redchi": ("1", "Reduced chi-square"), "chi_square": ("1", "Chi-square"),
        "n_varys": ("1", "Number of variables"), "r_factor_joint": ("1", "Joint R-factor"),
        "n_idp_joint": ("1", "Independent points of the joint fit"),
        "nfev": ("1", "Function evaluations"), "status": ("1", "Fit status"),
        "success": ("1", "Fit succeeded"), "reason": (None, "Reason of a failure/flag"),
        "epsilon_k": ("1", "Noise in χ(k)"), "chi": ("1", "χ(k) data"),
        "chi_fit": ("1", "χ(k) model"),
        **{n: (f"angstrom**-{kws[0] + 1}", f"{'Re' if 're' in n else 'Im' if 'im' in n else '|'}"
               f"χ(R){'|' if 'mag' in n else ''}{' model' if 'fit' in n else ''}")
           for n in ("chir_re", "chir_im", "chir_mag", "chir_re_fit", "chir_im_fit",
                     "chir_mag_fit")}}
    for name, arr in zip(labels, outs):
        u, long = meta[name]
        arr.attrs = {"long_name": long} if u is None else {"units": u, "long_name": long}
        out[name] = arr
    k_fit = trans.k[:nkf]
    r = trans.r[:n_r]
    out = out.assign_coords(
        param=("param", names), param_other=("param_other", names),
        param_units=("param", units),
        k=("k", k_fit, {"units": "1/angstrom", "long_name": "Photoelectron wavenumber k"}),
        r=("r", r, {"units": "angstrom", "long_name": "Radial distance R"}))
    out["status"].attrs["codes"] = str({c: m for c, m in STATUS.items()
                                        if c in (1, 2, 3, 4, 5, 6, -1, -2, -3, -4)})
    if errors == "nan":
        failed = out["status"] < 0
        for name in ("value", "stderr", "correlation"):
            out[name] = out[name].where(~failed)
    elif out["success"].chunks is None and not bool(out["success"].all()):
        bad = out["reason"].where(~out["success"], drop=True).values.ravel()
        raise AnalysisError(f"fit_shells: fit failed: {'; '.join(map(str, bad[:5]))}")
    out.attrs["method"] = f"feffit ({engine})"
    out.attrs["parameters"] = {"resolved_model": {"params": {p.name: {
        "value": p.value, "min": p.min, "max": p.max, "vary": p.vary, "expr": p.expr}
        for p in spec.params}, "paths": dict(zip(table.labels, spec.paths))},
        "series_dim": series, "fit_space": fit_space}
    return out
