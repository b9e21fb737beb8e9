"""The tests' shared kit: one builder or fake per thing, imported by every test that needs it.

- :mod:`tests.kit.builders`: ``order()``, ``fill()``, ``fill_applied()`` and the
  instrument/symbol constants, plain model values with defaults a test overrides by name.
- :mod:`tests.kit.sim`: the simulated venue on a loopback port (``started_sim``, and the
  ``sim_starter`` helper behind the per-folder ``venue`` fixtures).
- :mod:`tests.kit.wait`: ``until``/``until_async``, polling with a deadline (never a sleep).
- :mod:`tests.kit.fake_alpaca` (with :mod:`tests.kit.fake_alpaca_trading`): a loopback Alpaca.
- :mod:`tests.kit.fake_telegram`: a loopback Telegram Bot API for the bot;
  :mod:`tests.kit.fake_telegram_alertmanager`: the smaller one Alertmanager posts to.
"""
