#!/usr/bin/env python3
"""Generate corpora/kazamino/pdf/gomi-guide.pdf (風見野市 家庭ごみの分け方・出し方ガイド 2026年度版).

風見野市 is a fictional city; every word of this guide is original sample data for madoguchi.

Requires reportlab (and pypdf for the self-check). Install them into a scratch venv, not the project's:
    python3 -m venv /tmp/pdfvenv && /tmp/pdfvenv/bin/pip install reportlab pypdf
    /tmp/pdfvenv/bin/python corpora/kazamino/tools/make_pdf.py

The PDF uses reportlab's built-in CID font HeiseiKakuGo-W5 (no font file is embedded); the text is
written with the UniJIS-UCS2-H encoding, which pypdf maps back to Unicode, so extract_text() returns
readable Japanese. Each numbered section is exactly one page, so doc_id "gomi-guide#p<N>" is stable.
"""
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

HERE = Path(__file__).resolve().parent
OUT = HERE.parent / "pdf" / "gomi-guide.pdf"
TITLE = "風見野市 家庭ごみの分け方・出し方ガイド 2026年度版"

FONT = "HeiseiKakuGo-W5"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))

BODY = ParagraphStyle("body", fontName=FONT, fontSize=10, leading=15, wordWrap="CJK", spaceAfter=3)
SMALL = ParagraphStyle("small", parent=BODY, fontSize=8.5, leading=12)
CELL = ParagraphStyle("cell", parent=BODY, fontSize=9, leading=12.5, spaceAfter=0)
H1 = ParagraphStyle("h1", parent=BODY, fontSize=19, leading=26, alignment=TA_CENTER, spaceAfter=6)
H2 = ParagraphStyle("h2", parent=BODY, fontSize=14, leading=20, spaceBefore=4, spaceAfter=6,
                    textColor=colors.HexColor("#1b5e20"))
H3 = ParagraphStyle("h3", parent=BODY, fontSize=11, leading=16, spaceBefore=6, spaceAfter=2,
                    textColor=colors.HexColor("#1b5e20"))
NOTE = ParagraphStyle("note", parent=SMALL, textColor=colors.HexColor("#555555"))


def para(text, style=BODY):
    return Paragraph(text, style)


def bullets(items, style=BODY):
    return [Paragraph("・" + i, style) for i in items]


def table(rows, widths, head=True):
    data = [[Paragraph(str(c), CELL) for c in r] for r in rows]
    t = Table(data, colWidths=[w * mm for w in widths], repeatRows=1 if head else 0)
    style = [
        ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#666666")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]
    if head:
        style.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8f5e9")))
    t.setStyle(TableStyle(style))
    return t


def page1():
    s = [
        para(TITLE, H1),
        para("収集期間：2026年4月1日〜2027年3月31日　／　発行：風見野市 市民生活部 生活環境課（2026年3月）", SMALL),
        para("※このガイドは、架空の自治体「風見野市」を題材にした創作のサンプル資料です。実在の自治体の情報ではありません。", NOTE),
        Spacer(1, 4 * mm),
        para("もくじ", H3),
        para("1 ごみ出しの基本ルール（この面）　2 分別一覧　3 地区別の収集日　4 粗大ごみ　5 市で収集できないもの　6 よくある間違い"),
        para("1 ごみ出しの基本ルール", H2),
    ]
    s += bullets([
        "ごみは、収集日の朝8時30分までに、決められたごみステーションに出してください。前の日の夜には出さないでください。",
        "祝日も収集します。年末年始（12月31日〜1月3日）は収集を休みます。",
        "燃やすごみは、市の指定ごみ袋に入れて出してください。袋の代金が処理手数料です。",
        "一番長い辺が50cmを超えるもの、45リットルの袋に入らないものは粗大ごみです（申込制・有料）。",
        "ステーションは町内会・自治会が管理しています。使い終わったネットやコンテナは片付けにご協力ください。",
    ])
    s.append(para("指定ごみ袋（燃やすごみ）の種類と価格", H3))
    s.append(table([
        ["種類", "容量", "価格（10枚入り）"],
        ["大", "45リットル", "500円"],
        ["中", "30リットル", "350円"],
        ["小", "20リットル", "250円"],
    ], [30, 40, 50]))
    s.append(Spacer(1, 2 * mm))
    s.append(para("指定ごみ袋は、市内のスーパー、コンビニエンスストア、ドラッグストアなどで販売しています。"))
    s.append(para("問い合わせ：風見野市 生活環境課 0199-21-1701（平日8時30分〜17時15分）", H3))
    return s


def page2():
    s = [para("2 分別一覧", H2),
         para("迷ったときは、この表で区分を確認してください。汚れが落ちないものは、原則として燃やすごみです。")]
    s.append(table([
        ["区分", "主なもの", "出し方"],
        ["燃やすごみ", "生ごみ、紙くず、汚れが落ちないプラスチック、革・ゴム製品、紙おむつ、剪定枝",
         "指定ごみ袋に入れる。生ごみは水を切る。剪定枝は長さ50cm以下に切り、ひもで束ねる（1回3束まで）"],
        ["燃やさないごみ", "陶器、ガラス、金属製品（なべ・やかん）、傘、小型の電気製品（50cm以下）、乾電池",
         "透明・半透明の袋に入れる。割れ物・刃物は紙で包み「キケン」と書く。乾電池は端子にテープを貼り別の透明袋に"],
        ["スプレー缶・カセットボンベ", "整髪料・殺虫剤などのスプレー缶、カセットこんろ用ボンベ",
         "中身を使い切り、穴をあけずに、燃やさないごみの日に他のごみとは別の透明袋で出す"],
        ["資源ごみ（びん・缶・ペットボトル）", "飲み物・食品のびん、缶、ペットボトル",
         "中をすすぎ、ステーションのコンテナ（びん・缶）とネット（ペットボトル）へ。袋には入れない。キャップとラベルは外す"],
        ["プラスチック製容器包装", "プラマークの付いた食品トレイ、カップ、菓子袋、レジ袋、卵パック、シャンプーのボトル",
         "汚れを軽く洗い、透明・半透明の袋に入れる"],
        ["古紙・古布", "新聞、雑誌・本、段ボール、紙パック、その他の紙、衣類、タオル、シーツ",
         "紙は種類ごとにひもで十字にしばる。古布は洗って透明袋に入れ、口をしっかり結ぶ（雨の日も収集）"],
        ["小型充電式電池・モバイルバッテリー", "リチウムイオン電池、ニカド電池、ニッケル水素電池、モバイルバッテリー",
         "ごみには出さない。端子をテープで絶縁し、市役所本庁舎・北部支所・南部支所・クリーンセンターの回収ボックスへ"],
        ["粗大ごみ", "一番長い辺が50cmを超える家具、寝具、自転車など", "申込制（4ページ）"],
    ], [34, 62, 78]))
    return s


def page3():
    s = [para("3 地区別の収集日", H2),
         para("お住まいの地区の曜日に出してください。「第1水曜」は、その月の1回目の水曜日です。")]
    s.append(table([
        ["地区", "燃やすごみ", "燃やさないごみ", "資源ごみ（びん・缶・ペットボトル）", "プラスチック製容器包装", "古紙・古布"],
        ["A地区（本町・駅前・中央）", "月・木", "第1水曜", "第2・第4水曜", "火", "第3水曜"],
        ["B地区（北風見野・若葉台）", "火・金", "第2水曜", "第1・第3水曜", "月", "第4水曜"],
        ["C地区（南風見野・港町）", "月・木", "第3水曜", "第2・第4金曜", "水", "第1金曜"],
        ["D地区（西が丘・緑川）", "火・金", "第4水曜", "第1・第3木曜", "木", "第2木曜"],
    ], [38, 22, 26, 34, 30, 24]))
    s.append(Spacer(1, 3 * mm))
    s += bullets([
        "月に5回目の水曜日・木曜日・金曜日には、燃やさないごみ、資源ごみ、古紙・古布の収集はありません。",
        "燃やすごみとプラスチック製容器包装は、毎週の曜日どおりに収集します（祝日も収集）。",
        "年末年始（12月31日〜1月3日）は収集を休みます。1月4日からは通常どおりです。",
        "地区の境目では、ステーションの表示板に書かれた地区・曜日に従ってください。",
    ])
    s.append(para("見方の例（A地区・2026年4月）", H3))
    s += bullets([
        "燃やさないごみ：4月1日（水）",
        "資源ごみ：4月8日（水）と4月22日（水）",
        "古紙・古布：4月15日（水）",
        "4月29日（水・祝）は第5水曜日のため、燃やさないごみ・資源ごみ・古紙・古布の収集はありません。",
    ])
    s.append(para("地区ごとの1年分のカレンダーは、広報かざみの3月号と一緒に配布しています。市役所・支所の窓口と市ホームページでも入手できます。"))
    return s


def page4():
    s = [para("4 粗大ごみ（申込制）", H2),
         para("一番長い辺が50cmを超えるもの、または45リットルの指定ごみ袋に入らないものは粗大ごみです。ごみステーションには出せません。"),
         para("申し込み", H3)]
    s += bullets([
        "電話：粗大ごみ受付センター 0199-25-5310（平日8時30分〜17時）",
        "インターネット：市ホームページの「粗大ごみインターネット受付」（24時間受付）",
        "1回の収集で出せるのは5点までです。収集日は申し込みの際にお知らせします。",
        "3月〜4月と年末は混み合い、収集まで2〜3週間かかることがあります。",
    ])
    s.append(para("手数料（1点あたり）", H3))
    s.append(table([
        ["区分", "手数料", "品目の例"],
        ["小", "500円", "いす、扇風機、掃除機、布団、スーツケース、カラーボックス"],
        ["大", "1,000円", "たんす、食器棚、ベッド、マットレス、ソファ、机、自転車"],
    ], [20, 25, 125]))
    s.append(Spacer(1, 2 * mm))
    s.append(para("手数料は「粗大ごみ処理券（シール）」で納めます。処理券は市内のコンビニエンスストア・スーパーなどの取扱店で買えます。受付番号と名前を書いて、品物に貼ってください。"))
    s.append(para("収集日の出し方", H3))
    s.append(para("収集日の朝8時30分までに、申し込みのときにお伝えした場所（戸建ては敷地内の道路に面した場所など）に出してください。立ち会いは不要です。建物の中からの運び出しはできません。"))
    s.append(para("クリーンセンターへの持ち込み", H3))
    s += bullets([
        "風見野市クリーンセンター（緑川5丁目1番1号）電話 0199-25-5300",
        "受付：平日9時〜16時、毎月第2日曜日9時〜12時",
        "手数料：10kgごとに150円（処理券は不要）",
        "運転免許証などの本人確認書類をお持ちください。市内の家庭ごみに限ります。",
    ])
    return s


def page5():
    s = [para("5 市で収集できないもの・注意が必要なもの", H2),
         para("家電リサイクル法の対象品目（エアコン・テレビ・冷蔵庫・洗濯機）とパソコン", H3),
         para("エアコン、テレビ、冷蔵庫・冷凍庫、洗濯機・衣類乾燥機とパソコンは、市では収集しません。クリーンセンターにも持ち込めません。買い替えるお店や以前に買ったお店に引き取りを依頼するか、郵便局で家電リサイクル券を買って指定引取場所へ運んでください。パソコンはメーカーに回収を申し込んでください。"),
         para("小型充電式電池・モバイルバッテリー", H3),
         para("ごみに混ぜると、収集車やクリーンセンターで火災の原因になります。どのごみの日にも出さず、市役所本庁舎・北部支所・南部支所・クリーンセンターの回収ボックスに入れてください。電池を取り外せない製品は製品ごと回収ボックスへ（入らないものはクリーンセンターの受付へ）。膨らんだ電池は生活環境課へご相談ください。"),
         para("小型家電（携帯電話・デジタルカメラ・ゲーム機など）", H3),
         para("投入口（縦15cm×横30cm）に入るものは、小型家電回収ボックス（市役所本庁舎・支所・クリーンセンター）に無料で出せます。個人情報は消去してください。"),
         para("市で処理できないもの（販売店や専門の業者へ）", H3)]
    s += bullets([
        "タイヤ、自動車・バイクの部品、自動車用バッテリー",
        "消火器、プロパンガスのボンベ、農薬、液体の塗料・薬品",
        "ピアノ、耐火金庫、ブロック・れんが・土・石",
        "在宅医療で使った注射針（かかっている医療機関・薬局へ）",
    ])
    s.append(para("事業所・お店のごみ", H3))
    s.append(para("事業活動で出たごみは、ごみステーションに出せません。市の許可を受けた収集運搬業者に依頼してください。"))
    s.append(para("無料回収をうたう無許可の業者に渡すと、高額な請求や不法投棄のトラブルにつながることがあります。", NOTE))
    return s


def page6():
    s = [para("6 よくある間違い", H2),
         para("ステーションで「収集できません」のシールが貼られて残されるごみの多くは、次のような間違いです。")]
    s.append(table([
        ["よくある間違い", "正しい出し方"],
        ["ペットボトルにキャップとラベルが付いたまま", "キャップとラベルは外してプラスチック製容器包装の日へ。ボトルは中をすすいでネットへ"],
        ["スプレー缶に穴をあけた", "穴はあけません。中身を使い切り、燃やさないごみの日に別の透明袋で"],
        ["汚れたままのプラスチック容器", "軽く洗ってからプラスチック製容器包装へ。落ちない汚れのものは燃やすごみへ"],
        ["前の日の夜や、8時30分を過ぎてから出した", "収集日の朝8時30分までに出してください"],
        ["充電式電池やモバイルバッテリーを燃やさないごみに入れた", "ごみに出さず、市役所・支所・クリーンセンターの回収ボックスへ"],
        ["指定ごみ袋以外の袋で燃やすごみを出した", "燃やすごみは市の指定ごみ袋（45L・30L・20L）で"],
        ["長い剪定枝をそのまま出した", "50cm以下に切ってひもで束ね、燃やすごみの日へ（1回3束まで）"],
        ["引っ越しのごみをまとめてステーションに出した", "大きなものは粗大ごみの申し込みか、クリーンセンターへの持ち込みで"],
        ["割れたびんや耐熱ガラスを資源ごみに出した", "資源ごみではなく燃やさないごみへ。紙で包んで「キケン」と書く"],
    ], [70, 104]))
    s.append(Spacer(1, 3 * mm))
    s.append(para("問い合わせ先", H3))
    s += bullets([
        "ごみの分け方・出し方、ごみステーション：生活環境課 0199-21-1701",
        "粗大ごみの申し込み：粗大ごみ受付センター 0199-25-5310（平日8時30分〜17時）",
        "持ち込み：風見野市クリーンセンター 0199-25-5300",
    ])
    return s


def footer(canvas, doc):
    canvas.saveState()
    canvas.setFont(FONT, 7.5)
    canvas.drawString(18 * mm, 10 * mm, "風見野市 家庭ごみの分け方・出し方ガイド 2026年度版（架空の自治体のサンプル資料）")
    canvas.drawRightString(A4[0] - 18 * mm, 10 * mm, f"{doc.page}")
    canvas.restoreState()


def build(out=OUT):
    out.parent.mkdir(parents=True, exist_ok=True)
    doc = SimpleDocTemplate(str(out), pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm,
                            topMargin=16 * mm, bottomMargin=18 * mm, title=TITLE,
                            author="風見野市 生活環境課（架空）", subject="家庭ごみの分け方・出し方",
                            creator="madoguchi sample corpus: tools/make_pdf.py")
    story = []
    pages = [page1, page2, page3, page4, page5, page6]
    for i, fn in enumerate(pages):
        story += fn()
        if i < len(pages) - 1:
            story.append(PageBreak())
    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return len(pages)


def check(out=OUT, expected=6):
    try:
        from pypdf import PdfReader
    except ImportError:
        print("pypdf not installed; skipped the extraction check")
        return
    reader = PdfReader(str(out))
    assert len(reader.pages) == expected, f"expected {expected} pages, got {len(reader.pages)}"
    markers = ["基本ルール", "分別一覧", "地区別の収集日", "粗大ごみ（申込制）", "市で収集できないもの", "よくある間違い"]
    for i, (page, marker) in enumerate(zip(reader.pages, markers), 1):
        text = page.extract_text()
        assert marker in text, f"page {i}: {marker!r} not found in extracted text"
        print(f"p{i}: {len(text)} chars ok")


if __name__ == "__main__":
    n = build()
    check(expected=n)
    print("wrote", OUT)
