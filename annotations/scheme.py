"""Editing a project's stance scheme without losing a single annotation.

Renaming a label carries its annotations to the new name in every layer of every document;
removing a label that is in use needs an explicit replacement (or ``None``, to clear it) and
reports how many quotes it touched; every change is journaled. Each step keeps the project
consistent if it is killed midway: a renamed label is added to the scheme before any quote
moves to it, and the old one leaves the scheme only after the last quote has moved; the rename
is noted in the settings meanwhile, so running it again finishes it. A label's key must avoid
the keys the interface binds to other actions: the caller passes those in, since the domain
knows no key table.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable
from dataclasses import replace
from typing import TYPE_CHECKING

from annotations.errors import InputError
from annotations.model import Layer, StanceLabel, StanceScheme
from annotations.store import Project
from annotations.store.journal import DOC_TARGET_OP

if TYPE_CHECKING:
    from annotations.layer_summary import LayerSummary

PENDING_RENAME = "pending_label_rename"
"""The setting that notes a label rename under way, so an interrupted one can be finished."""


def label_usage(project: Project) -> Counter[str]:
    """How many quotes carry each stance label, over every layer of every document: what a
    rename or a removal touches (``layer_label_usage`` counts one layer, the one in view).
    Counted from the corpus index (``Project.layer_summaries``), as ``layer_label_usage``."""
    return layer_label_usage(summary for _, _, summary in project.layer_summaries())


def labels_outside(scheme: StanceScheme, layers: Iterable[Layer]) -> Counter[str]:
    """How many quotes of ``layers`` carry each stance label ``scheme`` does not have (a gold
    file or another tool's export coded with its own labels): kept as they are, but no key
    assigns them until the scheme has them."""
    known = set(scheme.names)
    counts: Counter[str] = Counter()
    for layer in layers:
        counts.update(q.stance for q in layer.quotes.values() if q.stance and q.stance not in known)
    return counts


def layer_label_usage(summaries: Iterable[LayerSummary]) -> Counter[str]:
    """How many quotes carry each stance label in one layer, summed over its documents'
    summaries (``annotations.layer_summary``: one per document, no layer read). Every quote
    counts, rejected ones too: the label is on it and a rename carries it."""
    counts: Counter[str] = Counter()
    for summary in summaries:
        for group in summary.groups:
            if group.stance:
                counts[group.stance] += group.count
    return counts


def _relabel(project: Project, old: str, new: str | None) -> int:
    """Give every quote labelled ``old`` the label ``new``, in every layer the corpus index
    says carries ``old`` (checked against the files: ``Project.layer_summaries``); only those
    layers are read, each again under the document's lock."""
    moved = 0
    carrying = [(doc_id, name) for doc_id, name, summary in project.layer_summaries()
                if any(g.stance == old for g in summary.groups)]
    for doc_id, name in carrying:
        with project.exclusive(doc_id):  # read again: a teammate's edit lands before or after
            layer = project.layer(doc_id, name)
            hits = {k: q for k, q in layer.quotes.items() if q.stance == old}
            if not hits:
                continue
            quotes = dict(layer.quotes)
            for k, q in hits.items():
                quotes[k] = replace(q, stance=new)
            project.put_layer(doc_id, replace(layer, quotes=quotes))
        moved += len(hits)
    return moved


def add_label(project: Project, name: str, key: str | None = None) -> StanceScheme:
    """Add a label (with the next free number key unless one is given)."""
    scheme = project.scheme
    clean = name.strip()
    if not clean:
        raise InputError("a stance label needs a name")
    if clean in scheme.names:
        raise InputError(f"the scheme already has a label {clean!r}")
    taken = {lb.key for lb in scheme.labels}
    key = key or next((str(i) for i in range(1, 10) if str(i) not in taken), "")
    updated = replace(scheme, labels=(*scheme.labels, StanceLabel(clean, key)))
    project.set_scheme(updated)
    project.record("scheme", f"add label {clean}", {"scheme": updated.to_dict()})
    return updated


def rename_label(project: Project, old: str, new: str) -> int:
    """Rename a label and carry every annotation with it; return how many quotes moved.

    Resumable: the rename is noted in the settings before anything moves and the note is
    cleared once it is done, so running the same rename again after a kill finishes it (and
    reports the quotes it still had to move). Another rename waits until that one is finished.
    """
    scheme = project.scheme
    new = new.strip()
    pending = project.settings.get(PENDING_RENAME)
    if pending == {"old": old, "new": new}:
        if old not in scheme.names and new not in scheme.names:
            project.set_setting(PENDING_RENAME, None)
            raise InputError(f"the scheme has no label {old!r}")
    else:
        if isinstance(pending, dict) and pending.get("old") in scheme.names:
            raise InputError(
                f"the rename of {pending.get('old')!r} to {pending.get('new')!r} was "
                "interrupted: run it again to finish it first"
            )
        if old not in scheme.names:
            raise InputError(f"the scheme has no label {old!r}")
        if not new or new in scheme.names:
            raise InputError(f"cannot rename {old!r} to {new!r}: empty or already a label")
        project.set_setting(PENDING_RENAME, {"old": old, "new": new})
    if new not in scheme.names:
        label = next(lb for lb in scheme.labels if lb.name == old)
        scheme = replace(scheme, labels=(*scheme.labels, replace(label, name=new, key="")))
        project.set_scheme(scheme)
    moved = _relabel(project, old, new)
    if old in scheme.names:
        project.set_scheme(
            replace(
                scheme,
                labels=tuple(
                    replace(lb, name=new) if lb.name == old else lb
                    for lb in scheme.labels
                    if lb.name != new
                ),
            )
        )
    project.record(
        "scheme", f"rename label {old} to {new}", {"old": old, "new": new, "moved": moved}
    )
    project.set_setting(PENDING_RENAME, None)
    return moved


def remove_label(
    project: Project, name: str, *, replace_with: str | None = None, confirm: bool = False
) -> int:
    """Remove a label. In use, it needs ``confirm=True``; its quotes get ``replace_with``.

    Returns how many quotes changed. Raises ``InputError`` (with the count) when the label is
    in use and not confirmed: the caller asks the user first.
    """
    scheme = project.scheme
    if name not in scheme.names:
        raise InputError(f"the scheme has no label {name!r}")
    if replace_with is not None and (replace_with not in scheme.names or replace_with == name):
        raise InputError(f"cannot move {name!r} quotes to {replace_with!r}")
    used = label_usage(project)[name]
    if used and not confirm:
        raise InputError(
            f"{used} quotes are labelled {name!r}; confirm to move them to "
            f"{replace_with or 'no stance'}"
        )
    moved = _relabel(project, name, replace_with) if used else 0
    updated = replace(scheme, labels=tuple(lb for lb in scheme.labels if lb.name != name))
    project.set_scheme(updated)
    project.record(
        "scheme", f"remove label {name}", {"name": name, "moved_to": replace_with, "moved": moved}
    )
    return moved


def set_label_key(
    project: Project, name: str, key: str, reserved: Collection[str] = ()
) -> StanceScheme:
    """Give label ``name`` the key ``key``: one letter or digit, not another label's key and
    not one of ``reserved`` (the keys the caller's interface binds to other actions)."""
    key = key.strip()
    scheme = project.scheme
    if name not in scheme.names:
        raise InputError(f"the scheme has no label {name!r}")
    if len(key) != 1 or not key.isalnum():
        raise InputError(f"a stance key is one letter or digit, not {key!r}")
    other = scheme.by_key(key)
    if other is not None and other != name:
        raise InputError(f"key {key!r} already sets {other!r}")
    if key in reserved:
        raise InputError(f"key {key!r} is taken by another reader action")
    updated = replace(scheme, labels=tuple(
        replace(lb, key=key) if lb.name == name else lb for lb in scheme.labels
    ))
    project.set_scheme(updated)
    project.record("scheme", f"key {key} for {name}", {"scheme": updated.to_dict()})
    return updated


def document_target(project: Project, doc_id: str) -> str:
    """What stance is about in ``doc_id``: its own target, else the project's."""
    return project.info(doc_id).target or project.scheme.target


def set_document_target(project: Project, doc_id: str, target: str) -> None:
    """Give ``doc_id`` its own stance target (blank: the project's again). A change is
    journaled (``op: "doc-target"``, before and after) by the process that keeps the
    annotator's journal, for the history and for undo (``store.doc_steps``)."""
    before, row = project.set_document_target(doc_id, " ".join(target.split()))
    after = row.target
    if after != before and not project.read_only:
        project.record(DOC_TARGET_OP, f"stance target of {doc_id}",
                       {"doc": doc_id, "before": before, "after": after})


def set_target(project: Project, target: str) -> None:
    """Change what stance is about."""
    updated = replace(project.scheme, target=target.strip() or project.scheme.target)
    project.set_scheme(updated)
    project.record("scheme", "set target", {"target": updated.target})
