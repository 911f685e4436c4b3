"""What the bot says and the buttons under it, for both the conversations (dialogs/) and the pushes
(bot/): the message catalog, the buttons' payloads, and text and keyboards built from core's data.
Below both, so neither has to import the other for a card or a word; it sends nothing itself."""
