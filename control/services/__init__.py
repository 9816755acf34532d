"""Writes of the control app: one module per concern (imports, training, casework, ...)."""
