"""Recipe arguments naming data (cli/_arguments): FEFF paths from a structure, files read and
put through the recipe's steps; checks before any input is read; same numbers as direct calls."""

from __future__ import annotations

import csv
import tomllib

import numpy as np
import pytest
import xarray as xr
from conftest import shared_data

import characterization as ch
from characterization.cli.recipe import RecipeError, load_recipe, parse_recipe
from characterization.cli.run import run_recipe

NORMALIZE = """
[read]
technique = "exafs"

[exafs.normalize]
pre_range = [-150, -30]
post_range = [50, 700]
"""

LCF = NORMALIZE + """
[exafs.fit_lcf]
input = "normalize"
reference = { files = { "Sn metal" = "metal.csv", LiSn = "lisn.csv" }, steps = ["normalize"] }
"""

#: true weight of the "Sn metal" reference in each mixture
METAL = (0.3, 0.65)


def _write(path, energy, mu):
    lines = ["energy (eV),mu"] + [f"{e:.3f},{m:.7f}" for e, m in zip(energy, mu)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.fixture
def lcf_folder(tmp_path):
    """Two references (metal with EXAFS, a shifted smooth edge) and two exact mixtures."""
    from characterization.synthetic import xas_spectra

    metal = xas_spectra(1, edge_shape="erf", edge_width=2.5, noise=0, reference=False, seed=1)
    lisn = xas_spectra(1, edge_shape="arctan", edge_width=4.0, shells=[(1.0, 2.9, 0.02)],
                       energy_shift=-1.5, noise=0, reference=False, seed=2)
    e = metal.energy.values
    m, li = metal.mu[0].values, lisn.mu[0].values
    _write(tmp_path / "metal.csv", e, m)
    _write(tmp_path / "lisn.csv", e, li)
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    for i, x in enumerate(METAL):
        _write(inputs / f"mix{i}.csv", e, x * m + (1 - x) * li)
    return tmp_path


def _recipe(folder, text):
    path = folder / "recipe.toml"
    path.write_text(text, encoding="utf-8")
    return load_recipe(path)


def test_reference_files_are_read_and_normalised_like_the_inputs(lcf_folder):
    recipe = _recipe(lcf_folder, LCF)
    ref = recipe.steps[1].args["reference"]
    assert ref.component.values.tolist() == ["Sn metal", "LiSn"]
    direct = ch.exafs.normalize(ch.read(lcf_folder / "lisn.csv", technique="exafs"),
                                pre_range=(-150, -30), post_range=(50, 700))
    np.testing.assert_allclose(ref.norm.sel(component="LiSn").values, direct.norm.values,
                               rtol=0, atol=1e-12)


def test_lcf_run_gives_the_direct_numbers_and_the_true_weights(lcf_folder):
    recipe = _recipe(lcf_folder, LCF)
    files = sorted((lcf_folder / "inputs").iterdir())
    report = run_recipe(recipe, files, lcf_folder / "out", progress=False)
    assert report.n_failed_files == 0
    rows = list(csv.DictReader(open(lcf_folder / "out" / "summary.csv", encoding="utf-8")))
    data = ch.exafs.normalize(ch.read_many(files, technique="exafs"), pre_range=(-150, -30),
                              post_range=(50, 700))
    ref = ch.exafs.normalize(
        xr.concat([ch.read(lcf_folder / f, technique="exafs") for f in ("metal.csv", "lisn.csv")],
                  dim="component", coords="different", compat="equals"),
        pre_range=(-150, -30), post_range=(50, 700)).assign_coords(
            component=["Sn metal", "LiSn"])
    direct = ch.exafs.fit_lcf(data, reference=ref)
    for i, row in enumerate(sorted(rows, key=lambda r: r["file"])):
        got = [float(v) for k, v in row.items() if k.startswith("fit_lcf.weight[")]
        assert len(got) == 2
        np.testing.assert_allclose(got, direct.weight[i].values, rtol=1e-9)
        # exact mixtures of μ with equal edge steps: the weights are the mixing fractions
        np.testing.assert_allclose(got, [METAL[i], 1 - METAL[i]], atol=0.01)


def test_feff_paths_from_a_builtin_structure():
    text = NORMALIZE + """
[exafs.subtract_background]
input = "normalize"

[exafs.fit_shells]
input = "subtract_background"
paths = { structure = "beta-Sn", absorber = "Sn", radius = 3.3 }
"""
    recipe = parse_recipe(tomllib.loads(text), text=text)
    paths = recipe.steps[2].args["paths"]
    direct = ch.exafs.feff_paths("beta-Sn", absorber="Sn", radius=3.3)
    np.testing.assert_array_equal(paths.reff.values, direct.reff.values)
    np.testing.assert_allclose(paths.reff.values[:2], [3.02, 3.18], atol=0.01)


def test_feff_path_files_are_read_along_path(tmp_path):
    folder = shared_data("exafs") / "xraylarch"
    names = ["feff_feo01.dat", "feff_feo02.dat"]
    text = NORMALIZE + f"""
[exafs.subtract_background]
input = "normalize"

[exafs.fit_shells]
input = "subtract_background"
paths = {{ files = {names!r} }}
""".replace("'", '"')
    recipe = parse_recipe(tomllib.loads(text), text=text, base=folder)
    paths = recipe.steps[2].args["paths"]
    assert paths.sizes["path"] == 2
    direct = ch.read_many([folder / n for n in names], dim="path")
    np.testing.assert_array_equal(paths.reff.values, direct.reff.values)


@pytest.mark.parametrize("table, message", [
    ('{ files = ["nothere.csv"] }', "no such file 'nothere.csv'"),
    ('{ structure = "beta-Sn", files = ["a.csv"] }', "exactly one of"),
    ('{ files = ["metal.csv"], colour = "red" }', "unknown keys ['colour']"),
    ('{ files = { a = "metal.csv" }, steps = ["fit_lcf"] }', "must list earlier recipe steps"),
    ('"metal.csv"', "must name data with a table"),
    ('{ files = [] }', "files is empty"),
])
def test_bad_data_tables_name_the_section(lcf_folder, table, message):
    text = NORMALIZE + f"""
[exafs.fit_lcf]
input = "normalize"
reference = {table}
"""
    with pytest.raises(RecipeError) as err:
        _recipe(lcf_folder, text)
    assert "[exafs.fit_lcf] reference" in str(err.value)
    assert message in str(err.value)


def test_a_failing_resolution_is_a_recipe_error(tmp_path):
    text = NORMALIZE + """
[exafs.subtract_background]
input = "normalize"

[exafs.fit_shells]
input = "subtract_background"
paths = { structure = "unobtainium", absorber = "Sn" }
"""
    with pytest.raises(RecipeError, match=r"\[exafs.fit_shells\] paths: AnalysisError"):
        parse_recipe(tomllib.loads(text), text=text, base=tmp_path)


def test_an_edited_reference_changes_the_digest(lcf_folder):
    first = _recipe(lcf_folder, LCF).digest
    assert _recipe(lcf_folder, LCF).digest == first
    path = lcf_folder / "lisn.csv"
    path.write_text(path.read_text().replace("e", "e", 1) + "\n", encoding="utf-8")
    assert _recipe(lcf_folder, LCF).digest != first


def test_feff_paths_from_a_cif_next_to_the_recipe(tmp_path):
    from pymatgen.io.cif import CifWriter

    from characterization.exafs import structures

    CifWriter(structures.BUILTIN["beta-sn"]()).write_file(tmp_path / "bsn.cif")
    text = NORMALIZE + """
[exafs.subtract_background]
input = "normalize"

[exafs.fit_shells]
input = "subtract_background"
paths = { cif = "bsn.cif", absorber = "Sn", radius = 3.3 }
"""
    path = tmp_path / "recipe.toml"
    path.write_text(text, encoding="utf-8")
    # parse_recipe with source= a recipe file resolves names next to it (as cli/figure does)
    recipe = parse_recipe(tomllib.loads(text), text=text, source=str(path))
    paths = recipe.steps[2].args["paths"]
    np.testing.assert_allclose(paths.reff.values, [3.0225, 3.1819], atol=1e-3)
    np.testing.assert_array_equal(paths.degeneracy.values, [4, 2])
