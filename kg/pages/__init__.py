"""What the HTML pages show: the query page, resource pages and the explorer."""
