"""Links to the world: Wikidata, gazetteers, review files, labels and QuickStatements."""
