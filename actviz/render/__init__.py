"""Rendering layer: the only part of actviz that imports matplotlib."""
