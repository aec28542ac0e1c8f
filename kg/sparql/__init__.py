"""SPARQL as text: the tokenizer, named queries and their parameters, what a query may reach."""
