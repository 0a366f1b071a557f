"""Base models, the access policy, audit events, registries other apps plug into, test helpers."""
