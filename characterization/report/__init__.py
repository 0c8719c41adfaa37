"""The cross-technique sample report: a sample sheet in, one table of headline numbers out.

``characterization.report`` is both this package and a function: ``ch.report(sheet)`` calls
:func:`report`, and ``ch.report.read_sheet``, ``ch.report.long_table`` ... are the pieces.

>>> import characterization as ch
>>> table = ch.report("samples.csv")                     # doctest: +SKIP
>>> table[["sample", "quantity", "value", "stderr", "units"]]   # doctest: +SKIP

The package computes in memory and writes nothing; ``characterize report SHEET -o OUT`` (in
:mod:`characterization.cli.report`) writes the CSV, Markdown, HTML and LaTeX tables and the
figures.
"""

from __future__ import annotations

import sys
import types

from .formats import html, latex, latex_escape, markdown, value_text
from .recipes import DEFAULT_RECIPES, FIGURE_STEPS, QUANTITIES, Quantity, technique_key
from .run import FileRun, check_rows, run_file, run_sheet
from .sheet import SheetError, SheetRow, parse_sheet, read_sheet
from .table import LONG_COLUMNS, long_table, wide_table


def report(sheet, *, errors: str = "nan"):
    r"""Run every file of a sample sheet through its technique's recipe; return the table.

    Each row of the sheet (a file or glob, the sample, optional state, technique, recipe and
    options; see :mod:`characterization.report.sheet`) is read with
    :func:`characterization.read` and analysed with its technique's default recipe
    (:data:`DEFAULT_RECIPES`) or the recipe it names. The headline quantities
    (:data:`QUANTITIES`: crystallite size, I_D/I_G, L_a, BET area, pore volumes, average
    valence, W_e/W_p, H, E ...) are collected per sample and state.

    Pooling of several values of one sample and state: mean of the finite values
    :math:`\bar x = \frac1n\sum x_i` with the standard error of the mean
    :math:`s/\sqrt{n}`; a single value keeps the standard error of its fit.

    Parameters
    ----------
    sheet : path or list of SheetRow
        Sample-sheet CSV file (paths in it are relative to its folder), or parsed rows.
    errors : {"nan", "raise"}
        ``"nan"`` (default): a file that cannot be read or a step that fails is left out of
        the table (its quantities are absent or NaN) and listed in ``table.attrs["errors"]``.
        ``"raise"``: raise on the first such failure.

    Returns
    -------
    pandas.DataFrame
        The tidy table (:func:`long_table`): one row per sample, state, quantity and label with
        ``value``, ``stderr``, ``units``, ``n``, ``method``, ``settings`` and ``files``.
        ``attrs["errors"]`` lists the failures (dicts ``file, sample, state, stage, message,
        flagged``). :func:`wide_table` turns it into one row per sample.

    Raises
    ------
    SheetError
        The sheet is invalid (missing column, unknown option, unknown technique), checked
        before any file is read.

    Notes
    -----
    Assumptions: the default recipes suit the data (their settings are in the ``settings``
    column of every number); XRD needs the peak positions in a ``peaks`` column. Limitations:
    runs in this process, file after file (use ``characterize run`` for thousands of files);
    EXAFS has no default recipe yet.

    References
    ----------
    Wickham, H. (2014). Tidy data. J. Stat. Softw. 59(10), 1-23.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> import characterization as ch
    >>> from characterization.synthetic.sorption import isotherms   # doctest: +SKIP
    >>> ch.report("samples.csv").query("quantity == 'bet_area'")    # doctest: +SKIP
    """
    if errors not in ("nan", "raise"):
        raise ValueError(f"errors={errors!r}; use 'nan' or 'raise'")
    if isinstance(sheet, (list, tuple)):
        rows, source = list(sheet), "<sheet>"
    else:
        rows, source = read_sheet(sheet), str(sheet)
    runs, failures = run_sheet(rows, source=source)
    hard = [e for e in failures if not e["flagged"]]
    if errors == "raise" and hard:
        e = hard[0]
        raise RuntimeError(f"{e['file']}: {e['stage']}: {e['message']}")
    table = long_table(runs)
    table.attrs["errors"] = failures
    return table


class _CallableModule(types.ModuleType):
    """``characterization.report`` is this package and calls :func:`report`."""

    def __call__(self, sheet, **kwargs):
        return report(sheet, **kwargs)


sys.modules[__name__].__class__ = _CallableModule

__all__ = ["report", "read_sheet", "parse_sheet", "SheetError", "SheetRow", "run_sheet",
           "run_file", "check_rows", "FileRun", "long_table", "wide_table", "LONG_COLUMNS",
           "markdown", "html", "latex", "latex_escape", "value_text", "DEFAULT_RECIPES", "QUANTITIES", "FIGURE_STEPS",
           "Quantity", "technique_key"]
