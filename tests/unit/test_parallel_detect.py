"""Detection on several cores and on a Dask cluster gives what one process gives, in order.

``saywho detect --jobs 2`` and ``--dask local`` must write byte for byte what ``--jobs 1``
writes (and report the same problems in the same order: an unreadable file, an article over a
tiny time budget), and ``saywho import --jobs 2`` must store the same suggestions. The runner
(``annotations.detect.parallel``) must keep the input order, keep its window bounded (memory
flat in the corpus) and lose only the article a dying worker was on.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import random
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from annotations.detect import DEFAULT_DETECTOR, Suggestions, parallel
from annotations.detect.parallel import (
    CHUNK_DOCS,
    CRASH_MESSAGE,
    SMALL_INPUT_DOCS,
    WINDOW_PER_JOB,
    detect_each,
    detect_many,
)
from annotations.model import SUGGESTIONS_LAYER, Document, Layer
from annotations.session import Session
from tests.conftest import SEED
from tui.cli import main

BUDGET = "0.5"  # seconds: the ordinary articles take milliseconds, the huge one far longer
HUGE = '"We will win," said Bob.\n' * 80_000  # ~2 MB: seconds of work, cut at the budget

NAMES = ("Jane Roe", "Tom Poe", "Ana Ruiz", "Li Wei", "Olu Ade", "Marta Kowalska", "Sam Hill")
TITLES = ("Mayor", "Senator", "Police Chief", "Councilwoman", "Professor")
CLAIMS = (
    "the plan will not work for anyone here",
    "we are ready to vote again on Monday",
    "the budget is balanced for the first time in years",
    "sanctuary policies keep the city safe",
    "nobody asked the residents what they wanted",
    "the deal was signed too quickly",
)


def _article(i: int) -> str:
    """A short news text mixing the constructions the detector knows, different for each i."""
    rng = random.Random(i)
    name, other = rng.sample(NAMES, 2)
    title = rng.choice(TITLES)
    claim, second, third = rng.sample(CLAIMS, 3)
    surname = name.split()[-1]
    paragraphs = [
        f"{title} {name} said on Tuesday that {claim}.",
        f"\u201c{second.capitalize()},\u201d {surname} told reporters. "
        "\u201cIt is that simple.\u201d",
        f'"{third.capitalize()}," said {other}, the head of the union.',
        f"According to {other}, the council met {rng.randint(2, 9)} times this year.",
        f"\u00ab {claim.capitalize()} \u00bb, a d\u00e9clar\u00e9 {name}.",
        f"{surname} added: \"We will keep going.\" She declined to comment further.",
    ]
    rng.shuffle(paragraphs)
    return f"Story {i}: {surname} and {other}\n\n" + "\n\n".join(paragraphs[: 3 + i % 4]) + "\n"


def _corpus(folder: Path) -> Path:
    """About 30 varied inputs in one folder: the seed article, generated .txt/.md/.html
    articles, a JSONL file, one unreadable (not UTF-8) file and one huge article."""
    folder.mkdir()
    seed = SEED.read_text(encoding="utf-8")
    (folder / "a00-seed.txt").write_text(seed, encoding="utf-8")
    (folder / "a01-huge.txt").write_text(HUGE, encoding="utf-8")  # early: later ones overtake
    (folder / "a02-binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\xff\xfe broken")
    for i in range(3, 26):
        text = _article(i)
        if i % 5 == 0:
            (folder / f"a{i:02d}.md").write_text(f"# Headline {i}\n\n{text}", encoding="utf-8")
        elif i % 7 == 0:
            body = "".join(f"<p>{p}</p>" for p in text.split("\n\n"))
            html = f"<html><head><title>T{i}</title></head><body>{body}</body></html>"
            (folder / f"a{i:02d}.html").write_text(html, encoding="utf-8")
        else:
            (folder / f"a{i:02d}.txt").write_text(text, encoding="utf-8")
    lines = [{"id": f"line-{n}", "text": _article(100 + n)} for n in (5, 1, 4, 2, 3)]
    lines.insert(2, {"id": "line-seed", "text": seed[:1500]})
    (folder / "b-lines.jsonl").write_text(
        "".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8"
    )
    return folder


@pytest.fixture
def pools(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The worker counts of the process pools started during the test (none: in process)."""
    started: list[int] = []

    class Spy(parallel._Pool):
        def __init__(self, jobs: int, detector: object) -> None:
            started.append(jobs)
            super().__init__(jobs, detector)  # type: ignore[arg-type]

    monkeypatch.setattr(parallel, "_Pool", Spy)
    return started


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _corpus(tmp_path_factory.mktemp("parallel") / "corpus")


def _detect(
    corpus: Path, out: Path, capsys: pytest.CaptureFixture[str], *extra: str
) -> tuple[int, bytes, list[str]]:
    code = main(["detect", str(corpus), "--budget", BUDGET, "--out", str(out), *extra])
    err = capsys.readouterr().err.splitlines()
    return code, out.read_bytes(), err


@pytest.fixture(scope="module")
def one_process(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[bytes, str]:
    """``--jobs 1``'s output and stderr (module-scoped: the reference every path must match)."""
    out = tmp_path_factory.mktemp("one") / "out.jsonl"
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        code = main(["detect", str(corpus), "--budget", BUDGET, "--jobs", "1", "--out", str(out)])
    assert code == 1, err.getvalue()  # the unreadable file and the huge article
    return out.read_bytes(), err.getvalue()


def _expected_errors(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("saywho: ")]


def test_jobs_1_reports_the_unreadable_file_and_the_slow_article(
    one_process: tuple[bytes, str],
) -> None:
    data, stderr = one_process
    ids = [json.loads(line)["id"] for line in data.decode("utf-8").splitlines()]
    assert ids[0] == "a00-seed" and "a01-huge" not in ids and "a02-binary" not in ids
    assert ids[-6:] == ["line-5", "line-1", "line-seed", "line-4", "line-2", "line-3"]
    assert len(ids) == 1 + 23 + 6
    errors = _expected_errors(stderr)
    assert errors[0] == f"saywho: a01-huge: skipped: detection took over {BUDGET} s"
    assert errors[1].startswith("saywho: ") and "a02-binary.txt" in errors[1]
    assert len(errors) == 2


def test_jobs_2_writes_the_same_bytes_and_messages(
    corpus: Path, one_process: tuple[bytes, str], tmp_path: Path,
    capsys: pytest.CaptureFixture[str], pools: list[int],
) -> None:
    data, stderr = one_process
    code, got, err = _detect(corpus, tmp_path / "out.jsonl", capsys, "--jobs", "2")
    assert pools == [2]
    assert code == 1
    assert got == data
    assert err == _expected_errors(stderr)


@pytest.mark.skipif(sys.platform != "linux", reason="workers fork only on Linux")
def test_a_single_threaded_command_forks_its_workers_and_writes_the_same_bytes(
    corpus: Path, one_process: tuple[bytes, str], tmp_path: Path,
) -> None:
    data, stderr = one_process
    out = tmp_path / "out.jsonl"
    code = (
        "import sys, threading\n"
        "from annotations.detect import parallel\n"
        "from tui.cli import main\n"
        "used = []\n"
        "chosen = parallel._context\n"
        "parallel._context = lambda: used.append(chosen().get_start_method()) or chosen()\n"
        f"code = main(['detect', {str(corpus)!r}, '--budget', {BUDGET!r}, '--jobs', '2',"
        f" '--out', {str(out)!r}])\n"
        "stop = threading.Event()\n"
        "threading.Thread(target=stop.wait).start()  # not alone any more\n"
        "print(used, chosen().get_start_method())\n"
        "stop.set()\n"
        "sys.exit(code)\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=120)
    assert run.returncode == 1, run.stderr
    assert run.stdout.split() == ["['fork']", "forkserver"]
    assert out.read_bytes() == data
    assert _expected_errors(run.stderr) == _expected_errors(stderr)


KILLED_IMPORTER = """
import os, signal, sys
from annotations.detect import parallel
from annotations.model import Document
from annotations.session import Session

session = Session.open(sys.argv[1], "ann")  # holds the annotator's session lock
text = 'The mayor said "we are ready for the storm." ' * 40
results = parallel.detect_many((Document(f"d{i}", "t", text) for i in range(60)), jobs=2,
                               budget_s=10)
next(results)
print(" ".join(str(p.pid) for p in parallel.multiprocessing.active_children()), flush=True)
os.kill(os.getpid(), signal.SIGKILL)  # the out-of-memory killer, mid-import
"""


@pytest.mark.skipif(sys.platform != "linux", reason="workers fork only on Linux")
def test_forked_workers_die_with_a_killed_caller_and_free_its_session_lock(
    tmp_path: Path,
) -> None:
    import time

    from annotations.store.lock import lock_held, lock_path

    run = subprocess.run([sys.executable, "-c", KILLED_IMPORTER, str(tmp_path / "p")],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == -9, run.stderr
    workers = [int(pid) for pid in run.stdout.split()]
    assert workers

    def alive(pid: int) -> bool:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        return True

    deadline = time.monotonic() + 10
    while any(map(alive, workers)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(map(alive, workers))
    assert not lock_held(lock_path(tmp_path / "p", "ann"))
    with Session.open(tmp_path / "p", "ann") as session:
        assert not session.read_only


def test_jobs_3_to_stdout_is_the_same_too(
    corpus: Path, one_process: tuple[bytes, str], capsys: pytest.CaptureFixture[str]
) -> None:
    data, stderr = one_process
    assert main(["detect", str(corpus), "--budget", BUDGET, "--jobs", "3"]) == 1
    captured = capsys.readouterr()
    assert captured.out.encode("utf-8") == data
    assert captured.err.splitlines() == _expected_errors(stderr)


def test_dask_cluster_writes_the_same_bytes_and_messages(
    corpus: Path, one_process: tuple[bytes, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``--dask ADDRESS`` on a ``LocalCluster`` of two workers (the test extra installs
    ``saywho[dask]``, so this runs in ``make test``). Its workers are threads of this process
    (``processes=False``: it starts in a second, and detection is the same pure function
    wherever it runs); the client reaches it by its scheduler address, as on a real cluster."""
    from distributed import LocalCluster

    data, stderr = one_process
    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=False, protocol="tcp", host="127.0.0.1",
        dashboard_address=None,
    ) as cluster:
        code, got, err = _detect(corpus, tmp_path / "out.jsonl", capsys,
                                 "--dask", cluster.scheduler_address)
    assert code == 1
    assert got == data
    assert [line for line in err if line.startswith("saywho: ")] == _expected_errors(stderr)


def test_without_dask_one_clear_line(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed -> ImportError
    out = tmp_path / "out.jsonl"
    assert main(["detect", str(corpus), "--dask", "tcp://127.0.0.1:1", "--out", str(out)]) == 1
    assert capsys.readouterr().err == "saywho: install saywho[dask] for --dask\n"
    assert not out.exists() and not list(tmp_path.iterdir())


def test_bad_jobs_is_a_usage_error(corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["detect", str(corpus), "--jobs", "0"])
    assert caught.value.code == 2
    assert "--jobs: must be at least 1" in capsys.readouterr().err


# ----------------------------------------------------------------- the runner itself
def _docs(n: int, *, pulled: list[int] | None = None) -> Iterator[Document]:
    for i in range(n):
        if pulled is not None:
            pulled[0] += 1
        yield Document(f"d{i}", f"d{i}", _article(i % 40) + f"Number {i}.\n")


def test_order_kept_and_window_bounded() -> None:
    """Results come in input order, and the input is read at most a window ahead of them."""
    pulled = [0]
    ahead = 0
    ids = []
    for result in detect_many(_docs(600, pulled=pulled), jobs=2, budget_s=5):
        assert result.ok, result.error
        ids.append(result.doc.id)
        ahead = max(ahead, pulled[0] - len(ids))
    assert ids == [f"d{i}" for i in range(600)]
    window = 2 * WINDOW_PER_JOB * CHUNK_DOCS
    assert ahead <= window + CHUNK_DOCS + SMALL_INPUT_DOCS
    assert ahead > CHUNK_DOCS  # it did run ahead: workers were busy in parallel


def test_same_layers_as_one_process_and_pass_through_items_in_place() -> None:
    items = [f"item{i}" for i in range(60)]
    texts = {item: _article(i) for i, item in enumerate(items) if i % 4}

    def document_of(item: str) -> Document | None:
        return Document(item, item, texts[item]) if item in texts else None

    one = list(detect_each(items, document_of, jobs=1, budget_s=5))
    two = list(detect_each(items, document_of, jobs=2, budget_s=5))
    assert [item for item, _ in two] == items
    assert [r is None for _, r in two] == [item not in texts for item in items]
    assert [(r.layer, r.origin) if r else None for _, r in two] == [
        (r.layer, r.origin) if r else None for _, r in one
    ]


class CrashingDetector:
    """The rule detector, except that a text with CRASH kills its process (a segfault, the
    out-of-memory killer) and one with BUG raises."""

    version = "crashing@1"

    def detect(self, text: str) -> Suggestions:
        if "CRASH" in text:
            os._exit(3)
        if "BUG" in text:
            raise ValueError("a bug in the detector\nsecond line")
        return DEFAULT_DETECTOR.detect(text)


def test_a_dying_worker_loses_only_its_article() -> None:
    docs = [Document(f"d{i}", "t", _article(i)) for i in range(80)]
    docs[5] = Document("d5", "t", "CRASH " + _article(5))
    docs[47] = Document("d47", "t", "BUG " + _article(47))
    docs[70] = Document("d70", "t", "CRASH again " + _article(70))
    results = list(detect_many(docs, jobs=2, budget_s=5, detector=CrashingDetector()))
    assert [r.doc.id for r in results] == [d.id for d in docs]
    failed = {r.doc.id: r.error for r in results if not r.ok}
    assert failed == {
        "d5": CRASH_MESSAGE,
        "d47": "the detector failed (ValueError: a bug in the detector)",
        "d70": CRASH_MESSAGE,
    }
    good = [r for r in results if r.ok]
    assert len(good) == 77 and all(r.layer is not None and r.layer.quotes for r in good)
    assert all(r.origin == "crashing@1" or r.origin.startswith("saywho-rules@") for r in good)


def test_import_jobs_2_stores_the_same_suggestions(
    corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], pools: list[int]
) -> None:
    stored = {}
    for jobs in ("1", "2"):
        del pools[:]
        folder = tmp_path / f"p{jobs}"
        with Session.open(folder, "ann") as session:
            session.set_setting("detect_budget_s", float(BUDGET))
        code = main(["import", str(corpus), "--project", str(folder), "--annotator", "ann",
                     "--jobs", jobs, "--quiet"])
        err = capsys.readouterr().err
        assert code == 1
        assert f"a01-huge: skipped: detection took over {BUDGET} s" in err
        assert "a02-binary.txt" in err
        assert pools == ([] if jobs == "1" else [2])
        with Session.open(folder, "ann", read_only=True) as session:
            ids = session.document_ids()
            stored[jobs] = (ids, [session.layer(i, "suggestions") for i in ids], err)
    assert stored["1"][0] == stored["2"][0] and len(stored["1"][0]) == 30
    assert stored["1"][1] == stored["2"][1]
    assert sum(len(layer.quotes) for layer in stored["2"][1]) > 30
    assert stored["1"][2] == stored["2"][2]


def test_session_import_jobs_2_reports_like_one_process(
    tmp_path: Path, pools: list[int]
) -> None:
    docs = [Document(f"d{i}", "t", _article(i)) for i in range(30)]
    docs.insert(3, Document("big", "big", HUGE))
    docs.insert(10, Document("d1", "t", _article(1)))  # a repeat inside one import
    docs.insert(12, Document("d2", "t", "changed text"))  # same id, other text
    docs.insert(8, Document("d20", "t", _article(20)))  # new, and again later in this import
    reports = []
    for jobs in (1, 2):
        with Session.open(tmp_path / f"s{jobs}", "ann") as session:
            session.set_setting("detect_budget_s", float(BUDGET))
            session.import_documents(docs[:2])  # already there: unchanged next time
            reports.append(session.import_documents(iter(docs), jobs=jobs))
    one, two = reports
    assert pools == [2]
    assert (one.added, one.unchanged, one.failed) == (two.added, two.unchanged, two.failed)
    assert one.unchanged == ["d0", "d1", "d1", "d20"] and len(one.added) == 28
    assert [doc for doc, _ in one.failed] == ["big", "d2"]


def test_a_session_with_its_own_detector_detects_in_process(
    tmp_path: Path, pools: list[int]
) -> None:
    seen: list[str] = []

    def own(text: str) -> Layer:  # a closure: it could not be sent to a worker
        seen.append(text)
        return Layer(SUGGESTIONS_LAYER)

    docs = [Document(f"d{i}", "t", _article(i)) for i in range(20)]
    with Session.open(tmp_path / "p", "ann", detect=own) as session:
        report = session.import_documents(docs, jobs=2)
    assert pools == [] and len(seen) == 20 and len(report.added) == 20
