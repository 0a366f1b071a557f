"""The covenant, constituencies, tracks, parties, and people's memberships and invitations."""
