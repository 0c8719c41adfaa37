"""The fast sniff of delimited text (line shapes) and the run's file keys."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from characterization.cli.run import file_keys
from characterization.io import _text_layout as tl

LINES = ["1.5\t2.5\n", "1,5\t2,5\n", "1.5;2.5\n", "1,5;2,5\n", "1.5,2.5\n", "  1 2 3 \n",
         "-1.0e-3 +2E+4\n", "nan\t1\n", "inf 2\n", "1.2.3 4\n", "12:30 5\n", "a 1\n",
         "1\t\t2\n", "1,\n", "\"1.5\",\"2\"\n", ".5 5.\n", "0x10 1\n", "1_000 2\n",
         "١٢ 3\n", "1e 2\n", "1.5\t2,5\n", "# 1 2\n", "1 2 x\n", "1;2;;\n"]


@pytest.mark.parametrize("line", LINES)
def test_shape_cache_equals_the_line_by_line_width(line):
    cache = tl._WidthCache()
    for dialect in tl._AUTO_DIALECTS:
        assert cache(line, dialect) == tl._numeric_width(line, dialect), dialect


def test_detect_on_a_mixed_file_is_unchanged(tmp_path):
    lines = (["# comment 1 2\n", "Laser: 514 nm\n", "x\ty\n"]
             + [f"{v:.3f}\t{2 * v:.1f}\n" for v in np.linspace(-5, 5, 400)])
    layout = tl.detect(tmp_path / "f.txt", lines, 0, None, None)
    assert (layout.delimiter, layout.decimal, layout.start, layout.stop, layout.ncols) == (
        "\t", ".", 3, 403, 2)
    assert layout.header == [2]


def test_file_keys_are_stems_made_unique(tmp_path):
    files = [tmp_path / "run1" / "a.txt", tmp_path / "run2" / "a.txt",
             tmp_path / "run1" / "b.xy.gz", tmp_path / "run1" / "b.xy.gz"]
    assert file_keys(files) == ["run1/a", "run2/a", "run1/b", "run1/b#2"]
    assert file_keys([Path("x/LaB6_01.xrdml.gz"), Path("x/c.txt")]) == ["LaB6_01", "c"]


@pytest.mark.parametrize("block,delimiter", [
    ("1.5\t2\t\n3\t4\t\n", "\t"), ("1,2\n,4\n", ","), ('"1",2\n3,4\n', ","),
    ("1 2\n3\n", tl._WS), ("1_000 2\n3 4\n", tl._WS), ("0x1;2\n3;4\n", ";")])
def test_numpy_path_declines_what_it_cannot_read_exactly(block, delimiter):
    layout = tl.Layout(delimiter, ".", 0, 2, 2)
    assert tl._parse_numpy(block, layout) is None


def test_numpy_path_equals_the_pandas_path_on_a_plain_export(tmp_path):
    rng = np.random.default_rng(1)
    data = np.column_stack([np.linspace(100, 3200, 1000), rng.normal(1000, 30, 1000)])
    lines = ["# header\n", "x\ty\n"] + [f"{a:.4f}\t{b:.3e}\n" for a, b in data]
    text = "".join(lines)
    layout = tl.detect(tmp_path / "f.txt", lines, 0, None, None)
    fast = tl.parse_fast(tmp_path / "f.txt", text, lines, layout)
    slow = tl.parse_slow(tmp_path / "f.txt", lines, layout)
    assert fast.shape == (1000, 2)
    np.testing.assert_array_equal(fast, slow)
    np.testing.assert_array_equal(fast, tl._parse_numpy("".join(lines[2:]), layout))
