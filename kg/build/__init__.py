"""The build: ontology + graph -> a reasoned, validated dataset and its files in dist/."""
