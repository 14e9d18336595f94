"""ActionCommands: the command palette lists every described binding of the current screen."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content

from annotations.display import visible_line


class ActionCommands(Provider):
    """Every action of the screen the palette was opened on (and the app's)."""

    def _actions(self) -> list[tuple[str, str, object]]:
        """(description, its keys, how to run it) of each described action; an action bound
        to several keys (redo: ctrl+r and U) lists them all."""
        screen = self.screen
        seen: dict[str, tuple[list[str], object]] = {}
        for key, active in screen.active_bindings.items():
            binding = active.binding
            if not binding.description:
                continue
            display = binding.key_display or self.app.get_key_display(binding) or key
            got = seen.get(binding.description)
            if got is None:
                seen[binding.description] = ([display], partial(self._run, binding.action,
                                                                 active.node))
            elif display not in got[0]:
                got[0].append(display)
        return [(description, " or ".join(keys), run)
                for description, (keys, run) in seen.items()]

    async def _run(self, action: str, node: object) -> None:
        await self.app.run_action(action, node)  # type: ignore[arg-type]

    async def discover(self) -> Hits:
        """All actions, for the empty palette."""
        for description, key, run in self._actions():
            yield DiscoveryHit(Content(visible_line(description)), run,  # type: ignore[arg-type]
                               text=description, help=f"key: {key}")

    async def search(self, query: str) -> Hits:
        """Actions whose description matches ``query``."""
        matcher = self.matcher(query)
        for description, key, run in self._actions():
            score = matcher.match(description)
            if score > 0:
                # a stance label's description may hold brackets: never parse it as markup
                shown = (matcher.highlight(description) if description.isprintable()
                         and "[" not in description else Content(visible_line(description)))
                yield Hit(score, shown, run, text=description,  # type: ignore[arg-type]
                          help=f"key: {key}")
