"""Adapters: the contract every adapter follows, and the built-in ones.

Vendors import the contract from here::

    from ips_jobdev.adapters import Adapter, AdapterOption, Audience, ExportBatch, RecordKind

The built-in adapters live in :mod:`ips_jobdev.adapters.ics` (an iCalendar file) and
:mod:`ips_jobdev.adapters.tabular` (CSV and JSON files); they are registered through the
same hook as any third-party adapter.
"""

from __future__ import annotations

from ips_jobdev._records import (
    Audience,
    EmployerRecord,
    ExportRecord,
    FitNoteRecord,
    FitRatingRecord,
    PersonRecord,
    RecordKind,
    SeekerRef,
    VisitRecord,
    record_to_dict,
)
from ips_jobdev.adapters._base import (
    SECRET_MASK,
    Adapter,
    AdapterOption,
    CancelStyle,
    Capabilities,
    Change,
    ChangeKind,
    ExportBatch,
    ExportResult,
    Outcome,
    mask_options,
    resolve_options,
    validate_adapter_class,
)

__all__ = [
    "SECRET_MASK",
    "Adapter",
    "AdapterOption",
    "Audience",
    "CancelStyle",
    "Capabilities",
    "Change",
    "ChangeKind",
    "EmployerRecord",
    "ExportBatch",
    "ExportRecord",
    "ExportResult",
    "FitNoteRecord",
    "FitRatingRecord",
    "Outcome",
    "PersonRecord",
    "RecordKind",
    "SeekerRef",
    "VisitRecord",
    "mask_options",
    "record_to_dict",
    "resolve_options",
    "validate_adapter_class",
]
