"""Loading gold files: the schema, ignored extras, splits, and errors that name file and line."""

import json
from pathlib import Path

import pytest

from eval.gold import GoldError, GoldItem, load_gold

SAMPLE_GOLD = Path(__file__).resolve().parents[2] / "corpora" / "kazamino" / "gold.jsonl"


def line(**fields) -> str:
    item = {"id": "q1", "question": "粗大ごみ 料金", "relevant": {"A": 2, "B": 1},
            "expect": "answer", "type": "faq"} | fields
    return json.dumps(item, ensure_ascii=False)


def write(tmp_path: Path, *lines: str, name: str = "gold.jsonl") -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_items_with_extras_ignored(tmp_path):
    path = write(tmp_path, line(split="dev", category="ごみ", note="reviewer's note"), "",
                 line(id=2, relevant={}, expect="handoff", type="not_covered",
                      pii=["山田花子"], lang="ja"))
    first, second = load_gold(path)
    assert first == GoldItem(id="q1", question="粗大ごみ 料金", relevant={"A": 2, "B": 1},
                             expect="answer", type="faq", split="dev", category="ごみ")
    assert second.id == "2" and second.split is None and second.pii == ["山田花子"]


def test_split_filter(tmp_path):
    path = write(tmp_path, line(id="a", split="dev"), line(id="b", split="test"), line(id="c"))
    assert [i.id for i in load_gold(path, "dev")] == ["a"]
    assert [i.id for i in load_gold(path)] == ["a", "b", "c"]


def test_a_split_no_item_has_says_what_to_add(tmp_path):
    path = write(tmp_path, line())
    with pytest.raises(GoldError, match='no item has split .dev.*add "split"'):
        load_gold(path, "dev")


@pytest.mark.parametrize("bad, message", [
    ("{not json", r"gold.jsonl:2: not valid JSON"),
    ('["a list"]', r"gold.jsonl:2: expected a JSON object"),
    (line(id="q2", relevant={"A": 3}), r"gold.jsonl:2: relevant\.A: "),
    (line(id="q2", expect="maybe"), r"gold.jsonl:2: expect: "),
    (line(id="q2", split="train"), r"gold.jsonl:2: split: "),
    ('{"id": "q2", "expect": "answer", "type": "faq"}', r"gold.jsonl:2: question: Field required"),
])
def test_errors_name_file_and_line(tmp_path, bad, message):
    path = write(tmp_path, line(), bad)
    with pytest.raises(GoldError, match=message):
        load_gold(path)


def test_repeated_id_names_both_lines(tmp_path):
    path = write(tmp_path, line(), line(question="別の質問"))
    with pytest.raises(GoldError, match=r"gold.jsonl:2: id 'q1' repeats .*gold.jsonl:1"):
        load_gold(path)


def test_missing_and_empty(tmp_path):
    with pytest.raises(GoldError, match="not found"):
        load_gold(tmp_path / "nope.jsonl")
    with pytest.raises(GoldError, match="no gold items"):
        load_gold(write(tmp_path, "", ""))
    with pytest.raises(GoldError, match="no .jsonl gold files"):
        load_gold(_empty_dir(tmp_path))


def _empty_dir(tmp_path: Path) -> Path:
    d = tmp_path / "empty"
    d.mkdir()
    return d


def test_a_folder_of_gold_files(tmp_path):
    write(tmp_path, line(id="b1"), name="b.jsonl")
    write(tmp_path, line(id="a1"), name="a.jsonl")
    assert [i.id for i in load_gold(tmp_path)] == ["a1", "b1"]


def test_the_mini_gold_loads(mini_gold):
    assert len(mini_gold) >= 20
    assert {i.split for i in mini_gold} == {"dev", "test"}
    assert {i.expect for i in mini_gold} == {"answer", "handoff", "emergency"}


@pytest.mark.skipif(not SAMPLE_GOLD.exists(), reason="sample gold not present")
def test_the_sample_city_gold_fits_the_schema():
    items = load_gold(SAMPLE_GOLD)
    assert len(load_gold(SAMPLE_GOLD, "dev")) + len(load_gold(SAMPLE_GOLD, "test")) == len(items)
