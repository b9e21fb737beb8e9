"""Fixtures the regression tests share: ``fake``, a started fake Alpaca (tests.kit)."""

from tests.kit.fake_alpaca import fake  # noqa: F401 - fake: the fixture
