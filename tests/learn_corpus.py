"""Made-up articles for the project-model tests, and the researcher's corrections of them.

Each article has a mayor who says that something will happen (an indirect quote whose span
the rules start with "that"), a direct quote, two belief clauses ("Critics believe that …",
"Residents think that …") the rules suggest as quotes, and a council member who says that
something else happened. The researcher of these tests counts speech only (belief clauses are
rejected) and starts indirect quotes after "that". Suggestions come from saywho's rules.
"""

from __future__ import annotations

from pathlib import Path

from annotations.edits import Edit, RejectQuote, SetSpan
from annotations.model import Document, Layer
from annotations.session import Session

TOWNS = (
    ("Ann Lee", "Springfield", "bridge"),
    ("Tom Reyes", "Shelbyville", "tunnel"),
    ("Mia Chen", "Ogdenville", "school"),
    ("Bo Diaz", "Capital City", "park"),
    ("Eva Stone", "North Haverbrook", "library"),
    ("Raj Patel", "Brockway", "stadium"),
    ("Lin Wu", "Cypress Creek", "harbour"),
    ("Ada Moss", "Rivertown", "market"),
)
BELIEFS = ("costs too much", "was rushed")


def article(i: int) -> Document:
    """Made-up article ``i`` (0 to 7), id ``a<i>``."""
    name, town, thing = TOWNS[i]
    text = (f"The mayor of {town}, {name}, said that the city would build a new {thing} next "
            f'year. "We need it," {name.split()[1]} said. Critics believe that the {thing} '
            "costs too much. Residents think that the vote was rushed. Council member Lou "
            "Park said that the budget was ready.")
    return Document(f"a{i}", f"A new {thing} for {town}", text)


def build(folder: Path, n: int = 8, annotator: str = "tester") -> Path:
    """A project of ``n`` made-up articles, suggested by the rules."""
    with Session.open(folder, annotator) as session:
        report = session.import_documents(article(i) for i in range(n))
        assert len(report.added) == n
    return folder


def corrections(text: str, layer: Layer, *, consistent: bool = True,
                index: int = 0) -> list[Edit]:
    """The researcher's edits of one article: belief clauses rejected, "that " trimmed from
    the start of indirect quotes. ``consistent=False``: odd articles reject the speech
    instead and keep the beliefs (a project whose corrections teach nothing)."""
    edits: list[Edit] = []
    doc_id = f"a{index}"
    for q in layer.sorted_quotes():
        belief = any(b in text[q.start:q.end] for b in BELIEFS)
        if not consistent:
            if belief == (index % 2 == 0):
                edits.append(RejectQuote(doc_id, q.id))
            continue
        if belief:
            edits.append(RejectQuote(doc_id, q.id))
        elif text[q.start:q.start + 5] == "that ":
            edits.append(SetSpan(doc_id, q.id, q.start + 5, q.end))
    return edits


def correct(session: Session, index: int, *, consistent: bool = True,
            done: bool = True) -> None:
    """Correct article ``index`` in ``session`` and mark it done."""
    from annotations import team

    doc_id = f"a{index}"
    text = session.document(doc_id).text
    for edit in corrections(text, session.layer(doc_id), consistent=consistent, index=index):
        session.apply(edit)
    if done:
        team.set_status(session, doc_id, team.DONE)
