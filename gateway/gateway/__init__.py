"""The gateway: the only public entrance to the platform (port 8000)."""
