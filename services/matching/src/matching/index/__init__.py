"""The index: what matching knows of open needs and supply, kept from the topics' events."""
