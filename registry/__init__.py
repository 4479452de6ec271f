"""Providers, auditors, accounts, certificates, status lists and the transparency log."""
