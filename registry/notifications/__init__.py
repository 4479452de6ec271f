"""Notifications, never lost: the outbox's events fanned out to subscriptions (signed
webhooks, e-mail alerts and digests) and delivered in order, with retries, by a worker
inside `rightsmark serve` or `rightsmark deliver` (docs/notifications.md)."""
