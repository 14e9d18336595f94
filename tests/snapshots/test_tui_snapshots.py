"""Snapshots of the TUI on the seed article with the fixed layer (never detector output).

The reader, the library, the review queue and adjudication are each taken at the three sizes
researchers work at: 80x24 (a laptop over SSH), 160x48 and 200x60 (a wide monitor).

Update the baselines with ``pytest tests/snapshots --snapshot-update`` after a deliberate
change of the look, and review the SVGs in ``__snapshots__``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from seedproject import DOC_ID, build_project, fixed_layer, open_project, seed_text

from annotations.model import Layer
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


SIZES = [(80, 24), (160, 48), (200, 60)]
SIZE_IDS = ["80x24", "160x48", "200x60"]


@pytest.fixture
def two_layer_project(tmp_path: Path) -> Iterator[Project]:
    """The seed project with two annotators' layers that differ on two quotes."""
    folder = build_project(tmp_path / "p")
    base = fixed_layer(seed_text())
    ana, bo = dict(base.quotes), dict(base.quotes)
    ana["q1"] = replace(ana["q1"], stance="support")
    bo["q1"] = replace(bo["q1"], stance="oppose")
    del bo["q5"]
    with open_project(folder) as project:
        project.put_layer(DOC_ID, Layer("ana", ana, base.speakers))
        project.put_layer(DOC_ID, Layer("bo", bo, base.speakers))
        yield project


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_reader(snap_compare, project, size):
    assert snap_compare(SaywhoApp(project), terminal_size=size, press=["n", "n"])


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_library_sizes(snap_compare, library_project, size):
    assert snap_compare(SaywhoApp(library_project), terminal_size=size)


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_review_sizes(snap_compare, project, size):
    assert snap_compare(SaywhoApp(project), terminal_size=size, press=["v"])


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_adjudication(snap_compare, two_layer_project, size):
    assert snap_compare(SaywhoApp(two_layer_project), terminal_size=size, press=["J"])


def test_reader_stance_colours(snap_compare, project):
    assert snap_compare(SaywhoApp(project), terminal_size=(100, 30), press=["c"])


def test_help(snap_compare, project):
    assert snap_compare(SaywhoApp(project), terminal_size=(100, 40), press=["question_mark"])


def test_speaker_picker(snap_compare, project):
    assert snap_compare(SaywhoApp(project), terminal_size=(100, 30), press=["s", "k", "e"])
