"""The pages' language over real HTTP (docs/languages.md): `?lang=` then the cookie then
`Accept-Language`; the answers say their language and that they vary by it; the complaint
receipt and case pages (POSTs) in every language; problem details in the client's language
with stable codes; and the printable certificate embedding a font for each script."""

from __future__ import annotations

import re

import pypdfium2  # type: ignore[import-untyped]  # no type information shipped
import pytest

from api.i18n import LANGUAGES
from tests.integration.web.demo import Demo
from tests.integration.web.test_complaint_pages import KEY, REFERENCE, form

HTML_LANG = re.compile(r'<html lang="([^"]+)" dir="([^"]+)">')


def _lang(body: str) -> tuple[str, str]:
    found = HTML_LANG.search(body)
    assert found, body[:300]
    return found.group(1), found.group(2)


async def test_query_then_cookie_then_accept_language(seeded: Demo) -> None:
    client = seeded.client
    plain = await client.get("/statistics")
    assert _lang(plain.text) == ("en", "ltr")
    assert plain.headers["content-language"] == "en"
    assert "Accept-Language" in plain.headers["vary"]
    assert "set-cookie" not in plain.headers

    asked = await client.get("/statistics", headers={"Accept-Language": "es-MX,es;q=0.9"})
    assert _lang(asked.text) == ("es", "ltr")
    assert "<h1>Estadísticas</h1>" in asked.text

    chosen = await client.get("/statistics?lang=ar", headers={"Accept-Language": "es"})
    assert _lang(chosen.text) == ("ar", "rtl")
    assert "lang=ar" in chosen.headers["set-cookie"]
    assert "SameSite=Lax" in chosen.headers["set-cookie"]
    # the cookie now wins over the header, and the rendered page is kept per language
    again = await client.get("/statistics", headers={"Accept-Language": "es"})
    assert _lang(again.text) == ("ar", "rtl")
    client.cookies.clear()
    english = await client.get("/statistics")
    assert _lang(english.text) == ("en", "ltr")
    assert english.text != again.text

    unknown = await client.get("/statistics?lang=klingon")
    assert unknown.status_code == 200
    assert _lang(unknown.text) == ("en", "ltr")


async def test_cached_pages_are_kept_per_language(seeded: Demo) -> None:
    code = seeded.code("suspended")
    bodies = {}
    for lang in LANGUAGES:
        answer = await seeded.client.get(f"/certificates/{code}", params={"lang": lang})
        assert answer.status_code == 200
        assert _lang(answer.text)[0] == lang
        bodies[lang] = answer.text
    seeded.client.cookies.clear()
    assert len(set(bodies.values())) == len(LANGUAGES)
    assert "SUSPENDU" in bodies["fr"]
    assert "معلّقة" in bodies["ar"]
    assert "निलंबित" in bodies["hi"]


@pytest.mark.parametrize("lang", LANGUAGES)
async def test_complaint_receipt_and_case_in_every_language(seeded: Demo, lang: str) -> None:
    client = seeded.client
    client.cookies.set("lang", lang)
    filed = await client.post("/complaints/new", data=form(seeded.code("valid")))
    assert filed.status_code == 201, filed.text[:2000]
    assert _lang(filed.text) == (lang, "rtl" if lang == "ar" else "ltr")
    reference, key = REFERENCE.search(filed.text), KEY.search(filed.text)
    assert reference
    assert key
    case = await client.post(
        "/complaints/track", data={"reference": reference.group(1), "key": key.group(1)}
    )
    assert case.status_code == 200, case.text[:2000]
    assert _lang(case.text)[0] == lang
    refused = await client.post("/complaints/new", data=form("", provider_name=""))
    assert refused.status_code in (400, 422)
    assert _lang(refused.text)[0] == lang
    client.cookies.clear()


async def test_problem_details_carry_a_code_and_speak_the_clients_language(seeded: Demo) -> None:
    client = seeded.client
    english = await client.get("/api/v1/certificates/RM-0000-0000")
    assert english.status_code == 404
    assert english.json()["title"] == "Not found"
    assert english.json()["code"] == "not_found"
    french = await client.get(
        "/api/v1/certificates/RM-0000-0000", headers={"Accept-Language": "fr-FR, en;q=0.5"}
    )
    assert french.status_code == 404
    assert french.json()["title"] == "Introuvable"
    assert french.json()["code"] == "not_found"  # the same code in every language
    assert french.headers["content-language"] == "fr"
    arabic = await client.post(
        "/api/v1/verify",
        content=b"[" * 100_000,
        headers={"Accept-Language": "ar", "Content-Type": "application/json"},
    )
    assert arabic.status_code == 400
    assert arabic.json()["code"] == "bad_request"
    assert arabic.json()["title"] == "طلب غير صحيح"


async def test_the_verify_api_gives_each_verdict_a_stable_code(seeded: Demo) -> None:
    for status in ("valid", "suspended", "revoked", "expired"):
        answer = await seeded.client.post("/api/v1/verify", content=await seeded.credential(status))
        assert answer.json()["status"] == status
        assert answer.json()["code"] == status


SCRIPTS = {  # language -> (the embedded font, a word of its certificate PDF)
    "ar": ("NotoSansArabic", "شهادة"),
    "hi": ("NotoSansDevanagari", "प्रमाणपत्र"),
    "ne": ("NotoSansDevanagari", "प्रमाणपत्र"),
    "bn": ("NotoSansBengali", "সনদ"),
    "fr": ("NotoSans", "CERTIFICAT RIGHTSMARK"),
}


@pytest.mark.parametrize("lang", sorted(SCRIPTS))
async def test_the_printable_certificate_embeds_a_font_for_each_script(
    seeded: Demo, lang: str
) -> None:
    font, word = SCRIPTS[lang]
    code = seeded.code("valid")
    pdf = await seeded.client.get(f"/certificates/{code}/certificate.pdf", params={"lang": lang})
    seeded.client.cookies.clear()
    assert pdf.status_code == 200
    assert pdf.headers["content-language"] == lang
    # embedded subsets: /BaseFont /ABCDEF+NotoSans... with a /FontFile2 stream
    fonts = set(re.findall(rb"/BaseFont /[A-Z]{6}\+([A-Za-z-]+)", pdf.content))
    assert font.encode() in fonts, fonts
    assert b"NotoSans" in fonts  # the English lines
    assert b"/FontFile2" in pdf.content
    text = pypdfium2.PdfDocument(pdf.content)[0].get_textpage().get_text_bounded()
    assert "RIGHTSMARK CERTIFICATE" in text  # English first, then the reader's language
    assert word in text


async def test_a_standard_page_shows_its_translation_and_the_same_digest(published: Demo) -> None:
    client = published.client
    english = await client.get("/standards/core-rights/3.0.0")
    french = await client.get("/standards/core-rights/3.0.0", params={"lang": "fr"})
    client.cookies.clear()
    assert english.status_code == french.status_code == 200
    assert "Aucun travailleur ne paie de commission de recrutement" in french.text
    assert 'id="translation-note"' in french.text
    assert "No worker pays any recruitment fee" in french.text  # the English, under it
    assert 'id="translation-note"' not in english.text
    digest = re.compile(r'<code class="digest">(sha256:[0-9a-f]+)</code>')
    shown_en, shown_fr = digest.search(english.text), digest.search(french.text)
    assert shown_en
    assert shown_fr
    assert shown_en.group(1) == shown_fr.group(1)
    served = await client.get("/api/v1/standards/core-rights/versions/3.0.0")
    assert served.json()["digest"] == shown_en.group(1)


# Words of the employers', open-data and unsubscribe pages that must not stay English.
ENGLISH_ONLY = ("Check a supplier list", "Supplier check", "Not in the registry", "Open data",
                "Sign up as an employer", "E-mail alerts", "Latest export")  # fmt: skip


@pytest.mark.parametrize("lang", [lang for lang in LANGUAGES if lang != "en"])
async def test_employer_open_data_and_unsubscribe_pages_in_every_language(
    seeded: Demo, lang: str
) -> None:
    client = seeded.client
    client.cookies.set("lang", lang)
    csv = f"name,country,licence_number,certificate_code\r\nX,PH,,{seeded.code('valid')}\r\n"
    checked = await client.post(
        "/supplier-check", files={"file": ("s.csv", csv.encode(), "text/csv")}
    )
    assert checked.status_code == 303, checked.text[:2000]
    pages = {
        "form": await client.get("/supplier-check"),
        "report": await client.get(checked.headers["location"]),
        "sign-up": await client.get("/employers/sign-up"),
        "sent": await client.post("/employers/sign-up", data={"name": "A", "organisation": "B",
                                                               "email": "a@example.org"}),
        "open data": await client.get("/open-data"),
        "unsubscribe": await client.get("/unsubscribe/not-a-token"),
    }  # fmt: skip
    for name, answer in pages.items():
        assert answer.status_code == (404 if name == "unsubscribe" else 200), (name, answer.text)
        assert answer.headers["content-language"] == lang, name
        assert _lang(answer.text)[0] == lang, name
        main = answer.text.split("<main", 1)[-1].split("</main>", 1)[0]
        left = [words for words in ENGLISH_ONLY if words in main]
        assert left == [], (name, left)
    assert 'data-outcome="' in pages["report"].text  # the table, in the reader's language
    client.cookies.clear()
