"""/staff/analytics: the log-analysis page and a CSV download of each of its tables."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, HTTPException, Path, Query, Request
from fastapi.responses import HTMLResponse, Response

from bot.deps import ServicesDep, SessionDep
from bot.staff import analytics
from bot.staff.routes import StaffDep, render
from bot.staff.view import zone
from bot.store import repo

router = APIRouter(prefix="/staff/analytics", include_in_schema=False)
DateQ = Annotated[str, Query(alias="from", max_length=10)]
ToQ = Annotated[str, Query(alias="to", max_length=10)]
DeptQ = Annotated[str, Query(max_length=128)]


def _report(services: ServicesDep, s: SessionDep, start: str, end: str,
            department: str) -> analytics.Report:
    tz = zone(services.settings.staff.timezone)
    try:
        period = analytics.Period.parse(start, end, department, datetime.now(tz).date())
    except analytics.PeriodError as exc:
        raise HTTPException(400, str(exc)) from exc
    masker = services.components.pipeline.safety.masker
    tools = analytics.Tools(tz, services.components.embedder.embed,
                            lambda text: masker.mask(text).text)
    return analytics.build_report(s, period, tools)


@router.get("", response_class=HTMLResponse)
def page(request: Request, services: ServicesDep, s: SessionDep, staff: StaffDep,
         start: DateQ = "", end: ToQ = "", department: DeptQ = "") -> HTMLResponse:
    report = _report(services, s, start, end, department)
    p = report.period
    query = urlencode({"from": p.start.isoformat(), "to": p.end.isoformat(),
                       "department": p.department})
    return render(request, services, "analytics.html", staff=staff, report=report,
                  query=query, departments=sorted({*services.faq.departments(),
                                                   *repo.departments(s)}))


@router.get("/{table}.csv")
def export(table: Annotated[str, Path(pattern="^[a-z]+$", max_length=20)],
           services: ServicesDep, s: SessionDep, staff: StaffDep,
           start: DateQ = "", end: ToQ = "", department: DeptQ = "") -> Response:
    """One table of the page as CSV (UTF-8 with BOM)."""
    report = _report(services, s, start, end, department)
    if table not in report.tables:
        raise HTTPException(404, f"表 {table} はありません（{', '.join(report.tables)}）")
    p = report.period
    filename = f"madoguchi-{table}-{p.start.isoformat()}-{p.end.isoformat()}.csv"
    return Response(report.tables[table].csv(), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})
