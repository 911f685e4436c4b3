"""The terminal channel: the real Dispatcher driven from a terminal, with no Telegram and no network."""
