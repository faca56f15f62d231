"""Day secrets: a random secret per UTC day, shared by every worker, destroyed with its day."""
