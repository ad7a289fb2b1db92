"""Video rooms: ``base`` (the contract), ``registry`` (``get_video_provider()``,
``video_provider_for(id)``), ``demo`` and one module per vendor (jitsi).

Nothing is imported here, so importing the contract never loads a vendor (nor its SDK).
"""
