"""Finding a rule set for a command: a YAML path, or `slug@version` in the standards library.

Shared by `standards diff` and the `audits` commands, and kept light: the settings are read
only for a `slug@version` reference, which is the only case that needs the library's folder.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from standards.model import RuleSet


class RuleSetNotFound(Exception):
    """No rule set at that path or reference, or one that does not load: exit code 2."""


def resolve(ref_or_path: str) -> RuleSet:
    """A rule set from a file path, or from `slug@version` in the standards library."""
    from standards.errors import StandardsError
    from standards.loader import load_ruleset
    from standards.model import parse_ref

    path = Path(ref_or_path)
    if not path.is_file():
        try:
            slug, version = parse_ref(ref_or_path)
        except ValueError as exc:
            raise RuleSetNotFound(f"{ref_or_path}: not a file, and {exc}") from None
        from registry.settings import get_settings

        path = get_settings().standards_library / slug / f"{version}.yaml"
        if not path.is_file():
            raise RuleSetNotFound(f"{ref_or_path}: no such file {path}")
    try:
        return load_ruleset(path)
    except StandardsError as exc:
        raise RuleSetNotFound(f"{path}: {exc}") from None
