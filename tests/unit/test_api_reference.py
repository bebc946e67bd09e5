"""Every name the package root exports is documented in the API reference, by its public name."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import ips_jobdev

PAGE = (Path(__file__).resolve().parents[2] / "docs" / "reference" / "api.md").read_text(
    encoding="utf-8"
)
DOCUMENTED = set(
    re.findall(r"^\.\. auto(?:class|function|exception|data):: ips_jobdev\.(\w+)$", PAGE, re.M)
)


@pytest.mark.parametrize("name", ips_jobdev.__all__)
def test_every_exported_name_is_in_the_api_reference(name: str) -> None:
    assert name in DOCUMENTED


def test_the_reference_documents_no_name_the_root_does_not_export() -> None:
    assert set(ips_jobdev.__all__) >= DOCUMENTED
