"""FEFF feffNNNN.dat path files: the shared xraylarch copies and damaged variants."""

from __future__ import annotations

import numpy as np
import pytest

import characterization as ch
from conftest import shared_data


@pytest.fixture
def exafs_dir():
    return shared_data("exafs") / "xraylarch"


def test_cu_first_path(exafs_dir):
    ds = ch.read(exafs_dir / "feffcu01.dat")
    assert ds.attrs["technique"] == "feff_paths"
    assert float(ds.reff[0]) == pytest.approx(2.5478)
    assert float(ds.degeneracy[0]) == 12.0
    assert int(ds.nleg[0]) == 2
    assert str(ds.scatterers[0].values) == "Cu"
    assert str(ds.absorber.values) == "Cu"
    assert str(ds.feff_version.values) == "6.10"
    assert ds.sizes["k"] == 59
    assert float(ds.k[-1]) == 20.0
    assert float(ds.mag_feff.sel(k=1.0)[0]) == pytest.approx(0.25358)
    assert float(ds.mean_free_path.sel(k=20.0)[0]) == pytest.approx(46.332)
    assert ds.mag_feff.attrs["units"] == "angstrom"


def test_feo_paths_concatenate(exafs_dir):
    ds = ch.read_many([exafs_dir / "feff_feo01.dat", exafs_dir / "feff_feo02.dat"], dim="path")
    assert list(ds.scatterers.values) == ["O", "Fe"]
    np.testing.assert_allclose(ds.reff.values, [2.1387, 3.0246])
    assert ds.mag_feff.dims == ("path", "k")


def _variant(tmp_path, text, name="feff0001.dat", newline="\n"):
    p = tmp_path / name
    p.write_bytes(text.replace("\n", newline).encode("latin-1"))
    return p


@pytest.mark.parametrize("newline", ["\r\n", "\r"])
def test_line_ends(exafs_dir, tmp_path, newline):
    text = (exafs_dir / "feffcu01.dat").read_text("latin-1")
    ds = ch.read(_variant(tmp_path, text, newline=newline))
    assert float(ds.reff[0]) == pytest.approx(2.5478)
    assert ds.sizes["k"] == 59


def test_truncated_and_damaged_raise_read_error(exafs_dir, tmp_path):
    lines = (exafs_dir / "feffcu01.dat").read_text("latin-1").splitlines()
    cut = next(i for i, s in enumerate(lines) if "absorbing atom" in s)
    with pytest.raises(ch.ReadError, match="feff"):
        ch.read(_variant(tmp_path, "\n".join(lines[:cut + 1]) + "\n"), format="feffdat")
    damaged = list(lines)
    damaged[-5] = damaged[-5].replace("E", "Q", 1)
    with pytest.raises(ch.ReadError, match="line"):
        ch.read(_variant(tmp_path, "\n".join(damaged) + "\n", name="feff0002.dat"))
