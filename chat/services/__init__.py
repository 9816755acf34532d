"""Write paths of the chat app."""
