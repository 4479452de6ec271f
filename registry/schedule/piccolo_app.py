"""Piccolo app of the surveillance-cycle sub-package: its table and migration."""

from __future__ import annotations

import os

from piccolo.conf.apps import AppConfig

from registry.schedule.tables import ScheduledAuditRow

APP_CONFIG = AppConfig(
    app_name="schedule",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "migrations"),
    table_classes=[ScheduledAuditRow],
)
