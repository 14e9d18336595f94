"""Test projects for the TUI: the seed article with a fixed, hand-built suggestions layer.

The layer is built here, not by the detector, so tests and snapshots do not change when the
detector improves. Offsets are found by searching the seed text.
"""

from __future__ import annotations

from pathlib import Path

from annotations.model import (
    SUGGESTIONS_LAYER,
    Cue,
    Document,
    Layer,
    Mention,
    Quote,
    Speaker,
)
from annotations.session import Session

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "seeds" / "ice-sanctuary-cities.txt"
ANNOTATOR = "tester"
DOC_ID = "ice"
TITLE = "ICE targets SoCal 'sanctuary' cities"

# (id, quote text, speaker id, confidence, type, cue, mention)
QUOTES = (
    ("q1", "ICE was forced to allocate more resources", "s3", 0.6, "indirect", "said", "Homan"),
    ("q2", "As I've stated many times", "s1", 0.9, "direct", "said", "Kenney"),
    (
        "q3",
        "when our immigrant communities can not trust law enforcement, they are less likely "
        "to want to work with them to fight crime",
        "s1", 0.8, "direct", None, None,
    ),
    (
        "q4",
        "Laws created under the guise to protect immigrants who are here to better their lives "
        "are being used by criminal elements to protect themselves",
        "s2", 0.4, "direct", "said", "Jorge Field",
    ),
    ("q5", "Public safety is about all of us being safe", "s4", 0.3, "direct", "said", "Almiron"),
)
SPEAKERS = (("s1", "Kenney"), ("s2", "Jorge Field"), ("s3", "Homan"), ("s4", "Almiron"))


def seed_text() -> str:
    """The seed article."""
    return SEED.read_text(encoding="utf-8")


def fixed_layer(text: str) -> Layer:
    """The suggestions layer every TUI test starts from."""
    quotes = {}
    for qid, quote, spk, conf, typ, cue, mention in QUOTES:
        start = text.index(quote)
        end = start + len(quote)
        cue_obj = mention_obj = None
        if cue:
            at = text.index(cue, max(0, start - 120))
            cue_obj = Cue(at, at + len(cue), cue, cue)
        if mention:
            at = text.index(mention, max(0, start - 120))
            mention_obj = Mention(at, at + len(mention), mention)
        quotes[qid] = Quote(
            qid, start, end, quote, typ, cue=cue_obj, speaker_id=spk,
            speaker_mention=mention_obj, confidence={"span": conf, "speaker": conf},
            origin="fixture@1",
        )
    speakers = {}
    for sid, name in SPEAKERS:
        mentions = tuple(
            Mention(i, i + len(name), name) for i in _find_all(text, name)
        )
        speakers[sid] = Speaker(sid, name, "person", (), mentions)
    return Layer(SUGGESTIONS_LAYER, quotes, speakers)


def _find_all(text: str, word: str) -> list[int]:
    found, at = [], text.find(word)
    while at >= 0:
        found.append(at)
        at = text.find(word, at + 1)
    return found


def build_project(folder: Path, *, text: str | None = None, extra_docs: int = 0) -> Path:
    """Create a project in ``folder`` with the seed (or ``text``) and the fixed layer."""
    text = seed_text() if text is None else text
    with open_project(folder) as session:
        session.import_documents([Document(DOC_ID, TITLE, text)])
        if text == seed_text():
            session.put_layer(DOC_ID, fixed_layer(text), replace=True)
        for i in range(extra_docs):
            session.import_documents([Document(f"extra-{i + 1}", f"Second article {i + 1}",
                                               f"Mayor Smith said \"we will comply\" on day {i}.")])
    return folder


def open_project(folder: Path, *, read_only: bool = False) -> Session:
    """Open a session on a test project for the fixed annotator (no detector: fixed layers)."""
    return Session.open(folder, ANNOTATOR, read_only=read_only,
                        detect=lambda t: Layer(SUGGESTIONS_LAYER))


def saved_layer(folder: Path, doc_id: str = DOC_ID, layer: str | None = None) -> Layer:
    """A layer (default: the annotator's) as it is on disk (a fresh read-only open)."""
    with open_project(folder, read_only=True) as project:
        return project.layer(doc_id, layer)
