"""The commands of the medinsurance service, one module per record family.

Each command runs inside the transaction ``api/`` opened: it locks the record it changes, checks the caller's
district, loads the current facts and events, asks ``rules/``, applies the change, audits it and returns the record.
"""
