import numpy as np
import pytest
import xarray as xr

from characterization import conventions
from characterization.errors import ConventionError


def _xrd(**over):
    tt = xr.DataArray(np.linspace(10, 80, 5), dims="two_theta",
                      attrs={"units": "deg", "long_name": "2θ"})
    ds = xr.Dataset({"intensity": ("two_theta", np.ones(5), {"units": "count",
                                                             "long_name": "Intensity"})},
                    coords={"two_theta": tt}, attrs={"technique": "xrd"})
    return ds


def test_valid_dataset_passes_and_is_returned():
    ds = _xrd()
    assert conventions.validate(ds) is ds


def test_every_problem_is_listed():
    ds = _xrd().rename({"intensity": "counts"})
    ds["counts"].attrs.pop("units")
    with pytest.raises(ConventionError) as info:
        conventions.validate(ds, "xrd")
    msg = str(info.value)
    assert "'intensity' missing" in msg and "'counts' has no attrs['units']" in msg


def test_bad_batch_dim_name_rejected():
    ds = _xrd().expand_dims(axis0=2)
    with pytest.raises(ConventionError, match="axis0"):
        conventions.validate(ds)


def test_unknown_technique():
    with pytest.raises(ConventionError, match="known"):
        conventions.get("nmr")


def test_strict_requires_scalar_coords():
    with pytest.raises(ConventionError, match="wavelength"):
        conventions.validate(_xrd(), strict=True)


def test_table_units_parse_with_pint():
    pint = pytest.importorskip("pint")
    ureg = pint.UnitRegistry()
    for conv in conventions.TABLE.values():
        for q in (conv.signal, *conv.variables, *conv.signal_coords, *conv.scalar_coords):
            if q.units:
                ureg.parse_units(q.units)


def test_set_quantity_does_not_touch_input():
    da = xr.DataArray([1.0, 2.0], dims="x", attrs={"units": "m"})
    out = conventions.set_quantity(da, "nm", "Length")
    assert da.attrs == {"units": "m"} and out.attrs["units"] == "nm"
