"""Accounts from the command line and from the admin page: list, add, disable, re-enable,
password reset with a forced change at the next login, role change; clear errors, no
tracebacks; disabled accounts are refused (and lose their open sessions)."""

import io
import re

import pytest
from fastapi.testclient import TestClient

from bot.cli import main
from tests.staff.conftest import PASSWORD, csrf

NEW_PASSWORD = "another-long-secret"


@pytest.fixture
def cli(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/cli.db")

    def run(*argv: str, stdin: str | None = None, tty: bool = False) -> tuple[int, str, str]:
        stream = io.StringIO(stdin or "")
        stream.isatty = lambda: tty  # type: ignore[method-assign]
        monkeypatch.setattr("sys.stdin", stream)
        code = main(["staff", *argv])
        out = capsys.readouterr()
        return code, out.out, out.err

    return run


def test_cli_account_lifecycle(cli):
    assert cli("add", "yamada", "--role", "admin", "--password-stdin",
               stdin=PASSWORD + "\n")[0] == 0
    assert cli("add", "sato", "--department", "市民課", "--password-stdin",
               stdin=PASSWORD + "\n")[0] == 0
    code, out, _ = cli("list")
    assert code == 0 and "yamada\tadmin" in out and "sato\tstaff\t市民課\t有効" in out
    assert cli("disable", "sato")[0] == 0
    assert "sato\tstaff\t市民課\t無効" in cli("list")[1]
    assert cli("enable", "sato")[0] == 0
    assert cli("reset-password", "sato", "--password-stdin", stdin=NEW_PASSWORD + "\n")[0] == 0
    assert "要パスワード変更" in cli("list")[1]
    assert cli("set-role", "sato", "admin")[0] == 0
    assert "sato\tadmin" in cli("list")[1]


def test_cli_errors_are_one_line_without_traceback(cli):
    cli("add", "yamada", "--role", "admin", "--password-stdin", stdin=PASSWORD + "\n")
    code, _, err = cli("add", "sato")  # no terminal, no --password-stdin
    assert code == 64 and "--password-stdin" in err and "Traceback" not in err
    code, _, err = cli("add", "sato", "--password-stdin", stdin="short\n")
    assert code == 64 and "10文字以上" in err
    code, _, err = cli("add", "yamada", "--password-stdin", stdin=PASSWORD + "\n")
    assert code == 64 and "すでに登録" in err
    code, _, err = cli("disable", "nobody")
    assert code == 64 and "登録されていません" in err
    # The last active admin cannot be disabled or demoted.
    code, _, err = cli("disable", "yamada")
    assert code == 64 and "管理者" in err
    code, _, err = cli("set-role", "yamada", "staff")
    assert code == 64 and "管理者" in err
    with pytest.raises(SystemExit):
        cli("set-role", "yamada", "superuser")


def test_cli_reports_an_unusable_database(monkeypatch, capsys, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{blocker}/sub/db.sqlite3")
    code = main(["staff", "list"])
    err = capsys.readouterr().err
    assert code == 64 and "Traceback" not in err and err.strip()


def _login_fails(app, name: str, password: str) -> bool:
    c = TestClient(app, base_url="https://testserver")
    token = csrf(c.get("/staff/login").text)
    r = c.post("/staff/login", data={"name": name, "password": password, "csrf": token},
               follow_redirects=False)
    return r.status_code != 303


def test_admin_page_manages_accounts(app, login):
    admin = login("admin")
    page = admin.get("/staff/accounts")
    assert page.status_code == 200 and "suzuki" in page.text
    token = csrf(page.text)
    assert login("suzuki").get("/staff/accounts").status_code == 403
    # Add: a temporary password is shown once.
    r = admin.post("/staff/accounts", data={"csrf": token, "name": "kimura", "role": "staff",
                                            "department": "福祉課"})
    temp = re.search(r'id="temporary-password">([^<]+)<', r.text).group(1)
    assert "temporary-password" not in admin.get("/staff/accounts").text
    # The new member must choose a password before anything else.
    kimura = login("kimura", temp)
    r = kimura.get("/staff", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/staff/password"
    form = kimura.get("/staff/password")
    r = kimura.post("/staff/password", data={"csrf": csrf(form.text), "current": temp,
                                            "new": NEW_PASSWORD, "again": "mismatch-123456"})
    assert r.status_code == 400 and "一致しません" in r.text
    kimura.post("/staff/password", data={"csrf": csrf(form.text), "current": temp,
                                        "new": NEW_PASSWORD, "again": NEW_PASSWORD})
    assert kimura.get("/staff", follow_redirects=False).status_code == 200
    # Disable: refused at login and thrown out of an open session.
    suzuki = login("suzuki")
    admin.post("/staff/accounts/suzuki/disable", data={"csrf": token})
    assert suzuki.get("/staff", follow_redirects=False).status_code == 303
    assert _login_fails(app, "suzuki", PASSWORD)
    admin.post("/staff/accounts/suzuki/enable", data={"csrf": token})
    assert not _login_fails(app, "suzuki", PASSWORD)
    # Reset: the old password stops working, the temporary one forces a change.
    r = admin.post("/staff/accounts/tanaka/reset-password", data={"csrf": token})
    temp = re.search(r'id="temporary-password">([^<]+)<', r.text).group(1)
    assert _login_fails(app, "tanaka", PASSWORD)
    tanaka = login("tanaka", temp)
    assert tanaka.get("/staff/faq", follow_redirects=False).headers["location"] == \
        "/staff/password"
    # Role change, and the guard against removing the last admin.
    admin.post("/staff/accounts/suzuki/set-role", data={"csrf": token, "role": "admin"})
    assert login("suzuki").get("/staff/audit").status_code == 200
    r = admin.post("/staff/accounts/admin/disable", data={"csrf": token})
    assert "自分のアカウントは無効にできません" in r.text
    r = admin.post("/staff/accounts/nobody/disable", data={"csrf": token})
    assert "登録されていません" in r.text
    assert admin.post("/staff/accounts/suzuki/explode", data={"csrf": token}).status_code == 422
