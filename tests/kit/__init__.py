"""The tests' shared kit: one builder or fake per thing, imported by every test that needs it.

- :mod:`tests.kit.builders`: ``order()``, ``fill()``, ``fill_applied()``, ``instrument()``:
  plain model values with defaults a test overrides by name (a folder binds its own
  defaults once with :func:`functools.partial` or a two-line wrapper).
- :mod:`tests.kit.events`: engine events: the store's rows (``order_row``, ``fill_row``,
  ``mixed``, ``one_of_each``) and the alert scenarios (``fill_event``, ``every_kind``, ...).
- :mod:`tests.kit.sim`: the simulated venue on a loopback port (``started_sim``,
  ``running_sim``, ``sim_starter`` behind the per-folder ``venue`` fixtures) and
  ``inject_quote`` for a market a test drives by hand.
- :mod:`tests.kit.wait`: ``until``/``until_async`` and ``poller``/``async_poller`` for a
  folder's own deadline and poll interval: polling with a deadline, never a sleep.
- :mod:`tests.kit.serve`: ``serve(app)``, an aiohttp application on loopback (the fakes).
- :mod:`tests.kit.fake_alpaca` (with :mod:`tests.kit.fake_alpaca_trading`): a loopback
  Alpaca, and its ``fake`` fixture.
- :mod:`tests.kit.fake_telegram`: a loopback Telegram Bot API for the bot;
  :mod:`tests.kit.fake_telegram_alertmanager`: the smaller one Alertmanager posts to.
"""
