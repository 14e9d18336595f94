"""The store only stores: callers hand it suggestions (imports, damaged files); it never detects."""

from __future__ import annotations

import ast
import inspect
import json
from pathlib import Path

import pytest

from annotations.errors import InputError, ReadOnlyError
from annotations.model import SUGGESTIONS_LAYER, Document, Layer, Quote
from annotations.store import ImportReport, Project
from tests.conftest import ARTICLE, REPO, fixed_detect, make_project, sample_layer

STORE = REPO / "annotations" / "store"


def _package(path: Path) -> str:
    return ".".join(path.relative_to(REPO).with_suffix("").parts[:-1])


def _imported_modules(source: str, package: str) -> set[str]:
    """Every module ``source`` (a module of ``package``) imports, anywhere in it: at the top,
    inside functions, relative, or through ``importlib.import_module``/``__import__``."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                parent = parts[: len(parts) - node.level + 1]
                base = ".".join([*parent, base] if base else parent)
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            if name in ("import_module", "__import__"):
                found.add(str(node.args[0].value))
    return found


def _detector_imports(source: str, package: str) -> list[str]:
    return sorted(
        m
        for m in _imported_modules(source, package)
        if m.split(".")[:2] == ["annotations", "detect"]
    )


def test_no_store_module_imports_the_detector() -> None:
    files = sorted(STORE.rglob("*.py"))
    assert len(files) >= 10
    offenders = {
        str(path.relative_to(REPO)): _detector_imports(path.read_text("utf-8"), _package(path))
        for path in files
    }
    assert {k: v for k, v in offenders.items() if v} == {}


@pytest.mark.parametrize(
    "source",
    [
        "import annotations.detect\n",
        "def f():\n    from annotations.detect import DEFAULT_DETECTOR\n",
        "from annotations import detect\n",
        "from .. import detect\n",
        "from ..detect.rules import RuleDetector\n",
        "import importlib\nimportlib.import_module('annotations.detect')\n",
    ],
)
def test_the_import_scan_sees_every_way_in(source: str) -> None:
    assert _detector_imports(source, "annotations.store")
    assert not _detector_imports("from annotations.model import Layer\n", "annotations.store")


def test_open_takes_no_detector() -> None:
    assert "detect" not in inspect.signature(Project.open).parameters


def test_classify_new_unchanged_conflict(project: Project) -> None:
    assert project.classify(Document("d0", "any title", ARTICLE)) == "unchanged"
    assert project.classify(Document("d0", "Doc 0", ARTICLE + " More.")) == "conflict"
    assert project.classify(Document("d9", "Doc 9", ARTICLE + " More.")) == "new"
    assert project.classify(Document("d9", "Doc 9", ARTICLE)) == "duplicate"  # d0's text
    assert project.same_text(Document("d9", "Doc 9", ARTICLE)) == ["d0"]
    assert project.document_ids() == ["d0"]  # classifying stores nothing


def test_add_documents_stores_the_given_suggestions(tmp_path: Path) -> None:
    mine = Layer("whatever", sample_layer().quotes, sample_layer().speakers)
    with Project.open(tmp_path / "p", "ann") as proj:
        report = proj.add_documents([(Document("a", "A", ARTICLE), mine)])
        assert report.added == ["a"] and report.ok
        assert proj.layer_names("a") == [SUGGESTIONS_LAYER]
        assert proj.layer("a", SUGGESTIONS_LAYER).quotes == sample_layer().quotes
        assert not list(proj.journal())  # an import is not an edit
    with Project.open(tmp_path / "p", "ann") as proj:
        assert proj.document("a").text == ARTICLE
        assert set(proj.layer("a").quotes) == {"q1", "q2"}  # the annotator's copy


def test_add_documents_fills_the_callers_report_and_refuses_known_ids(project: Project) -> None:
    mine = ImportReport(failed=[("x", "x: the detector failed")])
    empty = Layer(SUGGESTIONS_LAYER)
    pairs = [
        (Document("d0", "Doc 0", ARTICLE), empty),
        (Document("d0", "Doc 0", ARTICLE + " More."), empty),
        (Document("d1", "Doc 1", ARTICLE), fixed_detect(ARTICLE)),
    ]
    report = project.add_documents(pairs, report=mine)
    assert report is mine
    assert report.unchanged == ["d0"] and report.added == ["d1"]
    assert [doc for doc, _ in report.failed] == ["x", "d0"]
    assert "different text is already in the project" in report.failed[1][1]
    assert project.document("d0").text == ARTICLE
    assert project.layer("d0").quotes == fixed_detect(ARTICLE).quotes  # not replaced


def test_a_layer_that_does_not_fit_fails_only_its_document(tmp_path: Path) -> None:
    bad = Layer(SUGGESTIONS_LAYER, {"q1": Quote("q1", 0, 5, "nope!")})
    pairs = [
        (Document("bad", "t", ARTICLE), bad),
        (Document("good", "t", ARTICLE), fixed_detect(ARTICLE)),
    ]
    with Project.open(tmp_path / "p", "ann") as proj:
        report = proj.add_documents(pairs)
        assert report.added == ["good"]
        assert report.failed[0][0] == "bad" and "do not fit the text" in report.failed[0][1]
        assert proj.document_ids() == ["good"]
    assert not (tmp_path / "p" / "texts" / "bad.txt").exists()


def test_add_documents_lists_documents_every_flush_every(tmp_path: Path) -> None:
    listed: list[int] = []

    def progress(doc: Document) -> None:
        raw = json.loads((tmp_path / "p" / "saywho.json").read_bytes())
        listed.append(len(raw.get("documents", {})))

    docs = [(Document(f"d{i}", "t", ARTICLE), Layer(SUGGESTIONS_LAYER)) for i in range(5)]
    with Project.open(tmp_path / "p", "ann") as proj:
        proj.add_documents(docs, progress=progress, flush_every=2)
        raw = json.loads((tmp_path / "p" / "saywho.json").read_bytes())
    assert listed == [0, 0, 2, 2, 4]
    assert len(raw["documents"]) == 5


def test_a_read_only_project_refuses_imports_and_suggestions(tmp_path: Path) -> None:
    make_project(tmp_path / "p").close()
    with Project.open(tmp_path / "p", "ann", read_only=True) as proj:
        with pytest.raises(ReadOnlyError):
            proj.add_documents([(Document("n", "t", ARTICLE), Layer(SUGGESTIONS_LAYER))])
        with pytest.raises(ReadOnlyError):
            proj.store_suggestions("d0", Layer(SUGGESTIONS_LAYER))


def _damage(folder: Path, doc: str = "d1") -> bytes:
    path = folder / "annotations" / doc / "suggestions.json"
    path.write_bytes(b'{"torn":')
    return path.read_bytes()


def _journal_bytes(folder: Path) -> bytes:
    path = folder / "journal" / "ann.jsonl"
    return path.read_bytes() if path.exists() else b""


def test_a_damaged_annotations_file_waits_for_suggestions(tmp_path: Path) -> None:
    folder = tmp_path / "proj"
    make_project(folder, n_docs=2).close()
    torn = _damage(folder)
    journal = _journal_bytes(folder)
    with Project.open(folder, "ann") as proj:
        assert proj.needs_suggestions == frozenset()  # found when the file is first opened
        assert proj.layer_names("d1") == [SUGGESTIONS_LAYER]
        assert proj.needs_suggestions == {"d1"}
        assert isinstance(proj.needs_suggestions, frozenset)  # read-only for callers
        assert proj.layer("d1").quotes == {} and proj.layer("d1", SUGGESTIONS_LAYER).quotes == {}
        aside = list((folder / "annotations" / "d1").glob("suggestions.json.damaged-*"))
        assert [p.read_bytes() for p in aside] == [torn]
        with pytest.raises(InputError):  # checked against the text
            proj.store_suggestions("d1", Layer(SUGGESTIONS_LAYER, {"q": Quote("q", 0, 3, "xyz")}))
        assert proj.needs_suggestions == {"d1"}
        fixed = fixed_detect(ARTICLE)
        proj.store_suggestions("d1", Layer("named-anything", fixed.quotes, fixed.speakers))
        assert proj.needs_suggestions == frozenset()
        assert proj.layer("d1", SUGGESTIONS_LAYER).quotes == fixed_detect(ARTICLE).quotes
        with pytest.raises(InputError, match="does not need suggestions"):
            proj.store_suggestions("d0", fixed_detect(ARTICLE))
    after = _journal_bytes(folder)
    assert after == journal  # not journaled
    with Project.open(folder, "ann") as proj:
        assert set(proj.layer("d1").quotes) == {"q1", "q2"}
        assert proj.needs_suggestions == frozenset()


def test_a_document_still_waiting_for_suggestions_waits_after_a_restart(tmp_path: Path) -> None:
    folder = tmp_path / "proj"
    make_project(folder, n_docs=2).close()
    _damage(folder)
    with Project.open(folder, "ann") as proj:
        proj.verify()
        assert proj.needs_suggestions == {"d1"}
        # closed (a crash, say) before the session stored suggestions
    with Project.open(folder, "ann") as proj:
        assert proj.damaged == []  # the file parses now
        proj.layer("d1")
        assert proj.needs_suggestions == {"d1"}
        proj.put_layer("d1", fixed_detect(ARTICLE))  # suggestions given another way
        assert proj.needs_suggestions == frozenset()
    with Project.open(folder, "ann") as proj:
        proj.layer("d1")
        assert proj.needs_suggestions == frozenset()


def test_no_suggestions_are_awaited_for_an_unreadable_text_or_when_read_only(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "proj"
    make_project(folder, n_docs=3).close()
    _damage(folder, "d1")
    _damage(folder, "d2")
    (folder / "texts" / "d2.txt").write_bytes(b"\xff not utf-8")
    with Project.open(folder, "ann", read_only=True) as proj:
        proj.verify()
        assert proj.needs_suggestions == frozenset()
    assert (folder / "annotations" / "d1" / "suggestions.json").read_bytes() == b'{"torn":'
    with Project.open(folder, "ann") as proj:
        damage = proj.verify()
        assert proj.needs_suggestions == {"d1"}
        assert any("d2" in d and "text" in d for d in damage)
