"""Documents exchanged during a conversation, safe against hostile files (domain logic).

``validation`` decides what is acceptable, ``storage`` keeps files private, ``service`` uploads,
serves, deletes and expires them with an audit event each time.
"""
