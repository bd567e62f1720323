"""The admin page for staff accounts: list, add, disable / re-enable, reset a password (shown
once; the member must change it at the next login) and change the role. The same operations
as `madoguchi staff …`, through the same service."""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import HTMLResponse, Response

from bot.deps import ServicesDep, SessionDep
from bot.service.staff import ROLES, StaffError
from bot.staff.routes import AdminDep, Csrf, back, render

router = APIRouter(prefix="/staff/accounts", include_in_schema=False)
Name = Annotated[str, Path(max_length=64)]


def temporary_password() -> str:
    """Readable and long enough (16 characters from the URL-safe alphabet)."""
    return secrets.token_urlsafe(12)


@router.get("", response_class=HTMLResponse)
def accounts(request: Request, services: ServicesDep, s: SessionDep, staff: AdminDep,
             error: str = "", notice: str = "") -> HTMLResponse:
    return render(request, services, "accounts.html", staff=staff,
                  rows=services.staff.accounts(s), roles=ROLES, error=error, notice=notice,
                  temporary=request.session.pop("temporary_password", None))


@router.post("", dependencies=[Csrf])
def add(request: Request, services: ServicesDep, s: SessionDep, staff: AdminDep,
        name: Annotated[str, Form(max_length=64)],
        role: Annotated[str, Form(max_length=16)] = "staff",
        department: Annotated[str, Form(max_length=128)] = "") -> Response:
    """Create an account with a temporary password shown once (changed at first login)."""
    password = temporary_password()
    try:
        services.staff.add(s, name.strip(), password, role, department.strip(), staff)
        services.staff.reset_password(s, staff, name.strip(), password)
    except StaffError as exc:
        return back("/staff/accounts", error=str(exc))
    request.session["temporary_password"] = [name.strip(), password]
    return back("/staff/accounts", notice=f"職員 {name.strip()} を作成しました")


@router.post("/{name}/{action}", dependencies=[Csrf])
def act(request: Request, name: Name,
        action: Annotated[str, Path(pattern="^(disable|enable|reset-password|set-role)$")],
        services: ServicesDep, s: SessionDep, staff: AdminDep,
        role: Annotated[str, Form(max_length=16)] = "") -> Response:
    try:
        if action == "reset-password":
            password = temporary_password()
            services.staff.reset_password(s, staff, name, password)
            request.session["temporary_password"] = [name, password]
            notice = f"{name} のパスワードを再設定しました"
        elif action == "set-role":
            services.staff.set_role(s, staff, name, role)
            notice = f"{name} の役割を変更しました"
        else:
            services.staff.set_active(s, staff, name, action == "enable")
            notice = f"{name} を{'有効' if action == 'enable' else '無効'}にしました"
    except StaffError as exc:
        return back("/staff/accounts", error=str(exc))
    return back("/staff/accounts", notice=notice)
