"""Entity resolution: clusters of mentions that name one real-world thing, with the evidence."""
