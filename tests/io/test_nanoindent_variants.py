"""Reader-variant corpus of the nanoindentation readers (tests/io/variants_nanoindent.py)."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

from characterization import read
from characterization.errors import ReadError
from conftest import SHARED_DATA

sys.path.insert(0, str(Path(__file__).parent))
import variants_nanoindent as vn  # noqa: E402

DATA = SHARED_DATA / "nanoindent"
needs_data = pytest.mark.skipif(not DATA.is_dir(), reason=f"real data absent: {DATA}")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return vn.make(DATA, tmp_path_factory.mktemp("nanoindent_variants"))


def _same(a, b, what):
    assert a.sizes == b.sizes, what
    for name in ("load", "displacement", "time"):
        np.testing.assert_array_equal(a[name].values, b[name].values, err_msg=f"{what} {name}")
    assert (a["segment"].values == b["segment"].values).all(), what
    for name in a.data_vars:
        if name.startswith("vendor_"):
            np.testing.assert_array_equal(a[name].values, b[name].values,
                                          err_msg=f"{what} {name}")


@needs_data
def test_corpus_covers_every_family(corpus):
    names = {v.name for v in corpus}
    assert {"lf", "crlf", "cr", "latin1", "utf8", "utf8_bom", "utf16", "decimal_comma",
            "note_row", "cut_inside_row", "cut_at_line_end", "renamed_sheets", "note_rows",
            "utf16_text", "decimal_comma_text", "cut_50", "cut_70", "cut_60",
            "lf_members"} <= names
    assert {v.source for v in corpus} == set(vn.SOURCES)


@needs_data
@pytest.mark.parametrize("source", sorted(vn.SOURCES))
def test_variants_read_the_same_or_raise_read_error(corpus, source):
    original = read(DATA / source)
    for v in (v for v in corpus if v.source == source):
        if v.expect == "ReadError":
            with pytest.raises(ReadError):
                read(v.path)
            continue
        try:
            got = read(v.path)
        except ReadError as exc:
            raise AssertionError(f"{v.name}: {exc}") from exc
        _same(original, got, f"{source} {v.name}")


@needs_data
def test_mutation_fuzz_reads_or_raises_read_error(tmp_path):
    """Damaged copies (bit flips, cuts, insertions, header corruption, line-end swaps) of one
    file per format give a Dataset or a ReadError, never another exception."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import random

    import hostile_files as hf
    seeds = [DATA / s for s in ("micromechanics/examples/Hysitron/RobinSteel0000LC.txt",
                                "nanodent/tests/data/experiment_a.hld",
                                "micromechanics/examples/Agilent/Popin.xls",
                                "micromechanics/examples/Micromaterials/multipleIndentations.zip",
                                "indentationGUI/micromechanics_indentationGUI/Examples/Example2/"
                                "Tungsten_FrameStiffness.xlsx")]
    def read_one(path):
        assert read(path)["load"].attrs["units"] == "mN"

    escaped = hf.escapes(seeds, read_one, ReadError, tmp_path, random.Random("fuzz-nanoindent"),
                         60)
    assert not escaped, "\n".join(escaped)
