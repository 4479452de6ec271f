"""Assessments: evidence files, filed assessments and amendments, decisions, idempotency."""
