"""Certificates: W3C Verifiable Credentials for certified recruiters, and their verification.

The modules here are pure (no database, no web framework): `contexts` (the JSON-LD contexts),
`codes` (human certificate codes), `credential` (building unsigned credentials) and
`verification` (the one verification engine used by the API, the CLI and bulk checks).
"""
