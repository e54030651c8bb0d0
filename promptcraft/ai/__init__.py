"""The AI gateway: providers behind one interface, a fallback chain, usage, quotas, prices."""
