"""Issue 7: the authorization matrix. Every route handler of the app, every method, against
every kind of caller (tests/authz/world.py), each cell a real request over the real app and
database, judged against tests/authz/expectations.py.

The matrix is generated from the app's route table: a route with no expectation fails the
first test, naming it, and so does an expectation naming a route that no longer exists.
A failing matrix prints the whole of it, each wrong cell as `!expected>got`, and then what
each wrong cell answered.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx
import pytest
from litestar import Litestar
from litestar.routes import HTTPRoute

from api.app import create_app
from registry.settings import get_settings
from tests.integration.http.authz.expectations import SPECS, Expect, Spec, get, public
from tests.integration.http.authz.world import DEAD, Who, World, build_world

# Litestar answers OPTIONS on every path itself (CORS preflight: the allowed methods, no
# data); no handler of ours runs, so no guard does either.
AUTO_OPTIONS = "options_handler"
_PARAM = re.compile(r"\{(\w+):(\w+)\}")


def route_table(app: Litestar) -> dict[str, str]:
    """'METHOD /path' of every route handler -> the handler's name."""
    table: dict[str, str] = {}
    for route in app.routes:
        if not isinstance(route, HTTPRoute):
            table[f"{type(route).__name__} {route.path}"] = "?"
            continue
        for method, (handler, _) in route.route_handler_map.items():
            table[f"{method} {route.path}"] = handler.handler_name
    return table


def _example(path: str) -> str:
    """A concrete URL for a path template (OPTIONS never reaches a handler)."""
    fill = {"int": "1", "path": "site.css"}
    return _PARAM.sub(lambda m: fill.get(m.group(2), "x"), path)


def options_specs(table: dict[str, str]) -> list[Spec]:
    return [
        Spec(route, get(_example(route.split(" ", 1)[1])), public(204))
        for route, name in sorted(table.items())
        if route.startswith("OPTIONS ") and name == AUTO_OPTIONS
    ]


def test_every_route_has_an_expectation() -> None:
    table = route_table(create_app(access_log=False, manage_pool=False))
    covered = {spec.route for spec in SPECS} | {spec.route for spec in options_specs(table)}
    missing = sorted(set(table) - covered)
    stale = sorted(covered - set(table))
    assert not missing, (
        "routes with no entry in tests/authz/expectations.py (say who may call them): "
        + ", ".join(f"{route} ({table[route]})" for route in missing)
    )
    assert not stale, "expectations for routes the app no longer has: " + ", ".join(stale)
    for spec in SPECS:
        assert set(spec.expect) == set(Who), f"{spec.label}: expectations for {set(spec.expect)}"


@dataclass
class Outcome:
    spec: Spec
    got: dict[Who, httpx.Response]
    leaks: dict[Who, str]  # what an allowed answer showed that the caller may not see

    def wrong(self) -> list[Who]:
        return [
            who
            for who in Who
            if who in self.leaks or not self.spec.expect[who].matches(self.got[who])
        ]


def _short(expect: Expect) -> str:
    return f"{expect.status}{'>' if expect.location else ''}"


def summary(outcomes: list[Outcome]) -> str:
    """One line per endpoint, one column per caller: the expected status, and for a wrong
    cell `!expected>got` (`?` for a known defect, `!leak` for an allowed answer showing
    what the caller may not see); a trailing `>` marks a redirect whose Location is
    checked too. OPTIONS rows only when wrong."""
    preflights = [o for o in outcomes if o.spec.method == "OPTIONS"]
    shown = [o for o in outcomes if o.spec.method != "OPTIONS" or o.wrong()]
    width = max(len(o.spec.label) for o in shown)
    lines = [" " * width + " | " + " ".join(f"{who.value:>8}" for who in Who)]
    for outcome in shown:
        cells = []
        for who in Who:
            expect, response = outcome.spec.expect[who], outcome.got[who]
            text = _short(expect)
            if who in outcome.leaks:
                text = "!leak"
            elif not expect.matches(response):
                where = response.headers.get("location")
                text = f"!{expect.status}>{response.status_code}"
                text += f"@{where}" if where else ""
            cells.append(f"{text:>8}")
        lines.append(f"{outcome.spec.label:<{width}} | " + " ".join(cells))
    right = sum(1 for o in preflights if not o.wrong())
    lines.append(f"OPTIONS (Litestar's own, every path): {right} of {len(preflights)} right")
    return "\n".join(lines)


def details(outcomes: list[Outcome]) -> str:
    lines = []
    for outcome in outcomes:
        for who in outcome.wrong():
            expect, response = outcome.spec.expect[who], outcome.got[who]
            if who in outcome.leaks:
                lines.append(f"{outcome.spec.label} as {who.value}: {outcome.leaks[who]}")
                continue
            lines.append(
                f"{outcome.spec.label} as {who.value}: expected {expect.status}"
                f"{' ' + expect.location if expect.location else ''}, got "
                f"{response.status_code} {response.headers.get('location', '')} "
                f"{response.text[:300]!r}"
            )
    return "\n".join(lines)


async def send(w: World, spec: Spec, who: Who) -> httpx.Response:
    req = spec.request(w, who)
    headers = dict(req.headers or {})
    data = dict(req.form) if req.form is not None else None
    own_client = None
    if req.url.startswith("/portal"):
        if who in DEAD:
            own_client, csrf = await w.dead_session(who)
            client = own_client
        else:
            client = w.clients[who]
            csrf = await w.csrf(client) if data is not None else ""
        if data is not None:
            data["csrf"] = csrf
    else:
        client = w.clients[who]
        headers.update(w.headers(who))
    try:
        return await client.request(
            spec.method,
            req.url,
            params=req.params,
            json=req.json,
            content=req.content,
            data=data,
            files=req.files,
            headers=headers,
        )
    finally:
        if own_client is not None:
            await own_client.aclose()


async def run(w: World, spec: Spec) -> Outcome:
    if spec.before is not None:
        await spec.before(w)
    got: dict[Who, httpx.Response] = {}
    leaks: dict[Who, str] = {}
    order = sorted(Who, key=lambda who: spec.expect[who].allow)  # denied callers first
    for who in order:
        got[who] = response = await send(w, spec, who)
        if not spec.expect[who].allow or not spec.expect[who].matches(response):
            continue
        if spec.after is not None:
            spec.after(w, who, response)
        if spec.check is not None and (leak := spec.check(w, who, response)):
            leaks[who] = leak
    return Outcome(spec, got, leaks)


@pytest.fixture
async def world(db: None) -> AsyncIterator[World]:
    shutil.rmtree(get_settings().data_dir / "evidence", ignore_errors=True)
    built = await build_world(create_app(access_log=False, manage_pool=False))
    yield built
    await built.aclose()


async def test_the_matrix(world: World) -> None:
    specs = [*SPECS, *options_specs(route_table(world.app))]
    outcomes = [await run(world, spec) for spec in specs]
    wrong = [o for o in outcomes if o.wrong()]
    if wrong:
        cells = sum(len(o.wrong()) for o in wrong)
        pytest.fail(
            f"{cells} of {len(outcomes) * len(Who)} cells are wrong\n"
            f"{summary(outcomes)}\n\n{details(wrong)}",
            pytrace=False,
        )
