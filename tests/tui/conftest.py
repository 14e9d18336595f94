"""Fixtures for Pilot tests: a seeded project folder and an app runner."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from pilot_helpers import running  # noqa: E402
from seedproject import build_project  # noqa: E402


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A project folder with the seed article and the fixed layer."""
    return build_project(tmp_path / "proj")


@pytest.fixture
def run_app() -> Callable[..., object]:
    """``async with run_app(folder) as pilot:``."""
    return running
