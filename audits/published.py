"""The score as published: one rule for every place a score leaves the registry (reports,
decisions, the API, signed credentials, certificate pages and PDFs, charts, the portal).

A score is 0..100 with at most two decimals, computed in hundredths (`audits.scoring`). It
is published as a JSON number in its canonical spelling: an int when integral (`87`, never
`87.0`, so 87 and 87.0 sign to the same JCS bytes), otherwise the float (`87.5`, `91.26`).
As text it is that number's spelling: "87", "87.5", "91.26".

Pure and dependency-free, so the trust kernel can use it too.
"""

from __future__ import annotations


def hundredths_number(hundredths: int) -> int | float:
    """8750 -> 87.5 and 10000 -> 100: the JSON number with its canonical spelling."""
    whole, rest = divmod(hundredths, 100)
    return whole if not rest else hundredths / 100


def published_score(value: float) -> int | float:
    """A stored or reported score as published: an int when integral, else the float."""
    number = float(value)
    return int(number) if number.is_integer() else number


def score_text(value: float) -> str:
    """12 -> "12", 12.5 -> "12.5", 91.256 -> "91.26": a score (or any value shown beside
    scores, such as a chart's axis) as printed, at most two decimals."""
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.2f}".rstrip("0").rstrip(".")
