"""The command line imports only the command it runs, and still knows every command."""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

import pytest

from tui.cli import build_parser, main, named_command
from tui.commands import COMMANDS


@pytest.mark.parametrize(
    ("argv", "named"),
    [
        (["detect", "a.txt"], "detect"),
        (["--project", "detect", "stats"], "stats"),  # a project folder called "detect"
        (["--annotator", "ann", "stance-eval", "x"], "stance-eval"),
        (["--project=p", "import", "x"], "import"),
        ([], None),
        (["--project", "p"], None),
        (["detec"], None),
        (["--", "detect"], "detect"),
        (["-h", "stats"], None),  # the top-level help, which lists every command
        (["--project", "p", "--version", "stats"], None),
        (["stats", "-h"], "stats"),
    ],
)
def test_the_named_command_is_found_past_the_top_level_options(argv, named):
    assert named_command(argv) == named


def _choices(parser: argparse.ArgumentParser) -> list[str]:
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return list(action.choices)


def test_every_command_module_registers_the_name_it_is_listed_under():
    for name in COMMANDS:
        assert _choices(build_parser([name])) == [name]
    assert _choices(build_parser([])) == list(COMMANDS)  # help and typos list every command


def test_every_commands_help_reads_as_written():
    """argparse formats ``help=`` strings with ``%`` but prints a description as it is: a
    ``%%`` meant for the one shows doubled in the other."""
    for name in COMMANDS:
        parser = build_parser([name])
        action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
        text = action.choices[name].format_help()
        assert "%%" not in text, name


def test_running_one_command_imports_no_other_command_module(tmp_path):
    source = tmp_path / "one.txt"
    source.write_text('The mayor said "we are ready." on Monday.', encoding="utf-8")
    code = (
        "import sys; from tui.cli import main\n"
        f"code = main(['detect', {str(source)!r}, '--jobs', '1', '--out', "
        f"{str(tmp_path / 'out.jsonl')!r}])\n"
        "print(sorted(m for m in sys.modules if m.startswith('tui.commands.')))\n"
        "sys.exit(code)\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=60)
    assert run.returncode == 0, run.stderr
    loaded = run.stdout.strip().splitlines()[-1]
    assert "tui.commands.detect" in loaded
    for other in ("export", "stats", "agree", "merge", "import_"):
        assert f"tui.commands.{other}'" not in loaded
    assert (tmp_path / "out.jsonl").read_text(encoding="utf-8").count("\n") == 1


def test_the_tui_exits_1_when_the_app_ended_on_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An unhandled error ends a Textual app with return code 1 (the traceback printed);
    ``saywho`` then exits 1, not 0, so a script or supervisor sees the crash."""
    import tui.commands.open as open_command
    from tui.app import SaywhoApp

    monkeypatch.setattr(open_command, "has_terminal", lambda: True)

    def crashed(self: SaywhoApp) -> None:
        self._return_code = 1  # what Textual sets on an unhandled error

    monkeypatch.setattr(SaywhoApp, "run", crashed)
    assert main(["--project", str(tmp_path / "p"), "open"]) == 1
    monkeypatch.setattr(SaywhoApp, "run", lambda self: None)
    assert main(["--project", str(tmp_path / "p"), "open"]) == 0


def test_the_reader_without_a_terminal_says_so_in_one_line(tmp_path: Path) -> None:
    """``saywho`` with stdin or stdout not a terminal (a script, cron, a pipe): one line and
    exit 1 at once; it ran at full CPU for ever, writing screens into the pipe."""
    import subprocess
    import sys

    from tests.conftest import REPO

    run = subprocess.run([sys.executable, "-m", "tui.cli", "--project", str(tmp_path / "p")],
                         cwd=REPO, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                         timeout=60)
    assert run.returncode == 1 and run.stdout == ""
    said = run.stderr.strip().splitlines()
    assert len(said) == 1 and "needs a terminal" in said[0], said


def test_the_terminal_the_reader_needs_is_stdin_stdout_and_stderr(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Textual draws on stderr and takes its size from stdout: ``saywho 2> log`` would draw
    into the file, ``saywho > log`` lay the screen out at 80x24 whatever the window; both
    are refused."""
    import io
    import sys

    import tui.commands.open as open_command

    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr(sys, "stdin", Tty())
    monkeypatch.setattr(sys, "__stderr__", Tty())
    monkeypatch.setattr(sys, "stdout", Tty())
    assert open_command.has_terminal()
    monkeypatch.setattr(sys, "stdout", io.StringIO())  # > log
    assert not open_command.has_terminal()
    monkeypatch.setattr(sys, "stdout", Tty())
    monkeypatch.setattr(sys, "__stderr__", io.StringIO())  # 2> log
    assert not open_command.has_terminal()


def test_a_project_made_by_a_command_is_said_with_its_whole_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A mistyped or relative ``--project`` made a new project without a word (and the
    reader opened on the sample article): a command says where it made one, once; the
    reader says it too; an export from the default project names it."""
    import tui.commands.open as open_command
    from tui.app import SaywhoApp

    article = tmp_path / "a.txt"
    article.write_text('The mayor said "we will keep going" on Monday.\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["--project", "proj", "import", str(article)]) == 0
    said = [ln for ln in capsys.readouterr().err.splitlines() if "new project" in ln]
    assert said == [f"saywho: note: created a new project at {tmp_path / 'proj'}"]
    assert main(["--project", "proj", "import", str(article)]) == 0
    assert "new project" not in capsys.readouterr().err
    notices: list[str | None] = []
    monkeypatch.setattr(open_command, "has_terminal", lambda: True)
    monkeypatch.setattr(SaywhoApp, "run", lambda self: notices.append(self.notice))
    assert main(["--project", "typo", "open"]) == 0 and main(["--project", "proj"]) == 0
    assert notices[0] and str(tmp_path / "typo") in notices[0] and notices[1] is None
    monkeypatch.setenv("SAYWHO_PROJECT", str(tmp_path / "proj"))
    assert main(["export", "--format", "jsonl", "--out", str(tmp_path / "o.jsonl"),
                 "--layer", "suggestions"]) == 0
    assert f"(project {tmp_path / 'proj'})" in capsys.readouterr().err
