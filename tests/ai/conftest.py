"""The DeepSeek provider pointed at the fake server (see tests/conftest.py)."""
from __future__ import annotations

import pytest

from promptcraft.ai.providers.deepseek import DeepSeekProvider
from tests.fakes.deepseek import API_KEY


@pytest.fixture
def deepseek(fake_deepseek):
    return DeepSeekProvider(fake_deepseek.url, API_KEY, "deepseek-v4-flash", ["deepseek-v4-flash", "deepseek-v4-pro"],
                            read_timeout=2.0, connect_timeout=1.0, retries=0)
