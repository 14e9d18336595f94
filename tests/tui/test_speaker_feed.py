"""The speaker picker's corpus speakers (``tui.speaker_feed``): read in a worker once the reader
is up, a slice of documents at a time, keeping what this session edited meanwhile."""

from __future__ import annotations

import threading
from pathlib import Path

from pilot_helpers import settle
from seedproject import build_project
from textual.widgets import Input


async def test_the_speakers_are_read_in_a_worker_and_keep_an_edit_made_meanwhile(
    tmp_path: Path, run_app, monkeypatch
) -> None:
    """The first picker does not read the corpus (a worker did, once the reader was up); a
    speaker made while the worker was reading, in a document it had read already, is there
    when it lands (the document is read again)."""
    import annotations.registry as registry
    import tui.screens.reader as reader
    import tui.speaker_feed as feed

    monkeypatch.setattr(feed, "SLICE", 1)
    monkeypatch.setattr(reader, "SPEAKERS_PREFETCH_S", 0.01)
    from annotations.session import Session

    calls: list[list[str]] = []
    go = threading.Event()  # the worker reads the first document, then waits for the edit
    in_slice = threading.local()
    read = registry.registry_from_summaries
    session_read = Session.read

    def counted(doc_ids, *args, into=None):  # noqa: ANN001, ANN202
        calls.append(list(doc_ids) if into is not None else ["(whole, not in a worker)"])
        in_slice.now = into is not None
        return read(doc_ids, *args, into=into)

    def read_then_wait(self, fn):  # noqa: ANN001, ANN202
        out = session_read(self, fn)
        if getattr(in_slice, "now", False):  # after a slice, out of the session's lock
            in_slice.now = False
            go.wait(10)
        return out

    monkeypatch.setattr(registry, "registry_from_summaries", counted)
    monkeypatch.setattr(Session, "read", read_then_wait)
    folder = build_project(tmp_path / "p", extra_docs=2)
    async with run_app(folder) as pilot:
        await pilot.press("enter")  # the library lists "ice" first
        await pilot.pause(0.2)
        assert calls == [["ice"]]  # the worker has read "ice" and waits
        await pilot.press("S")
        pilot.app.screen.query_one(Input).value = "Zed Quill"
        await pilot.press("enter")
        await settle(pilot)
        go.set()
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        speakers = pilot.app.bridge.speaker_registry()
        assert "zed quill" in speakers and "kenney" in speakers
        assert calls == [["ice"], ["extra-1"], ["extra-2"]]  # the picker read nothing itself


async def test_an_import_of_many_documents_is_left_to_the_worker(
    tmp_path: Path, run_app, monkeypatch
) -> None:
    """Documents imported by another process: a few are read into the registry at once, many
    make it stale for a worker to read again (one layer read each on the UI thread held it
    up for seconds)."""
    import tui.speaker_feed as speaker_feed
    from annotations.session import Session

    folder = build_project(tmp_path / "p", extra_docs=2)
    async with run_app(folder) as pilot:
        feed = pilot.app.bridge.speakers
        feed.registry()
        reads: list[str] = []
        layer = Session.layer
        monkeypatch.setattr(Session, "layer", lambda self, d, n=None: reads.append(d) or
                            layer(self, d, n))
        feed.added(["extra-1", "extra-2"])
        assert sorted(reads) == ["extra-1", "extra-2"]
        reads.clear()
        feed.added([f"new-{i}" for i in range(speaker_feed.ADDED_AT_ONCE + 1)])
        assert reads == [] and feed._stale

