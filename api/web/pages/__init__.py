"""The public pages: search and register, providers, certificates, verify, standards, statistics."""
