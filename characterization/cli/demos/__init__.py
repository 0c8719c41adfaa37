"""Technique demos for ``characterize demo``.

Each module provides ``TITLE``, ``RECIPE`` (TOML text), ``write_inputs(folder, small) -> truth``
(writes synthetic exports, returns the ground truth as plain JSON-able data),
``report(summary_rows, truth) -> list[str]`` (lines comparing recovered and true values) and
optionally ``overview_figure(files, folder) -> Figure``.
"""
