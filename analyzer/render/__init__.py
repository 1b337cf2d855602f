"""Renderers: each only reads the model."""
