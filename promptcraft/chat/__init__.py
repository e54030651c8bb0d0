"""Chat: sessions and messages streamed from the gateway, and templates found in conversations."""
