"""Vectorised numpy kernels of the EXAFS processing steps (no larch, no xarray).

Every function works on arrays whose last axis is the signal (energy, k or r) and whose leading
axes are the batch, so one call treats a whole series. They reproduce xraylarch's conventions
(``larch.xafs.ftwindow``, ``xftf``, ``xftr``, ``pre_edge``) so that our numbers equal larch's;
the tests compare them with larch's own functions.
"""

from __future__ import annotations

import numpy as np
from scipy.special import i0 as bessel_i0

#: 2 m_e / hbar^2 in 1/(eV angstrom^2): k = sqrt(ETOK (E - e0)) (larch's ETOK).
ETOK = 0.2624682843
#: FT window shapes (larch's names; ``taper=`` in our functions).
TAPERS = ("hanning", "kaiser", "parzen", "welch", "sine", "gaussian")


def etok(energy):
    """Photoelectron wavenumber (1/angstrom) of ``energy`` above the edge (eV)."""
    energy = np.asarray(energy, dtype=float)
    return np.sign(energy) * np.sqrt(ETOK * np.abs(energy))


def ktoe(k):
    """Energy above the edge (eV) of wavenumber ``k`` (1/angstrom)."""
    return np.asarray(k, dtype=float) ** 2 / ETOK


def taper_name(taper: str) -> str:
    """Validated full name of an FT window shape (larch's first three letters rule)."""
    name = str(taper).strip().lower()
    for full in TAPERS:
        if full[:3] == name[:3]:
            return full
    raise ValueError(f"unknown taper {taper!r}; known: {', '.join(TAPERS)}")


def ft_window(x, lo, hi, dx=1.0, taper="hanning"):
    """FT window Ω(x) on the uniform grid ``x`` between ``lo`` and ``hi`` with sills ``dx``.

    Identical to ``larch.xafs.ftwindow(x, xmin=lo, xmax=hi, dx=dx, dx2=dx, window=taper)``
    (same index rounding, same shapes), so transforms equal larch's.
    """
    x = np.asarray(x, dtype=float)
    nam = taper_name(taper)[:3]
    dx1 = dx2 = float(dx)
    xstep = (x[-1] - x[0]) / (len(x) - 1)
    if xstep < 0 or np.isnan(xstep):
        xstep = 1.e-3
    xeps = 1.e-4 * xstep
    x1 = max(x.min(), lo - dx1 / 2.0)
    x2 = lo + dx1 / 2.0 + xeps
    x3 = hi - dx2 / 2.0 - xeps
    x4 = min(x.max(), hi + dx2 / 2.0)
    if nam == "gau":
        dx1 = max(dx1, xeps)

    def asint(val):
        return int((val + xeps) / xstep)

    i1, i2, i3, i4 = asint(x1), asint(x2), asint(x3), asint(x4)
    i1, i2 = max(0, i1), max(0, i2)
    i3, i4 = min(len(x) - 1, i3), min(len(x) - 1, i4)
    if i2 == i1:
        i1 = max(0, i2 - 1)
    if i4 == i3:
        i3 = max(i2, i4 - 1)
    x1, x2, x3, x4 = x[i1], x[i2], x[i3], x[i4]
    if x1 == x2:
        x2 = x2 + xeps
    if x3 == x4:
        x4 = x4 + xeps
    win = np.zeros(len(x))
    if i3 > i2:
        win[i2:i3] = 1.0
    if nam == "han":
        win[i1:i2 + 1] = np.sin((np.pi / 2) * (x[i1:i2 + 1] - x1) / (x2 - x1)) ** 2
        win[i3:i4 + 1] = np.cos((np.pi / 2) * (x[i3:i4 + 1] - x3) / (x4 - x3)) ** 2
    elif nam == "par":
        win[i1:i2 + 1] = (x[i1:i2 + 1] - x1) / (x2 - x1)
        win[i3:i4 + 1] = 1 - (x[i3:i4 + 1] - x3) / (x4 - x3)
    elif nam == "wel":
        win[i1:i2 + 1] = 1 - ((x[i1:i2 + 1] - x2) / (x2 - x1)) ** 2
        win[i3:i4 + 1] = 1 - ((x[i3:i4 + 1] - x3) / (x4 - x3)) ** 2
    elif nam == "kai":
        cen, wid = (x4 + x1) / 2, (x4 - x1) / 2
        arg = 1 - (x - cen) ** 2 / wid ** 2
        arg[arg < 0] = 0
        win = (bessel_i0(dx * np.sqrt(arg)) - 1) / max(1.e-10, bessel_i0(dx) - 1)
    elif nam == "sin":
        win[i1:i4 + 1] = np.sin(np.pi * (x4 - x[i1:i4 + 1]) / (x4 - x1))
    elif nam == "gau":
        cen = (x4 + x1) / 2
        win = np.exp(-((x - cen) ** 2) / (2 * dx1 * dx1))
    return win


def unwrap_phase(z):
    """Phase of complex ``z`` along the last axis, 2π jumps removed (larch's complex_phase)."""
    phase = np.arctan2(z.imag, z.real)
    d = np.diff(phase, axis=-1) / np.pi
    out = phase.copy()
    out[..., 1:] -= np.pi * np.cumsum(np.round(np.abs(d)) * np.sign(d), axis=-1)
    return out


def last_finite(y):
    """Index of the last finite value along the last axis (-1 where none)."""
    finite = np.isfinite(y)
    n = y.shape[-1]
    idx = n - 1 - np.argmax(finite[..., ::-1], axis=-1)
    return np.where(finite.any(axis=-1), idx, -1)


def xftf(chi, *, k_step, k_lo, k_hi, dk, taper, k_weight, nfft, n_r):
    """Forward XAFS FT of ``chi`` (..., Nk) on k = k_step·arange(Nk); NaN tails are no data.

    χ(R) = k_step/√π · FFT[χ(k) k^w Ω(k)] zero-padded to ``nfft`` (larch ``xftf``), the first
    ``n_r`` points of R = π/(k_step nfft)·arange. Returns the complex χ(R) and Ω(k) (Nk,).
    """
    chi = np.asarray(chi, dtype=float)
    nk = chi.shape[-1]
    k = k_step * np.arange(nk)
    long = max(nk, int(1.01 + (k_hi + dk) / k_step))
    k_long = k_step * np.arange(long, dtype="float64")
    win = ft_window(k_long, k_lo, k_hi, dk, taper)[:nk]
    weighted = np.where(np.isfinite(chi), chi, 0.0) * k ** int(k_weight) * win
    spectrum = np.fft.fft(weighted, n=nfft, axis=-1)[..., :n_r]
    return (k_step / np.sqrt(np.pi)) * spectrum, win


def xftr(chir, *, r_step, r_lo, r_hi, dr, taper, nfft, n_q):
    """Back XAFS FT of complex ``chir`` (..., Nr) on R = r_step·arange(Nr) (larch ``xftr``).

    χ(q) = ½ · 4√π/k_step · IFFT[χ(R) Ω(R)] with k_step = π/(r_step nfft); first ``n_q`` points.
    Returns the complex χ(q) and Ω(R) (Nr,).
    """
    nr = chir.shape[-1]
    r_full = r_step * np.arange(nfft, dtype="float64")
    win = ft_window(r_full, r_lo, r_hi, dr, taper)
    padded = np.zeros(chir.shape[:-1] + (nfft,), dtype=complex)
    padded[..., :nr] = np.where(np.isfinite(chir), chir, 0.0)
    k_step = np.pi / (r_step * nfft)
    out = 0.5 * (4 * np.sqrt(np.pi) / k_step) * np.fft.ifft(padded * win, axis=-1)
    return out[..., :n_q], win[:nr]


def lstsq_poly(u, y, mask, degree):
    """Batched weighted polynomial least squares.

    ``u`` (..., N) abscissae (already scaled), ``y`` (..., N), ``mask`` (..., N) bool selects the
    points of each spectrum, ``degree`` (...,) int per spectrum (max degree of the batch is used
    for the design; higher coefficients of lower-degree spectra are forced to zero). Returns the
    coefficients (..., p) of 1, u, u², ... (NaN where a spectrum has too few points).
    """
    degree = np.asarray(degree)
    p = int(degree.max()) + 1 if degree.size else 1
    powers = np.arange(p)
    design = u[..., None] ** powers                         # (..., N, p)
    active = powers <= degree[..., None]                    # (..., p)
    w = np.where(mask & np.isfinite(y), 1.0, 0.0)
    yy = np.where(w > 0, y, 0.0)
    design = np.where(np.isfinite(design), design, 0.0)
    gram = np.einsum("...np,...n,...nq->...pq", design, w, design)
    rhs = np.einsum("...np,...n->...p", design, w * yy)
    # inactive coefficients: identity rows/cols so they solve to zero
    off = ~active
    eye = np.eye(p, dtype=bool)
    gram = np.where(off[..., :, None] | off[..., None, :], 0.0, gram)
    gram = np.where(off[..., :, None] & eye, 1.0, gram)
    rhs = np.where(off, 0.0, rhs)
    npts = w.sum(axis=-1)
    ok = npts >= (degree + 1)
    gram = np.where(ok[..., None, None], gram, np.eye(p))
    with np.errstate(all="ignore"):
        coef = np.linalg.solve(gram, rhs[..., None])[..., 0]
    return np.where(ok[..., None], coef, np.nan)


def poly_eval(coef, u):
    """Σ c_i u^i for coefficients (..., p) on abscissae (..., N)."""
    out = np.zeros(np.broadcast_shapes(coef.shape[:-1], u.shape[:-1]) + u.shape[-1:])
    for i in range(coef.shape[-1] - 1, -1, -1):
        out = out * u + coef[..., i, None]
    return out
