"""Reader-variant corpus and mutation fuzz of the EXAFS readers.

Every variant of :mod:`variants_exafs` reads to the same numbers as its shared original
(rtol 1e-9) or raises ReadError as declared; random byte mutations of the real files (fixed
seed) read or raise ReadError, never another exception.
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
import variants_exafs as vx  # noqa: E402

DATA = SHARED_DATA / "exafs"
needs_data = pytest.mark.skipif(not DATA.is_dir(), reason=f"real EXAFS data absent: {DATA}")
_VARS = ("mu", "i0", "itrans", "ifluor", "irefer", "stddev", "chi", "signal")
_COORDS = ("edge", "absorber", "edge_energy", "measurement", "stored_e0", "stored_edge_step",
           "energy_shift", "label")


def _same(a, b, where):
    na, nb = nodes(a), nodes(b)
    assert list(na) == list(nb), where
    for key in na:
        x, y = na[key], nb[key]
        assert set(x.data_vars) == set(y.data_vars), f"{where} {key}"
        for var in ("energy", "k", *_VARS):
            if var in x.variables or var in y.variables:
                np.testing.assert_allclose(y[var].values, x[var].values, rtol=1e-9, atol=0,
                                           err_msg=f"{where} {key} {var}")
        for c in _COORDS:
            if c in x.coords or c in y.coords:
                assert x[c].values == y[c].values, f"{where} {key} {c}"
        if "stored_processing" in x.attrs:
            assert x.attrs["stored_processing"] == y.attrs["stored_processing"], where


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    if not DATA.is_dir():
        pytest.skip(f"real EXAFS data absent: {DATA}")
    return vx.make(DATA, tmp_path_factory.mktemp("exafs_variants"))


@needs_data
def test_corpus_covers_every_family(corpus):
    names = {v.name for v in corpus}
    assert {"crlf", "cr", "utf16", "utf8_bom", "latin1", "decimal_comma", "gzip",
            "extra_header_rows", "renamed_columns", "no_names_line", "no_column_fields",
            "cut_inside_row", "words_in_data", "binary_garbage", "plain", "cut_gzip_60",
            "cut_text_60", "cut_before_closing"} <= names
    assert {v.source for v in corpus} == set(vx.SOURCES)


@needs_data
@pytest.mark.parametrize("source", sorted(vx.SOURCES))
def test_variants_read_the_same_or_raise_read_error(corpus, source):
    options = vx.OPTIONS.get(source, {})
    original = quiet_read(DATA / source, **options)
    for v in (v for v in corpus if v.source == source):
        if v.expect == "ReadError":
            with pytest.raises(ReadError):
                quiet_read(v.path, **options, **v.options)
            continue
        try:
            got = quiet_read(v.path, **options, **v.options)
        except ReadError as exc:
            raise AssertionError(f"{v.name}: {exc}") from exc
        _same(original, got, f"{source} {v.name}")


@needs_data
def test_mutation_fuzz_reads_or_raises_read_error(tmp_path):
    def read_one(path):
        assert isinstance(quiet_read(path), (xr.Dataset, xr.DataTree))

    escaped = hf.escapes([DATA / s for s in vx.SOURCES], read_one, ReadError, tmp_path,
                         random.Random("fuzz-exafs"), 240)
    assert not escaped, escaped
