"""The safety gate's rules (bot/pipeline/emergency.py): tiers, look-alikes, negation,
hypotheticals, procedures, the support floor, and cue + similarity together."""

import numpy as np
import pytest

from bot.pipeline.emergency import EmergencyDetector, Tier, clauses
from bot.retrieval.language import is_japanese
from bot.settings import AnswerSettings

PATH = AnswerSettings().emergency_path
GATE = EmergencyDetector.load(PATH)


def tier(text: str) -> Tier:
    alarm = GATE.detect(text)
    return alarm.tier if alarm else Tier.NONE


@pytest.mark.parametrize("text, expected", [
    ("火事です！", Tier.CERTAIN),
    ("なんか焦げくさい", Tier.POSSIBLE),                       # a cue
    ("防災訓練で煙が出ていますか", Tier.NONE),                 # look-alike context
    ("火事ではありません、煙が出ていないです", Tier.NONE),      # negation
    ("もし火事になったらどうすればいい", Tier.POSSIBLE),        # hypothetical
    ("住民票をDVの加害者に見せないようにしたい", Tier.POSSIBLE),  # procedure + support kind
    ("DV防止の啓発パンフレット", Tier.NONE),
    ("自殺対策の計画を読みたい", Tier.NONE),
    ("道で猫がひかれてて、どこに連絡すれば", Tier.NONE),
    ("生きててもしょうがない", Tier.CERTAIN),
    ("かじです　いえがもえてる", Tier.CERTAIN),                # kana only: the reading view
    ("しにたい", Tier.CERTAIN),
    ("なんか事故っぽい", Tier.POSSIBLE),          # one cue seen in both views is still one cue
    ("事故が多い交差点にカーブミラーを付けてほしい", Tier.NONE),
    ("先月の火事で焼けた家の罹災証明", Tier.NONE),
    ("消えたポイントの問い合わせ", Tier.NONE),
    ("死ぬほど暑い、プールは何時から", Tier.NONE),
    ("There's smoke pouring out of the apartment and the alarm is going off", Tier.CERTAIN),
    ("where do i buy a smoke detector", Tier.NONE),
    ("たすけて", Tier.CERTAIN),
    ("子どもの誤飲を防ぐ工夫", Tier.NONE),
    ("フライパンの油に火が入って燃えてる", Tier.CERTAIN),          # a pan fire
    ("てんぷら鍋から火が上がった", Tier.CERTAIN),
    ("フライパンは燃えないごみで出せる？", Tier.NONE),              # which rubbish, not a fire
    ("不審な男が窓をこじ開けようとしてる", Tier.CERTAIN),          # forcing the way in
    ("カーブミラーが車にぶつけられて曲がってる、どこに言えば", Tier.NONE),  # road furniture
    ("昨夜の事故のあと警察はもう帰りました。壊れた塀の修理は？", Tier.NONE),
    ("家暴热线的电话是多少", Tier.POSSIBLE),  # asking for the line: numbers, then the answer
    ("浸水マップってどこでもらえる", Tier.NONE),                  # reading matter
    ("手すりをつける費用、助けてもらえる制度ある？", Tier.NONE),     # help with money
    ("台風で屋根が壊れたら固定資産税は安くなる？", Tier.NONE),       # a condition, not an event
    ("疲れちゃった。もう消えたい", Tier.CERTAIN),
    ("火はもう消えました", Tier.NONE),
    ("車にぶつけられた塀の修理代の相談", Tier.NONE),
    # batch 11's shapes, written again for this test
    ("窓から火でてる", Tier.CERTAIN),                          # が dropped
    ("となりのいえ まどから ひ でとる", Tier.CERTAIN),           # kana with spaces
    ("となりの倉庫🔥🔥", Tier.CERTAIN),                           # the emoji after a building
    ("🔥夏祭り🔥 屋台は何時まで？", Tier.NONE),                    # the emoji after an event
    ("おかんが急に呂律まわらん", Tier.CERTAIN),                  # dialect
    ("ぼうやがひょうはくざいのんじゃった", Tier.CERTAIN),
    ("陣痛がきてて、もう生まれそう", Tier.CERTAIN),
    ("もう死にてぇ", Tier.CERTAIN),
    ("死にてえほど眠い、図書館は何時まで", Tier.NONE),
    ("男が包丁ふりまわしてる", Tier.CERTAIN),
    ("灯油ヒーターつけっぱなしで寝てた祖父がぐったり", Tier.CERTAIN),
    ("灯油のにおいすごい", Tier.NONE),                           # not gas
    ("台所に水がきとる、もうひざまで", Tier.CERTAIN),
    ("地震の揺れで閉じ込められたらどうすればいいの", Tier.POSSIBLE),  # any verb before …たらどう
    ("息子が倒れた、どうしたらいい", Tier.CERTAIN),               # not どうしたら
    ("前に一度けいれんを起こしたことがあって、幼稚園に伝えるべき？", Tier.POSSIBLE),  # before
    ("ガス臭いときってどこに電話するの", Tier.POSSIBLE),
    ("はねられた犬が道の真ん中にいる、どこに言えば", Tier.NONE),
    ("煙感知器のつけ方を知りたい", Tier.NONE),
    # batch 12's shapes, written again for this test
    ("物置から炎みえる", Tier.CERTAIN),                          # 炎 with が dropped
    ("居間が火の海", Tier.CERTAIN),
    ("こたつの布団に火ついた", Tier.CERTAIN),                     # caught fire, が dropped
    ("ろうそくの火でカーテンに火がうつった", Tier.CERTAIN),
    ("畑のたき火が風で広がって納屋の方に", Tier.CERTAIN),           # an outdoor burn spreading
    ("かじ 3がい にげられん", Tier.CERTAIN),                     # trapped, kana
    ("うらのいえ ひのこが とんでる", Tier.CERTAIN),
    ("じいちゃん ふろで へんじせん", Tier.CERTAIN),                # found in the bath
    ("娘が滑り台から落ちて頭うって吐いた", Tier.CERTAIN),           # two cues
    ("ガス止めたのにずっとくさい", Tier.CERTAIN),
    ("発電機つけっぱなしの倉庫で父が寝とって起きん", Tier.CERTAIN),  # carbon monoxide
    ("ありがとうって一言きて、それから電話に出ない", Tier.CERTAIN),   # a farewell, then silence
    ("市のLINEに送ったのに既読つかない", Tier.NONE),
    ("知らない人が店員を殴ってる", Tier.CERTAIN),
    ("わたしのおかあさんがわたしをたたく", Tier.CERTAIN),           # a child writing it
    ("近所の子が家に入れてもらえず外で泣いてる", Tier.CERTAIN),
    ("献血の予約ってどこで", Tier.NONE),
    ("り災証明書の発行", Tier.NONE),
    ("うちのハムスターが戻ってこない、どこか届けるところある？", Tier.NONE),  # an animal
    ("おばが倒れたのは先月で、今は退院して介護保険の話", Tier.NONE),
    ("頭ぶつけたけど平気そう", Tier.NONE),                        # fine now
    # batch 13's shapes, written again for this test
    ("祖父ガ居間デ倒レ、呼ンデモ返事ガ御座イマセン", Tier.CERTAIN),  # old-fashioned writing
    ("もしもし隣の家から火が出てるんです", Tier.CERTAIN),           # a call, not a もし
    ("💊💊 ぜんぶのんだ", Tier.CERTAIN),
    ("しにたぃ", Tier.CERTAIN),                                    # a small ぃ typed
    ("公園で息子の姿が見えなくなった", Tier.CERTAIN),
    ("知らない男が玄関のドアを何度も叩いてる", Tier.CERTAIN),
    ("変な男がずっとついてきてる", Tier.CERTAIN),
    ("地震でうちがつぶれた", Tier.CERTAIN),
    ("相談があります。もう今夜で全部終わりにしようと思う", Tier.CERTAIN),
    ("ろうそくに火がついたらどのくらいもつ？", Tier.NONE),         # meant to be lit
    ("ろうそくに火がついたらカーテンに燃え移った", Tier.CERTAIN),
    ("家が燃える夢を見た、ところで粗大ごみは", Tier.NONE),
    ("煙の少ない線香はどこで買える？", Tier.NONE),
    ("死ぬかと思うくらい坂がきつい、バス停増やしてほしい", Tier.NONE),
    ("虐待防止月間のイベント", Tier.NONE),
    ("子どもがいない家の前でどなり声", Tier.NONE),                # no child there
    ("子どものいない家から煙が出てる", Tier.CERTAIN),             # still a fire
    # batch 14's shapes, written again for this test
    ("廊下が真っ白でなにも見えない", Tier.CERTAIN),              # smoke, the word unsaid
    ("窓が結露で真っ白、対策ある？", Tier.NONE),
    ("ジイチャンガ　ウゴカン", Tier.CERTAIN),                      # katakana dialect
    ("おとうさんが うごかない", Tier.CERTAIN),
    ("母が動かないので介護タクシーを頼みたい", Tier.NONE),           # a reason, not a report
    ("オバアサン　ヨンデモ　オキン", Tier.CERTAIN),
    ("たたいても おきない", Tier.CERTAIN),
    ("毎朝よんでもおきない息子、不登校の相談", Tier.NONE),          # a habit
    ("ばあちゃん あめ のどに", Tier.CERTAIN),                      # choking, verb dropped
    ("あめ のどに いいの どれ", Tier.NONE),
    ("塩素系のカビとりとお酢を混ぜちゃって、目と鼻がいたい", Tier.CERTAIN),  # まぜるな危険
    ("まぜるな危険の洗剤、何ごみ？", Tier.NONE),
    ("自転車が転んで乗ってた人が動かない", Tier.CERTAIN),
    ("みずが たたみまで きとる", Tier.CERTAIN),
    ("じいちゃん どっか いってしもうた", Tier.CERTAIN),
    ("娘が帰ってこないと思ったら友達の家にいた、ところで児童館は何時まで", Tier.NONE),
    ("I want to sleep and never wake up again", Tier.CERTAIN),
    ("おかあさんが ぱぱに うでを つかまれて ないてる", Tier.CERTAIN),  # a child telling it
    ("蜂に刺されて顔がぱんぱん、声もおかしい", Tier.CERTAIN),        # the airway swelling
    ("もう限界、楽になる方法ってある？", Tier.CERTAIN),
    ("救急車って呼んだら料金かかる？", Tier.NONE),                   # a cost asked about
    ("子どもが「くるまにはねられそうになった」交差点、横断歩道を引いてほしい", Tier.NONE),
    ("アニメの絵本で家が燃えてる場面", Tier.NONE),
    ("イライラが爆発しそう、窓口の待ち時間長すぎ", Tier.NONE),        # anger, an idiom
    ("スマホのバッテリーが死んだ、充電できる場所ある？", Tier.NONE),
    ("ネットで川があふれてる動画みたけど、あれ市内？", Tier.NONE),
    ("兄弟げんかで弟の腕にあざ、病院行くほど？", Tier.NONE),        # children's fight
    ("Our fire alarm keeps chirping, where do I buy a battery?", Tier.NONE),
])
def test_tiers(text, expected):
    assert tier(text) is expected


def test_support_kind_never_drops_below_possible():
    alarm = GATE.detect("夫の暴力について申請の窓口を知りたい、殴られています")
    assert alarm is not None and alarm.tier is Tier.POSSIBLE
    assert "#8008" in GATE.line(alarm)


def test_numbers_follow_the_kind():
    assert "189" in " ".join(GATE.detect("隣の家で子どもが虐待されている").contact_lines())
    assert "0199-26-6199" in " ".join(GATE.detect("水道管が破裂した").contact_lines())


class Axis:
    """A toy embedder: texts mentioning 一室 (in one fire exemplar, in no phrase, cue or calm
    look-alike) point one way, everything else another."""

    def embed(self, texts):
        return np.array([[1.0, 0.0] if "一室" in t else [0.0, 1.0] for t in texts])


def test_similarity_names_the_kind_and_must_beat_the_calm_look_alikes():
    gate = EmergencyDetector.load(PATH, Axis())
    alarm = gate.detect("あの一室")  # as close to a fire exemplar as can be
    assert alarm is not None and alarm.tier is Tier.CERTAIN and alarm.kind.name == "fire"
    assert alarm.evidence["by"] == "similarity"
    assert gate.detect("図書館はどこ") is None  # as close to a calm look-alike: no alarm


def test_every_kind_has_numbers_and_exemplars():
    for kind in GATE.kinds.values():
        assert kind.contacts and all(c.number for c in kind.contacts)
    gate = EmergencyDetector.load(PATH, Axis())
    assert gate.exemplars is not None and set(gate.exemplars.kinds) == set(GATE.kinds)


def test_a_long_message_is_also_read_clause_by_clause():
    text = "すみません、いま仕事から帰ったところです。上の階のベランダから黒い煙が出ています"
    assert clauses(text) == [text, "いま仕事から帰ったところです",
                             "上の階のベランダから黒い煙が出ています"]
    assert clauses("火事です") == ["火事です"]


EVERYDAY = ["ありがとうございます", "よろしくお願いします", "すみません", "わかりました",
            "さっきの件です", "はい、お願いします", "thanks", "Thank you so much", "谢谢",
            "감사합니다", "Cảm ơn", "Obrigado"]


@pytest.fixture(scope="module")
def real_gate(embedder):
    return EmergencyDetector.load(PATH, embedder)


@pytest.mark.parametrize("text", EVERYDAY)
def test_everyday_replies_raise_no_alarm(real_gate, text):
    """Short replies sit near many exemplars (kana-only exemplars were hubs for them)."""
    assert real_gate.detect(text) is None


# Everyday questions typed the way Vietnamese residents do (lower case, no final mark). The
# embedder covers Vietnamese poorly: closeness alone made 4 of these certain emergencies (the
# resident got 119 instead of an answer). Written fresh for this test, not taken from a gold.
VI_EVERYDAY = ["làm thẻ thư viện cần gì", "đổi địa chỉ trên thẻ cư trú ở quầy nào",
               "tiền điện nước trả ở đâu", "em bị mất bằng lái thì làm lại ở đâu"]


def test_closeness_alone_never_makes_a_vietnamese_message_a_certain_emergency(pipeline):
    for text in VI_EVERYDAY:
        alarm = pipeline.emergency.detect(text)
        assert alarm is None or not alarm.certain, (text, alarm.trace())
    for text in ("nhà hàng xóm đang cháy", "có mùi ga trong bếp"):  # said outright: certain
        alarm = pipeline.emergency.detect(text)
        assert alarm is not None and alarm.certain, text


def test_a_forecast_or_prevention_is_preparation_not_an_emergency(pipeline):
    for text in ("寒波が来るらしいけど、家の水が出なくならないようにするにはどうしたらいい？",
                 "台風が上陸するみたいなので、窓が割れないようにしたい"):
        alarm = pipeline.emergency.detect(text)
        assert alarm is None or not alarm.certain, (text, alarm.trace())
    for text in ("隣の家が燃えてるらしい、黒い煙が見える", "川があふれそう、家から出られない"):
        alarm = pipeline.emergency.detect(text)
        assert alarm is not None and alarm.certain, text


def test_the_citys_own_questions_asked_as_written_are_not_certain_emergencies(pipeline):
    """Asked word for word, five of the sample city's FAQ questions and labels were certain
    emergencies (the resident got 119 instead of the answer): a Korean exemplar 0.62 from
    「下水道が整備されました」, the や of a list read as 関西 「火事や！」, a frozen pipe read as a
    burst one, a condition 「…したとき国保は」 read as the event."""
    for text in ("家の前に下水道が整備されました。接続しなければなりませんか。",
                 "火事や台風で家が壊れた場合、固定資産税の減免はありますか。",
                 "水道管が凍って水が出ません。どうすればよいですか。",
                 "水漏れ・故障のとき（水道の使用開始・中止（引っ越しのとき））",
                 "交通事故でけがをしたとき国保は使えますか。"):
        alarm = pipeline.emergency.detect(text)
        assert alarm is None or not alarm.certain, (text, alarm.trace())
    alarm = pipeline.emergency.detect("生活が苦しい、仕事が見つからない。")
    assert alarm is None or alarm.kind.name != "missing"  # work, not a person, is missing
    for text in ("火事や！", "火事やで、早く来て", "交通事故でけがをした人がいる",
                 "母が見つからない", "水道管が破裂して水が噴き出している"):
        alarm = pipeline.emergency.detect(text)
        assert alarm is not None and alarm.certain, text


def test_a_japanese_message_meets_only_japanese_exemplars(pipeline):
    exemplars = pipeline.emergency.exemplars
    assert exemplars is not None and not exemplars.japanese.all()  # foreign ones exist
    query = pipeline.emergency.embedder.embed(["홍수로 집에 갇혔어요"])[0]
    assert not is_japanese(exemplars.nearest(query, japanese=False)[2])
    assert is_japanese(exemplars.nearest(query, japanese=True)[2])


def test_a_key_written_twice_is_refused(tmp_path):
    """YAML keeps only the last of two equal keys: a second `kana:` under medical had hidden
    the first list (いしきがない, いきしてない …) since it was written."""
    cues = "    kana_cues:\n    - むねが"
    text = PATH.read_text(encoding="utf-8").replace(cues, "    kana:\n    - たすけて\n" + cues, 1)
    path = tmp_path / "emergency.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match="kana.*行目"):
        EmergencyDetector.load(path)


def test_a_question_before_a_certain_report_does_not_lower_it():
    """Procedure words lower the clause of certain evidence and what follows it, not what
    came before: the resident broke off an ordinary question for what is happening now."""
    report = "隣の部屋から煙が出てきてて焦げくさいです"
    assert tier(f"粗大ごみの申し込みのことで聞きたいのですが、あ、{report}") is Tier.CERTAIN
    assert tier(f"{report}、修理の申し込みは") is Tier.POSSIBLE
    assert tier(f"{report}。修理の申し込みは") is Tier.POSSIBLE
    # a weak cue is still lowered by a question anywhere in the message
    assert tier("粗大ごみの申し込みのことで、なんか焦げくさい") is Tier.NONE


def test_a_report_after_a_question_is_placed_by_its_closest_clause(real_gate):
    """Closeness names the clause too: a fire described after 「粗大ごみの申し込みってどうやる
    の」 is not lowered by the question's 申し込み. A support kind keeps its designed floor:
    a live abuse report after a question about 児童手当 gets the 189 line with the answer."""
    alarm = real_gate.detect("粗大ごみの申し込みってどうやるの。あと今、向かいの家の屋根から"
                             "火がでとる気がする")
    assert alarm is not None and alarm.certain and alarm.kind.name == "fire", (
        alarm and alarm.trace())
    alarm = real_gate.detect("児童手当の振込日っていつですか。それと今となりの家で子どもが"
                             "ギャーギャー泣いてて、お母さんの怒鳴り声と何か叩く音がずっとしてます")
    assert alarm is not None and alarm.kind.name == "child_abuse", alarm and alarm.trace()


def test_spaces_between_words_are_not_read_as_a_word():
    """Sudachi reads a space as 「きごう」: やさしい日本語 and LINE messages written with spaces
    between words met none of the kana patterns (「へやに けむりが いっぱい」)."""
    assert GATE.views.reading("へやに けむりが いっぱい") == "へやにけむりがいっぱい"
    alarm = GATE.detect("たすけてください。へやに けむりが いっぱい です。")
    assert alarm is not None and alarm.certain and alarm.kind.name == "fire"


def test_two_cues_may_be_seen_in_two_views_but_one_cue_counts_once():
    assert tier("熱があって子がぐったり、呼びかけても目をあけん") is Tier.CERTAIN
    assert tier("胸が痛い") is Tier.POSSIBLE  # 胸が痛 and its reading むねがいた are one thing


def test_a_kind_defers_to_a_kind_whose_phrase_is_also_said():
    """Someone pinned after an earthquake is the disaster's numbers, an overdose said with
    「消えたい」 the suicide line's (which gives 110 / 119 too), though medical's phrase
    (下敷き, 薬…飲んだ) comes first in the file."""
    alarm = GATE.detect("地震でタンスの下敷きになって父が出られない")
    assert alarm is not None and alarm.kind.name == "disaster"
    alarm = GATE.detect("もう消えたい、薬ぜんぶ飲んじゃった")
    assert alarm is not None and alarm.kind.name == "suicide"
    assert GATE.detect("転んで頭を打って意識がない").kind.name == "medical"


def test_an_unknown_kind_to_defer_to_is_refused(tmp_path):
    text = PATH.read_text(encoding="utf-8").replace("defer_to: [suicide, disaster, violence]",
                                                    "defer_to: [suicide, flood, violence]", 1)
    path = tmp_path / "emergency.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match="flood"):
        EmergencyDetector.load(path)


def test_asking_why_a_symptom_happens_is_at_most_possible():
    """An informational why-question gets the answer with the numbers line before it, not the
    fixed emergency reply; a possible alarm stays possible (the notice is kept); a why said in
    panic about a person now is not an explanation asked for."""
    assert tier("ストーブを使っていると頭が痛くなるのはなぜ") is Tier.POSSIBLE
    assert tier("なんで冬になるとガス漏れが増えるの") is Tier.POSSIBLE
    assert tier("なんで熱中症になるの") is Tier.POSSIBLE
    assert tier("なんで息してないの、どうしよう") is Tier.CERTAIN
    assert tier("父の意識がない、どうしていいかわからない") is Tier.CERTAIN


def test_a_clause_rule_does_not_read_the_evidence_s_own_words():
    """「デイサービス」 holds サービス, a procedure word; here it is where the elder went
    missing from."""
    assert tier("母がデイサービスから戻らない") is Tier.CERTAIN
    assert tier("デイサービスの申し込みのことで相談したい") is Tier.NONE


def test_a_latin_word_matches_whole_words_only():
    """The Tagalog cue 「baha」 (flood) was found inside 「bahay」 (house)."""
    assert tier("May lalaking may kutsilyo sa labas ng bahay namin") is Tier.CERTAIN
    assert GATE.detect("May lalaking may kutsilyo sa labas ng bahay namin").kind.name == (
        "violence")
    assert tier("Saan po ang opisina para sa bahay?") is Tier.NONE


def test_a_broken_gas_pipe_is_the_utilitys_numbers():
    """A broken gas pipe smells of gas: gas's phrase comes first in the file, but the pipe's own
    phrase names the utility's numbers (119 for the pipe, 110 for the road)."""
    alarm = GATE.detect("道路工事でガス管こわれたみたい、ガスくさい")
    assert alarm is not None and alarm.certain and alarm.kind.name == "utility"
    alarm = GATE.detect("台所がガスくさい")
    assert alarm is not None and alarm.kind.name == "gas"


def test_a_child_shut_out_is_abuse_and_an_adult_shut_out_is_violence():
    alarm = GATE.detect("小さい子が家に入れてもらえなくて玄関の前で泣いてる")
    assert alarm is not None and alarm.kind.name == "child_abuse"
    alarm = GATE.detect("夫に家に入れてもらえない")
    assert alarm is not None and alarm.kind.name == "violence" and not alarm.certain


def test_what_happens_often_or_long_ago_is_not_happening_now():
    assert tier("貧血でよく倒れるので献血は無理？") is Tier.NONE
    alarm = GATE.detect("よく見たら父が倒れてた")  # よく as "looking closely": not lowered
    assert alarm is not None and "past" not in alarm.evidence.get("lowered_by", [])


def test_numbers_of_batch_13_shapes():
    # a beating that bleeds is violence's (110), an adult screaming 「やめて」 too, a house
    # brought down by a quake the disaster's
    assert GATE.detect("夫に殴られて鼻血が止まらない").kind.name == "violence"
    assert GATE.detect("隣で女の人が「やめて」って叫んでて、物が割れる音").kind.name == "violence"
    assert GATE.detect("だれかたすけて 地震でいえつぶれた").kind.name == "disaster"


def test_a_rule_for_some_kinds_only(tmp_path):
    text = PATH.read_text(encoding="utf-8").replace(
        "kinds: [missing, child_abuse]", "kinds: [missing, nosuchkind]")
    bad = tmp_path / "emergency.yaml"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match="nosuchkind"):
        EmergencyDetector.load(bad)


def test_numbers_of_batch_14_shapes():
    """A fallen live wire is the utility's (119 with 「近づかない」, 110 for the road), not only
    a fire's; a simile is no beating; mixed cleaners are a poisonous gas; a threat to kill and a
    hand at the neck are violence's, not a wish to die; an adult beating a child is abuse's."""
    alarm = GATE.detect("台風で切れた電線が道に落ちてバチバチいってる")
    assert alarm is not None and alarm.certain and alarm.kind.name == "utility"
    assert any("電線" in line and "119" in line for line in alarm.contact_lines())
    assert GATE.detect("Power lines are down on the road after the storm").kind.name == "utility"
    for text, kind in [("父が「ハンマーで殴られたような頭痛」と言ってぐったりしてる", "medical"),
                       ("塩素系のカビとりとお酢を混ぜちゃって、目と鼻がいたい", "gas"),
                       ("夫に首をつかまれて動けない", "violence"),
                       ("Meu namorado disse que vai me matar", "violence"),
                       ("The woman downstairs is beating her son right now", "child_abuse"),
                       ("벌에 쏘였는데 숨쉬기가 힘들어요", "medical")]:
        alarm = GATE.detect(text)
        assert alarm is not None and alarm.certain and alarm.kind.name == kind, text


def test_every_phrase_said_is_weighed():
    """The phrase the rules lower least decides: a question about an ambulance's cost lowers
    its own clause, not the report after it (the first phrase alone was read before)."""
    alarm = GATE.detect("救急車って有料ですか？母が急に倒れて意識がない")
    assert alarm is not None and alarm.certain and alarm.kind.name == "medical"
    assert tier("救急車って有料ですか？") is Tier.NONE
    alarm = GATE.detect("救急車と警察どっちに電話すれば、目の前でバイクが転んで人が起き上がらない")
    assert alarm is not None and alarm.certain and alarm.kind.name == "traffic"


def test_a_live_wire_lists_119_before_the_water_utility():
    """The utility kind holds the water utility's line, 119 and 110; a fallen live wire (or a
    broken gas pipe) names 119 first, a burst water main keeps the water line first, and the
    fixed reply and the 【念のため】 line follow the same order."""
    for text in ("台風で切れた電線が道に落ちてバチバチいってる",
                 "a power line fell on the sidewalk and it's sparking",
                 "工事でガス管が壊れて、においがする"):
        alarm = GATE.detect(text)
        assert alarm is not None and alarm.kind.name == "utility", text
        lines = alarm.contact_lines()
        assert "119" in lines[0] and "電線" in lines[0], (text, lines)
        assert any("0199-26-6199" in line for line in lines[1:]), text
        assert GATE.line(alarm).index("119") < GATE.line(alarm).index("0199-26-6199")
    alarm = GATE.detect("水道管が破裂した")
    assert alarm is not None and "0199-26-6199" in alarm.contact_lines()[0]
    assert alarm.contacts() == alarm.kind.contacts


@pytest.mark.parametrize("text, kind", [
    # consequences only, dialect and particles dropped
    ("裏の小屋がもえでる、だれか来て", "fire"),
    ("向かいの家の二階から煙ふいとる", "fire"),
    ("おばあちゃんが居間で倒れてて息が浅い", "medical"),
    ("そば食べたあと夫の唇がはれてきた", "medical"),
    ("息子が殺虫剤をなめたかもしれない", "medical"),
    ("弟が灯油を飲んじゃった", "medical"),
    ("石垣にひびが入って、すきまから水がしみ出てる", "disaster"),
    ("地震で玄関の戸が開かなくなって外に出られない", "disaster"),
    ("大雨で駐車場の車が浮いてる", "disaster"),
    ("祖父が明け方に家を出たらしくて、部屋にいない", "missing"),
    ("ベルトとドアノブのこと調べてる、もう疲れた", "suicide"),
    ("子どもが「ゆるして」って言いながら泣いてて、バシッて音", "child_abuse"),
    ("おかあさんが おとうとを たたいて おとうと ないてる", "child_abuse"),
    ("公園で中学生が大勢に囲まれて殴られてる", "violence"),
    # the residents' other languages
    ("Nasunog ang kusina, umaapoy pa", "fire"),
    ("목이 부어서 침을 못 삼켜요 새우 먹었어요", "medical"),
    ("Bé nhà tôi uống nhầm dầu hỏa", "medical"),
    ("Hindi na gumigising si lola, tulog lang nang tulog", "medical"),
    ("Hindi namin mahanap ang lolo namin, may dementia siya", "missing"),
    ("我女儿在超市走丢了", "missing"),
    ("I left a goodbye note on the table", "suicide"),
    ("약을 한꺼번에 먹으려고 모아 놨어요", "suicide"),
    ("他说要打死我", "violence"),
    ("Ele está com uma faca na cozinha gritando", "violence"),
    ("the wire snapped and is sparking near the school gate", "utility"),
])
def test_batch_15_shapes_are_certain(text, kind):
    """Shapes batch 15 found (not its sentences): consequences said without the key word,
    dialect verb forms, household chemicals, slope signs, shut in, gone in the night, a cord and
    a doorknob, a begging child, a group beating, and the residents' other languages."""
    alarm = GATE.detect(text)
    assert alarm is not None and alarm.certain and alarm.kind.name == kind, (text, alarm)


@pytest.mark.parametrize("text", [
    "子どもが迷子になったけどすぐ見つかった、迷子センターってどこにある？",
    "Tôi đói muốn chết, gần tòa thị chính có quán ăn nào không?",
    "防災セットに入れる笛ってどれがいい？",
    "腹が痛くなるくらい笑った、また行きたい",
    "古い消火器、何ごみの日に出せばいい？",
    "Magkano po ang bayad sa ambulansya? tanong lang",
    "我家的小狗走丢了，怎么办",
    "請問防走失手環可以在哪裡申請？",
])
def test_batch_15_lookalikes_get_no_alarm(text):
    """Found again, a rubbish day asked for, idioms in vi and ja, a disaster kit, an ambulance's
    cost in Tagalog, a pet, a child tracker: no alarm."""
    assert GATE.detect(text) is None, text


@pytest.mark.parametrize("text", [
    "子どものころ父に殴られてた。今は30歳です",
    "もう生きていけない〜笑",
])
def test_childhood_and_a_marked_joke_are_at_most_possible(text):
    alarm = GATE.detect(text)
    assert alarm is None or not alarm.certain, text


def test_a_person_who_cannot_be_woken_is_medicals_beside_a_suicide_phrase():
    """Medical defers to suicide (「薬を大量に飲んだ」 said of oneself is the suicide lines), but
    someone who cannot be woken or does not breathe needs 119 first (`keep_from`)."""
    alarm = GATE.detect("夫が薬を全部飲んだみたいで、ゆすっても起きない")
    assert alarm is not None and alarm.certain and alarm.kind.name == "medical"
    assert "119" in alarm.contact_lines()[0]
    alarm = GATE.detect("ためてた薬、今夜ぜんぶ飲む")
    assert alarm is not None and alarm.kind.name == "suicide"


def test_an_unknown_keep_from_kind_stops_the_load(tmp_path):
    text = PATH.read_text(encoding="utf-8").replace("keep_from: [suicide]",
                                                    "keep_from: [nosuchkind]")
    bad = tmp_path / "emergency.yaml"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match="nosuchkind"):
        EmergencyDetector.load(bad)
