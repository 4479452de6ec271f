"""Load a rule set from YAML or JSON while remembering where every value came from.

PyYAML's constructor throws line numbers away, so the loader composes the node tree with
`yaml.SafeLoader` and builds plain data itself, recording the 1-based line of each path
(`("categories", 2, "weight") -> 41`). Pydantic's error locations are then mapped back to
those lines, which is what lets an author fix a 600-line standard in one pass.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from standards import model
from standards.errors import LintError, Problem, Severity
from standards.model import RuleSet

PathPart = str | int
FieldPath = tuple[PathPart, ...]

# Guards against hostile uploads: alias bombs ("billion laughs") and absurd nesting.
MAX_NODES = 100_000
MAX_DEPTH = 64

_MAP_TAG = "tag:yaml.org,2002:map"
_SEQ_TAG = "tag:yaml.org,2002:seq"
_MERGE_TAG = "tag:yaml.org,2002:merge"


def format_path(path: Iterable[PathPart]) -> str:
    """`("categories", 2, "weight")` -> `categories[2].weight`."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


@dataclass(frozen=True)
class SourceMap:
    """Where each path of a document starts; empty for documents that had no text."""

    file: str | None = None
    lines: Mapping[FieldPath, int] = field(default_factory=dict)

    def line(self, path: FieldPath) -> int | None:
        # A missing field has no line of its own: point at its nearest existing parent.
        for end in range(len(path), -1, -1):
            found = self.lines.get(path[:end])
            if found is not None:
                return found
        return None

    def problem(
        self, path: FieldPath, message: str, code: str, severity: Severity = "error"
    ) -> Problem:
        return Problem(self.file, self.line(path), format_path(path), message, code, severity)


@dataclass(frozen=True)
class LoadResult:
    """A parsed source: `ruleset` is set whenever the data passed schema validation.

    A source with duplicate keys may still validate (the last value wins), so that lint can
    report semantic problems in the same pass; `ok` is what decides whether it is usable.
    """

    ruleset: RuleSet | None
    data: Any
    source: SourceMap
    problems: list[Problem]

    @property
    def ok(self) -> bool:
        return self.ruleset is not None and not any(p.severity == "error" for p in self.problems)


class _TooLargeError(Exception):
    pass


class _Builder:
    """Turns a composed YAML node tree into plain data plus a path -> line map."""

    def __init__(self, loader: yaml.SafeLoader, file: str | None) -> None:
        self.loader = loader
        self.file = file
        self.lines: dict[FieldPath, int] = {}
        self.problems: list[Problem] = []
        self.count = 0
        self.active: set[int] = set()  # nodes on the current path, to catch recursive aliases

    def report(self, node: yaml.Node, path: FieldPath, message: str, code: str) -> None:
        line = node.start_mark.line + 1
        self.problems.append(Problem(self.file, line, format_path(path), message, code))

    def build(self, node: yaml.Node, path: FieldPath) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            raise _TooLargeError
        if len(path) > MAX_DEPTH:
            self.report(node, path, f"nested deeper than {MAX_DEPTH} levels", "too-deep")
            return None
        if isinstance(node, yaml.ScalarNode):
            try:
                return self.loader.construct_object(node)
            except yaml.constructor.ConstructorError as exc:
                self.report(node, path, str(exc.problem), "unsupported-tag")
            except Exception as exc:
                # PyYAML's scalar constructors raise whatever their parsing hits (ValueError
                # for `2026-13-45`, KeyError for `!!bool maybe`, IndexError for `!!int ''`).
                kind = node.tag.rsplit(":", 1)[-1]
                message = f"cannot read {node.value!r} as {kind} ({exc})"
                self.report(node, path, message, "bad-scalar")
            return None
        if id(node) in self.active:
            self.report(node, path, "an alias refers to its own ancestor", "recursive-alias")
            return None
        expected = _MAP_TAG if isinstance(node, yaml.MappingNode) else _SEQ_TAG
        if node.tag != expected:
            self.report(node, path, f"tag {node.tag!r} is not supported here", "unsupported-tag")
            return None
        self.active.add(id(node))
        try:
            if isinstance(node, yaml.MappingNode):
                return self._mapping(node, path)
            assert isinstance(node, yaml.SequenceNode)  # the composer makes no other kind
            return self._sequence(node, path)
        finally:
            self.active.discard(id(node))

    def _sequence(self, node: yaml.SequenceNode, path: FieldPath) -> list[Any]:
        items: list[Any] = []
        for index, child in enumerate(node.value):
            self.lines.setdefault((*path, index), child.start_mark.line + 1)
            items.append(self.build(child, (*path, index)))
        return items

    def _mapping(self, node: yaml.MappingNode, path: FieldPath) -> dict[str, Any]:
        # Duplicates are judged on the keys written here; `<<` merges may legitimately be
        # overridden, which is YAML's own rule.
        first_seen: dict[str, int] = {}
        for key_node, _ in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == _MERGE_TAG:
                continue
            key, line = key_node.value, key_node.start_mark.line + 1
            if key in first_seen:
                message = f"duplicate key {key!r} (first at line {first_seen[key]})"
                self.report(key_node, (*path, key), message, "duplicate-key")
            first_seen.setdefault(key, line)
        try:
            self.loader.flatten_mapping(node)
        except yaml.constructor.ConstructorError as exc:
            self.report(node, path, str(exc.problem), "unsupported-tag")
            return {}
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                self.report(key_node, path, "a key must be a plain scalar", "bad-key")
                continue
            # The key's source text, not its YAML 1.1 value: `on:` must not become True.
            key = str(key_node.value)
            self.lines.setdefault((*path, key), key_node.start_mark.line + 1)
            result[key] = self.build(value_node, (*path, key))
        return result


def _syntax_problem(exc: yaml.YAMLError, text: str, file: str | None) -> Problem:
    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        message = " ".join(str(part) for part in (exc.context, exc.problem) if part)
        return Problem(file, mark.line + 1 if mark else None, "", message, "yaml-syntax")
    if isinstance(exc, yaml.reader.ReaderError):
        line = text[: exc.position].count("\n") + 1
        message = f"character #x{exc.character:04x}: {exc.reason}"
        return Problem(file, line, "", message, "yaml-syntax")
    return Problem(file, None, "", str(exc), "yaml-syntax")


def parse_yaml(
    text: str | bytes, *, file: str | None = None
) -> tuple[Any, SourceMap, list[Problem]]:
    """Parse YAML into plain data; data is None when the text could not be parsed at all."""

    def fail(line: int | None, message: str, code: str) -> tuple[Any, SourceMap, list[Problem]]:
        return None, SourceMap(file), [Problem(file, line, "", message, code)]

    if isinstance(text, bytes):
        raw = text
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            return fail(raw[: exc.start].count(b"\n") + 1, "not UTF-8", "bad-encoding")
    try:
        # The reader rejects non-printable characters as soon as it is constructed.
        loader = yaml.SafeLoader(text)
    except yaml.YAMLError as exc:
        return None, SourceMap(file), [_syntax_problem(exc, text, file)]
    builder = _Builder(loader, file)
    try:
        node = loader.get_single_node()
        if node is None:
            return fail(1, "the document is empty", "not-a-mapping")
        builder.lines[()] = node.start_mark.line + 1
        data = builder.build(node, ())
    except yaml.YAMLError as exc:
        return None, SourceMap(file), [_syntax_problem(exc, text, file)]
    except _TooLargeError:
        return fail(None, f"more than {MAX_NODES} values (after expanding aliases)", "too-large")
    except RecursionError:
        return fail(None, "nested too deeply to parse", "too-deep")
    finally:
        loader.dispose()
    return data, SourceMap(file, builder.lines), builder.problems


def _all_field_names() -> list[str]:
    found: set[str] = set()
    for value in vars(model).values():
        if isinstance(value, type) and issubclass(value, BaseModel):
            found.update(value.model_fields)
    return sorted(found)


_FIELD_NAMES = _all_field_names()
_RANGE = {"greater_than", "greater_than_equal", "less_than", "less_than_equal"}
_LENGTH = {"too_short", "too_long", "string_too_short", "string_too_long"}
_CODES = {
    "extra_forbidden": "unknown-key",
    "missing": "missing-field",
    "union_tag_not_found": "missing-field",
    "union_tag_invalid": "unknown-measure-type",
    "enum": "unknown-value",
    "literal_error": "unknown-value",
    "string_pattern_mismatch": "bad-format",
}


def _clean_loc(loc: tuple[PathPart, ...], data: Any) -> FieldPath:
    """Drop what pydantic adds to a location but the document does not contain."""
    path: list[PathPart] = []
    current = data
    for part in loc:
        if part == "[key]":  # the error is about the key itself, already the last part
            continue
        if isinstance(current, dict) and part not in current and current.get("type") == part:
            continue  # the tag of a discriminated union (the measure type)
        path.append(part)
        if isinstance(current, dict):
            current = current.get(str(part))
        elif isinstance(current, list) and isinstance(part, int) and 0 <= part < len(current):
            current = current[part]
        else:
            current = None
    return tuple(path)


def _code(kind: str, path: FieldPath) -> str:
    last = path[-1] if path else ""
    if kind in _RANGE:
        return "pass-mark-range" if last == "pass_mark" else "out-of-range"
    if kind in _LENGTH:
        return "bad-length"
    if kind == "enum" and "applies_to" in path:
        return "unknown-provider-type"
    if kind == "string_pattern_mismatch" and last == "id":
        return "bad-id"
    if kind == "value_error" and last in ("version", "supersedes"):
        return "bad-version"
    if kind in _CODES:
        return _CODES[kind]
    if kind.endswith(("_type", "_parsing")) or kind.startswith("date_"):
        return "wrong-type"
    return "invalid-value"


def _message(error: ErrorDetails, path: FieldPath) -> str:
    kind, last = error["type"], path[-1] if path else ""
    if kind == "extra_forbidden":
        close = difflib.get_close_matches(str(last), _FIELD_NAMES, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        return f"unknown key {last!r}{hint}"
    if kind == "missing":
        return f"missing required field {last!r}"
    message = error["msg"].removeprefix("Value error, ")
    if kind == "string_type" and isinstance(error["input"], int | float):
        message += "; quote it, YAML read it as a number"
    if kind not in ("value_error", "union_tag_not_found"):
        message += f" (got {error['input']!r:.80})"
    return message


def schema_problems(exc: ValidationError, data: Any, source: SourceMap) -> list[Problem]:
    """Every pydantic error of one validation, with its path and source line."""
    located = []
    for error in exc.errors():
        path = _clean_loc(error["loc"], data)
        if error["type"] in ("union_tag_not_found", "union_tag_invalid"):
            path = (*path, "type")
        located.append((path, error))
    problems = []
    for path, error in located:
        # Pydantic also calls `[x]` too short once its bad item is dropped: noise, since the
        # item's own error says what is wrong.
        inner = any(len(p) > len(path) and p[: len(path)] == path for p, _ in located)
        if error["type"] in _LENGTH and inner:
            continue
        problems.append(source.problem(path, _message(error, path), _code(error["type"], path)))
    return problems


def validate_data(data: Any, source: SourceMap, problems: list[Problem]) -> LoadResult:
    """Validate plain data, keeping the problems found while parsing it."""
    if data is None and problems:
        return LoadResult(None, data, source, problems)
    if not isinstance(data, dict):
        problem = source.problem((), "a rule set must be a mapping of fields", "not-a-mapping")
        return LoadResult(None, data, source, [*problems, problem])
    try:
        ruleset = RuleSet.model_validate(data)
    except ValidationError as exc:
        # A value the parser could not read is None here; its parse problem says enough.
        unreadable = {p.field for p in problems if p.code != "duplicate-key"}
        schema = [p for p in schema_problems(exc, data, source) if p.field not in unreadable]
        return LoadResult(None, data, source, sorted([*problems, *schema], key=sort_key))
    return LoadResult(ruleset, data, source, problems)


def sort_key(problem: Problem) -> tuple[int, str]:
    return (problem.line or 0, problem.field)


def parse_source(source: str | bytes | os.PathLike[str], *, file: str | None = None) -> LoadResult:
    """Parse and validate YAML (or JSON, a subset) text, bytes or a path; never raises."""
    if isinstance(source, os.PathLike):
        file = file if file is not None else str(source)
        source = Path(source).read_bytes()
    data, source_map, problems = parse_yaml(source, file=file)
    return validate_data(data, source_map, problems)


def parse_document(data: Mapping[str, Any], *, file: str | None = None) -> LoadResult:
    """Validate an already-decoded JSON document (no line numbers); never raises."""
    return validate_data(dict(data) if isinstance(data, Mapping) else data, SourceMap(file), [])


def _require(result: LoadResult) -> RuleSet:
    if result.ruleset is None or not result.ok:
        raise LintError(result.problems)
    return result.ruleset


def load_ruleset(source: str | bytes | os.PathLike[str], *, file: str | None = None) -> RuleSet:
    """The rule set in `source`, or LintError listing every parse and schema problem."""
    return _require(parse_source(source, file=file))


def load_document(data: Mapping[str, Any], *, file: str | None = None) -> RuleSet:
    """The rule set in a decoded JSON document, or LintError listing every schema problem."""
    return _require(parse_document(data, file=file))
