"""Test modules have unique basenames: pytest imports them by basename (rootdir mode, no
``__init__.py``), so two ``test_background.py`` in different folders break collection."""

from collections import Counter
from pathlib import Path


def test_test_module_basenames_are_unique():
    names = Counter(p.name for p in Path(__file__).parent.rglob("*.py")
                    if p.name != "__init__.py" and p.name != "conftest.py")
    assert not [n for n, k in names.items() if k > 1]
