"""In-call actions: a registry of action types over one shared model and status machine.

Later features add their types (identity verification, payment, documents, signature) by
subclassing ``ActionType`` and registering it; the console panel, the citizen widget and the
live updates pick them up without changes.
"""

from digitale_balie_plugin.actions.registry import ActionType, action_types, register_action_type

__all__ = ["ActionType", "action_types", "register_action_type"]
