"""What runs around every request: request checks, rate limits, security headers, logging."""
