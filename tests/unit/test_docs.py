"""The documentation says only what is true of the repository: README.md stays a front door,
every link and every path it names exists, every setting, make target and command it names is
real. No database, no application: the files are read, and the click group of the command
line is inspected without running anything."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import click
import pytest

from tests.support.paths import DOCS, PROJECT_ROOT

README = PROJECT_ROOT / "README.md"
PAGES = sorted(DOCS.glob("*.md"))
ALL = [README, *PAGES]

FENCE = re.compile(r"^(```|~~~).*?^\1[ \t]*$", re.MULTILINE | re.DOTALL)
INLINE = re.compile(r"`([^`\n]+)`")
LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)\)")
HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$", re.MULTILINE)
SETTING = re.compile(r"RIGHTSMARK_[A-Z0-9_]*[A-Z0-9]")


def rel(path: Path) -> str:
    return path.relative_to(PROJECT_ROOT).as_posix()


def prose(text: str) -> str:
    """The text without its fenced code blocks."""
    return FENCE.sub("", text)


def code_lines(text: str) -> Iterator[str]:
    """Every line inside a fenced code block."""
    for block in FENCE.finditer(text):
        yield from block.group(0).splitlines()[1:-1]


@cache
def anchors(path: Path) -> frozenset[str]:
    """The anchors GitHub gives the headings of a page."""
    seen: dict[str, int] = {}
    found = set()
    for _, title in HEADING.findall(prose(path.read_text(encoding="utf-8"))):
        slug = re.sub(r"[^\w\- ]", "", title.replace("`", "").strip().lower()).replace(" ", "-")
        count = seen.get(slug, 0)
        seen[slug] = count + 1
        found.add(slug if count == 0 else f"{slug}-{count}")
    return frozenset(found)


# --- README is a front door --------------------------------------------------------------


def test_readme_is_a_front_door_of_at_most_250_lines() -> None:
    lines = README.read_text(encoding="utf-8").splitlines()
    assert len(lines) <= 250, f"README.md has {len(lines)} lines; move detail into docs/"


def test_readme_links_every_page_of_docs() -> None:
    linked = {target.split("#")[0] for target in LINK.findall(README.read_text(encoding="utf-8"))}
    missing = [rel(page) for page in PAGES if rel(page) not in linked]
    assert not missing, f"README.md does not link {missing}"


# --- links and paths ----------------------------------------------------------------------


@pytest.mark.parametrize("page", ALL, ids=rel)
def test_every_relative_link_points_to_an_existing_file_and_heading(page: Path) -> None:
    problems = []
    for target in LINK.findall(prose(page.read_text(encoding="utf-8"))):
        if re.match(r"[a-z][a-z0-9+.-]*:", target):  # http:, https:, mailto:
            continue
        file_part, _, anchor = target.partition("#")
        linked = (page.parent / file_part).resolve() if file_part else page
        if not linked.exists():
            problems.append(f"{target}: no such file")
        elif anchor and linked.suffix == ".md" and anchor not in anchors(linked):
            problems.append(f"{target}: no heading with anchor #{anchor} in {rel(linked)}")
    assert not problems, f"{rel(page)}: " + "; ".join(problems)


def repository_paths(text: str) -> Iterator[str]:
    """Backticked words that look like a path in this repository: with a `/`, ending in `.py`
    or `/`, and no placeholder (`<slug>`, `{id}`, `*`, `$VAR`, `...`). `var/` and `.venv/`
    are made by `make`, not kept in the repository."""
    for code in INLINE.findall(prose(text)):
        word = code.strip()
        if " " in word or "/" not in word or not word.endswith((".py", "/")):
            continue
        if re.search(r"[<>{}*$~…]|\.\.|^/|^[a-z]+:|^(var|\.venv)/", word):
            continue
        yield word


@pytest.mark.parametrize("page", ALL, ids=rel)
def test_every_repository_path_in_backticks_exists(page: Path) -> None:
    missing = sorted(
        {
            p
            for p in repository_paths(page.read_text(encoding="utf-8"))
            if not (PROJECT_ROOT / p).exists()
        }
    )
    assert not missing, f"{rel(page)} names paths that do not exist: {missing}"


def dotted_names(text: str) -> Iterator[str]:
    for code in INLINE.findall(prose(text)):
        word = code.strip()
        if re.fullmatch(r"(standards|audits|registry|api)(\.[A-Za-z_][A-Za-z0-9_]*)+", word):
            yield word


def dotted_name_exists(name: str) -> bool:
    """`registry.trust.verify.engine.verify_certificate`: a module path, then at most one name
    defined at the top level of that module (read as text, never imported)."""
    parts = name.split(".")
    for cut in range(len(parts), 0, -1):
        base = PROJECT_ROOT.joinpath(*parts[:cut])
        module = (
            base.with_suffix(".py") if base.with_suffix(".py").exists() else base / "__init__.py"
        )
        if not module.exists():
            continue
        rest = parts[cut:]
        if not rest:
            return True
        if len(rest) > 1:
            return False
        source = module.read_text(encoding="utf-8")
        return (
            re.search(rf"^(?:async def|def|class)\s+{rest[0]}\b|^{rest[0]}\b\s*[:=]", source, re.M)
            is not None
        )
    return False


@pytest.mark.parametrize("page", ALL, ids=rel)
def test_every_dotted_module_name_exists(page: Path) -> None:
    missing = sorted(
        {n for n in dotted_names(page.read_text(encoding="utf-8")) if not dotted_name_exists(n)}
    )
    assert not missing, f"{rel(page)} names modules or functions that do not exist: {missing}"


# --- settings ------------------------------------------------------------------------------


def settings_variables() -> set[str]:
    from registry.settings import Settings  # pydantic only: no database

    return {f"RIGHTSMARK_{field.upper()}" for field in Settings.model_fields}


def section(text: str, title: str) -> str:
    """The text of a `## title` section, up to the next heading of its level or above."""
    start = text.index(f"## {title}\n")
    following = re.search(r"^#{1,2} ", text[start + 3 :], re.MULTILINE)
    return text[start : start + 3 + following.start()] if following else text[start:]


CONFIGURATION = DOCS / "configuration.md"


def table_variables(text: str) -> dict[str, str]:
    """First column (a backticked RIGHTSMARK_* name) -> second column, of every table row."""
    rows = re.findall(r"^\|\s*`(RIGHTSMARK_[A-Z0-9_]+)`\s*\|\s*([^|]*)\|", text, re.MULTILINE)
    return {name: cell.strip() for name, cell in rows}


def test_every_setting_is_documented_in_configuration_and_nothing_else_is() -> None:
    documented = table_variables(
        section(CONFIGURATION.read_text(encoding="utf-8"), "The registry's settings")
    )
    defined = settings_variables()
    assert sorted(defined - set(documented)) == [], "settings missing from docs/configuration.md"
    assert sorted(set(documented) - defined) == [], "documented settings registry/settings.py lacks"


def test_documented_numeric_defaults_are_the_real_ones() -> None:
    from registry.settings import Settings

    documented = table_variables(
        section(CONFIGURATION.read_text(encoding="utf-8"), "The registry's settings")
    )
    for name, cell in documented.items():
        if re.fullmatch(r"`\d+`", cell):
            field = Settings.model_fields[name.removeprefix("RIGHTSMARK_").lower()]
            assert field.default == int(cell.strip("`")), name


def tooling_sources() -> str:
    files = [
        PROJECT_ROOT / "Makefile",
        *(PROJECT_ROOT / "bench").rglob("*.py"),
        *(PROJECT_ROOT / "tests").rglob("*.py"),
    ]
    return "\n".join(
        f.read_text(encoding="utf-8") for f in files if f.resolve() != Path(__file__).resolve()
    )


def test_every_tooling_variable_is_read_by_the_tooling() -> None:
    tooling = table_variables(
        section(CONFIGURATION.read_text(encoding="utf-8"), "Used only by the tooling")
    )
    assert tooling, "the tooling table is missing"
    sources = tooling_sources()
    unused = sorted(name for name in tooling if name not in sources)
    assert not unused, f"documented tooling variables nothing reads: {unused}"


def test_every_variable_named_anywhere_in_the_docs_is_documented_in_configuration() -> None:
    text = CONFIGURATION.read_text(encoding="utf-8")
    known = set(table_variables(text))
    for page in ALL:
        unknown = sorted(set(SETTING.findall(page.read_text(encoding="utf-8"))) - known)
        assert not unknown, f"{rel(page)} names variables docs/configuration.md does not: {unknown}"


# --- make targets ---------------------------------------------------------------------------


def makefile_targets() -> set[str]:
    text = (PROJECT_ROOT / "Makefile").read_text(encoding="utf-8")
    return set(re.findall(r"^([A-Za-z0-9][A-Za-z0-9_.-]*)\s*:(?!=)", text, re.MULTILINE))


def make_targets_named(text: str) -> set[str]:
    named = set(re.findall(r"`make ([a-z][a-z0-9-]*)", prose(text)))
    for line in code_lines(text):
        named.update(re.findall(r"^\s*(?:\$\s+)?make ([a-z][a-z0-9-]*)", line))
    return named


@pytest.mark.parametrize("page", [README, DOCS / "development.md"], ids=rel)
def test_every_make_target_named_exists_in_the_makefile(page: Path) -> None:
    missing = sorted(make_targets_named(page.read_text(encoding="utf-8")) - makefile_targets())
    assert not missing, f"{rel(page)} names make targets the Makefile lacks: {missing}"


def test_the_readme_names_the_two_commands_and_the_others() -> None:
    named = make_targets_named(README.read_text(encoding="utf-8"))
    assert {"run", "test", "lint", "unit", "bench"} <= named


# --- the command line ------------------------------------------------------------------------


@cache
def cli_group() -> click.Group:
    # Importing the command line builds click objects and Piccolo table classes; it opens no
    # database and imports neither the web application nor Litestar (a lint-imports contract).
    from api.cli.main import main

    return main


@cache
def subcommands(group: click.Group) -> dict[str, click.Command]:
    """A group's commands through click's public interface, so a lazily loaded command counts
    (loading one imports its module; none opens a database)."""
    context = click.Context(group)
    found = {}
    for name in group.list_commands(context):
        command = group.get_command(context, name)
        if command is not None:
            found[name] = command
    return found


def invocations(text: str) -> Iterator[str]:
    """`rightsmark ...` as written in inline code and in code blocks (comments dropped)."""
    for code in INLINE.findall(prose(text)):
        if code.startswith("rightsmark "):
            yield code
    for line in code_lines(text):
        line = re.sub(r"\s#\s.*$", "", line)
        match = re.search(
            r"(?:^|[|;&(]\s*)(?:\$\s+)?(?:\.venv/bin/)?(rightsmark\s+[a-z].*)$", line.strip()
        )
        if match and not line.lstrip().startswith("#"):
            yield match.group(1)


def check_invocation(text: str) -> str | None:
    """None when every command and option of `rightsmark ...` exists, else the problem."""
    words = text.replace("\\|", "|").split()[1:]
    commands: list[click.Command] = [cli_group()]
    path = ["rightsmark"]
    for word in words:
        current = commands[-1]
        if not isinstance(current, click.Group) or word.startswith(("-", "[")):
            break
        alternatives = word.split("|")
        if not all(a in subcommands(current) for a in alternatives):
            if current is cli_group() or len(path) == 1:
                return f"{text!r}: no command {word!r}"
            break
        commands = [subcommands(current)[a] for a in alternatives]
        path.append(word)
    if isinstance(commands[-1], click.Group) and len(commands) == 1 and commands[-1] is cli_group():
        return f"{text!r}: names no command"
    options = set(re.findall(r"(?<![\w-])(--[a-z][a-z0-9-]*)", text))
    for command in commands:
        known = {opt for param in command.params for opt in (*param.opts, *param.secondary_opts)}
        known.add("--help")
        unknown = sorted(options - known)
        if unknown and not isinstance(command, click.Group):
            return f"{text!r}: {' '.join(path)} has no option {unknown}"
    return None


@pytest.mark.parametrize("page", [DOCS / "cli.md", README, *PAGES], ids=rel)
def test_every_rightsmark_command_in_the_docs_exists(page: Path) -> None:
    found = list(invocations(page.read_text(encoding="utf-8")))
    problems = [p for p in map(check_invocation, found) if p]
    assert not problems, f"{rel(page)}: " + "; ".join(problems)


def test_the_cli_page_lists_every_command() -> None:
    text = (DOCS / "cli.md").read_text(encoding="utf-8").replace("\\|", "|")

    def leaves(group: click.Group, prefix: str) -> Iterator[str]:
        for name, command in subcommands(group).items():
            if isinstance(command, click.Group):
                yield from leaves(command, f"{prefix}{name} ")
            else:
                yield f"{prefix}{name}"

    documented = " ".join(invocations(text))
    missing = []
    for leaf in leaves(cli_group(), ""):
        *group, name = leaf.split()
        pattern = r"rightsmark " + "".join(re.escape(g) + " " for g in group)
        pattern += rf"(?:[a-z]+\|)*{re.escape(name)}(?:\|[a-z]+)*(?![\w-])"
        if not re.search(pattern, documented):
            missing.append(leaf)
    assert not missing, f"docs/cli.md does not document: {missing}"


# --- the worked example's re-run ----------------------------------------------------------------


def test_the_scoring_rerun_prints_the_engines_digests() -> None:
    from audits.scoring import parse_and_score
    from standards.loader import load_ruleset

    text = (DOCS / "scoring.md").read_text(encoding="utf-8")
    blocks = dict(re.findall(r"<!-- example: (\w+) -->\s*```\w+\n(.*?)```", text, re.DOTALL))
    report = parse_and_score(load_ruleset(blocks["ruleset"]), blocks["submission"].encode())
    assert not isinstance(report, list), report
    rerun = re.search(r"\$ rightsmark audits score submission\.json.*?\n(.*?)```", text, re.DOTALL)
    assert rerun, "the re-run block is missing from docs/scoring.md"
    printed = rerun.group(1)
    assert f"score {report.score} grade {report.grade} floor holds" in printed
    assert f"inputs {report.inputs_digest}" in printed
    assert f"report {report.report_digest}" in printed


def imports_in_code(text: str) -> Iterator[str]:
    """`from registry.x import a, b` in a code block, as `registry.x.a`, `registry.x.b`."""
    for line in code_lines(text):
        match = re.match(
            r"\s*from ((?:standards|audits|registry|api)[\w.]*) import ([\w, ]+)$", line
        )
        if match:
            for name in match.group(2).split(","):
                yield f"{match.group(1)}.{name.strip()}"


@pytest.mark.parametrize("page", ALL, ids=rel)
def test_every_import_in_a_code_example_exists(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    missing = sorted({n for n in imports_in_code(text) if not dotted_name_exists(n)})
    assert not missing, f"{rel(page)} imports what does not exist: {missing}"
