"""Snapshots of the TUI on the seed article with the fixed layer (never detector output).

Update the baselines with ``pytest tests/snapshots --snapshot-update`` after a deliberate
change of the look, and review the SVGs in ``__snapshots__``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from seedproject import build_project, open_project

from annotations.store.project import Project
from tui.app import SaywhoApp


@pytest.fixture
def project(tmp_path: Path) -> Iterator[Project]:
    """The seed project, opened for the fixed annotator."""
    with open_project(build_project(tmp_path / "p")) as project:
        yield project


@pytest.fixture
def library_project(tmp_path: Path) -> Iterator[Project]:
    """Three documents, so the app starts on the library."""
    with open_project(build_project(tmp_path / "p", extra_docs=2)) as project:
        yield project


def test_reader_80x24(snap_compare, project):
    assert snap_compare(SaywhoApp(project), terminal_size=(80, 24), press=["n"])


def test_reader_160x48(snap_compare, project):
    assert snap_compare(SaywhoApp(project), terminal_size=(160, 48), press=["n", "n"])


def test_reader_stance_colours(snap_compare, project):
    assert snap_compare(SaywhoApp(project), terminal_size=(100, 30), press=["c"])


def test_library(snap_compare, library_project):
    assert snap_compare(SaywhoApp(library_project), terminal_size=(100, 24))


def test_help(snap_compare, project):
    assert snap_compare(SaywhoApp(project), terminal_size=(100, 40), press=["question_mark"])


def test_review_queue(snap_compare, project):
    assert snap_compare(SaywhoApp(project), terminal_size=(100, 30), press=["v"])


def test_speaker_picker(snap_compare, project):
    assert snap_compare(SaywhoApp(project), terminal_size=(100, 30), press=["s", "k", "e"])
