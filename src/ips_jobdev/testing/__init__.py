"""The adapter conformance kit for vendors (and for the built-in adapters).

- :mod:`ips_jobdev.testing.conformance`: :class:`AdapterConformance`, the base class a
  vendor's test class inherits, and :class:`RemoteItem`, what the vendor's ``remote``
  fixture reads back.
- :mod:`ips_jobdev.testing.records`: the standard records, with their edge cases.
- :mod:`ips_jobdev.testing.pytest_plugin`: the fixtures, opted into with
  ``pytest_plugins = ["ips_jobdev.testing.pytest_plugin"]``.
- :mod:`ips_jobdev.testing.fake_server`: :class:`~ips_jobdev.testing.fake_server.FakeServer`,
  the plumbing of a fake vendor web service (a local JSON-over-HTTP server) to test an
  adapter against.

Install with ``pip install "ips-jobdev[testing]"``. The docs' tutorial "Write an adapter"
walks through a whole example.
"""

from __future__ import annotations

try:
    import pytest
except ImportError:  # the fake server serves demos and benchmarks without pytest too
    pass
else:
    # the kit's checks are plain asserts: let pytest explain them when they fail
    pytest.register_assert_rewrite("ips_jobdev.testing.conformance")
