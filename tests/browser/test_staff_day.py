"""A staff member's working day in the browser: login, the queue in JST updating live, a
department reassignment, assign, reply, an FAQ candidate created and edited, closing with a
confirmation (by keyboard), approval by a second account, withdrawal of an older FAQ (four
eyes), analytics with a CSV download; and the accounts admin page, including a disabled
account being refused. Screenshots are kept in the printed artifacts directory."""

import csv
import io
import re

import httpx
import pytest

from bot.service.faq import FaqFields
from bot.staff.view import local_time, zone
from bot.store import repo
from tests.browser.conftest import PASSWORD, staff_login

pytestmark = pytest.mark.browser
DRONE = "ドローンを飛ばす許可はどこで取れますか"
WEEDS = "隣の空き家の雑草がひどい"
REPLY = ("お問い合わせありがとうございます。\n"
         "公園でドローンを飛ばすには、公園管理事務所への事前の届け出が必要です。"
         "届け出は利用日の7日前までにお願いします。\nよろしくお願いいたします。")


def _seed_older_faq(app) -> None:
    services = app.state.services
    with services.db.session() as s:
        suzuki, tanaka = repo.staff_by_name(s, "suzuki"), repo.staff_by_name(s, "tanaka")
        cand = services.faq.create(s, suzuki, FaqFields(
            "犬の登録はどこでできますか", "犬の登録は生活環境課の窓口で受け付けます。",
            "ペット", "生活環境課", "0199-21-1701"))
        services.faq.submit(s, suzuki, cand)
        services.faq.approve(s, tanaka, cand)


def _ask(base: str, text: str) -> dict:
    return httpx.post(f"{base}/api/chat", json={"message": text}, timeout=30).json()


def _indexed(app) -> set[str]:
    return {p.doc_id for p in app.state.services.components.retriever.index.get().passages}


def test_a_staff_day(served_app, browser, artifacts):
    app, base = served_app
    _seed_older_faq(app)
    assert "STAFF-FAQ-0001" in _indexed(app)
    _ask(base, DRONE)

    # Login and the queue in JST.
    suzuki = staff_login(browser, base, "suzuki")
    with app.state.services.db.session() as s:
        esc = repo.queue(s)[0]
        shown = local_time(esc.created_at, zone("Asia/Tokyo"), "%m/%d %H:%M")
    assert shown.endswith("JST")
    row = suzuki.locator("tr", has_text=DRONE)
    assert shown in row.inner_text()
    assert "自動応答の確信度が低い" in row.inner_text()
    suzuki.screenshot(path=str(artifacts / "01-queue-jst.png"), full_page=True)

    # A new escalation appears without reloading the page.
    suzuki.evaluate("window.__same_page = true")
    _ask(base, WEEDS)
    suzuki.locator("tr", has_text=WEEDS).wait_for()
    assert suzuki.evaluate("window.__same_page === true")
    suzuki.screenshot(path=str(artifacts / "02-queue-live-update.png"), full_page=True)

    # Department reassignment, assign, reply.
    suzuki.get_by_role("link", name=DRONE).click()
    suzuki.get_by_label("担当課を変更").fill("生活環境課")
    with suzuki.expect_navigation():
        suzuki.get_by_role("button", name="変更する").click()
    assert "生活環境課" in suzuki.locator("dl.facts").inner_text()
    suzuki.get_by_role("button", name="自分が担当する").click()
    suzuki.get_by_role("button", name="担当を外れる").wait_for()
    assert suzuki.get_by_role("button", name="自分が担当する").count() == 0
    suzuki.get_by_label("住民への返信").fill(REPLY)
    suzuki.get_by_role("button", name="返信する").click()
    suzuki.locator("li.staff", has_text="公園管理事務所").wait_for()
    conversation = suzuki.url.split("?")[0]
    suzuki.screenshot(path=str(artifacts / "03-conversation-replied.png"), full_page=True)

    # FAQ candidate: prefilled without courtesies, edited, saved, edited again, submitted.
    suzuki.get_by_role("link", name="この回答から FAQ候補を作る").click()
    answer = suzuki.get_by_label("回答（あいさつ・結びの言葉は入れない）")
    assert "公園管理事務所" in answer.input_value()
    assert "お問い合わせありがとうございます" not in answer.input_value()
    assert "よろしくお願い" not in answer.input_value()
    assert suzuki.get_by_label("質問", exact=True).input_value() == DRONE
    assert suzuki.get_by_label("担当課").input_value() == "生活環境課"
    assert suzuki.get_by_label("連絡先（電話番号）").input_value() == "0199-21-1701"
    suzuki.get_by_label("質問", exact=True).fill("公園でドローンを飛ばしてもよいですか")
    suzuki.get_by_label("分類").fill("公園・緑地")
    suzuki.get_by_label(re.compile("質問の言い換え")).fill("ドローン 公園\n公園 ドローン 許可")
    suzuki.get_by_role("button", name="下書きを保存").click()
    suzuki.get_by_text("下書きを保存しました").wait_for()
    candidate = suzuki.url.split("?")[0]
    answer = suzuki.get_by_label("回答（あいさつ・結びの言葉は入れない）")
    answer.fill(answer.input_value() + "\n届け出の様式は公園管理事務所にあります。")
    suzuki.screenshot(path=str(artifacts / "04-faq-editor.png"), full_page=True)
    suzuki.get_by_role("button", name="承認を依頼する").click()
    suzuki.get_by_text("承認を依頼しました").wait_for()

    # Close, with a confirmation: Escape cancels, then Tab + Enter confirms (keyboard only).
    suzuki.goto(conversation)
    suzuki.get_by_role("button", name="完了にする").click()
    dialog = suzuki.get_by_role("dialog")
    dialog.wait_for()
    suzuki.screenshot(path=str(artifacts / "05-close-confirmation.png"), full_page=True)
    suzuki.keyboard.press("Escape")
    dialog.wait_for(state="detached")
    assert suzuki.url.startswith(conversation)
    suzuki.get_by_role("button", name="完了にする").click()
    dialog.wait_for()
    suzuki.keyboard.press("Tab")
    with suzuki.expect_navigation():
        suzuki.keyboard.press("Enter")
    assert suzuki.url.startswith(f"{base}/staff")
    suzuki.get_by_text(re.compile(r"問い合わせ #\d+ を完了にしました")).wait_for()

    # A second account approves; the reviewer sees every field.
    tanaka = staff_login(browser, base, "tanaka")
    tanaka.goto(candidate)
    text = tanaka.locator("main").inner_text()
    for value in ("公園でドローンを飛ばしてもよいですか", "届け出の様式", "公園・緑地",
                  "生活環境課", "0199-21-1701", "公園 ドローン 許可"):
        assert value in text, value
    tanaka.screenshot(path=str(artifacts / "06-review.png"), full_page=True)
    tanaka.get_by_role("button", name="承認して公開").click()
    tanaka.get_by_text(re.compile(r"FAQ候補 #\d+ を承認しました")).wait_for()
    assert "STAFF-FAQ-0002" in _indexed(app)

    # Withdraw the older FAQ: tanaka asks, suzuki approves.
    tanaka.get_by_label("取り下げの理由").first.fill("窓口が変わったため")
    tanaka.get_by_role("button", name="取り下げを依頼").first.click()
    tanaka.get_by_text("取り下げの承認を依頼しました").wait_for()
    withdrawal = tanaka.url.split("?")[0]
    suzuki.goto(withdrawal)
    assert "犬の登録はどこでできますか" in suzuki.locator("main").inner_text()
    suzuki.get_by_role("button", name="承認して取り下げる").click()
    suzuki.get_by_text(re.compile("を承認しました")).wait_for()
    assert "STAFF-FAQ-0001" not in _indexed(app)
    assert suzuki.locator("tr", has_text="STAFF-FAQ-0001").get_by_text("取り下げ済み").count()
    suzuki.screenshot(path=str(artifacts / "07-faq-list.png"), full_page=True)

    # Analytics: charts, topics linking to the FAQ editor, a CSV download.
    suzuki.get_by_role("link", name="ログ分析").click()
    assert suzuki.locator("figure.chart svg").count() >= 4
    topics = suzuki.locator("ol.topics")
    assert WEEDS in topics.inner_text() or "空き家" in topics.inner_text()
    suzuki.screenshot(path=str(artifacts / "08-analytics.png"), full_page=True)
    with suzuki.expect_download() as info:
        suzuki.get_by_role("link", name="CSV（日別の質問数）").click()
    body = open(info.value.path(), encoding="utf-8-sig").read()
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0] == ["日付", "質問数"] and sum(int(r[1]) for r in rows[1:]) >= 2
    topics.get_by_role("link", name="この話題の FAQ を書く").first.click()
    assert suzuki.get_by_label("質問", exact=True).input_value()
    suzuki.screenshot(path=str(artifacts / "09-faq-from-topic.png"), full_page=True)


def test_accounts_admin_page(served_app, browser, artifacts):
    _, base = served_app
    admin = staff_login(browser, base, "admin")
    admin.get_by_role("link", name="職員アカウント").click()
    admin.get_by_label("職員名").fill("kimura")
    admin.get_by_label("担当課").fill("福祉課")
    admin.get_by_role("button", name=re.compile("追加する")).click()
    temporary = admin.locator("#temporary-password").inner_text()
    admin.screenshot(path=str(artifacts / "01-account-added.png"), full_page=True)

    # The new member must change the temporary password first.
    kimura = staff_login(browser, base, "kimura", temporary, landing="/staff/password")
    kimura.get_by_label("現在のパスワード").fill(temporary)
    kimura.get_by_label("新しいパスワード（10文字以上）").fill("kimura-new-secret")
    kimura.get_by_label("新しいパスワード（確認）").fill("kimura-new-secret")
    kimura.get_by_role("button", name="変更する").click()
    kimura.get_by_text("パスワードを変更しました").wait_for()

    # A disabled account is refused.
    admin.get_by_role("button", name="suzuki を無効にする").click()
    admin.get_by_text("suzuki を無効にしました").wait_for()
    page = browser.new_page()
    page.goto(f"{base}/staff/login")
    page.get_by_label("職員名").fill("suzuki")
    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    page.get_by_text("職員名またはパスワードが違います").wait_for()
    page.screenshot(path=str(artifacts / "02-disabled-refused.png"), full_page=True)
    admin.get_by_role("button", name="suzuki を有効にする").click()
    admin.get_by_text("suzuki を有効にしました").wait_for()
    staff_login(browser, base, "suzuki")

    # Reset and role change.
    admin.get_by_role("button", name="tanaka のパスワードを再設定").click()
    temporary = admin.locator("#temporary-password").inner_text()
    staff_login(browser, base, "tanaka", temporary, landing="/staff/password")
    admin.get_by_label("tanaka の役割").select_option("admin")
    admin.locator("tr", has_text="tanaka").get_by_role("button", name="役割を変更").click()
    admin.get_by_text("tanaka の役割を変更しました").wait_for()
    admin.screenshot(path=str(artifacts / "03-accounts.png"), full_page=True)
