"""Principal component analysis of a set of spectra (factor analysis for XANES): :func:`pca`."""

from __future__ import annotations

import numpy as np
import xarray as xr

from .._api import public
from ..errors import AnalysisError


def _ind_and_f(eig: np.ndarray, r: int, c: int):
    """Malinowski's indicator function IND(n) and the F-test p-value of each eigenvalue."""
    from scipy.stats import f as f_dist

    n_max = c
    ind = np.full(n_max, np.nan)
    pval = np.full(n_max, np.nan)
    for n in range(1, n_max):
        rest = eig[n:].sum()
        re = np.sqrt(rest / (r * (c - n)))
        ind[n - 1] = re / (c - n) ** 2
    weights = np.array([(r - j + 1) * (c - j + 1) for j in range(1, c + 1)], dtype=float)
    for n in range(1, n_max):
        rev = eig[n - 1] / weights[n - 1]
        pool = eig[n:].sum() / weights[n:].sum()
        if pool > 0:
            pval[n - 1] = f_dist.sf(rev / pool, 1, c - n)
    return ind, pval


@public("exafs", batch_dim=None, headline=("n_components",))
def pca(ds: xr.Dataset, *, var: str = "norm", dim: str | None = None,
        range: tuple[float, float] | None = None, reference: xr.Dataset | None = None,
        n_components: int | None = None) -> xr.Dataset:
    r"""Principal components of the spectra of a batch, with Malinowski's IND and F-test.

    The spectra (every batch element, flattened) form the rows of :math:`X` (c × N, on the
    window ``range`` of ``dim``); :math:`X = U S V^T`. Eigenvalues :math:`\lambda_i = s_i^2`,
    explained variance :math:`\lambda_i/\sum\lambda`, scores :math:`US`, components the rows of
    :math:`V^T`. No mean-centring (the factor-analysis convention for XAS: the first component
    is the average spectrum). Number of components: the minimum of the indicator function

    .. math:: \mathrm{IND}(n) = \frac{1}{(c-n)^2}\sqrt{\frac{\sum_{j>n}\lambda_j}{N(c-n)}}

    (or ``n_components`` when given). Target transformation: each spectrum of ``reference`` is
    projected on the first n components; its residual (rms) says whether it can be one of the
    species in the set.

    Parameters
    ----------
    ds : xarray.Dataset
        Spectra ``var(..., dim)``; all batch dims are pooled.
    var, dim : str
        Variable and signal dim (default ``norm`` on ``energy``).
    range : (float, float), optional
        Window on ``dim``.
    reference : xarray.Dataset, optional
        Candidate references ``var(component, dim)`` for target transformation.
    n_components : int, optional
        Number of components to keep for the target transformation (default: min of IND).

    Returns
    -------
    xarray.Dataset
        ``eigenvalue``, ``explained_variance``, ``cumulative_variance``, ``ind``, ``f_pvalue``
        on ``pc``; ``components(pc, dim)``; ``scores(..., pc)``; scalar ``n_components``; with
        ``reference``: ``target_residual(target)`` (rms, units of ``var``) and
        ``target_r_factor(target)``.

    Assumptions
    -----------
    The spectra share a grid and a normalisation; noise is roughly white.

    Limitations
    -----------
    IND and the F-test assume homoscedastic noise; with few spectra (c < 4) they are
    indicative only.

    References
    ----------
    E. R. Malinowski, *Factor Analysis in Chemistry*, 3rd ed. (2002); S. R. Wasserman, J. Phys.
    IV 7, C2-203 (1997) (PCA of XAFS).

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> import characterization as ch
    >>> e = np.linspace(-20, 40, 121)
    >>> a, b = 1 / (1 + np.exp(-e / 2)), 1 / (1 + np.exp(-(e - 4) / 3))
    >>> w = np.linspace(0, 1, 6)[:, None]
    >>> noise = np.random.default_rng(0).normal(0, 1e-3, (6, e.size))
    >>> ds = xr.Dataset({"norm": (("state", "energy"), w * a + (1 - w) * b + noise)},
    ...                 coords={"energy": e})
    >>> int(ch.exafs.pca(ds).n_components)
    2
    """
    x = ds[var]
    if range is not None:
        lo, hi = sorted(float(v) for v in range)
        x = x.sel({dim: slice(lo, hi)})
    batch = [d for d in x.dims if d != dim]
    stacked = x.transpose(*batch, dim).values.reshape(-1, x.sizes[dim])
    if not np.isfinite(stacked).all():
        raise AnalysisError("pca: the spectra contain NaN inside the window; crop or pass range=")
    c, npts = stacked.shape
    if c < 2:
        raise AnalysisError("pca: needs at least two spectra")
    u, s, vt = np.linalg.svd(stacked, full_matrices=False)
    eig = s ** 2
    ind, pval = _ind_and_f(eig, max(c, npts), min(c, npts))
    n_best = int(np.nanargmin(ind) + 1) if np.isfinite(ind).any() else 1
    n_keep = int(n_components) if n_components else n_best
    if not 1 <= n_keep <= len(s):
        raise AnalysisError(f"pca: n_components must be in 1..{len(s)}, got {n_keep}")
    pcs = np.arange(1, len(s) + 1)
    units = x.attrs.get("units", "1")
    scores = (u * s).reshape([x.sizes[d] for d in batch] + [len(s)])
    out = xr.Dataset(
        {"eigenvalue": ("pc", eig, {"units": f"({units})**2", "long_name": "Eigenvalue"}),
         "explained_variance": ("pc", eig / eig.sum(), {"units": "1",
                                                        "long_name": "Explained variance"}),
         "cumulative_variance": ("pc", np.cumsum(eig) / eig.sum(),
                                 {"units": "1", "long_name": "Cumulative explained variance"}),
         "ind": ("pc", ind[:len(s)] if ind.size >= len(s) else np.pad(
             ind, (0, len(s) - ind.size), constant_values=np.nan),
                 {"units": f"{units}", "long_name": "Malinowski indicator function"}),
         "f_pvalue": ("pc", np.pad(pval, (0, len(s) - pval.size), constant_values=np.nan)
                      if pval.size < len(s) else pval[:len(s)],
                      {"units": "1", "long_name": "F-test p-value (eigenvalue is noise)"}),
         "components": (("pc", dim), vt, {"units": "1", "long_name": "Principal component"}),
         "scores": ((*batch, "pc"), scores, {"units": units, "long_name": "Score"}),
         "n_components": ((), n_keep, {"units": "1", "long_name": "Number of components"})},
        coords={"pc": ("pc", pcs, {"units": "1", "long_name": "Principal component"}),
                dim: (dim, x[dim].values, dict(ds[dim].attrs) or {"units": ""}),
                **{d: ds[d] for d in batch if d in ds.coords}})
    if reference is not None:
        if var not in reference or "component" not in reference[var].dims:
            raise AnalysisError(f"pca: reference needs {var!r} along 'component'")
        grid = x[dim].values
        rv = reference[var].transpose("component", ...).values
        rx = reference[dim].values
        if grid.min() < rx.min() - 1e-9 or grid.max() > rx.max() + 1e-9:
            raise AnalysisError("pca: the references do not cover the window")
        t = np.stack([np.interp(grid, rx, r) for r in rv])
        basis = vt[:n_keep]
        resid = t - (t @ basis.T) @ basis
        out["target_residual"] = ("target", np.sqrt((resid ** 2).mean(-1)),
                                  {"units": units, "long_name": "Target-transformation residual"})
        out["target_r_factor"] = ("target", (resid ** 2).sum(-1) / (t ** 2).sum(-1),
                                  {"units": "1", "long_name": "Target-transformation R-factor"})
        out = out.assign_coords(target=("target", list(reference["component"].values)))
    out.attrs["method"] = "svd (not mean-centred)"
    return out
