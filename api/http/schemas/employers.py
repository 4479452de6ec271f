"""Request and response schemas of employers' routes: sign-up, watchlists, supplier checks."""

from __future__ import annotations

from msgspec import Struct
from pydantic import EmailStr, Field

from api.http.schemas.common import _In
from registry.watchlists.checks import ReportRow
from registry.watchlists.service import Item, Watchlist


class SignUpIn(_In):
    name: str = Field(min_length=1, max_length=200, description="The person signing up")
    organisation: str = Field(min_length=1, max_length=200, description="The employer")
    email: EmailStr = Field(description="Where the confirmation link is sent")


class SignUpOut(Struct, frozen=True, kw_only=True):
    detail: str


class WatchlistIn(_In):
    name: str = Field(min_length=1, max_length=100)


class ItemIn(_In):
    ref: str = Field(
        min_length=1,
        max_length=64,
        description="A certificate code (RM-XXXX-XXXX: that certificate) or a registry id "
        "(RMP-XXXXXXXX: the provider, whatever certificates it holds)",
    )


class ApplyIn(_In):
    choices: dict[int, str] = Field(
        default_factory=dict,
        description="For each doubtful row (its line number): the chosen candidate's "
        'registry id, or "skip". A doubtful row left out is skipped.',
    )


class WatchlistListOut(Struct, frozen=True, kw_only=True):
    items: list[Watchlist]


class WatchlistOut(Struct, frozen=True, kw_only=True):
    id: str
    name: str
    created_at: str
    items: list[Item]


class CheckOut(Struct, frozen=True, kw_only=True):
    """A supplier-list check: progress, and the rows finished so far."""

    id: str
    url: str  # this document
    report_csv: str
    state: str  # queued | done | applied
    total: int
    done: int
    matched: int
    doubtful: int
    not_found: int
    created_at: str
    expires_at: str
    watchlist_id: str | None
    rows: list[ReportRow]


class AppliedOut(Struct, frozen=True, kw_only=True):
    added: int
    watchlist_id: str
