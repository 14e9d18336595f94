"""A subprocess that applies edits through the public API and reports each one once saved.

Usage: python -m tests.reliability.writer PROJECT ANNOTATOR FIRST COUNT [--hold] [--docs N]

Each edit sets quote q<k % 2 + 1> of document d<k % ndocs> a note holding the counter k, and
prints ``saved <k>`` only after ``Project.apply`` returned. With ``--hold`` it waits for a line
on stdin before closing (so a test can try a second instance meanwhile). With ``--docs N`` it
writes d0 .. d<N-1> whatever else the project holds (another process may be importing).
"""

from __future__ import annotations

import sys

from annotations.edits import SetNote
from annotations.errors import NothingToChange, SaywhoError
from annotations.store import Project


def main() -> int:
    folder, annotator, first, count = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    project = Project.open(folder, annotator, create=False)
    try:
        if project.read_only:
            print(f"read-only: {project.read_only_reason}", flush=True)
            return 1
        if "--docs" in sys.argv:
            docs = [f"d{i}" for i in range(int(sys.argv[sys.argv.index("--docs") + 1]))]
        else:
            docs = project.document_ids()
        for k in range(first, first + count):
            doc = docs[k % len(docs)]
            try:
                project.apply(SetNote(doc, quote_id=f"q{k % 2 + 1}", note=str(k)))
            except NothingToChange:
                pass  # saved before a kill that came before its "saved" line: it holds
            except SaywhoError as exc:
                print(f"refused: {exc.message}", flush=True)
                return 1
            print(f"saved {k}", flush=True)
        print("done", flush=True)
        if "--hold" in sys.argv:
            sys.stdin.readline()
    finally:
        project.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
