"""Drive ``saywho`` in a private tmux server: send keys, read the screen, wait with timeouts."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TMUX = shutil.which("tmux")


class Tmux:
    """One tmux server (own socket) running one command in a window of a fixed size."""

    def __init__(self, command: str, *, width: int = 110, height: int = 32) -> None:
        self.socket = f"saywho-test-{os.getpid()}-{uuid.uuid4().hex[:6]}"
        self.session = "saywho"
        env = f"cd {shlex.quote(str(ROOT))} && TERM=xterm-256color exec {command}"
        self._tmux("new-session", "-d", "-s", self.session, "-x", str(width), "-y",
                   str(height), env)

    def _tmux(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        assert TMUX is not None
        return subprocess.run([TMUX, "-L", self.socket, *args], capture_output=True,
                              text=True, timeout=10, check=check)

    def send(self, *keys: str) -> None:
        """Send keys (tmux key names or literal text)."""
        for key in keys:
            self._tmux("send-keys", "-t", self.session, key)

    def send_at_once(self, *keys: str) -> None:
        """Send keys in one tmux call: they reach the app as one burst, as a fast typist's do."""
        self._tmux("send-keys", "-t", self.session, *keys)

    def paste(self, text: str) -> None:
        """Paste ``text`` as a terminal does (bracketed, when the app asked for it)."""
        self._tmux("set-buffer", text)
        self._tmux("paste-buffer", "-p", "-t", self.session)

    def send_raw(self, data: str) -> None:
        """Send ``data`` as bytes from the terminal (escape sequences: a mouse click)."""
        self._tmux("send-keys", "-t", self.session, "-l", data)

    def quit(self) -> None:
        """Press q and wait for the app to end (``AssertionError`` with the screen if not)."""
        self.send("q")
        assert self.wait_exit(), self.screen()

    def screen(self) -> str:
        """The visible pane as text."""
        result = self._tmux("capture-pane", "-p", "-t", self.session, check=False)
        return result.stdout

    def wait_for(self, needle: str, timeout: float = 20.0) -> str:
        """Wait until ``needle`` is on screen; raise ``TimeoutError`` with the screen."""
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if needle in screen:
                return screen
            time.sleep(0.05)
        raise TimeoutError(f"{needle!r} not on screen after {timeout}s:\n{screen}")

    def wait_until(self, ready: Callable[[str], bool], timeout: float = 20.0) -> str:
        """Wait until ``ready(screen)`` after at least one new frame; ``TimeoutError`` with the
        screen."""
        deadline = time.monotonic() + timeout
        time.sleep(0.3)  # what was sent has had time to show
        screen = self.screen()
        while not ready(screen):
            if time.monotonic() > deadline:
                raise TimeoutError(f"not ready after {timeout}s:\n{screen}")
            time.sleep(0.05)
            screen = self.screen()
        return screen

    def alive(self) -> bool:
        """True while the session (the app) runs."""
        return self._tmux("has-session", "-t", self.session, check=False).returncode == 0

    def wait_exit(self, timeout: float = 15.0) -> bool:
        """Wait for the app to end."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.alive():
                return True
            time.sleep(0.05)
        return False

    def pane_pid(self) -> int:
        """The app's process id (the pane runs it with exec)."""
        out = self._tmux("list-panes", "-t", self.session, "-F", "#{pane_pid}").stdout
        return int(out.split()[0])

    def close(self) -> None:
        """Stop this tmux server and remove its socket (a server that ended with its app
        left the file behind: a thousand of them in /tmp after a few runs)."""
        self._tmux("kill-server", check=False)
        folder = Path(os.environ.get("TMUX_TMPDIR") or "/tmp") / f"tmux-{os.getuid()}"
        (folder / self.socket).unlink(missing_ok=True)


def saywho_command(project: Path, annotator: str) -> str:
    """The shell command that opens the TUI on ``project``."""
    return (f"{shlex.quote(sys.executable)} -m tui.cli --project {shlex.quote(str(project))} "
            f"--annotator {shlex.quote(annotator)}")


@contextmanager
def saywho_in_tmux(folder: Path, annotator: str, **size: int) -> Iterator[Tmux]:
    """``saywho`` on ``folder`` for ``annotator`` in its own tmux server, closed after."""
    tmux = Tmux(saywho_command(folder, annotator), **size)
    try:
        yield tmux
    finally:
        tmux.close()
