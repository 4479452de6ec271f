"""What `rightsmark verify` prints: each certificate's verdict with its checks, or for
`--batch` a summary of the statuses and the certificates that are not valid; or the same
as JSON (`--json`)."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from typing import Any, Final

import click
from rich.markup import escape
from rich.table import Column, Table

from api.cli.support import console
from registry.trust.verify.engine import Verdict
from registry.trust.verify.licences import licence_words

STATUSES: Final = ("valid", "revoked", "suspended", "expired", "not_yet_valid", "invalid")


@dataclass
class Result:
    """One certificate of the run: its verdict, or why it could not be read."""

    source: str
    verdict: Verdict | None
    error: str | None = None

    @property
    def status(self) -> str:
        return self.verdict.status if self.verdict is not None else "unreadable"

    @property
    def valid(self) -> bool:
        return self.verdict is not None and self.verdict.valid

    @property
    def reason(self) -> str:
        if self.verdict is not None:
            return self.verdict.reason
        return self.error or "unreadable"

    def to_dict(self) -> dict[str, Any]:
        if self.verdict is not None:
            return {**self.verdict.to_dict(), "source": self.source}
        return {
            "valid": False,
            "status": "unreadable",
            "reason": self.reason,
            "checks": [],
            "certificate": None,
            "source": self.source,
        }


_STYLE: Final = {"passed": "green", "failed": "bold red", "skipped": "yellow"}


def _describe(verdict: Verdict) -> str:
    summary = verdict.certificate or {}
    provider = summary.get("provider") or {}
    standard = summary.get("standard") or {}
    parts = [
        summary.get("code"),
        provider.get("legalName"),
        " ".join(p for p in (standard.get("slug"), standard.get("version")) if p),
        f"grade {summary['grade']}" if summary.get("grade") else None,
        f"valid until {summary['validUntil']}" if summary.get("validUntil") else None,
    ]
    return ", ".join(escape(str(p)) for p in parts if p)


def print_verdict(result: Result) -> None:
    verdict = result.verdict
    assert verdict is not None
    if verdict.valid:
        headline = "[bold green]VALID[/]"
    else:
        headline = f"[bold red]NOT VALID ({verdict.status.replace('_', ' ')})[/]"
    console.print(f"{headline}  {escape(result.source)}", highlight=False, soft_wrap=True)
    described = _describe(verdict)
    if described:
        console.print(f"  {described}", highlight=False, soft_wrap=True)
    console.print(f"  {escape(verdict.reason)}", highlight=False, soft_wrap=True)
    table = Table(Column("check", no_wrap=True), Column("result", no_wrap=True), "detail")
    for check in verdict.checks:
        style = _STYLE.get(check.result, "")
        table.add_row(check.name, f"[{style}]{check.result}[/]", escape(check.detail))
    console.print(table)
    licences = (verdict.certificate or {}).get("licences")
    if isinstance(licences, list):
        lines = [
            f"  {escape(str(item.get('country')))} {escape(str(item.get('number')))}: "
            f"{escape(licence_words(item))}"
            for item in licences
            if isinstance(item, dict)
        ]
        console.print("  Licences (from the registry):", highlight=False)
        for line in lines or ["  none listed"]:
            console.print(f"  {line}", highlight=False, soft_wrap=True)


def print_summary(results: list[Result]) -> None:
    counts = Counter(result.status for result in results)
    always = ("valid", "revoked", "suspended", "expired", "invalid")
    shown = [name for name in (*STATUSES, "unreadable") if name in always or counts[name]]
    summary = Table(
        *(Column(name.replace("_", " "), justify="right") for name in shown),
        Column("total", justify="right"),
        title="Summary",
    )
    summary.add_row(*(str(counts[name]) for name in shown), str(len(results)))
    console.print(summary)
    failing = [result for result in results if not result.valid]
    if failing:
        table = Table(
            Column("source", overflow="fold"),
            Column("code", no_wrap=True),
            Column("status", no_wrap=True),
            "reason",
            title="Not valid",
        )
        for result in failing:
            code = (result.verdict.certificate or {}).get("code") if result.verdict else None
            table.add_row(
                escape(result.source),
                escape(str(code or "")),
                result.status.replace("_", " "),
                escape(result.reason),
            )
        console.print(table)


def print_json(results: list[Result], *, batch: bool) -> None:
    valid = sum(1 for result in results if result.valid)
    body: dict[str, Any] = {
        "results": [result.to_dict() for result in results],
        "valid": valid,
        "not_valid": len(results) - valid,
    }
    if batch:
        body["counts"] = dict(Counter(result.status for result in results))
    click.echo(json.dumps(body, indent=2, ensure_ascii=False))
