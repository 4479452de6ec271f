"""A provider's self-assessment in the portal (issue 17): the auditor's form filled for itself,
the score and gap list, attached to an application, shown to its auditor beside its form."""

from __future__ import annotations

import re

import httpx

from audits.template import failing_value
from tests.integration.http.authz.world import assessment_form
from tests.support.assessments import Party, World, build_world
from tests.support.portal import page, sign_in, submit

LIST = "/portal/provider/self-assessments"


async def _portal(client: httpx.AsyncClient, who: Party) -> httpx.AsyncClient:
    """A browser of its own (its own cookies) on the same app."""
    browser = httpx.AsyncClient(transport=client._transport, base_url=client.base_url)
    await sign_in(browser, who.headers["Authorization"].split()[1])
    return browser


async def test_fill_score_attach_and_the_auditor_sees_it(client: httpx.AsyncClient) -> None:
    world: World = await build_world(client)
    provider = await _portal(client, world.provider)
    assert "Start a self-assessment" in await page(provider, LIST)
    form_page = f"{LIST}/new?standard=core-rights@1.0.0&provider_types=recruiter"
    shown = await page(provider, form_page)
    assert 'name="value-LAW-1"' in shown
    assert "self-assessed" in shown
    scope = {"standard": "core-rights@1.0.0", "provider_types": "recruiter"}
    # Nothing answered: each problem at its field, nothing stored.
    refused = await submit(provider, form_page, f"{LIST}/new", {**scope, "do": "file"}, 422)
    assert "Not scored" in refused.text
    assert 'id="value-LAW-1-error"' in refused.text
    # Answered, with one core indicator failed.
    fields: dict[str, str | list[str]] = {**assessment_form(world.ruleset), **scope, "do": "file"}
    core = next(i for _, i in world.ruleset.indicators() if i.core)
    value = failing_value(core.measure)
    fields[f"value-{core.id}"] = (
        ("yes" if value else "no") if isinstance(value, bool) else str(value)
    )
    scored = await submit(provider, form_page, f"{LIST}/new", fields)
    where = scored.headers["location"]
    sas = where.rsplit("/", 1)[1]
    result = await page(provider, where)
    assert "self-assessed" in result
    assert f"<strong>{core.id}</strong>" in result
    assert "critical" in result
    assert core.requirement in result
    assert re.search(r"Core floor</dt><dd>fails", result)
    assert world.application in result  # offered for attachment
    attached = await submit(
        provider, where, f"{LIST}/{sas}/attach", {"application_id": world.application}
    )
    assert attached.headers["location"] == where
    assert f"Attached to application <code>{world.application}</code>" in await page(
        provider, where
    )
    # The assigned auditor sees it beside its own form, marked, with the provider's answers.
    auditor = await _portal(client, world.auditor)
    form = await page(auditor, f"/portal/auditor/applications/{world.application}")
    assert sas in form
    assert "The provider&#39;s self-assessment" in form or "The provider's self-assessment" in form
    assert form.count('class="self-answer"') >= 30
    assert "not met</strong> (critical)" in form
    assert "self-assessed" in await page(auditor, where)
    # Nobody else reads it: another provider, another auditor.
    other = await _portal(client, world.other_provider)
    await page(other, where, 404)
    other_auditor = await _portal(client, world.other_auditor)
    await page(other_auditor, where, 404)
    assert f"/portal/self-assessments/{sas}" in await page(provider, LIST)


async def test_a_scope_outside_the_organisation_is_refused(client: httpx.AsyncClient) -> None:
    world: World = await build_world(client)
    provider = await _portal(client, world.provider)
    await page(provider, f"{LIST}/new?standard=core-rights@1.0.0&provider_types=lender", 409)
    await page(provider, f"{LIST}/new?standard=core-rights@9.0.0&provider_types=recruiter", 404)
    saved = await submit(
        provider,
        f"{LIST}/new?standard=core-rights@1.0.0&provider_types=recruiter",
        f"{LIST}/new",
        {
            "standard": "core-rights@1.0.0",
            "provider_types": "recruiter",
            "do": "save",
            "site_name": "Cebu office",
        },
    )
    kept = await page(provider, saved.headers["location"])
    assert 'value="Cebu office"' in kept
    assert "Draft saved" in kept
