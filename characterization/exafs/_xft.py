"""Fourier-transform helpers of the shell fits, on larch's grids and conventions.

k grid ``k_ = kstep·arange(nfft)``, r grid ``r_ = π/(kstep·nfft)·arange(nfft/2)``;
forward ``χ̃(R) = kstep/√π · FFT[χ(k) kⁿ W(k)]``, back ``χ̃(q) = 4√π/kstep · IFFT[χ̃(R) W(R)]``
(larch ``xftf_fast``/``xftr_fast``), batched over leading axes. The windows come from larch's
``ftwindow`` (computed once per fit, so window shapes are larch's exactly).
"""

from __future__ import annotations

import dataclasses

import numpy as np

from . import _larch

KSTEP = 0.05
NFFT = 2048


@dataclasses.dataclass
class Transform:
    k_range: tuple
    k_weight: tuple
    dk: float
    taper: str
    r_range: tuple
    fit_space: str = "r"
    kstep: float = KSTEP
    nfft: int = NFFT

    def __post_init__(self):
        xafs = _larch.require("larch.xafs")
        self.k = self.kstep * np.arange(self.nfft)
        self.rstep = np.pi / (self.kstep * self.nfft)
        self.r = self.rstep * np.arange(self.nfft // 2)
        kmin, kmax = self.k_range
        rmin, rmax = self.r_range
        self.kwin = xafs.ftwindow(self.k, xmin=kmin, xmax=kmax, dx=self.dk, dx2=self.dk,
                                  window=self.taper)
        self.rwin = xafs.ftwindow(self.r_full, xmin=rmin, xmax=rmax, dx=0, dx2=0,
                                  window="hanning")
        self.irmin = int(max(0, 0.01 + rmin / self.rstep))
        self.irmax = int(min(self.nfft / 2, 0.01 + rmax / self.rstep))
        self.ikmin = int(max(0, 0.01 + kmin / self.kstep))
        self.ikmax = int(min(self.nfft / 2, 0.01 + kmax / self.kstep))

    @property
    def r_full(self):
        return self.rstep * np.arange(self.nfft)

    def n_idp(self) -> float:
        """Nyquist number of independent points 1 + 2 ΔR Δk / π."""
        (kmin, kmax), (rmin, rmax) = self.k_range, self.r_range
        return 1 + 2 * (rmax - rmin) * (kmax - kmin) / np.pi

    def fftf(self, chi, kw):
        """Complex χ(R) (..., nfft/2) of χ (..., n ≤ nfft) on ``k_``."""
        n = chi.shape[-1]
        cx = np.zeros(chi.shape[:-1] + (self.nfft,), dtype=complex)
        cx[..., :n] = chi * self.kwin[:n] * self.k[:n] ** kw
        return (self.kstep / np.sqrt(np.pi)) * np.fft.fft(cx, axis=-1)[..., :self.nfft // 2]

    def fftr(self, chir):
        """Complex χ(q) (..., nfft/2) of χ(R) (..., nfft/2)."""
        n = chir.shape[-1]
        cx = np.zeros(chir.shape[:-1] + (self.nfft,), dtype=complex)
        cx[..., :n] = chir * self.rwin[:n]
        return (4 * np.sqrt(np.pi) / self.kstep) * np.fft.ifft(cx, axis=-1)[..., :self.nfft // 2]

    def noise(self, chi):
        """(ε_k, ε_r) per k-weight (..., nkw) from the 15–30 Å part of χ(R) (larch's rule)."""
        irmin = int(0.01 + 15.0 / self.rstep)
        irmax = int(min(self.nfft / 2, 1.01 + 30.0 / self.rstep))
        kmin, kmax = self.k_range
        kwin_ave = self.kwin.sum() * self.kstep / (kmax - kmin)
        eps_k, eps_r = [], []
        for kw in self.k_weight:
            high = self.fftf(chi, kw)[..., irmin:irmax]
            er = np.sqrt((high.real ** 2 + high.imag ** 2).sum(-1) / (2 * high.shape[-1])) \
                / kwin_ave
            w = 2 * kw + 1
            scale = np.sqrt((2 * np.pi * w) / (self.kstep * (kmax ** w - kmin ** w)))
            eps_r.append(er)
            eps_k.append(scale * er)
        return np.stack(eps_k, -1), np.stack(eps_r, -1)

    def _dft(self, n, kw):
        """Matrix (n, n_r_fit) giving χ(R) on the fitted R points from χ on k_[:n] (cached)."""
        key = (n, kw)
        cache = self.__dict__.setdefault("_dft_cache", {})
        if key not in cache:
            j = np.arange(self.irmin, self.irmax)
            phase = np.exp(-2j * np.pi * np.outer(np.arange(n), j) / self.nfft)
            weight = self.kwin[:n] * self.k[:n] ** kw * (self.kstep / np.sqrt(np.pi))
            rows = np.flatnonzero(weight != 0)          # outside the window nothing counts
            sl = slice(rows.min(), rows.max() + 1) if rows.size else slice(0, 0)
            mat = weight[sl, None] * phase[sl]
            # real and imaginary parts side by side: one real BLAS product gives both
            cache[key] = (sl, np.ascontiguousarray(np.concatenate([mat.real, mat.imag], 1)))
        return cache[key]

    def residual(self, diff, eps_k, eps_r):
        """Residual vector (..., M) of ``diff`` = χ_data − χ_model (..., n) in fit space."""
        out = []
        for i, kw in enumerate(self.k_weight):
            if self.fit_space == "k":
                n = diff.shape[-1]
                val = (diff / eps_k[..., i, None]) * self.k[:n] ** kw
                out.append(val[..., self.ikmin:self.ikmax])
                continue
            if self.fit_space == "r":
                # only the fitted R points are needed: a direct DFT (matrix product) on them
                # equals the FFT's values there and is much cheaper than a 2048-point FFT
                sl, mat = self._dft(diff.shape[-1], kw)
                out.append((diff[..., sl] @ mat) / eps_r[..., i, None])
            else:
                chir = self.fftf(diff, kw) / eps_r[..., i, None]
                chiq = self.fftr(chir)[..., self.ikmin:self.ikmax]
                out.append(chiq.real)
        return np.concatenate(out, axis=-1)
