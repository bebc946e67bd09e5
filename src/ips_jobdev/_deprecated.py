"""Old module paths that moved in 0.2, kept working for one release with a warning.

Before 0.2 every module was public (``ips_jobdev.recording``, ``ips_jobdev.store``...). The
implementation now lives in private modules and the package root exports the API. Importing
an old path still works: it gives the new module and warns with :class:`DeprecationWarning`
naming where the names now live.
"""

from __future__ import annotations

import importlib
import importlib.machinery
import sys
import types
import warnings
from collections.abc import Sequence
from typing import Any

__all__ = ["MOVED_MODULES", "install"]

MOVED_MODULES: dict[str, str] = {
    "ips_jobdev.model": "ips_jobdev._model",
    "ips_jobdev.vocab": "ips_jobdev._vocab",
    "ips_jobdev.phones": "ips_jobdev._phones",
    "ips_jobdev.geo": "ips_jobdev._geo",
    "ips_jobdev.plugins": "ips_jobdev._plugins",
    "ips_jobdev.serialize": "ips_jobdev.cli._serialize",
    "ips_jobdev.recording": "ips_jobdev._casework.visits",
    "ips_jobdev.caseload": "ips_jobdev._casework.caseload",
    "ips_jobdev.jobs": "ips_jobdev._casework.jobs",
    "ips_jobdev.fitnotes": "ips_jobdev._casework.fitnotes",
    "ips_jobdev.due": "ips_jobdev.cycles._due",
    "ips_jobdev.cycles.policy": "ips_jobdev.cycles._policy",
    "ips_jobdev.cycles.relationship": "ips_jobdev.cycles._relationship",
    "ips_jobdev.cycles.rapid_search": "ips_jobdev.cycles._rapid_search",
    "ips_jobdev.outgoing": "ips_jobdev._sync.gather",
    "ips_jobdev.sync": "ips_jobdev._sync.export",
    "ips_jobdev.adapters.records": "ips_jobdev._records",
    "ips_jobdev.adapters.base": "ips_jobdev.adapters._base",
    "ips_jobdev.matching.engine": "ips_jobdev.matching._engine",
    "ips_jobdev.matching.factors": "ips_jobdev.matching._factors",
    "ips_jobdev.matching.source": "ips_jobdev.matching._source",
    "ips_jobdev.matching.ranking": "ips_jobdev.matching._ranking",
    "ips_jobdev.matching.context": "ips_jobdev.matching._context",
    "ips_jobdev.matching.config": "ips_jobdev.matching._config",
    "ips_jobdev.matching.targets": "ips_jobdev.matching._targets",
    "ips_jobdev.matching.registry": "ips_jobdev.matching._registry",
    "ips_jobdev.planning": "ips_jobdev._planning",
    "ips_jobdev.reports": "ips_jobdev._reports",
    "ips_jobdev.importing": "ips_jobdev._importing",
    "ips_jobdev.store": "ips_jobdev._store",
}
"""Each old module path and the private module that holds its code now."""


def _new_name(fullname: str) -> str | None:
    """The new path of an old module or of a module inside an old package."""
    if fullname in MOVED_MODULES:
        return MOVED_MODULES[fullname]
    for old, new in MOVED_MODULES.items():
        if fullname.startswith(old + "."):
            return new + fullname[len(old) :]
    return None


def warn_moved(old: str, new: str, *, stacklevel: int = 3) -> None:
    """Warn that ``old`` moved (the package root holds its public names)."""
    warnings.warn(
        f"{old} is deprecated and will be removed in 1.0: import the names from "
        f"ips_jobdev (the package root) instead; the code now lives in {new}",
        DeprecationWarning,
        stacklevel=stacklevel,
    )


_STACKLEVEL = 3
"""Frames from :func:`warn_moved` up to the importing line (importlib's own are skipped)."""


class _AliasLoader:
    # a plain class: importlib.abc would import importlib.resources on every start
    def __init__(self, old: str, new: str) -> None:
        self.old = old
        self.new = new

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> types.ModuleType:
        warn_moved(self.old, self.new, stacklevel=_STACKLEVEL)
        module = importlib.import_module(self.new)
        self._spec = module.__spec__
        return module

    def exec_module(self, module: types.ModuleType) -> None:
        # the module is the new one, already executed: the import system has just given
        # it the old name's spec, so put its own back and bind the old name to it
        module.__spec__ = self._spec
        sys.modules[self.old] = module


class _MovedModuleFinder:
    """Finds old module paths and hands out the modules that replaced them."""

    def find_spec(
        self,
        fullname: str,
        path: Sequence[str] | None,
        target: types.ModuleType | None = None,
    ) -> importlib.machinery.ModuleSpec | None:
        new = _new_name(fullname)
        if new is None:
            return None
        loader: Any = _AliasLoader(fullname, new)  # a Loader by protocol
        return importlib.machinery.ModuleSpec(fullname, loader)


_FINDER = _MovedModuleFinder()


def install() -> None:
    """Put the finder for old module paths on ``sys.meta_path`` (once)."""
    if _FINDER not in sys.meta_path:
        sys.meta_path.insert(0, _FINDER)
