"""Pages of the control app: one module per concern."""
