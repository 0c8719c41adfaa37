"""Shell fits through larch's ``feffit`` (the reference engine), harvested into numpy arrays.

Paths are handed to larch as ``FeffPathGroup`` objects filled from our ``feff_paths`` tables (no
file is written or read); the data as a Group with ``k`` and ``chi``. A series is one ``feffit``
call over several datasets: shared parameters once, the others renamed ``<name>_s<i>`` per
spectrum (expressions rewritten the same way). Nothing larch returns leaves this module.
"""

from __future__ import annotations

import re

import numpy as np

from . import _larch, _spec


_CLASS = {}


def _feffdat_class():
    """FeffDatFile whose copies keep their tables (larch's copy re-reads the file by name)."""
    if "cls" not in _CLASS:
        feffdat = _larch.require("larch.xafs.feffdat")

        class TableFeffDat(feffdat.FeffDatFile):
            def __copy__(self):
                new = TableFeffDat()
                new.__setstate__(self.__getstate__())
                return new

            def __deepcopy__(self, memo):
                return self.__copy__()

        class TablePath(_larch.require("larch.xafs").FeffPathGroup):
            def __copy__(self):
                new = super().__copy__()
                new._feffdat = self._feffdat.__copy__()
                return new

            def __deepcopy__(self, memo):
                return self.__copy__()

        _CLASS["cls"] = TableFeffDat
        _CLASS["path"] = TablePath
    return _CLASS["cls"]


def _feffdat(table, j):
    import json

    fd = _feffdat_class()()
    t = table.tables[j]
    setattr(fd, "__reff__", float(table.reff[j]))
    try:
        atoms = json.loads(table.geometry[j])
    except ValueError:
        atoms = []
    setattr(fd, "__nleg__", max(2, len(atoms)))
    geom = []
    for atom in atoms:
        sym, x, y, z, ipot = atom[0], atom[1], atom[2], atom[3], atom[4]
        try:
            from xraydb import atomic_mass, atomic_number
            mass, iz = atomic_mass(sym), atomic_number(sym)
        except Exception:  # noqa: BLE001
            mass, iz = 1.0, 0
        geom.append((sym, iz, ipot, mass, x, y, z))
    fd.geom = geom
    fd.degen = float(table.degeneracy[j])
    fd.shell = "K"
    fd.absorber = atoms[0][0] if atoms else "X"
    fd.edge = 0.0
    fd.rnorman = 0.0
    fd.gam_ch = fd.exch = fd.vmu = fd.vfermi = fd.vint = fd.rs_int = 0.0
    fd.red_fact = np.ones_like(t["k"])
    fd.real_phc = fd.mag_feff = fd.pha_feff = np.zeros_like(t["k"])
    fd.title = ""
    fd.version = ""
    fd.potentials = []
    fd.k = np.array(t["k"])
    fd.amp, fd.pha = np.array(t["amp"]), np.array(t["pha"])
    fd.rep, fd.lam = np.array(t["rep"]), np.array(t["lam"])
    return fd


def _rename(expr: str, mapping: dict) -> str:
    if not mapping:
        return expr
    pattern = re.compile(r"\b(" + "|".join(map(re.escape, mapping)) + r")\b")
    return pattern.sub(lambda m: mapping[m.group(1)], expr)


def fit(chi, k_data, table, spec, trans, *, shared=(), extras=None, fit_kwargs=None):
    """Same contract as :func:`._batched.fit`, one larch ``feffit`` per group."""
    G, S, _ = chi.shape
    extras = extras or {}
    names = spec.names()
    npar = len(names)
    ikmax = int(1.01 + np.nanmax(k_data) / trans.kstep)
    kfit = trans.k[:ikmax]
    nr = trans.nfft // 2
    out = {"value": np.full((G, S, npar), np.nan), "stderr": np.full((G, S, npar), np.nan),
           "correlation": np.full((G, S, npar, npar), np.nan),
           "at_bound": np.zeros((G, S, npar), dtype=bool)}
    for key in ("r_factor", "n_idp", "redchi", "chi_square", "n_varys", "r_factor_joint",
                "n_idp_joint", "nfev", "epsilon_k"):
        out[key] = np.full((G, S), np.nan)
    out["status"] = np.zeros((G, S), dtype=np.int64)
    out["success"] = np.zeros((G, S), dtype=bool)
    out["reason"] = np.full((G, S), "", dtype=object)
    out["chi"] = np.full((G, S, ikmax), np.nan)
    out["chi_fit"] = np.full((G, S, ikmax), np.nan)
    out["chir_data"] = np.full((G, S, nr), np.nan, dtype=complex)
    out["chir_fit"] = np.full((G, S, nr), np.nan, dtype=complex)
    for g in range(G):
        try:
            _fit_group(g, chi[g], k_data, table, spec, trans, shared, extras, names, kfit, out,
                       fit_kwargs or {})
        except Exception as exc:  # noqa: BLE001 - a failed fit never kills the batch
            out["status"][g] = -2
            out["reason"][g] = f"larch feffit failed: {exc}"[:400]
    out["reason"] = out["reason"].astype(str)
    out["kfit"] = kfit
    return out


def _fit_group(g, chi, k_data, table, spec, trans, shared, extras, names, kfit, out, fit_kwargs):
    larch = _larch.require("larch")
    xafs = _larch.require("larch.xafs")
    fitting = _larch.require("larch.fitting")
    _feffdat_class()
    S = chi.shape[0]
    series = S > 1
    local = [n for n in names if series and n not in shared]
    pars = {}
    for s in range(S):
        mapping = {n: f"{n}_s{s}" for n in local}
        for p in spec.params:
            pname = mapping.get(p.name, p.name)
            if pname in pars:
                continue
            if p.expr is not None:
                pars[pname] = fitting.param(expr=_rename(p.expr, mapping))
            else:
                pars[pname] = fitting.param(p.value, vary=p.vary, min=p.min, max=p.max)
    params = larch.Group(**pars)
    datasets = []
    for s in range(S):
        mapping = {n: f"{n}_s{s}" for n in local}
        subst = {n: repr(float(v[g, s])) for n, v in extras.items()}
        good = np.isfinite(chi[s]) & np.isfinite(k_data)
        data = larch.Group(k=np.array(k_data[good]), chi=np.array(chi[s, good]))
        paths = {}
        for j, entry in enumerate(spec.paths):
            kws = {}
            for key, expr in entry.items():
                kws[_spec.LARCH_NAMES[key]] = _rename(_rename(expr, subst), mapping)
            if "degen" in kws:   # larch multiplies by degen unevaluated: fold N into S0²
                kws["s02"] = f"({kws['s02']})*({kws.pop('degen')})"
                kws["degen"] = 1.0
            path = _CLASS["path"](filename=f"<characterization path {table.labels[j]}>",
                                      label=f"p{j}", _feffdat=_feffdat(table, j), **kws)
            paths[f"p{j}"] = path
        tr = xafs.feffit_transform(kmin=trans.k_range[0], kmax=trans.k_range[1],
                                   kweight=list(trans.k_weight) if len(trans.k_weight) > 1
                                   else trans.k_weight[0], dk=trans.dk, window=trans.taper,
                                   rmin=trans.r_range[0], rmax=trans.r_range[1],
                                   fitspace=trans.fit_space)
        datasets.append(xafs.feffit_dataset(data=data, paths=paths, transform=tr))
    result = xafs.feffit(params, datasets, **fit_kwargs)
    rp = result.params
    nvarys = int(result.nvarys)
    for s, ds in enumerate(datasets):
        mapping = {n: f"{n}_s{s}" for n in local}
        for j, name in enumerate(names):
            par = rp[mapping.get(name, name)]
            out["value"][g, s, j] = par.value
            spec_par = spec.params[j]
            if spec_par.free or spec_par.expr is not None:
                out["stderr"][g, s, j] = np.nan if par.stderr is None else par.stderr
            else:
                out["stderr"][g, s, j] = 0.0
            if spec_par.free:
                tol = 1e-6 * max(1.0, abs(par.value))
                out["at_bound"][g, s, j] = (abs(par.value - par.min) <= tol
                                            or abs(par.value - par.max) <= tol)
                for i, other in enumerate(names):
                    oname = mapping.get(other, other)
                    if spec.params[i].free:
                        out["correlation"][g, s, j, i] = (1.0 if i == j else
                                                          (par.correl or {}).get(oname, 0.0))
        dres = ds._residual(rp)
        ddat = ds._residual(rp, data_only=True)
        out["r_factor"][g, s] = (dres ** 2).sum() / (ddat ** 2).sum()
        out["n_idp"][g, s] = ds.n_idp
        eps = ds.epsilon_k
        out["epsilon_k"][g, s] = np.mean(eps[0] if isinstance(eps, list) else eps)
        n = min(len(kfit), len(ds.model.chi))
        out["chi"][g, s, :n] = ds._chi[:n]
        out["chi_fit"][g, s, :n] = ds.model.chi[:n]
        out["chir_data"][g, s] = trans.fftf(out["chi"][g, s], trans.k_weight[0])
        out["chir_fit"][g, s] = trans.fftf(out["chi_fit"][g, s], trans.k_weight[0])
    out["redchi"][g] = result.chi2_reduced
    out["chi_square"][g] = result.chi_square
    out["n_varys"][g] = nvarys
    out["r_factor_joint"][g] = result.rfactor
    out["n_idp_joint"][g] = result.n_independent
    out["nfev"][g] = result.nfev
    ok = bool(result.success)
    hit = sorted({names[j] for j in np.flatnonzero(out["at_bound"][g].any(axis=0))})
    out["status"][g] = (6 if hit else 1) if ok else -1
    out["success"][g] = ok and not hit
    out["reason"][g] = ("parameter at a bound: " + ", ".join(hit) if hit else
                        "" if ok else str(result.message)[:200])
