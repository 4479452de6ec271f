"""The registry's issuer identity: Ed25519 signing keys, their lifecycle and the did:web
document that publishes them.

`keys` is pure (no database, no web framework); `service` holds the use cases; `tables` and
`piccolo_app` are this sub-package's Piccolo app.
"""
