"""Piccolo app of the self-assessments sub-package: its table and migrations."""

from __future__ import annotations

import os

from piccolo.conf.apps import AppConfig

from registry.self_assessments.tables import SelfAssessmentRow

APP_CONFIG = AppConfig(
    app_name="self_assessments",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "migrations"),
    table_classes=[SelfAssessmentRow],
)
