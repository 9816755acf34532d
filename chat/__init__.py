"""Intent assistants for customers and employees, human queues and the agent console."""
