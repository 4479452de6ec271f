"""The rules of a corrective action, pure: its states, who may move it, and when.

`progress` is where the work stands; the shown `state` adds what the lifecycle found
(a plan overdue, an action escalated past its closure deadline), so an escalated action
whose evidence arrives is still shown escalated until it is verified closed.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Final

from standards.model import NonConformityRule


class State(StrEnum):
    OPEN = "open"
    PLAN_SUBMITTED = "plan_submitted"
    PLAN_ACCEPTED = "plan_accepted"
    EVIDENCE_SUBMITTED = "evidence_submitted"
    CLOSED = "closed"  # verified
    OVERDUE = "overdue"  # the plan was not submitted by its deadline
    ESCALATED = "escalated"  # not closed by its deadline
    WITHDRAWN = "withdrawn"  # an amendment of its assessment no longer finds it


FINISHED: Final = frozenset({State.CLOSED, State.WITHDRAWN})
# Provider steps: from which progress each is allowed, and where it leads.
SUBMIT_PLAN_FROM: Final = frozenset({State.OPEN, State.PLAN_SUBMITTED})
SUBMIT_EVIDENCE_FROM: Final = frozenset({State.PLAN_ACCEPTED, State.EVIDENCE_SUBMITTED})
MAX_TEXT: Final = 4000
MAX_FILES: Final = 20


def shown_state(progress: State, *, plan_overdue: bool, escalated: bool) -> State:
    if progress in FINISHED:
        return progress
    if escalated:
        return State.ESCALATED
    if plan_overdue and progress is State.OPEN:
        return State.OVERDUE
    return progress


def plan_overdue(progress: State, plan_due: dt.date | None, today: dt.date) -> bool:
    """No plan submitted and the plan's deadline day has passed."""
    return progress is State.OPEN and plan_due is not None and today > plan_due


def escalates(progress: State, close_by: dt.date | None, today: dt.date) -> bool:
    """Not closed and the closure deadline day has passed."""
    return progress not in FINISHED and close_by is not None and today > close_by


def suspends_on(close_by: dt.date | None, rule: NonConformityRule) -> dt.date | None:
    """The first day an escalated action suspends the certificate; None when it never does."""
    if close_by is None or rule.escalation_grace_days is None:
        return None
    return close_by + dt.timedelta(days=rule.escalation_grace_days + 1)


def secretariat_may_review(rule: NonConformityRule) -> bool:
    return bool(rule.secretariat_desk_review)


def needs_visit(rule: NonConformityRule) -> bool:
    return bool(rule.closure_visit_required)
