"""Feedback: the voluntary survey after a conversation, the general feedback form, the e-mail invitation.

``forms`` holds what the citizen fills in, ``service`` is the one place an answer is stored (once per
conversation, anonymous unless the citizen ticks the box), ``invitations`` sends the single e-mail.
"""
