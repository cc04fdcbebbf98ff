"""Batch rendering and the gallery: spec, staleness manifest, worker pool, generated indexes."""
