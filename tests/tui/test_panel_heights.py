"""The side column shares its rows by need: on a tall terminal every speaker shows when the
quote list keeps the rows its quotes need; on a small one the quote list keeps its rows and the
speakers panel its five. At 200x60 the seed's eight speakers showed five behind a scrollbar
above thirty empty quote rows."""

from __future__ import annotations

from pathlib import Path

from pilot_helpers import running
from seedproject import DOC_ID, build_project, open_project

from annotations.model import SUGGESTIONS_LAYER, Layer, Quote, Speaker
from tui.widgets.quotes import QuoteList
from tui.widgets.speakers import SpeakerList

SPEAKERS = 9


def many_speakers(folder: Path) -> Path:
    lines = [f'"Plan {i} will work," said Mayor Person{i} Smith.' for i in range(SPEAKERS)]
    text = "\n\n".join(lines)
    build_project(folder, text=text)
    quotes, speakers = {}, {}
    at = 0
    for i, line in enumerate(lines):
        start = text.index(line, at) + 1
        end = start + len(f"Plan {i} will work,")
        quotes[f"q{i + 1}"] = Quote(f"q{i + 1}", start, end, text[start:end], "direct",
                                    speaker_id=f"s{i + 1}", confidence={"span": 0.9})
        speakers[f"s{i + 1}"] = Speaker(f"s{i + 1}", f"Person{i} Smith", "person")
        at = end
    with open_project(folder) as session:
        session.put_layer(DOC_ID, Layer(SUGGESTIONS_LAYER, quotes, speakers), replace=True)
    return folder


async def test_a_tall_terminal_shows_every_speaker_and_a_small_one_keeps_the_quotes(
    tmp_path: Path,
) -> None:
    folder = many_speakers(tmp_path / "p")
    async with running(folder, size=(200, 60)) as pilot:
        await pilot.pause()
        speakers = pilot.app.screen.query_one(SpeakerList)
        quotes = pilot.app.screen.query_one(QuoteList)
        assert len(speakers.rows) == SPEAKERS
        assert speakers.scrollable_content_region.height >= SPEAKERS  # no scrollbar needed
        assert quotes.scrollable_content_region.height >= len(quotes.rows)
    async with running(folder, size=(80, 24)) as pilot:
        await pilot.pause()
        speakers = pilot.app.screen.query_one(SpeakerList)
        quotes = pilot.app.screen.query_one(QuoteList)
        assert speakers.outer_size.height == 7  # its five rows and the border
        assert quotes.scrollable_content_region.height >= 5
