"""A subprocess that imports documents through the session, reporting each once stored.

Usage: python -m tests.reliability.importer PROJECT FIRST COUNT

Imports ``imp<k>`` (a short article) for k = FIRST .. FIRST+COUNT-1, one per call, and prints
``imported <k>`` only after ``Session.import_documents`` returned. It opens the project as its
own annotator ("importer"), so it runs beside the annotators' sessions.
"""

from __future__ import annotations

import sys

from annotations.errors import SaywhoError
from annotations.model import Document
from annotations.session import Session
from tests.conftest import ARTICLE, fixed_detect


def main() -> int:
    folder, first, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    session = Session.open(folder, "importer", create=False, detect=fixed_detect)
    try:
        for k in range(first, first + count):
            text = f"Story {k}. {ARTICLE}"
            try:
                session.import_documents([Document(f"imp{k}", f"Imported {k}", text)])
            except SaywhoError as exc:
                print(f"refused: {exc.message}", flush=True)
                return 1
            print(f"imported {k}", flush=True)
        print("done", flush=True)
    finally:
        session.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
