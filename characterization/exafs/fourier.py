r"""Forward and back XAFS Fourier transforms (``exafs.fourier_transform``,
``exafs.back_transform``).

Batched numpy FFTs with larch's conventions (window shapes and index rounding of
``larch.xafs.ftwindow``, the normalisation and R/q grids of ``xftf``/``xftr``): one FFT call
transforms the whole batch, and the numbers equal larch's to ~1e-13.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from .._api import public
from .._apply import apply_kernel
from ..errors import AnalysisError
from . import _kernels as K
from ._common import REASON, attach

_FT_OUT = (
    ("chir_re", None, "Re[χ(R)]"),
    ("chir_im", None, "Im[χ(R)]"),
    ("chir_mag", None, "|χ(R)|"),
    ("chir_pha", "rad", "Phase of χ(R)"),
    ("k_window", "1", "FT window Ω(k)"),
    ("ft_reason", None, "Why the transform is limited or failed"),
)
_BT_OUT = (
    ("chiq_re", None, "Re[χ(q)]"),
    ("chiq_im", None, "Im[χ(q)]"),
    ("chiq_mag", None, "|χ(q)|"),
    ("r_window", "1", "Back-transform window Ω(R)"),
)


def _uniform_step(x, name, function):
    x = np.asarray(x, dtype=float)
    if x.size < 3:
        raise AnalysisError(f"{function}: {name} has {x.size} points")
    step = (x[-1] - x[0]) / (x.size - 1)
    if abs(x[0]) > 1e-9 * step or np.max(np.abs(np.diff(x) - step)) > 1e-6 * step:
        raise AnalysisError(f"{function}: {name} must be a uniform grid starting at 0 "
                            "(as exafs.subtract_background makes it)")
    return float(step)


def _window(taper, window_range, name, function):
    """``(taper, lo, hi)`` of a transform window, checked: a known taper, ``0 <= lo < hi``."""
    try:
        taper = K.taper_name(taper)
    except ValueError as exc:
        raise AnalysisError(f"{function}: {exc}") from None
    lo, hi = (float(v) for v in window_range)
    if not 0 <= lo < hi:
        raise AnalysisError(f"{function}: {name} must be 0 <= lo < hi, got {window_range!r}")
    return taper, lo, hi


def _ft_kernel(chi, *, k_step, k_range, dk, taper, k_weight, nfft, n_r):
    chir, win = K.xftf(chi, k_step=k_step, k_lo=k_range[0], k_hi=k_range[1], dk=dk,
                       taper=taper, k_weight=k_weight, nfft=nfft, n_r=n_r)
    last = K.last_finite(chi)
    kmax_data = np.where(last >= 0, last * k_step, np.nan)
    reason = np.full(chi.shape[:-1], "", dtype=REASON)
    none = ~(kmax_data > k_range[0])
    short = ~none & (kmax_data < k_range[1] - 1e-9)
    for idx in np.argwhere(short):            # argwhere: also for one spectrum (0-d)
        idx = tuple(idx)
        reason[idx] = (f"k_range {tuple(k_range)} ends beyond the data "
                       f"(k_max {kmax_data[idx]:.2f} 1/angstrom): zero-padded")
    reason[none] = "no data inside k_range"
    chir = np.where(none[..., None], np.nan, chir)
    return (chir.real, chir.imag, np.abs(chir), K.unwrap_phase(chir),
            np.broadcast_to(win, chi.shape).copy(), reason)


@public("exafs", batch_dim="sample", transform=True, headline=())
def fourier_transform(ds: xr.Dataset, *, k_range=(2, 12), k_weight: float = 2, dk: float = 1,
                      taper: str = "kaiser", r_max: float = 10, nfft: int = 2048,
                      var: str = "chi") -> xr.Dataset:
    r"""Forward XAFS Fourier transform χ(k) → χ(R), batched, with larch's conventions.

    .. math::

        \chi(R) = \frac{\delta k}{\sqrt{\pi}} \sum_{n=0}^{N_{fft}-1}
        \chi(k_n)\, k_n^{w}\, \Omega(k_n)\, e^{2 i k_n R}, \qquad
        R_m = m\,\frac{\pi}{\delta k\, N_{fft}},

    (larch ``xftf``: the discrete transform of the k-weighted, windowed χ(k) zero-padded to
    ``nfft`` points), |χ(R)| in angstrom^-(w+1).

    Parameters
    ----------
    ds : xarray.Dataset
        ``chi(..., k)`` on a uniform k grid starting at 0 (from :func:`subtract_background`);
        NaN beyond a spectrum's data counts as zero.
    k_range : (float, float)
        Window bounds (1/angstrom), larch's ``(kmin, kmax)``.
    k_weight : float
        Exponent w of the k weighting (integer, as larch).
    dk : float
        Sill width of the window (1/angstrom); for ``"kaiser"`` the Kaiser–Bessel parameter.
    taper : {"hanning", "kaiser", "parzen", "welch", "sine", "gaussian"}
        Window shape (larch's ``window``).
    r_max : float
        Largest R kept (angstrom).
    nfft : int
        FFT length.
    var : str
        The χ(k) variable.

    Returns
    -------
    xarray.Dataset
        The input plus ``chir_re``, ``chir_im``, ``chir_mag`` and ``chir_pha`` (unwrapped phase)
        on ``r`` (angstrom), the window ``k_window`` on ``k``, and ``ft_reason`` (a window
        reaching beyond the data is flagged; a spectrum with no data in the window is NaN).

    Notes
    -----
    Assumptions: χ(k) sampled on k = n·δk. Limitations: no second sill width (``dk2``); the
    phase is unwrapped as larch does (2π jumps between neighbouring points removed).

    References
    ----------
    M. Newville, J. Phys.: Conf. Ser. 430, 012007 (2013); B. Ravel & M. Newville,
    J. Synchrotron Rad. 12, 537 (2005).

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> from characterization import exafs
    >>> k = np.arange(0, 16, 0.05)
    >>> chi = np.sin(2 * 2.5 * k) * np.exp(-2 * 0.005 * k**2) / k.clip(0.5) ** 1
    >>> ds = xr.Dataset({"chi": (("sample", "k"), [chi], {"units": "1", "long_name": "chi"})},
    ...                 coords={"k": ("k", k, {"units": "1/angstrom", "long_name": "k"})})
    >>> out = exafs.fourier_transform(ds, k_range=(2, 14), k_weight=2, dk=1)
    >>> 2.3 < float(out.r[out.chir_mag[0].argmax()]) < 2.7
    True
    """
    fname = "exafs.fourier_transform"
    if var not in ds.data_vars or "k" not in ds[var].dims:
        raise AnalysisError(f"{fname}: needs {var}(..., k); run exafs.subtract_background "
                            "first")
    taper, lo, hi = _window(taper, k_range, "k_range", fname)
    if int(k_weight) != k_weight:
        raise AnalysisError(f"{fname}: k_weight must be an integer (larch), got {k_weight!r}")
    k_step = _uniform_step(ds["k"].values, "k", fname)
    r_step = np.pi / (k_step * nfft)
    n_r = int(min(nfft / 2, 1.01 + r_max / r_step))
    r = r_step * np.arange(n_r)
    outs = apply_kernel(
        _ft_kernel, ds[var], input_core_dims=[["k"]],
        output_core_dims=[["r"]] * 4 + [["k"], []],
        output_dtypes=[float] * 5 + [REASON], output_sizes={"r": n_r},
        kwargs=dict(k_step=k_step, k_range=(lo, hi), dk=float(dk), taper=taper,
                    k_weight=int(k_weight), nfft=int(nfft), n_r=n_r))
    out = ds.drop_dims([d for d in ("r", "q") if d in ds.dims])
    out = out.drop_vars([n for n, _, _ in _FT_OUT if n in out.data_vars])
    names = [n for n, _, _ in _FT_OUT]
    out = out.assign(dict(zip(names, outs))).assign_coords(r=("r", r))
    out["r"].attrs = {"units": "angstrom", "long_name": "Radial distance R"}
    unit = f"angstrom^-{int(k_weight) + 1}"
    specs = [(n, unit if u is None else u, ln) for n, u, ln in _FT_OUT[:5]] + [_FT_OUT[5]]
    attach(out, specs)
    out["chir_mag"].attrs["k_weight"] = int(k_weight)
    out.attrs["method"] = "xftf (numpy FFT, larch conventions)"
    return out


def _bt_kernel(re, im, *, r_step, r_range, dr, taper, nfft, n_q):
    chiq, win = K.xftr(re + 1j * im, r_step=r_step, r_lo=r_range[0], r_hi=r_range[1], dr=dr,
                       taper=taper, nfft=nfft, n_q=n_q)
    return chiq.real, chiq.imag, np.abs(chiq), np.broadcast_to(win, re.shape).copy()


@public("exafs", batch_dim="sample", transform=True, headline=())
def back_transform(ds: xr.Dataset, *, r_range=(1, 3), dr: float = 0,
                   taper: str = "hanning", q_max: float | None = None,
                   nfft: int = 2048) -> xr.Dataset:
    r"""Back XAFS Fourier transform χ(R) → χ(q) (filtered χ), batched, larch's ``xftr``.

    .. math::

        \chi(q_n) = \frac{1}{2}\,\frac{4\sqrt{\pi}}{\delta k}\,\frac{1}{N_{fft}}
        \sum_{m} \chi(R_m)\,\Omega(R_m)\, e^{-2 i q_n R_m}, \qquad q_n = n\,\delta k,

    with δk = π/(δR N_fft): the inverse of :func:`fourier_transform`, so Re[χ(q)] is the
    k-weighted χ(k) filtered through the R window.

    Parameters
    ----------
    ds : xarray.Dataset
        ``chir_re``, ``chir_im`` on ``r`` (from :func:`fourier_transform`).
    r_range : (float, float)
        R window (angstrom), larch's ``(rmin, rmax)``.
    dr : float
        Sill width of the R window (angstrom).
    taper : str
        Window shape (as :func:`fourier_transform`).
    q_max : float, optional
        Largest q kept (1/angstrom); default the largest k of the data's χ(k) grid (30 when the
        Dataset has none).
    nfft : int
        FFT length (the one of the forward transform).

    Returns
    -------
    xarray.Dataset
        The input plus ``chiq_re``, ``chiq_im``, ``chiq_mag`` on ``q`` (1/angstrom) and the
        window ``r_window`` on ``r``.

    Notes
    -----
    Assumptions: χ(R) on R = m·δR from 0. Limitations: R weighting (larch ``rw``) not offered.

    References
    ----------
    M. Newville, J. Phys.: Conf. Ser. 430, 012007 (2013).

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> from characterization import exafs
    >>> k = np.arange(0, 16, 0.05)
    >>> ds = xr.Dataset({"chi": (("sample", "k"), [np.sin(5 * k) * np.exp(-0.01 * k**2)],
    ...                          {"units": "1", "long_name": "chi"})},
    ...                 coords={"k": ("k", k, {"units": "1/angstrom", "long_name": "k"})})
    >>> out = exafs.back_transform(exafs.fourier_transform(ds, k_range=(2, 14)),
    ...                            r_range=(1.5, 3.5))
    >>> out.chiq_re.dims
    ('sample', 'q')
    """
    fname = "exafs.back_transform"
    if "chir_re" not in ds.data_vars or "chir_im" not in ds.data_vars:
        raise AnalysisError(f"{fname}: needs chir_re and chir_im on r; run "
                            "exafs.fourier_transform first")
    taper, lo, hi = _window(taper, r_range, "r_range", fname)
    r_step = _uniform_step(ds["r"].values, "r", fname)
    k_step = np.pi / (r_step * nfft)
    if q_max is None:
        q_max = float(ds["k"].values.max()) if "k" in ds.coords else 30.0
    n_q = int(1.05 + q_max / k_step)
    n_q = min(n_q, nfft // 2)
    q = k_step * np.arange(n_q)   # the FFT's own grid (larch labels it linspace(0, q_max))
    outs = apply_kernel(
        _bt_kernel, ds["chir_re"], ds["chir_im"], input_core_dims=[["r"], ["r"]],
        output_core_dims=[["q"]] * 3 + [["r"]], output_sizes={"q": n_q},
        kwargs=dict(r_step=r_step, r_range=(lo, hi), dr=float(dr), taper=taper,
                    nfft=int(nfft), n_q=n_q))
    out = ds.drop_dims([d for d in ("q",) if d in ds.dims])
    out = out.drop_vars([n for n, _, _ in _BT_OUT if n in out.data_vars])
    out = out.assign(dict(zip([n for n, _, _ in _BT_OUT], outs))).assign_coords(q=("q", q))
    out["q"].attrs = {"units": "1/angstrom", "long_name": "Wavenumber q"}
    kw = ds["chir_mag"].attrs.get("k_weight") if "chir_mag" in ds else None
    unit = f"angstrom^-{int(kw)}" if kw else "1"
    attach(out, [(n, unit if u is None else u, ln) for n, u, ln in _BT_OUT])
    out.attrs["method"] = "xftr (numpy FFT, larch conventions)"
    return out
