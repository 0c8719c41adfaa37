"""Fits of far-apart peak groups in separate windows (``fit_pattern(group=True)``): the
windows and the concatenation of the per-window results into one peak-table Dataset."""

from __future__ import annotations

import functools

import numpy as np
import xarray as xr


def window_groups(positions, window):
    """Index groups of positions (sorted) whose fit windows [p - w, p + w] do not overlap."""
    order = np.argsort(positions, kind="stable")
    groups = [[order[0]]]
    for i in order[1:]:
        if positions[i] - positions[groups[-1][-1]] > 2.0 * window:
            groups.append([i])
        else:
            groups[-1].append(i)
    return groups


def combine_group_fits(parts, dim):
    """Concatenate group fits: peaks along ``peak``, parameters along ``param`` (background
    coefficients renamed ``background<g>.c<k>``), block-diagonal covariance, best fits along
    the signal dim; chisqr/nfev summed, redchi pooled, success = all groups succeeded."""
    renamed = []
    for g, r in enumerate(parts):
        pn = [str(n).replace("background.", f"background{g}.", 1) for n in r["param"].values]
        r = r.assign_coords(param=pn, cov_i=pn, cov_j=pn)
        if "component" in r.coords:
            r = r.assign_coords(component=[f"background{g}" if c == "background" else str(c)
                                           for c in r["component"].values])
        renamed.append(r)
    first = renamed[0]
    all_params = [p for r in renamed for p in r["param"].values]
    out = {}
    for name, var in first.data_vars.items():
        dims = set(var.dims)
        if name == "covariance":
            cov = xr.concat([r[name] for r in renamed], dim="cov_i", join="outer",
                            fill_value=0.0)
            out[name] = cov.reindex(cov_i=all_params, cov_j=all_params, fill_value=0.0)
        elif "peak" in dims:
            out[name] = xr.concat([r[name] for r in renamed], dim="peak")
        elif "param" in dims:
            out[name] = xr.concat([r[name] for r in renamed], dim="param")
        elif dim in dims:
            cat = xr.concat([r[name] for r in renamed], dim=dim, join="outer")
            if "component" in dims:
                comps = [c for r in renamed for c in r["component"].values]
                cat = cat.reindex(component=comps)
            out[name] = cat
        elif name == "chisqr":
            out[name] = sum(r[name] for r in renamed)
        elif name == "nfev":
            out[name] = sum(r[name] for r in renamed)
        elif name == "success":  # DataArray operators keep the batch dims
            out[name] = functools.reduce(lambda a, b: a & b, [r[name] for r in renamed])
        elif name == "status":
            out[name] = functools.reduce(np.minimum, [r[name] for r in renamed])
    dof = sum(r["chisqr"] / r["redchi"] for r in renamed)
    out["redchi"] = out["chisqr"] / dof
    res = xr.Dataset({k: out[k] for k in first.data_vars if k in out})
    for name in res.data_vars:
        res[name].attrs = dict(first[name].attrs)
    res.attrs = dict(first.attrs)
    return res
