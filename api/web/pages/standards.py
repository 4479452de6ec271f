"""The published standards: the list, one version in full, and two versions compared."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Response, get
from litestar.params import PathParameter, QueryParameter

from api.web.errors import BadParameter
from api.web.render.html import page
from registry.standards import service as standards
from standards.lifecycle import parse_version
from standards.loader import load_document

Name = Annotated[str, PathParameter(max_length=64)]
Version = Annotated[str, PathParameter(max_length=32)]


def _checked(name: str, value: str) -> str:
    try:
        parse_version(value)
    except ValueError as exc:
        raise BadParameter(name, str(exc)) from exc
    return value


COMPARED = {"<": "less than", "<=": "at most", "==": "exactly", ">=": "at least", ">": "more than"}


def _plain(number: float) -> str:
    return str(int(number)) if float(number).is_integer() else str(number)


def _measure(measure: dict[str, Any]) -> str:
    """A measure in words: how the auditor answers, and what passes."""
    kind = measure.get("type")
    if kind == "yes_no":
        return f"yes or no; passes when the answer is {'yes' if measure['expected'] else 'no'}"
    if kind == "scale":
        return f"a scale from 0 to 4; passes at {measure['pass_mark']} or above"
    if kind == "numeric":
        unit = f" {measure['unit']}" if measure.get("unit") else ""
        compared = COMPARED.get(measure["comparator"], measure["comparator"])
        return f"a number; passes when it is {compared} {_plain(measure['threshold'])}{unit}"
    return str(kind)


class StandardPages(Controller):
    path = "/standards"
    include_in_schema = False

    @get("/", name="web:standards")
    async def index(self) -> Response[str]:
        versions = [v.to_dict() for v in await standards.list_versions()]
        slugs = sorted({v["slug"] for v in versions})
        return page("standards.html", versions=versions, slugs=slugs)

    @get("/{slug:str}/compare", name="web:compare")
    async def compare(
        self,
        slug: Name,
        old: Annotated[str, QueryParameter(name="from", max_length=32)] = "",
        new: Annotated[str, QueryParameter(name="to", max_length=32)] = "",
    ) -> Response[str]:
        """`?from=1.0.0&to=1.1.0`; with neither, the form to choose them."""
        versions = [v.to_dict() for v in await standards.list_versions() if v.slug == slug]
        if not versions:
            return page(
                "error.html",
                status=404,
                title="Not found",
                detail=f"no published standard is called {slug!r}",
            )
        difference = None
        if old or new:
            if not old or not new:
                raise BadParameter("from" if not old else "to", "name both versions to compare")
            difference = await standards.diff(slug, _checked("from", old), _checked("to", new))
        return page("compare.html", slug=slug, versions=versions, old=old, new=new, diff=difference)

    @get("/{slug:str}/{version:str}", name="web:standard")
    async def version(self, slug: Name, version: Version) -> Response[str]:
        """The whole rule set: categories, indicators with guidance, grades, deadlines."""
        body = await standards.get_version(slug, _checked("version", version))
        rules = load_document(body["rule_set"])
        measures = {
            indicator.id: _measure(indicator.measure.model_dump(mode="json"))
            for _, indicator in rules.indicators()
        }
        others = [v.to_dict() for v in await standards.list_versions() if v.slug == slug]
        return page(
            "standard.html", standard=body, rules=body["rule_set"], measures=measures, others=others
        )
