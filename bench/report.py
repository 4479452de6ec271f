"""The report: machine, then one table row per figure beside its target; JSON alongside."""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from bench import PROJECT_ROOT
from bench.figure import Figure, Measurement

LATEST = PROJECT_ROOT / "var" / "bench" / "latest.json"


def _number(value: float) -> str:
    if math.isnan(value):
        return "n/a"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:,.1f}"
    return f"{value:.3g}" if abs(value) < 0.01 else f"{value:.2f}"


def _measurement(key: str, value: Measurement) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, int):
        return f"{value:,}"
    text = _number(value)
    units = (("_per_s", "/s"), ("_rps", " req/s"), ("_ms", " ms"), ("_us", " µs"), ("_mib", " MiB"))
    for suffix, unit in units:
        if key.endswith(suffix) or f"{suffix}_" in key:
            return text + unit
    return text + " s" if key.endswith("_s") else text


def wide_console() -> Console:
    console = Console()
    if not console.is_terminal:  # `make bench | tee`: rich would assume 80 columns
        console.width = max(console.width, 120)
    return console


def render(machine: dict[str, str | int], figures: list[Figure], console: Console) -> None:
    console.print("[bold]Rightsmark benchmarks[/]")
    console.print(
        f"machine: {machine['cpu']}, {machine['cores']} cores "
        f"({machine['usable_cores']} usable), {machine['memory']} RAM\n"
        f"         {machine['python']} on {machine['os']}, commit {machine['commit']}"
    )
    table = Table(title="figures (ratios; each beside its target)", title_justify="left")
    table.add_column("figure", no_wrap=True)
    table.add_column("ratio measured")
    table.add_column("value", justify="right", no_wrap=True)
    table.add_column("target", justify="right", no_wrap=True)
    table.add_column("mark", justify="center", no_wrap=True)
    table.add_column("errors", justify="right", no_wrap=True)
    for figure in figures:
        mark = Text("PASS", style="bold green") if figure["passed"] else Text("MISS", "bold red")
        table.add_row(
            figure["id"],
            figure["title"],
            _number(figure["value"]),
            f"{figure['comparison']} {_number(figure['target'])}",
            mark,
            Text(str(figure["errors"]), style="bold red" if figure["errors"] else ""),
        )
    console.print(table)
    measured = Table(title="measurements (same run, same machine)", title_justify="left")
    measured.add_column("figure", no_wrap=True)
    measured.add_column("measurement", no_wrap=True)
    measured.add_column("value", justify="right", no_wrap=True)
    for figure in figures:
        for n, (key, value) in enumerate(figure["details"].items()):
            measured.add_row(figure["id"] if n == 0 else "", key, _measurement(key, value))
        if figure["details"]:
            measured.add_section()
    console.print(measured)
    for figure in figures:
        for message in figure["messages"]:
            style = "red" if figure["errors"] else "yellow"
            console.print(f"[{style}]{figure['id']}: {message}[/]", highlight=False)
    passed = sum(f["passed"] for f in figures)
    console.print(f"{passed}/{len(figures)} figures PASS")


def _json_safe(value: Any) -> Any:
    """NaN is not JSON: a figure that could not be measured is null."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _json_safe(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_safe(v) for v in value]
    return value


def write_json(
    machine: dict[str, str | int], figures: list[Figure], seconds: float, path: Path = LATEST
) -> Path:
    document = {
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "seconds_per_phase": seconds,
        "machine": machine,
        "figures": figures,
        "passed": sum(f["passed"] for f in figures),
        "total": len(figures),
        "errors": sum(f["errors"] for f in figures),
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".json.tmp")
    temporary.write_text(json.dumps(_json_safe(document), indent=2, ensure_ascii=False) + "\n")
    temporary.replace(path)
    return path


def report(
    machine: dict[str, str | int],
    figures: list[Figure],
    seconds: float,
    path: Path,
    console: Console,
) -> int:
    """Print the tables, write the JSON; the exit status (1 when any figure has errors)."""
    render(machine, figures, console)
    written = write_json(machine, figures, seconds, path)
    console.print(f"written to {written}")
    # Errors (failed requests, bad proofs, a server that did not start) fail the command;
    # a missed target alone is a finding to report, not a broken run.
    return 1 if any(f["errors"] for f in figures) else 0
