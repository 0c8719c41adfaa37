"""Raman-shift calibration against the Si band: synthetic known offsets and real Si files."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

import characterization as ch
from characterization.raman.calibration import calibrate_shift, si_offset

SHARED_RAMAN = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "raman"
X = np.arange(440.0, 600.5, 1.0)


def _si(shifts, *, step=1.0, fwhm=3.5, eta=0.5, height=4000.0, noise=20.0, seed=0,
        dims=("sample",)):
    """Pseudo-Voigt Si bands measured at 520.7 + shift on a sloped background."""
    rng = np.random.default_rng(seed)
    x = np.arange(440.0, 600.0 + step / 2, step)
    c = 520.7 + np.asarray(shifts, dtype=float)[..., None]
    lor = 1.0 / (1.0 + (2 * (x - c) / fwhm) ** 2)
    gau = np.exp(-4 * np.log(2) * ((x - c) / fwhm) ** 2)
    y = 300 + 0.5 * (x - 440) + height * (eta * lor + (1 - eta) * gau)
    y = y + rng.normal(0, noise, y.shape)
    return xr.Dataset(
        {"intensity": ((*dims, "raman_shift"), y, {"units": "count", "long_name": "Intensity"})},
        coords={"raman_shift": ("raman_shift", x, {"units": "1/cm", "long_name": "Raman shift"})},
        attrs={"technique": "raman"})


SHIFTS = np.array([-2.0, -1.3, -0.55, -0.1, 0.0, 0.37, 0.9, 1.6, 2.0])


# Bands are pseudo-Voigt (eta 0.5, FWHM 3.5). At 2 cm-1 steps (1.75 channels per FWHM) a
# Lorentzian model is biased by up to 0.12 1/cm depending on where the band falls between
# channels (measured; rms 0.09), so that combination is not claimed.
@pytest.mark.parametrize("model, step", [("lorentzian", 1.0), ("pseudo_voigt", 1.0),
                                         ("voigt", 1.0), ("pseudo_voigt", 2.0),
                                         ("voigt", 2.0)])
def test_known_offsets_recovered(model, step):
    ref = _si(SHIFTS, step=step, seed=int(step))
    off = si_offset(ref, shape=model)
    assert bool(off.success.all())
    # measured over 5 seeds x 9 shifts: max |error| 0.020 (1 cm-1 steps), 0.038 (2 cm-1 steps)
    # 1/cm; stderr 0.007-0.025
    np.testing.assert_allclose(off.offset.values, -SHIFTS, atol=0.05)
    assert np.all(off.offset_stderr.values < 0.05) and np.all(off.offset_stderr.values > 0)
    np.testing.assert_allclose(off.measured_center.values, 520.7 + SHIFTS, atol=0.05)
    assert off.offset.attrs["units"] == "1/cm"
    assert float(off.reference_position) == 520.7


def test_user_reference_band():
    """Any band: e.g. a polystyrene-like band at 1001.4 1/cm measured 1.2 too low."""
    x = np.arange(950.0, 1050.0, 1.0)
    y = 100 + 5000 / (1 + (2 * (x - 1000.2) / 5.0) ** 2)
    ds = xr.Dataset({"intensity": (("raman_shift",), y, {"units": "count", "long_name": "I"})},
                    coords={"raman_shift": ("raman_shift", x, {"units": "1/cm",
                                                               "long_name": "Raman shift"})},
                    attrs={"technique": "raman"})
    off = si_offset(ds, reference_position=1001.4, range=(985, 1015))
    assert abs(float(off.offset) - 1.2) < 1e-3


def test_calibrate_whole_batch_with_one_reference():
    data = _si(np.full(5, -1.4), seed=3)                    # a batch all measured 1.4 too low
    ref = _si([-1.4], seed=4).isel(sample=0)                # one Si wafer measurement
    before = data.copy(deep=True)
    out = calibrate_shift(data, ref)
    xr.testing.assert_identical(data, before)
    assert abs(float(out.calibration_offset) - 1.4) < 0.05
    np.testing.assert_array_equal(out.intensity.values, data.intensity.values)   # data untouched
    np.testing.assert_allclose(out.raman_shift.values,
                               data.raman_shift.values + float(out.calibration_offset))
    np.testing.assert_array_equal(out.raman_shift_uncalibrated.values, data.raman_shift.values)
    assert out.raman_shift.attrs["units"] == "1/cm"
    refit = si_offset(out)
    np.testing.assert_allclose(refit.measured_center.values, 520.7, atol=0.05)
    params = json.loads(out.attrs["parameters"])
    assert params["reference_position"] == 520.7 and params["shape"] == "lorentzian"
    # a si_offset result is accepted as the reference too
    again = calibrate_shift(data, si_offset(ref))
    np.testing.assert_allclose(again.raman_shift.values, out.raman_shift.values)


def test_repeated_references_are_averaged():
    data = _si(np.full(3, 0.8), seed=5)
    refs = _si([0.8, 0.8, 0.8, 0.8], seed=6, dims=("repeat",))
    out = calibrate_shift(data, refs)
    one = si_offset(refs)
    w = 1 / one.offset_stderr ** 2
    expected = float((w * one.offset).sum() / w.sum())
    assert abs(float(out.calibration_offset) - expected) < 1e-9
    assert abs(float(out.calibration_offset) + 0.8) < 0.05
    assert float(out.calibration_offset_stderr) >= float(1 / np.sqrt(w.sum())) - 1e-12


def test_per_sample_references_interpolate_onto_the_grid():
    shifts = np.array([-1.5, 0.6, 1.1])
    data = _si(shifts, seed=7)
    refs = _si(shifts, seed=8)                              # one reference per sample
    out = calibrate_shift(data, refs)
    assert out.calibration_offset.dims == ("sample",)
    np.testing.assert_array_equal(out.raman_shift.values, data.raman_shift.values)
    assert out.raman_shift_uncalibrated.dims == ("sample", "raman_shift")
    refit = si_offset(out)
    # measured: within 0.03 1/cm after linear interpolation of a 3.5 1/cm band at 1 1/cm steps
    np.testing.assert_allclose(refit.measured_center.values, 520.7, atol=0.05)
    # y_cal(x) = y(x - offset): with offset +1.5 the first point comes from below the range
    assert np.isnan(out.intensity.values[0, 0]) and np.isfinite(out.intensity.values[0, 2:]).all()


def test_failed_reference_gives_nan_not_an_uncalibrated_axis():
    data = _si([0.0, 0.0], seed=9)
    flat = data.isel(sample=0).copy()
    flat["intensity"] = flat.intensity * 0 + 100.0
    out = calibrate_shift(data, flat)
    assert np.isnan(out.raman_shift.values).all()
    assert np.isnan(float(out.calibration_offset))


def test_dask_reference_and_data():
    pytest.importorskip("dask")
    data = _si(np.full(4, 0.5), seed=10)
    ref = _si([0.5, 0.5], seed=11, dims=("repeat",))
    eager = calibrate_shift(data, ref)
    lazy = calibrate_shift(data.chunk({"sample": 2}), ref.chunk({"repeat": 1}))
    np.testing.assert_allclose(lazy.raman_shift.values, eager.raman_shift.values)
    np.testing.assert_allclose(lazy.intensity.values, eager.intensity.values)


# ---------------------------------------------------------------------- real Si spectra
def _read_raman(path: Path) -> xr.Dataset:
    """Read with characterization.read; a generic two-column result is labelled explicitly.

    The MANIFEST states the columns of these files (Raman shift in 1/cm, counts); the B&W Tek
    export's Si band is in its "Dark Subtracted #1" column (used by the curation cross-check).
    """
    if not path.is_file():
        pytest.skip(f"real Raman data not available: {path} is absent")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            ds = ch.read(path)
        except Exception as exc:                    # reader not ready for this format
            pytest.skip(f"no reader for {path.name} yet: {exc}")
    if ds.attrs.get("technique") == "spectrum" and set(ds.data_vars) == {"y"} and "x" in ds.dims:
        ds = ds.rename({"x": "raman_shift", "y": "intensity"})
        ds["raman_shift"].attrs.update(units="1/cm", long_name="Raman shift")
        ds["intensity"].attrs.update(units="count", long_name="Intensity")
        ds.attrs["technique"] = "raman"
    if "dark_subtracted_1" in ds.data_vars:
        ds["intensity"] = ds["dark_subtracted_1"]
    if ds.attrs.get("technique") != "raman" or "raman_shift" not in ds.dims:
        pytest.skip(f"{path.name} is not read as a Raman spectrum yet")
    return ds


# raw Si positions from the MANIFEST: computed during curation with the curators' own scripts,
# a cross-check, NOT an independent reference. Tolerances reflect our fit's standard error and
# the window/model dependence measured here (BW Tek: stderr 0.2 1/cm, 520.29-520.49 for
# windows (490, 550)-(505, 535)).
REAL = [("raman-fitting/Si_spectrum01.txt", 521.29, "lorentzian", 0.05),
        ("ramanchada2/datasets2/TOP_Ho633/Si_HLR633_Z010_100_40sx5.txt", 518.76, "voigt", 0.05),
        ("ramanchada2/datasets2/FMNT-M_BW532/Sil10_iR532_Probe_100_60000msx2.txt", 520.25,
         "voigt", 0.3)]


@pytest.mark.parametrize("relpath, curated, curated_model, tol", REAL,
                         ids=[Path(r[0]).name for r in REAL])
def test_real_si_files(relpath, curated, curated_model, tol):
    if not SHARED_RAMAN.is_dir():
        pytest.skip(f"real Raman data not available: {SHARED_RAMAN} is absent")
    ds = _read_raman(SHARED_RAMAN / relpath)
    raw = si_offset(ds, shape=curated_model)
    assert bool(raw.success)
    assert abs(float(raw.measured_center) - curated) < tol
    cal = calibrate_shift(ds, ds, shape="lorentzian")
    # refitted with every model: measured 520.69-520.75 1/cm
    for model in ("lorentzian", "pseudo_voigt", "voigt"):
        refit = si_offset(cal, shape=model)
        assert abs(float(refit.measured_center) - 520.7) < 0.3, model
