"""Scattering paths computed offline by FEFF from a crystal structure, cached on disk.

:func:`feff_paths` turns a structure (pymatgen ``Structure``, CIF file, built-in phase name or
structure Dataset, see :mod:`.structures`) into the ``feff_paths`` Dataset that
:func:`characterization.read` gives for ``feffNNNN.dat`` files: the run's files are parsed by
the same reader (:func:`characterization.io.exafs.feffdat.read_feffdat`), so paths from files
and paths from runs are interchangeable in the shell fits.

How the input is written and FEFF is run (our own ``feff.inp`` writer, larch's bundled
binaries in a subprocess, never a thread, never a ``chdir``): :mod:`._feff_run`.

The cache is the one place where analysis writes a file: one netCDF file per request, named by
the sha256 of (structure: lattice matrix, species and fractional coordinates rounded to 1e-5;
absorber; ``site``; edge; radius; r_max; nleg; FEFF program; feff.inp writer version), written
to a temporary name in the cache folder and renamed into place (atomic on POSIX and Windows),
so two processes computing the same paths at once both succeed and readers never see half a
file. A file that cannot be read back (truncated, foreign) is recomputed and replaced.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import tempfile
import warnings
from pathlib import Path

import numpy as np
import xarray as xr

from .._api import public
from ..errors import AnalysisError
from . import _feff_run, structures


#: In-process copy of recently read cache files: key -> ((mtime_ns, size), Dataset). A file
#: changed on disk (another process refreshed it) is read again.
_MEMO: dict = {}
_MEMO_SIZE = 64


class _StructureType(type):
    """isinstance() check for pymatgen-like structures without importing pymatgen."""

    def __instancecheck__(cls, obj):
        return structures.is_structure(obj)


class Structure(metaclass=_StructureType):
    """Any pymatgen-like crystal structure (accepted first argument of :func:`feff_paths`)."""


def cache_dir(cache=None) -> Path | None:
    """The FEFF cache folder for a ``cache=`` argument (None when caching is off).

    ``None``/``True``/``"refresh"``: ``$CHARACTERIZATION_CACHE/feff`` when that variable is
    set, else ``~/.cache/characterization/feff``; a path: that folder; ``False``: no cache.
    """
    if cache is False:
        return None
    if cache is None or cache is True or cache == "refresh":
        root = os.environ.get("CHARACTERIZATION_CACHE")
        return (Path(root) if root else Path.home() / ".cache" / "characterization") / "feff"
    if isinstance(cache, (str, os.PathLike)):
        return Path(cache)
    raise AnalysisError(f"cache= must be None, True, False, 'refresh' or a folder, got {cache!r}")


def cache_key(structure, *, absorber, site, edge, radius, r_max, nleg, version) -> str:
    """sha256 of the canonical request (see the module docstring)."""
    frac = np.round(np.asarray(structure.frac_coords, dtype=float), 5) % 1.0
    request = {
        "lattice": np.round(np.asarray(structure.lattice.matrix, dtype=float), 5).tolist(),
        "species": [str(sp) for sp in structure.species],
        "frac_coords": np.round(frac, 5).tolist(),
        "absorber": absorber, "site": None if site is None else int(site),
        "edge": edge.upper(),
        "radius": round(float(radius), 5), "r_max": round(float(r_max), 5),
        "nleg": int(nleg), "version": version, "writer": _feff_run.WRITER_VERSION,
    }
    return hashlib.sha256(json.dumps(request, sort_keys=True).encode()).hexdigest()


def _load_cached(path: Path, key: str) -> xr.Dataset | None:
    if not path.is_file():
        return None
    try:
        stat = path.stat()
        memo = _MEMO.get(key)
        if memo is not None and memo[0] == (stat.st_mtime_ns, stat.st_size):
            return memo[1].copy(deep=True)
        ds = _read_cache(path)
    except Exception as exc:  # noqa: BLE001 - a damaged file may raise anything; recompute
        warnings.warn(f"FEFF cache file {path.name} is unreadable ({type(exc).__name__}); "
                      "recomputing it", RuntimeWarning, stacklevel=4)
        return None
    if ds.attrs.get("feff_cache_key") != key or "mag_feff" not in ds:
        warnings.warn(f"FEFF cache file {path.name} does not hold this request; recomputing it",
                      RuntimeWarning, stacklevel=4)
        return None
    _remember(key, stat, ds)
    return ds.copy(deep=True)


def _remember(key: str, stat, ds: xr.Dataset) -> None:
    """Keep ``ds`` (never handed out: callers get deep copies) for the next hit."""
    if len(_MEMO) >= _MEMO_SIZE:
        _MEMO.pop(next(iter(_MEMO)))
    _MEMO[key] = ((stat.st_mtime_ns, stat.st_size), ds)


def _text(value):
    return value.decode("utf-8") if isinstance(value, bytes) else value


def _read_cache(path: Path) -> xr.Dataset:
    """A cache file written by :func:`_store` (netCDF3 as xarray writes it), decoded directly.

    ``xarray.load_dataset`` reads the same file (it is plain CF netCDF); this decoder handles
    only what our writer puts there (float and int arrays, utf-8 char arrays, the
    ``coordinates`` attribute) and is 5–10× faster, which is what a cache hit costs.
    """
    from scipy.io import netcdf_file

    with netcdf_file(path, "r", mmap=False) as f:
        attrs = {k: _text(v) for k, v in f._attributes.items()}
        raw = {}
        coord_names = set()
        for name, var in f.variables.items():
            vattrs = {k: _text(v) for k, v in var._attributes.items()}
            vattrs.pop("_FillValue", None)
            coord_names.update(vattrs.pop("coordinates", "").split())
            dims = tuple(var.dimensions)
            data = np.array(var.data, copy=True)
            if vattrs.pop("_Encoding", None) is not None or data.dtype.kind == "S":
                chars = data.reshape(-1, data.shape[-1]) if data.ndim else data.reshape(1, 1)
                strings = [b"".join(row).rstrip(b"\x00").decode("utf-8") for row in chars]
                data = np.array(strings, dtype=str).reshape(data.shape[:-1])
                dims = dims[:-1]
            elif data.dtype.kind == "i":
                data = data.astype(np.int64)
            elif data.dtype.kind == "f":
                data = data.astype(np.float64)
            raw[name] = xr.Variable(dims, data, vattrs)
    coords = {n: v for n, v in raw.items() if n in coord_names or (v.ndim == 1
                                                                     and v.dims == (n,))}
    data_vars = {n: v for n, v in raw.items() if n not in coords}
    return xr.Dataset(data_vars, coords=coords, attrs=attrs)


def _store(ds: xr.Dataset, folder: Path, path: Path, key: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=path.stem + ".", suffix=".tmp", dir=folder)
    os.close(fd)
    try:
        ds.to_netcdf(tmp, engine="scipy", format="NETCDF3_64BIT")
        os.replace(tmp, path)
        _remember(key, path.stat(), ds.copy(deep=True))
    except Exception as exc:  # noqa: BLE001 - a read-only or full disk must not lose the result
        warnings.warn(f"FEFF paths could not be cached in {folder} ({exc})", RuntimeWarning,
                      stacklevel=4)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def _compute(s, *, absorber, site, edge, radius, r_max, nleg, version, timeout, key):
    sites = _feff_run.absorber_sites(s, absorber)
    if site is None:
        index, multiplicity = sites[0]
        if len(sites) > 1:
            listing = ", ".join(f"site {i} (×{m})" for i, m in sites)
            warnings.warn(f"{absorber} occupies {len(sites)} inequivalent sites ({listing}); "
                          f"paths are computed for the first (site=0 of these); pass site= "
                          "to choose another and weight the runs by multiplicity yourself",
                          UserWarning, stacklevel=4)
    else:
        if not 0 <= int(site) < len(sites):
            raise AnalysisError(f"site={site}: {absorber} has {len(sites)} inequivalent "
                                f"site(s) in this structure (0 ... {len(sites) - 1})")
        index, multiplicity = sites[int(site)]
    elements, xyz = _feff_run.cluster(s, index, radius)
    title = f"{s.composition.reduced_formula} {absorber} {edge} site {index}"
    inp = _feff_run.feff_input(elements, xyz, edge=edge, r_max=r_max, nleg=nleg,
                               version=version, title=title)
    ds = _feff_run.run(inp, version=version, timeout=timeout)
    scalar = {
        "edge": (f"{absorber} {edge}", "", "Absorption edge"),
        "radius": (float(radius), "angstrom", "Cluster radius"),
        "r_max": (float(r_max), "angstrom", "Largest half path length (FEFF RMAX)"),
        "absorber_site": (int(index), "1", "Index of the absorber site in the structure"),
        "site_multiplicity": (int(multiplicity), "1",
                              "Sites equivalent to the absorber site in the cell"),
        "n_inequivalent_sites": (len(sites), "1", "Inequivalent sites of the absorber element"),
        "feff_program": (version, "", "FEFF program"),
    }
    ds = ds.assign_coords({name: xr.DataArray(v, attrs={"units": u, "long_name": ln})
                           for name, (v, u, ln) in scalar.items()})
    ds.attrs = {"technique": "feff_paths", "title": title, "feff_inp": inp,
                "formula": s.composition.reduced_formula, "feff_cache_key": key}
    return ds


def _cached(s, *, absorber, site, edge, radius, r_max, nleg, version, cache, timeout):
    """One FEFF run for one absorber site, through the disk cache."""
    key = cache_key(s, absorber=absorber, site=site, edge=edge, radius=radius, r_max=r_max,
                    nleg=nleg, version=version)
    folder = cache_dir(cache)
    target = folder / f"{key}.nc" if folder is not None else None
    ds = None
    if target is not None and cache != "refresh":
        ds = _load_cached(target, key)
    if ds is None:
        ds = _compute(s, absorber=absorber, site=site, edge=edge, radius=radius, r_max=r_max,
                      nleg=nleg, version=version, timeout=timeout, key=key)
        if target is not None:
            _store(ds, folder, target, key)
    return ds


def _all_sites(runs: list[xr.Dataset]) -> xr.Dataset:
    """Paths of every inequivalent absorber site in one Dataset, N weighted by site fraction."""
    k = runs[0]["k"].values
    for r in runs[1:]:
        if r.sizes["k"] != k.size or not np.array_equal(r["k"].values, k):
            raise AnalysisError("the FEFF runs of the absorber sites have different k grids")
    total = sum(int(r.site_multiplicity) for r in runs)
    parts = []
    for r in runs:
        weight = int(r.site_multiplicity) / total
        r = r.reset_coords(["absorber_site", "site_multiplicity"])
        r["absorber_site"] = r["absorber_site"].expand_dims(path=r["path"]).copy()
        r["site_multiplicity"] = r["site_multiplicity"].expand_dims(path=r["path"]).copy()
        r["site_weight"] = xr.DataArray(
            np.full(r.sizes["path"], weight), dims="path",
            attrs={"units": "1", "long_name": "Fraction of the absorber atoms on this site"})
        r["site_degeneracy"] = r["degeneracy"].assign_attrs(
            long_name="Path degeneracy N seen from this site (FEFF)")
        r["degeneracy"] = (r["degeneracy"] * weight).assign_attrs(
            units="1", long_name="Path degeneracy N × site weight (site average)")
        r["amplitude_ratio"] = r["amplitude_ratio"].copy()
        parts.append(r)
    ds = xr.concat(parts, dim="path", data_vars="all", coords="minimal", compat="override",
                   join="override", combine_attrs="override")
    ds = ds.assign_coords(path=("path", np.arange(1, ds.sizes["path"] + 1),
                                {"units": "", "long_name": "Path"}))
    ds.attrs["feff_inp"] = "\n".join(r.attrs["feff_inp"] for r in runs)
    ds.attrs["feff_cache_key"] = ",".join(r.attrs["feff_cache_key"] for r in runs)
    ds.attrs["title"] = "; ".join(r.attrs["title"] for r in runs)
    return ds


def _feff_paths(structure, *, absorber: str, edge: str = "K", radius: float = 6.0,
                r_max: float | None = None, nleg: int = 4, site: int | str | None = None,
                version: str = "feff6l", max_paths: int | None = None, cache=None,
                timeout: float = 600.0) -> xr.Dataset:
    r"""Scattering paths of ``absorber`` in a crystal structure, computed by FEFF (cached).

    Builds a cluster of every atom within ``radius`` of one ``absorber`` site, writes
    ``feff.inp`` (unique potentials by element, absorber ipot 0, ``RMAX r_max``,
    ``NLEG nleg``, S0² = 1), runs larch's bundled ``feff6l`` (or the ``feff8l`` modules) in a
    subprocess in a temporary folder, and returns the paths as one ``feff_paths`` Dataset —
    the layout :func:`characterization.read` gives for ``feffNNNN.dat`` files. Each path
    enters the EXAFS equation (what the shell fits evaluate) as

    .. math::

        \chi_j(k) = \frac{S_0^2 N_j\,|f_j(k)|}{k R_j^2}\,e^{-2 R_j/\lambda(k)}\,
        e^{-2 k^2 \sigma_j^2}\,\sin\!\big(2 k R_j + \phi_j(k) + 2\delta_c(k)\big)

    with :math:`N_j` = ``degeneracy``, :math:`R_j` = ``reff``, :math:`|f_j|` = ``mag_feff``,
    :math:`\phi_j + 2\delta_c` = ``phase_feff + real_phc``, :math:`\lambda` =
    ``mean_free_path`` and the reduction ``red_factor``.

    Parameters
    ----------
    structure : pymatgen.core.Structure, str, os.PathLike or xarray.Dataset
        The crystal: a ``Structure``, the name of a built-in phase (``"beta-Sn"``,
        ``"alpha-Sn"``, ``"SnO2"``, ``"Cu"``; :mod:`characterization.exafs.structures`), a CIF
        file, or a structure Dataset (:func:`~characterization.exafs.structures.to_dataset`).
        Must be ordered (no partial occupancies).
    absorber : str
        Element symbol of the absorbing atom (``"Sn"``).
    edge : {"K", "L1", "L2", "L3"}
        Absorption edge.
    radius : float
        Cluster radius in Å: every atom within it enters the FEFF input (and the potentials).
    r_max : float, optional
        Largest half path length (FEFF ``RMAX``) in Å; default ``radius``. A path with
        half-length ≤ ``radius`` only visits atoms within ``radius``, so the default loses no
        path.
    nleg : int
        Largest number of legs of a path (FEFF ``NLEG``; 2 = single scattering only).
    site : int or "all", optional
        Which inequivalent site of ``absorber`` (0, 1 ... in the order of the structure's
        sites). Default: the first, with a ``UserWarning`` when there are several.
        ``"all"``: one run per inequivalent site, the paths of all runs stacked along
        ``path``, each path's ``degeneracy`` multiplied by its ``site_weight`` (fraction of
        the absorber atoms on that site) so that the sum over paths is the site-averaged
        χ(k); FEFF's own N is kept as ``site_degeneracy``, and ``absorber_site`` and
        ``site_multiplicity`` become per-path variables.
    version : {"feff6l", "feff8l"}
        FEFF program bundled with xraylarch (feff8l: self-consistency off, as in larch).
    max_paths : int, optional
        Keep the first ``max_paths`` paths (FEFF orders them by ``reff``). Weak paths can be
        dropped with ``paths.isel(path=paths.amplitude_ratio.values > 10)``.
    cache : None, bool, "refresh" or path
        On-disk cache: ``None``/``True`` the default folder (``$CHARACTERIZATION_CACHE/feff``
        or ``~/.cache/characterization/feff``), a path a folder of your choice, ``False`` no
        cache, ``"refresh"`` recompute and overwrite.
    timeout : float
        Seconds a FEFF executable may run before it is stopped (AnalysisError).

    Returns
    -------
    xarray.Dataset
        Technique ``"feff_paths"``: on (``path``, ``k``) ``real_phc``, ``mag_feff`` (Å),
        ``phase_feff``, ``red_factor``, ``mean_free_path`` (Å), ``real_p`` (1/Å); per path
        ``degeneracy``, ``reff`` (Å), ``nleg``, ``rnorman`` (bohr), ``feff_edge`` (eV),
        ``scatterers``, ``geometry`` (JSON) and ``amplitude_ratio`` (%, FEFF's importance);
        scalar coords ``absorber``, ``edge``, ``feff_version``, ``feff_program``, ``radius``,
        ``r_max``, ``absorber_site``, ``site_multiplicity``, ``n_inequivalent_sites``;
        ``attrs["feff_inp"]`` is the input FEFF ran.

    Raises
    ------
    AnalysisError
        No ``absorber`` atom in the structure, a disordered structure, a cluster beyond FEFF's
        limits (1000 atoms, 7 scattering elements), a missing FEFF binary, a FEFF failure or
        timeout.

    Notes
    -----
    Assumptions: a perfect, ordered crystal at the given cell; muffin-tin potentials overlapped
    from neutral atoms (FEFF6 defaults, no self-consistency); Hedin–Lundqvist exchange;
    one absorber site per run. Limitations: the half path lengths are those of the structure
    (thermal expansion, a different cell: pass another structure); amplitudes carry no
    Debye–Waller factor (σ² is a fit parameter). Paths of different runs have different
    ``k`` grids only if FEFF changes its grid (it does not between feff6l runs).

    The cache is the one file analysis writes (see :mod:`characterization.exafs.feff`);
    the temporary FEFF folder is removed after the run.

    References
    ----------
    J. J. Rehr, R. C. Albers, Rev. Mod. Phys. 72, 621 (2000). S. I. Zabinsky et al.,
    Phys. Rev. B 52, 2995 (1995) (FEFF6). M. Newville, J. Synchrotron Rad. 20, 317 (2013)
    (larch).

    Examples
    --------
    >>> from characterization import exafs
    >>> paths = exafs.feff_paths("beta-Sn", absorber="Sn", radius=4.0, cache=False)
    >>> [(round(float(r), 2), int(n)) for r, n in zip(paths.reff[:2], paths.degeneracy[:2])]
    [(3.02, 4), (3.18, 2)]
    """
    s, description = structures.load(structure)
    if not isinstance(absorber, str) or not absorber.strip():
        raise AnalysisError("absorber= must be an element symbol such as 'Sn'")
    absorber = absorber.strip().capitalize()
    edge = str(edge).upper()
    radius = float(radius)
    r_max = radius if r_max is None else float(r_max)
    if not (radius > 0 and 0 < r_max):
        raise AnalysisError(f"radius ({radius}) and r_max ({r_max}) must be positive")
    if int(nleg) < 2:
        raise AnalysisError(f"nleg={nleg}: a path has at least 2 legs")
    if version not in _feff_run.PROGRAMS:
        raise AnalysisError(f"unknown FEFF version {version!r}; use one of "
                            f"{_feff_run.PROGRAMS}")
    if site == "all":
        n_sites = len(_feff_run.absorber_sites(s, absorber))
        runs = [_cached(s, absorber=absorber, site=i, edge=edge, radius=radius, r_max=r_max,
                        nleg=nleg, version=version, cache=cache, timeout=timeout)
                for i in range(n_sites)]
        ds = _all_sites(runs)
        key = ",".join(r.attrs["feff_cache_key"] for r in runs)
    else:
        if site is not None and (isinstance(site, bool)
                                 or not isinstance(site, (int, np.integer))):
            raise AnalysisError(f"site= must be None, an int or 'all', got {site!r}")
        ds = _cached(s, absorber=absorber, site=site, edge=edge, radius=radius, r_max=r_max,
                     nleg=nleg, version=version, cache=cache, timeout=timeout)
        key = ds.attrs["feff_cache_key"]
    if max_paths is not None:
        ds = ds.isel(path=slice(0, max(1, int(max_paths))))
    ds.attrs["method"] = f"FEFF ({version}, larch-bundled) on a {radius:g} Å cluster"
    ds.attrs["parameters"] = {"structure": description, "cache_key": key}
    return ds


_feff_paths.__name__ = _feff_paths.__qualname__ = "feff_paths"
_registered = public("exafs", batch_dim=None, accepts=(xr.Dataset, Structure, os.PathLike),
                     headline=("reff", "degeneracy", "amplitude_ratio"))(_feff_paths)


@functools.wraps(_registered)
def feff_paths(structure, *args, **kwargs):
    # A name or a CIF path given as str is resolved here: the registered step (what the
    # accessor and the recipes call) takes Structures, path objects and structure Datasets.
    if isinstance(structure, str):
        name = structure.strip().lower()
        structure = structures.BUILTIN[name]() if name in structures.BUILTIN else Path(structure)
    return _registered(structure, *args, **kwargs)
