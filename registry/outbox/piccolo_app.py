"""Piccolo app of the outbox: its table and migrations."""

from __future__ import annotations

import os

from piccolo.conf.apps import AppConfig

from registry.outbox.tables import OutboxRow

APP_CONFIG = AppConfig(
    app_name="outbox",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "migrations"),
    table_classes=[OutboxRow],
)
