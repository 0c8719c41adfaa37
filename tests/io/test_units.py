"""Tests of the shared unit table and conversions (characterization.io._units)."""

import numpy as np
import pytest

from characterization.io._units import (ALIASES, FACTORS, UnitError, canonical_unit,
                                        conversion_factor, convert)


@pytest.mark.parametrize("text, canon", [
    ("cm^-1", "1/cm"), ("(cm⁻¹)", "1/cm"), ("[µN]", "uN"), ("μm", "um"), ("cps", "count/s"),
    ("cm3/g STP", "cm3(STP)/g"), ("a.u.", "a.u."), ("p/p0", "1"), ("KeV", "keV"),
    ("furlong", None), (None, None),
])
def test_canonical_unit(text, canon):
    assert canonical_unit(text) == canon


def test_every_factor_is_between_canonical_units():
    for src, dst in FACTORS:
        assert src in ALIASES and dst in ALIASES


@pytest.mark.parametrize("src, dst, factor", [
    ("keV", "eV", 1e3), ("µN", "mN", 1e-3), ("µm", "nm", 1e3), ("rad", "deg", 180 / np.pi),
    ("cm3(STP)/g", "mmol/g", 1 / 22.414), ("%", "1", 1e-2), ("counts", "count", 1.0),
])
def test_conversion_factor(src, dst, factor):
    assert conversion_factor(src, dst) == pytest.approx(factor)


def test_convert_records_the_original_unit():
    values, original = convert(np.array([22.414, 44.828]), "cc/g STP", "mmol/g")
    np.testing.assert_allclose(values, [1.0, 2.0])
    assert original == "cc/g STP"
    same = np.array([1.0, 2.0])
    values, original = convert(same, "cts", "count")
    assert values is same and original is None


@pytest.mark.parametrize("src, dst, message", [
    ("furlong", "nm", "unknown unit 'furlong'"), ("nm", "furlong", "unknown unit 'furlong'"),
    ("mg/g", "mmol/g", "'mg/g' cannot be converted to 'mmol/g'"),
    ("count/s", "count", "cannot be converted"),
])
def test_unknown_or_unconvertible_unit_raises(src, dst, message):
    with pytest.raises(UnitError, match=message):
        convert(np.ones(2), src, dst)
    assert issubclass(UnitError, ValueError)
