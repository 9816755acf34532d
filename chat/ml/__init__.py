"""Intent understanding for the chat assistants: text normalisation, language detection,
the scikit-learn pipeline, its evaluation and thresholds, and skops persistence.

Pure Python and scikit-learn: nothing here imports Django, so it runs and is tested
without a database. `chat.services.training` connects it to the models.
"""
