"""What opening the TUI loads: the startup ratio against a bare Textual app sits at its bar
(``bench/tui.py``), so the app's import leaves out what only a command, a screen or a key
needs: the learners (numpy, scikit-learn), fuzzy matching, the readers and writers of files
and their libraries, statistics and agreement. A module added to that path by a plain import
fails here, by name, where the bench would only show a slower start."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import REPO

LATER = ("numpy", "scipy", "sklearn", "rapidfuzz", "krippendorff", "bs4", "docx", "striprtf",
         "lxml", "annotations.formats", "annotations.detect.rules", "annotations.stance.model",
         "annotations.learn.fit", "annotations.agreement", "annotations.stats")


@pytest.fixture(scope="module")
def loaded() -> set[str]:
    """The modules ``import tui.app`` loads, in a fresh interpreter."""
    code = "import sys, tui.app; print('\\n'.join(sorted(sys.modules)))"
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=60, cwd=REPO, check=True)
    return set(run.stdout.split())


@pytest.mark.parametrize("module", LATER)
def test_opening_the_app_leaves_out(loaded: set[str], module: str) -> None:
    assert not {m for m in loaded if m == module or m.startswith(module + ".")}


def test_the_check_sees_what_the_app_loads(loaded: set[str]) -> None:
    assert {"tui.app", "textual", "annotations.session"} <= loaded
