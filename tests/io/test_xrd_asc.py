"""Plain ASCII XRD exports (.asc, also gz-compressed) through the delimited reader."""

import gzip

import numpy as np
import pytest

import characterization as ch


def _write(path, opener=open):
    x = np.round(np.arange(20.0, 21.0, 0.02), 4)
    y = 100 + 50 * np.exp(-((x - 20.5) / 0.05) ** 2)
    text = "Sample: Si powder\nWavelength: 1.5406 A\n2Theta\tCounts\n" + "\n".join(
        f"{a:.4f}\t{b:.1f}" for a, b in zip(x, y)) + "\n"
    with opener(path, "wt", encoding="utf-8") as fh:
        fh.write(text)
    return x, y


@pytest.mark.parametrize("name,opener", [("scan.asc", open), ("scan.asc.gz", gzip.open)])
def test_asc_export_reads_as_xrd_with_header_wavelength(tmp_path, name, opener):
    x, y = _write(tmp_path / name, opener)
    ds = ch.read(tmp_path / name, technique="xrd")
    np.testing.assert_allclose(ds.two_theta.values, x)
    np.testing.assert_allclose(ds.intensity.values, np.round(y, 1))
    assert float(ds.wavelength) == pytest.approx(1.5406)
    assert ds.two_theta.attrs["units"] == "deg"
