r"""Reference stick patterns of crystalline phases and a simple phase check of XRD patterns.

* :func:`reference_pattern`: Bragg positions, d-spacings, relative intensities and
  multiplicities of one or more phases (built-in names, pymatgen Structures or CIF files; see
  :mod:`characterization.xrd._structures`) at the Kα1 wavelength of a pattern;
* :func:`peaks_from_phases`: the lines of a few phases as starting positions for
  :func:`characterization.xrd.fit_pattern`;
* :func:`phase_check`: which of a list of candidate phases explain the peaks of patterns
  (or of a peak table).

Line positions follow Bragg's law :math:`\lambda = 2 d \sin\theta`; intensities are pymatgen's
kinematic powder intensities (:class:`pymatgen.analysis.diffraction.xrd.XRDCalculator`):

.. math:: I_{hkl} \propto m_{hkl}\,|F_{hkl}|^2\,
          \frac{1 + \cos^2 2\theta}{\sin^2\theta\cos\theta}

(multiplicity, structure factor with atomic scattering factors, Lorentz-polarisation factor for
an unpolarised beam without monochromator; no absorption, no preferred orientation). The
calculator is always given the pattern's Kα1 wavelength as a number, never pymatgen's
weighted "CuKa" average (which would shift every line by ~0.01–0.03° at Cu).
"""

from __future__ import annotations

import warnings

import numpy as np
import xarray as xr

from .._api import provenance_attrs, public
from .._apply import apply_kernel
from ..errors import AnalysisError
from ..xray_lines import CU_KALPHA1 as _CU_KALPHA1
from ._phase_match import check_kernel as _check_kernel
from ._structures import resolve_phase

__all__ = ["reference_pattern", "peaks_from_phases", "phase_check"]

_DEFAULT_RANGE = (5.0, 120.0)


# ----------------------------------------------------------------------------- helpers

def _hkl_string(hkl) -> str:
    return "".join(str(int(i)) for i in hkl)


def _as_list(phases):
    """``[(phase, name or None), ...]`` from one phase, a list of them or a {name: phase} map."""
    from collections.abc import Mapping

    if isinstance(phases, Mapping):
        items = [(p, str(n)) for n, p in phases.items()]
    elif isinstance(phases, (list, tuple)):
        items = [(p, None) for p in phases]
    else:
        items = [(phases, None)]
    if not items:
        raise AnalysisError("phases must name at least one phase")
    return items


def _scalar_wavelength(pattern, who, name="wavelength"):
    if pattern is None or name not in pattern.coords:
        return None
    wl = pattern[name]
    values = np.unique(np.asarray(wl.values, dtype=float).ravel())
    values = values[np.isfinite(values)]
    if values.size == 0:
        return None
    if values.size > 1:
        raise AnalysisError(f"{who}: the patterns have several wavelengths {values.tolist()}; "
                            "run one wavelength at a time")
    return float(values[0])


def _resolve_wavelength(wavelength, pattern, who, stacklevel=4):
    if wavelength is not None:
        value = float(wavelength)
    else:
        value = _scalar_wavelength(pattern, who)
        if value is None:
            warnings.warn(f"{who}: no wavelength given and none in the data; assuming Cu Kα1 "
                          f"{_CU_KALPHA1} Å (pass wavelength= to override)",
                          stacklevel=stacklevel)
            value = _CU_KALPHA1
    if not (np.isfinite(value) and 0.05 <= value <= 5.0):
        raise AnalysisError(f"{who}: wavelength must be in Å (0.05–5), got {value}")
    return value


def _resolve_range(window, pattern):
    if window is None and pattern is not None and "two_theta" in pattern.coords:
        tt = np.asarray(pattern["two_theta"].values, dtype=float)
        window = (float(np.nanmin(tt)), float(np.nanmax(tt)))
    if window is None:
        window = _DEFAULT_RANGE
    try:
        lo, hi = (float(v) for v in window)
    except (TypeError, ValueError):
        raise AnalysisError(f"range must be a (min, max) pair of 2θ in deg, got {window!r}") \
            from None
    if not (0.0 <= lo < hi <= 180.0):
        raise AnalysisError(f"range must satisfy 0 <= min < max <= 180°, got {window}")
    return lo, hi


def _unique_names(names):
    seen, out = {}, []
    for n in names:
        seen[n] = seen.get(n, 0) + 1
        out.append(n if seen[n] == 1 else f"{n}#{seen[n]}")
    return out


def _merge(two_theta, intensity, multiplicity, hkl, tolerance):
    """Merge neighbouring lines closer than ``tolerance`` (intensity-weighted positions)."""
    if tolerance is None or tolerance <= 0 or two_theta.size < 2:
        return two_theta, intensity, multiplicity, hkl
    groups, current = [], [0]
    for i in range(1, two_theta.size):
        if two_theta[i] - two_theta[current[-1]] < tolerance:
            current.append(i)
        else:
            groups.append(current)
            current = [i]
    groups.append(current)
    tt, inten, mult, labels = [], [], [], []
    for g in groups:
        w = intensity[g]
        tt.append(float(np.sum(w * two_theta[g]) / np.sum(w)) if np.sum(w) > 0
                  else float(np.mean(two_theta[g])))
        inten.append(float(np.sum(w)))
        mult.append(float(np.sum(multiplicity[g])))
        labels.append(hkl[g[int(np.argmax(w))]])
    return np.array(tt), np.array(inten), np.array(mult), labels


def _sticks(structure, dw, wavelength, lo, hi, min_intensity, merge_tolerance):
    from pymatgen.analysis.diffraction.xrd import XRDCalculator

    calc = XRDCalculator(wavelength=float(wavelength), debye_waller_factors=dw)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pat = calc.get_pattern(structure, scaled=False, two_theta_range=(lo, hi))
    tt = np.asarray(pat.x, dtype=float)
    inten = np.asarray(pat.y, dtype=float)
    mult = np.array([float(sum(h["multiplicity"] for h in fam)) for fam in pat.hkls])
    hkl = [_hkl_string(fam[0]["hkl"]) for fam in pat.hkls]
    order = np.argsort(tt)
    tt, inten, mult = tt[order], inten[order], mult[order]
    hkl = [hkl[i] for i in order]
    tt, inten, mult, hkl = _merge(tt, inten, mult, hkl, merge_tolerance)
    if inten.size and np.max(inten) > 0:
        inten = 100.0 * inten / np.max(inten)
    keep = inten >= float(min_intensity)
    return tt[keep], inten[keep], mult[keep], [h for h, k in zip(hkl, keep) if k]


# ----------------------------------------------------------------------------- reference_pattern

def reference_pattern(phases, *, wavelength=None, pattern=None, range=None,
                      min_intensity: float = 1.0, merge_tolerance=None) -> xr.Dataset:
    r"""Stick patterns (Kα1 line positions and relative intensities) of crystalline phases.

    For every reflection :math:`hkl` of each phase, the position follows Bragg's law

    .. math:: 2\theta_{hkl} = 2\arcsin\!\left(\frac{\lambda}{2 d_{hkl}}\right)

    with λ the **Kα1** wavelength, and the intensity is pymatgen's kinematic powder intensity
    (multiplicity × |F|² × Lorentz-polarisation, see :mod:`characterization.xrd.phases`),
    scaled so that the strongest line of each phase inside the 2θ range is 100.

    Parameters
    ----------
    phases : str, pymatgen Structure, a list of them, or a mapping {name: phase}
        Built-in phase names or aliases (``"Si"``, ``"CoSi2"``, ``"LaB6"``, ``"rutile"`` ...,
        see :func:`characterization.xrd.get_structure`) or Structures (named by their reduced
        formula, or by the mapping's keys). A CIF is read by the caller:
        ``{"my phase": pymatgen.core.Structure.from_file("phase.cif")}``.
    wavelength : float, optional
        Kα1 wavelength in Å. Default: the ``wavelength`` coord of ``pattern``, else Cu Kα1
        1.540598 Å with a warning.
    pattern : xarray.Dataset, optional
        An XRD pattern (dim ``two_theta``) whose ``wavelength`` coord and 2θ range are used.
    range : (float, float), optional
        2θ range in degrees; default the pattern's range, else (5, 120).
    min_intensity : float
        Lines weaker than this (relative, strongest = 100) are dropped.
    merge_tolerance : float, optional
        Lines of the same phase closer than this (deg) are merged into one at the
        intensity-weighted mean position (intensities and multiplicities add, the hkl is that
        of the strongest). Default: no merging beyond pymatgen's own (identical d-spacings).

    Returns
    -------
    xarray.Dataset
        dims ``(phase, reflection)``, NaN-padded (``""`` labels) because phases have different
        numbers of lines, lines sorted by 2θ: ``two_theta`` (deg), ``d_spacing`` (angstrom),
        ``intensity`` (%, strongest line of each phase = 100), ``multiplicity`` (1); coords
        ``phase``, ``hkl`` (e.g. ``"111"``; Miller–Bravais ``"10-11"`` for hexagonal cells),
        ``label`` (``"Si 111"``) and scalar ``wavelength`` (angstrom). ``attrs["kind"]`` is
        ``"reference_pattern"`` (this is not a measured pattern).

    Notes
    -----
    Positions are exact for the tabulated lattice constants (solid solutions, strain,
    temperature and specimen displacement shift real peaks). Intensities assume an ideal
    random powder: no preferred orientation, absorption, extinction or microabsorption; only
    the built-in Si has a Debye–Waller factor. Kα2 and Kβ lines are not listed.

    References
    ----------
    B. D. Cullity, S. R. Stock, *Elements of X-ray Diffraction*, 3rd ed. (2001), ch. 4.
    S. P. Ong et al., Comput. Mater. Sci. 68 (2013) 314 (pymatgen).

    Examples
    --------
    >>> from characterization.xrd import reference_pattern
    >>> ref = reference_pattern("Si", wavelength=1.540598, range=(20, 80))
    >>> [round(float(v), 2) for v in ref.two_theta.sel(phase="Si")[:2]]
    [28.44, 47.3]
    """
    if pattern is not None and not isinstance(pattern, xr.Dataset):
        raise AnalysisError(f"pattern must be an xarray.Dataset, got {type(pattern).__name__}")
    lam = _resolve_wavelength(wavelength, pattern, "reference_pattern")
    lo, hi = _resolve_range(range, pattern)
    resolved = [resolve_phase(p, n) for p, n in _as_list(phases)]
    names = _unique_names([r[0] for r in resolved])
    rows = [_sticks(s, dw, lam, lo, hi, min_intensity, merge_tolerance)
            for _, s, dw in resolved]
    n = max([r[0].size for r in rows] + [1])
    shape = (len(rows), n)
    tt, inten, mult = (np.full(shape, np.nan) for _ in "abc")
    hkl = np.full(shape, "", dtype=object)
    label = np.full(shape, "", dtype=object)
    for i, (name, (t, y, m, h)) in enumerate(zip(names, rows)):
        tt[i, :t.size], inten[i, :t.size], mult[i, :t.size] = t, y, m
        hkl[i, :t.size] = h
        label[i, :t.size] = [f"{name} {x}" for x in h]
    d = lam / (2.0 * np.sin(np.deg2rad(tt) / 2.0))
    dims = ("phase", "reflection")
    out = xr.Dataset(
        {"two_theta": (dims, tt, {"units": "deg", "long_name": "2θ (Kα1)"}),
         "d_spacing": (dims, d, {"units": "angstrom", "long_name": "d-spacing"}),
         "intensity": (dims, inten, {"units": "%", "long_name": "relative intensity"}),
         "multiplicity": (dims, mult, {"units": "1", "long_name": "multiplicity"})},
        coords={"phase": ("phase", names, {"long_name": "phase"}),
                "hkl": (dims, hkl.astype(str), {"long_name": "Miller indices"}),
                "label": (dims, label.astype(str), {"long_name": "reflection"}),
                "wavelength": ((), lam, {"units": "angstrom", "long_name": "Wavelength Kα1"})},
        attrs={"kind": "reference_pattern",
               **provenance_attrs("xrd.reference_pattern", "pymatgen XRDCalculator",
                                  {"phases": names, "wavelength": lam, "range": [lo, hi],
                                   "min_intensity": min_intensity,
                                   "merge_tolerance": merge_tolerance})})
    return out


def _flat_lines(ref: xr.Dataset):
    """All lines of a reference pattern: (phase index, 2θ, intensity, label) sorted by 2θ."""
    tt = ref["two_theta"].values
    idx_p, idx_r = np.nonzero(np.isfinite(tt))
    order = np.argsort(tt[idx_p, idx_r], kind="stable")
    idx_p, idx_r = idx_p[order], idx_r[order]
    return (idx_p, tt[idx_p, idx_r], ref["intensity"].values[idx_p, idx_r],
            ref["label"].values[idx_p, idx_r], ref["hkl"].values[idx_p, idx_r],
            ref["d_spacing"].values[idx_p, idx_r])


def peaks_from_phases(phases, *, pattern=None, wavelength=None, range=None,
                      min_intensity: float = 5.0, merge_tolerance: float = 0.05) -> xr.Dataset:
    r"""Kα1 line positions of phases as starting positions for peak fitting.

    Lines of the **same** phase closer than ``merge_tolerance`` are merged (intensity-weighted
    position, as in :func:`reference_pattern`), because one fitted peak cannot separate them;
    lines of **different** phases are kept apart even when close (e.g. Si 111 at 28.44° and
    CoSi2 111 at 28.80°), so a fit can tell the phases apart.

    Parameters
    ----------
    phases, pattern, wavelength, range
        As in :func:`reference_pattern`.
    min_intensity : float
        Keep lines at least this strong (relative to the strongest line of the phase, 100).
    merge_tolerance : float
        Merge distance for lines of the same phase (deg).

    Returns
    -------
    xarray.Dataset
        dim ``reflection`` sorted by 2θ: ``two_theta`` (deg), ``d_spacing`` (angstrom),
        ``intensity`` (%); coords ``label`` (``"Si 111"``), ``phase``, ``hkl``, ``wavelength``.
        Use as ``fit_pattern(ds, peaks=p.two_theta.values, names=p.label.values)``.

    Examples
    --------
    >>> from characterization.xrd import peaks_from_phases
    >>> p = peaks_from_phases(["Si", "CoSi2"], wavelength=1.540598, range=(25, 50))
    >>> p.label.values.tolist()
    ['Si 111', 'CoSi2 111', 'Si 220', 'CoSi2 220']
    """
    lo, hi = _resolve_range(range, pattern)
    ref = reference_pattern(phases, wavelength=wavelength, pattern=pattern, range=(lo, hi),
                            min_intensity=min_intensity, merge_tolerance=merge_tolerance)
    ip, tt, inten, label, hkl, d = _flat_lines(ref)
    dim = "reflection"
    out = xr.Dataset(
        {"two_theta": (dim, tt, {"units": "deg", "long_name": "2θ (Kα1)"}),
         "d_spacing": (dim, d, {"units": "angstrom", "long_name": "d-spacing"}),
         "intensity": (dim, inten, {"units": "%", "long_name": "relative intensity"})},
        coords={"label": (dim, label.astype(str), {"long_name": "reflection"}),
                "phase": (dim, ref["phase"].values[ip].astype(str), {"long_name": "phase"}),
                "hkl": (dim, hkl.astype(str), {"long_name": "Miller indices"}),
                "wavelength": ref["wavelength"]},
        attrs={"kind": "reference_peaks",
               **provenance_attrs("xrd.peaks_from_phases", "pymatgen XRDCalculator",
                                  {"phases": list(ref["phase"].values),
                                   "wavelength": float(ref["wavelength"]),
                                   "range": [lo, hi], "min_intensity": min_intensity,
                                   "merge_tolerance": merge_tolerance})})
    return out


# ----------------------------------------------------------------------------- phase_check

@public("xrd", headline=("present", "line_fraction", "unexplained_peaks"))
def phase_check(ds: xr.Dataset, phases, *, tolerance: float = 0.1, min_intensity: float = 5.0,
                prominence=None, min_score: float = 0.5, max_peaks: int = 64,
                range=None, min_snr: float = 5.0,
                max_false_match: float = 0.01) -> xr.Dataset:
    r"""Check which candidate phases explain the peaks of XRD patterns (or of a peak table).

    Observed peak positions :math:`o_i` are compared with the Kα1 reference lines
    :math:`r_{p,k}` (intensity :math:`I_{p,k}`, strongest = 100) of each candidate phase
    :math:`p` (:func:`reference_pattern` at the data's ``wavelength``). Only lines inside the
    measured 2θ range with :math:`I_{p,k} \ge` ``min_intensity`` are *expected*; a line is
    *matched* when an observed peak lies within ``tolerance``:
    :math:`\min_i |o_i - r_{p,k}| \le \delta`. Per phase:

    .. math:: \text{line\_fraction} = \frac{N_\text{matched}}{N_\text{expected}}, \qquad
              \text{weighted\_score} = \frac{\sum_{k\,\text{matched}} I_{p,k}}
                                            {\sum_{k\,\text{expected}} I_{p,k}}, \qquad
              \text{explained\_fraction} = \frac{N_\text{obs within }\delta\text{ of a line of }p}
                                                {N_\text{obs}}

    and a false-match probability: with :math:`c` the fraction of the range lying within δ of
    an observed (primary) peak, a line at a random position is matched with probability
    :math:`c`, so the chance that random lines match at least :math:`k` of the
    :math:`n` expected lines is the binomial tail

    .. math:: P_\text{false} = \sum_{j \ge k} \binom{n}{j} c^j (1 - c)^{n-j} .

    The phase is **present** when ``weighted_score >= min_score``, at least
    ``min(2, expected_lines)`` lines are matched and :math:`P_\text{false} \le`
    ``max_false_match``: presence is a statistical statement (a phase with 2 of 10 lines
    matched among many observed peaks is not present), not a count.

    Observed peaks of a pattern are found as by ``characterization.xrd._peak_positions.
    find_pattern_peaks`` (Gaussian smoothing, a prominence threshold of ``min_snr`` noise
    standard deviations, the noise measured on the smoothed profile at a lag beyond the
    smoothing kernel so that it holds for noise correlated between neighbouring points, e.g.
    after detector binning; parabolic refinement of the maximum; ``prominence=`` overrides the
    threshold, in intensity units).
    Peaks at the Kα2 (or Kβ, when the data have a ``wavelength_beta`` coord) position of a
    stronger observed peak are treated as satellites: they are labelled ``"Kα2 of ..."`` /
    ``"Kβ of ..."`` and are neither matched to lines nor counted as unexplained.

    Parameters
    ----------
    ds : xarray.Dataset
        Either patterns (dim ``two_theta`` deg, variable ``intensity``, any batch dims,
        scalar coord ``wavelength`` Å; ``wavelength_alpha2``/``wavelength_beta`` for the
        satellites) or a peak table (variable ``center`` in deg over dim ``peak``, as made by
        :func:`~characterization.xrd.fit_pattern` or :func:`~characterization.xrd.peak_table`).
    phases : str, Structure, path, or list of them
        Candidate phases (see :func:`reference_pattern`).
    tolerance : float
        Matching tolerance δ (deg 2θ). Must cover the position errors: specimen displacement
        and zero shift (often 0.02–0.1°), lattice-constant differences and peak-finding error.
    min_intensity : float
        Weakest reference line (relative, %) that is expected to be seen.
    prominence : float, optional
        Fixed prominence threshold for peak finding (intensity units); default noise-based.
    min_score : float
        Minimum ``weighted_score`` for ``present``.
    max_peaks : int
        Size of the NaN-padded ``observed`` dim (the strongest peaks by prominence are kept).
        Fixed so that results of different batches line up.
    range : (float, float), optional
        2θ range (deg) in which lines are expected; default the measured range of each pattern (for
        a peak table: the range spanned by its peaks, ± ``tolerance``).
    min_snr : float
        Prominence threshold for peak finding, in noise standard deviations (default 5).
    max_false_match : float
        Largest false-match probability of a present phase (default 0.01).

    Returns
    -------
    xarray.Dataset
        Batch dims kept. Per ``phase``: ``matched_lines``, ``expected_lines`` (1),
        ``line_fraction``, ``explained_fraction``, ``weighted_score``,
        ``false_match_probability`` (1), ``present`` (bool). Per ``observed`` peak (NaN/""
        padded): ``observed_two_theta`` (deg) and
        ``assignment`` (labels of the nearest matching line of each matching phase, joined
        by ``" + "``; ``""`` when unexplained). Per entry: ``observed_peaks`` and
        ``unexplained_peaks`` (1). Coord ``phase`` and the ``wavelength`` used.

    Notes
    -----
    This is a position-only screen, not a refinement: relative intensities are used only as
    weights, there is no intensity or profile fit, no quantification, and no correction for
    preferred orientation (a textured sample can miss lines and fail ``present``), specimen
    displacement or solid-solution shifts (widen ``tolerance`` or give a CIF with the right
    cell). Overlapping lines of different phases (closer than ``tolerance``) match both
    phases; an observed peak can then explain several phases and the assignment lists all.
    A phase whose few expected lines all coincide with lines of another phase cannot be
    told apart from it. Broad (nanocrystalline) peaks can merge into one maximum.

    References
    ----------
    J. W. Visser, J. Appl. Cryst. 2 (1969) 89 (figures of merit for line matching);
    P. M. de Wolff, J. Appl. Cryst. 1 (1968) 108.

    Examples
    --------
    >>> from characterization.synthetic import xrd_patterns
    >>> from characterization.xrd import phase_check
    >>> ds = xrd_patterns(("Si",), two_theta=(20, 80, 0.02), seed=1)
    >>> r = phase_check(ds, ["Si", "CoSi2"])
    >>> r.present.values.tolist()
    [[True, False]]
    """
    if not (np.isfinite(tolerance) and tolerance > 0):
        raise AnalysisError(f"tolerance must be > 0 deg, got {tolerance}")
    if int(max_peaks) < 1:
        raise AnalysisError(f"max_peaks must be >= 1, got {max_peaks}")
    max_peaks = int(max_peaks)
    if "intensity" in ds.data_vars and "two_theta" in ds.dims:
        mode, data, core = "pattern", ds["intensity"], "two_theta"
        axis = ds["two_theta"]
        rng = (float(axis.min()), float(axis.max())) if range is None else range
    elif "center" in ds.data_vars and "peak" in ds["center"].dims:
        mode, data, core = "table", ds["center"], "peak"
        axis = xr.DataArray(np.zeros(ds.sizes["peak"]), dims="peak")
        finite = np.asarray(ds["center"].values, dtype=float)
        finite = finite[np.isfinite(finite)]
        rng = range if range is not None else (
            (max(0.0, float(finite.min()) - 5.0), min(180.0, float(finite.max()) + 5.0))
            if finite.size else (5.0, 120.0))
    else:
        raise AnalysisError("phase_check needs patterns (variable 'intensity' on dim "
                            "'two_theta') or a peak table (variable 'center' on dim 'peak')")
    lam1 = _resolve_wavelength(None, ds, "phase_check")
    lam2 = _scalar_wavelength(ds, "phase_check", "wavelength_alpha2")
    lam_beta = _scalar_wavelength(ds, "phase_check", "wavelength_beta")
    ref = reference_pattern(phases, wavelength=lam1, range=rng, min_intensity=0.0)
    ip, lt, li, ll, _, _ = _flat_lines(ref)
    n_phase = ref.sizes["phase"]
    fixed = None if range is None else _resolve_range(range, None)
    kernel = _check_kernel(ip, lt, li, ll, n_phase, mode, float(tolerance), float(min_intensity),
                           float(min_score), max_peaks, prominence, (lam1, lam2, lam_beta),
                           fixed, float(min_snr), float(max_false_match))
    data = data.reset_coords(drop=True) if mode == "table" else data
    outs = apply_kernel(
        kernel, data, axis.reset_coords(drop=True),
        input_core_dims=[[core], [core]],
        output_core_dims=[["phase"]] * 6 + [["observed"]] * 2 + [[], [], ["phase"]],
        output_dtypes=[float] * 5 + [bool, float, object, float, float, float],
        output_sizes={"phase": n_phase, "observed": max_peaks})
    (matched, expected, fraction, explained, weighted, present, obs_tt, assign, unexpl,
     n_obs, chance) = outs
    spec = [
        ("matched_lines", matched, "1", "reference lines matched by an observed peak"),
        ("expected_lines", expected, "1", "reference lines expected in the range"),
        ("line_fraction", fraction, "1", "fraction of expected lines matched"),
        ("explained_fraction", explained, "1", "fraction of observed peaks explained"),
        ("weighted_score", weighted, "1", "intensity-weighted fraction of lines matched"),
        ("false_match_probability", chance, "1",
         "probability that random lines match at least as many lines"),
        ("present", present, None, f"phase present (weighted_score >= {min_score}, "
                                   f"false_match_probability <= {max_false_match})"),
        ("observed_two_theta", obs_tt, "deg", "observed peak position 2θ"),
        ("assignment", assign, None, "reflection(s) assigned to the observed peak"),
        ("unexplained_peaks", unexpl, "1", "observed peaks explained by no phase"),
        ("observed_peaks", n_obs, "1", "observed peaks"),
    ]
    out = xr.Dataset()
    for name, arr, units, long_name in spec:
        attrs = {"long_name": long_name}
        if units is not None:
            attrs["units"] = units
        out[name] = arr.assign_attrs(attrs)
    out = out.assign_coords(phase=("phase", ref["phase"].values, {"long_name": "phase"}),
                            wavelength=((), lam1, {"units": "angstrom",
                                                   "long_name": "Wavelength Kα1"}))
    for c in ds.coords:
        if c not in out.coords and core not in ds[c].dims:
            out = out.assign_coords({c: ds[c]})
    out.attrs["method"] = "line matching"
    out.attrs["parameters"] = {"phases": list(ref["phase"].values), "input": mode}
    return out
