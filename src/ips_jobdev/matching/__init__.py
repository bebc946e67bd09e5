"""Preference-matched employer lists: who to approach for a job seeker, and why.

In IPS the job search follows the job seeker's own preferences. :func:`rank_employers`
ranks employers for one job seeker; every factor gives a part score in [0, 1] and a short
reason, unknown facts count as neutral and say so, and the person's "avoid" choices, an
employer's do-not-contact and a stated distance limit are hard filters that no score
outweighs. :func:`caseload_targets` ranks employers by how many of a specialist's job
seekers they fit well. Plugins add factors with :func:`register_factor`.

See docs/explanation/matching-factors.md for every factor, its weight and the config file.
"""

from __future__ import annotations

from ips_jobdev.matching._config import (
    CONFIG_ENV,
    DEFAULT_USUAL_MILES,
    DEFAULT_WEIGHTS,
    FACTOR_NAMES,
    MatchConfig,
)
from ips_jobdev.matching._context import (
    EmployerFacts,
    FactorScore,
    MatchContext,
    OpeningFacts,
    RelationshipFacts,
    SeekerView,
    SpreadFacts,
)
from ips_jobdev.matching._engine import EmployerMatch
from ips_jobdev.matching._factors import (
    FACTS,
    BusFactor,
    ColumnFactor,
    DistanceFactor,
    IndustryFactor,
    JobTypeFactor,
    MatchFactor,
    RelationshipFactor,
    ScheduleFactor,
    SpreadFactor,
    WageFactor,
    builtin_factors,
)
from ips_jobdev.matching._ranking import MatchList, explain_match, rank_employers
from ips_jobdev.matching._registry import register_factor, registered_factors, unregister_factor
from ips_jobdev.matching._source import FILTER_NAMES
from ips_jobdev.matching._targets import (
    ACTIVE_STATUSES,
    TargetEmployer,
    caseload_targets,
    targets_for_seekers,
)

__all__ = [
    "ACTIVE_STATUSES",
    "CONFIG_ENV",
    "DEFAULT_USUAL_MILES",
    "DEFAULT_WEIGHTS",
    "FACTOR_NAMES",
    "FACTS",
    "FILTER_NAMES",
    "BusFactor",
    "ColumnFactor",
    "DistanceFactor",
    "EmployerFacts",
    "EmployerMatch",
    "FactorScore",
    "IndustryFactor",
    "JobTypeFactor",
    "MatchConfig",
    "MatchContext",
    "MatchFactor",
    "MatchList",
    "OpeningFacts",
    "RelationshipFactor",
    "RelationshipFacts",
    "ScheduleFactor",
    "SeekerView",
    "SpreadFactor",
    "SpreadFacts",
    "TargetEmployer",
    "WageFactor",
    "builtin_factors",
    "caseload_targets",
    "explain_match",
    "rank_employers",
    "register_factor",
    "registered_factors",
    "targets_for_seekers",
    "unregister_factor",
]
