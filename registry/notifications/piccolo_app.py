"""Piccolo app of notifications: subscriptions, deliveries, attempts."""

from __future__ import annotations

import os

from piccolo.conf.apps import AppConfig

from registry.notifications.tables import AttemptRow, DeliveryRow, SubscriptionRow

APP_CONFIG = AppConfig(
    app_name="notifications",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "migrations"),
    table_classes=[SubscriptionRow, DeliveryRow, AttemptRow],
)
