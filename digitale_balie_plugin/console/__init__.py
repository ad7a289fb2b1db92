"""The clerk's console ("My counter"): one page per counter seat, all day. It composes every in-call
capability (actions, documents, payments …) around a conversation of ``calls``; nothing below imports it."""
