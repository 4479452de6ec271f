"""Piccolo app of the corrective-actions sub-package: its tables and migrations."""

from __future__ import annotations

import os

from piccolo.conf.apps import AppConfig

from registry.corrective.tables import CorrectiveActionRow, CorrectiveEventRow

APP_CONFIG = AppConfig(
    app_name="corrective",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "migrations"),
    table_classes=[CorrectiveActionRow, CorrectiveEventRow],
)
