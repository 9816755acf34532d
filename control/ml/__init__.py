"""Machine learning for the residence control (bostedskontroll).

Pure Python: data frames in, arrays and plain results out. Nothing here imports Django;
the control app's services connect it to the models.
"""
