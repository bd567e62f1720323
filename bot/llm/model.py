"""Settings → a LangChain chat model. `openai` is any OpenAI-compatible chat-completions server
(vLLM, Ollama, LM Studio, an on-premises gateway, OpenAI itself); `azure` is Azure OpenAI.
Nothing is built, imported or called when the provider is `none`."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import TYPE_CHECKING

from langchain_core.messages import AIMessage, BaseMessage
from pydantic import SecretStr

from bot.settings import LLMSettings

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel


class LLMConfigError(ValueError):
    """The llm settings cannot work (say which variable to set)."""


def chat_model(s: LLMSettings, model: str = "") -> BaseChatModel | None:
    """The configured model (or `model` on the same server, e.g. a judge); None for `none`."""
    if s.provider == "none":
        return None
    name = model or s.model
    # Local servers accept any key; the client library insists on one.
    key = SecretStr(s.api_key or "not-needed")
    # One attempt: a retry would exceed the timeout the resident is waiting under.
    common = {"temperature": s.temperature, "max_tokens": s.max_tokens, "timeout": s.timeout_s,
              "max_retries": 0}
    if s.provider == "openai":
        if not name:
            raise LLMConfigError("MADOGUCHI_LLM__MODEL を設定してください")
        from langchain_openai import ChatOpenAI

        return ChatOpenAI(model=name, base_url=s.base_url or None, api_key=key,
                          use_responses_api=False, **common)
    deployment = model or s.azure_deployment or s.model
    if not s.base_url or not deployment:
        raise LLMConfigError("Azure OpenAI には MADOGUCHI_LLM__BASE_URL（エンドポイント）と "
                             "MADOGUCHI_LLM__AZURE_DEPLOYMENT を設定してください")
    from langchain_openai import AzureChatOpenAI

    return AzureChatOpenAI(azure_endpoint=s.base_url, azure_deployment=deployment,
                           api_version=s.azure_api_version, api_key=key,
                           **common)


def invoke(model: BaseChatModel, messages: list[BaseMessage], timeout_s: float) -> AIMessage:
    """One call with a hard deadline, whatever the model's own timeout does."""
    pool = ThreadPoolExecutor(max_workers=1)
    try:
        result = pool.submit(model.invoke, messages).result(timeout=timeout_s)
    finally:
        pool.shutdown(wait=False)
    if not isinstance(result, AIMessage):
        raise TypeError(f"unexpected model output: {type(result).__name__}")
    return result


def fault_reason(exc: BaseException) -> str:
    """`timeout`, `malformed_output` (not a chat completion) or `model_error`."""
    name = type(exc).__name__
    if isinstance(exc, FutureTimeout | TimeoutError) or "Timeout" in name:
        return "timeout"
    if "Validation" in name or "Decode" in name or isinstance(exc, TypeError | ValueError):
        return "malformed_output"
    return "model_error"


def model_name(model: BaseChatModel) -> str:
    """The model's name as the trace shows it."""
    for attr in ("deployment_name", "model_name", "model"):
        value = getattr(model, attr, None)
        if isinstance(value, str) and value:
            return value
    return type(model).__name__
