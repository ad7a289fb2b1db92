"""The summary after a conversation: what was done, sent once to the citizen and shown on a page of its own.

It reads several capabilities (actions and their kinds, documents, booking), so it sits above them, next to
``console`` and ``room``: ``content`` builds it, ``messages`` sends it (by e-mail, or by SMS with a short
link), ``views`` show it and serve its documents through the summary link (``models.SummaryLink``).
"""
