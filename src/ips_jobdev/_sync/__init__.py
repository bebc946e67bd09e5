"""Repeatable exports: gather the records an adapter takes, redact them for its audience,
send only what changed, and keep the per-target sync state."""
