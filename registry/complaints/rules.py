"""The complaints and appeals process as pure rules: states, moves, outcomes, categories and
clocks. No storage and no clock of its own, so the rules can be read, tested and re-run on
their own (the use cases beside this module apply them).

The clocks are REM-2 of the core-rights standard, applied to the registry itself: a
complaint is acknowledged within 7 days of receipt and resolved within 60. An outcome (and
a refusal, suspension or revocation) may be appealed within 30 days.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Final

ACKNOWLEDGE_DAYS: Final = 7
RESOLVE_DAYS: Final = 60
APPEAL_WINDOW_DAYS: Final = 30
SUBSTANTIATED_WINDOW_DAYS: Final = 730  # "in the last 24 months" of the public statistics


class CaseState(StrEnum):
    RECEIVED = "received"
    ACKNOWLEDGED = "acknowledged"
    INVESTIGATING = "investigating"  # a handler is assigned, questions or an audit under way
    CLOSED = "closed"


S = CaseState
# Re-opening (closed -> investigating) happens only when an appeal or a complainant's
# review overturns the outcome: `appeals.decide` is its one caller.
TRANSITIONS: Final[Mapping[CaseState, frozenset[CaseState]]] = {
    S.RECEIVED: frozenset({S.ACKNOWLEDGED, S.CLOSED}),
    S.ACKNOWLEDGED: frozenset({S.INVESTIGATING, S.CLOSED}),
    S.INVESTIGATING: frozenset({S.CLOSED}),
    S.CLOSED: frozenset({S.INVESTIGATING}),
}
OPEN_STATES: Final = frozenset({S.RECEIVED, S.ACKNOWLEDGED, S.INVESTIGATING})


def may_move(current: CaseState, to: CaseState) -> bool:
    return to in TRANSITIONS[current]


class Outcome(StrEnum):
    SUBSTANTIATED = "substantiated"
    PARTLY_SUBSTANTIATED = "partly_substantiated"
    NOT_SUBSTANTIATED = "not_substantiated"
    OUTSIDE_SCOPE = "outside_scope"
    WITHDRAWN = "withdrawn"


# Remedy may be ordered, and a suspension upheld, only where the facts were found.
REMEDY_OUTCOMES: Final = frozenset({Outcome.SUBSTANTIATED, Outcome.PARTLY_SUBSTANTIATED})


class Category(StrEnum):
    """What a complaint alleges, each mapped to a category of the core-rights standard."""

    FEES = "fees"
    DOCUMENTS = "documents"
    CONTRACT = "contract"
    CONSENT = "consent"
    AGE_DISCRIMINATION = "age_discrimination"
    WAGES = "wages"
    MOVEMENT = "movement"
    DATA = "data"
    COMPLAINT_HANDLING = "complaint_handling"
    RETALIATION = "retaliation"  # REM-3: punished for complaining is itself a complaint
    ASSOCIATION = "association"
    SUBAGENTS = "subagents"
    LICENCE = "licence"
    OTHER = "other"


STANDARD_CATEGORY: Final[Mapping[Category, str | None]] = {
    Category.FEES: "FEE",
    Category.DOCUMENTS: "DOC",
    Category.CONTRACT: "CON",
    Category.CONSENT: "VOL",
    Category.AGE_DISCRIMINATION: "AGE",
    Category.WAGES: "WAG",
    Category.MOVEMENT: "MOB",
    Category.DATA: "DAT",
    Category.COMPLAINT_HANDLING: "REM",
    Category.RETALIATION: "REM",
    Category.ASSOCIATION: "FOA",
    Category.SUBAGENTS: "SUP",
    Category.LICENCE: "LAW",
    Category.OTHER: None,
}


def alleges(categories: Iterable[Category], indicator: str) -> bool:
    """Whether an indicator (e.g. `DOC-1`) lies in a category the complaint names."""
    prefix = indicator.partition("-")[0]
    return any(STANDARD_CATEGORY[c] == prefix for c in categories)


class Channel(StrEnum):
    EMAIL = "email"
    PHONE = "phone"
    SMS = "sms"
    WHATSAPP = "whatsapp"
    NONE = "none"


class Party(StrEnum):
    """Who wrote or is addressed by a message on a case."""

    COMPLAINANT = "complainant"
    PROVIDER = "provider"
    SECRETARIAT = "secretariat"


class RemedyKind(StrEnum):
    REFUND = "refund"
    RETURNED_DOCUMENT = "returned_document"
    REINSTATED_CONTRACT = "reinstated_contract"
    OTHER = "other"


class RemedyState(StrEnum):
    ORDERED = "ordered"
    CONFIRMED = "confirmed"  # the secretariat confirmed it was done


class AppealSubject(StrEnum):
    REFUSAL = "refusal"  # an application decided not_certified
    SUSPENSION = "suspension"
    REVOCATION = "revocation"
    COMPLAINT_OUTCOME = "complaint_outcome"  # lodged by the provider
    COMPLAINT_REVIEW = "complaint_review"  # a complainant asks for a review of the outcome


class AppealState(StrEnum):
    PENDING = "pending"
    UPHELD = "upheld"  # the original decision stands
    OVERTURNED = "overturned"  # reinstated, or re-opened to be decided again


def acknowledge_due(received: dt.datetime) -> dt.datetime:
    return received + dt.timedelta(days=ACKNOWLEDGE_DAYS)


def resolve_due(received: dt.datetime) -> dt.datetime:
    return received + dt.timedelta(days=RESOLVE_DAYS)


def appeal_open(decided: dt.datetime, now: dt.datetime, window_days: int) -> bool:
    return now <= decided + dt.timedelta(days=window_days)


def days_between(start: dt.datetime, end: dt.datetime) -> float:
    return (end - start).total_seconds() / 86400


def median_days(spans: Iterable[tuple[dt.datetime, dt.datetime]]) -> float | None:
    """The median of the spans in days, to one decimal; None when there are none."""
    values = [days_between(a, b) for a, b in spans]
    return round(statistics.median(values), 1) if values else None


# --- public counts, recomputed from the transparency log ------------------------------------


@dataclass
class ProviderTally:
    """What the public log says about one provider's complaints."""

    received: int = 0
    open: set[str] = field(default_factory=set)  # references of cases not closed
    substantiated: dict[str, dt.datetime] = field(default_factory=dict)  # ref -> closed at


def tally(entries: Iterable[Mapping[str, object]]) -> dict[str, ProviderTally]:
    """Per provider subject, the counts the log supports: complaints received, still open,
    and substantiated (wholly or partly) with the time of their latest closing. Entries are
    the parsed JSON objects of the log (`registry.trust.tlog_entries.parse_entry`)."""
    out: dict[str, ProviderTally] = {}
    substantiated = {Outcome.SUBSTANTIATED.value, Outcome.PARTLY_SUBSTANTIATED.value}
    for entry in entries:
        kind = entry.get("type")
        subject = entry.get("subject")
        if not isinstance(subject, dict) or not str(kind).startswith("complaint."):
            continue
        provider, reference = str(subject.get("provider")), str(subject.get("complaint"))
        counts = out.setdefault(provider, ProviderTally())
        if kind == "complaint.received":
            counts.received += 1
            counts.open.add(reference)
        elif kind == "complaint.closed":
            counts.open.discard(reference)
            counts.substantiated.pop(reference, None)
            if subject.get("outcome") in substantiated:
                at = dt.datetime.fromisoformat(str(entry.get("at")).replace("Z", "+00:00"))
                counts.substantiated[reference] = at
        elif kind == "complaint.reopened":
            counts.open.add(reference)
            counts.substantiated.pop(reference, None)
    return out


def substantiated_since(counts: ProviderTally, since: dt.datetime) -> int:
    return sum(1 for at in counts.substantiated.values() if at >= since)
