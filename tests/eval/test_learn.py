"""`madoguchi eval --learn-folds K`: folds, the variants each fold learns, and a real run."""

from __future__ import annotations

import json
import shutil
from collections import Counter

from eval.gold import GoldItem
from eval.learn import fold_of, learn_folds, learned_variants
from ingest.store import IndexPaths


def _item(i: str, conversation: str = "", expect: str = "answer", **relevant: int) -> GoldItem:
    return GoldItem(id=i, question=f"質問{i}", relevant=relevant, expect=expect, type="faq",
                    conversation=conversation)


def test_folds_are_balanced_stable_and_keep_conversations_together():
    items = [_item(str(n)) for n in range(20)] + [_item(f"c{n}", "conv-1") for n in range(3)]
    folds = fold_of(items, 5)
    assert folds == fold_of(items, 5)
    sizes = Counter(f for it, f in zip(items, folds, strict=True) if not it.conversation)
    assert set(range(5)) == set(sizes)
    assert len({f for it, f in zip(items, folds, strict=True) if it.conversation}) == 1


def test_learned_variants_come_from_other_folds_and_grade_two_only():
    items = [_item("a", A=2, B=1, D=2), _item("b", B=2), _item("h", expect="handoff", C=2)]
    variants = learned_variants(items, [0, 1, 1], held_out=1)
    assert [(v.doc_id, v.text) for v in variants] == [("A", "質問a")]
    assert variants[0].origin == "learned:a"
    every = learned_variants(items, [0, 1, 1], held_out=1, targets="all")
    assert [v.doc_id for v in every] == ["A", "D"]


def test_learn_folds_runs_and_leaves_the_index_alone(tmp_path, mini_index, pipeline, mini_gold):
    paths = IndexPaths(mini_index)
    before = paths.current_generation()
    listing = sorted(p.name for p in mini_index.iterdir())
    result = learn_folds(pipeline, mini_gold, 3)
    assert paths.current_generation() == before
    assert sorted(p.name for p in mini_index.iterdir()) == listing
    assert pipeline.retriever.index.index_dir == mini_index
    assert len(result.before) == len(result.after) == len(mini_gold)
    assert [r.id for r in result.after] == [i.id for i in mini_gold]
    gains = result.gains()
    assert set(gains["hit@1"]) == {"before", "after", "gain"}
    assert sum(result.variants_per_fold) == 2 * sum(
        1 for i in mini_gold if i.expect == "answer" and 2 in i.relevant.values())
    json.dumps(result.to_dict())


def test_learn_folds_cli(tmp_path, mini_index, capsys):
    from bot.cli import main
    from tests.eval.conftest import MINI_GOLD

    index = tmp_path / "index"
    shutil.copytree(mini_index, index)
    out = tmp_path / "out"
    assert main(["eval", "--gold", str(MINI_GOLD), "--index", str(index), "--learn-folds", "2",
                 "--out", str(out), "--quiet"]) == 0
    text = capsys.readouterr().out
    assert "hit@1" in text and "learn_folds.json" in text
    data = json.loads((out / "learn_folds.json").read_text(encoding="utf-8"))
    assert data[str(MINI_GOLD)]["k"] == 2
    assert main(["eval", "--gold", str(MINI_GOLD), "--index", str(index),
                 "--learn-folds", "1"]) == 64
