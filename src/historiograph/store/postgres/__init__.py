"""The PostgreSQL store (``--db postgresql://…``): needs the ``postgres`` extra (psycopg 3)."""
