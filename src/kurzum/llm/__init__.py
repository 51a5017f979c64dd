"""Client for OpenAI-compatible chat servers (vLLM, Ollama, llama.cpp, TGI, OpenAI) and the
prompts, parsing and validation the ``llm`` and ``hybrid`` backends put around it."""

from __future__ import annotations

from kurzum.llm.client import ChatClient, Message
from kurzum.llm.config import LLMConfig, from_settings
from kurzum.llm.errors import (
    AnswerFormatError,
    CircuitOpenError,
    LLMTimeoutError,
    LLMTransportError,
)
from kurzum.llm.sse import Completion

__all__ = [
    "AnswerFormatError",
    "ChatClient",
    "CircuitOpenError",
    "Completion",
    "LLMConfig",
    "LLMTimeoutError",
    "LLMTransportError",
    "Message",
    "from_settings",
]
