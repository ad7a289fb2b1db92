"""The citizen's side of a conversation: join link, waiting room, the call page and its live endpoints.
It composes what a call shows (actions, documents, the survey) around ``calls``; nothing below imports it."""
