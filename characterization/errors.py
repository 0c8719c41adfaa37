"""Exceptions raised by characterization.

Every error a user can provoke with bad input is one of these, with a message that names the file
(or variable), the position and what was expected. Deep library exceptions (IndexError,
UnicodeDecodeError, KeyError ...) are caught at the boundary and re-raised as one of these.
"""

from __future__ import annotations

import os


class CharacterizationError(Exception):
    """Base class of every error raised on purpose by this package."""


class ReadError(CharacterizationError, ValueError):
    """A file could not be read.

    Parameters
    ----------
    path : str or os.PathLike
        The file that failed.
    message : str
        What was wrong and what was expected.
    position : str, optional
        Where in the file (``"line 12"``, ``"byte 512"``, ``"sheet 'BET', row 4"``).
    """

    def __init__(self, path, message: str, position: str | None = None):
        self.path = os.fspath(path) if path is not None else None
        self.position = position
        self.reason = message
        where = f" at {position}" if position else ""
        super().__init__(f"{self.path}{where}: {message}")


class ConventionError(CharacterizationError, ValueError):
    """A Dataset does not follow the data conventions of its technique."""


class AnalysisError(CharacterizationError, ValueError):
    """An analysis cannot be done on the data given (wrong range, too few points, ...)."""
