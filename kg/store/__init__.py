"""The only code that touches a triple store: embedded or remote, and the workers that query it."""
