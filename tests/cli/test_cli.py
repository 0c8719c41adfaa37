"""The characterize command: info, run (batch, errors table, resume) and demo."""

from __future__ import annotations

import csv
import hashlib
import subprocess
import sys
from pathlib import Path

import pytest

from characterization.cli import main
from characterization.cli.demos import sorption as sorption_demo
from characterization.cli.recipe import RecipeError, load_recipe


def _hash(folder: Path) -> dict:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()}


@pytest.fixture
def inputs(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    truth = sorption_demo.write_inputs(folder, small=True)
    (folder / "broken.csv").write_bytes(b"\x00\x01garbage\xff" * 10)
    return folder, truth


RECIPE = """
[read]
technique = "sorption"

[sorption.bet]
min_points = 5

[sorption.total_pore_volume]
p = 0.9

[output]
figures = true
"""


def _rows(path):
    with open(path, newline="") as fh:
        return list(csv.DictReader(fh))


def _store_of(out: Path, name: str, step: str) -> tuple[Path, str]:
    """(netCDF store holding ``step`` for input file ``name``, its sample key), via index.csv."""
    row = next(r for r in _rows(out / "index.csv") if Path(r["file"]).name == name)
    return out / "batches" / row["batch"] / f"{step}.nc", row["sample"]


def test_rerun_removes_partial_files_of_an_interrupted_run(tmp_path, inputs, capsys):
    """A run killed while writing leaves ``.<name>.XXXXXXXX.tmp`` files and batch folders (the
    rename never happens); the next run removes them and nothing else."""
    import tempfile

    folder, truth = inputs
    recipe = tmp_path / "recipe.toml"
    recipe.write_text(RECIPE)
    out = tmp_path / "out"
    main(["run", str(recipe), str(folder), "-o", str(out), "--no-progress"])
    store, _ = _store_of(out, sorted(truth)[0], "bet")
    result_dir = out / "figures"
    left = []
    for where, name in ((store.parent, "bet.nc"), (result_dir, "bet.png"),
                        (out, "summary.csv")):
        fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=where)
        with open(fd, "wb") as fh:
            fh.write(b"partial")
        left.append(Path(tmp))
    half_batch = Path(tempfile.mkdtemp(prefix=".b-4-0123456789.", suffix=".tmp",
                                       dir=out / "batches"))
    (half_batch / "bet.nc").write_bytes(b"partial")
    left.append(half_batch)
    keep = [result_dir / "notes.tmp", result_dir / ".hidden.tmp", out / ".bet.nc.short.tmp"]
    for p in keep:
        p.write_text("user file")
    capsys.readouterr()
    main(["run", str(recipe), str(folder), "-o", str(out), "--no-progress"])
    assert "removed 4 partial file(s)" in capsys.readouterr().out
    assert not any(p.exists() for p in left)
    assert all(p.read_text() == "user file" for p in keep)
    assert store.exists()


def test_run_batch_errors_table_and_resume(tmp_path, inputs, capsys):
    folder, truth = inputs
    recipe = tmp_path / "recipe.toml"
    recipe.write_text(RECIPE)
    out = tmp_path / "out"
    before = _hash(folder)
    code = main(["run", str(recipe), str(folder), "-o", str(out), "--no-progress"])
    assert code == 1  # one bad file
    errors = _rows(out / "errors.csv")
    assert [Path(e["file"]).name for e in errors] == ["broken.csv"]
    assert errors[0]["stage"] == "read" and "broken.csv" in errors[0]["message"]
    summary = _rows(out / "summary.csv")
    assert len(summary) == len(truth)
    for row in summary:
        name = Path(row["file"]).name
        area = float(row["bet.bet_area (m^2/g)"])
        assert area == pytest.approx(truth[name]["surface_area_m2_g"], rel=0.25)
        assert row["bet.success (1)"] == "True"
    good = sorted(truth)[0]
    store, key = _store_of(out, good, "bet")
    assert store.exists() and (out / "figures" / "bet.png").exists()
    assert not (out / "figures" / "bet").exists()  # one overview per step, not per file
    assert (store.parent / "total_pore_volume.nc").exists()
    assert not list(out.rglob("*.tmp"))
    assert _hash(folder) == before  # inputs never modified
    # the netCDF result reads back through the registry
    import characterization as ch

    res = ch.read(store).sel(sample=key)
    good_row = next(r for r in summary if Path(r["file"]).name == good)
    assert float(res.bet_area) == pytest.approx(float(good_row["bet.bet_area (m^2/g)"]))
    # re-run: complete inputs are skipped, outputs untouched
    mtime = store.stat().st_mtime_ns
    capsys.readouterr()
    code = main(["run", str(recipe), str(folder), "-o", str(out), "--no-progress"])
    assert code == 1
    assert f"{len(truth)} already complete" in capsys.readouterr().out
    assert store.stat().st_mtime_ns == mtime
    assert len(_rows(out / "summary.csv")) == len(truth)


def test_failing_step_is_recorded_and_other_steps_still_run(tmp_path, inputs):
    folder, truth = inputs
    recipe = tmp_path / "r.toml"
    recipe.write_text('[read]\ntechnique = "sorption"\n[sorption.total_pore_volume]\n'
                      'p = 0.999\nerrors = "raise"\n[sorption.bet]\n')
    out = tmp_path / "out"
    files = [str(p) for p in sorted(folder.glob("*_1.csv"))]
    assert main(["run", str(recipe), *files, "-o", str(out), "--no-progress"]) == 1
    errors = _rows(out / "errors.csv")
    assert {e["stage"] for e in errors} == {"sorption.total_pore_volume"}
    assert all("not extrapolated" in e["message"] for e in errors)
    index = {Path(r["file"]).name: r for r in _rows(out / "index.csv")}
    import xarray as xr

    for f in files:
        store, key = _store_of(out, Path(f).name, "bet")
        with xr.open_dataset(store) as res:
            assert key in res["sample"].values
        assert index[Path(f).name]["status"] == "failed"  # not complete: retried next run


def test_invalid_recipes_fail_before_any_input(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[sorption.bett]\n")
    with pytest.raises(RecipeError, match="no public function 'sorption.bett'"):
        load_recipe(bad)
    bad.write_text("[sorption.bet]\nmin_pts = 3\n")
    with pytest.raises(RecipeError, match="min_pts"):
        load_recipe(bad)
    bad.write_text("[nmr.fit]\n")
    with pytest.raises(RecipeError, match="not a technique namespace"):
        load_recipe(bad)
    bad.write_text("[sorption.bet\n")
    with pytest.raises(RecipeError, match="not valid TOML"):
        load_recipe(bad)
    assert main(["run", str(bad), str(tmp_path), "-o", str(tmp_path / "o")]) == 2


def test_info(tmp_path, inputs, capsys):
    folder, truth = inputs
    good = folder / sorted(truth)[0]
    assert main(["info", str(good)]) == 0
    out = capsys.readouterr().out
    assert "technique   : sorption" in out and "relative_pressure" in out and "mmol/g" in out
    assert main(["info", str(folder / "broken.csv")]) == 1
    assert "ERROR" in capsys.readouterr().out


def test_demo_small(tmp_path):
    out = tmp_path / "demo"
    proc = subprocess.run([sys.executable, "-m", "characterization", "demo", str(out),
                           "--small"], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    assert "S_BET" in proc.stdout and "D1/G" in proc.stdout
    assert (out / "summary.csv").exists()
    pngs = list(out.rglob("*.png"))
    assert len(pngs) >= 4
    for demo in ("peaks", "sorption"):
        assert _rows(out / demo / "errors.csv") == []
        assert (out / demo / "overview.png").exists()


def test_steps_can_chain_on_earlier_results(tmp_path, inputs):
    folder, truth = inputs
    recipe = tmp_path / "chain.toml"
    recipe.write_text('[read]\ntechnique = "sorption"\n[sorption.bet]\n'
                      '[sorption.tplot]\ninput = "bet"\n')
    # tplot on a BET result is not an isotherm: the failure is recorded per file, not fatal
    out = tmp_path / "out"
    files = [str(p) for p in sorted(folder.glob("*_1.csv"))]
    assert main(["run", str(recipe), *files, "-o", str(out), "--no-progress"]) == 1
    errors = _rows(out / "errors.csv")
    assert {e["stage"] for e in errors} == {"sorption.tplot"}
    recipe.write_text('[sorption.tplot]\ninput = "bet"\n[sorption.bet]\n')
    with pytest.raises(RecipeError, match="not an earlier step"):
        load_recipe(recipe)


def test_analysis_warnings_go_to_the_summary(tmp_path, inputs, capsys):
    folder, truth = inputs
    recipe = tmp_path / "w.toml"
    recipe.write_text('[read]\ntechnique = "sorption"\n[sorption.total_pore_volume]\np = 0.999\n')
    out = tmp_path / "out"
    files = [str(p) for p in sorted(folder.glob("*_1.csv"))]
    assert main(["run", str(recipe), *files, "-o", str(out), "--no-progress"]) == 0
    captured = capsys.readouterr()
    assert "UserWarning" not in captured.err
    rows = _rows(out / "summary.csv")
    assert all("not extrapolated" in r["total_pore_volume.warnings"] for r in rows)
