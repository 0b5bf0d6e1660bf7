"""The science service's commands: each locks its records, checks the caller's district, asks the rules on the
current facts, applies the change and audits it, inside the one transaction ``api/`` opened."""
