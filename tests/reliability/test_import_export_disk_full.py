"""A disk that fills up during an import and during an export.

Import: the session refuses aloud (one ``SaveError``), every document it listed opens with its
text and suggestions, no temp file is left, and the same import once the disk has room finishes
the job without a second copy of any document. Export: the CLI says so in one line, exits 1 and
leaves no half-written file under the target name.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from annotations.errors import SaveError
from annotations.model import Document
from annotations.session import Session
from annotations.store import atomic
from annotations.store.atomic import TEMP_SUFFIX
from tests.conftest import ARTICLE, REPO, fixed_detect
from tests.faults import FillingDisk


@pytest.mark.parametrize("room", [0, 7, 23])
def test_import_on_a_filling_disk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                  room: int) -> None:
    disk = FillingDisk()
    monkeypatch.setattr(atomic, "os", disk)
    folder = tmp_path / "p"
    docs = [Document(f"doc-{i}", f"Doc {i}", f"{ARTICLE} ({i})") for i in range(30)]
    with Session.open(folder, "ann", detect=fixed_detect) as session:
        disk.room = room
        with pytest.raises(SaveError, match="No space left on device"):
            session.import_documents(docs)
        disk.free()
    assert not list(folder.rglob(f"*{TEMP_SUFFIX}"))
    with Session.open(folder, "ann", detect=fixed_detect) as session:
        listed = session.document_ids()
        assert len(listed) < len(docs)
        for doc_id in listed:
            assert session.document(doc_id).text.startswith(ARTICLE)
            session.layer(doc_id, "suggestions")
        report = session.import_documents(docs)
        assert sorted(session.document_ids()) == sorted(d.id for d in docs)
        assert set(report.added) | set(report.unchanged) == {d.id for d in docs}
    texts = sorted(p.name for p in (folder / "texts").iterdir())
    assert len(texts) == len(docs), texts  # no doc-3-2.txt: nothing stored twice


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "conll"])
def test_export_on_a_full_disk(tmp_path: Path, fmt: str) -> None:
    folder = tmp_path / "p"
    with Session.open(folder, "ann", detect=fixed_detect) as session:
        session.import_documents([Document(f"d{i}", "Doc", ARTICLE) for i in range(200)])
    out = tmp_path / "out" / f"export.{fmt}"
    out.parent.mkdir()
    out.write_text("the previous export\n")
    script = textwrap.dedent(
        """
        import resource, signal, sys
        from tui.cli import main
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (20000, 20000))
        sys.exit(main(sys.argv[1:]))
        """
    )
    proc = subprocess.run(
        [sys.executable, "-c", script, "export", "--format", fmt, "--out", str(out),
         "--project", str(folder), "--annotator", "ann", "--layer", "suggestions"],
        cwd=REPO, capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 1, (proc.stdout, proc.stderr)
    assert "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1 and proc.stderr.startswith("saywho:")
    assert out.read_text() == "the previous export\n"  # the old file, whole
    assert sorted(p.name for p in out.parent.iterdir()) == [out.name]
