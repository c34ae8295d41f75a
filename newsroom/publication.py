"""The seam between review and publishing.

Review transitions call ``plan`` when a post is approved (or an approved post moves in time)
and ``cancel`` when an approval no longer holds. Publishing registers its implementation here,
so the review code does not depend on how deliveries work.
"""

from __future__ import annotations

from collections.abc import Callable

_planners: list[Callable] = []
_cancellers: list[Callable] = []


def register(*, plan: Callable, cancel: Callable) -> None:
    if plan not in _planners:
        _planners.append(plan)
    if cancel not in _cancellers:
        _cancellers.append(cancel)


def plan(post) -> None:
    for planner in _planners:
        planner(post)


def cancel(post) -> None:
    for canceller in _cancellers:
        canceller(post)
