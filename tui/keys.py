"""Bindings that change while a screen is open (the stance keys follow the scheme).

Textual has no public call to replace a screen's bindings after it is built, so this module is
the one place that touches the binding map: every caller goes through ``replace_bindings``.
"""

from __future__ import annotations

from collections.abc import Iterable

from textual.binding import Binding
from textual.dom import DOMNode


def replace_bindings(node: DOMNode, id_prefix: str, new: Iterable[Binding]) -> None:
    """Drop ``node``'s bindings whose id starts with ``id_prefix``, then add ``new`` before
    the bindings their keys have already: a key the project chose (a stance label's) wins
    over one saywho binds later to an action the palette also reaches."""
    keys = node._bindings.key_to_bindings
    for key in list(keys):
        kept = [b for b in keys[key] if not (b.id or "").startswith(id_prefix)]
        if kept:
            keys[key] = kept
        else:
            del keys[key]
    for binding in new:
        keys[binding.key] = [binding, *keys.get(binding.key, [])]
