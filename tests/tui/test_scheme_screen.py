"""Scheme editing in the TUI: rename keeps every annotation, remove asks first, keys follow."""

from __future__ import annotations

from dataclasses import replace

from pilot_helpers import settle
from seedproject import ANNOTATOR, DOC_ID, fixed_layer, open_project, seed_text
from textual.widgets import Input

from annotations.scheme import label_usage

STANCES = {"q1": "oppose", "q2": "support", "q3": "support", "q4": "oppose"}


def labelled(folder) -> None:
    """The annotator's layer and a second layer 'bo', both with stances."""
    base = fixed_layer(seed_text())
    quotes = {k: replace(q, stance=STANCES.get(k)) for k, q in base.quotes.items()}
    with open_project(folder) as project:
        project.put_layer(DOC_ID, replace(base, name=ANNOTATOR, quotes=quotes))
        project.put_layer(DOC_ID, replace(base, name="bo", quotes=quotes))


def stances(folder, layer: str) -> dict[str, str | None]:
    with open_project(folder, read_only=True) as project:
        return {k: q.stance for k, q in project.layer(DOC_ID, layer).quotes.items()}


async def finish(pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    await settle(pilot)


async def answer(pilot, text: str) -> None:
    pilot.app.screen.query_one(Input).value = text
    await pilot.press("enter")
    await finish(pilot)


async def test_rename_keeps_annotations_and_key(folder, run_app):
    from tui.screens.scheme import SchemeScreen

    labelled(folder)
    async with run_app(folder) as pilot:
        await pilot.press("K")
        assert isinstance(pilot.app.screen, SchemeScreen)
        await pilot.press("down", "r")  # oppose
        await answer(pilot, "against")
        assert pilot.app.screen.scheme.names == ("support", "against", "neutral", "unclear")
        await pilot.press("escape", "n", "n", "n", "n", "2")  # q5 in the reader: key 2
        await settle(pilot)
    for layer in (ANNOTATOR, "bo"):
        got = stances(folder, layer)
        assert got["q1"] == got["q4"] == "against"
        assert got["q2"] == got["q3"] == "support"
    assert stances(folder, ANNOTATOR)["q5"] == "against"
    with open_project(folder, read_only=True) as project:
        assert "oppose" not in label_usage(project.project)


async def test_remove_in_use_asks_first(folder, run_app):
    from tui.screens.scheme import ReplacementPicker

    labelled(folder)
    async with run_app(folder) as pilot:
        await pilot.press("K", "d")  # support: on 4 quotes over two layers
        assert isinstance(pilot.app.screen, ReplacementPicker)
        assert pilot.app.screen.count == 4
        await pilot.press("escape")  # keep it
        await finish(pilot)
        assert "support" in pilot.app.session.scheme.names
        await pilot.press("d", "down", "enter")  # move them to neutral
        await finish(pilot)
        assert pilot.app.session.scheme.names == ("oppose", "neutral", "unclear")
    for layer in (ANNOTATOR, "bo"):
        got = stances(folder, layer)
        assert got["q2"] == got["q3"] == "neutral" and got["q1"] == "oppose"


def assert_refused(pilot, why: str) -> None:  # noqa: ANN001
    """A refused change is said once; the status bar keeps saying what is on disk."""
    assert why in pilot.app.bridge.last.error.message
    assert pilot.app.bridge.save_state.state != "error"


async def test_change_key_rebinds_reader(folder, run_app):
    labelled(folder)
    async with run_app(folder) as pilot:
        await pilot.press("K", "down", "down", "k")  # neutral
        await answer(pilot, "z")
        await pilot.press("down", "k")  # unclear: `a` is the reader's accept key
        await answer(pilot, "a")
        assert_refused(pilot, "taken")
        await pilot.press("escape", "z")
        await settle(pilot)
    assert stances(folder, ANNOTATOR)["q1"] == "neutral"


async def test_stance_key_cannot_take_a_review_key(folder, run_app):
    """`o` opens the reader and `X` rejects in the review queue: not free for a stance."""
    labelled(folder)
    async with run_app(folder) as pilot:
        await pilot.press("K", "down", "down", "k")  # neutral
        await answer(pilot, "o")
        assert_refused(pilot, "taken")
        await pilot.press("k")
        await answer(pilot, "X")
        assert_refused(pilot, "taken")
    with open_project(folder, read_only=True) as project:
        assert project.scheme.by_key("o") is None and project.scheme.by_key("X") is None


def shown_counts(screen) -> dict[str, int]:  # noqa: ANN001
    """Label -> the count the scheme screen shows beside it (read from its rows)."""
    from tui.widgets.rowlist import RowList

    rows = screen.query_one("#labels", RowList)
    out = {}
    for i in range(len(rows.rows)):
        _key, name, count, _word = rows.row(i).plain.split()
        out[name] = int(count)
    return out


def two_layers(folder) -> None:
    """The annotator's layer: q1, q4 oppose and q2, q3 support; layer 'bo': every quote
    support. Counted together (0.1's rule) support would read 7."""
    base = fixed_layer(seed_text())
    own = {k: replace(q, stance=STANCES.get(k)) for k, q in base.quotes.items()}
    bo = {k: replace(q, stance="support") for k, q in base.quotes.items()}
    with open_project(folder) as project:
        project.put_layer(DOC_ID, replace(base, name=ANNOTATOR, quotes=own))
        project.put_layer(DOC_ID, replace(base, name="bo", quotes=bo))


async def test_counts_are_the_layer_in_view(folder, run_app):
    """Issue 12, problem 10: the scheme screen counted the quotes of every layer together.
    It counts the layer in view, says which, and counts again when another layer is opened."""
    from tui.screens.scheme import ReplacementPicker, SchemeScreen

    two_layers(folder)
    async with run_app(folder) as pilot:
        await pilot.press("K")
        screen = pilot.app.screen
        assert isinstance(screen, SchemeScreen)
        assert shown_counts(screen) == {"support": 2, "oppose": 2, "neutral": 0, "unclear": 0}
        head = str(screen.query_one("#scheme-head").render())
        assert f"layer {ANNOTATOR}" in head
        assert f"layer {ANNOTATOR}" in str(screen.query_one("#labels").border_title)

        await pilot.press("l", "down", "enter")  # open layer bo
        await settle(pilot)
        assert pilot.app.screen is screen
        assert shown_counts(screen) == {"support": 5, "oppose": 0, "neutral": 0, "unclear": 0}
        assert "layer bo" in str(screen.query_one("#scheme-head").render())

        # removing a label touches every layer: the question says both numbers
        await pilot.press("d")  # support
        picker = pilot.app.screen
        assert isinstance(picker, ReplacementPicker)
        assert picker.count == 7 and picker.in_view == ("bo", 5)
        title = str(picker.query_one("#dialog-title").render())
        assert "7 quotes in every layer" in title and "5 in layer bo" in title
        await pilot.press("escape")
        await finish(pilot)
