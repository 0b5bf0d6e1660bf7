"""Request and response bodies of the dogs API, one module per router (shared pieces in ``common``)."""
