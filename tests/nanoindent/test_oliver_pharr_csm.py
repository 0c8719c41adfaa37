"""CSM depth profiles: exact synthetic truth and the NanoSuite vendor averages (100–200 nm)."""

from __future__ import annotations

import numpy as np
import pytest

from characterization.errors import AnalysisError
from characterization.nanoindent import csm_profile
from conftest import shared_data
from example_inputs.nanoindent_op import csm_indents


def test_exact_profile_and_window_average():
    ds = csm_indents(2, hardness=9.0, reduced_modulus=69.6)
    out = csm_profile(ds, beta=1.0, sample_poisson_ratio=0.0, tip_modulus=np.inf)
    np.testing.assert_allclose(out.hardness.values, 9.0, rtol=1e-9)
    np.testing.assert_allclose(out.modulus.values, 69.6, rtol=1e-9)
    np.testing.assert_allclose(out.mean_hardness.values, 9.0, rtol=1e-9)
    h = ds.displacement.values[0]
    assert int(out.n_window_points[0]) == int(((h >= 100) & (h <= 200)).sum())
    assert out.success.all()


def test_sample_modulus_from_reduced():
    ds = csm_indents(1, reduced_modulus=69.6)
    out = csm_profile(ds)                       # nu = 0.17 from the Dataset, diamond tip
    e = (1 - 0.17 ** 2) / (1 / 69.6 - (1 - 0.07 ** 2) / 1141.0)
    np.testing.assert_allclose(out.mean_modulus.values, e, rtol=1e-9)


def test_empty_window_is_nan_with_reason():
    ds = csm_indents(1)
    out = csm_profile(ds, depth_range=(5000.0, 6000.0))
    assert np.isnan(out.mean_hardness).all() and not out.success.any()
    assert "5000-6000 nm" in out.reason.values[0]


def test_needs_stiffness_channel():
    with pytest.raises(AnalysisError, match="stiffness"):
        csm_profile(csm_indents(1).drop_vars("stiffness"))


@pytest.mark.parametrize("name", ["FS_XP.xls", "FS_Calibration.xls",
                                  "NiAl_250nm_TUIL_max_depth_1000nm_GM3_SM_previousGM1.xls"])
def test_nanosuite_vendor_averages_within_one_percent(name):
    """E and H recomputed from the CSM stiffness with the file's area function (beta = 1 as
    the NanoSuite method) vs the vendor's "Avg Modulus/Hardness [100-200 nm]" per test."""
    io = pytest.importorskip("characterization.io")
    ds = io.read(shared_data("nanoindent") / "micromechanics/examples/Agilent" / name)
    out = csm_profile(ds, depth_range=(100.0, 200.0))
    assert out.success.all()
    np.testing.assert_allclose(out.mean_modulus.values, ds.vendor_modulus.values, rtol=0.01)
    np.testing.assert_allclose(out.mean_hardness.values, ds.vendor_hardness.values, rtol=0.01)
