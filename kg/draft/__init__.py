"""From an article's plain text to a reviewable draft graph: `kg draft` and `kg draft --accept`."""
