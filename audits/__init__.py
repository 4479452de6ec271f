"""Audit submissions, their validation against a standard version, scoring and decisions.

Pure: no Piccolo, no Litestar. The usual path is `audits.scoring.parse_and_score(ruleset,
data)`, from JSON bytes to a `Report` or a list of `FindingProblem`s, then
`audits.decision.decide(report, ruleset)`.
"""
