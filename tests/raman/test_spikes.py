"""Cosmic-ray spike removal: detection rates, no real band eaten (Si 520 included)."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

from characterization.raman.spikes import remove_spikes

X = np.arange(400.0, 1801.0)          # 1 cm-1 step
SIGMA = 25.0                          # typical noise at ~600 counts (Poisson + read noise)


def _lor(x, c, w):
    return 1.0 / (1.0 + (2.0 * (x - c) / w) ** 2)


def _truth(shape, x, seed, si_fwhm=(3.0, 4.0)):
    """Carbon D/G + sharp Si band on a sloped background; Si height, position, width vary."""
    rng = np.random.default_rng(seed)
    n = int(np.prod(shape))
    amp = rng.uniform(0.85, 1.15, n)
    if len(shape) == 2:                                        # smooth variation over a map
        yy, xx = np.meshgrid(np.linspace(0, 1, shape[0]), np.linspace(0, 1, shape[1]),
                             indexing="ij")
        amp = amp * (0.8 + 0.4 * np.sin(3 * yy + 2 * xx)).ravel()
    si = (rng.uniform(3000, 8000, n)[:, None]
          * _lor(x, 520.5 + rng.normal(0, 0.3, n)[:, None], rng.uniform(*si_fwhm, n)[:, None]))
    carbon = (rng.uniform(600, 1000, n)[:, None] * _lor(x, 1350, 110)
              + rng.uniform(700, 1100, n)[:, None] * _lor(x, 1590, 60))
    base = rng.uniform(300, 600, n)[:, None] + rng.uniform(-0.1, 0.2, n)[:, None] * (x - 400)
    return (amp[:, None] * (si + carbon) + base).reshape(*shape, x.size)


def _noisy(truth, seed):
    rng = np.random.default_rng(seed)
    return rng.poisson(truth).astype(float) + rng.normal(0.0, 5.0, truth.shape)


def _inject(y, seed, rate=0.5, lo=20.0, hi=2000.0):
    """Add 1-3 channel spikes (core height lo..hi x SIGMA, log-uniform; other channels
    10-60 % of the core). Returns spiked data, the true spike mask and the spike list."""
    rng = np.random.default_rng(seed)
    flat = y.reshape(-1, y.shape[-1]).copy()
    mask = np.zeros(flat.shape, dtype=bool)
    spikes = []
    for i in range(len(flat)):
        for _ in range(rng.poisson(rate)):
            width = rng.choice([1, 2, 3], p=[0.5, 0.3, 0.2])
            start = int(rng.integers(2, flat.shape[1] - width - 2))
            core = start + int(rng.integers(0, width))
            height = np.exp(rng.uniform(np.log(lo), np.log(hi))) * SIGMA
            profile = rng.uniform(0.1, 0.6, width)
            profile[core - start] = 1.0
            flat[i, start:start + width] += height * profile
            mask[i, start:start + width] = True
            spikes.append((i, core))
    return flat.reshape(y.shape), mask.reshape(y.shape), spikes


def _ds(y, dims, x=X):
    return xr.Dataset(
        {"intensity": (dims, y, {"units": "count", "long_name": "Intensity"})},
        coords={"raman_shift": ("raman_shift", x, {"units": "1/cm", "long_name": "Raman shift"})},
        attrs={"technique": "raman"})


def _score(flag, mask, spikes, x=X):
    """Found spikes (core channel flagged), false-positive channels (flagged, not a spike
    channel nor next to one) and those of them on bands."""
    f = flag.reshape(-1, flag.shape[-1])
    m = mask.reshape(f.shape)
    found = sum(bool(f[i, c]) for i, c in spikes)
    near = m | np.roll(m, 1, -1) | np.roll(m, -1, -1)
    fp = f & ~near
    band = (np.abs(x - 520.5) < 12) | (np.abs(x - 1350) < 150) | (np.abs(x - 1590) < 90)
    return {"spikes": len(spikes), "found": found, "fp": int(fp.sum()),
            "fp_band": int((fp & band[None, :]).sum()), "fp_si": int(
                (fp & (np.abs(x - 520.5) < 12)[None, :]).sum()), "channels": f.size}


# ---------------------------------------------------------------------- single spectra
def test_single_method_finds_spikes_and_keeps_si_band():
    truth = _truth((300,), X, 0)
    y, mask, spikes = _inject(_noisy(truth, 1), 2)
    ds = _ds(y, ("sample", "raman_shift"))
    # instrument line width given (Si FWHM 3-4 cm-1 here): measured 156/156 found, 0 FP
    # (99.7 % of 1000 spikes over 4 other seeds)
    out = remove_spikes(ds, method="single", min_band_fwhm=3.0)
    s = _score(out.spike.values, mask, spikes)
    assert s["spikes"] > 100
    assert s["found"] >= 0.99 * s["spikes"], s
    assert s["fp"] == 0 and s["fp_band"] == 0, s
    # default guard (two channel steps): still no false positive; 3-channel spikes with tall
    # outer channels are then kept as possible bands (measured 152/156 with the joint
    # shoulder test and the shared-center guard; 138/156 before)
    out = remove_spikes(ds, method="single")
    s2 = _score(out.spike.values, mask, spikes)
    assert s2["fp"] == 0, s2
    assert s2["found"] >= 0.9 * s2["spikes"], s2
    # cleaned values: spike channels back near the truth (median |error| ~ noise)
    cleaned = remove_spikes(ds, method="single", min_band_fwhm=3.0).intensity.values
    assert np.median(np.abs(cleaned - truth)[mask]) < 3 * SIGMA


@pytest.mark.parametrize("step", [1.0, 1.5, 2.0])
def test_single_method_never_flags_sharp_si_band(step):
    """The hard case: Si band FWHM 3-4 cm-1 (1.5-4 channels), up to 5e4 counts, no spikes."""
    x = np.arange(400.0, 1200.0, step)
    rng = np.random.default_rng(int(step * 10))
    n = 400
    height = np.exp(rng.uniform(np.log(300), np.log(5e4), n))[:, None]
    center = 520.0 + rng.uniform(-1, 1, n)[:, None]
    fwhm = rng.uniform(3.0, 4.0, n)[:, None]
    eta = rng.uniform(0, 1, n)[:, None]                # pseudo-Voigt: Gaussian to Lorentzian
    gauss = np.exp(-4 * np.log(2) * ((x - center) / fwhm) ** 2)
    truth = 400 + height * (eta * _lor(x, center, fwhm) + (1 - eta) * gauss)
    y = _noisy(truth, 7)
    # the instrument's narrowest band is the Si band itself: W = 3 cm-1
    out = remove_spikes(_ds(y, ("sample", "raman_shift"), x), method="single",
                        min_band_fwhm=3.0)
    assert int(out.spike.sum()) == 0
    if step <= 1.5:         # default W = 2 steps <= Si FWHM; at 2 cm-1 steps a 3 cm-1 band is
        out = remove_spikes(_ds(y, ("sample", "raman_shift"), x), method="single")
        assert int(out.spike.sum()) == 0    # undersampled and W must be given (as above)


@pytest.mark.parametrize("step", [1.0, 2.0])
def test_single_method_never_flags_weak_narrow_bands(step):
    """Bands of FWHM 2-3 channel steps (the default guard width), 5-60 noise sigmas high."""
    x = np.arange(300.0, 1200.0, step)
    rng = np.random.default_rng(int(step * 3))
    n = 300
    y = np.full((n, x.size), 500.0)
    for _ in range(8):
        c = rng.uniform(320, 1180, (n, 1))
        w = step * rng.uniform(2.0, 3.0, (n, 1))
        h = rng.uniform(5, 60, (n, 1)) * np.sqrt(500.0)
        eta = rng.uniform(0, 1, (n, 1))
        y = y + h * (eta * _lor(x, c, w) + (1 - eta) * np.exp(-4 * np.log(2) * ((x - c) / w) ** 2))
    out = remove_spikes(_ds(_noisy(y, 5), ("sample", "raman_shift"), x), method="single")
    assert int(out.spike.sum()) == 0


# ---------------------------------------------------------------------- maps
def test_neighbour_method_on_map():
    truth = _truth((20, 25), X, 10)
    y, mask, spikes = _inject(_noisy(truth, 11), 12)
    out = remove_spikes(_ds(y, ("y", "x", "raman_shift")))
    assert out.attrs["method"] == "neighbours"
    s = _score(out.spike.values, mask, spikes)
    # measured: 245 / 247 found (the two missed sit on the Si band), 0 FP; 99.2 % over 4 seeds
    assert s["found"] >= 0.99 * s["spikes"], s
    assert s["fp"] == 0 and s["fp_si"] == 0, s
    assert np.median(np.abs(out.intensity.values - truth)[mask]) < 3 * SIGMA


def test_neighbour_method_keeps_bands_without_spikes_and_dask_equals_eager():
    truth = _truth((16, 20), X, 20)
    y = _noisy(truth, 21)
    ds = _ds(y, ("y", "x", "raman_shift"))
    eager = remove_spikes(ds)
    assert int(eager.spike.sum()) == 0
    pytest.importorskip("dask")
    lazy = remove_spikes(ds.chunk({"y": 5, "x": 7}))
    assert lazy.intensity.chunks is not None
    np.testing.assert_array_equal(lazy.spike.values, eager.spike.values)
    np.testing.assert_allclose(lazy.intensity.values, eager.intensity.values)


def test_neighbour_method_edges_and_line_scan():
    truth = _truth((30, 1), X, 30)[:, 0]                        # a line scan along "spot"
    y, mask, spikes = _inject(_noisy(truth, 31), 32, rate=1.0, lo=30)
    out = remove_spikes(_ds(y, ("spot", "raman_shift")), method="neighbours",
                        neighbour_dims="spot")
    s = _score(out.spike.values, mask, spikes)
    assert s["found"] >= 0.95 * s["spikes"] and s["fp"] == 0, s


# ---------------------------------------------------------------------- accumulations
@pytest.mark.parametrize("n_acc", [2, 3, 5])
def test_accumulations(n_acc):
    truth = np.repeat(_truth((60,), X, 40)[:, None, :], n_acc, axis=1)
    y, mask, spikes = _inject(_noisy(truth, 41), 42, rate=0.5, lo=20)
    out = remove_spikes(_ds(y, ("sample", "accumulation", "raman_shift")))
    assert out.attrs["method"] == "accumulations"
    s = _score(out.spike.values, mask, spikes)
    assert s["found"] >= 0.98 * s["spikes"] and s["fp"] == 0, s
    assert out.spike_count.dims == ("sample", "accumulation")


# ---------------------------------------------------------------------- outputs, choices
def test_outputs_units_counts_and_input_unchanged():
    truth = _truth((5,), X, 50)
    y = _noisy(truth, 51)
    y[1, 300] += 5000.0
    y[3, 700:702] += [3000.0, 2500.0]
    y[3, 1000] += 4000.0
    ds = _ds(y, ("sample", "raman_shift"))
    before = ds.copy(deep=True)
    out = remove_spikes(ds)
    xr.testing.assert_identical(ds, before)
    assert out.attrs["method"] == "single"                     # unrelated samples: no neighbours
    assert out.spike.dtype == bool and out.spike_count.dtype.kind == "i"
    assert out.spike_count.values.tolist() == [0, 1, 0, 2, 0]
    assert out.spike.sum().item() == 4
    assert out.intensity.attrs["units"] == "count" and out.spike.attrs["units"] == "1"
    assert out.raman_shift.attrs["units"] == "1/cm"
    assert '"threshold": 6.0' in out.attrs["parameters"]


def test_nan_spectrum_is_left_alone():
    y = _noisy(_truth((3,), X, 60), 61)
    y[1, 10] = np.nan
    y[0, 500] += 6000
    out = remove_spikes(_ds(y, ("sample", "raman_shift")))
    assert out.spike_count.values.tolist() == [1, 0, 0]
    np.testing.assert_array_equal(out.intensity.values[1], y[1])


def test_bad_arguments():
    ds = _ds(_noisy(_truth((2,), X, 70), 71), ("sample", "raman_shift"))
    with pytest.raises(ValueError, match="method"):
        remove_spikes(ds, method="median")
    with pytest.raises(ValueError, match="neighbour"):
        remove_spikes(ds, method="neighbours")
    with pytest.raises(ValueError, match="accumulation"):
        remove_spikes(ds, method="accumulations")


# ---------------------------------------------------------------------- issue 10: field cases
def test_noise_model_survives_a_detector_offset():
    """Counts on a 570-count bias: var = read^2 + (level - bias), a negative intercept in
    a + b level. The noise estimate must follow the truth (it was 7-13x too high) and the
    10-30 sigma spikes be found (recall was 2.5 %)."""
    x = np.arange(100.0, 3500.0, 2.3)
    rng = np.random.default_rng(80)
    n = 40
    signal = (rng.uniform(300, 900, (n, 1)) * _lor(x, 1350, 110)
              + rng.uniform(400, 1000, (n, 1)) * _lor(x, 1590, 60) + 60.0)
    truth_sigma = np.sqrt(signal + 4.0 ** 2)
    y = 570.0 + rng.poisson(signal) + rng.normal(0.0, 4.0, signal.shape)
    spikes = []
    for i in range(n):
        for p in rng.choice(np.arange(20, x.size - 20, 25), 6, replace=False):
            y[i, p] += rng.uniform(10, 30) * truth_sigma[i, p]
            spikes.append((i, p))
    out = remove_spikes(_ds(y, ("sample", "raman_shift"), x), method="single", scores=True)
    ratio = np.median(out.noise.values / truth_sigma)
    assert 0.85 < ratio < 1.2, ratio
    assert out.noise.attrs["units"] == "count" and out.spike_score.attrs["units"] == "1"
    found = np.mean([out.spike.values[i, p] for i, p in spikes])
    # measured: 72 % of 240 (2.5 % before; 1-channel spikes of 10-30 sigma: the guard needs
    # the neighbours below ~0.16 h - 3 sigma, so the weakest are kept as possible bands)
    assert found >= 0.65, found
    allowed = np.zeros(y.shape, dtype=bool)
    for i, p in spikes:
        allowed[i, p - 1:p + 2] = True
    assert not (out.spike.values & ~allowed).any()


def test_auto_uses_neighbours_on_a_line_map_and_scores_are_lazy():
    truth = _truth((30, 1), X, 30)[:, 0]
    y, mask, spikes = _inject(_noisy(truth, 31), 32, rate=1.0, lo=30)
    ds = _ds(y, ("spot", "raman_shift"))
    out = remove_spikes(ds, scores=True)
    assert out.attrs["method"] == "neighbours"
    s = _score(out.spike.values, mask, spikes)
    assert s["found"] >= 0.95 * s["spikes"] and s["fp"] == 0, s
    # a spike's score is far above the threshold, spike-free channels are below it
    scores = out.spike_score.values
    assert np.median([scores[i, c] for i, c in spikes]) > 10
    assert np.mean(scores[~mask] > 6.0) < 1e-3
    pytest.importorskip("dask")
    lazy = remove_spikes(ds.chunk({"spot": 10}), scores=True)
    assert lazy.spike_score.chunks is not None
    np.testing.assert_allclose(lazy.spike_score.values, scores)
    np.testing.assert_allclose(lazy.noise.values, out.noise.values)


def test_guard_uses_the_local_channel_step():
    """A non-uniform axis (step 1.5x the median near the band, as on real CCD axes): with
    min_band_fwhm = the band's FWHM the band must stay (a median-step guard erased it)."""
    x = np.cumsum(np.r_[400.0, np.where(np.arange(1, 900) < 450, 1.0, 1.5)])
    rng = np.random.default_rng(90)
    n = 200
    fwhm = rng.uniform(3.5, 4.5, (n, 1))
    center = 1000.0 + rng.uniform(-2, 2, (n, 1))        # where the step is 1.5
    height = np.exp(rng.uniform(np.log(500), np.log(3e4), (n, 1)))
    y = _noisy(400 + height * _lor(x, center, fwhm), 91)
    out = remove_spikes(_ds(y, ("sample", "raman_shift"), x), method="single",
                        min_band_fwhm=3.5)
    assert int(out.spike.sum()) == 0


def _real(rel):
    import characterization as ch
    from conftest import shared_data

    path = shared_data("raman") / rel
    if not path.is_file():
        pytest.skip(f"real Raman data not available: {path} is absent")
    return ch.read(path, technique="raman")


@pytest.mark.parametrize("rel, si_fwhm", [
    ("raman-fitting/Si_spectrum01.txt", 6.55),
    ("ramanchada2/datasets2/FMNT-M_BW532/Sil10_iR532_Probe_100_60000msx2.txt", 8.8),
    ("ramanchada2/datasets2/TOP_Ho633/Si_HLR633_Z010_100_40sx5.txt", 3.73)])
def test_real_si_line_kept_with_the_documented_guard_width(rel, si_fwhm):
    """The docs' advice, min_band_fwhm = the Si FWHM (MANIFEST values, computed during
    curation), must not touch the Si line (it lost 57-74 % with a median-step guard)."""
    ds = _real(rel)
    out = remove_spikes(ds, method="single", min_band_fwhm=si_fwhm)
    near = np.abs(ds.raman_shift.values - 520.0) < 15
    np.testing.assert_array_equal(out.intensity.values[near], ds.intensity.values[near])


def test_real_spectra_with_injected_spikes():
    """1-2 channel spikes of 10-200 local noise sigmas (fixed seed) in the three raman-fitting
    carbon spectra, which sit on a ~570-count detector offset (recall was 3-18 %), and the
    235-spectrum line map (auto must take the neighbour method)."""
    rng = np.random.default_rng(20261207)
    found, false = [], 0
    for name in ("testDW38C_pos2", "testDW38C_pos3", "testDW38C_pos4"):
        ds = _real(f"raman-fitting/{name}.txt")
        y0 = ds.intensity.values.astype(float)
        base = remove_spikes(ds).spike.values
        sigma = remove_spikes(ds, scores=True).noise.values
        y, spikes = y0.copy(), []
        for p in rng.choice(np.arange(20, y0.size - 20, 40), 25, replace=False):
            width = int(rng.integers(1, 3))
            h = np.exp(rng.uniform(np.log(10), np.log(200))) * sigma[p]
            y[p:p + width] += h * np.r_[1.0, rng.uniform(0.2, 0.8)][:width]
            spikes.append((p, width))
        out = remove_spikes(ds.assign(intensity=(ds.intensity.dims, y, ds.intensity.attrs)))
        new = out.spike.values & ~base
        found += [bool(new[p]) for p, _ in spikes]
        allowed = np.zeros(y.size, dtype=bool)
        for p, w in spikes:
            allowed[p - 1:p + w + 1] = True
        false += int((new & ~allowed).sum())
    # measured: 79 % of 75 found (3-18 % on these files before, similar spikes), no channel
    # falsely corrected
    assert np.mean(found) >= 0.65, np.mean(found)
    assert false == 0
    line = _real("py-wdf-reader/ex2.wdf")
    y0 = line.intensity.values.astype(float)
    base = remove_spikes(line).spike.values
    y, spikes = y0.copy(), []
    sigma = remove_spikes(line, scores=True).noise.values
    for i in range(0, y0.shape[0], 3):
        p = int(rng.integers(20, y0.shape[1] - 20))
        y[i, p] += np.exp(rng.uniform(np.log(10), np.log(200))) * sigma[i, p]
        spikes.append((i, p))
    out = remove_spikes(line.assign(intensity=(line.intensity.dims, y, line.intensity.attrs)))
    assert out.attrs["method"] == "neighbours"
    new = out.spike.values & ~base
    # measured: 100 % of 79 found, no channel falsely corrected
    assert np.mean([new[i, p] for i, p in spikes]) >= 0.9
    allowed = np.zeros(y.shape, dtype=bool)
    for i, p in spikes:
        allowed[i, p - 1:p + 2] = True
    assert not (new & ~allowed).any()


def test_single_spectrum_recall_on_every_real_single_spectrum():
    """Issue 10 goal: 1-3-channel spikes of 10-200 local noise sigmas (log-uniform; 2-channel
    ``[1, u]``, 3-channel ``[u, 1, u]``, u in 0.2-0.8), fixed seed, injected into every
    single spectrum of ``shared/data/raman`` (16 files, 26 759 channels) and found with the
    default guard. Measured: 61.1 % of 416 (1-channel 90 %, 2-channel 86 %, 3-channel 18 %),
    no channel falsely corrected; 47.4 % (78 / 76 / 0 %) before the joint shoulder test and
    the shared-center guard."""
    import characterization as ch
    from conftest import shared_data

    root = shared_data("raman")
    spectra = []
    for f in sorted(root.rglob("*")):
        if not f.is_file() or f.name == "MANIFEST.md":
            continue
        try:
            ds = ch.read(f, technique="raman")
        except ch.ReadError:
            continue
        if hasattr(ds, "data_vars") and ds.intensity.ndim == 1:
            spectra.append(ds)
    if len(spectra) < 10:
        pytest.skip("the real single Raman spectra are not all available")
    rng = np.random.default_rng(20261207)
    found, false = [], 0
    for ds in spectra:
        y0 = ds.intensity.values.astype(float)
        base = remove_spikes(ds).spike.values
        sigma = remove_spikes(ds, scores=True).noise.values
        n = y0.size
        step = max(n // 30, 8)
        y, spikes = y0.copy(), []
        for p in rng.choice(np.arange(20, n - 20, step), min(26, (n - 40) // step),
                            replace=False):
            w = int(rng.integers(1, 4))
            h = np.exp(rng.uniform(np.log(10), np.log(200))) * sigma[p]
            prof = {1: [1.0], 2: [1.0, rng.uniform(0.2, 0.8)],
                    3: [rng.uniform(0.2, 0.8), 1.0, rng.uniform(0.2, 0.8)]}[w]
            y[p:p + w] += h * np.array(prof)
            spikes.append((p, w))
        out = remove_spikes(ds.assign(intensity=(ds.intensity.dims, y, ds.intensity.attrs)))
        new = out.spike.values & ~base
        allowed = np.zeros(n, dtype=bool)
        for p, w in spikes:
            allowed[p - 1:p + w + 1] = True
            found.append(bool(new[p:p + w].any()))
        false += int((new & ~allowed).sum())
    assert np.mean(found) >= 0.60, np.mean(found)
    assert false == 0
