"""actviz: draw how activation functions shape neural networks."""
__version__ = "0.1.0"
