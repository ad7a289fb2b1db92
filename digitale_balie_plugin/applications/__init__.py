"""Application forms during a conversation (domain logic): send, fill in, see live, turn into a PDF."""
