"""The JSON API: routes, request and response schemas, middleware, authentication, problem
details (RFC 9457), conditional requests and downloads. Imports nothing from `api.cli`."""
