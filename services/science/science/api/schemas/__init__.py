"""Request and response bodies of the science API, one module per router."""
