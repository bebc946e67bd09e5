"""Sphinx configuration for the ips-jobdev documentation (MyST Markdown, furo)."""

from __future__ import annotations

import sys
from pathlib import Path

import ips_jobdev

sys.path.insert(0, str(Path(__file__).parent / "_ext"))

project = "ips-jobdev"
author = "ips-jobdev developers"
copyright = "2026, ips-jobdev developers"
release = ips_jobdev.__version__
version = release

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinx.ext.viewcode",
    "cli_reference",
]
source_suffix = {".md": "markdown", ".rst": "restructuredtext"}
myst_enable_extensions = ["colon_fence", "deflist", "fieldlist"]
myst_heading_anchors = 3
exclude_patterns = ["_build", "examples"]
html_theme = "furo"
html_title = "ips-jobdev"
autodoc_member_order = "bysource"
autodoc_typehints = "description"
autodoc_default_options = {"members": True, "undoc-members": False, "show-inheritance": True}
napoleon_google_docstring = True
# "Attributes:" sections as :ivar: fields, not attribute entries that clash with autodoc's
napoleon_use_ivar = True
nitpicky = False
suppress_warnings = ["myst.xref_missing"]
