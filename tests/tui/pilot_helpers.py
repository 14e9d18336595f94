"""Running the app under Pilot on a test project, and waiting for saves."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path

from seedproject import open_project
from textual.pilot import Pilot

from tui.app import SaywhoApp


@asynccontextmanager
async def running(folder: Path, size: tuple[int, int] = (100, 30),
                  read_only: bool = False) -> AsyncIterator[Pilot]:
    """Run the app on ``folder``; waits for saves and closes the project at the end."""
    session = open_project(folder, read_only=read_only)
    app = SaywhoApp(session)
    try:
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            yield pilot
            await settle(pilot)
    finally:
        session.close()


async def stats_screen(pilot: Pilot) -> object:
    """Open the statistics screen (``T``) and wait until it has counted; the screen."""
    await pilot.press("T")
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    return pilot.app.screen


async def settle(pilot: Pilot) -> None:
    """Wait until every queued edit is saved and the UI has caught up."""
    app = pilot.app
    await app.bridge.wait_idle()  # type: ignore[attr-defined]
    await pilot.pause()


LIVE_WITHIN = 2.5  # seconds: the live project's promise (2 s) and a margin


async def within(pilot: Pilot, condition: Callable[[], bool],
                 seconds: float = LIVE_WITHIN) -> bool:
    """Let the app run until ``condition`` holds (True) or ``seconds`` passed (False)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while not condition():
        if loop.time() > deadline:
            return False
        await pilot.pause(0.05)
    return True


def notices(app: object) -> list[str]:
    """The messages the app has shown as notifications (the one place tests read them)."""
    return [n.message for n in app._notifications]  # type: ignore[attr-defined]
