r"""Regions with different energy axes as one NaN-padded Dataset, and back (DESIGN §3).

A file with several regions reads as an :class:`xarray.DataTree` (one node per region, each on
its own binding-energy axis). :func:`stack_regions` puts them into **one** Dataset along a
batch dim (``region`` by default; ``sputter_time`` for the cycles of a depth profile whose
cycles differ in length) on a common binding-energy axis, NaN where a region was not
measured; :func:`unstack_regions` gives the DataTree back.

Common axis:

* **union** (exact, no resampling) when every region's points lie on one lattice (the same
  step, offsets a whole number of steps within 1e-6 of a step): the axis is the union of the
  measured energies; each region keeps its own numbers, NaN elsewhere.
* **interpolated** otherwise (steps differ, or lattices shifted): a lattice with the finest step
  of all regions anchored at the lowest energy, each region linearly interpolated onto the
  lattice points inside its own range (never extrapolated). Recorded in
  ``attrs["preprocessing"]``; refused with ``interpolate=False``.
"""

from __future__ import annotations

import json

import numpy as np
import xarray as xr

from ..errors import AnalysisError

_TOL = 1e-6


def _nodes(data) -> list[tuple[str, xr.Dataset]]:
    if isinstance(data, xr.DataTree):
        out = [(str(name), node.to_dataset()) for name, node in data.children.items()]
        if not out and data.has_data:
            out = [(str(data.name or "region"), data.to_dataset())]
        return out
    if isinstance(data, dict):
        return [(str(k), v) for k, v in data.items()]
    if isinstance(data, (list, tuple)):
        return [(f"region{k}", v) for k, v in enumerate(data)]
    raise AnalysisError(f"xps.stack_regions: needs a DataTree, a dict or a list of Datasets, got "
                        f"{type(data).__name__}")


def _step(x: np.ndarray) -> float:
    d = np.abs(np.diff(np.sort(x)))
    d = d[d > 0]
    return float(np.median(d)) if d.size else np.nan


def _on_lattice(values: np.ndarray, origin: float, step: float) -> bool:
    k = (values - origin) / step
    return bool(np.all(np.abs(k - np.round(k)) <= _TOL * 1e3))


def _labels(nodes, dim):
    """Coordinate values along ``dim``: a scalar coordinate ``dim`` of every node, else names."""
    if dim != "region" and all(dim in ds.coords and ds[dim].ndim == 0 for _, ds in nodes):
        return [ds[dim].values.item() for _, ds in nodes], nodes[0][1][dim].attrs
    return [name for name, _ in nodes], {"long_name": "Region"}


def stack_regions(data, *, dim: str = "region", energy_dim: str = "binding_energy",
                  interpolate: bool | None = None) -> xr.Dataset:
    r"""Regions (or cycles) with different energy axes as one NaN-padded Dataset.

    Every node ``r`` with values :math:`y_r(E_i)` on its axis :math:`\{E_i\}_r` goes to row
    ``r`` of ``dim`` on the common axis :math:`\{E_j\}`:

    .. math:: Y_{rj} = y_r(E_j) \text{ if } E_j \in \{E_i\}_r \text{ (union)}, \quad
              Y_{rj} = \mathrm{interp}(y_r)(E_j) \text{ if } \min_r E \le E_j \le \max_r E
              \text{ (interpolated)}, \quad \text{NaN otherwise.}

    Parameters
    ----------
    data : xarray.DataTree, dict or list of Dataset
        Regions as :func:`characterization.read` returns them (one child node per region), a
        ``{label: Dataset}`` mapping or a list (labelled ``region0``, ``region1`` ...).
        Nodes without ``energy_dim`` are left out.
    dim : str
        The new batch dim (default ``"region"``; its labels are the node names). With another
        name (``"sputter_time"``) and a scalar coordinate of that name on every node, the labels
        are those values (cycles of different lengths into one depth profile).
    energy_dim : str
        The energy dim of the nodes.
    interpolate : bool, optional
        None (default): union axis when the points share a lattice, else interpolation onto
        the finest step. False: raise instead of interpolating. True: always interpolate.

    Returns
    -------
    xarray.Dataset
        Every variable along ``energy_dim`` on the common axis (descending if the first node's
        axis is), NaN outside each node's points; variables without it concatenated along
        ``dim``; scalar coordinates that differ between nodes become coordinates along ``dim``
        (``dwell_time``, ``pass_energy``, ``region`` ...). Added: ``n_points(dim)`` (points of
        each node), ``energy_step(dim)`` (eV, each node's own median step) and
        ``measured(dim, energy_dim)`` (True at the node's own points: the exact inverse for
        :func:`unstack_regions`). The method (``union``/``interpolated``), the common step and
        the node names are recorded in ``attrs["preprocessing"]``.

    Notes
    -----
    Interpolation is linear: it keeps areas to second order in the step but smooths features
    narrower than a few steps and correlates neighbouring points (do not use Poisson weights
    of interpolated ``counts`` as independent). Node attrs that differ (vendor headers) are
    dropped; those shared are kept. Batch dims of the nodes (``sputter_time``) must agree or
    are outer-joined (NaN where a node lacks a batch label).

    Examples
    --------
    >>> import xarray as xr
    >>> from characterization.synthetic.xps import si2p_spectra
    >>> from characterization.xps import stack_regions, unstack_regions
    >>> a = si2p_spectra(1, energy=(96.0, 108.0, 0.1), seed=0)
    >>> b = si2p_spectra(1, energy=(100.0, 112.0, 0.1), seed=1)
    >>> st = stack_regions({"A": a, "B": b})
    >>> st.intensity.dims, st.n_points.values.tolist()
    (('region', 'sample', 'binding_energy'), [121, 121])
    >>> bool(st.intensity.sel(region="A").isel(binding_energy=0).isnull().all())   # 112 eV
    True
    >>> tree = unstack_regions(st)
    >>> tree["B"].to_dataset().sizes["binding_energy"]
    121
    """
    nodes = [(n, ds) for n, ds in _nodes(data) if isinstance(ds, xr.Dataset)
             and energy_dim in ds.dims]
    if not nodes:
        raise AnalysisError(f"xps.stack_regions: no node has the energy dim {energy_dim!r}")
    axes = [np.asarray(ds[energy_dim].values, dtype=float) for _, ds in nodes]
    steps = np.array([_step(x) for x in axes])
    finest = float(np.nanmin(steps)) if np.isfinite(steps).any() else 1.0
    origin = float(min(x.min() for x in axes))
    shared = bool(np.all(np.isfinite(steps)) and np.allclose(steps, finest, rtol=_TOL * 1e3)
                  and all(_on_lattice(x, origin, finest) for x in axes))
    if interpolate is False and not shared:
        raise AnalysisError(
            f"xps.stack_regions: the energy axes do not share one lattice (steps "
            f"{np.round(steps, 6).tolist()} eV); pass interpolate=None or True to interpolate "
            f"onto the finest step ({finest:g} eV)")
    method = "interpolated" if (interpolate or not shared) else "union"
    descending = axes[0].size > 1 and axes[0][0] > axes[0][-1]
    rep = {}
    if method == "union":
        for x in axes:                      # each lattice point keeps the first node's value
            for kk, e in zip(np.round((x - origin) / finest).astype(np.int64), x):
                rep.setdefault(int(kk), float(e))
        k = np.array(sorted(rep))
        grid = np.array([rep[i] for i in k])
    else:
        top = max(x.max() for x in axes)
        k = np.arange(0, int(np.floor((top - origin) / finest + 1e-6)) + 1)
        lattice = origin + k * finest
        inside = np.zeros(lattice.size, bool)
        for x in axes:
            inside |= (lattice >= x.min() - _TOL * finest) & (lattice <= x.max() + _TOL * finest)
        grid = lattice[inside]
    if method != "union":
        grid = np.round(grid, 9)
    if descending:
        grid = grid[::-1]
    labels, label_attrs = _labels(nodes, dim)
    pieces = []
    for (name, ds), x in zip(nodes, axes):
        if dim in ds.coords:
            ds = (ds.rename({dim: "region_label"}) if dim == "region" and ds[dim].ndim == 0
                  else ds.drop_vars(dim))
        attrs = ds[energy_dim].attrs
        if method == "union":
            own = np.array([rep[int(i)] for i in np.round((x - origin) / finest)])
            if np.unique(own).size != own.size:
                raise AnalysisError(f"xps.stack_regions: node {name!r} has repeated energies")
            ds = ds.assign_coords({energy_dim: own}).reindex({energy_dim: grid})
            measured = np.isin(grid, own)
        else:
            lo, hi = x.min() - _TOL * finest, x.max() + _TOL * finest
            measured = (grid >= lo) & (grid <= hi)
            ds = ds.sortby(energy_dim).interp({energy_dim: grid}, method="linear")
            for v in ds.data_vars:
                if energy_dim in ds[v].dims:
                    ds[v] = ds[v].where(xr.DataArray(measured, dims=energy_dim,
                                                     coords={energy_dim: grid}))
        ds[energy_dim].attrs = attrs
        ds["measured"] = xr.DataArray(measured, dims=energy_dim,
                                      attrs={"units": "1",
                                             "long_name": "Measured point of the node"})
        ds["n_points"] = xr.DataArray(x.size, attrs={"units": "1", "long_name": "Points measured"})
        ds["energy_step"] = xr.DataArray(_step(x), attrs={"units": "eV",
                                                         "long_name": "Energy step of the node"})
        pieces.append(ds)
    out = xr.concat(pieces, dim=dim, data_vars="all", coords="different", compat="equals",
                    join="outer", combine_attrs="drop_conflicts")
    out = out.assign_coords({dim: (dim, labels, dict(label_attrs))})
    out["measured"] = out["measured"].fillna(False).astype(bool)
    out["n_points"] = out["n_points"].astype(np.int64)
    for v in ("measured", "n_points", "energy_step"):
        out[v].attrs = pieces[0][v].attrs
    first = out[energy_dim].attrs
    out[energy_dim].attrs = {**first, "units": first.get("units", "eV")}
    history = []
    try:
        history = json.loads(out.attrs.get("preprocessing", "[]"))
    except (TypeError, json.JSONDecodeError):
        history = []
    step = {"function": "characterization.xps.stack_regions", "method": method,
            "parameters": {"dim": dim, "energy_step": finest, "nodes": [n for n, _ in nodes],
                           "node_steps": [float(s) for s in steps]}}
    out.attrs["preprocessing"] = json.dumps([*(history if isinstance(history, list) else []),
                                             step])
    out.attrs["stacked_along"] = dim
    return out


def unstack_regions(ds: xr.Dataset, *, dim: str | None = None,
                    energy_dim: str = "binding_energy") -> xr.DataTree:
    """The DataTree of :func:`stack_regions` back: one node per label of ``dim``.

    Each node keeps only its measured points (``measured``; all non-NaN intensities without
    it), its own scalar coordinates (the label's row of every coordinate along ``dim``) and
    the stacked Dataset's attrs. After a ``union`` stack the nodes equal the original regions
    (values, axis, order); after an ``interpolated`` one they hold the interpolated values.

    Parameters
    ----------
    ds : xarray.Dataset
        A :func:`stack_regions` result (or any Dataset with ``dim`` and ``energy_dim``).
    dim : str, optional
        The stacking dim (default: ``attrs["stacked_along"]``, else ``"region"``).
    energy_dim : str
        The energy dim.

    Returns
    -------
    xarray.DataTree
        Node names: the labels of ``dim`` (as text).

    Examples
    --------
    >>> from characterization.synthetic.xps import si2p_spectra
    >>> from characterization.xps import stack_regions, unstack_regions
    >>> a = si2p_spectra(1, seed=0)
    >>> tree = unstack_regions(stack_regions({"Si_2p": a}))
    >>> list(tree.children)
    ['Si_2p']
    """
    dim = dim or ds.attrs.get("stacked_along", "region")
    if dim not in ds.dims:
        raise AnalysisError(f"xps.unstack_regions: {dim!r} is not a dim of the Dataset "
                            f"({list(ds.dims)})")
    children = {}
    for label in ds[dim].values:
        node = ds.sel({dim: label})
        if "measured" in node:
            keep = node["measured"].values.astype(bool)
        else:
            y = node["intensity"] if "intensity" in node else next(iter(node.data_vars.values()))
            keep = np.asarray(y.notnull().any([d for d in y.dims if d != energy_dim]).values)
        node = node.isel({energy_dim: np.flatnonzero(keep)})
        node = node.drop_vars([v for v in ("measured", "n_points", "energy_step")
                               if v in node.variables])
        if dim == "region" and "region_label" in node.coords:
            node = node.drop_vars("region").rename({"region_label": "region"})
        node.attrs = {k: v for k, v in ds.attrs.items() if k != "stacked_along"}
        children[str(label)] = node
    return xr.DataTree.from_dict(children)
