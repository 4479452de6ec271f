"""The API's request and response schemas, built from the use cases' typed records."""
