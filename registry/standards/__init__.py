"""Storing and publishing standards: drafts, publication, retirement, and their log entries."""
