"""The published standards: the list, one version in full, and two versions compared."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Response, get
from litestar.params import PathParameter, QueryParameter

from api import i18n
from api.i18n import N_
from api.i18n import gettext as _
from api.web.errors import BadParameter
from api.web.render.html import page
from registry.standards import service as standards
from standards import translations
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


COMPARED = {
    "<": N_("a number; passes when it is less than %(threshold)s"),
    "<=": N_("a number; passes when it is at most %(threshold)s"),
    "==": N_("a number; passes when it is exactly %(threshold)s"),
    ">=": N_("a number; passes when it is at least %(threshold)s"),
    ">": N_("a number; passes when it is more than %(threshold)s"),
}


def _plain(number: float) -> str:
    return i18n.format_number(int(number) if float(number).is_integer() else number)


def _measure(measure: dict[str, Any]) -> str:
    """A measure in words, in the reader's language: how the auditor answers, what passes."""
    kind = measure.get("type")
    if kind == "yes_no":
        if measure["expected"]:
            return _("yes or no; passes when the answer is yes")
        return _("yes or no; passes when the answer is no")
    if kind == "scale":
        return _("a scale from 0 to 4; passes at %(mark)s or above") % {
            "mark": _plain(measure["pass_mark"])
        }
    if kind == "numeric":
        unit = f" {measure['unit']}" if measure.get("unit") else ""
        threshold = _plain(measure["threshold"]) + unit
        words = COMPARED.get(measure["comparator"])
        if words is None:
            return f"{measure['comparator']} {threshold}"
        return _(words) % {"threshold": threshold}
    return str(kind)


class StandardPages(Controller):
    path = "/standards"
    include_in_schema = False

    @get("/", name="web:standards")
    async def index(self) -> Response[str]:
        versions = [v.to_dict() for v in await standards.list_versions()]
        slugs = sorted({v["slug"] for v in versions})
        titles = {}  # a translated title where the version has a translation
        for v in versions:
            if not translations.path_of(v["slug"], v["version"], i18n.current()).is_file():
                continue
            body = await standards.get_version(v["slug"], v["version"])
            shown = translations.load(v["slug"], v["version"], i18n.current(), body["rule_set"])
            if shown.title:
                titles[f"{v['slug']}@{v['version']}"] = shown.title
        return page("standards.html", versions=versions, slugs=slugs, titles=titles)

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
                title=_("Not found"),
                detail=_("no published standard is called %(slug)s") % {"slug": repr(slug)},
            )
        difference = None
        if old or new:
            if not old or not new:
                raise BadParameter("from" if not old else "to", _("name both versions to compare"))
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
        shown = translations.load(slug, version, i18n.current(), body["rule_set"])
        return page(
            "standard.html",
            standard=body,
            rules=body["rule_set"],
            measures=measures,
            others=others,
            tr=shown,
        )
