"""Reader-variant corpus and mutation fuzz of the XPS readers.

Every variant of :mod:`variants_xps` reads to the same numbers as its shared original or
raises ReadError as declared; random byte mutations of the real files (fixed seed) read or
raise ReadError, never another exception.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

from characterization import ReadError
from conftest import SHARED_DATA

sys.path.insert(0, str(Path(__file__).resolve().parent))
import hostile_files as hf  # noqa: E402
from variant_reading import nodes, quiet_read  # noqa: E402
import variants_xps as vx  # noqa: E402

DATA = SHARED_DATA / "xps"
needs_data = pytest.mark.skipif(not DATA.is_dir(), reason=f"real XPS data absent: {DATA}")


def _same(a, b, where):
    na, nb = nodes(a), nodes(b)
    assert list(na) == list(nb), where
    for key in na:
        x, y = na[key], nb[key]
        for var in ("binding_energy", "intensity", "counts", "components", "transmission"):
            if var in x.variables or var in y.variables:
                np.testing.assert_array_equal(x[var].values, y[var].values,
                                              err_msg=f"{where} {key} {var}")
        for c in ("excitation_energy", "region", "dwell_time", "pass_energy", "scans"):
            if c in x.coords or c in y.coords:
                assert x[c].values == y[c].values, f"{where} {key} {c}"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    if not DATA.is_dir():
        pytest.skip(f"real XPS data absent: {DATA}")
    return vx.make(DATA, tmp_path_factory.mktemp("xps_variants"))


@needs_data
def test_corpus_covers_every_family(corpus):
    names = {v.name for v in corpus}
    assert {"crlf", "cr", "utf16", "utf8_bom", "latin1", "decimal_comma", "cut_60",
            "cut_inside_row", "cut_80", "semicolon_decimal_comma",
            "blank_lines_before"} <= names
    assert {v.source for v in corpus} == set(vx.SOURCES)


@needs_data
@pytest.mark.parametrize("source", sorted(vx.SOURCES))
def test_variants_read_the_same_or_raise_read_error(corpus, source):
    original = quiet_read(DATA / source)
    for v in (v for v in corpus if v.source == source):
        if v.expect == "ReadError":
            with pytest.raises(ReadError):
                quiet_read(v.path)
            continue
        if v.expect == "ReadError or NaN":
            try:
                got = quiet_read(v.path)
            except ReadError:
                continue
            assert np.isnan(got["intensity"].values[-1]), v.name
            continue
        try:
            got = quiet_read(v.path)
        except ReadError as exc:
            raise AssertionError(f"{v.name}: {exc}") from exc
        _same(original, got, f"{source} {v.name}")


@needs_data
def test_mutation_fuzz_reads_or_raises_read_error(tmp_path):
    def read_one(path):
        assert isinstance(quiet_read(path), (xr.Dataset, xr.DataTree))

    escaped = hf.escapes([DATA / s for s in vx.SOURCES], read_one, ReadError, tmp_path,
                         random.Random("fuzz-xps"), 240)
    assert not escaped, escaped
