"""Piccolo app of the complaints sub-package: its tables and migrations."""

from __future__ import annotations

import os

from piccolo.conf.apps import AppConfig

from registry.complaints.tables import (
    AppealRow,
    ComplaintAttachmentRow,
    ComplaintEventRow,
    ComplaintMessageRow,
    ComplaintRow,
    RemedyRow,
    SpecialAuditRow,
    WorkforceRow,
)

APP_CONFIG = AppConfig(
    app_name="complaints",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "migrations"),
    table_classes=[
        ComplaintRow,
        ComplaintEventRow,
        ComplaintMessageRow,
        ComplaintAttachmentRow,
        RemedyRow,
        SpecialAuditRow,
        AppealRow,
        WorkforceRow,
    ],
)
