"""Grid maps: planted outlier found, maps placed on the X/Y grid, quality flags."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

from characterization.errors import AnalysisError
from characterization.nanoindent import grid_map
from example_inputs.nanoindent_op import grid_results


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_planted_hard_indent_is_the_only_outlier(seed):
    res = grid_results(5, outlier=12, seed=seed)
    out = grid_map(res)
    assert np.flatnonzero(out.outlier.values).tolist() == [12]
    assert out.robust_z_hardness.values[12] > 3.5
    assert out.quality_ok.all()


def test_maps_are_placed_on_the_grid():
    res = grid_results(4, outlier=None)
    out = grid_map(res, variables=["hardness", "modulus", "not_there"])
    assert out.map_hardness.dims == ("grid_y", "grid_x") and out.map_hardness.shape == (4, 4)
    np.testing.assert_allclose(out.grid_x.values, np.arange(4) * 10.0 + 0.1)
    for i in range(16):
        r, c = int(out.grid_row[i]), int(out.grid_column[i])
        assert out.map_hardness.values[r, c] == res.hardness.values[i]
    assert "map_not_there" not in out
    assert out.map_modulus.attrs["units"] == "GPa"


def test_failed_and_missing_indents():
    ds = xr.Dataset({"hardness": ("indent", [9.0, 9.1, np.nan, 8.9, 9.0]),
                     "success": ("indent", [True, True, False, True, False])},
                    coords={"x": ("indent", [0.0, 5, 10, 0, 5]),
                            "y": ("indent", [0.0, 0, 0, 5, 5])})
    out = grid_map(ds, variables=["hardness"])
    assert out.quality_ok.values.tolist() == [True, True, False, True, False]
    assert np.isnan(out.map_hardness.values[1, 1])      # failed indent not mapped
    assert np.isnan(out.map_hardness.values[1, 2])      # no indent there


def test_robust_z_definition():
    values = np.array([1.0, 2.0, 3.0, 4.0, 100.0])
    ds = xr.Dataset({"hardness": ("indent", values)},
                    coords={"x": ("indent", np.arange(5.0) * 3), "y": ("indent", np.zeros(5))})
    out = grid_map(ds, variables=["hardness"])
    mad = 1.4826 * np.median(np.abs(values - 3.0))
    np.testing.assert_allclose(out.robust_z_hardness.values, (values - 3.0) / mad)
    assert out.outlier.values.tolist() == [False] * 4 + [True]


def test_needs_positions_and_a_variable():
    ds = xr.Dataset({"hardness": ("indent", [1.0, 2.0])})
    with pytest.raises(AnalysisError, match="positions"):
        grid_map(ds)
    ds = ds.assign_coords(x=("indent", [0.0, 1]), y=("indent", [0.0, 0]))
    with pytest.raises(AnalysisError, match="none of"):
        grid_map(ds, variables=["modulus"])
