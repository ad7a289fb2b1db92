"""What happens around a conversation: sessions, presence, the waiting room, live state."""
