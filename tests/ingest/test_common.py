import pytest

from ingest.sources.common import SourceError, chunk, decode, tidy


def test_decode_utf8_with_and_without_bom():
    assert decode("質問".encode("utf-8-sig")) == "質問"
    assert decode("質問".encode()) == "質問"


def test_decode_shift_jis():
    assert decode("住民票の写し".encode("cp932")) == "住民票の写し"


@pytest.mark.parametrize("data, message", [
    (b"", "空のファイル"), (b"  \n", "空のファイル"), (b"\x00\x01abc", "バイナリ"),
])
def test_decode_rejects_empty_and_binary(data, message):
    with pytest.raises(SourceError, match=message):
        decode(data)


def test_decode_rejects_unknown_encoding():
    with pytest.raises(SourceError, match="文字コード"):
        decode(bytes([0x81, 0x20, 0xFF, 0xFE, 0x80, 0x20]) * 10)


def test_tidy_removes_spaces_between_japanese_characters():
    assert tidy("粗 大 ご み の\r\n\n\n出し方 ABC def") == "粗大ごみの\n\n出し方 ABC def"


def test_chunk_keeps_short_text_and_splits_long_text_at_sentences():
    assert chunk("短い文。") == ["短い文。"]
    long = "あ" * 50 + "。" + "い" * 50 + "。"
    parts = chunk(long, max_chars=60)
    assert parts == ["あ" * 50 + "。", "い" * 50 + "。"]
