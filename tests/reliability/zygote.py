"""A parent process that has imported the writers once and forks a fresh one on each request.

The kill tests used to start every writer with ``python -m``: a third of a second of imports
before the first edit, so a good share of the random kills landed in the interpreter's start-up
and tested nothing. A fork of this single-threaded, pre-imported parent is writing within
milliseconds, so every kill lands among edits and the loops need less wall time for the same
number of kills. The child is still a real process: it opens the project itself and dies by
SIGKILL with whatever it had in flight.

Protocol, one line each way over stdin/stdout:
``spawn MODULE OUTFILE ARG...`` forks a child that runs ``tests.reliability.MODULE``'s
``main()`` with ``ARG...`` as its argv, stdout and stderr going to OUTFILE; the reply is its pid.
``wait PID`` reaps it; the reply is its exit status as ``os.waitstatus_to_exitcode`` gives it.

``Forked`` is the test side: it looks enough like ``subprocess.Popen`` (``send_signal``,
``communicate``) that a test swaps one for the other.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

from annotations.edits import SetNote
from annotations.model import Document
from annotations.session import Session
from annotations.store import Project
from tests.conftest import ARTICLE, REPO, fixed_detect, make_project
from tests.reliability import importer, writer

MODULES = {"writer": writer, "importer": importer}


def _child(module: str, outfile: str, args: list[str]) -> None:
    """Run in the forked child: never returns."""
    code = 1
    try:
        fd = os.open(outfile, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        os.dup2(fd, 1)
        os.dup2(fd, 2)
        os.close(fd)
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.close(null)
        sys.stdin = open(0, closefd=False)  # noqa: SIM115 - the child's stdin until _exit
        sys.stdout = open(1, "w", closefd=False)  # noqa: SIM115
        sys.stderr = open(2, "w", closefd=False)  # noqa: SIM115
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        sys.argv = [module, *args]
        code = MODULES[module].main()
    finally:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(code or 0)


def warm() -> None:
    """Make one edit and one import in a throwaway project, so whatever the store imports on
    first use is loaded before the first fork."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "warm"
        make_project(folder, n_docs=1).close()
        with Project.open(folder, "warm", create=False) as project:
            project.apply(SetNote("d0", quote_id="q1", note="0"))
        session = Session.open(folder, "warm-importer", create=False, detect=fixed_detect)
        try:
            session.import_documents([Document("w", "Warm", ARTICLE)])
        finally:
            session.close()


def serve() -> None:
    """The parent's loop: spawn and wait on request until stdin closes."""
    for line in sys.stdin:
        verb, *rest = line.split()
        if verb == "spawn":
            module, outfile, *args = rest
            pid = os.fork()
            if pid == 0:
                _child(module, outfile, args)
            reply = str(pid)
        elif verb == "wait":
            _pid, status = os.waitpid(int(rest[0]), 0)
            reply = str(os.waitstatus_to_exitcode(status))
        else:
            reply = f"unknown {verb}"
        sys.stdout.write(reply + "\n")
        sys.stdout.flush()


class Zygote:
    """The test's handle on one forking parent: start it once, spawn many writers."""

    def __init__(self) -> None:
        self._proc = subprocess.Popen(
            [sys.executable, "-m", "tests.reliability.zygote"],
            cwd=REPO,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    def _ask(self, line: str) -> str:
        assert self._proc.stdin is not None and self._proc.stdout is not None
        self._proc.stdin.write(line + "\n")
        self._proc.stdin.flush()
        return self._proc.stdout.readline().strip()

    def spawn(self, module: str, outfile: Path, *args: object) -> Forked:
        """A fresh child running ``tests.reliability.<module>`` with ``args``."""
        pid = int(self._ask(" ".join(["spawn", module, str(outfile), *map(str, args)])))
        return Forked(self, pid, outfile)

    def wait(self, pid: int) -> int:
        """Reap a child (the zygote is its parent); its exit status."""
        return int(self._ask(f"wait {pid}"))

    def close(self) -> None:
        """Stop the parent (its children must have been waited for)."""
        if self._proc.stdin is not None:
            self._proc.stdin.close()
        self._proc.wait(timeout=30)

    def __enter__(self) -> Zygote:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class Forked:
    """One forked writer, with the part of ``subprocess.Popen``'s interface the tests use."""

    def __init__(self, zygote: Zygote, pid: int, outfile: Path) -> None:
        self._zygote = zygote
        self.pid = pid
        self._outfile = outfile
        self.returncode: int | None = None

    def send_signal(self, sig: int) -> None:
        """Signal the child (it may have exited already)."""
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, sig)

    def communicate(self, timeout: float | None = None) -> tuple[str, str]:
        """Reap the child and return everything it printed (stdout and stderr share a file)."""
        del timeout  # kept for Popen's signature: the tests kill the child before asking
        if self.returncode is None:
            self.returncode = self._zygote.wait(self.pid)
        try:
            text = self._outfile.read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:  # killed before it opened its output (a loaded machine)
            text = ""
        return text, ""


if __name__ == "__main__":
    warm()
    serve()
