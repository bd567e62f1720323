"""The partitioned dense index: exact when every cluster is scanned, close to exact when a few
are, filtered like the vector index, and memory-mapped (shared by processes, never copied)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from ingest import partitions
from ingest.partitions import Partitions


def _unit(rng: np.random.Generator, n: int, dim: int) -> np.ndarray:
    v = rng.standard_normal((n, dim)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def _clustered(rng: np.random.Generator, n: int, dim: int, topics: int = 40) -> np.ndarray:
    """Vectors around a few topics, as passages of a city's FAQ are."""
    centres = _unit(rng, topics, dim)
    v = centres[rng.integers(0, topics, n)] + 0.6 * _unit(rng, n, dim)
    return (v / np.linalg.norm(v, axis=1, keepdims=True)).astype(np.float32)


def _brute(head: np.ndarray, body: np.ndarray, q: np.ndarray, n: int,
           mask: np.ndarray | None = None) -> set[int]:
    cos = np.concatenate([head @ q, body @ q])
    rows = np.concatenate([np.arange(len(head)), np.arange(len(body))])
    if mask is not None:
        keep = np.concatenate([mask, mask]) > 0
        cos, rows = cos[keep], rows[keep]
    return set(rows[np.argsort(-cos, kind="stable")[:n]].tolist())


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[np.ndarray, np.ndarray, Partitions]:
    rng = np.random.default_rng(7)
    head, body = _clustered(rng, 3000, 64), _clustered(rng, 3000, 64)
    out = tmp_path_factory.mktemp("gen") / partitions.DIRECTORY
    partitions.build(head, body, out)
    parts = Partitions.open(out.parent)
    assert parts is not None
    return head, body, parts


def test_every_vector_is_in_exactly_one_cluster(built):
    head, _, parts = built
    assert len(parts.centroids) == partitions.lists_for(2 * len(head))
    assert parts.offsets[0] == 0 and parts.offsets[-1] == 2 * len(head)
    assert np.all(np.diff(parts.offsets) >= 0)
    assert sorted(np.bincount(parts.rows).tolist()) == [2] * len(head)  # head and body


def test_scanning_every_cluster_is_the_brute_force_search(built):
    head, body, parts = built
    rng = np.random.default_rng(1)
    for q in _unit(rng, 20, 64):
        assert parts.search(q, 80, probe=len(parts.centroids)) == _brute(head, body, q, 80)


def test_a_few_clusters_find_nearly_every_nearest_row(built):
    head, body, parts = built
    rng = np.random.default_rng(2)
    found = total = 0
    for q in _clustered(rng, 50, 64):
        exact = _brute(head, body, q, 80)
        found += len(parts.search(q, 80, probe=len(parts.centroids) // 10) & exact)
        total += len(exact)
    assert found / total >= 0.9  # (real figures: bench/recall.py)


def test_a_filter_is_applied_and_scans_on_until_enough_rows_pass(built):
    head, body, parts = built
    mask = np.zeros(len(head), dtype=np.float32)
    mask[::50] = 1.0  # 60 rows allowed: few in any one cluster
    q = _unit(np.random.default_rng(3), 1, 64)[0]
    rows = parts.search(q, 40, probe=1, mask=mask)  # 40 vectors: a row's head and body may
    assert len(rows) >= 20 and all(mask[r] > 0 for r in rows)  # both be among them
    assert parts.search(q, 40, probe=len(parts.centroids), mask=mask) == _brute(
        head, body, q, 40, mask)


def test_rows_of_another_generation_are_mapped_by_doc_id(tmp_path):
    rng = np.random.default_rng(4)
    head = body = _unit(rng, 10, 16)
    partitions.build(head, body, tmp_path / partitions.DIRECTORY)
    (tmp_path / "doc_ids.json").write_text(
        "[" + ",".join(f'"d{i}"' for i in range(10)) + "]", encoding="utf-8")
    # the reader dropped d0 and d1 and holds the others two rows earlier
    parts = Partitions.open(tmp_path, {f"d{i}": i - 2 for i in range(2, 10)})
    assert parts is not None
    assert parts.search(head[5], 20, probe=99) == set(range(8))


def test_a_generation_without_partitions_has_none(tmp_path):
    assert Partitions.open(tmp_path) is None


_CHILD = textwrap.dedent("""
    import sys
    from pathlib import Path
    import numpy as np
    from ingest.partitions import Partitions

    parts = Partitions.open(Path(sys.argv[1]))
    q = np.ones(parts.vectors.shape[1], dtype=np.float32)
    total = float((parts.vectors @ q).sum())  # touch every page of the matrix
    print("ready", total, flush=True)
    sys.stdin.readline()  # both processes hold the map now
    target = str(Path(sys.argv[1]) / "dense" / "vectors.npy")
    fields, inside = {}, False
    for line in open("/proc/self/smaps", encoding="utf-8"):
        head = line.split()
        if "-" in head[0] and not head[0].endswith(":"):
            inside = line.rstrip().endswith(target)
        elif inside and head[0].endswith(":") and head[-1] == "kB":
            fields[head[0][:-1]] = fields.get(head[0][:-1], 0) + int(head[1])
    print(fields["Rss"], fields["Pss"], fields["Private_Dirty"], fields["Private_Clean"],
          flush=True)
""")


@pytest.mark.skipif(not Path("/proc/self/smaps").exists(), reason="needs Linux /proc")
def test_two_processes_share_one_copy_of_the_mapped_matrix(tmp_path):
    rng = np.random.default_rng(5)
    head = body = _unit(rng, 8000, 256)  # 16 MB of vectors
    partitions.build(head, body, tmp_path / partitions.DIRECTORY)
    size_kb = (tmp_path / partitions.DIRECTORY / "vectors.npy").stat().st_size // 1024
    children = [subprocess.Popen([sys.executable, "-c", _CHILD, str(tmp_path)],
                                 stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                                 cwd=Path(__file__).resolve().parents[2]) for _ in range(2)]
    try:
        for child in children:
            assert child.stdout is not None and child.stdout.readline().startswith("ready")
        for child in children:
            assert child.stdin is not None
            child.stdin.write("\n")
            child.stdin.flush()
        figures = [list(map(int, child.communicate(timeout=60)[0].split())) for child in children]
    finally:
        for child in children:
            if child.poll() is None:
                child.kill()
    for rss, pss, private_dirty, private_clean in figures:
        assert rss >= 0.9 * size_kb  # the whole matrix is resident in each process …
        assert pss <= 0.6 * rss  # … but counted once for both: the pages are shared
        assert private_dirty == 0 and private_clean <= 0.1 * size_kb  # and never copied


def test_queries_searched_ahead_find_what_each_search_finds(built):
    _, _, parts = built
    queries = _unit(np.random.default_rng(11), partitions.AHEAD + 6, 64)
    alone = [parts.search(q, 80, 8) for q in queries]
    ahead = Partitions(parts.centroids, parts.offsets, parts.rows, parts.vectors)
    ahead.search_ahead(queries, 80, 8)
    assert len(ahead._ahead) == partitions.AHEAD  # bounded: the latest are kept
    assert [ahead.search(q, 80, 8) for q in queries] == alone
    assert ahead.search(queries[-1], 80, 8, mask=np.ones(len(parts.rows) // 2)) == alone[-1]


def test_the_same_batch_searched_again_is_not_computed_twice(built, monkeypatch):
    """The safety screen and the answer search the same batch ahead: the second time every
    result is kept from the first, computed from the same input, and nothing is recomputed;
    a batch that differs in any query (or in its order) is computed."""
    _, _, parts = built
    queries = _unit(np.random.default_rng(12), 3, 64)
    ahead = Partitions(parts.centroids, parts.offsets, parts.rows, parts.vectors)
    ahead.search_ahead(queries, 80, 8)
    kept = dict(ahead._ahead)
    products = []

    class Counted(np.ndarray):  # counts the products taken with the queries
        def __matmul__(self, other):  # type: ignore[no-untyped-def]
            products.append(1)
            return np.asarray(self) @ other

    ahead.search_ahead(queries.view(Counted), 80, 8)
    assert products == [] and list(ahead._ahead.items()) == list(kept.items())
    ahead.search_ahead(queries[::-1].copy().view(Counted), 80, 8)
    assert products  # another order: another batch, searched again
    assert [ahead.search(q, 80, 8) for q in queries] == [parts.search(q, 80, 8) for q in queries]
