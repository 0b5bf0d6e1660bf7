"""The expropriation service's commands on its records: each locks what it changes, loads the current facts and
events, asks the rules, applies the change and audits it, inside the one transaction api/ opened."""
