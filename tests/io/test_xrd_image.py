"""2-D detector images integrated with pyFAI (characterization/io/xrd/image.py).

Reference: Dioptas' own 1-D integration of its CeO2 / Pilatus 1M test image
(``Dioptas/dioptas/tests/data/CeO2_Pilatus1M.xy``, MANIFEST of shared/data/xrd), and synthetic
images with one ring at a known 2θ.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import warnings

import numpy as np
import pytest

import characterization as ch
from characterization.errors import ReadError
from conftest import shared_data

# pyFAI and fabio are imported by the tests, not at collection (they are heavy).
pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("pyFAI") is None or importlib.util.find_spec("fabio") is None,
    reason="pyFAI and fabio are needed for 2-D detector images")

DIOPTAS = "Dioptas/dioptas/tests/data/CeO2_Pilatus1M"

#: CeO2 (fluorite) lattice parameter, NIST SRM 674b certificate: a = 5.411651 Å.
CEO2_A = 5.411651
CEO2_HKL = [(1, 1, 1), (2, 0, 0), (2, 2, 0), (3, 1, 1), (2, 2, 2), (4, 0, 0), (3, 3, 1),
            (4, 2, 0), (4, 2, 2), (5, 1, 1)]


def _files():
    root = shared_data("xrd")
    return root / f"{DIOPTAS}.tif", root / f"{DIOPTAS}.poni", root / f"{DIOPTAS}.xy"


def _peak(x, y, guess, half=0.08):
    """Maximum near ``guess`` refined by a parabola through the top three points."""
    inside = (x > guess - half) & (x < guess + half)
    i = int(np.argmax(np.where(inside, y, -np.inf)))
    a, b, c = y[i - 1:i + 2]
    return x[i] + (a - c) / (2 * (a - 2 * b + c)) * (x[1] - x[0])


@pytest.fixture(scope="module")
def dioptas_like():
    tif, poni, _ = _files()
    return ch.read(tif, poni=poni, flip="vertical", mask=None, polarization=0.99, npt=1512)


def test_reproduces_dioptas_integration(dioptas_like):
    _, _, xy = _files()
    ref = np.loadtxt(xy)
    ds = dioptas_like
    assert ds.attrs["technique"] == "xrd" and ds.attrs["reader"] == "xrd_image"
    assert ds.two_theta.attrs["units"] == "deg"
    assert float(ds.wavelength) == pytest.approx(0.4066, abs=1e-9)   # from the PONI
    np.testing.assert_allclose(ds.two_theta.values, ref[:, 0], atol=2e-6)
    # measured: max relative deviation 1.4e-4 (float32 image vs Dioptas' own run)
    np.testing.assert_allclose(ds.intensity.values, ref[:, 1], rtol=1e-3)
    assert np.corrcoef(ds.intensity.values, ref[:, 1])[0, 1] > 0.99999
    options = json.loads(ds.attrs["integration"])
    assert options["flip"] == "vertical" and options["npt"] == 1512
    assert options["polarization"] == 0.99 and options["mask"] == "none"


def test_ceo2_line_positions(dioptas_like):
    """Ring positions against the CeO2 lattice (SRM 674b) at the PONI wavelength."""
    _, _, xy = _files()
    ref = np.loadtxt(xy)
    x, y = dioptas_like.two_theta.values, dioptas_like.intensity.values
    lam = float(dioptas_like.wavelength)
    for hkl in CEO2_HKL:
        d = CEO2_A / np.sqrt(sum(h * h for h in hkl))
        expected = np.degrees(2 * np.arcsin(lam / (2 * d)))
        ours = _peak(x, y, expected)
        assert ours == pytest.approx(_peak(ref[:, 0], ref[:, 1], expected), abs=1e-4), hkl
        # the calibration itself is good to ~0.005° (measured max 0.0051° at 220)
        assert ours == pytest.approx(expected, abs=0.008), hkl


def test_wrong_orientation_is_visibly_wrong():
    """Without the Dioptas flip the same PONI gives a pattern unrelated to the reference."""
    tif, poni, xy = _files()
    ref = np.loadtxt(xy)
    with pytest.warns(UserWarning, match="flip='vertical'"):
        ds = ch.read(tif, poni=poni, mask=None, polarization=0.99, npt=1512)
    assert np.corrcoef(ds.intensity.values, ref[:, 1])[0, 1] < 0.5
    with warnings.catch_warnings():
        warnings.simplefilter("error")             # an explicit choice is not second-guessed
        same = ch.read(tif, poni=poni, mask=None, polarization=0.99, npt=1512, flip="none")
    np.testing.assert_array_equal(same.intensity.values, ds.intensity.values)


def test_defaults_sidecar_poni_and_negative_pixel_mask():
    tif, poni, _ = _files()
    import fabio

    raw = np.asarray(fabio.open(str(tif)).data)
    ds = ch.read(tif, flip="vertical")            # the .poni beside the image is used
    options = json.loads(ds.attrs["integration"])
    assert options["poni_file"] == str(poni)
    assert options["masked_pixels"] == int((raw < 0).sum()) == 73560
    assert options["polarization"] is None
    assert ds.sizes["two_theta"] == options["npt"] > 500
    assert np.isfinite(ds.intensity).all()
    assert (ds.pixels > 0).all() and (ds.intensity_uncertainty > 0).all()
    assert "Pilatus" in ds.attrs["original_metadata"] or "Pixel_size" in ds.attrs[
        "original_metadata"]


def _synthetic(tmp_path, center_deg=12.0, width_deg=0.05, shape=(400, 500), unit_poni=None):
    """A ring at ``center_deg`` on a flat background, EDF image and pyFAI PONI."""
    import fabio
    from pyFAI.integrator.azimuthal import AzimuthalIntegrator

    ai = AzimuthalIntegrator(dist=0.15, poni1=0.03, poni2=0.035, rot1=0.01, rot2=-0.02,
                             pixel1=1e-4, pixel2=1e-4, wavelength=0.7e-10)
    ai.detector.shape = shape
    tth = np.degrees(ai.twoThetaArray(shape))
    image = 10.0 + 1000.0 * np.exp(-0.5 * ((tth - center_deg) / width_deg) ** 2)
    img_path = tmp_path / "ring.edf"
    fabio.edfimage.EdfImage(data=image.astype(np.float32)).write(str(img_path))
    poni_path = tmp_path / (unit_poni or "geometry.poni")
    ai.write(str(poni_path))
    return img_path, poni_path


def test_synthetic_ring_center_known_answer(tmp_path):
    img, poni = _synthetic(tmp_path, center_deg=12.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")     # right orientation: no flip warning
        ds = ch.read(img, poni=poni, npt=800, mask=None)
    x, y = ds.two_theta.values, ds.intensity.values
    assert float(ds.wavelength) == pytest.approx(0.7, abs=1e-12)
    assert _peak(x, y, 12.0, half=0.5) == pytest.approx(12.0, abs=0.01)
    # flat background 10 counts per pixel before the solid-angle normalisation
    far = (x > 14) & (x < 16)
    assert np.nanmedian(y[far]) == pytest.approx(10.0, rel=0.15)


def test_q_binning_axis(tmp_path):
    img, poni = _synthetic(tmp_path, center_deg=12.0)
    ds = ch.read(img, poni=poni, npt=600, unit="q_A^-1", mask=None)
    lam = float(ds.wavelength)
    q = ds.q.values
    assert ds.q.attrs["units"] == "1/angstrom"
    np.testing.assert_allclose(ds.two_theta.values,
                               np.degrees(2 * np.arcsin(q * lam / (4 * np.pi))), rtol=1e-12)
    x, y = ds.two_theta.values, ds.intensity.values
    i = int(np.nanargmax(y))
    assert x[i] == pytest.approx(12.0, abs=0.05)


def test_bad_inputs_raise_readerror(tmp_path):
    tif, poni, _ = _files()
    # no PONI given and none beside the image
    lone = tmp_path / "lone.tif"
    shutil.copy(tif, lone)
    with pytest.raises(ReadError, match="poni="):
        ch.read(lone)
    # truncated image
    cut = tmp_path / "cut.tif"
    cut.write_bytes(tif.read_bytes()[:5000])
    with pytest.raises(ReadError):
        ch.read(cut, poni=poni)
    # PONI garbage, PONI without wavelength
    bad = tmp_path / "bad.poni"
    bad.write_text("this is not a calibration\x00\x01")
    with pytest.raises(ReadError):
        ch.read(tif, poni=bad)
    nowl = tmp_path / "nowl.poni"
    nowl.write_text("\n".join(line for line in poni.read_text().splitlines()
                              if not line.startswith("Wavelength")))
    with pytest.raises(ReadError, match="wavelength"):
        ch.read(tif, poni=nowl)
    with pytest.raises(ReadError, match="does not exist"):
        ch.read(tif, poni=tmp_path / "missing.poni")
    # bad options
    with pytest.raises(ReadError, match="mask has shape"):
        ch.read(tif, poni=poni, mask=np.zeros((10, 10), bool))
    with pytest.raises(ReadError, match="flip"):
        ch.read(tif, poni=poni, flip="up")
    with pytest.raises(ReadError, match="frame"):
        ch.read(tif, poni=poni, frame=3)
    with pytest.raises(ReadError, match="polarization"):
        ch.read(tif, poni=poni, polarization=2.0)
    with pytest.raises(ReadError, match="unit"):
        ch.read(tif, poni=poni, unit="r_mm")
