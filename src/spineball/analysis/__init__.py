"""Session analysis: pure numpy functions used live (incrementally) and offline."""
