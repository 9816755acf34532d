"""Read paths of the chat app."""
