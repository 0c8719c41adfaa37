"""Sample sheets: which files belong to which material, state and technique.

A sample sheet is a CSV file with one row per file or glob::

    file,sample,state,technique,recipe,peaks,region
    xrd/LaB6_*.raw,LaB6,,xrd,,"[21.36, 30.38, 37.44]",
    raman/DW38C_pos*.txt,DW38C,pristine,raman_carbon,,,
    xps/SnO2_10nm_1.pro,SnO2,,,,,"Si 2p"

Columns
-------
file
    Path or glob, relative to the sheet's folder (required).
sample
    Material name (required); rows of one sample form one row of the report (per state).
state
    Optional state of the material (``pristine``, ``lithiated`` ...).
technique
    Optional: a key of :data:`characterization.report.recipes.DEFAULT_RECIPES` (``xrd``,
    ``raman_carbon``, ``raman_silicon``, ``sorption``, ``xps_si2p``, ``nanoindent``, ``exafs``)
    or a reader technique (``raman`` picks carbon or silicon from the measured range). Empty:
    inferred from what the reader returns.
recipe
    Optional path of a ``characterize run`` recipe (relative to the sheet) used instead of the
    default recipe of the technique.
group
    Optional label under which samples are compared (default: the sample).
any other column
    An option: ``format``, ``region`` and ``record`` (a record of an Athena project: the
    reader's ``group=``) go to :func:`characterization.read`; any other name
    must be a parameter of a step of the row's recipe (``peaks``, ``window``, ``cycle`` ...) and
    is passed to every step that accepts it. Values are TOML literals (``[21.4, 30.4]``,
    ``0.5``, ``true``); anything else is a string.

Empty cells mean "not given". Lines starting with ``#`` are comments.
"""

from __future__ import annotations

import csv
import dataclasses
import glob
import tomllib
from pathlib import Path

#: Columns with a fixed meaning; every other column is an option.
COLUMNS = ("file", "sample", "state", "technique", "recipe", "group")
#: Options that go to :func:`characterization.read` rather than to an analysis step.
READ_OPTIONS = ("format", "region", "record")
#: Sheet option names that differ from the reader's keyword (``group`` is the sheet's own
#: comparison column, so an Athena project record is chosen with ``record``).
READ_KEYWORDS = {"record": "group"}


class SheetError(ValueError):
    """A sample sheet is not valid; the message names the sheet and the row."""


@dataclasses.dataclass
class SheetRow:
    """One row of a sample sheet, with its glob expanded.

    ``line`` is the row's line number in the CSV file (header = line 1), used in messages.
    """

    line: int
    pattern: str
    files: list
    sample: str
    state: str = ""
    technique: str = ""
    recipe: Path | None = None
    group: str = ""
    options: dict = dataclasses.field(default_factory=dict)

    @property
    def where(self) -> str:
        return f"row {self.line} ({self.pattern})"


def _value(text: str):
    """A TOML literal (number, list, boolean, inline table) or the text itself."""
    try:
        return tomllib.loads(f"v = {text}")["v"]
    except tomllib.TOMLDecodeError:
        return text


def _expand(pattern: str, base: Path) -> list[Path]:
    p = Path(pattern).expanduser()
    full = p if p.is_absolute() else base / p
    if glob.has_magic(str(full)):
        return sorted(Path(f) for f in glob.glob(str(full), recursive=True) if Path(f).is_file())
    return [full]


def parse_sheet(text: str, *, base=".", source: str = "<sheet>") -> list[SheetRow]:
    """Rows of a sample sheet given as CSV ``text``; paths are relative to folder ``base``.

    Raises
    ------
    SheetError
        A required column is missing, a row has no file or sample, or a row has more cells
        than the header. Globs that match nothing are *not* an error here (the report records
        them in ``errors.csv``).
    """
    base = Path(base)
    lines = [ln for ln in text.splitlines()]
    numbered = [(k + 1, ln) for k, ln in enumerate(lines)
                if ln.strip() and not ln.lstrip().startswith("#")]
    if not numbered:
        raise SheetError(f"{source}: empty sample sheet (a header line file,sample,... is needed)")
    reader = csv.reader([ln for _, ln in numbered], skipinitialspace=True)
    rows = list(reader)
    header = [h.strip() for h in rows[0]]
    for required in ("file", "sample"):
        if required not in header:
            raise SheetError(f"{source}: line {numbered[0][0]}: the header has no {required!r} "
                             f"column (found {header})")
    if len(set(header)) < len(header) or "" in header:
        raise SheetError(f"{source}: line {numbered[0][0]}: empty or repeated column names "
                         f"in {header}")
    out = []
    for (line, _), cells in zip(numbered[1:], rows[1:]):
        if len(cells) > len(header):
            raise SheetError(f"{source}: row {line}: {len(cells)} cells but {len(header)} "
                             "columns in the header")
        cell = {h: c.strip() for h, c in zip(header, cells)}
        pattern, sample = cell.get("file", ""), cell.get("sample", "")
        if not pattern:
            raise SheetError(f"{source}: row {line}: empty 'file' cell")
        if not sample:
            raise SheetError(f"{source}: row {line} ({pattern}): empty 'sample' cell")
        recipe = cell.get("recipe") or None
        options = {k: _value(v) for k, v in cell.items() if k not in COLUMNS and v != ""}
        out.append(SheetRow(line=line, pattern=pattern, files=_expand(pattern, base),
                            sample=sample, state=cell.get("state", ""),
                            technique=cell.get("technique", "").lower(),
                            recipe=None if recipe is None else base / recipe,
                            group=cell.get("group", "") or sample, options=options))
    if not out:
        raise SheetError(f"{source}: the sample sheet has a header but no rows")
    return out


def read_sheet(path) -> list[SheetRow]:
    """Read a sample sheet file (see the module docstring); paths are relative to its folder."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise SheetError(f"{p}: no such sample sheet") from None
    except UnicodeDecodeError as exc:
        raise SheetError(f"{p}: not UTF-8 text ({exc})") from None
    return parse_sheet(text, base=p.parent, source=str(p))
