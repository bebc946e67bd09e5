"""Repeatable exports: gather the records an adapter takes, redact them for its audience,
send only what changed, and keep the per-target sync state.

- :mod:`~ips_jobdev._sync.gather`: the records that may leave the store, redacted;
- :mod:`~ips_jobdev._sync.state`: what each adapter and target last received, and the
  changes that bring it up to date;
- :mod:`~ips_jobdev._sync.export`: one export run (:func:`~ips_jobdev.export`).
"""
