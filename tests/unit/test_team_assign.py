"""Planning assignments (``annotations.team.plan_assignment``): pure, no project needed."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping

import pytest

from annotations.errors import AssignmentError
from annotations.team import AssignmentPlan, parse_overlap, plan_assignment

DOCS = [f"doc{i:02d}" for i in range(20)]
TEAM = ["ana", "ben", "cy", "dee"]


def loads(assignment: Mapping[str, tuple[str, ...]], names: list[str]) -> Counter[str]:
    counts: Counter[str] = Counter({n: 0 for n in names})
    counts.update(n for ns in assignment.values() for n in ns)
    return counts


def spread(plan: AssignmentPlan) -> int:
    values = list(plan.loads().values())
    return max(values) - min(values)


@pytest.mark.parametrize(
    ("n_docs", "team", "n"),
    [(20, TEAM, 2), (7, TEAM, 3), (13, TEAM[:3], 1), (5, TEAM, 4), (1, TEAM, 2)],
)
def test_per_document_gives_each_document_n_distinct_annotators_balanced(
    n_docs: int, team: list[str], n: int
) -> None:
    docs = DOCS[:n_docs]
    plan = plan_assignment(docs, team, per_document=n, seed=3)
    assert list(plan.assignment) == docs and plan.added == tuple(docs)
    for names in plan.assignment.values():
        assert len(names) == n and len(set(names)) == n and set(names) <= set(team)
    assert spread(plan) <= 1
    assert sum(plan.loads().values()) == n * n_docs
    assert plan.new_loads() == plan.loads()


def test_overlap_k_documents_go_to_everyone_and_the_rest_is_split_evenly() -> None:
    plan = plan_assignment(DOCS, TEAM[:3], overlap=5, seed=1)
    shared = [d for d, ns in plan.assignment.items() if len(ns) == 3]
    single = [d for d, ns in plan.assignment.items() if len(ns) == 1]
    assert len(shared) == 5 and len(single) == 15 and set(plan.overlap_added) == set(shared)
    assert all(plan.assignment[d] == ("ana", "ben", "cy") for d in shared)
    rest = loads({d: plan.assignment[d] for d in single}, TEAM[:3])
    assert max(rest.values()) - min(rest.values()) <= 1
    assert spread(plan) <= 1
    assert plan.loads() == {"ana": 10, "ben": 10, "cy": 10}  # 5 shared + 15 / 3 each


def test_overlap_fraction_and_its_spellings() -> None:
    plan = plan_assignment(DOCS, TEAM, overlap=0.2, seed=1)
    assert len(plan.overlap_added) == 4  # 20 % of 20 documents
    assert sum(1 for ns in plan.assignment.values() if len(ns) == len(TEAM)) == 4
    assert spread(plan) <= 1
    assert parse_overlap("0.2") == 0.2 and parse_overlap("20%") == 0.2
    assert parse_overlap("5") == 5 and isinstance(parse_overlap("5"), int)
    assert parse_overlap("1.0") == 1.0 and isinstance(parse_overlap("1.0"), float)
    every = plan_assignment(DOCS[:6], TEAM, overlap=1.0)
    assert all(len(ns) == len(TEAM) for ns in every.assignment.values())
    for bad in ("x", "1.5", "-1", "0%", ""):
        with pytest.raises(AssignmentError):
            parse_overlap(bad)


def test_same_seed_same_plan_other_seed_other_plan() -> None:
    for kwargs in ({"per_document": 2}, {"overlap": 4}, {"overlap": 0.3}):
        a = plan_assignment(DOCS, TEAM, **kwargs, seed=11)  # type: ignore[arg-type]
        b = plan_assignment(DOCS, TEAM, **kwargs, seed=11)  # type: ignore[arg-type]
        c = plan_assignment(DOCS, TEAM, **kwargs, seed=12)  # type: ignore[arg-type]
        assert a == b
        assert dict(a.assignment) != dict(c.assignment)


def test_a_rerun_after_new_documents_assigns_only_those_and_stays_balanced() -> None:
    first = plan_assignment(DOCS[:9], TEAM[:3], per_document=2, seed=5)
    later = plan_assignment(DOCS, TEAM[:3], first.assignment, per_document=2, seed=5)
    for doc, names in first.assignment.items():
        assert later.assignment[doc] == names
    assert later.added == tuple(DOCS[9:])
    assert sum(later.new_loads().values()) == 2 * 11
    assert spread(later) <= 1
    again = plan_assignment(DOCS, TEAM[:3], later.assignment, per_document=3, seed=99)
    assert again.added == () and dict(again.assignment) == dict(later.assignment)


def test_a_rerun_tops_the_overlap_up_and_no_more() -> None:
    first = plan_assignment(DOCS[:10], TEAM[:3], overlap=0.2, seed=2)
    assert len(first.overlap_added) == 2
    later = plan_assignment(DOCS, TEAM[:3], first.assignment, overlap=0.2, seed=2)
    assert len(later.overlap_added) == 2  # 4 of 20 in all: 2 were there
    assert set(later.added) == set(DOCS[10:])
    assert all(later.assignment[d] == first.assignment[d] for d in DOCS[:10])
    assert spread(later) <= 1


def test_a_new_annotator_catches_up_and_unknown_entries_are_kept() -> None:
    existing = {d: ("ana",) for d in DOCS[:4]} | {"gone": ("zed",)}
    plan = plan_assignment(DOCS[:8], ["ana", "ben"], existing, per_document=1, seed=0)
    assert [plan.assignment[d] for d in DOCS[4:8]] == [("ben",)] * 4
    assert plan.assignment["gone"] == ("zed",)
    assert plan.loads()["ana"] == 4 and plan.loads()["ben"] == 4


@pytest.mark.parametrize(
    ("annotators", "kwargs", "message"),
    [
        ([], {"per_document": 1}, "no annotators"),
        (["ana", "ben"], {"per_document": 3}, "only 2 named"),
        (["ana", "ben"], {"per_document": 0}, "at least one"),
        (["ana", "ben"], {}, "either"),
        (["ana", "ben"], {"per_document": 1, "overlap": 2}, "either"),
        (["ana", "ben"], {"overlap": 21}, "more than the 20"),
        (["ana", "ben"], {"overlap": 1.5}, "fraction"),
        (["ana", "ana"], {"per_document": 1}, "named twice"),
        (["ana", " "], {"per_document": 1}, "blank"),
        (["ana", "suggestions"], {"per_document": 1}, "layer of its own"),
        (["ana", "Ana"], {"per_document": 1}, "only in capitals"),
    ],
)
def test_invalid_requests_are_one_clear_error(
    annotators: list[str], kwargs: dict[str, object], message: str
) -> None:
    with pytest.raises(AssignmentError, match=message) as failed:
        plan_assignment(DOCS, annotators, **kwargs)  # type: ignore[arg-type]
    assert "\n" not in failed.value.message
