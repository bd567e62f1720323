"""Kana messages spell the corpus's own words (ingest/readings.py)."""

from ingest.readings import Readings, kana_heavy
from ingest.text import normalize

CORPUS = ["住民票の写しは市民課で取れます。", "粗大ごみは申込制です。処理券を貼ってください。",
          "国民健康保険の葬祭費は5万円です。", "マイナンバーカードの写真は無料で撮影できます。",
          "水道が凍ったときは水道局へ。"]


def test_a_kana_message_spells_the_corpus_words():
    readings = Readings.build(CORPUS)
    assert readings.convert(normalize("じゅうみんひょう どこ")) == ["住民票"]
    assert readings.convert(normalize("そだいごみ だしかた")) == ["粗大ごみ"]
    assert readings.convert(normalize("まいなんばーかーど しゃしん むりょう？")) == [
        "マイナンバーカード", "写真", "無料"]


def test_messages_with_kanji_are_searched_as_written():
    readings = Readings.build(CORPUS)
    assert not kana_heavy(normalize("住民票の写しはどこで取れますか"))
    assert readings.convert(normalize("住民票の写しはどこでとれますか")) == []


def test_verb_endings_and_short_readings_are_not_words():
    readings = Readings.build([*CORPUS, "肢体不自由の方の手帳", "指定医の診断書"])
    assert "肢体" not in readings.convert(normalize("いんかんとうろくしたい"))
    assert "指定医" not in readings.convert(normalize("これすててもしていいの"))
    assert all(len(w) > 1 for w in readings.convert(normalize("みず でない")))


def test_the_most_used_spelling_wins_and_tables_add_up(tmp_path):
    readings = Readings.build(["公園の遊具", "公園の清掃", "講演の案内"])
    assert readings.convert("こうえん") == ["公園"]
    more = readings.add(["葬祭費の申請"])
    assert more.convert("そうさいひ") == ["葬祭費"] and readings.convert("そうさいひ") == []
    more.save(tmp_path)
    assert Readings.load(tmp_path).convert("こうえん そうさいひ") == ["公園", "葬祭費"]
    assert len(Readings.load(tmp_path / "missing")) == 0


def test_a_mistyped_kanji_compound_spells_the_corpus_word_it_reads_as():
    readings = Readings.build([*CORPUS, "登録した印鑑をお持ちください。", "手数料は300円です。",
                               "浄化槽の点検をしてください。"])
    assert readings.respell(normalize("住民表の写しがほしい")) == ["住民票"]
    assert readings.respell(normalize("印艦証明 代理でとれる？")) == ["印鑑"]
    assert readings.respell(normalize("浄化槽の点険ってどうすれば")) == ["点検"]
    assert readings.spell(normalize("そだいごみ だしかた")) == ["粗大ごみ"]  # kana: as before
    assert readings.spell(normalize("住民表　1通いくら")) == ["住民票"]


def test_words_typed_right_are_left_alone():
    readings = Readings.build([*CORPUS, "入館証を受付でお渡しします。", "小児科の一覧"])
    assert readings.respell(normalize("住民票の写しはどこで取れますか")) == []
    assert readings.respell(normalize("在留カードの住所って入管で変えるの？")) == []  # a word
    assert readings.respell(normalize("小2の子どもがいます")) == []  # a digit spells nothing
    assert readings.respell(normalize("じゅうみんひょう どこ")) == []  # kana: `convert`'s
    assert readings.respell(normalize("我想办理住民表")) == []  # Chinese
    assert Readings().respell("住民表の写し") == []


def test_a_word_typed_in_kana_in_a_message_with_kanji_is_that_word():
    readings = Readings.build([*CORPUS, "図書館の開館時間", "指定医の診断書"])
    assert readings.spell(normalize("としょかん何時までやってる？土曜も同じ？")) == ["図書館"]
    assert readings.kana_words(normalize("公園でbbqしていい?")) == []  # a verb ending
    assert readings.kana_words(normalize("住民票のことを知りたい")) == []
