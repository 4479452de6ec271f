"""The notification outbox: one row per public event, written in the transaction of the
change it reports (docs/notifications.md).

This package sits low in the registry's layers so that every use case that changes a
certificate can write its event beside the change; fanning the events out to subscriptions
and delivering them is `registry.notifications`, above every use case.
"""
