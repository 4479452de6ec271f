"""Pure checks of an uploaded evidence file: allowed type, magic bytes, a safe display name.

A declared content type is only believed when the bytes agree with it: a "PDF" must start
with `%PDF-`, images with their signatures, and text must be UTF-8 without NUL bytes (and
not a disguised PDF). The declared file name is never used as a path: a name that is a path
(directory separators, `.` or `..`) or holds a control character is refused, and what is
kept of any other is a cleaned label, for display.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from typing import Final

PDF: Final = "application/pdf"
JPEG: Final = "image/jpeg"
PNG: Final = "image/png"
TEXT: Final = "text/plain"
CSV: Final = "text/csv"
ALLOWED_TYPES: Final = (PDF, JPEG, PNG, TEXT, CSV)
HEAD_BYTES: Final = 16  # enough of the start of a file to recognise every binary type

_MAGIC: Final = {PDF: b"%PDF-", JPEG: b"\xff\xd8\xff", PNG: b"\x89PNG\r\n\x1a\n"}
_EXTENSIONS: Final = {PDF: ".pdf", JPEG: ".jpg", PNG: ".png", TEXT: ".txt", CSV: ".csv"}
_UNSAFE: Final = re.compile(r"[\x00-\x1f\x7f\"*:<>?|;]+")
MAX_NAME: Final = 200


class UnsupportedContent(ValueError):
    """The declared type is not allowed, or the bytes are not of the declared type."""


def media_type(declared: str | None) -> str:
    """The bare media type of a Content-Type value, e.g. `text/csv; charset=utf-8` -> `text/csv`."""
    bare = (declared or "").split(";", 1)[0].strip().lower()
    if bare not in ALLOWED_TYPES:
        allowed = ", ".join(ALLOWED_TYPES)
        raise UnsupportedContent(f"content type `{bare or 'none'}` is not accepted; use {allowed}")
    return bare


class ContentCheck:
    """Fed the file chunk by chunk; `finish()` raises `UnsupportedContent` on a mismatch."""

    def __init__(self, declared: str) -> None:
        self.declared = declared
        self.head = b""
        self._text = declared in (TEXT, CSV)
        self._utf8 = codecs.getincrementaldecoder("utf-8")()
        self._bad_text = False

    def feed(self, chunk: bytes) -> None:
        if len(self.head) < HEAD_BYTES:
            self.head += chunk[: HEAD_BYTES - len(self.head)]
        if self._text and not self._bad_text:
            try:
                self._utf8.decode(chunk)
            except UnicodeDecodeError:
                self._bad_text = True
            if b"\x00" in chunk:
                self._bad_text = True

    def finish(self) -> None:
        found = next((t for t, magic in _MAGIC.items() if self.head.startswith(magic)), None)
        if self._text:
            try:
                self._utf8.decode(b"", final=True)
            except UnicodeDecodeError:
                self._bad_text = True
            if self._bad_text or found is not None:
                what = found or "binary data"
                raise UnsupportedContent(
                    f"declared `{self.declared}`, but the content is {what}, not UTF-8 text"
                )
        elif found != self.declared:
            raise UnsupportedContent(
                f"declared `{self.declared}`, but the content does not start with the "
                f"signature of that type (found {found or 'another format'})"
            )


def filename_problem(declared: str | None) -> str | None:
    """Why `declared` is not acceptable as an evidence file's name; None when it is (or when
    no name was given: the file is then called `evidence.<ext>`)."""
    if not declared:
        return None
    if "/" in declared or "\\" in declared or declared.strip() in (".", ".."):
        return "a file name, not a path: no directories, `/`, `\\`, `.` or `..`"
    if any(unicodedata.category(char) == "Cc" for char in declared):
        return "a file name holds no control characters"
    return None


def safe_filename(declared: str | None, content_type: str) -> str:
    """A display name without any directory part, control or shell-hostile characters."""
    name = unicodedata.normalize("NFC", declared or "").replace("\\", "/")
    name = name.rsplit("/", 1)[-1]
    name = _UNSAFE.sub("_", name).strip().lstrip(".").strip()
    if len(name) > MAX_NAME:
        stem, dot, ext = name.rpartition(".")
        keep = ext if dot and len(ext) <= 10 else ""
        name = (stem if keep else name)[: MAX_NAME - len(keep) - 1] + (f".{keep}" if keep else "")
    return name or "evidence" + _EXTENSIONS[content_type]
