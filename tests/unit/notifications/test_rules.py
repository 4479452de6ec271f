"""The pure parts of notifications: the retry schedule, which addresses are public, which
subscriptions an event matches, sealing secrets, unsubscribe tokens and e-mail wording."""

from __future__ import annotations

import asyncio
import datetime as dt
import ipaddress
import random

import pytest

from registry.notifications import retry, secrets
from registry.notifications.email import describe
from registry.notifications.scope import Scope, scope_matches
from registry.notifications.ssrf import is_public
from tests.support.webhooks import registry_env

T0 = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def test_backoff_doubles_to_its_cap_with_jitter_and_gives_up_after_three_days() -> None:
    assert [retry.nominal_delay(n).total_seconds() for n in (1, 2, 3, 4)] == [5, 10, 20, 40]
    assert retry.nominal_delay(40) == retry.CAP
    rng = random.Random(7)
    for attempts in range(1, 20):
        when = retry.next_attempt(attempts, T0, T0, rng)
        assert when is not None
        wait = when - T0
        assert retry.nominal_delay(attempts) / 2 <= wait <= retry.nominal_delay(attempts)
    late = T0 + retry.GIVE_UP - dt.timedelta(minutes=1)
    assert retry.next_attempt(30, T0, late, rng) is None


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("93.184.216.34", True),
        ("2606:4700::1111", True),
        ("127.0.0.1", False),
        ("10.1.2.3", False),
        ("172.16.0.1", False),
        ("192.168.1.1", False),
        ("169.254.169.254", False),
        ("100.64.0.1", False),
        ("0.0.0.0", False),
        ("224.0.0.1", False),
        ("::1", False),
        ("fe80::1", False),
        ("fc00::1", False),
        ("::ffff:127.0.0.1", False),
    ],
)
def test_only_global_unicast_addresses_are_public(address: str, public: bool) -> None:
    assert is_public(ipaddress.ip_address(address)) is public


def _scope(**kw: object) -> Scope:
    values: dict[str, object] = {
        "events": (), "certificates": (), "providers": (), "watchlist": None,
    } | kw  # fmt: skip
    return Scope(**values)  # type: ignore[arg-type]


def test_scope_matches_explicit_lists_and_everything_without_any() -> None:
    async def check() -> None:
        assert await scope_matches(_scope(), "crt_a", "RMP-1")
        assert await scope_matches(_scope(certificates=("crt_a",)), "crt_a", "RMP-1")
        assert await scope_matches(_scope(providers=("RMP-1",)), "crt_b", "RMP-1")
        assert not await scope_matches(_scope(certificates=("crt_a",)), "crt_b", "RMP-2")
        assert await scope_matches(_scope(providers=("RMP-1",)), None, "RMP-1")
        # A watchlist matches when the lists watching the change include it (looked up in
        # registry.watchlists when not given; that path is tested with the database).
        assert not await scope_matches(_scope(watchlist="wl_1"), "crt_a", "RMP-1", ["wl_2"])
        assert await scope_matches(_scope(watchlist="wl_1"), "crt_a", "RMP-1", ["wl_1"])

    asyncio.run(check())


def test_sealed_secrets_open_only_for_their_subscription() -> None:
    with registry_env(key_passphrase="unit-test-passphrase"):
        secret = secrets.new_secret()
        assert secret.startswith("whsec_")
        sealed = secrets.seal(secret, "whk_a")
        assert secret not in sealed
        assert secrets.unseal(sealed, "whk_a") == secret
        with pytest.raises(secrets.SecretError):
            secrets.unseal(sealed, "whk_b")
        token = secrets.unsubscribe_token("eml_a")
        assert secrets.subscription_of_token(token) == "eml_a"
        assert secrets.subscription_of_token(token[:-2] + "xx") is None
        assert secrets.subscription_of_token("eml_b" + token[5:]) is None


def test_an_event_reads_as_one_line_and_its_details() -> None:
    payload = {
        "type": "certificate.expiring",
        "data": {
            "certificate": {"id": "crt_a", "code": "RM-AAAA-BBBB", "page": "https://x/c"},
            "provider": {"id": "RMP-1"},
            "days": 30,
            "valid_until": "2027-01-01T00:00:00Z",
            "log_index": 3,
        },
    }
    title, body = describe(payload)
    assert title == "Certificate RM-AAAA-BBBB expires in 30 days"
    assert "Transparency log entry: 3" in body
