"""Complaints, remedies and appeals (ISO/IEC 17065 7.13 and 7.14; REM-1..3 and LAW-3 of
core-rights applied to the registry itself): `rules` (pure), `sealing` (personal data at
rest), the use cases `filing`, `handling`, `remedies`, `special_audits`, `provider_side`,
`appeals`, `statistics`, `retention`, and `records` (what they return). See
docs/complaints.md."""
