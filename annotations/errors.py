"""Typed errors with a title and a plain message, shown to users as one line.

The CLI turns any ``SaywhoError`` into exit code 1 and one line on stderr; the TUI shows
the title and message in a notification. Nothing else should reach a user as a traceback.
"""

from __future__ import annotations


class SaywhoError(Exception):
    """An error the user can act on: a short title and a one-line message."""

    title = "Error"

    def __init__(self, message: str, *, title: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if title is not None:
            self.title = title

    def __str__(self) -> str:
        return self.message


class InputError(SaywhoError):
    """The user's input (a file, a line, an argument) cannot be used."""

    title = "Bad input"


class StepConflict(InputError):
    """An undo or redo that would write over a later change to the same field (a teammate's
    edit, an import, a label rename): it is skipped and the later change kept. Carries what a
    screen needs to say it in words (``annotations.history_view.conflict_message``): the
    step (``op``, ``doc_id``, ``layer``, the ``change`` it would have made), the ``record`` it
    collided on ("quote q49") and who else has written that layer (``others``), or the stance
    ``label`` it would have brought back that the scheme no longer has."""

    title = "Not undone"

    def __init__(self, message: str, *, op: str, doc_id: str, layer: str, change: object,
                 record: str, others: tuple[str, ...] = (), label: str | None = None) -> None:
        super().__init__(message, title="Not undone" if op == "undo" else "Not redone")
        self.op, self.doc_id, self.layer, self.change = op, doc_id, layer, change
        self.record, self.others, self.label = record, others, label


class NothingToChange(InputError):
    """An edit that would leave the layer as it is (accepting an accepted quote): refused
    before anything is written, so the journal and undo hold only real changes."""

    title = "Nothing to change"


class SpanError(InputError):
    """A span does not fit its text (out of range, reversed, or text mismatch)."""

    title = "Bad span"


class ProjectError(SaywhoError):
    """The project folder cannot be opened or written."""

    title = "Project"


class ChangedOnDiskError(ProjectError):
    """A layer changed on disk (another process wrote it) since this process read it: the
    write built on the old copy was refused and the file read again."""

    title = "Changed on disk"


class ReadOnlyError(ProjectError):
    """A write was attempted on a project opened read-only (another instance holds it)."""

    title = "Read-only"


class DamagedFileError(ProjectError):
    """A project file did not parse; it was moved aside with its bytes kept."""

    title = "Damaged file"


class AssignmentError(InputError):
    """An assignment cannot be planned as asked (no annotators, N above their number, ...)."""

    title = "Assignment"


class SaveError(ProjectError):
    """A change could not be written (disk full, permission refused); nothing was torn."""

    title = "Not saved"
