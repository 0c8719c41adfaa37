r"""χ(k) of a sum of FEFF scattering paths — the EXAFS equation, vectorised over parameter sets.

The per-path amplitude and phase functions of a ``feff_paths`` Dataset (FEFF's own, non-uniform
k grid) are interpolated with an interpolating cubic spline (as larch's ``FeffPathGroup`` does)
at the E0-shifted wavenumber of every spectrum of a batch, so one call evaluates χ(k) for a
whole batch of parameter sets (the batched shell-fit engine calls it once per iteration).

The equation (FEFF / feffit convention, larch ``feffdat._calc_chi``) for path *j*:

.. math::

    k' = \operatorname{sign}(k^2 - c\,\Delta E_0)\sqrt{|k^2 - c\,\Delta E_0|},\quad
    c = 2m/\hbar^2 = 0.26247\ \mathrm{eV^{-1}\,Å^{-2}}

    p = \sqrt{(\mathrm{Re}\,p(k') + i/\lambda(k'))^2},\qquad R = R_\mathrm{eff} + \Delta R

    \tilde\chi_j = \frac{N_j S_0^2\,|F_j(k')|\,\mathrm{red}_j(k')}{k' R^2}
      \exp\!\Big(-2 R_\mathrm{eff}\,\mathrm{Im}\,p - 2p^2\sigma^2\Big)
      \exp\!\Big(i\big[2k'R_\mathrm{eff} + \Phi_j(k') + 2p(\Delta R - 2\sigma^2/R_\mathrm{eff}
      - \tfrac{2}{3}p^2 C_3)\big]\Big)

    \chi(k) = \sum_j \mathrm{Im}\,\tilde\chi_j

with :math:`\Phi = 2\delta_c + \phi_\mathrm{eff}` (FEFF's ``real[2*phc] + phase[feff]``); the
mean free path enters through the imaginary part of *p* (the ``exp(-2R/λ)`` damping).

References
----------
Rehr, J. J. & Albers, R. C. (1990) Phys. Rev. B 41, 8139; Newville, M. (2001) J. Synchrotron
Rad. 8, 322 (feffit); larch ``xafs/feffdat.py``.
"""

from __future__ import annotations

import json

import numpy as np
import xarray as xr

#: 2m/ħ² in eV⁻¹ Å⁻² (k² = ETOK·(E − E0)), the value larch uses.
ETOK = 0.2624682843
_SMALL_ENERGY = 1.0e-6
_NAMES = ("s02", "n", "de0", "delr", "sigma2", "c3")
FINE_STEP = 0.002


class PathTable:
    """Numeric tables of a ``feff_paths`` Dataset, splined once for repeated χ(k) evaluations.

    Attributes
    ----------
    labels : list of str
        Path labels (``str`` of the ``path`` coordinate values).
    reff, degeneracy : ndarray (npath,)
    splines : list of dict
        Per path the interpolating cubic splines of amplitude (``mag_feff·red_factor``),
        phase (``real_phc + phase_feff``), ``real_p`` and ``mean_free_path``.
    """

    def __init__(self, paths: xr.Dataset):
        from scipy.interpolate import make_interp_spline

        if "path" not in paths.dims:
            paths = paths.expand_dims("path")
        needed = ("real_phc", "mag_feff", "phase_feff", "red_factor", "mean_free_path",
                  "real_p", "reff", "degeneracy")
        missing = [n for n in needed if n not in paths]
        if missing:
            from ..errors import AnalysisError
            raise AnalysisError(f"the paths Dataset lacks {missing}: pass a feff_paths Dataset "
                                "(ch.read('feff0001.dat') or exafs.feff_paths)")
        self.labels = [str(v) for v in paths["path"].values]
        self.reff = np.asarray(paths["reff"].values, dtype=float).reshape(-1)
        self.degeneracy = np.asarray(paths["degeneracy"].values, dtype=float).reshape(-1)
        self.geometry = ([str(g) for g in paths["geometry"].values.reshape(-1)]
                         if "geometry" in paths else ["[]"] * len(self.labels))
        kgrid = np.asarray(paths["k"].values, dtype=float)
        self.splines = []
        self.tables = []
        for i in range(len(self.labels)):
            row = {name: np.asarray(paths[name].isel(path=i).values, dtype=float)
                   for name in needed[:6]}
            ok = np.isfinite(kgrid)
            for v in row.values():
                ok &= np.isfinite(v)
            k = kgrid[ok]
            table = {"k": k, "amp": row["mag_feff"][ok] * row["red_factor"][ok],
                     "pha": row["real_phc"][ok] + row["phase_feff"][ok],
                     "rep": row["real_p"][ok], "lam": row["mean_free_path"][ok]}
            self.tables.append(table)
            self.splines.append({name: make_interp_spline(k, table[name], k=3)
                                 for name in ("amp", "pha", "rep", "lam")})
        # the splines tabulated once on a fine uniform grid: evaluating them at a batch of
        # shifted wavenumbers is then one index computation and four gathers (linear
        # interpolation between points FINE_STEP apart; error ~ f''·h²/8 < 1e-6)
        kf_max = min(t["k"].max() for t in self.tables)
        self.fine_k = np.arange(0.0, kf_max + FINE_STEP / 2, FINE_STEP)
        self.fine = np.stack([np.stack([spl[name](self.fine_k)
                                        for name in ("amp", "pha", "rep", "lam")])
                              for spl in self.splines])          # (npath, 4, nf)
        self.fine_slope = np.diff(self.fine, axis=-1)

    def __len__(self) -> int:
        return len(self.labels)

    def kmax(self) -> float:
        """Largest k of the path tables (1/Å)."""
        return float(min(t["k"].max() for t in self.tables))

    def reduced_mass(self, i: int) -> float:
        """Reduced mass of path ``i`` (amu) from its geometry (for σ² models; cached)."""
        cache = self.__dict__.setdefault("_rmass", {})
        if i not in cache:
            cache[i] = self._reduced_mass(i)
        return cache[i]

    def _reduced_mass(self, i: int) -> float:
        try:
            from xraydb import atomic_mass
            atoms = json.loads(self.geometry[i])
            return 1.0 / sum(1.0 / max(1.0, atomic_mass(a[0])) for a in atoms)
        except Exception:  # noqa: BLE001 - geometry absent or unknown element
            return np.nan


def path_chi(table: PathTable, k, *, s02=1.0, n=None, de0=0.0, delr=0.0, sigma2=0.0, c3=0.0,
             complex_out: bool = False, fine: bool = False):
    r"""χ(k) of the paths of ``table`` for a batch of parameter sets (numpy).

    Parameters
    ----------
    table : PathTable
        The splined paths.
    k : ndarray (nk,)
        Wavenumbers (1/Å) at which χ is evaluated (usually the uniform fit grid).
    s02, n, de0, delr, sigma2, c3 : float or ndarray (..., npath)
        Path parameters broadcast against each other: ``S0²`` (1), degeneracy ``N`` (None: the
        FEFF degeneracy), ``ΔE0`` (eV), ``ΔR`` (Å), ``σ²`` (Å²), third cumulant ``C3`` (Å³).
        The last axis runs over the paths; leading axes are the batch.
    complex_out : bool
        Return the complex χ̃ (imaginary part = χ) instead of χ.
    fine : bool
        Interpolate linearly in the splines tabulated every 0.002 Å⁻¹ (faster for large
        batches; differs from the spline by < 1e-6 relative) instead of evaluating the splines.

    Returns
    -------
    ndarray (..., nk)
        χ(k) summed over paths.
    """
    k = np.asarray(k, dtype=float)
    npath = len(table)
    if n is None:
        n = table.degeneracy
    pars = np.broadcast_arrays(*(np.asarray(v, dtype=float)[..., None] if np.ndim(v) else
                                 np.full((npath,), float(v))[..., None]
                                 for v in (s02, n, de0, delr, sigma2, c3)))
    s02, n, de0, delr, sigma2, c3 = pars            # (..., npath, 1)
    en = k * k - de0 * ETOK
    en = np.where(np.abs(en) < _SMALL_ENERGY, _SMALL_ENERGY, en)
    q = np.sign(en) * np.sqrt(np.abs(en))           # (..., npath, nk)
    total = np.zeros(q.shape[:-2] + (k.size,), dtype=complex if complex_out else float)
    for j in range(npath):
        qj = q[..., j, :]
        if fine:
            pos = qj / FINE_STEP
            i0 = np.clip(np.floor(pos).astype(np.intp), 0, table.fine_k.size - 2)
            frac = pos - i0
            tab, slope = table.fine[j], table.fine_slope[j]
            amp, pha, rep, lam = (tab[r].take(i0) + slope[r].take(i0) * frac for r in range(4))
        else:
            spl = table.splines[j]
            amp, pha = spl["amp"](qj), spl["pha"](qj)
            rep, lam = spl["rep"](qj), spl["lam"](qj)
        reff = table.reff[j]
        # p = Re p + i/λ (the principal root of p², as Re p > 0); with a = Re p, b = 1/λ the
        # exponent of the complex EXAFS equation splits into real arithmetic:
        a, b = rep, 1.0 / lam
        s2, dr, t3 = sigma2[..., j, :], delr[..., j, :], c3[..., j, :]
        d = dr - 2 * s2 / reff
        damp = -2 * reff * b - 2 * s2 * (a * a - b * b) - 2 * b * d
        theta = 2 * qj * reff + pha + 2 * a * d - 4 * a * b * s2
        if np.any(t3 != 0):
            damp = damp + (4.0 / 3.0) * t3 * (3 * a * a * b - b ** 3)
            theta = theta - (4.0 / 3.0) * t3 * (a ** 3 - 3 * a * b * b)
        mag = n[..., j, :] * s02[..., j, :] * amp * np.exp(damp) / (qj * (reff + dr) ** 2)
        if complex_out:
            part = mag * np.exp(1j * theta)
        else:
            part = mag * np.sin(theta)
        if k.size > 2 and k[0] == 0.0:
            part[..., 0] = 2 * part[..., 1] - part[..., 2]
        total = total + part
    return total


def path_chi_grad(table: PathTable, k, *, s02, n, de0, delr, sigma2, c3):
    """χ(k) and its analytic derivatives with respect to every path parameter (fine tables).

    Parameters are arrays (..., npath) (broadcast); returns ``chi`` (..., nk) and a dict
    ``{"s02", "n", "de0", "delr", "sigma2", "c3"} -> (..., npath, nk)`` of ∂χ/∂(parameter of
    path j) (χ is a sum over paths, so the derivative with respect to path j's parameter is
    that of path j's term). ΔE0 enters through k' (∂k'/∂ΔE0 = −c/(2k')) and the derivative of
    the linearly interpolated tables, i.e. exactly the derivative of what is evaluated.
    """
    k = np.asarray(k, dtype=float)
    npath = len(table)
    pars = np.broadcast_arrays(*(np.asarray(v, dtype=float)[..., None]
                                 for v in (s02, n, de0, delr, sigma2, c3)))
    s02, n, de0, delr, sigma2, c3 = pars
    en = k * k - de0 * ETOK
    en = np.where(np.abs(en) < _SMALL_ENERGY, _SMALL_ENERGY, en)
    q = np.sign(en) * np.sqrt(np.abs(en))
    shape = q.shape
    total = np.zeros(shape[:-2] + (k.size,))
    grads = {key: np.empty(shape) for key in _NAMES}
    for j in range(npath):
        qj = q[..., j, :]
        pos = qj / FINE_STEP
        i0 = np.clip(np.floor(pos).astype(np.intp), 0, table.fine_k.size - 2)
        frac = pos - i0
        tab, slope = table.fine[j], table.fine_slope[j]
        vals, ders = [], []
        for r in range(4):
            sl = slope[r].take(i0)
            vals.append(tab[r].take(i0) + sl * frac)
            ders.append(sl / FINE_STEP)
        amp, pha, a, lam = vals
        amp_q, pha_q, a_q, lam_q = ders
        b = 1.0 / lam
        b_q = -lam_q * b * b
        reff = table.reff[j]
        s2, dr, t3 = sigma2[..., j, :], delr[..., j, :], c3[..., j, :]
        nn, ss = n[..., j, :], s02[..., j, :]
        d = dr - 2 * s2 / reff
        damp = -2 * reff * b - 2 * s2 * (a * a - b * b) - 2 * b * d
        theta = 2 * qj * reff + pha + 2 * a * d - 4 * a * b * s2
        damp_q = (-2 * reff * b_q - 4 * s2 * (a * a_q - b * b_q) - 2 * b_q * d)
        theta_q = 2 * reff + pha_q + 2 * a_q * d - 4 * s2 * (a_q * b + a * b_q)
        c3_damp = (4.0 / 3.0) * (3 * a * a * b - b ** 3)
        c3_theta = -(4.0 / 3.0) * (a ** 3 - 3 * a * b * b)
        if np.any(t3 != 0):
            damp = damp + t3 * c3_damp
            theta = theta + t3 * c3_theta
            damp_q = damp_q + t3 * (4.0 / 3.0) * (6 * a * a_q * b + 3 * a * a * b_q
                                                  - 3 * b * b * b_q)
            theta_q = theta_q - t3 * (4.0 / 3.0) * (3 * a * a * a_q - 3 * a_q * b * b
                                                    - 6 * a * b * b_q)
        rr = reff + dr
        base = amp * np.exp(damp) / (qj * rr * rr)          # per unit N·S0²
        mag = nn * ss * base
        sin, cos = np.sin(theta), np.cos(theta)
        chi = mag * sin
        grads["s02"][..., j, :] = nn * base * sin
        grads["n"][..., j, :] = ss * base * sin
        grads["sigma2"][..., j, :] = mag * ((-2 * (a * a - b * b) + 4 * b / reff) * sin
                                            + (-4 * a / reff - 4 * a * b) * cos)
        grads["delr"][..., j, :] = mag * ((-2 / rr - 2 * b) * sin + 2 * a * cos)
        grads["c3"][..., j, :] = mag * (c3_damp * sin + c3_theta * cos)
        dlnmag_q = amp_q / amp - 1 / qj + damp_q
        dchi_q = mag * (dlnmag_q * sin + theta_q * cos)
        grads["de0"][..., j, :] = dchi_q * (-ETOK / (2 * qj))
        if k.size > 2 and k[0] == 0.0:
            chi[..., 0] = 2 * chi[..., 1] - chi[..., 2]
            for g in grads.values():
                g[..., j, 0] = 2 * g[..., j, 1] - g[..., j, 2]
        total = total + chi
    return total, grads
