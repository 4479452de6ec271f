"""Human certificate codes: RM-XXXX-XXXX in Crockford base32, read forgivingly."""

from __future__ import annotations

import re

import pytest

from registry.certificates.codes import ALPHABET, looks_like_code, new_code, normalise_code

CODE = re.compile(r"RM-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}")


def test_alphabet_is_crockford() -> None:
    assert len(ALPHABET) == 32 == len(set(ALPHABET))
    assert not set("ILOU") & set(ALPHABET)


def test_new_codes_are_well_formed_random_and_canonical() -> None:
    codes = {new_code() for _ in range(2000)}
    assert len(codes) == 2000
    for code in codes:
        assert CODE.fullmatch(code)
        assert normalise_code(code) == code


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("RM-7K3Q-9XPD", "RM-7K3Q-9XPD"),
        ("rm-7k3q-9xpd", "RM-7K3Q-9XPD"),
        ("RM7K3Q9XPD", "RM-7K3Q-9XPD"),
        (" rm 7k3q 9xpd ", "RM-7K3Q-9XPD"),
        ("RM-7K3Q9XPD", "RM-7K3Q-9XPD"),
        ("RM-OOOO-1111", "RM-0000-1111"),
        ("RM-IiLl-0000", "RM-1111-0000"),
        ("rm--7k3q--9xpd", "RM-7K3Q-9XPD"),
        ("RM-7K3Q-9XPU", None),  # U is not in the alphabet
        ("RM-7K3Q-9XP", None),
        ("RM-7K3Q-9XPDD", None),
        ("7K3Q-9XPD", None),  # the prefix is required
        ("XX-7K3Q-9XPD", None),
        ("RM-7K3Q-9XP!", None),
        ("", None),
        ("RM-" + "0" * 200, None),
        ("https://registry.example/credentials/3f0c6b1e", None),
    ],
)
def test_normalise_code(text: str, expected: str | None) -> None:
    assert normalise_code(text) == expected
    assert looks_like_code(text) is (expected is not None)


def test_non_strings_are_not_codes() -> None:
    assert normalise_code(42) is None  # type: ignore[arg-type]
