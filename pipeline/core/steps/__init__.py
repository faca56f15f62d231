"""The engine's steps, in order: each a small named unit with its closed set of drop reasons."""
