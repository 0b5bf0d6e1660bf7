"""What the expropriation service stores and reads back: a household's declaration, a quote as computed or signed,
a batch of them. Shared by casework/, exchange/ and api/ (api/ only adds the bodies of its own requests)."""
