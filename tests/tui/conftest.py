"""Fixtures for Pilot tests: a seeded project folder and an app runner."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from seedproject import build_project, open_project  # noqa: E402
from textual.pilot import Pilot  # noqa: E402

from tui.app import SaywhoApp  # noqa: E402


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A project folder with the seed article and the fixed layer."""
    return build_project(tmp_path / "proj")


Runner = Callable[..., "asynccontextmanager[Pilot]"]


@asynccontextmanager
async def running(folder: Path, size: tuple[int, int] = (100, 30),
                  read_only: bool = False) -> AsyncIterator[Pilot]:
    """Run the app on ``folder``; waits for saves and closes the project at the end."""
    project = open_project(folder, read_only=read_only)
    app = SaywhoApp(project)
    try:
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            yield pilot
            await settle(pilot)
    finally:
        project.close()


async def settle(pilot: Pilot) -> None:
    """Wait until every queued edit is saved and the UI has caught up."""
    app = pilot.app
    await app.editor.wait_idle()  # type: ignore[attr-defined]
    await pilot.pause()


@pytest.fixture
def run_app() -> Callable[..., object]:
    """``async with run_app(folder) as pilot:``."""
    return running
