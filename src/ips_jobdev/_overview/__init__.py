"""The specialist's overview: the read-side use cases behind the web app's pages (Today,
Week, Employers, Job seekers, Reports, the log form). Each takes a unit of work and plain
values and returns attrs results; the web app renders them, and a county script can call
them the same way."""

from ips_jobdev._overview.common import SpecialistBrief, Team, VisitLine, team
from ips_jobdev._overview.employers import (
    EmployerPage,
    EmployerRow,
    EmployerSearch,
    FitNoteLine,
    SeekerFit,
    employer_overview,
    find_employers,
)
from ips_jobdev._overview.reports import (
    FigureDetail,
    ReportsPage,
    WeekCount,
    figure_detail,
    reports_overview,
)
from ips_jobdev._overview.routemap import MapPoint, RouteMap, RouteStop, route_map
from ips_jobdev._overview.seekers import (
    CaseloadPage,
    CaseloadRow,
    JobLine,
    SeekerPage,
    caseload_overview,
    seeker_overview,
)
from ips_jobdev._overview.today import TodayOverview, today_overview
from ips_jobdev._overview.visitform import SeekerChoice, VisitForm, employer_label, visit_form
from ips_jobdev._overview.week import (
    Choice,
    DayRoute,
    WeekOverview,
    WeekSaved,
    adjust_plan,
    default_week,
    save_week,
    week_overview,
)

__all__ = [
    "CaseloadPage",
    "CaseloadRow",
    "Choice",
    "DayRoute",
    "EmployerPage",
    "EmployerRow",
    "EmployerSearch",
    "FigureDetail",
    "FitNoteLine",
    "JobLine",
    "MapPoint",
    "ReportsPage",
    "RouteMap",
    "RouteStop",
    "SeekerChoice",
    "SeekerFit",
    "SeekerPage",
    "SpecialistBrief",
    "Team",
    "TodayOverview",
    "VisitForm",
    "VisitLine",
    "WeekCount",
    "WeekOverview",
    "WeekSaved",
    "adjust_plan",
    "caseload_overview",
    "default_week",
    "employer_label",
    "employer_overview",
    "figure_detail",
    "find_employers",
    "reports_overview",
    "route_map",
    "save_week",
    "seeker_overview",
    "team",
    "today_overview",
    "visit_form",
    "week_overview",
]
