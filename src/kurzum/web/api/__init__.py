"""JSON API routers: publisher, reader, accounts, editor, admin."""
