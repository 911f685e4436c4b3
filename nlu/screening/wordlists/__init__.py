"""The built-in term lists (data only; read by :func:`nlu.screening.lists.builtin_lists`)."""
