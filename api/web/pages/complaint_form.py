"""The complaint form as the public pages read it: plain-language labels for the core's
categories and channels, the fields turned into a `NewComplaint`, the core's field names
turned back into the form's, and a chosen file checked before anything is filed.

Kept apart from the controller so the page handlers stay short and the mapping between the
form and the registry's request can be read (and tested) in one place.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Final

import pycountry
from litestar.datastructures import FormMultiDict, UploadFile

from api import i18n
from api.i18n import N_
from api.i18n import gettext as _
from registry.assessments.sniff import (
    ContentCheck,
    UnsupportedContent,
    filename_problem,
    media_type,
)
from registry.complaints.filing import NamedProvider, NewComplaint
from registry.complaints.records import Contact
from registry.complaints.rules import Category, Channel
from registry.errors import InvalidRequestError

# What a worker reads next to each checkbox; the core's names are the values sent.
CATEGORY_LABELS: Final[dict[Category, str]] = {
    Category.FEES: N_("I was charged recruitment fees or costs"),
    Category.DOCUMENTS: N_("My passport or other documents were kept from me"),
    Category.CONTRACT: N_("My contract was changed, not given, or not explained"),
    Category.CONSENT: N_("I was forced, tricked or threatened"),
    Category.AGE_DISCRIMINATION: N_(
        "Child labour, or unfair treatment (gender, religion, origin ...)"
    ),
    Category.WAGES: N_("Wages were unpaid, late or lower than promised"),
    Category.MOVEMENT: N_("I was not free to move, leave or change job"),
    Category.DATA: N_("My personal data was misused"),
    Category.COMPLAINT_HANDLING: N_("My complaint to the recruiter was ignored"),
    Category.RETALIATION: N_("I was punished or threatened for complaining"),
    Category.ASSOCIATION: N_("I was stopped from joining a union or workers' group"),
    Category.SUBAGENTS: N_("A sub-agent or broker working for the recruiter did this"),
    Category.LICENCE: N_("The recruiter works without a licence or breaks the law"),
    Category.OTHER: N_("Something else"),
}
CHANNEL_LABELS: Final[dict[Channel, str]] = {
    Channel.EMAIL: N_("Email"),
    Channel.PHONE: N_("Phone call"),
    Channel.SMS: N_("Text message (SMS)"),
    Channel.WHATSAPP: N_("WhatsApp"),
    Channel.NONE: N_("Do not contact me"),
}
# Languages of the main recruitment corridors, offered first; named in the page's language
# (`languages()`), with the English name here for code that has no language.
LANGUAGES: Final = (
    ("en", "English"),
    ("ne", "Nepali"),
    ("hi", "Hindi"),
    ("bn", "Bengali"),
    ("ur", "Urdu"),
    ("si", "Sinhala"),
    ("ta", "Tamil"),
    ("ml", "Malayalam"),
    ("tl", "Filipino (Tagalog)"),
    ("id", "Indonesian"),
    ("my", "Burmese"),
    ("km", "Khmer"),
    ("vi", "Vietnamese"),
    ("ar", "Arabic"),
    ("am", "Amharic"),
    ("sw", "Swahili"),
    ("fr", "French"),
    ("es", "Spanish"),
    ("pt", "Portuguese"),
)


def category_labels() -> dict[Category, str]:
    """The checkbox texts in the reader's language."""
    return {value: _(text) for value, text in CATEGORY_LABELS.items()}


def channel_labels() -> dict[Channel, str]:
    return {value: _(text) for value, text in CHANNEL_LABELS.items()}


def languages() -> list[tuple[str, str]]:
    """The contact languages, each named in the reader's language (CLDR) and in itself, so
    a worker finds theirs whatever language the page is in."""
    here = i18n.locale(i18n.current())
    named = []
    for code, english in LANGUAGES:
        tag = i18n.ALIASES.get(code, code)
        local = here.languages.get(tag.replace("-", "_"), english)
        own = i18n.native_name(tag) if tag in i18n.LANGUAGES else None
        named.append((code, f"{local} ({own})" if own and own != local else local))
    return named


def countries() -> list[tuple[str, str]]:
    """Every country by code, named (and sorted) in the reader's language (CLDR)."""
    return sorted(
        ((code, i18n.country_name(code)) for code, _name in COUNTRIES),
        key=lambda pair: pair[1].casefold(),
    )


COUNTRIES: Final = tuple(
    sorted(((c.alpha_2, c.name) for c in pycountry.countries), key=lambda pair: pair[1])
)
MAX_FIELD: Final = 10_000
# The core's field names (problem details) -> the form's input names.
_FIELD_OF: Final = {
    "provider.name": "provider_name",
    "provider.country": "provider_country",
    "filename": "attachment",
    "file": "attachment",
    "corridor": "corridor_from",
}


def form_field(name: str | None) -> str:
    """The form input a refusal belongs at: `contact.email` -> `contact_email`,
    `categories[2]` -> `categories`."""
    if not name:
        return "form"
    name = name.split("[", 1)[0]
    return _FIELD_OF.get(name, name.replace(".", "_"))


@dataclass
class Entered:
    """What the visitor typed, kept to re-fill the form after a refusal (never the file)."""

    values: dict[str, str] = field(default_factory=dict)
    categories: list[str] = field(default_factory=list)

    def get(self, name: str) -> str:
        return self.values.get(name, "")


def entered(form: FormMultiDict) -> Entered:
    values = {
        key: value[:MAX_FIELD]
        for key, value in form.items()
        if isinstance(value, str) and key != "categories"
    }
    chosen = [v for v in form.getall("categories", []) if isinstance(v, str)][: len(Category)]
    return Entered(values, chosen)


def _optional(value: str) -> str | None:
    return value.strip() or None


def _date(raw: str) -> dt.date | None:
    if not raw.strip():
        return None
    try:
        return dt.date.fromisoformat(raw.strip())
    except ValueError:
        raise InvalidRequestError(_("write the date as YYYY-MM-DD"), field="occurred_on") from None


def _workers(raw: str) -> int:
    try:
        return int(raw.strip() or "1")
    except ValueError:
        raise InvalidRequestError(
            _("write how many workers as a number, such as 1 or 25"), field="workers_affected"
        ) from None


def _provider(data: Entered) -> str | NamedProvider:
    named = data.get("provider").strip()
    if named:
        return named
    name = data.get("provider_name").strip()
    if name:
        return NamedProvider(name=name, country=data.get("provider_country").strip())
    raise InvalidRequestError(
        _("name the recruiter: its registry id or certificate code, or its name and country"),
        field="provider",
    )


def _corridor(data: Entered) -> str | None:
    origin, destination = data.get("corridor_from").strip(), data.get("corridor_to").strip()
    if not origin and not destination:
        return None
    if not origin or not destination:
        raise InvalidRequestError(
            _("choose both the country the workers left and the one they went to, or neither"),
            field="corridor",
        )
    return f"{origin}-{destination}"


def _contact(data: Entered) -> Contact | None:
    channel_raw = data.get("contact_channel").strip()
    try:
        channel = Channel(channel_raw) if channel_raw else None
    except ValueError:
        raise InvalidRequestError(_("choose how to contact you"), field="contact.channel") from None
    contact = Contact(
        name=_optional(data.get("contact_name")),
        phone=_optional(data.get("contact_phone")),
        email=_optional(data.get("contact_email")),
        language=_optional(data.get("contact_language")),
        channel=channel,
    )
    if contact == Contact() or contact == Contact(channel=Channel.NONE):
        return None  # anonymous: nothing to keep
    return contact


def new_complaint(data: Entered) -> NewComplaint:
    """The registry's request from the form; a value the form alone can judge (a date, a
    number, half a corridor) is refused here with the same error type as the core's."""
    if not data.categories:
        raise InvalidRequestError(_("tick at least one box: what happened"), field="categories")
    return NewComplaint(
        provider=_provider(data),
        categories=tuple(data.categories),
        description=data.get("description"),
        country=data.get("country").strip(),
        workers_affected=_workers(data.get("workers_affected")),
        occurred_on=_date(data.get("occurred_on")),
        corridor=_corridor(data),
        contact=_contact(data),
        share_identity_with_provider=data.get("share_identity") == "yes",
    )


def chosen_file(value: object) -> UploadFile | None:
    """The file part, or None when the input was left empty (browsers still send it)."""
    if isinstance(value, UploadFile) and value.filename:
        return value
    return None


@dataclass(frozen=True)
class CheckedFile:
    """A file read and checked like the evidence store checks it, before anything is filed:
    a refused file must not leave a complaint behind without it."""

    content: bytes
    content_type: str
    filename: str

    async def chunks(self) -> AsyncIterator[bytes]:
        yield self.content


async def checked_file(upload: UploadFile, limit: int) -> CheckedFile:
    """Raises `InvalidRequestError` (field `attachment`) with the store's own words."""
    problem = filename_problem(upload.filename)
    if problem is not None:
        raise InvalidRequestError(f"the file name: {problem}", field="attachment")
    try:
        content_type = media_type(upload.content_type)
    except UnsupportedContent as exc:
        raise InvalidRequestError(
            f"{exc} (a photo as JPEG or PNG, a PDF, or a text file)", field="attachment"
        ) from None
    content = await upload.read(limit + 1)
    if len(content) > limit:
        raise InvalidRequestError(
            f"the file is larger than {limit // (1024 * 1024)} MB", field="attachment"
        )
    if not content:
        raise InvalidRequestError("the file is empty", field="attachment")
    check = ContentCheck(content_type)
    check.feed(content)
    try:
        check.finish()
    except UnsupportedContent as exc:
        raise InvalidRequestError(str(exc), field="attachment") from None
    return CheckedFile(content, content_type, upload.filename)
