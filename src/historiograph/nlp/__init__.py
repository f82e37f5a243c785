"""NLP: spaCy components and the pipeline that runs them."""
