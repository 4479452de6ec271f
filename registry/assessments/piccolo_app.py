"""Piccolo app of the assessments sub-package: its tables and migrations."""

from __future__ import annotations

import os

from piccolo.conf.apps import AppConfig

from registry.assessments.tables import AssessmentRow, DecisionRow, EvidenceRow, IdempotencyRow

APP_CONFIG = AppConfig(
    app_name="assessments",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "migrations"),
    table_classes=[EvidenceRow, AssessmentRow, DecisionRow, IdempotencyRow],
)
