"""Rendering: Jinja pages (`html`), charts, the printable PDF, QR codes, verdict explanations
and the API reference page."""
