"""Reader-variant corpus: every sorption format family, transformed the way other labs' software
and locales export it, must read to the same numbers as the shared original, or raise
``ReadError`` where the transformation makes the file genuinely unreadable.

The variants are generated in ``tmp_path`` by :mod:`variants_sorption` from the real files of
``shared/data/sorption`` (see its docstring for what each family covers); the tests skip when
that folder is absent.
"""

from __future__ import annotations

import json
import math
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest

import characterization as ch
from conftest import SHARED_DATA
from characterization import ReadError

sys.path.insert(0, str(Path(__file__).resolve().parent))
import variants_sorption as vs  # noqa: E402

DATA = SHARED_DATA / "sorption"
AFP = DATA / "adsorption-file-parser"

needs_data = pytest.mark.skipif(not DATA.is_dir(), reason=f"real sorption data absent: {DATA}")


def _read(path, **options):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ch.read(path, **options)


def _norm_key(k: str) -> str:
    return str(k).replace(",", "").replace(".", "")


def _report_numbers(obj, prefix=""):
    """Flatten a report to ``{path: value}`` (free ``text`` dropped, number-bearing keys
    normalised so a decimal-comma label matches its decimal-point original)."""
    out = {}
    if isinstance(obj, dict):
        for k, v in obj.items():
            if k == "text":
                continue
            out.update(_report_numbers(v, f"{prefix}/{_norm_key(k)}"))
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            out.update(_report_numbers(v, f"{prefix}[{i}]"))
    elif isinstance(obj, str):
        out[prefix] = _norm_key(obj)
    else:
        out[prefix] = obj
    return out


def assert_same(original, variant, *, report=True):
    """Same points, branches, pressures, sample metadata and report numbers."""
    for name in ("relative_pressure", "amount"):
        np.testing.assert_array_equal(variant[name].values, original[name].values, err_msg=name)
    np.testing.assert_array_equal(variant.branch.values, original.branch.values)
    for name in ("pressure", "saturation_pressure"):
        assert (name in variant.coords) == (name in original.coords), name
        if name in original.coords:
            np.testing.assert_array_equal(variant[name].values, original[name].values)
    for name in ("temperature", "adsorbate", "sample_mass", "sample"):
        assert (name in variant.coords) == (name in original.coords), name
        if name in original.coords:
            assert variant[name].item() == original[name].item(), name
    assert variant.amount.attrs["original_units"] == original.amount.attrs["original_units"]
    if report:
        a = _report_numbers(json.loads(original.attrs["original_metadata"]).get("report", {}))
        b = _report_numbers(json.loads(variant.attrs["original_metadata"]).get("report", {}))
        assert sorted(set(a) ^ set(b)) == []
        bad = {k: (a[k], b[k]) for k in a if a[k] != b[k] and not (
            isinstance(a[k], float) and isinstance(b[k], float) and math.isnan(a[k])
            and math.isnan(b[k]))}
        assert bad == {}


def check_variants(variants, original, *, report=True):
    """Read every variant; collect every failure so one run shows them all."""
    failures = []
    for v in variants:
        try:
            if v.expect == "ReadError":
                with pytest.raises(ReadError):
                    _read(v.path, **v.options)
                continue
            ds = _read(v.path, **v.options)
            assert_same(original, ds, report=report)
            assert ds.attrs["reader"] == original.attrs["reader"]
        except BaseException as exc:  # noqa: BLE001 - collected and reported below
            if isinstance(exc, KeyboardInterrupt):
                raise
            failures.append(f"{v.id}: {type(exc).__name__}: {str(exc)[:400]}")
    assert not failures, "\n".join(failures)


# =============================================================================================
# one test per format family and source file
# =============================================================================================

@needs_data
@pytest.mark.parametrize("name", ["MOF-5.csv", "EXP_ZIF-8powder.csv", "NU-1000.csv"])
def test_csv_variants(tmp_path, name):
    src = DATA / "betsi" / name
    check_variants(vs.csv_variants(src, tmp_path), _read(src), report=False)


@needs_data
@pytest.mark.parametrize("name", ["DUT-49_N2_77K.DAT", "DUT-67-N2_77K.DAT"])
def test_bel_dat_variants(tmp_path, name):
    src = AFP / "bel" / name
    check_variants(vs.bel_dat_variants(src, tmp_path), _read(src), report=False)


@needs_data
def test_bel_csv_variants(tmp_path):
    src = AFP / "bel" / "DUT-32-N2_77K(BelMax).csv"
    check_variants(vs.bel_csv_variants(src, tmp_path), _read(src), report=False)


@needs_data
@pytest.mark.parametrize("name", ["DUT-6_LP_N2 (Raw Analysis Data).txt",
                                  "DUT-75_N2 (Raw Analysis Data).txt"])
def test_quantachrome_variants(tmp_path, name):
    src = AFP / "qnt" / name
    check_variants(vs.quantachrome_variants(src, tmp_path), _read(src), report=False)


@needs_data
@pytest.mark.parametrize("name", ["NaY N2 77K.json", "MCM-41 N2 77K.json"])
def test_pygaps_json_variants(tmp_path, name):
    src = DATA / "pygaps" / name
    check_variants(vs.pygaps_json_variants(src, tmp_path), _read(src), report=False)


@needs_data
def test_aif_variants(tmp_path):
    bel = _read(AFP / "bel" / "DUT-49_N2_77K.DAT")
    src = tmp_path / "DUT-49.aif"
    src.write_text(vs.aif_text(bel), encoding="utf-8")
    original = _read(src)
    # the AIF written from the BEL file holds the BEL numbers (kPa, mmol/g written with repr)
    np.testing.assert_array_equal(original.amount.values, bel.amount.values)
    np.testing.assert_array_equal(original.pressure.values, bel.pressure.values)
    check_variants(vs.aif_variants(src, tmp_path / "variants"), original, report=False)


@needs_data
@pytest.mark.parametrize("sample", list("ADEHL"))
def test_micromeritics_variants(tmp_path, sample):
    src = AFP / "mic" / f"Sample_{sample}.xls"
    check_variants(vs.micromeritics_variants(src, tmp_path), _read(src))


@needs_data
def test_threep_variants(tmp_path):
    src = DATA / "pygaps" / "MOF_N2_77K.xlsx"
    check_variants(vs.threep_variants(src, tmp_path), _read(src, temperature=77.35))


# =============================================================================================
# the generator itself (a test that cannot fail is a defect: check the variants differ)
# =============================================================================================

def test_separator_swaps():
    assert vs.swap_separators("1,591.6081 m²/g") == "1.591,6081 m²/g"
    assert vs.swap_separators("0.1013 g at P/Po = 0.298722410:") == \
        "0,1013 g at P/Po = 0,298722410:"
    assert vs.swap_separators("less than 3,841.792 Å") == "less than 3.841,792 Å"
    assert vs.swap_separators("09.02.2021 3Flex 5.02") == "09.02.2021 3Flex 5,02"
    assert vs.comma_decimals("6.9822E-4\t102.37\t31") == "6,9822E-4\t102,37\t31"


@needs_data
def test_variants_really_differ(tmp_path):
    src = AFP / "mic" / "Sample_L.xls"
    made = {v.name: v.path.read_bytes() for v in vs.micromeritics_variants(src, tmp_path)}
    assert len(set(made.values())) == len(made)
    assert "Isotherm Tabular".encode("utf-16-le") in made["utf16_text"]
    assert b"Isotherm Tabular" not in made["utf16_text"]
    csv = {v.name: v.path.read_bytes() for v in vs.csv_variants(DATA / "betsi" / "MOF-5.csv",
                                                                  tmp_path / "csv")}
    assert csv["utf16_bom"].startswith(b"\xff\xfe") and b"\r" not in csv["lf"]
    assert b"\n" not in csv["cr"] and b";" in csv["semicolon_decimal_comma"]
