"""The HTTP service: the app, the SPARQL and Graph Store protocols, the server process."""
