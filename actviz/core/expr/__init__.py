"""Activation functions from expressions: checked against a whitelist, then differentiated exactly."""
